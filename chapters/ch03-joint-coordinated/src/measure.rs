//! The four desiderata, measured on any representation that gives an image code and
//! an audio code in one space: retrieval across modalities (1), linear probes and
//! transfer between modalities (2, and 3 since each code needs only its own input).

use models::retrieval::{Retrieval, retrieval};
use models::{Probe, ProbeConfig};
use serde::{Deserialize, Serialize};

/// Codes of the training and test pairs, row-major (rows, dim), pair order of the split.
pub struct Codes {
    /// Code width.
    pub dim: usize,
    /// Image codes of the training pairs.
    pub train_image: Vec<f32>,
    /// Audio codes of the training pairs (each pair's own utterance).
    pub train_audio: Vec<f32>,
    /// Image codes of the test pairs.
    pub test_image: Vec<f32>,
    /// Audio codes of the test pairs.
    pub test_audio: Vec<f32>,
}

/// What a representation does for desiderata 1 and 2.
#[derive(Serialize, Deserialize, Debug, Clone, Copy)]
pub struct Desiderata {
    /// Test images as queries, test utterances as the gallery: same-digit share of the top 10.
    pub p10_image_to_audio: f64,
    /// Test utterances as queries, test images as the gallery.
    pub p10_audio_to_image: f64,
    /// The mean of the two directions.
    pub p10: f64,
    /// Share of test queries whose own partner is in the top 10 (mean of both directions).
    pub r10: f64,
    /// Share whose own partner is ranked first (mean of both directions).
    pub r1: f64,
    /// The same R@1 among the 1438 training pairs: how far the codes memorised the pairing.
    pub train_r1: f64,
    /// Linear probe trained and tested on image codes.
    pub probe_image: f64,
    /// Linear probe trained and tested on audio codes.
    pub probe_audio: f64,
    /// Probe trained on audio codes, tested on image codes ("hearing to see").
    pub transfer_audio_to_image: f64,
    /// Probe trained on image codes, tested on audio codes.
    pub transfer_image_to_audio: f64,
}

impl Desiderata {
    /// The mean of the two transfer directions.
    pub fn transfer(&self) -> f64 {
        (self.transfer_audio_to_image + self.transfer_image_to_audio) / 2.0
    }
}

// ANCHOR: measure
/// Measure retrieval, probes and transfer on `codes`: retrieval between the test
/// codes, and `probes` (trained on the training codes, [`Probes::fit`]) read on them.
pub fn measure(codes: &Codes, train_labels: &[usize], test_labels: &[usize], probes: &Probes) -> Desiderata {
    let d = codes.dim;
    let both = |q: &[f32], g: &[f32], labels: &[usize]| -> (Retrieval, Retrieval) {
        (retrieval(q, g, d, labels, labels, 10), retrieval(g, q, d, labels, labels, 10))
    };
    let (i2a, a2i) = both(&codes.test_image, &codes.test_audio, test_labels);
    let train_i2a = retrieval(&codes.train_image, &codes.train_audio, d, train_labels, train_labels, 1);
    let (on_image, on_audio) = (&probes.image, &probes.audio);
    Desiderata {
        p10_image_to_audio: i2a.precision_at_k,
        p10_audio_to_image: a2i.precision_at_k,
        p10: (i2a.precision_at_k + a2i.precision_at_k) / 2.0,
        r10: (i2a.recall_at_k + a2i.recall_at_k) / 2.0,
        r1: (i2a.recall_at_1 + a2i.recall_at_1) / 2.0,
        train_r1: train_i2a.recall_at_1,
        probe_image: on_image.accuracy(&codes.test_image, test_labels),
        probe_audio: on_audio.accuracy(&codes.test_audio, test_labels),
        transfer_audio_to_image: on_audio.accuracy(&codes.test_image, test_labels),
        transfer_image_to_audio: on_image.accuracy(&codes.test_audio, test_labels),
    }
}
// ANCHOR_END: measure

/// The two linear probes of desideratum 2: softmax regression on the training image
/// codes and on the training audio codes.
pub struct Probes {
    /// Trained on image codes.
    pub image: Probe,
    /// Trained on audio codes.
    pub audio: Probe,
}

impl Probes {
    /// Fit both from one RNG seeded with `seed`, the image's first.
    pub fn fit(
        codes: &Codes,
        train_labels: &[usize],
        probe: &ProbeConfig,
        seed: u64,
    ) -> anyhow::Result<Probes> {
        let d = codes.dim;
        let mut rng = autograd::seeded_rng(seed);
        let fit = |x: &[f32], rng: &mut autograd::Rng| {
            Probe::fit(x, d, train_labels, 10, probe, rng).map_err(anyhow::Error::msg)
        };
        let image = fit(&codes.train_image, &mut rng)?;
        let audio = fit(&codes.train_audio, &mut rng)?;
        Ok(Probes { image, audio })
    }
}

//! What the shared code is measured against: the codes of two unimodal autoencoders (separate
//! spaces), linear CCA (a coordinated space with a closed form), and for filling in, the
//! predictions that need no audio at all.

use autograd::{Rng, seeded_rng};
use models::data::{Av, AvDigits, gather_rows};
use models::linalg::Matrix;
use models::{Cca, Probe};
use serde::{Deserialize, Serialize};

use crate::Config;
use crate::unimodal::mse;

/// Ngiam's three settings for a representation that is not the shared code.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct BaselineRow {
    /// The name the page uses.
    pub name: String,
    /// Probe on the representation of both inputs.
    pub fusion: f64,
    /// Probe trained and tested on the image's representation.
    pub image_only: f64,
    /// Probe trained and tested on the audio's representation.
    pub audio_only: f64,
    /// Probe trained on the audio's representation, tested on the image's.
    pub audio_to_image: f64,
    /// Probe trained on the image's representation, tested on the audio's.
    pub image_to_audio: f64,
}

/// The baselines of the three settings.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Baselines {
    /// Unimodal autoencoders and CCA.
    pub rows: Vec<BaselineRow>,
}

/// Squared error per pixel of an image predicted without looking at the audio.
#[derive(Serialize, Deserialize, Debug, Clone, Copy)]
pub struct FillInBaselines {
    /// The training mean image (all zeros, standardised) for every pair.
    pub global_mean: f64,
    /// The mean training image of the pair's digit (an oracle told the label).
    pub class_mean_oracle: f64,
}

/// Probes for the three settings on (train, test) codes of images, audio and both.
fn settings(
    name: &str,
    codes: [(Vec<f32>, Vec<f32>); 3],
    dims: [usize; 3],
    av: &Av,
    cfg: &Config,
    rng: &mut Rng,
) -> anyhow::Result<BaselineRow> {
    let (train_labels, test_labels) = (av.labels(&av.raw.train), av.labels(&av.raw.test));
    let mut fit = |x: &[f32], d: usize| {
        Probe::fit(x, d, &train_labels, 10, &cfg.probe, rng).map_err(anyhow::Error::msg)
    };
    let [image, audio, both] = codes;
    let on_both = fit(&both.0, dims[2])?;
    let on_image = fit(&image.0, dims[0])?;
    let on_audio = fit(&audio.0, dims[1])?;
    let transfer = |probe: &Probe, x: &[f32]| {
        if dims[0] == dims[1] { probe.accuracy(x, &test_labels) } else { f64::NAN }
    };
    Ok(BaselineRow {
        name: name.into(),
        fusion: on_both.accuracy(&both.1, &test_labels),
        image_only: on_image.accuracy(&image.1, &test_labels),
        audio_only: on_audio.accuracy(&audio.1, &test_labels),
        audio_to_image: transfer(&on_audio, &image.1),
        image_to_audio: transfer(&on_image, &audio.1),
    })
}

/// Score the two unimodal autoencoders' codes (each modality's (train, test) codes,
/// from the autoencoders of the code-width sweep), fit CCA, and score the fill-in baselines.
pub fn run(
    av: &Av,
    cfg: &Config,
    image_codes: (Vec<f32>, Vec<f32>),
    audio_codes: (Vec<f32>, Vec<f32>),
) -> anyhow::Result<(Baselines, FillInBaselines)> {
    let mut rng = seeded_rng(cfg.seed ^ 0xba5e);
    let (train, test) = (&av.raw.train, &av.raw.test);
    let aw = av.audio_width();
    let k = cfg.code;
    // Two unimodal autoencoders: two separate codes of the same width.
    let concat = |a: &[f32], b: &[f32]| -> Vec<f32> {
        a.chunks_exact(k).zip(b.chunks_exact(k)).flat_map(|(x, y)| x.iter().chain(y).copied()).collect()
    };
    let both = (concat(&image_codes.0, &audio_codes.0), concat(&image_codes.1, &audio_codes.1));
    let separate = settings(
        "two unimodal autoencoders",
        [image_codes, audio_codes, both],
        [k, k, 2 * k],
        av,
        cfg,
        &mut rng,
    )?;
    // CCA: one linear map per modality into a shared 32-d space; "both" averages the two.
    let image_rows = |rows: &[usize]| {
        Matrix::from_f32(rows.len(), AvDigits::IMAGE, &gather_rows(&av.image, AvDigits::IMAGE, rows).to_vec())
    };
    let audio_rows =
        |rows: &[usize]| Matrix::from_f32(rows.len(), aw, &gather_rows(&av.audio, aw, rows).to_vec());
    let cca =
        Cca::fit(&image_rows(train), &audio_rows(train), cfg.cca_dims, 0.1).map_err(anyhow::Error::msg)?;
    let project = |rows: &[usize]| {
        (cca.transform_x(&image_rows(rows)).to_f32(), cca.transform_y(&audio_rows(rows)).to_f32())
    };
    let ((xi, xa), (ti, ta)) = (project(train), project(test));
    let mean = |a: &[f32], b: &[f32]| -> Vec<f32> { a.iter().zip(b).map(|(x, y)| (x + y) / 2.0).collect() };
    let (bi, bt) = (mean(&xi, &xa), mean(&ti, &ta));
    let d = cfg.cca_dims;
    let cca_row = settings("linear CCA", [(xi, ti), (xa, ta), (bi, bt)], [d, d, d], av, cfg, &mut rng)?;
    // Filling in the image without the audio.
    let truth = gather_rows(&av.image, AvDigits::IMAGE, test).to_vec();
    let mut means = vec![vec![0f32; AvDigits::IMAGE]; 10];
    let mut counts = [0usize; 10];
    for &p in train {
        counts[av.raw.labels[p]] += 1;
        means[av.raw.labels[p]]
            .iter_mut()
            .zip(&av.image[p * AvDigits::IMAGE..][..AvDigits::IMAGE])
            .for_each(|(m, v)| *m += v);
    }
    means.iter_mut().zip(counts).for_each(|(m, c)| m.iter_mut().for_each(|v| *v /= c.max(1) as f32));
    let oracle: Vec<f32> = test.iter().flat_map(|&p| means[av.raw.labels[p]].clone()).collect();
    let fill_in = FillInBaselines {
        global_mean: mse(&vec![0.0; truth.len()], &truth),
        class_mean_oracle: mse(&oracle, &truth),
    };
    Ok((Baselines { rows: vec![separate, cca_row] }, fill_in))
}

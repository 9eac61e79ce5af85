//! The bimodal deep autoencoder (Ngiam et al. 2011): an image encoder and an audio
//! encoder feed one shared layer, whose code is decoded back into both modalities.
//! Trained only on pairs with both inputs (variant A), it learns to use both; trained
//! also on pairs with one input zeroed while still reconstructing both (variant B, the
//! paper's recipe), it must fill in the missing one from the shared code.

use autograd::{Adam, Rng, Tensor, no_grad, seeded_rng};
use models::data::{Av, AvDigits, Pairing, shuffled_batches};
use models::{Activation, Linear, Mlp, Mode, Model, Module, Named, Probe};
use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::Config;
use crate::unimodal::mse;

/// Which inputs the encoder sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Present {
    /// Image and audio.
    Both,
    /// The audio zeroed.
    ImageOnly,
    /// The image zeroed.
    AudioOnly,
}

/// How a bimodal autoencoder is trained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recipe {
    /// The name the page uses.
    pub name: String,
    /// Also train on pairs with one modality zeroed (Ngiam's augmentation).
    pub zeroing: bool,
    /// Train with both inputs only for this share of the epochs first.
    pub pretrain_share: f32,
    /// Adam's weight decay.
    pub weight_decay: f32,
    /// Fixed pairs or a fresh same-digit partner at every step.
    pub pairing: Pairing,
}

// ANCHOR: bimodal
/// Two encoders, one shared code, two decoders.
pub struct Bimodal {
    image_encoder: Mlp, // 64 -> 128 -> 64
    audio_encoder: Mlp, // 400 -> 128 -> 64
    shared: Linear,     // 64 + 64 -> 32: the joint representation
    unshared: Linear,   // 32 -> 64 + 64
    image_decoder: Mlp, // 64 -> 128 -> 64
    audio_decoder: Mlp, // 64 -> 128 -> 400
}

impl Bimodal {
    /// The shared code of image and audio rows (either may be zeros).
    pub fn encode(&self, image: &Tensor, audio: &Tensor) -> Tensor {
        let hi = self.image_encoder.forward(image).relu();
        let ha = self.audio_encoder.forward(audio).relu();
        self.shared.forward(&Tensor::concat(&[hi, ha], 1)).tanh()
    }

    /// Both reconstructions from a shared code.
    pub fn decode(&self, code: &Tensor) -> (Tensor, Tensor) {
        let h = self.unshared.forward(code).relu();
        let half = h.shape()[1] / 2;
        (
            self.image_decoder.forward(&h.narrow(1, 0, half)),
            self.audio_decoder.forward(&h.narrow(1, half, half)),
        )
    }
}

/// One step's loss: encode what is present, reconstruct both modalities in full.
fn loss(model: &Bimodal, image: &Tensor, audio: &Tensor, keep: (&Tensor, &Tensor)) -> Tensor {
    let code = model.encode(&image.mul(keep.0), &audio.mul(keep.1)); // keep: (n, 1) of 0 or 1
    let (image_out, audio_out) = model.decode(&code);
    image_out.mse(image).add(&audio_out.mse(audio))
}
// ANCHOR_END: bimodal

impl Bimodal {
    /// A fresh model for audio rows of `audio_width` numbers, with the widths of `cfg`.
    pub fn new(audio_width: usize, cfg: &Config, rng: &mut Rng) -> Bimodal {
        let (h, m, c) = (cfg.hidden, cfg.hidden / 2, cfg.code);
        Bimodal {
            image_encoder: Mlp::new(&[AvDigits::IMAGE, h, m], Activation::Relu, rng),
            audio_encoder: Mlp::new(&[audio_width, h, m], Activation::Relu, rng),
            shared: Linear::xavier(2 * m, c, rng),
            unshared: Linear::xavier(c, 2 * m, rng),
            image_decoder: Mlp::new(&[m, h, AvDigits::IMAGE], Activation::Relu, rng),
            audio_decoder: Mlp::new(&[m, h, audio_width], Activation::Relu, rng),
        }
    }

    /// The image's encoder (its last layer's output is the image's half of the shared layer's input).
    pub fn image_encoder(&self) -> &Mlp {
        &self.image_encoder
    }

    /// The audio's encoder.
    pub fn audio_encoder(&self) -> &Mlp {
        &self.audio_encoder
    }

    /// The shared layer: both encoders' outputs, concatenated, to the code.
    pub fn shared(&self) -> &Linear {
        &self.shared
    }

    /// The layer from the code back to two halves, one per decoder.
    pub fn unshared(&self) -> &Linear {
        &self.unshared
    }

    /// The image's decoder.
    pub fn image_decoder(&self) -> &Mlp {
        &self.image_decoder
    }

    /// The audio's decoder.
    pub fn audio_decoder(&self) -> &Mlp {
        &self.audio_decoder
    }

    /// The shared codes of the pairs `rows`, with the inputs `present` says (no graph).
    pub(crate) fn codes(&self, av: &Av, rows: &[usize], present: Present) -> Vec<f32> {
        no_grad(|| {
            let (image, audio) = inputs(av, rows, present);
            self.encode(&image, &audio).to_vec()
        })
    }
}

/// `{prefix}.{2i}.weight` and `.bias` of an `nn.Sequential(Linear, ReLU, Linear, ...)`.
fn sequential<'a>(prefix: &str, mlp: &'a Mlp) -> Vec<Named<'a>> {
    mlp.layers
        .iter()
        .enumerate()
        .flat_map(|(i, layer)| Named::linear(&format!("{prefix}.{}", 2 * i), layer))
        .collect()
}

/// The names of the PyTorch twin:
///
/// ```python
/// class BimodalAutoencoder(nn.Module):
///     encoder_image = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64))  # then ReLU
///     encoder_audio = nn.Sequential(nn.Linear(400, 128), nn.ReLU(), nn.Linear(128, 64))  # then ReLU
///     shared = nn.Linear(128, 32)  # on torch.cat([image, audio], 1), then tanh: the code
///     unshared = nn.Linear(32, 128)  # then ReLU, split in halves: image's first
///     decoder_image = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64))
///     decoder_audio = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 400))
/// ```
///
/// `forward([image, audio])` is the shared code (a missing modality given as zeros).
impl Model for Bimodal {
    fn forward(&self, inputs: &[Tensor], _mode: &mut Mode<'_>) -> Tensor {
        assert_eq!(inputs.len(), 2, "Bimodal::forward: takes [image, audio], got {} inputs", inputs.len());
        self.encode(&inputs[0], &inputs[1])
    }

    fn named_parameters(&self) -> Vec<Named<'_>> {
        let mut named = sequential("encoder_image", &self.image_encoder);
        named.extend(sequential("encoder_audio", &self.audio_encoder));
        named.extend(Named::linear("shared", &self.shared));
        named.extend(Named::linear("unshared", &self.unshared));
        named.extend(sequential("decoder_image", &self.image_decoder));
        named.extend(sequential("decoder_audio", &self.audio_decoder));
        named
    }

    fn parameters_mut(&mut self) -> Vec<&mut autograd::Parameter> {
        let mut p = self.image_encoder.parameters_mut();
        p.extend(self.audio_encoder.parameters_mut());
        p.extend(self.shared.parameters_mut());
        p.extend(self.unshared.parameters_mut());
        p.extend(self.image_decoder.parameters_mut());
        p.extend(self.audio_decoder.parameters_mut());
        p
    }
}

/// The linear probes of Ngiam's three settings, each fitted on the shared codes of the
/// training pairs: of both inputs, of the image alone, of the audio alone.
pub(crate) struct Probes {
    /// On codes of both inputs (multimodal fusion).
    pub both: Probe,
    /// On codes of the image alone.
    pub image_only: Probe,
    /// On codes of the audio alone.
    pub audio_only: Probe,
}

/// What a trained model and its probes score on the test pairs.
pub(crate) struct Scores {
    /// The numbers the page's table shows.
    pub row: [f64; 6],
    /// Every test image rebuilt from the audio alone, (test pairs, 64).
    pub rebuilt_all: Vec<f32>,
}

/// The names of [`Scores::row`]'s numbers, as `BimodalRow` names them.
pub(crate) const SCORES: [&str; 6] =
    ["fusion", "image_only", "audio_only", "audio_to_image", "image_to_audio", "image_from_audio_mse"];

impl BimodalRow {
    /// Its numbers in [`SCORES`]' order.
    pub(crate) fn scores(&self) -> [f64; 6] {
        [
            self.fusion,
            self.image_only,
            self.audio_only,
            self.audio_to_image,
            self.image_to_audio,
            self.image_from_audio_mse,
        ]
    }
}

/// Ngiam's three settings and the filled-in image, on the test pairs: what the run
/// reports, and what `--load` recomputes from a checkpoint.
pub(crate) fn score(model: &Bimodal, probes: &Probes, av: &Av) -> Scores {
    let test = &av.raw.test;
    let test_labels = av.labels(test);
    let code = |rows: &[usize], p| model.codes(av, rows, p);
    let (test_image, test_audio) = (code(test, Present::ImageOnly), code(test, Present::AudioOnly));
    let rebuilt_all = no_grad(|| {
        let (image, audio) = inputs(av, test, Present::AudioOnly);
        model.decode(&model.encode(&image, &audio)).0.to_vec()
    });
    let truth = av.images(test).to_vec();
    Scores {
        row: [
            probes.both.accuracy(&code(test, Present::Both), &test_labels),
            probes.image_only.accuracy(&test_image, &test_labels),
            probes.audio_only.accuracy(&test_audio, &test_labels),
            probes.audio_only.accuracy(&test_image, &test_labels),
            probes.image_only.accuracy(&test_audio, &test_labels),
            mse(&rebuilt_all, &truth),
        ],
        rebuilt_all,
    }
}

/// Test and training inputs with a modality zeroed as `present` says.
fn inputs(av: &Av, rows: &[usize], present: Present) -> (Tensor, Tensor) {
    let (image, audio) = (av.images(rows), av.audios(rows));
    match present {
        Present::Both => (image, audio),
        Present::ImageOnly => (image, Tensor::zeros(audio.shape())),
        Present::AudioOnly => (Tensor::zeros(image.shape()), audio),
    }
}

/// What one recipe gave, all from linear probes on the shared code.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct BimodalRow {
    /// How it was trained.
    pub recipe: Recipe,
    /// Multimodal fusion: probe trained and tested on codes of both inputs.
    pub fusion: f64,
    /// Cross-modality learning: trained and tested on codes of the image alone.
    pub image_only: f64,
    /// ... and of the audio alone.
    pub audio_only: f64,
    /// Shared representation ("hearing to see"): trained on audio-only codes, tested on image-only codes.
    pub audio_to_image: f64,
    /// Trained on image-only codes, tested on audio-only codes.
    pub image_to_audio: f64,
    /// Test MSE per pixel of the image rebuilt from the audio alone (standardised units).
    pub image_from_audio_mse: f64,
    /// For the figure: images rebuilt from the audio alone, first test pair of each digit.
    #[serde(skip, default)]
    pub rebuilt: Vec<(usize, Vec<f32>)>,
}

/// Train with `recipe`, then measure Ngiam's three settings and the filled-in image.
/// With `keep`, the trained model and its probes also come back as plain data (their
/// tensors cannot leave this thread), for `--save`.
pub(crate) fn run(
    av: &Av,
    recipe: &Recipe,
    cfg: &Config,
    keep: bool,
) -> anyhow::Result<(BimodalRow, Option<crate::checkpoint::KeptModel>)> {
    let mut rng = seeded_rng(cfg.seed);
    let mut model = Bimodal::new(av.audio_width(), cfg, &mut rng);
    let mut adam = Adam::new(cfg.lr).with_weight_decay(recipe.weight_decay);
    let train = &av.raw.train;
    let pretrain = (recipe.pretrain_share * cfg.epochs as f32).round() as usize;
    let mut step = 0;
    for epoch in 0..cfg.epochs {
        for batch in shuffled_batches(train.len(), 64, &mut rng) {
            let rows: Vec<usize> = batch.iter().map(|&b| train[b]).collect();
            let partners = av.partners(&rows, recipe.pairing, &mut rng);
            // ANCHOR: keep
            // A third of the pairs keep both, a third lose the audio, a third the image.
            let (mut ki, mut ka) = (vec![1f32; rows.len()], vec![1f32; rows.len()]);
            if recipe.zeroing && epoch >= pretrain {
                for (i, a) in ki.iter_mut().zip(ka.iter_mut()) {
                    match rng.random_range(0..3) {
                        1 => *a = 0.0,
                        2 => *i = 0.0,
                        _ => {}
                    }
                }
            }
            // ANCHOR_END: keep
            let keep = (Tensor::from_vec(ki, &[rows.len(), 1]), Tensor::from_vec(ka, &[rows.len(), 1]));
            let loss = loss(&model, &av.images(&rows), &av.audios(&partners), (&keep.0, &keep.1));
            kit::check_finite(step, loss.item())?;
            let grads = loss.backward();
            drop(loss);
            adam.step(&mut model.parameters_mut(), &grads);
            step += 1;
        }
    }
    let train_labels = av.labels(train);
    let test = &av.raw.test;
    let code = |rows: &[usize], p| model.codes(av, rows, p);
    let c = cfg.code;
    let probe = |x: &[f32], rng: &mut Rng| {
        Probe::fit(x, c, &train_labels, 10, &cfg.probe, rng).map_err(anyhow::Error::msg)
    };
    let probes = Probes {
        both: probe(&code(train, Present::Both), &mut rng)?,
        image_only: probe(&code(train, Present::ImageOnly), &mut rng)?,
        audio_only: probe(&code(train, Present::AudioOnly), &mut rng)?,
    };
    let scores = score(&model, &probes, av);
    let rebuilt = (0..10)
        .filter_map(|d| test.iter().position(|&p| av.raw.labels[p] == d))
        .map(|i| (test[i], scores.rebuilt_all[i * AvDigits::IMAGE..][..AvDigits::IMAGE].to_vec()))
        .collect();
    let [fusion, image_only, audio_only, audio_to_image, image_to_audio, image_from_audio_mse] = scores.row;
    let row = BimodalRow {
        recipe: recipe.clone(),
        fusion,
        image_only,
        audio_only,
        audio_to_image,
        image_to_audio,
        image_from_audio_mse,
        rebuilt,
    };
    let kept = keep.then(|| crate::checkpoint::KeptModel::bimodal(&model, &probes));
    Ok((row, kept))
}

//! The bimodal deep autoencoder (Ngiam et al. 2011): an image encoder and an audio
//! encoder feed one shared layer, whose code is decoded back into both modalities.
//! Trained only on pairs with both inputs (variant A), it learns to use both; trained
//! also on pairs with one input zeroed while still reconstructing both (variant B, the
//! paper's recipe), it must fill in the missing one from the shared code.

use autograd::{Adam, Rng, Tensor, no_grad, seeded_rng};
use models::data::{Av, AvDigits, Pairing, shuffled_batches};
use models::{Activation, Linear, Mlp, Module, Probe};
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

    fn parameters_mut(&mut self) -> Vec<&mut autograd::Parameter> {
        let mut p = self.image_encoder.parameters_mut();
        p.extend(self.audio_encoder.parameters_mut());
        p.extend(self.shared.parameters_mut());
        p.extend(self.unshared.parameters_mut());
        p.extend(self.image_decoder.parameters_mut());
        p.extend(self.audio_decoder.parameters_mut());
        p
    }

    fn codes(&self, av: &Av, rows: &[usize], present: Present) -> Vec<f32> {
        no_grad(|| {
            let (image, audio) = inputs(av, rows, present);
            self.encode(&image, &audio).to_vec()
        })
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
pub fn run(av: &Av, recipe: &Recipe, cfg: &Config) -> anyhow::Result<BimodalRow> {
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
    let (train_labels, test_labels) = (av.labels(train), av.labels(&av.raw.test));
    let test = &av.raw.test;
    let code = |rows: &[usize], p| model.codes(av, rows, p);
    let c = cfg.code;
    let probe = |x: &[f32], rng: &mut Rng| {
        Probe::fit(x, c, &train_labels, 10, &cfg.probe, rng).map_err(anyhow::Error::msg)
    };
    let on_both = probe(&code(train, Present::Both), &mut rng)?;
    let on_image = probe(&code(train, Present::ImageOnly), &mut rng)?;
    let on_audio = probe(&code(train, Present::AudioOnly), &mut rng)?;
    let (test_image, test_audio) = (code(test, Present::ImageOnly), code(test, Present::AudioOnly));
    let rebuilt_all = no_grad(|| {
        let (image, audio) = inputs(av, test, Present::AudioOnly);
        model.decode(&model.encode(&image, &audio)).0.to_vec()
    });
    let truth = av.images(test).to_vec();
    let rebuilt = (0..10)
        .filter_map(|d| test.iter().position(|&p| av.raw.labels[p] == d))
        .map(|i| (test[i], rebuilt_all[i * AvDigits::IMAGE..][..AvDigits::IMAGE].to_vec()))
        .collect();
    Ok(BimodalRow {
        recipe: recipe.clone(),
        fusion: on_both.accuracy(&code(test, Present::Both), &test_labels),
        image_only: on_image.accuracy(&test_image, &test_labels),
        audio_only: on_audio.accuracy(&test_audio, &test_labels),
        audio_to_image: on_audio.accuracy(&test_image, &test_labels),
        image_to_audio: on_image.accuracy(&test_audio, &test_labels),
        image_from_audio_mse: mse(&rebuilt_all, &truth),
        rebuilt,
    })
}

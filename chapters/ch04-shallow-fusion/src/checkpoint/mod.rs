//! `--save DIR` and `--load DIR`: the chapter's fusion models on the AV digits, of
//! the first seed.
//!
//! - `early_softmax.safetensors`: early fusion, softmax regression on the 464
//!   concatenated inputs, `nn.Linear(464, 10)` (`weight` (10, 464), `bias`).
//! - `early_mlp.safetensors`: the one-hidden-layer MLP on the same concatenation,
//!   `nn.Sequential(nn.Linear(464, 128), nn.ReLU(), nn.Linear(128, 10))` (`0.weight`,
//!   `0.bias`, `2.weight`, `2.bias`).
//! - `late_fusion.safetensors`: late fusion, a softmax regression per modality and the
//!   reliability gate (`impl Model for LateFusion`): `image.weight` (10, 64),
//!   `image.bias`, `audio.weight` (10, 400), `audio.bias`, `gate.weight` (1, 2),
//!   `gate.bias`.
//!
//! Each file's metadata holds the architecture, the configuration, the preprocessing
//! (the data variant, each pixel's and spectrogram cell's training mean and standard
//! deviation; for the gate, the training mean and standard deviation of σ and SNR) and
//! what the run measured. The run trains its models on worker threads, where they stay,
//! so `--save` trains these again on the main thread from the same seeds, rebuilds each
//! from the exact tensors it is about to write, and writes nothing unless every rebuilt
//! model scores exactly what the run reported. `--load DIR` rebuilds every model from
//! its file, standardises the data of `--data` with the saved statistics, scores it on
//! the test pairs and fails unless it scores what was saved, bit for bit.

use std::path::Path;

use autograd::Tensor;
use models::data::{AvDigits, AvVariant, standardise};
use models::{Linear, Mlp, Mode, Model, Named, Probe, Torch};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Config;
use crate::features::{CLASSES, Inputs, mlp_accuracy, rows};
use models::data::Av;

mod loading;
mod saving;

pub use loading::load;
pub use saving::save;

/// Early fusion's softmax regression, inside `--save DIR`.
pub const EARLY_SOFTMAX: &str = "early_softmax.safetensors";
/// The one-hidden-layer MLP on the concatenation.
pub const EARLY_MLP: &str = "early_mlp.safetensors";
/// Late fusion with its reliability gate.
pub const LATE: &str = "late_fusion.safetensors";

/// How the raw files become the models' inputs.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Preprocessing {
    /// "noisy" (`digits_noisy.csv` + `spoken_digits.u8`) or "clean".
    pub variant: String,
    /// The image's steps, in words.
    pub image: String,
    /// The spectrogram's steps, in words.
    pub audio: String,
    /// Each pixel's mean over the training pairs (64).
    pub image_mean: Vec<f32>,
    /// Each pixel's standard deviation over the training pairs (1 where it is 0).
    pub image_std: Vec<f32>,
    /// Each spectrogram cell's mean over the training pairs (bands x frames, band-major).
    pub audio_mean: Vec<f32>,
    /// Each cell's standard deviation over the training pairs (1 where it is 0).
    pub audio_std: Vec<f32>,
}

impl Preprocessing {
    /// What `Av::load` did to `av`.
    fn of(av: &Av, variant: AvVariant) -> Preprocessing {
        Preprocessing {
            variant: match variant {
                AvVariant::Noisy => "noisy",
                AvVariant::Clean => "clean",
            }
            .into(),
            image: "pixel values 0..16 of the digits CSV divided by 16, then (x - image_mean) / image_std per pixel"
                .into(),
            audio: format!(
                "spectrogram bytes divided by 255 ({} mel bands x {} frames, band-major), then (x - audio_mean) / \
                 audio_std per cell; early fusion reads [image (64) | audio], pair by pair (the fixed pairs)",
                av.raw.bands, av.raw.frames
            ),
            image_mean: av.image_stats.0.clone(),
            image_std: av.image_stats.1.clone(),
            audio_mean: av.audio_stats.0.clone(),
            audio_std: av.audio_stats.1.clone(),
        }
    }

    /// The AV digits of `data` standardised with these statistics; prints a note when
    /// the data's own training statistics differ.
    fn apply(&self, data: &Path, path: &Path) -> anyhow::Result<Av> {
        let variant = match self.variant.as_str() {
            "noisy" => AvVariant::Noisy,
            "clean" => AvVariant::Clean,
            other => anyhow::bail!("{}: unknown data variant {other:?} (noisy or clean)", path.display()),
        };
        let mut av =
            Av::load(data, variant).map_err(|e| anyhow::anyhow!("loading the audio-visual digits: {e}"))?;
        anyhow::ensure!(
            self.image_mean.len() == AvDigits::IMAGE
                && self.image_std.len() == AvDigits::IMAGE
                && self.audio_mean.len() == av.audio_width()
                && self.audio_std.len() == av.audio_width(),
            "{}: statistics for {} pixels and {} cells, but the data in {} have {} and {}",
            path.display(),
            self.image_mean.len(),
            self.audio_mean.len(),
            data.display(),
            AvDigits::IMAGE,
            av.audio_width()
        );
        if av.image_stats != (self.image_mean.clone(), self.image_std.clone())
            || av.audio_stats != (self.audio_mean.clone(), self.audio_std.clone())
        {
            println!(
                "  note: the training statistics of the data in {} differ from those saved in {}; the saved ones \
                 are used",
                data.display(),
                path.display()
            );
        }
        av.image = standardise(&av.raw.image, &self.image_mean, &self.image_std);
        av.audio = standardise(&av.raw.audio, &self.audio_mean, &self.audio_std);
        Ok(av)
    }
}

/// The settings the saved models were trained with.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Settings {
    /// The run's first seed (the models on the concatenation use `seed + 2`).
    pub seed: u64,
    /// Epochs of the MLP.
    pub epochs: usize,
    /// Adam's learning rate for the MLP.
    pub lr: f32,
    /// Hidden width of the MLP.
    pub hidden: usize,
    /// Softmax regression: full-batch Adam steps.
    pub probe_steps: usize,
    /// Softmax regression: Adam's learning rate.
    pub probe_lr: f32,
    /// Softmax regression: weight decay.
    pub probe_weight_decay: f32,
    /// Full-batch Adam steps of the gate.
    pub gate_steps: usize,
}

impl Settings {
    fn of(cfg: &Config) -> Settings {
        Settings {
            seed: cfg.seed,
            epochs: cfg.epochs,
            lr: cfg.lr,
            hidden: cfg.hidden,
            probe_steps: cfg.probe.steps,
            probe_lr: cfg.probe.lr,
            probe_weight_decay: cfg.probe.weight_decay,
            gate_steps: cfg.gate_steps,
        }
    }
}

/// Softmax regression as PyTorch's `nn.Linear(in, 10)`: entries `weight` (10, in) and
/// `bias`. The forward pass gives the logits of `inputs[0]`.
struct Softmax(Probe);

impl Softmax {
    /// Zero weights reading `width` numbers, to load a checkpoint into.
    fn zeros(width: usize) -> Softmax {
        Softmax(Probe { linear: Linear::new(Tensor::zeros(&[width, CLASSES]), Tensor::zeros(&[CLASSES])) })
    }

    /// Test accuracy on the concatenated test pairs, as the run scores it.
    fn test_accuracy(&self, av: &Av) -> f64 {
        let test = &av.raw.test;
        self.0.accuracy(&rows(av, Inputs::Both, test, test), &av.labels(test))
    }
}

impl Model for Softmax {
    fn forward(&self, inputs: &[Tensor], _mode: &mut Mode<'_>) -> Tensor {
        models::Module::forward(&self.0.linear, &inputs[0])
    }

    fn named_parameters(&self) -> Vec<Named<'_>> {
        let linear = &self.0.linear;
        vec![
            Named { name: "weight".into(), param: &linear.weight, torch: Torch::Transposed },
            Named::same("bias", &linear.bias),
        ]
    }

    fn parameters_mut(&mut self) -> Vec<&mut autograd::Parameter> {
        models::Module::parameters_mut(&mut self.0.linear)
    }
}

/// The metadata every file carries.
fn metadata(
    pytorch: &str,
    architecture: Value,
    settings: &Settings,
    pre: &Preprocessing,
    measured: Value,
) -> anyhow::Result<Vec<(&'static str, String)>> {
    Ok(vec![
        ("pytorch", pytorch.to_string()),
        ("architecture", architecture.to_string()),
        ("config", serde_json::to_string(settings)?),
        ("preprocessing", serde_json::to_string(pre)?),
        ("measured", measured.to_string()),
    ])
}

/// Test accuracy of the MLP on the concatenated test pairs.
fn mlp_test_accuracy(model: &Mlp, av: &Av) -> f64 {
    let test = &av.raw.test;
    mlp_accuracy(model, &rows(av, Inputs::Both, test, test), &av.labels(test))
}

/// An error unless `now` is bit for bit `then`.
fn ensure_equal(what: &str, now: f64, then: f64) -> anyhow::Result<()> {
    anyhow::ensure!(now.to_bits() == then.to_bits(), "{what}: {now} now, {then} then");
    Ok(())
}

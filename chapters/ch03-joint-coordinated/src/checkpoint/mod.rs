//! `--save DIR` and `--load DIR`: the chapter's three representations of the first
//! seed, each with the linear probes its desiderata were read with.
//!
//! - `joint.safetensors`: the joint classifier, `nn.Sequential(nn.Linear(464, 128),
//!   nn.ReLU(), nn.Linear(128, 32), nn.ReLU(), nn.Linear(32, 10))` (`Mlp::state_dict`:
//!   `0.weight`, ..., `4.bias`); its code is the output of module 3.
//! - `coordinated.safetensors`: the coordinated model at the strongest coordination
//!   of the sweep (margin loss, the largest λ, fresh partners): `image.0.weight`, ...,
//!   `audio.2.bias`, `image_head.weight`, `audio_head.bias` (`impl Model for
//!   Coordinated`).
//! - `cca.safetensors`: linear CCA, in float64 (its codes are computed in f64):
//!   `cca.x_mean` (64), `cca.x_rotations` (64, 64), `cca.y_mean` (400),
//!   `cca.y_rotations` (400, 64) and `cca.correlations` (64), as scikit-learn's `CCA`
//!   names them (`_x_mean`, `x_rotations_`, ...): codes = (x - x_mean) @
//!   x_rotations[:, :k], without scikit-learn's scaling.
//! - `NAME_probes.safetensors` beside each: the softmax-regression probes on its codes,
//!   `nn.ModuleDict` of `nn.Linear` (`probe_image.weight`, ...).
//!
//! Each file's metadata holds the architecture, the configuration, the preprocessing
//! (the data variant, each pixel's and spectrogram cell's training mean and standard
//! deviation) and the model's report entry as the run measured it. The run trains its
//! models on worker threads, where they stay, so `--save` trains these again on the main
//! thread from the same seed, rebuilds each from the exact tensors it is about to write,
//! and writes nothing unless every rebuilt model measures exactly what the run reported.
//! `--load DIR` rebuilds every model from its file, standardises the data of `--data`
//! with the saved statistics, measures it on the test pairs and fails unless every
//! number of its report entry is what was saved, bit for bit.

use std::path::Path;

use kit::checkpoint::{ProbeSet, first_difference};
use models::data::{AvDigits, AvVariant, standardise};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::baselines::CcaProbes;
use crate::joint::JointProbes;
use crate::measure::Probes;
use crate::{Av, Config};

mod cca;
mod loading;
mod saving;

pub use loading::load;
pub use saving::save;

/// The joint classifier's file inside `--save DIR`.
pub const JOINT: &str = "joint.safetensors";
/// The coordinated model's file.
pub const COORDINATED: &str = "coordinated.safetensors";
/// CCA's file (float64).
pub const CCA: &str = "cca.safetensors";

/// The probes' file beside a model's `name.safetensors`.
pub fn probes_file(model_file: &str) -> String {
    model_file.replace(".safetensors", "_probes.safetensors")
}

/// Classes every classifier and probe scores.
const CLASSES: usize = 10;

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
            variant: variant_name(variant).into(),
            image: "pixel values 0..16 of the digits CSV divided by 16, then (x - image_mean) / image_std per pixel"
                .into(),
            audio: format!(
                "spectrogram bytes divided by 255 ({} mel bands x {} frames, band-major), then (x - audio_mean) / \
                 audio_std per cell",
                av.raw.bands, av.raw.frames
            ),
            image_mean: av.image_stats.0.clone(),
            image_std: av.image_stats.1.clone(),
            audio_mean: av.audio_stats.0.clone(),
            audio_std: av.audio_stats.1.clone(),
        }
    }

    /// The AV digits of `data` standardised with these statistics, and whether the
    /// data's own training statistics are the same.
    fn apply(&self, data: &Path, path: &Path) -> anyhow::Result<(Av, bool)> {
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
        let same = av.image_stats == (self.image_mean.clone(), self.image_std.clone())
            && av.audio_stats == (self.audio_mean.clone(), self.audio_std.clone());
        av.image = standardise(&av.raw.image, &self.image_mean, &self.image_std);
        av.audio = standardise(&av.raw.audio, &self.audio_mean, &self.audio_std);
        Ok((av, same))
    }
}

fn variant_name(variant: AvVariant) -> &'static str {
    match variant {
        AvVariant::Noisy => "noisy",
        AvVariant::Clean => "clean",
    }
}

/// The settings a saved model was trained and measured with.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Settings {
    /// The seed of the model's RNG (and of its probes').
    pub seed: u64,
    /// Training epochs.
    pub epochs: usize,
    /// Minibatch size.
    pub batch_size: usize,
    /// Adam's learning rate.
    pub lr: f32,
    /// Encoder hidden width.
    pub hidden: usize,
    /// Code width.
    pub code: usize,
    /// Ranking margin.
    pub margin: f32,
    /// InfoNCE temperature.
    pub temperature: f32,
    /// CCA directions kept.
    pub cca_dims: usize,
    /// Ridge added to CCA's covariances.
    pub cca_ridge: f64,
    /// Probe training: full-batch Adam steps.
    pub probe_steps: usize,
    /// Probe training: Adam's learning rate.
    pub probe_lr: f32,
    /// Probe training: weight decay.
    pub probe_weight_decay: f32,
}

impl Settings {
    fn of(cfg: &Config) -> Settings {
        Settings {
            seed: cfg.seed,
            epochs: cfg.epochs,
            batch_size: cfg.batch_size,
            lr: cfg.lr,
            hidden: cfg.hidden,
            code: cfg.code,
            margin: cfg.margin,
            temperature: cfg.temperature,
            cca_dims: cfg.cca_dims,
            cca_ridge: cfg.cca_ridge,
            probe_steps: cfg.probe.steps,
            probe_lr: cfg.probe.lr,
            probe_weight_decay: cfg.probe.weight_decay,
        }
    }

    /// A configuration with these settings (the data folder is the caller's).
    fn config(&self) -> Config {
        Config {
            seed: self.seed,
            epochs: self.epochs,
            batch_size: self.batch_size,
            lr: self.lr,
            hidden: self.hidden,
            code: self.code,
            margin: self.margin,
            temperature: self.temperature,
            cca_dims: self.cca_dims,
            cca_ridge: self.cca_ridge,
            probe: models::ProbeConfig {
                steps: self.probe_steps,
                lr: self.probe_lr,
                weight_decay: self.probe_weight_decay,
            },
            ..Config::default()
        }
    }
}

/// Untrained probes of these names and input widths, to load a checkpoint into.
fn untrained(shapes: &[(&str, usize)]) -> ProbeSet {
    ProbeSet::untrained(shapes, CLASSES)
}

/// The names and widths of the probe sets each file holds.
fn joint_probe_shapes(code: usize) -> [(&'static str, usize); 3] {
    [("probe_image", code), ("probe_audio", code), ("probe_both", code)]
}
fn coordinated_probe_shapes(code: usize) -> [(&'static str, usize); 2] {
    [("probe_image", code), ("probe_audio", code)]
}
fn cca_probe_shapes(dims: usize, few: usize) -> [(&'static str, usize); 4] {
    [("probe_image", dims), ("probe_audio", dims), ("few_probe_image", few), ("few_probe_audio", few)]
}

impl JointProbes {
    fn into_set(self) -> ProbeSet {
        let JointProbes { codes: Probes { image, audio }, both } = self;
        ProbeSet(vec![
            ("probe_image".into(), image.linear),
            ("probe_audio".into(), audio.linear),
            ("probe_both".into(), both.linear),
        ])
    }

    fn from_set(set: ProbeSet) -> JointProbes {
        JointProbes {
            codes: Probes { image: set.probe("probe_image"), audio: set.probe("probe_audio") },
            both: set.probe("probe_both"),
        }
    }
}

impl Probes {
    fn into_set(self) -> ProbeSet {
        ProbeSet(vec![("probe_image".into(), self.image.linear), ("probe_audio".into(), self.audio.linear)])
    }

    fn from_set(set: ProbeSet) -> Probes {
        Probes { image: set.probe("probe_image"), audio: set.probe("probe_audio") }
    }
}

impl CcaProbes {
    fn into_set(self) -> ProbeSet {
        let CcaProbes { kept, few } = self;
        ProbeSet(vec![
            ("probe_image".into(), kept.image.linear),
            ("probe_audio".into(), kept.audio.linear),
            ("few_probe_image".into(), few.image.linear),
            ("few_probe_audio".into(), few.audio.linear),
        ])
    }

    fn from_set(set: ProbeSet) -> CcaProbes {
        CcaProbes {
            kept: Probes { image: set.probe("probe_image"), audio: set.probe("probe_audio") },
            few: Probes { image: set.probe("few_probe_image"), audio: set.probe("few_probe_audio") },
        }
    }
}

/// `value` as JSON: f64 and f32 written in full (shortest round-trip), so two entries
/// are equal as JSON exactly when their numbers are equal bit for bit.
fn json(value: &impl Serialize) -> anyhow::Result<Value> {
    Ok(serde_json::to_value(value)?)
}

/// An error unless `got` (what the model measures now) is `want` (what the run
/// reported, or what the file saved), naming the first number that differs.
fn ensure_same(what: &str, got: &impl Serialize, want: &impl Serialize) -> anyhow::Result<()> {
    if let Some(diff) = first_difference(&json(got)?, &json(want)?) {
        anyhow::bail!("{what} (now vs then: {diff})");
    }
    Ok(())
}

/// The metadata every file carries.
fn metadata(
    model: &str,
    pytorch: &str,
    architecture: Value,
    settings: &Settings,
    pre: &Preprocessing,
    report: Value,
) -> anyhow::Result<Vec<(&'static str, String)>> {
    Ok(vec![
        ("model", model.to_string()),
        ("pytorch", pytorch.to_string()),
        ("architecture", architecture.to_string()),
        ("config", serde_json::to_string(settings)?),
        ("preprocessing", serde_json::to_string(pre)?),
        ("report", report.to_string()),
    ])
}

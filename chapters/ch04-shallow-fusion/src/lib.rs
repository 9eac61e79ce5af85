//! # Chapter 4: shallow fusion
//!
//! The simplest multimodal representation: concatenate the two modalities' inputs and
//! learn one representation of the concatenation. This chapter measures where that is
//! enough (the AV digits, where each modality votes for a digit) and where it fails (a
//! task whose label is an XOR across the modalities), compares early fusion with late
//! fusion, and lets late fusion weight each modality by how reliable it is per sample.

#![warn(missing_docs)]

mod claims;
mod features;
mod fusion;
mod late;
mod outputs;
mod xor;

use std::path::PathBuf;

use models::ProbeConfig;
use models::data::{Av, AvVariant};
use serde::{Deserialize, Serialize};

pub use claims::claims;
pub use features::Inputs;
pub use fusion::{FusionReport, PcaPoint, Scored};
pub use late::LateReport;
pub use outputs::{chapter, write_outputs};
pub use xor::XorReport;

/// Everything the chapter's run is parameterised by.
#[derive(Clone, Debug)]
pub struct Config {
    /// Noisy (default) or clean modalities for the fusion experiments.
    pub variant: AvVariant,
    /// Epochs of every MLP on the AV digits.
    pub epochs: usize,
    /// Epochs of the XOR task's MLPs: passes over the training images, each with a
    /// fresh random partner.
    pub xor_epochs: usize,
    /// Random partners per training image in the XOR task's fixed training set (for
    /// the linear models).
    pub xor_partners: usize,
    /// Adam's learning rate for the MLPs.
    pub lr: f32,
    /// Width of a hidden layer.
    pub hidden: usize,
    /// PCA dimensions to sweep.
    pub pca_dims: Vec<usize>,
    /// How softmax regressions are trained.
    pub probe: ProbeConfig,
    /// Full-batch Adam steps for the late-fusion gate.
    pub gate_steps: usize,
    /// Seed of every RNG.
    pub seed: u64,
    /// The folder holding the AV digit files.
    pub data: PathBuf,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            variant: AvVariant::Noisy,
            epochs: 40,
            xor_epochs: 150,
            xor_partners: 4,
            lr: 1e-3,
            hidden: 128,
            pca_dims: vec![2, 4, 8, 16, 32, 64, 128],
            probe: ProbeConfig { steps: 500, weight_decay: 7e-4, ..ProbeConfig::default() },
            gate_steps: 300,
            seed: 0,
            data: models::data::data_dir(),
        }
    }
}

impl Config {
    /// The configuration the tests use.
    pub fn quick() -> Config {
        Config {
            epochs: 3,
            xor_epochs: 5,
            xor_partners: 1,
            pca_dims: vec![2, 8, 32],
            probe: ProbeConfig { steps: 60, ..ProbeConfig::default() },
            gate_steps: 60,
            ..Config::default()
        }
    }
}

/// The numbers the page shows, and the claims computed from them.
#[derive(Serialize, Deserialize, Debug)]
pub struct Report {
    /// "noisy" or "clean": the data of the fusion experiments.
    pub variant: String,
    /// Training and test pairs.
    pub sizes: (usize, usize),
    /// Epochs of the MLPs.
    pub epochs: usize,
    /// Epochs of the XOR task's MLPs.
    pub xor_epochs: usize,
    /// Early fusion and the unimodal baselines.
    pub fusion: FusionReport,
    /// Late fusion, averaged and reliability-weighted.
    pub late: LateReport,
    /// The XOR task on the noisy and the clean pairs.
    pub xor: Vec<XorReport>,
    /// The conclusions the page draws.
    pub claims: Vec<kit::Claim>,
}

enum Task {
    Fusion,
    Late,
    Xor(AvVariant),
}

enum Done {
    Fusion(Box<FusionReport>),
    Late(Box<LateReport>),
    Xor(Box<XorReport>),
}

fn load(cfg: &Config, variant: AvVariant) -> anyhow::Result<Av> {
    Av::load(&cfg.data, variant).map_err(|e| anyhow::anyhow!("loading the audio-visual digits: {e}"))
}

/// Run every experiment (in parallel; results in a fixed order).
pub fn run(cfg: &Config) -> anyhow::Result<(Report, Av)> {
    let av = load(cfg, cfg.variant)?;
    let tasks = [Task::Xor(AvVariant::Noisy), Task::Xor(AvVariant::Clean), Task::Fusion, Task::Late];
    let done = kit::parallel::map(&tasks, |task| {
        Ok(match task {
            Task::Fusion => Done::Fusion(Box::new(fusion::run(&av, cfg)?)),
            Task::Late => Done::Late(Box::new(late::run(&av, cfg)?)),
            Task::Xor(variant) => {
                let name = format!("{variant:?}").to_lowercase();
                let data = if *variant == cfg.variant { None } else { Some(load(cfg, *variant)?) };
                Done::Xor(Box::new(xor::run(data.as_ref().unwrap_or(&av), &name, cfg)?))
            }
        })
    })?;
    let (mut fusion, mut late, mut xor) = (None, None, Vec::new());
    for d in done {
        match d {
            Done::Fusion(f) => fusion = Some(*f),
            Done::Late(l) => late = Some(*l),
            Done::Xor(x) => xor.push(*x),
        }
    }
    let missing = || anyhow::anyhow!("an experiment did not run");
    let mut report = Report {
        variant: format!("{:?}", cfg.variant).to_lowercase(),
        sizes: (av.raw.train.len(), av.raw.test.len()),
        epochs: cfg.epochs,
        xor_epochs: cfg.xor_epochs,
        fusion: fusion.ok_or_else(missing)?,
        late: late.ok_or_else(missing)?,
        xor,
        claims: vec![],
    };
    report.claims = claims(&report);
    Ok((report, av))
}

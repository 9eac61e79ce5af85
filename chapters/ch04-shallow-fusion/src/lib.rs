//! # Chapter 4: shallow fusion
//!
//! The simplest multimodal representation: concatenate the two modalities' inputs and
//! learn one representation of the concatenation. This chapter measures where that is
//! enough (the AV digits, where each modality votes for a digit) and where it fails (a
//! task whose label is an XOR across the modalities), compares early fusion with late
//! fusion, and lets late fusion weight each modality by how reliable it is per sample.

#![warn(missing_docs)]

mod checkpoint;
mod claims;
pub mod diagram;
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
pub use late::{LateFusion, LateReport};
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
    /// Seed of every RNG: the first of the seeds the comparisons run on.
    pub seed: u64,
    /// How many seeds (`seed`, `seed + 1`, ...) every experiment runs on: the
    /// comparisons between methods are paired by seed.
    pub seeds: usize,
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
            seeds: 3,
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
            seeds: 1,
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
    /// The same experiments on the further seeds (`seed + 1`, ...): what the
    /// comparisons are paired with. The tables and figures show the first seed.
    pub repeats: Vec<Repeat>,
    /// The settings the run used, for the page's table.
    pub settings: Vec<(String, String)>,
    /// The conclusions the page draws.
    pub claims: Vec<kit::Claim>,
}

/// One further seed's results.
#[derive(Serialize, Deserialize, Debug)]
pub struct Repeat {
    /// The seed.
    pub seed: u64,
    /// Early fusion.
    pub fusion: FusionReport,
    /// Late fusion.
    pub late: LateReport,
    /// The XOR task.
    pub xor: Vec<XorReport>,
}

impl Report {
    /// `f` of every seed's results, the first seed first: values paired by seed.
    pub fn per_seed(&self, f: impl Fn(&FusionReport, &LateReport, &[XorReport]) -> f64) -> Vec<f64> {
        std::iter::once(f(&self.fusion, &self.late, &self.xor))
            .chain(self.repeats.iter().map(|r| f(&r.fusion, &r.late, &r.xor)))
            .collect()
    }
}

fn settings(cfg: &Config) -> Vec<(String, String)> {
    let h = cfg.hidden;
    [
        (
            "seeds (every comparison is paired by seed)",
            format!("{} ({} to {})", cfg.seeds, cfg.seed, cfg.seed + cfg.seeds as u64 - 1),
        ),
        (
            "softmax regression",
            format!("full-batch Adam, {} steps, weight decay {}", cfg.probe.steps, cfg.probe.weight_decay),
        ),
        ("MLP, one hidden layer (AV digits)", format!("464 → {h} → 10, ReLU")),
        ("MLP, three hidden layers (AV digits)", format!("464 → {} → {h} → {} → 10, ReLU", 2 * h, h / 2)),
        (
            "MLPs on the AV digits, and the parity MLPs",
            format!("Adam, learning rate {}, batch 64, {} epochs", cfg.lr, cfg.epochs),
        ),
        (
            "XOR MLPs",
            format!(
                "464 → {h} → 2 and 464 → {h} → {} → 2, ReLU; Adam, learning rate {}, batch 64, {} epochs",
                h / 2,
                cfg.lr,
                cfg.xor_epochs
            ),
        ),
        (
            "late-fusion gate",
            format!(
                "3 numbers, full-batch Adam, learning rate 0.05, {} steps, on 5-fold out-of-fold predictions",
                cfg.gate_steps
            ),
        ),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b))
    .collect()
}

enum Task {
    Fusion(Config),
    Late(Config),
    Xor(AvVariant, Config),
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
    let other = if cfg.variant == AvVariant::Noisy { AvVariant::Clean } else { AvVariant::Noisy };
    let other_av = load(cfg, other)?;
    let mut tasks = Vec::new();
    for s in 0..cfg.seeds.max(1) {
        let c = Config { seed: cfg.seed + s as u64, ..cfg.clone() };
        tasks.extend([
            Task::Xor(AvVariant::Noisy, c.clone()),
            Task::Xor(AvVariant::Clean, c.clone()),
            Task::Fusion(c.clone()),
            Task::Late(c),
        ]);
    }
    let done = kit::parallel::map(&tasks, |task| {
        Ok(match task {
            Task::Fusion(c) => Done::Fusion(Box::new(fusion::run(&av, c)?)),
            Task::Late(c) => Done::Late(Box::new(late::run(&av, c)?)),
            Task::Xor(variant, c) => {
                let name = format!("{variant:?}").to_lowercase();
                let data = if *variant == cfg.variant { &av } else { &other_av };
                Done::Xor(Box::new(xor::run(data, &name, c)?))
            }
        })
    })?;
    let missing = || anyhow::anyhow!("an experiment did not run");
    let mut runs = Vec::new();
    let mut done = done.into_iter();
    for s in 0..cfg.seeds.max(1) {
        let (mut fusion, mut late, mut xor) = (None, None, Vec::new());
        for d in done.by_ref().take(4) {
            match d {
                Done::Fusion(f) => fusion = Some(*f),
                Done::Late(l) => late = Some(*l),
                Done::Xor(x) => xor.push(*x),
            }
        }
        runs.push(Repeat {
            seed: cfg.seed + s as u64,
            fusion: fusion.ok_or_else(missing)?,
            late: late.ok_or_else(missing)?,
            xor,
        });
    }
    let mut runs = runs.into_iter();
    let first = runs.next().ok_or_else(missing)?;
    let mut report = Report {
        variant: format!("{:?}", cfg.variant).to_lowercase(),
        sizes: (av.raw.train.len(), av.raw.test.len()),
        epochs: cfg.epochs,
        xor_epochs: cfg.xor_epochs,
        fusion: first.fusion,
        late: first.late,
        xor: first.xor,
        repeats: runs.collect(),
        settings: settings(cfg),
        claims: vec![],
    };
    report.claims = claims(&report);
    Ok((report, av))
}

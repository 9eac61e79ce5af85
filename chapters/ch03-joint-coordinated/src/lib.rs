//! # Chapter 3: joint and coordinated representations
//!
//! What do we want from a multimodal representation? (1) Similar concepts close
//! together, across modalities; (2) useful for discriminative tasks; (3) obtainable
//! with a modality missing; (4) able to fill in a missing modality. This chapter
//! measures each on the audio-visual digits for a joint representation (both inputs
//! into one code) and for coordinated ones (one code per modality, tied by a margin
//! loss, InfoNCE, or CCA), with the coordination strength λ as a knob from weak
//! (separate spaces) to strong.

#![warn(missing_docs)]

mod baselines;
mod cca_claims;
mod checkpoint;
mod claims;
mod coordinated;
mod coordination_claims;
mod desiderata_claims;
pub mod diagram;
mod fill_in;
mod joint;
mod losses;
mod measure;
mod outputs;

use std::path::PathBuf;

use models::ProbeConfig;
use models::data::AvVariant;
use serde::{Deserialize, Serialize};

pub use baselines::{CcaReport, RawBaselines};
pub use claims::claims;
pub use coordinated::{Alignment, Coordinated, CoordinatedRow, Job};
pub use fill_in::FillInReport;
pub use joint::{JointReport, model as joint_model};
pub use losses::{info_nce, margin_ranking, unit_rows};
pub use measure::Desiderata;
pub use models::data::{Av, Pairing};
pub use outputs::{chapter, write_outputs};

/// Everything the chapter's run is parameterised by.
#[derive(Clone, Debug)]
pub struct Config {
    /// Noisy (default) or clean modalities.
    pub variant: AvVariant,
    /// Passes over the training pairs, for every trained model.
    pub epochs: usize,
    /// Pairs per minibatch.
    pub batch_size: usize,
    /// Adam's learning rate.
    pub lr: f32,
    /// Hidden width of every encoder.
    pub hidden: usize,
    /// Code width of every encoder.
    pub code: usize,
    /// Coordination strengths λ to sweep.
    pub lambdas: Vec<f32>,
    /// Pairings to train the coordinated models with.
    pub pairings: Vec<Pairing>,
    /// The margin of the ranking loss (on cosine similarity).
    pub margin: f32,
    /// InfoNCE's temperature τ.
    pub temperature: f32,
    /// Canonical directions CCA keeps.
    pub cca_dims: usize,
    /// Ridge added to CCA's covariances.
    pub cca_ridge: f64,
    /// How linear probes are trained.
    pub probe: ProbeConfig,
    /// Seed of every RNG (each model's initialisation and batches) of the run the
    /// tables and figures show.
    pub seed: u64,
    /// Seeds every comparison is weighed over: `seed`, `seed + 1`, ... The extra seeds
    /// rerun only the models the claims compare (see [`seed_jobs`]).
    pub seeds: usize,
    /// The folder holding the AV digit files.
    pub data: PathBuf,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            variant: AvVariant::Noisy,
            epochs: 40,
            batch_size: 64,
            lr: 1e-3,
            hidden: 128,
            code: 32,
            lambdas: vec![0.0, 0.01, 0.1, 1.0, 10.0],
            pairings: vec![Pairing::Fresh, Pairing::Fixed],
            margin: 0.2,
            temperature: 0.1,
            cca_dims: 32,
            cca_ridge: 0.1,
            probe: ProbeConfig::default(),
            seed: 0,
            seeds: 3,
            data: models::data::data_dir(),
        }
    }
}

impl Config {
    /// The configuration the tests use: λ ∈ {0, 1}, a few epochs.
    pub fn quick() -> Config {
        Config {
            epochs: 3,
            lambdas: vec![0.0, 1.0],
            probe: ProbeConfig { steps: 60, ..ProbeConfig::default() },
            ..Config::default()
        }
    }
}

/// The settings the page quotes.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Settings {
    /// "noisy" or "clean".
    pub variant: String,
    /// Training pairs.
    pub train: usize,
    /// Test pairs.
    pub test: usize,
    /// Epochs of every trained model.
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
    /// Exact-partner R@1 of a model that ranks every same-digit test item first, in
    /// random order within the digit: the mean over test queries of 1 / (test items of
    /// its digit). No representation can beat it, since pairs share only the digit.
    pub r1_cap: f64,
    /// The same for R@10: the mean of min(10, n_digit) / n_digit.
    pub r10_cap: f64,
    /// Seeds every comparison is weighed over.
    #[serde(default)]
    pub seeds: usize,
}

/// The numbers the page shows, and the claims computed from them.
#[derive(Serialize, Deserialize, Debug)]
pub struct Report {
    /// The run's settings.
    pub settings: Settings,
    /// Softmax regression on raw inputs.
    pub raw: RawBaselines,
    /// The joint representation.
    pub joint: JointReport,
    /// Every coordinated model: alignment loss x λ x pairing.
    pub coordinated: Vec<CoordinatedRow>,
    /// Linear CCA.
    pub cca: CcaReport,
    /// Filling in the audio from the image.
    pub fill_in: FillInReport,
    /// The compared models on every seed (the first is the run above), paired by seed.
    pub seeds: Vec<SeedRun>,
    /// The conclusions the page draws.
    pub claims: Vec<kit::Claim>,
}

/// The models the claims compare, trained on one seed.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct SeedRun {
    /// The seed.
    pub seed: u64,
    /// Softmax regression on raw inputs.
    pub raw: RawBaselines,
    /// The joint representation.
    pub joint: JointReport,
    /// CCA (fitted in closed form: only its probes depend on the seed).
    pub cca: CcaReport,
    /// Filling in the audio from the image.
    pub fill_in: FillInReport,
    /// The coordinated models of [`seed_jobs`].
    pub coordinated: Vec<CoordinatedRow>,
}

/// The row of `rows` trained with `alignment`, `lambda` and `pairing`, if any.
fn find_coordinated(
    rows: &[CoordinatedRow],
    alignment: Alignment,
    lambda: f32,
    pairing: Pairing,
) -> Option<&CoordinatedRow> {
    rows.iter().find(|r| r.alignment == alignment && r.lambda == lambda && r.pairing == pairing)
}

impl SeedRun {
    /// The coordinated model trained with `alignment`, `lambda` and `pairing`, if run.
    pub fn coordinated(
        &self,
        alignment: Alignment,
        lambda: f32,
        pairing: Pairing,
    ) -> Option<&CoordinatedRow> {
        find_coordinated(&self.coordinated, alignment, lambda, pairing)
    }
}

/// The coordinated models rerun on every seed: the margin loss at every λ with fresh
/// partners, InfoNCE at the largest λ with fresh partners and with the fixed pairs, and
/// the margin loss at the largest λ with the fixed pairs.
pub fn seed_jobs(cfg: &Config) -> Vec<Job> {
    let mut jobs: Vec<Job> = cfg
        .lambdas
        .iter()
        .map(|&lambda| Job { alignment: Alignment::Margin, lambda, pairing: Pairing::Fresh })
        .collect();
    if let Some(&top) = cfg.lambdas.iter().max_by(|a, b| a.total_cmp(b)) {
        for &pairing in &cfg.pairings {
            jobs.push(Job { alignment: Alignment::InfoNce, lambda: top, pairing });
            if pairing == Pairing::Fixed {
                jobs.push(Job { alignment: Alignment::Margin, lambda: top, pairing });
            }
        }
    }
    jobs
}

impl Report {
    /// The coordinated model trained with `alignment`, `lambda` and `pairing`, if run.
    pub fn coordinated(
        &self,
        alignment: Alignment,
        lambda: f32,
        pairing: Pairing,
    ) -> Option<&CoordinatedRow> {
        find_coordinated(&self.coordinated, alignment, lambda, pairing)
    }
}

enum Task {
    Raw(u64),
    Joint(u64),
    Cca(u64),
    FillIn(u64),
    Coordinated(Job, u64),
}

enum Done {
    Raw(u64, RawBaselines),
    Joint(u64, Box<JointReport>),
    Cca(u64, Box<CcaReport>),
    FillIn(u64, Box<FillInReport>),
    Coordinated(u64, Box<CoordinatedRow>),
}

/// Run every experiment of the chapter (in parallel, results in a fixed order).
pub fn run(cfg: &Config) -> anyhow::Result<(Report, Av)> {
    let av = Av::load(&cfg.data, cfg.variant)
        .map_err(|e| anyhow::anyhow!("loading the audio-visual digits: {e}"))?;
    let seeds: Vec<u64> = (0..cfg.seeds.max(1) as u64).map(|k| cfg.seed + k).collect();
    let mut tasks = Vec::new();
    for (k, &seed) in seeds.iter().enumerate() {
        tasks.extend([Task::Joint(seed), Task::FillIn(seed), Task::Cca(seed), Task::Raw(seed)]);
        if k == 0 {
            for &pairing in &cfg.pairings {
                for alignment in [Alignment::Margin, Alignment::InfoNce] {
                    for &lambda in &cfg.lambdas {
                        tasks.push(Task::Coordinated(Job { alignment, lambda, pairing }, seed));
                    }
                }
            }
        } else {
            tasks.extend(seed_jobs(cfg).into_iter().map(|job| Task::Coordinated(job, seed)));
        }
    }
    let done = kit::parallel::map(&tasks, |task| {
        Ok(match *task {
            Task::Raw(s) => Done::Raw(s, baselines::raw(&av, cfg, s)?),
            Task::Joint(s) => Done::Joint(s, Box::new(joint::train(&av, cfg, s)?)),
            Task::Cca(s) => Done::Cca(s, Box::new(baselines::cca(&av, cfg, s)?)),
            Task::FillIn(s) => Done::FillIn(s, Box::new(fill_in::fill_in(&av, cfg, s)?)),
            Task::Coordinated(job, s) => {
                Done::Coordinated(s, Box::new(coordinated::train(&av, cfg, &job, s)?.1))
            }
        })
    })?;
    let mut runs: Vec<SeedRun> = Vec::new();
    let missing = || anyhow::anyhow!("an experiment did not run");
    for &seed in &seeds {
        let (mut raw, mut joint, mut cca, mut fill, mut rows) = (None, None, None, None, Vec::new());
        for d in done.iter().filter(|d| done_seed(d) == seed) {
            match d {
                Done::Raw(_, r) => raw = Some(*r),
                Done::Joint(_, j) => joint = Some((**j).clone()),
                Done::Cca(_, c) => cca = Some((**c).clone()),
                Done::FillIn(_, f) => fill = Some((**f).clone()),
                Done::Coordinated(_, row) => rows.push((**row).clone()),
            }
        }
        runs.push(SeedRun {
            seed,
            raw: raw.ok_or_else(missing)?,
            joint: joint.ok_or_else(missing)?,
            cca: cca.ok_or_else(missing)?,
            fill_in: fill.ok_or_else(missing)?,
            coordinated: rows,
        });
    }
    let first = runs.remove(0);
    let keep = seed_jobs(cfg);
    let mut seed_runs = vec![SeedRun {
        coordinated: first
            .coordinated
            .iter()
            .filter(|c| {
                keep.iter()
                    .any(|j| j.alignment == c.alignment && j.lambda == c.lambda && j.pairing == c.pairing)
            })
            .cloned()
            .collect(),
        ..first.clone()
    }];
    seed_runs.extend(runs);
    let per_digit = |d: usize| av.raw.test.iter().filter(|&&p| av.raw.labels[p] == d).count() as f64;
    let caps = |k: f64| {
        av.raw
            .test
            .iter()
            .map(|&p| k.min(per_digit(av.raw.labels[p])) / per_digit(av.raw.labels[p]))
            .sum::<f64>()
            / av.raw.test.len() as f64
    };
    let settings = Settings {
        variant: format!("{:?}", cfg.variant).to_lowercase(),
        train: av.raw.train.len(),
        test: av.raw.test.len(),
        epochs: cfg.epochs,
        batch_size: cfg.batch_size,
        lr: cfg.lr,
        hidden: cfg.hidden,
        code: cfg.code,
        margin: cfg.margin,
        temperature: cfg.temperature,
        r1_cap: caps(1.0),
        r10_cap: caps(10.0),
        seeds: seeds.len(),
    };
    let mut report = Report {
        settings,
        raw: first.raw,
        joint: first.joint,
        coordinated: first.coordinated,
        cca: first.cca,
        fill_in: first.fill_in,
        seeds: seed_runs,
        claims: vec![],
    };
    report.claims = claims(&report);
    Ok((report, av))
}

fn done_seed(d: &Done) -> u64 {
    match d {
        Done::Raw(s, _)
        | Done::Joint(s, _)
        | Done::Cca(s, _)
        | Done::FillIn(s, _)
        | Done::Coordinated(s, _) => *s,
    }
}

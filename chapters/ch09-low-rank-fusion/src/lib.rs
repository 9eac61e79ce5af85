//! # Chapter 9: low-rank multimodal fusion
//!
//! Low-rank Multimodal Fusion (Liu et al. 2018) derived from chapter 8's tensor fusion
//! in the lecture's three steps: the weight tensor as a sum of rank-one terms, the
//! fused tensor as an outer product, and the rearranged computation that never forms
//! either. On toy MOSI: a rank sweep against TFN, the sarcasm subset by rank, the
//! three steps checked on a trained model, and the speed per training step as the
//! fusion benches measured it. The sweep and the check also run on CMU-MOSI's features
//! converted by `convert_mosi.py` (`--data DIR`, [`run_on_mosi`]). A second page adds a
//! model from outside the `models` crate, the Gated Multimodal Unit ([`Gmu`]), trained
//! on toy MOSI beside the others.

#![warn(missing_docs)]

mod checkpoint;
mod claims;
pub mod diagram;
pub mod gmu;
mod gmu_claims;
pub mod gmu_outputs;
mod gmu_runs;
mod grid;
mod mosi;
mod outputs;
mod timing;

use models::fusion::{Method, TrainConfig};
use models::toymosi::{Knobs, SentimentScores};
use serde::{Deserialize, Serialize};

pub use claims::claims;
pub use gmu::Gmu;
pub use gmu_runs::{GmuRuns, fit_gmu};
pub use grid::{checked_rank, run};
pub use mosi::{MOSI_CLAIMS, run_on_mosi};
pub use outputs::{chapter, write_outputs};
pub use timing::{Timing, measured};

/// Everything the chapter's run is parameterised by.
#[derive(Clone, Debug)]
pub struct Config {
    /// The generator's knobs (SPEC defaults).
    pub knobs: Knobs,
    /// The training protocol (SPEC section 7).
    pub train: TrainConfig,
    /// Seeds seed .. seed + seeds.
    pub seeds: usize,
    /// The first seed.
    pub seed: u64,
    /// The ranks of the sweep.
    pub ranks: Vec<usize>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            knobs: Knobs::default(),
            train: TrainConfig::default(),
            seeds: 5,
            seed: 0,
            ranks: vec![1, 2, 4, 8, 16],
        }
    }
}

impl Config {
    /// The configuration the tests use.
    pub fn quick() -> Config {
        Config {
            knobs: Knobs { n_speakers: 24, split_speakers: (14, 3, 7), ..Knobs::default() },
            train: TrainConfig { max_epochs: 5, patience: 3, ..TrainConfig::default() },
            seeds: 2,
            seed: 0,
            ranks: vec![1, 4],
        }
    }
}

/// One trained model's test scores.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Run {
    /// Its seed.
    pub seed: u64,
    /// The whole test split.
    pub test: SentimentScores,
    /// The sarcasm subset, and the rest (on toy MOSI; None on other data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sarcasm: Option<(SentimentScores, SentimentScores)>,
}

/// One method on T+A+V, over the seeds.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Cell {
    /// The fusion method (`Lmf(r)` for each rank of the sweep).
    pub method: Method,
    /// Trainable parameters of the whole model.
    pub parameters: usize,
    /// Trainable parameters after the encoders: the fusion layer and its head.
    pub fusion_parameters: usize,
    /// One run per seed.
    pub runs: Vec<Run>,
}

impl Cell {
    /// "LMF r=4", "TFN", ...
    pub fn name(&self) -> String {
        match self.method {
            Method::Lmf(r) => format!("LMF r={r}"),
            m => m.name().to_string(),
        }
    }

    /// Mean and population standard deviation over seeds of `f`.
    pub fn stat(&self, f: impl Fn(&Run) -> f64) -> (f64, f64) {
        models::toymosi::mean_sd(&self.runs.iter().map(f).collect::<Vec<_>>())
    }

    /// Mean test Acc-2, percent.
    pub fn acc2(&self) -> f64 {
        self.stat(|r| 100.0 * r.test.acc2).0
    }

    /// Mean test MAE.
    pub fn mae(&self) -> f64 {
        self.stat(|r| r.test.mae).0
    }

    /// Mean Acc-2 on the sarcasm subset, percent.
    pub fn sarcasm_acc2(&self) -> f64 {
        self.stat(|r| r.sarcasm.map_or(f64::NAN, |s| 100.0 * s.0.acc2)).0
    }
}

/// The lecture's three steps checked on a trained model: the low-rank layer of an LMF
/// trained on the first seed, applied to that seed's test projections.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct StepsCheck {
    /// The rank of the model checked.
    pub rank: usize,
    /// Test utterances it was applied to.
    pub examples: usize,
    /// Entries of the weight tensor W that step 1 rebuilds from the factors.
    pub weight_entries: usize,
    /// The largest prediction, in magnitude (the scale of the differences below).
    pub largest_output: f64,
    /// max |rearranged - formed| / largest output: step 3 against steps 1 and 2.
    pub rearranged_vs_formed: f64,
    /// max |LMF - TFN| / largest output, where TFN is a whole TFN-with-linear-head model
    /// given the LMF's encoders and the rebuilt W as its head's weight.
    pub lmf_vs_tfn: f64,
}

/// The numbers the page shows, and the claims computed from them.
#[derive(Serialize, Deserialize, Debug)]
pub struct Report {
    /// The seeds.
    pub seeds: Vec<u64>,
    /// Every method on T+A+V.
    pub cells: Vec<Cell>,
    /// The GMU of the page "Adding your own model", on T+A+V (toy MOSI runs only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gmu: Option<GmuRuns>,
    /// The three steps on a trained model.
    pub steps: StepsCheck,
    /// Training utterances per dataset.
    pub training: usize,
    /// The speed of one training step, as the committed bench measurement has it.
    pub timing: Timing,
    /// The settings the run used, for the page's table.
    #[serde(default)]
    pub settings: Vec<(String, String)>,
    /// The conclusions the page draws.
    pub claims: Vec<kit::Claim>,
    /// The data, when not toy MOSI: a converted CMU-MOSI folder (`--data DIR`), described.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

impl Report {
    /// The cell of `method`.
    pub fn cell(&self, method: Method) -> Option<&Cell> {
        self.cells.iter().find(|c| c.method == method)
    }

    /// The LMF cells, by rank.
    pub fn ranks(&self) -> Vec<&Cell> {
        let mut out: Vec<&Cell> = self.cells.iter().filter(|c| matches!(c.method, Method::Lmf(_))).collect();
        out.sort_by_key(|c| rank_of(c.method));
        out
    }
}

/// The rank of an LMF method (0 for the others).
pub fn rank_of(method: Method) -> usize {
    if let Method::Lmf(r) = method { r } else { 0 }
}

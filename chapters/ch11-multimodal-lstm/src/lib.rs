//! # Chapter 11: multimodal LSTMs
//!
//! The lecture notes skip the multimodal LSTM ("I don't understand LSTMs well yet").
//! This chapter fills the gap in two parts. First the LSTM itself: its gate equations,
//! why a vanilla RNN forgets (the gradient reaching early steps, measured), and the gates
//! at work on a task that needs memory. Then three multimodal LSTMs on toy MOSI's
//! word-aligned sequences (early fusion, late fusion, a multi-view LSTM), against
//! chapter 8's tensor fusion on utterance summaries, overall and on the sarcasm subset.
//! Part 2 also runs on CMU-MOSI's features converted by `convert_mosi.py` (`--data DIR`,
//! [`run_on_mosi`]). `--save DIR` keeps the first seed's three sequence models as
//! safetensors with the data they were tested on, and `--load DIR` checks them
//! ([`checkpoint`]; `load_checkpoint.py` does the same in numpy and PyTorch).

#![warn(missing_docs)]

pub mod checkpoint;
mod claims;
pub mod diagram;
mod gates;
mod mosi;
mod multimodal;
mod outputs;

use models::fusion::{SeqFusion, TrainConfig};
use models::seq::Recurrence;
use models::toymosi::{Knobs, SentimentScores};
use serde::{Deserialize, Serialize};

pub use claims::claims;
pub use mosi::{MOSI_CLAIMS, run_on_mosi};
pub use outputs::{chapter, write_outputs};

/// The long-dependency experiment of part 1.
#[derive(Clone, Debug)]
pub struct RecallConfig {
    /// Steps per sequence: the symbol to recall is this many steps before the answer.
    pub steps: usize,
    /// Training batches of 32.
    pub iterations: usize,
    /// Hidden units.
    pub hidden: usize,
    /// The LSTM's initial forget-gate bias.
    pub forget_bias: f32,
    /// A second LSTM, started with this forget-gate bias instead (the usual choice), to
    /// show how much of the LSTM's memory at initialisation is `forget_bias`.
    pub other_forget_bias: f32,
    /// Seeds (initial weights and training batches) each model is trained on; the
    /// curves and the gates are the first seed's.
    pub seeds: usize,
}

/// Everything the chapter's run is parameterised by.
#[derive(Clone, Debug)]
pub struct Config {
    /// Part 1.
    pub recall: RecallConfig,
    /// The generator's knobs (SPEC defaults).
    pub knobs: Knobs,
    /// The training protocol of part 2 (toy MOSI's, with fewer epochs).
    pub train: TrainConfig,
    /// Hidden units per modality.
    pub hidden: usize,
    /// Seeds seed .. seed + seeds.
    pub seeds: usize,
    /// The first seed.
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            recall: RecallConfig {
                steps: 50,
                iterations: 1000,
                hidden: 16,
                forget_bias: 5.0,
                other_forget_bias: 1.0,
                seeds: 3,
            },
            knobs: Knobs::default(),
            train: TrainConfig { max_epochs: 60, patience: 10, ..TrainConfig::default() },
            hidden: 16,
            seeds: 5,
            seed: 0,
        }
    }
}

impl Config {
    /// The configuration the tests use.
    pub fn quick() -> Config {
        Config {
            recall: RecallConfig {
                steps: 20,
                iterations: 150,
                hidden: 8,
                forget_bias: 5.0,
                other_forget_bias: 1.0,
                seeds: 3,
            },
            knobs: Knobs { n_speakers: 24, split_speakers: (14, 3, 7), ..Knobs::default() },
            train: TrainConfig { max_epochs: 4, patience: 3, ..TrainConfig::default() },
            hidden: 8,
            seeds: 2,
            seed: 0,
        }
    }
}

/// One recurrent model on the recall task.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct RecallRun {
    /// LSTM or vanilla RNN.
    pub kind: Recurrence,
    /// The LSTM's initial forget-gate bias (None for the RNN).
    pub forget_bias: Option<f64>,
    /// Accuracy on 512 fresh sequences after training (chance 0.25), first seed.
    pub accuracy: f64,
    /// The same, seed by seed (the first seed first).
    pub accuracy_seeds: Vec<f64>,
    /// Step-1 / last-step gradient ratio before training, seed by seed.
    pub decay_at_init_seeds: Vec<f64>,
    /// Mean |d loss / d h_t| for t = 1 .. T, at initialisation.
    pub gradient_at_init: Vec<f64>,
    /// The same after training.
    pub gradient_trained: Vec<f64>,
}

impl RecallRun {
    /// Gradient at the first step over gradient at the last, at initialisation.
    pub fn decay_at_init(&self) -> f64 {
        ratio(&self.gradient_at_init)
    }

    /// The same after training.
    pub fn decay_trained(&self) -> f64 {
        ratio(&self.gradient_trained)
    }
}

fn ratio(g: &[f64]) -> f64 {
    match (g.first(), g.last()) {
        (Some(&first), Some(&last)) if last > 0.0 => first / last,
        _ => f64::NAN,
    }
}

/// The trained LSTM's gates over one sequence, for its most used memory unit.
#[derive(Serialize, Deserialize, Debug, Clone, Default)]
pub struct GateTrace {
    /// The symbol the sequence starts with.
    pub symbol: usize,
    /// The hidden unit shown: the one whose final hidden value differs most between
    /// sequences that start with different symbols.
    pub unit: usize,
    /// Input gate at each step.
    pub input: Vec<f64>,
    /// Forget gate at each step.
    pub forget: Vec<f64>,
    /// Output gate at each step.
    pub output: Vec<f64>,
    /// The unit's cell state c_t at each step, for each of the four symbols: the mean
    /// over the probe sequences that start with it.
    pub cell: Vec<Vec<f64>>,
}

/// One model on toy MOSI, over the seeds.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Cell {
    /// "early fusion LSTM", ..., "TFN on summaries".
    pub name: String,
    /// The sequence model's fusion (None for TFN).
    pub method: Option<SeqFusion>,
    /// Trainable parameters.
    pub parameters: usize,
    /// Per seed: the whole test split.
    pub test: Vec<SentimentScores>,
    /// Per seed: the sarcasm subset.
    pub sarcasm: Vec<SentimentScores>,
    /// Per seed: the test utterances that contain a negator ("not", "never", ...).
    pub negation: Vec<SentimentScores>,
    /// Per seed: how many test utterances contain a negator.
    pub negation_size: Vec<usize>,
    /// Per seed: epochs trained.
    pub epochs: Vec<usize>,
}

impl Cell {
    /// Mean and population sd over seeds of `f` of the whole test split.
    pub fn stat(&self, f: impl Fn(&SentimentScores) -> f64) -> (f64, f64) {
        models::toymosi::mean_sd(&self.test.iter().map(f).collect::<Vec<_>>())
    }

    /// Mean Acc-2, percent.
    pub fn acc2(&self) -> f64 {
        100.0 * self.stat(|s| s.acc2).0
    }

    /// Mean MAE.
    pub fn mae(&self) -> f64 {
        self.stat(|s| s.mae).0
    }

    /// The same on the sarcasm subset.
    pub fn sarcasm_stat(&self, f: impl Fn(&SentimentScores) -> f64) -> (f64, f64) {
        models::toymosi::mean_sd(&self.sarcasm.iter().map(f).collect::<Vec<_>>())
    }

    /// Mean Acc-2 on the sarcasm subset, percent.
    pub fn sarcasm_acc2(&self) -> f64 {
        100.0 * self.sarcasm_stat(|s| s.acc2).0
    }

    /// The same on the negation subset.
    pub fn negation_stat(&self, f: impl Fn(&SentimentScores) -> f64) -> (f64, f64) {
        models::toymosi::mean_sd(&self.negation.iter().map(f).collect::<Vec<_>>())
    }
}

/// One settings table of the page: (setting, value) rows.
pub type Settings = Vec<(String, String)>;

/// The numbers the page shows, and the claims computed from them.
#[derive(Serialize, Deserialize, Debug)]
pub struct Report {
    /// Steps of the recall task.
    pub recall_steps: usize,
    /// LSTM and vanilla RNN on it.
    pub recall: Vec<RecallRun>,
    /// The trained LSTM's gates over one sequence.
    pub gates: GateTrace,
    /// The seeds of part 2.
    pub seeds: Vec<u64>,
    /// The three multimodal LSTMs and TFN on summaries.
    pub cells: Vec<Cell>,
    /// The settings of part 1 and of part 2, for the page's tables.
    #[serde(default)]
    pub settings: (Settings, Settings),
    /// The conclusions the page draws.
    pub claims: Vec<kit::Claim>,
    /// The data, when not toy MOSI: a converted CMU-MOSI folder (`--data DIR`), described.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

impl Report {
    /// The recall run of `kind` (for the LSTM, the one with the chapter's forget bias).
    pub fn recall_run(&self, kind: Recurrence) -> Option<&RecallRun> {
        self.recall.iter().find(|r| r.kind == kind)
    }

    /// The LSTM started with the other forget-gate bias, if it ran.
    pub fn other_lstm(&self) -> Option<&RecallRun> {
        self.recall.iter().filter(|r| r.kind == Recurrence::Lstm).nth(1)
    }

    /// The cell named `name`.
    pub fn cell(&self, name: &str) -> Option<&Cell> {
        self.cells.iter().find(|c| c.name == name)
    }
}

/// Run both parts.
pub fn run(cfg: &Config) -> anyhow::Result<Report> {
    anyhow::ensure!(cfg.seeds > 0, "run at least one seed");
    anyhow::ensure!(cfg.recall.steps >= 2, "the recall task needs at least 2 steps");
    let (recall, gates) = gates::run(&cfg.recall)?;
    let cells = multimodal::run(cfg)?;
    let mut report = Report {
        recall_steps: cfg.recall.steps,
        recall,
        gates,
        seeds: (cfg.seed..cfg.seed + cfg.seeds as u64).collect(),
        cells,
        settings: outputs::settings(cfg),
        claims: Vec::new(),
        data: None,
    };
    report.claims = claims(&report);
    Ok(report)
}

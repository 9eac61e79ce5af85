//! # Chapter 7: supervised fusion
//!
//! Unimodal, bimodal and trimodal sentiment models on toy MOSI, joined by
//! concatenation (with a linear or an MLP head), by adding or by multiplying
//! per-modality projections. Every subset of the three modalities, every method,
//! five seeds (each its own dataset and its own initialisation). The same grid runs on
//! CMU-MOSI's features converted by `convert_mosi.py` (`--data DIR`, [`run_on_mosi`]).

#![warn(missing_docs)]

mod checkpoint;
mod claims;
pub mod diagram;
mod dotplot;
mod grid;
mod mosi;
mod outputs;

use models::fusion::{Method, TrainConfig};
use models::toymosi::{GeneratorStats, Knobs, Modality, SentimentScores};
use serde::{Deserialize, Serialize};

pub use claims::claims;
pub use grid::{methods_for, run, subsets};
pub use mosi::{MOSI_CLAIMS, claims_on_mosi, mosi_markdown, run_on_mosi};
pub use outputs::{chapter, write_outputs};

/// Everything the chapter's run is parameterised by.
#[derive(Clone, Debug)]
pub struct Config {
    /// The generator's knobs (SPEC defaults).
    pub knobs: Knobs,
    /// The training protocol (SPEC section 7).
    pub train: TrainConfig,
    /// Seeds seed .. seed + seeds: each generates a dataset and initialises the models.
    pub seeds: usize,
    /// The first seed.
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config { knobs: Knobs::default(), train: TrainConfig::default(), seeds: 5, seed: 0 }
    }
}

impl Config {
    /// The configuration the tests use: a smaller corpus, fewer epochs, two seeds.
    pub fn quick() -> Config {
        Config {
            knobs: Knobs { n_speakers: 24, split_speakers: (14, 3, 7), ..Knobs::default() },
            train: TrainConfig { max_epochs: 6, patience: 3, ..TrainConfig::default() },
            seeds: 2,
            seed: 0,
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
    /// The sarcasm subset (an eye-roll on positive words) and the rest of the test
    /// split: for the trimodal models only.
    pub sarcasm: Option<(SentimentScores, SentimentScores)>,
    /// The epoch whose weights were kept.
    pub best_epoch: usize,
}

/// One (modality subset, method) cell of the grid.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Cell {
    /// The modalities, e.g. [Text, Video].
    pub modalities: Vec<Modality>,
    /// The fusion method.
    pub method: Method,
    /// Its trainable parameters.
    pub parameters: usize,
    /// One run per seed.
    pub runs: Vec<Run>,
}

impl Cell {
    /// "T+A+V".
    pub fn subset(&self) -> String {
        subset_name(&self.modalities)
    }

    /// The mean and (population) standard deviation over seeds of `f`.
    pub fn stat(&self, f: impl Fn(&Run) -> f64) -> (f64, f64) {
        models::toymosi::mean_sd(&self.runs.iter().map(f).collect::<Vec<_>>())
    }

    /// Mean Acc-2 in percent.
    pub fn acc2(&self) -> f64 {
        self.stat(|r| 100.0 * r.test.acc2).0
    }

    /// Mean MAE.
    pub fn mae(&self) -> f64 {
        self.stat(|r| r.test.mae).0
    }
}

/// "T+A+V" for a list of modalities.
pub fn subset_name(modalities: &[Modality]) -> String {
    modalities.iter().map(|m| m.letter()).collect::<Vec<_>>().join("+")
}

/// One point of the data figure: text polarity, label, whether the speaker rolled
/// their eyes.
#[derive(Debug, Clone, Copy, Default)]
pub struct DataPoint {
    /// Text polarity P.
    pub polarity: f64,
    /// The label y.
    pub label: f64,
    /// An eye-roll.
    pub eye_roll: bool,
}

/// The numbers the page shows, and the claims computed from them.
#[derive(Serialize, Deserialize, Debug)]
pub struct Report {
    /// The seeds.
    pub seeds: Vec<u64>,
    /// Utterances per dataset and per split (train, valid, test).
    pub sizes: (usize, usize, usize, usize),
    /// The generator's statistics (SPEC section 9), one per seed.
    pub stats: Vec<GeneratorStats>,
    /// Every (subset, method) cell.
    pub cells: Vec<Cell>,
    /// The settings the run used, for the page's table.
    #[serde(default)]
    pub settings: Vec<(String, String)>,
    /// The conclusions the page draws.
    pub claims: Vec<kit::Claim>,
    /// The first seed's test utterances, for the data figure.
    #[serde(skip, default)]
    pub points: Vec<DataPoint>,
    /// The data, when not toy MOSI: a converted CMU-MOSI folder (`--data DIR`), described.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

impl Report {
    /// The cell of `subset` ("T+A+V") and `method`.
    pub fn cell(&self, subset: &str, method: Method) -> Option<&Cell> {
        self.cells.iter().find(|c| c.subset() == subset && c.method == method)
    }

    /// The best cell (by mean Acc-2) among subsets of `size` modalities.
    pub fn best_of_size(&self, size: usize) -> Option<&Cell> {
        self.cells.iter().filter(|c| c.modalities.len() == size).max_by(|a, b| a.acc2().total_cmp(&b.acc2()))
    }

    /// The mean over seeds of the generator statistic `name` (say "fraction y < 0").
    pub fn stat_mean(&self, name: &str) -> Option<f64> {
        let values: Vec<f64> = self
            .stats
            .iter()
            .filter_map(|s| s.rows.iter().find(|(n, _)| n == name).map(|(_, v)| *v))
            .collect();
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    }

    /// The mean of each generator statistic over seeds, in `REFERENCE` order.
    pub fn mean_stats(&self) -> Vec<f64> {
        let n = self.stats.len().max(1) as f64;
        let rows = self.stats.first().map_or(0, |s| s.rows.len());
        (0..rows).map(|k| self.stats.iter().map(|s| s.rows[k].1).sum::<f64>() / n).collect()
    }
}

/// The modalities of a subset name's letters, for tests and tables.
pub fn modalities_of(name: &str) -> Vec<Modality> {
    Modality::ALL.iter().copied().filter(|m| name.contains(m.letter())).collect()
}

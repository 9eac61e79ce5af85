//! # Chapter 8: bilinear pooling and tensor fusion
//!
//! The outer product of two modalities' representations (bilinear pooling), with a 1
//! appended to each so the unimodal parts survive beside the bimodal one; with three
//! modalities, the Tensor Fusion Network. On toy MOSI against chapter 7's methods,
//! with the tensor's blocks ablated and the label's interactions switched off; the
//! comparisons and the block ablation also run on CMU-MOSI's features converted by
//! `convert_mosi.py` (`--data DIR`, [`run_on_mosi`]).

#![warn(missing_docs)]

mod checkpoint;
mod claims;
pub mod diagram;
mod figures;
mod grid;
mod mosi;
mod outputs;
mod terms;

use models::fusion::{Method, TrainConfig};
use models::toymosi::{Knobs, Modality, SentimentScores};
use serde::{Deserialize, Serialize};

pub use claims::claims;
pub use grid::{run, size_rows};
pub use mosi::{MOSI_CLAIMS, run_on_mosi};
pub use outputs::{chapter, write_outputs};
pub use terms::{LabelTerm, TermRow, entry_blocks, expansion_is_exact, label_terms, term_rows};

/// Everything the chapter's run is parameterised by.
#[derive(Clone, Debug)]
pub struct Config {
    /// The generator's knobs (SPEC defaults; `lambda_int` is varied by the ablation).
    pub knobs: Knobs,
    /// The training protocol (SPEC section 7).
    pub train: TrainConfig,
    /// Seeds seed .. seed + seeds.
    pub seeds: usize,
    /// The first seed.
    pub seed: u64,
    /// The interaction strengths of the ablation besides the default 1.
    pub lambdas: Vec<f64>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            knobs: Knobs::default(),
            train: TrainConfig::default(),
            seeds: 5,
            seed: 0,
            lambdas: vec![0.0, 0.5],
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
            lambdas: vec![0.0],
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
    /// The sarcasm subset and the rest (trimodal models only).
    pub sarcasm: Option<(SentimentScores, SentimentScores)>,
}

/// One configuration of the grid, over the seeds.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Cell {
    /// The modalities.
    pub modalities: Vec<Modality>,
    /// The fusion method.
    pub method: Method,
    /// For TFN's block ablation: the highest interaction order kept (None: all).
    pub max_order: Option<usize>,
    /// The generator's interaction strength.
    pub lambda_int: f64,
    /// Trainable parameters.
    pub parameters: usize,
    /// One run per seed.
    pub runs: Vec<Run>,
}

impl Cell {
    /// "T+A+V".
    pub fn subset(&self) -> String {
        self.modalities.iter().map(|m| m.letter()).collect::<Vec<_>>().join("+")
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
}

/// Tensor size and head parameters as modalities and projection widths grow.
#[derive(Serialize, Deserialize, Debug, Clone, Copy)]
pub struct SizeRow {
    /// Modalities.
    pub modalities: usize,
    /// Width of each projection.
    pub width: usize,
    /// Entries of the fused tensor, (width + 1)^modalities.
    pub tensor: usize,
    /// Parameters of TFN's first head layer (tensor -> 32).
    pub head: usize,
    /// Width of the concatenation, for comparison.
    pub concat: usize,
}

/// The entries of a trained T+V TFN's projections that follow the label's hidden
/// factors most closely over the test split: (0-based index, Pearson r).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, Default)]
pub struct Tracks {
    /// The entry of h_T most correlated (in absolute value) with the text polarity P.
    pub text: (usize, f64),
    /// The entry of h_V most correlated (in absolute value) with the eye-roll r.
    pub video: (usize, f64),
}

/// The numbers the page shows, and the claims computed from them.
#[derive(Serialize, Deserialize, Debug)]
pub struct Report {
    /// The seeds.
    pub seeds: Vec<u64>,
    /// Every configuration.
    pub cells: Vec<Cell>,
    /// Tensor sizes.
    pub sizes: Vec<SizeRow>,
    /// The two-modality tensor [h_T; 1] (x) [h_V; 1] of one sarcastic test utterance,
    /// from a trained T+V TFN (9 x 9, row-major), and the utterance's label.
    pub example: (Vec<f64>, f64),
    /// The T+V TFN's prediction for that utterance.
    pub example_prediction: f64,
    /// Which entries of that TFN's projections follow the label's hidden factors.
    #[serde(default)]
    pub tracks: Tracks,
    /// The label's terms, the tensor block each needs, and their spread (first seed).
    #[serde(default)]
    pub terms: Vec<TermRow>,
    /// The utterances the terms' spread is measured over.
    #[serde(default)]
    pub term_utterances: usize,
    /// The same utterance's 9 x 9 x 9 tensor [h_T; 1] (x) [h_A; 1] (x) [h_V; 1] from a
    /// trained T+A+V TFN, row-major (text index slowest).
    pub example3: Vec<f64>,
    /// Training utterances per dataset.
    pub training: usize,
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
    /// The cell of `subset` and `method` at interaction strength `lambda`, all blocks.
    pub fn cell(&self, subset: &str, method: Method, lambda: f64) -> Option<&Cell> {
        self.cells.iter().find(|c| {
            c.subset() == subset && c.method == method && c.lambda_int == lambda && c.max_order.is_none()
        })
    }

    /// TFN with a linear head on T+A+V keeping blocks up to `order`. (A linear head,
    /// so that the blocks left out cannot come back through the head: an MLP head on
    /// the unimodal blocks alone could learn their products itself.)
    pub fn blocks(&self, order: usize) -> Option<&Cell> {
        if order >= 3 {
            return self.cell("T+A+V", Method::TfnLinear, 1.0);
        }
        self.cells.iter().find(|c| c.method == Method::TfnLinear && c.max_order == Some(order))
    }
}

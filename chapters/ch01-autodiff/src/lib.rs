//! # Chapter 1: automatic differentiation from scratch
//!
//! Part 1 builds one neuron, o = tanh(x1 w1 + x2 w2 + b), draws the graph the engine
//! recorded, and follows the chain rule through it node by node, checking every
//! number against finite differences. Part 2 trains an MLP on the handwritten digits
//! with the same engine and reports what it learned.

#![warn(missing_docs)]

mod checkpoint;
mod claims;
mod neuron;
mod train;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use neuron::{ChainRow, NeuronReport, Reuse, neuron_report};
pub use train::{EpochRow, MlpReport, Optimiser, test_accuracy, train_mlp};

/// Everything the chapter's run is parameterised by.
#[derive(Clone, Debug)]
pub struct Config {
    /// Hidden layer widths (the input is 64 pixels, the output 10 digits).
    pub hidden: Vec<usize>,
    /// Passes over the training images.
    pub epochs: usize,
    /// Images per minibatch.
    pub batch_size: usize,
    /// Adam or SGD with momentum.
    pub optimiser: Optimiser,
    /// Learning rate.
    pub lr: f32,
    /// Seed of the one RNG (initialisation and batch order).
    pub seed: u64,
    /// The folder holding `digits.csv` and `pairs.csv`.
    pub data: PathBuf,
}

impl Default for Config {
    /// The full run (about a second in release).
    fn default() -> Config {
        Config {
            hidden: vec![128],
            epochs: 40,
            batch_size: 32,
            optimiser: Optimiser::Adam,
            lr: 2e-3,
            seed: 0,
            data: models::data::data_dir(),
        }
    }
}

impl Config {
    /// The configuration the tests use: the same model, trained briefly.
    pub fn quick() -> Config {
        Config { hidden: vec![32], epochs: 3, ..Config::default() }
    }
}

/// The numbers the chapter's page shows, and the claims computed from them.
#[derive(Serialize, Deserialize, Debug)]
pub struct Report {
    /// Part 1: the neuron and the chain rule through it.
    pub neuron: NeuronReport,
    /// Part 2: the MLP on the digits.
    pub mlp: MlpReport,
    /// The settings the run used, for the page's table.
    #[serde(default)]
    pub settings: Vec<(String, String)>,
    /// The conclusions the page draws, computed from the two parts.
    pub claims: Vec<kit::Claim>,
}

/// Run both parts of the chapter.
pub fn run(cfg: &Config, progress: bool) -> anyhow::Result<Report> {
    Ok(run_with_model(cfg, progress)?.0)
}

/// Run both parts of the chapter, and keep the trained MLP.
pub fn run_with_model(cfg: &Config, progress: bool) -> anyhow::Result<(Report, models::Mlp)> {
    let neuron = neuron_report();
    let (model, mlp) = train_mlp(cfg, progress)?;
    let mut report = Report { neuron, mlp, settings: outputs::settings(cfg), claims: vec![] };
    report.claims = claims::claims(&report);
    Ok((report, model))
}

mod outputs;
pub use claims::claims;
pub use outputs::{chapter, write_outputs};

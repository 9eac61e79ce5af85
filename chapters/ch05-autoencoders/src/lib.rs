//! # Chapter 5: autoencoders and the bimodal deep autoencoder
//!
//! An autoencoder learns a representation by reconstructing its input through a
//! narrow code. Ngiam et al. (2011) made one multimodal: two encoders into one shared
//! layer that reconstructs both modalities, trained also on examples with one modality
//! removed, so that the shared code can be computed from either modality alone and a
//! classifier trained on one works on the other. This chapter rebuilds each step on the
//! audio-visual digits and measures it against linear baselines.

#![warn(missing_docs)]

mod baselines;
mod bimodal;
mod claims;
mod outputs;
mod unimodal;

use std::path::PathBuf;

use models::ProbeConfig;
use models::data::{Av, AvVariant, Pairing};
use serde::{Deserialize, Serialize};

pub use baselines::{Baselines, FillInBaselines};
pub use bimodal::{BimodalRow, Recipe};
pub use claims::claims;
pub use outputs::{chapter, write_outputs};
pub use unimodal::{AeRow, Autoencoder, Modality, mask};

/// Everything the chapter's run is parameterised by.
#[derive(Clone, Debug)]
pub struct Config {
    /// Noisy (default) or clean modalities.
    pub variant: AvVariant,
    /// Epochs of every autoencoder.
    pub epochs: usize,
    /// Adam's learning rate.
    pub lr: f32,
    /// Hidden width of the bimodal autoencoder's encoders and decoders.
    pub hidden: usize,
    /// Width of the shared code.
    pub code: usize,
    /// Code widths of the unimodal autoencoders.
    pub code_dims: Vec<usize>,
    /// The denoising autoencoder's masking probability.
    pub mask: f32,
    /// The weight decay of the regularised recipe.
    pub weight_decay: f32,
    /// How linear probes are trained.
    pub probe: ProbeConfig,
    /// Canonical directions of the CCA baseline.
    pub cca_dims: usize,
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
            lr: 1e-3,
            hidden: 128,
            code: 32,
            code_dims: vec![2, 4, 8, 16, 32],
            mask: 0.3,
            weight_decay: 1e-3,
            probe: ProbeConfig::default(),
            cca_dims: 32,
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
            code_dims: vec![4, 32],
            probe: ProbeConfig { steps: 60, ..ProbeConfig::default() },
            ..Config::default()
        }
    }

    /// The bimodal recipes the chapter compares.
    pub fn recipes(&self) -> Vec<Recipe> {
        let recipe = |name: &str, zeroing, pretrain_share, weight_decay, pairing| Recipe {
            name: name.into(),
            zeroing,
            pretrain_share,
            weight_decay,
            pairing,
        };
        vec![
            recipe("A: both inputs only", false, 0.0, 0.0, Pairing::Fixed),
            recipe("B: Ngiam (one input zeroed for 2/3)", true, 0.0, 0.0, Pairing::Fixed),
            recipe("B with weight decay", true, 0.0, self.weight_decay, Pairing::Fixed),
            recipe("B after pre-training on both", true, 0.5, 0.0, Pairing::Fixed),
            recipe("A, fresh partners", false, 0.0, 0.0, Pairing::Fresh),
            recipe("B, fresh partners", true, 0.0, 0.0, Pairing::Fresh),
        ]
    }
}

/// The numbers the page shows, and the claims computed from them.
#[derive(Serialize, Deserialize, Debug)]
pub struct Report {
    /// "noisy" or "clean".
    pub variant: String,
    /// Epochs of every autoencoder.
    pub epochs: usize,
    /// The denoising autoencoder's masking probability.
    pub mask: f32,
    /// The unimodal autoencoders: code width sweep and the denoising variant.
    pub unimodal: Vec<AeRow>,
    /// The bimodal autoencoder under each recipe.
    pub bimodal: Vec<BimodalRow>,
    /// Unimodal autoencoder codes and CCA, measured like the shared code.
    pub baselines: Baselines,
    /// Filling in the image: what a prediction without the audio scores.
    pub fill_in: FillInBaselines,
    /// The conclusions the page draws.
    pub claims: Vec<kit::Claim>,
}

impl Report {
    /// The bimodal row trained with the recipe named `name`.
    pub fn recipe(&self, name: &str) -> Option<&BimodalRow> {
        self.bimodal.iter().find(|b| b.recipe.name == name)
    }
}

enum Task {
    Unimodal(Modality, usize, bool),
    Bimodal(Recipe),
}

enum Done {
    Unimodal(Box<AeRow>),
    Bimodal(Box<BimodalRow>),
}

/// Run every experiment (in parallel; results in a fixed order).
pub fn run(cfg: &Config) -> anyhow::Result<(Report, Av)> {
    let av = Av::load(&cfg.data, cfg.variant)
        .map_err(|e| anyhow::anyhow!("loading the audio-visual digits: {e}"))?;
    let mut tasks: Vec<Task> = cfg.recipes().into_iter().map(Task::Bimodal).collect();
    for modality in [Modality::Image, Modality::Audio] {
        // The baselines read the plain autoencoder as wide as the shared code.
        let mut widths = cfg.code_dims.clone();
        if !widths.contains(&cfg.code) {
            widths.push(cfg.code);
        }
        for k in widths {
            tasks.push(Task::Unimodal(modality, k, false));
        }
        tasks.push(Task::Unimodal(modality, cfg.code, true));
    }
    let done = kit::parallel::map(&tasks, |task| {
        Ok(match task {
            Task::Unimodal(m, k, d) => Done::Unimodal(Box::new(unimodal::run(&av, *m, *k, *d, cfg)?)),
            Task::Bimodal(recipe) => Done::Bimodal(Box::new(bimodal::run(&av, recipe, cfg)?)),
        })
    })?;
    let (mut unimodal, mut bimodal) = (Vec::new(), Vec::new());
    for d in done {
        match d {
            Done::Unimodal(u) => unimodal.push(*u),
            Done::Bimodal(b) => bimodal.push(*b),
        }
    }
    let codes = |m: Modality| {
        unimodal
            .iter()
            .find(|u| u.modality == m && u.k == cfg.code && !u.denoising)
            .map(|u| u.codes.clone())
            .ok_or_else(|| anyhow::anyhow!("the {}-wide {} autoencoder did not run", cfg.code, m.name()))
    };
    let (baselines, fill_in) = baselines::run(&av, cfg, codes(Modality::Image)?, codes(Modality::Audio)?)?;
    let mut report = Report {
        variant: format!("{:?}", cfg.variant).to_lowercase(),
        epochs: cfg.epochs,
        mask: cfg.mask,
        unimodal,
        bimodal,
        baselines,
        fill_in,
        claims: vec![],
    };
    report.claims = claims(&report);
    Ok((report, av))
}

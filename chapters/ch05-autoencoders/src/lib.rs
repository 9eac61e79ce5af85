//! # Chapter 5: autoencoders and the bimodal deep autoencoder
//!
//! An autoencoder learns a representation by reconstructing its input through a
//! narrow code. Ngiam et al. (2011) made one multimodal: two encoders into one shared
//! layer that reconstructs both modalities, trained also on examples with one modality
//! removed, so that the shared code can be computed from either modality alone and a
//! classifier trained on one works on the other. This chapter rebuilds each step on the
//! audio-visual digits and measures it against linear baselines.

#![warn(missing_docs)]

mod autoencoder_claims;
mod baselines;
mod bimodal;
mod checkpoint;
mod claims;
pub mod diagram;
mod outputs;
mod unimodal;

use std::path::PathBuf;

use models::ProbeConfig;
use models::data::{Av, AvVariant, Pairing};
use serde::{Deserialize, Serialize};

pub use baselines::{Baselines, FillInBaselines};
pub use bimodal::{Bimodal, BimodalRow, Present, Recipe};
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
    /// Seed of every RNG: the first of the seeds the comparisons run on.
    pub seed: u64,
    /// How many seeds (`seed`, `seed + 1`, ...) the recipes, the autoencoders as wide
    /// as the shared code and the baselines run on: comparisons are paired by seed.
    pub seeds: usize,
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
            code_dims: vec![4, 32],
            probe: ProbeConfig { steps: 60, ..ProbeConfig::default() },
            seeds: 1,
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
    /// The number of classes (digits): chance accuracy is one over it.
    pub classes: usize,
    /// |Pearson r| over the test pairs between the audio's first principal component
    /// (fitted on the training pairs) and each utterance's SNR: how much of the
    /// spectrogram's largest direction of variation is its noise level. None when the
    /// SNR is constant (the clean variant).
    pub audio_pc1_snr: Option<f64>,
    /// The further seeds (`seed + 1`, ...): what the comparisons are paired with. The
    /// tables and figures show the first seed.
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
    /// The autoencoders as wide as the shared code (plain and denoising).
    pub unimodal: Vec<AeRow>,
    /// The bimodal autoencoder under each recipe.
    pub bimodal: Vec<BimodalRow>,
    /// The baselines.
    pub baselines: Baselines,
}

/// What one seed measured, as the comparisons read it.
pub struct Seed<'a> {
    /// The unimodal autoencoders.
    pub unimodal: &'a [AeRow],
    /// The bimodal recipes.
    pub bimodal: &'a [BimodalRow],
    /// The baselines.
    pub baselines: &'a Baselines,
}

impl Seed<'_> {
    /// The bimodal row trained with the recipe named `name`.
    pub fn recipe(&self, name: &str) -> Option<&BimodalRow> {
        self.bimodal.iter().find(|b| b.recipe.name == name)
    }
}

impl Report {
    /// The bimodal row trained with the recipe named `name`.
    pub fn recipe(&self, name: &str) -> Option<&BimodalRow> {
        self.bimodal.iter().find(|b| b.recipe.name == name)
    }

    /// `f` of every seed's results, the first seed first: values paired by seed.
    pub fn per_seed(&self, f: impl Fn(&Seed) -> f64) -> Vec<f64> {
        let first = Seed { unimodal: &self.unimodal, bimodal: &self.bimodal, baselines: &self.baselines };
        std::iter::once(f(&first))
            .chain(
                self.repeats.iter().map(|r| {
                    f(&Seed { unimodal: &r.unimodal, bimodal: &r.bimodal, baselines: &r.baselines })
                }),
            )
            .collect()
    }
}

fn settings(cfg: &Config, audio: usize) -> Vec<(String, String)> {
    let (h, m, c) = (cfg.hidden, cfg.hidden / 2, cfg.code);
    [
        (
            "seeds (every comparison is paired by seed)",
            format!("{} ({} to {})", cfg.seeds, cfg.seed, cfg.seed + cfg.seeds as u64 - 1),
        ),
        ("autoencoder", format!(
                "d → k (tanh) → d, k = {}",
                cfg.code_dims.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")
            )),
        ("denoising autoencoder", format!("as above, k = {c}, each input feature masked with probability {}", cfg.mask)),
        (
            "bimodal autoencoder",
            format!(
                "encoders 64 → {h} → {m} and {audio} → {h} → {m} (ReLU); shared {} → {c} (tanh); {c} → {} (ReLU); \
                 decoders {m} → {h} → 64 and {m} → {h} → {audio}",
                2 * m,
                2 * m
            ),
        ),
        ("training (every autoencoder)", format!("Adam, learning rate {}, batch 64, {} epochs", cfg.lr, cfg.epochs)),
        ("weight decay (recipe \"B with weight decay\")", format!("{}", cfg.weight_decay)),
        (
            "linear probes",
            format!(
                "softmax regression, full-batch Adam, {} steps, learning rate {}, weight decay {}",
                cfg.probe.steps, cfg.probe.lr, cfg.probe.weight_decay
            ),
        ),
        ("CCA baseline", format!("{} directions, ridge 0.1", cfg.cca_dims)),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b))
    .collect()
}

/// |Pearson r| between the audio's first principal component and the utterances' SNR,
/// on the test pairs, with the component fitted on the training pairs.
fn audio_pc1_snr(av: &Av) -> anyhow::Result<Option<f64>> {
    let width = av.audio_width();
    let rows = |pairs: &[usize]| {
        let values: Vec<f32> =
            pairs.iter().flat_map(|&p| av.audio[p * width..][..width].iter().copied()).collect();
        models::linalg::Matrix::from_f32(pairs.len(), width, &values)
    };
    let pca = models::Pca::fit(&rows(&av.raw.train), 1).map_err(anyhow::Error::msg)?;
    let first = pca.transform(&rows(&av.raw.test));
    let pc1: Vec<f64> = (0..av.raw.test.len()).map(|i| first.at(i, 0)).collect();
    let snr: Vec<f64> = av.raw.test.iter().map(|&p| f64::from(av.raw.audio_snr_db[p])).collect();
    let r = models::toymosi::pearson(&pc1, &snr).abs();
    Ok(r.is_finite().then_some(r))
}

enum Task {
    Unimodal(Modality, usize, bool, u64),
    Bimodal(Recipe, u64),
}

type KeptModel = Option<checkpoint::KeptModel>;

enum Done {
    Unimodal(u64, Box<AeRow>, KeptModel),
    Bimodal(u64, Box<BimodalRow>, KeptModel),
}

/// Run every experiment (in parallel; results in a fixed order).
pub fn run(cfg: &Config) -> anyhow::Result<(Report, Av)> {
    let (report, av, _) = run_keeping(cfg)?;
    Ok((report, av))
}

/// [`run`], and the models `--save` keeps, as plain data: the first seed's bimodal
/// autoencoder trained with recipe B and its unimodal autoencoders as wide as the code.
pub(crate) fn run_keeping(cfg: &Config) -> anyhow::Result<(Report, Av, checkpoint::Kept)> {
    let av = Av::load(&cfg.data, cfg.variant)
        .map_err(|e| anyhow::anyhow!("loading the audio-visual digits: {e}"))?;
    let seeds: Vec<u64> = (0..cfg.seeds.max(1) as u64).map(|s| cfg.seed + s).collect();
    let mut tasks: Vec<Task> = Vec::new();
    for &seed in &seeds {
        tasks.extend(cfg.recipes().into_iter().map(|r| Task::Bimodal(r, seed)));
        for modality in [Modality::Image, Modality::Audio] {
            // The baselines read the plain autoencoder as wide as the shared code; the
            // sweep over code widths runs on the first seed only.
            let mut widths = if seed == cfg.seed { cfg.code_dims.clone() } else { vec![] };
            if !widths.contains(&cfg.code) {
                widths.push(cfg.code);
            }
            for k in widths {
                tasks.push(Task::Unimodal(modality, k, false, seed));
            }
            tasks.push(Task::Unimodal(modality, cfg.code, true, seed));
        }
    }
    let done = kit::parallel::map(&tasks, |task| {
        Ok(match task {
            Task::Unimodal(m, k, d, seed) => {
                let c = Config { seed: *seed, ..cfg.clone() };
                let keep = *seed == cfg.seed && *k == cfg.code && !*d;
                let (row, kept) = unimodal::run(&av, *m, *k, *d, &c, keep)?;
                Done::Unimodal(*seed, Box::new(row), kept)
            }
            Task::Bimodal(recipe, seed) => {
                let c = Config { seed: *seed, ..cfg.clone() };
                let keep = *seed == cfg.seed && recipe.name == claims::B;
                let (row, kept) = bimodal::run(&av, recipe, &c, keep)?;
                Done::Bimodal(*seed, Box::new(row), kept)
            }
        })
    })?;
    let mut by_seed: Vec<(Vec<AeRow>, Vec<BimodalRow>)> = seeds.iter().map(|_| (vec![], vec![])).collect();
    let mut kept = checkpoint::Kept::default();
    for d in done {
        match d {
            Done::Unimodal(s, u, k) => {
                if let Some(k) = k {
                    kept.autoencoders.push((u.modality, k));
                }
                by_seed[(s - cfg.seed) as usize].0.push(*u)
            }
            Done::Bimodal(s, b, k) => {
                kept.bimodal = k.or(kept.bimodal.take());
                by_seed[(s - cfg.seed) as usize].1.push(*b)
            }
        }
    }
    let mut runs = Vec::new();
    let mut fill_in = None;
    for (&seed, (unimodal, bimodal)) in seeds.iter().zip(by_seed) {
        let codes = |m: Modality| {
            unimodal
                .iter()
                .find(|u| u.modality == m && u.k == cfg.code && !u.denoising)
                .map(|u| u.codes.clone())
                .ok_or_else(|| anyhow::anyhow!("the {}-wide {} autoencoder did not run", cfg.code, m.name()))
        };
        let c = Config { seed, ..cfg.clone() };
        let (baselines, fill) = baselines::run(&av, &c, codes(Modality::Image)?, codes(Modality::Audio)?)?;
        fill_in.get_or_insert(fill);
        runs.push(Repeat { seed, unimodal, bimodal, baselines });
    }
    let mut runs = runs.into_iter();
    let first = runs.next().ok_or_else(|| anyhow::anyhow!("no seed ran"))?;
    let (unimodal, bimodal, baselines) = (first.unimodal, first.bimodal, first.baselines);
    let fill_in = fill_in.ok_or_else(|| anyhow::anyhow!("no seed ran"))?;
    let mut report = Report {
        variant: format!("{:?}", cfg.variant).to_lowercase(),
        epochs: cfg.epochs,
        mask: cfg.mask,
        unimodal,
        bimodal,
        baselines,
        fill_in,
        classes: av.raw.labels.iter().max().map_or(0, |m| m + 1),
        audio_pc1_snr: audio_pc1_snr(&av)?,
        repeats: runs.collect(),
        settings: settings(cfg, av.audio_width()),
        claims: vec![],
    };
    report.claims = claims(&report);
    Ok((report, av, kept))
}

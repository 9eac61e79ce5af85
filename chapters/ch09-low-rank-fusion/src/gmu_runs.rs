//! The GMU of the page "Adding your own model", trained by the chapter's protocol on
//! T+A+V over the chapter's seeds and datasets: each seed generates the dataset,
//! initialises the model and batches its training, exactly as for the grid's other
//! models, so every comparison with them pairs by seed.

use autograd::seeded_rng;
use models::fusion::{Standardised, predict, train};
use models::toymosi::{ToyMosi, sarcasm_split, sentiment_scores};
use models::{Model, Module};
use serde::{Deserialize, Serialize};

use crate::gmu::{Gmu, code_lines, parameters_by_formula};
use crate::grid::TAV;
use crate::{Config, Run};

/// The GMU on T+A+V, over the seeds.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct GmuRuns {
    /// The input width of each modality (T, A, V).
    pub widths: Vec<usize>,
    /// Trainable parameters of the whole model (`Model::num_parameters`).
    pub parameters: usize,
    /// Trainable parameters after the encoders: candidates, gate and head.
    pub fusion_parameters: usize,
    /// The count by formula from the layers' sizes ([`parameters_by_formula`]).
    pub formula_parameters: usize,
    /// Lines of the model's code as the page shows it (the `gmu` region of `gmu.rs`).
    pub code_lines: usize,
    /// Per seed, the epoch whose weights early stopping kept.
    pub best_epochs: Vec<usize>,
    /// Per seed, the test MAE of predicting the training labels' mean for every
    /// utterance: the constant a trained model must beat.
    pub mean_predictor_mae: Vec<f64>,
    /// One run per seed.
    pub runs: Vec<Run>,
}

impl GmuRuns {
    /// Mean and population standard deviation over seeds of `f`.
    pub fn stat(&self, f: impl Fn(&Run) -> f64) -> (f64, f64) {
        models::toymosi::mean_sd(&self.runs.iter().map(f).collect::<Vec<_>>())
    }
}

/// Train a GMU on the standardised summaries `s`, initialised and batched from `seed`,
/// by the chapter's protocol.
pub fn fit_gmu(s: &Standardised, seed: u64, cfg: &Config) -> anyhow::Result<(Gmu, usize)> {
    // ANCHOR: train_gmu
    let mut rng = seeded_rng(seed);
    let mut model = Gmu::new(&s.widths, &mut rng);
    let trained =
        train(&mut model, s, &cfg.train, &mut rng).map_err(|e| anyhow::anyhow!("GMU, seed {seed}: {e}"))?;
    // ANCHOR_END: train_gmu
    Ok((model, trained.best_epoch))
}

/// One seed's run, best epoch, and the mean predictor's test MAE; the model's
/// parameters, and those after its encoders.
type Done = (Run, usize, f64, usize, usize);

fn run_one(data: &ToyMosi, cfg: &Config) -> anyhow::Result<Done> {
    let s = Standardised::new(data, &TAV);
    let (model, best_epoch) = fit_gmu(&s, data.seed, cfg)?;
    let p = predict(&model, &s.test);
    let test = sentiment_scores(&p, &s.test.labels);
    let sarcasm = Some(sarcasm_split(data, &s.test.ids, &p, &s.test.labels));
    let mean = s.train.labels.iter().sum::<f64>() / s.train.labels.len().max(1) as f64;
    let constant =
        s.test.labels.iter().map(|y| (y - mean).abs()).sum::<f64>() / s.test.labels.len().max(1) as f64;
    let encoders: usize =
        model.encoders.iter().map(|e| e.hidden.num_parameters() + e.out.num_parameters()).sum();
    let total = model.num_parameters();
    Ok((Run { seed: data.seed, test, sarcasm }, best_epoch, constant, total, total - encoders))
}

/// Train and score the GMU on every dataset (one per seed), both cores at once.
pub(crate) fn run_gmu(datasets: &[ToyMosi], cfg: &Config) -> anyhow::Result<GmuRuns> {
    let done = kit::parallel::map(datasets, |data| run_one(data, cfg))?;
    let widths: Vec<usize> = TAV.iter().map(|m| m.width()).collect();
    let first = done.first().ok_or_else(|| anyhow::anyhow!("the GMU needs at least one seed"))?;
    Ok(GmuRuns {
        parameters: first.3,
        fusion_parameters: first.4,
        formula_parameters: parameters_by_formula(&widths),
        widths,
        code_lines: code_lines(),
        best_epochs: done.iter().map(|d| d.1).collect(),
        mean_predictor_mae: done.iter().map(|d| d.2).collect(),
        runs: done.into_iter().map(|d| d.0).collect(),
    })
}

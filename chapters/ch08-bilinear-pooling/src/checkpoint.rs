//! `--save DIR` and `--load DIR`: the models of the run on T+A+V at the default
//! interaction strength (λ = 1) for the first seed: tensor fusion with both heads and
//! the block ablation's, and chapter 7's methods beside them, each with its
//! preprocessing, for Rust and for Python
//! (`chapters/ch07-supervised-fusion/load_fusion.py`). The run trains its models on
//! worker threads, where they stay, so `--save` trains them again on the main thread
//! from the same seed and checks that each scores exactly what the run reported
//! before writing it.

use std::path::Path;

use kit::summary_checkpoint::{ToSave, fusion_net, load_outcome, save};
use models::fusion::{Preprocessing, Standardised, predict};
use models::toymosi::{Knobs, Modality, generate, sentiment_scores};

use crate::grid::{Job, fit};
use crate::{Config, Report};

/// Save the T+A+V models of `report` at λ = 1 for `cfg.seed` into `dir`, each checked
/// against the run.
pub(crate) fn save_trimodal(dir: &Path, cfg: &Config, report: &Report) -> anyhow::Result<Vec<String>> {
    let modalities = Modality::ALL.to_vec();
    let data = generate(&Knobs { lambda_int: 1.0, ..cfg.knobs.clone() }, cfg.seed)?;
    let s = Standardised::new(&data, &modalities);
    let mut kept = Vec::new();
    for cell in report.cells.iter().filter(|c| c.modalities == modalities && c.lambda_int == 1.0) {
        let job = Job {
            lambda: 1.0,
            seed_index: 0,
            modalities: modalities.clone(),
            method: cell.method,
            max_order: cell.max_order,
        };
        let model = fit(&s, cfg.seed, &job, cfg)?;
        let predictions = predict(&model, &s.test);
        let scores = sentiment_scores(&predictions, &s.test.labels);
        let name = match cell.max_order {
            Some(k) => format!("{}_order{k}", cell.method.slug()),
            None => cell.method.slug(),
        };
        let reported = cell.runs.first().ok_or_else(|| anyhow::anyhow!("{name} has no run to save"))?;
        anyhow::ensure!(
            reported.test == scores,
            "{name} retrained for --save scores {scores:?}, the run reported {:?}: training is not reproducible",
            reported.test
        );
        kept.push((name, model, scores, predictions));
    }
    let to_save: Vec<ToSave<'_>> = kept
        .iter()
        .map(|(name, model, scores, p)| {
            ToSave::fusion(name.clone(), model, Preprocessing::of(&s, &modalities), p.clone(), *scores)
        })
        .collect();
    save(dir, &data, &to_save)
}

/// `--load DIR`: every model `--save DIR` wrote, reloaded and scored again.
pub(crate) fn load_all(dir: &Path) -> anyhow::Result<kit::Outcome> {
    load_outcome(dir, &fusion_net)
}

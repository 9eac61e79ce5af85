//! `--save DIR` and `--load DIR`: every model of the run on T+A+V for the first seed
//! (LMF at each rank, TFN with both heads, the rest, and the GMU), each with its
//! preprocessing, for Rust and for Python
//! (`chapters/ch07-supervised-fusion/load_fusion.py`). The run trains its models on
//! worker threads, where they stay, so `--save` trains them again on the main thread
//! from the same seed and checks that each scores exactly what the run reported
//! before writing it.

use std::path::Path;

use kit::summary_checkpoint::{ToSave, fusion_net, load_outcome, save};
use models::fusion::{Preprocessing, Standardised, predict};
use models::toymosi::{generate, sentiment_scores};

use crate::grid::{TAV, fit};
use crate::{Config, Gmu, Report, fit_gmu};

/// Save the models of `report` for `cfg.seed` into `dir`, each checked against the run.
pub(crate) fn save_all(dir: &Path, cfg: &Config, report: &Report) -> anyhow::Result<Vec<String>> {
    let data = generate(&cfg.knobs, cfg.seed)?;
    let s = Standardised::new(&data, &TAV);
    let mut kept = Vec::new();
    for cell in &report.cells {
        let model = fit(&s, cfg.seed, cell.method, cfg)?;
        let predictions = predict(&model, &s.test);
        let scores = sentiment_scores(&predictions, &s.test.labels);
        let reported =
            cell.runs.first().ok_or_else(|| anyhow::anyhow!("{} has no run to save", cell.name()))?;
        anyhow::ensure!(
            reported.test == scores,
            "{} retrained for --save scores {scores:?}, the run reported {:?}: training is not reproducible",
            cell.name(),
            reported.test
        );
        kept.push((cell.method.slug(), model, scores, predictions));
    }
    let mut to_save: Vec<ToSave<'_>> = kept
        .iter()
        .map(|(name, model, scores, p)| {
            ToSave::fusion(name.clone(), model, Preprocessing::of(&s, &TAV), p.clone(), *scores)
        })
        .collect();
    // The GMU of "Adding your own model", saved the same way.
    let gmu = match &report.gmu {
        Some(runs) => {
            let (model, _) = fit_gmu(&s, cfg.seed, cfg)?;
            let predictions = predict(&model, &s.test);
            let scores = sentiment_scores(&predictions, &s.test.labels);
            let reported = runs.runs.first().ok_or_else(|| anyhow::anyhow!("the GMU has no run to save"))?;
            anyhow::ensure!(
                reported.test == scores,
                "the GMU retrained for --save scores {scores:?}, the run reported {:?}: training is not \
                 reproducible",
                reported.test
            );
            Some((model, scores, predictions))
        }
        None => None,
    };
    if let Some((model, scores, predictions)) = &gmu {
        to_save.push(ToSave {
            name: "gmu".into(),
            model,
            architecture: model.architecture(),
            preprocessing: Preprocessing::of(&s, &TAV),
            scores: *scores,
            predictions: predictions.clone(),
        });
    }
    save(dir, &data, &to_save)
}

/// `--load DIR`: every model `--save DIR` wrote, reloaded and scored again.
pub(crate) fn load_all(dir: &Path) -> anyhow::Result<kit::Outcome> {
    load_outcome(dir, &|architecture| match architecture.get("kind").and_then(|k| k.as_str()) {
        Some("Gmu") => Ok(Box::new(Gmu::from_architecture(architecture).map_err(anyhow::Error::msg)?)),
        _ => fusion_net(architecture),
    })
}

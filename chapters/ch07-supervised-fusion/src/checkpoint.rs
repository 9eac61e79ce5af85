//! `--save DIR` and `--load DIR`: the four trimodal models of the first seed, each
//! with its preprocessing, for Rust and for Python (`load_fusion.py` beside this
//! crate). The run trains its models on worker threads, where they stay, so `--save`
//! trains the four again on the main thread from the same seed and checks that each
//! scores exactly what the run reported before writing it.

use std::path::Path;

use kit::summary_checkpoint::{ToSave, fusion_net, load_outcome, save};
use models::fusion::{Preprocessing, Standardised};
use models::toymosi::{Modality, generate};

use crate::grid::{Job, methods_for, trained};
use crate::{Config, Report, subset_name};

/// Save the trimodal models of `cfg.seed` into `dir`, checked against `report`.
pub(crate) fn save_trimodal(dir: &Path, cfg: &Config, report: &Report) -> anyhow::Result<Vec<String>> {
    let modalities = Modality::ALL.to_vec();
    let data = generate(&cfg.knobs, cfg.seed)?;
    let s = Standardised::new(&data, &modalities);
    let mut kept = Vec::new();
    for method in methods_for(&modalities) {
        let job = Job { seed_index: 0, modalities: modalities.clone(), method };
        let (model, run, predictions) = trained(&s, cfg.seed, &job, cfg)?;
        let reported = report
            .cell(&subset_name(&modalities), method)
            .and_then(|c| c.runs.first())
            .ok_or_else(|| anyhow::anyhow!("the run has no {} on T+A+V to save", method.name()))?;
        anyhow::ensure!(
            reported.test == run.test,
            "{} retrained for --save scores {:?}, the run reported {:?}: training is not reproducible",
            method.name(),
            run.test,
            reported.test
        );
        kept.push((method, model, run, predictions));
    }
    let to_save: Vec<ToSave<'_>> = kept
        .iter()
        .map(|(method, model, run, p)| {
            ToSave::fusion(method.slug(), model, Preprocessing::of(&s, &modalities), p.clone(), run.test)
        })
        .collect();
    save(dir, &data, &to_save)
}

/// `--load DIR`: every model `--save DIR` wrote, reloaded and scored again.
pub(crate) fn load_all(dir: &Path) -> anyhow::Result<kit::Outcome> {
    load_outcome(dir, &fusion_net)
}

//! `--save DIR` / `--load DIR` for the toy MOSI chapters' models on utterance
//! summaries (chapters 7 to 9): each model as `DIR/NAME.safetensors`
//! (`models::fusion::save_summary_model`: PyTorch names, architecture, preprocessing)
//! with its test scores and predictions, and the dataset it was tested on as
//! `DIR/data` in the layout `--data DIR` reads. `--load DIR` rebuilds every model from
//! its checkpoint, standardises `DIR/data`'s raw test summaries with the saved
//! statistics and checks that it scores exactly what it scored when saved, as
//! `chapters/ch07-supervised-fusion/load_fusion.py` does in Python.

use std::path::Path;

use anyhow::Context;
use models::Model;
use models::data::mosi::load_mosi;
use models::fusion::{FusionNet, Preprocessing, predict, read_summary_model, save_summary_model};
use models::toymosi::{SentimentScores, ToyMosi, export_layout, sentiment_scores};

/// One trained model to save.
pub struct ToSave<'a> {
    /// The file's stem: `DIR/{name}.safetensors`.
    pub name: String,
    /// The model.
    pub model: &'a dyn Model,
    /// What rebuilds it (JSON with a "kind").
    pub architecture: serde_json::Value,
    /// Its modalities and their standardisation.
    pub preprocessing: Preprocessing,
    /// Its test scores, as the run reported them.
    pub scores: SentimentScores,
    /// Its test predictions, in the test split's order.
    pub predictions: Vec<f64>,
}

impl<'a> ToSave<'a> {
    /// A `FusionNet` of chapters 7 to 9, tested with `predictions` scoring `scores`.
    pub fn fusion(
        name: String,
        model: &'a FusionNet,
        preprocessing: Preprocessing,
        predictions: Vec<f64>,
        scores: SentimentScores,
    ) -> ToSave<'a> {
        ToSave { name, model, architecture: model.architecture(), preprocessing, scores, predictions }
    }
}

/// Write `data` (the dataset the models were tested on) into `DIR/data` and every
/// model of `models` into `DIR`; one line per model for the chapter to print.
pub fn save(dir: &Path, data: &ToyMosi, models: &[ToSave<'_>]) -> anyhow::Result<Vec<String>> {
    export_layout(data, &dir.join("data"))
        .with_context(|| format!("writing the test data into {}", dir.display()))?;
    for m in models {
        let results = [
            ("seed", data.seed.to_string()),
            ("test_acc2", m.scores.acc2.to_string()),
            ("test_mae", m.scores.mae.to_string()),
            ("test_predictions", serde_json::to_string(&m.predictions)?),
        ];
        let path = dir.join(format!("{}.safetensors", m.name));
        save_summary_model(&path, m.model, &m.architecture, &m.preprocessing, &results)?;
    }
    let mut lines: Vec<String> = models
        .iter()
        .map(|m| format!("saved {}: test Acc-2 {:.4}, MAE {:.6}", m.name, m.scores.acc2, m.scores.mae))
        .collect();
    lines.push(format!("saved into {} (with the test data in {}/data)", dir.display(), dir.display()));
    Ok(lines)
}

/// The [`Build`] of a `FusionNet` (chapters 7 to 9).
pub fn fusion_net(architecture: &serde_json::Value) -> anyhow::Result<Box<dyn Model>> {
    Ok(Box::new(FusionNet::from_architecture(architecture).map_err(anyhow::Error::msg)?))
}

/// A chapter's whole `--load DIR`: [`load_and_check`], each line printed, and the
/// outcome it reports (no claims: saved models are checked against themselves).
pub fn load_outcome(dir: &Path, build: &Build) -> anyhow::Result<crate::Outcome> {
    let lines = load_and_check(dir, build)?;
    for line in &lines {
        println!("{line}");
    }
    let headline = format!("{} saved models reloaded, each scoring what it scored when saved", lines.len());
    Ok(crate::Outcome { headline, claims: vec![] })
}

/// What builds a fresh model from a saved architecture.
pub type Build = dyn Fn(&serde_json::Value) -> anyhow::Result<Box<dyn Model>>;

/// `--load DIR`: every `DIR/*.safetensors`, rebuilt by `build`, loaded, and scored on
/// `DIR/data`'s test split; an error when none is there or any scores other than it
/// did when saved. Returns one line per model for the chapter to print.
pub fn load_and_check(dir: &Path, build: &Build) -> anyhow::Result<Vec<String>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}: give --load the folder --save wrote", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "safetensors"))
        .collect();
    paths.sort();
    anyhow::ensure!(
        !paths.is_empty(),
        "{} holds no .safetensors checkpoints: run with --save {0} first",
        dir.display()
    );
    let data = load_mosi(&dir.join("data")).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut lines = Vec::new();
    for path in paths {
        let saved = read_summary_model(&path)?;
        let mut model =
            build(&saved.architecture).with_context(|| format!("rebuilding {}", path.display()))?;
        model.load_state_dict(&saved.state).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let part = saved.preprocessing.apply(&data.test);
        let got = sentiment_scores(&predict(model.as_ref(), &part), &part.labels);
        let number = |key: &str| -> anyhow::Result<f64> {
            Ok(models::checkpoint::field(&path, &saved.metadata, key)?.parse::<f64>()?)
        };
        let (acc2, mae) = (number("test_acc2")?, number("test_mae")?);
        let line = format!(
            "{}: test Acc-2 {:.4}, MAE {:.6} (saved: {acc2:.4}, {mae:.6})",
            path.display(),
            got.acc2,
            got.mae
        );
        anyhow::ensure!(
            got.acc2 == acc2 && got.mae == mae,
            "{line}: the reloaded model does not score what it scored when saved"
        );
        lines.push(line);
    }
    Ok(lines)
}

/// The round trip a chapter's tests run: a quick run with `--save` into a fresh
/// folder, `--load` of it (every model scores what it scored), a damaged checkpoint
/// refused with its name, and, when Python has numpy and safetensors,
/// `load_fusion.py` on the folder. Panics with what failed.
pub fn round_trip_check(chapter: &crate::Chapter) {
    let dir = std::env::temp_dir().join(format!("{}-ckpt-{}", chapter.name, std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let quick = crate::Options::quick(dir.join("out"));
    let saving = crate::Options { save: Some(dir.join("saved")), ..quick.clone() };
    chapter.run_checked(&saving).unwrap();
    let loading = crate::Options { load: Some(dir.join("saved")), ..quick };
    let outcome = chapter.run_checked(&loading).unwrap();
    assert!(outcome.headline.contains("each scoring what it scored when saved"), "{}", outcome.headline);
    let script = crate::cli::repo_root().join("chapters/ch07-supervised-fusion/load_fusion.py");
    crate::checkpoint::run_python_loader(&script, &dir.join("saved"), "numpy: Acc-2");
    // A damaged checkpoint is refused, naming the file.
    let victim = std::fs::read_dir(dir.join("saved"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "safetensors"))
        .unwrap();
    let bytes = std::fs::read(&victim).unwrap();
    std::fs::write(&victim, &bytes[..bytes.len() / 2]).unwrap();
    let err = chapter.run_checked(&loading).map(|_| ()).unwrap_err().to_string();
    assert!(err.contains(&victim.display().to_string()) && err.contains("not a valid safetensors"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

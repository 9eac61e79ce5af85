//! `--save DIR` and `--load DIR`: the three multimodal LSTMs of the first seed, trained
//! on T+A+V, as `DIR/multi_view.safetensors`, `DIR/early.safetensors` and
//! `DIR/late.safetensors` under PyTorch's names (`SeqNet`'s `Model::state_dict`), and
//! the raw data they were trained and tested on as `DIR/data/` (toy MOSI's `--export`
//! layout, `models::toymosi::export_layout`: `.npy` per split and modality, lengths,
//! labels, `manifest.json`).
//!
//! Each file's metadata holds what it takes to rebuild the model and check it: the
//! architecture (JSON, `SeqNet::architecture`), the preprocessing (JSON: the modalities
//! in input order and each one's training mean and standard deviation + 1e-6, which
//! `Sequences` kept), the test Acc-2 (a fraction) and MAE, and the test predictions
//! (JSON, in the row order of `data/test_*.npy`). `--load DIR` rebuilds every model from
//! its metadata, standardises the raw test sequences with the saved statistics, predicts,
//! and fails unless Acc-2 and MAE are exactly the saved ones. `load_checkpoint.py` beside
//! this crate does the same in numpy (and PyTorch, if present).

use std::path::{Path, PathBuf};

use anyhow::Context;
use models::Model;
use models::data::mosi::load_mosi;
use models::fusion::{SeqFusion, SeqNet, SeqPart, Sequences, predict_sequences};
use models::toymosi::{Modality, SentimentScores, export_layout, generate, sentiment_scores};
use serde::{Deserialize, Serialize};

use crate::multimodal::{name, train_sequence_model};
use crate::{Config, Report};

/// The models saved, each with its file name (without `.safetensors`) inside `--save DIR`.
pub const KINDS: [(SeqFusion, &str); 3] =
    [(SeqFusion::MultiView, "multi_view"), (SeqFusion::Early, "early"), (SeqFusion::Late, "late")];

/// The folder inside `--save DIR` that holds the data (toy MOSI's `--export` layout).
pub const DATA: &str = "data";

/// How a model's inputs are prepared: which modalities, in its input order, each
/// channel z-scored as x ↦ (x − mean) / sd with the training split's statistics.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Preprocessing {
    /// The modalities, in the model's input order.
    pub modalities: Vec<Modality>,
    /// Per modality, each channel's mean over the training split's words.
    pub mean: Vec<Vec<f64>>,
    /// Per modality, each channel's standard deviation over them + 1e-6.
    pub sd: Vec<Vec<f64>>,
}

/// Metadata text of a float: Rust's shortest representation that reads back as the
/// same f64 (in Python too).
fn exact(v: f64) -> String {
    format!("{v}")
}

/// Whether two scores are the same bits, metric by metric.
fn same(a: &SentimentScores, b: &SentimentScores) -> bool {
    let bits = |s: &SentimentScores| [s.acc2, s.f1, s.mae, s.corr, s.acc7].map(f64::to_bits);
    bits(a) == bits(b)
}

/// Retrain the saved models of the run's first seed on this thread (tensors do not
/// cross threads; the run trained them on workers), check that each scores exactly
/// what `report` says it scored, and only then write them and the data into `dir`.
/// Returns the files written.
pub fn save_all(dir: &Path, cfg: &Config, report: &Report) -> anyhow::Result<Vec<PathBuf>> {
    let seed = cfg.seed;
    let data = generate(&cfg.knobs, seed).map_err(|e| anyhow::anyhow!("toy MOSI, seed {seed}: {e}"))?;
    let s = Sequences::new(&data, &Modality::ALL);
    let preprocessing =
        Preprocessing { modalities: Modality::ALL.to_vec(), mean: s.mean.clone(), sd: s.sd.clone() };
    let mut checked = Vec::new();
    for (fusion, file) in KINDS {
        let cell = report
            .cell(name(Some(fusion)))
            .with_context(|| format!("the run has no {} to save", name(Some(fusion))))?;
        let (reported, reported_epochs) = cell
            .test
            .first()
            .zip(cell.epochs.first())
            .with_context(|| format!("the run scored no seed of the {}", name(Some(fusion))))?;
        let (model, trained) = train_sequence_model(&s, seed, fusion, cfg)?;
        let p = predict_sequences(&model, &s.test);
        let scores = sentiment_scores(&p, &s.test.labels);
        anyhow::ensure!(
            same(&scores, reported) && trained.epochs == *reported_epochs,
            "the {} retrained for --save (seed {seed}) scores Acc-2 {} and MAE {} after {} epochs, but the run \
             reported Acc-2 {} and MAE {} after {} epochs: training is not deterministic, so the checkpoint would \
             not be the model the page reports; nothing saved",
            name(Some(fusion)),
            scores.acc2,
            scores.mae,
            trained.epochs,
            reported.acc2,
            reported.mae,
            reported_epochs
        );
        let pytorch = match fusion {
            SeqFusion::MultiView => {
                "cells.{m}: per modality an nn.LSTMCell-like set of weight_ih (4h, d_m), weight_hh (4h, M*h: \
                 it reads every modality's h), bias_ih, bias_hh (gates i, f, g, o); head: nn.Linear(M*h, 1) on \
                 the final h of every modality, concatenated"
            }
            SeqFusion::Early => {
                "lstms: nn.ModuleList([nn.LSTM(sum d_m, M*h, batch_first=True)]) over the modalities \
                 concatenated at every word; head: nn.Linear(M*h, 1) on its final h"
            }
            SeqFusion::Late => {
                "lstms: nn.ModuleList of one nn.LSTM(d_m, h, batch_first=True) per modality; head: \
                 nn.Linear(M*h, 1) on their final h, concatenated"
            }
        };
        let data_note = serde_json::json!({
            "folder": DATA,
            "split": "test",
            "source": format!("toy MOSI, seed {seed}"),
            "layout": "models::data::mosi: SPLIT_text.npy, SPLIT_audio.npy, SPLIT_vision.npy (N, T, d) float32 \
                       padded with zero rows; SPLIT_lengths.npy int64; SPLIT_labels.npy float64",
        });
        let metadata = [
            ("architecture", model.architecture().to_string()),
            ("preprocessing", serde_json::to_string(&preprocessing)?),
            ("pytorch", pytorch.to_string()),
            ("data", data_note.to_string()),
            ("seed", seed.to_string()),
            ("epochs", trained.epochs.to_string()),
            (
                "metrics",
                "models::toymosi::sentiment_scores over the test split: Acc-2 = mean[(p >= 0) == (y >= 0)] (a \
                 fraction), MAE = mean |p - y|, p the float32 prediction as f64"
                    .to_string(),
            ),
            ("test_acc2", exact(scores.acc2)),
            ("test_mae", exact(scores.mae)),
            ("test_predictions", serde_json::to_string(&p)?),
        ];
        checked.push((dir.join(format!("{file}.safetensors")), model, metadata));
    }
    let mut written = Vec::new();
    for (path, model, metadata) in checked {
        kit::checkpoint::save_model(&path, &model, &metadata)?;
        written.push(path);
    }
    let data_dir = dir.join(DATA);
    let manifest = export_layout(&data, &data_dir)
        .with_context(|| format!("writing the test data into {}", data_dir.display()))?;
    written.push(manifest);
    Ok(written)
}

/// Rebuild the model saved at `path`, predict on `test` (the raw split, standardised
/// with the saved statistics) and compare with the saved figures: the line to print,
/// and whether Acc-2 and MAE are exactly the saved ones.
fn check(path: &Path, test: &models::data::mosi::MosiSplit) -> anyhow::Result<(String, bool)> {
    let loaded = kit::checkpoint::load(path)?;
    let meta = |key: &str| kit::checkpoint::field(path, &loaded.metadata, key);
    let json = |key: &str| -> anyhow::Result<serde_json::Value> {
        serde_json::from_str(meta(key)?)
            .with_context(|| format!("{}: the metadata's {key:?}", path.display()))
    };
    let mut model = SeqNet::from_architecture(&json("architecture")?)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    model
        .load_state_dict(&loaded.state)
        .map_err(|e| anyhow::anyhow!("{} does not fit: {e}", path.display()))?;
    let pre: Preprocessing = serde_json::from_value(json("preprocessing")?)
        .with_context(|| format!("{}: the metadata's \"preprocessing\"", path.display()))?;
    let widths: Vec<usize> = pre.modalities.iter().map(|&m| test.widths.of(m)).collect();
    let stat_widths = |v: &[Vec<f64>]| v.iter().map(Vec::len).collect::<Vec<_>>();
    anyhow::ensure!(
        widths == model.widths && stat_widths(&pre.mean) == widths && stat_widths(&pre.sd) == widths,
        "{}: the preprocessing's modalities {:?} are {widths:?} wide in the data, its statistics {:?} and {:?}, \
         the model reads {:?}",
        path.display(),
        pre.modalities,
        stat_widths(&pre.mean),
        stat_widths(&pre.sd),
        model.widths
    );
    let number = |key: &str| -> anyhow::Result<f64> {
        meta(key)?.parse().with_context(|| format!("{}: the metadata's {key:?}", path.display()))
    };
    let (saved_acc2, saved_mae) = (number("test_acc2")?, number("test_mae")?);
    let saved_p: Vec<f64> = serde_json::from_value(json("test_predictions")?)
        .with_context(|| format!("{}: the metadata's \"test_predictions\"", path.display()))?;
    anyhow::ensure!(
        saved_p.len() == test.len(),
        "{}: {} saved predictions for {} test utterances in the data",
        path.display(),
        saved_p.len(),
        test.len()
    );
    let raw = (0..test.len())
        .map(|i| pre.modalities.iter().map(|&m| test.sequence(i, m).to_vec()).collect())
        .collect();
    let part = SeqPart::standardise((0..test.len()).collect(), raw, test.labels.clone(), &pre.mean, &pre.sd);
    let p = predict_sequences(&model, &part);
    let scores = sentiment_scores(&p, &part.labels);
    let largest = p.iter().zip(&saved_p).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    let holds = scores.acc2 == saved_acc2 && scores.mae == saved_mae;
    let line = format!(
        "{} ({}): test Acc-2 {} (saved {saved_acc2}), MAE {} (saved {saved_mae}) on {} utterances; largest \
         prediction difference {largest:e}",
        model.method.name(),
        path.display(),
        scores.acc2,
        scores.mae,
        test.len()
    );
    Ok((line, holds))
}

/// Rebuild every model saved in `dir`, evaluate it on the test data saved beside it,
/// and print its scores beside the saved ones; an error when any differs.
pub fn load_all(dir: &Path) -> anyhow::Result<kit::Outcome> {
    let data_dir = dir.join(DATA);
    let mosi = load_mosi(&data_dir).with_context(|| {
        format!("{} holds no test data; --load DIR takes a folder --save DIR wrote", data_dir.display())
    })?;
    let mut failed = Vec::new();
    for (_, file) in KINDS {
        let (line, holds) = check(&dir.join(format!("{file}.safetensors")), &mosi.test)?;
        println!("{line}");
        if !holds {
            failed.push(line);
        }
    }
    anyhow::ensure!(
        failed.is_empty(),
        "{} of {} checkpoints in {} do not score what they scored when saved:\n{}",
        failed.len(),
        KINDS.len(),
        dir.display(),
        failed.join("\n")
    );
    // The checkpoints checked against themselves: no claims of the page's to print.
    Ok(kit::Outcome {
        headline: format!(
            "{} checkpoints loaded from {} score exactly their saved test Acc-2 and MAE",
            KINDS.len(),
            dir.display()
        ),
        claims: vec![],
    })
}

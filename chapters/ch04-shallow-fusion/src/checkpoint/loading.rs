//! `--load DIR`: every saved model rebuilt, scored again and checked bit for bit.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use autograd::{Tensor, no_grad, seeded_rng};
use kit::checkpoint::{first_difference, json_field as parse};
use models::metrics::{accuracy, argmax_rows};
use models::{Activation, Mlp, Mode, Model};
use serde_json::Value;

use super::*;
use crate::late::{LateFusion, Reliability, evaluate};

/// The data of `data`, standardised as `path`'s metadata says.
fn data_for(path: &Path, meta: &HashMap<String, String>, options: &kit::Options) -> anyhow::Result<Av> {
    let pre: Preprocessing = parse(path, meta, "preprocessing")?;
    anyhow::ensure!(
        !options.clean || pre.variant == "clean",
        "{} was saved on the {} AV digits: drop --clean",
        path.display(),
        pre.variant
    );
    pre.apply(&options.data, path)
}

/// The saved test accuracy of `path`.
fn saved_accuracy(path: &Path, meta: &HashMap<String, String>) -> anyhow::Result<f64> {
    let measured: Value = parse(path, meta, "measured")?;
    measured["test_accuracy"]
        .as_f64()
        .ok_or_else(|| anyhow::anyhow!("{}: its \"measured\" has no \"test_accuracy\"", path.display()))
}

/// An error unless `now` is `saved` bit for bit; the line to print.
fn check(path: &Path, what: &str, now: f64, saved: f64) -> anyhow::Result<String> {
    let line = format!("{}: {what} {now} (saved: {saved})", path.display());
    anyhow::ensure!(
        now.to_bits() == saved.to_bits(),
        "{line}\nthe model loaded from {} does not score what it scored when saved",
        path.display()
    );
    Ok(line)
}

/// `--load DIR`: every model `--save DIR` wrote, rebuilt, scored on the test pairs of
/// `options.data`, and checked against the numbers it saved.
pub fn load(dir: &Path, options: &kit::Options) -> anyhow::Result<kit::Outcome> {
    let mut lines = Vec::new();

    // Softmax regression on the concatenation.
    let path = dir.join(EARLY_SOFTMAX);
    let loaded = kit::checkpoint::load(&path)?;
    let av = data_for(&path, &loaded.metadata, options)?;
    let width = Inputs::Both.width(&av);
    let mut model = Softmax::zeros(width);
    model
        .load_state_dict(&loaded.state)
        .map_err(|e| anyhow::anyhow!("{} does not fit nn.Linear({width}, {CLASSES}): {e}", path.display()))?;
    let now = model.test_accuracy(&av);
    lines.push(check(&path, "test accuracy", now, saved_accuracy(&path, &loaded.metadata)?)?);

    // The one-hidden-layer MLP.
    let path = dir.join(EARLY_MLP);
    let loaded = kit::checkpoint::load(&path)?;
    let av = data_for(&path, &loaded.metadata, options)?;
    let architecture: Value = parse(&path, &loaded.metadata, "architecture")?;
    let widths: Vec<usize> = serde_json::from_value(architecture["widths"].clone())
        .with_context(|| format!("{}: its architecture has no \"widths\" list", path.display()))?;
    let width = Inputs::Both.width(&av);
    anyhow::ensure!(
        widths.len() == 3 && widths[0] == width && widths[2] == CLASSES,
        "{}: the architecture's widths {widths:?} are not an MLP on these data ({width} -> hidden -> {CLASSES})",
        path.display()
    );
    let mut model = Mlp::new(&widths, Activation::Relu, &mut seeded_rng(0));
    model
        .load_state_dict(&loaded.state)
        .map_err(|e| anyhow::anyhow!("{} does not fit the MLP {widths:?}: {e}", path.display()))?;
    let now = mlp_test_accuracy(&model, &av);
    lines.push(check(&path, "test accuracy", now, saved_accuracy(&path, &loaded.metadata)?)?);

    // Late fusion.
    let path = dir.join(LATE);
    let loaded = kit::checkpoint::load(&path)?;
    let av = data_for(&path, &loaded.metadata, options)?;
    let mut model = LateFusion::untrained(&av);
    model.load_state_dict(&loaded.state).map_err(|e| {
        anyhow::anyhow!(
            "{} does not fit late fusion of {} pixels and {} spectrogram cells: {e}",
            path.display(),
            AvDigits::IMAGE,
            av.audio_width()
        )
    })?;
    let stats: Reliability = parse(&path, &loaded.metadata, "reliability")?;
    let saved: Value = parse(&path, &loaded.metadata, "measured")?;
    let now = evaluate(&model, &av, &stats);
    // The weighted fusion once more, through the model's own forward pass.
    let test = &av.raw.test;
    let inputs = [
        av.images(test),
        av.audios(test),
        Tensor::from_vec(stats.features(&av, test), &[test.len(), crate::late::RELIABILITY]),
    ];
    let scores = no_grad(|| model.forward(&inputs, &mut Mode::Eval));
    let by_forward = accuracy(&argmax_rows(&scores), &av.labels(test));
    anyhow::ensure!(
        by_forward == now.weighted,
        "{}: LateFusion::forward scores {by_forward}, the fusion {}",
        path.display(),
        now.weighted
    );
    let line = format!(
        "{}: test accuracy averaged / product / reliability-weighted {} / {} / {} (saved: {} / {} / {}); gate {} σ′ \
         {} snr′ {} (saved: {} / {} / {})",
        path.display(),
        now.averaged,
        now.product,
        now.weighted,
        saved["averaged"],
        saved["product"],
        saved["weighted"],
        now.weight_on_sigma,
        now.weight_on_snr,
        now.bias,
        saved["weight_on_sigma"],
        saved["weight_on_snr"],
        saved["bias"],
    );
    if let Some(diff) = first_difference(&serde_json::to_value(&now)?, &saved) {
        anyhow::bail!(
            "{line}\nthe model loaded from {} does not score what it scored when saved ({diff})",
            path.display()
        );
    }
    lines.push(line);

    for line in &lines {
        println!("{line}");
    }
    println!("every saved number reproduced bit for bit");
    Ok(kit::Outcome {
        headline: format!(
            "{} saved fusion models reloaded, each scoring exactly what it scored when saved",
            lines.len()
        ),
        claims: vec![],
    })
}

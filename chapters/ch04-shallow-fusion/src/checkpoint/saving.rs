//! `--save DIR`: the models trained again, rebuilt, checked against the report, then written.

use std::path::Path;

use autograd::seeded_rng;
use kit::checkpoint::first_difference;
use models::{Activation, Mlp, Model};

use super::*;
use crate::Report;
use crate::fusion::{ONE_HIDDEN, SOFTMAX, early_models};
use crate::late::{LateFusion, Reliability, evaluate};

/// Train the early- and late-fusion models of `cfg.seed` again on this thread, check
/// each scores exactly what `report` holds, and only then write them into `dir`; one
/// line each.
pub fn save(dir: &Path, cfg: &Config, report: &Report, av: &Av) -> anyhow::Result<Vec<String>> {
    let pre = Preprocessing::of(av, cfg.variant);
    let settings = Settings::of(cfg);
    let reported = |model: &str| {
        report
            .fusion
            .accuracy(Inputs::Both, model)
            .ok_or_else(|| anyhow::anyhow!("--save: the run has no {model}"))
    };
    let (softmax, one_hidden) = early_models(av, cfg)?;
    let mut pending = Vec::new(); // (path, state, metadata), written once every model passed

    // Early fusion: softmax regression on the concatenation.
    let want = reported(SOFTMAX)?;
    let state = Softmax(softmax).state_dict();
    let mut rebuilt = Softmax::zeros(Inputs::Both.width(av));
    rebuilt.load_state_dict(&state).map_err(anyhow::Error::msg)?;
    ensure_equal(
        "--save: softmax regression on the concatenation, trained again and rebuilt from its state_dict, does not \
         score what the run reported",
        rebuilt.test_accuracy(av),
        want,
    )?;
    let architecture = serde_json::json!({
        "kind": "softmax_regression",
        "in_features": Inputs::Both.width(av),
        "classes": CLASSES,
        "input": format!("[image ({}) | audio ({})] of each pair", AvDigits::IMAGE, av.audio_width()),
    });
    let measured = serde_json::json!({ "test_accuracy": want });
    let pytorch = format!("nn.Linear({}, {CLASSES})", Inputs::Both.width(av));
    let meta = metadata(&pytorch, architecture, &settings, &pre, measured)?;
    pending.push((dir.join(EARLY_SOFTMAX), state, meta));
    let mut lines = vec![format!("saved {}: test accuracy {want}", dir.join(EARLY_SOFTMAX).display())];

    // Early fusion: one hidden layer.
    let want = reported(ONE_HIDDEN)?;
    let state = one_hidden.state_dict();
    let mut rebuilt = Mlp::new(&one_hidden.widths(), Activation::Relu, &mut seeded_rng(0));
    rebuilt.load_state_dict(&state).map_err(anyhow::Error::msg)?;
    ensure_equal(
        "--save: the one-hidden-layer MLP, trained again and rebuilt from its state_dict, does not score what the \
         run reported",
        mlp_test_accuracy(&rebuilt, av),
        want,
    )?;
    let architecture = serde_json::json!({
        "kind": "mlp",
        "widths": one_hidden.widths(),
        "activation": "relu",
        "input": format!("[image ({}) | audio ({})] of each pair", AvDigits::IMAGE, av.audio_width()),
    });
    let measured = serde_json::json!({ "test_accuracy": want });
    let w = one_hidden.widths();
    let pytorch =
        format!("nn.Sequential(nn.Linear({}, {}), nn.ReLU(), nn.Linear({}, {}))", w[0], w[1], w[1], w[2]);
    let meta = metadata(&pytorch, architecture, &settings, &pre, measured)?;
    pending.push((dir.join(EARLY_MLP), state, meta));
    lines.push(format!("saved {}: test accuracy {want}", dir.join(EARLY_MLP).display()));

    // Late fusion.
    let (model, late) = crate::late::train(av, cfg)?;
    if let Some(diff) = first_difference(&serde_json::to_value(&late)?, &serde_json::to_value(&report.late)?)
    {
        anyhow::bail!(
            "--save: late fusion trained again on the main thread does not score what the run reported (now vs \
             then: {diff})"
        );
    }
    let stats = Reliability::of(av, &av.raw.train);
    let state = model.state_dict();
    let mut rebuilt = LateFusion::untrained(av);
    rebuilt.load_state_dict(&state).map_err(anyhow::Error::msg)?;
    let again = evaluate(&rebuilt, av, &stats);
    if let Some(diff) = first_difference(&serde_json::to_value(&again)?, &serde_json::to_value(&report.late)?)
    {
        anyhow::bail!(
            "--save: late fusion rebuilt from its state_dict does not score what the run reported (now vs then: \
             {diff})"
        );
    }
    let architecture = serde_json::json!({
        "kind": "late_fusion",
        "image_features": AvDigits::IMAGE,
        "audio_features": av.audio_width(),
        "classes": CLASSES,
        "reliability": ["sigma", "snr_db"],
        "fusion": "p_image = softmax(image(x_image)), p_audio = softmax(audio(x_audio)); w = sigmoid(gate([σ′, snr′])); \
                   s = w log max(p_image, 1e-12) + (1 - w) log max(p_audio, 1e-12); predict argmax s. \
                   Averaged: argmax p_image + p_audio; equal-weight product: w = 1/2",
    });
    let meta = {
        let mut m = metadata(
            &format!(
                "class LateFusion(nn.Module): image = nn.Linear({}, {CLASSES}), audio = nn.Linear({}, {CLASSES}), \
                 gate = nn.Linear(2, 1)",
                AvDigits::IMAGE,
                av.audio_width()
            ),
            architecture,
            &settings,
            &pre,
            serde_json::to_value(&report.late)?,
        )?;
        m.push(("reliability", serde_json::to_string(&stats)?));
        m.push((
            "reliability_features",
            "σ′ = (sigma - sigma_mean) / sigma_std with sigma the image noise level (the sigma column of \
             digits_noisy.csv; 0 for clean); snr′ = (snr_db - snr_mean) / snr_std with snr_db the utterance's SNR \
             (spoken_digits_meta.csv)"
                .into(),
        ));
        m
    };
    pending.push((dir.join(LATE), state, meta));
    lines.push(format!(
        "saved {}: test accuracy averaged / product / reliability-weighted {} / {} / {}",
        dir.join(LATE).display(),
        report.late.averaged,
        report.late.product,
        report.late.weighted
    ));
    for (path, state, meta) in &pending {
        kit::checkpoint::save(path, state, meta)?;
    }
    Ok(lines)
}

//! `--save DIR`: the kept models rebuilt, checked against the report, then written.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use kit::checkpoint::{ProbeSet, tensors};
use models::Model;
use models::data::Av;

use super::*;
use crate::Report;
use crate::bimodal::{SCORES, score};
use crate::unimodal;

/// Write the kept models into `dir`, each first rebuilt from its `state_dict` and
/// checked to score exactly what `report` says; nothing is written otherwise. Returns
/// one line per file.
pub(crate) fn save(
    dir: &Path,
    kept: &Kept,
    av: &Av,
    cfg: &Config,
    report: &Report,
) -> anyhow::Result<Vec<String>> {
    let preprocessing = serde_json::to_string(&Preprocessing::of(av, cfg.variant))?;
    let config = config_json(cfg);
    let not_measured = "not saving a model that is not the one measured";

    // The bimodal autoencoder (recipe B) and its probes.
    let b =
        kept.bimodal.as_ref().context("--save: the run kept no bimodal autoencoder trained with recipe B")?;
    let arch = BimodalArchitecture::of(av.audio_width(), cfg);
    let mut model = bimodal_of(&arch);
    model
        .load_state_dict(&tensors(&b.state))
        .map_err(|e| anyhow::anyhow!("--save: the bimodal autoencoder: {e}"))?;
    let names: Vec<String> = ["both", "image_only", "audio_only"].iter().map(|s| s.to_string()).collect();
    let mut probes = probe_set(&names, cfg.code);
    probes.load_state_dict(&tensors(&b.probes)).map_err(|e| anyhow::anyhow!("--save: the probes: {e}"))?;
    let probes = Probes {
        both: probes.probe("both"),
        image_only: probes.probe("image_only"),
        audio_only: probes.probe("audio_only"),
    };
    let row = report.recipe(crate::claims::B).context("--save: the report has no row of recipe B")?;
    same_scores(
        &format!("--save: the bimodal autoencoder rebuilt from its state_dict ({not_measured})"),
        &SCORES,
        &score(&model, &probes, av).row,
        &row.scores(),
    )?;
    let mut all_probes = ProbeSet(vec![
        ("bimodal.both".into(), copy(&probes.both.linear)),
        ("bimodal.image_only".into(), copy(&probes.image_only.linear)),
        ("bimodal.audio_only".into(), copy(&probes.audio_only.linear)),
    ]);
    let mut files = vec![(
        BIMODAL.to_string(),
        Box::new(model) as Box<dyn Model>,
        vec![
            (
                "pytorch",
                "class BimodalAutoencoder(nn.Module): encoder_image, encoder_audio = nn.Sequential(nn.Linear, \
                 nn.ReLU(), nn.Linear) (ReLU after), shared = nn.Linear (tanh after: the code), unshared = \
                 nn.Linear (ReLU after), decoder_image, decoder_audio = nn.Sequential(nn.Linear, nn.ReLU(), \
                 nn.Linear); see \"architecture\"'s forward"
                    .to_string(),
            ),
            ("architecture", serde_json::to_string(&arch)?),
            ("recipe", serde_json::to_string(&row.recipe)?),
            ("test_scores", scores_json(&SCORES, &row.scores()).to_string()),
        ],
    )];

    // The unimodal autoencoders as wide as the code, and their probes.
    for modality in MODALITIES {
        let k = kept
            .autoencoders
            .iter()
            .find(|(m, _)| *m == modality)
            .map(|(_, k)| k)
            .with_context(|| format!("--save: the run kept no {} autoencoder", modality.name()))?;
        let arch = AutoencoderArchitecture::of(modality, modality.table(av).1, cfg.code);
        let mut ae = autoencoder_of(&arch);
        ae.load_state_dict(&tensors(&k.state))
            .map_err(|e| anyhow::anyhow!("--save: the {} autoencoder: {e}", modality.name()))?;
        let mut probe = probe_set(&["probe".to_string()], cfg.code);
        probe.load_state_dict(&tensors(&k.probes)).map_err(|e| anyhow::anyhow!("--save: its probe: {e}"))?;
        let row = report
            .unimodal
            .iter()
            .find(|u| u.modality == modality && u.k == cfg.code && !u.denoising)
            .with_context(|| {
                format!("--save: the report has no {}-wide {} autoencoder", cfg.code, modality.name())
            })?;
        let (mse, accuracy) = unimodal::score(&ae, &probe.probe("probe"), av, modality);
        same_scores(
            &format!(
                "--save: the {} autoencoder rebuilt from its state_dict ({not_measured})",
                modality.name()
            ),
            &AE_SCORES,
            &[mse, accuracy],
            &[row.test_mse, row.probe],
        )?;
        all_probes.0.push((format!("autoencoder_{}", modality.name()), probe.probe("probe").linear));
        files.push((
            autoencoder_file(modality),
            Box::new(ae) as Box<dyn Model>,
            vec![
                (
                    "pytorch",
                    "class Autoencoder(nn.Module): encoder = nn.Linear(d, k) (tanh after: the code), decoder = \
                     nn.Linear(k, d)"
                        .to_string(),
                ),
                ("architecture", serde_json::to_string(&arch)?),
                ("test_scores", scores_json(&AE_SCORES, &[row.test_mse, row.probe]).to_string()),
            ],
        ));
    }

    let mut lines = Vec::new();
    for (file, model, mut metadata) in files {
        metadata.push(("preprocessing", preprocessing.clone()));
        metadata.push(("config", config.to_string()));
        let path = dir.join(&file);
        kit::checkpoint::save_model(&path, model.as_ref(), &metadata)?;
        lines.push(format!("{} ({} parameters)", path.display(), model.num_parameters()));
    }
    let path = dir.join(PROBES);
    let described: HashMap<String, String> = probe_names()
        .into_iter()
        .map(|n| {
            let on = match n.as_str() {
                "bimodal.both" => "the bimodal autoencoder's code of both inputs",
                "bimodal.image_only" => "its code of the image alone (audio zeros)",
                "bimodal.audio_only" => "its code of the audio alone (image zeros)",
                "autoencoder_image" => "the image autoencoder's code",
                _ => "the audio autoencoder's code",
            };
            (n, format!("nn.Linear({}, {CLASSES}) on {on}: logits over the digits 0..9", cfg.code))
        })
        .collect();
    let metadata = [
        ("pytorch", "nn.ModuleDict of nn.Linear, one per probe; see \"probes\"".to_string()),
        ("probes", serde_json::to_string(&described)?),
        (
            "fitted",
            "softmax regression on the training pairs' codes (full-batch Adam, see \"config\")".to_string(),
        ),
        ("config", config.to_string()),
    ];
    kit::checkpoint::save_model(&path, &all_probes, &metadata)?;
    lines.push(format!("{} ({} probes)", path.display(), all_probes.0.len()));
    Ok(lines)
}

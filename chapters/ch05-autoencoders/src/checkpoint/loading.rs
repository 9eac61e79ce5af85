//! `--load DIR`: every saved model rebuilt from its metadata and scored again.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use kit::checkpoint::{architecture_of_kind as architecture, json_field as parse};
use models::Model;
use models::data::Av;

use super::*;
use crate::bimodal::{SCORES, score};
use crate::unimodal;

/// The saved scores `names` of a checkpoint.
fn saved_scores(path: &Path, meta: &HashMap<String, String>, names: &[&str]) -> anyhow::Result<Vec<f64>> {
    let scores: HashMap<String, f64> = parse(path, meta, "test_scores")?;
    names
        .iter()
        .map(|n| {
            scores
                .get(*n)
                .copied()
                .with_context(|| format!("{}: its \"test_scores\" has no {n:?}", path.display()))
        })
        .collect()
}

/// The AV digits in `data` as the checkpoint at `path` was trained on them: an error
/// when their standardisation differs from the saved one.
fn data_for(path: &Path, meta: &HashMap<String, String>, data: &Path) -> anyhow::Result<Av> {
    let saved: Preprocessing = parse(path, meta, "preprocessing")?;
    let variant = saved.variant(path)?;
    let av = Av::load(data, variant)
        .map_err(|e| anyhow::anyhow!("loading the AV digits for {}: {e}", path.display()))?;
    let ours = Preprocessing::of(&av, variant);
    anyhow::ensure!(
        ours == saved,
        "{}: the {} AV digits in {} are not standardised as the model's were (its training means and standard \
         deviations, or the files, differ): give --data the data it was trained on",
        path.display(),
        saved.variant,
        data.display()
    );
    Ok(av)
}

/// `--load DIR`: every model `--save DIR` wrote, rebuilt from its metadata, scored again
/// on the AV digits in `data`, and compared with what it scored when saved. Returns the
/// lines to print; an error unless every score is the saved one.
pub(crate) fn load_and_check(dir: &Path, data: &Path) -> anyhow::Result<Vec<String>> {
    let probes_path = dir.join(PROBES);
    let loaded_probes = kit::checkpoint::load(&probes_path)?;
    let path = dir.join(BIMODAL);
    let loaded = kit::checkpoint::load(&path)?;
    let arch: BimodalArchitecture = architecture(&path, &loaded.metadata, "bimodal_autoencoder")?;
    let av = data_for(&path, &loaded.metadata, data)?;
    let ours = BimodalArchitecture::of(
        av.audio_width(),
        &Config { hidden: arch.hidden, code: arch.code, ..Config::default() },
    );
    anyhow::ensure!(
        arch == ours,
        "{}: the architecture {arch:?} is not one this build's Bimodal can take (it would be {ours:?})",
        path.display()
    );
    let mut model = bimodal_of(&arch);
    model
        .load_state_dict(&loaded.state)
        .map_err(|e| anyhow::anyhow!("{} does not fit this model: {e}", path.display()))?;
    let mut probes = probe_set(&probe_names(), arch.code);
    probes
        .load_state_dict(&loaded_probes.state)
        .map_err(|e| anyhow::anyhow!("{} does not fit these probes: {e}", probes_path.display()))?;
    let set = Probes {
        both: probes.probe("bimodal.both"),
        image_only: probes.probe("bimodal.image_only"),
        audio_only: probes.probe("bimodal.audio_only"),
    };
    let mut lines = vec![format!(
        "{} ({} parameters), on the {} test pairs:",
        path.display(),
        model.num_parameters(),
        av.raw.test.len()
    )];
    let saved = saved_scores(&path, &loaded.metadata, &SCORES)?;
    lines.extend(same_scores(
        &format!("the bimodal autoencoder loaded from {}", path.display()),
        &SCORES,
        &score(&model, &set, &av).row,
        &saved,
    )?);
    for modality in MODALITIES {
        let path = dir.join(autoencoder_file(modality));
        let loaded = kit::checkpoint::load(&path)?;
        let arch: AutoencoderArchitecture = architecture(&path, &loaded.metadata, "autoencoder")?;
        let av = data_for(&path, &loaded.metadata, data)?;
        let ours = AutoencoderArchitecture::of(modality, modality.table(&av).1, arch.code);
        anyhow::ensure!(
            arch == ours,
            "{}: the architecture {arch:?} is not this build's {} autoencoder's ({ours:?})",
            path.display(),
            modality.name()
        );
        let mut ae = autoencoder_of(&arch);
        ae.load_state_dict(&loaded.state)
            .map_err(|e| anyhow::anyhow!("{} does not fit this model: {e}", path.display()))?;
        let name = format!("autoencoder_{}", modality.name());
        let probe = probes.probe(&name);
        anyhow::ensure!(
            probe.linear.in_features() == arch.code,
            "{}: probe {name:?} reads {} numbers, the autoencoder's code has {}",
            probes_path.display(),
            probe.linear.in_features(),
            arch.code
        );
        let (mse, accuracy) = unimodal::score(&ae, &probe, &av, modality);
        let saved = saved_scores(&path, &loaded.metadata, &AE_SCORES)?;
        lines.push(format!("{} ({} parameters):", path.display(), ae.num_parameters()));
        lines.extend(same_scores(
            &format!("the autoencoder loaded from {}", path.display()),
            &AE_SCORES,
            &[mse, accuracy],
            &saved,
        )?);
    }
    Ok(lines)
}

//! `--save DIR`: the kept models rebuilt, checked against the report, then written.

use std::path::Path;

use anyhow::Context;
use autograd::seeded_rng;
use kit::checkpoint::tensors;
use models::Model;
use models::data::{Av, AvDigits, AvVariant};

use super::*;
use crate::dbm_runs::{self, AV_NAMES};
use crate::{Config, Report};

/// Write the kept models into `dir`, each first rebuilt from its `state_dict` and
/// checked to give exactly what `report` says; nothing is written otherwise. Returns
/// one line per file.
pub(crate) fn save(
    dir: &Path,
    kept: Option<&KeptAv>,
    cfg: &Config,
    report: &Report,
) -> anyhow::Result<Vec<String>> {
    let kept = kept.context("--save: the run kept no multimodal models (no seed ran?)")?;
    let seed = report
        .multimodal
        .seeds
        .iter()
        .find(|s| s.seed == cfg.seed)
        .context("--save: the report has no multimodal model of the first seed")?;
    let av = Av::load(&cfg.data, AvVariant::Noisy)
        .map_err(|e| anyhow::anyhow!("loading the audio-visual digits: {e}"))?;
    let dbn_arch =
        DbnArchitecture::of(AvDigits::IMAGE, av.audio_width(), cfg.dbn_widths, cfg.mean_field_steps);
    let here = Path::new("--save");
    let dbn = dbn_of(here, &dbn_arch, &tensors(&kept.dbn))?;
    let mut dbm = dbm_runs::shaped(
        &AV_NAMES,
        [
            AvDigits::IMAGE,
            cfg.dbn_widths[0],
            cfg.dbn_widths[1],
            cfg.dbn_widths[4],
            cfg.dbn_widths[3],
            cfg.dbn_widths[2],
            av.audio_width(),
        ],
        &mut seeded_rng(0),
    );
    dbm.load_state_dict(&tensors(&kept.dbm)).map_err(|e| anyhow::anyhow!("--save: the DBM: {e}"))?;
    let dbm_arch = DbmArchitecture::of(&dbm, &cfg.dbm.read_mean_field);
    let mut probes = probe_set(&probe_shapes(&seed.layers));
    probes.load_state_dict(&tensors(&kept.probes)).map_err(|e| anyhow::anyhow!("--save: the probes: {e}"))?;
    let last = seed.bound.last().copied();
    let reported = Measured {
        dbn: seed.layers.iter().map(|l| l.accuracy).collect(),
        dbm: seed.dbm_layers.iter().map(|l| l.accuracy).collect(),
        convergence: seed.convergence,
        bound: last.map(|b| b.bound),
    };
    let got = measure(
        &dbn,
        &dbm,
        &probes,
        &av,
        cfg.mean_field_steps,
        &cfg.dbm.read_mean_field,
        last.map(|b| b.log_z),
    );
    let names: Vec<String> = seed.layers.iter().map(|l| l.layer.clone()).collect();
    let (lines, same) = compare(&names, &got, &reported);
    anyhow::ensure!(
        same,
        "--save: the models rebuilt from their state_dicts do not give what the run reported (not saving models \
         that are not the ones measured):\n{}",
        lines.join("\n")
    );

    let preprocessing = serde_json::to_string(&Preprocessing::of(&av))?;
    let config = serde_json::json!({
        "seed": cfg.seed,
        "dbn_epochs": cfg.dbn_epochs,
        "dbm_epochs": cfg.dbm.epochs,
        "model_seed": format!("seeded_rng({} ^ 0xdb)", cfg.seed),
    })
    .to_string();
    let mut written = Vec::new();
    let dbn_path = dir.join(DBN);
    let rbms = [&dbn.image.first, &dbn.image.second, &dbn.audio.first, &dbn.audio.second, &dbn.joint];
    kit::checkpoint::save(
        &dbn_path,
        &dbn_state(rbms),
        &[
            (
                "pytorch",
                "no nn module: class RBM(nn.Module) with nn.Parameters weight (hidden, visible), visible_bias, \
                 hidden_bias; class MultimodalDBN(nn.Module): rbms_image = nn.ModuleList([RBM, RBM]), rbms_audio = \
                 nn.ModuleList([RBM, RBM]), rbm_joint = RBM; see \"architecture\""
                    .to_string(),
            ),
            ("architecture", serde_json::to_string(&dbn_arch)?),
            ("preprocessing", preprocessing.clone()),
            ("config", config.clone()),
            ("test_accuracies", serde_json::to_string(&seed.layers)?),
        ],
    )?;
    written.push(format!("{} (DBN, {} RBMs)", dbn_path.display(), RBMS.len()));
    let dbm_path = dir.join(DBM);
    kit::checkpoint::save(
        &dbm_path,
        &dbm.state_dict(),
        &[
            (
                "pytorch",
                "no nn module: class DBM(nn.Module) with biases = nn.ParameterDict({layer: (size,)}) and weights = \
                 nn.ParameterDict({lower_to_upper: (size upper, size lower)}); see \"architecture\""
                    .to_string(),
            ),
            ("architecture", serde_json::to_string(&dbm_arch)?),
            ("preprocessing", preprocessing),
            ("config", config.clone()),
            ("test_accuracies", serde_json::to_string(&seed.dbm_layers)?),
            ("convergence", serde_json::to_string(&seed.convergence)?),
            ("bound", serde_json::to_string(&last)?),
            (
                "bound_pairs",
                format!(
                    "the first {BOUND_PAIRS} training pairs of pairs.csv, each image with its own utterance; the \
                     bound is the mean over them of -E(v, mu) + H(q) - log_z, mean-field as in \"architecture\" \
                     with both inputs clamped, log_z the AIS estimate ({} temperatures, {} runs) made then",
                    dbm_runs::AIS.0,
                    dbm_runs::AIS.1
                ),
            ),
        ],
    )?;
    written.push(format!("{} (DBM, {} layers)", dbm_path.display(), dbm.layers.len()));
    let probes_path = dir.join(PROBES);
    let described: Vec<String> = probe_shapes(&seed.layers)
        .iter()
        .map(|(n, w)| format!("{n}: nn.Linear({w}, {CLASSES}), logits over the digits 0..9"))
        .collect();
    kit::checkpoint::save_model(
        &probes_path,
        &probes,
        &[
            ("pytorch", "nn.ModuleDict of nn.Linear, one per probe; see \"probes\"".to_string()),
            ("probes", serde_json::to_string(&described)?),
            ("layers", serde_json::to_string(&names)?),
            (
                "fitted",
                "softmax regression on each layer's representation of the training pairs (models::ProbeConfig's \
                 defaults); dbn.* read the DBN's layers, dbm.* the DBM's mean-field means"
                    .to_string(),
            ),
            ("config", config),
        ],
    )?;
    written.push(format!("{} ({} probes)", probes_path.display(), probes.0.len()));
    Ok(written)
}

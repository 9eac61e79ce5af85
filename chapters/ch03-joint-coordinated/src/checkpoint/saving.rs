//! `--save DIR`: the representations trained again, rebuilt from the exact tensors
//! about to be written, checked against the report, then written.

use std::path::{Path, PathBuf};

use autograd::{Tensor, seeded_rng};
use models::data::AvDigits;
use models::{Activation, Mlp, Model};

use super::cca::{F64Tensor, cca_from, cca_tensors, save_f64};
use super::*;
use crate::baselines::{evaluate_cca, fit_cca};
use crate::coordinated::{self, Coordinated};
use crate::joint;
use crate::{Alignment, Job, Pairing, Report};

/// Train the three representations of `cfg.seed` again on this thread, check each
/// measures exactly what `report` holds, and only then write them into `dir`; one line
/// per model.
pub fn save(dir: &Path, cfg: &Config, report: &Report, av: &Av) -> anyhow::Result<Vec<String>> {
    let pre = Preprocessing::of(av, cfg.variant);
    let settings = Settings::of(cfg);
    let mut lines = Vec::new();
    let mut pending = Vec::new();

    // The joint classifier.
    let model = joint::fit(av, cfg, cfg.seed)?;
    let (measured, probes) = joint::evaluate(&model, av, cfg, cfg.seed, None)?;
    ensure_same(
        "--save: the joint model trained again on the main thread does not measure what the run reported",
        &measured,
        &report.joint,
    )?;
    let (state, probe_state) = (model.state_dict(), probes.into_set().state_dict());
    let rebuilt = rebuild_joint(&model.widths(), &state).map_err(anyhow::Error::msg)?;
    let probes = JointProbes::from_set(rebuild_probes(&joint_probe_shapes(cfg.code), &probe_state)?);
    let (again, probes) = joint::evaluate(&rebuilt, av, cfg, cfg.seed, Some(probes))?;
    ensure_same(
        "--save: the joint model rebuilt from its state_dict does not measure what the run reported",
        &again,
        &report.joint,
    )?;
    let architecture = serde_json::json!({
        "kind": "joint",
        "widths": model.widths(),
        "activation": "relu",
        "input": format!("[image ({}) | audio ({})], a missing modality as zeros", AvDigits::IMAGE, av.audio_width()),
        "code": "the output of module 3 (the ReLU after the second Linear)",
    });
    let w = model.widths();
    let pytorch = format!(
        "nn.Sequential(nn.Linear({}, {}), nn.ReLU(), nn.Linear({}, {}), nn.ReLU(), nn.Linear({}, {}))",
        w[0], w[1], w[1], w[2], w[2], w[3]
    );
    let meta = metadata("joint", &pytorch, architecture, &settings, &pre, json(&report.joint)?)?;
    pending.push(Pending::F32 { path: dir.join(JOINT), state, meta });
    pending.push(probes_pending(
        dir,
        JOINT,
        &probes.into_set(),
        "probe_image / probe_audio: on the image-only / audio-only codes; probe_both: on the codes of both inputs",
    )?);
    lines.push(format!(
        "saved {}: test accuracy both / image only / audio only {} / {} / {}",
        dir.join(JOINT).display(),
        report.joint.both,
        report.joint.image_only,
        report.joint.audio_only
    ));

    // The coordinated model at the strongest coordination.
    let job = strongest(cfg)?;
    let want = report.coordinated(job.alignment, job.lambda, job.pairing).ok_or_else(|| {
        anyhow::anyhow!("--save: the run has no {} model at λ = {} to save", job.alignment.name(), job.lambda)
    })?;
    let (model, row, probes) = coordinated::train(av, cfg, &job, cfg.seed)?;
    ensure_same(
        "--save: the coordinated model trained again on the main thread does not measure what the run reported",
        &row,
        want,
    )?;
    let (state, probe_state) = (model.state_dict(), probes.into_set().state_dict());
    let mut rebuilt = Coordinated::new(av.audio_width(), cfg, &mut seeded_rng(0));
    rebuilt.load_state_dict(&state).map_err(anyhow::Error::msg)?;
    let probes = Probes::from_set(rebuild_probes(&coordinated_probe_shapes(cfg.code), &probe_state)?);
    let (again, probes) =
        coordinated::evaluate(&rebuilt, av, cfg, &job, row.final_alignment_loss, cfg.seed, Some(probes))?;
    ensure_same(
        "--save: the coordinated model rebuilt from its state_dict does not measure what the run reported",
        &again,
        want,
    )?;
    let architecture = serde_json::json!({
        "kind": "coordinated",
        "image_widths": model.image.widths(),
        "audio_widths": model.audio.widths(),
        "activation": "relu",
        "heads": format!("nn.Linear({}, 10) on each code", cfg.code),
        "alignment": job.alignment,
        "lambda": job.lambda,
        "pairing": job.pairing,
        "forward": "[images, audios] -> softmax(image_head(image(x))) + softmax(audio_head(audio(y))); \
                    codes are the encoders' outputs, unit length for retrieval",
    });
    let (h, c) = (cfg.hidden, cfg.code);
    let pytorch = format!(
        "class Coordinated(nn.Module): image = nn.Sequential(nn.Linear({}, {h}), nn.ReLU(), nn.Linear({h}, {c})), \
         audio = nn.Sequential(nn.Linear({}, {h}), nn.ReLU(), nn.Linear({h}, {c})), image_head = audio_head = \
         nn.Linear({c}, 10)",
        AvDigits::IMAGE,
        av.audio_width()
    );
    let meta = metadata("coordinated", &pytorch, architecture, &settings, &pre, json(want)?)?;
    pending.push(Pending::F32 { path: dir.join(COORDINATED), state, meta });
    pending.push(probes_pending(
        dir,
        COORDINATED,
        &probes.into_set(),
        "probe_image / probe_audio: on the unit-length image / audio codes",
    )?);
    lines.push(format!(
        "saved {} ({} loss, λ = {}): P@10 {}, both heads {}",
        dir.join(COORDINATED).display(),
        job.alignment.name(),
        job.lambda,
        want.measured.p10,
        want.both_heads_accuracy
    ));

    // CCA, in float64.
    let all = fit_cca(av, cfg)?;
    let (measured, probes) = evaluate_cca(&all, av, cfg, cfg.seed, None)?;
    ensure_same("--save: CCA fitted again does not measure what the run reported", &measured, &report.cca)?;
    let probe_state = probes.into_set().state_dict();
    let tensors = cca_tensors(&all);
    let rebuilt = cca_from(&tensors, &dir.join(CCA))?;
    let probes = CcaProbes::from_set(rebuild_probes(
        &cca_probe_shapes(cfg.cca_dims, measured.few_dims),
        &probe_state,
    )?);
    let (again, probes) = evaluate_cca(&rebuilt, av, cfg, cfg.seed, Some(probes))?;
    ensure_same(
        "--save: CCA rebuilt from its tensors does not measure what the run reported",
        &again,
        &report.cca,
    )?;
    let architecture = serde_json::json!({
        "kind": "cca",
        "image_features": AvDigits::IMAGE,
        "audio_features": av.audio_width(),
        "directions": all.correlations.len(),
        "dims": cfg.cca_dims,
        "few_dims": measured.few_dims,
        "ridge": cfg.cca_ridge,
        "codes": "image: (x - cca.x_mean) @ cca.x_rotations[:, :k]; audio: (y - cca.y_mean) @ cca.y_rotations[:, :k]; \
                  in float64, then float32 for the probes; k = dims (and few_dims)",
    });
    let meta = metadata(
        "cca",
        "no nn module: scikit-learn's CCA names (x_rotations_, y_rotations_, _x_mean, _y_mean), unscaled",
        architecture,
        &settings,
        &pre,
        json(&report.cca)?,
    )?;
    pending.push(Pending::F64 { path: dir.join(CCA), tensors, meta });
    pending.push(probes_pending(
        dir,
        CCA,
        &probes.into_set(),
        "probe_image / probe_audio: on the dims-d codes; few_probe_image / few_probe_audio: on the first few_dims",
    )?);
    lines.push(format!(
        "saved {} ({} directions): transfer a→i / i→a {} / {}",
        dir.join(CCA).display(),
        cfg.cca_dims,
        report.cca.measured.transfer_audio_to_image,
        report.cca.measured.transfer_image_to_audio
    ));
    lines.push(format!("each with its probes beside it ({}, ...)", probes_file(JOINT)));
    // Every model passed its check: write them all.
    for file in &pending {
        file.write()?;
    }
    Ok(lines)
}

/// The coordinated model `--save` keeps: margin loss, the largest λ, fresh partners.
fn strongest(cfg: &Config) -> anyhow::Result<Job> {
    let lambda = cfg
        .lambdas
        .iter()
        .copied()
        .max_by(f32::total_cmp)
        .ok_or_else(|| anyhow::anyhow!("--save: the configuration sweeps no λ"))?;
    Ok(Job { alignment: Alignment::Margin, lambda, pairing: Pairing::Fresh })
}

/// A file `--save` writes once every model has passed its check.
enum Pending {
    /// A float32 checkpoint.
    F32 { path: PathBuf, state: Vec<(String, Tensor)>, meta: Vec<(&'static str, String)> },
    /// CCA's float64 one.
    F64 { path: PathBuf, tensors: Vec<F64Tensor>, meta: Vec<(&'static str, String)> },
}

impl Pending {
    fn write(&self) -> anyhow::Result<()> {
        match self {
            Pending::F32 { path, state, meta } => kit::checkpoint::save(path, state, meta),
            Pending::F64 { path, tensors, meta } => save_f64(path, tensors, meta),
        }
    }
}

/// The probes file of `model_file`, to write.
fn probes_pending(dir: &Path, model_file: &str, set: &ProbeSet, inputs: &str) -> anyhow::Result<Pending> {
    let names: Vec<String> =
        set.0.iter().map(|(n, l)| format!("{n}: nn.Linear({}, 10)", l.in_features())).collect();
    Ok(Pending::F32 {
        path: dir.join(probes_file(model_file)),
        state: set.state_dict(),
        meta: vec![
            ("model", format!("the linear probes of {model_file}")),
            ("pytorch", format!("nn.ModuleDict({{{}}})", names.join(", "))),
            ("inputs", inputs.to_string()),
        ],
    })
}

pub(super) fn rebuild_joint(widths: &[usize], state: &[(String, Tensor)]) -> Result<Mlp, String> {
    let mut model = Mlp::new(widths, Activation::Relu, &mut seeded_rng(0));
    model.load_state_dict(state)?;
    Ok(model)
}

fn rebuild_probes(shapes: &[(&str, usize)], state: &[(String, Tensor)]) -> anyhow::Result<ProbeSet> {
    let mut set = untrained(shapes);
    set.load_state_dict(state).map_err(anyhow::Error::msg)?;
    Ok(set)
}

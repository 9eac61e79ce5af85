//! `--load DIR`: every saved model rebuilt, measured again and checked bit for bit.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use autograd::seeded_rng;
use kit::checkpoint::json_field as parse;
use models::{Mode, Model};

use super::cca::{cca_from, load_f64};
use super::saving::rebuild_joint;
use super::*;
use crate::Job;
use crate::baselines::evaluate_cca;
use crate::coordinated::{self, Coordinated};
use crate::joint;

/// The data of `data` standardised as `path`'s metadata says, its settings, and the
/// line saying whether the data's own statistics agree.
fn data_for(
    path: &Path,
    meta: &HashMap<String, String>,
    data: &Path,
    clean: bool,
) -> anyhow::Result<(Av, Config)> {
    let pre: Preprocessing = parse(path, meta, "preprocessing")?;
    anyhow::ensure!(
        !clean || pre.variant == "clean",
        "{} was saved on the {} AV digits: drop --clean",
        path.display(),
        pre.variant
    );
    let settings: Settings = parse(path, meta, "config")?;
    let (av, same) = pre.apply(data, path)?;
    if !same {
        println!(
            "  note: the training statistics of the data in {} differ from those saved in {}; the saved ones are used",
            data.display(),
            path.display()
        );
    }
    Ok((av, Config { data: data.to_path_buf(), ..settings.config() }))
}

/// The probes saved beside `model_file` in `dir`, of these names and widths.
fn load_probes(dir: &Path, model_file: &str, shapes: &[(&str, usize)]) -> anyhow::Result<ProbeSet> {
    let path = dir.join(probes_file(model_file));
    let mut set = untrained(shapes);
    kit::checkpoint::load_model(&path, &mut set)?;
    Ok(set)
}

/// An error unless `got` is what `path` saved in its `report`; the line to print.
fn check_report(path: &Path, got: &impl Serialize, saved: &Value, line: String) -> anyhow::Result<String> {
    if let Some(diff) = first_difference(&json(got)?, saved) {
        anyhow::bail!(
            "{line}\nthe model loaded from {} does not measure what it measured when saved ({diff})",
            path.display()
        );
    }
    Ok(line)
}

/// `--load DIR`: every model `--save DIR` wrote, rebuilt, measured on the test pairs
/// of `options.data`, and checked against the numbers it saved.
pub fn load(dir: &Path, options: &kit::Options) -> anyhow::Result<kit::Outcome> {
    let mut lines = Vec::new();
    let mut checked = 0;

    // The joint classifier.
    let path = dir.join(JOINT);
    let loaded = kit::checkpoint::load(&path)?;
    let meta = &loaded.metadata;
    let (av, cfg) = data_for(&path, meta, &options.data, options.clean)?;
    let architecture: Value = parse(&path, meta, "architecture")?;
    let widths: Vec<usize> = serde_json::from_value(architecture["widths"].clone())
        .with_context(|| format!("{}: its architecture has no \"widths\" list", path.display()))?;
    let want_in = AvDigits::IMAGE + av.audio_width();
    anyhow::ensure!(
        widths.len() == 4 && widths[0] == want_in && widths[2] == cfg.code && widths[3] == CLASSES,
        "{}: the architecture's widths {widths:?} are not a joint model of these data ({want_in} -> hidden -> {} -> \
         {CLASSES})",
        path.display(),
        cfg.code
    );
    let model = rebuild_joint(&widths, &loaded.state)
        .map_err(|e| anyhow::anyhow!("{} does not fit the joint model {widths:?}: {e}", path.display()))?;
    let probes = JointProbes::from_set(load_probes(dir, JOINT, &joint_probe_shapes(cfg.code))?);
    let saved: Value = parse(&path, meta, "report")?;
    let (got, _) = joint::evaluate(&model, &av, &cfg, cfg.seed, Some(probes))?;
    let line = format!(
        "{}: test accuracy both / image only / audio only {} / {} / {} (saved: {} / {} / {}); P@10 {} (saved: {})",
        path.display(),
        got.both,
        got.image_only,
        got.audio_only,
        saved["both"],
        saved["image_only"],
        saved["audio_only"],
        got.measured.p10,
        saved["measured"]["p10"],
    );
    lines.push(check_report(&path, &got, &saved, line)?);
    checked += 1;

    // The coordinated model.
    let path = dir.join(COORDINATED);
    let loaded = kit::checkpoint::load(&path)?;
    let meta = &loaded.metadata;
    let (av, cfg) = data_for(&path, meta, &options.data, options.clean)?;
    let architecture: Value = parse(&path, meta, "architecture")?;
    let job = Job {
        alignment: serde_json::from_value(architecture["alignment"].clone())
            .with_context(|| format!("{}: its architecture has no \"alignment\"", path.display()))?,
        lambda: serde_json::from_value(architecture["lambda"].clone())
            .with_context(|| format!("{}: its architecture has no \"lambda\"", path.display()))?,
        pairing: serde_json::from_value(architecture["pairing"].clone())
            .with_context(|| format!("{}: its architecture has no \"pairing\"", path.display()))?,
    };
    let mut model = Coordinated::new(av.audio_width(), &cfg, &mut seeded_rng(0));
    model.load_state_dict(&loaded.state).map_err(|e| {
        anyhow::anyhow!(
            "{} does not fit the coordinated model (hidden {}, code {}): {e}",
            path.display(),
            cfg.hidden,
            cfg.code
        )
    })?;
    let probes = Probes::from_set(load_probes(dir, COORDINATED, &coordinated_probe_shapes(cfg.code))?);
    let saved: Value = parse(&path, meta, "report")?;
    let final_alignment_loss: f32 = serde_json::from_value(saved["final_alignment_loss"].clone())
        .with_context(|| format!("{}: its report has no \"final_alignment_loss\"", path.display()))?;
    let (got, _) =
        coordinated::evaluate(&model, &av, &cfg, &job, final_alignment_loss, cfg.seed, Some(probes))?;
    // The two classifiers together, through the model's own forward pass.
    let test = &av.raw.test;
    let fused = autograd::no_grad(|| model.forward(&[av.images(test), av.audios(test)], &mut Mode::Eval));
    let by_forward = models::metrics::accuracy(&models::metrics::argmax_rows(&fused), &av.labels(test));
    anyhow::ensure!(
        by_forward == got.both_heads_accuracy,
        "{}: Coordinated::forward gives accuracy {by_forward}, its heads {}",
        path.display(),
        got.both_heads_accuracy
    );
    let line = format!(
        "{} ({} loss, λ = {}): P@10 {} (saved: {}); accuracy image head / audio head / both {} / {} / {} (saved: {} / {} / {})",
        path.display(),
        job.alignment.name(),
        job.lambda,
        got.measured.p10,
        saved["measured"]["p10"],
        got.image_head_accuracy,
        got.audio_head_accuracy,
        got.both_heads_accuracy,
        saved["image_head_accuracy"],
        saved["audio_head_accuracy"],
        saved["both_heads_accuracy"],
    );
    lines.push(check_report(&path, &got, &saved, line)?);
    checked += 1;

    // CCA.
    let path = dir.join(CCA);
    let (tensors, meta) = load_f64(&path)?;
    let (av, cfg) = data_for(&path, &meta, &options.data, options.clean)?;
    let cca = cca_from(&tensors, &path)?;
    anyhow::ensure!(
        cca.wx.cols >= cfg.cca_dims && cca.wy.rows == av.audio_width(),
        "{}: {} directions over {} audio features, but it keeps {} over these data's {}",
        path.display(),
        cca.wx.cols,
        cca.wy.rows,
        cfg.cca_dims,
        av.audio_width()
    );
    let saved: Value = parse(&path, &meta, "report")?;
    let few_dims: usize = serde_json::from_value(saved["few_dims"].clone())
        .with_context(|| format!("{}: its report has no \"few_dims\"", path.display()))?;
    let probes = CcaProbes::from_set(load_probes(dir, CCA, &cca_probe_shapes(cfg.cca_dims, few_dims))?);
    let (got, _) = evaluate_cca(&cca, &av, &cfg, cfg.seed, Some(probes))?;
    let line = format!(
        "{} ({} directions): P@10 {} (saved: {}); transfer a→i / i→a {} / {} (saved: {} / {})",
        path.display(),
        got.dims,
        got.measured.p10,
        saved["measured"]["p10"],
        got.measured.transfer_audio_to_image,
        got.measured.transfer_image_to_audio,
        saved["measured"]["transfer_audio_to_image"],
        saved["measured"]["transfer_image_to_audio"],
    );
    lines.push(check_report(&path, &got, &saved, line)?);
    checked += 1;

    for line in &lines {
        println!("{line}");
    }
    println!("every number of each model's report entry is the one saved, bit for bit");
    Ok(kit::Outcome {
        headline: format!(
            "{checked} saved representations reloaded, each measuring exactly what it measured when saved"
        ),
        claims: vec![],
    })
}

//! `--save DIR` and `--load DIR`: the chapter's three representations of the first
//! seed, each with the linear probes its desiderata were read with.
//!
//! - `joint.safetensors`: the joint classifier, `nn.Sequential(nn.Linear(464, 128),
//!   nn.ReLU(), nn.Linear(128, 32), nn.ReLU(), nn.Linear(32, 10))` (`Mlp::state_dict`:
//!   `0.weight`, ..., `4.bias`); its code is the output of module 3.
//! - `coordinated.safetensors`: the coordinated model at the strongest coordination
//!   of the sweep (margin loss, the largest λ, fresh partners): `image.0.weight`, ...,
//!   `audio.2.bias`, `image_head.weight`, `audio_head.bias` (`impl Model for
//!   Coordinated`).
//! - `cca.safetensors`: linear CCA, in float64 (its codes are computed in f64):
//!   `cca.x_mean` (64), `cca.x_rotations` (64, 64), `cca.y_mean` (400),
//!   `cca.y_rotations` (400, 64) and `cca.correlations` (64), as scikit-learn's `CCA`
//!   names them (`_x_mean`, `x_rotations_`, ...): codes = (x - x_mean) @
//!   x_rotations[:, :k], without scikit-learn's scaling.
//! - `NAME_probes.safetensors` beside each: the softmax-regression probes on its codes,
//!   `nn.ModuleDict` of `nn.Linear` (`probe_image.weight`, ...).
//!
//! Each file's metadata holds the architecture, the configuration, the preprocessing
//! (the data variant, each pixel's and spectrogram cell's training mean and standard
//! deviation) and the model's report entry as the run measured it. The run trains its
//! models on worker threads, where they stay, so `--save` trains these again on the main
//! thread from the same seed, rebuilds each from the exact tensors it is about to write,
//! and writes nothing unless every rebuilt model measures exactly what the run reported.
//! `--load DIR` rebuilds every model from its file, standardises the data of `--data`
//! with the saved statistics, measures it on the test pairs and fails unless every
//! number of its report entry is what was saved, bit for bit.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use autograd::{Tensor, seeded_rng};
use models::data::{AvDigits, AvVariant, standardise};
use models::linalg::Matrix;
use models::{Activation, Cca, Linear, Mlp, Mode, Model, Named, Probe};
use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::baselines::{CcaProbes, evaluate_cca, fit_cca};
use crate::coordinated::{self, Coordinated};
use crate::joint::{self, JointProbes};
use crate::measure::Probes;
use crate::{Alignment, Av, Config, Job, Pairing, Report};

/// The joint classifier's file inside `--save DIR`.
pub const JOINT: &str = "joint.safetensors";
/// The coordinated model's file.
pub const COORDINATED: &str = "coordinated.safetensors";
/// CCA's file (float64).
pub const CCA: &str = "cca.safetensors";

/// The probes' file beside a model's `name.safetensors`.
pub fn probes_file(model_file: &str) -> String {
    model_file.replace(".safetensors", "_probes.safetensors")
}

/// Classes every classifier and probe scores.
const CLASSES: usize = 10;

/// How the raw files become the models' inputs.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Preprocessing {
    /// "noisy" (`digits_noisy.csv` + `spoken_digits.u8`) or "clean".
    pub variant: String,
    /// The image's steps, in words.
    pub image: String,
    /// The spectrogram's steps, in words.
    pub audio: String,
    /// Each pixel's mean over the training pairs (64).
    pub image_mean: Vec<f32>,
    /// Each pixel's standard deviation over the training pairs (1 where it is 0).
    pub image_std: Vec<f32>,
    /// Each spectrogram cell's mean over the training pairs (bands x frames, band-major).
    pub audio_mean: Vec<f32>,
    /// Each cell's standard deviation over the training pairs (1 where it is 0).
    pub audio_std: Vec<f32>,
}

impl Preprocessing {
    /// What `Av::load` did to `av`.
    fn of(av: &Av, variant: AvVariant) -> Preprocessing {
        Preprocessing {
            variant: variant_name(variant).into(),
            image: "pixel values 0..16 of the digits CSV divided by 16, then (x - image_mean) / image_std per pixel"
                .into(),
            audio: format!(
                "spectrogram bytes divided by 255 ({} mel bands x {} frames, band-major), then (x - audio_mean) / \
                 audio_std per cell",
                av.raw.bands, av.raw.frames
            ),
            image_mean: av.image_stats.0.clone(),
            image_std: av.image_stats.1.clone(),
            audio_mean: av.audio_stats.0.clone(),
            audio_std: av.audio_stats.1.clone(),
        }
    }

    /// The AV digits of `data` standardised with these statistics, and whether the
    /// data's own training statistics are the same.
    fn apply(&self, data: &Path, path: &Path) -> anyhow::Result<(Av, bool)> {
        let variant = match self.variant.as_str() {
            "noisy" => AvVariant::Noisy,
            "clean" => AvVariant::Clean,
            other => anyhow::bail!("{}: unknown data variant {other:?} (noisy or clean)", path.display()),
        };
        let mut av =
            Av::load(data, variant).map_err(|e| anyhow::anyhow!("loading the audio-visual digits: {e}"))?;
        anyhow::ensure!(
            self.image_mean.len() == AvDigits::IMAGE
                && self.image_std.len() == AvDigits::IMAGE
                && self.audio_mean.len() == av.audio_width()
                && self.audio_std.len() == av.audio_width(),
            "{}: statistics for {} pixels and {} cells, but the data in {} have {} and {}",
            path.display(),
            self.image_mean.len(),
            self.audio_mean.len(),
            data.display(),
            AvDigits::IMAGE,
            av.audio_width()
        );
        let same = av.image_stats == (self.image_mean.clone(), self.image_std.clone())
            && av.audio_stats == (self.audio_mean.clone(), self.audio_std.clone());
        av.image = standardise(&av.raw.image, &self.image_mean, &self.image_std);
        av.audio = standardise(&av.raw.audio, &self.audio_mean, &self.audio_std);
        Ok((av, same))
    }
}

fn variant_name(variant: AvVariant) -> &'static str {
    match variant {
        AvVariant::Noisy => "noisy",
        AvVariant::Clean => "clean",
    }
}

/// The settings a saved model was trained and measured with.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Settings {
    /// The seed of the model's RNG (and of its probes').
    pub seed: u64,
    /// Training epochs.
    pub epochs: usize,
    /// Minibatch size.
    pub batch_size: usize,
    /// Adam's learning rate.
    pub lr: f32,
    /// Encoder hidden width.
    pub hidden: usize,
    /// Code width.
    pub code: usize,
    /// Ranking margin.
    pub margin: f32,
    /// InfoNCE temperature.
    pub temperature: f32,
    /// CCA directions kept.
    pub cca_dims: usize,
    /// Ridge added to CCA's covariances.
    pub cca_ridge: f64,
    /// Probe training: full-batch Adam steps.
    pub probe_steps: usize,
    /// Probe training: Adam's learning rate.
    pub probe_lr: f32,
    /// Probe training: weight decay.
    pub probe_weight_decay: f32,
}

impl Settings {
    fn of(cfg: &Config) -> Settings {
        Settings {
            seed: cfg.seed,
            epochs: cfg.epochs,
            batch_size: cfg.batch_size,
            lr: cfg.lr,
            hidden: cfg.hidden,
            code: cfg.code,
            margin: cfg.margin,
            temperature: cfg.temperature,
            cca_dims: cfg.cca_dims,
            cca_ridge: cfg.cca_ridge,
            probe_steps: cfg.probe.steps,
            probe_lr: cfg.probe.lr,
            probe_weight_decay: cfg.probe.weight_decay,
        }
    }

    /// A configuration with these settings (the data folder is the caller's).
    fn config(&self) -> Config {
        Config {
            seed: self.seed,
            epochs: self.epochs,
            batch_size: self.batch_size,
            lr: self.lr,
            hidden: self.hidden,
            code: self.code,
            margin: self.margin,
            temperature: self.temperature,
            cca_dims: self.cca_dims,
            cca_ridge: self.cca_ridge,
            probe: models::ProbeConfig {
                steps: self.probe_steps,
                lr: self.probe_lr,
                weight_decay: self.probe_weight_decay,
            },
            ..Config::default()
        }
    }
}

/// Linear probes saved together: `nn.ModuleDict({name: nn.Linear(dim, 10)})`, so
/// their entries are `{name}.weight` (10, dim) and `{name}.bias`. The forward pass
/// gives probe k's logits on `inputs[k]`, side by side.
struct ProbeSet {
    probes: Vec<(String, Probe)>,
}

impl ProbeSet {
    /// Untrained probes of these names and input widths, to load a checkpoint into.
    fn untrained(shapes: &[(&str, usize)]) -> ProbeSet {
        let rng = &mut seeded_rng(0);
        let probes = shapes
            .iter()
            .map(|&(n, dim)| (n.to_string(), Probe { linear: Linear::xavier(dim, CLASSES, rng) }));
        ProbeSet { probes: probes.collect() }
    }

    /// The probe named `name`, taken out.
    fn take(&mut self, name: &str) -> Probe {
        let k = self.probes.iter().position(|(n, _)| n == name).expect("a probe of this set");
        self.probes.remove(k).1
    }
}

impl Model for ProbeSet {
    fn forward(&self, inputs: &[Tensor], _mode: &mut Mode<'_>) -> Tensor {
        let logits: Vec<Tensor> =
            self.probes.iter().zip(inputs).map(|((_, p), x)| models::Module::forward(&p.linear, x)).collect();
        Tensor::concat(&logits, 1)
    }

    fn named_parameters(&self) -> Vec<Named<'_>> {
        self.probes.iter().flat_map(|(n, p)| Named::linear(n, &p.linear)).collect()
    }

    fn parameters_mut(&mut self) -> Vec<&mut autograd::Parameter> {
        self.probes.iter_mut().flat_map(|(_, p)| models::Module::parameters_mut(&mut p.linear)).collect()
    }
}

/// The names and widths of the probe sets each file holds.
fn joint_probe_shapes(code: usize) -> [(&'static str, usize); 3] {
    [("probe_image", code), ("probe_audio", code), ("probe_both", code)]
}
fn coordinated_probe_shapes(code: usize) -> [(&'static str, usize); 2] {
    [("probe_image", code), ("probe_audio", code)]
}
fn cca_probe_shapes(dims: usize, few: usize) -> [(&'static str, usize); 4] {
    [("probe_image", dims), ("probe_audio", dims), ("few_probe_image", few), ("few_probe_audio", few)]
}

impl JointProbes {
    fn into_set(self) -> ProbeSet {
        let JointProbes { codes: Probes { image, audio }, both } = self;
        ProbeSet {
            probes: vec![
                ("probe_image".into(), image),
                ("probe_audio".into(), audio),
                ("probe_both".into(), both),
            ],
        }
    }

    fn from_set(mut set: ProbeSet) -> JointProbes {
        JointProbes {
            codes: Probes { image: set.take("probe_image"), audio: set.take("probe_audio") },
            both: set.take("probe_both"),
        }
    }
}

impl Probes {
    fn into_set(self) -> ProbeSet {
        ProbeSet { probes: vec![("probe_image".into(), self.image), ("probe_audio".into(), self.audio)] }
    }

    fn from_set(mut set: ProbeSet) -> Probes {
        Probes { image: set.take("probe_image"), audio: set.take("probe_audio") }
    }
}

impl CcaProbes {
    fn into_set(self) -> ProbeSet {
        let CcaProbes { kept, few } = self;
        ProbeSet {
            probes: vec![
                ("probe_image".into(), kept.image),
                ("probe_audio".into(), kept.audio),
                ("few_probe_image".into(), few.image),
                ("few_probe_audio".into(), few.audio),
            ],
        }
    }

    fn from_set(mut set: ProbeSet) -> CcaProbes {
        CcaProbes {
            kept: Probes { image: set.take("probe_image"), audio: set.take("probe_audio") },
            few: Probes { image: set.take("few_probe_image"), audio: set.take("few_probe_audio") },
        }
    }
}

/// The first place two JSON values differ, as `path: a vs b`; `None` when they are equal.
pub fn first_difference(a: &Value, b: &Value) -> Option<String> {
    fn walk(a: &Value, b: &Value, path: &str) -> Option<String> {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => walk(u, v, &format!("{path}.{k}")),
                    _ => Some(format!("{path}.{k}: present in only one")),
                })
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                x.iter().zip(y).enumerate().find_map(|(i, (u, v))| walk(u, v, &format!("{path}[{i}]")))
            }
            _ if a == b => None,
            _ => Some(format!("{path}: {a} vs {b}")),
        }
    }
    walk(a, b, "").map(|s| s.trim_start_matches('.').to_string())
}

/// `value` as JSON: f64 and f32 written in full (shortest round-trip), so two entries
/// are equal as JSON exactly when their numbers are equal bit for bit.
fn json(value: &impl Serialize) -> anyhow::Result<Value> {
    Ok(serde_json::to_value(value)?)
}

/// An error unless `got` (what the model measures now) is `want` (what the run
/// reported, or what the file saved), naming the first number that differs.
fn ensure_same(what: &str, got: &impl Serialize, want: &impl Serialize) -> anyhow::Result<()> {
    if let Some(diff) = first_difference(&json(got)?, &json(want)?) {
        anyhow::bail!("{what} (now vs then: {diff})");
    }
    Ok(())
}

/// The metadata every file carries.
fn metadata(
    model: &str,
    pytorch: &str,
    architecture: Value,
    settings: &Settings,
    pre: &Preprocessing,
    report: Value,
) -> anyhow::Result<Vec<(&'static str, String)>> {
    Ok(vec![
        ("model", model.to_string()),
        ("pytorch", pytorch.to_string()),
        ("architecture", architecture.to_string()),
        ("config", serde_json::to_string(settings)?),
        ("preprocessing", serde_json::to_string(pre)?),
        ("report", report.to_string()),
    ])
}

// ---------------------------------------------------------------------------------
// Saving

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
        set.probes.iter().map(|(n, p)| format!("{n}: nn.Linear({}, 10)", p.linear.in_features())).collect();
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

fn rebuild_joint(widths: &[usize], state: &[(String, Tensor)]) -> Result<Mlp, String> {
    let mut model = Mlp::new(widths, Activation::Relu, &mut seeded_rng(0));
    model.load_state_dict(state)?;
    Ok(model)
}

fn rebuild_probes(shapes: &[(&str, usize)], state: &[(String, Tensor)]) -> anyhow::Result<ProbeSet> {
    let mut set = ProbeSet::untrained(shapes);
    set.load_state_dict(state).map_err(anyhow::Error::msg)?;
    Ok(set)
}

// ---------------------------------------------------------------------------------
// CCA in float64

/// A float64 tensor: name, shape, values.
type F64Tensor = (String, Vec<usize>, Vec<f64>);

fn cca_tensors(cca: &Cca) -> Vec<F64Tensor> {
    vec![
        ("cca.correlations".into(), vec![cca.correlations.len()], cca.correlations.clone()),
        ("cca.x_mean".into(), vec![cca.mean_x.len()], cca.mean_x.clone()),
        ("cca.x_rotations".into(), vec![cca.wx.rows, cca.wx.cols], cca.wx.data.clone()),
        ("cca.y_mean".into(), vec![cca.mean_y.len()], cca.mean_y.clone()),
        ("cca.y_rotations".into(), vec![cca.wy.rows, cca.wy.cols], cca.wy.data.clone()),
    ]
}

/// CCA from its tensors (as `cca_tensors` writes them), or an error naming `path`
/// and the entry that is missing or misshapen.
fn cca_from(tensors: &[F64Tensor], path: &Path) -> anyhow::Result<Cca> {
    let get = |name: &str| {
        tensors
            .iter()
            .find(|(n, _, _)| n == name)
            .ok_or_else(|| anyhow::anyhow!("{}: no entry {name:?}", path.display()))
    };
    if let Some((extra, _, _)) = tensors.iter().find(|(n, _, _)| {
        !["cca.correlations", "cca.x_mean", "cca.x_rotations", "cca.y_mean", "cca.y_rotations"]
            .contains(&n.as_str())
    }) {
        anyhow::bail!("{}: an entry {extra:?} CCA does not have", path.display());
    }
    let (_, cs, c) = get("cca.correlations")?;
    let (_, xs, xm) = get("cca.x_mean")?;
    let (_, ys, ym) = get("cca.y_mean")?;
    let (_, wxs, wx) = get("cca.x_rotations")?;
    let (_, wys, wy) = get("cca.y_rotations")?;
    let k = cs.first().copied().unwrap_or(0);
    let shapes = [
        ("cca.correlations", cs, vec![k]),
        ("cca.x_mean", xs, vec![AvDigits::IMAGE]),
        ("cca.x_rotations", wxs, vec![AvDigits::IMAGE, k]),
        ("cca.y_rotations", wys, vec![ys.first().copied().unwrap_or(0), k]),
        ("cca.y_mean", ys, vec![ys.first().copied().unwrap_or(0)]),
    ];
    for (name, got, want) in shapes {
        anyhow::ensure!(
            *got == want,
            "{}: entry {name:?} has shape {got:?}, CCA of {} image features and {k} directions needs {want:?}",
            path.display(),
            AvDigits::IMAGE
        );
    }
    let matrix =
        |shape: &[usize], data: &[f64]| Matrix { rows: shape[0], cols: shape[1], data: data.to_vec() };
    Ok(Cca {
        wx: matrix(wxs, wx),
        wy: matrix(wys, wy),
        mean_x: xm.clone(),
        mean_y: ym.clone(),
        correlations: c.clone(),
    })
}

/// Write float64 tensors to a `.safetensors` file atomically, with `metadata`.
fn save_f64(path: &Path, tensors: &[F64Tensor], metadata: &[(&str, String)]) -> anyhow::Result<()> {
    let bytes: Vec<Vec<u8>> =
        tensors.iter().map(|(_, _, v)| v.iter().flat_map(|x| x.to_le_bytes()).collect()).collect();
    let views = tensors
        .iter()
        .zip(&bytes)
        .map(|((name, shape, _), b)| Ok((name.clone(), TensorView::new(Dtype::F64, shape.clone(), b)?)))
        .collect::<Result<Vec<_>, safetensors::SafeTensorError>>()
        .map_err(|e| anyhow::anyhow!("cannot encode {}: {e}", path.display()))?;
    let info: HashMap<String, String> = metadata.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    let file = safetensors::tensor::serialize(views, Some(info))
        .map_err(|e| anyhow::anyhow!("cannot encode {}: {e}", path.display()))?;
    kit::report::write_atomic(path, &file)
}

/// Read a float64 `.safetensors` file: its tensors and metadata; a damaged file or a
/// tensor of another type is an error naming the file.
fn load_f64(path: &Path) -> anyhow::Result<(Vec<F64Tensor>, HashMap<String, String>)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read checkpoint {}", path.display()))?;
    let broken = |e: safetensors::SafeTensorError| {
        anyhow::anyhow!(
            "{} is not a valid safetensors checkpoint (truncated or damaged?): {e}",
            path.display()
        )
    };
    let (_, header) = SafeTensors::read_metadata(&bytes).map_err(broken)?;
    let tensors = SafeTensors::deserialize(&bytes).map_err(broken)?;
    let mut out = Vec::new();
    for (name, view) in tensors.tensors() {
        anyhow::ensure!(
            view.dtype() == Dtype::F64,
            "{}: tensor {name} is {:?}; CCA is saved in float64",
            path.display(),
            view.dtype()
        );
        let values =
            view.data().chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes"))).collect();
        out.push((name, view.shape().to_vec(), values));
    }
    Ok((out, header.metadata().clone().unwrap_or_default()))
}

// ---------------------------------------------------------------------------------
// Loading

/// A file's metadata entry `key` parsed from JSON.
fn parse<T: for<'de> Deserialize<'de>>(
    path: &Path,
    meta: &HashMap<String, String>,
    key: &str,
) -> anyhow::Result<T> {
    let text = kit::checkpoint::field(path, meta, key)?;
    serde_json::from_str(text)
        .with_context(|| format!("{}: its metadata {key:?} is not what this chapter writes", path.display()))
}

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
    let mut set = ProbeSet::untrained(shapes);
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

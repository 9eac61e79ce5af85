//! `--save DIR` and `--load DIR`: the chapter's fusion models on the AV digits, of
//! the first seed.
//!
//! - `early_softmax.safetensors`: early fusion, softmax regression on the 464
//!   concatenated inputs, `nn.Linear(464, 10)` (`weight` (10, 464), `bias`).
//! - `early_mlp.safetensors`: the one-hidden-layer MLP on the same concatenation,
//!   `nn.Sequential(nn.Linear(464, 128), nn.ReLU(), nn.Linear(128, 10))` (`0.weight`,
//!   `0.bias`, `2.weight`, `2.bias`).
//! - `late_fusion.safetensors`: late fusion, a softmax regression per modality and the
//!   reliability gate (`impl Model for LateFusion`): `image.weight` (10, 64),
//!   `image.bias`, `audio.weight` (10, 400), `audio.bias`, `gate.weight` (1, 2),
//!   `gate.bias`.
//!
//! Each file's metadata holds the architecture, the configuration, the preprocessing
//! (the data variant, each pixel's and spectrogram cell's training mean and standard
//! deviation; for the gate, the training mean and standard deviation of σ and SNR) and
//! what the run measured. The run trains its models on worker threads, where they stay,
//! so `--save` trains these again on the main thread from the same seeds, rebuilds each
//! from the exact tensors it is about to write, and writes nothing unless every rebuilt
//! model scores exactly what the run reported. `--load DIR` rebuilds every model from
//! its file, standardises the data of `--data` with the saved statistics, scores it on
//! the test pairs and fails unless it scores what was saved, bit for bit.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use autograd::{Tensor, no_grad, seeded_rng};
use models::data::{AvDigits, AvVariant, standardise};
use models::metrics::{accuracy, argmax_rows};
use models::{Activation, Linear, Mlp, Mode, Model, Named, Probe, Torch};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::features::{CLASSES, Inputs, mlp_accuracy, rows};
use crate::fusion::{ONE_HIDDEN, SOFTMAX, early_models};
use crate::late::{LateFusion, Reliability, evaluate};
use crate::{Config, Report};
use models::data::Av;

/// Early fusion's softmax regression, inside `--save DIR`.
pub const EARLY_SOFTMAX: &str = "early_softmax.safetensors";
/// The one-hidden-layer MLP on the concatenation.
pub const EARLY_MLP: &str = "early_mlp.safetensors";
/// Late fusion with its reliability gate.
pub const LATE: &str = "late_fusion.safetensors";

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
            variant: match variant {
                AvVariant::Noisy => "noisy",
                AvVariant::Clean => "clean",
            }
            .into(),
            image: "pixel values 0..16 of the digits CSV divided by 16, then (x - image_mean) / image_std per pixel"
                .into(),
            audio: format!(
                "spectrogram bytes divided by 255 ({} mel bands x {} frames, band-major), then (x - audio_mean) / \
                 audio_std per cell; early fusion reads [image (64) | audio], pair by pair (the fixed pairs)",
                av.raw.bands, av.raw.frames
            ),
            image_mean: av.image_stats.0.clone(),
            image_std: av.image_stats.1.clone(),
            audio_mean: av.audio_stats.0.clone(),
            audio_std: av.audio_stats.1.clone(),
        }
    }

    /// The AV digits of `data` standardised with these statistics; prints a note when
    /// the data's own training statistics differ.
    fn apply(&self, data: &Path, path: &Path) -> anyhow::Result<Av> {
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
        if av.image_stats != (self.image_mean.clone(), self.image_std.clone())
            || av.audio_stats != (self.audio_mean.clone(), self.audio_std.clone())
        {
            println!(
                "  note: the training statistics of the data in {} differ from those saved in {}; the saved ones \
                 are used",
                data.display(),
                path.display()
            );
        }
        av.image = standardise(&av.raw.image, &self.image_mean, &self.image_std);
        av.audio = standardise(&av.raw.audio, &self.audio_mean, &self.audio_std);
        Ok(av)
    }
}

/// The settings the saved models were trained with.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Settings {
    /// The run's first seed (the models on the concatenation use `seed + 2`).
    pub seed: u64,
    /// Epochs of the MLP.
    pub epochs: usize,
    /// Adam's learning rate for the MLP.
    pub lr: f32,
    /// Hidden width of the MLP.
    pub hidden: usize,
    /// Softmax regression: full-batch Adam steps.
    pub probe_steps: usize,
    /// Softmax regression: Adam's learning rate.
    pub probe_lr: f32,
    /// Softmax regression: weight decay.
    pub probe_weight_decay: f32,
    /// Full-batch Adam steps of the gate.
    pub gate_steps: usize,
}

impl Settings {
    fn of(cfg: &Config) -> Settings {
        Settings {
            seed: cfg.seed,
            epochs: cfg.epochs,
            lr: cfg.lr,
            hidden: cfg.hidden,
            probe_steps: cfg.probe.steps,
            probe_lr: cfg.probe.lr,
            probe_weight_decay: cfg.probe.weight_decay,
            gate_steps: cfg.gate_steps,
        }
    }
}

/// Softmax regression as PyTorch's `nn.Linear(in, 10)`: entries `weight` (10, in) and
/// `bias`. The forward pass gives the logits of `inputs[0]`.
struct Softmax(Probe);

impl Softmax {
    /// Zero weights reading `width` numbers, to load a checkpoint into.
    fn zeros(width: usize) -> Softmax {
        Softmax(Probe { linear: Linear::new(Tensor::zeros(&[width, CLASSES]), Tensor::zeros(&[CLASSES])) })
    }

    /// Test accuracy on the concatenated test pairs, as the run scores it.
    fn test_accuracy(&self, av: &Av) -> f64 {
        let test = &av.raw.test;
        self.0.accuracy(&rows(av, Inputs::Both, test, test), &av.labels(test))
    }
}

impl Model for Softmax {
    fn forward(&self, inputs: &[Tensor], _mode: &mut Mode<'_>) -> Tensor {
        models::Module::forward(&self.0.linear, &inputs[0])
    }

    fn named_parameters(&self) -> Vec<Named<'_>> {
        let linear = &self.0.linear;
        vec![
            Named { name: "weight".into(), param: &linear.weight, torch: Torch::Transposed },
            Named::same("bias", &linear.bias),
        ]
    }

    fn parameters_mut(&mut self) -> Vec<&mut autograd::Parameter> {
        models::Module::parameters_mut(&mut self.0.linear)
    }
}

/// The first place two JSON values differ, as `path: a vs b`; `None` when they are equal.
fn first_difference(a: &Value, b: &Value) -> Option<String> {
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

/// The metadata every file carries.
fn metadata(
    pytorch: &str,
    architecture: Value,
    settings: &Settings,
    pre: &Preprocessing,
    measured: Value,
) -> anyhow::Result<Vec<(&'static str, String)>> {
    Ok(vec![
        ("pytorch", pytorch.to_string()),
        ("architecture", architecture.to_string()),
        ("config", serde_json::to_string(settings)?),
        ("preprocessing", serde_json::to_string(pre)?),
        ("measured", measured.to_string()),
    ])
}

/// Test accuracy of the MLP on the concatenated test pairs.
fn mlp_test_accuracy(model: &Mlp, av: &Av) -> f64 {
    let test = &av.raw.test;
    mlp_accuracy(model, &rows(av, Inputs::Both, test, test), &av.labels(test))
}

/// An error unless `now` is bit for bit `then`.
fn ensure_equal(what: &str, now: f64, then: f64) -> anyhow::Result<()> {
    anyhow::ensure!(now.to_bits() == then.to_bits(), "{what}: {now} now, {then} then");
    Ok(())
}

// ---------------------------------------------------------------------------------
// Saving

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

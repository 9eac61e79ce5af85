//! `--save DIR` and `--load DIR`: the first seed's bimodal deep autoencoder trained with
//! Ngiam's recipe (B) as `DIR/bimodal.safetensors`, its unimodal autoencoders as wide as
//! the shared code as `DIR/autoencoder_image.safetensors` and
//! `DIR/autoencoder_audio.safetensors`, each under the names of its PyTorch twin (see
//! `impl Model for Bimodal` and `impl Model for Autoencoder`), and the linear probes the
//! run read their codes with as `DIR/probes.safetensors`. Every file's metadata holds
//! the architecture, the preprocessing (the variant's files, the pixel and spectrogram
//! scaling, each feature's training mean and standard deviation), the run's settings and
//! the test scores the run reported.
//!
//! The run trains its models on worker threads, where their tensors stay: each comes
//! back as plain data, is rebuilt here on the main thread, and must score exactly what
//! the run reported before anything is written. `--load DIR` rebuilds every model from
//! its metadata, reads the AV digits in `--data`, checks their standardisation against
//! the saved statistics, and fails unless every score is again the saved one.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use autograd::{Tensor, seeded_rng};
use models::data::{Av, AvDigits, AvVariant};
use models::{Linear, Mode, Model, Module, Named, Probe};
use serde::{Deserialize, Serialize};

use crate::bimodal::{Bimodal, Probes, SCORES, score};
use crate::unimodal::{self, Autoencoder, Modality};
use crate::{Config, Report};

/// The bimodal autoencoder's file inside `--save DIR`.
pub const BIMODAL: &str = "bimodal.safetensors";
/// The linear probes' file.
pub const PROBES: &str = "probes.safetensors";
/// The unimodal autoencoders, in the order they are saved.
const MODALITIES: [Modality; 2] = [Modality::Image, Modality::Audio];
/// Classes every probe tells apart (the digits 0 to 9).
const CLASSES: usize = 10;

/// The file of the unimodal autoencoder of `modality`.
pub fn autoencoder_file(modality: Modality) -> String {
    format!("autoencoder_{}.safetensors", modality.name())
}

/// A `state_dict` as plain data, which can leave the thread that trained it (tensors
/// cannot): (name, shape, values).
pub(crate) type Plain = Vec<(String, Vec<usize>, Vec<f32>)>;

fn plain(state: Vec<(String, Tensor)>) -> Plain {
    state.into_iter().map(|(n, t)| (n, t.shape().to_vec(), t.to_vec())).collect()
}

fn tensors(plain: &Plain) -> Vec<(String, Tensor)> {
    plain.iter().map(|(n, shape, v)| (n.clone(), Tensor::from_vec(v.clone(), shape))).collect()
}

/// A copy of a linear layer's values.
fn copy(layer: &Linear) -> Linear {
    Linear::new(layer.weight.tensor().detach(), layer.bias.tensor().detach())
}

/// A trained model and the probes the run read its codes with, as plain data.
pub(crate) struct KeptModel {
    state: Plain,
    probes: Plain,
}

impl KeptModel {
    /// The bimodal autoencoder and its three probes (`both`, `image_only`, `audio_only`).
    pub(crate) fn bimodal(model: &Bimodal, probes: &Probes) -> KeptModel {
        let set = ProbeSet(vec![
            ("both".into(), copy(&probes.both.linear)),
            ("image_only".into(), copy(&probes.image_only.linear)),
            ("audio_only".into(), copy(&probes.audio_only.linear)),
        ]);
        KeptModel { state: plain(model.state_dict()), probes: plain(set.state_dict()) }
    }

    /// A unimodal autoencoder and its probe.
    pub(crate) fn autoencoder(ae: &Autoencoder, probe: &Probe) -> KeptModel {
        let set = ProbeSet(vec![("probe".into(), copy(&probe.linear))]);
        KeptModel { state: plain(ae.state_dict()), probes: plain(set.state_dict()) }
    }
}

/// What `--save` keeps of a run (the first seed).
#[derive(Default)]
pub(crate) struct Kept {
    /// The bimodal autoencoder trained with recipe B.
    pub bimodal: Option<KeptModel>,
    /// The plain unimodal autoencoders as wide as the shared code.
    pub autoencoders: Vec<(Modality, KeptModel)>,
}

/// Linear probes, each an `nn.Linear(code, 10)` giving logits over the digits, under
/// their names: `nn.ModuleDict` in PyTorch. `forward(inputs)` sends input k through
/// probe k and puts the logits side by side.
struct ProbeSet(Vec<(String, Linear)>);

impl ProbeSet {
    /// Probes named `names` reading codes of `width` numbers (initial weights arbitrary).
    fn new(names: &[String], width: usize) -> ProbeSet {
        let mut rng = seeded_rng(0);
        ProbeSet(names.iter().map(|n| (n.clone(), Linear::xavier(width, CLASSES, &mut rng))).collect())
    }

    /// The probe named `name`.
    fn probe(&self, name: &str) -> Probe {
        let linear = self.0.iter().find(|(n, _)| n == name).map(|(_, l)| copy(l));
        Probe { linear: linear.unwrap_or_else(|| panic!("ProbeSet: no probe {name:?}")) }
    }
}

impl Model for ProbeSet {
    fn forward(&self, inputs: &[Tensor], _mode: &mut Mode<'_>) -> Tensor {
        let logits: Vec<Tensor> = self.0.iter().zip(inputs).map(|((_, l), x)| l.forward(x)).collect();
        Tensor::concat(&logits, 1)
    }

    fn named_parameters(&self) -> Vec<Named<'_>> {
        self.0.iter().flat_map(|(n, l)| Named::linear(n, l)).collect()
    }

    fn parameters_mut(&mut self) -> Vec<&mut autograd::Parameter> {
        self.0.iter_mut().flat_map(|(_, l)| l.parameters_mut()).collect()
    }
}

/// The bimodal autoencoder's sizes and what its forward pass does.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct BimodalArchitecture {
    kind: String,
    image: usize,
    audio: usize,
    hidden: usize,
    middle: usize,
    code: usize,
    forward: String,
}

impl BimodalArchitecture {
    fn of(audio: usize, cfg: &Config) -> BimodalArchitecture {
        BimodalArchitecture {
            kind: "bimodal_autoencoder".into(),
            image: AvDigits::IMAGE,
            audio,
            hidden: cfg.hidden,
            middle: cfg.hidden / 2,
            code: cfg.code,
            forward:
                "code = tanh(shared(cat([relu(encoder_image(image)), relu(encoder_audio(audio))], 1))); \
                      h = relu(unshared(code)); image' = decoder_image(h[:, :middle]), \
                      audio' = decoder_audio(h[:, middle:]); a missing modality is given as zeros"
                    .into(),
        }
    }
}

/// A unimodal autoencoder's sizes and what its forward pass does.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct AutoencoderArchitecture {
    kind: String,
    modality: String,
    input: usize,
    code: usize,
    forward: String,
}

impl AutoencoderArchitecture {
    fn of(modality: Modality, input: usize, code: usize) -> AutoencoderArchitecture {
        AutoencoderArchitecture {
            kind: "autoencoder".into(),
            modality: modality.name().into(),
            input,
            code,
            forward: "code = tanh(encoder(x)); x' = decoder(code)".into(),
        }
    }
}

/// How the AV digits become the models' inputs.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Preprocessing {
    /// "noisy" or "clean".
    variant: String,
    image: String,
    audio: String,
    statistics: String,
    image_mean: Vec<f32>,
    image_std: Vec<f32>,
    audio_mean: Vec<f32>,
    audio_std: Vec<f32>,
    test_pairs: String,
}

fn variant_name(variant: AvVariant) -> &'static str {
    match variant {
        AvVariant::Noisy => "noisy",
        AvVariant::Clean => "clean",
    }
}

impl Preprocessing {
    fn of(av: &Av, variant: AvVariant) -> Preprocessing {
        let (image_file, audio_file) = variant.files();
        Preprocessing {
            variant: variant_name(variant).into(),
            image: format!(
                "the 64 pixels of the pair's image in {image_file}, row by row, as counts / 16 (in [0, 1]), \
                 standardised: (x - image_mean) / image_std"
            ),
            audio: format!(
                "the {} x {} cells ([band][frame], row-major) of the pair's utterance in {audio_file}, as \
                 bytes / 255 (in [0, 1]), standardised: (x - audio_mean) / audio_std",
                av.raw.bands, av.raw.frames
            ),
            statistics: "each feature's mean and population standard deviation over the training pairs of \
                         pairs.csv (a standard deviation of 0 is replaced by 1)"
                .into(),
            image_mean: av.image_stats.0.clone(),
            image_std: av.image_stats.1.clone(),
            audio_mean: av.audio_stats.0.clone(),
            audio_std: av.audio_stats.1.clone(),
            test_pairs: "the pairs of pairs.csv whose split is test, in file order; labels are the digits"
                .into(),
        }
    }

    fn variant(&self, path: &Path) -> anyhow::Result<AvVariant> {
        match self.variant.as_str() {
            "noisy" => Ok(AvVariant::Noisy),
            "clean" => Ok(AvVariant::Clean),
            other => {
                anyhow::bail!("{}: variant {other:?} is neither \"noisy\" nor \"clean\"", path.display())
            }
        }
    }
}

/// The scores as the metadata keeps them: name -> value.
fn scores_json(names: &[&str], values: &[f64]) -> serde_json::Value {
    serde_json::Value::Object(
        names.iter().zip(values).map(|(n, v)| (n.to_string(), serde_json::json!(v))).collect(),
    )
}

/// The run's settings, for the record.
fn config_json(cfg: &Config) -> serde_json::Value {
    // An f32 as the decimal it prints as (0.001, not 0.0010000000474974513).
    let f = |x: f32| serde_json::json!(x.to_string().parse::<f64>().unwrap_or(f64::NAN));
    serde_json::json!({
        "seed": cfg.seed,
        "variant": variant_name(cfg.variant),
        "epochs": cfg.epochs,
        "lr": f(cfg.lr),
        "batch_size": 64,
        "optimiser": "Adam",
        "probe": {"steps": cfg.probe.steps, "lr": f(cfg.probe.lr), "weight_decay": f(cfg.probe.weight_decay)},
    })
}

/// Fail unless `got` equals `saved` bit for bit, naming each number.
fn same_scores(what: &str, names: &[&str], got: &[f64], saved: &[f64]) -> anyhow::Result<Vec<String>> {
    let lines: Vec<String> = names
        .iter()
        .zip(got.iter().zip(saved))
        .map(|(n, (g, s))| {
            format!("  {n}: {g} (saved {s}){}", if g.to_bits() == s.to_bits() { "" } else { "  DIFFERS" })
        })
        .collect();
    anyhow::ensure!(
        got.iter().zip(saved).all(|(g, s)| g.to_bits() == s.to_bits()),
        "{what} does not score what it scored when saved:\n{}",
        lines.join("\n")
    );
    Ok(lines)
}

/// A bimodal autoencoder of `arch`'s sizes.
fn bimodal_of(arch: &BimodalArchitecture) -> Bimodal {
    let cfg = Config { hidden: arch.hidden, code: arch.code, ..Config::default() };
    Bimodal::new(arch.audio, &cfg, &mut seeded_rng(0))
}

/// A unimodal autoencoder of `arch`'s sizes.
fn autoencoder_of(arch: &AutoencoderArchitecture) -> Autoencoder {
    let mut rng = seeded_rng(0);
    Autoencoder {
        encoder: Linear::xavier(arch.input, arch.code, &mut rng),
        decoder: Linear::xavier(arch.code, arch.input, &mut rng),
    }
}

/// The names of the probes in `DIR/probes.safetensors`.
fn probe_names() -> Vec<String> {
    let mut names: Vec<String> =
        ["both", "image_only", "audio_only"].iter().map(|p| format!("bimodal.{p}")).collect();
    names.extend(MODALITIES.iter().map(|m| format!("autoencoder_{}", m.name())));
    names
}

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
    let mut probes = ProbeSet::new(&names, cfg.code);
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
        let mut probe = ProbeSet::new(&["probe".to_string()], cfg.code);
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

/// The unimodal autoencoder's scores, in the order `same_scores` reads them.
const AE_SCORES: [&str; 2] = ["test_mse", "probe"];

/// A checkpoint's metadata entry `key` parsed from JSON.
fn parse<T: serde::de::DeserializeOwned>(
    path: &Path,
    meta: &HashMap<String, String>,
    key: &str,
) -> anyhow::Result<T> {
    let text = kit::checkpoint::field(path, meta, key)?;
    serde_json::from_str(text)
        .with_context(|| format!("{}: its {key:?} is not what --save writes", path.display()))
}

/// A checkpoint's "architecture", which must be of `kind`: a file of another model
/// (another `kind`) is named as such.
fn architecture<T: serde::de::DeserializeOwned>(
    path: &Path,
    meta: &HashMap<String, String>,
    kind: &str,
) -> anyhow::Result<T> {
    let arch: serde_json::Value = parse(path, meta, "architecture")?;
    let got = arch.get("kind").and_then(|k| k.as_str()).unwrap_or("none");
    anyhow::ensure!(
        got == kind,
        "{} holds a model of kind {got:?}, not {kind:?}: was it overwritten by another checkpoint?",
        path.display()
    );
    serde_json::from_value(arch)
        .with_context(|| format!("{}: its \"architecture\" is not what --save writes", path.display()))
}

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
    let mut probes = ProbeSet::new(&probe_names(), arch.code);
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

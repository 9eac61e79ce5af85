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

use std::path::Path;

use autograd::seeded_rng;
use kit::checkpoint::{Plain, ProbeSet, Recheck, copy_linear as copy, plain};
use models::data::{Av, AvDigits, AvVariant};
use models::{Linear, Model, Probe};
use serde::{Deserialize, Serialize};

use crate::Config;
use crate::bimodal::{Bimodal, Probes};
use crate::unimodal::{Autoencoder, Modality};

mod loading;
mod saving;

pub(crate) use loading::load_and_check;
pub(crate) use saving::save;

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
    let mut recheck = Recheck::default();
    for (n, (g, s)) in names.iter().zip(got.iter().zip(saved)) {
        recheck.number(&format!("  {n}"), *g, *s);
    }
    anyhow::ensure!(
        recheck.same,
        "{what} does not score what it scored when saved:\n{}",
        recheck.lines.join("\n")
    );
    Ok(recheck.lines)
}

/// Probes named `names` reading codes of `width` numbers (initial weights arbitrary).
fn probe_set(names: &[String], width: usize) -> ProbeSet {
    let shapes: Vec<(&str, usize)> = names.iter().map(|n| (n.as_str(), width)).collect();
    ProbeSet::untrained(&shapes, CLASSES)
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

/// The unimodal autoencoder's scores, in the order `same_scores` reads them.
const AE_SCORES: [&str; 2] = ["test_mse", "probe"];

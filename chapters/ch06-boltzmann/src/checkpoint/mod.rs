//! `--save DIR` and `--load DIR`: the first seed's multimodal models of the AV digits,
//! the deep belief net as `DIR/dbn.safetensors` and the deep Boltzmann machine composed
//! from it and trained jointly as `DIR/dbm.safetensors`, with the linear probes the run
//! read their layers with as `DIR/probes.safetensors`.
//!
//! PyTorch has no module for a Boltzmann machine, so the names are those a PyTorch
//! reimplementation would register as `nn.Parameter`s: the DBN's five RBMs as
//! `rbms_image.0`, `rbms_image.1`, `rbms_audio.0`, `rbms_audio.1` and `rbm_joint`, each
//! with `weight` ((hidden, visible), `nn.Linear`'s layout), `visible_bias` and
//! `hidden_bias` (`Rbm::state_dict`); the DBM's `biases.{layer}` and
//! `weights.{lower}_to_{upper}` (`Dbm::state_dict`). Every file's metadata holds the
//! architecture (with the energy the parameters belong to and how the chapter reads
//! the layers), the preprocessing (the files, the pixel and spectrogram scaling, each
//! feature's training mean and standard deviation) and the numbers the run reported.
//!
//! The run trains its models on worker threads, where their tensors stay: the first
//! seed's come back as plain data, are rebuilt here on the main thread, and must
//! reproduce every probe accuracy, the DBM's mean-field convergence and its lower
//! bound (with the log Z AIS gave then) before anything is written. `--load DIR`
//! rebuilds them from the metadata, reads the AV digits in `--data`, and fails unless
//! it reproduces the same numbers bit for bit.

use std::path::Path;

use autograd::{Tensor, seeded_rng};
use kit::checkpoint::{Plain, ProbeSet, Recheck, copy_linear as copy, differs, plain, same_bits};
use models::data::{Av, AvDigits, AvVariant};
use models::dbm::{Dbm, MeanFieldConfig, Units};
use models::rbm::Rbm;
use models::{Model, Probe};
use serde::{Deserialize, Serialize};

use crate::dbm_runs::{self, AV_NAMES, Convergence, EDGES};
use crate::multimodal::{
    AUDIO_LAYERS, BOUND_PAIRS, IMAGE_LAYERS, JOINT, JOINT_NO_AUDIO, JOINT_NO_IMAGE, LayerRow, Pathway,
    bound_pairs, dbn_layers,
};

mod loading;
mod saving;

pub(crate) use loading::load_and_check;
pub(crate) use saving::save;

/// The DBN's file inside `--save DIR`.
pub const DBN: &str = "dbn.safetensors";
/// The DBM's file.
pub const DBM: &str = "dbm.safetensors";
/// The linear probes' file.
pub const PROBES: &str = "probes.safetensors";
/// The DBN's RBMs, under these prefixes: image pathway, audio pathway, joint.
const RBMS: [&str; 5] = ["rbms_image.0", "rbms_image.1", "rbms_audio.0", "rbms_audio.1", "rbm_joint"];
/// Classes every probe tells apart (the digits 0 to 9).
const CLASSES: usize = 10;

/// A layer's name as a key: "joint (both present)" -> "joint_both_present".
fn slug(name: &str) -> String {
    let words: Vec<&str> =
        name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.join("_").to_lowercase()
}

/// The DBN's `state_dict`: each RBM's under its prefix.
fn dbn_state(rbms: [&Rbm; 5]) -> Vec<(String, Tensor)> {
    RBMS.iter()
        .zip(rbms)
        .flat_map(|(prefix, rbm)| {
            rbm.state_dict().into_iter().map(move |(n, t)| (format!("{prefix}.{n}"), t))
        })
        .collect()
}

/// The first seed's models of the AV digits and the probes the run read them with, as
/// plain data.
pub(crate) struct KeptAv {
    dbn: Plain,
    dbm: Plain,
    probes: Plain,
}

impl KeptAv {
    /// From the trained pathways (image, audio), the joint RBM, the DBM, the layers'
    /// names in the page's order and the probes of the DBN's and the DBM's layers.
    pub(crate) fn new(
        [image, audio]: [&Pathway; 2],
        joint: &Rbm,
        dbm: &Dbm,
        names: &[String],
        dbn_probes: &[Probe],
        dbm_probes: &[Probe],
    ) -> KeptAv {
        let mut probes = ProbeSet(Vec::new());
        for (model, fitted) in [("dbn", dbn_probes), ("dbm", dbm_probes)] {
            for (name, p) in names.iter().zip(fitted) {
                probes.0.push((format!("{model}.{}", slug(name)), copy(&p.linear)));
            }
        }
        KeptAv {
            dbn: plain(dbn_state([&image.first, &image.second, &audio.first, &audio.second, joint])),
            dbm: plain(dbm.state_dict()),
            probes: plain(probes.state_dict()),
        }
    }
}

/// Probes `(name, width)` over the digits (initial weights arbitrary).
fn probe_set(shapes: &[(String, usize)]) -> ProbeSet {
    ProbeSet::untrained(shapes, CLASSES)
}

/// The DBN's sizes, the energy of its RBMs and how the chapter reads its layers.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct DbnArchitecture {
    kind: String,
    /// Image input, h1, h2.
    image: [usize; 3],
    /// Audio input, h1, h2.
    audio: [usize; 3],
    /// The joint layer (its RBM's visible units: image h2, then audio h2).
    joint: usize,
    /// The inputs are Gaussian units of unit variance.
    gaussian_inputs: bool,
    /// Mean-field iterations of the joint layer when a modality is missing.
    mean_field_steps: usize,
    energy: String,
    read: String,
}

impl DbnArchitecture {
    fn of(image: usize, audio: usize, widths: [usize; 5], mean_field_steps: usize) -> DbnArchitecture {
        let [i1, i2, a1, a2, j] = widths;
        DbnArchitecture {
            kind: "multimodal_dbn".into(),
            image: [image, i1, i2],
            audio: [audio, a1, a2],
            joint: j,
            gaussian_inputs: true,
            mean_field_steps,
            energy: "each RBM: E(v, h) = -v W h - a.v - b.h with W = weight.T, a = visible_bias, b = hidden_bias; \
                     rbms_image.0 and rbms_audio.0 have Gaussian visible units of unit variance, E = \
                     sum((v - a)^2) / 2 - v W h - b.h"
                .into(),
            read: "h1 = sigmoid(F.linear(v, rbms_x.0.weight, rbms_x.0.hidden_bias)), h2 the same of h1 with \
                   rbms_x.1; joint (both present) = sigmoid(F.linear(cat([image h2, audio h2], 1), \
                   rbm_joint.weight, rbm_joint.hidden_bias)); with one modality missing, its h2 starts at 0.5 \
                   and mean_field_steps times: joint = sigmoid(field of [image h2, audio h2]), missing h2 = the \
                   missing part of sigmoid(F.linear(joint, rbm_joint.weight.T, rbm_joint.visible_bias))"
                .into(),
        }
    }
}

/// One layer of the DBM: its name, its units and how many.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct DbmLayer {
    name: String,
    size: usize,
    /// "gaussian" or "binary".
    units: String,
}

/// The DBM's layers and edges, its energy and how the chapter reads it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct DbmArchitecture {
    kind: String,
    layers: Vec<DbmLayer>,
    /// (lower, upper) layer indices; `weights.{lower}_to_{upper}` is (size upper, size lower).
    edges: Vec<(usize, usize)>,
    /// Mean-field when a layer is read: stop when no mean moves by more than this in a sweep ...
    read_tolerance: f32,
    /// ... or after this many sweeps.
    read_max_sweeps: usize,
    energy: String,
    read: String,
}

impl DbmArchitecture {
    fn of(dbm: &Dbm, read: &MeanFieldConfig) -> DbmArchitecture {
        DbmArchitecture {
            kind: "multimodal_dbm".into(),
            layers: dbm
                .layers
                .iter()
                .map(|l| DbmLayer {
                    name: l.name.clone(),
                    size: l.size(),
                    units: if l.units == Units::Gaussian { "gaussian" } else { "binary" }.into(),
                })
                .collect(),
            edges: dbm.edges.iter().map(|e| (e.a, e.b)).collect(),
            read_tolerance: read.tolerance,
            read_max_sweeps: read.max_sweeps,
            energy: "E(x) = sum over Gaussian layers l of |x_l|^2 / 2 - sum_l biases[l].x_l - sum over edges (a, b) of \
                     x_a weights[a_to_b].T x_b"
                .into(),
            read: "mean-field (models::dbm::Dbm::mean_field) with the present inputs clamped, every free layer's \
                   means updated in turn (one side of the bipartite split, then the other) until no mean moves \
                   by more than read_tolerance, or read_max_sweeps sweeps"
                .into(),
        }
    }

    /// A DBM of these layers and edges, if they are this chapter's multimodal DBM's.
    fn build(&self, path: &Path, av: &Av) -> anyhow::Result<Dbm> {
        let names: Vec<&str> = self.layers.iter().map(|l| l.name.as_str()).collect();
        anyhow::ensure!(
            names == AV_NAMES && self.edges == EDGES,
            "{}: layers {names:?} joined by {:?} are not this chapter's multimodal DBM ({AV_NAMES:?} joined by \
             {EDGES:?})",
            path.display(),
            self.edges
        );
        let inputs = [(0, AvDigits::IMAGE), (6, av.audio_width())];
        for (l, size) in inputs {
            anyhow::ensure!(
                self.layers[l].size == size && self.layers[l].units == "gaussian",
                "{}: layer {:?} has {} {} units; the AV digits give it {size} Gaussian ones",
                path.display(),
                self.layers[l].name,
                self.layers[l].size,
                self.layers[l].units
            );
        }
        let mut layers = Vec::new();
        for l in &self.layers {
            let units = match l.units.as_str() {
                "gaussian" => Units::Gaussian,
                "binary" => Units::Binary,
                other => anyhow::bail!("{}: layer {:?} has units {other:?}", path.display(), l.name),
            };
            anyhow::ensure!(l.size > 0, "{}: layer {:?} has no units", path.display(), l.name);
            layers.push((l.name.as_str(), l.size, units));
        }
        Ok(Dbm::new(&layers, &self.edges, &mut seeded_rng(0)))
    }
}

/// How the AV digits become the models' inputs.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Preprocessing {
    image: String,
    audio: String,
    statistics: String,
    image_mean: Vec<f32>,
    image_std: Vec<f32>,
    audio_mean: Vec<f32>,
    audio_std: Vec<f32>,
    test_pairs: String,
}

impl Preprocessing {
    fn of(av: &Av) -> Preprocessing {
        let (image_file, audio_file) = AvVariant::Noisy.files();
        Preprocessing {
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
}

/// What the models and their probes give on the AV digits: the numbers the run reported.
#[derive(Debug, Clone, PartialEq)]
struct Measured {
    /// Test accuracy of the probe of each DBN layer, in the page's order.
    dbn: Vec<f64>,
    /// The same for the DBM's layers.
    dbm: Vec<f64>,
    /// How mean-field ended when the DBM read the training and test pairs.
    convergence: Convergence,
    /// The DBM's mean lower bound on the bound pairs with the saved log Z.
    bound: Option<f64>,
}

/// The two pathways and the joint RBM.
struct Dbn {
    image: Pathway,
    audio: Pathway,
    joint: Rbm,
}

/// Measure the models as the run did, on the AV digits in `av`.
fn measure(
    dbn: &Dbn,
    dbm: &Dbm,
    probes: &ProbeSet,
    av: &Av,
    mean_field_steps: usize,
    read: &MeanFieldConfig,
    log_z: Option<f64>,
) -> Measured {
    let test = &av.raw.test;
    let labels = av.labels(test);
    let accuracy = |model: &str, name: &str, t: &Tensor| {
        probes.probe(&format!("{model}.{}", slug(name))).accuracy(&t.to_vec(), &labels)
    };
    let on_dbn = dbn_layers(&dbn.image, &dbn.audio, &dbn.joint, av, test, mean_field_steps);
    let dbn_acc = on_dbn.iter().map(|(name, t)| accuracy("dbn", name, t)).collect();
    let read_rows = |rows: &[usize]| dbm_runs::represent(dbm, &av.images(rows), &av.audios(rows), read);
    let (on_train, on_test) = (read_rows(&av.raw.train), read_rows(test));
    let dbm_acc = on_dbn.iter().zip(&on_test.layers).map(|((name, _), t)| accuracy("dbm", name, t)).collect();
    let bound = log_z.map(|log_z| {
        let (left, right) = bound_pairs(av);
        dbm_runs::mean_bound_given_log_z(dbm, &left, &right, read, log_z)
    });
    Measured {
        dbn: dbn_acc,
        dbm: dbm_acc,
        convergence: on_train.convergence.merge(on_test.convergence),
        bound,
    }
}

/// The layers the probes read, in the order `dbn_layers` and `represent` give them.
fn layer_names() -> Vec<String> {
    let [image_input, image_h1, image_h2] = IMAGE_LAYERS;
    let [audio_input, audio_h1, audio_h2] = AUDIO_LAYERS;
    [image_input, image_h1, image_h2, JOINT, JOINT_NO_AUDIO, JOINT_NO_IMAGE, audio_h2, audio_h1, audio_input]
        .map(String::from)
        .to_vec()
}

/// The probes' names and widths: every layer of the DBN and of the DBM.
fn probe_shapes(rows: &[LayerRow]) -> Vec<(String, usize)> {
    ["dbn", "dbm"]
        .iter()
        .flat_map(|m| rows.iter().map(move |r| (format!("{m}.{}", slug(&r.layer)), r.width)))
        .collect()
}

/// The DBN of `arch` with the RBMs in `state`, strictly: every RBM's entries under its
/// prefix, and nothing else.
fn dbn_of(path: &Path, arch: &DbnArchitecture, state: &[(String, Tensor)]) -> anyhow::Result<Dbn> {
    let mut rng = seeded_rng(0);
    let ([i0, i1, i2], [a0, a1, a2]) = (arch.image, arch.audio);
    let sizes = [(i0, i1), (i1, i2), (a0, a1), (a1, a2), (i2 + a2, arch.joint)];
    let mut rbms: Vec<Rbm> = sizes.iter().map(|&(v, h)| Rbm::new(v, h, &mut rng)).collect();
    rbms[0].gaussian = arch.gaussian_inputs;
    rbms[2].gaussian = arch.gaussian_inputs;
    if let Some((extra, _)) =
        state.iter().find(|(n, _)| !RBMS.iter().any(|p| n.starts_with(&format!("{p}."))))
    {
        anyhow::bail!("{}: entry {extra:?} belongs to none of the DBN's RBMs {RBMS:?}", path.display());
    }
    for (prefix, rbm) in RBMS.iter().zip(rbms.iter_mut()) {
        let part: Vec<(String, Tensor)> = state
            .iter()
            .filter_map(|(n, t)| n.strip_prefix(&format!("{prefix}.")).map(|n| (n.to_string(), t.clone())))
            .collect();
        rbm.load_state_dict(&part)
            .map_err(|e| anyhow::anyhow!("{} does not fit this DBN: {prefix}: {e}", path.display()))?;
    }
    let mut rbms = rbms.into_iter();
    let mut next = || rbms.next().expect("five RBMs");
    let image = Pathway { first: next(), second: next() };
    let audio = Pathway { first: next(), second: next() };
    Ok(Dbn { image, audio, joint: next() })
}

/// Lines comparing what the models give now with what they gave when saved, and
/// whether everything is equal bit for bit.
fn compare(names: &[String], got: &Measured, saved: &Measured) -> (Vec<String>, bool) {
    let mut recheck =
        Recheck { same: got.dbn.len() == names.len() && got.dbm.len() == names.len(), ..Recheck::default() };
    for (model, g, s) in [("DBN", &got.dbn, &saved.dbn), ("DBM", &got.dbm, &saved.dbm)] {
        recheck.line(format!("  {model}: test accuracy of the probe on each layer"), true);
        for ((name, g), s) in names.iter().zip(g).zip(s) {
            recheck.number(&format!("    {name}"), *g, *s);
        }
    }
    let c = got.convergence == saved.convergence;
    let also = if c { " (saved: the same)" } else { "  DIFFERS" };
    recheck.line(format!("  DBM mean-field on the training and test pairs: {:?}{also}", got.convergence), c);
    if !c {
        recheck.line(format!("    saved: {:?}", saved.convergence), true);
    }
    if let (Some(g), Some(s)) = (got.bound, saved.bound) {
        let ok = same_bits(g, s);
        recheck.line(
            format!(
                "  DBM lower bound on log p(image, audio), mean over the first {BOUND_PAIRS} training pairs: {g} nats \
                 (saved {s}){}",
                differs(ok)
            ),
            ok,
        );
    }
    (recheck.lines, recheck.same)
}

//! A multimodal deep belief network in the style of Srivastava & Salakhutdinov (2012)
//! on the audio-visual digits: an image pathway and an audio pathway of two RBM layers
//! each (a Gaussian RBM on the standardised inputs, then a binary one), and a joint RBM
//! over both pathways' top layers, pretrained greedily, one layer at a time, each on
//! binary states sampled from the layer below. A missing modality's top layer is
//! filled in by mean-field through the joint layer.

use autograd::{Rng, Tensor, no_grad, seeded_rng};
use models::data::{Av, AvDigits, Pairing, shuffled_batches};
use models::rbm::{Cd, CdConfig, Rbm, sample};
use models::{Probe, ProbeConfig};
use serde::{Deserialize, Serialize};

use crate::{Config, dbm_runs};

/// One layer's representation, read by a linear probe.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct LayerRow {
    /// The layer, as the page names it.
    pub layer: String,
    /// Its number of units.
    pub width: usize,
    /// Test accuracy of softmax regression on it (same regularisation for every layer).
    pub accuracy: f64,
}

/// One seed's model, probed layer by layer.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct AvSeed {
    /// The seed of the model's initialisation, sampling and probes (the split is fixed).
    pub seed: u64,
    /// Every layer, input to joint, in the paper's order.
    pub layers: Vec<LayerRow>,
    /// The same layers of the DBM composed from this DBN and trained jointly.
    #[serde(default)]
    pub dbm_layers: Vec<LayerRow>,
    /// How mean-field ended when the DBM's layers were read (train and test pairs).
    #[serde(default)]
    pub convergence: crate::dbm_runs::Convergence,
    /// The DBM's lower bound on log p(image, audio) of training pairs over its
    /// training (first seed only).
    #[serde(default)]
    pub bound: crate::dbm_runs::BoundTrace,
}

/// What the multimodal model gave, over several seeds.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct MultimodalReport {
    /// Layer widths: image h1, h2; audio h1, h2; joint.
    pub widths: [usize; 5],
    /// Each seed's model.
    pub seeds: Vec<AvSeed>,
}

impl MultimodalReport {
    /// The accuracy of the layer named `layer` on each seed (empty when there is none).
    pub fn accuracies(&self, layer: &str) -> Vec<f64> {
        self.seeds
            .iter()
            .filter_map(|s| s.layers.iter().find(|l| l.layer == layer).map(|l| l.accuracy))
            .collect()
    }

    /// The DBM's accuracy of the layer named `layer` on each seed.
    pub fn dbm_accuracies(&self, layer: &str) -> Vec<f64> {
        self.seeds
            .iter()
            .filter_map(|s| s.dbm_layers.iter().find(|l| l.layer == layer).map(|l| l.accuracy))
            .collect()
    }

    /// The mean accuracy over seeds of the layer named `layer`.
    pub fn accuracy(&self, layer: &str) -> Option<f64> {
        let v = self.accuracies(layer);
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    }

    /// The layers' names and widths, in the paper's order.
    pub fn layers(&self) -> Vec<(String, usize)> {
        self.seeds.first().map_or(vec![], |s| s.layers.iter().map(|l| (l.layer.clone(), l.width)).collect())
    }
}

/// Names of the layers, as the claims and the page use them.
pub const JOINT: &str = "joint (both present)";
/// The joint layer with the audio missing.
pub const JOINT_NO_AUDIO: &str = "joint (audio missing)";
/// The joint layer with the image missing.
pub const JOINT_NO_IMAGE: &str = "joint (image missing)";
/// The unimodal layers, per modality: input, h1, h2.
pub const IMAGE_LAYERS: [&str; 3] = ["image input", "image h1", "image h2"];
/// The audio pathway's layers.
pub const AUDIO_LAYERS: [&str; 3] = ["audio input", "audio h1", "audio h2"];

/// CD-1 on rows drawn by `batch` (each call returns one minibatch of visible states).
pub(crate) fn train_layer(
    rbm: &mut Rbm,
    examples: usize,
    epochs: usize,
    lr: f32,
    rng: &mut Rng,
    mut batch: impl FnMut(&[usize], &mut Rng) -> Tensor,
) {
    let config = CdConfig { k: 1, lr, momentum: 0.9, weight_decay: 1e-4 };
    let mut cd = Cd::new(config, rbm);
    for _ in 0..epochs {
        for rows in shuffled_batches(examples, 64, rng) {
            let v = batch(&rows, rng);
            cd.step(rbm, &v, lr, rng);
        }
    }
}

/// How one pathway is trained: its input units, widths, epochs and learning rates.
pub(crate) struct PathwayPlan {
    /// Gaussian input units (standardised real values) rather than binary ones.
    pub gaussian: bool,
    /// Widths of h1 and h2.
    pub widths: (usize, usize),
    /// Epochs of each layer.
    pub epochs: usize,
    /// Learning rates of the first and second layer.
    pub lrs: (f32, f32),
}

/// A two-layer pathway: an RBM on the inputs, a binary RBM on its hidden states.
pub(crate) struct Pathway {
    pub first: Rbm,
    pub second: Rbm,
}

/// Binary inputs start with visible biases at the log-odds of their rates in `rows`
/// (Hinton's practical guide): sparse words would otherwise be a long way from where
/// they belong.
fn start_at_base_rates(rbm: &mut Rbm, rows: &Tensor) {
    let rates = rows.mean(0, false).to_vec();
    let odds = rates.iter().map(|&p| (p.clamp(1e-3, 1.0 - 1e-3) / (1.0 - p.clamp(1e-3, 1.0 - 1e-3))).ln());
    rbm.visible_bias = Tensor::from_vec(odds.collect(), &[rbm.visible()]);
}

impl Pathway {
    // The signature on three lines, so that the book's listing fits the page.
    #[rustfmt::skip]
    // ANCHOR: pathway
    /// Train on `table` (n, width) rows `train`, greedily: the first RBM on the
    /// inputs, then the second on binary states sampled from the first's hidden units.
    pub fn train(
        table: &[f32], width: usize, train: &[usize],
        plan: &PathwayPlan, rng: &mut Rng,
    ) -> Pathway {
        let (w1, w2) = plan.widths;
        let rows = |r: &[usize]| models::data::gather_rows(table, width, r);
        let mut first = Rbm::new(width, w1, rng);
        first.gaussian = plan.gaussian;
        if !plan.gaussian {
            start_at_base_rates(&mut first, &rows(train));
        }
        train_layer(&mut first, train.len(), plan.epochs, plan.lrs.0, rng, |b, _| {
            rows(&b.iter().map(|&i| train[i]).collect::<Vec<_>>())
        });
        let probs = first.hidden_probs(&rows(train)).to_vec();
        let mut second = Rbm::new(w1, w2, rng);
        train_layer(&mut second, train.len(), plan.epochs, plan.lrs.1, rng, |b, rng| {
            sample(&models::data::gather_rows(&probs, w1, b), rng)
        });
        Pathway { first, second }
    }
    // ANCHOR_END: pathway

    /// (h1, h2) probabilities of the rows of `v`.
    pub fn up(&self, v: &Tensor) -> (Tensor, Tensor) {
        let h1 = self.first.hidden_probs(v);
        let h2 = self.second.hidden_probs(&h1);
        (h1, h2)
    }
}

// The signature on three lines, so that the book's listing fits the page.
#[rustfmt::skip]
// ANCHOR: fill_in
/// The joint layer's probabilities when only one pathway's top layer `known` is
/// observed: start the missing one at ½ and alternate mean-field updates,
///   joint ← σ(b + [known, missing] W),  missing ← σ(a_missing + joint W_missingᵀ).
/// Returns (joint, missing).
pub fn joint_with_missing(
    joint: &Rbm, known: &Tensor, known_first: bool, iterations: usize,
) -> (Tensor, Tensor) {
    let (n, k) = (known.shape()[0], known.shape()[1]);
    let m = joint.visible() - k;
    let mut missing = Tensor::full(&[n, m], 0.5);
    let mut top = Tensor::zeros(&[n, joint.hidden()]);
    for _ in 0..iterations {
        let visible = if known_first {
            Tensor::concat(&[known.clone(), missing], 1)
        } else {
            Tensor::concat(&[missing, known.clone()], 1)
        };
        top = joint.hidden_probs(&visible);
        let down = joint.visible_probs(&top); // σ(a + top Wᵀ) for every visible unit
        missing = no_grad(|| down.narrow(1, if known_first { k } else { 0 }, m));
    }
    (top, missing)
}
// ANCHOR_END: fill_in

/// Training pairs the DBM's lower bound is measured on (the first of the split).
pub const BOUND_PAIRS: usize = 500;

/// Every layer's representation of the pairs `rows` in the DBN, in the page's order:
/// image input, h1, h2, the joint layer (both present; the audio missing; the image
/// missing, each filled in by `mean_field_steps` of [`joint_with_missing`]), audio h2,
/// h1, input.
pub(crate) fn dbn_layers(
    image: &Pathway,
    audio: &Pathway,
    joint: &Rbm,
    av: &Av,
    rows: &[usize],
    mean_field_steps: usize,
) -> Vec<(String, Tensor)> {
    let (iv, av_) = (av.images(rows), av.audios(rows));
    let ((ih1, ih2), (ah1, ah2)) = (image.up(&iv), audio.up(&av_));
    let both = joint.hidden_probs(&Tensor::concat(&[ih2.clone(), ah2.clone()], 1));
    let no_audio = joint_with_missing(joint, &ih2, true, mean_field_steps).0;
    let no_image = joint_with_missing(joint, &ah2, false, mean_field_steps).0;
    vec![
        (IMAGE_LAYERS[0].into(), iv),
        (IMAGE_LAYERS[1].into(), ih1),
        (IMAGE_LAYERS[2].into(), ih2),
        (JOINT.into(), both),
        (JOINT_NO_AUDIO.into(), no_audio),
        (JOINT_NO_IMAGE.into(), no_image),
        (AUDIO_LAYERS[2].into(), ah2),
        (AUDIO_LAYERS[1].into(), ah1),
        (AUDIO_LAYERS[0].into(), av_),
    ]
}

/// Pretrain the whole model with seed `seed`, then probe every layer. The first seed's
/// models (`seed == cfg.seed`) and probes also come back as plain data (their tensors
/// cannot leave this thread), for `--save`.
pub(crate) fn run(
    av: &Av,
    cfg: &Config,
    seed: u64,
) -> anyhow::Result<(AvSeed, Option<crate::checkpoint::KeptAv>)> {
    let mut rng = seeded_rng(seed ^ 0xdb);
    let (train, test) = (&av.raw.train, &av.raw.test);
    let [i1, i2, a1, a2, j] = cfg.dbn_widths;
    let plan = |widths| PathwayPlan {
        gaussian: true,
        widths,
        epochs: cfg.dbn_epochs,
        lrs: (cfg.gaussian_lr, cfg.binary_lr),
    };
    let image = Pathway::train(&av.image, AvDigits::IMAGE, train, &plan((i1, i2)), &mut rng);
    let audio = Pathway::train(&av.audio, av.audio_width(), train, &plan((a1, a2)), &mut rng);
    // The joint layer sees an image's top layer beside a same-digit utterance's
    // (a fresh partner every batch: the pairs share only the digit).
    let (image_top, audio_top) =
        (image.up(&av.images(train)).1.to_vec(), audio.up(&av.audios(train)).1.to_vec());
    let position: std::collections::HashMap<usize, usize> =
        train.iter().enumerate().map(|(k, &p)| (p, k)).collect();
    let mut joint = Rbm::new(i2 + a2, j, &mut rng);
    train_layer(&mut joint, train.len(), cfg.dbn_epochs, cfg.binary_lr, &mut rng, |b, rng| {
        let rows: Vec<usize> = b.iter().map(|&k| train[k]).collect();
        let partners = av.partners(&rows, Pairing::Fresh, rng);
        let mut v = Vec::with_capacity(rows.len() * (i2 + a2));
        for (&r, &p) in rows.iter().zip(&partners) {
            v.extend_from_slice(&image_top[position[&r] * i2..][..i2]);
            v.extend_from_slice(&audio_top[position[&p] * a2..][..a2]);
        }
        sample(&Tensor::from_vec(v, &[rows.len(), i2 + a2]), rng)
    });
    // Every layer's representation of the training and test pairs.
    let layers = |rows: &[usize]| dbn_layers(&image, &audio, &joint, av, rows, cfg.mean_field_steps);
    let (train_labels, test_labels) = (av.labels(train), av.labels(test));
    let probe = ProbeConfig::default();
    let mut rows = Vec::new();
    let mut dbn_probes = Vec::new();
    let names: Vec<String> = layers(&train[..1]).into_iter().map(|(n, _)| n).collect();
    for ((name, tr), (_, te)) in layers(train).into_iter().zip(layers(test)) {
        let width = tr.shape()[1];
        let fitted = Probe::fit(&tr.to_vec(), width, &train_labels, 10, &probe, &mut rng)
            .map_err(anyhow::Error::msg)?;
        rows.push(LayerRow { layer: name, width, accuracy: fitted.accuracy(&te.to_vec(), &test_labels) });
        dbn_probes.push(fitted);
    }
    // The DBM: composed from this DBN, trained jointly on fresh same-digit pairs.
    let mut dbm = dbm_runs::compose(dbm_runs::AV_NAMES, &image, &audio, &joint, &mut rng);
    let plan = &cfg.dbm;
    let pairs = |rows: &[usize], rng: &mut Rng| {
        let rows: Vec<usize> = rows.iter().map(|&k| train[k]).collect();
        let partners = av.partners(&rows, Pairing::Fresh, rng);
        (av.images(&rows), av.audios(&partners))
    };
    let (bound_left, bound_right) = bound_pairs(av);
    let mut bound_fn = |dbm: &models::dbm::Dbm, rng: &mut Rng| {
        dbm_runs::mean_bound(dbm, &bound_left, &bound_right, &plan.read_mean_field, rng).unwrap_or((
            f64::NAN,
            f64::NAN,
            f64::NAN,
        ))
    };
    let bound_at: dbm_runs::BoundAt =
        (seed == cfg.seed).then_some((plan.epochs.div_ceil(5).max(1), &mut bound_fn as _));
    let (bound, _) = dbm_runs::train(&mut dbm, train.len(), plan, &mut rng, pairs, bound_at)?;
    let read =
        |rows: &[usize]| dbm_runs::represent(&dbm, &av.images(rows), &av.audios(rows), &plan.read_mean_field);
    let (dbm_train, dbm_test) = (read(train), read(test));
    let convergence = dbm_train.convergence.merge(dbm_test.convergence);
    let mut dbm_layers = Vec::new();
    let mut dbm_probes = Vec::new();
    for ((name, tr), te) in names.iter().zip(dbm_train.layers).zip(dbm_test.layers) {
        let width = tr.shape()[1];
        let fitted = Probe::fit(&tr.to_vec(), width, &train_labels, 10, &probe, &mut rng)
            .map_err(anyhow::Error::msg)?;
        let accuracy = fitted.accuracy(&te.to_vec(), &test_labels);
        dbm_layers.push(LayerRow { layer: name.clone(), width, accuracy });
        dbm_probes.push(fitted);
    }
    let kept = (seed == cfg.seed).then(|| {
        crate::checkpoint::KeptAv::new([&image, &audio], &joint, &dbm, &names, &dbn_probes, &dbm_probes)
    });
    Ok((AvSeed { seed, layers: rows, dbm_layers, convergence, bound }, kept))
}

/// The training pairs the DBM's lower bound is measured on (the first
/// [`BOUND_PAIRS`] of the split, each image with its own utterance): (images, audios).
pub(crate) fn bound_pairs(av: &Av) -> (Tensor, Tensor) {
    let rows: Vec<usize> = av.raw.train.iter().copied().take(BOUND_PAIRS).collect();
    (av.images(&rows), av.audios(&rows))
}

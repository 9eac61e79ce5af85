//! Late fusion: each modality's own classifier, then their probabilities combined,
//! either averaged or weighted per sample by how reliable each modality is for that
//! sample (the image's noise level σ, the utterance's SNR).

use autograd::{Adam, Tensor, no_grad, seeded_rng};
use models::data::Av;
use models::metrics::{accuracy, argmax_rows};
use models::{Linear, Mode, Model, Module, Named, Probe};
use serde::{Deserialize, Serialize};

use crate::Config;
use crate::features::{CLASSES, Inputs, rows};

/// What late fusion measured.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct LateReport {
    /// Test accuracy of the two softmax regressions' probabilities averaged.
    pub averaged: f64,
    /// Test accuracy of the two classifiers' probabilities multiplied (equal weights
    /// in log space: the gate below with w = ½ everywhere).
    pub product: f64,
    /// Test accuracy of the reliability-weighted product.
    pub weighted: f64,
    /// The gate's weight on standardised image noise σ (negative: noisier images count less).
    pub weight_on_sigma: f64,
    /// The gate's weight on standardised audio SNR (negative: cleaner audio takes weight from the image).
    pub weight_on_snr: f64,
    /// The gate's bias.
    pub bias: f64,
    /// Mean image weight on the test pairs.
    pub mean_image_weight: f64,
    /// Test pairs whose predicted digit differs between the weighted and the equal-weight product.
    pub decisions_changed: usize,
    /// Mean top probability of the image's classifier on the test pairs, by thirds of
    /// the image noise σ (cleanest third first).
    pub image_confidence_by_sigma: [f64; 3],
    /// Mean top probability of the audio's classifier on the test pairs, by thirds of
    /// the SNR (cleanest, highest-SNR third first).
    pub audio_confidence_by_snr: [f64; 3],
    /// Per test pair: (σ, SNR in dB, the image's weight), for the figure.
    #[serde(skip, default)]
    pub test_weights: Vec<(f64, f64, f64)>,
}

/// Softmax regression on `inputs`, fitted to `fit` and applied to `apply`: (n, 10) probabilities.
fn probabilities(
    av: &Av,
    inputs: Inputs,
    fit: &[usize],
    apply: &[usize],
    cfg: &Config,
    seed: u64,
) -> anyhow::Result<Vec<f32>> {
    let probe = fit_probe(av, inputs, fit, cfg, seed)?;
    Ok(apply_probe(&probe.linear, av, inputs, apply))
}

/// Softmax regression on `inputs` of the pairs `fit`, from an RNG seeded with `seed`.
fn fit_probe(av: &Av, inputs: Inputs, fit: &[usize], cfg: &Config, seed: u64) -> anyhow::Result<Probe> {
    Probe::fit(
        &rows(av, inputs, fit, fit),
        inputs.width(av),
        &av.labels(fit),
        CLASSES,
        &cfg.probe,
        &mut seeded_rng(seed),
    )
    .map_err(anyhow::Error::msg)
}

/// A fitted softmax regression's (n, 10) probabilities on `inputs` of the pairs `apply`.
fn apply_probe(linear: &Linear, av: &Av, inputs: Inputs, apply: &[usize]) -> Vec<f32> {
    let x = Tensor::from_vec(rows(av, inputs, apply, apply), &[apply.len(), inputs.width(av)]);
    no_grad(|| linear.forward(&x).softmax(1).to_vec())
}

/// Out-of-fold probabilities for the training pairs: each fold's from a model fitted
/// on the other folds, so the gate learns from predictions like those it will see on
/// test pairs (a model's predictions on its own training data are overconfident).
fn out_of_fold(av: &Av, inputs: Inputs, cfg: &Config) -> anyhow::Result<Vec<f32>> {
    let train = &av.raw.train;
    let folds = 5;
    let mut out = vec![0f32; train.len() * 10];
    for f in 0..folds {
        let held: Vec<usize> = (0..train.len()).filter(|i| i % folds == f).collect();
        let fit: Vec<usize> = (0..train.len()).filter(|i| i % folds != f).map(|i| train[i]).collect();
        let apply: Vec<usize> = held.iter().map(|&i| train[i]).collect();
        let p = probabilities(av, inputs, &fit, &apply, cfg, cfg.seed + f as u64)?;
        for (k, &i) in held.iter().enumerate() {
            out[i * 10..][..10].copy_from_slice(&p[k * 10..][..10]);
        }
    }
    Ok(out)
}

/// Per-pair reliability features: standardised σ and SNR (statistics of the training pairs).
fn reliability(av: &Av, rows_: &[usize], train: &[usize]) -> Vec<f32> {
    Reliability::of(av, train).features(av, rows_)
}

/// How σ and SNR are standardised for the gate: their means and standard deviations
/// over the training pairs.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
pub struct Reliability {
    /// Mean image noise σ.
    pub sigma_mean: f32,
    /// Its standard deviation (at least 1e-6).
    pub sigma_std: f32,
    /// Mean SNR in dB.
    pub snr_mean: f32,
    /// Its standard deviation (at least 1e-6).
    pub snr_std: f32,
}

impl Reliability {
    /// The statistics of the pairs `train`.
    pub fn of(av: &Av, train: &[usize]) -> Reliability {
        let stats = |v: &dyn Fn(usize) -> f32| {
            let n = train.len() as f32;
            let mean = train.iter().map(|&p| v(p)).sum::<f32>() / n;
            let var = train.iter().map(|&p| (v(p) - mean).powi(2)).sum::<f32>() / n;
            let std = var.sqrt().max(1e-6);
            // The clean files' SNR is infinite everywhere: no spread to standardise by.
            if mean.is_finite() && std.is_finite() { (mean, std) } else { (0.0, 1.0) }
        };
        let sigma = |p: usize| av.raw.image_sigma[p];
        let snr = |p: usize| av.raw.audio_snr_db[p];
        let ((sigma_mean, sigma_std), (snr_mean, snr_std)) = (stats(&sigma), stats(&snr));
        Reliability { sigma_mean, sigma_std, snr_mean, snr_std }
    }

    /// (σ′, snr′) of each pair of `rows_`, row by row; 0 where a value is not finite
    /// (the clean files' infinite SNR), so the gate reads nothing there.
    pub fn features(&self, av: &Av, rows_: &[usize]) -> Vec<f32> {
        let sigma = |p: usize| av.raw.image_sigma[p];
        let snr = |p: usize| av.raw.audio_snr_db[p];
        let finite = |z: f32| if z.is_finite() { z } else { 0.0 };
        rows_
            .iter()
            .flat_map(|&p| {
                [
                    finite((sigma(p) - self.sigma_mean) / self.sigma_std),
                    finite((snr(p) - self.snr_mean) / self.snr_std),
                ]
            })
            .collect()
    }
}

/// The reliability features the gate reads per pair: σ′ and snr′.
pub const RELIABILITY: usize = 2;

/// The gate before training: a weight per reliability feature (a, b) and a bias (c),
/// all zero, so w = ½ everywhere (the plain product) until it is fitted.
pub fn gate() -> Linear {
    Linear::new(Tensor::zeros(&[RELIABILITY, 1]), Tensor::zeros(&[1]))
}

// ANCHOR: gate
/// The image's weight for each pair, w = sigmoid(a σ + b snr + c), and the fused
/// scores w log p_image + (1 - w) log p_audio (a weighted product of the two
/// classifiers' probabilities; w = ½ multiplies them).
fn fuse(gate: &Linear, features: &Tensor, log_image: &Tensor, log_audio: &Tensor) -> (Tensor, Tensor) {
    let w = gate.forward(features).sigmoid(); // (n, 1)
    let one_minus = w.neg().add_scalar(1.0);
    (w.mul(log_image).add(&one_minus.mul(log_audio)), w)
}
// ANCHOR_END: gate

/// Mean top probability of the (n, 10) `probabilities` in each third of `noise`
/// (lowest noise first).
fn confidence_by_third(probabilities: &[f32], noise: &[f64]) -> [f64; 3] {
    let mut order: Vec<usize> = (0..noise.len()).collect();
    order.sort_by(|&a, &b| noise[a].total_cmp(&noise[b]));
    let n = order.len();
    let top = |i: usize| probabilities[i * 10..][..10].iter().fold(0f32, |m, &v| m.max(v)) as f64;
    let mut out = [0.0; 3];
    for (t, o) in out.iter_mut().enumerate() {
        let part = &order[t * n / 3..(t + 1) * n / 3];
        *o = part.iter().map(|&i| top(i)).sum::<f64>() / part.len().max(1) as f64;
    }
    out
}

/// Fit the gate on out-of-fold training predictions; score both fusions on the test pairs.
pub fn run(av: &Av, cfg: &Config) -> anyhow::Result<LateReport> {
    Ok(train(av, cfg)?.1)
}

/// The late-fusion model: a softmax regression per modality and the gate that weights
/// them per pair. torch: a module with `image = nn.Linear(64, 10)`, `audio =
/// nn.Linear(400, 10)` and `gate = nn.Linear(2, 1)`.
pub struct LateFusion {
    /// Softmax regression on the image.
    pub image: Linear,
    /// Softmax regression on the spectrogram.
    pub audio: Linear,
    /// The gate: (σ′, snr′) -> the logit of the image's weight w.
    pub gate: Linear,
}

/// Each modality's log-probabilities as the fusion reads them: clamped at 1e-12.
fn log(p: &[f32]) -> Vec<f32> {
    p.iter().map(|v| v.max(1e-12).ln()).collect()
}

/// PyTorch's names: `image.weight` (10, 64), `image.bias`, `audio.weight` (10, 400),
/// `audio.bias`, `gate.weight` (1, 2), `gate.bias`. The forward pass takes `[images,
/// audios, reliability (σ′, snr′)]` and gives the fused scores s (n, 10) of `fuse`:
/// each classifier's log-probabilities enter as constants (clamped at 1e-12), so
/// gradients reach the gate only, as when it is fitted; the classifiers are fitted
/// apart (`Probe::fit`).
impl Model for LateFusion {
    fn forward(&self, inputs: &[Tensor], _mode: &mut Mode<'_>) -> Tensor {
        assert_eq!(
            inputs.len(),
            3,
            "LateFusion::forward: takes [images, audios, reliability], got {}",
            inputs.len()
        );
        let log_p = |linear: &Linear, x: &Tensor| {
            let p = no_grad(|| linear.forward(x).softmax(1));
            Tensor::from_vec(log(&p.to_vec()), p.shape())
        };
        fuse(&self.gate, &inputs[2], &log_p(&self.image, &inputs[0]), &log_p(&self.audio, &inputs[1])).0
    }

    fn named_parameters(&self) -> Vec<Named<'_>> {
        let mut named = Vec::new();
        named.extend(Named::linear("image", &self.image));
        named.extend(Named::linear("audio", &self.audio));
        named.extend(Named::linear("gate", &self.gate));
        named
    }

    fn parameters_mut(&mut self) -> Vec<&mut autograd::Parameter> {
        let mut p = Module::parameters_mut(&mut self.image);
        p.extend(Module::parameters_mut(&mut self.audio));
        p.extend(Module::parameters_mut(&mut self.gate));
        p
    }
}

impl LateFusion {
    /// Untrained, for the widths of `av` (to load a checkpoint into).
    pub fn untrained(av: &Av) -> LateFusion {
        let rng = &mut seeded_rng(0);
        LateFusion {
            image: Linear::xavier(Inputs::Image.width(av), CLASSES, rng),
            audio: Linear::xavier(Inputs::Audio.width(av), CLASSES, rng),
            gate: gate(),
        }
    }
}

/// Fit the two classifiers and the gate as the run does: the model and its report.
pub fn train(av: &Av, cfg: &Config) -> anyhow::Result<(LateFusion, LateReport)> {
    let train = &av.raw.train;
    let train_labels = av.labels(train);
    let (oof_image, oof_audio) = (out_of_fold(av, Inputs::Image, cfg)?, out_of_fold(av, Inputs::Audio, cfg)?);
    let n = train.len();
    let features = Tensor::from_vec(reliability(av, train, train), &[n, RELIABILITY]);
    let (li, la) = (Tensor::from_vec(log(&oof_image), &[n, 10]), Tensor::from_vec(log(&oof_audio), &[n, 10]));
    let mut gate = gate();
    let mut adam = Adam::new(0.05);
    for step in 0..cfg.gate_steps {
        let loss = fuse(&gate, &features, &li, &la).0.cross_entropy(&train_labels);
        kit::check_finite(step, loss.item())?;
        let grads = loss.backward();
        drop(loss);
        adam.step(&mut gate.parameters_mut(), &grads);
    }
    let model = LateFusion {
        image: fit_probe(av, Inputs::Image, train, cfg, cfg.seed)?.linear,
        audio: fit_probe(av, Inputs::Audio, train, cfg, cfg.seed)?.linear,
        gate,
    };
    let report = evaluate(&model, av, &Reliability::of(av, train));
    Ok((model, report))
}

/// Score the averaged, multiplied and reliability-weighted fusions of `model` on the
/// test pairs, σ and SNR standardised with `stats`.
pub fn evaluate(model: &LateFusion, av: &Av, stats: &Reliability) -> LateReport {
    let test = &av.raw.test;
    let test_labels = av.labels(test);
    let (test_image, test_audio) = (
        apply_probe(&model.image, av, Inputs::Image, test),
        apply_probe(&model.audio, av, Inputs::Audio, test),
    );
    let m = test.len();
    let averaged =
        Tensor::from_vec(test_image.iter().zip(&test_audio).map(|(a, b)| a + b).collect(), &[m, 10]);
    let (ti, ta) =
        (Tensor::from_vec(log(&test_image), &[m, 10]), Tensor::from_vec(log(&test_audio), &[m, 10]));
    let test_features = Tensor::from_vec(stats.features(av, test), &[m, RELIABILITY]);
    let gate = &model.gate;
    let (weighted, w) = no_grad(|| fuse(gate, &test_features, &ti, &ta));
    let product = ti.add(&ta);
    let w = w.to_vec();
    let g = gate.weight.tensor().to_vec();
    let (by_weighted, by_product) = (argmax_rows(&weighted), argmax_rows(&product));
    let sigma: Vec<f64> = test.iter().map(|&p| av.raw.image_sigma[p] as f64).collect();
    let minus_snr: Vec<f64> = test.iter().map(|&p| -(av.raw.audio_snr_db[p] as f64)).collect();
    LateReport {
        averaged: accuracy(&argmax_rows(&averaged), &test_labels),
        product: accuracy(&by_product, &test_labels),
        weighted: accuracy(&by_weighted, &test_labels),
        decisions_changed: by_weighted.iter().zip(&by_product).filter(|(a, b)| a != b).count(),
        image_confidence_by_sigma: confidence_by_third(&test_image, &sigma),
        audio_confidence_by_snr: confidence_by_third(&test_audio, &minus_snr),
        weight_on_sigma: g[0] as f64,
        weight_on_snr: g[1] as f64,
        bias: gate.bias.tensor().to_vec()[0] as f64,
        mean_image_weight: w.iter().map(|&v| v as f64).sum::<f64>() / m as f64,
        test_weights: test
            .iter()
            .zip(&w)
            .map(|(&p, &wi)| (av.raw.image_sigma[p] as f64, av.raw.audio_snr_db[p] as f64, wi as f64))
            .collect(),
    }
}

//! Late fusion: each modality's own classifier, then their probabilities combined,
//! either averaged or weighted per sample by how reliable each modality is for that
//! sample (the image's noise level σ, the utterance's SNR).

use autograd::{Adam, Tensor, no_grad, seeded_rng};
use models::data::Av;
use models::metrics::{accuracy, argmax_rows};
use models::{Linear, Module, Probe};
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
    let width = inputs.width(av);
    let probe = Probe::fit(
        &rows(av, inputs, fit, fit),
        width,
        &av.labels(fit),
        CLASSES,
        &cfg.probe,
        &mut seeded_rng(seed),
    )
    .map_err(anyhow::Error::msg)?;
    let x = Tensor::from_vec(rows(av, inputs, apply, apply), &[apply.len(), width]);
    Ok(no_grad(|| probe.linear.forward(&x).softmax(1).to_vec()))
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
    let stats = |v: &dyn Fn(usize) -> f32| {
        let n = train.len() as f32;
        let mean = train.iter().map(|&p| v(p)).sum::<f32>() / n;
        let var = train.iter().map(|&p| (v(p) - mean).powi(2)).sum::<f32>() / n;
        (mean, var.sqrt().max(1e-6))
    };
    let sigma = |p: usize| av.raw.image_sigma[p];
    let snr = |p: usize| av.raw.audio_snr_db[p];
    let ((ms, ss), (mn, sn)) = (stats(&sigma), stats(&snr));
    rows_.iter().flat_map(|&p| [(sigma(p) - ms) / ss, (snr(p) - mn) / sn]).collect()
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
    let (train, test) = (&av.raw.train, &av.raw.test);
    let (train_labels, test_labels) = (av.labels(train), av.labels(test));
    let (oof_image, oof_audio) = (out_of_fold(av, Inputs::Image, cfg)?, out_of_fold(av, Inputs::Audio, cfg)?);
    let n = train.len();
    let features = Tensor::from_vec(reliability(av, train, train), &[n, RELIABILITY]);
    let log = |p: &[f32]| p.iter().map(|v| v.max(1e-12).ln()).collect::<Vec<f32>>();
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
    let (test_image, test_audio) = (
        probabilities(av, Inputs::Image, train, test, cfg, cfg.seed)?,
        probabilities(av, Inputs::Audio, train, test, cfg, cfg.seed)?,
    );
    let m = test.len();
    let averaged =
        Tensor::from_vec(test_image.iter().zip(&test_audio).map(|(a, b)| a + b).collect(), &[m, 10]);
    let (ti, ta) =
        (Tensor::from_vec(log(&test_image), &[m, 10]), Tensor::from_vec(log(&test_audio), &[m, 10]));
    let test_features = Tensor::from_vec(reliability(av, test, train), &[m, RELIABILITY]);
    let (weighted, w) = no_grad(|| fuse(&gate, &test_features, &ti, &ta));
    let product = ti.add(&ta);
    let w = w.to_vec();
    let g = gate.weight.tensor().to_vec();
    let (by_weighted, by_product) = (argmax_rows(&weighted), argmax_rows(&product));
    let sigma: Vec<f64> = test.iter().map(|&p| av.raw.image_sigma[p] as f64).collect();
    let minus_snr: Vec<f64> = test.iter().map(|&p| -(av.raw.audio_snr_db[p] as f64)).collect();
    Ok(LateReport {
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
    })
}

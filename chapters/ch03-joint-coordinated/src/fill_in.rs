//! Desideratum 4: fill in a missing modality. Predict an utterance's spectrogram from
//! an image. Since a pair shares only its digit, the best any predictor can do in
//! squared error is the mean spectrogram of the digit the image shows, weighted by
//! how sure it is of that digit: E[audio | image] = Σ_c p(c | image) μ_c.

use autograd::{Adam, Tensor, no_grad, seeded_rng};
use models::data::{AvDigits, shuffled_batches};
use models::metrics::{accuracy, argmax_rows};
use models::{Activation, Mlp, Module};
use serde::{Deserialize, Serialize};

use crate::Config;
use models::data::{Av, Pairing};

/// Mean squared error per spectrogram cell (standardised units) on the test pairs.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct FillInReport {
    /// Predict the training mean spectrogram (all zeros) for every image.
    pub global_mean: f64,
    /// A regression MLP from the image, trained by squared error on fresh partners.
    pub regression: f64,
    /// Σ_c p(c | image) μ_c with an image classifier's probabilities.
    pub posterior_mix: f64,
    /// The mean spectrogram of the true digit (an oracle: it is told the label).
    pub class_mean_oracle: f64,
    /// A random training utterance of the true digit (an oracle too).
    pub random_same_digit: f64,
    /// Test accuracy of the image classifier behind `posterior_mix`.
    pub classifier_accuracy: f64,
    /// Test pairs shown in the figure: (pair, regression prediction), standardised.
    #[serde(skip, default)]
    pub examples: Vec<(usize, Vec<f32>)>,
    /// Each digit's mean training spectrogram, standardised.
    #[serde(skip, default)]
    pub class_means: Vec<Vec<f32>>,
}

fn mse(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| ((x - y) as f64).powi(2)).sum::<f64>() / a.len().max(1) as f64
}

/// Train the regressor and the classifier, then score every predictor.
pub fn fill_in(av: &Av, cfg: &Config, seed: u64) -> anyhow::Result<FillInReport> {
    let mut rng = seeded_rng(seed);
    let aw = av.audio_width();
    let (train, test) = (&av.raw.train, &av.raw.test);
    let mut class_means = vec![vec![0f32; aw]; 10];
    let mut counts = [0usize; 10];
    for &p in train {
        let l = av.raw.labels[p];
        counts[l] += 1;
        class_means[l].iter_mut().zip(&av.audio[p * aw..][..aw]).for_each(|(m, v)| *m += v);
    }
    for (m, &c) in class_means.iter_mut().zip(&counts) {
        m.iter_mut().for_each(|v| *v /= c.max(1) as f32);
    }
    // ANCHOR: regression
    let mut regressor = Mlp::new(&[AvDigits::IMAGE, cfg.hidden, aw], Activation::Relu, &mut rng);
    let mut classifier = Mlp::new(&[AvDigits::IMAGE, cfg.hidden, 10], Activation::Relu, &mut rng);
    let (mut adam_r, mut adam_c) = (Adam::new(cfg.lr), Adam::new(cfg.lr));
    let mut step = 0;
    for _ in 0..cfg.epochs {
        for batch in shuffled_batches(train.len(), cfg.batch_size, &mut rng) {
            let rows: Vec<usize> = batch.iter().map(|&b| train[b]).collect();
            let partners = av.partners(&rows, Pairing::Fresh, &mut rng);
            let x = av.images(&rows);
            let loss = regressor.forward(&x).mse(&av.audios(&partners)); // squared error to a random partner
            kit::check_finite(step, loss.item())?;
            let grads = loss.backward();
            drop(loss);
            adam_r.step(&mut regressor.parameters_mut(), &grads);
            let loss = classifier.forward(&x).cross_entropy(&av.labels(&rows));
            let grads = loss.backward();
            drop(loss);
            adam_c.step(&mut classifier.parameters_mut(), &grads);
            step += 1;
        }
    }
    // ANCHOR_END: regression
    let means = Tensor::from_vec(class_means.concat(), &[10, aw]);
    let (predicted, mixed, probabilities) = no_grad(|| {
        let x = av.images(test);
        let p = classifier.forward(&x).softmax(1); // (n, 10)
        (regressor.forward(&x).to_vec(), p.matmul(&means).to_vec(), p)
    });
    let target = av.audios(test).to_vec();
    let mut oracle = Vec::with_capacity(target.len());
    let mut sampled = Vec::with_capacity(target.len());
    for &p in test {
        oracle.extend_from_slice(&class_means[av.raw.labels[p]]);
    }
    for q in av.partners(test, Pairing::Fresh, &mut rng) {
        sampled.extend_from_slice(&av.audio[q * aw..][..aw]);
    }
    let examples = (0..10)
        .filter_map(|d| test.iter().position(|&p| av.raw.labels[p] == d))
        .map(|i| (test[i], predicted[i * aw..][..aw].to_vec()))
        .collect();
    Ok(FillInReport {
        global_mean: mse(&vec![0.0; target.len()], &target),
        regression: mse(&predicted, &target),
        posterior_mix: mse(&mixed, &target),
        class_mean_oracle: mse(&oracle, &target),
        random_same_digit: mse(&sampled, &target),
        classifier_accuracy: accuracy(&argmax_rows(&probabilities), &av.labels(test)),
        examples,
        class_means,
    })
}

//! Part 2: an MLP trained on the handwritten digits with the engine from part 1.

use anyhow::Context;
use autograd::{Adam, Parameter, Sgd, Tensor, no_grad, seeded_rng};
use models::data::{Digits, gather_rows, load_digits_from, load_split, shuffled_batches};
use models::metrics::{accuracy, argmax_rows, confusion_matrix, macro_f1};
use models::{Activation, Mlp, Module};
use serde::{Deserialize, Serialize};

use crate::Config;

/// The optimiser of the MLP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Optimiser {
    /// Adam with PyTorch's default betas.
    Adam,
    /// SGD with momentum 0.9.
    Sgd,
}

/// One epoch of the learning curve.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct EpochRow {
    /// 1-based epoch.
    pub epoch: usize,
    /// Mean cross-entropy over the epoch's minibatches.
    pub train_loss: f32,
    /// Fraction of training images correct after the epoch.
    pub train_accuracy: f64,
    /// Fraction of test images correct after the epoch.
    pub test_accuracy: f64,
}

/// A test image the trained model gets wrong.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Miss {
    pub image: usize,
    pub label: usize,
    pub predicted: usize,
}

/// Part 2 of the chapter: what training the MLP produced.
#[derive(Serialize, Deserialize, Debug)]
pub struct MlpReport {
    /// The model as `Display` prints it.
    pub architecture: String,
    /// Trainable numbers.
    pub parameters: usize,
    /// The optimiser used.
    pub optimiser: Optimiser,
    /// Its learning rate.
    pub lr: f32,
    /// Images per minibatch.
    pub batch_size: usize,
    /// Training images.
    pub train_size: usize,
    /// Test images.
    pub test_size: usize,
    /// Passes over the training set.
    pub epochs: usize,
    /// One row per epoch.
    pub curve: Vec<EpochRow>,
    /// Fraction of test images classified correctly at the end.
    pub test_accuracy: f64,
    /// Macro-averaged F1 over the ten digits, on the test images.
    pub test_macro_f1: f64,
    /// `confusion[true][predicted]`: counts on the test images.
    pub confusion: Vec<Vec<usize>>,
    /// Every misclassified test image.
    pub misses: Vec<Miss>,
    /// The pixels of the misclassified images, for the figure.
    #[serde(skip, default)]
    pub miss_pixels: Vec<Vec<f32>>,
}

/// Predicted classes for rows `indices` of the digits, without building a graph.
// ANCHOR: evaluate
fn predict(model: &Mlp, digits: &Digits, indices: &[usize]) -> Vec<usize> {
    no_grad(|| {
        let x = gather_rows(&digits.images, Digits::PIXELS, indices);
        argmax_rows(&model.forward(&x))
    })
}
// ANCHOR_END: evaluate

enum Opt {
    Adam(Adam),
    Sgd(Sgd),
}

impl Opt {
    fn step(&mut self, params: &mut [&mut Parameter], grads: &autograd::Gradients) {
        match self {
            Opt::Adam(o) => o.step(params, grads),
            Opt::Sgd(o) => o.step(params, grads),
        }
    }
}

// ANCHOR: train_step
/// One step of minibatch training: forward, loss, backward, update. The NaN guard
/// stops training with the step's number if the loss is no longer a number.
fn train_step(
    model: &mut Mlp,
    opt: &mut Opt,
    x: &Tensor,
    labels: &[usize],
    step: usize,
) -> anyhow::Result<f32> {
    let logits = model.forward(x); // (batch, 10)
    let loss = logits.cross_entropy(labels); // mean -log softmax(logits)[label]
    let value = kit::check_finite(step, loss.item())?;
    let grads = loss.backward(); // d loss / d every parameter
    drop(loss); // free the graph, so the update can write in place
    opt.step(&mut model.parameters_mut(), &grads);
    Ok(value)
}
// ANCHOR_END: train_step

/// Train the MLP; returns it with its report.
pub fn train_mlp(cfg: &Config, progress: bool) -> anyhow::Result<(Mlp, MlpReport)> {
    let digits = load_digits_from(&cfg.data).context("loading the digits")?;
    let split = load_split(&cfg.data.join("pairs.csv"), &digits).context("loading the train/test split")?;
    let mut rng = seeded_rng(cfg.seed);
    let mut widths = vec![Digits::PIXELS];
    widths.extend(&cfg.hidden);
    widths.push(10);
    let mut model = Mlp::new(&widths, Activation::Relu, &mut rng);
    let mut opt = match cfg.optimiser {
        Optimiser::Adam => Opt::Adam(Adam::new(cfg.lr)),
        Optimiser::Sgd => Opt::Sgd(Sgd::new(cfg.lr).with_momentum(0.9)),
    };
    let train_labels: Vec<usize> = split.train.iter().map(|&i| digits.labels[i]).collect();
    let test_labels: Vec<usize> = split.test.iter().map(|&i| digits.labels[i]).collect();
    let bar = kit::progress::bar(cfg.epochs as u64, "ch01 mlp", progress);
    let mut curve = Vec::new();
    let mut step = 0;
    for epoch in 1..=cfg.epochs {
        let mut total = 0.0;
        let batches = shuffled_batches(split.train.len(), cfg.batch_size, &mut rng);
        for batch in &batches {
            let rows: Vec<usize> = batch.iter().map(|&b| split.train[b]).collect();
            let labels: Vec<usize> = rows.iter().map(|&i| digits.labels[i]).collect();
            let x = gather_rows(&digits.images, Digits::PIXELS, &rows);
            total += train_step(&mut model, &mut opt, &x, &labels, step)?;
            step += 1;
        }
        let row = EpochRow {
            epoch,
            train_loss: total / batches.len() as f32,
            train_accuracy: accuracy(&predict(&model, &digits, &split.train), &train_labels),
            test_accuracy: accuracy(&predict(&model, &digits, &split.test), &test_labels),
        };
        bar.set_message(format!("loss {:.3} test acc {:.3}", row.train_loss, row.test_accuracy));
        bar.inc(1);
        curve.push(row);
    }
    bar.finish_and_clear();
    let predicted = predict(&model, &digits, &split.test);
    let misses: Vec<Miss> = split
        .test
        .iter()
        .zip(&predicted)
        .filter(|&(&i, &p)| digits.labels[i] != p)
        .map(|(&i, &p)| Miss { image: i, label: digits.labels[i], predicted: p })
        .collect();
    let report = MlpReport {
        architecture: model.to_string(),
        parameters: model.num_parameters(),
        optimiser: cfg.optimiser,
        lr: cfg.lr,
        batch_size: cfg.batch_size,
        train_size: split.train.len(),
        test_size: split.test.len(),
        epochs: cfg.epochs,
        test_accuracy: accuracy(&predicted, &test_labels),
        test_macro_f1: macro_f1(&predicted, &test_labels, 10),
        confusion: confusion_matrix(&predicted, &test_labels, 10),
        miss_pixels: misses.iter().map(|m| digits.image(m.image).to_vec()).collect(),
        misses,
        curve,
    };
    Ok((model, report))
}

/// Test accuracy of `model` on the shared split of the digits in `data`.
pub fn test_accuracy(model: &Mlp, data: &std::path::Path) -> anyhow::Result<f64> {
    let digits = load_digits_from(data).context("loading the digits")?;
    let split = load_split(&data.join("pairs.csv"), &digits).context("loading the train/test split")?;
    let labels: Vec<usize> = split.test.iter().map(|&i| digits.labels[i]).collect();
    Ok(accuracy(&predict(model, &digits, &split.test), &labels))
}

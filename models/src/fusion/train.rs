//! The training protocol of toy MOSI SPEC section 7: L1 loss, Adam (lr 2e-3, weight
//! decay 1e-4 added to the gradient, as PyTorch does), batches of 32 reshuffled every
//! epoch, dropout 0.1, at most 150 epochs with early stopping on validation MAE
//! (patience 20), and the best validation weights restored at the end.
//!
//! A run never fails silently. It is an error, naming the learning rate and what to
//! try, when
//! - the loss of a step, or the validation MAE after an epoch, is not finite;
//! - the best validation MAE is worse than any predictor could score whose predictions
//!   all lie within the training labels' range (for each utterance, the farther end of
//!   the range): the model predicts far outside anything it was trained on, so its
//!   training diverged. Adam's steps are bounded by the learning rate, so at a learning
//!   rate of 1000 every loss stays finite while the validation MAE climbs into the
//!   hundreds: this is the check that catches it;
//! - no epoch moved the validation MAE by more than `min_delta` from the untrained
//!   model's (its score before the first step, "epoch 0"): training left the model
//!   where it started.
//!
//! The bar is deliberately not "better than the untrained model" or "better than
//! predicting the mean": a model of a weak modality (audio alone, on the quick corpus)
//! ends up no better than either, and that is a measurement, not a failure. On the
//! first step, `autograd::optim::check_parameters` holds the optimiser's list to the
//! variables the loss depends on.

use autograd::optim::check_parameters;
use autograd::{Adam, Parameter, Rng, Tensor, no_grad};

use crate::data::shuffled_batches;
use crate::model::{Mode, Model};
use crate::toymosi::{Modality, Split, ToyMosi};

/// The protocol's settings (SPEC section 7 by default).
#[derive(Clone, Debug)]
pub struct TrainConfig {
    /// Adam's learning rate.
    pub lr: f32,
    /// L2 weight decay added to the gradient.
    pub weight_decay: f32,
    /// Utterances per batch.
    pub batch_size: usize,
    /// At most this many epochs.
    pub max_epochs: usize,
    /// Stop after this many epochs without a validation improvement.
    pub patience: usize,
    /// What counts as an improvement of validation MAE.
    pub min_delta: f64,
    /// Dropout probability.
    pub dropout: f32,
}

/// The seeds row of a toy MOSI chapter's settings table.
pub fn seeds_setting(seed: u64, seeds: usize) -> (String, String) {
    (
        "seeds (each generates a dataset and initialises the models; comparisons are paired by seed)"
            .to_string(),
        format!("{} ({} to {})", seeds, seed, seed + seeds as u64 - 1),
    )
}

/// The toy MOSI protocol's loss, optimiser, batch and dropout, in words, as (setting,
/// value) rows for a page's settings table.
pub fn protocol_settings(t: &TrainConfig) -> Vec<(String, String)> {
    [
        ("loss", "mean absolute error".to_string()),
        ("optimiser", format!("Adam, learning rate {}, weight decay {}", t.lr, t.weight_decay)),
        ("batch size", t.batch_size.to_string()),
        ("dropout", t.dropout.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The settings of the toy MOSI protocol for the models on utterance summaries
/// (chapters 7 to 9): the seeds, the per-modality encoder, [`protocol_settings`] and
/// early stopping.
pub fn summary_settings(t: &TrainConfig, seed: u64, seeds: usize) -> Vec<(String, String)> {
    let mut rows = vec![
        seeds_setting(seed, seeds),
        (
            "each modality's encoder".to_string(),
            format!(
                "input → {} → {}, ReLU, dropout after the ReLU",
                super::ENCODER_HIDDEN,
                super::PROJECTION
            ),
        ),
    ];
    rows.extend(protocol_settings(t));
    rows.push((
        "epochs".to_string(),
        format!(
            "at most {}, stopping after {} without a validation-MAE improvement of {}; the best weights are kept",
            t.max_epochs, t.patience, t.min_delta
        ),
    ));
    rows
}

impl TrainConfig {
    /// An error naming the first setting that cannot train anything (a learning rate
    /// that is not a positive number, no epochs, no patience, empty batches, a dropout
    /// probability outside [0, 1)).
    pub fn check(&self) -> Result<(), String> {
        let bad = |what: &str| Err(format!("bad training settings: {what}"));
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return bad(&format!("the learning rate must be a positive number, got {}", self.lr));
        }
        if self.max_epochs == 0 || self.patience == 0 || self.batch_size == 0 {
            return bad(&format!(
                "max_epochs ({}), patience ({}) and batch_size ({}) must be at least 1",
                self.max_epochs, self.patience, self.batch_size
            ));
        }
        let at_least_0 = |v: f64| (0.0..=f64::MAX).contains(&v);
        if !(0.0..1.0).contains(&self.dropout)
            || !at_least_0(f64::from(self.weight_decay))
            || !at_least_0(self.min_delta)
        {
            return bad(&format!(
                "dropout ({}) must be in [0, 1), weight_decay ({}) and min_delta ({}) at least 0",
                self.dropout, self.weight_decay, self.min_delta
            ));
        }
        Ok(())
    }
}

impl Default for TrainConfig {
    fn default() -> TrainConfig {
        TrainConfig {
            lr: 2e-3,
            weight_decay: 1e-4,
            batch_size: 32,
            max_epochs: 150,
            patience: 20,
            min_delta: 1e-4,
            dropout: 0.1,
        }
    }
}

/// One split's standardised summaries, one (n, d_m) table per modality, and labels.
#[derive(Clone, Debug)]
pub struct Part {
    /// Per modality, n rows of d_m values.
    pub inputs: Vec<Vec<f32>>,
    /// The labels.
    pub labels: Vec<f64>,
    /// Utterance ids, in row order.
    pub ids: Vec<usize>,
}

impl Part {
    /// Rows `rows` of every modality, as tensors.
    pub fn batch(&self, rows: &[usize], widths: &[usize]) -> Vec<Tensor> {
        self.inputs.iter().zip(widths).map(|(t, &w)| crate::data::gather_rows(t, w, rows)).collect()
    }

    /// Each modality's width (its values per row).
    pub fn widths(&self) -> Vec<usize> {
        self.inputs.iter().map(|t| t.len() / self.labels.len().max(1)).collect()
    }
}

/// The summaries of some modalities, z-scored with the training split's mean and
/// standard deviation (std + 1e-6), split three ways.
#[derive(Clone, Debug)]
pub struct Standardised {
    /// Width of each modality.
    pub widths: Vec<usize>,
    /// Per modality, the training split's mean of each column: what a trained model's
    /// new inputs are standardised with (a checkpoint keeps it).
    pub mean: Vec<Vec<f64>>,
    /// Per modality, each column's standard deviation + 1e-6: the divisor.
    pub sd: Vec<Vec<f64>>,
    /// Training utterances.
    pub train: Part,
    /// Validation utterances (early stopping).
    pub valid: Part,
    /// Test utterances.
    pub test: Part,
}

impl Standardised {
    /// Standardise the summaries of `modalities`.
    pub fn new(data: &ToyMosi, modalities: &[Modality]) -> Standardised {
        let widths: Vec<usize> = modalities.iter().map(|m| m.width()).collect();
        let part = |split: Split| -> (Vec<Vec<f32>>, Vec<f64>, Vec<usize>) {
            let ids = data.ids(split);
            let tables = modalities
                .iter()
                .map(|m| ids.iter().flat_map(|&i| m.summary(&data.utterances[i]).to_vec()).collect())
                .collect();
            (tables, ids.iter().map(|&i| data.utterances[i].label).collect(), ids)
        };
        let (train, valid, test) = (part(Split::Train), part(Split::Valid), part(Split::Test));
        let stats: Vec<(Vec<f64>, Vec<f64>)> = train
            .0
            .iter()
            .zip(&widths)
            .map(|(t, &w)| {
                let n = (t.len() / w) as f64;
                let mean: Vec<f64> = (0..w)
                    .map(|c| t.iter().skip(c).step_by(w).map(|&v| f64::from(v)).sum::<f64>() / n)
                    .collect();
                let std = (0..w)
                    .map(|c| {
                        let var = t
                            .iter()
                            .skip(c)
                            .step_by(w)
                            .map(|&v| (f64::from(v) - mean[c]).powi(2))
                            .sum::<f64>()
                            / n;
                        var.sqrt() + 1e-6
                    })
                    .collect();
                (mean, std)
            })
            .collect();
        let apply = |(tables, labels, ids): (Vec<Vec<f32>>, Vec<f64>, Vec<usize>)| -> Part {
            let inputs = tables
                .iter()
                .zip(&stats)
                .zip(&widths)
                .map(|((t, (m, s)), &w)| {
                    t.iter()
                        .enumerate()
                        .map(|(i, &v)| ((f64::from(v) - m[i % w]) / s[i % w]) as f32)
                        .collect()
                })
                .collect();
            Part { inputs, labels, ids }
        };
        let (train, valid, test) = (apply(train), apply(valid), apply(test));
        let (mean, sd) = stats.into_iter().unzip();
        Standardised { widths, mean, sd, train, valid, test }
    }
}

/// How a run ended.
#[derive(Clone, Copy, Debug)]
pub struct Trained {
    /// Epochs run before stopping.
    pub epochs: usize,
    /// The epoch whose weights were kept (1-based).
    pub best_epoch: usize,
    /// Its validation MAE.
    pub best_valid_mae: f64,
}

/// Predictions for every row of `part`, in evaluation mode (no dropout).
pub fn predict(model: &(impl Model + ?Sized), part: &Part) -> Vec<f64> {
    let rows: Vec<usize> = (0..part.labels.len()).collect();
    no_grad(|| model.forward(&part.batch(&rows, &part.widths()), &mut Mode::Eval))
        .data()
        .iter()
        .map(|&v| f64::from(v))
        .collect()
}

/// One step of the protocol: the L1 loss of `prediction` against the labels of `rows`,
/// its backward pass and an Adam update of `params`. An error names the step and the
/// learning rate when the loss is not finite, and, on the first step, any mismatch
/// between `params` and the variables the loss depends on.
// ANCHOR: l1_step
pub fn l1_step(
    prediction: &Tensor,
    labels: &[f64],
    rows: &[usize],
    adam: &mut Adam,
    params: &mut [&mut Parameter],
    step: &mut usize,
) -> Result<(), String> {
    let y: Vec<f32> = rows.iter().map(|&r| labels[r] as f32).collect();
    let target = Tensor::from_vec(y, &[rows.len(), 1]);
    let loss = prediction.sub(&target).abs().mean(0, false).mean(0, false); // L1
    let value = loss.item();
    if !value.is_finite() {
        return Err(diverged(&format!("the L1 loss is {value} at step {step}"), adam.lr));
    }
    if *step == 0 {
        // Every variable the loss depends on is in `params`, and every one in it is used.
        check_parameters(&loss, params.iter().map(|p| &**p))?;
    }
    let grads = loss.backward();
    drop(loss);
    adam.step(params, &grads);
    *step += 1;
    Ok(())
}
// ANCHOR_END: l1_step

/// The protocol's outer loop for any model: `epoch` trains one epoch (counting steps
/// in its second argument) and `valid` scores the model on the validation split, whose
/// labels are `labels.1` (`labels.0`: the training split's); it stops after
/// `max_epochs`, or `patience` epochs without an improvement of `min_delta`, and
/// restores the best weights. An error, naming the learning rate and what to try, when
/// a run diverged or never moved (see the module's doc).
pub fn early_stopping<M: Model>(
    model: &mut M,
    cfg: &TrainConfig,
    labels: (&[f64], &[f64]),
    mut epoch: impl FnMut(&mut M, &mut usize) -> Result<(), String>,
    valid: impl Fn(&M) -> f64,
) -> Result<Trained, String> {
    cfg.check()?;
    let snapshot =
        |m: &mut M| -> Vec<Vec<f32>> { m.parameters_mut().iter().map(|p| p.tensor().to_vec()).collect() };
    // The model as initialised: training must move it (evaluation draws no random
    // numbers, so this changes nothing else about the run).
    let start = valid(model);
    if !start.is_finite() {
        return Err(format!(
            "the untrained model's validation MAE is {start}: check the inputs and labels for NaN or \
             infinite values"
        ));
    }
    let mut best = (f64::INFINITY, 0, snapshot(model));
    let (mut step, mut epochs, mut moved) = (0usize, 0usize, 0.0f64);
    while epochs < cfg.max_epochs && epochs - best.1 < cfg.patience {
        epochs += 1;
        epoch(model, &mut step)?;
        let score = valid(model);
        if !score.is_finite() {
            return Err(diverged(&format!("the validation MAE is {score} after epoch {epochs}"), cfg.lr));
        }
        moved = moved.max((score - start).abs());
        if score < best.0 - cfg.min_delta {
            best = (score, epochs, snapshot(model));
        }
    }
    let (ceiling, range) = worst_in_range(labels.0, labels.1);
    if best.0 > ceiling {
        let what = format!(
            "the best validation MAE, {:.4} (epoch {}), is worse than any predictor within the training \
             labels' range [{:.2}, {:.2}] could score ({ceiling:.4})",
            best.0, best.1, range.0, range.1
        );
        return Err(diverged(&what, cfg.lr));
    }
    if moved <= cfg.min_delta {
        return Err(format!(
            "training left the model where it started: in {epochs} epochs the validation MAE never moved by \
             more than {} from the untrained model's {start:.4}, at learning rate {}; try a learning rate 10 \
             times larger ({}) or more epochs",
            cfg.min_delta,
            cfg.lr,
            tenfold(cfg.lr, 1)
        ));
    }
    for (param, saved) in model.parameters_mut().into_iter().zip(&best.2) {
        param.update(|w| w.copy_from_slice(saved));
    }
    Ok(Trained { epochs, best_epoch: best.1, best_valid_mae: best.0 })
}

/// `lr` times 10^`power`, printed as a reader would type it (0.0002, not 0.00020000001).
fn tenfold(lr: f32, power: i32) -> String {
    let v = f64::from(lr) * 10f64.powi(power);
    format!("{:.3e}", v).parse::<f64>().map_or(v.to_string(), |v| v.to_string())
}

/// The error of a run that diverged: `what` was not finite.
fn diverged(what: &str, lr: f32) -> String {
    format!(
        "training diverged: {what} at learning rate {lr}; try a learning rate 10 times smaller ({}; the \
         protocol's is {})",
        tenfold(lr, -1),
        TrainConfig::default().lr
    )
}

/// The validation MAE of the worst predictor whose predictions all lie within the
/// range of the training labels (for each validation label, the farther end of that
/// range), and the range.
fn worst_in_range(train: &[f64], valid: &[f64]) -> (f64, (f64, f64)) {
    let lo = train.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = train.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let worst = valid.iter().map(|y| (y - lo).abs().max((y - hi).abs())).sum::<f64>();
    (worst / valid.len().max(1) as f64, (lo, hi))
}

/// Mean absolute error.
pub(crate) fn mae(p: &[f64], y: &[f64]) -> f64 {
    p.iter().zip(y).map(|(a, b)| (a - b).abs()).sum::<f64>() / y.len().max(1) as f64
}

/// Train `model` on `data` by the protocol. An error, naming the learning rate and what
/// to try, when training diverged (a loss or a validation MAE not finite, or
/// predictions far outside the labels' range) or never moved the model (the module's
/// doc says how each is decided).
pub fn train<M: Model>(
    model: &mut M,
    data: &Standardised,
    cfg: &TrainConfig,
    rng: &mut Rng,
) -> Result<Trained, String> {
    let mut adam = Adam::new(cfg.lr).with_weight_decay(cfg.weight_decay);
    let n = data.train.labels.len();
    let epoch = |model: &mut M, step: &mut usize| {
        // ANCHOR: step
        for rows in shuffled_batches(n, cfg.batch_size, rng) {
            let inputs = data.train.batch(&rows, &data.widths);
            let prediction = model.forward(&inputs, &mut Mode::train(cfg.dropout, rng));
            l1_step(&prediction, &data.train.labels, &rows, &mut adam, &mut model.parameters_mut(), step)?;
        }
        // ANCHOR_END: step
        Ok(())
    };
    let valid = |m: &M| mae(&predict(m, &data.valid), &data.valid.labels);
    let labels = (&data.train.labels[..], &data.valid.labels[..]);
    early_stopping(model, cfg, labels, epoch, valid)
}

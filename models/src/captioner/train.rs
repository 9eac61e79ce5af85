//! Training the captioner as SPEC section 10 does: teacher forcing on the canonical
//! caption, Adam (lr 2e-3), gradients clipped to a global norm of 5, batches of 32
//! drawn from a fresh shuffle of the training images every epoch.

use autograd::{Adam, Rng, Tensor};
use rand::seq::SliceRandom;

use super::Captioner;
use crate::scenes::{SEQ_LEN, ShapeScenes, training_tokens};

/// How the captioner is trained.
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
pub struct TrainConfig {
    /// Adam steps.
    pub steps: usize,
    /// Images per step.
    pub batch: usize,
    /// Adam's learning rate.
    pub lr: f32,
    /// Global gradient-norm bound.
    pub max_grad_norm: f32,
    /// The image-free baseline: every image replaced by zeros.
    pub blind: bool,
}

impl Default for TrainConfig {
    fn default() -> TrainConfig {
        TrainConfig { steps: 1500, batch: 32, lr: 2e-3, max_grad_norm: 5.0, blind: false }
    }
}

/// One batch: images (batch, 3, 32, 32) and the teacher-forcing tokens.
pub struct Batch {
    /// The model inputs (zeros for the blind baseline).
    pub images: Tensor,
    /// `<bos> w1 .. wn`, padded, batch x 11 row-major.
    pub inputs: Vec<usize>,
    /// `w1 .. wn <eos>`, padded.
    pub targets: Vec<usize>,
    /// Real targets per caption: words + 1.
    pub lengths: Vec<usize>,
}

/// The images `indices` of `data` as model input, (len, 3, 32, 32); zeros for the
/// blind baseline.
pub fn images(data: &ShapeScenes, indices: &[usize], blind: bool) -> Tensor {
    let pixels = if blind { vec![0.0; indices.len() * 3 * 32 * 32] } else { data.inputs(indices) };
    Tensor::from_vec(pixels, &[indices.len(), 3, 32, 32])
}

/// The batch of images `indices` of `data`.
pub fn batch(data: &ShapeScenes, indices: &[usize], blind: bool) -> Batch {
    let images = images(data, indices, blind);
    let (mut inputs, mut targets, mut lengths) = (Vec::new(), Vec::new(), Vec::new());
    for &i in indices {
        let (input, target) = training_tokens(&data.scenes[i]);
        inputs.extend(input);
        targets.extend(target);
        lengths
            .push(target.iter().position(|&t| t == crate::scenes::EOS).expect("a target ends in <eos>") + 1);
    }
    debug_assert_eq!(inputs.len(), indices.len() * SEQ_LEN);
    Batch { images, inputs, targets, lengths }
}

// ANCHOR: train_step
/// One training step on `batch`; returns the loss before the update.
pub fn train_step(model: &mut Captioner, adam: &mut Adam, batch: &Batch, max_grad_norm: f32) -> f32 {
    let loss = model.loss(&batch.images, &batch.inputs, &batch.targets, &batch.lengths);
    let mut grads = loss.backward();
    grads.clip_norm(&model.parameters().iter().map(|p| p.tensor()).collect::<Vec<_>>(), max_grad_norm);
    adam.step(&mut model.parameters_mut(), &grads);
    loss.item()
}
// ANCHOR_END: train_step

/// Train `model` on `data` for `config.steps` steps; `after_step(step, loss, model)` is
/// called after every step (1-based), e.g. to evaluate along the way. Returns the loss
/// of every step, or an error naming the step whose loss was not finite.
pub fn train(
    model: &mut Captioner,
    data: &ShapeScenes,
    config: &TrainConfig,
    rng: &mut Rng,
    mut after_step: impl FnMut(usize, f32, &Captioner),
) -> Result<Vec<f32>, String> {
    let mut adam = Adam::new(config.lr);
    let mut order: Vec<usize> = Vec::new();
    let mut losses = Vec::with_capacity(config.steps);
    for step in 1..=config.steps {
        if order.len() < config.batch {
            order = (0..data.len()).collect();
            order.shuffle(rng);
        }
        let indices: Vec<usize> = order.drain(..config.batch).collect();
        let loss = train_step(model, &mut adam, &batch(data, &indices, config.blind), config.max_grad_norm);
        if !loss.is_finite() {
            return Err(format!("captioner training: the loss is {loss} at step {step}"));
        }
        losses.push(loss);
        after_step(step, loss, model);
    }
    Ok(losses)
}

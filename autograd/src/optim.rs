//! Optimisers: SGD with momentum and weight decay, and Adam.
//!
//! `step(params, grads)` reads each parameter's gradient from the store of one
//! backward call and updates the parameter in place. The store is new each backward
//! call, so there is no `zero_grad` to forget. State (momentum, moments) is kept per
//! parameter position, so pass the same parameters in the same order every step.
//!
//! What `step` cannot see is a parameter left out of its list: the loss depends on it,
//! the backward pass computes its gradient, and nothing ever updates it. Training
//! still returns, quietly worse. [`check_parameters`] compares the list with the
//! variables the loss actually depends on; a training loop calls it on its first step
//! (`models::fusion`'s loops do).

use std::collections::HashSet;

use crate::backward::Gradients;
use crate::op::Op;
use crate::param::Parameter;
use crate::tensor::Tensor;

/// Check that `params`, the list an optimiser is about to step, is exactly the set of
/// variables `loss` depends on. Two mistakes fail silently otherwise:
/// - a variable the loss depends on but missing from the list (a parameter forgotten
///   when the list was written by hand) gets a gradient every step and never moves;
/// - a listed parameter the loss does not depend on (built but never used in the
///   forward pass) never receives a gradient, so it never moves either.
///
/// The error names each: the forgotten variable by its shape and the op that reads it
/// (the loss's graph knows no parameter names), the unused parameter by its name and
/// position in the list. Call it once, on the first step, before `backward` (it walks
/// the whole graph). An input that is a variable counts as one the list lacks, so a
/// loop that differentiates with respect to its data on purpose does not call it.
///
/// ```
/// use autograd::optim::check_parameters;
/// use autograd::{Parameter, Tensor};
/// let w = Parameter::new("weight", Tensor::ones(&[2, 1]));
/// let b = Parameter::new("bias", Tensor::zeros(&[1]));
/// let x = Tensor::from_vec(vec![1.0, 2.0], &[1, 2]);
/// let loss = x.matmul(w.tensor()).add(b.tensor()).sum_all(false);
/// assert!(check_parameters(&loss, [&w, &b]).is_ok());
/// let err = check_parameters(&loss, [&b]).unwrap_err(); // the weight was forgotten
/// assert!(err.contains("shape [2, 1], read by matmul"), "{err}");
/// ```
pub fn check_parameters<'a>(
    loss: &Tensor,
    params: impl IntoIterator<Item = &'a Parameter>,
) -> Result<(), String> {
    // Every variable the loss depends on, with the op that reads it: a walk over the
    // nodes that need a gradient, as the backward pass makes (an explicit stack).
    let mut variables: Vec<(&Tensor, &'static str)> = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = vec![(loss, "the loss itself")];
    while let Some((t, read_by)) = stack.pop() {
        if !t.requires_grad() || !seen.insert(t.id()) {
            continue;
        }
        if matches!(t.0.op, Op::Leaf) {
            variables.push((t, read_by));
        }
        t.0.op.for_each_input(|input| stack.push((input, t.op_name())));
    }
    let listed: Vec<&Parameter> = params.into_iter().collect();
    let listed_ids: HashSet<usize> = listed.iter().map(|p| p.tensor().id()).collect();
    let reached: HashSet<usize> = variables.iter().map(|(t, _)| t.id()).collect();
    let mut problems = Vec::new();
    for (t, read_by) in variables.iter().filter(|(t, _)| !listed_ids.contains(&t.id())) {
        problems.push(format!(
            "a variable of shape {:?}, read by {read_by}, gets a gradient but is not in the list, so it \
             would never be updated: add it (a model's parameters_mut() lists every parameter it has)",
            t.shape()
        ));
    }
    for (position, p) in listed.iter().enumerate().filter(|(_, p)| !reached.contains(&p.tensor().id())) {
        problems.push(format!(
            "parameter `{}` (shape {:?}, position {position} in the list) is not used by the loss, so it \
             would never receive a gradient: use it in the forward pass, or leave it out of the list",
            p.name(),
            p.shape()
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the optimiser's parameter list ({} parameters) does not match the {} variables the loss \
             depends on:\n  {}",
            listed.len(),
            variables.len(),
            problems.join("\n  ")
        ))
    }
}

/// Per-parameter state buffers, created on the first step.
fn ensure_state(state: &mut Vec<Vec<f32>>, params: &[&mut Parameter], optimiser: &str) {
    if state.is_empty() {
        *state = params.iter().map(|p| vec![0.0; p.numel()]).collect();
    }
    assert_eq!(
        state.len(),
        params.len(),
        "{optimiser}: called with {} parameters after {} on the first step; pass the same parameters every step",
        params.len(),
        state.len()
    );
}

/// Stochastic gradient descent:
///   g <- grad + weight_decay * w;  v <- momentum * v + g;  w <- w - lr * v.
/// torch: `optim.SGD(params, lr, momentum, weight_decay=...)`
pub struct Sgd {
    /// Learning rate.
    pub lr: f32,
    /// Momentum (0: plain SGD).
    pub momentum: f32,
    /// L2 weight decay, added to the gradient.
    pub weight_decay: f32,
    velocity: Vec<Vec<f32>>,
}

impl Sgd {
    /// Plain SGD with learning rate `lr`. torch: `torch.optim.SGD(params, lr)`
    pub fn new(lr: f32) -> Sgd {
        Sgd { lr, momentum: 0.0, weight_decay: 0.0, velocity: Vec::new() }
    }

    /// With momentum (heavy ball, as PyTorch's `momentum=`).
    pub fn with_momentum(mut self, momentum: f32) -> Sgd {
        self.momentum = momentum;
        self
    }

    /// With L2 weight decay (as PyTorch's `weight_decay=`).
    pub fn with_weight_decay(mut self, weight_decay: f32) -> Sgd {
        self.weight_decay = weight_decay;
        self
    }

    /// One update of every parameter that has a gradient in `grads`; a listed parameter
    /// without one is skipped, and a parameter left out of the list is not seen at all:
    /// [`check_parameters`] on the first step catches both.
    pub fn step(&mut self, params: &mut [&mut Parameter], grads: &Gradients) {
        ensure_state(&mut self.velocity, params, "Sgd");
        let (lr, momentum, decay) = (self.lr, self.momentum, self.weight_decay);
        for (param, velocity) in params.iter_mut().zip(&mut self.velocity) {
            let Some(grad) = grads.get(param.tensor()).cloned() else { continue };
            param.update(|w| {
                for ((w, v), &g) in w.iter_mut().zip(velocity.iter_mut()).zip(grad.data()) {
                    let g = g + decay * *w;
                    *v = momentum * *v + g;
                    *w -= lr * *v;
                }
            });
        }
    }
}

/// Adam (Kingma & Ba 2015), with bias-corrected moments:
///   m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
///   w <- w - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
/// Weight decay, if set, is added to the gradient (L2, as torch's `Adam`).
/// torch: `optim.Adam(params, lr)`
///
/// ```
/// use autograd::{Adam, Parameter, Tensor};
/// let mut w = Parameter::new("w", Tensor::var(vec![3.0], &[1]));
/// let mut adam = Adam::new(0.1);
/// for _ in 0..100 {
///     let loss = w.tensor().square().sum_all(false); // minimum at w = 0
///     let grads = loss.backward();
///     drop(loss);
///     adam.step(&mut [&mut w], &grads);
/// }
/// assert!(w.tensor().item().abs() < 0.5);
/// ```
pub struct Adam {
    /// Learning rate.
    pub lr: f32,
    /// Decay of the first-moment (mean) estimate.
    pub beta1: f32,
    /// Decay of the second-moment (uncentred variance) estimate.
    pub beta2: f32,
    /// Added to the root of the second moment, against division by zero.
    pub eps: f32,
    /// L2 weight decay, added to the gradient (PyTorch's `Adam`, not `AdamW`).
    pub weight_decay: f32,
    t: i32,
    m: Vec<Vec<f32>>,
    v: Vec<Vec<f32>>,
}

impl Adam {
    /// Adam with PyTorch's defaults (betas 0.9, 0.999; eps 1e-8). torch: `torch.optim.Adam(params, lr)`
    pub fn new(lr: f32) -> Adam {
        Adam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            t: 0,
            m: Vec::new(),
            v: Vec::new(),
        }
    }

    /// With L2 weight decay (as PyTorch's `weight_decay=`).
    pub fn with_weight_decay(mut self, weight_decay: f32) -> Adam {
        self.weight_decay = weight_decay;
        self
    }

    /// One update of every parameter that has a gradient in `grads`; a listed parameter
    /// without one is skipped, and a parameter left out of the list is not seen at all:
    /// [`check_parameters`] on the first step catches both.
    pub fn step(&mut self, params: &mut [&mut Parameter], grads: &Gradients) {
        ensure_state(&mut self.m, params, "Adam");
        ensure_state(&mut self.v, params, "Adam");
        self.t += 1;
        let (b1, b2, eps, decay) = (self.beta1, self.beta2, self.eps, self.weight_decay);
        let lr_t = self.lr * (1.0 - b2.powi(self.t)).sqrt() / (1.0 - b1.powi(self.t));
        let eps_t = eps * (1.0 - b2.powi(self.t)).sqrt();
        for ((param, m), v) in params.iter_mut().zip(&mut self.m).zip(&mut self.v) {
            let Some(grad) = grads.get(param.tensor()).cloned() else { continue };
            param.update(|w| {
                for (((w, m), v), &g) in w.iter_mut().zip(m.iter_mut()).zip(v.iter_mut()).zip(grad.data()) {
                    let g = g + decay * *w;
                    *m = b1 * *m + (1.0 - b1) * g;
                    *v = b2 * *v + (1.0 - b2) * g * g;
                    // Same as the bias-corrected form above, with the corrections
                    // folded into lr_t and eps_t.
                    *w -= lr_t * *m / (v.sqrt() + eps_t);
                }
            });
        }
    }
}

//! The linear probe: softmax regression on frozen features, the standard test of
//! what a representation makes linearly decodable. Trained full-batch with Adam on
//! the engine, from a seeded RNG.

use autograd::{Adam, Rng, Tensor, no_grad};

use crate::linear::Linear;
use crate::metrics::argmax_rows;
use crate::module::Module;

/// How the probe is trained.
#[derive(Clone, Copy, Debug)]
pub struct ProbeConfig {
    /// Full-batch Adam steps.
    pub steps: usize,
    /// Adam's learning rate.
    pub lr: f32,
    /// L2 weight decay (as Adam's `weight_decay=`).
    pub weight_decay: f32,
}

impl Default for ProbeConfig {
    fn default() -> ProbeConfig {
        ProbeConfig { steps: 300, lr: 0.05, weight_decay: 1e-4 }
    }
}

/// A trained softmax regression: logits = x W + b.
pub struct Probe {
    /// The fitted affine map.
    pub linear: Linear,
}

impl Probe {
    /// Fit on rows of `x` (n, dim) with their labels in 0..classes. Errors when the
    /// loss stops being finite, naming the step.
    #[track_caller]
    pub fn fit(
        x: &[f32],
        dim: usize,
        labels: &[usize],
        classes: usize,
        cfg: &ProbeConfig,
        rng: &mut Rng,
    ) -> Result<Probe, String> {
        let n = labels.len();
        assert_eq!(x.len(), n * dim, "Probe::fit: {} values for {n} rows of {dim}", x.len());
        let mut linear = Linear::xavier(dim, classes, rng);
        let mut adam = Adam::new(cfg.lr).with_weight_decay(cfg.weight_decay);
        let input = Tensor::from_vec(x.to_vec(), &[n, dim]);
        for step in 0..cfg.steps {
            let loss = linear.forward(&input).cross_entropy(labels);
            if !loss.item().is_finite() {
                return Err(format!("Probe::fit: the loss is {} at step {step}", loss.item()));
            }
            let grads = loss.backward();
            drop(loss);
            adam.step(&mut linear.parameters_mut(), &grads);
        }
        Ok(Probe { linear })
    }

    /// The predicted class of each row of `x` (n, dim).
    pub fn predict(&self, x: &[f32]) -> Vec<usize> {
        let dim = self.linear.in_features();
        no_grad(|| argmax_rows(&self.linear.forward(&Tensor::from_vec(x.to_vec(), &[x.len() / dim, dim]))))
    }

    /// Fraction of rows of `x` classified as their label.
    pub fn accuracy(&self, x: &[f32], labels: &[usize]) -> f64 {
        crate::metrics::accuracy(&self.predict(x), labels)
    }
}

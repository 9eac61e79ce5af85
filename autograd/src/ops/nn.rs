//! Neural-network staples composed from primitives: softmax, log-softmax, dropout.
//! None has a backward rule of its own; their gradients come from the primitives.

use rand::{Rng, RngExt};

use crate::tensor::Tensor;

impl Tensor {
    /// log softmax over `axis`: x_k - log sum_j e^{x_j}. Composed: with m = max_j x_j
    /// held constant, (x - m) - log sum_j e^{x_j - m}. Subtracting m first keeps e^
    /// from overflowing and keeps x_k - m exact, so large logits lose no precision.
    /// torch: `F.log_softmax(x, axis)`
    #[track_caller]
    pub fn log_softmax(&self, axis: isize) -> Tensor {
        let shifted = self.sub(&self.max(axis, true).detach());
        shifted.sub(&shifted.exp().sum(axis, true).log())
    }

    /// softmax over `axis`: e^{x_k} / sum_j e^{x_j}. Composed: e^{x - m} / sum e^{x - m}
    /// with m = max_j x_j held constant (the result does not depend on m).
    /// torch: `F.softmax(x, axis)`
    #[track_caller]
    pub fn softmax(&self, axis: isize) -> Tensor {
        let e = self.sub(&self.max(axis, true).detach()).exp();
        e.div(&e.sum(axis, true))
    }

    /// Inverted dropout: each element is zeroed with probability `p`, survivors are
    /// scaled by 1 / (1 - p) so the expected value is unchanged. Composed: `x * mask`
    /// with a constant mask drawn from the caller's RNG. At inference, do not call it.
    /// torch: `F.dropout(x, p, training=True)`
    #[track_caller]
    pub fn dropout(&self, p: f32, rng: &mut impl Rng) -> Tensor {
        assert!((0.0..1.0).contains(&p), "dropout: p = {p} must lie in [0, 1)");
        if p == 0.0 {
            return self.clone();
        }
        let keep = 1.0 / (1.0 - p);
        let mask = (0..self.numel()).map(|_| if rng.random::<f32>() < p { 0.0 } else { keep }).collect();
        self.mul(&Tensor::from_vec(mask, self.shape()))
    }
}

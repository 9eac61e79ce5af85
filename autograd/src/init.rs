//! Weight initialisers, drawn from the caller's seeded RNG.

use rand::Rng;

use crate::tensor::Tensor;

/// Xavier/Glorot uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)), keeping
/// activation variance steady through tanh/sigmoid layers.
/// torch: `nn.init.xavier_uniform_`
pub fn xavier_uniform(shape: &[usize], fan_in: usize, fan_out: usize, rng: &mut impl Rng) -> Tensor {
    let a = (6.0 / (fan_in + fan_out) as f32).sqrt();
    Tensor::uniform(shape, -a, a, rng)
}

/// Kaiming/He normal: N(0, 2 / fan_in), keeping activation variance steady through
/// ReLU layers. torch: `nn.init.kaiming_normal_(nonlinearity="relu")`
pub fn kaiming_normal(shape: &[usize], fan_in: usize, rng: &mut impl Rng) -> Tensor {
    Tensor::randn(shape, 0.0, (2.0 / fan_in as f32).sqrt(), rng)
}

/// Kaiming/He uniform: U(-a, a) with a = sqrt(6 / fan_in), for ReLU layers.
/// torch: `nn.init.kaiming_uniform_(nonlinearity="relu")`
pub fn kaiming_uniform(shape: &[usize], fan_in: usize, rng: &mut impl Rng) -> Tensor {
    let a = (6.0 / fan_in as f32).sqrt();
    Tensor::uniform(shape, -a, a, rng)
}

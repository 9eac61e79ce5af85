//! `Linear`: the affine layer y = x W + b.

use std::fmt;

use autograd::{Parameter, Rng, Tensor, init};

use crate::module::Module;

/// y = x W + b, with x (batch, in), W (in, out), b (out).
/// torch: `nn.Linear` (which stores W transposed, as (out, in))
pub struct Linear {
    /// (in, out): `y = x W + b`, the transpose of PyTorch's (out, in) weight.
    pub weight: Parameter,
    /// (out).
    pub bias: Parameter,
}

impl Linear {
    /// From given values: for tests and for the book's worked examples.
    #[track_caller]
    pub fn new(weight: Tensor, bias: Tensor) -> Linear {
        let (_, out) = weight.dims2();
        assert_eq!(
            bias.shape(),
            [out],
            "Linear: weight shape {:?} and bias shape {:?}: expected bias ({out})",
            weight.shape(),
            bias.shape()
        );
        Linear { weight: Parameter::new("weight", weight), bias: Parameter::new("bias", bias) }
    }

    /// Kaiming-uniform weights (for ReLU networks) and zero bias.
    pub fn kaiming(fan_in: usize, fan_out: usize, rng: &mut Rng) -> Linear {
        Linear::new(init::kaiming_uniform(&[fan_in, fan_out], fan_in, rng), Tensor::zeros(&[fan_out]))
    }

    /// Xavier-uniform weights (for tanh and sigmoid networks) and zero bias.
    pub fn xavier(fan_in: usize, fan_out: usize, rng: &mut Rng) -> Linear {
        Linear::new(init::xavier_uniform(&[fan_in, fan_out], fan_in, fan_out, rng), Tensor::zeros(&[fan_out]))
    }

    /// The input width.
    pub fn in_features(&self) -> usize {
        self.weight.shape()[0]
    }

    /// The output width.
    pub fn out_features(&self) -> usize {
        self.weight.shape()[1]
    }
}

impl Module for Linear {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        x.matmul(self.weight.tensor()).add(self.bias.tensor())
    }

    fn parameters(&self) -> Vec<&Parameter> {
        vec![&self.weight, &self.bias]
    }

    fn parameters_mut(&mut self) -> Vec<&mut Parameter> {
        vec![&mut self.weight, &mut self.bias]
    }
}

impl fmt::Display for Linear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Linear({} -> {})", self.in_features(), self.out_features())
    }
}

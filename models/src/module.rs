//! `Module`: what every layer and model offers: a forward pass and its parameters.

use autograd::{Parameter, Tensor};

/// A layer or model: maps a tensor to a tensor and owns trainable parameters.
/// torch: `nn.Module`
pub trait Module {
    /// The forward pass; the graph it builds is what `backward` differentiates.
    fn forward(&self, x: &Tensor) -> Tensor;

    /// Every trainable parameter, in a fixed order.
    fn parameters(&self) -> Vec<&Parameter>;

    /// The same parameters, mutable, in the same order: what optimisers take.
    fn parameters_mut(&mut self) -> Vec<&mut Parameter>;

    /// How many trainable numbers the module holds.
    fn num_parameters(&self) -> usize {
        self.parameters().iter().map(|p| p.numel()).sum()
    }
}

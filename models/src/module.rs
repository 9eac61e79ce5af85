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

/// Check a `state_dict` against the one a model would write (`expected`): every
/// entry present with its exact shape, and nothing else. The error names the first
/// entry that differs. torch: `load_state_dict(strict=True)`
pub(crate) fn check_state(
    model: &str,
    expected: &[(String, Tensor)],
    state: &[(String, Tensor)],
) -> Result<(), String> {
    for (name, want) in expected {
        let Some((_, got)) = state.iter().find(|(n, _)| n == name) else {
            return Err(format!("state_dict has no entry {name:?}"));
        };
        if got.shape() != want.shape() {
            return Err(format!(
                "entry {name:?} has shape {:?}, the model needs {:?}",
                got.shape(),
                want.shape()
            ));
        }
    }
    if let Some((extra, _)) = state.iter().find(|(n, _)| !expected.iter().any(|(e, _)| e == n)) {
        return Err(format!("state_dict has an entry {extra:?} this {model} does not have"));
    }
    Ok(())
}

/// The entry `name` of a checked `state_dict`.
pub(crate) fn entry<'a>(state: &'a [(String, Tensor)], name: &str) -> &'a Tensor {
    state.iter().find(|(n, _)| n == name).map(|(_, t)| t).expect("checked by check_state")
}

//! `Parameter`: a named variable that an optimiser updates in place.

use std::fmt;

use crate::tensor::Tensor;

/// A trainable tensor with a name (for reports and `Display`). Forward passes use
/// `param.tensor()`; optimisers change its values with `update`.
#[derive(Clone)]
pub struct Parameter {
    name: String,
    value: Tensor,
}

impl Parameter {
    /// Wrap values as a trainable variable. torch: `nn.Parameter(t)`
    pub fn new(name: impl Into<String>, value: Tensor) -> Parameter {
        Parameter { name: name.into(), value: value.detach().as_var() }
    }

    /// The name given at construction (`weight`, `bias`, ...).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The variable to build forward passes from.
    pub fn tensor(&self) -> &Tensor {
        &self.value
    }

    /// The parameter's shape.
    pub fn shape(&self) -> &[usize] {
        self.value.shape()
    }

    /// How many numbers the parameter holds.
    pub fn numel(&self) -> usize {
        self.value.numel()
    }

    /// Change the values in place. Writes into the existing buffer when no graph
    /// still holds the parameter (drop the loss before stepping to get that);
    /// otherwise the parameter moves to a fresh buffer and old graphs keep the old
    /// values, so nothing already computed changes under anyone's feet.
    pub fn update(&mut self, f: impl FnOnce(&mut [f32])) {
        self.value.update_leaf(f);
    }
}

impl fmt::Debug for Parameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Parameter({}, shape={:?})", self.name, self.shape())
    }
}

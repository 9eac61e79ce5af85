//! Linear probes saved together as one `nn.ModuleDict`, and a `state_dict` as plain
//! data that can leave the thread that trained it.

use autograd::{Tensor, seeded_rng};
use models::{Linear, Mode, Model, Module, Named, Probe};

/// A `state_dict` as plain data, which can leave the thread that trained it (tensors
/// cannot): (name, shape, values).
pub type Plain = Vec<(String, Vec<usize>, Vec<f32>)>;

/// `state` as plain data.
pub fn plain(state: Vec<(String, Tensor)>) -> Plain {
    state.into_iter().map(|(n, t)| (n, t.shape().to_vec(), t.to_vec())).collect()
}

/// Plain data as tensors again (on the calling thread).
pub fn tensors(plain: &Plain) -> Vec<(String, Tensor)> {
    plain.iter().map(|(n, shape, v)| (n.clone(), Tensor::from_vec(v.clone(), shape))).collect()
}

/// A copy of a linear layer's values.
pub fn copy_linear(layer: &Linear) -> Linear {
    Linear::new(layer.weight.tensor().detach(), layer.bias.tensor().detach())
}

/// Linear probes, each an `nn.Linear(width, classes)` giving logits, under their
/// names: `nn.ModuleDict` in PyTorch, so the entries are `{name}.weight`
/// (classes, width) and `{name}.bias`. `forward(inputs)` sends input k through probe k
/// and puts the logits side by side.
pub struct ProbeSet(pub Vec<(String, Linear)>);

impl ProbeSet {
    /// Probes `(name, width)` over `classes` classes, to load a checkpoint into
    /// (initial weights arbitrary).
    pub fn untrained<S: AsRef<str>>(shapes: &[(S, usize)], classes: usize) -> ProbeSet {
        let mut rng = seeded_rng(0);
        let probes =
            shapes.iter().map(|(n, w)| (n.as_ref().to_string(), Linear::xavier(*w, classes, &mut rng)));
        ProbeSet(probes.collect())
    }

    /// A copy of the probe named `name`; panics when the set has none.
    pub fn probe(&self, name: &str) -> Probe {
        let linear = self.0.iter().find(|(n, _)| n == name).map(|(_, l)| copy_linear(l));
        Probe { linear: linear.unwrap_or_else(|| panic!("ProbeSet: no probe {name:?}")) }
    }
}

impl Model for ProbeSet {
    fn forward(&self, inputs: &[Tensor], _mode: &mut Mode<'_>) -> Tensor {
        let logits: Vec<Tensor> = self.0.iter().zip(inputs).map(|((_, l), x)| l.forward(x)).collect();
        Tensor::concat(&logits, 1)
    }

    fn named_parameters(&self) -> Vec<Named<'_>> {
        self.0.iter().flat_map(|(n, l)| Named::linear(n, l)).collect()
    }

    fn parameters_mut(&mut self) -> Vec<&mut autograd::Parameter> {
        self.0.iter_mut().flat_map(|(_, l)| l.parameters_mut()).collect()
    }
}

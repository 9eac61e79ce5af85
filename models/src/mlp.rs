//! `Mlp`: a stack of `Linear` layers with an activation between them.

use std::fmt;

use autograd::{Parameter, Rng, Tensor};

use crate::linear::Linear;
use crate::module::Module;

/// The nonlinearity between layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// max(0, x).
    Relu,
    /// tanh(x).
    Tanh,
    /// 1 / (1 + e^-x).
    Sigmoid,
    /// No nonlinearity: the stack collapses to one linear map (a useful control).
    Identity,
}

impl Activation {
    /// The nonlinearity applied to `x`.
    pub fn apply(self, x: &Tensor) -> Tensor {
        match self {
            Activation::Relu => x.relu(),
            Activation::Tanh => x.tanh(),
            Activation::Sigmoid => x.sigmoid(),
            Activation::Identity => x.clone(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::Tanh => "tanh",
            Activation::Sigmoid => "sigmoid",
            Activation::Identity => "identity",
        }
    }
}

/// Layers of widths `widths[0] -> widths[1] -> ... -> widths[last]`, the activation
/// after every layer but the last (which outputs logits or a regression value).
///
/// ```
/// use models::{Activation, Mlp, Module};
/// let mlp = Mlp::new(&[4, 8, 3], Activation::Relu, &mut autograd::seeded_rng(0));
/// let x = autograd::Tensor::zeros(&[5, 4]); // a batch of 5
/// assert_eq!(mlp.forward(&x).shape(), &[5, 3]);
/// assert_eq!(mlp.to_string(), "Mlp(4 -> 8 -> 3, relu, 67 parameters)");
/// // PyTorch's names: nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
/// let names: Vec<String> = mlp.state_dict().into_iter().map(|(n, _)| n).collect();
/// assert_eq!(names, ["0.weight", "0.bias", "2.weight", "2.bias"]);
/// ```
pub struct Mlp {
    /// The linear layers, input first.
    pub layers: Vec<Linear>,
    /// The nonlinearity between them.
    pub activation: Activation,
}

impl Mlp {
    /// Random initialisation suited to the activation (Kaiming for ReLU, else Xavier).
    #[track_caller]
    pub fn new(widths: &[usize], activation: Activation, rng: &mut Rng) -> Mlp {
        assert!(widths.len() >= 2, "Mlp: needs at least an input and an output width, got {widths:?}");
        let layers = widths
            .windows(2)
            .map(|w| match activation {
                Activation::Relu => Linear::kaiming(w[0], w[1], rng),
                _ => Linear::xavier(w[0], w[1], rng),
            })
            .collect();
        Mlp { layers, activation }
    }

    /// The widths, input first.
    pub fn widths(&self) -> Vec<usize> {
        let mut widths = vec![self.layers[0].in_features()];
        widths.extend(self.layers.iter().map(Linear::out_features));
        widths
    }

    /// The parameters as PyTorch's `state_dict` of the same network,
    /// `nn.Sequential(nn.Linear, activation, nn.Linear, ...)`: layer i is module 2i, so
    /// its entries are `{2i}.weight`, in PyTorch's (out, in) layout (the transpose of
    /// ours), and `{2i}.bias`. torch: `model.state_dict()`
    pub fn state_dict(&self) -> Vec<(String, Tensor)> {
        let mut state = Vec::new();
        for (i, layer) in self.layers.iter().enumerate() {
            state.push((format!("{}.weight", 2 * i), layer.weight.tensor().t().detach()));
            state.push((format!("{}.bias", 2 * i), layer.bias.tensor().detach()));
        }
        state
    }

    /// Set every parameter from a `state_dict` as [`Mlp::state_dict`] writes it (names,
    /// PyTorch layout). Every entry must be present with its exact shape, and nothing
    /// else: the error names the first entry that differs. torch: `load_state_dict(strict=True)`
    pub fn load_state_dict(&mut self, state: &[(String, Tensor)]) -> Result<(), String> {
        crate::module::check_state(&self.to_string(), &self.state_dict(), state)?;
        let get = |name: String| crate::module::entry(state, &name);
        for (i, layer) in self.layers.iter_mut().enumerate() {
            let weight = get(format!("{}.weight", 2 * i)).t(); // back to (in, out)
            let bias = get(format!("{}.bias", 2 * i));
            layer.weight.update(|w| w.copy_from_slice(weight.data()));
            layer.bias.update(|b| b.copy_from_slice(bias.data()));
        }
        Ok(())
    }
}

impl Module for Mlp {
    // ANCHOR: mlp_forward
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        let mut h = x.clone();
        for (i, layer) in self.layers.iter().enumerate() {
            h = layer.forward(&h); // x W + b
            if i + 1 < self.layers.len() {
                h = self.activation.apply(&h);
            }
        }
        h
    }
    // ANCHOR_END: mlp_forward

    fn parameters(&self) -> Vec<&Parameter> {
        self.layers.iter().flat_map(Module::parameters).collect()
    }

    fn parameters_mut(&mut self) -> Vec<&mut Parameter> {
        self.layers.iter_mut().flat_map(Module::parameters_mut).collect()
    }
}

impl fmt::Display for Mlp {
    /// `Mlp(64 -> 128 -> 10, relu, 9610 parameters)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let widths: Vec<String> = self.widths().iter().map(usize::to_string).collect();
        write!(
            f,
            "Mlp({}, {}, {} parameters)",
            widths.join(" -> "),
            self.activation.name(),
            self.num_parameters()
        )
    }
}

//! `Model`: what every trained model in the book offers: a forward pass over one
//! tensor per input (a modality, a sequence, an image), a training or evaluation mode,
//! and its parameters under the names PyTorch's `state_dict` gives the same network.
//!
//! The names are what make a model portable: `state_dict` writes every parameter in
//! PyTorch's layout under PyTorch's name (`encoders.0.hidden.weight`, an `nn.Linear`'s
//! (out, in) weight; an `nn.LSTM`'s `weight_ih_l0`), so a checkpoint
//! (`crate::checkpoint`) loads into the equivalent `torch.nn.Module` with
//! `load_state_dict(strict=True)`, and `load_state_dict` reads one back.
//!
//! ```
//! use autograd::{Rng, Tensor, seeded_rng};
//! use models::fusion::{FusionNet, Method};
//! use models::{Mode, Model};
//!
//! let mut rng = seeded_rng(0);
//! let model = FusionNet::new(Method::Product, &[3, 2], &mut rng);
//! let names: Vec<String> = model.named_parameters().into_iter().map(|p| p.name).collect();
//! assert_eq!(names[0], "encoders.0.hidden.weight");
//! let x = [Tensor::zeros(&[4, 3]), Tensor::zeros(&[4, 2])];
//! assert_eq!(model.forward(&x, &mut Mode::Eval).shape(), [4, 1]);
//! // Training mode: dropout on, drawing from the run's one RNG.
//! let y = model.forward(&x, &mut Mode::train(0.1, &mut rng));
//! assert_eq!(y.shape(), [4, 1]);
//! ```

use autograd::{Parameter, Rng, Tensor};

use crate::Linear;
use crate::module::{check_state, entry};

/// Training (dropout on, with its probability and the run's RNG) or evaluation (every
/// dropout the identity). torch: `model.train()` / `model.eval()`
pub enum Mode<'r> {
    /// Evaluation: no dropout, no random numbers drawn.
    Eval,
    /// Training: dropout with probability `p`, masks drawn from `rng`.
    Train {
        /// The dropout probability.
        p: f32,
        /// The run's random number generator.
        rng: &'r mut Rng,
    },
}

impl<'r> Mode<'r> {
    /// Training mode with dropout probability `p`.
    pub fn train(p: f32, rng: &'r mut Rng) -> Mode<'r> {
        Mode::Train { p, rng }
    }

    /// Dropout in training, the identity in evaluation. torch: `nn.Dropout(p)(h)`
    pub fn dropout(&mut self, h: Tensor) -> Tensor {
        match self {
            Mode::Eval => h,
            Mode::Train { p, rng } => h.dropout(*p, rng),
        }
    }

    /// Whether this is training mode.
    pub fn is_training(&self) -> bool {
        matches!(self, Mode::Train { .. })
    }
}

/// How one of our parameters appears in PyTorch's `state_dict`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Torch {
    /// The same values in the same layout (biases, `nn.Embedding.weight`, an
    /// `nn.Conv2d` weight (out, in, kh, kw)).
    Same,
    /// The transpose of our 2-D (in, out) weight: `nn.Linear.weight` and the LSTM's
    /// `weight_ih`/`weight_hh`, all (out, in).
    Transposed,
    /// One of PyTorch's two LSTM biases (`bias_ih`); the other, named here
    /// (`bias_hh`), is added to it in the gates, so our one bias is their sum. Written
    /// as (our bias, zeros); read back as the sum.
    SplitBias(String),
}

/// A parameter with PyTorch's name for it.
pub struct Named<'a> {
    /// PyTorch's `state_dict` key: `encoders.0.hidden.weight`.
    pub name: String,
    /// The parameter.
    pub param: &'a Parameter,
    /// Its layout there.
    pub torch: Torch,
}

impl<'a> Named<'a> {
    /// `{prefix}.weight` (transposed: `nn.Linear` stores (out, in)) and `{prefix}.bias`.
    pub fn linear(prefix: &str, layer: &'a Linear) -> [Named<'a>; 2] {
        [
            Named { name: format!("{prefix}.weight"), param: &layer.weight, torch: Torch::Transposed },
            Named { name: format!("{prefix}.bias"), param: &layer.bias, torch: Torch::Same },
        ]
    }

    /// An entry kept as it is.
    pub fn same(name: impl Into<String>, param: &'a Parameter) -> Named<'a> {
        Named { name: name.into(), param, torch: Torch::Same }
    }
}

/// A trained model: a forward pass over a slice of inputs in a [`Mode`], and every
/// parameter named as PyTorch would name it. The training protocols
/// (`crate::fusion::train`) take any `Model`, and update exactly
/// [`Model::parameters_mut`]: the optimiser's list is the model's own, so no parameter
/// can be left out of it.
pub trait Model {
    /// The forward pass on one batch: `inputs[k]` is input k's rows (a modality's
    /// summaries, a sequence batch, ...).
    fn forward(&self, inputs: &[Tensor], mode: &mut Mode<'_>) -> Tensor;

    /// Every trainable parameter with its PyTorch name and layout, in a fixed order.
    /// torch: `model.named_parameters()`
    fn named_parameters(&self) -> Vec<Named<'_>>;

    /// The same parameters, mutable, in the same order: what the optimiser updates.
    fn parameters_mut(&mut self) -> Vec<&mut Parameter>;

    /// The parameters alone, in the same order.
    fn parameters(&self) -> Vec<&Parameter> {
        self.named_parameters().into_iter().map(|p| p.param).collect()
    }

    /// How many trainable numbers the model holds.
    fn num_parameters(&self) -> usize {
        self.named_parameters().iter().map(|p| p.param.numel()).sum()
    }

    /// The parameters as PyTorch's `state_dict` of the equivalent module: its names,
    /// its layouts. torch: `model.state_dict()`
    fn state_dict(&self) -> Vec<(String, Tensor)> {
        let mut out = Vec::new();
        for p in self.named_parameters() {
            let t = p.param.tensor();
            match &p.torch {
                Torch::Same => out.push((p.name, Tensor::from_vec(t.to_vec(), t.shape()))),
                Torch::Transposed => out.push((p.name, transposed(t))),
                Torch::SplitBias(other) => {
                    out.push((p.name, Tensor::from_vec(t.to_vec(), t.shape())));
                    out.push((other.clone(), Tensor::zeros(t.shape())));
                }
            }
        }
        out
    }

    /// Set every parameter from a `state_dict` (ours, or PyTorch's for the equivalent
    /// module): the same names and shapes, nothing missing and nothing else, or an
    /// error naming the first entry that differs. torch: `load_state_dict(strict=True)`
    fn load_state_dict(&mut self, state: &[(String, Tensor)]) -> Result<(), String> {
        check_state("model", &self.state_dict(), state)?;
        let values: Vec<Vec<f32>> = self
            .named_parameters()
            .iter()
            .map(|p| match &p.torch {
                Torch::Same => entry(state, &p.name).to_vec(),
                Torch::Transposed => transposed(entry(state, &p.name)).to_vec(),
                Torch::SplitBias(other) => {
                    let (a, b) = (entry(state, &p.name).to_vec(), entry(state, other).to_vec());
                    a.iter().zip(&b).map(|(x, y)| x + y).collect()
                }
            })
            .collect();
        let params = self.parameters_mut();
        assert_eq!(
            params.len(),
            values.len(),
            "Model: parameters_mut lists {} parameters, named_parameters {}",
            params.len(),
            values.len()
        );
        for (param, v) in params.into_iter().zip(values) {
            param.update(|w| w.copy_from_slice(&v));
        }
        Ok(())
    }
}

/// A 2-D tensor's transpose, as plain values (no graph).
pub(crate) fn transposed(t: &Tensor) -> Tensor {
    let (rows, cols) = t.dims2();
    let v = t.to_vec();
    let out = (0..cols).flat_map(|c| (0..rows).map(move |r| (r, c))).map(|(r, c)| v[r * cols + c]).collect();
    Tensor::from_vec(out, &[cols, rows])
}

/// Panic unless `named_parameters` and `parameters_mut` list the same parameters in
/// the same order, with distinct names: the invariant `load_state_dict` and the
/// optimisers rely on. For every model's tests.
#[track_caller]
pub fn assert_consistent(model: &mut dyn Model) {
    let named: Vec<(String, *const Parameter)> =
        model.named_parameters().iter().map(|p| (p.name.clone(), p.param as *const Parameter)).collect();
    let updated: Vec<*const Parameter> =
        model.parameters_mut().into_iter().map(|p| p as *const Parameter).collect();
    let names: Vec<&str> = named.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        named.iter().map(|(_, p)| *p).collect::<Vec<_>>(),
        updated,
        "named_parameters and parameters_mut differ: {names:?}"
    );
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len(), "two parameters share a name: {names:?}");
}

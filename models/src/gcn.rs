//! Graph convolutional networks (Kipf & Welling 2017).
//!
//! One layer: H' = Â H W + b, with Â = D̃^{-1/2} (A + I) D̃^{-1/2}: every node's new
//! representation is a degree-weighted average of its own and its neighbours' old ones,
//! then a linear map. Stacking L layers lets information travel L hops: each node's
//! output is computed by its own L-hop computation tree.

use std::fmt;

use autograd::{Csr, Parameter, Rng, Tensor, init};

use crate::mlp::Activation;

/// H' = Â (H W) + b. torch_geometric: `GCNConv`
pub struct GcnLayer {
    /// (in, out): the layer's own weight.
    pub weight: Parameter,
    /// (out): added after the neighbourhood average.
    pub bias: Parameter,
}

impl GcnLayer {
    /// From given values: for tests and the book's worked examples.
    #[track_caller]
    pub fn new(weight: Tensor, bias: Tensor) -> GcnLayer {
        let (_, out) = weight.dims2();
        assert_eq!(
            bias.shape(),
            [out],
            "GcnLayer: weight shape {:?} and bias shape {:?}",
            weight.shape(),
            bias.shape()
        );
        GcnLayer { weight: Parameter::new("weight", weight), bias: Parameter::new("bias", bias) }
    }

    /// Glorot (Xavier) uniform weights, as in Kipf & Welling; zero bias.
    pub fn glorot(fan_in: usize, fan_out: usize, rng: &mut Rng) -> GcnLayer {
        GcnLayer::new(
            init::xavier_uniform(&[fan_in, fan_out], fan_in, fan_out, rng),
            Tensor::zeros(&[fan_out]),
        )
    }

    // ANCHOR: gcn_layer
    /// Â (H W) + b: transform every node, then average over each neighbourhood.
    #[track_caller]
    pub fn forward(&self, adj: &Csr, h: &Tensor) -> Tensor {
        adj.matmul(&h.matmul(self.weight.tensor())).add(self.bias.tensor())
    }
    // ANCHOR_END: gcn_layer
}

/// How a hidden layer's output joins its input.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Residual {
    /// H_{l+1} = act(layer(H_l))
    None,
    /// H_{l+1} = H_l + alpha * act(layer(H_l))
    Scaled(f32),
}

/// A stack of `depth` GCN layers: input -> hidden (x depth-2) -> output. The hidden
/// layers have weights of their own (the lecture's "parameters not shared across
/// layers"), or, as an ablation, all use one shared weight.
pub struct Gcn {
    /// The first layer: features to hidden width.
    pub input: GcnLayer,
    /// depth - 2 layers, or exactly one reused depth - 2 times when `shared`.
    pub hidden: Vec<GcnLayer>,
    /// The last layer: hidden width to outputs (None for a one-layer stack).
    pub output: Option<GcnLayer>,
    /// The number of GCN layers in all.
    pub depth: usize,
    /// Whether the hidden layers share one weight.
    pub shared: bool,
    /// Whether and how the hidden layers add their input back.
    pub residual: Residual,
    /// The nonlinearity after every layer but the last.
    pub activation: Activation,
}

/// What a forward pass saw, layer by layer: for the depth diagnostics.
pub struct GcnTrace {
    /// The representation after each layer (before the output layer's logits: the
    /// input layer's output first), and the logits last.
    pub layers: Vec<Tensor>,
}

impl Gcn {
    /// widths: input features, hidden width, output width.
    #[track_caller]
    pub fn new(
        (features, hidden, out): (usize, usize, usize),
        depth: usize,
        shared: bool,
        residual: Residual,
        activation: Activation,
        rng: &mut Rng,
    ) -> Gcn {
        assert!(depth >= 1, "Gcn: depth must be at least 1");
        if depth == 1 {
            let input = GcnLayer::glorot(features, out, rng);
            return Gcn { input, hidden: vec![], output: None, depth, shared, residual, activation };
        }
        let input = GcnLayer::glorot(features, hidden, rng);
        let count = if shared { (depth - 2).min(1) } else { depth - 2 };
        let hidden_layers = (0..count).map(|_| GcnLayer::glorot(hidden, hidden, rng)).collect();
        let output = Some(GcnLayer::glorot(hidden, out, rng));
        Gcn { input, hidden: hidden_layers, output, depth, shared, residual, activation }
    }

    /// The layer applied at hidden step i.
    fn hidden_layer(&self, i: usize) -> &GcnLayer {
        if self.shared { &self.hidden[0] } else { &self.hidden[i] }
    }

    /// The layers in the order the forward pass applies them, one per entry of
    /// `GcnTrace::layers` (a shared hidden layer appears once per application).
    pub fn applied_layers(&self) -> Vec<&GcnLayer> {
        let mut applied = vec![&self.input];
        if let Some(output) = &self.output {
            applied.extend((0..self.depth - 2).map(|i| self.hidden_layer(i)));
            applied.push(output);
        }
        applied
    }

    /// Logits (nodes, out), and every layer's output on the way: [`Gcn::forward`]
    /// keeping what each layer produced (a test holds the two to the same bits).
    pub fn forward_trace(&self, adj: &Csr, x: &Tensor) -> GcnTrace {
        let Some(output) = &self.output else {
            return GcnTrace { layers: vec![self.input.forward(adj, x)] };
        };
        let mut h = self.activation.apply(&self.input.forward(adj, x));
        let mut layers = vec![h.clone()];
        for i in 0..self.depth - 2 {
            let z = self.activation.apply(&self.hidden_layer(i).forward(adj, &h));
            h = match self.residual {
                Residual::None => z,
                Residual::Scaled(alpha) => h.add(&z.scale(alpha)),
            };
            layers.push(h.clone());
        }
        layers.push(output.forward(adj, &h));
        GcnTrace { layers }
    }

    // ANCHOR: gcn_forward
    /// The logits (nodes, out) for every node at once.
    pub fn forward(&self, adj: &Csr, x: &Tensor) -> Tensor {
        let Some(output) = &self.output else { return self.input.forward(adj, x) };
        let mut h = self.activation.apply(&self.input.forward(adj, x));
        for i in 0..self.depth - 2 {
            let z = self.activation.apply(&self.hidden_layer(i).forward(adj, &h));
            h = match self.residual {
                Residual::None => z,
                Residual::Scaled(alpha) => h.add(&z.scale(alpha)),
            };
        }
        output.forward(adj, &h)
    }
    // ANCHOR_END: gcn_forward

    /// The distinct layers in order of application (a shared hidden layer once).
    pub fn layers(&self) -> Vec<&GcnLayer> {
        let mut all = vec![&self.input];
        all.extend(&self.hidden);
        all.extend(&self.output);
        all
    }

    /// The parameters as PyTorch Geometric's `state_dict` of the same stack
    /// (`torch_geometric.nn.models.GCN`, whose `convs` are `GCNConv` layers): layer k of
    /// [`Gcn::layers`] is `convs.{k}`, with `convs.{k}.lin.weight` in PyTorch's (out, in)
    /// layout (the transpose of ours) and `convs.{k}.bias`. A shared hidden weight is
    /// one entry, `convs.1`. torch: `model.state_dict()`
    pub fn state_dict(&self) -> Vec<(String, Tensor)> {
        let mut state = Vec::new();
        for (k, layer) in self.layers().into_iter().enumerate() {
            state.push((format!("convs.{k}.lin.weight"), layer.weight.tensor().t().detach()));
            state.push((format!("convs.{k}.bias"), layer.bias.tensor().detach()));
        }
        state
    }

    /// Set every parameter from a `state_dict` as [`Gcn::state_dict`] writes it; every
    /// entry must be present with its exact shape, and nothing else.
    /// torch: `load_state_dict(strict=True)`
    pub fn load_state_dict(&mut self, state: &[(String, Tensor)]) -> Result<(), String> {
        crate::module::check_state(&self.to_string(), &self.state_dict(), state)?;
        let mut layers: Vec<&mut GcnLayer> = vec![&mut self.input];
        layers.extend(&mut self.hidden);
        layers.extend(&mut self.output);
        for (k, layer) in layers.into_iter().enumerate() {
            let weight = crate::module::entry(state, &format!("convs.{k}.lin.weight")).t(); // (in, out)
            let bias = crate::module::entry(state, &format!("convs.{k}.bias"));
            layer.weight.update(|w| w.copy_from_slice(weight.data()));
            layer.bias.update(|b| b.copy_from_slice(bias.data()));
        }
        Ok(())
    }

    /// Every trainable parameter, in a fixed order.
    pub fn parameters(&self) -> Vec<&Parameter> {
        self.layers().into_iter().flat_map(|l| [&l.weight, &l.bias]).collect()
    }

    /// The same parameters, mutable, in the same order: what optimisers take.
    pub fn parameters_mut(&mut self) -> Vec<&mut Parameter> {
        let mut all: Vec<&mut GcnLayer> = vec![&mut self.input];
        all.extend(&mut self.hidden);
        all.extend(&mut self.output);
        all.into_iter().flat_map(|l| [&mut l.weight, &mut l.bias]).collect()
    }

    /// How many trainable numbers the stack holds (a shared weight counts once).
    pub fn num_parameters(&self) -> usize {
        self.parameters().iter().map(|p| p.numel()).sum()
    }
}

impl fmt::Display for Gcn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let residual = match self.residual {
            Residual::None => String::new(),
            Residual::Scaled(a) => format!(", residual alpha {a}"),
        };
        let shared = if self.shared && self.depth > 2 { ", hidden weight shared" } else { "" };
        write!(f, "Gcn({} layers{residual}{shared}, {} parameters)", self.depth, self.num_parameters())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Graph;

    /// The page shows `forward`; the depth study reads `forward_trace`. Both must give
    /// the same logits, bit for bit, for every kind of stack.
    #[test]
    fn forward_equals_forward_trace_bit_for_bit() {
        let g = Graph::new(6, [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (0, 5), (1, 4)]);
        let adj = g.normalized_adjacency();
        let mut rng = autograd::seeded_rng(7);
        let x = Tensor::randn(&[6, 5], 0.0, 1.0, &mut rng);
        for depth in [1, 2, 3, 6] {
            for shared in [false, true] {
                for residual in [Residual::None, Residual::Scaled(0.3)] {
                    for activation in [Activation::Relu, Activation::Tanh] {
                        let gcn = Gcn::new((5, 4, 3), depth, shared, residual, activation, &mut rng);
                        let plain = gcn.forward(&adj, &x);
                        let mut trace = gcn.forward_trace(&adj, &x);
                        assert_eq!(trace.layers.len(), depth);
                        let traced = trace.layers.pop().expect("at least one layer");
                        assert_eq!(plain.shape(), traced.shape());
                        let bits = |t: &Tensor| t.data().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                        assert_eq!(
                            bits(&plain),
                            bits(&traced),
                            "depth {depth}, shared {shared}, {residual:?}"
                        );
                    }
                }
            }
        }
    }
}

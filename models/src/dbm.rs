//! The deep Boltzmann machine (Salakhutdinov & Hinton 2009), and the multimodal one of
//! Srivastava & Salakhutdinov (2012): layers of units joined by symmetric weights into
//! one undirected model. Unlike a deep belief net, which is a stack of RBMs read top
//! down, every hidden layer here hears both its neighbours, so the posterior over the
//! hidden layers given the data is not a product of independent units and has no
//! closed form. It is approximated by **mean-field**: a fully factorised q(h), whose
//! means are iterated to a fixed point, and which maximises a lower bound on log p(v).
//!
//! The layers form a bipartite graph (a chain, or the multimodal net's two pathways
//! meeting at a joint layer): split by parity, every layer of one side is conditionally
//! independent of the others given the other side, which is what Gibbs sampling and
//! the partition function's estimators use.
//!
//! Energy of a joint state x (one row per example):
//! E(x) = Σ_{Gaussian l} ‖x_l‖²/2 − Σ_l b_l·x_l − Σ_{edges (a, b)} x_a W_ab x_b,
//! so p(x_l | neighbours) is sigmoid(field) for binary units and N(field, I) for
//! Gaussian ones, with field_l = b_l + Σ_{m next to l} x_m W_ml.
//!
//! No backpropagation: statistics are computed with the engine's tensors in no-grad mode.

use autograd::{Rng, Tensor, no_grad};

mod learn;
mod mean_field;
mod partition;
mod state;

pub use learn::{Pcd, PcdConfig};
pub use state::parameter_key;

use crate::rbm::sample;

/// What a layer's units take: 0/1, or real values of unit variance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Units {
    /// Binary units: p(x = 1 | field) = sigmoid(field).
    Binary,
    /// Real-valued units of unit variance (for standardised inputs): p(x | field) = N(field, 1).
    Gaussian,
}

/// One layer: its name (as a page names it), its units and biases.
#[derive(Clone, Debug)]
pub struct Layer {
    /// "image v", "image h1", "joint", ...
    pub name: String,
    /// What its units take.
    pub units: Units,
    /// Biases b_l, one per unit.
    pub bias: Tensor,
}

impl Layer {
    /// Its number of units.
    pub fn size(&self) -> usize {
        self.bias.shape()[0]
    }
}

/// Symmetric weights between two layers: `weight` is (size of `a`, size of `b`).
#[derive(Clone, Debug)]
pub struct Edge {
    /// One layer's index.
    pub a: usize,
    /// The other's.
    pub b: usize,
    /// W_ab.
    pub weight: Tensor,
}

/// A deep Boltzmann machine: layers, and the weights between neighbours.
#[derive(Clone, Debug)]
pub struct Dbm {
    /// The layers, in the order states are given.
    pub layers: Vec<Layer>,
    /// The weights; the layers and edges must form a bipartite graph.
    pub edges: Vec<Edge>,
    parity: Vec<bool>,
}

/// How mean-field iterates: sweeps over the free layers until no mean moves by more
/// than `tolerance`, or `max_sweeps`.
#[derive(Clone, Copy, Debug)]
pub struct MeanFieldConfig {
    /// Stop when the largest change of any unit's mean in a sweep is below this.
    pub tolerance: f32,
    /// Stop after this many sweeps regardless.
    pub max_sweeps: usize,
}

impl Default for MeanFieldConfig {
    fn default() -> Self {
        MeanFieldConfig { tolerance: 1e-5, max_sweeps: 100 }
    }
}

/// The fixed point mean-field reached.
#[derive(Clone, Debug)]
pub struct MeanField {
    /// q's means, one tensor per layer (a clamped layer's are its given values).
    pub means: Vec<Tensor>,
    /// Sweeps run (by the slowest row).
    pub sweeps: usize,
    /// The largest change of any unit's mean in its row's last sweep.
    pub last_change: f32,
    /// Rows stopped by the sweep limit before their change fell below the tolerance.
    pub unconverged: usize,
}

impl MeanField {
    /// Whether every row's last sweep moved no mean by more than `config.tolerance`.
    pub fn converged(&self, config: &MeanFieldConfig) -> bool {
        self.last_change < config.tolerance
    }
}

/// log(1 + e^x), without overflow.
pub(crate) fn softplus(x: f64) -> f64 {
    if x > 0.0 { x + (-x).exp().ln_1p() } else { x.exp().ln_1p() }
}

impl Dbm {
    /// Layers `(name, size, units)` joined by `edges` (pairs of layer indices), with
    /// small random weights N(0, 0.01²) and zero biases. Panics, naming the layers, if
    /// an edge joins a layer to itself or to a missing layer, or if the graph is not
    /// bipartite (an odd cycle).
    #[track_caller]
    pub fn new(layers: &[(&str, usize, Units)], edges: &[(usize, usize)], rng: &mut Rng) -> Dbm {
        let layers: Vec<Layer> = layers
            .iter()
            .map(|&(name, size, units)| Layer { name: name.to_string(), units, bias: Tensor::zeros(&[size]) })
            .collect();
        let edges: Vec<Edge> = edges
            .iter()
            .map(|&(a, b)| {
                assert!(
                    a < layers.len() && b < layers.len(),
                    "Dbm::new: edge ({a}, {b}) names a missing layer"
                );
                assert!(a != b, "Dbm::new: edge joins '{}' to itself", layers[a].name);
                let weight = Tensor::randn(&[layers[a].size(), layers[b].size()], 0.0, 0.01, rng);
                Edge { a, b, weight }
            })
            .collect();
        let parity = parity(&layers, &edges);
        Dbm { layers, edges, parity }
    }

    /// Which side of the bipartite split each layer is on.
    pub fn parity(&self) -> &[bool] {
        &self.parity
    }

    /// The layer named `name`'s index. Panics with the names if there is none.
    #[track_caller]
    pub fn layer(&self, name: &str) -> usize {
        let names: Vec<&str> = self.layers.iter().map(|l| l.name.as_str()).collect();
        names
            .iter()
            .position(|n| *n == name)
            .unwrap_or_else(|| panic!("Dbm: no layer '{name}' (layers: {names:?})"))
    }

    /// field_l = b_l + Σ_{m next to l} x_m W_ml, for each row of the states.
    pub fn field(&self, l: usize, states: &[Tensor]) -> Tensor {
        no_grad(|| {
            let mut f =
                Tensor::zeros(&[states[0].shape()[0], self.layers[l].size()]).add(&self.layers[l].bias);
            for e in &self.edges {
                if e.a == l {
                    f = f.add(&states[e.b].matmul(&e.weight.t()));
                } else if e.b == l {
                    f = f.add(&states[e.a].matmul(&e.weight));
                }
            }
            f
        })
    }

    /// The mean of p(x_l | field): sigmoid for binary units, the field itself for Gaussian.
    fn mean(&self, l: usize, field: &Tensor) -> Tensor {
        match self.layers[l].units {
            Units::Binary => no_grad(|| field.sigmoid()),
            Units::Gaussian => field.clone(),
        }
    }

    /// A sample of p(x_l | field).
    fn draw(&self, l: usize, field: &Tensor, rng: &mut Rng) -> Tensor {
        match self.layers[l].units {
            Units::Binary => sample(&no_grad(|| field.sigmoid()), rng),
            Units::Gaussian => no_grad(|| field.add(&Tensor::randn(field.shape(), 0.0, 1.0, rng))),
        }
    }

    #[track_caller]
    fn check_given(&self, given: &[Option<&Tensor>]) -> usize {
        assert_eq!(
            given.len(),
            self.layers.len(),
            "Dbm: one entry per layer ({}), got {}",
            self.layers.len(),
            given.len()
        );
        let mut rows = None;
        for (l, g) in given.iter().enumerate() {
            if let Some(t) = g {
                let (n, w) = (t.shape()[0], t.shape().get(1).copied().unwrap_or(0));
                assert!(
                    t.shape().len() == 2 && w == self.layers[l].size(),
                    "Dbm: layer '{}' has {} units, given a tensor of shape {:?}",
                    self.layers[l].name,
                    self.layers[l].size(),
                    t.shape()
                );
                assert!(rows.is_none_or(|r| r == n), "Dbm: given layers have different numbers of rows");
                rows = Some(n);
            }
        }
        rows.expect("Dbm: mean-field needs at least one layer given")
    }

    /// E(x) of each row of a joint state (one tensor per layer).
    pub fn energy(&self, states: &[Tensor]) -> Vec<f64> {
        let rows = states[0].shape()[0];
        let mut e = vec![0f64; rows];
        for (l, layer) in self.layers.iter().enumerate() {
            let (b, n) = (layer.bias.data(), layer.size());
            for (r, row) in states[l].data().chunks_exact(n).enumerate() {
                let lin: f64 = row.iter().zip(b.iter()).map(|(&x, &b)| f64::from(x) * f64::from(b)).sum();
                let square: f64 = if layer.units == Units::Gaussian {
                    row.iter().map(|&x| f64::from(x).powi(2) / 2.0).sum()
                } else {
                    0.0
                };
                e[r] += square - lin;
            }
        }
        for edge in &self.edges {
            let xw = no_grad(|| states[edge.a].matmul(&edge.weight));
            let nb = self.layers[edge.b].size();
            for (r, (p, q)) in
                xw.data().chunks_exact(nb).zip(states[edge.b].data().chunks_exact(nb)).enumerate()
            {
                e[r] -= p.iter().zip(q).map(|(&p, &q)| f64::from(p) * f64::from(q)).sum::<f64>();
            }
        }
        e
    }

    /// The variational lower bound on log p(v) of each row, given mean-field's means
    /// with the data layers clamped and log Z:
    /// log p(v) ≥ −E(v, μ) + H(q) − log Z, where H(q) is the binary entropy of the free
    /// layers' means (E is linear in each layer's units given the others, and no two
    /// units of one layer interact, so E under q is E at the means). Every Gaussian
    /// layer must be given (clamped); panics naming it otherwise.
    #[track_caller]
    pub fn lower_bound(&self, given: &[Option<&Tensor>], q: &MeanField, log_z: f64) -> Vec<f64> {
        for (l, layer) in self.layers.iter().enumerate() {
            assert!(
                given[l].is_some() || layer.units == Units::Binary,
                "Dbm::lower_bound: Gaussian layer '{}' must be given",
                layer.name
            );
        }
        let mut bound: Vec<f64> = self.energy(&q.means).iter().map(|e| -e - log_z).collect();
        for l in (0..self.layers.len()).filter(|&l| given[l].is_none()) {
            let n = self.layers[l].size();
            for (r, row) in q.means[l].data().chunks_exact(n).enumerate() {
                bound[r] += row.iter().map(|&m| binary_entropy(f64::from(m))).sum::<f64>();
            }
        }
        bound
    }

    /// One sweep of block Gibbs sampling on `states` in place: every free layer of one
    /// parity given the other side, then every free layer of the other parity.
    /// `clamped[l]` keeps layer l as it is (a present modality).
    pub fn gibbs(&self, states: &mut [Tensor], clamped: &[bool], rng: &mut Rng) {
        for side in [false, true] {
            for l in (0..self.layers.len()).filter(|&l| self.parity[l] == side && !clamped[l]) {
                let field = self.field(l, states);
                states[l] = self.draw(l, &field, rng);
            }
        }
    }
}

/// −m log m − (1 − m) log(1 − m), 0 at 0 and 1.
fn binary_entropy(m: f64) -> f64 {
    let term = |p: f64| if p > 0.0 { -p * p.ln() } else { 0.0 };
    term(m) + term(1.0 - m)
}

/// The side of each layer in a two-colouring of the layer graph. Panics on an odd cycle.
#[track_caller]
fn parity(layers: &[Layer], edges: &[Edge]) -> Vec<bool> {
    let mut side: Vec<Option<bool>> = vec![None; layers.len()];
    for start in 0..layers.len() {
        if side[start].is_some() {
            continue;
        }
        side[start] = Some(false);
        let mut stack = vec![start];
        while let Some(l) = stack.pop() {
            let here = side[l].unwrap_or(false);
            for e in edges.iter().filter(|e| e.a == l || e.b == l) {
                let other = if e.a == l { e.b } else { e.a };
                match side[other] {
                    None => {
                        side[other] = Some(!here);
                        stack.push(other);
                    }
                    Some(s) if s == here => panic!(
                        "Dbm::new: layers '{}' and '{}' close an odd cycle; a Boltzmann machine's layers must split in two",
                        layers[l].name, layers[other].name
                    ),
                    Some(_) => {}
                }
            }
        }
    }
    side.into_iter().map(|s| s.unwrap_or(false)).collect()
}

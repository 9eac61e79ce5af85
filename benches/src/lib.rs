//! Workloads shared by the criterion benches, built once outside the timed loop.
//! The same workloads, for other frameworks, are in `peers/`.

#![warn(missing_docs)]

use autograd::{Csr, Parameter, Rng, Sgd, Tensor, seeded_rng};
use rand::RngExt;

/// A random graph with `nodes` nodes and `edges` directed edges (uniform endpoints),
/// each weighted 1 / out-degree-ish: the sparsity pattern of a GCN's adjacency.
pub fn random_graph(nodes: usize, edges: usize, rng: &mut Rng) -> Csr {
    let triplets: Vec<(usize, usize, f32)> =
        (0..edges).map(|_| (rng.random_range(0..nodes), rng.random_range(0..nodes), 0.1)).collect();
    Csr::from_triplets(nodes, nodes, &triplets).expect("endpoints are in range")
}

/// The benchmark MLP 784-256-256-10 with ReLU, trained by SGD on cross-entropy.
pub struct Mlp {
    /// Weights and biases, alternating: w0, b0, w1, b1, ...
    pub params: Vec<Parameter>,
}

impl Mlp {
    /// Kaiming-initialised weights and zero biases for `widths`.
    pub fn new(widths: &[usize], rng: &mut Rng) -> Mlp {
        let mut params = Vec::new();
        for (i, pair) in widths.windows(2).enumerate() {
            let (fan_in, fan_out) = (pair[0], pair[1]);
            let w = autograd::init::kaiming_uniform(&[fan_in, fan_out], fan_in, rng);
            params.push(Parameter::new(format!("w{i}"), w));
            params.push(Parameter::new(format!("b{i}"), Tensor::zeros(&[fan_out])));
        }
        Mlp { params }
    }

    /// Logits: ReLU between the layers, none after the last.
    pub fn forward(&self, x: &Tensor) -> Tensor {
        let layers = self.params.len() / 2;
        let mut h = x.clone();
        for i in 0..layers {
            h = h.matmul(self.params[2 * i].tensor()).add(self.params[2 * i + 1].tensor());
            if i + 1 < layers {
                h = h.relu();
            }
        }
        h
    }

    /// One training step: forward, loss, backward, update. Returns the loss.
    pub fn train_step(&mut self, x: &Tensor, labels: &[usize], sgd: &mut Sgd) -> f32 {
        let loss = self.forward(x).cross_entropy(labels);
        let value = loss.item();
        let grads = loss.backward();
        drop(loss); // release the graph so the update writes in place
        let mut params: Vec<&mut Parameter> = self.params.iter_mut().collect();
        sgd.step(&mut params, &grads);
        value
    }
}

/// A batch of random inputs and labels for the MLP.
pub fn mlp_batch(batch: usize, features: usize, classes: usize, rng: &mut Rng) -> (Tensor, Vec<usize>) {
    let x = Tensor::randn(&[batch, features], 0.0, 1.0, rng);
    let labels = (0..batch).map(|_| rng.random_range(0..classes)).collect();
    (x, labels)
}

/// The seed every bench uses.
pub fn bench_rng() -> Rng {
    seeded_rng(2026)
}

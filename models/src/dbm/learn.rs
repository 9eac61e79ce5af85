//! Learning a DBM (Salakhutdinov & Hinton 2009): the gradient of log p(v) is a
//! difference of two expectations, ⟨x_a x_bᵀ⟩ under the posterior minus the same under
//! the model. Neither is tractable. The first (data-dependent) is taken under
//! mean-field's q with the data clamped, which makes the update follow the variational
//! lower bound; the second (the model's) comes from persistent Gibbs chains that carry
//! over from update to update (stochastic approximation), with a learning rate that
//! decays so the chains can follow the slowly moving model.

use autograd::{Rng, Tensor, no_grad};

use super::{Dbm, MeanField, MeanFieldConfig, Units};
use crate::rbm::sample;

/// How persistent contrastive divergence with mean-field trains a DBM.
#[derive(Clone, Copy, Debug)]
pub struct PcdConfig {
    /// The learning rate at the first update; the t-th uses lr / (1 + t / decay).
    pub lr: f32,
    /// The same for the weights and biases of Gaussian layers (real-valued inputs,
    /// whose statistics are larger and noisier than binary units').
    pub gaussian_lr: f32,
    /// Updates over which the learning rate halves.
    pub decay: f32,
    /// Momentum of the updates.
    pub momentum: f32,
    /// L2 penalty on the weights.
    pub weight_decay: f32,
    /// Gibbs sweeps of the persistent chains per update.
    pub gibbs_sweeps: usize,
    /// Mean-field's tolerance and sweep limit for the data-dependent statistics.
    pub mean_field: MeanFieldConfig,
}

/// The trainer: persistent chains, the update count, and momentum buffers.
pub struct Pcd {
    /// Its settings.
    pub config: PcdConfig,
    /// The fantasy particles: one state per layer, `chains` rows each.
    pub chains: Vec<Tensor>,
    /// Updates made.
    pub updates: usize,
    weight_velocity: Vec<Tensor>,
    bias_velocity: Vec<Tensor>,
}

impl Pcd {
    /// A trainer with `chains` persistent chains, started from each layer's biases
    /// (binary units sampled, Gaussian ones drawn around them).
    pub fn new(config: PcdConfig, dbm: &Dbm, chains: usize, rng: &mut Rng) -> Pcd {
        let mut states: Vec<Tensor> = dbm
            .layers
            .iter()
            .map(|l| {
                let field = no_grad(|| Tensor::zeros(&[chains, l.size()]).add(&l.bias));
                match l.units {
                    Units::Binary => sample(&no_grad(|| field.sigmoid()), rng),
                    Units::Gaussian => no_grad(|| field.add(&Tensor::randn(field.shape(), 0.0, 1.0, rng))),
                }
            })
            .collect();
        dbm.gibbs(&mut states, &vec![false; dbm.layers.len()], rng);
        Pcd::from_chains(config, dbm, states)
    }

    /// A trainer whose persistent chains start at `chains` (one tensor per layer, the
    /// same number of rows each): for instance training examples with their hidden
    /// layers sampled from mean-field, so the chains start where the data is rather than
    /// where the biases alone put them. Panics naming a layer whose width is wrong.
    #[track_caller]
    pub fn from_chains(config: PcdConfig, dbm: &Dbm, chains: Vec<Tensor>) -> Pcd {
        assert_eq!(chains.len(), dbm.layers.len(), "Pcd::from_chains: one state per layer");
        for (layer, c) in dbm.layers.iter().zip(&chains) {
            assert!(
                c.shape().len() == 2 && c.shape()[1] == layer.size() && c.shape()[0] == chains[0].shape()[0],
                "Pcd::from_chains: layer '{}' has {} units, its chains have shape {:?}",
                layer.name,
                layer.size(),
                c.shape()
            );
        }
        Pcd {
            config,
            chains,
            updates: 0,
            weight_velocity: dbm.edges.iter().map(|e| Tensor::zeros(e.weight.shape())).collect(),
            bias_velocity: dbm.layers.iter().map(|l| Tensor::zeros(l.bias.shape())).collect(),
        }
    }

    // ANCHOR: step
    /// One update on a minibatch: `data[l]` holds the rows of each observed layer (None
    /// for hidden ones). Returns mean-field's result, so callers can check it converged.
    #[track_caller]
    pub fn step(&mut self, dbm: &mut Dbm, data: &[Option<&Tensor>], rng: &mut Rng) -> MeanField {
        let q = dbm.mean_field(data, &self.config.mean_field);
        for _ in 0..self.config.gibbs_sweeps {
            dbm.gibbs(&mut self.chains, &vec![false; dbm.layers.len()], rng);
        }
        let (n, m) = (q.means[0].shape()[0] as f32, self.chains[0].shape()[0] as f32);
        let schedule = 1.0 / (1.0 + self.updates as f32 / self.config.decay);
        let gaussian: Vec<bool> = dbm.layers.iter().map(|l| l.units == Units::Gaussian).collect();
        let rate = |g: bool| if g { self.config.gaussian_lr } else { self.config.lr } * schedule;
        let mo = self.config.momentum;
        for (e, velocity) in dbm.edges.iter_mut().zip(&mut self.weight_velocity) {
            let (a, b) = (e.a, e.b);
            let lr = rate(gaussian[a] || gaussian[b]);
            let gradient = no_grad(|| {
                let data_term = q.means[a].t().matmul(&q.means[b]).scale(1.0 / n);
                let model_term = self.chains[a].t().matmul(&self.chains[b]).scale(1.0 / m);
                data_term.sub(&model_term).sub(&e.weight.scale(self.config.weight_decay))
            });
            *velocity = no_grad(|| velocity.scale(mo).add(&gradient.scale(lr)));
            e.weight = no_grad(|| e.weight.add(velocity));
        }
        for (l, velocity) in self.bias_velocity.iter_mut().enumerate() {
            let lr = rate(gaussian[l]);
            let gradient = no_grad(|| q.means[l].mean(0, false).sub(&self.chains[l].mean(0, false)));
            *velocity = no_grad(|| velocity.scale(mo).add(&gradient.scale(lr)));
            dbm.layers[l].bias = no_grad(|| dbm.layers[l].bias.add(velocity));
        }
        self.updates += 1;
        q
    }
    // ANCHOR_END: step
}

//! The restricted Boltzmann machine with binary visible and hidden units, learned by
//! contrastive divergence (CD-k) or persistent CD, and its log-likelihood: exactly, by
//! enumerating the hidden states of a small model, or by annealed importance sampling.
//! No backpropagation: the learning rule is a difference of two correlations, computed
//! with the engine's tensors in no-grad mode.
//!
//! Energy of a joint state (v, h): E(v, h) = -v W h - a·v - b·h; p(v, h) = e^-E / Z.

use autograd::{Rng, Tensor, no_grad};

use crate::model::transposed;
use rand::RngExt;

/// An RBM with binary hidden units and binary visible units, or Gaussian ones of unit
/// variance (`gaussian`: for real-valued, standardised inputs, with energy
/// E(v, h) = Σ_i (v_i - a_i)² / 2 - v W h - b·h, so p(v | h) = N(a + W h, I)).
pub struct Rbm {
    /// Gaussian (real-valued) visible units instead of binary ones.
    pub gaussian: bool,
    /// (visible, hidden) weights W.
    pub weight: Tensor,
    /// Visible biases a.
    pub visible_bias: Tensor,
    /// Hidden biases b.
    pub hidden_bias: Tensor,
}

/// log(1 + e^x), without overflow.
fn softplus(x: f64) -> f64 {
    if x > 0.0 { x + (-x).exp().ln_1p() } else { x.exp().ln_1p() }
}

/// log Σ e^x, without overflow.
fn logsumexp(xs: &[f64]) -> f64 {
    let m = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return m;
    }
    m + xs.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

/// The mean squared difference between two tensors' entries.
fn mean_squared_difference(x: &Tensor, y: &Tensor) -> f64 {
    let (x, y) = (x.data(), y.data());
    x.iter().zip(y.iter()).map(|(a, b)| ((a - b) as f64).powi(2)).sum::<f64>() / x.len().max(1) as f64
}

/// Each entry 1 with its probability in `p`, else 0. torch: `torch.bernoulli(p)`
pub fn sample(p: &Tensor, rng: &mut Rng) -> Tensor {
    let s: Vec<f32> = p.data().iter().map(|&q| f32::from(u8::from(rng.random::<f32>() < q))).collect();
    Tensor::from_vec(s, p.shape())
}

/// log Z estimated by annealed importance sampling, with its uncertainty.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AisEstimate {
    /// log Z_base + log mean(w) over the runs' importance weights w.
    pub log_z: f64,
    /// The standard error of `log_z`, by the delta method: se(log mean w) ≈ sd(w) /
    /// (√R · mean(w)) over the R runs (sample standard deviation; NaN for one run).
    /// It measures only how much the weights scatter: when a few runs carry most of the
    /// weight, or none has reached the model's main modes, it understates the error,
    /// and log Z from AIS tends to fall below the truth (its mean over repeats is a
    /// lower bound, by Jensen's inequality).
    pub std_error: f64,
    /// R, the independent runs.
    pub runs: usize,
}

impl AisEstimate {
    /// The estimate from log Z_base and each run's log importance weight. With the
    /// weights normalised to u_i = w_i / Σ w, sd(w) / (√R · mean(w)) is
    /// √((R Σ u_i² - 1) / (R - 1)), computed without overflow.
    pub fn from_log_weights(log_z_base: f64, log_w: &[f64]) -> AisEstimate {
        let runs = log_w.len();
        let total = logsumexp(log_w);
        let squares: f64 = log_w.iter().map(|&l| (2.0 * (l - total)).exp()).sum();
        let r = runs as f64;
        let std_error = if runs > 1 { ((r * squares - 1.0).max(0.0) / (r - 1.0)).sqrt() } else { f64::NAN };
        AisEstimate { log_z: log_z_base + total - r.ln(), std_error, runs }
    }
}

impl Rbm {
    /// Small random weights (N(0, 0.01²), Hinton's practical guide) and zero biases.
    pub fn new(visible: usize, hidden: usize, rng: &mut Rng) -> Rbm {
        Rbm {
            gaussian: false,
            weight: Tensor::randn(&[visible, hidden], 0.0, 0.01, rng),
            visible_bias: Tensor::zeros(&[visible]),
            hidden_bias: Tensor::zeros(&[hidden]),
        }
    }

    /// Visible units.
    pub fn visible(&self) -> usize {
        self.weight.shape()[0]
    }

    /// Hidden units.
    pub fn hidden(&self) -> usize {
        self.weight.shape()[1]
    }

    // ANCHOR: conditionals
    /// p(h_j = 1 | v) = sigmoid(b_j + Σ_i v_i W_ij), for each row of `v`.
    pub fn hidden_probs(&self, v: &Tensor) -> Tensor {
        no_grad(|| v.matmul(&self.weight).add(&self.hidden_bias).sigmoid())
    }

    /// p(v_i = 1 | h) = sigmoid(a_i + Σ_j W_ij h_j), for each row of `h` (for Gaussian
    /// visible units, the mean a_i + Σ_j W_ij h_j).
    pub fn visible_probs(&self, h: &Tensor) -> Tensor {
        let field = no_grad(|| h.matmul(&self.weight.t()).add(&self.visible_bias));
        if self.gaussian { field } else { no_grad(|| field.sigmoid()) }
    }
    // ANCHOR_END: conditionals

    /// One step of block Gibbs sampling: h ~ p(h | v), then v ~ p(v | h).
    pub fn gibbs(&self, v: &Tensor, rng: &mut Rng) -> Tensor {
        let h = sample(&self.hidden_probs(v), rng);
        let mean = self.visible_probs(&h);
        if self.gaussian {
            no_grad(|| mean.add(&Tensor::randn(mean.shape(), 0.0, 1.0, rng)))
        } else {
            sample(&mean, rng)
        }
    }

    /// The free energy F(v) = -a·v - Σ_j softplus(b_j + (v W)_j) of each row: the
    /// hidden units summed out, so p(v) = e^-F(v) / Z.
    pub fn free_energy(&self, v: &Tensor) -> Vec<f64> {
        let x = no_grad(|| v.matmul(&self.weight).add(&self.hidden_bias));
        let (a, n) = (self.visible_bias.data(), self.hidden());
        v.data()
            .chunks_exact(self.visible())
            .zip(x.data().chunks_exact(n))
            .map(|(row, xs)| {
                let visible: f64 = if self.gaussian {
                    row.iter().zip(a.iter()).map(|(&vi, &ai)| ((vi - ai) as f64).powi(2) / 2.0).sum()
                } else {
                    -row.iter().zip(a.iter()).map(|(&vi, &ai)| (vi * ai) as f64).sum::<f64>()
                };
                visible - xs.iter().map(|&x| softplus(x as f64)).sum::<f64>()
            })
            .collect()
    }

    /// log Z by summing over every hidden state: log Σ_h e^{b·h} Π_i (1 + e^{a_i + (W h)_i}).
    /// Exact, and only feasible for about 24 hidden units or fewer.
    pub fn log_partition_exact(&self) -> Result<f64, String> {
        let (nv, nh) = (self.visible(), self.hidden());
        if self.gaussian {
            return Err("log_partition_exact: written for binary visible units".into());
        }
        if nh > 24 {
            return Err(format!("log_partition_exact: 2^{nh} hidden states are too many to enumerate"));
        }
        let (w, a, b) = (self.weight.data(), self.visible_bias.data(), self.hidden_bias.data());
        let terms: Vec<f64> = (0u32..1 << nh)
            .map(|state| {
                let on: Vec<usize> = (0..nh).filter(|j| state >> j & 1 == 1).collect();
                let hidden: f64 = on.iter().map(|&j| b[j] as f64).sum();
                let visible: f64 = (0..nv)
                    .map(|i| softplus(a[i] as f64 + on.iter().map(|&j| w[i * nh + j] as f64).sum::<f64>()))
                    .sum();
                hidden + visible
            })
            .collect();
        Ok(logsumexp(&terms))
    }

    /// Mean log-likelihood of the rows of `v` given log Z: mean of -F(v) - log Z.
    pub fn log_likelihood(&self, v: &Tensor, log_z: f64) -> f64 {
        let f = self.free_energy(v);
        -f.iter().sum::<f64>() / f.len().max(1) as f64 - log_z
    }

    /// The parameters under the names a PyTorch reimplementation would register as
    /// `nn.Parameter`s (PyTorch has no RBM module), for the energy
    /// E(v, h) = -v W h - a·v - b·h (binary visible units) or
    /// Σ_i (v_i - a_i)² / 2 - v W h - b·h (Gaussian ones):
    ///
    /// - `weight`: W in `nn.Linear(visible, hidden).weight`'s (hidden, visible) layout,
    ///   the transpose of ours, so p(h = 1 | v) = `sigmoid(F.linear(v, weight, hidden_bias))`
    ///   and the visible units' field is `F.linear(h, weight.T, visible_bias)`;
    /// - `visible_bias`: a, one per visible unit;
    /// - `hidden_bias`: b, one per hidden unit.
    ///
    /// Whether the visible units are Gaussian is not a tensor: keep it with the
    /// architecture (a checkpoint's metadata). A stack prefixes the names
    /// (`rbms.0.weight`). torch: `rbm.state_dict()`
    pub fn state_dict(&self) -> Vec<(String, Tensor)> {
        vec![
            ("weight".to_string(), transposed(&self.weight)),
            ("visible_bias".to_string(), Tensor::from_vec(self.visible_bias.to_vec(), &[self.visible()])),
            ("hidden_bias".to_string(), Tensor::from_vec(self.hidden_bias.to_vec(), &[self.hidden()])),
        ]
    }

    /// Set W, a and b from a `state_dict` as [`Rbm::state_dict`] writes it: every
    /// entry present with its exact shape and nothing else, or an error naming the
    /// first entry that differs (the RBM is left unchanged). torch:
    /// `load_state_dict(strict=True)`
    pub fn load_state_dict(&mut self, state: &[(String, Tensor)]) -> Result<(), String> {
        let what = format!("RBM ({} visible, {} hidden units)", self.visible(), self.hidden());
        crate::module::check_state(&what, &self.state_dict(), state)?;
        let get = |name: &str| crate::module::entry(state, name);
        self.weight = transposed(get("weight"));
        self.visible_bias = Tensor::from_vec(get("visible_bias").to_vec(), &[self.visible()]);
        self.hidden_bias = Tensor::from_vec(get("hidden_bias").to_vec(), &[self.hidden()]);
        Ok(())
    }

    // ANCHOR: ais
    /// log Z by annealed importance sampling (Salakhutdinov & Murray 2008): anneal from
    /// a base model with no weights and visible biases `base` (whose Z is known) to
    /// this one, through `steps` inverse temperatures β evenly spaced in [0, 1], with
    /// `runs` independent chains; log Z = log Z_base + log mean of the importance weights,
    /// returned with its standard error over the runs (see [`AisEstimate`]).
    pub fn log_partition_ais(&self, base: &[f32], steps: usize, runs: usize, rng: &mut Rng) -> AisEstimate {
        assert!(!self.gaussian, "log_partition_ais: written for binary visible units");
        let (nv, nh) = (self.visible(), self.hidden());
        let base_t = Tensor::from_vec(base.to_vec(), &[nv]);
        // log p*_β(v) = (1 - β) base·v + β a·v + Σ_j softplus(β (b + v W)_j)
        // `x` is the hidden units' input b + v W, shared by both temperatures and the Gibbs step.
        let log_unnormalised = |v: &Tensor, x: &Tensor, beta: f64| -> Vec<f64> {
            let a = self.visible_bias.data();
            v.data()
                .chunks_exact(nv)
                .zip(x.data().chunks_exact(nh))
                .map(|(row, xs)| {
                    let lin: f64 = row
                        .iter()
                        .enumerate()
                        .map(|(i, &vi)| vi as f64 * ((1.0 - beta) * base[i] as f64 + beta * a[i] as f64))
                        .sum();
                    lin + xs.iter().map(|&x| softplus(beta * x as f64)).sum::<f64>()
                })
                .collect()
        };
        // A sample of the base model: independent visible units.
        let p0 = no_grad(|| Tensor::zeros(&[runs, nv]).add(&base_t).sigmoid());
        let mut v = sample(&p0, rng);
        let mut log_w = vec![0f64; runs];
        for k in 1..=steps {
            let (prev, beta) = ((k - 1) as f64 / steps as f64, k as f64 / steps as f64);
            let x = no_grad(|| v.matmul(&self.weight).add(&self.hidden_bias));
            for ((w, now), before) in
                log_w.iter_mut().zip(log_unnormalised(&v, &x, beta)).zip(log_unnormalised(&v, &x, prev))
            {
                *w += now - before;
            }
            if k < steps {
                // One Gibbs step that leaves p_β invariant.
                let b = beta as f32;
                let h = sample(&no_grad(|| x.scale(b).sigmoid()), rng);
                let field = no_grad(|| {
                    h.matmul(&self.weight.t()).add(&self.visible_bias).scale(b).add(&base_t.scale(1.0 - b))
                });
                v = sample(&no_grad(|| field.sigmoid()), rng);
            }
        }
        let log_z_base: f64 =
            base.iter().map(|&c| softplus(c as f64)).sum::<f64>() + nh as f64 * std::f64::consts::LN_2;
        AisEstimate::from_log_weights(log_z_base, &log_w)
    }
    // ANCHOR_END: ais
}

/// How contrastive divergence trains.
#[derive(Clone, Copy, Debug)]
pub struct CdConfig {
    /// Gibbs steps per update (CD-k).
    pub k: usize,
    /// Learning rate.
    pub lr: f32,
    /// Momentum on the updates.
    pub momentum: f32,
    /// L2 weight decay on W.
    pub weight_decay: f32,
}

/// Contrastive divergence: the state between updates (momentum, and the fantasy
/// particles of persistent CD).
pub struct Cd {
    /// The settings.
    pub config: CdConfig,
    velocity: (Vec<f32>, Vec<f32>, Vec<f32>),
    /// Persistent CD's chains (rows of visible states), if persistent.
    pub chains: Option<Tensor>,
}

impl Cd {
    /// CD-k, restarting the negative chain at the data every update.
    pub fn new(config: CdConfig, rbm: &Rbm) -> Cd {
        let velocity = (vec![0.0; rbm.weight.numel()], vec![0.0; rbm.visible()], vec![0.0; rbm.hidden()]);
        Cd { config, velocity, chains: None }
    }

    /// Persistent CD (Tieleman 2008): the negative chains continue from where the last
    /// update left them, `chains` of them, started from random binary states.
    pub fn persistent(config: CdConfig, rbm: &Rbm, chains: usize, rng: &mut Rng) -> Cd {
        let mut cd = Cd::new(config, rbm);
        cd.chains = Some(sample(&Tensor::full(&[chains, rbm.visible()], 0.5), rng));
        cd
    }

    // ANCHOR: cd_step
    /// One update from the batch `v0`: ΔW ∝ ⟨v h⟩_data - ⟨v h⟩_model, and likewise for
    /// the biases, the model's side from k Gibbs steps started at the data (CD-k) or
    /// at the persistent chains (PCD). Returns the batch's reconstruction error: the
    /// mean squared difference between v0 and p(v | h ~ p(h | v0)).
    pub fn step(&mut self, rbm: &mut Rbm, v0: &Tensor, lr: f32, rng: &mut Rng) -> f64 {
        let ph0 = rbm.hidden_probs(v0); // data statistics use probabilities
        let recon = rbm.visible_probs(&sample(&ph0, rng));
        let mut vk = self.chains.clone().unwrap_or_else(|| v0.clone());
        for _ in 0..self.config.k {
            // Gaussian visible units reconstruct to their mean (Hinton's guide).
            vk = if rbm.gaussian {
                rbm.visible_probs(&sample(&rbm.hidden_probs(&vk), rng))
            } else {
                rbm.gibbs(&vk, rng)
            };
        }
        let phk = rbm.hidden_probs(&vk);
        let (n, m) = (v0.shape()[0] as f32, vk.shape()[0] as f32);
        let deltas = no_grad(|| {
            let positive = v0.t().matmul(&ph0).scale(1.0 / n);
            let negative = vk.t().matmul(&phk).scale(1.0 / m);
            let decay = rbm.weight.scale(self.config.weight_decay);
            let dw = positive.sub(&negative).sub(&decay);
            let da = v0.mean(0, false).sub(&vk.mean(0, false));
            let db = ph0.mean(0, false).sub(&phk.mean(0, false));
            [dw.to_vec(), da.to_vec(), db.to_vec()]
        });
        self.apply(rbm, deltas, lr);
        if self.chains.is_some() {
            self.chains = Some(vk);
        }
        mean_squared_difference(v0, &recon)
    }
    // ANCHOR_END: cd_step

    /// Momentum: each parameter's velocity ← μ · velocity + lr · Δ, then the parameter
    /// moves by its velocity; `deltas` are ΔW, Δa, Δb.
    fn apply(&mut self, rbm: &mut Rbm, [dw, da, db]: [Vec<f32>; 3], lr: f32) {
        let mu = self.config.momentum;
        let update = |param: &Tensor, velocity: &mut Vec<f32>, grad: &[f32]| {
            for (v, g) in velocity.iter_mut().zip(grad) {
                *v = mu * *v + lr * g;
            }
            let values: Vec<f32> = param.data().iter().zip(velocity.iter()).map(|(p, v)| p + v).collect();
            Tensor::from_vec(values, param.shape())
        };
        rbm.weight = update(&rbm.weight, &mut self.velocity.0, &dw);
        rbm.visible_bias = update(&rbm.visible_bias, &mut self.velocity.1, &da);
        rbm.hidden_bias = update(&rbm.hidden_bias, &mut self.velocity.2, &db);
    }
}

#[cfg(test)]
#[path = "rbm_tests.rs"]
mod tests;

//! The partition function Z of a DBM: exactly, by enumerating one side of the bipartite
//! split (for tiny models), or by annealed importance sampling. Both sum the other side
//! out in closed form: given one side S, the other side's layers are independent, so
//! p*(S) = Σ_T e^{−E} = e^{Σ_{l∈S} b_l·x_l} Π_{l∈T} A_l(field_l(S)), with
//! log A = Σ softplus(field) for binary units and ‖field‖²/2 + (D/2) log 2π for Gaussian ones.

use autograd::{Rng, Tensor, no_grad};

use super::{Dbm, Units, softplus};
use crate::rbm::{AisEstimate, sample};

impl Dbm {
    /// The side to enumerate or anneal over: all binary, the fewer units.
    fn enumerated_side(&self) -> Result<bool, String> {
        let units = |side: bool| -> Option<usize> {
            let layers = self.layers.iter().zip(&self.parity).filter(|(_, p)| **p == side);
            layers.map(|(l, _)| (l.units == Units::Binary).then(|| l.size())).sum()
        };
        // The side returned is enumerated (or annealed over); the other is summed out.
        match (units(false), units(true)) {
            (Some(a), Some(b)) => Ok(a > b),
            (Some(_), None) => Ok(false),
            (None, Some(_)) => Ok(true),
            (None, None) => {
                Err("Dbm: both sides of the split have Gaussian layers; one must be all binary".into())
            }
        }
    }

    /// log p*_β(S) of each row of the states (only side S's entries are read): the other
    /// side summed out, with every weight and bias scaled by β.
    fn log_unnormalised(&self, states: &[Tensor], s: bool, beta: f64) -> Vec<f64> {
        self.log_unnormalised_at(states, s, &[beta]).swap_remove(0)
    }

    /// [`Dbm::log_unnormalised`] at several β from one computation of the fields
    /// (a field does not depend on β; only how it is weighed does).
    fn log_unnormalised_at(&self, states: &[Tensor], s: bool, betas: &[f64]) -> Vec<Vec<f64>> {
        let rows = states[0].shape()[0];
        let mut out = vec![vec![0f64; rows]; betas.len()];
        for (l, layer) in self.layers.iter().enumerate() {
            let n = layer.size();
            if self.parity[l] == s {
                let b = layer.bias.data();
                for (r, row) in states[l].data().chunks_exact(n).enumerate() {
                    let lin =
                        row.iter().zip(b.iter()).map(|(&x, &b)| f64::from(x) * f64::from(b)).sum::<f64>();
                    for (o, &beta) in out.iter_mut().zip(betas) {
                        o[r] += beta * lin;
                    }
                }
            } else {
                let field = self.field(l, states);
                for (r, row) in field.data().chunks_exact(n).enumerate() {
                    for (o, &beta) in out.iter_mut().zip(betas) {
                        o[r] += match layer.units {
                            Units::Binary => row.iter().map(|&f| softplus(beta * f64::from(f))).sum::<f64>(),
                            Units::Gaussian => {
                                row.iter().map(|&f| (beta * f64::from(f)).powi(2) / 2.0).sum::<f64>()
                                    + n as f64 / 2.0 * (2.0 * std::f64::consts::PI).ln()
                            }
                        };
                    }
                }
            }
        }
        out
    }

    /// log Z by enumerating every state of the all-binary side with fewer units (at most
    /// 22), the other side summed out. Exact; for tests and tiny models.
    pub fn log_partition_exact(&self) -> Result<f64, String> {
        let s = self.enumerated_side()?;
        let side: Vec<usize> = (0..self.layers.len()).filter(|&l| self.parity[l] == s).collect();
        let bits: usize = side.iter().map(|&l| self.layers[l].size()).sum();
        if bits > 22 {
            return Err(format!("Dbm::log_partition_exact: 2^{bits} states are too many to enumerate"));
        }
        let rows = 1usize << bits;
        let mut states: Vec<Tensor> = self.layers.iter().map(|l| Tensor::zeros(&[rows, l.size()])).collect();
        let mut offset = 0;
        for &l in &side {
            let n = self.layers[l].size();
            let values: Vec<f32> = (0..rows)
                .flat_map(|r| (0..n).map(move |j| f32::from(u8::from(r >> (offset + j) & 1 == 1))))
                .collect();
            states[l] = Tensor::from_vec(values, &[rows, n]);
            offset += n;
        }
        Ok(logsumexp(&self.log_unnormalised(&states, s, 1.0)))
    }

    // ANCHOR: ais
    /// log Z by annealed importance sampling: from β = 0 (no weights or biases: the
    /// annealed side uniform, Z known) to β = 1 through `steps` evenly spaced
    /// temperatures, with `runs` chains. Each step adds log p*_β − log p*_β' to a run's
    /// log weight, then moves it by one Gibbs sweep that leaves p_β unchanged.
    pub fn log_partition_ais(&self, steps: usize, runs: usize, rng: &mut Rng) -> Result<AisEstimate, String> {
        let s = self.enumerated_side()?;
        let mut states: Vec<Tensor> = self
            .layers
            .iter()
            .zip(&self.parity)
            .map(|(l, &p)| {
                if p == s {
                    sample(&Tensor::full(&[runs, l.size()], 0.5), rng)
                } else {
                    Tensor::zeros(&[runs, l.size()])
                }
            })
            .collect();
        let mut log_w = vec![0f64; runs];
        for k in 1..=steps {
            let (prev, beta) = ((k - 1) as f64 / steps as f64, k as f64 / steps as f64);
            let [now, before]: [Vec<f64>; 2] =
                self.log_unnormalised_at(&states, s, &[beta, prev]).try_into().expect("two temperatures");
            for ((w, a), b) in log_w.iter_mut().zip(now).zip(before) {
                *w += a - b;
            }
            if k < steps {
                let b = beta as f32;
                for side in [!s, s] {
                    for l in (0..self.layers.len()).filter(|&l| self.parity[l] == side) {
                        let field = no_grad(|| self.field(l, &states).scale(b));
                        states[l] = self.draw(l, &field, rng);
                    }
                }
            }
        }
        let base: f64 = self
            .layers
            .iter()
            .map(|l| match l.units {
                Units::Binary => l.size() as f64 * std::f64::consts::LN_2,
                Units::Gaussian => l.size() as f64 / 2.0 * (2.0 * std::f64::consts::PI).ln(),
            })
            .sum();
        Ok(AisEstimate::from_log_weights(base, &log_w))
    }
    // ANCHOR_END: ais
}

/// log Σ e^x, without overflow.
fn logsumexp(xs: &[f64]) -> f64 {
    let m = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return m;
    }
    m + xs.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

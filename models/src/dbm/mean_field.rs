//! Mean-field inference in a DBM: a fully factorised q over the free layers, each
//! example swept until its means stop moving (see [`Dbm::mean_field`]).

use autograd::{Tensor, no_grad};

use super::{Dbm, MeanField, MeanFieldConfig};

impl Dbm {
    /// Mean-field inference of the layers not `given`: start from one pass in layer
    /// order (each free layer from the neighbours set so far, the rest at zero), then
    /// sweep, setting each free layer's means to the mean of p(x_l | its neighbours'
    /// means). Each update maximises the lower bound over that layer with the others
    /// fixed, so the bound never falls. Every example (row) is swept until none of its
    /// means moves by more than the tolerance; a row that has converged is left alone.
    #[track_caller]
    pub fn mean_field(&self, given: &[Option<&Tensor>], config: &MeanFieldConfig) -> MeanField {
        self.mean_field_from(given, None, config)
    }

    /// Mean-field as [`Dbm::mean_field`], starting the free layers from `start` (one
    /// tensor per layer; a given layer's entry is ignored) instead of the first pass:
    /// for instance from a bottom-up pass of the deep belief net the DBM was built from.
    #[track_caller]
    pub fn mean_field_from(
        &self,
        given: &[Option<&Tensor>],
        start: Option<&[Tensor]>,
        config: &MeanFieldConfig,
    ) -> MeanField {
        let rows = self.check_given(given);
        let free: Vec<usize> = (0..self.layers.len()).filter(|&l| given[l].is_none()).collect();
        let mut means: Vec<Tensor> = self.layers.iter().map(|l| Tensor::zeros(&[rows, l.size()])).collect();
        for (l, g) in given.iter().enumerate() {
            if let Some(t) = g {
                means[l] = (*t).clone();
            }
        }
        match start {
            Some(start) => {
                assert_eq!(start.len(), self.layers.len(), "Dbm::mean_field_from: one start per layer");
                for &l in &free {
                    assert_eq!(
                        start[l].shape(),
                        means[l].shape(),
                        "Dbm::mean_field_from: layer '{}' starts from the wrong shape",
                        self.layers[l].name
                    );
                    means[l] = start[l].clone();
                }
            }
            None => {
                for &l in &free {
                    means[l] = self.mean(l, &self.field(l, &means));
                }
            }
        }
        // The clamped layers' part of each free layer's field (with its bias) does not
        // change from sweep to sweep: computed once.
        let clamped: Vec<bool> = given.iter().map(|g| g.is_some()).collect();
        let fixed: Vec<Vec<f32>> = (0..self.layers.len())
            .map(|l| if clamped[l] { vec![] } else { self.field_from(l, &means, &clamped, true).to_vec() })
            .collect();
        let mut tables: Vec<Vec<f32>> = means.iter().map(|t| t.to_vec()).collect();
        // ANCHOR: mean_field
        // Sweep the rows still moving: each free layer's means from its neighbours'.
        let mut change = vec![f32::INFINITY; rows];
        let mut active: Vec<usize> = (0..rows).collect();
        let mut sweeps = 0;
        while sweeps < config.max_sweeps && !active.is_empty() {
            // The rows still moving, every layer gathered.
            let mut sub: Vec<Tensor> =
                self.layers.iter().zip(&tables).map(|(layer, t)| gather(t, layer.size(), &active)).collect();
            let mut moved = vec![0f32; active.len()];
            for &l in &free {
                let field = no_grad(|| {
                    gather(&fixed[l], self.layers[l].size(), &active)
                        .add(&self.field_from(l, &sub, &clamped, false))
                });
                let next = self.mean(l, &field);
                let n = self.layers[l].size();
                for ((m, a), b) in
                    moved.iter_mut().zip(next.data().chunks_exact(n)).zip(sub[l].data().chunks_exact(n))
                {
                    *m = a.iter().zip(b).map(|(a, b)| (a - b).abs()).fold(*m, f32::max);
                }
                sub[l] = next;
            }
            for &l in &free {
                let n = self.layers[l].size();
                for (k, &r) in active.iter().enumerate() {
                    tables[l][r * n..][..n].copy_from_slice(&sub[l].data()[k * n..][..n]);
                }
            }
            for (k, &r) in active.iter().enumerate() {
                change[r] = moved[k];
            }
            active.retain(|&r| change[r] >= config.tolerance);
            sweeps += 1;
        }
        // ANCHOR_END: mean_field
        for &l in &free {
            means[l] = Tensor::from_vec(std::mem::take(&mut tables[l]), &[rows, self.layers[l].size()]);
        }
        let last_change = change.iter().copied().fold(0f32, f32::max);
        let unconverged = change.iter().filter(|&&c| c >= config.tolerance).count();
        MeanField { means, sweeps, last_change, unconverged }
    }

    /// Part of layer l's field: with `from_clamped`, its bias and the terms from the
    /// layers marked `clamped`; without, the terms from the others (no bias).
    fn field_from(&self, l: usize, states: &[Tensor], clamped: &[bool], from_clamped: bool) -> Tensor {
        no_grad(|| {
            let rows = states[0].shape()[0];
            let mut f = Tensor::zeros(&[rows, self.layers[l].size()]);
            if from_clamped {
                f = f.add(&self.layers[l].bias);
            }
            for e in &self.edges {
                let other = if e.a == l {
                    e.b
                } else if e.b == l {
                    e.a
                } else {
                    continue;
                };
                if clamped[other] != from_clamped {
                    continue;
                }
                f = f.add(&if e.a == l {
                    states[e.b].matmul(&e.weight.t())
                } else {
                    states[e.a].matmul(&e.weight)
                });
            }
            f
        })
    }
}

/// The rows `rows` of a (n, width) table.
fn gather(table: &[f32], width: usize, rows: &[usize]) -> Tensor {
    let mut out = Vec::with_capacity(rows.len() * width);
    for &r in rows {
        out.extend_from_slice(&table[r * width..][..width]);
    }
    Tensor::from_vec(out, &[rows.len(), width])
}

//! Low-rank Multimodal Fusion (Liu et al. 2018), derived from tensor fusion in the
//! lecture's three steps:
//! 1. write the weight tensor as a sum of r rank-one terms, one factor per modality:
//!    W = Σ_i f_i · u_{1,i} (x) u_{2,i} (x) ... ;
//! 2. the fused tensor is itself an outer product, Z = [h_1; 1] (x) [h_2; 1] (x) ..., so
//!    W · Z = Σ_i f_i Π_m (u_{m,i} · [h_m; 1]);
//! 3. compute the right-hand side, never forming Z or W.
//!
//! `forward` is step 3; `full_weight` and `forward_formed` are steps 1 and 2 done the
//! slow way, kept so the equality can be checked and read.

use autograd::{Parameter, Rng, Tensor};

use super::tensor_fusion;
use crate::model::Named;

/// The low-rank fusion layer: one (d_m + 1, r) factor per modality, r rank weights, a
/// bias; every one a trained parameter.
pub struct LowRank {
    /// Factor m: column i is u_{m,i}, the weights of [h_m; 1] in rank-one term i.
    pub factors: Vec<Parameter>,
    /// (r, 1): f, the weight of each rank-one term.
    pub weights: Parameter,
    /// (1): the output bias.
    pub bias: Parameter,
}

impl LowRank {
    /// Factors and rank weights Xavier-normal (as the LMF code initialises them), bias 0,
    /// for projections of widths `dims`.
    #[track_caller]
    pub fn new(dims: &[usize], rank: usize, rng: &mut Rng) -> LowRank {
        assert!(!dims.is_empty() && rank > 0, "LowRank::new: need at least one modality and rank >= 1");
        let factors = dims
            .iter()
            .enumerate()
            .map(|(m, &d)| {
                let std = (2.0 / (d + 1 + rank) as f32).sqrt();
                Parameter::new(format!("factor_{m}"), Tensor::randn(&[d + 1, rank], 0.0, std, rng))
            })
            .collect();
        let std = (2.0 / (rank + 1) as f32).sqrt();
        LowRank {
            factors,
            weights: Parameter::new("rank_weights", Tensor::randn(&[rank, 1], 0.0, std, rng)),
            bias: Parameter::new("bias", Tensor::zeros(&[1])),
        }
    }

    /// The rank r.
    pub fn rank(&self) -> usize {
        self.weights.shape()[0]
    }

    /// Step 3: Σ_i f_i Π_m (u_{m,i} · [h_m; 1]) + b, one row per example: (n, 1). Each
    /// modality costs one (n, d_m + 1) x (d_m + 1, r) product; nothing grows with the
    /// number of modalities but a product of (n, r) matrices.
    #[track_caller]
    pub fn forward(&self, hs: &[Tensor]) -> Tensor {
        assert_eq!(
            hs.len(),
            self.factors.len(),
            "LowRank::forward: {} projections for {} factors",
            hs.len(),
            self.factors.len()
        );
        // ANCHOR: lmf_forward
        let n = hs[0].shape()[0];
        let mut product: Option<Tensor> = None;
        for (h, u) in hs.iter().zip(&self.factors) {
            let with_one = Tensor::concat(&[h.clone(), Tensor::ones(&[n, 1])], 1);
            // (n, r): u_{m,i} · [h_m; 1] for every i
            let projected = with_one.matmul(u.tensor());
            product = Some(match product {
                None => projected,
                Some(p) => p.mul(&projected),
            });
        }
        let product = product.expect("at least one modality");
        product.matmul(self.weights.tensor()).add(self.bias.tensor())
        // ANCHOR_END: lmf_forward
    }

    // ANCHOR: lmf_slow
    /// Step 1: the full weight tensor W = Σ_i f_i u_{1,i} (x) u_{2,i} (x) ..., flattened in
    /// the order `tensor_fusion` flattens Z: (Π (d_m + 1), 1).
    pub fn full_weight(&self) -> Tensor {
        let r = self.rank();
        let mut w = self.factors[0].tensor().t(); // (r, d_1 + 1): row i is u_{1,i}
        for u in &self.factors[1..] {
            let u = u.tensor().t(); // (r, d_m + 1)
            let (a, b) = (w.shape()[1], u.shape()[1]);
            w = w.reshape(&[r, a, 1]).mul(&u.reshape(&[r, 1, b])).reshape(&[r, a * b]);
        }
        w.t().matmul(self.weights.tensor()) // Σ_i f_i (row i)
    }

    /// Step 2 the slow way: form Z = tensor_fusion(hs) and take W · Z + b.
    pub fn forward_formed(&self, hs: &[Tensor]) -> Tensor {
        tensor_fusion(hs).matmul(&self.full_weight()).add(self.bias.tensor())
    }
    // ANCHOR_END: lmf_slow

    /// Every parameter under `{prefix}.factors.{m}`, `{prefix}.rank_weights` and
    /// `{prefix}.bias`, in the layouts above (an LMF module in PyTorch with the same
    /// `nn.Parameter`s).
    pub fn named_parameters(&self, prefix: &str) -> Vec<Named<'_>> {
        let mut out: Vec<Named<'_>> = self
            .factors
            .iter()
            .enumerate()
            .map(|(m, f)| Named::same(format!("{prefix}.factors.{m}"), f))
            .collect();
        out.push(Named::same(format!("{prefix}.rank_weights"), &self.weights));
        out.push(Named::same(format!("{prefix}.bias"), &self.bias));
        out
    }

    /// Every parameter: the factors, the rank weights, the bias.
    pub fn parameters(&self) -> Vec<&Parameter> {
        let mut out: Vec<&Parameter> = self.factors.iter().collect();
        out.push(&self.weights);
        out.push(&self.bias);
        out
    }

    /// The same, mutable, in the same order.
    pub fn parameters_mut(&mut self) -> Vec<&mut Parameter> {
        let mut out: Vec<&mut Parameter> = self.factors.iter_mut().collect();
        out.push(&mut self.weights);
        out.push(&mut self.bias);
        out
    }
}

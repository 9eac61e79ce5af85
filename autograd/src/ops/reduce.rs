//! Reductions over one axis or over all elements: `sum` and `max` are primitives;
//! `mean` and `logsumexp` are composed from them.
//!
//! Axis-wise loops use the (outer, len, inner) split of `shape::split_at_axis`:
//! element [o, k, i] sits at (o * len + k) * inner + i, and reducing over k leaves
//! output element [o, i] at o * inner + i.

use crate::backward::GradSink;
use crate::buffer;
use crate::op::Op;
use crate::shape::{resolve_axis, split_at_axis};
use crate::tensor::Tensor;

/// Output shape of a reduction over `axis`: that dimension dropped, or kept as 1.
fn reduced_shape(shape: &[usize], axis: usize, keepdim: bool) -> Vec<usize> {
    let mut out = shape.to_vec();
    if keepdim {
        out[axis] = 1;
    } else {
        out.remove(axis);
    }
    out
}

/// Sum of a slice, fast and accurate: eight f32 running sums (which the compiler
/// turns into one SIMD register) over blocks of 1024, blocks added in f64. A plain
/// sequential f32 loop is both slower (one add at a time) and loses small terms.
pub(crate) fn fast_sum(values: &[f32]) -> f32 {
    let mut total = 0.0f64;
    for block in values.chunks(1024) {
        let mut lanes = [0.0f32; 8];
        let mut chunks = block.chunks_exact(8);
        for chunk in &mut chunks {
            for (lane, v) in lanes.iter_mut().zip(chunk) {
                *lane += v;
            }
        }
        let tail: f32 = chunks.remainder().iter().sum();
        total += lanes.iter().map(|&l| l as f64).sum::<f64>() + tail as f64;
    }
    total as f32
}

impl Tensor {
    /// Sum over `axis` (negative counts from the end). torch: `x.sum(axis, keepdim)`
    #[track_caller]
    pub fn sum(&self, axis: isize, keepdim: bool) -> Tensor {
        let axis = resolve_axis("sum", axis, self.shape());
        let (outer, len, inner) = split_at_axis(self.shape(), axis);
        let x = self.data();
        let mut out = buffer::zeros(outer * inner);
        for o in 0..outer {
            let row = &mut out[o * inner..(o + 1) * inner];
            for k in 0..len {
                let src = &x[(o * len + k) * inner..][..inner];
                row.iter_mut().zip(src).for_each(|(r, s)| *r += s);
            }
        }
        let shape = reduced_shape(self.shape(), axis, keepdim);
        Tensor::from_op(out, shape, Op::Sum { input: self.clone(), axis: Some(axis) })
    }

    /// Sum of all elements: shape `[]`, or with `keepdim` every axis kept at length 1.
    /// torch: `x.sum()`, or `x.sum(dim=tuple(range(x.dim())), keepdim=True)`
    pub fn sum_all(&self, keepdim: bool) -> Tensor {
        let total = fast_sum(self.data());
        let sum = Tensor::from_op(vec![total], vec![], Op::Sum { input: self.clone(), axis: None });
        if keepdim { sum.reshape(&vec![1; self.rank()]) } else { sum }
    }

    /// Maximum over `axis`. Where several elements tie for the maximum, the whole
    /// gradient flows to the first of them; `torch.amax` instead splits it evenly among
    /// the ties (`torch.max(x, axis)`, which also returns indices, picks one, as we do).
    /// Both are valid subgradients; they differ only on exact ties.
    /// torch: `x.amax(axis, keepdim)`
    #[track_caller]
    pub fn max(&self, axis: isize, keepdim: bool) -> Tensor {
        let axis = resolve_axis("max", axis, self.shape());
        let (outer, len, inner) = split_at_axis(self.shape(), axis);
        assert!(len > 0, "max: cannot reduce the empty axis {axis} of shape {:?}", self.shape());
        let x = self.data();
        let mut argmax = Vec::with_capacity(outer * inner);
        for o in 0..outer {
            for i in 0..inner {
                let mut best = o * len * inner + i;
                for k in 1..len {
                    let at = (o * len + k) * inner + i;
                    if x[at] > x[best] {
                        best = at;
                    }
                }
                argmax.push(best);
            }
        }
        let out = argmax.iter().map(|&at| x[at]).collect();
        let shape = reduced_shape(self.shape(), axis, keepdim);
        Tensor::from_op(out, shape, Op::Max { input: self.clone(), argmax })
    }

    /// Maximum of all elements: shape `[]`, or with `keepdim` every axis kept (length
    /// one). Ties send the gradient to the first maximal element, as in [`Tensor::max`].
    /// torch: `x.amax()` (which splits it among ties)
    #[track_caller]
    pub fn max_all(&self, keepdim: bool) -> Tensor {
        assert!(self.numel() > 0, "max_all: empty tensor of shape {:?}", self.shape());
        let x = self.data();
        let best = (1..x.len()).fold(0, |best, at| if x[at] > x[best] { at } else { best });
        let max = Tensor::from_op(vec![x[best]], vec![], Op::Max { input: self.clone(), argmax: vec![best] });
        if keepdim { max.reshape(&vec![1; self.rank()]) } else { max }
    }

    /// Mean over `axis`. Composed: `sum(axis) / len`, no rule of its own.
    /// torch: `x.mean(axis, keepdim)`
    #[track_caller]
    pub fn mean(&self, axis: isize, keepdim: bool) -> Tensor {
        let len = self.shape()[resolve_axis("mean", axis, self.shape())];
        self.sum(axis, keepdim).scale(1.0 / len as f32)
    }

    /// Mean of all elements. Composed: `sum_all / numel`. torch: `x.mean()`
    pub fn mean_all(&self, keepdim: bool) -> Tensor {
        self.sum_all(keepdim).scale(1.0 / self.numel() as f32)
    }

    /// log sum_k e^{x_k} over `axis`, stable for any x. Composed:
    /// m + log sum_k e^{x_k - m} with m = max_k x_k, held constant (detached): the
    /// result does not depend on m, so no gradient needs to flow through it.
    /// torch: `torch.logsumexp(x, axis, keepdim)`
    #[track_caller]
    pub fn logsumexp(&self, axis: isize, keepdim: bool) -> Tensor {
        let m = self.max(axis, true).detach();
        let lse = self.sub(&m).exp().sum(axis, true).log().add(&m);
        if keepdim {
            lse
        } else {
            let axis = resolve_axis("logsumexp", axis, self.shape());
            lse.reshape(&reduced_shape(self.shape(), axis, false))
        }
    }

    /// log sum e^x over every element, stable for any x. Composed like
    /// [`Tensor::logsumexp`]. torch: `torch.logsumexp(x, dim=tuple(range(x.dim())), keepdim)`
    pub fn logsumexp_all(&self, keepdim: bool) -> Tensor {
        let m = self.max_all(true).detach();
        let lse = self.sub(&m).exp().sum_all(true).log().add(&m);
        if keepdim { lse } else { lse.reshape(&[]) }
    }
}

/// y[o, i] = sum_k x[o, k, i]: every x[o, k, i] gets g[o, i] (dy/dx = 1).
pub(crate) fn sum_backward(x: &Tensor, axis: Option<usize>, g: &[f32], sink: &mut GradSink) {
    let grad = match axis {
        None => {
            let mut grad = buffer::take(x.numel());
            grad.resize(x.numel(), g[0]);
            grad
        }
        Some(axis) => {
            let (outer, len, inner) = split_at_axis(x.shape(), axis);
            let mut grad = buffer::take(x.numel());
            for o in 0..outer {
                for _ in 0..len {
                    grad.extend_from_slice(&g[o * inner..(o + 1) * inner]);
                }
            }
            grad
        }
    };
    sink.add(x, grad);
}

/// y_j = x[argmax_j]: dy_j/dx is 1 at argmax_j and 0 elsewhere.
pub(crate) fn max_backward(x: &Tensor, argmax: &[usize], g: &[f32], sink: &mut GradSink) {
    let grad = sink.slot(x);
    for (&at, &g) in argmax.iter().zip(g) {
        grad[at] += g;
    }
}

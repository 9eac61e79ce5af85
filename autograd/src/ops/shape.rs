//! Ops that move values around without arithmetic: reshape, permute, concat, narrow,
//! index_select, broadcast_to. Their backward rules move the gradient back the same
//! way: a permutation is undone, a slice is scattered back, a copy is summed.

use crate::backward::GradSink;
use crate::buffer;
use crate::op::Op;
use crate::shape::{broadcast_shapes, numel, resolve_axis, split_at_axis, strides, sum_to_shape};
use crate::tensor::{Tensor, is_no_grad};

/// Copy `src` into a new row-major tensor of `out_shape`, where moving one step along
/// output axis i moves `src_strides[i]` elements in `src` (0 repeats: broadcasting).
fn strided_copy(src: &[f32], out_shape: &[usize], src_strides: &[usize]) -> Vec<f32> {
    let total = numel(out_shape);
    let mut out = buffer::take(total);
    let rank = out_shape.len();
    if rank == 0 {
        out.extend_from_slice(&src[..total]);
        return out;
    }
    // Walk the output in order; copy the innermost axis as one run.
    let (inner_len, inner_stride) = (out_shape[rank - 1], src_strides[rank - 1]);
    let mut index = vec![0usize; rank - 1];
    let mut offset = 0usize;
    for _ in 0..total / inner_len.max(1) {
        match inner_stride {
            1 => out.extend_from_slice(&src[offset..offset + inner_len]), // a contiguous run
            0 => out.resize(out.len() + inner_len, src[offset]),          // one value, repeated
            _ => out.extend((0..inner_len).map(|j| src[offset + j * inner_stride])),
        }
        for axis in (0..rank - 1).rev() {
            index[axis] += 1;
            offset += src_strides[axis];
            if index[axis] < out_shape[axis] {
                break;
            }
            offset -= src_strides[axis] * index[axis];
            index[axis] = 0;
        }
    }
    out
}

/// The values of a row-major tensor of `shape` with its axes reordered by `perm`.
fn permute_data(data: &[f32], shape: &[usize], perm: &[usize]) -> Vec<f32> {
    let in_strides = strides(shape);
    let out_shape: Vec<usize> = perm.iter().map(|&p| shape[p]).collect();
    let src_strides: Vec<usize> = perm.iter().map(|&p| in_strides[p]).collect();
    strided_copy(data, &out_shape, &src_strides)
}

impl Tensor {
    /// The same values with a new shape of as many elements (no copy).
    /// torch: `x.reshape(shape)`
    #[track_caller]
    pub fn reshape(&self, shape: &[usize]) -> Tensor {
        assert_eq!(
            numel(shape),
            self.numel(),
            "reshape: shape {:?} ({} elements) cannot become shape {shape:?} ({} elements)",
            self.shape(),
            self.numel(),
            numel(shape)
        );
        let requires_grad = self.requires_grad() && !is_no_grad();
        let data = self.0.data.clone(); // shared: a reshape copies nothing
        Tensor::from_op_shared(data, shape.to_vec(), Op::Reshape(self.clone()), requires_grad)
    }

    /// Insert an axis of length 1 at `axis` of the result (so `-1` appends one).
    /// Composed: `reshape`. torch: `x.unsqueeze(axis)`
    #[track_caller]
    pub fn unsqueeze(&self, axis: isize) -> Tensor {
        let rank = self.rank() as isize + 1; // the result's
        let at = if axis < 0 { axis + rank } else { axis };
        assert!(
            (0..rank).contains(&at),
            "unsqueeze: axis {axis} is out of range for shape {:?} (the result has rank {rank})",
            self.shape()
        );
        let mut shape = self.shape().to_vec();
        shape.insert(at as usize, 1);
        self.reshape(&shape)
    }

    /// Reorder axes: output axis i is input axis `perm[i]` (copies). Negative entries
    /// count from the end. torch: `x.permute(perm)`
    #[track_caller]
    pub fn permute(&self, perm: &[isize]) -> Tensor {
        let rank = self.rank() as isize;
        let resolved: Vec<usize> = perm.iter().map(|&p| if p < 0 { p + rank } else { p } as usize).collect();
        let mut seen = vec![false; self.rank()];
        let valid = perm.len() == self.rank()
            && resolved.iter().all(|&p| p < self.rank() && !std::mem::replace(&mut seen[p], true));
        assert!(valid, "permute: {perm:?} is not a permutation of the axes of shape {:?}", self.shape());
        let data = permute_data(self.data(), self.shape(), &resolved);
        let shape = resolved.iter().map(|&p| self.shape()[p]).collect();
        Tensor::from_op(data, shape, Op::Permute(self.clone(), resolved))
    }

    /// Swap two axes. Composed: `permute`. torch: `x.transpose(a, b)`
    #[track_caller]
    pub fn transpose(&self, a: isize, b: isize) -> Tensor {
        let (a, b) = (resolve_axis("transpose", a, self.shape()), resolve_axis("transpose", b, self.shape()));
        let mut perm: Vec<isize> = (0..self.rank() as isize).collect();
        perm.swap(a, b);
        self.permute(&perm)
    }

    /// Join tensors along `axis`; all other dimensions must agree.
    /// torch: `torch.cat(parts, axis)`
    #[track_caller]
    pub fn concat(parts: &[Tensor], axis: isize) -> Tensor {
        assert!(!parts.is_empty(), "concat: needs at least one tensor");
        let first = parts[0].shape();
        let axis = resolve_axis("concat", axis, first);
        for p in parts {
            let fits = p.rank() == first.len()
                && p.shape().iter().zip(first).enumerate().all(|(i, (a, b))| i == axis || a == b);
            assert!(fits, "concat: shapes {first:?} and {:?} differ outside axis {axis}", p.shape());
        }
        let (outer, _, inner) = split_at_axis(first, axis);
        let total: usize = parts.iter().map(|p| p.shape()[axis]).sum();
        let mut out = buffer::take(outer * total * inner);
        for o in 0..outer {
            for p in parts {
                let run = p.shape()[axis] * inner;
                out.extend_from_slice(&p.data()[o * run..][..run]);
            }
        }
        let mut shape = first.to_vec();
        shape[axis] = total;
        Tensor::from_op(out, shape, Op::Concat(parts.to_vec(), axis))
    }

    /// Stack same-shaped tensors along a new axis. Composed: `unsqueeze` + `concat`.
    /// torch: `torch.stack(parts, axis)`
    #[track_caller]
    pub fn stack(parts: &[Tensor], axis: isize) -> Tensor {
        assert!(!parts.is_empty(), "stack: needs at least one tensor");
        for p in parts {
            assert_eq!(
                p.shape(),
                parts[0].shape(),
                "stack: shapes {:?} and {:?} differ",
                parts[0].shape(),
                p.shape()
            );
        }
        let expanded: Vec<Tensor> = parts.iter().map(|p| p.unsqueeze(axis)).collect();
        Tensor::concat(&expanded, axis)
    }

    /// Entries `start..start + len` of `axis` (copies). torch: `x.narrow(axis, start, len)`
    #[track_caller]
    pub fn narrow(&self, axis: isize, start: usize, len: usize) -> Tensor {
        let axis = resolve_axis("narrow", axis, self.shape());
        let dim = self.shape()[axis];
        assert!(
            start + len <= dim,
            "narrow: entries {start}..{} of axis {axis} do not fit shape {:?}",
            start + len,
            self.shape()
        );
        let (outer, _, inner) = split_at_axis(self.shape(), axis);
        let mut out = buffer::take(outer * len * inner);
        for o in 0..outer {
            out.extend_from_slice(&self.data()[(o * dim + start) * inner..][..len * inner]);
        }
        let mut shape = self.shape().to_vec();
        shape[axis] = len;
        Tensor::from_op(out, shape, Op::Narrow { input: self.clone(), axis, start })
    }

    /// Entries `indices` of `axis`, in that order, repeats allowed: the embedding
    /// lookup `table.index_select(0, &token_ids)`. torch: `x.index_select(axis, idx)`
    #[track_caller]
    pub fn index_select(&self, axis: isize, indices: &[usize]) -> Tensor {
        let axis = resolve_axis("index_select", axis, self.shape());
        let (outer, dim, inner) = split_at_axis(self.shape(), axis);
        if let Some(bad) = indices.iter().find(|&&i| i >= dim) {
            panic!("index_select: index {bad} out of range for axis {axis} of shape {:?}", self.shape());
        }
        let mut out = buffer::take(outer * indices.len() * inner);
        for o in 0..outer {
            for &i in indices {
                out.extend_from_slice(&self.data()[(o * dim + i) * inner..][..inner]);
            }
        }
        let mut shape = self.shape().to_vec();
        shape[axis] = indices.len();
        let op = Op::IndexSelect { input: self.clone(), axis, indices: indices.to_vec() };
        Tensor::from_op(out, shape, op)
    }

    /// Expand to `shape` under NumPy's rules, copying along broadcast dimensions.
    /// torch: `x.expand(shape)` (which makes a view; here values are copied)
    #[track_caller]
    pub fn broadcast_to(&self, shape: &[usize]) -> Tensor {
        if self.shape() == shape {
            return self.clone();
        }
        let fits = broadcast_shapes(self.shape(), shape).is_some_and(|s| s == shape);
        assert!(fits, "broadcast_to: shape {:?} cannot be broadcast to shape {shape:?}", self.shape());
        // Aligned strides, 0 along every broadcast dimension.
        let in_strides = strides(self.shape());
        let lead = shape.len() - self.rank();
        let src_strides: Vec<usize> = (0..shape.len())
            .map(|i| if i < lead || self.shape()[i - lead] == 1 { 0 } else { in_strides[i - lead] })
            .collect();
        let data = strided_copy(self.data(), shape, &src_strides);
        Tensor::from_op(data, shape.to_vec(), Op::BroadcastTo(self.clone()))
    }
}

/// Reshape moves nothing: the gradient is the output's, read in the input's shape.
pub(crate) fn reshape_backward(x: &Tensor, g: &std::rc::Rc<Vec<f32>>, sink: &mut GradSink) {
    // The same numbers in another shape: shared, not copied.
    sink.add_shared(x, g);
}

/// Permuting by `perm` is undone by permuting by its inverse.
pub(crate) fn permute_backward(x: &Tensor, perm: &[usize], g: &[f32], sink: &mut GradSink) {
    let mut inverse = vec![0; perm.len()];
    for (i, &p) in perm.iter().enumerate() {
        inverse[p] = i;
    }
    let out_shape: Vec<usize> = perm.iter().map(|&p| x.shape()[p]).collect();
    sink.add(x, permute_data(g, &out_shape, &inverse));
}

/// Each part gets back its own slab of the output gradient.
pub(crate) fn concat_backward(parts: &[Tensor], axis: usize, g: &[f32], sink: &mut GradSink) {
    let (outer, _, inner) = split_at_axis(parts[0].shape(), axis);
    let total: usize = parts.iter().map(|p| p.shape()[axis]).sum();
    let mut offset = 0;
    for p in parts {
        let run = p.shape()[axis] * inner;
        if p.requires_grad() {
            let mut grad = buffer::take(p.numel());
            for o in 0..outer {
                grad.extend_from_slice(&g[o * total * inner + offset..][..run]);
            }
            sink.add(p, grad);
        }
        offset += run;
    }
}

/// The slice's gradient goes back where the slice came from; elsewhere it is 0.
pub(crate) fn narrow_backward(
    x: &Tensor,
    axis: usize,
    start: usize,
    out_shape: &[usize],
    g: &[f32],
    sink: &mut GradSink,
) {
    let (outer, dim, inner) = split_at_axis(x.shape(), axis);
    let len = out_shape[axis];
    let grad = sink.slot(x);
    for o in 0..outer {
        let dst = &mut grad[(o * dim + start) * inner..][..len * inner];
        dst.iter_mut().zip(&g[o * len * inner..][..len * inner]).for_each(|(d, g)| *d += g);
    }
}

/// Scatter-add: an entry selected twice gets both gradients.
pub(crate) fn index_select_backward(
    x: &Tensor,
    axis: usize,
    indices: &[usize],
    g: &[f32],
    sink: &mut GradSink,
) {
    let (outer, dim, inner) = split_at_axis(x.shape(), axis);
    let grad = sink.slot(x);
    let mut src = g.chunks_exact(inner.max(1));
    for o in 0..outer {
        for &i in indices {
            let dst = &mut grad[(o * dim + i) * inner..][..inner];
            let row = src.next().unwrap_or(&[]);
            dst.iter_mut().zip(row).for_each(|(d, g)| *d += g);
        }
    }
}

/// Every copy made by the broadcast sends its gradient back to the one original.
pub(crate) fn broadcast_to_backward(x: &Tensor, out_shape: &[usize], g: &[f32], sink: &mut GradSink) {
    sink.add(x, sum_to_shape(g, out_shape, x.shape()));
}

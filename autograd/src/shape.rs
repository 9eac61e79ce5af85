//! Shape arithmetic: element counts, strides, NumPy broadcasting, and the one helper
//! that sums a broadcast gradient back to its input's shape.
//!
//! Shapes are plain `&[usize]`, outermost dimension first (row-major).

/// Number of elements a tensor of this shape holds (1 for a scalar `[]`).
pub fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// Row-major strides: how far apart, in elements, neighbours along each axis sit.
/// `strides(&[2, 3, 4]) == [12, 4, 1]`.
pub fn strides(shape: &[usize]) -> Vec<usize> {
    let mut out = vec![1; shape.len()];
    for axis in (0..shape.len().saturating_sub(1)).rev() {
        out[axis] = out[axis + 1] * shape[axis + 1];
    }
    out
}

/// The shape two operands broadcast to under NumPy's rules, or `None` if they cannot:
/// align shapes on the right; each pair of dimensions must be equal or one of them 1.
/// `broadcast_shapes(&[8, 1, 3], &[4, 3]) == Some(vec![8, 4, 3])`.
pub fn broadcast_shapes(lhs: &[usize], rhs: &[usize]) -> Option<Vec<usize>> {
    let rank = lhs.len().max(rhs.len());
    let mut out = vec![0; rank];
    for i in 0..rank {
        // Dimension i counted from the right; a missing dimension acts as 1.
        let l = if i < lhs.len() { lhs[lhs.len() - 1 - i] } else { 1 };
        let r = if i < rhs.len() { rhs[rhs.len() - 1 - i] } else { 1 };
        out[rank - 1 - i] = match (l, r) {
            _ if l == r => l,
            (1, _) => r,
            (_, 1) => l,
            _ => return None,
        };
    }
    Some(out)
}

/// Split a shape around `axis` into (outer, axis length, inner) element counts, the
/// decomposition every axis-wise op (sum, max, concat, narrow, ...) loops over:
/// element `[o, k, i]` sits at `(o * len + k) * inner + i`.
pub fn split_at_axis(shape: &[usize], axis: usize) -> (usize, usize, usize) {
    let outer = numel(&shape[..axis]);
    let inner = numel(&shape[axis + 1..]);
    (outer, shape[axis], inner)
}

/// Sum a gradient of shape `from` back to the shape `to` it was broadcast from: the
/// backward rule of every broadcast. This is the one place it happens.
///
/// Walks `grad` in order, one innermost row at a time; `offset` tracks where in the
/// output each row lands (stride 0 along broadcast axes, so the copies pile up).
pub fn sum_to_shape(grad: &[f32], from: &[usize], to: &[usize]) -> Vec<f32> {
    if from == to {
        return crate::buffer::copy(grad);
    }
    let mut out = crate::buffer::zeros(numel(to));
    let rank = from.len();
    let lead = rank - to.len();
    let to_strides = strides(to);
    let stride: Vec<usize> =
        (0..rank).map(|i| if i < lead || to[i - lead] == 1 { 0 } else { to_strides[i - lead] }).collect();
    let (inner, inner_stride) = (from[rank - 1], stride[rank - 1]);
    let mut index = vec![0usize; rank - 1];
    let mut offset = 0usize;
    for row in grad.chunks_exact(inner.max(1)) {
        if inner_stride == 0 {
            out[offset] += row.iter().sum::<f32>();
        } else {
            out[offset..offset + inner].iter_mut().zip(row).for_each(|(o, g)| *o += g);
        }
        for axis in (0..rank - 1).rev() {
            index[axis] += 1;
            offset += stride[axis];
            if index[axis] < from[axis] {
                break;
            }
            offset -= stride[axis] * index[axis];
            index[axis] = 0;
        }
    }
    out
}

/// Resolve a possibly negative axis (`-1` is the last) against a rank, panicking with
/// the op's name when it is out of range.
#[track_caller]
pub(crate) fn resolve_axis(op: &str, axis: isize, shape: &[usize]) -> usize {
    let rank = shape.len() as isize;
    let resolved = if axis < 0 { axis + rank } else { axis };
    assert!(
        (0..rank).contains(&resolved),
        "{op}: axis {axis} is out of range for shape {shape:?} (rank {rank})"
    );
    resolved as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strides_are_row_major() {
        assert_eq!(strides(&[2, 3, 4]), vec![12, 4, 1]);
        assert_eq!(strides(&[]), Vec::<usize>::new());
    }

    #[test]
    fn broadcasting_follows_numpy() {
        assert_eq!(broadcast_shapes(&[8, 1, 3], &[4, 3]), Some(vec![8, 4, 3]));
        assert_eq!(broadcast_shapes(&[], &[2, 2]), Some(vec![2, 2]));
        assert_eq!(broadcast_shapes(&[2, 3], &[3, 2]), None);
    }

    #[test]
    fn sum_to_shape_adds_up_broadcast_copies() {
        // [1, 2] broadcast to [3, 2] is three copies of the row; its gradient is the
        // column sums of the incoming gradient.
        let grad = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        assert_eq!(sum_to_shape(&grad, &[3, 2], &[1, 2]), vec![9.0, 12.0]);
        assert_eq!(sum_to_shape(&grad, &[3, 2], &[2]), vec![9.0, 12.0]);
        assert_eq!(sum_to_shape(&grad, &[3, 2], &[3, 1]), vec![3.0, 7.0, 11.0]);
        assert_eq!(sum_to_shape(&grad, &[3, 2], &[]), vec![21.0]);
    }
}

//! Matrix product, 2-D and batched 3-D, on the sgemm of `crate::sgemm`.
//!
//! Forward: C = A B. Backward, with G = d loss / d C:
//!   d loss / d A = G B^T      d loss / d B = A^T G
//! The transposes are never materialised: sgemm reads an operand through row and
//! column strides, so B^T is B read with its strides swapped.

use crate::backward::GradSink;
use crate::buffer;
use crate::op::Op;
use crate::sgemm::{Strides, sgemm};
use crate::tensor::Tensor;

impl Tensor {
    /// Matrix product. `(m, k) x (k, n) -> (m, n)`; batched
    /// `(b, m, k) x (b, k, n) -> (b, m, n)`; and `(b, m, k) x (k, n) -> (b, m, n)`
    /// (one weight for every batch item, composed by flattening the batch).
    /// torch: `a @ b`
    #[track_caller]
    pub fn matmul(&self, rhs: &Tensor) -> Tensor {
        let (ls, rs) = (self.shape(), rhs.shape());
        match (ls.len(), rs.len()) {
            (2, 2) | (3, 3) => {}
            (3, 2) => {
                let (batch, m, k) = self.dims3();
                let n = rs[1];
                return self.reshape(&[batch * m, k]).matmul(rhs).reshape(&[batch, m, n]);
            }
            _ => panic!(
                "matmul: lhs shape {ls:?} and rhs shape {rs:?}: expected 2-D x 2-D, 3-D x 3-D or 3-D x 2-D"
            ),
        }
        let (batch, m, k, k2, n) = match (ls, rs) {
            ([m, k], [k2, n]) => (1, *m, *k, *k2, *n),
            ([b, m, k], [b2, k2, n]) => {
                assert_eq!(
                    b, b2,
                    "matmul: lhs shape {ls:?} and rhs shape {rs:?}: batch sizes {b} and {b2} differ"
                );
                (*b, *m, *k, *k2, *n)
            }
            _ => unreachable!(),
        };
        assert_eq!(
            k, k2,
            "matmul: lhs shape {ls:?} and rhs shape {rs:?}: inner dimensions {k} and {k2} differ"
        );
        let mut out = buffer::scratch(batch * m * n); // beta = 0: overwritten
        for i in 0..batch {
            let a = &self.data()[i * m * k..][..m * k];
            let b = &rhs.data()[i * k * n..][..k * n];
            let c = &mut out[i * m * n..][..m * n];
            sgemm(m, k, n, a, Strides::row_major(k), b, Strides::row_major(n), 0.0, c);
        }
        let mut shape = ls.to_vec();
        *shape.last_mut().unwrap() = n;
        Tensor::from_op(out, shape, Op::Matmul(self.clone(), rhs.clone()))
    }

    /// The transpose of a matrix. Composed: `transpose(0, 1)`. torch: `x.t()`
    #[track_caller]
    pub fn t(&self) -> Tensor {
        let _ = self.dims2();
        self.transpose(0, 1)
    }
}

// ANCHOR: matmul_backward
/// C = A B: d loss / d A = G B^T (m x n times n x k), d loss / d B = A^T G (k x m
/// times m x n). Both accumulate straight into the gradient buffers (beta = 1).
pub(crate) fn matmul_backward(a: &Tensor, b: &Tensor, g: &[f32], sink: &mut GradSink) {
    let (m, k) = (a.shape()[a.rank() - 2], a.shape()[a.rank() - 1]);
    let n = b.shape()[b.rank() - 1];
    let batch = a.numel() / (m * k);
    if a.requires_grad() {
        let grad_lhs = sink.slot(a);
        for i in 0..batch {
            let g_i = &g[i * m * n..][..m * n];
            let b_i = &b.data()[i * k * n..][..k * n];
            let ga = &mut grad_lhs[i * m * k..][..m * k];
            sgemm(m, n, k, g_i, Strides::row_major(n), b_i, Strides::transposed(n), 1.0, ga);
        }
    }
    if b.requires_grad() {
        let grad_rhs = sink.slot(b);
        for i in 0..batch {
            let a_i = &a.data()[i * m * k..][..m * k];
            let g_i = &g[i * m * n..][..m * n];
            let gb = &mut grad_rhs[i * k * n..][..k * n];
            sgemm(k, m, n, a_i, Strides::transposed(k), g_i, Strides::row_major(n), 1.0, gb);
        }
    }
}
// ANCHOR_END: matmul_backward

//! Matrix product, 2-D and batched 3-D, on the `matrixmultiply` sgemm kernel.
//!
//! Forward: C = A B. Backward, with G = d loss / d C:
//!   d loss / d A = G B^T      d loss / d B = A^T G
//! The transposes are never materialised: sgemm reads an operand through row and
//! column strides, so B^T is B read with its strides swapped.

use crate::backward::GradSink;
use crate::buffer;
use crate::op::Op;
use crate::tensor::Tensor;

/// Row and column strides of a matrix view.
#[derive(Clone, Copy)]
pub(crate) struct Strides(isize, isize);

impl Strides {
    /// A row-major (rows, cols) matrix.
    pub(crate) fn row_major(cols: usize) -> Strides {
        Strides(cols as isize, 1)
    }
    /// The transpose of a row-major matrix with `cols` columns.
    pub(crate) fn transposed(cols: usize) -> Strides {
        Strides(1, cols as isize)
    }
}

/// C (m x n, row-major) = A (m x k) B (k x n) + beta C, A and B read through strides.
#[allow(clippy::too_many_arguments)]
pub(crate) fn sgemm(
    m: usize,
    k: usize,
    n: usize,
    a: &[f32],
    sa: Strides,
    b: &[f32],
    sb: Strides,
    beta: f32,
    c: &mut [f32],
) {
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n, "sgemm: buffer too small");
    // A small output with a long inner dimension (the conv weight's gradient: 16 x 27
    // summed over 65536 pixels) gives the kernel's two threads almost nothing to share
    // per block of k, and they spend their time waiting on each other. Such products
    // run as a sum of shorter ones, each small enough for one thread.
    const ONE_THREAD: usize = 1 << 14; // matrixmultiply threads when m*k + k*n >= 2^15
    if m * n <= 4096 && (m + n) * k >= 2 * ONE_THREAD {
        let chunk = (ONE_THREAD / (m + n)).max(1);
        let mut start = 0;
        while start < k {
            let len = chunk.min(k - start);
            let a_part = &a[start * sa.1 as usize..];
            let b_part = &b[start * sb.0 as usize..];
            let beta_part = if start == 0 { beta } else { 1.0 };
            raw_sgemm(m, len, n, a_part, sa, b_part, sb, beta_part, c);
            start += len;
        }
        return;
    }
    // A small product with many rows (a GCN layer: 2000 x 32 times 32 x 32) is over
    // before two threads have synchronised, and when two experiments run side by side
    // the kernel's threads only fight for the cores. Run it here, as blocks of rows
    // each small enough for one thread. Each row of C is computed exactly as before
    // (the same products, summed in the same order), so the result does not change.
    if m * k * n <= 1 << 21 && m * k + k * n >= 2 * ONE_THREAD && k * n < ONE_THREAD {
        let rows = ((2 * ONE_THREAD - 1 - k * n) / k.max(1)).max(1);
        let mut start = 0;
        while start < m {
            let len = rows.min(m - start);
            raw_sgemm(len, k, n, &a[start * sa.0 as usize..], sa, b, sb, beta, &mut c[start * n..]);
            start += len;
        }
        return;
    }
    raw_sgemm(m, k, n, a, sa, b, sb, beta, c);
}

#[allow(clippy::too_many_arguments)]
fn raw_sgemm(
    m: usize,
    k: usize,
    n: usize,
    a: &[f32],
    sa: Strides,
    b: &[f32],
    sb: Strides,
    beta: f32,
    c: &mut [f32],
) {
    // SAFETY: the strides describe (m, k), (k, n) and (m, n) matrices whose last
    // elements lie inside the three slices (checked here, in debug builds too).
    let last = |rows: usize, cols: usize, st: Strides| {
        (rows.max(1) - 1) * st.0 as usize + (cols.max(1) - 1) * st.1 as usize
    };
    assert!(
        (m * k == 0 || last(m, k, sa) < a.len())
            && (k * n == 0 || last(k, n, sb) < b.len())
            && m * n <= c.len(),
        "sgemm: a matrix reaches past its buffer"
    );
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            sa.0,
            sa.1,
            b.as_ptr(),
            sb.0,
            sb.1,
            beta,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

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
        let mut out = buffer::zeros(batch * m * n);
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

//! Sparse x dense matrix product: Y = A X with A a constant CSR matrix (rows, cols)
//! and X dense (cols, d). Y's row r is sum over r's nonzeros (c, v) of v X[c].
//! Backward: dX = A^T G, computed with A's cached transpose as the same gather.
//! A is a constant: it gets no gradient (a graph's adjacency is data, not a weight).

use crate::backward::GradSink;
use crate::buffer;
use crate::op::Op;
use crate::sparse_matrix::Csr;
use crate::tensor::Tensor;

/// Below this many multiply-adds, spawning a second thread costs more than it saves
/// (measured: a 2,000-node GCN ran 2x slower, mostly in the kernel, when every
/// product spawned a thread).
const PARALLEL_WORK: usize = 1 << 22;

/// out (a.rows, d) = a x, rows split between threads when the work is large.
fn spmm_into(a: &Csr, x: &[f32], d: usize, out: &mut [f32]) {
    let data = a.data();
    let (indptr, indices, values) = (&data.indptr, &data.indices, &data.values);
    let rows_kernel = |first_row: usize, out: &mut [f32]| {
        for (i, out_row) in out.chunks_exact_mut(d).enumerate() {
            let r = first_row + i;
            let span = indptr[r]..indptr[r + 1];
            for (&c, &v) in indices[span.clone()].iter().zip(&values[span]) {
                let x_row = &x[c as usize * d..][..d];
                out_row.iter_mut().zip(x_row).for_each(|(o, x)| *o += v * x);
            }
        }
    };
    // As many threads as dense products may use (`MATMUL_NUM_THREADS`, else the cores).
    let threads = crate::threads::available();
    if threads < 2 || a.nnz() * d < PARALLEL_WORK || d == 0 {
        return rows_kernel(0, out);
    }
    // Split at the row where half the nonzeros are done, so both halves weigh alike.
    let half = a.nnz() / 2;
    let split = indptr.partition_point(|&p| p < half).min(a.rows());
    let (top, bottom) = out.split_at_mut(split * d);
    let rows_kernel = &rows_kernel;
    crate::threads::run_parts(vec![
        Box::new(move || rows_kernel(0, top)),
        Box::new(move || rows_kernel(split, bottom)),
    ]);
}

impl Csr {
    /// Y = A X for this constant sparse A (rows, cols) and dense X (cols, d).
    /// Gradients flow to X only. torch: `torch.sparse.mm(A, X)`
    #[track_caller]
    pub fn matmul(&self, x: &Tensor) -> Tensor {
        let d = match *x.shape() {
            [rows, d] if rows == self.cols() => d,
            _ => panic!(
                "spmm: sparse shape [{}, {}] and dense shape {:?} do not fit: expected dense ({}, d)",
                self.rows(),
                self.cols(),
                x.shape(),
                self.cols()
            ),
        };
        let mut out = buffer::zeros(self.rows() * d);
        spmm_into(self, x.data(), d, &mut out);
        Tensor::from_op(out, vec![self.rows(), d], Op::SpMM { matrix: self.clone(), dense: x.clone() })
    }
}

impl Tensor {
    /// `a` times this dense matrix: the same product as [`Csr::matmul`], reachable
    /// from the dense side. torch: `torch.sparse.mm(a, x)`
    #[track_caller]
    pub fn sparse_lmul(&self, a: &Csr) -> Tensor {
        a.matmul(self)
    }
}

// ANCHOR: spmm_backward
/// Y = A X: dX = A^T G.
pub(crate) fn spmm_backward(a: &Csr, x: &Tensor, g: &[f32], sink: &mut GradSink) {
    if !x.requires_grad() {
        return;
    }
    let d = x.shape()[1];
    let grad = sink.slot(x);
    spmm_into(a.transpose(), g, d, grad);
}
// ANCHOR_END: spmm_backward

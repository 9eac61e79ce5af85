//! `Csr`: a constant sparse matrix in compressed sparse row form, for graph adjacency.
//!
//! Row r's nonzeros are `indices[indptr[r]..indptr[r + 1]]` (their columns, sorted)
//! and `values[...]` (their values). A graph with 100k nodes and 1M edges costs
//! 1M (column, value) pairs instead of 10^10 dense entries.

use std::cell::OnceCell;
use std::fmt;
use std::rc::Rc;

/// A bad sparse matrix description, saying what to fix.
#[derive(Debug, Clone, PartialEq)]
pub struct CsrError(pub String);

impl fmt::Display for CsrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CsrError {}

/// A constant (no gradient) sparse matrix; cloning is cheap (shared).
///
/// ```
/// use autograd::{Csr, Tensor};
/// // [[0, 2], [1, 0]] from (row, column, value) triplets
/// let a = Csr::from_triplets(2, 2, &[(0, 1, 2.0), (1, 0, 1.0)]).unwrap();
/// let x = Tensor::var(vec![1.0, 10.0, 100.0, 1000.0], &[2, 2]);
/// let y = a.matmul(&x); // gradients flow to x only
/// assert_eq!(y.to_vec(), vec![200.0, 2000.0, 1.0, 10.0]);
/// ```
#[derive(Clone)]
pub struct Csr(Rc<CsrData>);

pub(crate) struct CsrData {
    pub(crate) rows: usize,
    pub(crate) cols: usize,
    pub(crate) indptr: Vec<usize>,
    pub(crate) indices: Vec<u32>,
    pub(crate) values: Vec<f32>,
    /// Built on first use by the backward pass, which multiplies by the transpose.
    transpose: OnceCell<Csr>,
}

impl Csr {
    /// Build from (row, column, value) triplets in any order. Duplicates (the same row
    /// and column more than once) are **summed**, as `scipy.sparse.coo_matrix(...).tocsr()`
    /// and `torch.sparse_coo_tensor(...).coalesce()` do.
    pub fn from_triplets(
        rows: usize,
        cols: usize,
        triplets: &[(usize, usize, f32)],
    ) -> Result<Csr, CsrError> {
        if cols > u32::MAX as usize {
            return Err(CsrError(format!("Csr: {cols} columns exceed the u32 column index")));
        }
        if let Some(&(r, c, _)) = triplets.iter().find(|&&(r, c, _)| r >= rows || c >= cols) {
            return Err(CsrError(format!("Csr: entry ({r}, {c}) lies outside a {rows} x {cols} matrix")));
        }
        // Counting sort by row, then sort each row by column and merge duplicates.
        let mut indptr = vec![0usize; rows + 1];
        for &(r, _, _) in triplets {
            indptr[r + 1] += 1;
        }
        for r in 0..rows {
            indptr[r + 1] += indptr[r];
        }
        let mut next = indptr.clone();
        let mut entries = vec![(0u32, 0.0f32); triplets.len()];
        for &(r, c, v) in triplets {
            entries[next[r]] = (c as u32, v);
            next[r] += 1;
        }
        let (mut indices, mut values) =
            (Vec::with_capacity(entries.len()), Vec::with_capacity(entries.len()));
        let mut merged_ptr = vec![0usize; rows + 1];
        for r in 0..rows {
            let row = &mut entries[indptr[r]..indptr[r + 1]];
            row.sort_unstable_by_key(|&(c, _)| c);
            for &(c, v) in row.iter() {
                if indices.len() > merged_ptr[r] && indices.last() == Some(&c) {
                    *values.last_mut().unwrap() += v;
                } else {
                    indices.push(c);
                    values.push(v);
                }
            }
            merged_ptr[r + 1] = indices.len();
        }
        Ok(Csr::from_parts(rows, cols, merged_ptr, indices, values))
    }

    /// Build from the three CSR arrays as scipy and PyTorch hold them: row `r`'s
    /// nonzeros are `values[indptr[r]..indptr[r + 1]]` in columns
    /// `indices[indptr[r]..indptr[r + 1]]`. The arrays are checked (lengths, a
    /// non-decreasing `indptr` from 0 to `nnz`, columns in range and strictly increasing
    /// within each row); a violation is an error saying which.
    /// torch: `torch.sparse_csr_tensor(indptr, indices, values, shape)`;
    /// scipy: `csr_matrix((values, indices, indptr), shape)`
    pub fn from_csr(
        indptr: Vec<usize>,
        indices: Vec<usize>,
        values: Vec<f32>,
        (rows, cols): (usize, usize),
    ) -> Result<Csr, CsrError> {
        let fail = |m: String| Err(CsrError(format!("Csr::from_csr: {m}")));
        if cols > u32::MAX as usize {
            return fail(format!("{cols} columns exceed the u32 column index"));
        }
        if indptr.len() != rows + 1 {
            return fail(format!(
                "indptr has {} entries; a {rows}-row matrix needs {}",
                indptr.len(),
                rows + 1
            ));
        }
        if indices.len() != values.len() {
            return fail(format!("{} column indices but {} values", indices.len(), values.len()));
        }
        if indptr[0] != 0 || indptr[rows] != values.len() || indptr.windows(2).any(|w| w[0] > w[1]) {
            return fail(format!("indptr must rise from 0 to nnz = {} without falling", values.len()));
        }
        for r in 0..rows {
            let row = &indices[indptr[r]..indptr[r + 1]];
            if let Some(&c) = row.iter().find(|&&c| c >= cols) {
                return fail(format!("row {r} has column {c}, outside 0..{cols}"));
            }
            if row.windows(2).any(|w| w[0] >= w[1]) {
                return fail(format!("row {r}'s columns are not strictly increasing: {row:?}"));
            }
        }
        Ok(Csr::from_parts(rows, cols, indptr, indices.into_iter().map(|c| c as u32).collect(), values))
    }

    fn from_parts(rows: usize, cols: usize, indptr: Vec<usize>, indices: Vec<u32>, values: Vec<f32>) -> Csr {
        Csr(Rc::new(CsrData { rows, cols, indptr, indices, values, transpose: OnceCell::new() }))
    }

    /// The n x n identity. scipy: `scipy.sparse.identity(n, format="csr")`
    pub fn identity(n: usize) -> Csr {
        Csr::from_parts(n, n, (0..=n).collect(), (0..n as u32).collect(), vec![1.0; n])
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.0.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.0.cols
    }

    /// Number of stored nonzeros. scipy: `a.nnz`; torch: `a._nnz()`
    pub fn nnz(&self) -> usize {
        self.0.values.len()
    }

    /// Row r's nonzeros as (column, value) pairs.
    pub fn row(&self, r: usize) -> impl Iterator<Item = (usize, f32)> + '_ {
        let span = self.0.indptr[r]..self.0.indptr[r + 1];
        self.0.indices[span.clone()].iter().map(|&c| c as usize).zip(self.0.values[span].iter().copied())
    }

    /// Row-major dense copy, for tests and small figures. torch: `a.to_dense()`
    pub fn to_dense(&self) -> Vec<f32> {
        let mut dense = vec![0.0; self.rows() * self.cols()];
        for r in 0..self.rows() {
            for (c, v) in self.row(r) {
                dense[r * self.cols() + c] += v;
            }
        }
        dense
    }

    pub(crate) fn data(&self) -> &CsrData {
        &self.0
    }

    /// The transpose, built once and cached. scipy: `a.T.tocsr()`
    pub fn transpose(&self) -> &Csr {
        self.0.transpose.get_or_init(|| {
            let mut triplets = Vec::with_capacity(self.nnz());
            for r in 0..self.rows() {
                triplets.extend(self.row(r).map(|(c, v)| (c, r, v)));
            }
            Csr::from_triplets(self.cols(), self.rows(), &triplets)
                .expect("transpose of a valid Csr is valid")
        })
    }
}

impl fmt::Debug for Csr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Csr({} x {}, {} nonzeros)", self.rows(), self.cols(), self.nnz())
    }
}

//! The little dense linear algebra the classical baselines need (CCA, PCA), in f64 on
//! row-major `Vec`s: covariance, Cholesky, triangular solves and a symmetric
//! eigensolver (`eigen`). No gradients: these fit closed-form models.

mod eigen;

pub use eigen::{jacobi_eigen, symmetric_eigen};

/// A dense row-major matrix of f64.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// `rows * cols` values, row-major.
    pub data: Vec<f64>,
}

impl Matrix {
    /// All zeros.
    pub fn zeros(rows: usize, cols: usize) -> Matrix {
        Matrix { rows, cols, data: vec![0.0; rows * cols] }
    }

    /// From f32 values, row-major.
    #[track_caller]
    pub fn from_f32(rows: usize, cols: usize, values: &[f32]) -> Matrix {
        assert_eq!(
            values.len(),
            rows * cols,
            "Matrix::from_f32: {} values for {rows} x {cols}",
            values.len()
        );
        Matrix { rows, cols, data: values.iter().map(|&v| v as f64).collect() }
    }

    /// Entry (i, j).
    pub fn at(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.cols + j]
    }

    fn set(&mut self, i: usize, j: usize, v: f64) {
        self.data[i * self.cols + j] = v;
    }

    /// The transpose.
    pub fn t(&self) -> Matrix {
        let mut out = Matrix::zeros(self.cols, self.rows);
        for i in 0..self.rows {
            for j in 0..self.cols {
                out.set(j, i, self.at(i, j));
            }
        }
        out
    }

    /// The product `self * other`.
    #[track_caller]
    pub fn matmul(&self, other: &Matrix) -> Matrix {
        assert_eq!(
            self.cols, other.rows,
            "Matrix::matmul: ({}, {}) x ({}, {}) do not fit",
            self.rows, self.cols, other.rows, other.cols
        );
        let mut out = Matrix::zeros(self.rows, other.cols);
        for i in 0..self.rows {
            for k in 0..self.cols {
                let a = self.at(i, k);
                if a == 0.0 {
                    continue;
                }
                let row = &other.data[k * other.cols..][..other.cols];
                for (o, b) in out.data[i * other.cols..][..other.cols].iter_mut().zip(row) {
                    *o += a * b;
                }
            }
        }
        out
    }

    /// Column `j`.
    pub fn col(&self, j: usize) -> Vec<f64> {
        (0..self.rows).map(|i| self.at(i, j)).collect()
    }

    /// The first `k` columns.
    pub fn first_cols(&self, k: usize) -> Matrix {
        let k = k.min(self.cols);
        let mut out = Matrix::zeros(self.rows, k);
        for i in 0..self.rows {
            for j in 0..k {
                out.set(i, j, self.at(i, j));
            }
        }
        out
    }

    /// The values as f32, row-major.
    pub fn to_f32(&self) -> Vec<f32> {
        self.data.iter().map(|&v| v as f32).collect()
    }
}

/// Cross-covariance `X^T Y / n` of two centred (n, p) and (n, q) matrices.
#[track_caller]
pub fn cross_covariance(x: &Matrix, y: &Matrix) -> Matrix {
    assert_eq!(x.rows, y.rows, "cross_covariance: {} rows and {} rows differ", x.rows, y.rows);
    let mut c = x.t().matmul(y);
    let n = x.rows.max(1) as f64;
    c.data.iter_mut().for_each(|v| *v /= n);
    c
}

/// Subtract each column's mean; returns the means.
pub fn centre(m: &mut Matrix) -> Vec<f64> {
    let mut mean = vec![0.0; m.cols];
    for row in m.data.chunks_exact(m.cols) {
        mean.iter_mut().zip(row).for_each(|(a, v)| *a += v);
    }
    mean.iter_mut().for_each(|a| *a /= m.rows.max(1) as f64);
    for row in m.data.chunks_exact_mut(m.cols) {
        row.iter_mut().zip(&mean).for_each(|(v, a)| *v -= a);
    }
    mean
}

/// The lower-triangular L with `L L^T = a`, for a symmetric positive definite `a`;
/// an error when `a` is not (numerically) positive definite.
pub fn cholesky(a: &Matrix) -> Result<Matrix, String> {
    assert_eq!(a.rows, a.cols, "cholesky: needs a square matrix, got ({}, {})", a.rows, a.cols);
    let n = a.rows;
    let mut l = Matrix::zeros(n, n);
    for i in 0..n {
        for j in 0..=i {
            let dot: f64 = (0..j).map(|k| l.at(i, k) * l.at(j, k)).sum();
            if i == j {
                let d = a.at(i, i) - dot;
                if d <= 0.0 || !d.is_finite() {
                    return Err(format!("cholesky: the matrix is not positive definite (pivot {i} is {d})"));
                }
                l.set(i, i, d.sqrt());
            } else {
                l.set(i, j, (a.at(i, j) - dot) / l.at(j, j));
            }
        }
    }
    Ok(l)
}

/// `L^-1 B` for a lower-triangular `L` (forward substitution, column by column).
#[track_caller]
pub fn solve_lower(l: &Matrix, b: &Matrix) -> Matrix {
    assert_eq!(l.rows, b.rows, "solve_lower: L is ({}, {}), B has {} rows", l.rows, l.cols, b.rows);
    let mut x = b.clone();
    for j in 0..b.cols {
        for i in 0..l.rows {
            let dot: f64 = (0..i).map(|k| l.at(i, k) * x.at(k, j)).sum();
            x.set(i, j, (x.at(i, j) - dot) / l.at(i, i));
        }
    }
    x
}

/// `L^-T B` for a lower-triangular `L` (back substitution with the transpose).
#[track_caller]
pub fn solve_lower_transposed(l: &Matrix, b: &Matrix) -> Matrix {
    assert_eq!(
        l.rows, b.rows,
        "solve_lower_transposed: L is ({}, {}), B has {} rows",
        l.rows, l.cols, b.rows
    );
    let mut x = b.clone();
    for j in 0..b.cols {
        for i in (0..l.rows).rev() {
            let dot: f64 = (i + 1..l.rows).map(|k| l.at(k, i) * x.at(k, j)).sum();
            x.set(i, j, (x.at(i, j) - dot) / l.at(i, i));
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_and_solves_invert_a_hand_case() {
        // [[4, 2], [2, 3]] = L L^T with L = [[2, 0], [1, √2]].
        let a = Matrix { rows: 2, cols: 2, data: vec![4.0, 2.0, 2.0, 3.0] };
        let l = cholesky(&a).unwrap();
        assert!((l.at(0, 0) - 2.0).abs() < 1e-12 && (l.at(1, 0) - 1.0).abs() < 1e-12);
        assert!((l.at(1, 1) - 2f64.sqrt()).abs() < 1e-12 && l.at(0, 1) == 0.0);
        let b = Matrix { rows: 2, cols: 1, data: vec![1.0, 2.0] };
        let y = solve_lower(&l, &b);
        assert!((l.matmul(&y).data[1] - 2.0).abs() < 1e-12);
        let x = solve_lower_transposed(&l, &b);
        assert!((l.t().matmul(&x).data[0] - 1.0).abs() < 1e-12);
        assert!(cholesky(&Matrix { rows: 2, cols: 2, data: vec![1.0, 2.0, 2.0, 1.0] }).is_err());
    }
}

//! Canonical correlation analysis (Hotelling, 1936): the classical coordinated
//! representation. Linear maps `Wx`, `Wy` project two views into k dimensions where
//! coordinate i of one view has the largest possible correlation with coordinate i
//! of the other, uncorrelated with coordinates 0..i.

use crate::linalg::{
    Matrix, centre, cholesky, cross_covariance, solve_lower, solve_lower_transposed, symmetric_eigen,
};

/// A fitted CCA: the projections of each view and the canonical correlations.
pub struct Cca {
    /// (p, k): x's projection.
    pub wx: Matrix,
    /// (q, k): y's projection.
    pub wy: Matrix,
    /// Means of x's features on the fitting data.
    pub mean_x: Vec<f64>,
    /// Means of y's features on the fitting data.
    pub mean_y: Vec<f64>,
    /// The k canonical correlations, largest first.
    pub correlations: Vec<f64>,
}

impl Cca {
    /// Fit on paired rows of x (n, p) and y (n, q), keeping k ≤ min(p, q) directions.
    /// `ridge` is added to both covariances' diagonals (regularised CCA; needed when a
    /// view has more features than the data pins down).
    ///
    /// Whiten each view with its Cholesky factor (`Cxx + ridge I = Lx Lx^T`), take the
    /// SVD of the whitened cross-covariance `T = Lx^-1 Cxy Ly^-T = U Σ V^T` (from the
    /// eigenvectors of `T T^T`), and map back: `Wx = Lx^-T U`, `Wy = Ly^-T V`. The
    /// singular values are the canonical correlations. sklearn: `CCA(n_components=k)`
    /// (iterative, unregularised); the closed form here is the textbook one.
    // ANCHOR: fit
    pub fn fit(x: &Matrix, y: &Matrix, k: usize, ridge: f64) -> Result<Cca, String> {
        if x.rows != y.rows {
            return Err(format!("Cca::fit: x has {} rows but y has {}", x.rows, y.rows));
        }
        if k == 0 || k > x.cols.min(y.cols) {
            return Err(format!("Cca::fit: k = {k} must be in 1..={}", x.cols.min(y.cols)));
        }
        let (mut x, mut y) = (x.clone(), y.clone());
        let (mean_x, mean_y) = (centre(&mut x), centre(&mut y));
        let with_ridge = |mut c: Matrix| {
            (0..c.rows).for_each(|i| c.data[i * c.cols + i] += ridge);
            c
        };
        let lx = cholesky(&with_ridge(cross_covariance(&x, &x)))?;
        let ly = cholesky(&with_ridge(cross_covariance(&y, &y)))?;
        let a = solve_lower(&lx, &cross_covariance(&x, &y)); // Lx^-1 Cxy, (p, q)
        let t = solve_lower(&ly, &a.t()).t(); // Lx^-1 Cxy Ly^-T, (p, q)
        let (values, u) = symmetric_eigen(&t.matmul(&t.t()));
        let u = u.first_cols(k);
        let correlations: Vec<f64> = values[..k].iter().map(|&v| v.max(0.0).sqrt()).collect();
        // V = T^T U Σ^-1, column by column.
        let mut v = t.t().matmul(&u);
        for row in v.data.chunks_exact_mut(k) {
            row.iter_mut().zip(&correlations).for_each(|(e, s)| *e /= s.max(1e-12));
        }
        let wx = solve_lower_transposed(&lx, &u);
        let wy = solve_lower_transposed(&ly, &v);
        Ok(Cca { wx, wy, mean_x, mean_y, correlations })
    }
    // ANCHOR_END: fit

    /// The same model keeping only the first `k` canonical directions.
    pub fn keep(mut self, k: usize) -> Cca {
        self.wx = self.wx.first_cols(k);
        self.wy = self.wy.first_cols(k);
        self.correlations.truncate(k);
        self
    }

    /// Project rows of x (n, p) into the canonical space (n, k).
    pub fn transform_x(&self, x: &Matrix) -> Matrix {
        project(x, &self.mean_x, &self.wx)
    }

    /// Project rows of y (n, q) into the canonical space (n, k).
    pub fn transform_y(&self, y: &Matrix) -> Matrix {
        project(y, &self.mean_y, &self.wy)
    }
}

fn project(m: &Matrix, mean: &[f64], w: &Matrix) -> Matrix {
    assert_eq!(m.cols, mean.len(), "Cca: {} features, but the model was fitted on {}", m.cols, mean.len());
    let mut centred = m.clone();
    for row in centred.data.chunks_exact_mut(m.cols) {
        row.iter_mut().zip(mean).for_each(|(v, a)| *v -= a);
    }
    centred.matmul(w)
}

/// Principal component analysis: the top k directions of largest variance.
pub struct Pca {
    /// (p, k): the principal directions, as columns.
    pub components: Matrix,
    /// Feature means on the fitting data.
    pub mean: Vec<f64>,
    /// The variance along each kept direction, largest first.
    pub variances: Vec<f64>,
    /// The total variance of the fitting data (the sum over all directions).
    pub total_variance: f64,
}

impl Pca {
    /// Fit on the rows of x (n, p), keeping k ≤ p directions: the eigenvectors of the
    /// covariance with the largest eigenvalues. sklearn: `PCA(n_components=k)`
    // ANCHOR: pca
    pub fn fit(x: &Matrix, k: usize) -> Result<Pca, String> {
        if k == 0 || k > x.cols {
            return Err(format!("Pca::fit: k = {k} must be in 1..={}", x.cols));
        }
        let mut x = x.clone();
        let mean = centre(&mut x);
        let (values, vectors) = symmetric_eigen(&cross_covariance(&x, &x));
        let total_variance = values.iter().map(|v| v.max(0.0)).sum();
        Ok(Pca { components: vectors.first_cols(k), mean, variances: values[..k].to_vec(), total_variance })
    }
    // ANCHOR_END: pca

    /// Project rows of x (n, p) onto the components (n, k).
    pub fn transform(&self, x: &Matrix) -> Matrix {
        project(x, &self.mean, &self.components)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cca_recovers_a_shared_signal() {
        // x = (s, noise), y = (noise, noise, -s): one canonical correlation near 1.
        let n = 400;
        let (mut x, mut y) = (Matrix::zeros(n, 2), Matrix::zeros(n, 3));
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as f64 / (1u64 << 31) as f64 - 0.5
        };
        for i in 0..n {
            let s = next();
            x.data[i * 2] = s;
            x.data[i * 2 + 1] = next();
            y.data[i * 3] = next();
            y.data[i * 3 + 1] = next();
            y.data[i * 3 + 2] = -s + 0.01 * next();
        }
        let cca = Cca::fit(&x, &y, 2, 0.0).unwrap();
        assert!(cca.correlations[0] > 0.99, "{:?}", cca.correlations);
        assert!(cca.correlations[1] < 0.2, "{:?}", cca.correlations);
        // The projections' first coordinates correlate as the first canonical correlation says.
        let (px, py) = (cca.transform_x(&x), cca.transform_y(&y));
        let corr = (0..n).map(|i| px.at(i, 0) * py.at(i, 0)).sum::<f64>()
            / ((0..n).map(|i| px.at(i, 0).powi(2)).sum::<f64>()
                * (0..n).map(|i| py.at(i, 0).powi(2)).sum::<f64>())
            .sqrt();
        assert!((corr - cca.correlations[0]).abs() < 1e-6, "{corr} vs {:?}", cca.correlations);
        assert!(Cca::fit(&x, &y, 3, 0.0).is_err());
    }

    #[test]
    fn pca_finds_the_long_axis() {
        // Points along (1, 1) with a little spread across it.
        let data: Vec<f64> = (0..50)
            .flat_map(|i| {
                let t = i as f64 - 25.0;
                let e = if i % 2 == 0 { 0.1 } else { -0.1 };
                [t + e, t - e]
            })
            .collect();
        let pca = Pca::fit(&Matrix { rows: 50, cols: 2, data }, 1).unwrap();
        let (a, b) = (pca.components.at(0, 0), pca.components.at(1, 0));
        assert!((a.abs() - b.abs()).abs() < 1e-3 && a * b > 0.0, "({a}, {b})");
        assert!(pca.variances[0] / pca.total_variance > 0.999);
    }
}

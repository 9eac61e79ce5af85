//! Eigen-decomposition of a symmetric matrix, two ways: cyclic Jacobi rotations (short
//! and easy to follow, O(n³) per sweep) and Householder tridiagonalisation followed by
//! the implicit QL method (the EISPACK/JAMA `tred2` + `tql2` pair, O(n³) once), which
//! is what PCA of a few hundred features needs.

use super::Matrix;

/// Eigenvalues (descending) and unit eigenvectors (the columns of the returned
/// matrix, in the same order) of a symmetric matrix, by cyclic Jacobi rotations (the readable reference;
/// [`symmetric_eigen`] is the fast one):
/// each rotation zeroes one off-diagonal pair, and sweeps repeat until the
/// off-diagonal mass is below 1e-12 of the total. numpy: `np.linalg.eigh` (ascending)
#[track_caller]
pub fn jacobi_eigen(a: &Matrix) -> (Vec<f64>, Matrix) {
    assert_eq!(a.rows, a.cols, "jacobi_eigen: needs a square matrix, got ({}, {})", a.rows, a.cols);
    let n = a.rows;
    let mut m = a.clone();
    let mut v = Matrix::zeros(n, n);
    (0..n).for_each(|i| v.set(i, i, 1.0));
    let total: f64 = m.data.iter().map(|x| x * x).sum::<f64>().max(1e-300);
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| m.at(i, j).powi(2))
            .sum();
        if off <= 1e-24 * total {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = m.at(p, q);
                if apq.abs() < 1e-300 {
                    continue;
                }
                // The rotation angle that zeroes (p, q): tan 2θ = 2 a_pq / (a_qq - a_pp).
                let theta = (m.at(q, q) - m.at(p, p)) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let (c, s) = (1.0 / (t * t + 1.0).sqrt(), t / (t * t + 1.0).sqrt());
                for k in 0..n {
                    let (mkp, mkq) = (m.at(k, p), m.at(k, q));
                    m.set(k, p, c * mkp - s * mkq);
                    m.set(k, q, s * mkp + c * mkq);
                }
                for k in 0..n {
                    let (mpk, mqk) = (m.at(p, k), m.at(q, k));
                    m.set(p, k, c * mpk - s * mqk);
                    m.set(q, k, s * mpk + c * mqk);
                }
                for k in 0..n {
                    let (vkp, vkq) = (v.at(k, p), v.at(k, q));
                    v.set(k, p, c * vkp - s * vkq);
                    v.set(k, q, s * vkp + c * vkq);
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| m.at(j, j).total_cmp(&m.at(i, i)));
    let values = order.iter().map(|&i| m.at(i, i)).collect();
    let mut vectors = Matrix::zeros(n, n);
    for (new, &old) in order.iter().enumerate() {
        for k in 0..n {
            vectors.set(k, new, v.at(k, old));
        }
    }
    (values, vectors)
}

/// Eigenvalues (descending) and unit eigenvectors (the columns of the returned
/// matrix, in the same order) of a symmetric matrix: Householder reduction to
/// tridiagonal form, then implicit QL iterations with Wilkinson-style shifts, as in
/// EISPACK's `tred2`/`tql2` (Bowdler, Martin, Reinsch and Wilkinson 1968) and JAMA.
/// numpy: `np.linalg.eigh` (ascending)
#[track_caller]
pub fn symmetric_eigen(a: &Matrix) -> (Vec<f64>, Matrix) {
    assert_eq!(a.rows, a.cols, "symmetric_eigen: needs a square matrix, got ({}, {})", a.rows, a.cols);
    let n = a.rows;
    if n == 0 {
        return (vec![], Matrix::zeros(0, 0));
    }
    let mut v: Vec<Vec<f64>> = (0..n).map(|i| a.data[i * n..(i + 1) * n].to_vec()).collect();
    let (mut d, mut e) = (vec![0.0; n], vec![0.0; n]);
    tred2(&mut v, &mut d, &mut e);
    tql2(&mut v, &mut d, &mut e);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| d[j].total_cmp(&d[i]));
    let mut vectors = Matrix::zeros(n, n);
    for (new, &old) in order.iter().enumerate() {
        for (k, row) in v.iter().enumerate() {
            vectors.data[k * n + new] = row[old];
        }
    }
    (order.iter().map(|&i| d[i]).collect(), vectors)
}

/// Householder reduction of the symmetric `v` to tridiagonal form: on return `d` is
/// the diagonal, `e[1..]` the subdiagonal, and `v` the accumulated orthogonal transform.
// Index loops mirror the published algorithm line by line, so it can be checked against it.
#[allow(clippy::needless_range_loop)]
fn tred2(v: &mut [Vec<f64>], d: &mut [f64], e: &mut [f64]) {
    let n = d.len();
    d.copy_from_slice(&v[n - 1]);
    for i in (1..n).rev() {
        let scale: f64 = d[..i].iter().map(|x| x.abs()).sum();
        let mut h = 0.0;
        if scale == 0.0 {
            e[i] = d[i - 1];
            for j in 0..i {
                d[j] = v[i - 1][j];
                v[i][j] = 0.0;
                v[j][i] = 0.0;
            }
        } else {
            // The Householder vector.
            for k in 0..i {
                d[k] /= scale;
                h += d[k] * d[k];
            }
            let f = d[i - 1];
            let g = if f > 0.0 { -h.sqrt() } else { h.sqrt() };
            e[i] = scale * g;
            h -= f * g;
            d[i - 1] = f - g;
            e[..i].iter_mut().for_each(|x| *x = 0.0);
            // Apply the similarity transformation to the remaining columns.
            for j in 0..i {
                let f = d[j];
                v[j][i] = f;
                let mut g = e[j] + v[j][j] * f;
                for k in j + 1..i {
                    g += v[k][j] * d[k];
                    e[k] += v[k][j] * f;
                }
                e[j] = g;
            }
            let mut f = 0.0;
            for j in 0..i {
                e[j] /= h;
                f += e[j] * d[j];
            }
            let hh = f / (h + h);
            for j in 0..i {
                e[j] -= hh * d[j];
            }
            for j in 0..i {
                let (f, g) = (d[j], e[j]);
                for k in j..i {
                    v[k][j] -= f * e[k] + g * d[k];
                }
                d[j] = v[i - 1][j];
                v[i][j] = 0.0;
            }
        }
        d[i] = h;
    }
    // Accumulate the transformations.
    for i in 0..n - 1 {
        v[n - 1][i] = v[i][i];
        v[i][i] = 1.0;
        let h = d[i + 1];
        if h != 0.0 {
            for k in 0..=i {
                d[k] = v[k][i + 1] / h;
            }
            for j in 0..=i {
                let g: f64 = (0..=i).map(|k| v[k][i + 1] * v[k][j]).sum();
                for k in 0..=i {
                    v[k][j] -= g * d[k];
                }
            }
        }
        for row in v.iter_mut().take(i + 1) {
            row[i + 1] = 0.0;
        }
    }
    for j in 0..n {
        d[j] = v[n - 1][j];
        v[n - 1][j] = 0.0;
    }
    v[n - 1][n - 1] = 1.0;
    e[0] = 0.0;
}

/// Implicit QL iterations on the tridiagonal (`d`, `e`), rotating `v` along: on return
/// `d` holds the eigenvalues and the columns of `v` the eigenvectors.
#[allow(clippy::needless_range_loop)]
fn tql2(v: &mut [Vec<f64>], d: &mut [f64], e: &mut [f64]) {
    let n = d.len();
    for i in 1..n {
        e[i - 1] = e[i];
    }
    e[n - 1] = 0.0;
    let (mut f, mut tst1) = (0.0f64, 0.0f64);
    let eps = f64::EPSILON;
    for l in 0..n {
        // Find a small subdiagonal element.
        tst1 = tst1.max(d[l].abs() + e[l].abs());
        let mut m = l;
        while m < n - 1 && e[m].abs() > eps * tst1 {
            m += 1;
        }
        // If m == l, d[l] is already an eigenvalue; otherwise iterate.
        if m > l {
            for _iteration in 0..60 {
                // The shift.
                let g = d[l];
                let mut p = (d[l + 1] - g) / (2.0 * e[l]);
                let mut r = p.hypot(1.0);
                if p < 0.0 {
                    r = -r;
                }
                d[l] = e[l] / (p + r);
                d[l + 1] = e[l] * (p + r);
                let dl1 = d[l + 1];
                let h = g - d[l];
                for x in d.iter_mut().skip(l + 2) {
                    *x -= h;
                }
                f += h;
                // The implicit QL transformation.
                p = d[m];
                let (mut c, mut c2, mut c3) = (1.0, 1.0, 1.0);
                let el1 = e[l + 1];
                let (mut s, mut s2) = (0.0, 0.0);
                for i in (l..m).rev() {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    let g = c * e[i];
                    let h = c * p;
                    r = p.hypot(e[i]);
                    e[i + 1] = s * r;
                    s = e[i] / r;
                    c = p / r;
                    p = c * d[i] - s * g;
                    d[i + 1] = h + s * (c * g + s * d[i]);
                    for row in v.iter_mut() {
                        let h = row[i + 1];
                        row[i + 1] = s * row[i] + c * h;
                        row[i] = c * row[i] - s * h;
                    }
                }
                p = -s * s2 * c3 * el1 * e[l] / dl1;
                e[l] = s * p;
                d[l] = c * p;
                if e[l].abs() <= eps * tst1 {
                    break;
                }
            }
        }
        d[l] += f;
        e[l] = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random_symmetric(n: usize, seed: u64) -> Matrix {
        let mut a = Matrix::zeros(n, n);
        let mut state = seed;
        for i in 0..n {
            for j in 0..=i {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let v = (state >> 33) as f64 / (1u64 << 31) as f64 - 0.5;
                a.data[i * n + j] = v;
                a.data[j * n + i] = v;
            }
        }
        a
    }

    /// V diag(values) V^T == A and V^T V == I, to `tol`.
    fn check_decomposition(a: &Matrix, values: &[f64], vectors: &Matrix, tol: f64) {
        let n = a.rows;
        assert!(values.windows(2).all(|w| w[0] >= w[1]), "not descending: {values:?}");
        let mut scaled = vectors.clone();
        for row in scaled.data.chunks_exact_mut(n) {
            row.iter_mut().zip(values).for_each(|(v, value)| *v *= value);
        }
        let back = scaled.matmul(&vectors.t());
        let identity = vectors.t().matmul(vectors);
        for i in 0..n {
            for j in 0..n {
                assert!((back.at(i, j) - a.at(i, j)).abs() < tol, "A[{i}][{j}]");
                assert!((identity.at(i, j) - f64::from(u8::from(i == j))).abs() < tol, "VᵀV[{i}][{j}]");
            }
        }
    }

    #[test]
    fn both_solvers_find_a_hand_derived_eigensystem() {
        // [[2, 1], [1, 2]] has eigenvalues 3 and 1, eigenvectors (1, 1)/√2 and (1, -1)/√2.
        for eigen in [jacobi_eigen, symmetric_eigen] {
            let (values, vectors) = eigen(&Matrix { rows: 2, cols: 2, data: vec![2.0, 1.0, 1.0, 2.0] });
            assert!((values[0] - 3.0).abs() < 1e-12 && (values[1] - 1.0).abs() < 1e-12, "{values:?}");
            let h = std::f64::consts::FRAC_1_SQRT_2;
            assert!((vectors.at(0, 0).abs() - h).abs() < 1e-12);
            assert!((vectors.at(0, 0) - vectors.at(1, 0)).abs() < 1e-12);
            assert!((vectors.at(0, 1) + vectors.at(1, 1)).abs() < 1e-12);
        }
    }

    #[test]
    fn jacobi_reconstructs_a_random_symmetric_matrix() {
        let a = random_symmetric(12, 1);
        let (values, vectors) = jacobi_eigen(&a);
        check_decomposition(&a, &values, &vectors, 1e-10);
    }

    #[test]
    fn householder_ql_agrees_with_jacobi_and_reconstructs() {
        for (n, seed) in [(1, 1), (3, 2), (12, 3), (60, 4)] {
            let a = random_symmetric(n, seed);
            let (values, vectors) = symmetric_eigen(&a);
            check_decomposition(&a, &values, &vectors, 1e-10);
            let (reference, _) = jacobi_eigen(&a);
            for (x, y) in values.iter().zip(&reference) {
                assert!((x - y).abs() < 1e-10, "n = {n}: {x} vs {y}");
            }
        }
        // A rank-deficient case (repeated zero eigenvalues) still decomposes.
        let mut low = Matrix::zeros(5, 5);
        (0..5).for_each(|i| (0..5).for_each(|j| low.data[i * 5 + j] = (i + 1) as f64 * (j + 1) as f64));
        let (values, vectors) = symmetric_eigen(&low);
        check_decomposition(&low, &values, &vectors, 1e-10);
        assert!((values[0] - 55.0).abs() < 1e-10 && values[1].abs() < 1e-10);
    }
}

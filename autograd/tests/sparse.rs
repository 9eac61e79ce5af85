//! CSR x dense: values against the dense product, gradients, construction errors.

mod common;
use autograd::{Csr, Tensor};
use common::*;

fn small() -> Csr {
    // [[1, 0, 2],
    //  [0, 0, 3],
    //  [4, 5, 0],
    //  [0, 0, 0]]   (built out of order, with (2, 0) split into 1.5 + 2.5)
    let t = [(2, 1, 5.0), (0, 2, 2.0), (1, 2, 3.0), (2, 0, 1.5), (0, 0, 1.0), (2, 0, 2.5)];
    Csr::from_triplets(4, 3, &t).unwrap()
}

#[test]
fn triplets_sort_and_sum_duplicates() {
    let a = small();
    assert_eq!(a.nnz(), 5);
    assert_eq!(a.to_dense(), vec![1.0, 0.0, 2.0, 0.0, 0.0, 3.0, 4.0, 5.0, 0.0, 0.0, 0.0, 0.0]);
    assert_eq!(a.transpose().to_dense(), vec![1.0, 0.0, 4.0, 0.0, 0.0, 0.0, 5.0, 0.0, 2.0, 3.0, 0.0, 0.0]);
}

#[test]
fn spmm_matches_dense_matmul_and_its_gradient() {
    let a = small();
    let x = var(&[3, 2], 1);
    let dense = Tensor::from_vec(a.to_dense(), &[4, 3]);
    assert_close(a.matmul(&x).data(), dense.matmul(&x).data(), 1e-6);
    let weights = var(&[4, 2], 2).detach();
    let g_sparse = a.matmul(&x).mul(&weights).sum_all(false).backward();
    let g_dense = dense.matmul(&x).mul(&weights).sum_all(false).backward();
    assert_close(g_sparse.get(&x).unwrap().data(), g_dense.get(&x).unwrap().data(), 1e-6);
    check("spmm", &[x], |t| a.matmul(&t[0]));
}

#[test]
fn hand_derived_spmm_gradient() {
    // Y = A X, L = sum(Y): dL/dX = A^T ones, so row c of dX holds column c's sum of A.
    // Column sums of A above: [1 + 4, 5, 2 + 3] = [5, 5, 5].
    let x = Tensor::var(vec![1.0, 1.0, 1.0], &[3, 1]);
    let g = small().matmul(&x).sum_all(false).backward();
    assert_close(g.get(&x).unwrap().data(), &[5.0, 5.0, 5.0], 1e-6);
}

#[test]
fn large_products_split_across_threads_match_serial_rows() {
    // Big enough to take the two-thread path; checked row by row against the definition.
    let n = 30_000;
    let triplets: Vec<_> =
        (0..n).flat_map(|r| (0..20).map(move |k| (r, (r * 7 + k * 13) % n, 1.0 + (k % 3) as f32))).collect();
    let a = Csr::from_triplets(n, n, &triplets).unwrap();
    let x = var(&[n, 8], 3);
    let y = a.matmul(&x);
    for r in [0, 1, n / 2, n - 1] {
        let mut expected = [0.0f32; 8];
        for (c, v) in a.row(r) {
            for (e, x) in expected.iter_mut().zip(&x.data()[c * 8..][..8]) {
                *e += v * x;
            }
        }
        assert_close(&y.data()[r * 8..][..8], &expected, 1e-5);
    }
}

#[test]
fn bad_input_is_reported() {
    let err = Csr::from_triplets(2, 2, &[(0, 0, 1.0), (2, 1, 1.0)]).unwrap_err();
    assert!(err.to_string().contains("(2, 1)") && err.to_string().contains("2 x 2"), "{err}");
    let a = small();
    assert_bad_shape(|| drop(a.matmul(&Tensor::zeros(&[4, 2]))), &["spmm", "[4, 3]", "[4, 2]"]);
}

#[test]
fn from_csr_takes_scipy_s_arrays_and_checks_them() {
    // [[1, 0, 2], [0, 0, 3]] as scipy holds it.
    let a = Csr::from_csr(vec![0, 2, 3], vec![0, 2, 2], vec![1.0, 2.0, 3.0], (2, 3)).unwrap();
    let same = Csr::from_triplets(2, 3, &[(0, 0, 1.0), (0, 2, 2.0), (1, 2, 3.0)]).unwrap();
    let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[3, 2]);
    assert_eq!(a.matmul(&x).to_vec(), same.matmul(&x).to_vec());
    assert_eq!(x.sparse_lmul(&a).to_vec(), a.matmul(&x).to_vec(), "the same product from the dense side");
    for (indptr, indices, values, needle) in [
        (vec![0, 2], vec![0, 2], vec![1.0, 2.0], "indptr has 2 entries"),
        (vec![0, 2, 3], vec![0, 2], vec![1.0, 2.0, 3.0], "2 column indices but 3 values"),
        (vec![0, 2, 1], vec![0, 2, 2], vec![1.0, 2.0, 3.0], "indptr must rise"),
        (vec![0, 2, 3], vec![0, 5, 2], vec![1.0, 2.0, 3.0], "column 5, outside 0..3"),
        (vec![0, 2, 3], vec![2, 0, 2], vec![1.0, 2.0, 3.0], "not strictly increasing"),
    ] {
        let err = Csr::from_csr(indptr, indices, values, (2, 3)).map(|_| ()).unwrap_err().to_string();
        assert!(err.contains(needle), "{err}");
    }
}

#[test]
fn from_triplets_sums_duplicates() {
    let a = Csr::from_triplets(1, 2, &[(0, 1, 2.0), (0, 1, 3.0), (0, 0, 1.0)]).unwrap();
    let x = Tensor::from_vec(vec![1.0, 1.0], &[2, 1]);
    assert_eq!(a.matmul(&x).to_vec(), vec![6.0]);
}

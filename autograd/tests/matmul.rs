//! Matrix product against the naive triple loop, its gradients, and its shape rules.

mod common;
use autograd::Tensor;
use common::*;

#[test]
fn matches_the_naive_triple_loop() {
    for (m, k, n) in [(1, 1, 1), (3, 5, 2), (17, 33, 9), (64, 70, 31)] {
        let a = var(&[m, k], 1);
        let b = var(&[k, n], 2);
        assert_close(a.matmul(&b).data(), &matmul_naive(a.data(), b.data(), m, k, n), 1e-4);
    }
}

#[test]
fn batched_matches_per_item_products() {
    let (batch, m, k, n) = (3, 4, 5, 2);
    let a = var(&[batch, m, k], 3);
    let b = var(&[batch, k, n], 4);
    let c = a.matmul(&b);
    assert_eq!(c.shape(), &[batch, m, n]);
    for i in 0..batch {
        let expected =
            matmul_naive(&a.data()[i * m * k..][..m * k], &b.data()[i * k * n..][..k * n], m, k, n);
        assert_close(&c.data()[i * m * n..][..m * n], &expected, 1e-5);
    }
}

#[test]
fn gradcheck_matmul() {
    check("matmul", &[var(&[3, 4], 1), var(&[4, 2], 2)], |x| x[0].matmul(&x[1]));
    check("matmul batched", &[var(&[2, 3, 4], 3), var(&[2, 4, 5], 4)], |x| x[0].matmul(&x[1]));
    check("matmul 3-D x 2-D", &[var(&[2, 3, 4], 5), var(&[4, 5], 6)], |x| x[0].matmul(&x[1]));
    check("t", &[var(&[3, 4], 7)], |x| x[0].t());
}

#[test]
fn hand_derived_matmul_gradients() {
    // C = A B, L = sum(C). dL/dC = ones, so dL/dA = ones B^T: row i of dA holds the
    // row sums of B; dL/dB = A^T ones: row l of dB holds the column-l sum of A.
    // A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]]:
    //   B's row sums = [11, 15]  -> dA = [[11, 15], [11, 15]]
    //   A's column sums = [4, 6] -> dB = [[4, 4], [6, 6]]
    let a = Tensor::var(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let b = Tensor::var(vec![5.0, 6.0, 7.0, 8.0], &[2, 2]);
    let c = a.matmul(&b);
    assert_close(c.data(), &[19.0, 22.0, 43.0, 50.0], 1e-6);
    let grads = c.sum_all(false).backward();
    assert_close(grads.get(&a).unwrap().data(), &[11.0, 15.0, 11.0, 15.0], 1e-6);
    assert_close(grads.get(&b).unwrap().data(), &[4.0, 4.0, 6.0, 6.0], 1e-6);
}

#[test]
fn constant_operand_gets_no_gradient() {
    let x = Tensor::from_vec(vec![1.0; 6], &[2, 3]);
    let w = var(&[3, 2], 1);
    let grads = x.matmul(&w).sum_all(false).backward();
    assert!(grads.get(&x).is_none());
    assert!(grads.get(&w).is_some());
}

#[test]
fn bad_shapes_name_the_op_and_both_shapes() {
    let a = Tensor::zeros(&[2, 3]);
    assert_bad_shape(|| drop(a.matmul(&Tensor::zeros(&[4, 5]))), &["matmul", "[2, 3]", "[4, 5]", "inner"]);
    assert_bad_shape(
        || drop(Tensor::zeros(&[2, 3, 4]).matmul(&Tensor::zeros(&[3, 4, 5]))),
        &["matmul", "[2, 3, 4]", "[3, 4, 5]", "batch"],
    );
    assert_bad_shape(|| drop(a.matmul(&Tensor::zeros(&[3]))), &["matmul", "[2, 3]", "[3]"]);
    assert_bad_shape(|| drop(Tensor::zeros(&[2, 3, 4]).t()), &["dims2", "[2, 3, 4]"]);
}

#[test]
fn a_recycled_buffer_full_of_nan_does_not_leak_into_a_product() {
    // The output buffer of a product is recycled without zeroing (beta = 0 overwrites
    // it): a buffer of NaNs given back just before must not show through.
    let (m, k, n) = (70, 30, 90);
    drop(Tensor::from_vec(vec![f32::NAN; m * n], &[m, n]));
    let a = Tensor::from_vec((0..m * k).map(|i| (i % 7) as f32).collect(), &[m, k]);
    let b = Tensor::from_vec((0..k * n).map(|i| (i % 5) as f32).collect(), &[k, n]);
    let c = a.matmul(&b);
    for i in 0..m {
        for j in 0..n {
            let expected: f32 = (0..k).map(|p| ((i * k + p) % 7) as f32 * ((p * n + j) % 5) as f32).sum();
            assert_eq!(c.data()[i * n + j], expected, "entry ({i}, {j})");
        }
    }
}

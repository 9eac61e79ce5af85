//! Reductions: sum and max are primitives; mean and logsumexp are composed.

mod common;
use autograd::Tensor;
use common::*;

#[test]
fn gradcheck_reductions() {
    let x = var(&[2, 3, 4], 7);
    for axis in [0, 1, 2, -1] {
        for keepdim in [false, true] {
            check("sum", &[x.clone()], |x| x[0].sum(axis, keepdim));
            check("max", &[x.clone()], |x| x[0].max(axis, keepdim));
            check("mean", &[x.clone()], |x| x[0].mean(axis, keepdim));
            check("logsumexp", &[x.clone()], |x| x[0].logsumexp(axis, keepdim));
        }
    }
    check("sum_all", &[x.clone()], |x| x[0].sum_all(false));
    check("max_all", &[x.clone()], |x| x[0].max_all(false));
    check("mean_all", &[x], |x| x[0].mean_all(false));
}

#[test]
fn hand_derived_sum_and_max() {
    // X = [[1, 5, 2], [7, 0, 3]].
    // sum over axis 1 = [8, 10]; y = 2*s0 + 3*s1, so dy/dX = [[2, 2, 2], [3, 3, 3]].
    let x = Tensor::var(vec![1.0, 5.0, 2.0, 7.0, 0.0, 3.0], &[2, 3]);
    let s = x.sum(1, false);
    assert_close(s.data(), &[8.0, 10.0], 1e-6);
    let y = s.mul(&Tensor::from_vec(vec![2.0, 3.0], &[2])).sum_all(false);
    assert_close(y.backward().get(&x).unwrap().data(), &[2.0, 2.0, 2.0, 3.0, 3.0, 3.0], 1e-6);
    // max over axis 0 = [7, 5, 3]; each comes from one element, which alone gets
    // gradient 1: dy/dX = [[0, 1, 0], [1, 0, 1]].
    let m = x.max(0, false);
    assert_close(m.data(), &[7.0, 5.0, 3.0], 1e-6);
    assert_close(m.sum_all(false).backward().get(&x).unwrap().data(), &[0.0, 1.0, 0.0, 1.0, 0.0, 1.0], 1e-6);
}

#[test]
fn max_ties_send_the_gradient_to_the_first() {
    let x = Tensor::var(vec![2.0, 2.0, 1.0], &[3]);
    let g = x.max_all(false).backward();
    assert_close(g.get(&x).unwrap().data(), &[1.0, 0.0, 0.0], 1e-6);
}

#[test]
fn hand_derived_logsumexp_is_softmax() {
    // d/dx_k log sum_j e^{x_j} = e^{x_k} / sum_j e^{x_j} = softmax(x)_k.
    // x = [0, ln 2, ln 3]: sum = 1 + 2 + 3 = 6, softmax = [1/6, 2/6, 3/6].
    let x = Tensor::var(vec![0.0, 2f32.ln(), 3f32.ln()], &[3]);
    let lse = x.logsumexp(0, false);
    assert_close(lse.data(), &[6f32.ln()], 1e-6);
    assert_close(lse.backward().get(&x).unwrap().data(), &[1.0 / 6.0, 2.0 / 6.0, 3.0 / 6.0], 1e-6);
}

#[test]
fn logsumexp_is_stable_for_huge_inputs() {
    let x = Tensor::var(vec![1000.0, 1000.0, -1000.0], &[1, 3]);
    let lse = x.logsumexp(1, true);
    assert_eq!(lse.shape(), &[1, 1]);
    assert_close(lse.data(), &[1000.0 + 2f32.ln()], 1e-6);
    let g = lse.sum_all(false).backward();
    assert_close(g.get(&x).unwrap().data(), &[0.5, 0.5, 0.0], 1e-6);
}

#[test]
fn shapes_with_and_without_keepdim() {
    let x = Tensor::zeros(&[2, 3, 4]);
    assert_eq!(x.sum(1, false).shape(), &[2, 4]);
    assert_eq!(x.sum(1, true).shape(), &[2, 1, 4]);
    assert_eq!(x.max(-1, false).shape(), &[2, 3]);
    assert_eq!(x.sum_all(false).shape(), &[] as &[usize]);
}

#[test]
fn bad_axes_name_the_op_and_the_shape() {
    let x = Tensor::zeros(&[2, 3]);
    assert_bad_shape(|| drop(x.sum(2, false)), &["sum", "axis 2", "[2, 3]"]);
    assert_bad_shape(|| drop(x.max(-3, false)), &["max", "axis -3", "[2, 3]"]);
    assert_bad_shape(|| drop(x.mean(5, true)), &["mean", "axis 5", "[2, 3]"]);
    assert_bad_shape(|| drop(Tensor::zeros(&[0]).max_all(false)), &["max_all", "[0]"]);
}

#[test]
fn full_reductions_keep_every_axis_when_asked() {
    let x = Tensor::from_vec(vec![1.0, -2.0, 3.0, 0.5, 4.0, -1.0], &[2, 3]);
    assert_eq!(x.sum_all(false).shape(), &[] as &[usize]);
    assert_eq!(x.sum_all(true).shape(), &[1, 1]);
    assert!((x.sum_all(true).item() - 5.5).abs() < 1e-6);
    assert_eq!(x.mean_all(true).shape(), &[1, 1]);
    assert_eq!((x.max_all(true).shape(), x.max_all(true).item()), (&[1usize, 1][..], 4.0));
    // A keepdim result broadcasts against its input: x - max(x) <= 0 everywhere.
    assert!(x.sub(&x.max_all(true)).to_vec().iter().all(|&v| v <= 0.0));
}

#[test]
fn logsumexp_over_everything_is_stable_and_matches_the_definition() {
    // log(e^1 + e^2 + e^3 + e^4) by hand, then shifted by 1000 (naive exp overflows).
    let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let by_hand = (1f64.exp() + 2f64.exp() + 3f64.exp() + 4f64.exp()).ln() as f32;
    assert!((x.logsumexp_all(false).item() - by_hand).abs() < 1e-5);
    assert_eq!(x.logsumexp_all(true).shape(), &[1, 1]);
    let big = x.add_scalar(1000.0);
    assert!((big.logsumexp_all(false).item() - (by_hand + 1000.0)).abs() < 1e-2);
    // Its gradient is softmax over all elements.
    let v = Tensor::var(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let g = v.logsumexp_all(false).backward();
    let total: f64 = (1..=4).map(|k| (k as f64).exp()).sum();
    for (k, &gk) in g.get(&v).unwrap().to_vec().iter().enumerate() {
        assert!((gk as f64 - ((k + 1) as f64).exp() / total).abs() < 1e-5);
    }
}

#[test]
fn max_gives_a_tie_s_whole_gradient_to_the_first_maximum() {
    // torch.amax would give 0.5 to each of the two 3s; we give 1 to the first.
    let x = Tensor::var(vec![3.0, 1.0, 3.0], &[3]);
    let g = x.max(0, false).backward();
    assert_eq!(g.get(&x).unwrap().to_vec(), vec![1.0, 0.0, 0.0]);
}

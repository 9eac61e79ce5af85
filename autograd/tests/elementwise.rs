//! Elementwise ops: for each, a finite-difference check, a hand-derived gradient, and
//! a bad-shape test where the op has a shape precondition.

mod common;
use autograd::Tensor;
use common::*;

#[test]
fn gradcheck_binary_ops_same_shape_and_broadcast() {
    for (shape_a, shape_b) in [(vec![2, 3], vec![2, 3]), (vec![2, 3], vec![3]), (vec![4, 1, 3], vec![2, 1])] {
        let (a, b) = (var(&shape_a, 1), var(&shape_b, 2));
        check("add", &[a.clone(), b.clone()], |x| x[0].add(&x[1]));
        check("sub", &[a.clone(), b.clone()], |x| x[0].sub(&x[1]));
        check("mul", &[a.clone(), b.clone()], |x| x[0].mul(&x[1]));
        let b_pos = pos_var(&shape_b, 3);
        check("div", &[a.clone(), b_pos], |x| x[0].div(&x[1]));
    }
}

#[test]
fn gradcheck_unary_ops() {
    let x = var(&[3, 4], 5);
    let p = pos_var(&[3, 4], 6);
    check("neg", &[x.clone()], |x| x[0].neg());
    check("affine", &[x.clone()], |x| x[0].affine(-1.5, 0.25));
    check("exp", &[x.clone()], |x| x[0].exp());
    check("log", &[p.clone()], |x| x[0].log());
    check("powf", &[p.clone()], |x| x[0].powf(2.5));
    check("powf", &[p.clone()], |x| x[0].powf(-1.0));
    check("sqrt", &[p.clone()], |x| x[0].sqrt());
    check("relu", &[x.clone()], |x| x[0].relu()); // test values stay away from the kink
    check("sigmoid", &[x.clone()], |x| x[0].sigmoid());
    check("tanh", &[x.clone()], |x| x[0].tanh());
    check("square", &[x.clone()], |x| x[0].square());
    check("abs", &[x], |x| x[0].abs());
}

#[test]
fn hand_derived_product_rule() {
    // y = a * b + a with a = 3, b = -2.
    // dy/da = b + 1 = -1 (a reaches y twice: through the product and directly).
    // dy/db = a = 3.
    let a = Tensor::var(vec![3.0], &[]);
    let b = Tensor::var(vec![-2.0], &[]);
    let y = a.mul(&b).add(&a);
    let grads = y.backward();
    assert_close(grads.get(&a).unwrap().data(), &[-1.0], 1e-6);
    assert_close(grads.get(&b).unwrap().data(), &[3.0], 1e-6);
}

#[test]
fn hand_derived_quotient_rule() {
    // y = a / b with a = 6, b = 4: dy/da = 1/b = 0.25, dy/db = -a/b^2 = -6/16 = -0.375.
    let a = Tensor::var(vec![6.0], &[]);
    let b = Tensor::var(vec![4.0], &[]);
    let grads = a.div(&b).backward();
    assert_close(grads.get(&a).unwrap().data(), &[0.25], 1e-6);
    assert_close(grads.get(&b).unwrap().data(), &[-0.375], 1e-6);
}

#[test]
fn hand_derived_broadcast_add_sums_over_copies() {
    // y = sum(A + b) with A (2, 3) and b (3): b is copied to both rows, so each
    // b_j reaches y twice: dy/db_j = 2. Each A_ij reaches it once: dy/dA_ij = 1.
    let a = var(&[2, 3], 1);
    let b = var(&[3], 2);
    let grads = a.add(&b).sum_all(false).backward();
    assert_close(grads.get(&b).unwrap().data(), &[2.0; 3], 1e-6);
    assert_close(grads.get(&a).unwrap().data(), &[1.0; 6], 1e-6);
    assert_eq!(grads.get(&b).unwrap().shape(), &[3]);
}

#[test]
fn hand_derived_unary_rules() {
    // At x = 0.5:
    //   exp:     d e^x = e^x = 1.648721
    //   log:     d ln x = 1/x = 2
    //   powf 3:  d x^3 = 3 x^2 = 0.75
    //   sqrt:    d sqrt x = 1/(2 sqrt x) = 0.707107
    //   relu:    1 (x > 0)
    //   sigmoid: s (1 - s) with s = 0.622459: 0.235004
    //   tanh:    1 - tanh^2 = 1 - 0.462117^2 = 0.786448
    //   neg:     -1;  affine(3, 1): 3
    type Op = fn(&Tensor) -> Tensor;
    let cases: [(&str, Op, f32); 9] = [
        ("exp", |x| x.exp(), 1.648_721),
        ("log", |x| x.log(), 2.0),
        ("powf", |x| x.powf(3.0), 0.75),
        ("sqrt", |x| x.sqrt(), std::f32::consts::FRAC_1_SQRT_2),
        ("relu", |x| x.relu(), 1.0),
        ("sigmoid", |x| x.sigmoid(), 0.235_003_7),
        ("tanh", |x| x.tanh(), 0.786_447_7),
        ("neg", |x| x.neg(), -1.0),
        ("affine", |x| x.affine(3.0, 1.0), 3.0),
    ];
    for (name, f, expected) in cases {
        let x = Tensor::var(vec![0.5], &[]);
        let grad = f(&x).backward().get(&x).unwrap().item();
        assert!((grad - expected).abs() < 1e-5, "{name}: d/dx at 0.5 = {grad}, expected {expected}");
    }
    // relu below the kink: 0.
    let x = Tensor::var(vec![-0.5], &[]);
    assert_eq!(x.relu().backward().get(&x).unwrap().item(), 0.0);
}

#[test]
fn sigmoid_is_stable_at_extremes() {
    let x = Tensor::var(vec![-1000.0, -30.0, 0.0, 30.0, 1000.0], &[5]);
    let y = x.sigmoid();
    assert_close(y.data(), &[0.0, 9.357_623e-14, 0.5, 1.0, 1.0], 1e-6);
    let grads = y.sum_all(false).backward();
    assert!(grads.get(&x).unwrap().data().iter().all(|g| g.is_finite()));
}

#[test]
fn bad_shapes_name_the_op_and_both_shapes() {
    let a = Tensor::zeros(&[2, 3]);
    let b = Tensor::zeros(&[4]);
    assert_bad_shape(|| drop(a.add(&b)), &["add", "[2, 3]", "[4]"]);
    assert_bad_shape(|| drop(a.mul(&b)), &["mul", "[2, 3]", "[4]"]);
    assert_bad_shape(|| drop(a.div(&b)), &["div", "[2, 3]", "[4]"]);
    assert_bad_shape(|| drop(&a - &b), &["add", "[2, 3]", "[4]"]);
    // Unary ops (neg, exp, log, powf, sqrt, relu, sigmoid, tanh, affine) accept any
    // shape, so they have no shape precondition to violate. Their input is checked
    // where it is made:
    assert_bad_shape(|| drop(Tensor::from_vec(vec![1.0; 5], &[2, 3])), &["from_vec", "5", "[2, 3]"]);
}

#[test]
fn operators_read_like_math() {
    let a = Tensor::from_vec(vec![1.0, 2.0], &[2]);
    let b = Tensor::from_vec(vec![3.0, 5.0], &[2]);
    assert_close((&(&a * &b) + &a).data(), &[4.0, 12.0], 1e-6);
    assert_close((&b / &a).data(), &[3.0, 2.5], 1e-6);
    assert_close((-&a).data(), &[-1.0, -2.0], 1e-6);
}

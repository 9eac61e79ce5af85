//! The backward pass itself: accumulation, deep graphs, what gets a gradient, no-grad,
//! gradcheck's own failure message, DOT export, determinism.

mod common;
use autograd::{Tensor, gradcheck, no_grad, seeded_rng};
use common::*;

#[test]
fn a_variable_used_three_times_gets_the_summed_gradient() {
    // y = x*x + 3x with x = 2 uses x three times (twice in the product, once in 3x):
    // dy/dx = 2x + 3 = 7, the sum of the three paths' contributions (2 + 2 + 3).
    let x = Tensor::var(vec![2.0], &[]);
    let y = x.mul(&x).add(&x.scale(3.0));
    assert_close(y.backward().get(&x).unwrap().data(), &[7.0], 1e-6);
}

#[test]
fn a_ten_thousand_step_chain_backpropagates_without_recursion() {
    // y = x * 1.0001^10000 built one step at a time: dy/dx = 1.0001^10000 = e^0.99995.
    let x = Tensor::var(vec![1.0], &[1]);
    let mut y = x.clone();
    for _ in 0..10_000 {
        // Each step uses y three times: d/dy (1.0001 y + y - y) = 1.0001.
        y = y.scale(1.0001).add(&y).sub(&y);
    }
    let grads = y.sum_all(false).backward();
    let expected = 1.0001f32.powi(10_000);
    let got = grads.get(&x).unwrap().item();
    assert!((got - expected).abs() < 2e-2 * expected, "d y / d x = {got}, expected about {expected}");
    // Dropping the deep graph must not overflow the stack either.
    drop(y);
}

#[test]
fn nodes_that_reach_no_variable_get_no_gradient() {
    let x = Tensor::var(vec![1.0, 2.0], &[2]);
    let c = Tensor::from_vec(vec![3.0, 4.0], &[2]);
    let c2 = c.exp(); // depends only on a constant
    assert!(!c2.requires_grad());
    let grads = x.mul(&c2).sum_all(false).backward();
    assert!(grads.get(&c).is_none() && grads.get(&c2).is_none());
    assert!(grads.get(&x).is_some());
    // A loss that reaches no variable at all gives an empty store.
    assert!(c2.sum_all(false).backward().is_empty());
}

#[test]
fn intermediate_gradients_are_kept_for_the_reader() {
    // h = 3x, y = h^2 at x = 1: dy/dh = 2h = 6, dy/dx = 6 * 3 = 18 (the chain rule, step by step).
    let x = Tensor::var(vec![1.0], &[]);
    let h = x.scale(3.0);
    let y = h.square();
    let grads = y.backward();
    assert_close(grads.get(&h).unwrap().data(), &[6.0], 1e-6);
    assert_close(grads.get(&x).unwrap().data(), &[18.0], 1e-6);
    assert_close(grads.get(&y).unwrap().data(), &[1.0], 1e-6);
}

#[test]
fn detach_and_no_grad_stop_gradients() {
    let x = Tensor::var(vec![2.0], &[]);
    // y = x * detach(x): only the first factor carries a gradient: dy/dx = detach(x) = 2.
    let y = x.mul(&x.detach());
    assert_close(y.backward().get(&x).unwrap().data(), &[2.0], 1e-6);
    let z = no_grad(|| x.mul(&x));
    assert!(!z.requires_grad());
    assert_eq!(z.op_name(), "leaf", "no graph is recorded under no_grad");
    assert!(x.mul(&x).requires_grad(), "no_grad ends with its scope");
}

#[test]
fn gradcheck_catches_a_wrong_gradient_and_says_where() {
    // f(x) = x * detach(x) has true derivative 2x but backward reports x: gradcheck
    // must fail and name the op, the input, the element and both values.
    let x = Tensor::var(vec![1.0, 2.0, 3.0], &[3]);
    let err = gradcheck("bad_square", &[x], |t| t[0].mul(&t[0].detach())).unwrap_err();
    let msg = err.to_string();
    for needle in ["bad_square", "input 0", "element 0", "analytic", "numeric"] {
        assert!(msg.contains(needle), "{msg}");
    }
    assert!((err.analytic / err.numeric - 0.5).abs() < 0.01, "{msg}");
}

#[test]
fn backward_needs_a_scalar_or_a_seed() {
    let x = Tensor::var(vec![1.0, 2.0], &[2]);
    assert_bad_shape(|| drop(x.exp().backward()), &["backward", "[2]"]);
    let y = x.exp();
    let g = y.backward_with(&Tensor::from_vec(vec![1.0, 0.0], &[2]));
    assert_close(g.get(&x).unwrap().data(), &[1f32.exp(), 0.0], 1e-6);
    assert_bad_shape(|| drop(y.backward_with(&Tensor::ones(&[3]))), &["backward_with", "[2]", "[3]"]);
}

#[test]
fn to_dot_draws_the_graph() {
    let x = Tensor::var(vec![1.0, 2.0], &[1, 2]);
    let w = Tensor::var(vec![0.5, -0.5], &[2, 1]);
    let y = x.matmul(&w).tanh();
    let dot = y.to_dot();
    assert!(dot.starts_with("digraph"));
    for needle in ["matmul\\n[1, 1]", "tanh\\n[1, 1]", "variable\\n[1, 2]", "variable\\n[2, 1]"] {
        assert!(dot.contains(needle), "missing {needle} in\n{dot}");
    }
    assert_eq!(dot.matches("->").count(), 3);
    assert_eq!(dot, y.to_dot(), "the same graph gives the same text");
    let named = y.to_dot_named(&[(&x, "x"), (&w, "w"), (&y, "y")]);
    for needle in ["x [label=\"x = variable", "x -> n", "y [label=\"y = tanh\\n[1, 1]"] {
        assert!(named.contains(needle), "missing {needle} in\n{named}");
    }
}

#[test]
fn same_seed_same_numbers() {
    let a = Tensor::randn(&[100], 0.0, 1.0, &mut seeded_rng(42));
    let b = Tensor::randn(&[100], 0.0, 1.0, &mut seeded_rng(42));
    let c = Tensor::randn(&[100], 0.0, 1.0, &mut seeded_rng(43));
    assert_eq!(a.data(), b.data());
    assert_ne!(a.data(), c.data());
    let mean = a.mean_all(false).item();
    assert!(mean.abs() < 0.3, "mean of 100 standard normals {mean}");
}

#[test]
fn gradients_give_zeros_for_an_input_the_loss_does_not_use() {
    let used = Tensor::var(vec![1.0, 2.0], &[2]);
    let unused = Tensor::var(vec![5.0, 6.0, 7.0], &[3]);
    let grads = used.square().sum_all(false).backward();
    assert!(grads.get(&unused).is_none());
    let zeros = grads.get_or_zeros(&unused);
    assert_eq!((zeros.shape(), zeros.to_vec()), (&[3usize][..], vec![0.0; 3]));
    assert_eq!(grads.get_or_zeros(&used).to_vec(), vec![2.0, 4.0]);
}

//! Parameters, optimisers and initialisers.

mod common;
use autograd::init::{kaiming_normal, xavier_uniform};
use autograd::{Adam, Parameter, Sgd, Tensor, seeded_rng};
use common::*;

fn quadratic_loss(w: &Parameter) -> Tensor {
    // L = sum (w - 3)^2, minimised at w = 3; dL/dw = 2 (w - 3).
    w.tensor().add_scalar(-3.0).square().sum_all(false)
}

#[test]
fn hand_derived_sgd_steps() {
    // w = 1: g = 2 (1 - 3) = -4.
    // Plain SGD, lr 0.1: w <- 1 - 0.1 * (-4) = 1.4.
    let mut w = Parameter::new("w", Tensor::from_vec(vec![1.0], &[1]));
    let mut sgd = Sgd::new(0.1);
    let grads = quadratic_loss(&w).backward();
    sgd.step(&mut [&mut w], &grads);
    assert_close(w.tensor().data(), &[1.4], 1e-6);
    // Momentum 0.9 with weight decay 0.5 from w = 1:
    //   step 1: g = -4 + 0.5 * 1 = -3.5, v = -3.5, w = 1 + 0.35 = 1.35
    //   step 2: g = 2 (1.35 - 3) + 0.5 * 1.35 = -2.625, v = 0.9 * -3.5 - 2.625 = -5.775,
    //           w = 1.35 + 0.5775 = 1.9275
    let mut w = Parameter::new("w", Tensor::from_vec(vec![1.0], &[1]));
    let mut sgd = Sgd::new(0.1).with_momentum(0.9).with_weight_decay(0.5);
    for _ in 0..2 {
        let grads = quadratic_loss(&w).backward();
        sgd.step(&mut [&mut w], &grads);
    }
    assert_close(w.tensor().data(), &[1.9275], 1e-5);
}

#[test]
fn hand_derived_adam_first_step() {
    // Adam's first step moves each weight by lr * g / (|g| + eps') = about lr * sign(g):
    // with g = -4 and lr 0.01, w <- 1 + 0.01.
    let mut w = Parameter::new("w", Tensor::from_vec(vec![1.0], &[1]));
    let mut adam = Adam::new(0.01);
    let grads = quadratic_loss(&w).backward();
    adam.step(&mut [&mut w], &grads);
    assert_close(w.tensor().data(), &[1.01], 1e-5);
}

#[test]
fn optimisers_minimise_a_quadratic() {
    let mut w_sgd = Parameter::new("w", Tensor::from_vec(vec![-2.0, 0.0, 8.0], &[3]));
    let mut w_adam = w_sgd.clone();
    let (mut sgd, mut adam) = (Sgd::new(0.1).with_momentum(0.5), Adam::new(0.1));
    for _ in 0..300 {
        let g = quadratic_loss(&w_sgd).backward();
        sgd.step(&mut [&mut w_sgd], &g);
        let g = quadratic_loss(&w_adam).backward();
        adam.step(&mut [&mut w_adam], &g);
    }
    assert_close(w_sgd.tensor().data(), &[3.0; 3], 1e-4);
    assert_close(w_adam.tensor().data(), &[3.0; 3], 1e-2);
}

#[test]
fn update_reuses_the_buffer_once_the_graph_is_gone() {
    let mut w = Parameter::new("w", Tensor::from_vec(vec![1.0; 1000], &[1000]));
    let before = w.tensor().data().as_ptr();
    let grads = quadratic_loss(&w).backward(); // the loss's graph is dropped here
    Sgd::new(0.1).step(&mut [&mut w], &grads);
    assert_eq!(w.tensor().data().as_ptr(), before, "updated in place");
    // While a graph still holds the old values, they stay as they were.
    let held = w.tensor().scale(1.0);
    let old = held.inputs()[0].to_vec();
    let grads = quadratic_loss(&w).backward();
    Sgd::new(0.1).step(&mut [&mut w], &grads);
    assert_eq!(held.inputs()[0].to_vec(), old);
    assert_ne!(w.tensor().to_vec(), old);
}

#[test]
fn changing_the_parameter_list_is_reported() {
    let mut a = Parameter::new("a", Tensor::zeros(&[1]));
    let mut b = Parameter::new("b", Tensor::zeros(&[1]));
    let mut sgd = Sgd::new(0.1);
    let grads = quadratic_loss(&a).backward();
    sgd.step(&mut [&mut a], &grads);
    let (message, _) = catch_panic(|| sgd.step(&mut [&mut a, &mut b], &grads));
    assert!(message.contains("Sgd") && message.contains("same parameters"), "{message}");
}

#[test]
fn initialisers_have_the_promised_spread() {
    let mut rng = seeded_rng(0);
    let x = xavier_uniform(&[200, 300], 300, 200, &mut rng);
    let bound = (6.0f32 / 500.0).sqrt();
    assert!(x.data().iter().all(|v| v.abs() <= bound));
    let var_x = x.square().mean_all(false).item();
    assert!((var_x - bound * bound / 3.0).abs() < 0.05 * bound * bound, "xavier variance {var_x}");
    let k = kaiming_normal(&[400, 250], 250, &mut rng);
    let var_k = k.square().mean_all(false).item();
    assert!((var_k - 2.0 / 250.0).abs() < 0.05 * 2.0 / 250.0, "kaiming variance {var_k}");
}

#[test]
fn clip_norm_scales_to_the_bound_as_pytorch_does() {
    // Gradients (3, 0) and (0, 4): global norm 5. Clipped to 1: each scaled by 1 / (5 + 1e-6).
    let a = Tensor::var(vec![1.0, 2.0], &[2]);
    let b = Tensor::var(vec![0.0, -1.0], &[2]);
    let loss =
        a.mul(&Tensor::from_vec(vec![3.0, 0.0], &[2])).add(&b.mul(&Tensor::from_vec(vec![0.0, 4.0], &[2])));
    let mut grads = loss.sum_all(false).backward();
    assert_eq!(grads.clip_norm(&[&a, &b], 10.0), 5.0, "under the bound: returned, not scaled");
    assert_eq!(grads.get(&a).unwrap().data(), &[3.0, 0.0]);
    let norm = grads.clip_norm(&[&a, &b], 1.0);
    assert_eq!(norm, 5.0);
    let k = 1.0 / (5.0 + 1e-6);
    assert_eq!(grads.get(&a).unwrap().data(), &[3.0 * k, 0.0]);
    assert_eq!(grads.get(&b).unwrap().data(), &[0.0, 4.0 * k]);
    // A tensor without a gradient adds nothing to the norm.
    let unused = Tensor::var(vec![7.0], &[1]);
    assert!((grads.clip_norm(&[&a, &b, &unused], 100.0) - 5.0 * k).abs() < 1e-6);
}

#[test]
#[should_panic(expected = "clip_norm: max_norm must be positive, got 0")]
fn clip_norm_refuses_a_zero_bound() {
    let a = Tensor::var(vec![1.0], &[1]);
    a.sum_all(false).backward().clip_norm(&[&a], 0.0);
}

mod parameter_list {
    use autograd::optim::check_parameters;
    use autograd::{Adam, Parameter, Tensor};

    /// y = relu(x W1) W2 + b: three parameters, a (4, 3) batch of constant inputs.
    fn model() -> (Tensor, [Parameter; 3]) {
        let x = Tensor::from_vec((0..12).map(|v| v as f32 / 6.0 - 1.0).collect(), &[4, 3]);
        let w1 =
            Parameter::new("w1", Tensor::from_vec((0..6).map(|v| 0.1 * v as f32 - 0.2).collect(), &[3, 2]));
        let w2 = Parameter::new("w2", Tensor::from_vec(vec![0.5, -0.3], &[2, 1]));
        let b = Parameter::new("b", Tensor::from_vec(vec![0.1], &[1]));
        (x, [w1, w2, b])
    }

    fn loss(x: &Tensor, [w1, w2, b]: &[Parameter; 3]) -> Tensor {
        x.matmul(w1.tensor()).relu().matmul(w2.tensor()).add(b.tensor()).square().mean_all(false)
    }

    #[test]
    fn the_full_list_passes() {
        let (x, ps) = model();
        assert_eq!(check_parameters(&loss(&x, &ps), &ps), Ok(()));
    }

    #[test]
    fn a_forgotten_parameter_is_reported_by_its_shape_and_the_op_that_reads_it() {
        // The silent failure: w2 left out of the list gets a gradient every step and
        // never moves, and training still returns.
        let (x, mut ps) = model();
        let before = ps[1].tensor().to_vec();
        let mut adam = Adam::new(0.1);
        for _ in 0..3 {
            let grads = loss(&x, &ps).backward();
            assert!(grads.get(ps[1].tensor()).is_some(), "w2 receives a gradient");
            let [w1, _, b] = &mut ps;
            adam.step(&mut [w1, b], &grads);
        }
        assert_eq!(ps[1].tensor().to_vec(), before, "and is never updated");
        // The check names it before the first step.
        let err = check_parameters(&loss(&x, &ps), [&ps[0], &ps[2]]).unwrap_err();
        assert!(
            err.contains(
                "a variable of shape [2, 1], read by matmul, gets a gradient but is not in the list"
            ),
            "{err}"
        );
        assert!(err.contains("(2 parameters) does not match the 3 variables"), "{err}");
    }

    #[test]
    fn a_listed_parameter_the_loss_never_uses_is_reported_by_name() {
        let (x, ps) = model();
        let unused = Parameter::new("gate", Tensor::zeros(&[2, 2]));
        let err = check_parameters(&loss(&x, &ps), [&ps[0], &ps[1], &unused, &ps[2]]).unwrap_err();
        assert!(
            err.contains("parameter `gate` (shape [2, 2], position 2 in the list) is not used by the loss"),
            "{err}"
        );
        assert!(!err.contains("a variable of shape"), "nothing else is wrong: {err}");
    }

    #[test]
    fn an_input_that_is_a_variable_counts_as_one_the_list_lacks() {
        let (x, ps) = model();
        let err = check_parameters(&loss(&x.as_var(), &ps), &ps).unwrap_err();
        assert!(err.contains("a variable of shape [4, 3], read by matmul"), "{err}");
    }
}

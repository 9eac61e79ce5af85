//! The independent check: every primitive's output and gradients against JAX, on the
//! fixed inputs of tests/fixtures/ops.json (made by tests/fixtures/make_fixtures.py).
//! Dropout is not here: its mask comes from our RNG, so no other framework can
//! reproduce it; its gradient is gradchecked in nn_loss.rs.

use autograd::{Csr, Tensor};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Array {
    shape: Vec<usize>,
    data: Vec<f32>,
}

#[derive(Deserialize)]
struct Case {
    op: String,
    params: Value,
    inputs: Vec<Array>,
    weights: Array,
    output: Array,
    grads: std::collections::BTreeMap<String, Array>,
}

#[derive(Deserialize)]
struct Fixtures {
    generator: String,
    cases: Vec<Case>,
}

fn int(params: &Value, key: &str) -> i64 {
    params[key].as_i64().unwrap_or_else(|| panic!("fixture parameter {key} missing"))
}

fn usizes(params: &Value, key: &str) -> Vec<usize> {
    params[key].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect()
}

/// Our version of each fixture's op.
fn apply(op: &str, p: &Value, x: &[Tensor]) -> Tensor {
    let f = |key: &str| p[key].as_f64().unwrap() as f32;
    match op {
        "add" => x[0].add(&x[1]),
        "mul" => x[0].mul(&x[1]),
        "div" => x[0].div(&x[1]),
        "neg" => x[0].neg(),
        "affine" => x[0].affine(f("scale"), f("shift")),
        "exp" => x[0].exp(),
        "log" => x[0].log(),
        "powf" => x[0].powf(f("p")),
        "sqrt" => x[0].sqrt(),
        "relu" => x[0].relu(),
        "sigmoid" => x[0].sigmoid(),
        "tanh" => x[0].tanh(),
        "sum" => x[0].sum(int(p, "axis") as isize, p["keepdim"].as_bool().unwrap()),
        "sum_all" => x[0].sum_all(false),
        "max" => x[0].max(int(p, "axis") as isize, p["keepdim"].as_bool().unwrap()),
        "max_all" => x[0].max_all(false),
        "mean" => x[0].mean(int(p, "axis") as isize, p["keepdim"].as_bool().unwrap()),
        "logsumexp" => x[0].logsumexp(int(p, "axis") as isize, p["keepdim"].as_bool().unwrap()),
        "matmul" => x[0].matmul(&x[1]),
        "reshape" => x[0].reshape(&usizes(p, "shape")),
        "permute" => x[0].permute(&usizes(p, "perm").iter().map(|&a| a as isize).collect::<Vec<_>>()),
        "concat" => Tensor::concat(x, int(p, "axis") as isize),
        "stack" => Tensor::stack(x, int(p, "axis") as isize),
        "narrow" => x[0].narrow(int(p, "axis") as isize, int(p, "start") as usize, int(p, "len") as usize),
        "index_select" => x[0].index_select(int(p, "axis") as isize, &usizes(p, "indices")),
        "broadcast_to" => x[0].broadcast_to(&usizes(p, "shape")),
        "softmax" => x[0].softmax(int(p, "axis") as isize),
        "log_softmax" => x[0].log_softmax(int(p, "axis") as isize),
        "cross_entropy" => x[0].cross_entropy(&usizes(p, "targets")),
        "mse" => x[0].mse(&x[1]),
        "bce_with_logits" => x[0].bce_with_logits(&x[1]),
        "conv2d" => {
            let (stride, padding) = (int(p, "stride") as usize, int(p, "padding") as usize);
            x[0].conv2d(&x[1], x.get(2), stride, padding)
        }
        "max_pool2d" => x[0].max_pool2d(int(p, "kernel") as usize, int(p, "stride") as usize),
        "avg_pool2d" => x[0].avg_pool2d(int(p, "kernel") as usize, int(p, "stride") as usize),
        "spmm" => {
            let triplets: Vec<(usize, usize, f32)> = p["triplets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| {
                    (
                        t[0].as_u64().unwrap() as usize,
                        t[1].as_u64().unwrap() as usize,
                        t[2].as_f64().unwrap() as f32,
                    )
                })
                .collect();
            let a = Csr::from_triplets(int(p, "rows") as usize, int(p, "cols") as usize, &triplets).unwrap();
            a.matmul(&x[0])
        }
        "lstm_pointwise" => x[0].lstm_pointwise(&x[1]),
        "lstm_sequence" => x[0].lstm_sequence(&x[1], &x[2], &x[3]),
        other => panic!("fixture names an op this test does not know: {other}"),
    }
}

/// Within 1e-4 relative (with a 1e-5 floor for values near zero).
fn assert_matches(what: &str, ours: &Tensor, theirs: &Array) {
    assert_eq!(ours.shape(), &theirs.shape[..], "{what}: shape");
    for (i, (&a, &b)) in ours.data().iter().zip(&theirs.data).enumerate() {
        assert!((a - b).abs() <= 1e-4 * b.abs() + 1e-5, "{what}: element {i}: ours {a}, JAX {b}");
    }
}

#[test]
fn every_primitive_matches_jax() {
    let text = include_str!("fixtures/ops.json");
    let fixtures: Fixtures = serde_json::from_str(text).expect("ops.json parses");
    assert!(fixtures.generator.starts_with("jax"));
    let mut seen = std::collections::BTreeSet::new();
    for (n, case) in fixtures.cases.iter().enumerate() {
        let what = format!("case {n} ({})", case.op);
        let inputs: Vec<Tensor> = case
            .inputs
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let t = Tensor::from_vec(a.data.clone(), &a.shape);
                if case.grads.contains_key(&i.to_string()) { t.as_var() } else { t }
            })
            .collect();
        let y = apply(&case.op, &case.params, &inputs);
        assert_matches(&format!("{what} output"), &y, &case.output);
        let w = Tensor::from_vec(case.weights.data.clone(), &case.weights.shape);
        let grads = y.mul(&w).sum_all(false).backward();
        for (i, expected) in &case.grads {
            let x = &inputs[i.parse::<usize>().unwrap()];
            let ours = grads.get(x).unwrap_or_else(|| panic!("{what}: no gradient for input {i}"));
            assert_matches(&format!("{what} gradient of input {i}"), ours, expected);
        }
        seen.insert(case.op.clone());
    }
    // Every primitive of op.rs (and the composites a reader leans on) is covered.
    for op in [
        "add",
        "mul",
        "div",
        "neg",
        "affine",
        "exp",
        "log",
        "powf",
        "sqrt",
        "relu",
        "sigmoid",
        "tanh",
        "sum",
        "max",
        "matmul",
        "reshape",
        "permute",
        "concat",
        "narrow",
        "index_select",
        "broadcast_to",
        "bce_with_logits",
        "conv2d",
        "max_pool2d",
        "avg_pool2d",
        "spmm",
        "softmax",
        "log_softmax",
        "cross_entropy",
        "mse",
        "logsumexp",
    ] {
        assert!(seen.contains(op), "no fixture for {op}");
    }
}

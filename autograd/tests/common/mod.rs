//! Helpers shared by the engine's tests.
#![allow(dead_code)]

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use autograd::{Tensor, gradcheck};

thread_local! {
    static LAST_PANIC: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
}

/// Run `f`, expecting a panic; return its message and the file it points at.
pub fn catch_panic(f: impl FnOnce()) -> (String, String) {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            let file = info.location().map(|l| l.file().to_string()).unwrap_or_default();
            let caught = LAST_PANIC.with(|last| {
                let mut last = last.borrow_mut();
                let expected = last.is_some();
                *last = Some((message, file));
                expected
            });
            if !caught {
                default(info);
            }
        }));
    });
    LAST_PANIC.with(|last| *last.borrow_mut() = Some((String::new(), String::new())));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    let caught = LAST_PANIC.with(|last| last.borrow_mut().take()).unwrap();
    assert!(result.is_err(), "expected a panic, but the call returned");
    caught
}

/// The call must panic with a message containing every one of `needles` (the op's
/// name and the shapes involved), pointing at the caller's line in a test file
/// (that is what `#[track_caller]` buys the reader).
#[track_caller]
pub fn assert_bad_shape(f: impl FnOnce(), needles: &[&str]) {
    let (message, file) = catch_panic(f);
    for needle in needles {
        assert!(message.contains(needle), "panic message {message:?} does not mention {needle:?}");
    }
    assert!(
        file.contains("tests/"),
        "panic points at {file}, not at the caller's line: is the op #[track_caller]?"
    );
}

/// Finite-difference check that panics with gradcheck's own message on failure.
#[track_caller]
pub fn check(op: &str, inputs: &[Tensor], f: impl Fn(&[Tensor]) -> Tensor) {
    if let Err(e) = gradcheck(op, inputs, f) {
        panic!("{e}");
    }
}

#[track_caller]
pub fn assert_close(actual: &[f32], expected: &[f32], tol: f32) {
    assert_eq!(actual.len(), expected.len(), "lengths differ: {actual:?} vs {expected:?}");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= tol * (1.0 + e.abs()),
            "element {i}: {a} vs expected {e}\n{actual:?}\n{expected:?}"
        );
    }
}

/// A variable with deterministic values spread over roughly [-2, 2], none at 0.
pub fn var(shape: &[usize], seed: u64) -> Tensor {
    let n: usize = shape.iter().product();
    let data = (0..n)
        .map(|i| {
            let v = (((i as u64 * 2654435761 + seed * 97 + 11) % 1000) as f32 / 250.0) - 2.0;
            if v.abs() < 0.05 { v + 0.1 } else { v }
        })
        .collect();
    Tensor::var(data, shape)
}

/// A positive variable, values in [0.5, 2.5].
pub fn pos_var(shape: &[usize], seed: u64) -> Tensor {
    let v = var(shape, seed);
    Tensor::var(v.data().iter().map(|x| x.abs() * 0.5 + 0.5 + 0.1).collect(), shape)
}

/// The readable reference: C[i][j] = sum_l A[i][l] B[l][j].
pub fn matmul_naive(a: &[f32], b: &[f32], m: usize, k: usize, n: usize) -> Vec<f32> {
    let mut c = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            for l in 0..k {
                c[i * n + j] += a[i * k + l] * b[l * n + j];
            }
        }
    }
    c
}

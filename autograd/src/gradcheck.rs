//! Finite-difference gradient checking: the numerical check every analytic
//! gradient must pass.
//!
//! For f: inputs -> tensor, reduce the output to a scalar L = sum_j w_j f_j with fixed,
//! uneven weights w (so a wrong gradient cannot hide behind symmetry), then compare
//! d L / d x_i from `backward` with the central difference
//!     (L(x + eps e_i) - L(x - eps e_i)) / (2 eps)
//! for every element i of every input that requires a gradient.

use std::fmt;

use crate::tensor::{Tensor, no_grad};

/// Step and tolerances: an element passes when
/// |analytic - numeric| <= atol + rtol * max(|analytic|, |numeric|).
#[derive(Clone, Copy, Debug)]
pub struct GradcheckOptions {
    /// Step of the central difference.
    pub eps: f32,
    /// Absolute tolerance.
    pub atol: f32,
    /// Relative tolerance (of the larger of the two values).
    pub rtol: f32,
}

impl Default for GradcheckOptions {
    /// Suited to f32 and inputs of order 1.
    fn default() -> Self {
        GradcheckOptions { eps: 1e-2, atol: 1e-3, rtol: 1e-2 }
    }
}

/// What a passing check measured.
#[derive(Clone, Copy, Debug)]
pub struct GradcheckReport {
    /// Elements compared.
    pub checked: usize,
    /// Largest |analytic - numeric| seen.
    pub max_abs_error: f32,
}

/// The first element where analytic and numeric gradients disagree.
#[derive(Clone, Debug)]
pub struct GradcheckError {
    /// The op or function checked.
    pub op: String,
    /// Which input differs.
    pub input: usize,
    /// The flat index of the element that differs.
    pub element: usize,
    /// The same element as a multi-dimensional index.
    pub index: Vec<usize>,
    /// The gradient the backward rules computed.
    pub analytic: f32,
    /// The gradient central differences measured.
    pub numeric: f32,
    /// The largest difference the check allowed here.
    pub tolerance: f32,
}

impl fmt::Display for GradcheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "gradcheck failed for `{}`: input {} element {} (index {:?}): analytic {:.6e}, numeric {:.6e}, \
             |difference| {:.3e} > tolerance {:.3e}",
            self.op,
            self.input,
            self.element,
            self.index,
            self.analytic,
            self.numeric,
            (self.analytic - self.numeric).abs(),
            self.tolerance
        )
    }
}

impl std::error::Error for GradcheckError {}

/// Fixed, uneven output weights in [0.5, 1.5): w_j depends only on j.
fn output_weight(j: usize) -> f64 {
    0.5 + ((j * 7919 + 13) % 101) as f64 / 101.0
}

/// The scalar L = sum_j w_j y_j, computed in f64 for the numeric side.
fn weighted_sum(y: &Tensor) -> f64 {
    y.data().iter().enumerate().map(|(j, &v)| output_weight(j) * v as f64).sum()
}

/// Check the gradients of `f` at `inputs` (variables are checked; constants are not)
/// with default options. `op` names what is checked, for the failure message.
pub fn gradcheck(
    op: &str,
    inputs: &[Tensor],
    f: impl Fn(&[Tensor]) -> Tensor,
) -> Result<GradcheckReport, GradcheckError> {
    gradcheck_with(op, inputs, GradcheckOptions::default(), f)
}

// ANCHOR: gradcheck_with
/// `gradcheck` with explicit step and tolerances.
pub fn gradcheck_with(
    op: &str,
    inputs: &[Tensor],
    options: GradcheckOptions,
    f: impl Fn(&[Tensor]) -> Tensor,
) -> Result<GradcheckReport, GradcheckError> {
    // Analytic: backward through L = sum_j w_j f_j.
    let y = f(inputs);
    let weights: Vec<f32> = (0..y.numel()).map(|j| output_weight(j) as f32).collect();
    let loss = y.mul(&Tensor::from_vec(weights, y.shape())).sum_all(false);
    let grads = loss.backward();

    let mut report = GradcheckReport { checked: 0, max_abs_error: 0.0 };
    for (which, x) in inputs.iter().enumerate().filter(|(_, x)| x.requires_grad()) {
        let analytic = grads.get(x).map_or_else(|| vec![0.0; x.numel()], Tensor::to_vec);
        for element in 0..x.numel() {
            // ANCHOR: central_difference
            // Numeric: central difference, without building graphs.
            let at = |delta: f32| {
                let mut data = x.to_vec();
                data[element] += delta;
                let mut moved = inputs.to_vec();
                moved[which] = Tensor::var(data, x.shape());
                no_grad(|| weighted_sum(&f(&moved)))
            };
            let numeric = ((at(options.eps) - at(-options.eps)) / (2.0 * options.eps as f64)) as f32;
            let a = analytic[element];
            let error = (a - numeric).abs();
            let tolerance = options.atol + options.rtol * a.abs().max(numeric.abs());
            // ANCHOR_END: central_difference
            if error > tolerance || !error.is_finite() {
                return Err(GradcheckError {
                    op: op.to_string(),
                    input: which,
                    element,
                    index: unravel(element, x.shape()),
                    analytic: a,
                    numeric,
                    tolerance,
                });
            }
            report.checked += 1;
            report.max_abs_error = report.max_abs_error.max(error);
        }
    }
    Ok(report)
}
// ANCHOR_END: gradcheck_with

/// Flat row-major offset -> multi-index.
fn unravel(mut flat: usize, shape: &[usize]) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for axis in (0..shape.len()).rev() {
        index[axis] = flat % shape[axis];
        flat /= shape[axis];
    }
    index
}

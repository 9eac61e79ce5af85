//! # autograd
//!
//! A small reverse-mode automatic differentiation engine over f32 tensors, written to
//! be read beside the book *Multimodal Representations from Scratch*.
//!
//! ```
//! use autograd::Tensor;
//! let x = Tensor::var(vec![1.0, 2.0, 3.0], &[3]);
//! let w = Tensor::var(vec![0.5, -1.0, 2.0], &[3]);
//! let loss = x.mul(&w).sum_all(false).tanh();   // tanh(x . w)
//! let grads = loss.backward();
//! // d tanh(s) / dx = (1 - tanh(s)^2) w
//! let s = 0.5 - 2.0 + 6.0f32;
//! let expected = (1.0 - s.tanh().powi(2)) * 0.5;
//! assert!((grads.get(&x).unwrap().data()[0] - expected).abs() < 1e-6);
//! ```
//!
//! Where things are: `tensor.rs` (the handle and its node), `op.rs` (the catalogue of
//! primitive ops), `ops/` (forward and backward of each op family), `backward.rs`
//! (the backward pass and gradient store), `gradcheck.rs`, `param.rs`, `optim.rs`,
//! `init.rs`, `sparse_matrix.rs`, `dot.rs`.

#![warn(missing_docs)]

mod backward;
mod buffer;
mod dot;
pub mod gradcheck;
pub mod init;
mod op;
mod ops;
pub mod optim;
mod par_map;
mod param;
mod sgemm;
pub mod shape;
pub mod simd;
mod sparse_matrix;
mod tensor;
mod threads;

pub use backward::Gradients;
pub use gradcheck::{GradcheckError, GradcheckOptions, GradcheckReport, gradcheck, gradcheck_with};
pub use optim::{Adam, Sgd};
pub use param::Parameter;
pub use sparse_matrix::{Csr, CsrError};
pub use tensor::{Tensor, is_no_grad, no_grad};

/// The one RNG type used everywhere: seed it once and pass it down explicitly.
pub type Rng = rand::rngs::StdRng;

/// A seeded RNG: the same seed gives the same numbers on the same machine.
pub fn seeded_rng(seed: u64) -> Rng {
    rand::SeedableRng::seed_from_u64(seed)
}

//! # models
//!
//! Layers, model families, datasets and metrics, built only on `autograd`'s public
//! API. A layer is a plain struct: a literal constructor (`Linear::new`) for tests and
//! the book, a random initialiser (`Linear::kaiming`) for training, the `Module`
//! trait, and a `Display` that prints the architecture.

#![warn(missing_docs)]

pub mod data;
mod gcn;
pub mod graph;
mod linear;
pub mod metrics;
mod mlp;
mod module;

pub use gcn::{Gcn, GcnLayer, Residual};
pub use linear::Linear;
pub use mlp::{Activation, Mlp};
pub use module::Module;

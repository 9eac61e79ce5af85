//! # models
//!
//! Layers, model families, datasets and metrics, built only on `autograd`'s public
//! API. A layer is a plain struct: a literal constructor (`Linear::new`) for tests and
//! the book, a random initialiser (`Linear::kaiming`) for training, the `Module`
//! trait, and a `Display` that prints the architecture.

#![warn(missing_docs)]

pub mod captioner;
mod cca;
pub mod checkpoint;
pub mod data;
pub mod dbm;
pub mod fusion;
mod gcn;
pub mod graph;
pub mod linalg;
mod linear;
pub mod metrics;
mod mlp;
mod model;
mod module;
mod probe;
pub mod rbm;
pub mod retrieval;
pub mod scenes;
pub mod seq;
pub mod toymosi;

pub use cca::{Cca, Pca};
pub use gcn::{Gcn, GcnLayer, Residual};
pub use linear::Linear;
pub use mlp::{Activation, Mlp};
pub use model::{Mode, Model, Named, Torch, assert_consistent};
pub use module::Module;
pub use probe::{Probe, ProbeConfig};

//! The op families. See README.md in this folder for how to add an op.

pub(crate) mod conv;
pub(crate) mod elementwise;
pub(crate) mod loss;
pub(crate) mod lstm_sequence;
pub(crate) mod math;
pub(crate) mod matmul;
pub(crate) mod nn;
pub(crate) mod recurrent;
pub(crate) mod reduce;
pub(crate) mod shape;
pub(crate) mod sparse;

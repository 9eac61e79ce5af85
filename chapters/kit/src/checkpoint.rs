//! Checkpoints: `models::checkpoint` (`.safetensors` with PyTorch's names and the
//! run's metadata), with errors as `anyhow` errors for the chapters.

use std::path::Path;

use autograd::Tensor;
pub use models::checkpoint::{Loaded, field, load_model, save_model};

/// Write `state` (name, tensor) to `path` atomically, with `metadata`
/// (`models::checkpoint::save`).
pub fn save(path: &Path, state: &[(String, Tensor)], metadata: &[(&str, String)]) -> anyhow::Result<()> {
    Ok(models::checkpoint::save(path, state, metadata)?)
}

/// Read a checkpoint written by [`save`] (`models::checkpoint::load`).
pub fn load(path: &Path) -> anyhow::Result<Loaded> {
    Ok(models::checkpoint::load(path)?)
}

//! Checkpoints: `models::checkpoint` (`.safetensors` with PyTorch's names and the
//! run's metadata), with errors as `anyhow` errors for the chapters, and what the
//! chapters' `--save`/`--load` share: metadata entries read as JSON ([`json_field`],
//! [`architecture_of_kind`]), linear probes saved together ([`ProbeSet`]), tensors as
//! plain data that can leave a worker thread ([`Plain`]), numbers measured again beside
//! the saved ones ([`Recheck`], [`first_difference`]) and the helpers the chapters'
//! checkpoint tests run ([`run_python_loader`], [`rewrite_state`]).

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use autograd::Tensor;
pub use models::checkpoint::{Loaded, field, load_model, save_model};
use serde::de::DeserializeOwned;

mod probes;
mod recheck;
mod testing;

pub use probes::{Plain, ProbeSet, copy_linear, plain, tensors};
pub use recheck::{Recheck, differs, first_difference, same_bits};
pub use testing::{entry_names, rewrite_metadata, rewrite_state, run_python_loader};

/// Write `state` (name, tensor) to `path` atomically, with `metadata`
/// (`models::checkpoint::save`).
pub fn save(path: &Path, state: &[(String, Tensor)], metadata: &[(&str, String)]) -> anyhow::Result<()> {
    Ok(models::checkpoint::save(path, state, metadata)?)
}

/// Read a checkpoint written by [`save`] (`models::checkpoint::load`).
pub fn load(path: &Path) -> anyhow::Result<Loaded> {
    Ok(models::checkpoint::load(path)?)
}

/// The metadata entry `key` of the checkpoint at `path`, parsed from JSON; an error
/// naming the file and the key when it is missing or not what `--save` writes.
pub fn json_field<T: DeserializeOwned>(
    path: &Path,
    metadata: &HashMap<String, String>,
    key: &str,
) -> anyhow::Result<T> {
    let text = field(path, metadata, key)?;
    serde_json::from_str(text)
        .with_context(|| format!("{}: its {key:?} is not what --save writes", path.display()))
}

/// The checkpoint's "architecture" entry, which must be of `kind` (its "kind" field):
/// a file of another model is named as such.
pub fn architecture_of_kind<T: DeserializeOwned>(
    path: &Path,
    metadata: &HashMap<String, String>,
    kind: &str,
) -> anyhow::Result<T> {
    let arch: serde_json::Value = json_field(path, metadata, "architecture")?;
    let got = arch.get("kind").and_then(|k| k.as_str()).unwrap_or("none");
    anyhow::ensure!(
        got == kind,
        "{} holds a model of kind {got:?}, not {kind:?}: was it overwritten by another checkpoint?",
        path.display()
    );
    serde_json::from_value(arch)
        .with_context(|| format!("{}: its \"architecture\" is not what --save writes", path.display()))
}

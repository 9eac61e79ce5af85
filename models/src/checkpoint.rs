//! Checkpoints: a trained model's parameters as `.safetensors`, the format PyTorch,
//! JAX and candle all read. Names and layouts follow PyTorch's `state_dict` (every
//! [`Model`] provides them; `Mlp::state_dict` too), and the architecture, the run's
//! configuration and the preprocessing a model needs at inference (standardisation
//! statistics, a vocabulary) travel in the file's metadata as JSON strings, so a reader
//! can rebuild the model anywhere:
//!
//! ```python
//! from safetensors.torch import load_file
//! model.load_state_dict(load_file("mlp.safetensors"))
//! ```

use std::collections::HashMap;
use std::path::Path;

use autograd::Tensor;
use safetensors::tensor::{Dtype, SafeTensors, TensorView};

use crate::model::Model;

/// What went wrong reading or writing a checkpoint, in words that say what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// The result of a checkpoint operation.
pub type Result<T> = std::result::Result<T, Error>;

/// Write `bytes` to `path` through a temporary file renamed into place, so a crash
/// never leaves half a checkpoint; creates the folder.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail = |e: std::io::Error| Error(format!("cannot write {}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let tmp = path.with_extension("safetensors.partial");
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

/// Write `state` (name, tensor) to `path` atomically, with `metadata` (string keys and
/// values; JSON for anything structured).
pub fn save(path: &Path, state: &[(String, Tensor)], metadata: &[(&str, String)]) -> Result<()> {
    // Little-endian bytes of every tensor, kept alive while the views borrow them.
    let bytes: Vec<Vec<u8>> =
        state.iter().map(|(_, t)| t.data().iter().flat_map(|v| v.to_le_bytes()).collect()).collect();
    let views = state
        .iter()
        .zip(&bytes)
        .map(|((name, t), b)| Ok((name.clone(), TensorView::new(Dtype::F32, t.shape().to_vec(), b)?)))
        .collect::<std::result::Result<Vec<_>, safetensors::SafeTensorError>>()
        .map_err(|e| Error(format!("cannot encode the checkpoint {}: {e}", path.display())))?;
    let info: HashMap<String, String> = metadata.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    let file = safetensors::tensor::serialize(views, Some(info))
        .map_err(|e| Error(format!("cannot encode the checkpoint {}: {e}", path.display())))?;
    write_atomic(path, &file)
}

/// A checkpoint read back: its tensors (in name order) and its metadata.
pub struct Loaded {
    /// The tensors, by name, in name order.
    pub state: Vec<(String, Tensor)>,
    /// The file's metadata (string keys and values).
    pub metadata: HashMap<String, String>,
}

/// Read a checkpoint written by [`save`] (or by PyTorch's `safetensors.torch.save_file`
/// with float32 tensors). A damaged file is an error saying so, never a panic.
pub fn load(path: &Path) -> Result<Loaded> {
    let bytes =
        std::fs::read(path).map_err(|e| Error(format!("cannot read checkpoint {}: {e}", path.display())))?;
    let broken = |e: safetensors::SafeTensorError| {
        Error(format!(
            "{} is not a valid safetensors checkpoint (truncated or damaged?): {e}",
            path.display()
        ))
    };
    let (_, header) = SafeTensors::read_metadata(&bytes).map_err(broken)?;
    let tensors = SafeTensors::deserialize(&bytes).map_err(broken)?;
    let mut state = Vec::new();
    for (name, view) in tensors.tensors() {
        if view.dtype() != Dtype::F32 {
            return Err(Error(format!(
                "{}: tensor {name} is {:?}; the engine reads float32 only",
                path.display(),
                view.dtype()
            )));
        }
        let values: Vec<f32> =
            view.data().chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        state.push((name, Tensor::from_vec(values, view.shape())));
    }
    state.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Loaded { state, metadata: header.metadata().clone().unwrap_or_default() })
}

/// Save `model`'s `state_dict` to `path` with `metadata`. torch:
/// `safetensors.torch.save_file(model.state_dict(), path, metadata)`
pub fn save_model(path: &Path, model: &(impl Model + ?Sized), metadata: &[(&str, String)]) -> Result<()> {
    save(path, &model.state_dict(), metadata)
}

/// Load the checkpoint at `path` into `model` (built with the architecture its
/// metadata describes) and return the metadata. An error names the file and the first
/// entry that differs when the checkpoint is not this model's.
pub fn load_model(path: &Path, model: &mut (impl Model + ?Sized)) -> Result<HashMap<String, String>> {
    let loaded = load(path)?;
    model
        .load_state_dict(&loaded.state)
        .map_err(|e| Error(format!("{} does not fit this model: {e}", path.display())))?;
    Ok(loaded.metadata)
}

/// The metadata entry `key` of a checkpoint, or an error naming the file and the key.
pub fn field<'a>(path: &Path, metadata: &'a HashMap<String, String>, key: &str) -> Result<&'a str> {
    metadata
        .get(key)
        .map(String::as_str)
        .ok_or_else(|| Error(format!("{}: the checkpoint's metadata has no {key:?}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_round_trips_and_damage_is_an_error() {
        let dir = std::env::temp_dir().join(format!("models-ckpt-{}", std::process::id()));
        let path = dir.join("m.safetensors");
        let w = Tensor::from_vec(vec![1.0, -2.5, 3.0, 0.125, 5.0, 6.0], &[2, 3]);
        let b = Tensor::from_vec(vec![0.5, -0.5], &[2]);
        save(&path, &[("0.weight".into(), w.clone()), ("0.bias".into(), b.clone())], &[("arch", "x".into())])
            .unwrap();
        let loaded = load(&path).unwrap();
        assert_eq!(loaded.metadata["arch"], "x");
        let names: Vec<&str> = loaded.state.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["0.bias", "0.weight"]);
        assert_eq!(loaded.state[1].1.to_vec(), w.to_vec());
        assert_eq!(loaded.state[1].1.shape(), &[2, 3]);
        // Damaged: cut short, garbage, a flipped header length.
        let good = std::fs::read(&path).unwrap();
        for (what, bytes) in [
            ("cut short", good[..good.len() - 5].to_vec()),
            ("garbage", b"not a checkpoint at all".to_vec()),
            ("header length", [&[0xff; 8][..], &good[8..]].concat()),
        ] {
            std::fs::write(&path, &bytes).unwrap();
            let err = load(&path).map(|_| ()).unwrap_err().to_string();
            assert!(err.contains("not a valid safetensors checkpoint"), "{what}: {err}");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}

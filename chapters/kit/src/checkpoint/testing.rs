//! What the chapters' checkpoint tests share: a chapter's Python loader run on a
//! saved folder, a checkpoint's entry names, a checkpoint rewritten in place.

use std::collections::HashMap;
use std::path::Path;

use autograd::Tensor;

/// Run the Python loader `script` on `dir` when `python3` has numpy and safetensors
/// (otherwise print that it was not run); panics with its output unless it succeeds
/// and prints `must_print`.
pub fn run_python_loader(script: &Path, dir: &Path, must_print: &str) {
    let ready = std::process::Command::new("python3").args(["-c", "import numpy, safetensors"]).status();
    if !ready.is_ok_and(|s| s.success()) {
        println!("python3 with numpy and safetensors not found: {} was not run", script.display());
        return;
    }
    let out = std::process::Command::new("python3").arg(script).arg(dir).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{} failed:\n{text}\n{}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains(must_print), "{text}");
}

/// The entries of the checkpoint at `path`, in name order; panics when it cannot be read.
pub fn entry_names(path: &Path) -> Vec<String> {
    super::load(path).unwrap().state.into_iter().map(|(n, _)| n).collect()
}

/// Rewrite the checkpoint at `path` with `state` and its own metadata.
pub fn rewrite_state(path: &Path, state: &[(String, Tensor)]) {
    let metadata = super::load(path).unwrap().metadata;
    let metadata: Vec<(&str, String)> = metadata.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    super::save(path, state, &metadata).unwrap();
}

/// Rewrite the checkpoint at `path` with its own tensors and its metadata changed by `edit`.
pub fn rewrite_metadata(path: &Path, edit: impl FnOnce(&mut HashMap<String, String>)) {
    let loaded = super::load(path).unwrap();
    let mut metadata = loaded.metadata;
    edit(&mut metadata);
    let metadata: Vec<(&str, String)> = metadata.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    super::save(path, &loaded.state, &metadata).unwrap();
}

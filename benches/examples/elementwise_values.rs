//! The engine's exp, tanh and sigmoid on every value of a file, for
//! `benches/peers/accuracy.py`, which measures their error in ulps beside numpy's and
//! PyTorch's:
//!
//!     cargo run --release -p benches --example elementwise_values -- IN [FUNCTION ...]
//!
//! IN holds little-endian f32s; writes IN.exp, IN.tanh and IN.sigmoid beside it (or
//! only the FUNCTIONs named), the same layout.

use autograd::Tensor;
use std::path::{Path, PathBuf};

/// A function of the engine, by the name the script asks for.
type Named = (&'static str, fn(&Tensor) -> Tensor);

fn read(path: &Path) -> Result<Vec<f32>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() % 4 != 0 {
        return Err(format!("{}: {} bytes is not a whole number of f32s", path.display(), bytes.len()));
    }
    Ok(bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
}

fn main() -> Result<(), String> {
    let input: PathBuf =
        std::env::args_os().nth(1).ok_or("usage: elementwise_values IN (a file of f32s)")?.into();
    let values = read(&input)?;
    let wanted: Vec<String> = std::env::args().skip(2).collect();
    let x = Tensor::from_vec(values.clone(), &[values.len()]);
    let functions: [Named; 3] = [("exp", Tensor::exp), ("tanh", Tensor::tanh), ("sigmoid", Tensor::sigmoid)];
    if let Some(bad) = wanted.iter().find(|w| !functions.iter().any(|(name, _)| name == w)) {
        return Err(format!("unknown function {bad}: expected exp, tanh or sigmoid"));
    }
    for (name, f) in
        functions.into_iter().filter(|(name, _)| wanted.is_empty() || wanted.iter().any(|w| w == name))
    {
        let y = f(&x);
        let bytes: Vec<u8> = y.data().iter().flat_map(|v| v.to_le_bytes()).collect();
        let mut out = input.clone().into_os_string();
        out.push(format!(".{name}"));
        std::fs::write(&out, bytes)
            .map_err(|e| format!("cannot write {}: {e}", Path::new(&out).display()))?;
    }
    eprintln!("{} values, instruction set {}", values.len(), autograd::simd::active().name());
    Ok(())
}

//! The engine's exp, tanh and sigmoid on every value of a file, for
//! `benches/peers/accuracy.py`, which measures their error in ulps beside numpy's and
//! PyTorch's:
//!
//!     cargo run --release -p benches --example elementwise_values -- IN
//!
//! IN holds little-endian f32s; writes IN.exp, IN.tanh and IN.sigmoid beside it, the
//! same layout.

use autograd::Tensor;
use std::path::{Path, PathBuf};

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
    let x = Tensor::from_vec(values.clone(), &[values.len()]);
    for (name, y) in [("exp", x.exp()), ("tanh", x.tanh()), ("sigmoid", x.sigmoid())] {
        let bytes: Vec<u8> = y.data().iter().flat_map(|v| v.to_le_bytes()).collect();
        let mut out = input.clone().into_os_string();
        out.push(format!(".{name}"));
        std::fs::write(&out, bytes)
            .map_err(|e| format!("cannot write {}: {e}", Path::new(&out).display()))?;
    }
    eprintln!("{} values, instruction set {}", values.len(), autograd::simd::active().name());
    Ok(())
}

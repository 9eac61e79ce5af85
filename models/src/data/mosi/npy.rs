//! The `.npy` files of a converted MOSI folder: feature tensors read as f32 (their
//! sizes, up to (N, 50, 768), are why they are not read as f64 like `read_npy`'s), and a
//! writer of version-1 `.npy` files for `--export`.

use std::path::Path;

use crate::data::DataError;

/// A float array: its shape (outermost axis first) and its values as f32, row-major.
pub(crate) struct F32Array {
    pub(crate) shape: Vec<usize>,
    pub(crate) values: Vec<f32>,
}

/// Read `path`: `float32` (or `float64`, rounded to f32), little-endian, C order.
/// torch: `torch.from_numpy(np.load(path)).float()`
pub(crate) fn read_f32(path: &Path) -> Result<F32Array, DataError> {
    let bad = |message: String| DataError { file: path.to_path_buf(), line: None, message };
    let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot read it ({e})")))?;
    let (file, shape, descr) = crate::data::npy::open(&bytes, path)?;
    let damaged = |e: std::io::Error| bad(format!("is damaged or truncated ({e})"));
    let values: Vec<f32> = match descr.as_str() {
        "<f4" => file.into_vec::<f32>().map_err(damaged)?,
        "<f8" => file.into_vec::<f64>().map_err(damaged)?.into_iter().map(|v| v as f32).collect(),
        other => return Err(bad(format!("has dtype {other}; expected little-endian float32 (<f4)"))),
    };
    let expected = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
    if expected != Some(values.len()) {
        return Err(bad(format!("holds {} values for shape {shape:?}", values.len())));
    }
    Ok(F32Array { shape, values })
}

/// Write a version-1 `.npy` file of dtype `descr` (`crate::data::npy::npy_bytes`).
fn write_npy(path: &Path, descr: &str, shape: &[usize], data: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, crate::data::npy::npy_bytes(descr, shape, data))
}

/// Write f32 values of `shape` as `<f4`.
pub(crate) fn write_f32(path: &Path, shape: &[usize], values: &[f32]) -> std::io::Result<()> {
    let data: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    write_npy(path, "<f4", shape, &data)
}

/// Write f64 values, one axis, as `<f8`.
pub(crate) fn write_f64(path: &Path, values: &[f64]) -> std::io::Result<()> {
    let data: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    write_npy(path, "<f8", &[values.len()], &data)
}

/// Write integers, one axis, as `<i8` (int64).
pub(crate) fn write_i64(path: &Path, values: &[usize]) -> std::io::Result<()> {
    let data: Vec<u8> = values.iter().flat_map(|&v| (v as i64).to_le_bytes()).collect();
    write_npy(path, "<i8", &[values.len()], &data)
}

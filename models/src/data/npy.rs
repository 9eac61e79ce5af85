//! Feature matrices from numpy: `.npy` files of integers or floats, read with `npyz`.
//! Errors name the file and say what is wrong (dtype, shape, order, damage).

use std::path::Path;

use super::csv::DataError;

/// A numpy array read as f64 values, with its shape (outermost axis first).
pub struct NpyArray {
    /// The shape as numpy reports it.
    pub shape: Vec<usize>,
    /// The values, row-major.
    pub values: Vec<f64>,
    /// Whether the file held floats (as opposed to integers).
    pub float: bool,
}

/// An opened `.npy` file: the reader, its shape and its plain dtype's descr.
pub(crate) type Opened<'a> = (npyz::NpyFile<&'a [u8]>, Vec<usize>, String);

/// A `.npy` file's bytes opened: the reader, its shape and its plain dtype's descr
/// (`<f4`, `|u1`, ...). An error names `path` when the bytes are not a `.npy` file, are
/// in Fortran order, or hold a structured dtype. What both readers check first.
pub(crate) fn open<'a>(bytes: &'a [u8], path: &Path) -> Result<Opened<'a>, DataError> {
    let bad = |message: String| DataError { file: path.to_path_buf(), line: None, message };
    let file = npyz::NpyFile::new(bytes).map_err(|e| bad(format!("is not a valid .npy file ({e})")))?;
    if file.order() != npyz::Order::C {
        return Err(bad("is in Fortran order: save it with np.ascontiguousarray(...)".into()));
    }
    let shape: Vec<usize> = file.shape().iter().map(|&d| d as usize).collect();
    let descr = match file.header().dtype() {
        npyz::DType::Plain(t) => t.to_string(),
        other => {
            return Err(bad(format!(
                "has a structured dtype {}; expected a plain numeric array",
                other.descr()
            )));
        }
    };
    Ok((file, shape, descr))
}

/// Read `path`: any integer dtype (`int8..int64`, `uint8..uint64`) or `float32`/`float64`,
/// in C (row-major) order. torch: `torch.from_numpy(np.load(path))`
pub fn read_npy(path: &Path) -> Result<NpyArray, DataError> {
    let bad = |message: String| DataError { file: path.to_path_buf(), line: None, message };
    let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot read it ({e})")))?;
    let (file, shape, descr) = open(&bytes, path)?;
    let kind = descr.trim_start_matches(['<', '>', '|', '=']);
    if descr.starts_with('>') && !kind.ends_with('1') {
        return Err(bad(format!("holds big-endian {descr}: save it little-endian (numpy's default)")));
    }
    let damaged = |e: std::io::Error| bad(format!("is damaged or truncated ({e})"));
    macro_rules! read {
        ($t:ty) => {
            file.into_vec::<$t>().map_err(damaged)?.into_iter().map(|v| v as f64).collect::<Vec<f64>>()
        };
    }
    let (values, float) = match kind {
        "u1" => (read!(u8), false),
        "u2" => (read!(u16), false),
        "u4" => (read!(u32), false),
        "u8" => (read!(u64), false),
        "i1" => (read!(i8), false),
        "i2" => (read!(i16), false),
        "i4" => (read!(i32), false),
        "i8" => (read!(i64), false),
        "f4" => (read!(f32), true),
        "f8" => (read!(f64), true),
        other => return Err(bad(format!("has dtype {other}; expected an integer or float32/float64 array"))),
    };
    if values.len() != shape.iter().product::<usize>() {
        return Err(bad(format!("holds {} values for shape {shape:?}", values.len())));
    }
    Ok(NpyArray { shape, values, float })
}

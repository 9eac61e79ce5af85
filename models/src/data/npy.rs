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

/// A version-1 `.npy` file's bytes: the magic, a header dict padded with spaces to a
/// multiple of 64 bytes, then `data` (little-endian values of dtype `descr`, C order).
pub(crate) fn npy_bytes(descr: &str, shape: &[usize], data: &[u8]) -> Vec<u8> {
    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
    let shape = match dims.len() {
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    };
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    // Magic (6) + version (2) + length (2) + header + newline: a multiple of 64.
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend((header.len() as u16).to_le_bytes());
    out.extend(header.as_bytes());
    out.extend(data);
    out
}

/// The bytes of a `.npy` file of float32 values of `shape` (`<f4`, C order): what
/// `numpy.load` reads back as a float32 array.
pub fn f32_npy_bytes(shape: &[usize], values: &[f32]) -> Vec<u8> {
    let data: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    npy_bytes("<f4", shape, &data)
}

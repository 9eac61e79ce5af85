//! The UCI optical handwritten digits (8x8, values 0..16) and the shared train/test
//! split of `pairs.csv`. Attribution in data/README.md.

use std::path::Path;

use super::csv::{Csv, DataError};

/// 1797 images of 8x8 pixels scaled to [0, 1], row-major, and their labels 0..9.
pub struct Digits {
    /// (n, 64), values in [0, 1]
    pub images: Vec<f32>,
    /// The digit each image shows, 0..9.
    pub labels: Vec<usize>,
}

impl Digits {
    /// Pixels along each side of an image.
    pub const SIDE: usize = 8;
    /// Pixels in an image (8 x 8).
    pub const PIXELS: usize = 64;

    /// The number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there are no images.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The 64 pixels of image `i`.
    pub fn image(&self, i: usize) -> &[f32] {
        &self.images[i * Self::PIXELS..][..Self::PIXELS]
    }
}

impl std::fmt::Debug for Digits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Digits({} images of 8x8)", self.len())
    }
}

/// Load `digits.csv` (header `id,p0..p63,label`): every pixel must be an integer in
/// 0..=16, every label in 0..=9, and ids must be 0, 1, 2, ... in order.
pub fn load_digits(path: &Path) -> Result<Digits, DataError> {
    let csv = Csv::read(path)?;
    let id = csv.column("id")?;
    let label = csv.column("label")?;
    let pixels: Vec<usize> =
        (0..Digits::PIXELS).map(|p| csv.column(&format!("p{p}"))).collect::<Result<_, _>>()?;
    let mut images = Vec::with_capacity(csv.rows.len() * Digits::PIXELS);
    let mut labels = Vec::with_capacity(csv.rows.len());
    for (n, (line, fields)) in csv.rows.iter().enumerate() {
        let bad = |message: String| DataError { file: path.to_path_buf(), line: Some(*line), message };
        let row_id: usize = csv.parse(*line, fields, id)?;
        if row_id != n {
            return Err(bad(format!("id {row_id} out of order (expected {n})")));
        }
        for &p in &pixels {
            let v: u8 = csv.parse(*line, fields, p)?;
            if v > 16 {
                return Err(bad(format!("field {} = {v} is outside 0..=16", csv.header[p])));
            }
            images.push(v as f32 / 16.0);
        }
        let l: usize = csv.parse(*line, fields, label)?;
        if l > 9 {
            return Err(bad(format!("label {l} is outside 0..=9")));
        }
        labels.push(l);
    }
    Ok(Digits { images, labels })
}

/// The digits in `dir`: `digits.npy` and `labels.npy` when both are there, else
/// `digits.csv`. The numpy pair is for readers bringing their own images: `digits.npy`
/// of shape (n, 64), integers 0..=16 or floats in [0, 1] (already scaled), and
/// `labels.npy` of shape (n,), integers 0..=9.
pub fn load_digits_from(dir: &Path) -> Result<Digits, DataError> {
    let (pixels_path, labels_path) = (dir.join("digits.npy"), dir.join("labels.npy"));
    if !(pixels_path.exists() && labels_path.exists()) {
        return load_digits(&dir.join("digits.csv"));
    }
    let pixels = super::npy::read_npy(&pixels_path)?;
    let labels = super::npy::read_npy(&labels_path)?;
    let bad = |path: &Path, message: String| DataError { file: path.to_path_buf(), line: None, message };
    let n = match pixels.shape[..] {
        [n, Digits::PIXELS] => n,
        _ => return Err(bad(&pixels_path, format!("has shape {:?}; expected (n, 64)", pixels.shape))),
    };
    let (top, scale) = if pixels.float { (1.0, 1.0) } else { (16.0, 16.0) };
    if let Some(at) = pixels.values.iter().position(|v| !(0.0..=top).contains(v)) {
        let (row, col) = (at / Digits::PIXELS, at % Digits::PIXELS);
        let range = if pixels.float { "[0, 1]" } else { "0..=16" };
        return Err(bad(
            &pixels_path,
            format!("pixel ({row}, {col}) = {} is outside {range}", pixels.values[at]),
        ));
    }
    if labels.shape != [n] || labels.float {
        return Err(bad(
            &labels_path,
            format!("must hold {n} integers, shape ({n},); it has shape {:?}", labels.shape),
        ));
    }
    if let Some(at) = labels.values.iter().position(|&l| !(0.0..=9.0).contains(&l)) {
        return Err(bad(&labels_path, format!("label {at} = {} is outside 0..=9", labels.values[at])));
    }
    Ok(Digits {
        images: pixels.values.iter().map(|&v| (v / scale) as f32).collect(),
        labels: labels.values.iter().map(|&l| l as usize).collect(),
    })
}

/// The fixed split of `pairs.csv`: row indices (= image ids) of the train and test sets.
#[derive(Debug)]
pub struct Split {
    /// Image ids of the training set.
    pub train: Vec<usize>,
    /// Image ids of the test set.
    pub test: Vec<usize>,
}

/// Load the split of `pairs.csv` (header `pair_id,label,image_id,audio_id,split`) for
/// `digits`, checking the two files against each other: pair ids run 0, 1, 2, ...;
/// every image of `digits` is in exactly one pair, with the same label in both files. A truncated or
/// mismatched file is an error naming the file, the line and the id, never an index
/// out of bounds later.
pub fn load_split(path: &Path, digits: &Digits) -> Result<Split, DataError> {
    let csv = Csv::read(path)?;
    let pair = csv.column("pair_id")?;
    let image = csv.column("image_id")?;
    let label = csv.column("label")?;
    let split = csv.column("split")?;
    let (mut train, mut test) = (Vec::new(), Vec::new());
    let mut seen = vec![false; digits.len()];
    for (n, (line, fields)) in csv.rows.iter().enumerate() {
        let bad = |message: String| DataError { file: path.to_path_buf(), line: Some(*line), message };
        let pair_id: usize = csv.parse(*line, fields, pair)?;
        if pair_id != n {
            return Err(bad(format!("pair_id {pair_id} out of order (expected {n})")));
        }
        let id: usize = csv.parse(*line, fields, image)?;
        if id >= digits.len() {
            return Err(bad(format!(
                "image_id {id} is not in digits.csv, which has {} images (is digits.csv truncated?)",
                digits.len()
            )));
        }
        if std::mem::replace(&mut seen[id], true) {
            return Err(bad(format!("image_id {id} appears twice")));
        }
        let l: usize = csv.parse(*line, fields, label)?;
        if l != digits.labels[id] {
            return Err(bad(format!(
                "label {l} disagrees with digits.csv, where image {id} is a {}",
                digits.labels[id]
            )));
        }
        match fields[split].as_str() {
            "train" => train.push(id),
            "test" => test.push(id),
            other => return Err(bad(format!("split {other:?} is neither \"train\" nor \"test\""))),
        }
    }
    if let Some(unused) = seen.iter().position(|&s| !s) {
        return Err(DataError {
            file: path.to_path_buf(),
            line: None,
            message: format!("image {unused} of digits.csv is in no pair (is pairs.csv truncated?)"),
        });
    }
    if train.is_empty() || test.is_empty() {
        return Err(DataError {
            file: path.to_path_buf(),
            line: None,
            message: format!(
                "{} training and {} test rows: both sets must be non-empty",
                train.len(),
                test.len()
            ),
        });
    }
    Ok(Split { train, test })
}

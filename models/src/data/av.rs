//! The audio-visual digits: an 8x8 image and a 20x20 spectrogram of the same digit,
//! paired by `pairs.csv`. Layouts and attribution in data/README.md.

use std::path::Path;

use super::csv::{Csv, DataError};
use super::digits::{Digits, load_digits, load_split};

/// Log-mel spectrograms from an `SPDG` file, scaled from u8 to [0, 1]
/// (1 = the utterance's loudest cell, 0 = `dyn_db` decibels below it).
pub struct Spectrograms {
    /// Mel bands (rows of one spectrogram; band 0 is the lowest frequency).
    pub bands: usize,
    /// Time frames (columns; frame 0 is the start of the word).
    pub frames: usize,
    /// Decibels between 1.0 and 0.0.
    pub dyn_db: f32,
    /// (n, bands * frames), row-major `[utterance][band][frame]`.
    pub values: Vec<f32>,
}

impl Spectrograms {
    /// The number of utterances.
    pub fn len(&self) -> usize {
        self.values.len() / (self.bands * self.frames)
    }

    /// True when the file holds no utterance.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

const HEADER: usize = 24;

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Read an `SPDG` file (`spoken_digits.u8`): the magic `SPDG`, u32 version 1, u32 n,
/// bands and frames, f32 dyn_db, then n x bands x frames u8. The file's size must be
/// exactly what its header promises.
pub fn load_spectrograms(path: &Path) -> Result<Spectrograms, DataError> {
    let bad = |message: String| DataError { file: path.to_path_buf(), line: None, message };
    let b = std::fs::read(path).map_err(|e| {
        bad(format!("cannot read it ({e}); the shipped data lives in the repository's data/ folder"))
    })?;
    if b.len() < HEADER || &b[..4] != b"SPDG" {
        return Err(bad("is not a spectrogram file: it must start with the 4 bytes \"SPDG\"".into()));
    }
    let (version, n, bands, frames) = (u32_at(&b, 4), u32_at(&b, 8), u32_at(&b, 12), u32_at(&b, 16));
    if version != 1 {
        return Err(bad(format!("has format version {version}; this loader reads version 1")));
    }
    let dyn_db = f32::from_le_bytes([b[20], b[21], b[22], b[23]]);
    if !(dyn_db.is_finite() && dyn_db > 0.0) {
        return Err(bad(format!("has dyn_db = {dyn_db}; it must be a positive number of decibels")));
    }
    let (n, bands, frames) = (n as usize, bands as usize, frames as usize);
    if n == 0 || bands == 0 || frames == 0 || bands * frames > 1 << 20 {
        return Err(bad(format!("has a header of {n} utterances of {bands} x {frames}: none may be 0")));
    }
    let expected = n.checked_mul(bands * frames).and_then(|v| v.checked_add(HEADER));
    if expected != Some(b.len()) {
        return Err(bad(format!(
            "is {} bytes, but its header promises {n} utterances of {bands} x {frames} ({} bytes): \
             is it truncated?",
            b.len(),
            expected.map_or("too many".to_string(), |e| e.to_string())
        )));
    }
    let values = b[HEADER..].iter().map(|&q| q as f32 / 255.0).collect();
    Ok(Spectrograms { bands, frames, dyn_db, values })
}

/// Which version of the two modalities to load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AvVariant {
    /// `digits_noisy.csv` + `spoken_digits.u8`: each modality alone is imperfect.
    Noisy,
    /// `digits.csv` + `spoken_digits_clean.u8`: each modality alone is nearly enough.
    Clean,
}

impl AvVariant {
    /// The image and audio files of this variant.
    pub fn files(self) -> (&'static str, &'static str) {
        match self {
            AvVariant::Noisy => ("digits_noisy.csv", "spoken_digits.u8"),
            AvVariant::Clean => ("digits.csv", "spoken_digits_clean.u8"),
        }
    }
}

/// The audio-visual digits, one row per pair of `pairs.csv`: row p holds image p and
/// the utterance `audio_id[p]`, which shows the same digit and nothing else in common.
pub struct AvDigits {
    /// (n, 64) pixels in [0, 1].
    pub image: Vec<f32>,
    /// (n, bands * frames) spectrogram cells in [0, 1].
    pub audio: Vec<f32>,
    /// The digit of each pair, 0..9.
    pub labels: Vec<usize>,
    /// Each image's noise level (pixel noise sigma on the 0..16 scale; 0 for clean).
    pub image_sigma: Vec<f32>,
    /// Each utterance's signal-to-noise ratio in dB (infinite for the clean file).
    pub audio_snr_db: Vec<f32>,
    /// Row of the spectrogram file each pair uses.
    pub audio_id: Vec<usize>,
    /// Mel bands and time frames of a spectrogram.
    pub bands: usize,
    /// Time frames of a spectrogram.
    pub frames: usize,
    /// Pairs in the training set.
    pub train: Vec<usize>,
    /// Pairs in the test set.
    pub test: Vec<usize>,
}

impl AvDigits {
    /// Pixels in an image.
    pub const IMAGE: usize = Digits::PIXELS;

    /// Cells in a spectrogram (bands x frames).
    pub fn audio_width(&self) -> usize {
        self.bands * self.frames
    }

    /// The number of pairs.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

impl std::fmt::Debug for AvDigits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "AvDigits({} pairs of 8x8 images and {}x{} spectrograms; {} train / {} test)",
            self.len(),
            self.bands,
            self.frames,
            self.train.len(),
            self.test.len()
        )
    }
}

/// One column of a CSV as numbers, or the error naming the line.
fn column<T: std::str::FromStr>(csv: &Csv, name: &str) -> Result<Vec<T>, DataError> {
    let c = csv.column(name)?;
    csv.rows.iter().map(|(line, fields)| csv.parse(*line, fields, c)).collect()
}

/// Load the AV digits from `dir`: the variant's image and audio files,
/// `spoken_digits_meta.csv` (the utterances' labels) and `pairs.csv`. The files are
/// checked against each other: the meta file has a row per utterance with ids in order,
/// every `audio_id` of `pairs.csv` is a row of the spectrogram file, each used once,
/// and an image, its utterance and its pair agree on the digit.
pub fn load_av_digits(dir: &Path, variant: AvVariant) -> Result<AvDigits, DataError> {
    let (image_file, audio_file) = variant.files();
    let digits = load_digits(&dir.join(image_file))?;
    let image_sigma = match variant {
        AvVariant::Noisy => column::<f32>(&Csv::read(&dir.join(image_file))?, "sigma")?,
        AvVariant::Clean => vec![0.0; digits.len()],
    };
    let pairs_path = dir.join("pairs.csv");
    let split = load_split(&pairs_path, &digits)?;
    let spectrograms = load_spectrograms(&dir.join(audio_file))?;
    let meta_path = dir.join("spoken_digits_meta.csv");
    let meta = Csv::read(&meta_path)?;
    let ids: Vec<usize> = column(&meta, "id")?;
    let audio_labels: Vec<usize> = column(&meta, "label")?;
    let snr: Vec<f32> = column(&meta, "snr_db")?;
    let meta_error =
        |line: Option<usize>, message: String| DataError { file: meta_path.clone(), line, message };
    if let Some(at) = ids.iter().enumerate().position(|(n, &id)| id != n) {
        return Err(meta_error(
            Some(meta.rows[at].0),
            format!("id {} out of order (expected {at})", ids[at]),
        ));
    }
    if ids.len() != spectrograms.len() {
        return Err(meta_error(
            None,
            format!("has {} rows, but {audio_file} holds {} utterances", ids.len(), spectrograms.len()),
        ));
    }
    if let Some(at) = audio_labels.iter().position(|&l| l > 9) {
        return Err(meta_error(
            Some(meta.rows[at].0),
            format!("label {} is outside 0..=9", audio_labels[at]),
        ));
    }
    let pairs = Csv::read(&pairs_path)?;
    let audio_id: Vec<usize> = column(&pairs, "audio_id")?;
    let mut used = vec![false; spectrograms.len()];
    for (p, &a) in audio_id.iter().enumerate() {
        let bad =
            |message: String| DataError { file: pairs_path.clone(), line: Some(pairs.rows[p].0), message };
        if a >= spectrograms.len() {
            return Err(bad(format!(
                "audio_id {a} is out of range: {audio_file} holds {} utterances (is it truncated?)",
                spectrograms.len()
            )));
        }
        if std::mem::replace(&mut used[a], true) {
            return Err(bad(format!("audio_id {a} appears twice")));
        }
        if audio_labels[a] != digits.labels[p] {
            return Err(bad(format!(
                "pairs image {p}, a {}, with utterance {a}, which spoken_digits_meta.csv says is a {}",
                digits.labels[p], audio_labels[a]
            )));
        }
    }
    let width = spectrograms.bands * spectrograms.frames;
    let mut audio = Vec::with_capacity(audio_id.len() * width);
    for &a in &audio_id {
        audio.extend_from_slice(&spectrograms.values[a * width..][..width]);
    }
    let audio_snr_db = match variant {
        AvVariant::Noisy => audio_id.iter().map(|&a| snr[a]).collect(),
        AvVariant::Clean => vec![f32::INFINITY; audio_id.len()],
    };
    Ok(AvDigits {
        image: digits.images,
        audio,
        labels: digits.labels,
        image_sigma,
        audio_snr_db,
        audio_id,
        bands: spectrograms.bands,
        frames: spectrograms.frames,
        train: split.train,
        test: split.test,
    })
}

/// Per-feature mean and standard deviation of the rows `rows` of a (n, width) table;
/// a feature that never varies gets standard deviation 1 (so it standardises to 0).
pub fn feature_stats(table: &[f32], width: usize, rows: &[usize]) -> (Vec<f32>, Vec<f32>) {
    let mut mean = vec![0f64; width];
    let mut square = vec![0f64; width];
    for &r in rows {
        for (j, &v) in table[r * width..][..width].iter().enumerate() {
            mean[j] += v as f64;
            square[j] += (v as f64) * (v as f64);
        }
    }
    let n = rows.len().max(1) as f64;
    let std = mean
        .iter()
        .zip(&square)
        .map(|(m, s)| {
            let var = (s / n - (m / n) * (m / n)).max(0.0);
            if var > 1e-12 { var.sqrt() as f32 } else { 1.0 }
        })
        .collect();
    (mean.iter().map(|m| (m / n) as f32).collect(), std)
}

/// `(x - mean) / std` for every row of a (n, width) table.
pub fn standardise(table: &[f32], mean: &[f32], std: &[f32]) -> Vec<f32> {
    let width = mean.len();
    table
        .chunks_exact(width)
        .flat_map(|row| row.iter().zip(mean).zip(std).map(|((v, m), s)| (v - m) / s))
        .collect()
}

//! CMU-MOSI's word-aligned features in the folder layout the fusion chapters read with
//! `--data DIR`. `chapters/ch07-supervised-fusion/convert_mosi.py PICKLE DIR` writes it
//! from the public pickles; toy MOSI's `--export DIR` writes the same layout, so both
//! roads meet in one reader.
//!
//! The folder holds, for each split `train`, `valid`, `test`:
//!
//! | file | contents |
//! |---|---|
//! | `SPLIT_text.npy`, `SPLIT_audio.npy`, `SPLIT_vision.npy` | float32 (N, T, d): each utterance's real steps first, then all-zero padding rows |
//! | `SPLIT_labels.npy` | float64 (N,): sentiment in [-3, 3] |
//! | `SPLIT_lengths.npy` | int64 (N,): real steps per utterance, 1 to T |
//! | `SPLIT_ids.txt` | one utterance id a line |
//! | `SPLIT_MODALITY_mean.npy` (optional) | float32 (N, d): the summaries, when the writer has them more precisely than the mean of the stored float32 steps (toy MOSI's generator does) |
//!
//! and one `manifest.json` (the layout's name and version, where the data came from,
//! the widths, the counts, and notes on what the conversion did). Everything is checked
//! on loading; an error names the file and what is wrong.

mod fusion;
mod load;
mod npy;
mod write;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::DataError;
use crate::toymosi::{Modality, Split};

pub use load::load_mosi;
pub use write::write_mosi;

/// The file that marks a folder as this layout.
pub const MANIFEST: &str = "manifest.json";
/// The layout's name in the manifest.
pub const LAYOUT: &str = "mosi-aligned";
/// The layout's version in the manifest.
pub const VERSION: u32 = 1;

/// The three splits with their file-name prefixes.
pub const SPLITS: [(Split, &str); 3] =
    [(Split::Train, "train"), (Split::Valid, "valid"), (Split::Test, "test")];

/// A modality's name in the files: `text`, `audio`, `vision` (the public pickles' keys).
pub fn file_name(m: Modality) -> &'static str {
    match m {
        Modality::Text => "text",
        Modality::Audio => "audio",
        Modality::Video => "vision",
    }
}

/// Feature widths, one per modality.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Widths {
    /// Text (e.g. GloVe 300, BERT 768).
    pub text: usize,
    /// Audio (e.g. COVAREP 74).
    pub audio: usize,
    /// Vision (e.g. Facet 35 or 47).
    pub vision: usize,
}

impl Widths {
    /// The width of `m`.
    pub fn of(&self, m: Modality) -> usize {
        match m {
            Modality::Text => self.text,
            Modality::Audio => self.audio,
            Modality::Video => self.vision,
        }
    }
}

/// One split's size in the manifest.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct SplitSize {
    /// Utterances (N).
    pub utterances: usize,
    /// Steps per stored sequence (T), padding included.
    pub steps: usize,
}

/// The three splits' sizes.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Splits {
    /// Training utterances.
    pub train: SplitSize,
    /// Validation utterances.
    pub valid: SplitSize,
    /// Test utterances.
    pub test: SplitSize,
}

impl Splits {
    /// The size of `s`.
    pub fn of(&self, s: Split) -> SplitSize {
        match s {
            Split::Train => self.train,
            Split::Valid => self.valid,
            Split::Test => self.test,
        }
    }
}

/// `manifest.json`.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Manifest {
    /// Always [`LAYOUT`].
    pub layout: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// Where the data came from ("mosi_data.pkl (sha256 ...)", "toy MOSI, seed 0").
    pub source: String,
    /// The program that wrote the folder.
    pub written_by: String,
    /// Feature widths.
    pub widths: Widths,
    /// Split sizes.
    pub splits: Splits,
    /// What the conversion did, in sentences (padding found, values replaced, ...).
    #[serde(default)]
    pub notes: Vec<String>,
}

/// One split: per utterance an id, a label, a length, and per modality a padded
/// (T, d) sequence.
#[derive(Clone, Debug)]
pub struct MosiSplit {
    /// Utterance ids, in row order.
    pub ids: Vec<String>,
    /// Sentiment labels in [-3, 3].
    pub labels: Vec<f64>,
    /// Real steps per utterance.
    pub lengths: Vec<usize>,
    /// Steps per stored sequence (T).
    pub steps: usize,
    /// Widths of text, audio, vision.
    pub widths: Widths,
    /// Per modality (text, audio, vision), (N, T, d) row-major.
    pub features: [Vec<f32>; 3],
    /// Per modality, (N, d) stored summaries, if the folder has them.
    pub means: Option<[Vec<f32>; 3]>,
}

fn index(m: Modality) -> usize {
    match m {
        Modality::Text => 0,
        Modality::Audio => 1,
        Modality::Video => 2,
    }
}

impl MosiSplit {
    /// Utterances in the split.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when the split has no utterances (never after loading).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Utterance `i`'s real steps of modality `m`, (length, d) row-major.
    pub fn sequence(&self, i: usize, m: Modality) -> &[f32] {
        let d = self.widths.of(m);
        &self.features[index(m)][i * self.steps * d..][..self.lengths[i] * d]
    }

    /// Utterance `i`'s summary of modality `m`: the stored one if the folder has them,
    /// else the mean over its real steps (summed in f64, as toy MOSI's generator does).
    pub fn summary(&self, i: usize, m: Modality) -> Vec<f32> {
        let d = self.widths.of(m);
        if let Some(means) = &self.means {
            return means[index(m)][i * d..(i + 1) * d].to_vec();
        }
        let rows = self.sequence(i, m);
        let length = self.lengths[i] as f64;
        (0..d)
            .map(|c| (rows.iter().skip(c).step_by(d).map(|&v| f64::from(v)).sum::<f64>() / length) as f32)
            .collect()
    }
}

/// A converted MOSI folder, loaded and checked.
#[derive(Clone, Debug)]
pub struct Mosi {
    /// The folder it was read from.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// Training utterances.
    pub train: MosiSplit,
    /// Validation utterances (early stopping).
    pub valid: MosiSplit,
    /// Test utterances.
    pub test: MosiSplit,
}

impl Mosi {
    /// The split `s`.
    pub fn split(&self, s: Split) -> &MosiSplit {
        match s {
            Split::Train => &self.train,
            Split::Valid => &self.valid,
            Split::Test => &self.test,
        }
    }

    /// The width of modality `m`.
    pub fn width(&self, m: Modality) -> usize {
        self.manifest.widths.of(m)
    }

    /// Utterances in all three splits.
    pub fn len(&self) -> usize {
        self.train.len() + self.valid.len() + self.test.len()
    }

    /// True when there are no utterances (never after loading).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows a chapter's settings table starts with for a run on this folder: the
    /// data, and the seeds (which here initialise the models and order their batches,
    /// the data being the same for every seed). They replace toy MOSI's seeds row.
    pub fn settings(&self, seed: u64, seeds: usize) -> Vec<(String, String)> {
        vec![
            ("data".to_string(), self.describe()),
            (
                "seeds (each initialises the models and orders their batches; the data are the same for every \
                 seed, and comparisons are paired by seed)"
                    .to_string(),
                format!("{} ({} to {})", seeds, seed, seed + seeds.max(1) as u64 - 1),
            ),
        ]
    }

    /// What the conversion noted (padding, replaced values, ...), as a markdown list.
    pub fn notes_markdown(&self) -> String {
        self.manifest.notes.iter().map(|n| format!("- {n}\n")).collect()
    }

    /// One line for a settings table: the source, the counts and the widths.
    pub fn describe(&self) -> String {
        let w = &self.manifest.widths;
        format!(
            "{}: {} utterances ({} train, {} valid, {} test); widths text {}, audio {}, vision {}",
            self.manifest.source,
            self.len(),
            self.train.len(),
            self.valid.len(),
            self.test.len(),
            w.text,
            w.audio,
            w.vision
        )
    }
}

/// Whether `dir` holds this layout (has a `manifest.json`).
pub fn is_mosi_layout(dir: &Path) -> bool {
    dir.join(MANIFEST).is_file()
}

fn error(file: PathBuf, message: String) -> DataError {
    DataError { file, line: None, message }
}

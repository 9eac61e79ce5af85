//! Datasets shipped in the repository's `data/` folder, loaders that say exactly what
//! is wrong with a bad file, and the batching every chapter uses.

mod av;
mod batch;
mod clipart;
mod csv;
mod digits;
pub mod mosi;
mod npy;
mod paired;

use std::path::PathBuf;

pub use av::{
    AvDigits, AvVariant, Spectrograms, feature_stats, load_av_digits, load_spectrograms, standardise,
};
pub use batch::{gather_rows, shuffled_batches, stratified_split};
pub use clipart::{ClipArt, load_clipart, title_words};
pub(crate) use csv::Csv;
pub use csv::DataError;
pub use digits::{Digits, Split, load_digits, load_digits_from, load_split};
pub use npy::{NpyArray, f32_npy_bytes, read_npy};
pub use paired::{Av, Pairing};

/// The repository's `data/` folder (where `cargo run` and `cargo test` find the
/// shipped datasets wherever they are started from).
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("data")
}

//! Every loader against damaged versions of every shipped file: truncated, bit-flipped,
//! reordered and emptied. A loader may never panic; where the damage makes the files
//! inconsistent (rows lost, ids out of order, a field cut short), it must say so with
//! an error rather than load something else.
//!
//! Per mutation kind and file, `CASES` random mutations: 4 kinds x 9 text files x 48, 48
//! cut or bit-flipped versions of the .npy pair `load_digits_from` also reads, and 48 of
//! the binary spectrogram file.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use common::npy;
use models::data::{AvVariant, data_dir, load_av_digits, load_digits, load_digits_from, load_split};
use models::graph::{load_karate, load_lesmis};
use proptest::prelude::*;

const CASES: u32 = 48;

/// The three shipped datasets, each the files it reads and a loader that loads all of
/// them from a folder (returning something comparable when it succeeds).
const DATASETS: [(&str, &[&str]); 4] = [
    ("digits", &["digits.csv", "pairs.csv"]),
    ("av", &["digits_noisy.csv", "spoken_digits_meta.csv", "pairs.csv", "spoken_digits.u8"]),
    ("karate", &["karate_nodes.csv", "karate_edges.csv"]),
    ("lesmis", &["lesmis_nodes.csv", "lesmis_edges.csv"]),
];

fn load(dataset: &str, dir: &Path) -> Result<String, String> {
    let result = match dataset {
        "digits" => load_digits(&dir.join("digits.csv")).and_then(|d| {
            load_split(&dir.join("pairs.csv"), &d)
                .map(|s| format!("{:?} {:?} {:?}", d.labels, s.train, s.test))
        }),
        "av" => load_av_digits(dir, AvVariant::Noisy)
            .map(|d| format!("{:?} {:?} {:?} {:?}", d.labels, d.audio_id, d.train, d.image_sigma)),
        "karate" => load_karate(dir).map(|g| format!("{:?} {:?}", g.edges, g.labels)),
        _ => load_lesmis(dir).map(|g| format!("{:?} {:?}", g.edges, g.names)),
    };
    result.map_err(|e| e.to_string())
}

/// A scratch copy of a dataset's files with `file` replaced by `bytes`; loads it,
/// turning a panic into a test failure that names the damage.
fn load_damaged(dataset: &str, file: &str, bytes: &[u8], what: &str) -> Result<String, String> {
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "fuzz-{}-{dataset}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, files) in DATASETS {
        if name == dataset {
            for f in files {
                std::fs::copy(data_dir().join(f), dir.join(f)).unwrap();
            }
        }
    }
    std::fs::write(dir.join(file), bytes).unwrap();
    let outcome = catch_unwind(AssertUnwindSafe(|| load(dataset, &dir)));
    std::fs::remove_dir_all(&dir).ok();
    outcome.unwrap_or_else(|_| panic!("{dataset}: loading {file} {what} panicked"))
}

fn shipped(file: &str) -> Vec<u8> {
    std::fs::read(data_dir().join(file)).unwrap()
}

/// Every (dataset, text file) pair.
fn files() -> Vec<(&'static str, &'static str)> {
    DATASETS
        .iter()
        .flat_map(|(d, fs)| fs.iter().map(move |f| (*d, *f)))
        .filter(|(_, f)| f.ends_with(".csv"))
        .collect()
}

const TEXT_FILES: usize = 9;

#[test]
fn every_text_file_is_fuzzed() {
    assert_eq!(files().len(), TEXT_FILES);
}

/// Files whose rows are numbered (ids in order), so losing or moving a row is detectable.
fn ordered(file: &str) -> bool {
    !file.ends_with("_edges.csv")
}

#[test]
fn the_undamaged_files_load() {
    for (dataset, _) in DATASETS {
        load(dataset, &data_dir()).unwrap_or_else(|e| panic!("{dataset}: {e}"));
    }
}

#[test]
fn an_empty_file_is_an_error() {
    for (dataset, file) in files() {
        for bytes in [&b""[..], b"\n"] {
            let r = load_damaged(dataset, file, bytes, "emptied");
            assert!(r.is_err(), "{dataset}: an empty {file} loaded");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    /// Cut anywhere: an error whenever whole rows of a numbered file are lost (the
    /// other file then names what is missing) or the cut leaves a row's last field
    /// short of its separator; never a panic.
    #[test]
    fn truncated_files(which in 0usize..TEXT_FILES, at in 0.0f64..1.0) {
        let (dataset, file) = files()[which];
        let bytes = shipped(file);
        let cut = ((bytes.len() - 1) as f64 * at) as usize; // strictly shorter than the file
        let r = load_damaged(dataset, file, &bytes[..cut], &format!("cut at byte {cut}"));
        let kept = &bytes[..cut];
        let whole_rows_lost = bytes[cut..].iter().filter(|&&b| b == b'\n').count() > 1;
        let last_line = kept.rsplit(|&b| b == b'\n').next().unwrap_or(&[]);
        let short_row = !last_line.is_empty() && last_line.iter().filter(|&&b| b == b',').count()
            < bytes.split(|&b| b == b'\n').next().unwrap().iter().filter(|&&b| b == b',').count();
        if (whole_rows_lost && ordered(file)) || short_row {
            prop_assert!(r.is_err(), "{}: {} cut at byte {} of {} loaded", dataset, file, cut, bytes.len());
        }
    }

    /// One bit flipped anywhere: never a panic (a flip inside a digit can give another
    /// valid file, so success is allowed when the files stay consistent).
    #[test]
    fn bit_flipped_files(which in 0usize..TEXT_FILES, at in 0.0f64..1.0, bit in 0u8..8) {
        let (dataset, file) = files()[which];
        let mut bytes = shipped(file);
        let i = ((bytes.len() - 1) as f64 * at) as usize;
        bytes[i] ^= 1 << bit;
        let _ = load_damaged(dataset, file, &bytes, &format!("with bit {bit} of byte {i} flipped"));
    }

    /// Two data rows swapped: an error for numbered files; for edge lists, whose order
    /// means nothing, exactly the same graph.
    #[test]
    fn reordered_files(which in 0usize..TEXT_FILES, a in 0.0f64..1.0, b in 0.0f64..1.0) {
        let (dataset, file) = files()[which];
        let text = String::from_utf8(shipped(file)).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        let rows = lines.len() - 1;
        let (i, j) = (1 + (a * rows as f64) as usize % rows, 1 + (b * rows as f64) as usize % rows);
        prop_assume!(lines[i] != lines[j]);
        lines.swap(i, j);
        let damaged = lines.join("\n") + "\n";
        let r = load_damaged(dataset, file, damaged.as_bytes(), &format!("with rows {i} and {j} swapped"));
        if ordered(file) {
            prop_assert!(r.is_err(), "{}: {} with rows {} and {} swapped loaded", dataset, file, i, j);
        } else {
            prop_assert_eq!(r, load(dataset, &data_dir()));
        }
    }
}

/// The digits as the .npy pair `load_digits_from` reads: uint8 pixels, int64 labels.
fn digits_npy() -> (Vec<u8>, Vec<u8>) {
    let d = load_digits(&data_dir().join("digits.csv")).unwrap();
    let pixels: Vec<u8> = d.images.iter().map(|&v| (v * 16.0).round() as u8).collect();
    let labels: Vec<u8> = d.labels.iter().flat_map(|&l| (l as i64).to_le_bytes()).collect();
    (npy("|u1", &[d.len(), 64], &pixels), npy("<i8", &[d.len()], &labels))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    /// The .npy pair, cut or bit-flipped anywhere: an error or a consistent load, never
    /// a panic; a cut file is always an error.
    #[test]
    fn damaged_npy_files(which in 0usize..2, at in 0.0f64..1.0, bit in 0u8..8, cut in proptest::bool::ANY) {
        let (pixels, labels) = digits_npy();
        let mut files = [pixels, labels];
        let i = ((files[which].len() - 1) as f64 * at) as usize;
        if cut { files[which].truncate(i) } else { files[which][i] ^= 1 << bit }
        let dir = std::env::temp_dir().join(format!("fuzz-npy-{}-{:?}", std::process::id(), std::thread::current().id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("digits.npy"), &files[0]).unwrap();
        std::fs::write(dir.join("labels.npy"), &files[1]).unwrap();
        let r = catch_unwind(AssertUnwindSafe(|| load_digits_from(&dir).map(|d| d.len())));
        std::fs::remove_dir_all(&dir).ok();
        let r = r.unwrap_or_else(|_| panic!("loading .npy damaged at byte {i} (cut {cut}) panicked"));
        if cut {
            prop_assert!(r.is_err(), "a .npy cut at byte {} loaded", i);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    /// The binary spectrogram file cut anywhere is an error (its header gives its exact
    /// size); a flipped bit is never a panic.
    #[test]
    fn damaged_spectrogram_files(at in 0.0f64..1.0, bit in 0u8..8, cut in proptest::bool::ANY) {
        let mut bytes = shipped("spoken_digits.u8");
        let i = ((bytes.len() - 1) as f64 * at) as usize;
        let what = if cut { format!("cut at byte {i}") } else { format!("with bit {bit} of byte {i} flipped") };
        if cut { bytes.truncate(i) } else { bytes[i] ^= 1 << bit }
        let r = load_damaged("av", "spoken_digits.u8", &bytes, &what);
        if cut {
            prop_assert!(r.is_err(), "spoken_digits.u8 {} loaded", what);
        }
    }
}

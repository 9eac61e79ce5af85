//! The converted-MOSI layout: toy MOSI exported and read back gives the chapters exactly
//! the inputs they generate (the two roads meet); every bad input is an error naming
//! its file; and the `.npy` reader, fed damaged files, errs but never panics.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use models::data::mosi::{MANIFEST, load_mosi};
use models::fusion::{Sequences, Standardised};
use models::toymosi::{Knobs, Modality, ToyMosi, export_layout, generate};
use proptest::prelude::*;

fn small() -> ToyMosi {
    let knobs = Knobs { n_speakers: 6, utt_per_speaker: 5, split_speakers: (3, 1, 2), ..Knobs::default() };
    generate(&knobs, 7).unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "mosi-{name}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::remove_dir_all(&dir).ok();
    dir
}

/// The small dataset exported into a fresh scratch folder.
fn exported(name: &str) -> PathBuf {
    let dir = scratch(name);
    export_layout(&small(), &dir).unwrap();
    dir
}

#[test]
fn exported_toy_mosi_reads_back_as_the_same_inputs() {
    let data = small();
    let dir = exported("roads");
    let mosi = load_mosi(&dir).unwrap();
    assert_eq!((mosi.train.len(), mosi.valid.len(), mosi.test.len()), (15, 5, 10));
    for modalities in [vec![Modality::Text], vec![Modality::Audio, Modality::Video], Modality::ALL.to_vec()] {
        let (ours, theirs) = (mosi.standardised(&modalities), Standardised::new(&data, &modalities));
        assert_eq!(ours.widths, theirs.widths);
        for (a, b) in [(&ours.train, &theirs.train), (&ours.valid, &theirs.valid), (&ours.test, &theirs.test)]
        {
            assert_eq!(a.inputs, b.inputs, "summaries of {modalities:?} differ");
            assert_eq!(a.labels, b.labels);
        }
        let (ours, theirs) = (mosi.sequences(&modalities), Sequences::new(&data, &modalities));
        assert_eq!(ours.widths, theirs.widths);
        for (a, b) in [(&ours.train, &theirs.train), (&ours.valid, &theirs.valid), (&ours.test, &theirs.test)]
        {
            assert_eq!(a.lengths, b.lengths);
            assert_eq!(a.sequences, b.sequences, "sequences of {modalities:?} differ");
            assert_eq!(a.labels, b.labels);
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn without_stored_summaries_the_summary_is_the_mean_of_the_real_steps() {
    let dir = exported("means");
    for split in ["train", "valid", "test"] {
        for m in ["text", "audio", "vision"] {
            std::fs::remove_file(dir.join(format!("{split}_{m}_mean.npy"))).unwrap();
        }
    }
    let mosi = load_mosi(&dir).unwrap();
    let data = small();
    let u = &data.utterances[data.ids(models::toymosi::Split::Test)[0]];
    let ours = mosi.test.summary(0, Modality::Audio);
    let theirs = &u.audio_mean;
    assert_eq!(ours.len(), theirs.len());
    for (a, b) in ours.iter().zip(theirs) {
        assert!((a - b).abs() <= 1e-6 * (1.0 + b.abs()), "{a} against {b}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// Load `dir` after `damage` and return the error's text (the load must fail).
fn error_after(name: &str, damage: impl Fn(&Path)) -> String {
    let dir = exported(name);
    damage(&dir);
    let e = load_mosi(&dir).map(|_| ()).expect_err("the damaged folder loaded");
    std::fs::remove_dir_all(dir).unwrap();
    e.to_string()
}

fn rewrite(path: &Path, shape: &[usize], descr: &str, data: &[u8]) {
    std::fs::write(path, common::npy(descr, shape, data)).unwrap();
}

fn f32s(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// One bad input: a name, the damage done to a good folder, the file the error must
/// name and the words it must say.
type Case = (&'static str, Box<dyn Fn(&Path)>, &'static str, &'static str);

#[test]
fn bad_inputs_are_errors_naming_the_file() {
    let cases: Vec<Case> = vec![
        (
            "label",
            Box::new(|d: &Path| {
                let y: Vec<u8> =
                    (0..10).flat_map(|i| if i == 3 { 3.5f64 } else { 0.0 }.to_le_bytes()).collect();
                rewrite(&d.join("test_labels.npy"), &[10], "<f8", &y);
            }),
            "test_labels.npy",
            "outside [-3, 3]",
        ),
        (
            "width",
            Box::new(|d: &Path| {
                let steps = 20;
                rewrite(&d.join("test_audio.npy"), &[10, steps, 5], "<f4", &f32s(&vec![0.5; 10 * steps * 5]));
            }),
            "test_audio.npy",
            "every split must have the same widths",
        ),
        (
            "nan",
            Box::new(|d: &Path| {
                let mosi = load_mosi(d).unwrap();
                let mut v = mosi.train.features[1].clone();
                v[12] = f32::NEG_INFINITY;
                v[40] = f32::NAN;
                rewrite(&d.join("train_audio.npy"), &[15, mosi.train.steps, 12], "<f4", &f32s(&v));
            }),
            "train_audio.npy",
            "holds 2 NaN or infinite values (the first",
        ),
        (
            "empty",
            Box::new(|d: &Path| rewrite(&d.join("valid_labels.npy"), &[0], "<f8", &[])),
            "valid_labels.npy",
            "no utterances",
        ),
        (
            "padding",
            Box::new(|d: &Path| {
                let mosi = load_mosi(d).unwrap();
                let mut v = mosi.test.features[0].clone();
                let (steps, l) = (mosi.test.steps, mosi.test.lengths[0]);
                assert!(l < steps, "the first test utterance is as long as the longest");
                v[l * 32] = 1.0;
                rewrite(&d.join("test_text.npy"), &[10, steps, 32], "<f4", &f32s(&v));
            }),
            "test_text.npy",
            "padding rows must be all zeros",
        ),
        (
            "ids",
            Box::new(|d: &Path| std::fs::write(d.join("train_ids.txt"), "a\nb\n").unwrap()),
            "train_ids.txt",
            "holds 2 ids for 15 utterances",
        ),
        (
            "manifest",
            Box::new(|d: &Path| std::fs::write(d.join(MANIFEST), "{\"layout\": \"other\"}").unwrap()),
            MANIFEST,
            "is not a MOSI layout manifest",
        ),
    ];
    for (name, damage, file, words) in cases {
        let e = error_after(name, damage);
        assert!(e.contains(file) && e.contains(words), "{name}: {e}");
    }
}

/// The exported layout's `.npy` files, by name.
const NPY: [&str; 4] = ["train_text.npy", "valid_audio.npy", "test_labels.npy", "train_lengths.npy"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// A converted folder's `.npy` files cut or bit-flipped anywhere: an error or a
    /// consistent load, never a panic; a cut file is always an error.
    #[test]
    fn damaged_npy_files(which in 0usize..NPY.len(), at in 0.0f64..1.0, bit in 0u8..8, cut in proptest::bool::ANY) {
        let dir = exported("fuzz");
        let path = dir.join(NPY[which]);
        let mut bytes = std::fs::read(&path).unwrap();
        let i = ((bytes.len() - 1) as f64 * at) as usize;
        if cut { bytes.truncate(i) } else { bytes[i] ^= 1 << bit }
        std::fs::write(&path, &bytes).unwrap();
        let r = catch_unwind(AssertUnwindSafe(|| load_mosi(&dir).map(|m| m.len())));
        std::fs::remove_dir_all(&dir).ok();
        let r = r.unwrap_or_else(|_| panic!("loading {} damaged at byte {i} (cut {cut}) panicked", NPY[which]));
        if cut {
            prop_assert!(r.is_err(), "{} cut at byte {} loaded", NPY[which], i);
        }
    }
}

//! CMU-MOSI through `convert_mosi.py`: small pickles in the public layouts (different
//! widths, padding at the start and at the end, labels (N, 1, 1) and (N,)) converted and
//! run through the quick grid from the command line's flags; a malicious pickle refused
//! without running its code; bad pickles refused, naming the split and field. Needs
//! python3 with numpy (`python3 -m pip install numpy`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use ch07_supervised_fusion::{Config, MOSI_CLAIMS, run_on_mosi};
use clap::Parser;
use models::data::mosi::load_mosi;
use models::toymosi::Modality;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The test pickles, made once per test binary.
fn pickles() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let numpy = Command::new("python3").args(["-c", "import numpy"]).status();
        assert!(
            numpy.is_ok_and(|s| s.success()),
            "these tests need python3 with numpy: python3 -m pip install numpy"
        );
        let dir = std::env::temp_dir().join(format!("ch07-pickles-{}", std::process::id()));
        let made = Command::new("python3")
            .arg(crate_dir().join("tests/make_pickles.py"))
            .arg(&dir)
            .status()
            .unwrap();
        assert!(made.success(), "make_pickles.py failed");
        dir
    })
}

/// Run the converter on `name`.pkl into `out`: (success, stdout + stderr).
fn convert(name: &str, out: &Path) -> (bool, String) {
    let o = Command::new("python3")
        .arg(crate_dir().join("convert_mosi.py"))
        .arg(pickles().join(format!("{name}.pkl")))
        .arg(out)
        .output()
        .unwrap();
    (o.status.success(), String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr))
}

#[test]
fn a_malicious_pickle_is_refused_without_running_it() {
    let out = pickles().join("out-evil");
    let (ok, text) = convert("evil", &out);
    assert!(!ok, "the malicious pickle converted: {text}");
    assert!(text.contains("system") && text.contains("refusing to load it"), "{text}");
    assert!(!pickles().join("pwned").exists(), "the pickle's code ran");
    assert!(!out.join("manifest.json").exists());
}

#[test]
fn bad_pickles_are_refused_naming_the_fault() {
    let cases = [
        ("label", "valid/labels: 1 label outside [-3, 3]"),
        ("widths", "test/audio is 2 wide but train/audio is 4"),
        ("empty", "split \"valid\" has no utterances"),
        ("unaligned", "word-aligned"),
        ("missing", "split \"test\" has no \"vision\""),
    ];
    for (name, words) in cases {
        let (ok, text) = convert(name, &pickles().join(format!("out-{name}")));
        assert!(!ok && text.contains(words), "{name}: {text}");
    }
}

/// Flags as a reader types them, resolved.
fn options(args: &[&str]) -> anyhow::Result<kit::Options> {
    kit::Args::try_parse_from(std::iter::once("ch07").chain(args.iter().copied()))?
        .resolve("ch07-supervised-fusion")
}

#[test]
fn converted_pickles_run_the_quick_grid() {
    for (name, widths, start) in [("start", [9, 4, 6], true), ("end", [5, 7, 3], false)] {
        let data = pickles().join(format!("out-{name}"));
        let (ok, text) = convert(name, &data);
        assert!(ok, "{name}: {text}");
        let mosi = load_mosi(&data).unwrap();
        assert_eq!(Modality::ALL.map(|m| mosi.width(m)), widths);
        let padded = if start { "padded at the start" } else { "at the end" };
        assert!(mosi.manifest.notes.iter().any(|n| n.contains(padded)), "{:?}", mosi.manifest.notes);
        if start {
            assert!(text.contains("1 non-finite value (0 NaN, 1 -inf, 0 +inf) replaced by 0"), "{text}");
        } else {
            assert_eq!(mosi.train.len(), 47, "the all-zero utterance is dropped");
        }
        let out = pickles().join(format!("run-{name}"));
        let data_flag = data.to_str().unwrap();
        let e = options(&["--quick", "--data", data_flag]).unwrap_err().to_string();
        assert!(e.contains("pass --out DIR"), "{e}");
        let opts = options(&["--quick", "--data", data_flag, "--out", out.to_str().unwrap()]).unwrap();
        assert_eq!(opts.mosi.as_deref(), Some(data.as_path()));
        let outcome = ch07_supervised_fusion::chapter().run_checked(&opts).unwrap();
        assert!(outcome.headline.contains(&format!("{name}.pkl")), "{}", outcome.headline);
        let ids: Vec<&str> = outcome.claims.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, MOSI_CLAIMS);
        kit::assert_written(
            &out,
            &["results.md", "results.json", "figures/by_subset.svg", "figures/diagram-fusion-heads.svg"],
        );
        let results = std::fs::read_to_string(out.join("results.md")).unwrap();
        assert!(results.contains("T+A+V") && results.contains(&format!("{name}.pkl")), "{results}");
    }
}

#[test]
fn the_grid_on_converted_data_is_deterministic_and_paired_by_seed() {
    let data = pickles().join("out-start-again");
    assert!(convert("start", &data).0);
    let mosi = load_mosi(&data).unwrap();
    let cfg = Config { seeds: 2, ..Config::quick() };
    let a = run_on_mosi(&mosi, &cfg).unwrap();
    let b = run_on_mosi(&mosi, &cfg).unwrap();
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    assert_eq!(a.cells.len(), 25);
    for c in &a.cells {
        assert_eq!(c.runs.iter().map(|r| r.seed).collect::<Vec<_>>(), [0, 1]);
        assert!(c.runs.iter().all(|r| r.test.mae.is_finite() && r.sarcasm.is_none()));
    }
}

/// The `.npy` files numpy wrote for the converter, cut or bit-flipped at spread-out
/// places: loading them is an error or a consistent load, never a panic, and a cut file
/// is always an error (`models/tests/mosi.rs` fuzzes the files `--export` writes).
#[test]
fn damaged_converted_files_are_errors_not_panics() {
    let good = pickles().join("out-fuzz");
    assert!(convert("end", &good).0);
    for file in ["train_text.npy", "valid_vision.npy", "test_labels.npy", "train_lengths.npy"] {
        let bytes = std::fs::read(good.join(file)).unwrap();
        for k in 0..16 {
            let at = (bytes.len() - 1) * k / 16;
            for cut in [true, false] {
                let mut damaged = bytes.clone();
                if cut {
                    damaged.truncate(at)
                } else {
                    damaged[at] ^= 1 << (k % 8)
                }
                std::fs::write(good.join(file), &damaged).unwrap();
                let r = std::panic::catch_unwind(|| load_mosi(&good).map(|m| m.len()));
                let r = r.unwrap_or_else(|_| panic!("{file} damaged at byte {at} (cut {cut}) panicked"));
                assert!(!cut || r.is_err(), "{file} cut at byte {at} loaded");
            }
        }
        std::fs::write(good.join(file), &bytes).unwrap();
    }
}

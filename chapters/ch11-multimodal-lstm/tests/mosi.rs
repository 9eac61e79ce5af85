//! The chapter on CMU-MOSI's features: a small pickle in the public layout (widths
//! 9/4/6, zero padding at the start, labels (N, 1, 1)) made by chapter 7's
//! `tests/make_pickles.py`, converted by `convert_mosi.py`, and run quick from the
//! command line's flags. Needs python3 with numpy (`python3 -m pip install numpy`).

use std::path::PathBuf;
use std::process::Command;

use clap::Parser;

fn ch07() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ch07-supervised-fusion")
}

/// The start-padded test pickle, converted into a fresh folder.
fn converted() -> PathBuf {
    let numpy = Command::new("python3").args(["-c", "import numpy"]).status();
    assert!(
        numpy.is_ok_and(|s| s.success()),
        "this test needs python3 with numpy: python3 -m pip install numpy"
    );
    let dir = std::env::temp_dir().join(format!("ch11-multimodal-lstm-mosi-{}", std::process::id()));
    let made = Command::new("python3").arg(ch07().join("tests/make_pickles.py")).arg(&dir).status().unwrap();
    assert!(made.success(), "make_pickles.py failed");
    let out = Command::new("python3")
        .arg(ch07().join("convert_mosi.py"))
        .arg(dir.join("start.pkl"))
        .arg(dir.join("converted"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    dir
}

#[test]
fn a_converted_pickle_runs_quick() {
    let dir = converted();
    let (data, out) = (dir.join("converted"), dir.join("out"));
    let args =
        ["ch11-multimodal-lstm", "--quick", "--data", data.to_str().unwrap(), "--out", out.to_str().unwrap()];
    let options = kit::Args::try_parse_from(args).unwrap().resolve("ch11-multimodal-lstm").unwrap();
    let outcome = ch11_multimodal_lstm::chapter().run_checked(&options).unwrap();
    assert!(outcome.headline.contains("start.pkl"), "{}", outcome.headline);
    let ids: Vec<&str> = outcome.claims.iter().map(|c| c.id.as_str()).collect();
    // The claims that do not rest on toy MOSI, those this quick configuration can compute.
    assert!(
        !ids.is_empty() && ids.iter().all(|id| ch11_multimodal_lstm::MOSI_CLAIMS.contains(id)),
        "{ids:?}"
    );
    kit::assert_written(&out, &["results.md", "results.json"]);
    let results = std::fs::read_to_string(out.join("results.md")).unwrap();
    assert!(results.contains("widths text 9, audio 4, vision 6"), "{results}");
    // Written into --out only: a run on other data never touches the book's outputs.
    let into_book =
        kit::Options { out: kit::cli::repo_root().join("book/src/ch11-multimodal-lstm"), ..options };
    let e = ch11_multimodal_lstm::chapter().run_checked(&into_book).map(|_| ()).unwrap_err().to_string();
    assert!(e.contains("pass --out DIR"), "{e}");
    std::fs::remove_dir_all(dir).unwrap();
}

//! What the fusion chapters' tests check on CMU-MOSI's layout, in one place: a small
//! pickle in the public layout (widths 9/4/6, zero padding at the start, labels
//! (N, 1, 1)) made by chapter 7's `tests/make_pickles.py`, converted by
//! `convert_mosi.py`, and run quick from the command line's flags. Needs python3 with
//! numpy (`python3 -m pip install numpy`).

use std::path::PathBuf;
use std::process::Command;

use clap::Parser;

use crate::Chapter;

/// The start-padded test pickle of chapter 7's tests, converted into a fresh folder
/// named after `tag`: the folder (the converted layout is its `converted/`).
#[track_caller]
pub fn converted_pickle(tag: &str) -> PathBuf {
    let ch07 = crate::cli::repo_root().join("chapters/ch07-supervised-fusion");
    let numpy = Command::new("python3").args(["-c", "import numpy"]).status();
    assert!(
        numpy.is_ok_and(|s| s.success()),
        "this test needs python3 with numpy: python3 -m pip install numpy"
    );
    let dir = std::env::temp_dir().join(format!("{tag}-mosi-{}", std::process::id()));
    let made = Command::new("python3").arg(ch07.join("tests/make_pickles.py")).arg(&dir).status().unwrap();
    assert!(made.success(), "make_pickles.py failed");
    let out = Command::new("python3")
        .arg(ch07.join("convert_mosi.py"))
        .arg(dir.join("start.pkl"))
        .arg(dir.join("converted"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    dir
}

/// `chapter --quick --data CONVERTED --out DIR` runs on the converted pickle: its
/// headline names the source, every claim it makes is one of `mosi_claims` (those that
/// do not rest on toy MOSI), it writes its results with the data's widths into --out,
/// and it refuses to write into the book's own outputs.
#[track_caller]
pub fn check_runs_on_converted_pickle(chapter: &Chapter, mosi_claims: &[&str]) {
    let dir = converted_pickle(chapter.name);
    let (data, out) = (dir.join("converted"), dir.join("out"));
    let args = [chapter.name, "--quick", "--data", data.to_str().unwrap(), "--out", out.to_str().unwrap()];
    let options = crate::Args::try_parse_from(args).unwrap().resolve(chapter.name).unwrap();
    let outcome = chapter.run_checked(&options).unwrap();
    assert!(outcome.headline.contains("start.pkl"), "{}", outcome.headline);
    let ids: Vec<&str> = outcome.claims.iter().map(|c| c.id.as_str()).collect();
    assert!(!ids.is_empty() && ids.iter().all(|id| mosi_claims.contains(id)), "{ids:?}");
    crate::assert_written(&out, &["results.md", "results.json"]);
    let results = std::fs::read_to_string(out.join("results.md")).unwrap();
    assert!(results.contains("widths text 9, audio 4, vision 6"), "{results}");
    // Written into --out only: a run on other data never touches the book's outputs.
    let into_book =
        crate::Options { out: crate::cli::repo_root().join("book/src").join(chapter.name), ..options };
    let e = chapter.run_checked(&into_book).map(|_| ()).unwrap_err().to_string();
    assert!(e.contains("pass --out DIR"), "{e}");
    std::fs::remove_dir_all(dir).unwrap();
}

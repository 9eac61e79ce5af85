//! `--save DIR` then `--load DIR` on the quick run: the three sequence models come back
//! scoring exactly what they scored; `load_checkpoint.py` (when python3 has numpy and
//! safetensors) reproduces them outside Rust; a save whose retrained models differ from
//! the run's, a tampered or damaged checkpoint, or a missing data folder, is an error
//! naming it; flags that do not fit are refused.

use std::path::{Path, PathBuf};
use std::process::Command;

use ch11_multimodal_lstm::Config;
use ch11_multimodal_lstm::checkpoint::{DATA, KINDS, save_all};
use kit::Options;

fn options(out: &Path, save: Option<PathBuf>, load: Option<PathBuf>) -> Options {
    Options { save, load, ..Options::quick(out.to_path_buf()) }
}

fn run(options: &Options) -> anyhow::Result<kit::Outcome> {
    (ch11_multimodal_lstm::chapter().run)(options)
}

/// The error of a run that must fail, with its causes.
fn error(options: &Options) -> String {
    match run(options) {
        Ok(outcome) => panic!("the run should have failed, but: {}", outcome.headline),
        Err(e) => format!("{e:#}"),
    }
}

/// `python3 load_checkpoint.py DIR [ARGS]`, or `None` (with a note) when python3 lacks
/// numpy or safetensors.
fn python_loader(dir: &Path, args: &[&str]) -> Option<std::process::Output> {
    let ready = Command::new("python3").args(["-c", "import numpy, safetensors"]).output();
    if !ready.is_ok_and(|o| o.status.success()) {
        eprintln!("note: python3 with numpy and safetensors not found; load_checkpoint.py not run");
        return None;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("load_checkpoint.py");
    Some(Command::new("python3").arg(script).arg(dir).args(args).output().expect("python3 runs"))
}

#[test]
fn saved_models_reload_to_the_same_scores_in_rust_and_python() {
    let root = std::env::temp_dir().join(format!("ch11-checkpoint-{}", std::process::id()));
    std::fs::remove_dir_all(&root).ok();
    let (dir, out) = (root.join("saved"), root.join("out"));
    run(&options(&out, Some(dir.clone()), None)).unwrap();
    for (_, file) in KINDS {
        assert!(dir.join(format!("{file}.safetensors")).is_file(), "{file} not saved");
    }
    for name in ["manifest.json", "test_text.npy", "test_audio.npy", "test_vision.npy", "test_lengths.npy"] {
        assert!(dir.join(DATA).join(name).is_file(), "{name} not exported");
    }
    // The metadata a reader needs, and scores equal to the run's own first seed.
    let report: ch11_multimodal_lstm::Report =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    let test_size = models::data::mosi::load_mosi(&dir.join(DATA)).unwrap().test.len();
    for (fusion, file) in KINDS {
        let loaded = kit::checkpoint::load(&dir.join(format!("{file}.safetensors"))).unwrap();
        let cell = report.cells.iter().find(|c| c.method == Some(fusion)).unwrap();
        let saved: f64 = loaded.metadata["test_acc2"].parse().unwrap();
        assert_eq!(saved, cell.test[0].acc2, "{file}");
        let p: Vec<f64> = serde_json::from_str(&loaded.metadata["test_predictions"]).unwrap();
        assert_eq!(p.len(), test_size, "{file}: one prediction per test utterance");
        let pre: serde_json::Value = serde_json::from_str(&loaded.metadata["preprocessing"]).unwrap();
        assert_eq!(pre["mean"].as_array().unwrap().len(), 3, "{file}");
        let arch: serde_json::Value = serde_json::from_str(&loaded.metadata["architecture"]).unwrap();
        assert_eq!(arch["widths"], serde_json::json!([32, 12, 12]), "{file}");
    }

    // A report the retrained models do not reproduce (a run other than this one) is an
    // error, and nothing is written.
    let mut other = report;
    other.cells.iter_mut().for_each(|c| c.test[0].mae += 1e-9);
    let elsewhere = root.join("never");
    let err = format!("{:#}", save_all(&elsewhere, &Config::quick(), &other).unwrap_err());
    assert!(err.contains("not deterministic") && err.contains("nothing saved"), "{err}");
    assert!(!elsewhere.exists(), "a refused save wrote {}", elsewhere.display());

    let loaded = run(&options(&out, None, Some(dir.clone()))).unwrap();
    assert!(loaded.headline.contains("3 checkpoints"), "{}", loaded.headline);

    if let Some(python) = python_loader(&dir, &[]) {
        let stdout = String::from_utf8_lossy(&python.stdout);
        assert!(python.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&python.stderr));
        assert_eq!(stdout.matches("numpy: Acc-2").count(), 3, "{stdout}");
        // PyTorch, when installed, loaded every file with strict=True.
        let torch = stdout.matches("torch (load_state_dict strict=True): Acc-2").count();
        assert!(torch == 3 || stdout.contains("PyTorch is not installed"), "{stdout}");
    }

    // A checkpoint whose saved score was changed no longer matches: Rust and Python say so.
    let late = dir.join("late.safetensors");
    let original = kit::checkpoint::load(&late).unwrap();
    let mut metadata: Vec<(&str, String)> =
        original.metadata.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    for (key, value) in metadata.iter_mut() {
        if *key == "test_acc2" {
            *value = format!("{}", value.parse::<f64>().unwrap() + 0.01);
        }
    }
    kit::checkpoint::save(&late, &original.state, &metadata).unwrap();
    let err = error(&options(&out, None, Some(dir.clone())));
    assert!(err.contains("late.safetensors") && err.contains("do not score"), "{err}");
    // (numpy alone: PyTorch, if installed, takes seconds to import)
    if let Some(python) = python_loader(&dir, &["--numpy-only"]) {
        assert!(!python.status.success(), "{}", String::from_utf8_lossy(&python.stdout));
        assert!(String::from_utf8_lossy(&python.stdout).contains("DIFFERS"));
    }

    // A damaged file, and a folder without its data, are errors naming them.
    let early = dir.join("early.safetensors");
    let bytes = std::fs::read(&early).unwrap();
    std::fs::write(&early, &bytes[..bytes.len() / 2]).unwrap();
    let err = error(&options(&out, None, Some(dir.clone())));
    assert!(err.contains("early.safetensors") && err.contains("not a valid safetensors"), "{err}");
    std::fs::remove_dir_all(dir.join(DATA)).unwrap();
    let err = error(&options(&out, None, Some(dir.clone())));
    assert!(err.contains(DATA) && err.contains("--save DIR"), "{err}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn flags_that_do_not_fit_are_refused() {
    let out = std::env::temp_dir().join("ch11-never-written");
    let on_mosi = Options { mosi: Some(out.clone()), ..options(&out, Some(out.clone()), None) };
    let err = error(&on_mosi);
    assert!(err.contains("--save and --load") && err.contains("drop --data"), "{err}");
    let clean = Options { clean: true, ..options(&out, None, Some(out.clone())) };
    let err = error(&clean);
    assert!(err.contains("--clean"), "{err}");
    assert!(!out.exists(), "a refused run wrote {}", out.display());
}

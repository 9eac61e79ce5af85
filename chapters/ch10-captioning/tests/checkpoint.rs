//! `--save DIR` then `--load DIR` on the quick configuration: the captioner comes back
//! captioning every test image as it did, the files beside it are what Python reads,
//! damaged or foreign files are refused with the file named, and (when numpy and
//! safetensors are installed) `load_checkpoint.py` agrees.

use std::path::{Path, PathBuf};
use std::process::Command;

use ch10_captioning::checkpoint::{Architecture, FILE, IMAGES, REFERENCES};
use models::scenes::{EOS, MAX_GENERATED, VOCAB};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ch10-ckpt-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Run the chapter with `save` or `load` set.
fn chapter(out: &Path, save: Option<&Path>, load: Option<&Path>) -> anyhow::Result<kit::Outcome> {
    let options = kit::Options {
        save: save.map(Path::to_path_buf),
        load: load.map(Path::to_path_buf),
        ..kit::Options::quick(out.to_path_buf())
    };
    (ch10_captioning::chapter().run)(&options)
}

/// Copy the saved folder, with the checkpoint's metadata entry `key` set to `value`.
fn with_metadata(from: &Path, to: &Path, key: &str, value: &str) {
    std::fs::create_dir_all(to).unwrap();
    for f in [IMAGES, REFERENCES] {
        std::fs::copy(from.join(f), to.join(f)).unwrap();
    }
    let loaded = kit::checkpoint::load(&from.join(FILE)).unwrap();
    let mut meta: Vec<(&str, String)> =
        loaded.metadata.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    meta.iter_mut().find(|(k, _)| *k == key).unwrap().1 = value.to_string();
    kit::checkpoint::save(&to.join(FILE), &loaded.state, &meta).unwrap();
}

#[test]
fn save_then_load_gives_the_same_captions_in_rust_and_python() {
    let dir = temp("roundtrip");
    let ckpt = dir.join("ckpt");
    let saved = chapter(&dir.join("out"), Some(&ckpt), None).unwrap();
    assert!(saved.headline.contains("test BLEU-4"), "{}", saved.headline);

    // The checkpoint: PyTorch's names, and the metadata a reader needs.
    let loaded = kit::checkpoint::load(&ckpt.join(FILE)).unwrap();
    assert_eq!(loaded.state.len(), 17);
    assert!(loaded.state.iter().any(|(n, t)| n == "lstm.weight_ih_l0" && t.shape() == [512, 32]));
    let meta = &loaded.metadata;
    let arch: Architecture = serde_json::from_str(&meta["architecture"]).unwrap();
    assert_eq!(arch, Architecture::ours());
    assert_eq!(serde_json::from_str::<Vec<String>>(&meta["vocabulary"]).unwrap(), VOCAB);
    assert_eq!(meta["max_caption_length"], MAX_GENERATED.to_string());
    let captions: Vec<Vec<usize>> = serde_json::from_str(&meta["test_captions"]).unwrap();
    assert_eq!(captions.len(), 500);
    assert!(captions.iter().all(|c| c.len() <= MAX_GENERATED && (c.last() == Some(&EOS) || c.len() == 12)));
    // The BLEU-4 stored is the one the run reported (the quick run's results.json).
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out/results.json")).unwrap()).unwrap();
    let reported = results["model"]["test_greedy"]["bleu"]["bleu"][3].as_f64().unwrap();
    assert_eq!(meta["test_bleu4"].parse::<f64>().unwrap(), reported);
    // The images as numpy reads them, and the references.
    let images = models::data::read_npy(&ckpt.join(IMAGES)).unwrap();
    assert_eq!((images.shape.as_slice(), images.float), (&[500, 3, 32, 32][..], true));
    assert!(images.values.iter().all(|v| (-0.5..=0.5).contains(v)));
    let refs: Vec<Vec<String>> =
        serde_json::from_str(&std::fs::read_to_string(ckpt.join(REFERENCES)).unwrap()).unwrap();
    assert_eq!(refs.len(), 500);
    assert!(refs.iter().all(|r| (1..=2).contains(&r.len()) && r[0].starts_with("a ")));

    // Loaded back in Rust: every caption and BLEU-4 as saved.
    let back = chapter(&dir.join("unused"), None, Some(&ckpt)).unwrap();
    assert!(back.claims.iter().all(|c| c.holds), "{}", back.headline);
    assert!(back.headline.contains("500 of 500 test captions as saved"), "{}", back.headline);
    assert!(!dir.join("unused").exists(), "--load wrote outputs");

    // And in Python, when it can.
    let python = Command::new("python3").args(["-c", "import numpy, safetensors"]).output();
    if python.is_ok_and(|o| o.status.success()) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("load_checkpoint.py");
        let out = Command::new("python3").arg(&script).arg(&ckpt).output().unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "load_checkpoint.py failed:\n{stdout}\n{stderr}");
        assert!(stdout.contains("numpy: ") && stdout.contains("captions identical to Rust's"), "{stdout}");
        println!("{stdout}");
    } else {
        println!("numpy or safetensors is not importable by python3: the Python loader was not run");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn load_refuses_what_is_not_the_saved_captioner() {
    let dir = temp("refuse");
    let ckpt = dir.join("ckpt");
    chapter(&dir.join("out"), Some(&ckpt), None).unwrap();
    let load_err =
        |d: &Path| chapter(&dir.join("unused"), None, Some(d)).map(|_| ()).unwrap_err().to_string();

    let err = load_err(&dir.join("nothing"));
    assert!(err.contains(FILE), "{err}");

    // Other captions than the model's: the check fails, naming the counts.
    let other = dir.join("other-captions");
    with_metadata(&ckpt, &other, "test_captions", &serde_json::to_string(&vec![vec![3, EOS]; 500]).unwrap());
    let err = load_err(&other);
    assert!(err.contains("does not caption the test images as it did when saved"), "{err}");

    // Another architecture.
    let wider = Architecture { hidden: 256, ..Architecture::ours() };
    let foreign = dir.join("foreign");
    with_metadata(&ckpt, &foreign, "architecture", &serde_json::to_string(&wider).unwrap());
    let err = load_err(&foreign);
    assert!(err.contains("this build's is"), "{err}");

    // Damaged images and a truncated checkpoint.
    let mut bytes = std::fs::read(ckpt.join(IMAGES)).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x40;
    std::fs::write(ckpt.join(IMAGES), &bytes).unwrap();
    let err = load_err(&ckpt);
    assert!(err.contains(IMAGES) && err.contains("not the test images"), "{err}");
    let file = std::fs::read(ckpt.join(FILE)).unwrap();
    std::fs::write(ckpt.join(FILE), &file[..file.len() / 2]).unwrap();
    let err = load_err(&ckpt);
    assert!(err.contains("not a valid safetensors checkpoint"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

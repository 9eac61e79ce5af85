//! The GMU taken out: saved as `--save` saves the chapter's models, reloaded in Rust
//! (scoring exactly what it scored) and, when Python has numpy and safetensors, by
//! `chapters/ch07-supervised-fusion/load_fusion.py` (numpy, and PyTorch when installed).

use std::process::Command;

use ch09_low_rank_fusion::{Config, Gmu, fit_gmu};
use kit::summary_checkpoint::{ToSave, load_and_check, save};
use models::Model;
use models::fusion::{Preprocessing, Standardised, predict};
use models::toymosi::{Modality, generate, sentiment_scores};

fn python_has(modules: &str) -> bool {
    Command::new("python3").args(["-c", &format!("import {modules}")]).status().is_ok_and(|s| s.success())
}

#[test]
fn a_saved_gmu_reloads_in_rust_and_in_python_with_its_scores() {
    let cfg = Config::quick();
    let data = generate(&cfg.knobs, cfg.seed).unwrap();
    let tav = [Modality::Text, Modality::Audio, Modality::Video];
    let s = Standardised::new(&data, &tav);
    let (model, _) = fit_gmu(&s, cfg.seed, &cfg).unwrap();
    let predictions = predict(&model, &s.test);
    let scores = sentiment_scores(&predictions, &s.test.labels);
    let dir = std::env::temp_dir().join(format!("ch09-gmu-ckpt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let kept = ToSave {
        name: "gmu".into(),
        model: &model,
        architecture: model.architecture(),
        preprocessing: Preprocessing::of(&s, &tav),
        scores,
        predictions,
    };
    save(&dir, &data, &[kept]).unwrap();
    let build = |a: &serde_json::Value| -> anyhow::Result<Box<dyn Model>> {
        Ok(Box::new(Gmu::from_architecture(a).map_err(anyhow::Error::msg)?))
    };
    let lines = load_and_check(&dir, &build).unwrap();
    assert_eq!(lines.len(), 1, "{lines:?}");
    if python_has("numpy, safetensors") {
        let script = kit::cli::repo_root().join("chapters/ch07-supervised-fusion/load_fusion.py");
        let out = Command::new("python3").arg(&script).arg(&dir).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
        println!("{text}");
        assert!(text.contains("gmu.safetensors") && text.contains("numpy: Acc-2"), "{text}");
        if python_has("torch") {
            assert!(text.contains("torch: Acc-2"), "{text}");
        }
    } else {
        println!("python3 with numpy and safetensors not found: the Python round trip was not run");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

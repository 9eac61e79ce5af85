//! `--save DIR` then `--load DIR` on the quick configuration: the files and their
//! PyTorch names, every number reproduced, and damaged, altered or misshapen
//! checkpoints refused with a message naming the file and what differs.

use std::path::{Path, PathBuf};

use autograd::Tensor;

use kit::checkpoint::{entry_names as names, rewrite_state as rewrite};

/// `--load`'s error, as text.
fn load_error(load: &kit::Options) -> String {
    let chapter = ch04_shallow_fusion::chapter();
    format!("{:#}", chapter.run_checked(load).map(|_| ()).unwrap_err())
}

/// Run the chapter's `load_checkpoint.py` on `dir` (when Python has numpy and safetensors).
fn python_loader(dir: &Path, chapter: &str) {
    let script = kit::cli::repo_root().join("chapters").join(chapter).join("load_checkpoint.py");
    kit::checkpoint::run_python_loader(&script, dir, "every accuracy as saved");
}

#[test]
fn saved_fusion_models_reload_to_the_same_scores_and_bad_checkpoints_are_refused() {
    let root = std::env::temp_dir().join(format!("ch04-ckpt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let saved: PathBuf = root.join("saved");
    let quick = kit::Options::quick(root.join("out"));
    let chapter = ch04_shallow_fusion::chapter();
    chapter.run_checked(&kit::Options { save: Some(saved.clone()), ..quick.clone() }).unwrap();

    // PyTorch's names and layouts.
    assert_eq!(names(&saved.join("early_softmax.safetensors")), ["bias", "weight"]);
    assert_eq!(names(&saved.join("early_mlp.safetensors")), ["0.bias", "0.weight", "2.bias", "2.weight"]);
    let late = kit::checkpoint::load(&saved.join("late_fusion.safetensors")).unwrap();
    let shapes: Vec<(&str, &[usize])> = late.state.iter().map(|(n, t)| (n.as_str(), t.shape())).collect();
    assert_eq!(
        shapes,
        [
            ("audio.bias", &[10][..]),
            ("audio.weight", &[10, 400][..]),
            ("gate.bias", &[1][..]),
            ("gate.weight", &[1, 2][..]),
            ("image.bias", &[10][..]),
            ("image.weight", &[10, 64][..]),
        ]
    );
    // The preprocessing the models need travels with them.
    let pre: serde_json::Value = serde_json::from_str(&late.metadata["preprocessing"]).unwrap();
    assert_eq!(pre["image_std"].as_array().unwrap().len(), 64);
    assert_eq!(pre["audio_mean"].as_array().unwrap().len(), 400);
    let reliability: serde_json::Value = serde_json::from_str(&late.metadata["reliability"]).unwrap();
    assert!(reliability["sigma_std"].as_f64().unwrap() > 0.0, "{reliability}");

    // --load scores every saved model again, exactly.
    let load = kit::Options { load: Some(saved.clone()), ..quick.clone() };
    let outcome = chapter.run_checked(&load).unwrap();
    assert!(outcome.headline.contains("3 saved fusion models reloaded"), "{}", outcome.headline);

    // The same files in Python: numpy, and PyTorch's load_state_dict(strict=True) when
    // it is installed (skipped without numpy and safetensors).
    python_loader(&saved, "ch04-shallow-fusion");

    // Altered weights: the gate's weights changed, so the weighted fusion and the
    // gate's coefficients differ from the saved ones.
    let late_path = saved.join("late_fusion.safetensors");
    let original = std::fs::read(&late_path).unwrap();
    let altered: Vec<(String, Tensor)> = late
        .state
        .iter()
        .map(|(n, t)| {
            (
                n.clone(),
                if n == "gate.weight" { Tensor::from_vec(vec![3.0, -3.0], &[1, 2]) } else { t.clone() },
            )
        })
        .collect();
    rewrite(&late_path, &altered);
    let err = load_error(&load);
    assert!(
        err.contains(&late_path.display().to_string())
            && err.contains("does not score what it scored when saved"),
        "{err}"
    );
    std::fs::write(&late_path, &original).unwrap();

    // A wrong architecture: softmax regression on the image alone in the early-fusion file.
    let softmax_path = saved.join("early_softmax.safetensors");
    let softmax_bytes = std::fs::read(&softmax_path).unwrap();
    rewrite(
        &softmax_path,
        &[("weight".into(), Tensor::zeros(&[10, 64])), ("bias".into(), Tensor::zeros(&[10]))],
    );
    let err = load_error(&load);
    assert!(
        err.contains(&softmax_path.display().to_string())
            && err.contains("\"weight\"")
            && err.contains("[10, 64]")
            && err.contains("[10, 464]"),
        "{err}"
    );
    std::fs::write(&softmax_path, &softmax_bytes).unwrap();

    // The MLP's file holding late fusion's weights: the first entry it lacks is named.
    let mlp_path = saved.join("early_mlp.safetensors");
    let mlp_bytes = std::fs::read(&mlp_path).unwrap();
    rewrite(&mlp_path, &late.state);
    let err = load_error(&load);
    assert!(err.contains(&mlp_path.display().to_string()) && err.contains("no entry \"0.weight\""), "{err}");
    std::fs::write(&mlp_path, &mlp_bytes).unwrap();

    // Truncated files.
    for file in ["early_softmax.safetensors", "late_fusion.safetensors"] {
        let path = saved.join(file);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 7]).unwrap();
        let err = load_error(&load);
        assert!(
            err.contains(&path.display().to_string()) && err.contains("not a valid safetensors checkpoint"),
            "{file}: {err}"
        );
        std::fs::write(&path, &bytes).unwrap();
    }

    // A folder --save did not write.
    let empty = kit::Options { load: Some(root.join("nothing")), ..quick };
    assert!(load_error(&empty).contains("early_softmax.safetensors"));

    chapter.run_checked(&load).unwrap();
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn late_fusion_names_every_parameter_once_and_its_forward_is_the_fused_score() {
    let av = models::data::Av::load(&models::data::data_dir(), models::data::AvVariant::Noisy).unwrap();
    let mut model = ch04_shallow_fusion::LateFusion::untrained(&av);
    models::assert_consistent(&mut model);
    use models::Model;
    let names: Vec<String> = model.state_dict().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        ["image.weight", "image.bias", "audio.weight", "audio.bias", "gate.weight", "gate.bias"]
    );
    // With the untrained (zero) gate, w = 1/2: the scores are the mean of the two
    // classifiers' log-probabilities.
    let rows = [0, 1, 2];
    let x = [av.images(&rows), av.audios(&rows), Tensor::zeros(&[3, 2])];
    let scores = model.forward(&x, &mut models::Mode::Eval).to_vec();
    let log_p = |linear: &models::Linear, x: &Tensor| {
        models::Module::forward(linear, x)
            .softmax(1)
            .to_vec()
            .iter()
            .map(|p| p.max(1e-12).ln())
            .collect::<Vec<f32>>()
    };
    let (li, la) = (log_p(&model.image, &x[0]), log_p(&model.audio, &x[1]));
    for (k, s) in scores.iter().enumerate() {
        assert!((s - 0.5 * (li[k] + la[k])).abs() < 1e-5, "score {k}: {s} vs {}", 0.5 * (li[k] + la[k]));
    }
}

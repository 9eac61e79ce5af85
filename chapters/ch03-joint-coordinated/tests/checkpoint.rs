//! `--save DIR` then `--load DIR` on the quick configuration: the files and their
//! PyTorch names, every number reproduced, and damaged, altered or misshapen
//! checkpoints refused with a message naming the file and what differs.

use std::path::{Path, PathBuf};

use autograd::{Tensor, seeded_rng};
use models::{Activation, Mlp};

use kit::checkpoint::{entry_names as names, rewrite_state as rewrite};

/// `--load dir`'s error, as text.
fn load_error(load: &kit::Options) -> String {
    let chapter = ch03_joint_coordinated::chapter();
    format!("{:#}", chapter.run_checked(load).map(|_| ()).unwrap_err())
}

/// Run the chapter's `load_checkpoint.py` on `dir` (when Python has numpy and safetensors).
fn python_loader(dir: &Path, chapter: &str) {
    let script = kit::cli::repo_root().join("chapters").join(chapter).join("load_checkpoint.py");
    kit::checkpoint::run_python_loader(&script, dir, "every accuracy as saved");
}

#[test]
fn saved_representations_reload_to_the_same_numbers_and_bad_checkpoints_are_refused() {
    let root = std::env::temp_dir().join(format!("ch03-ckpt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let saved: PathBuf = root.join("saved");
    let quick = kit::Options::quick(root.join("out"));
    let chapter = ch03_joint_coordinated::chapter();
    chapter.run_checked(&kit::Options { save: Some(saved.clone()), ..quick.clone() }).unwrap();

    // PyTorch's names.
    assert_eq!(
        names(&saved.join("joint.safetensors")),
        ["0.bias", "0.weight", "2.bias", "2.weight", "4.bias", "4.weight"]
    );
    let coordinated = names(&saved.join("coordinated.safetensors"));
    for name in [
        "image.0.weight",
        "image.2.bias",
        "audio.0.weight",
        "audio.2.weight",
        "image_head.weight",
        "audio_head.bias",
    ] {
        assert!(coordinated.contains(&name.to_string()), "{name} missing from {coordinated:?}");
    }
    assert_eq!(coordinated.len(), 12);
    assert_eq!(
        names(&saved.join("joint_probes.safetensors")),
        [
            "probe_audio.bias",
            "probe_audio.weight",
            "probe_both.bias",
            "probe_both.weight",
            "probe_image.bias",
            "probe_image.weight"
        ]
    );
    // The joint model's first layer in nn.Linear's (out, in) layout; the preprocessing
    // in the metadata.
    let joint = kit::checkpoint::load(&saved.join("joint.safetensors")).unwrap();
    let first = &joint.state.iter().find(|(n, _)| n == "0.weight").unwrap().1;
    assert_eq!(first.shape(), [128, 464]);
    let pre: serde_json::Value = serde_json::from_str(&joint.metadata["preprocessing"]).unwrap();
    assert_eq!(pre["variant"], "noisy");
    assert_eq!(pre["image_mean"].as_array().unwrap().len(), 64);
    assert_eq!(pre["audio_std"].as_array().unwrap().len(), 400);
    // CCA in float64, as scikit-learn names its parts.
    let cca = std::fs::read(saved.join("cca.safetensors")).unwrap();
    let header = safetensors::SafeTensors::deserialize(&cca).unwrap();
    let mut cca_names: Vec<String> = header.names().into_iter().map(String::from).collect();
    cca_names.sort();
    assert_eq!(
        cca_names,
        ["cca.correlations", "cca.x_mean", "cca.x_rotations", "cca.y_mean", "cca.y_rotations"]
    );
    assert_eq!(header.tensor("cca.x_rotations").unwrap().dtype(), safetensors::Dtype::F64);
    assert_eq!(header.tensor("cca.y_rotations").unwrap().shape(), [400, 64]);

    // --load measures every saved number again, exactly.
    let load = kit::Options { load: Some(saved.clone()), ..quick.clone() };
    let outcome = chapter.run_checked(&load).unwrap();
    assert!(outcome.headline.contains("3 saved representations reloaded"), "{}", outcome.headline);

    // The same files in Python: numpy, and PyTorch's load_state_dict(strict=True) when
    // it is installed (skipped without numpy and safetensors).
    python_loader(&saved, "ch03-joint-coordinated");

    // Each damaged or altered file is refused, naming it; each is restored after.
    let joint_path = saved.join("joint.safetensors");
    let original = std::fs::read(&joint_path).unwrap();

    // Altered weights: the classifier's last layer zeroed.
    let zeroed: Vec<(String, Tensor)> = joint
        .state
        .iter()
        .map(|(n, t)| (n.clone(), if n == "4.weight" { Tensor::zeros(t.shape()) } else { t.clone() }))
        .collect();
    rewrite(&joint_path, &zeroed);
    let err = load_error(&load);
    assert!(
        err.contains(&joint_path.display().to_string())
            && err.contains("does not measure what it measured when saved"),
        "{err}"
    );
    std::fs::write(&joint_path, &original).unwrap();

    // A wrong architecture: a joint model with 64 hidden units under the saved metadata
    // (128).
    let narrower = Mlp::new(&[464, 64, 32, 10], Activation::Relu, &mut seeded_rng(1));
    rewrite(&joint_path, &narrower.state_dict());
    let err = load_error(&load);
    assert!(
        err.contains(&joint_path.display().to_string())
            && err.contains("\"0.weight\"")
            && err.contains("[64, 464]")
            && err.contains("[128, 464]"),
        "{err}"
    );
    std::fs::write(&joint_path, &original).unwrap();

    // Another model's weights in the coordinated file: the first entry it lacks is named.
    let coordinated_path = saved.join("coordinated.safetensors");
    let coordinated_bytes = std::fs::read(&coordinated_path).unwrap();
    rewrite(&coordinated_path, &joint.state);
    let err = load_error(&load);
    assert!(
        err.contains(&coordinated_path.display().to_string()) && err.contains("no entry \"image.0.weight\""),
        "{err}"
    );
    std::fs::write(&coordinated_path, &coordinated_bytes).unwrap();

    // Truncated files: a float32 one, a float64 one, a probes file.
    for file in ["joint.safetensors", "cca.safetensors", "coordinated_probes.safetensors"] {
        let path = saved.join(file);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        let err = load_error(&load);
        assert!(
            err.contains(&path.display().to_string()) && err.contains("not a valid safetensors checkpoint"),
            "{file}: {err}"
        );
        std::fs::write(&path, &bytes).unwrap();
    }

    // A missing file, and a folder --save did not write.
    std::fs::rename(saved.join("cca_probes.safetensors"), root.join("aside")).unwrap();
    let err = load_error(&load);
    assert!(err.contains("cca_probes.safetensors"), "{err}");
    std::fs::rename(root.join("aside"), saved.join("cca_probes.safetensors")).unwrap();
    let empty = kit::Options { load: Some(root.join("nothing")), ..quick };
    assert!(load_error(&empty).contains("joint.safetensors"));

    // Restored, everything loads again.
    chapter.run_checked(&load).unwrap();
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn the_coordinated_model_names_every_parameter_once() {
    use ch03_joint_coordinated::{Config, Coordinated};
    use models::Model;
    let cfg = Config::quick();
    let mut model = Coordinated::new(400, &cfg, &mut seeded_rng(0));
    models::assert_consistent(&mut model);
    let state = model.state_dict();
    let shape = |name: &str| state.iter().find(|(n, _)| n == name).unwrap().1.shape().to_vec();
    assert_eq!(shape("image.0.weight"), [cfg.hidden, 64]);
    assert_eq!(shape("audio.2.weight"), [cfg.code, cfg.hidden]);
    assert_eq!(shape("audio_head.weight"), [10, cfg.code]);
    assert_eq!(state.len(), 12);
}

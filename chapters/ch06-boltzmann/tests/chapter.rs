//! A snapshot of the quick report, determinism, the outputs and the claims' bars. The
//! full run's claims are checked against the committed results by `zoo`'s tests.

use ch06_boltzmann::{Config, claims, run};

#[test]
fn quick_report_snapshot_and_same_seed_same_report() {
    let (report, _) = run(&Config::quick()).unwrap();
    insta::assert_json_snapshot!("quick_report", kit::rounded(&report, 3));
    let (again, _) = run(&Config::quick()).unwrap();
    assert_eq!(serde_json::to_string(&report).unwrap(), serde_json::to_string(&again).unwrap());
}

#[test]
fn outputs_are_written() {
    let dir = std::env::temp_dir().join(format!("ch06-out-{}", std::process::id()));
    let (report, data) = run(&Config::quick()).unwrap();
    ch06_boltzmann::write_outputs(&report, &data, &kit::Output::new(&dir)).unwrap();
    kit::assert_written(
        &dir,
        &[
            "results.md",
            "results.json",
            "figures/filters.svg",
            "figures/samples_pcd.svg",
            "figures/samples_pcd_constant.svg",
            "figures/clip_tagging.svg",
        ],
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_bars_fail_when_the_numbers_miss_them() {
    let (mut report, _) = run(&Config::quick()).unwrap();
    report.short.reconstruction = 0.1;
    report.small.ais = report.small.exact + 1.0;
    for r in report.runs.iter_mut() {
        r.test_ll = -25.0;
        r.commonest_share = 0.9;
    }
    for seed in report.clipart.seeds.iter_mut() {
        seed.layers.iter_mut().for_each(|l| l.accuracy = 0.2);
        seed.retrieval.image_to_text = seed.retrieval.chance + 0.01;
    }
    let failed: Vec<String> = kit::claims::failing_required(&claims(&report));
    for id in [
        "cd1_learns_features",
        "ais_matches_exact",
        "pcd_beats_cd1",
        "pcd_samples_cover_the_digits",
        "clipart_layers",
        "clipart_retrieval",
    ] {
        assert!(failed.contains(&id.to_string()), "{id} should fail: {failed:?}");
    }
}

#[test]
fn the_joint_layer_must_beat_every_image_layer() {
    let (mut report, _) = run(&Config::quick()).unwrap();
    for seed in report.clipart.seeds.iter_mut() {
        for l in seed.layers.iter_mut() {
            l.accuracy = match l.layer.as_str() {
                "joint (both present)" => 0.40,
                "joint (text missing)" => 0.30,
                "text h1" => 0.50,
                "image h1" => 0.41, // one image layer above the joint: the bar fails
                _ => 0.30,
            };
        }
    }
    assert!(kit::claims::failing_required(&claims(&report)).contains(&"clipart_layers".to_string()));
    for seed in report.clipart.seeds.iter_mut() {
        seed.layers.iter_mut().filter(|l| l.layer == "image h1").for_each(|l| l.accuracy = 0.39);
    }
    assert!(!kit::claims::failing_required(&claims(&report)).contains(&"clipart_layers".to_string()));
}

/// Rewrite the checkpoint at `path` with `state` and its metadata as they were.
fn rewrite(path: &std::path::Path, state: Vec<(String, autograd::Tensor)>) {
    kit::checkpoint::rewrite_state(path, &state);
}

#[test]
fn save_then_load_reproduces_the_numbers_and_bad_checkpoints_are_refused() {
    let dir = std::env::temp_dir().join(format!("ch06-ckpt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let chapter = ch06_boltzmann::chapter();
    let quick = kit::Options::quick(dir.join("out"));
    let saved = dir.join("saved");
    chapter.run_checked(&kit::Options { save: Some(saved.clone()), ..quick.clone() }).unwrap();
    let loading = kit::Options { load: Some(saved.clone()), ..quick };
    let outcome = chapter.run_checked(&loading).unwrap();
    assert!(outcome.headline.contains("giving exactly what they gave when saved"), "{}", outcome.headline);

    // The names a PyTorch reimplementation would register, in nn.Linear's layout.
    let (dbn, dbm) = (saved.join("dbn.safetensors"), saved.join("dbm.safetensors"));
    let (dbn_file, dbm_file) = (kit::checkpoint::load(&dbn).unwrap(), kit::checkpoint::load(&dbm).unwrap());
    let shape = |state: &[(String, autograd::Tensor)], name: &str| {
        state.iter().find(|(n, _)| n == name).map(|(_, t)| t.shape().to_vec())
    };
    assert_eq!(shape(&dbn_file.state, "rbms_audio.0.weight"), Some(vec![256, 400]));
    assert_eq!(shape(&dbn_file.state, "rbm_joint.visible_bias"), Some(vec![128]));
    assert_eq!(dbn_file.state.len(), 15);
    assert_eq!(shape(&dbm_file.state, "weights.image_h2_to_joint"), Some(vec![128, 64]));
    assert_eq!(shape(&dbm_file.state, "biases.audio_input"), Some(vec![400]));
    assert_eq!(dbm_file.state.len(), 13);
    let probes = kit::checkpoint::load(&saved.join("probes.safetensors")).unwrap();
    assert_eq!(shape(&probes.state, "dbm.joint_both_present.weight"), Some(vec![10, 128]));
    assert_eq!(probes.state.len(), 36);
    let (good_dbn, good_dbm) = (std::fs::read(&dbn).unwrap(), std::fs::read(&dbm).unwrap());

    // One DBM weight changed: the numbers move and the load fails, printing both.
    let mut state = dbm_file.state.clone();
    let at = state.iter().position(|(n, _)| n == "weights.image_h2_to_joint").unwrap();
    state[at].1 = state[at].1.scale(0.5);
    rewrite(&dbm, state);
    let err = chapter.run_checked(&loading).map(|_| ()).unwrap_err().to_string();
    assert!(err.contains("do not give what they gave when saved") && err.contains("DIFFERS"), "{err}");

    // The weights of other architectures under the saved metadata.
    let mut rng = autograd::seeded_rng(0);
    let other = ch06_boltzmann::dbm_runs::shaped(
        &ch06_boltzmann::dbm_runs::AV_NAMES,
        [64, 128, 64, 100, 64, 256, 400],
        &mut rng,
    );
    rewrite(&dbm, other.state_dict());
    let err = chapter.run_checked(&loading).map(|_| ()).unwrap_err().to_string();
    assert!(
        err.contains(&dbm.display().to_string()) && err.contains("biases.joint") && err.contains("[100]"),
        "{err}"
    );
    std::fs::write(&dbm, &good_dbm).unwrap();
    let mut state = dbn_file.state.clone();
    let at = state.iter().position(|(n, _)| n == "rbms_image.0.weight").unwrap();
    state[at].1 = autograd::Tensor::zeros(&[100, 64]);
    rewrite(&dbn, state);
    let err = chapter.run_checked(&loading).map(|_| ()).unwrap_err().to_string();
    assert!(
        err.contains(&dbn.display().to_string()) && err.contains("rbms_image.0") && err.contains("[100, 64]"),
        "{err}"
    );

    // Another model's file under this one's name.
    std::fs::write(&dbn, &good_dbm).unwrap();
    let err = chapter.run_checked(&loading).map(|_| ()).unwrap_err().to_string();
    assert!(err.contains(&dbn.display().to_string()) && err.contains("kind \"multimodal_dbm\""), "{err}");

    // A truncated file is refused, naming it.
    std::fs::write(&dbn, &good_dbn[..good_dbn.len() - 100]).unwrap();
    let err = chapter.run_checked(&loading).map(|_| ()).unwrap_err().to_string();
    assert!(err.contains(&dbn.display().to_string()) && err.contains("not a valid safetensors"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

//! A snapshot of the quick report, determinism, the outputs, the claims' bars, and
//! clear errors. The full run's claims are checked against the committed results by
//! `zoo`'s tests (no rerun here).

use ch05_autoencoders::{Config, claims, run};

#[test]
fn quick_report_snapshot_and_same_seed_same_report() {
    let (report, _) = run(&Config::quick()).unwrap();
    insta::assert_json_snapshot!("quick_report", kit::rounded(&report, 3));
    let (again, _) = run(&Config::quick()).unwrap();
    assert_eq!(serde_json::to_string(&report).unwrap(), serde_json::to_string(&again).unwrap());
}

#[test]
fn outputs_are_written() {
    let dir = std::env::temp_dir().join(format!("ch05-out-{}", std::process::id()));
    let cfg = Config::quick();
    let (report, av) = run(&cfg).unwrap();
    ch05_autoencoders::write_outputs(&report, &av, &cfg, &kit::Output::new(&dir)).unwrap();
    kit::assert_written(
        &dir,
        &[
            "results.md",
            "results.json",
            "figures/diagram-bimodal.svg",
            "figures/code_width.svg",
            "figures/reconstructions.svg",
            "figures/transfer.svg",
            "figures/fill_in.svg",
        ],
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_bars_fail_when_the_numbers_miss_them() {
    let (mut report, _) = run(&Config::quick()).unwrap();
    for b in report.bimodal.iter_mut() {
        // Every recipe transfers at chance, fuses poorly and fills in worse than the mean.
        b.audio_to_image = 0.1;
        b.image_to_audio = 0.1;
        b.fusion = 0.5;
        b.image_from_audio_mse = 2.0;
    }
    let failed: Vec<String> = kit::claims::failing_required(&claims(&report));
    for id in ["hearing_to_see", "zeroing_makes_it_shared", "fusion_and_cross_modality", "image_from_audio"] {
        assert!(failed.contains(&id.to_string()), "{id} should fail: {failed:?}");
    }
}

#[test]
fn masking_zeroes_about_the_asked_share_and_nothing_else_changes() {
    let mut rng = autograd::seeded_rng(1);
    let x = autograd::Tensor::from_vec(vec![1.0; 10_000], &[100, 100]);
    let masked = ch05_autoencoders::mask(&x, 0.3, &mut rng).to_vec();
    let zeros = masked.iter().filter(|&&v| v == 0.0).count();
    assert!((2800..3200).contains(&zeros), "{zeros} of 10000 zeroed");
    assert!(masked.iter().all(|&v| v == 0.0 || v == 1.0));
}

#[test]
fn save_then_load_reproduces_the_scores_and_bad_checkpoints_are_refused() {
    use models::Model;
    let dir = std::env::temp_dir().join(format!("ch05-ckpt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let chapter = ch05_autoencoders::chapter();
    let quick = kit::Options::quick(dir.join("out"));
    let saved = dir.join("saved");
    chapter.run_checked(&kit::Options { save: Some(saved.clone()), ..quick.clone() }).unwrap();
    let loading = kit::Options { load: Some(saved.clone()), ..quick };
    let outcome = chapter.run_checked(&loading).unwrap();
    assert!(
        outcome.headline.contains("each scoring exactly what it scored when saved"),
        "{}",
        outcome.headline
    );

    // The same scores from load_checkpoint.py (numpy; PyTorch too when installed).
    let script = kit::cli::repo_root().join("chapters/ch05-autoencoders/load_checkpoint.py");
    kit::checkpoint::run_python_loader(&script, &saved, "numpy: every score as saved");

    // PyTorch's names and nn.Linear's (out, in) layout.
    let bimodal = saved.join("bimodal.safetensors");
    let loaded = kit::checkpoint::load(&bimodal).unwrap();
    let shape = |name: &str| loaded.state.iter().find(|(n, _)| n == name).map(|(_, t)| t.shape().to_vec());
    assert_eq!(shape("encoder_audio.0.weight"), Some(vec![128, 400]));
    assert_eq!(shape("encoder_image.2.weight"), Some(vec![64, 128]));
    assert_eq!(shape("shared.weight"), Some(vec![32, 128]));
    assert_eq!(shape("decoder_audio.2.bias"), Some(vec![400]));
    assert_eq!(loaded.state.len(), 20);
    let probes = kit::checkpoint::load(&saved.join("probes.safetensors")).unwrap();
    let names: Vec<&str> = probes.state.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"bimodal.both.weight") && names.contains(&"autoencoder_audio.bias"), "{names:?}");
    let good = std::fs::read(&bimodal).unwrap();

    // One weight changed: the scores move and the load fails, printing both.
    let mut state = loaded.state.clone();
    let at = state.iter().position(|(n, _)| n == "shared.weight").unwrap();
    state[at].1 = state[at].1.scale(0.5);
    kit::checkpoint::rewrite_state(&bimodal, &state);
    let err = chapter.run_checked(&loading).map(|_| ()).unwrap_err().to_string();
    assert!(err.contains("does not score what it scored when saved") && err.contains("DIFFERS"), "{err}");

    // The weights of another architecture under the saved metadata.
    let cfg = ch05_autoencoders::Config { hidden: 64, ..ch05_autoencoders::Config::quick() };
    let other = ch05_autoencoders::Bimodal::new(400, &cfg, &mut autograd::seeded_rng(0));
    std::fs::write(&bimodal, &good).unwrap();
    kit::checkpoint::rewrite_state(&bimodal, &other.state_dict());
    let err = chapter.run_checked(&loading).map(|_| ()).unwrap_err().to_string();
    assert!(
        err.contains(&bimodal.display().to_string())
            && err.contains("encoder_image.0.weight")
            && err.contains("[64, 64]"),
        "{err}"
    );

    // Metadata describing another architecture, and data standardised otherwise.
    std::fs::write(&bimodal, &good).unwrap();
    kit::checkpoint::rewrite_metadata(&bimodal, |m| {
        let a = m.get("architecture").unwrap().replace("\"middle\":64", "\"middle\":48");
        m.insert("architecture".into(), a);
    });
    let err = chapter.run_checked(&loading).map(|_| ()).unwrap_err().to_string();
    assert!(err.contains(&bimodal.display().to_string()) && err.contains("middle: 48"), "{err}");
    std::fs::write(&bimodal, &good).unwrap();
    kit::checkpoint::rewrite_metadata(&bimodal, |m| {
        let p = m.get("preprocessing").unwrap().replace("\"variant\":\"noisy\"", "\"variant\":\"clean\"");
        m.insert("preprocessing".into(), p);
    });
    let err = chapter.run_checked(&loading).map(|_| ()).unwrap_err().to_string();
    assert!(err.contains("not standardised as the model's were"), "{err}");

    // A truncated file is refused, naming it.
    std::fs::write(&bimodal, &good[..good.len() / 2]).unwrap();
    let err = chapter.run_checked(&loading).map(|_| ()).unwrap_err().to_string();
    assert!(err.contains(&bimodal.display().to_string()) && err.contains("not a valid safetensors"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_models_name_their_parameters_as_pytorch_does() {
    use models::Model;
    let cfg = ch05_autoencoders::Config::quick();
    let mut model = ch05_autoencoders::Bimodal::new(400, &cfg, &mut autograd::seeded_rng(0));
    models::assert_consistent(&mut model);
    let mut ae = ch05_autoencoders::Autoencoder {
        encoder: models::Linear::xavier(64, 8, &mut autograd::seeded_rng(1)),
        decoder: models::Linear::xavier(8, 64, &mut autograd::seeded_rng(2)),
    };
    models::assert_consistent(&mut ae);
    let names: Vec<String> = ae.state_dict().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias"]);
    // A state_dict loaded into a differently seeded model gives the same codes.
    let mut other = ch05_autoencoders::Bimodal::new(400, &cfg, &mut autograd::seeded_rng(9));
    let x = [
        autograd::Tensor::randn(&[3, 64], 0.0, 1.0, &mut autograd::seeded_rng(3)),
        autograd::Tensor::zeros(&[3, 400]),
    ];
    other.load_state_dict(&model.state_dict()).unwrap();
    let mode = &mut models::Mode::Eval;
    assert_eq!(model.forward(&x, mode).to_vec(), other.forward(&x, mode).to_vec());
}

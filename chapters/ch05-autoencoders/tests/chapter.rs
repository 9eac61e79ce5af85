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
fn checkpoint_flags_are_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("ch05-flags-{}", std::process::id()));
    let options = kit::Options { save: Some(dir.join("ckpt")), ..kit::Options::quick(dir.join("out")) };
    let err = (ch05_autoencoders::chapter().run)(&options).map(|_| ()).unwrap_err().to_string();
    assert!(err.contains("--save/--load"), "{err}");
}

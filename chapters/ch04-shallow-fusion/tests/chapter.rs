//! A snapshot of the quick report, determinism, the outputs, the claims' bars, and
//! clear errors. The full run's claims are checked against the committed results by
//! `zoo`'s tests (no rerun here).

use ch04_shallow_fusion::{Config, Inputs, claims, run};

#[test]
fn quick_report_snapshot_and_same_seed_same_report() {
    let (report, _) = run(&Config::quick()).unwrap();
    insta::assert_json_snapshot!("quick_report", kit::rounded(&report, 3));
    let (again, _) = run(&Config::quick()).unwrap();
    assert_eq!(serde_json::to_string(&report).unwrap(), serde_json::to_string(&again).unwrap());
}

#[test]
fn outputs_are_written() {
    let dir = std::env::temp_dir().join(format!("ch04-out-{}", std::process::id()));
    let (report, av) = run(&Config::quick()).unwrap();
    ch04_shallow_fusion::write_outputs(&report, &av, &kit::Output::new(&dir)).unwrap();
    kit::assert_written(
        &dir,
        &[
            "results.md",
            "results.json",
            "figures/diagram-fusion.svg",
            "figures/pca_accuracy.svg",
            "figures/projection_pca.svg",
            "figures/projection_deep.svg",
            "figures/gate.svg",
        ],
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_bars_fail_when_the_numbers_miss_them() {
    let (mut report, _) = run(&Config::quick()).unwrap();
    // Concatenation no better than the audio; late fusion worse than averaging; a
    // linear model that "solves" the XOR; MLPs that do not.
    for s in report.fusion.models.iter_mut().filter(|s| s.inputs == Inputs::Both) {
        s.accuracy = 0.85;
    }
    report.late.weighted = report.late.averaged - 0.01;
    for x in report.xor.iter_mut() {
        x.models[2].1 = 0.7;
        x.models[5].1 = 0.6;
    }
    let failed = kit::claims::failing_required(&claims(&report));
    for id in [
        "concat_beats_single",
        "weighted_at_least_averaged",
        "xor_linear_at_chance",
        "xor_mlp_clean",
        "xor_mlp_noisy_ceiling",
    ] {
        assert!(failed.contains(&id.to_string()), "{id} should fail: {failed:?}");
    }
}

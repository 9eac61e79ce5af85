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
            "figures/samples_cd1.svg",
            "figures/samples_pcd.svg",
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
    let failed: Vec<String> = kit::claims::failing_required(&claims(&report));
    for id in ["cd1_learns_features", "ais_matches_exact", "pcd_beats_cd1", "pcd_samples_cover_the_digits"] {
        assert!(failed.contains(&id.to_string()), "{id} should fail: {failed:?}");
    }
}

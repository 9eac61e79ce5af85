//! A snapshot of the quick report, determinism, the outputs, and the claims' bars.

use ch08_bilinear_pooling::{Config, claims, run, size_rows};
use models::fusion::Method;

#[test]
fn quick_report_snapshot_and_same_seed_same_report() {
    let report = run(&Config::quick()).unwrap();
    insta::assert_json_snapshot!("quick_report", kit::rounded(&report, 3));
    let again = run(&Config::quick()).unwrap();
    assert_eq!(serde_json::to_string(&report).unwrap(), serde_json::to_string(&again).unwrap());
}

#[test]
fn outputs_are_written() {
    let dir = std::env::temp_dir().join(format!("ch08-out-{}", std::process::id()));
    let report = run(&Config::quick()).unwrap();
    ch08_bilinear_pooling::write_outputs(&report, &kit::Output::new(&dir)).unwrap();
    kit::assert_written(
        &dir,
        &[
            "results.md",
            "results.json",
            "figures/blocks.svg",
            "figures/slices.svg",
            "figures/diagram-tensor-fusion.svg",
        ],
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn tensor_sizes_are_powers() {
    let rows = size_rows();
    assert!(rows.iter().all(|r| r.tensor == (r.width + 1).pow(r.modalities as u32)));
    let three = rows.iter().find(|r| r.modalities == 3 && r.width == 8).unwrap();
    assert_eq!((three.tensor, three.head), (729, 729 * 32 + 32));
}

#[test]
fn the_bars_fail_when_the_numbers_miss_them() {
    let mut report = run(&Config::quick()).unwrap();
    for c in report.cells.iter_mut() {
        // TFN no better than concatenation, and better than it in the additive world.
        let (acc2, mae) = match (c.method, c.lambda_int == 0.0) {
            (Method::Tfn, true) => (0.95, 0.3),
            (_, true) => (0.85, 0.6),
            _ => (0.8, 0.9),
        };
        for r in c.runs.iter_mut() {
            r.test.acc2 = acc2;
            r.test.mae = mae;
        }
    }
    let failed = kit::claims::failing_required(&claims(&report));
    for id in ["tfn_beats_concatenation", "tfn_matches_reference", "additive_world_favours_the_linear_model"]
    {
        assert!(failed.contains(&id.to_string()), "{id} should fail: {failed:?}");
    }
}

#[test]
fn saved_models_reload_in_rust_and_in_python_with_the_same_scores() {
    kit::summary_checkpoint::round_trip_check(&ch08_bilinear_pooling::chapter());
}

//! A snapshot of the quick report, determinism, the outputs, export, and the claims'
//! bars. The full run's claims are checked against the committed results by `zoo`'s
//! tests.

use ch07_supervised_fusion::{Config, claims, run};

#[test]
fn quick_report_snapshot_and_same_seed_same_report() {
    let report = run(&Config::quick()).unwrap();
    insta::assert_json_snapshot!("quick_report", kit::rounded(&report, 3));
    let again = run(&Config::quick()).unwrap();
    assert_eq!(serde_json::to_string(&report).unwrap(), serde_json::to_string(&again).unwrap());
}

#[test]
fn outputs_are_written() {
    let dir = std::env::temp_dir().join(format!("ch07-out-{}", std::process::id()));
    let report = run(&Config::quick()).unwrap();
    ch07_supervised_fusion::write_outputs(&report, &kit::Output::new(&dir)).unwrap();
    kit::assert_written(
        &dir,
        &[
            "results.md",
            "results.json",
            "figures/by_subset.svg",
            "figures/sarcasm.svg",
            "figures/data.svg",
            "figures/diagram-fusion-heads.svg",
        ],
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn export_writes_the_dataset_instead_of_running() {
    let dir = std::env::temp_dir().join(format!("ch07-export-{}", std::process::id()));
    let options = kit::Options { export: Some(dir.join("toymosi")), ..kit::Options::quick(dir.join("out")) };
    let outcome = ch07_supervised_fusion::chapter().run_checked(&options).unwrap();
    assert!(outcome.claims.is_empty());
    let utterances = std::fs::read_to_string(dir.join("toymosi/toymosi_utterances.csv")).unwrap();
    assert_eq!(utterances.lines().count(), 2201);
    let layout = models::data::mosi::load_mosi(&dir.join("toymosi")).unwrap();
    assert_eq!((layout.train.len(), layout.valid.len(), layout.test.len()), (1300, 225, 675));
    assert!(!dir.join("out").exists(), "--export must not run the chapter");
    std::fs::remove_dir_all(dir).unwrap();
}

/// The two roads meet: toy MOSI exported in the layout `--data` reads, and read back,
/// gives every model of the grid the numbers the run on toy MOSI gives it, seed by seed.
#[test]
fn export_then_data_gives_the_same_numbers() {
    let cfg = Config { seeds: 1, seed: 3, ..Config::quick() };
    let dir = std::env::temp_dir().join(format!("ch07-roads-{}", std::process::id()));
    let data = models::toymosi::generate(&cfg.knobs, cfg.seed).unwrap();
    models::toymosi::export_layout(&data, &dir).unwrap();
    let on_layout =
        ch07_supervised_fusion::run_on_mosi(&models::data::mosi::load_mosi(&dir).unwrap(), &cfg).unwrap();
    let on_toy = run(&cfg).unwrap();
    assert_eq!(on_layout.cells.len(), on_toy.cells.len());
    for (a, b) in on_layout.cells.iter().zip(&on_toy.cells) {
        assert_eq!((a.subset(), a.method, a.parameters), (b.subset(), b.method, b.parameters));
        let scores = |c: &ch07_supervised_fusion::Cell| {
            serde_json::to_string(&c.runs.iter().map(|r| (r.seed, &r.test, r.best_epoch)).collect::<Vec<_>>())
                .unwrap()
        };
        assert_eq!(scores(a), scores(b), "{} {}", a.subset(), a.method.name());
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_bars_fail_when_the_numbers_miss_them() {
    let mut report = run(&Config::quick()).unwrap();
    // A generator that drifted, and trimodal models no better than the text alone.
    for s in report.stats.iter_mut() {
        s.rows[0].1 = 20.0;
    }
    for c in report.cells.iter_mut() {
        let audio_only = c.subset() == "A";
        for r in c.runs.iter_mut() {
            r.test.acc2 = if audio_only { 0.9 } else { 0.6 };
            r.test.mae = 2.0;
        }
    }
    let failed = kit::claims::failing_required(&claims(&report));
    for id in [
        "generator_matches_reference",
        "text_is_the_strongest_single_modality",
        "each_step_two_points",
        "reference_means_reproduced",
        "mlp_beats_linear_on_three",
    ] {
        assert!(failed.contains(&id.to_string()), "{id} should fail: {failed:?}");
    }
}

#[test]
fn saved_models_reload_in_rust_and_in_python_with_the_same_scores() {
    kit::summary_checkpoint::round_trip_check(&ch07_supervised_fusion::chapter());
}

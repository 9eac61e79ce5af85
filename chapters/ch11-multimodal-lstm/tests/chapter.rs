//! A snapshot of the quick report, determinism, the outputs, and the claims' bars.

use std::sync::OnceLock;

use ch11_multimodal_lstm::{Config, Report, claims, run};
use models::seq::Recurrence;

fn quick() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| run(&Config::quick()).unwrap())
}

#[test]
fn quick_report_snapshot_and_same_seed_same_report() {
    let report = quick();
    insta::assert_json_snapshot!("quick_report", kit::rounded(report, 3));
    let again = run(&Config::quick()).unwrap();
    assert_eq!(serde_json::to_string(report).unwrap(), serde_json::to_string(&again).unwrap());
}

#[test]
fn outputs_are_written() {
    let dir = std::env::temp_dir().join(format!("ch11-out-{}", std::process::id()));
    ch11_multimodal_lstm::write_outputs(quick(), &kit::Output::new(&dir)).unwrap();
    kit::assert_written(
        &dir,
        &["results.md", "results.json", "figures/gradient.svg", "figures/gates.svg", "figures/cell.svg"],
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn every_step_and_every_model_is_measured() {
    let r = quick();
    for run in &r.recall {
        assert_eq!((run.gradient_at_init.len(), run.gradient_trained.len()), (20, 20), "{:?}", run.kind);
        assert!(run.gradient_at_init.iter().all(|&g| g > 0.0), "{:?}", run.kind);
    }
    assert_eq!(r.gates.input.len(), 20);
    let names: Vec<&str> = r.cells.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["early fusion LSTM", "late fusion LSTMs", "multi-view LSTM", "TFN on summaries"]);
    assert!(r.cells.iter().all(|c| c.test.len() == 2 && c.sarcasm.len() == 2 && c.negation.len() == 2));
    assert_eq!(r.gates.cell.len(), 4);
}

#[test]
fn bad_settings_are_refused() {
    let err = run(&Config { seeds: 0, ..Config::quick() }).unwrap_err();
    assert!(err.to_string().contains("at least one seed"), "{err}");
}

#[test]
fn the_bars_fail_when_the_numbers_miss_them() {
    let mut r: Report = serde_json::from_str(&serde_json::to_string(quick()).unwrap()).unwrap();
    for run in r.recall.iter_mut() {
        // Both models forget equally, and neither learns.
        run.gradient_at_init = vec![1e-3, 1.0];
        run.accuracy = 0.3;
    }
    let failed = kit::claims::failing_required(&claims(&r));
    for id in ["rnn_gradient_vanishes", "lstm_remembers_rnn_does_not"] {
        assert!(failed.contains(&id.to_string()), "{id} should fail: {failed:?}");
    }
    assert!(r.recall_run(Recurrence::Lstm).is_some());
}

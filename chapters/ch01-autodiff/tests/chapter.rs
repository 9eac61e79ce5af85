//! The chapter's claims on the quick run, and a snapshot of its quick report. The full
//! run's claims are checked against the committed results by `zoo`'s tests.

use ch01_autodiff::{Config, Optimiser, run};

#[test]
fn quick_report_snapshot() {
    let report = run(&Config::quick(), false).unwrap();
    let mut summary = kit::rounded(&report, 3);
    // One line per confusion-matrix row, and the misses as a count, to keep the
    // snapshot readable.
    let rows: Vec<String> = report.mlp.confusion.iter().map(|r| format!("{r:?}")).collect();
    summary["mlp"]["confusion"] = serde_json::json!(rows);
    summary["mlp"]["misses"] = serde_json::json!(report.mlp.misses.len());
    insta::assert_json_snapshot!("quick_report", summary);
}

#[test]
fn the_neuron_matches_the_chain_rule_by_hand_and_finite_differences() {
    let report = run(&Config::quick(), false).unwrap();
    let rows = &report.neuron.rows;
    assert_eq!(rows.len(), 10);
    for r in rows {
        assert!(
            (r.by_hand - r.backward).abs() < 1e-5,
            "{}: by hand {} vs backward {}",
            r.node,
            r.by_hand,
            r.backward
        );
        if let Some(fd) = r.finite_difference {
            assert!(
                (fd - r.backward).abs() < 1e-3,
                "{}: finite difference {fd} vs backward {}",
                r.node,
                r.backward
            );
        }
    }
    // The textbook values: do/dn = 0.5, do/dx1 = -1.5, do/dw1 = 1, do/dw2 = 0.
    let get = |name: &str| rows.iter().find(|r| r.node == name).unwrap().backward;
    assert!((get("n") - 0.5).abs() < 1e-4 && (get("x1") + 1.5).abs() < 1e-4);
    assert!((get("w1") - 1.0).abs() < 1e-4 && get("w2").abs() < 1e-6);
    // A value used twice gets the sum of both uses' gradients.
    assert_eq!(report.neuron.reuse.backward, 4.0);
    let missed = kit::claims::failing_required(&report.claims);
    assert!(!missed.contains(&"chain_rule_three_ways".to_string()), "{missed:?}");
    assert!(report.claims.iter().filter(|c| c.kind != kit::claims::Kind::Bar).all(|c| c.holds));
}

#[test]
fn same_seed_same_report() {
    let a = serde_json::to_string(&run(&Config::quick(), false).unwrap()).unwrap();
    let b = serde_json::to_string(&run(&Config::quick(), false).unwrap()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn a_diverging_learning_rate_stops_training_naming_the_step() {
    let cfg = Config { optimiser: Optimiser::Sgd, lr: 1e30, ..Config::quick() };
    let err = run(&cfg, false).unwrap_err();
    let message = format!("{err:#}");
    assert!(message.contains("training diverged") && message.contains("at step"), "{message}");
}

#[test]
fn a_missing_data_folder_is_reported_with_the_file() {
    let cfg = Config { data: "/nonexistent/data".into(), ..Config::quick() };
    let message = format!("{:#}", run(&cfg, false).unwrap_err());
    assert!(message.contains("/nonexistent/data/digits.csv"), "{message}");
}

#[test]
fn outputs_are_written_where_the_book_expects_them() {
    let dir = std::env::temp_dir().join(format!("ch01-out-{}", std::process::id()));
    let report = run(&Config::quick(), false).unwrap();
    ch01_autodiff::write_outputs(&report, &kit::Output::new(&dir)).unwrap();
    for f in [
        "results.md",
        "results.json",
        "neuron.dot",
        "figures/neuron_graph.svg",
        "figures/loss.svg",
        "figures/accuracy.svg",
        "figures/confusion.svg",
        "figures/misclassified.svg",
    ] {
        let len = std::fs::metadata(dir.join(f)).map(|m| m.len()).unwrap_or(0);
        assert!(len > 100, "{f} missing or empty");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_checkpoint_loads_back_to_the_same_accuracy_and_a_damaged_one_is_an_error() {
    let dir = std::env::temp_dir().join(format!("ch01-ckpt-{}", std::process::id()));
    let options = |save: Option<std::path::PathBuf>, load: Option<std::path::PathBuf>| kit::Options {
        save,
        load,
        ..kit::Options::quick(dir.join("out"))
    };
    let chapter = ch01_autodiff::chapter();
    (chapter.run)(&options(Some(dir.clone()), None)).unwrap();
    let loaded = (chapter.run)(&options(None, Some(dir.clone()))).unwrap();
    assert!(loaded.claims.iter().all(|c| c.holds), "{:?}", loaded.claims);
    let path = dir.join("mlp.safetensors");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let err = format!("{:#}", (chapter.run)(&options(None, Some(dir.clone()))).map(|_| ()).unwrap_err());
    assert!(err.contains("mlp.safetensors") && err.contains("not a valid safetensors checkpoint"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

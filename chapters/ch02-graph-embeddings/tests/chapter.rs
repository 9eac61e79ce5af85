//! A snapshot of the quick report, determinism, and the outputs. The full run's claims
//! are checked against the committed results by `zoo`'s tests (no rerun here).

use ch02_graph_embeddings::{Config, run};

#[test]
fn quick_report_snapshot_and_same_seed_same_report() {
    let report = run(&Config::quick(), false).unwrap();
    insta::assert_json_snapshot!("quick_report", kit::rounded(&report, 3));
    let again = run(&Config::quick(), false).unwrap();
    assert_eq!(serde_json::to_string(&report).unwrap(), serde_json::to_string(&again).unwrap());
}

#[test]
fn outputs_are_written() {
    let dir = std::env::temp_dir().join(format!("ch02-out-{}", std::process::id()));
    let report = run(&Config::quick(), false).unwrap();
    ch02_graph_embeddings::write_outputs(&report, &kit::Output::new(&dir)).unwrap();
    kit::assert_written(
        &dir,
        &[
            "results.md",
            "results.json",
            "figures/karate_untrained.svg",
            "figures/karate_gae.svg",
            "figures/lesmis_gae.svg",
            "figures/lesmis_gae_core.svg",
            "figures/computation_trees.svg",
            "figures/karate_graph.svg",
            "figures/diagram-gcn.svg",
            "figures/depth_accuracy.svg",
            "figures/grad_norms.svg",
            "figures/signal_norms.svg",
            "figures/oversmoothing.svg",
        ],
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn checkpoints_reload_to_the_same_numbers_and_a_damaged_one_is_an_error() {
    let dir = std::env::temp_dir().join(format!("ch02-ckpt-{}", std::process::id()));
    let options = |save: Option<std::path::PathBuf>, load: Option<std::path::PathBuf>| kit::Options {
        save,
        load,
        ..kit::Options::quick(dir.join("out"))
    };
    let chapter = ch02_graph_embeddings::chapter();
    (chapter.run)(&options(Some(dir.clone()), None)).unwrap();
    let loaded = (chapter.run)(&options(None, Some(dir.clone()))).unwrap();
    assert_eq!(loaded.claims.len(), 4);
    assert!(loaded.claims.iter().all(|c| c.holds), "{:?}", loaded.claims);
    let path = dir.join("lesmis_gae.safetensors");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 7]).unwrap();
    let err = format!("{:#}", (chapter.run)(&options(None, Some(dir.clone()))).map(|_| ()).unwrap_err());
    assert!(err.contains("lesmis_gae.safetensors") && err.contains("not a valid safetensors"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

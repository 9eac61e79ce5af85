//! The chapter's claims on its full run, and a snapshot of its quick report.

use ch02_graph_embeddings::{Config, run};

#[test]
fn quick_report_snapshot() {
    let report = run(&Config::quick(), false).unwrap();
    insta::assert_json_snapshot!("quick_report", kit::rounded(&report, 3));
}

#[test]
fn the_full_run_meets_the_chapter_claims() {
    let r = run(&Config::default(), false).unwrap();
    // Karate, semi-supervised, 20 seeds.
    assert_eq!(r.karate.leaders.runs, 20);
    assert!(r.karate.leaders.mean >= 0.90, "leaders only: {:?}", r.karate.leaders);
    assert!(r.karate.one_per_faction.mean >= 0.85, "one per faction: {:?}", r.karate.one_per_faction);
    // Kipf's observation: the untrained GCN separates the factions better than chance.
    assert!(r.untrained.untrained_gcn.mean > r.untrained.random_points.mean + 0.1, "{:?}", r.untrained);
    // Link prediction on Les Misérables, 10% held out, 10 seeds.
    let lesmis = &r.links[0];
    assert_eq!((lesmis.graph.as_str(), lesmis.trained_gae.runs), ("Les Misérables", 10));
    assert!(lesmis.trained_gae.mean >= 0.80, "{lesmis:?}");
    assert!(lesmis.trained_gae.mean > lesmis.untrained_gae.mean, "{lesmis:?}");
    // Depth, on planted partitions whose features alone are weak.
    let d = &r.depth;
    assert!((0.55..=0.65).contains(&d.mlp_accuracy), "MLP on features {}", d.mlp_accuracy);
    let at = |depth: usize| d.rows.iter().find(|row| row.depth == depth).unwrap();
    assert!(at(2).plain >= 0.95, "2 layers: {:?}", at(2));
    assert!(at(16).plain <= 0.5, "16 plain layers should collapse: {:?}", at(16));
    assert!(at(16).residual >= 0.9, "16 residual layers should hold: {:?}", at(16));
    assert_eq!(d.plain_layers.len(), 16);
    // The page says sharing one hidden weight does not rescue the deep plain stack.
    let shared16 = d.sharing.iter().find(|s| s.depth == 16 && !s.residual).unwrap();
    assert!(shared16.shared_accuracy <= 0.5, "{shared16:?}");
    // Vanishing gradients at init: the plain stack's weights get far smaller gradients
    // than the residual stack's.
    let mean_grad = |layers: &[ch02_graph_embeddings::LayerDiagnostics]| {
        layers.iter().map(|l| l.grad_norm_init).sum::<f64>() / layers.len() as f64
    };
    assert!(mean_grad(&d.plain_layers) * 100.0 < mean_grad(&d.residual_layers));
}

#[test]
fn same_seed_same_report() {
    let a = serde_json::to_string(&run(&Config::quick(), false).unwrap()).unwrap();
    let b = serde_json::to_string(&run(&Config::quick(), false).unwrap()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn outputs_are_written() {
    let dir = std::env::temp_dir().join(format!("ch02-out-{}", std::process::id()));
    let report = run(&Config::quick(), false).unwrap();
    ch02_graph_embeddings::write_outputs(&report, &kit::Output::new(&dir)).unwrap();
    for f in [
        "results.md",
        "results.json",
        "figures/karate_untrained.svg",
        "figures/karate_gae.svg",
        "figures/lesmis_gae.svg",
        "figures/computation_trees.svg",
        "figures/depth_accuracy.svg",
        "figures/grad_norms.svg",
        "figures/signal_norms.svg",
        "figures/oversmoothing.svg",
    ] {
        assert!(std::fs::metadata(dir.join(f)).map(|m| m.len()).unwrap_or(0) > 100, "{f} missing or empty");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

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
            "figures/samples_pcd.svg",
            "figures/samples_pcd_constant.svg",
            "figures/clip_tagging.svg",
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
    for seed in report.clipart.seeds.iter_mut() {
        seed.layers.iter_mut().for_each(|l| l.accuracy = 0.2);
        seed.retrieval.image_to_text = seed.retrieval.chance + 0.01;
    }
    let failed: Vec<String> = kit::claims::failing_required(&claims(&report));
    for id in [
        "cd1_learns_features",
        "ais_matches_exact",
        "pcd_beats_cd1",
        "pcd_samples_cover_the_digits",
        "clipart_layers",
        "clipart_retrieval",
    ] {
        assert!(failed.contains(&id.to_string()), "{id} should fail: {failed:?}");
    }
}

#[test]
fn the_joint_layer_must_beat_every_image_layer() {
    let (mut report, _) = run(&Config::quick()).unwrap();
    for seed in report.clipart.seeds.iter_mut() {
        for l in seed.layers.iter_mut() {
            l.accuracy = match l.layer.as_str() {
                "joint (both present)" => 0.40,
                "joint (text missing)" => 0.30,
                "text h1" => 0.50,
                "image h1" => 0.41, // one image layer above the joint: the bar fails
                _ => 0.30,
            };
        }
    }
    assert!(kit::claims::failing_required(&claims(&report)).contains(&"clipart_layers".to_string()));
    for seed in report.clipart.seeds.iter_mut() {
        seed.layers.iter_mut().filter(|l| l.layer == "image h1").for_each(|l| l.accuracy = 0.39);
    }
    assert!(!kit::claims::failing_required(&claims(&report)).contains(&"clipart_layers".to_string()));
}

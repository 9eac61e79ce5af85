//! A snapshot of the quick report, determinism, the outputs, and the claims' bars.

use ch09_low_rank_fusion::{Config, claims, run};
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
    let dir = std::env::temp_dir().join(format!("ch09-out-{}", std::process::id()));
    let report = run(&Config::quick()).unwrap();
    ch09_low_rank_fusion::write_outputs(&report, &kit::Output::new(&dir)).unwrap();
    kit::assert_written(
        &dir,
        &[
            "results.md",
            "results.json",
            "figures/diagram-low-rank.svg",
            "figures/diagram-gmu.svg",
            "figures/rank.svg",
            "figures/parameters.svg",
            "figures/speed.svg",
        ],
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_three_steps_agree_on_a_trained_model() {
    let report = run(&Config::quick()).unwrap();
    let s = &report.steps;
    assert_eq!((s.rank, s.weight_entries), (4, 729));
    assert!(s.largest_output > 0.1, "{s:?}");
    assert!(s.rearranged_vs_formed <= 1e-5 && s.lmf_vs_tfn <= 1e-5, "{s:?}");
}

#[test]
fn fusion_parameters_follow_the_formula() {
    let report = run(&Config::quick()).unwrap();
    for c in &report.cells {
        let expected = match c.method {
            Method::Lmf(r) => 28 * r + 1,
            Method::TfnLinear => 729 + 1,
            Method::Tfn => 729 * 32 + 32 + 32 + 1,
            _ => continue,
        };
        assert_eq!(c.fusion_parameters, expected, "{}", c.name());
    }
}

#[test]
fn bad_ranks_are_refused() {
    let err = run(&Config { ranks: vec![0, 4], ..Config::quick() }).unwrap_err();
    assert!(err.to_string().contains("ranks must be at least 1"), "{err}");
}

#[test]
fn the_bars_fail_when_the_numbers_miss_them() {
    let mut report = run(&Config::quick()).unwrap();
    for c in report.cells.iter_mut() {
        // LMF of rank 4 far behind TFN.
        let acc2 = if c.method == Method::Lmf(4) { 0.7 } else { 0.86 };
        for r in c.runs.iter_mut() {
            r.test.acc2 = acc2;
        }
    }
    report.steps.rearranged_vs_formed = 1e-3;
    // TFN's step only twice LMF's.
    let key = "fusion_layer_32_32_64_batch_32/lmf_rank4_train_step";
    let tfn = report.timing.ms["ours"]["fusion_layer_32_32_64_batch_32/tfn_linear_train_step"];
    report.timing.ms.get_mut("ours").unwrap().insert(key.into(), tfn / 2.0);
    let failed = kit::claims::failing_required(&claims(&report));
    for id in ["lmf_close_to_tfn", "lmf_matches_reference", "the_three_steps_agree", "lmf_step_faster"] {
        assert!(failed.contains(&id.to_string()), "{id} should fail: {failed:?}");
    }
}

#[test]
fn the_printed_speed_up_is_the_ratio_of_the_printed_times() {
    let report = run(&Config::quick()).unwrap();
    let claim = report.claims.iter().find(|c| c.id == "lmf_step_faster").unwrap();
    let group = "fusion_layer_32_32_64_batch_32";
    let printed = |bench: &str| format!("{:.3}", report.timing.ms["ours"][&format!("{group}/{bench}")]);
    let (tfn, lmf) = (printed("tfn_linear_train_step"), printed("lmf_rank4_train_step"));
    let ratio = tfn.parse::<f64>().unwrap() / lmf.parse::<f64>().unwrap();
    let expected = format!("{tfn} ms with TFN's linear head and {lmf} ms");
    assert!(claim.text.contains(&expected), "{}", claim.text);
    assert!(claim.text.contains(&kit::claims::times(ratio)), "{}", claim.text);
}

#[test]
fn no_true_sentence_carries_a_failing_mark() {
    let report = run(&Config::quick()).unwrap();
    let md = kit::claims::markdown(&report.claims);
    let missed = kit::claims::failing_required(&report.claims);
    assert_eq!(md.matches('✗').count(), 2 * missed.len(), "{md}");
}

#[test]
fn saved_models_reload_in_rust_and_in_python_with_the_same_scores() {
    kit::summary_checkpoint::round_trip_check(&ch09_low_rank_fusion::chapter());
}

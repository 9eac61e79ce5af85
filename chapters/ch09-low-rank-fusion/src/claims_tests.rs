//! The claims' lookups: a cell missing from the report is named, never dropped.

use super::*;

/// The committed full run's report.
fn full_run() -> Report {
    serde_json::from_str(include_str!("../../../book/src/ch09-low-rank-fusion/results.json")).unwrap()
}

fn ids(claims: &[Claim]) -> Vec<&str> {
    claims.iter().map(|c| c.id.as_str()).collect()
}

#[test]
fn rank_4_removed_from_the_sweep_is_an_error_naming_its_cell() {
    // Issue 30: six claims vanished, two of them bars, and the run passed.
    let mut r = full_run();
    let all = claims(&r);
    assert!(all.iter().all(|c| c.missing.is_none()));
    r.cells.retain(|c| c.method != Method::Lmf(4));
    let after = claims(&r);
    assert_eq!(ids(&after), ids(&all), "no claim vanishes");
    let missing: Vec<&str> = after.iter().filter(|c| c.missing.is_some()).map(|c| c.id.as_str()).collect();
    assert_eq!(
        missing,
        [
            "lmf_close_to_tfn",
            "against_tfn_with_a_linear_head",
            "lmf_matches_reference",
            "rank_shows_on_the_sarcasm_subset",
            "lecture_low_rank_fusion"
        ]
    );
    for unenforced in [false, true] {
        let err = kit::claims::print_and_check("ch09", unenforced, &after).unwrap_err().to_string();
        assert!(err.contains("5 claim(s) could not be computed"), "{err}");
        assert!(
            err.contains("lmf_close_to_tfn: needs the cell LMF r=4 (the bars compare LMF of rank 4 with TFN"),
            "{err}"
        );
    }
}

#[test]
fn a_missing_timing_or_method_is_named_too() {
    let mut r = full_run();
    r.timing.ms.get_mut("torch").unwrap().retain(|k, _| !k.ends_with("lmf_rank4_train_step"));
    r.cells.retain(|c| c.method != Method::TfnLinear);
    let after = claims(&r);
    let missing = |id: &str| after.iter().find(|c| c.id == id).and_then(|c| c.missing.clone()).unwrap();
    assert_eq!(
        missing("speed_in_pytorch"),
        "the torch time of fusion_layer_32_32_64_batch_32/lmf_rank4_train_step (benches/results/fusion-avx2.json)"
    );
    assert_eq!(missing("against_tfn_with_a_linear_head"), "the cell TFN, linear head (every run trains it)");
}

#[test]
fn a_single_rank_sweep_cannot_show_saturation() {
    let mut r = full_run();
    r.cells.retain(|c| !matches!(c.method, Method::Lmf(k) if k != 4));
    let after = claims(&r);
    let saturates = after.iter().find(|c| c.id == "accuracy_saturates_with_rank").unwrap();
    assert_eq!(
        saturates.missing.as_deref(),
        Some("a second rank in the sweep (each rank is compared with the one before it)")
    );
    // Without rank 8 the product's comparison with it is left out, as in the quick run.
    assert!(!ids(&after).contains(&"product_is_rank_eight"));
}

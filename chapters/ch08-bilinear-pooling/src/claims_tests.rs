//! The claims' lookups: a cell missing from the report is named, never dropped.

use super::*;

/// The committed full run's report.
fn full_run() -> Report {
    serde_json::from_str(include_str!("../../../book/src/ch08-bilinear-pooling/results.json")).unwrap()
}

fn missing(claims: &[Claim]) -> Vec<(&str, &str)> {
    claims.iter().filter_map(|c| Some((c.id.as_str(), c.missing.as_deref()?))).collect()
}

#[test]
fn a_lambda_removed_from_the_ablation_is_an_error_naming_its_cell() {
    let mut r = full_run();
    let all = claims(&r);
    assert!(missing(&all).is_empty());
    r.cells.retain(|c| c.lambda_int != 0.0);
    let after = claims(&r);
    let ids = |cs: &[Claim]| cs.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&after), ids(&all), "no claim vanishes");
    assert_eq!(
        missing(&after),
        [(
            "additive_world_favours_the_linear_model",
            "the cell T+A+V concat + linear at lambda_int = 0 (keep 0 in the ablation's lambdas)"
        )]
    );
    let err = kit::claims::print_and_check("ch08", true, &after).unwrap_err().to_string();
    assert!(err.contains("1 claim(s) could not be computed"), "{err}");
}

#[test]
fn a_missing_cell_or_block_is_named() {
    let mut r = full_run();
    r.cells.retain(|c| !(c.subset() == "T+V" && c.method == Method::TfnLinear) && c.max_order != Some(2));
    let after = claims(&r);
    let m = missing(&after);
    assert_eq!(m[0], ("pairs", "the cell T+V TFN, linear head at lambda_int = 1 (every run trains it)"));
    assert_eq!(m[1].1, "the block ablation's TFN with a linear head up to order 2");
    assert_eq!(m.len(), 4, "pairs and the three block claims: {m:?}");
}

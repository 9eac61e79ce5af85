//! The claims' lookups: a cell missing from the report is named, never dropped.

use super::*;

/// The committed full run's report.
fn full_run() -> Report {
    serde_json::from_str(include_str!("../../../book/src/ch07-supervised-fusion/results.json")).unwrap()
}

fn missing(claims: &[Claim]) -> Vec<(&str, &str)> {
    claims.iter().filter_map(|c| Some((c.id.as_str(), c.missing.as_deref()?))).collect()
}

#[test]
fn a_cell_removed_from_the_grid_is_an_error_naming_it() {
    let mut r = full_run();
    let all = claims(&r);
    assert!(missing(&all).is_empty());
    r.cells.retain(|c| !(c.subset() == "T+A+V" && c.method == Method::ConcatMlp));
    let after = claims(&r);
    let ids = |cs: &[Claim]| cs.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&after), ids(&all), "no claim vanishes");
    let cell = "the cell T+A+V concat + MLP (the grid trains every subset with its methods)";
    assert_eq!(
        missing(&after),
        [
            ("reference_means_reproduced", cell),
            ("mlp_beats_linear_on_three", cell),
            ("additive_fusion_fails_on_sarcasm", cell),
            ("the_rest_in_mae", cell),
            ("product_vs_mlp", cell)
        ]
    );
    let err = kit::claims::print_and_check("ch07", true, &after).unwrap_err().to_string();
    assert!(err.contains("5 claim(s) could not be computed") && err.contains(cell), "{err}");
}

#[test]
fn no_single_modality_is_an_error_too() {
    let mut r = full_run();
    r.cells.retain(|c| c.modalities.len() > 1);
    let after = claims(&r);
    let m = missing(&after);
    assert_eq!(
        m[..3].iter().map(|x| x.0).collect::<Vec<_>>(),
        ["text_is_the_strongest_single_modality", "each_step_two_points", "more_modalities_help"]
    );
    assert_eq!(m[0].1, "a cell of one modality (the grid trains every subset)");
}

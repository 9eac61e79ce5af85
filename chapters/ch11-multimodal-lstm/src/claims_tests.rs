//! The claims' lookups: a cell missing from the report is named, never dropped.

use super::*;

/// The committed full run's report.
fn full_run() -> Report {
    serde_json::from_str(include_str!("../../../book/src/ch11-multimodal-lstm/results.json")).unwrap()
}

fn missing(claims: &[Claim]) -> Vec<(&str, &str)> {
    claims.iter().filter_map(|c| Some((c.id.as_str(), c.missing.as_deref()?))).collect()
}

#[test]
fn a_missing_run_or_cell_is_an_error_naming_it() {
    let mut r = full_run();
    let all = claims(&r);
    assert!(missing(&all).is_empty());
    let ids = |cs: &[Claim]| cs.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    // The LSTM started at the other forget bias, and the late fusion LSTMs, left out.
    r.recall.retain(|x| x.kind != Recurrence::Lstm || x.forget_bias == Some(5.0));
    r.cells.retain(|c| c.method != Some(models::fusion::SeqFusion::Late));
    let after = claims(&r);
    assert_eq!(ids(&after), ids(&all), "no claim vanishes");
    let other = "the recall task's LSTM with the other forget-gate bias (part 1 trains it)";
    assert_eq!(
        missing(&after),
        [
            ("rnn_gradient_vanishes", other),
            ("lstm_forget_bias_1", other),
            ("late_fusion_highest_mae", "the cell of the late fusion LSTMs (part 2 trains it)")
        ]
    );
    let err = kit::claims::print_and_check("ch11", true, &after).unwrap_err().to_string();
    assert!(err.contains("3 claim(s) could not be computed"), "{err}");
    // Without TFN, every comparison with it is named, none dropped.
    r.cells.retain(|c| c.method.is_some());
    let after = claims(&r);
    assert_eq!(ids(&after), ids(&all));
    assert_eq!(missing(&after).iter().filter(|m| m.1 == "the cell TFN (part 2 trains it)").count(), 4);
}

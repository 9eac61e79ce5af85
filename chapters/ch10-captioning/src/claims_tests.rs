//! The claims' lookups: a cell missing from the report is named, never dropped.

use super::*;

#[test]
fn a_missing_curve_probe_or_timing_is_named_instead_of_dropping_its_claim() {
    let full = || -> Report {
        serde_json::from_str(include_str!("../../../book/src/ch10-captioning/results.json")).unwrap()
    };
    let all = claims(&full());
    assert!(all.iter().all(|c| c.missing.is_none()));
    let mut r = full();
    r.model.curve.clear();
    r.probes.retain(|p| p.dims > 0);
    r.timing.ms.remove("torch");
    let after = claims(&r);
    let ids = |cs: &[Claim]| cs.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&after), ids(&all), "no claim vanishes");
    let missing: Vec<&str> = after.iter().filter_map(|c| c.missing.as_deref()).collect();
    assert_eq!(missing.len(), 3, "{missing:?}");
    assert!(missing[0].starts_with("the learning curve"), "{missing:?}");
    assert!(missing[2].starts_with("the torch time of"), "{missing:?}");
}

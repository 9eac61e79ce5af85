//! The claims' rendering, checks and missing inputs.

use super::*;

fn one_of_each(bar_met: bool, verdict: Verdict) -> Vec<Claim> {
    vec![
        Claim::bar("acc", "s", bar_met, "accuracy at least 0.95", "accuracy 0.91".into())
            .with("accuracy", 0.91),
        Claim::lecture(
            "joint",
            "s",
            "dbm_joint_layer_best",
            "the joint layer's probe ahead of every other layer's on every seed",
            verdict,
            "The joint layer is behind the image layer.".into(),
        ),
        Claim::finding("obs", "s", "A sentence chosen from the data.".into()),
    ]
}

#[test]
fn a_missed_bar_fails_the_check_with_its_text() {
    let claims = one_of_each(false, Verdict::DoesNotHold);
    let err = check_required("chX", &claims).unwrap_err().to_string();
    assert!(err.contains("accuracy 0.91 (bar: accuracy at least 0.95)") && err.contains("1 bar(s)"), "{err}");
    assert!(!err.contains("joint") && !err.contains("obs"), "only bars are enforced: {err}");
    assert!(check_required("chX", &one_of_each(true, Verdict::DoesNotHold)).is_ok());
    assert_eq!(failing_required(&claims), vec!["acc".to_string()]);
}

#[test]
fn only_a_missed_bar_ever_renders_a_failing_mark() {
    for verdict in [Verdict::Holds, Verdict::DoesNotHold, Verdict::NotDecided { seeds: 5 }] {
        for met in [true, false] {
            let claims = one_of_each(met, verdict);
            let rendered = [markdown(&claims), summary_lines(&claims)];
            for c in &claims {
                let marked = c.paragraph().contains('✗') || c.verdict().contains('✗');
                assert_eq!(marked, c.kind == Kind::Bar && !c.holds, "{c:?}");
            }
            let crosses = rendered.iter().map(|r| r.matches('✗').count()).sum::<usize>();
            // A missed bar shows its ✗ in its paragraph, the summary table and the terminal.
            assert_eq!(crosses, if met { 0 } else { 3 }, "{rendered:?}");
        }
    }
}

#[test]
fn markdown_anchors_every_claim_and_folds_the_evidence() {
    let md = markdown(&one_of_each(true, Verdict::NotDecided { seeds: 5 }));
    assert!(md.contains(
        "<!-- ANCHOR: claim_obs -->\nA sentence chosen from the data.\n<!-- ANCHOR_END: claim_obs -->"
    ));
    assert!(
        md.contains("accuracy 0.91 <span class=\"claim-bar\">✓ bar met (accuracy at least 0.95)</span>"),
        "{md}"
    );
    assert!(md.contains("**Verdict: not decided at 5 seeds.**"), "{md}");
    assert!(md.contains("| [lecture](#s) |") && md.contains("| not decided at 5 seeds |"), "{md}");
    assert!(md.contains("<details>") && md.contains("| [`acc`](#s) (bar) | accuracy = 0.910 |"), "{md}");
}

#[test]
fn a_claim_whose_cell_is_missing_fails_every_run_naming_the_cell() {
    let ranks = [1usize, 2, 8];
    let lookup = |rank: usize| need(ranks.iter().find(|&&r| r == rank), format!("the cell LMF r={rank}"));
    let made = |rank| {
        let r = lookup(rank)?;
        Ok(Claim::finding("rank", "s", format!("rank {r}")))
    };
    assert_eq!(computed("rank", "s", made(2)).text, "rank 2");
    let claims = vec![computed("rank", "s", made(4)), Claim::finding("obs", "s", "fine".into())];
    assert_eq!(claims[0].id, "rank", "in its place, under its id: it does not vanish");
    assert_eq!(claims[0].text, "Not computed: this run's report lacks the cell LMF r=4.");
    for unenforced in [false, true] {
        let err = print_and_check("chX", unenforced, &claims).unwrap_err().to_string();
        assert!(err.contains("chX: 1 claim(s) could not be computed"), "{err}");
        assert!(err.contains("rank: needs the cell LMF r=4"), "{err}");
    }
    assert_eq!(failing_required(&claims), vec!["rank".to_string()]);
    assert!(check_required("chX", &claims).is_err());
    // Every claim of a computation that lacks an input is replaced, none dropped.
    let many = all_computed(&[("a", "s1"), ("b", "s2")], lookup(16).map(|_| vec![]));
    assert_eq!(
        many.iter().map(|c| (c.id.as_str(), c.section.as_str())).collect::<Vec<_>>(),
        [("a", "s1"), ("b", "s2")]
    );
    assert!(many.iter().all(|c| c.missing.as_deref() == Some("the cell LMF r=16")));
}

#[test]
fn a_computed_claim_serialises_as_before() {
    let json = serde_json::to_string(&one_of_each(true, Verdict::Holds)).unwrap();
    assert!(!json.contains("missing"), "{json}");
}

#[test]
#[should_panic(expected = "no lecture statement `not_in_the_lecture`")]
fn a_lecture_claim_names_a_real_statement() {
    Claim::lecture("x", "s", "not_in_the_lecture", "c", Verdict::Holds, "t".into());
}

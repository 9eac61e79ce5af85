//! The verdicts chapter 6 shares between its data sets and its two models: the
//! lecture's joint-layer statement, and statements that need several comparisons.

use kit::Claim;
use kit::compare::{Comparison, compare};

const ACC: kit::compare::Metric = kit::compare::ACCURACY;

/// The one criterion both data sets test the lecture's joint-layer statement by.
pub(crate) const JOINT_CRITERION: &str = "a linear probe on every layer of the DBN: the joint layer (both \
     modalities present) ahead of the most accurate single-modality layer, inputs included, on every seed; the same \
     criterion on both data sets";

/// The verdict on a statement that needs every one of `tests` ("A ahead of B"): holds
/// when the seeds put A ahead in all, does not hold when they put B ahead in any, not
/// decided at `seeds` seeds otherwise.
pub(crate) fn all_ahead(tests: &[&Comparison], seeds: usize) -> kit::claims::Verdict {
    use kit::claims::Verdict;
    use kit::compare::Outcome;
    if tests.iter().all(|t| t.outcome == Outcome::AAhead) {
        Verdict::Holds
    } else if tests.iter().any(|t| t.outcome == Outcome::BAhead) {
        Verdict::DoesNotHold
    } else {
        Verdict::NotDecided { seeds }
    }
}

/// The lecture's joint-layer statement on one data set: the joint layer against the
/// best single-modality layer (inputs included, by mean), and, for the reader, against
/// the best learnt one.
pub(crate) fn joint_layer_claim(
    id: &str,
    section: &str,
    data: &str,
    joint: &str,
    single: &[&str],
    accuracies: impl Fn(&str) -> Vec<f64>,
) -> Option<Claim> {
    let joint_acc = accuracies(joint);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let best = |learnt_only: bool| {
        single
            .iter()
            .filter(|l| !learnt_only || !l.ends_with("input"))
            .map(|&l| (l, accuracies(l)))
            .filter(|(_, v)| v.len() == joint_acc.len() && !v.is_empty())
            .max_by(|a, b| mean(&a.1).total_cmp(&mean(&b.1)))
    };
    let (other, other_acc) = best(false)?;
    let (learnt, learnt_acc) = best(true)?;
    let c = compare("the joint layer", &joint_acc, other, &other_acc, ACC);
    let l = compare("the joint layer", &joint_acc, learnt, &learnt_acc, ACC);
    let text = if other == learnt {
        format!("On {data}, the most accurate single-modality layer is a learnt one: {}.", c.sentence())
    } else {
        format!(
            "On {data}, the most accurate single-modality layer is an input: {}. Against the best learnt \
             single-modality layer, {}.",
            c.sentence(),
            l.sentence()
        )
    };
    Some(
        Claim::lecture(id, section, "dbm_joint_layer_best", JOINT_CRITERION, c.verdict_a_better(), text)
            .with_comparison(&c)
            .with_comparison(&l),
    )
}

//! The conclusions the chapter's page draws, computed from its report: two bars (the
//! chain rule three ways, the MLP's test accuracy) and findings worded from the data.

use kit::Claim;
use kit::claims::{Missing, computed, need, num};

use crate::Report;

const CHAIN: &str = "the-chain-rule-node-by-node";
const MLP: &str = "training-an-mlp-on-handwritten-digits";

/// The test accuracy the full run must reach.
pub const ACCURACY_BAR: f64 = 0.97;

/// Every conclusion the page draws, computed from the report.
pub fn claims(r: &Report) -> Vec<Claim> {
    let rows = &r.neuron.rows;
    let hand_vs_backward = rows.iter().map(|c| (c.by_hand - c.backward).abs() as f64).fold(0.0, f64::max);
    let fd_vs_backward = rows
        .iter()
        .filter_map(|c| c.finite_difference.map(|fd| (fd - c.backward).abs() as f64))
        .fold(0.0, f64::max);
    let checked = rows.iter().filter(|c| c.finite_difference.is_some()).count();
    let mut out = vec![
        Claim::bar(
            "chain_rule_three_ways",
            CHAIN,
            hand_vs_backward < 1e-5 && fd_vs_backward < 1e-3,
            "by hand and `backward()` within 1e-5 of each other at every node, finite differences within \
             1e-3 at every input: float32 tolerances set by this chapter",
            format!(
                "For all {} nodes of the graph the chain rule by hand and `backward()` agree {}, and central \
                 finite differences (step {}) agree with them on the {checked} inputs to within {}.",
                rows.len(),
                if hand_vs_backward == 0.0 {
                    "exactly".to_string()
                } else {
                    format!("to within {}", num(hand_vs_backward))
                },
                num(r.neuron.fd_eps as f64),
                num(fd_vs_backward)
            ),
        )
        .with("max |by hand - backward|", hand_vs_backward)
        .with("max |finite difference - backward|", fd_vs_backward),
    ];
    out.push(computed("w2_gradient_zero", CHAIN, w2_gradient(r)));
    let reuse = &r.neuron.reuse;
    out.push(
        Claim::finding(
            "gradients_add",
            "the-backward-pass",
            format!(
                "Used twice, as in `x1.mul(&x1)` at x1 = {}, a value receives one gradient from each use: \
                 `backward()` gives {}, the by-hand 2·x1 = {}.",
                num(reuse.x as f64),
                num(reuse.backward as f64),
                num(reuse.by_hand as f64)
            ),
        )
        .with("backward", reuse.backward as f64)
        .with("by hand", reuse.by_hand as f64),
    );
    let m = &r.mlp;
    out.push(
        Claim::bar(
            "mlp_test_accuracy",
            MLP,
            m.test_accuracy >= ACCURACY_BAR,
            "test accuracy at least 0.97 on the full run, set by this chapter for a one-hidden-layer MLP on \
             these digits; a run below it fails",
            format!(
                "After {} epochs the MLP classifies {} of the {} test digits correctly (macro-F1 {}, {} \
                 mistakes).",
                m.epochs,
                num(m.test_accuracy),
                m.test_size,
                num(m.test_macro_f1),
                m.misses.len()
            ),
        )
        .with("test accuracy", m.test_accuracy)
        .with("bar", ACCURACY_BAR),
    );
    out.push(computed("mlp_generalises", MLP, generalises(r)));
    // The most frequent confusion, counted both ways (a with b, b with a).
    let mut pair = (0, 0, 0);
    for a in 0..m.confusion.len() {
        for b in a + 1..m.confusion.len() {
            let count = m.confusion[a][b] + m.confusion[b][a];
            if count > pair.2 {
                pair = (a, b, count);
            }
        }
    }
    if pair.2 > 0 && !m.misses.is_empty() {
        out.push(
            Claim::finding(
                "mlp_confusions",
                MLP,
                format!(
                    "Of the {} mistakes, {} confuse {} with {} (either way round), the most frequent pair.",
                    m.misses.len(),
                    pair.2,
                    digit(pair.0),
                    digit(pair.1)
                ),
            )
            .with("mistakes", m.misses.len() as f64)
            .with("in the most frequent pair", pair.2 as f64),
        );
    }
    out
}

/// "a 1", "an 8".
fn digit(d: usize) -> String {
    format!("{} {d}", if d == 8 { "an" } else { "a" })
}

/// What `w2`'s gradient is, and why.
fn w2_gradient(r: &Report) -> Result<Claim, Missing> {
    let value = |name: &str| {
        need(r.neuron.rows.iter().find(|c| c.node == name), format!("the neuron's node `{name}`"))
    };
    let (x2, w2) = (value("x2")?, value("w2")?);
    let zero = x2.value == 0.0 && w2.backward == 0.0;
    let text = if zero {
        "`w2`'s gradient is exactly 0 because its input `x2` is 0: nudging `w2` does not move the \
         output, and all three methods agree."
            .to_string()
    } else {
        format!(
            "`w2`'s gradient is {} (its input `x2` is {}).",
            num(w2.backward as f64),
            num(x2.value as f64)
        )
    };
    Ok(Claim::finding("w2_gradient_zero", CHAIN, text)
        .with("x2", x2.value as f64)
        .with("d o / d w2", w2.backward as f64))
}

/// How far training and test accuracy end apart.
fn generalises(r: &Report) -> Result<Claim, Missing> {
    let curve = "the MLP's training curve (train at least one epoch)";
    let (first, last) = (need(r.mlp.curve.first(), curve)?, need(r.mlp.curve.last(), curve)?);
    let gap = last.train_accuracy - last.test_accuracy;
    let text = format!(
        "Training accuracy climbs from {} after the first epoch to {}; test accuracy follows it to {}, \
         a gap of {} at the end{}.",
        num(first.train_accuracy),
        num(last.train_accuracy),
        num(last.test_accuracy),
        num(gap),
        if gap < 0.05 { ": the model generalises to digits it never saw" } else { ": it overfits" }
    );
    Ok(Claim::finding("mlp_generalises", MLP, text)
        .with("final training accuracy", last.train_accuracy)
        .with("final test accuracy", last.test_accuracy))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_without_a_training_curve_names_it_instead_of_dropping_the_claim() {
        let mut r: Report =
            serde_json::from_str(include_str!("../../../book/src/ch01-autodiff/results.json")).unwrap();
        assert!(claims(&r).iter().all(|c| c.missing.is_none()));
        r.mlp.curve.clear();
        let after = claims(&r);
        let c = after.iter().find(|c| c.id == "mlp_generalises").unwrap();
        assert_eq!(c.missing.as_deref(), Some("the MLP's training curve (train at least one epoch)"));
    }
}

//! The conclusions the chapter's page draws, computed from its report.

use kit::Claim;
use kit::claims::num;

use crate::Report;

const CHAIN: &str = "the-chain-rule-node-by-node";
const MLP: &str = "training-an-mlp-on-handwritten-digits";

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
        Claim::required(
            "chain_rule_three_ways",
            CHAIN,
            hand_vs_backward < 1e-5 && fd_vs_backward < 1e-3,
            format!(
                "For all {} nodes the chain rule by hand and `backward()` agree {}, and central finite \
                 differences agree with them on the {checked} inputs to within {}.",
                rows.len(),
                if hand_vs_backward == 0.0 {
                    "exactly".to_string()
                } else {
                    format!("to within {}", num(hand_vs_backward))
                },
                num(fd_vs_backward)
            ),
        )
        .with("max |by hand - backward|", hand_vs_backward)
        .with("max |finite difference - backward|", fd_vs_backward),
    ];
    let value = |name: &str| rows.iter().find(|c| c.node == name);
    if let (Some(x2), Some(w2)) = (value("x2"), value("w2")) {
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
        out.push(
            Claim::observation("w2_gradient_zero", CHAIN, zero, text)
                .with("x2", x2.value as f64)
                .with("d o / d w2", w2.backward as f64),
        );
    }
    let m = &r.mlp;
    out.push(
        Claim::required(
            "mlp_test_accuracy",
            MLP,
            m.test_accuracy >= 0.97,
            format!(
                "After {} epochs the MLP classifies {} of the {} test digits correctly (macro-F1 {}, {} \
                 mistakes); the chapter's bar is 0.97.",
                m.epochs,
                num(m.test_accuracy),
                m.test_size,
                num(m.test_macro_f1),
                m.misses.len()
            ),
        )
        .with("test accuracy", m.test_accuracy)
        .with("bar", 0.97),
    );
    if let (Some(first), Some(last)) = (m.curve.first(), m.curve.last()) {
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
        out.push(
            Claim::observation("mlp_generalises", MLP, gap < 0.05, text)
                .with("final training accuracy", last.train_accuracy)
                .with("final test accuracy", last.test_accuracy),
        );
    }
    out
}

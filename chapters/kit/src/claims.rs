//! Claims: every conclusion a page draws, computed from the run.
//!
//! A chapter never types "the residual stack trains at 16 layers" into its page. It
//! builds a [`Claim`] from its report: an id, the sentence as the page prints it (with
//! the measured numbers in it), the quantities it rests on, and whether it holds.
//!
//! - A **required** claim is one of the chapter's bars: when it fails, the chapter's
//!   run (and `zoo`) exits non-zero with the claim's text.
//! - An **observation** chooses its wording from the data ("decays from the output
//!   back" or "does not decay"), so its sentence is true whatever the run measured;
//!   `holds` then records whether what the lecture leads us to expect was seen.
//!
//! `results.md` renders each claim's sentence inside its own anchor
//! (`<!-- ANCHOR: claim_<id> -->`), so a page's interpreting paragraphs are
//! `{{#include results.md:claim_<id>}}`, and a table of all of them with evidence.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::Table;

/// Whether a claim is one of the chapter's bars or an observation.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// One of the chapter's bars: the run fails when it does not hold.
    Required,
    /// Worded from the data; its verdict is reported, not enforced.
    Observation,
}

/// One measured quantity a claim rests on.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Evidence {
    /// What was measured.
    pub name: String,
    /// Its value in this run.
    pub value: f64,
}

/// A conclusion the page draws, computed from the report.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Claim {
    /// Short, stable, `snake_case`: the anchor name is `claim_<id>`.
    pub id: String,
    /// The page section (its heading's anchor) that discusses the claim.
    pub section: String,
    /// A bar or an observation.
    pub kind: Kind,
    /// Whether the claim holds in this run.
    pub holds: bool,
    /// The sentence as the page prints it.
    pub text: String,
    /// The measured quantities the claim rests on.
    pub evidence: Vec<Evidence>,
}

impl Claim {
    /// A bar the chapter must meet: `holds` decides whether the run passes.
    pub fn required(id: &str, section: &str, holds: bool, text: String) -> Claim {
        Claim { id: id.into(), section: section.into(), kind: Kind::Required, holds, text, evidence: vec![] }
    }

    /// An observation whose `text` was chosen from the data; `holds` says whether what
    /// it looks for (usually what the lecture leads us to expect) was seen.
    pub fn observation(id: &str, section: &str, holds: bool, text: String) -> Claim {
        Claim {
            id: id.into(),
            section: section.into(),
            kind: Kind::Observation,
            holds,
            text,
            evidence: vec![],
        }
    }

    /// Add a measured quantity the claim rests on.
    pub fn with(mut self, name: &str, value: f64) -> Claim {
        self.evidence.push(Evidence { name: name.into(), value });
        self
    }

    /// ✓ or ✗ and the kind, as the tables show it.
    pub fn verdict(&self) -> &'static str {
        match (self.kind, self.holds) {
            (Kind::Required, true) => "✓ required bar met",
            (Kind::Required, false) => "✗ required bar FAILS",
            (Kind::Observation, true) => "✓ observed",
            (Kind::Observation, false) => "✗ not observed here",
        }
    }

    fn evidence_text(&self) -> String {
        self.evidence.iter().map(|e| format!("{} = {}", e.name, num(e.value))).collect::<Vec<_>>().join("; ")
    }
}

/// A number as pages print it: three decimals below 10, fewer above, and scientific
/// notation when it is too small or too large for that to show it (so 3e-5 never
/// prints as 0.000).
pub fn num(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if !v.is_finite() {
        format!("{v}")
    } else if v.abs() < 1e-2 || v.abs() >= 1e5 {
        format!("{v:.1e}")
    } else if v.fract() == 0.0 || v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// A ratio as pages print it: "5.9×", "1609×", "1.2e38×".
pub fn times(v: f64) -> String {
    if v.is_finite() && v < 10.0 {
        format!("{v:.1}×")
    } else if v.is_finite() && v < 1e5 {
        format!("{v:.0}×")
    } else {
        format!("{v:.1e}×")
    }
}

/// Every claim's sentence in its own anchor, then a table of them all with evidence
/// and verdict (anchor `claims`): the part of `results.md` that pages include.
pub fn markdown(claims: &[Claim]) -> String {
    let mut out = String::new();
    for c in claims {
        let _ = write!(
            out,
            "<!-- ANCHOR: claim_{} -->\n{}\n<!-- ANCHOR_END: claim_{} -->\n\n",
            c.id, c.text, c.id
        );
    }
    let mut table = Table::new(&["claim", "what it rests on", "holds?"]);
    for c in claims {
        table.row(&[format!("`{}`: {}", c.id, c.text), c.evidence_text(), c.verdict().to_string()]);
    }
    let _ = write!(out, "<!-- ANCHOR: claims -->\n{}<!-- ANCHOR_END: claims -->\n", table.to_markdown());
    out
}

/// Fail with every failing required claim's text, or pass.
pub fn check_required(chapter: &str, claims: &[Claim]) -> anyhow::Result<()> {
    let failing: Vec<String> = claims
        .iter()
        .filter(|c| c.kind == Kind::Required && !c.holds)
        .map(|c| format!("  {}: {} [{}]", c.id, c.text, c.evidence_text()))
        .collect();
    anyhow::ensure!(
        failing.is_empty(),
        "{chapter}: {} required claim(s) failed:\n{}",
        failing.len(),
        failing.join("\n")
    );
    Ok(())
}

/// The ids of the required claims that do not hold: what a test of a chapter's bars
/// compares against the claims it expects to fail.
pub fn failing_required(claims: &[Claim]) -> Vec<String> {
    claims.iter().filter(|c| c.kind == Kind::Required && !c.holds).map(|c| c.id.clone()).collect()
}

/// Print a chapter's claims, then hold a full run (not a `--quick` one, which is too
/// small for the chapter's bars) to its required claims.
pub fn print_and_check(chapter: &str, quick: bool, claims: &[Claim]) -> anyhow::Result<()> {
    println!("\n{chapter} claims:\n{}", summary_lines(claims));
    if quick { Ok(()) } else { check_required(chapter, claims) }
}

/// One line a claim, for the terminal.
pub fn summary_lines(claims: &[Claim]) -> String {
    let mut out = String::new();
    for c in claims {
        let mark = if c.holds { "✓" } else { "✗" };
        let kind = if c.kind == Kind::Required { "required" } else { "observed" };
        let _ = writeln!(out, "  {mark} {kind:8} {}: {}", c.id, c.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_never_round_to_zero() {
        assert_eq!(num(3e-5), "3.0e-5");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(0.98765), "0.988");
        assert_eq!(num(16.0), "16");
        assert_eq!(num(1.8e-2), "0.018");
        assert_eq!(num(2.5e6), "2.5e6");
        assert_eq!(num(1608.581), "1609");
        assert_eq!(num(16.75), "16.8");
        assert_eq!(
            (times(5.888), times(1608.6), times(1.2e38)),
            ("5.9×".into(), "1609×".into(), "1.2e38×".into())
        );
    }

    #[test]
    fn a_failing_required_claim_fails_the_check_with_its_text() {
        let measured = 0.91;
        let claims = vec![
            Claim::required("acc", "s", measured >= 0.90, format!("accuracy {measured} reaches 0.90")),
            Claim::required("bar", "s", measured >= 0.95, format!("accuracy {measured} reaches 0.95"))
                .with("accuracy", measured),
            Claim::observation("obs", "s", false, "an observation that does not hold".into()),
        ];
        let err = check_required("chX", &claims).unwrap_err().to_string();
        assert!(err.contains("accuracy 0.91 reaches 0.95") && err.contains("1 required claim"), "{err}");
        assert!(!err.contains("obs"), "observations are not bars: {err}");
        assert!(check_required("chX", &claims[..1]).is_ok());
    }

    #[test]
    fn markdown_anchors_every_claim() {
        let md = markdown(&[Claim::observation("x_y", "s", true, "It holds.".into()).with("v", 0.5)]);
        assert!(md.contains("<!-- ANCHOR: claim_x_y -->\nIt holds.\n<!-- ANCHOR_END: claim_x_y -->"));
        assert!(md.contains("| `x_y`: It holds. | v = 0.500 | ✓ observed |"), "{md}");
    }
}

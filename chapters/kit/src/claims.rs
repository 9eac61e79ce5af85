//! Claims: every conclusion a page draws, computed from the run.
//!
//! A chapter never types "the residual stack trains at 16 layers" into its page. It
//! builds a [`Claim`] from its report: an id, the sentence as the page prints it (with
//! the measured numbers in it), the quantities it rests on, and, by its kind, a mark.
//! Three kinds, each rendered for what it is:
//!
//! - A **bar** ([`Claim::bar`]) is a number the run must reach, stated in words ("BLEU-4
//!   at least 0.75, from the reference runs"). It renders ✓ or ✗; when one fails, the
//!   chapter's run (and `zoo`) exits non-zero with its text.
//! - A **lecture** claim ([`Claim::lecture`]) tests one of the lecture's statements
//!   ([`crate::lecture::STATEMENTS`]) by a criterion stated in words, and renders the
//!   verdict in words: holds here, does not hold here, or not decided at N seeds. It
//!   never renders a failing mark: a lecture statement that does not hold on our data
//!   is a finding worth reading, not a broken run.
//! - A **finding** ([`Claim::finding`]) is a sentence whose wording was chosen from the
//!   data. It carries no mark at all.
//!
//! So the only ✗ a reader can meet is a bar the run missed (a test holds every
//! rendering to that). `results.md` renders each claim inside its own anchor
//! (`<!-- ANCHOR: claim_<id> -->`), so a page's interpreting paragraphs are
//! `{{#include results.md:claim_<id>}}`; the anchor `claims` holds the chapter's
//! summary (its lecture verdicts and bars in one table) and, folded, every claim with
//! the numbers it rests on.
//!
//! A claim never vanishes because the report lacks what it rests on (a cell a
//! configuration edited by hand left out of a sweep): claim code looks its inputs up
//! with [`need`], and [`computed`] puts a [`Claim::not_computed`] in the place of a
//! claim whose input is missing. That is a missed bar naming the missing input, and
//! [`print_and_check`] fails the run on it even where bars are not enforced.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::Table;
use crate::lecture;
pub use crate::numbers::{num, times};

/// What kind of sentence a claim is, and so how it is marked.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A number the run must reach: ✓ or ✗, and the run fails on ✗.
    Bar,
    /// A statement of the lecture, tested by a stated criterion: a verdict in words.
    Lecture,
    /// A sentence chosen from the data: no mark.
    Finding,
}

/// The verdict on a lecture statement.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// What the lecture says is what we measured.
    Holds,
    /// We measured the opposite.
    DoesNotHold,
    /// The seeds disagree (or are too few to decide).
    NotDecided {
        /// How many seeds the comparison had.
        seeds: usize,
    },
}

impl Verdict {
    /// As the page words it: "holds here", "does not hold here", "not decided at 5 seeds".
    pub fn words(&self) -> String {
        match self {
            Verdict::Holds => "holds here".into(),
            Verdict::DoesNotHold => "does not hold here".into(),
            Verdict::NotDecided { seeds: 1 } => "not decided on one seed".into(),
            Verdict::NotDecided { seeds } => format!("not decided at {seeds} seeds"),
        }
    }

    /// `Holds` when `holds`, else `DoesNotHold`: for a test that is not a comparison of
    /// methods over seeds (an exact identity, a count).
    pub fn from_bool(holds: bool) -> Verdict {
        if holds { Verdict::Holds } else { Verdict::DoesNotHold }
    }
}

/// How a lecture statement was tested here.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct LectureTest {
    /// The statement's id in [`lecture::STATEMENTS`].
    pub statement: String,
    /// The criterion used to test it, in words.
    pub criterion: String,
    /// The verdict.
    pub verdict: Verdict,
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
    /// A bar, a lecture statement's test, or a finding.
    pub kind: Kind,
    /// For a bar, whether it was met; for a lecture claim, whether the statement holds
    /// here; a finding is always `true` (its sentence was chosen from the data).
    pub holds: bool,
    /// The sentence as the page prints it.
    pub text: String,
    /// For a bar: the bar, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bar: Option<String>,
    /// For a lecture claim: the statement, the criterion and the verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lecture: Option<LectureTest>,
    /// The measured quantities the claim rests on.
    pub evidence: Vec<Evidence>,
    /// For a claim that could not be computed: the input the report lacks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
}

/// An input a claim rests on that the report does not have: what [`need`] returns
/// when a lookup finds nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// What is missing, as the error names it: "the cell LMF r=4 (...)".
    pub input: String,
}

impl Missing {
    /// The input named `input` is missing: for a check that is not a lookup (every seed
    /// ran it, the sweep has two values).
    pub fn new(input: impl Into<String>) -> Missing {
        Missing { input: input.into() }
    }
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.input)
    }
}

/// `found`, or a [`Missing`] naming `input`: how claim code looks up a cell of its
/// report, so that a missing cell becomes an error naming it (with `?`) instead of a
/// claim that silently vanishes (`if let Some`) or a NaN.
///
/// ```
/// use kit::claims::{Missing, need};
/// let ranks = [1, 2, 8];
/// let four: Result<&usize, Missing> = need(ranks.iter().find(|&&r| r == 4), "the cell LMF r=4");
/// assert_eq!(four.unwrap_err().input, "the cell LMF r=4");
/// ```
pub fn need<T>(found: Option<T>, input: impl std::fmt::Display) -> Result<T, Missing> {
    found.ok_or_else(|| Missing::new(input.to_string()))
}

/// The claim `made`, or, if one of its inputs was missing, [`Claim::not_computed`] in
/// its place under the same id and section.
pub fn computed(id: &str, section: &str, made: Result<Claim, Missing>) -> Claim {
    made.unwrap_or_else(|missing| Claim::not_computed(id, section, &missing))
}

/// The claims among `claims` whose ids are in `ids` (a run on data where only those
/// mean anything, such as the chapters' runs on converted CMU-MOSI folders).
pub fn only(claims: Vec<Claim>, ids: &[&str]) -> Vec<Claim> {
    claims.into_iter().filter(|c| ids.contains(&c.id.as_str())).collect()
}

/// The claims `made` (each (id, section) of `ids`, from one computation), or, if an
/// input was missing, one [`Claim::not_computed`] for each of `ids`.
pub fn all_computed(ids: &[(&str, &str)], made: Result<Vec<Claim>, Missing>) -> Vec<Claim> {
    made.unwrap_or_else(|missing| {
        ids.iter().map(|(id, section)| Claim::not_computed(id, section, &missing)).collect()
    })
}

impl Claim {
    /// A bar the chapter must meet: `met` decides whether the run passes; `bar` says
    /// what the bar is and where it comes from ("BLEU-4 at least 0.75, from the
    /// reference runs").
    pub fn bar(id: &str, section: &str, met: bool, bar: &str, text: String) -> Claim {
        Claim {
            id: id.into(),
            section: section.into(),
            kind: Kind::Bar,
            holds: met,
            text,
            bar: Some(bar.into()),
            lecture: None,
            evidence: vec![],
            missing: None,
        }
    }

    /// A test of the lecture's statement `statement` (an id in
    /// [`lecture::STATEMENTS`]; a panic naming it if unknown) by `criterion`, with its
    /// verdict; `text` is the measured sentence.
    #[track_caller]
    pub fn lecture(
        id: &str,
        section: &str,
        statement: &str,
        criterion: &str,
        verdict: Verdict,
        text: String,
    ) -> Claim {
        let statement = lecture::statement(statement).id.to_string();
        Claim {
            id: id.into(),
            section: section.into(),
            kind: Kind::Lecture,
            holds: verdict == Verdict::Holds,
            text,
            bar: None,
            lecture: Some(LectureTest {
                statement,
                criterion: criterion.trim_end_matches('.').into(),
                verdict,
            }),
            evidence: vec![],
            missing: None,
        }
    }

    /// A sentence chosen from the data: no mark.
    pub fn finding(id: &str, section: &str, text: String) -> Claim {
        Claim {
            id: id.into(),
            section: section.into(),
            kind: Kind::Finding,
            holds: true,
            text,
            bar: None,
            lecture: None,
            evidence: vec![],
            missing: None,
        }
    }

    /// A claim that could not be computed, because the report lacks `missing`: a missed
    /// bar whose sentence names the missing input, so the run fails on it (even a
    /// `--quick` one: see [`print_and_check`]) and the page shows why, where the claim
    /// would have been.
    pub fn not_computed(id: &str, section: &str, missing: &Missing) -> Claim {
        Claim {
            missing: Some(missing.input.clone()),
            ..Claim::bar(
                id,
                section,
                false,
                "every input the claim rests on present in the report",
                format!("Not computed: this run's report lacks {missing}."),
            )
        }
    }

    /// The link to the claim's section from a page of its chapter: `#anchor`, or
    /// `page.md#anchor` when the section names its page (a chapter of several pages).
    pub fn link(&self) -> String {
        if self.section.contains('#') { self.section.clone() } else { format!("#{}", self.section) }
    }

    /// Add a measured quantity the claim rests on.
    pub fn with(mut self, name: &str, value: f64) -> Claim {
        self.evidence.push(Evidence { name: name.into(), value });
        self
    }

    /// Add every per-seed value and difference of a comparison as evidence.
    pub fn with_comparison(mut self, c: &crate::compare::Comparison) -> Claim {
        let what = format!("{} − {} ({})", c.a, c.b, c.metric.name);
        self = self.with(&format!("{what}, mean over {} seeds", c.seeds()), c.mean_diff());
        let (lo, hi) = c.range();
        self.with(&format!("{what}, smallest"), lo).with(&format!("{what}, largest"), hi)
    }

    /// The mark a table shows: ✓/✗ and the bar for a bar, the verdict in words for a
    /// lecture claim, nothing for a finding.
    pub fn verdict(&self) -> String {
        match self.kind {
            Kind::Bar if self.holds => "✓ bar met".into(),
            Kind::Bar => "✗ bar missed".into(),
            Kind::Lecture => self.lecture.as_ref().map_or(String::new(), |t| t.verdict.words()),
            Kind::Finding => String::new(),
        }
    }

    /// The claim as a page's paragraph: a bar with its mark and the bar in words, a
    /// lecture claim with the statement, the criterion and the verdict, a finding as it is.
    pub fn paragraph(&self) -> String {
        match self.kind {
            Kind::Bar => format!(
                "{} <span class=\"claim-bar\">{} ({})</span>",
                self.text,
                self.verdict(),
                self.bar.as_deref().unwrap_or("")
            ),
            Kind::Lecture => {
                let t = self.lecture.as_ref().expect("a lecture claim carries its test");
                let s = lecture::statement(&t.statement);
                format!(
                    "{}\n\n> **The lecture ({}):** {} **How it is tested here:** {}. **Verdict: {}.**",
                    self.text,
                    s.korean,
                    s.english,
                    t.criterion,
                    t.verdict.words()
                )
            }
            Kind::Finding => self.text.clone(),
        }
    }

    fn evidence_text(&self) -> String {
        self.evidence.iter().map(|e| format!("{} = {}", e.name, num(e.value))).collect::<Vec<_>>().join("; ")
    }
}

/// Every claim's paragraph in its own anchor, then (anchor `claims`) the chapter's
/// summary: one table of its lecture verdicts and bars, and, folded under it, every
/// claim with the numbers it rests on. The part of `results.md` that pages include.
pub fn markdown(claims: &[Claim]) -> String {
    let mut out = String::new();
    for c in claims {
        let _ = write!(
            out,
            "<!-- ANCHOR: claim_{} -->\n{}\n<!-- ANCHOR_END: claim_{} -->\n\n",
            c.id,
            c.paragraph(),
            c.id
        );
    }
    let mut summary = Table::new(&["tested", "what", "verdict"]);
    for c in claims.iter().filter(|c| c.kind == Kind::Lecture) {
        let t = c.lecture.as_ref().expect("a lecture claim carries its test");
        let s = lecture::statement(&t.statement);
        summary.row(&[
            format!("[lecture]({})", c.link()),
            format!("{} ({})", s.english, s.korean),
            t.verdict.words(),
        ]);
    }
    for c in claims.iter().filter(|c| c.kind == Kind::Bar) {
        summary.row(&[format!("[bar]({})", c.link()), c.bar.clone().unwrap_or_default(), c.verdict()]);
    }
    let mut evidence = Table::new(&["claim", "what it rests on"]);
    for c in claims {
        let kind = match c.kind {
            Kind::Bar => "bar",
            Kind::Lecture => "lecture",
            Kind::Finding => "finding",
        };
        evidence.row(&[format!("[`{}`]({}) ({kind})", c.id, c.link()), c.evidence_text()]);
    }
    let _ = write!(
        out,
        "<!-- ANCHOR: claims -->\n{}\n<details>\n<summary>Every claim of this page with the numbers it rests on</summary>\n\n{}\n</details>\n<!-- ANCHOR_END: claims -->\n",
        summary.to_markdown(),
        evidence.to_markdown()
    );
    out
}

/// Fail, naming each claim and the input its report lacks, when a claim could not be
/// computed ([`Claim::not_computed`]); pass otherwise.
pub fn check_computed(chapter: &str, claims: &[Claim]) -> anyhow::Result<()> {
    let missing: Vec<String> = claims
        .iter()
        .filter_map(|c| c.missing.as_ref().map(|input| format!("  {}: needs {input}", c.id)))
        .collect();
    anyhow::ensure!(
        missing.is_empty(),
        "{chapter}: {} claim(s) could not be computed, because the report lacks what they rest on (a sweep \
         or grid edited by hand?):\n{}",
        missing.len(),
        missing.join("\n")
    );
    Ok(())
}

/// Fail with every missed bar's text, or pass.
pub fn check_required(chapter: &str, claims: &[Claim]) -> anyhow::Result<()> {
    let failing: Vec<String> = claims
        .iter()
        .filter(|c| c.kind == Kind::Bar && !c.holds)
        .map(|c| {
            format!(
                "  {}: {} (bar: {}) [{}]",
                c.id,
                c.text,
                c.bar.as_deref().unwrap_or(""),
                c.evidence_text()
            )
        })
        .collect();
    anyhow::ensure!(
        failing.is_empty(),
        "{chapter}: {} bar(s) missed:\n{}",
        failing.len(),
        failing.join("\n")
    );
    Ok(())
}

/// The ids of the bars that were missed: what a test of a chapter's bars compares
/// against the bars it expects to miss.
pub fn failing_required(claims: &[Claim]) -> Vec<String> {
    claims.iter().filter(|c| c.kind == Kind::Bar && !c.holds).map(|c| c.id.clone()).collect()
}

/// Print a chapter's claims, then hold a full run on the default data to its bars. A
/// `--quick` or `--clean` run (`unenforced`) is too small or too easy for them: it
/// prints them and says they are not enforced. Any run fails when a claim could not be
/// computed ([`check_computed`]): that is a broken configuration, not a small run.
pub fn print_and_check(chapter: &str, unenforced: bool, claims: &[Claim]) -> anyhow::Result<()> {
    println!("\n{chapter} claims:\n{}", summary_lines(claims));
    check_computed(chapter, claims)?;
    if unenforced {
        if let Some(note) = unenforced_note(claims) {
            println!("  {note}");
        }
        Ok(())
    } else {
        check_required(chapter, claims)
    }
}

/// What a run whose bars are not enforced (`--quick`, `--clean`, `--data`) says after
/// its claims, when it has bars: that they are printed, not enforced.
pub fn unenforced_note(claims: &[Claim]) -> Option<&'static str> {
    claims.iter().any(|c| c.kind == Kind::Bar).then_some(
        "(the bars are set for the full run on the default data; this run's are printed, not enforced)",
    )
}

/// One line a claim, for the terminal: a bar with ✓/✗, a lecture claim with its
/// verdict in words, a finding with none.
pub fn summary_lines(claims: &[Claim]) -> String {
    let mut out = String::new();
    for c in claims {
        let _ = match c.kind {
            Kind::Bar => writeln!(out, "  {} {}: {}", c.verdict(), c.id, c.text),
            Kind::Lecture => writeln!(out, "  lecture, {}: {}: {}", c.verdict(), c.id, c.text),
            Kind::Finding => writeln!(out, "  finding: {}: {}", c.id, c.text),
        };
    }
    out
}

#[cfg(test)]
mod tests;

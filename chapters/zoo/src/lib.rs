//! The chapter runner's library: the chapters, the lecture's topics they cover, and
//! the pages `zoo` writes from every chapter's results (the claims page and the
//! chapter map the introduction includes).

#![warn(missing_docs)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use kit::claims::{Kind, Verdict};
use kit::{Args, Chapter, Claim};

pub mod roadmap;

/// Every chapter that exists, in the lecture's order.
pub fn chapters() -> Vec<Chapter> {
    vec![
        ch01_autodiff::chapter(),
        ch02_graph_embeddings::chapter(),
        ch03_joint_coordinated::chapter(),
        ch04_shallow_fusion::chapter(),
        ch05_autoencoders::chapter(),
        ch06_boltzmann::chapter(),
        ch07_supervised_fusion::chapter(),
        ch08_bilinear_pooling::chapter(),
        ch09_low_rank_fusion::chapter(),
        ch10_captioning::chapter(),
        ch11_multimodal_lstm::chapter(),
    ]
}

/// The lecture's topics in order (DESIGN.md): crate name, topic, data.
pub const TOPICS: [(&str, &str, &str); 11] = [
    ("ch01-autodiff", "Reverse-mode autodiff: graph, chain rule, gradcheck, an MLP", "digits"),
    (
        "ch02-graph-embeddings",
        "Graphs and node embeddings: GCNs, supervised and unsupervised, depth",
        "karate club, Les Misérables, planted partitions",
    ),
    ("ch03-joint-coordinated", "Joint vs coordinated representations; the four desiderata", "AV digits"),
    ("ch04-shallow-fusion", "Shallow concatenation and what it cannot capture", "AV digits"),
    ("ch05-autoencoders", "Autoencoders and the bimodal deep autoencoder", "AV digits"),
    (
        "ch06-boltzmann",
        "RBMs, Gibbs sampling; the multimodal deep belief net and deep Boltzmann machine (mean-field)",
        "digits; AV digits; clip art with titles",
    ),
    ("ch07-supervised-fusion", "Supervised fusion: concatenation, element-wise, MLP", "toy MOSI"),
    ("ch08-bilinear-pooling", "Bilinear pooling and tensor fusion", "toy MOSI"),
    ("ch09-low-rank-fusion", "Low-rank multimodal fusion", "toy MOSI"),
    ("ch10-captioning", "The multimodal encoder-decoder: CNN -> MLP -> LSTM captioning", "shape scenes"),
    ("ch11-multimodal-lstm", "The LSTM from its gates; multimodal LSTMs", "toy MOSI sequences"),
];

/// Where `zoo` writes: the book's source folder, or `--out`.
pub fn book_dir(args: &Args) -> PathBuf {
    args.out.clone().unwrap_or_else(|| kit::cli::repo_root().join("book").join("src"))
}

/// One chapter's claims as its last run wrote them into `results.json`.
pub fn written_claims(book: &Path, chapter: &str) -> anyhow::Result<Option<Vec<Claim>>> {
    let path = book.join(chapter).join("results.json");
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let claims = value.get("claims").cloned().unwrap_or_default();
    Ok(Some(serde_json::from_value(claims).with_context(|| format!("the claims in {}", path.display()))?))
}

/// A section anchor as words: `where-additive-fusion-fails` -> "where additive fusion fails"
/// (a page named before the anchor, as in `deep.md#mean-field`, is left out).
fn section_words(anchor: &str) -> String {
    anchor.rsplit('#').next().unwrap_or(anchor).replace('-', " ")
}

/// Where a claim's section is, from the book's root: `CHAPTER/index.md#anchor`, or
/// `CHAPTER/page.md#anchor` when the section names its page (a chapter of several pages).
pub fn section_link(chapter: &str, section: &str) -> String {
    if section.contains('#') {
        format!("{chapter}/{section}")
    } else {
        format!("{chapter}/index.md#{section}")
    }
}

/// How a chapter's claims come out: lecture verdicts and bars.
#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Lecture statements tested that hold here.
    pub holds: usize,
    /// Lecture statements tested that do not hold here.
    pub does_not_hold: usize,
    /// Lecture statements the seeds do not decide.
    pub not_decided: usize,
    /// Bars met.
    pub bars_met: usize,
    /// Bars in all.
    pub bars: usize,
}

impl Tally {
    /// Count lecture verdicts and bars; findings are not counted (they carry no verdict).
    pub fn of(claims: &[Claim]) -> Tally {
        let mut t = Tally::default();
        for c in claims {
            match (c.kind, c.lecture.as_ref().map(|l| l.verdict)) {
                (Kind::Bar, _) => {
                    t.bars += 1;
                    t.bars_met += usize::from(c.holds);
                }
                (Kind::Lecture, Some(Verdict::Holds)) => t.holds += 1,
                (Kind::Lecture, Some(Verdict::DoesNotHold)) => t.does_not_hold += 1,
                (Kind::Lecture, _) => t.not_decided += 1,
                (Kind::Finding, _) => {}
            }
        }
        t
    }

    fn add(self, o: Tally) -> Tally {
        Tally {
            holds: self.holds + o.holds,
            does_not_hold: self.does_not_hold + o.does_not_hold,
            not_decided: self.not_decided + o.not_decided,
            bars_met: self.bars_met + o.bars_met,
            bars: self.bars + o.bars,
        }
    }

    /// "2 hold, 1 does not hold; bars 5 of 5 met".
    fn words(&self) -> String {
        let tested = self.holds + self.does_not_hold + self.not_decided;
        let lecture = if tested == 0 {
            "no lecture statement tested".to_string()
        } else {
            let mut parts = vec![];
            if self.holds > 0 {
                parts.push(format!("{} {}", self.holds, if self.holds == 1 { "holds" } else { "hold" }));
            }
            if self.does_not_hold > 0 {
                parts.push(format!(
                    "{} {} not hold",
                    self.does_not_hold,
                    if self.does_not_hold == 1 { "does" } else { "do" }
                ));
            }
            if self.not_decided > 0 {
                parts.push(format!("{} not decided", self.not_decided));
            }
            format!("lecture: {}", parts.join(", "))
        };
        format!("{lecture}; bars: {} of {} met", self.bars_met, self.bars)
    }
}

/// The claims page, "What the lecture says, and what we measured": a one-screen summary
/// (per chapter, the lecture verdicts and the bars met), then every statement of the
/// lecture in its order with where it is tested, what was measured and the verdict.
/// Findings stay on their chapter pages; bars are counted here and listed there.
pub fn claims_page(chapters: &[(&Chapter, Vec<Claim>)]) -> String {
    let mut out = String::from(
        "<!-- Written by `cargo run --release -p zoo -- all` from each chapter's results.json; do not edit. -->\n\n\
         # What the lecture says, and what we measured\n\n\
         Each chapter tests the statements of the lecture it covers, on its own data, by a criterion it \
         states, and gives a verdict: **holds here**, **does not hold here**, or **not decided** (when the \
         seeds disagree: a method is called ahead of another only when it is ahead on every seed). A verdict \
         that goes against the lecture is not a failure of the run: it is what these data show, and the \
         chapter says why. Separately, every chapter has **bars**: numbers its run must reach (from a \
         reference implementation or a specification), marked ✓ when met; `zoo` fails when one is missed. \
         A chapter's other sentences are **findings**, chosen from its data; they stay on its page.\n\n\
         ## Summary\n\n| chapter | the lecture's statements | bars met |\n|---|---|---|\n",
    );
    let mut total = Tally::default();
    for (chapter, claims) in chapters {
        let t = Tally::of(claims);
        total = total.add(t);
        let words = t.words();
        let (lecture, _) = words.split_once("; bars").unwrap_or((&words, ""));
        let _ = writeln!(
            out,
            "| [{}]({}/index.md) | {} | {} of {} |",
            chapter.title,
            chapter.name,
            lecture.trim_start_matches("lecture: "),
            t.bars_met,
            t.bars
        );
    }
    let _ = writeln!(
        out,
        "| **all** | {} | {} of {} |\n",
        total.words().split_once("; bars").map_or("", |(l, _)| l).trim_start_matches("lecture: "),
        total.bars_met,
        total.bars
    );
    out.push_str("## The lecture, statement by statement\n\n");
    for (i, s) in kit::lecture::STATEMENTS.iter().enumerate() {
        let _ = writeln!(out, "**{}. {}** ({})\n", i + 1, s.english, s.korean);
        let tests: Vec<(&Chapter, &Claim)> = chapters
            .iter()
            .flat_map(|(ch, claims)| claims.iter().map(move |c| (*ch, c)))
            .filter(|(_, c)| c.lecture.as_ref().is_some_and(|l| l.statement == s.id))
            .collect();
        if tests.is_empty() {
            out.push_str("- Not tested by any chapter yet.\n\n");
        }
        for (ch, c) in tests {
            let t = c.lecture.as_ref().expect("filtered on lecture claims");
            let _ = writeln!(
                out,
                "- **Verdict: {}**, in [{}, {}]({}). How it is tested: {}.\n  Measured: {}\n",
                t.verdict.words(),
                ch.name,
                section_words(&c.section),
                section_link(ch.name, &c.section),
                t.criterion,
                c.text
            );
        }
    }
    out.push_str(
        "The course notes end their list of representations with the multimodal LSTM, \
         \"skipped, I don't understand LSTMs well yet\": they make no statement about it to test, so \
         [chapter 11](ch11-multimodal-lstm/index.md) has bars and findings only.\n",
    );
    out
}

/// The map of the lecture's topics the introduction includes, with each chapter's
/// lecture verdicts and bars.
pub fn chapter_map(chapters: &[(&Chapter, Vec<Claim>)]) -> String {
    let mut out = String::from(
        "<!-- Written by `cargo run --release -p zoo -- all`; do not edit. -->\n\n\
         | # | lecture topic | data | chapter: what it found |\n|---|---|---|---|\n",
    );
    for (i, (name, topic, data)) in TOPICS.iter().enumerate() {
        let status = match chapters.iter().find(|(c, _)| c.name == *name) {
            Some((c, claims)) => format!("[{}]({}/index.md): {}", c.name, c.name, Tally::of(claims).words()),
            None => format!("`{name}`: planned"),
        };
        let _ = writeln!(out, "| {} | {topic} | {data} | {status} |", i + 1);
    }
    out
}

/// Run `chapters`, then write the claims page and the chapter map from every
/// chapter's results. Fails, naming each failing required claim, if any chapter
/// misses a bar (a `--quick` run prints its claims but is not held to them).
pub fn run(all: &[Chapter], selected: &[&Chapter], args: &Args) -> anyhow::Result<()> {
    let book = book_dir(args);
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for chapter in selected {
        let mut chapter_args = args.clone();
        chapter_args.out = Some(book.join(chapter.name));
        let options = chapter_args.resolve(chapter.name)?;
        let start = Instant::now();
        let outcome = (chapter.run)(&options)?;
        // Every chapter runs even when one misses a bar; the failures are reported together.
        if let Err(e) = kit::claims::print_and_check(chapter.name, options.unenforced(), &outcome.claims) {
            failures.push(format!("{e:#}"));
        }
        rows.push((chapter.name, start.elapsed().as_secs_f64(), outcome.headline));
    }
    println!("\n| chapter | wall time | headline |\n|---|---:|---|");
    for (name, seconds, headline) in &rows {
        println!("| {name} | {seconds:.1} s | {headline} |");
    }
    let mut written = Vec::new();
    for chapter in all {
        if let Some(claims) = written_claims(&book, chapter.name)? {
            written.push((chapter, claims));
        }
    }
    kit::report::write_atomic(&book.join("claims.md"), claims_page(&written).as_bytes())?;
    kit::report::write_atomic(&book.join("chapter_map.md"), chapter_map(&written).as_bytes())?;
    kit::report::write_atomic(&book.join("figures").join("roadmap.svg"), roadmap::svg().as_bytes())?;
    anyhow::ensure!(failures.is_empty(), "{}", failures.join("\n"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// A chapter whose bar is set above what it measures: a deliberately broken claim.
    fn broken(_: &kit::Options) -> anyhow::Result<kit::Outcome> {
        let measured = 0.91;
        let bar = 0.99;
        Ok(kit::Outcome {
            headline: "broken".into(),
            claims: vec![Claim::bar(
                "too_high",
                "s",
                measured >= bar,
                "accuracy at least 0.99",
                format!("accuracy {measured} reaches the bar {bar}"),
            )],
        })
    }

    #[test]
    fn a_failing_required_claim_fails_the_run_with_its_text() {
        let chapter = Chapter {
            name: "ch99-broken",
            title: "Broken",
            run: broken,
            claims_from_results: |_| Ok(vec![]),
            export: None,
        };
        let out = std::env::temp_dir().join(format!("zoo-broken-{}", std::process::id()));
        let args = Args::parse_from(["zoo", "--out", out.to_str().unwrap()]);
        let err = run(std::slice::from_ref(&chapter), &[&chapter], &args).unwrap_err().to_string();
        assert!(err.contains("accuracy 0.91 reaches the bar 0.99") && err.contains("too_high"), "{err}");
        // A quick run prints the claim but is not held to the bar.
        let quick = Args::parse_from(["zoo", "--quick", "--out", out.to_str().unwrap()]);
        run(std::slice::from_ref(&chapter), &[&chapter], &quick).unwrap();
        std::fs::remove_dir_all(out).ok();
    }
}

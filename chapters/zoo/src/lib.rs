//! The chapter runner's library: the chapters, the lecture's topics they cover, and
//! the pages `zoo` writes from every chapter's results (the claims page and the
//! chapter map the introduction includes).

#![warn(missing_docs)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use kit::claims::Kind;
use kit::{Args, Chapter, Claim};

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
        "RBMs, Gibbs sampling, multimodal deep Boltzmann machines",
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

/// The claims page: every claim of every chapter, its verdict, and a link to the
/// section of the page that draws it.
pub fn claims_page(chapters: &[(&Chapter, Vec<Claim>)]) -> String {
    let mut out = String::from(
        "<!-- Written by `cargo run --release -p zoo -- all` from each chapter's results.json; do not edit. -->\n\n\
         # What the lecture claims, and what we measured\n\n\
         Every conclusion a chapter draws is computed from its run: the sentence below is the one its page \
         prints, with the numbers that run measured. **Required** claims are the chapter's bars: `zoo` exits \
         with an error when one fails. **Observations** choose their wording from the data, so their sentence \
         is true either way; their verdict says whether what they look for (usually what the lecture leads us \
         to expect) was seen here.\n\n",
    );
    for (chapter, claims) in chapters {
        let required = claims.iter().filter(|c| c.kind == Kind::Required).count();
        let held = claims.iter().filter(|c| c.holds).count();
        let _ = write!(
            out,
            "## [{}]({}/index.md)\n\n{} claims, {required} of them required; {held} hold.\n\n\
             | claim | verdict | where |\n|---|---|---|\n",
            chapter.title,
            chapter.name,
            claims.len()
        );
        for c in claims {
            let _ = writeln!(
                out,
                "| <a id=\"{}\"></a>{} | {} | [{}]({}/index.md#{}) |",
                c.id,
                c.text.replace('|', "\\|"),
                c.verdict(),
                c.id,
                chapter.name,
                c.section
            );
        }
        out.push('\n');
    }
    out
}

/// The map of the lecture's topics the introduction includes, with each chapter's status.
pub fn chapter_map(chapters: &[(&Chapter, Vec<Claim>)]) -> String {
    let mut out = String::from(
        "<!-- Written by `cargo run --release -p zoo -- all`; do not edit. -->\n\n\
         | # | lecture topic | data | chapter | status |\n|---|---|---|---|---|\n",
    );
    for (i, (name, topic, data)) in TOPICS.iter().enumerate() {
        let status = match chapters.iter().find(|(c, _)| c.name == *name) {
            Some((c, claims)) => {
                let held = claims.iter().filter(|c| c.holds).count();
                format!("[written]({}/index.md): {held} of {} claims hold", c.name, claims.len())
            }
            None => "planned".to_string(),
        };
        let _ = writeln!(out, "| {} | {topic} | {data} | `{name}` | {status} |", i + 1);
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
        if let Err(e) =
            kit::claims::print_and_check(chapter.name, options.quick || options.clean, &outcome.claims)
        {
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
            claims: vec![Claim::required(
                "too_high",
                "s",
                measured >= bar,
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

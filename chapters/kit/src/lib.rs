//! # kit
//!
//! What every chapter shares, so a chapter's own code is only its model and its
//! experiment: command-line flags (`cli`), progress bars (`progress`), the guard that
//! stops training on a NaN loss (`train`), SVG figures (`plot`, `graph`), diagrams of
//! the models drawn from their definitions (`diagram`), the report files the book
//! includes (`report`) and the claims a page draws (`claims`).

#![warn(missing_docs)]

pub mod checkpoint;
pub mod claims;
pub mod cli;
pub mod compare;
pub mod diagram;
pub mod graph;
pub mod lecture;
pub mod mosi_check;
pub mod numbers;
pub mod parallel;
pub mod plot;
pub mod progress;
pub mod report;
pub mod summary_checkpoint;
pub mod timing;
pub mod train;

pub use claims::{Claim, Verdict};
pub use cli::{Args, Options};
pub use compare::{Comparison, Metric, compare};
pub use report::{Output, Table, assert_written, rounded};
pub use train::{Diverged, check_finite};

/// What a chapter's run hands back to its binary and to `zoo`.
pub struct Outcome {
    /// One line for the runner's table.
    pub headline: String,
    /// Every conclusion the page draws, computed from the report.
    pub claims: Vec<Claim>,
}

/// One chapter, as the `zoo` runner and the chapter's own binary see it.
pub struct Chapter {
    /// The crate name, which is also the book folder: `ch01-autodiff`.
    pub name: &'static str,
    /// The title the runner prints: `Chapter 1: autodiff from scratch`.
    pub title: &'static str,
    /// Run on the shipped data and write figures and results.
    pub run: fn(&Options) -> anyhow::Result<Outcome>,
    /// Recompute the claims from a `results.json` this chapter wrote, without rerunning
    /// anything: how the tests check the committed full-run results.
    pub claims_from_results: fn(&str) -> anyhow::Result<Vec<Claim>>,
    /// For chapters whose data are generated: write the dataset the options select
    /// into a folder, as CSV (`--export DIR`).
    pub export: Option<fn(&Options, &std::path::Path) -> anyhow::Result<()>>,
}

impl Chapter {
    /// Run, print the claims, and fail when a required claim fails (a `--quick` or `--clean` run
    /// prints them but is not held to the full run's bars).
    pub fn run_checked(&self, options: &Options) -> anyhow::Result<Outcome> {
        if let Some(dir) = &options.export {
            let export = self.export.ok_or_else(|| {
                anyhow::anyhow!(
                    "{} has no generated dataset to export: --export is for the chapters on toy MOSI \
                     (ch07 onwards); the shipped datasets are already files in data/",
                    self.name
                )
            })?;
            export(options, dir)?;
            return Ok(Outcome { headline: format!("dataset written to {}", dir.display()), claims: vec![] });
        }
        let outcome = (self.run)(options)?;
        if options.load.is_some() && outcome.claims.is_empty() {
            return Ok(outcome); // saved models checked against themselves: no claims to print
        }
        // The bars are set for the full run on the default (noisy) data.
        claims::print_and_check(self.name, options.unenforced(), &outcome.claims)?;
        Ok(outcome)
    }
}

/// For chapters on generated data: refuse `--clean` (there is no clean variant), naming
/// the chapter.
pub fn no_clean(chapter: &str, options: &Options) -> anyhow::Result<()> {
    anyhow::ensure!(!options.clean, "{chapter} runs on generated data: --clean does not apply");
    Ok(())
}

/// The whole `main` of a chapter binary: parse flags, run, print the summary.
pub fn chapter_main(chapter: &Chapter) -> anyhow::Result<()> {
    one_kernel_thread();
    let options = Args::parse_options(chapter.name)?;
    let start = std::time::Instant::now();
    let outcome = chapter.run_checked(&options)?;
    // An export writes the dataset only, a load writes nothing: say where figures went
    // only when a run wrote them.
    let wrote = if options.export.is_some() || options.load.is_some() {
        String::new()
    } else {
        format!("; figures and results in {}", options.out.display())
    };
    println!("{}: {} ({:.1} s){wrote}", chapter.title, outcome.headline, start.elapsed().as_secs_f64());
    Ok(())
}

/// Run every matrix product on one thread (`MATMUL_NUM_THREADS=1`, which the engine's
/// sgemm reads: autograd/src/threads.rs). The chapters run their experiments side by
/// side, one per core (`parallel::map`), and a product's own threads only fight them
/// for the cores: on the 2-core machine every chapter ran 10% to 25% faster with one
/// kernel thread, with byte-identical results (a product is split into blocks of rows
/// or columns, never of a sum). Call it first thing in `main`, before any thread
/// exists; a `MATMUL_NUM_THREADS` the user set is kept.
pub fn one_kernel_thread() {
    if std::env::var_os("MATMUL_NUM_THREADS").is_none() {
        // SAFETY: called at the start of `main`, before any other thread is spawned,
        // so nothing reads the environment concurrently.
        unsafe { std::env::set_var("MATMUL_NUM_THREADS", "1") };
    }
}

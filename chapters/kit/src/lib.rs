//! # kit
//!
//! What every chapter shares, so a chapter's own code is only its model and its
//! experiment: command-line flags (`cli`), progress bars (`progress`), the guard that
//! stops training on a NaN loss (`train`), SVG figures (`plot`, `graph`) and the
//! report files the book includes (`report`).

pub mod cli;
pub mod graph;
pub mod plot;
pub mod progress;
pub mod report;
pub mod train;

pub use cli::{Args, Options};
pub use report::{Output, Table, rounded};
pub use train::{Diverged, check_finite};

/// One chapter, as the `zoo` runner and the chapter's own binary see it.
pub struct Chapter {
    /// The crate name, which is also the book folder: `ch01-autodiff`.
    pub name: &'static str,
    pub title: &'static str,
    /// Run on the shipped data and write figures and results; returns the headline.
    pub run: fn(&Options) -> anyhow::Result<String>,
}

/// The whole `main` of a chapter binary: parse flags, run, print the summary.
pub fn chapter_main(chapter: &Chapter) -> anyhow::Result<()> {
    let options = Args::parse_options(chapter.name)?;
    let start = std::time::Instant::now();
    let headline = (chapter.run)(&options)?;
    println!(
        "{}: {headline} ({:.1} s); figures and results in {}",
        chapter.title,
        start.elapsed().as_secs_f64(),
        options.out.display()
    );
    Ok(())
}

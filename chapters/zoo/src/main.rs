//! The chapter runner:
//!     cargo run --release -p zoo -- list
//!     cargo run --release -p zoo -- run ch01-autodiff [--quick] [--seed N]
//!     cargo run --release -p zoo -- all [--quick]

use std::time::Instant;

use clap::{Parser, Subcommand};
use kit::{Args, Chapter};

#[derive(Parser)]
#[command(about = "Run the chapters of Multimodal Representations from Scratch")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the chapters.
    List,
    /// Run one chapter, writing its figures and results into book/src/<chapter>/.
    Run {
        chapter: String,
        #[command(flatten)]
        args: Args,
    },
    /// Run every chapter on its shipped default data.
    All {
        #[command(flatten)]
        args: Args,
    },
}

fn chapters() -> Vec<Chapter> {
    vec![ch01_autodiff::chapter(), ch02_graph_embeddings::chapter()]
}

fn run(chapters: &[Chapter], args: &Args) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for chapter in chapters {
        let options = args.clone().resolve(chapter.name)?;
        let start = Instant::now();
        let headline = (chapter.run)(&options)?;
        rows.push((chapter.name, start.elapsed().as_secs_f64(), headline));
    }
    println!("\n| chapter | wall time | headline |\n|---|---:|---|");
    for (name, seconds, headline) in rows {
        println!("| {name} | {seconds:.1} s | {headline} |");
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let all = chapters();
    match cli.command {
        Command::List => {
            println!("| chapter | title |\n|---|---|");
            for c in &all {
                println!("| {} | {} |", c.name, c.title);
            }
            Ok(())
        }
        Command::Run { chapter, args } => {
            let Some(c) = all.into_iter().find(|c| c.name == chapter) else {
                let names: Vec<&str> = chapters().iter().map(|c| c.name).collect();
                anyhow::bail!("no chapter named {chapter:?}; the chapters are: {}", names.join(", "));
            };
            run(&[c], &args)
        }
        Command::All { args } => run(&all, &args),
    }
}

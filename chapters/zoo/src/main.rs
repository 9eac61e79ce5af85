//! The chapter runner:
//!     cargo run --release -p zoo -- list
//!     cargo run --release -p zoo -- run ch01-autodiff [--quick] [--seed N]
//!     cargo run --release -p zoo -- all [--quick]

use clap::{Parser, Subcommand};
use kit::Args;

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
    /// Run every chapter on its shipped default data, then write the claims page and
    /// the chapter map.
    All {
        #[command(flatten)]
        args: Args,
    },
}

fn main() -> anyhow::Result<()> {
    kit::one_kernel_thread();
    let cli = Cli::parse();
    let all = zoo::chapters();
    match cli.command {
        Command::List => {
            println!("| chapter | title |\n|---|---|");
            for c in &all {
                println!("| {} | {} |", c.name, c.title);
            }
            Ok(())
        }
        Command::Run { chapter, args } => {
            let Some(c) = all.iter().find(|c| c.name == chapter) else {
                let names: Vec<&str> = all.iter().map(|c| c.name).collect();
                anyhow::bail!("no chapter named {chapter:?}; the chapters are: {}", names.join(", "));
            };
            zoo::run(&all, &[c], &args)
        }
        Command::All { args } => zoo::run(&all, &all.iter().collect::<Vec<_>>(), &args),
    }
}

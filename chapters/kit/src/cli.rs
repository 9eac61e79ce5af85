//! The flags every chapter takes.

use std::path::PathBuf;

use clap::Parser;

/// Flags of every chapter binary (and of `zoo run`).
#[derive(Parser, Debug, Clone)]
pub struct Args {
    /// The small configuration the tests use: seconds instead of a minute.
    #[arg(long)]
    pub quick: bool,
    /// Seed of the one RNG everything random draws from.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Where figures and results go [default: book/src/CHAPTER].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Override the configuration's number of training epochs.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub epochs: Option<u64>,
    /// Folder holding the shipped datasets [default: the repository's data/]. Chapters
    /// on toy MOSI (7, 8, 9, 11): a folder holding a manifest.json, written by
    /// convert_mosi.py (CMU-MOSI) or by --export, to run on instead of toy MOSI. Pair
    /// it with --out; its claims are printed but not held to the bars.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Keep the trained models: write each as DIR/MODEL.safetensors (PyTorch
    /// state_dict names; architecture and configuration in the file's metadata).
    #[arg(long, value_name = "DIR")]
    pub save: Option<PathBuf>,
    /// Evaluate the models saved in DIR by --save instead of training them.
    #[arg(long, value_name = "DIR", conflicts_with = "save")]
    pub load: Option<PathBuf>,
    /// Chapters on the audio-visual digits: use the clean images and utterances
    /// (digits.csv, spoken_digits_clean.u8) instead of the noisy defaults. Pair it
    /// with --out, or it overwrites the book's figures. Claims are printed but not held to the
    /// bars, which are set for the default data.
    #[arg(long)]
    pub clean: bool,
    /// Chapters on generated data (toy MOSI): write the dataset of --seed into DIR
    /// instead of running, in the layout --data DIR reads (.npy files and a
    /// manifest.json) and as CSV, one file of utterances and one of words.
    #[arg(long, value_name = "DIR")]
    pub export: Option<PathBuf>,
}

/// Resolved options a chapter's `run` receives.
#[derive(Debug, Clone)]
pub struct Options {
    /// Run the small configuration the tests use.
    pub quick: bool,
    /// Seed of the one RNG everything random draws from.
    pub seed: u64,
    /// Where figures and results go.
    pub out: PathBuf,
    /// An override of the configuration's number of epochs.
    pub epochs: Option<usize>,
    /// The folder holding the datasets.
    pub data: PathBuf,
    /// The data folder again when it holds a converted MOSI layout (a `manifest.json`,
    /// see `models::data::mosi`): chapters 7, 8, 9 and 11 run on it.
    pub mosi: Option<PathBuf>,
    /// Draw progress bars (off in tests).
    pub progress: bool,
    /// Where to write checkpoints of the trained models, if anywhere.
    pub save: Option<PathBuf>,
    /// Where to read checkpoints to evaluate instead of training.
    pub load: Option<PathBuf>,
    /// Use the clean variants of the audio-visual digits.
    pub clean: bool,
    /// Write the generated dataset here instead of running.
    pub export: Option<PathBuf>,
}

/// The repository root, wherever the binary is started from.
pub fn repo_root() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("..");
    root.canonicalize().unwrap_or(root)
}

/// The file that marks a data folder as a converted MOSI layout.
pub const MOSI_MANIFEST: &str = "manifest.json";

impl Options {
    /// A quick run on the shipped data writing into `out`, without progress bars: what
    /// tests use (set `save` or `load` on the result to exercise checkpoints).
    pub fn quick(out: PathBuf) -> Options {
        Options {
            quick: true,
            seed: 0,
            out,
            epochs: None,
            data: repo_root().join("data"),
            mosi: None,
            progress: false,
            save: None,
            load: None,
            clean: false,
            export: None,
        }
    }

    /// Whether the claims' bars are enforced: not for a `--quick` run, a `--clean` run or
    /// a run on a converted MOSI folder, whose numbers the bars were not set for.
    pub fn unenforced(&self) -> bool {
        self.quick || self.clean || self.mosi.is_some()
    }

    /// For a run on a converted MOSI folder: an error when it would write into the
    /// book's own outputs (`book/src/CHAPTER`, where `zoo` points every chapter).
    pub fn check_out_for_mosi(&self, chapter: &str) -> anyhow::Result<()> {
        let book = repo_root().join("book").join("src").join(chapter);
        let same = |a: &std::path::Path| a.canonicalize().ok() == book.canonicalize().ok() || a == book;
        anyhow::ensure!(
            self.mosi.is_none() || !same(&self.out),
            "{chapter}: --data {} is not the book's data: pass --out DIR so the run does not write over the \
             book's outputs in {}",
            self.data.display(),
            book.display()
        );
        Ok(())
    }
}

impl Args {
    /// Parse the process's flags for `chapter`; a bad flag exits with clap's message.
    pub fn parse_options(chapter: &str) -> anyhow::Result<Options> {
        Args::parse().resolve(chapter)
    }

    /// Fill in defaults and check the folders.
    pub fn resolve(self, chapter: &str) -> anyhow::Result<Options> {
        let data = self.data.unwrap_or_else(|| repo_root().join("data"));
        anyhow::ensure!(
            !data.is_file(),
            "--data {} is a file; it takes a folder (a pickle of CMU-MOSI features is converted first: \
             python3 chapters/ch07-supervised-fusion/convert_mosi.py PICKLE DIR, then --data DIR)",
            data.display()
        );
        anyhow::ensure!(
            data.is_dir(),
            "data folder {} does not exist; pass --data DIR pointing at the repository's data/ folder (or, for \
             chapters 7, 8, 9 and 11, at a folder convert_mosi.py or --export wrote)",
            data.display()
        );
        let mosi = data.join(MOSI_MANIFEST).is_file().then(|| data.clone());
        anyhow::ensure!(
            mosi.is_none() || self.out.is_some(),
            "--data {} holds a converted MOSI layout: pass --out DIR too, so the run does not write over the \
             book's outputs",
            data.display()
        );
        Ok(Options {
            quick: self.quick,
            seed: self.seed,
            out: self.out.unwrap_or_else(|| repo_root().join("book").join("src").join(chapter)),
            epochs: self.epochs.map(|e| e as usize),
            data,
            mosi,
            progress: true,
            save: self.save,
            load: self.load,
            clean: self.clean,
            export: self.export,
        })
    }
}

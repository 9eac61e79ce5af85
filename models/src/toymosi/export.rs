//! Writing a generated dataset: in the folder layout the fusion chapters read with
//! `--data DIR` (`crate::data::mosi`: `.npy` per split and modality, labels, lengths,
//! ids, `manifest.json`), and as CSV, for readers who want it in a spreadsheet: one file
//! of utterances (summaries, ratings, label, latents) and one of words (the three
//! feature sequences, one row per word).

use std::fmt::Write as _;
use std::path::Path;

use super::generate::{D_AUDIO, D_TEXT, D_VIDEO, Split, ToyMosi};
use super::{Knobs, Modality, VOCABULARY};
use crate::data::mosi::{
    LAYOUT, Manifest, MosiSplit, SPLITS, SplitSize, Splits, VERSION, Widths, write_mosi,
};

fn split_name(s: Split) -> &'static str {
    match s {
        Split::Train => "train",
        Split::Valid => "valid",
        Split::Test => "test",
    }
}

fn numbered(prefix: &str, n: usize) -> String {
    (0..n).map(|k| format!("{prefix}{k}")).collect::<Vec<_>>().join(",")
}

fn values(v: &[f32]) -> String {
    v.iter().map(|x| format!("{x:.6}")).collect::<Vec<_>>().join(",")
}

/// Write to a temporary file beside `path`, then rename it into place, so a crash
/// never leaves half a file.
fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("csv.tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

/// Write `toymosi_utterances.csv` and `toymosi_words.csv` into `dir` (created if
/// needed). Returns the two paths.
pub fn export_csv(data: &ToyMosi, dir: &Path) -> std::io::Result<[std::path::PathBuf; 2]> {
    std::fs::create_dir_all(dir)?;
    let mut utt = format!(
        "id,speaker,split,words,ratings,label,{},{},{},P,a,tone,face,r,sigma,g_T,y_star\n",
        numbered("text_mean", D_TEXT),
        numbered("audio_mean", D_AUDIO),
        numbered("video_mean", D_VIDEO)
    );
    let mut words = format!(
        "id,position,word,{},{},{}\n",
        numbered("text", D_TEXT),
        numbered("audio", D_AUDIO),
        numbered("video", D_VIDEO)
    );
    for u in &data.utterances {
        let said: Vec<&str> = u.tokens.iter().map(|&w| VOCABULARY[w]).collect();
        let ratings: Vec<String> = u.ratings.iter().map(i32::to_string).collect();
        // The row is written field by field; `write!` into a String cannot fail.
        let _ = writeln!(
            utt,
            "{},{},{},{},{},{:.6},{},{},{},{:.6},{:.6},{:.6},{:.6},{},{:.6},{:.6},{:.6}",
            u.id,
            u.speaker,
            split_name(u.split),
            said.join(" "),
            ratings.join(" "),
            u.label,
            values(&u.text_mean),
            values(&u.audio_mean),
            values(&u.video_mean),
            u.polarity,
            u.arousal,
            u.tone,
            u.face,
            u8::from(u.eye_roll),
            u.sigma,
            u.g_t,
            u.y_star
        );
        for (j, &w) in u.tokens.iter().enumerate() {
            let _ = writeln!(
                words,
                "{},{j},{},{},{},{}",
                u.id,
                VOCABULARY[w],
                values(&u.text[j * D_TEXT..(j + 1) * D_TEXT]),
                values(&u.audio[j * D_AUDIO..(j + 1) * D_AUDIO]),
                values(&u.video[j * D_VIDEO..(j + 1) * D_VIDEO])
            );
        }
    }
    let paths = [dir.join("toymosi_utterances.csv"), dir.join("toymosi_words.csv")];
    write_atomic(&paths[0], &utt)?;
    write_atomic(&paths[1], &words)?;
    Ok(paths)
}

/// One split of `data` in the layout: sequences padded with zero rows at the end to
/// `steps`, and the generator's own summaries (the means over words, computed in f64
/// before rounding to float32), so the chapters read exactly the inputs they generate.
fn layout_split(data: &ToyMosi, split: Split, steps: usize) -> MosiSplit {
    let ids = data.ids(split);
    let utterances: Vec<&super::Utterance> = ids.iter().map(|&i| &data.utterances[i]).collect();
    let per_modality = |f: &dyn Fn(&super::Utterance, Modality) -> Vec<f32>| -> [Vec<f32>; 3] {
        Modality::ALL.map(|m| utterances.iter().flat_map(|u| f(u, m)).collect())
    };
    let padded = |u: &super::Utterance, m: Modality| {
        let mut rows = m.sequence(u).to_vec();
        rows.resize(steps * m.width(), 0.0);
        rows
    };
    MosiSplit {
        ids: ids.iter().map(usize::to_string).collect(),
        labels: utterances.iter().map(|u| u.label).collect(),
        lengths: utterances.iter().map(|u| u.tokens.len()).collect(),
        steps,
        widths: Widths { text: D_TEXT, audio: D_AUDIO, vision: D_VIDEO },
        features: per_modality(&padded),
        means: Some(per_modality(&|u, m| m.summary(u).to_vec())),
    }
}

/// Write `data` into `dir` in the layout `--data DIR` reads. Returns the manifest's path.
pub fn export_layout(data: &ToyMosi, dir: &Path) -> std::io::Result<std::path::PathBuf> {
    let steps = data.utterances.iter().map(|u| u.tokens.len()).max().unwrap_or(1);
    let splits = SPLITS.map(|(s, _)| layout_split(data, s, steps));
    let size = |k: usize| SplitSize { utterances: splits[k].len(), steps };
    let knobs =
        if data.knobs == Knobs::default() { "default knobs" } else { "knobs other than the defaults" };
    let manifest = Manifest {
        layout: LAYOUT.to_string(),
        version: VERSION,
        source: format!("toy MOSI, seed {} ({knobs})", data.seed),
        written_by: "toy MOSI's --export (models/src/toymosi/export.rs)".to_string(),
        widths: Widths { text: D_TEXT, audio: D_AUDIO, vision: D_VIDEO },
        splits: Splits { train: size(0), valid: size(1), test: size(2) },
        notes: vec![
            format!(
                "Sequences of {} to {steps} words, padded with zero rows at the end to {steps} steps.",
                data.knobs.len_min
            ),
            "Summaries: the generator's own (the means over words, computed before rounding to float32), \
             stored as SPLIT_MODALITY_mean.npy."
                .to_string(),
        ],
    };
    write_mosi(dir, &manifest, [&splits[0], &splits[1], &splits[2]])
}

/// What `--export DIR` wrote.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The seed of the dataset written.
    pub seed: u64,
    /// The folder written into.
    pub dir: std::path::PathBuf,
    /// `manifest.json` of the layout `--data DIR` reads.
    pub manifest: std::path::PathBuf,
    /// The two CSV files.
    pub csv: [std::path::PathBuf; 2],
}

impl std::fmt::Display for Exported {
    /// What the chapters print after `--export DIR`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "toy MOSI, seed {}: {} (read it back with --data {} --out DIR), {} and {}",
            self.seed,
            self.manifest.display(),
            self.dir.display(),
            self.csv[0].display(),
            self.csv[1].display()
        )
    }
}

/// Generate the default dataset of `seed` and write it into `dir`, in the layout
/// `--data DIR` reads and as CSV: what the chapters' `--export DIR` does.
pub fn export_seed(seed: u64, dir: &Path) -> Result<Exported, String> {
    let data = super::generate(&super::Knobs::default(), seed).map_err(|e| e.to_string())?;
    let writing = |e: std::io::Error| format!("writing into {}: {e}", dir.display());
    let manifest = export_layout(&data, dir).map_err(writing)?;
    let csv = export_csv(&data, dir).map_err(writing)?;
    Ok(Exported { seed, dir: dir.to_path_buf(), manifest, csv })
}

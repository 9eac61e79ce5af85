//! Writing a generated dataset as CSV, for readers who want it in Python or a
//! spreadsheet: one file of utterances (summaries, ratings, label, latents) and one of
//! words (the three feature sequences, one row per word).

use std::fmt::Write as _;
use std::path::Path;

use super::VOCABULARY;
use super::generate::{D_AUDIO, D_TEXT, D_VIDEO, Split, ToyMosi};

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

/// Generate the default dataset of `seed` and write it into `dir`: what the chapters'
/// `--export DIR` does.
pub fn export_seed(seed: u64, dir: &Path) -> Result<[std::path::PathBuf; 2], String> {
    let data = super::generate(&super::Knobs::default(), seed).map_err(|e| e.to_string())?;
    export_csv(&data, dir).map_err(|e| format!("writing into {}: {e}", dir.display()))
}

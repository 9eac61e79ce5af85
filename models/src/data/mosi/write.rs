//! Writing the layout: what toy MOSI's `--export` does (the Python converter writes the
//! same files with numpy).

use std::path::{Path, PathBuf};

use super::npy::{write_f32, write_f64, write_i64};
use super::{MANIFEST, Manifest, MosiSplit, SPLITS, file_name};
use crate::toymosi::Modality;

/// Write `manifest` and the three splits into `dir` (created if needed). `splits` gives
/// train, valid and test in that order; the manifest's counts and widths must match
/// them (a panic otherwise: a programmer error). Returns the manifest's path.
#[track_caller]
pub fn write_mosi(dir: &Path, manifest: &Manifest, splits: [&MosiSplit; 3]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    for ((split, name), data) in SPLITS.iter().zip(splits) {
        let size = manifest.splits.of(*split);
        assert_eq!(
            (size.utterances, size.steps, manifest.widths),
            (data.len(), data.steps, data.widths),
            "write_mosi: the manifest disagrees with the {name} split"
        );
        write_split(dir, name, data)?;
    }
    let path = dir.join(MANIFEST);
    let json = serde_json::to_string_pretty(manifest).map_err(std::io::Error::other)?;
    std::fs::write(&path, json + "\n")?;
    Ok(path)
}

fn write_split(dir: &Path, name: &str, s: &MosiSplit) -> std::io::Result<()> {
    let n = s.len();
    for (k, m) in Modality::ALL.into_iter().enumerate() {
        let d = s.widths.of(m);
        write_f32(&dir.join(format!("{name}_{}.npy", file_name(m))), &[n, s.steps, d], &s.features[k])?;
        let mean = dir.join(format!("{name}_{}_mean.npy", file_name(m)));
        match &s.means {
            Some(means) => write_f32(&mean, &[n, d], &means[k])?,
            // A summary left from an earlier export would be read as this one's.
            None if mean.exists() => std::fs::remove_file(&mean)?,
            None => {}
        }
    }
    write_f64(&dir.join(format!("{name}_labels.npy")), &s.labels)?;
    write_i64(&dir.join(format!("{name}_lengths.npy")), &s.lengths)?;
    let mut ids = s.ids.join("\n");
    ids.push('\n');
    std::fs::write(dir.join(format!("{name}_ids.txt")), ids)
}

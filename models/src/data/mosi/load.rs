//! Reading a converted MOSI folder and checking every file against the manifest and
//! against each other. An error names the file and says what is wrong.

use std::path::Path;

use super::npy::read_f32;
use super::{LAYOUT, MANIFEST, Manifest, Mosi, MosiSplit, SPLITS, VERSION, error, file_name};
use crate::data::{DataError, read_npy};
use crate::toymosi::{Modality, Split};

/// Load the folder `dir` (see the module's documentation for the layout). Errors: a
/// missing or unreadable file, a manifest of another layout, an empty split, widths or
/// counts that disagree between files or splits, NaN or infinite features, labels
/// outside [-3, 3], lengths outside 1..=T, non-zero values in a padding row.
pub fn load_mosi(dir: &Path) -> Result<Mosi, DataError> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        error(
            path.clone(),
            format!(
                "cannot read it ({e}): --data DIR for chapters 7, 8, 9 and 11 is a folder written by \
                 convert_mosi.py or by --export"
            ),
        )
    })?;
    let manifest: Manifest = serde_json::from_str(&text)
        .map_err(|e| error(path.clone(), format!("is not a MOSI layout manifest ({e})")))?;
    if manifest.layout != LAYOUT || manifest.version != VERSION {
        return Err(error(
            path,
            format!(
                "describes layout \"{}\" version {}; this reader knows \"{LAYOUT}\" version {VERSION}",
                manifest.layout, manifest.version
            ),
        ));
    }
    for m in Modality::ALL {
        if manifest.widths.of(m) == 0 {
            return Err(error(path, format!("gives {} a width of 0", file_name(m))));
        }
    }
    let load = |s: Split, name: &str| load_split(dir, name, s, &manifest);
    let (train, valid, test) =
        (load(SPLITS[0].0, SPLITS[0].1)?, load(SPLITS[1].0, SPLITS[1].1)?, load(SPLITS[2].0, SPLITS[2].1)?);
    Ok(Mosi { dir: dir.to_path_buf(), manifest, train, valid, test })
}

/// "1 NaN or infinite value", "3 NaN or infinite values".
fn non_finite_count(count: usize) -> String {
    format!("{count} NaN or infinite value{}", if count == 1 { "" } else { "s" })
}

/// Where the first non-finite value of `values` (N, T, d) sits, and how many there are.
fn non_finite(values: &[f32], steps: usize, d: usize) -> Option<(usize, usize, usize, usize)> {
    let count = values.iter().filter(|v| !v.is_finite()).count();
    let first = values.iter().position(|v| !v.is_finite())?;
    Some((count, first / (steps * d), first / d % steps, first % d))
}

fn load_split(dir: &Path, name: &str, split: Split, manifest: &Manifest) -> Result<MosiSplit, DataError> {
    let size = manifest.splits.of(split);
    let file = |suffix: &str| dir.join(format!("{name}_{suffix}"));
    let labels_path = file("labels.npy");
    let labels = read_npy(&labels_path)?;
    let n = labels.values.len();
    let bad = |path: &Path, message: String| error(path.to_path_buf(), message);
    if labels.shape.len() != 1 {
        return Err(bad(
            &labels_path,
            format!("has shape {:?}; expected one label per utterance, (N,)", labels.shape),
        ));
    }
    if n == 0 {
        return Err(bad(
            &labels_path,
            format!("is empty: the {name} split has no utterances, and every split needs some"),
        ));
    }
    if n != size.utterances {
        return Err(bad(
            &labels_path,
            format!("holds {n} labels, but {MANIFEST} says {name} has {} utterances", size.utterances),
        ));
    }
    if let Some((i, y)) = labels.values.iter().enumerate().find(|(_, y)| !(-3.0..=3.0).contains(*y)) {
        return Err(bad(
            &labels_path,
            format!("label {y} of utterance {i} is outside [-3, 3] (CMU-MOSI's sentiment scale)"),
        ));
    }
    let lengths_path = file("lengths.npy");
    let lengths = read_npy(&lengths_path)?;
    if lengths.float || lengths.shape != [n] {
        return Err(bad(
            &lengths_path,
            format!(
                "has shape {:?} ({}); expected ({n},) integers",
                lengths.shape,
                if lengths.float { "floats" } else { "integers" }
            ),
        ));
    }
    let steps = size.steps;
    let lengths: Vec<usize> = lengths.values.iter().map(|&l| l as usize).collect();
    if let Some((i, l)) = lengths.iter().enumerate().find(|(_, l)| **l == 0 || **l > steps) {
        return Err(bad(
            &lengths_path,
            format!("utterance {i} has length {l}; lengths must lie in 1..={steps} (T)"),
        ));
    }
    let ids_path = file("ids.txt");
    let ids: Vec<String> = std::fs::read_to_string(&ids_path)
        .map_err(|e| bad(&ids_path, format!("cannot read it ({e})")))?
        .lines()
        .map(str::to_string)
        .collect();
    if ids.len() != n {
        return Err(bad(&ids_path, format!("holds {} ids for {n} utterances", ids.len())));
    }
    let widths = manifest.widths;
    let mut features: [Vec<f32>; 3] = Default::default();
    let mut means: [Vec<f32>; 3] = Default::default();
    let mut has_means = 0;
    for (k, m) in Modality::ALL.into_iter().enumerate() {
        let d = widths.of(m);
        let path = file(&format!("{}.npy", file_name(m)));
        let array = read_f32(&path)?;
        if array.shape != [n, steps, d] {
            return Err(bad(
                &path,
                format!(
                    "has shape {:?}; expected ({n}, {steps}, {d}): {n} utterances as in {name}_labels.npy, {steps} steps \
                     and {} {d} wide as {MANIFEST} says (every split must have the same widths)",
                    array.shape,
                    file_name(m)
                ),
            ));
        }
        if let Some((count, i, t, c)) = non_finite(&array.values, steps, d) {
            return Err(bad(
                &path,
                format!(
                    "holds {} (the first at utterance {i}, step {t}, channel {c}); the \
                     chapters need finite features: convert_mosi.py replaces them by 0 and says how many",
                    non_finite_count(count)
                ),
            ));
        }
        for (i, &l) in lengths.iter().enumerate() {
            let padding = &array.values[(i * steps + l) * d..(i + 1) * steps * d];
            if let Some(p) = padding.iter().position(|&v| v != 0.0) {
                return Err(bad(
                    &path,
                    format!(
                        "utterance {i} has a non-zero value at step {} although {name}_lengths.npy gives it {l} real \
                         steps: padding rows must be all zeros, after the real steps",
                        l + p / d
                    ),
                ));
            }
        }
        features[k] = array.values;
        let mean_path = file(&format!("{}_mean.npy", file_name(m)));
        if mean_path.is_file() {
            let mean = read_f32(&mean_path)?;
            if mean.shape != [n, d] {
                return Err(bad(&mean_path, format!("has shape {:?}; expected ({n}, {d})", mean.shape)));
            }
            if let Some((count, i, _, c)) = non_finite(&mean.values, 1, d) {
                return Err(bad(
                    &mean_path,
                    format!("holds {} (the first at utterance {i}, channel {c})", non_finite_count(count)),
                ));
            }
            means[k] = mean.values;
            has_means += 1;
        }
    }
    if has_means % 3 != 0 {
        return Err(bad(
            &dir.join(format!("{name}_text_mean.npy")),
            format!(
                "{name} has stored summaries for {has_means} of the 3 modalities: give all three or none"
            ),
        ));
    }
    let means = (has_means == 3).then_some(means);
    Ok(MosiSplit { ids, labels: labels.values, lengths, steps, widths, features, means })
}

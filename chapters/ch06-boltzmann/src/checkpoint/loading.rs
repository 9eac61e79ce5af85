//! `--load DIR`: the saved models rebuilt from their metadata and measured again.

use std::path::Path;

use kit::checkpoint::{architecture_of_kind as architecture, json_field as parse};
use models::Model;
use models::data::{Av, AvDigits, AvVariant};
use models::dbm::MeanFieldConfig;

use super::*;
use crate::dbm_runs::BoundPoint;
use crate::multimodal::LayerRow;

/// `--load DIR`: the DBN, the DBM and the probes `--save DIR` wrote, rebuilt from their
/// metadata and measured again on the AV digits in `data`. Returns the lines to print;
/// an error unless every number is the saved one.
pub(crate) fn load_and_check(dir: &Path, data: &Path) -> anyhow::Result<Vec<String>> {
    let (dbn_path, dbm_path, probes_path) = (dir.join(DBN), dir.join(DBM), dir.join(PROBES));
    let (dbn_file, dbm_file, probes_file) = (
        kit::checkpoint::load(&dbn_path)?,
        kit::checkpoint::load(&dbm_path)?,
        kit::checkpoint::load(&probes_path)?,
    );
    let av = Av::load(data, AvVariant::Noisy)
        .map_err(|e| anyhow::anyhow!("loading the audio-visual digits: {e}"))?;
    for (path, file) in [(&dbn_path, &dbn_file), (&dbm_path, &dbm_file)] {
        let saved: Preprocessing = parse(path, &file.metadata, "preprocessing")?;
        anyhow::ensure!(
            saved == Preprocessing::of(&av),
            "{}: the AV digits in {} are not standardised as the model's were (its training means and standard \
             deviations, or the files, differ): give --data the data it was trained on",
            path.display(),
            data.display()
        );
    }
    let dbn_arch: DbnArchitecture = architecture(&dbn_path, &dbn_file.metadata, "multimodal_dbn")?;
    let ([i0, i1, i2], [a0, a1, a2]) = (dbn_arch.image, dbn_arch.audio);
    let ours = DbnArchitecture::of(
        AvDigits::IMAGE,
        av.audio_width(),
        [i1, i2, a1, a2, dbn_arch.joint],
        dbn_arch.mean_field_steps,
    );
    anyhow::ensure!(
        dbn_arch == ours && [i0, i1, i2, a0, a1, a2, dbn_arch.joint].iter().all(|&w| w > 0),
        "{}: the architecture {dbn_arch:?} is not one this build's multimodal DBN can take on the AV digits (it \
         would be {ours:?})",
        dbn_path.display()
    );
    let dbn = dbn_of(&dbn_path, &dbn_arch, &dbn_file.state)?;
    let dbm_arch: DbmArchitecture = architecture(&dbm_path, &dbm_file.metadata, "multimodal_dbm")?;
    let mut dbm = dbm_arch.build(&dbm_path, &av)?;
    dbm.load_state_dict(&dbm_file.state)
        .map_err(|e| anyhow::anyhow!("{} does not fit this DBM: {e}", dbm_path.display()))?;
    let dbn_rows: Vec<LayerRow> = parse(&dbn_path, &dbn_file.metadata, "test_accuracies")?;
    let dbm_rows: Vec<LayerRow> = parse(&dbm_path, &dbm_file.metadata, "test_accuracies")?;
    let names: Vec<String> = dbn_rows.iter().map(|r| r.layer.clone()).collect();
    let mut probes = probe_set(&probe_shapes(&dbn_rows));
    probes
        .load_state_dict(&probes_file.state)
        .map_err(|e| anyhow::anyhow!("{} does not fit these probes: {e}", probes_path.display()))?;
    let bound: Option<BoundPoint> = parse(&dbm_path, &dbm_file.metadata, "bound")?;
    let saved = Measured {
        dbn: dbn_rows.iter().map(|r| r.accuracy).collect(),
        dbm: dbm_rows.iter().map(|r| r.accuracy).collect(),
        convergence: parse(&dbm_path, &dbm_file.metadata, "convergence")?,
        bound: bound.map(|b| b.bound),
    };
    let read = MeanFieldConfig { tolerance: dbm_arch.read_tolerance, max_sweeps: dbm_arch.read_max_sweeps };
    // The layers the probes read must be the ones the models give, in their order.
    let expected = layer_names();
    anyhow::ensure!(
        names == expected && dbm_rows.iter().map(|r| &r.layer).eq(expected.iter()),
        "{} and {}: their \"test_accuracies\" name the layers {names:?}; the models give {expected:?}",
        dbn_path.display(),
        dbm_path.display()
    );
    let got = measure(&dbn, &dbm, &probes, &av, dbn_arch.mean_field_steps, &read, bound.map(|b| b.log_z));
    let (lines, same) = compare(&names, &got, &saved);
    let mut out = vec![format!(
        "{} and {} (with the probes of {}), on the {} test pairs of {}:",
        dbn_path.display(),
        dbm_path.display(),
        probes_path.display(),
        av.raw.test.len(),
        data.display()
    )];
    out.extend(lines);
    anyhow::ensure!(
        same,
        "the models loaded from {} do not give what they gave when saved:\n{}",
        dir.display(),
        out.join("\n")
    );
    Ok(out)
}

//! CCA in float64: its tensors under scikit-learn's names, written and read as
//! float64 `.safetensors`.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use models::Cca;
use models::data::AvDigits;
use models::linalg::Matrix;
use safetensors::tensor::{Dtype, SafeTensors, TensorView};

/// A float64 tensor: name, shape, values.
pub(super) type F64Tensor = (String, Vec<usize>, Vec<f64>);

pub(super) fn cca_tensors(cca: &Cca) -> Vec<F64Tensor> {
    vec![
        ("cca.correlations".into(), vec![cca.correlations.len()], cca.correlations.clone()),
        ("cca.x_mean".into(), vec![cca.mean_x.len()], cca.mean_x.clone()),
        ("cca.x_rotations".into(), vec![cca.wx.rows, cca.wx.cols], cca.wx.data.clone()),
        ("cca.y_mean".into(), vec![cca.mean_y.len()], cca.mean_y.clone()),
        ("cca.y_rotations".into(), vec![cca.wy.rows, cca.wy.cols], cca.wy.data.clone()),
    ]
}

/// CCA from its tensors (as `cca_tensors` writes them), or an error naming `path`
/// and the entry that is missing or misshapen.
pub(super) fn cca_from(tensors: &[F64Tensor], path: &Path) -> anyhow::Result<Cca> {
    let get = |name: &str| {
        tensors
            .iter()
            .find(|(n, _, _)| n == name)
            .ok_or_else(|| anyhow::anyhow!("{}: no entry {name:?}", path.display()))
    };
    if let Some((extra, _, _)) = tensors.iter().find(|(n, _, _)| {
        !["cca.correlations", "cca.x_mean", "cca.x_rotations", "cca.y_mean", "cca.y_rotations"]
            .contains(&n.as_str())
    }) {
        anyhow::bail!("{}: an entry {extra:?} CCA does not have", path.display());
    }
    let (_, cs, c) = get("cca.correlations")?;
    let (_, xs, xm) = get("cca.x_mean")?;
    let (_, ys, ym) = get("cca.y_mean")?;
    let (_, wxs, wx) = get("cca.x_rotations")?;
    let (_, wys, wy) = get("cca.y_rotations")?;
    let k = cs.first().copied().unwrap_or(0);
    let shapes = [
        ("cca.correlations", cs, vec![k]),
        ("cca.x_mean", xs, vec![AvDigits::IMAGE]),
        ("cca.x_rotations", wxs, vec![AvDigits::IMAGE, k]),
        ("cca.y_rotations", wys, vec![ys.first().copied().unwrap_or(0), k]),
        ("cca.y_mean", ys, vec![ys.first().copied().unwrap_or(0)]),
    ];
    for (name, got, want) in shapes {
        anyhow::ensure!(
            *got == want,
            "{}: entry {name:?} has shape {got:?}, CCA of {} image features and {k} directions needs {want:?}",
            path.display(),
            AvDigits::IMAGE
        );
    }
    let matrix =
        |shape: &[usize], data: &[f64]| Matrix { rows: shape[0], cols: shape[1], data: data.to_vec() };
    Ok(Cca {
        wx: matrix(wxs, wx),
        wy: matrix(wys, wy),
        mean_x: xm.clone(),
        mean_y: ym.clone(),
        correlations: c.clone(),
    })
}

/// Write float64 tensors to a `.safetensors` file atomically, with `metadata`.
pub(super) fn save_f64(
    path: &Path,
    tensors: &[F64Tensor],
    metadata: &[(&str, String)],
) -> anyhow::Result<()> {
    let bytes: Vec<Vec<u8>> =
        tensors.iter().map(|(_, _, v)| v.iter().flat_map(|x| x.to_le_bytes()).collect()).collect();
    let views = tensors
        .iter()
        .zip(&bytes)
        .map(|((name, shape, _), b)| Ok((name.clone(), TensorView::new(Dtype::F64, shape.clone(), b)?)))
        .collect::<Result<Vec<_>, safetensors::SafeTensorError>>()
        .map_err(|e| anyhow::anyhow!("cannot encode {}: {e}", path.display()))?;
    let info: HashMap<String, String> = metadata.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    let file = safetensors::tensor::serialize(views, Some(info))
        .map_err(|e| anyhow::anyhow!("cannot encode {}: {e}", path.display()))?;
    kit::report::write_atomic(path, &file)
}

/// Read a float64 `.safetensors` file: its tensors and metadata; a damaged file or a
/// tensor of another type is an error naming the file.
pub(super) fn load_f64(path: &Path) -> anyhow::Result<(Vec<F64Tensor>, HashMap<String, String>)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read checkpoint {}", path.display()))?;
    let broken = |e: safetensors::SafeTensorError| {
        anyhow::anyhow!(
            "{} is not a valid safetensors checkpoint (truncated or damaged?): {e}",
            path.display()
        )
    };
    let (_, header) = SafeTensors::read_metadata(&bytes).map_err(broken)?;
    let tensors = SafeTensors::deserialize(&bytes).map_err(broken)?;
    let mut out = Vec::new();
    for (name, view) in tensors.tensors() {
        anyhow::ensure!(
            view.dtype() == Dtype::F64,
            "{}: tensor {name} is {:?}; CCA is saved in float64",
            path.display(),
            view.dtype()
        );
        let values =
            view.data().chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes"))).collect();
        out.push((name, view.shape().to_vec(), values));
    }
    Ok((out, header.metadata().clone().unwrap_or_default()))
}

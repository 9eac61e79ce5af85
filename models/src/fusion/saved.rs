//! A model on utterance summaries saved with what it needs at inference: its weights
//! under PyTorch's names (`crate::checkpoint`), its architecture, and its
//! preprocessing (which modalities, in which order, each z-scored with the training
//! split's statistics). A reader in Python standardises the raw summaries with the
//! same numbers and runs the same forward pass (`chapters/ch07-supervised-fusion/
//! load_fusion.py`).

use std::collections::HashMap;
use std::path::Path;

use autograd::{Tensor, seeded_rng};
use serde::{Deserialize, Serialize};

use super::{FusionNet, Method, Part, Standardised};
use crate::checkpoint::{self, Error};
use crate::data::mosi::MosiSplit;
use crate::model::Model;
use crate::toymosi::Modality;

/// The metadata key of the architecture (JSON).
pub const ARCHITECTURE: &str = "architecture";
/// The metadata key of the preprocessing (JSON).
pub const PREPROCESSING: &str = "preprocessing";

/// Which modalities a model reads, in its input order, and each one's column means and
/// standard deviations (+ 1e-6) on the training split: x ↦ (x − mean) / sd.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Preprocessing {
    /// The modalities, in the model's input order.
    pub modalities: Vec<Modality>,
    /// Per modality, each column's training mean.
    pub mean: Vec<Vec<f64>>,
    /// Per modality, each column's training standard deviation + 1e-6.
    pub sd: Vec<Vec<f64>>,
}

impl Preprocessing {
    /// The statistics `data` was standardised with, for its `modalities`.
    #[track_caller]
    pub fn of(data: &Standardised, modalities: &[Modality]) -> Preprocessing {
        assert_eq!(
            data.mean.len(),
            modalities.len(),
            "Preprocessing::of: {} modalities for data of {}",
            modalities.len(),
            data.mean.len()
        );
        Preprocessing { modalities: modalities.to_vec(), mean: data.mean.clone(), sd: data.sd.clone() }
    }

    /// The raw summaries of `split` standardised as the model was trained: a part its
    /// forward pass reads (ids are row numbers).
    pub fn apply(&self, split: &MosiSplit) -> Part {
        let inputs = self
            .modalities
            .iter()
            .zip(self.mean.iter().zip(&self.sd))
            .map(|(&m, (mean, sd))| {
                (0..split.len())
                    .flat_map(|i| split.summary(i, m))
                    .enumerate()
                    .map(|(k, v)| ((f64::from(v) - mean[k % mean.len()]) / sd[k % sd.len()]) as f32)
                    .collect()
            })
            .collect();
        Part { inputs, labels: split.labels.clone(), ids: (0..split.len()).collect() }
    }
}

impl FusionNet {
    /// What rebuilds this model: its method, its input widths and (TFN) the highest
    /// order of the tensor's entries kept.
    pub fn architecture(&self) -> serde_json::Value {
        serde_json::json!({
            "kind": "FusionNet",
            "method": self.method,
            "widths": self.widths,
            "max_order": self.max_order,
        })
    }

    /// A model of the architecture [`FusionNet::architecture`] wrote, with fresh
    /// weights (load the saved ones next). An error says what does not fit.
    pub fn from_architecture(a: &serde_json::Value) -> Result<FusionNet, String> {
        let field = |k: &str| a.get(k).ok_or_else(|| format!("the architecture {a} has no {k:?}"));
        let kind = field("kind")?;
        if kind != "FusionNet" {
            return Err(format!("the architecture is a {kind}, not a FusionNet"));
        }
        let method: Method = serde_json::from_value(field("method")?.clone()).map_err(|e| e.to_string())?;
        let widths: Vec<usize> =
            serde_json::from_value(field("widths")?.clone()).map_err(|e| e.to_string())?;
        let max_order: Option<usize> =
            serde_json::from_value(a.get("max_order").cloned().unwrap_or_default())
                .map_err(|e| e.to_string())?;
        if widths.is_empty() || widths.contains(&0) {
            return Err(format!("the architecture's widths {widths:?} are not modality widths"));
        }
        let model = FusionNet::new(method, &widths, &mut seeded_rng(0));
        Ok(match max_order {
            Some(k) => model.with_max_order(k),
            None => model,
        })
    }
}

/// Save `model` to `path` with its `architecture`, its `preprocessing` and `results`
/// (more metadata: the run's scores, predictions, seed).
pub fn save_summary_model(
    path: &Path,
    model: &(impl Model + ?Sized),
    architecture: &serde_json::Value,
    preprocessing: &Preprocessing,
    results: &[(&str, String)],
) -> checkpoint::Result<()> {
    let mut metadata = vec![
        (ARCHITECTURE, architecture.to_string()),
        (PREPROCESSING, serde_json::to_string(preprocessing).expect("plain numbers serialise")),
    ];
    metadata.extend(results.iter().cloned());
    checkpoint::save_model(path, model, &metadata)
}

/// A checkpoint written by [`save_summary_model`], read back.
pub struct SavedSummaryModel {
    /// The weights, by PyTorch name.
    pub state: Vec<(String, Tensor)>,
    /// The architecture (JSON).
    pub architecture: serde_json::Value,
    /// The preprocessing.
    pub preprocessing: Preprocessing,
    /// Every metadata entry (the two above and the results).
    pub metadata: HashMap<String, String>,
}

/// Read a checkpoint written by [`save_summary_model`]; an error names the file and
/// what is missing or malformed.
pub fn read_summary_model(path: &Path) -> checkpoint::Result<SavedSummaryModel> {
    let loaded = checkpoint::load(path)?;
    let json = |key: &str| -> checkpoint::Result<serde_json::Value> {
        let text = checkpoint::field(path, &loaded.metadata, key)?;
        serde_json::from_str(text)
            .map_err(|e| Error(format!("{}: the metadata's {key:?} is not JSON: {e}", path.display())))
    };
    let architecture = json(ARCHITECTURE)?;
    let preprocessing: Preprocessing = serde_json::from_value(json(PREPROCESSING)?).map_err(|e| {
        Error(format!("{}: the metadata's {PREPROCESSING:?} is malformed: {e}", path.display()))
    })?;
    Ok(SavedSummaryModel { state: loaded.state, architecture, preprocessing, metadata: loaded.metadata })
}

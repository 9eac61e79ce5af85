//! The speed of TFN and LMF per training step, read from the committed measurement
//! `benches/results/fusion.json`, which `python3 benches/peers/fusion_compare.py` writes
//! (criterion's medians of `benches/benches/fusion.rs` and PyTorch's of
//! `benches/peers/torch_fusion.py`, measured side by side on one machine). Timings
//! depend on the machine, so the chapter's run never measures them itself: its outputs
//! would change on every run. It draws and judges the measurement the file holds.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The measurement, as committed.
const MEASURED: &str = include_str!("../../../benches/results/fusion.json");

/// Criterion's group for the fusion layer alone at toy MOSI SPEC section 10's sizes
/// (projections of 32, 32 and 64, batch 32).
pub const LAYER: &str = "fusion_layer_32_32_64_batch_32";
/// Criterion's group for toy MOSI's whole models (encoders and fusion, batch 32).
pub const MODEL: &str = "toy_mosi_model_batch_32";

/// One measurement of both engines.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Timing {
    /// When it was measured (ISO date).
    pub date: String,
    /// The command that measured it.
    pub command: String,
    /// The processor.
    pub cpu: String,
    /// Cores on the machine.
    pub cores: usize,
    /// Peer library versions ("torch" -> "2.15.0").
    pub versions: BTreeMap<String, String>,
    /// Best median milliseconds over the rounds: side ("ours", "torch") -> bench id -> ms.
    pub ms: BTreeMap<String, BTreeMap<String, f64>>,
}

impl Timing {
    /// Milliseconds of `side` ("ours", "torch") on `group`/`bench`, if measured.
    pub fn get(&self, side: &str, group: &str, bench: &str) -> Option<f64> {
        self.ms.get(side)?.get(&format!("{group}/{bench}")).copied()
    }

    /// TFN-with-a-linear-head time over LMF rank-4 time for one training step of the
    /// fusion layer at SPEC section 10's sizes, on `side`.
    pub fn layer_speedup(&self, side: &str) -> Option<f64> {
        Some(
            self.get(side, LAYER, "tfn_linear_train_step")?
                / self.get(side, LAYER, "lmf_rank4_train_step")?,
        )
    }
}

/// The committed measurement.
pub fn measured() -> anyhow::Result<Timing> {
    serde_json::from_str(MEASURED).map_err(|e| {
        anyhow::anyhow!("benches/results/fusion.json: {e}; rerun python3 benches/peers/fusion_compare.py")
    })
}

//! The speed of TFN and LMF per training step, read from the committed measurement
//! `benches/results/fusion-avx2.json`, which `python3 benches/peers/fusion_compare.py` writes
//! (criterion's medians of `benches/benches/fusion.rs` and PyTorch's of
//! `benches/peers/torch_fusion.py`, measured side by side on one machine). Timings
//! depend on the machine, so the chapter's run never measures them itself: its outputs
//! would change on every run. It draws and judges the measurement the file holds.

pub use kit::timing::Timing;

/// The measurement, as committed.
const MEASURED: &str = include_str!("../../../benches/results/fusion-avx2.json");

/// Criterion's group for the fusion layer alone at toy MOSI SPEC section 10's sizes
/// (projections of 32, 32 and 64, batch 32).
pub const LAYER: &str = "fusion_layer_32_32_64_batch_32";
/// Criterion's group for toy MOSI's whole models (encoders and fusion, batch 32).
pub const MODEL: &str = "toy_mosi_model_batch_32";

/// The committed measurement.
pub fn measured() -> anyhow::Result<Timing> {
    Timing::parse(MEASURED, "benches/results/fusion-avx2.json", "python3 benches/peers/fusion_compare.py")
}

//! The speed of one training step, read from the committed measurement
//! `benches/results/captioning-avx2.json`, which `python3 benches/peers/captioning_compare.py`
//! writes (criterion's medians of `benches/benches/captioning.rs` and PyTorch's of
//! `benches/peers/torch_captioning.py`, one thread each, side by side on one machine).
//! A chapter run never times anything: its outputs would change on every run.

pub use kit::timing::Timing;

/// The measurement, as committed.
const MEASURED: &str = include_str!("../../../benches/results/captioning-avx2.json");

/// Criterion's group of the captioner's benches.
pub const GROUP: &str = "captioner_batch_32";

/// The committed measurement.
pub fn measured() -> anyhow::Result<Timing> {
    Timing::parse(
        MEASURED,
        "benches/results/captioning-avx2.json",
        "python3 benches/peers/captioning_compare.py",
    )
}

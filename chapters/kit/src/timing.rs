//! A committed speed measurement of a chapter's benches: `benches/results/NAME.json`,
//! written by `python3 benches/peers/side_by_side.py NAME` (criterion's medians of
//! `benches/benches/NAME.rs` and PyTorch's of the peer script, measured side by side on
//! one machine). Timings depend on the machine, so a chapter's run never measures them
//! itself (its outputs would change on every run): it compiles the file in, and draws
//! and judges the measurement it holds.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
    /// Parse the committed `file`; the error says to rerun `command`.
    pub fn parse(json: &str, file: &str, command: &str) -> anyhow::Result<Timing> {
        serde_json::from_str(json).map_err(|e| anyhow::anyhow!("{file}: {e}; rerun {command}"))
    }

    /// Milliseconds of `side` ("ours", "torch") on `group`/`bench`, if measured.
    pub fn get(&self, side: &str, group: &str, bench: &str) -> Option<f64> {
        self.ms.get(side)?.get(&format!("{group}/{bench}")).copied()
    }
}

//! Sequence models: an embedding table, the LSTM written out gate by gate, a vanilla
//! RNN to compare it with, and the cross-entropy of a sequence of predictions with the
//! padding left out. Chapters 10 (captioning) and 11 (multimodal LSTMs) build on them.
//!
//! Conventions: batch first, `(batch, steps, features)`, as PyTorch's
//! `batch_first=True`; sequences of different lengths are padded to the longest and
//! carry their `lengths`, so a state stops changing after its sequence ends and the
//! outputs past the end are zero (PyTorch's packed sequences behave the same).

mod embedding;
mod loss;
mod lstm;
mod recall;
mod rnn;

pub use embedding::Embedding;
pub use loss::sequence_cross_entropy;
pub use lstm::{Lstm, LstmCell, LstmState, lstm_cell, lstm_cell_fused, lstm_layer};
pub use recall::{
    RECALL_BATCH, RECALL_INPUT, RECALL_LR, RecallModel, Recurrence, SYMBOLS, Unrolled, recall_batch,
};
pub use rnn::{Rnn, RnnCell, rnn_cell, rnn_layer};

use autograd::Tensor;

/// (batch, 1) masks, one per step: 1 while step t is inside sequence b, 0 after.
/// `None` when every sequence is full length. Panics naming `what` on a length of 0 or
/// past `steps`, or on a count of lengths other than `batch`.
#[track_caller]
pub(crate) fn step_masks(
    what: &str,
    lengths: Option<&[usize]>,
    batch: usize,
    steps: usize,
) -> Option<Vec<Tensor>> {
    let lengths = lengths?;
    assert_eq!(lengths.len(), batch, "{what}: {} lengths for a batch of {batch}", lengths.len());
    if let Some(bad) = lengths.iter().find(|&&l| l == 0 || l > steps) {
        panic!("{what}: length {bad} outside 1..={steps} (the padded number of steps)");
    }
    if lengths.iter().all(|&l| l == steps) {
        return None;
    }
    Some(
        (0..steps)
            .map(|t| {
                Tensor::from_vec(lengths.iter().map(|&l| f32::from(u8::from(t < l))).collect(), &[batch, 1])
            })
            .collect(),
    )
}

/// `new` where the mask is 1 and `old` where it is 0: old + m (new - old).
pub(crate) fn keep_where(mask: Option<&Tensor>, new: Tensor, old: &Tensor) -> Tensor {
    match mask {
        None => new,
        Some(m) => old.add(&new.sub(old).mul(m)),
    }
}

/// The (batch, steps, features) input's dimensions, or a panic naming `what`.
#[track_caller]
pub(crate) fn dims3(what: &str, xs: &Tensor, features: usize) -> (usize, usize) {
    match *xs.shape() {
        [b, t, f] if f == features && t > 0 => (b, t),
        _ => panic!("{what}: input shape {:?}, expected (batch, steps >= 1, {features})", xs.shape()),
    }
}

//! The cross-entropy of a sequence of predictions, padding left out.

use autograd::Tensor;

/// Mean cross-entropy over the real tokens of padded sequences: logits (batch, steps,
/// vocabulary), `targets` row-major (batch * steps), and sequence b's real tokens are
/// its first `lengths[b]`. Targets past a sequence's end are ignored (any value will
/// do). torch: `F.cross_entropy(logits.flatten(0, 1), targets, ignore_index=PAD)`
#[track_caller]
pub fn sequence_cross_entropy(logits: &Tensor, targets: &[usize], lengths: &[usize]) -> Tensor {
    let (batch, steps, vocabulary) = match *logits.shape() {
        [b, t, v] if b * t == targets.len() && b == lengths.len() => (b, t, v),
        _ => panic!(
            "sequence_cross_entropy: logits shape {:?}, {} targets and {} lengths do not fit (batch, steps, \
             vocabulary), batch * steps and batch",
            logits.shape(),
            targets.len(),
            lengths.len()
        ),
    };
    let mut mask = vec![0.0f32; batch * steps * vocabulary];
    let mut count = 0usize;
    for (b, &len) in lengths.iter().enumerate() {
        assert!(len <= steps, "sequence_cross_entropy: length {len} of sequence {b} is past {steps} steps");
        for t in 0..len {
            let target = targets[b * steps + t];
            assert!(
                target < vocabulary,
                "sequence_cross_entropy: target {target} (sequence {b}, step {t}) outside a vocabulary of {vocabulary}"
            );
            mask[(b * steps + t) * vocabulary + target] = 1.0;
            count += 1;
        }
    }
    assert!(count > 0, "sequence_cross_entropy: every sequence is empty");
    let log_p = logits.reshape(&[batch * steps, vocabulary]).log_softmax(-1);
    log_p.mul(&Tensor::from_vec(mask, &[batch * steps, vocabulary])).sum_all(false).scale(-1.0 / count as f32)
}

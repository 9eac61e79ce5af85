//! Shuffling, mini-batching and stratified splitting, all from the caller's seeded RNG.

use autograd::{Rng, Tensor};
use rand::seq::SliceRandom;

/// Indices 0..n shuffled, cut into batches of `batch_size` (the last may be smaller).
pub fn shuffled_batches(n: usize, batch_size: usize, rng: &mut Rng) -> Vec<Vec<usize>> {
    assert!(batch_size > 0, "shuffled_batches: batch_size must be positive");
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(rng);
    order.chunks(batch_size).map(<[usize]>::to_vec).collect()
}

/// Rows `indices` of a row-major (rows, width) table, as a (indices.len(), width) tensor.
pub fn gather_rows(table: &[f32], width: usize, indices: &[usize]) -> Tensor {
    let mut data = Vec::with_capacity(indices.len() * width);
    for &i in indices {
        data.extend_from_slice(&table[i * width..][..width]);
    }
    Tensor::from_vec(data, &[indices.len(), width])
}

/// Split indices 0..labels.len() so each class keeps the same share in the test set:
/// per class, a shuffled `round(test_fraction * count)` go to test. Returns (train, test),
/// each sorted.
pub fn stratified_split(labels: &[usize], test_fraction: f64, rng: &mut Rng) -> (Vec<usize>, Vec<usize>) {
    assert!(
        (0.0..=1.0).contains(&test_fraction),
        "stratified_split: test_fraction {test_fraction} outside [0, 1]"
    );
    let classes = labels.iter().max().map_or(0, |m| m + 1);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for class in 0..classes {
        let mut members: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        members.shuffle(rng);
        let n_test = (test_fraction * members.len() as f64).round() as usize;
        test.extend_from_slice(&members[..n_test]);
        train.extend_from_slice(&members[n_test..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    (train, test)
}

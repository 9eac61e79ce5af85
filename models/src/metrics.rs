//! Classification metrics: accuracy, confusion matrix, macro-F1.

use autograd::Tensor;

/// The index of the largest value in each row of a (rows, classes) tensor.
pub fn argmax_rows(scores: &Tensor) -> Vec<usize> {
    let (_, classes) = scores.dims2();
    scores
        .data()
        .chunks_exact(classes)
        .map(|row| (0..classes).fold(0, |best, c| if row[c] > row[best] { c } else { best }))
        .collect()
}

/// Fraction of predictions equal to the truth.
#[track_caller]
pub fn accuracy(predicted: &[usize], truth: &[usize]) -> f64 {
    assert_eq!(
        predicted.len(),
        truth.len(),
        "accuracy: {} predictions for {} labels",
        predicted.len(),
        truth.len()
    );
    if truth.is_empty() {
        return 0.0;
    }
    predicted.iter().zip(truth).filter(|(p, t)| p == t).count() as f64 / truth.len() as f64
}

/// `m[t][p]`: how many examples of true class t were predicted as p.
#[track_caller]
pub fn confusion_matrix(predicted: &[usize], truth: &[usize], classes: usize) -> Vec<Vec<usize>> {
    assert_eq!(
        predicted.len(),
        truth.len(),
        "confusion_matrix: {} predictions for {} labels",
        predicted.len(),
        truth.len()
    );
    let mut m = vec![vec![0; classes]; classes];
    for (&p, &t) in predicted.iter().zip(truth) {
        m[t][p] += 1;
    }
    m
}

/// Mean over classes of F1 = 2 precision recall / (precision + recall); a class never
/// predicted nor present counts as F1 = 0 only if it is present.
pub fn macro_f1(predicted: &[usize], truth: &[usize], classes: usize) -> f64 {
    let m = confusion_matrix(predicted, truth, classes);
    let mut total = 0.0;
    let mut counted = 0;
    for (c, row) in m.iter().enumerate() {
        let tp = row[c] as f64;
        let predicted_c: usize = m.iter().map(|r| r[c]).sum();
        let actual_c: usize = row.iter().sum();
        if actual_c == 0 && predicted_c == 0 {
            continue;
        }
        counted += 1;
        if tp > 0.0 {
            let (precision, recall) = (tp / predicted_c as f64, tp / actual_c as f64);
            total += 2.0 * precision * recall / (precision + recall);
        }
    }
    if counted == 0 { 0.0 } else { total / counted as f64 }
}

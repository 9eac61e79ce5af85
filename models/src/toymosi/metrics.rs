//! The sentiment metrics of SPEC section 5 (as the MOSI papers report them), computed
//! on predictions p and labels y in [-3, 3].

use serde::{Deserialize, Serialize};

use super::stats::pearson;

/// The five numbers a MOSI table reports.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SentimentScores {
    /// Mean absolute error, mean |p - y|.
    pub mae: f64,
    /// Pearson correlation of p and y.
    pub corr: f64,
    /// Negative vs non-negative: mean of [(p >= 0) == (y >= 0)] (0 counts as non-negative).
    pub acc2: f64,
    /// F1 of the two classes {y < 0, y >= 0}, each weighted by its share of y.
    pub f1: f64,
    /// Seven classes: mean of [R(p) == R(y)], R(v) = clip(round(v), -3, 3).
    pub acc7: f64,
}

fn seven(v: f64) -> i32 {
    v.round().clamp(-3.0, 3.0) as i32
}

/// Score predictions against labels.
#[track_caller]
pub fn sentiment_scores(predicted: &[f64], labels: &[f64]) -> SentimentScores {
    assert!(
        predicted.len() == labels.len() && !labels.is_empty(),
        "sentiment_scores: {} predictions for {} labels (need the same number, at least one)",
        predicted.len(),
        labels.len()
    );
    let n = labels.len() as f64;
    let mae = predicted.iter().zip(labels).map(|(p, y)| (p - y).abs()).sum::<f64>() / n;
    let acc2 = predicted.iter().zip(labels).filter(|(p, y)| (**p >= 0.0) == (**y >= 0.0)).count() as f64 / n;
    let acc7 = predicted.iter().zip(labels).filter(|(p, y)| seven(**p) == seven(**y)).count() as f64 / n;
    // Weighted F1 over the classes "negative" (y < 0) and "non-negative".
    let mut f1 = 0.0;
    for negative in [true, false] {
        let is = |v: f64| (v < 0.0) == negative;
        let tp = predicted.iter().zip(labels).filter(|(p, y)| is(**p) && is(**y)).count() as f64;
        let fp = predicted.iter().zip(labels).filter(|(p, y)| is(**p) && !is(**y)).count() as f64;
        let fn_ = predicted.iter().zip(labels).filter(|(p, y)| !is(**p) && is(**y)).count() as f64;
        let support = labels.iter().filter(|y| is(**y)).count() as f64;
        let class_f1 = if tp + fp + fn_ > 0.0 { 2.0 * tp / (2.0 * tp + fp + fn_) } else { 0.0 };
        f1 += class_f1 * support / n;
    }
    SentimentScores { mae, corr: pearson(predicted, labels), acc2, f1, acc7 }
}

/// Scores on the sarcasm subset (an eye-roll on positive words) and on the rest, for
/// `predictions` of the utterances `ids` of `data` with `labels`.
#[track_caller]
pub fn sarcasm_split(
    data: &super::ToyMosi,
    ids: &[usize],
    predictions: &[f64],
    labels: &[f64],
) -> (SentimentScores, SentimentScores) {
    let (mut inside, mut outside) = ((vec![], vec![]), (vec![], vec![]));
    for ((&id, &p), &y) in ids.iter().zip(predictions).zip(labels) {
        let part = if data.utterances[id].sarcastic() { &mut inside } else { &mut outside };
        part.0.push(p);
        part.1.push(y);
    }
    (sentiment_scores(&inside.0, &inside.1), sentiment_scores(&outside.0, &outside.1))
}

/// SPEC section 8.5's tolerance for a re-implementation: Acc-2 (percent) within 2.5
/// points and MAE within 0.04 of the reference, each difference otherwise accepted
/// when it is within two of our own across-seed standard deviations.
pub fn within_tolerance(ours: (f64, f64), ours_sd: (f64, f64), reference: (f64, f64)) -> bool {
    let ok = |d: f64, tol: f64, sd: f64| d.abs() <= tol || d.abs() <= 2.0 * sd;
    ok(ours.0 - reference.0, 2.5, ours_sd.0) && ok(ours.1 - reference.1, 0.04, ours_sd.1)
}

/// Mean and population standard deviation.
pub fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    (mean, (values.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hand_worked_example() {
        // Labels: -2, -1/3, 0, 1, 7/3. Predictions: -1.4, 0.2, -0.1, 1.6, 3.9.
        let y = [-2.0, -1.0 / 3.0, 0.0, 1.0, 7.0 / 3.0];
        let p = [-1.4, 0.2, -0.1, 1.6, 3.9];
        let s = sentiment_scores(&p, &y);
        // |errors| = 0.6, 0.5333, 0.1, 0.6, 1.5667: sum 3.4, mean 0.68.
        assert!((s.mae - 0.68).abs() < 1e-12);
        // Signs: (-,-) ok, (+,-) wrong, (-,0) wrong, (+,+) ok, (+,+) ok: 3/5.
        assert!((s.acc2 - 0.6).abs() < 1e-12);
        // Seven classes: R(p) = -1, 0, 0, 2, 3; R(y) = -2, 0, 0, 1, 2: 2 of 5.
        assert!((s.acc7 - 0.4).abs() < 1e-12);
        // Negative class: tp 1, fp 1 (p = -0.1, y = 0), fn 1 (y = -1/3): F1 = 2/4 = 0.5,
        // weight 2/5. Non-negative: tp 2, fp 1, fn 1: F1 = 4/6, weight 3/5.
        assert!((s.f1 - (0.5 * 0.4 + 4.0 / 6.0 * 0.6)).abs() < 1e-12);
        assert!(s.corr > 0.9 && s.corr < 1.0);
        let perfect = sentiment_scores(&y, &y);
        assert_eq!((perfect.mae, perfect.acc2, perfect.f1, perfect.acc7), (0.0, 1.0, 1.0, 1.0));
        assert!((perfect.corr - 1.0).abs() < 1e-12);
    }

    #[test]
    fn mean_and_sd_by_hand() {
        assert_eq!(mean_sd(&[1.0, 3.0]), (2.0, 1.0));
    }

    #[test]
    fn the_tolerance_of_spec_8_5() {
        assert!(within_tolerance((84.0, 0.62), (0.0, 0.0), (86.2, 0.581)));
        assert!(!within_tolerance((83.0, 0.62), (0.0, 0.0), (86.2, 0.581)));
        assert!(!within_tolerance((86.0, 0.63), (0.0, 0.02), (86.2, 0.581)));
        assert!(within_tolerance((86.0, 0.63), (0.0, 0.03), (86.2, 0.581)));
    }

    #[test]
    #[should_panic(expected = "sentiment_scores: 2 predictions for 3 labels")]
    fn mismatched_lengths_are_refused() {
        sentiment_scores(&[0.0, 1.0], &[0.0, 1.0, 2.0]);
    }
}

//! Training and scoring helpers the chapter's experiments share.

use autograd::{Adam, Csr, Tensor, no_grad};
use models::Gcn;
use models::metrics::{accuracy, argmax_rows};

/// The identity matrix as node features: each node starts as its own one-hot vector,
/// so the GCN has to learn everything from the graph.
pub fn identity_features(n: usize) -> Tensor {
    let mut data = vec![0.0; n * n];
    (0..n).for_each(|i| data[i * n + i] = 1.0);
    Tensor::from_vec(data, &[n, n])
}

/// The L2 weight decay of every classifier the chapter trains (Kipf and Welling's).
pub const WEIGHT_DECAY: f32 = 5e-4;

/// Adam's learning rate for every classifier the chapter trains (Kipf and Welling's).
pub const LEARNING_RATE: f32 = 0.01;

/// Hidden units of the karate club's GCN (Kipf and Welling's).
pub const KARATE_HIDDEN: usize = 16;

/// Width of every stack of the depth study, and of the MLP baseline on the planted graphs.
pub const PLANTED_HIDDEN: usize = 32;

// ANCHOR: semi_supervised
/// Semi-supervised node classification: the loss sees only the labelled nodes, but
/// every node's features flow through Â into their predictions.
#[allow(clippy::too_many_arguments)]
pub fn train_classifier(
    gcn: &mut Gcn,
    adj: &Csr,
    x: &Tensor,
    labels: &[usize],
    train: &[usize],
    epochs: usize,
    lr: f32,
    weight_decay: f32, // WEIGHT_DECAY, except in the depth study's ablation
) -> anyhow::Result<()> {
    let mut adam = Adam::new(lr).with_weight_decay(weight_decay);
    let targets: Vec<usize> = train.iter().map(|&i| labels[i]).collect();
    for step in 0..epochs {
        let logits = gcn.forward(adj, x); // (nodes, classes): every node
        // The loss sees the labelled nodes only.
        let loss = logits.index_select(0, train).cross_entropy(&targets);
        kit::check_finite(step, loss.item())?; // NaN: stop, naming the step
        let grads = loss.backward();
        drop(loss); // free the graph, so Adam can update the weights in place
        adam.step(&mut gcn.parameters_mut(), &grads);
    }
    Ok(())
}
// ANCHOR_END: semi_supervised

/// Accuracy of the GCN's predictions on the nodes `eval`.
pub fn node_accuracy(gcn: &Gcn, adj: &Csr, x: &Tensor, labels: &[usize], eval: &[usize]) -> f64 {
    let predicted = no_grad(|| argmax_rows(&gcn.forward(adj, x).index_select(0, eval)));
    let truth: Vec<usize> = eval.iter().map(|&i| labels[i]).collect();
    accuracy(&predicted, &truth)
}

/// Mean, standard deviation and minimum of a list of scores.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub struct Spread {
    /// Mean over the runs.
    pub mean: f64,
    /// Standard deviation over the runs (population, 1/n).
    pub std: f64,
    /// The worst run.
    pub min: f64,
    /// How many runs.
    pub runs: usize,
    /// Every run's score, in seed order (what comparisons pair by seed).
    #[serde(default)]
    pub values: Vec<f64>,
}

impl Spread {
    /// The spread of `values`, one per run.
    pub fn of(values: &[f64]) -> Spread {
        let n = values.len().max(1) as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        Spread { mean, std: var.sqrt(), min, runs: values.len(), values: values.to_vec() }
    }
}

/// Area under the ROC curve: the chance that a random positive scores above a random
/// negative (ties count half).
pub fn auc(positive: &[f32], negative: &[f32]) -> f64 {
    let mut wins = 0.0;
    for &p in positive {
        for &q in negative {
            wins += if p > q {
                1.0
            } else if p == q {
                0.5
            } else {
                0.0
            };
        }
    }
    wins / (positive.len() * negative.len()).max(1) as f64
}

/// Spearman's rank correlation: Pearson's correlation of the ranks (ties share the
/// mean of their ranks). 1 when `b` grows whenever `a` does.
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    fn ranks(v: &[f64]) -> Vec<f64> {
        let mut order: Vec<usize> = (0..v.len()).collect();
        order.sort_by(|&i, &j| v[i].total_cmp(&v[j]));
        let mut r = vec![0.0; v.len()];
        let mut i = 0;
        while i < order.len() {
            let mut j = i;
            while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
                j += 1;
            }
            (i..=j).for_each(|k| r[order[k]] = (i + j) as f64 / 2.0);
            i = j + 1;
        }
        r
    }
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let (va, vb): (f64, f64) =
        (ra.iter().map(|x| (x - ma).powi(2)).sum(), rb.iter().map(|y| (y - mb).powi(2)).sum());
    cov / (va * vb).sqrt().max(1e-300)
}

#[cfg(test)]
mod tests {
    #[test]
    fn spearman_by_hand() {
        // Monotone but not linear: rank correlation 1; reversed: -1.
        assert!((super::spearman(&[1.0, 2.0, 3.0, 4.0], &[1.0, 8.0, 27.0, 64.0]) - 1.0).abs() < 1e-12);
        assert!((super::spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        // Ties share their mean rank: ranks (0.5, 0.5, 2) against (0, 1, 2).
        let r = super::spearman(&[1.0, 1.0, 2.0], &[1.0, 2.0, 3.0]);
        assert!((r - 0.75f64.sqrt()).abs() < 1e-12, "{r}");
    }
}

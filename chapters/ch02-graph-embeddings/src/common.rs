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

// ANCHOR: semi_supervised
/// Semi-supervised node classification: the loss sees only the labelled nodes, but
/// every node's features flow through Â into their predictions.
pub fn train_classifier(
    gcn: &mut Gcn,
    adj: &Csr,
    x: &Tensor,
    labels: &[usize],
    train: &[usize],
    epochs: usize,
    lr: f32,
) -> anyhow::Result<()> {
    let mut adam = Adam::new(lr).with_weight_decay(5e-4);
    let targets: Vec<usize> = train.iter().map(|&i| labels[i]).collect();
    for step in 0..epochs {
        let logits = gcn.forward(adj, x); // (nodes, classes): every node
        let loss = logits.index_select(0, train).cross_entropy(&targets); // labelled ones only
        kit::check_finite(step, loss.item())?;
        let grads = loss.backward();
        drop(loss);
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
#[derive(serde::Serialize, Debug, Clone, Copy)]
pub struct Spread {
    pub mean: f64,
    pub std: f64,
    pub min: f64,
    pub runs: usize,
}

impl Spread {
    pub fn of(values: &[f64]) -> Spread {
        let n = values.len().max(1) as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        Spread { mean, std: var.sqrt(), min, runs: values.len() }
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

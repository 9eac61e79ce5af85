//! What depth does: accuracy against the number of layers, with and without residual
//! connections, and per layer the gradient reaching each weight, the size of the
//! forward signal, and how alike the nodes' representations become.

use autograd::{Csr, Tensor, seeded_rng};
use models::graph::Graph;
use models::{Activation, Gcn, Residual};
use serde::Serialize;

use crate::Config;
use crate::common::node_accuracy;
use crate::supervised::{mlp_on_features, planted, twenty_per_class};

/// One planted-partition graph of the study, with what every model trained on it shares.
struct Planted {
    graph: Graph,
    adj: Csr,
    x: Tensor,
    train: Vec<usize>,
    test: Vec<usize>,
}

/// Per layer of one deep GCN, at initialisation and after training.
#[derive(Serialize, Debug, Clone)]
pub struct LayerDiagnostics {
    pub layer: usize,
    /// ||d loss / d W_l||, the gradient reaching the layer's weight.
    pub grad_norm_init: f64,
    pub grad_norm_trained: f64,
    /// Mean ||h_i|| over nodes of the layer's output.
    pub signal_norm_init: f64,
    pub signal_norm_trained: f64,
    /// Mean cosine similarity between different nodes' representations: 1 means
    /// every node looks the same (over-smoothing).
    pub cosine_init: f64,
    pub cosine_trained: f64,
}

#[derive(Serialize, Debug, Clone)]
pub struct DepthRow {
    pub depth: usize,
    pub plain: f64,
    pub residual: f64,
}

#[derive(Serialize, Debug, Clone)]
pub struct SharingRow {
    pub depth: usize,
    pub residual: bool,
    pub per_layer_accuracy: f64,
    pub per_layer_parameters: usize,
    pub shared_accuracy: f64,
    pub shared_parameters: usize,
}

#[derive(Serialize, Debug)]
pub struct DepthStudy {
    pub nodes: usize,
    pub edges: usize,
    pub residual_alpha: f32,
    /// The features alone: an MLP trained on the same 80 labelled nodes.
    pub mlp_accuracy: f64,
    pub rows: Vec<DepthRow>,
    pub deepest: usize,
    pub plain_layers: Vec<LayerDiagnostics>,
    pub residual_layers: Vec<LayerDiagnostics>,
    pub sharing: Vec<SharingRow>,
}

/// Mean cosine similarity over all pairs of distinct nonzero rows, in O(n d):
/// sum_{i != j} <u_i, u_j> = ||sum_i u_i||^2 - n for unit vectors u_i.
fn mean_cosine(h: &Tensor) -> f64 {
    let (_, d) = h.dims2();
    let mut total = vec![0.0f64; d];
    let mut count = 0usize;
    for row in h.data().chunks_exact(d) {
        let norm = row.iter().map(|&v| (v as f64).powi(2)).sum::<f64>().sqrt();
        if norm > 1e-12 {
            total.iter_mut().zip(row).for_each(|(t, &v)| *t += v as f64 / norm);
            count += 1;
        }
    }
    if count < 2 {
        return 1.0; // every representation zero: nothing tells nodes apart
    }
    let sum_sq: f64 = total.iter().map(|t| t * t).sum();
    (sum_sq - count as f64) / (count * (count - 1)) as f64
}

fn mean_row_norm(h: &Tensor) -> f64 {
    let (n, d) = h.dims2();
    h.data().chunks_exact(d).map(|r| r.iter().map(|&v| (v as f64).powi(2)).sum::<f64>().sqrt()).sum::<f64>()
        / n as f64
}

/// Per-layer (grad norm, signal norm, cosine) at the current weights.
fn measure(gcn: &Gcn, adj: &Csr, x: &Tensor, labels: &[usize], train: &[usize]) -> Vec<(f64, f64, f64)> {
    let targets: Vec<usize> = train.iter().map(|&i| labels[i]).collect();
    let trace = gcn.forward_trace(adj, x);
    let loss = trace.layers.last().unwrap().index_select(0, train).cross_entropy(&targets);
    let grads = loss.backward();
    gcn.applied_layers()
        .iter()
        .zip(&trace.layers)
        .map(|(layer, h)| {
            let g = grads
                .get(layer.weight.tensor())
                .map_or(0.0, |g| g.data().iter().map(|&v| (v as f64).powi(2)).sum::<f64>().sqrt());
            (g, mean_row_norm(h), mean_cosine(h))
        })
        .collect()
}

/// Train like `train_classifier`, measuring before and after when asked.
#[allow(clippy::too_many_arguments)]
fn train_and_measure(
    gcn: &mut Gcn,
    adj: &Csr,
    x: &Tensor,
    labels: &[usize],
    train: &[usize],
    epochs: usize,
    diagnose: bool,
) -> anyhow::Result<Option<Vec<LayerDiagnostics>>> {
    let before = diagnose.then(|| measure(gcn, adj, x, labels, train));
    crate::common::train_classifier(gcn, adj, x, labels, train, epochs, 0.01)?;
    Ok(before.map(|before| {
        let after = measure(gcn, adj, x, labels, train);
        before
            .iter()
            .zip(&after)
            .enumerate()
            .map(|(l, (b, a))| LayerDiagnostics {
                layer: l + 1,
                grad_norm_init: b.0,
                grad_norm_trained: a.0,
                signal_norm_init: b.1,
                signal_norm_trained: a.1,
                cosine_init: b.2,
                cosine_trained: a.2,
            })
            .collect()
    }))
}

pub fn depth_study(cfg: &Config, progress: bool) -> anyhow::Result<DepthStudy> {
    let seeds = cfg.depth_seeds;
    let deepest = *cfg.depths.iter().max().unwrap_or(&2);
    let alpha = cfg.residual_alpha;
    let bar = kit::progress::bar((cfg.depths.len() * seeds) as u64, "ch02 depth", progress);
    let mut rows = Vec::new();
    let mut mlp = Vec::new();
    let (mut plain_layers, mut residual_layers) = (Vec::new(), Vec::new());
    let mut graphs: Vec<Planted> = Vec::new();
    for s in 0..seeds {
        let seed = cfg.seed * 1000 + 400 + s as u64;
        let (graph, x) = planted(cfg, seed);
        let (train, test) = twenty_per_class(&graph, seed);
        mlp.push(mlp_on_features(&graph, &x, &train, &test, cfg, seed)?);
        let adj = graph.normalized_adjacency();
        graphs.push(Planted { graph, adj, x, train, test });
    }
    let run = |depth: usize,
               shared: bool,
               residual: Residual,
               diagnose: bool|
     -> anyhow::Result<(f64, usize, Option<Vec<LayerDiagnostics>>)> {
        let mut total = 0.0;
        let mut params = 0;
        let mut diagnostics = None;
        for (s, Planted { graph, adj, x, train, test }) in graphs.iter().enumerate() {
            let labels = graph.labels.as_ref().unwrap();
            let mut rng = seeded_rng(cfg.seed * 1000 + 600 + s as u64);
            let mut gcn =
                Gcn::new((x.shape()[1], 32, 4), depth, shared, residual, Activation::Relu, &mut rng);
            params = gcn.num_parameters();
            let d = train_and_measure(&mut gcn, adj, x, labels, train, cfg.epochs, diagnose && s == 0)?;
            diagnostics = diagnostics.or(d);
            total += node_accuracy(&gcn, adj, x, labels, test);
        }
        Ok((total / graphs.len() as f64, params, diagnostics))
    };
    let mut per_layer = std::collections::BTreeMap::new();
    for &depth in &cfg.depths {
        let (plain, plain_params, plain_diag) = run(depth, false, Residual::None, depth == deepest)?;
        let (residual, residual_params, residual_diag) =
            run(depth, false, Residual::Scaled(alpha), depth == deepest)?;
        per_layer.insert((depth, false), (plain, plain_params));
        per_layer.insert((depth, true), (residual, residual_params));
        if let (Some(p), Some(r)) = (plain_diag, residual_diag) {
            plain_layers = p;
            residual_layers = r;
        }
        rows.push(DepthRow { depth, plain, residual });
        bar.inc(seeds as u64);
    }
    bar.finish_and_clear();
    let mut sharing = Vec::new();
    for &depth in cfg.sharing_depths.iter().filter(|d| cfg.depths.contains(d)) {
        for residual in [false, true] {
            let mode = if residual { Residual::Scaled(alpha) } else { Residual::None };
            let (shared_accuracy, shared_parameters, _) = run(depth, true, mode, false)?;
            let (per_layer_accuracy, per_layer_parameters) = per_layer[&(depth, residual)];
            sharing.push(SharingRow {
                depth,
                residual,
                per_layer_accuracy,
                per_layer_parameters,
                shared_accuracy,
                shared_parameters,
            });
        }
    }
    let g = &graphs[0].graph;
    Ok(DepthStudy {
        nodes: g.n,
        edges: g.edges.len(),
        residual_alpha: alpha,
        mlp_accuracy: mlp.iter().sum::<f64>() / mlp.len() as f64,
        rows,
        deepest,
        plain_layers,
        residual_layers,
        sharing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_cosine_by_hand() {
        // Rows (1, 0), (0, 1), (1, 1): cosines 0, 1/sqrt 2, 1/sqrt 2; mean over the 3 pairs.
        let h = Tensor::from_vec(vec![1.0, 0.0, 0.0, 1.0, 1.0, 1.0], &[3, 2]);
        let expected = (0.0 + 2.0 * std::f64::consts::FRAC_1_SQRT_2) / 3.0;
        assert!((mean_cosine(&h) - expected).abs() < 1e-6);
        let same = Tensor::from_vec(vec![2.0, 1.0, 4.0, 2.0], &[2, 2]);
        assert!((mean_cosine(&same) - 1.0).abs() < 1e-6);
    }
}

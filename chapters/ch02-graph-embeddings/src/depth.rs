//! What depth does: accuracy against the number of layers, with and without residual
//! connections, and per layer the gradient reaching each weight, the size of the
//! forward signal, and how alike the nodes' representations become.

use autograd::{Csr, Tensor, seeded_rng};
use models::graph::Graph;
use models::{Activation, Gcn, Residual};
use serde::{Deserialize, Serialize};

use crate::Config;
use crate::checkpoint::{GraphSpec, SavedModel, Spec, saved};
use crate::common::{LEARNING_RATE, PLANTED_HIDDEN, WEIGHT_DECAY, node_accuracy};
use crate::supervised::{mlp_on_features, planted, twenty_per_class};

/// One planted-partition graph of the study, with what every model trained on it
/// shares, as plain data: each job (which may run on another core) builds its own
/// adjacency and feature tensor from it.
struct Planted {
    graph: Graph,
    features: Vec<f32>,
    train: Vec<usize>,
    test: Vec<usize>,
}

/// One model of the study: how deep, with one shared hidden weight or not, residual or
/// not, on which graph, and whether to measure per-layer diagnostics.
struct Job {
    depth: usize,
    shared: bool,
    residual: Residual,
    graph: usize,
    diagnose: bool,
    /// Adam's L2 weight decay: `WEIGHT_DECAY`, or 0 in the ablation.
    weight_decay: f32,
}

/// Per layer of one deep GCN, at initialisation and after training.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct LayerDiagnostics {
    /// 1 is the layer nearest the input.
    pub layer: usize,
    /// ||d loss / d W_l||, the gradient reaching the layer's weight.
    pub grad_norm_init: f64,
    /// The same after training.
    pub grad_norm_trained: f64,
    /// Mean ||h_i|| over nodes of the layer's output.
    pub signal_norm_init: f64,
    /// The same after training.
    pub signal_norm_trained: f64,
    /// Mean cosine similarity between different nodes' representations: 1 means
    /// every node looks the same (over-smoothing).
    pub cosine_init: f64,
    /// The same after training.
    pub cosine_trained: f64,
}

/// Test accuracy at one depth.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct DepthRow {
    /// Number of GCN layers.
    pub depth: usize,
    /// Plain stack, mean over the graphs.
    pub plain: f64,
    /// Residual stack, mean over the graphs.
    pub residual: f64,
    /// Plain stack, one value per graph (seed order).
    pub plain_runs: Vec<f64>,
    /// Residual stack, one value per graph.
    pub residual_runs: Vec<f64>,
}

/// Per-layer weights against one shared hidden weight at one depth.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct SharingRow {
    /// Number of GCN layers.
    pub depth: usize,
    /// Whether the stack is residual.
    pub residual: bool,
    /// Test accuracy with a weight per layer.
    pub per_layer_accuracy: f64,
    /// Its parameter count.
    pub per_layer_parameters: usize,
    /// Test accuracy with one shared hidden weight.
    pub shared_accuracy: f64,
    /// Its parameter count.
    pub shared_parameters: usize,
    /// Per-layer weights, one accuracy per graph.
    pub per_layer_runs: Vec<f64>,
    /// One shared weight, one accuracy per graph.
    pub shared_runs: Vec<f64>,
}

/// What depth does, on planted partitions.
#[derive(Serialize, Deserialize, Debug)]
pub struct DepthStudy {
    /// Nodes of each planted graph.
    pub nodes: usize,
    /// Edges of the first planted graph.
    pub edges: usize,
    /// The residual stacks' alpha.
    pub residual_alpha: f32,
    /// The features alone: an MLP trained on the same 80 labelled nodes.
    pub mlp_accuracy: f64,
    /// The same, one value per graph.
    pub mlp_runs: Vec<f64>,
    /// The deepest plain stack trained without weight decay, one accuracy per graph.
    pub plain_no_decay_runs: Vec<f64>,
    /// Per graph, at initialisation: the gradient reaching the deepest plain stack's
    /// last hidden layer over the one reaching its first layer (above 1: it shrinks on
    /// the way back).
    pub plain_init_decay_runs: Vec<f64>,
    /// The same for the residual stack.
    pub residual_init_decay_runs: Vec<f64>,
    /// Per graph, at initialisation: the geometric mean over the deepest plain stack's
    /// layers of the gradient reaching each weight.
    pub plain_init_grad_runs: Vec<f64>,
    /// The same for the residual stack.
    pub residual_init_grad_runs: Vec<f64>,
    /// One row per depth.
    pub rows: Vec<DepthRow>,
    /// The largest depth, whose stacks get per-layer diagnostics.
    pub deepest: usize,
    /// Per layer of the deepest plain stack, on the first graph.
    pub plain_layers: Vec<LayerDiagnostics>,
    /// Per layer of the deepest residual stack, on the first graph.
    pub residual_layers: Vec<LayerDiagnostics>,
    /// The shared-weight ablation.
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
    weight_decay: f32,
) -> anyhow::Result<Option<Vec<LayerDiagnostics>>> {
    let before = diagnose.then(|| measure(gcn, adj, x, labels, train));
    crate::common::train_classifier(gcn, adj, x, labels, train, epochs, LEARNING_RATE, weight_decay)?;
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

/// Train plain and residual stacks of every depth on the planted graphs, with per-layer diagnostics
/// of the deepest and the shared-weight ablation.
/// Also returns the deepest plain and residual stacks (trained on the first graph), for
/// `--save`.
pub fn depth_study(cfg: &Config, progress: bool) -> anyhow::Result<(DepthStudy, Vec<SavedModel>)> {
    let deepest = *cfg.depths.iter().max().unwrap_or(&2);
    let alpha = cfg.residual_alpha;
    let mut mlp = Vec::new();
    let mut graphs: Vec<Planted> = Vec::new();
    for s in 0..cfg.depth_seeds {
        let seed = cfg.seed * 1000 + 400 + s as u64;
        let (graph, x) = planted(cfg, seed);
        let (train, test) = twenty_per_class(&graph, seed);
        mlp.push(mlp_on_features(&graph, &x, &train, &test, cfg, seed)?);
        graphs.push(Planted { graph, features: x.to_vec(), train, test });
    }
    // Every model the study trains, as independent jobs: per depth, plain and residual
    // on every graph (diagnostics for the deepest, on the first graph); then the
    // shared-weight ablation.
    let sharing_depths: Vec<usize> =
        cfg.sharing_depths.iter().copied().filter(|d| cfg.depths.contains(d)).collect();
    let mut jobs = Vec::new();
    for (depths, shared) in [(&cfg.depths, false), (&sharing_depths, true)] {
        for &depth in depths {
            for residual in [Residual::None, Residual::Scaled(alpha)] {
                for graph in 0..graphs.len() {
                    let diagnose = !shared && depth == deepest;
                    jobs.push(Job { depth, shared, residual, graph, diagnose, weight_decay: WEIGHT_DECAY });
                }
            }
        }
    }
    // The ablation: the deepest plain stack without weight decay.
    for graph in 0..graphs.len() {
        let (depth, residual) = (deepest, Residual::None);
        jobs.push(Job { depth, shared: false, residual, graph, diagnose: false, weight_decay: 0.0 });
    }
    let bar = kit::progress::bar(jobs.len() as u64, "ch02 depth", progress);
    let results = kit::parallel::map(&jobs, |job| {
        let Planted { graph, features, train, test } = &graphs[job.graph];
        let labels = graph.labels.as_ref().expect("planted graphs have classes");
        let adj = graph.normalized_adjacency();
        let x = Tensor::from_vec(features.clone(), &[graph.n, features.len() / graph.n]);
        let mut rng = seeded_rng(cfg.seed * 1000 + 600 + job.graph as u64);
        let mut gcn = Gcn::new(
            (x.shape()[1], PLANTED_HIDDEN, crate::supervised::PLANTED_CLASSES),
            job.depth,
            job.shared,
            job.residual,
            Activation::Relu,
            &mut rng,
        );
        let diagnostics =
            train_and_measure(&mut gcn, &adj, &x, labels, train, cfg.epochs, job.diagnose, job.weight_decay)?;
        let accuracy = node_accuracy(&gcn, &adj, &x, labels, test);
        let saved = if job.diagnose && job.graph == 0 {
            let name = if job.residual == Residual::None { "depth_plain" } else { "depth_residual" };
            let graph = GraphSpec::Planted {
                nodes: cfg.planted_nodes,
                signal: cfg.planted_signal,
                seed: cfg.seed * 1000 + 400 + job.graph as u64,
            };
            let residual_alpha = match job.residual {
                Residual::Scaled(a) => Some(a),
                Residual::None => None,
            };
            let spec = Spec {
                dims: (x.shape()[1], PLANTED_HIDDEN, crate::supervised::PLANTED_CLASSES),
                depth: job.depth,
                shared: false,
                residual_alpha,
                graph,
            };
            Some(saved(name, &gcn, spec))
        } else {
            None
        };
        bar.inc(1);
        Ok((accuracy, gcn.num_parameters(), diagnostics, saved))
    })?;
    bar.finish_and_clear();
    // Accuracy on every graph (seed order) of each (depth, shared, residual, decay), and its
    // parameter count.
    let runs = |depth: usize, shared: bool, residual: bool, decay: f32| {
        let picked: Vec<_> = jobs
            .iter()
            .zip(&results)
            .filter(|(j, _)| {
                j.depth == depth
                    && j.shared == shared
                    && matches!(j.residual, Residual::Scaled(_)) == residual
                    && j.weight_decay == decay
            })
            .map(|(_, r)| r)
            .collect();
        (picked.iter().map(|r| r.0).collect::<Vec<f64>>(), picked[0].1)
    };
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let rows = cfg
        .depths
        .iter()
        .map(|&depth| {
            let plain_runs = runs(depth, false, false, WEIGHT_DECAY).0;
            let residual_runs = runs(depth, false, true, WEIGHT_DECAY).0;
            DepthRow {
                depth,
                plain: mean(&plain_runs),
                residual: mean(&residual_runs),
                plain_runs,
                residual_runs,
            }
        })
        .collect();
    let mut sharing = Vec::new();
    for &depth in &sharing_depths {
        for residual in [false, true] {
            let (per_layer_runs, per_layer_parameters) = runs(depth, false, residual, WEIGHT_DECAY);
            let (shared_runs, shared_parameters) = runs(depth, true, residual, WEIGHT_DECAY);
            sharing.push(SharingRow {
                depth,
                residual,
                per_layer_accuracy: mean(&per_layer_runs),
                per_layer_parameters,
                shared_accuracy: mean(&shared_runs),
                shared_parameters,
                per_layer_runs,
                shared_runs,
            });
        }
    }
    let plain_no_decay_runs = runs(deepest, false, false, 0.0).0;
    // The diagnosed stacks in job order: plain on every graph, then residual on every graph.
    let mut checkpoints = Vec::new();
    let (mut plain_diagnosed, mut residual_diagnosed) = (Vec::new(), Vec::new());
    for (job, r) in jobs.iter().zip(results) {
        if let Some(layers) = r.2 {
            match job.residual {
                Residual::None => plain_diagnosed.push(layers),
                Residual::Scaled(_) => residual_diagnosed.push(layers),
            }
        }
        checkpoints.extend(r.3);
    }
    // Last hidden layer over first layer, at initialisation (the output layer is left out:
    // its weight maps to the 4 classes, a different quantity).
    let init_decay = |layers: &Vec<LayerDiagnostics>| {
        let last_hidden = &layers[layers.len().saturating_sub(2)];
        last_hidden.grad_norm_init / layers[0].grad_norm_init.max(f64::MIN_POSITIVE)
    };
    let geometric_mean = |layers: &Vec<LayerDiagnostics>| {
        let logs: Vec<f64> =
            layers.iter().filter(|l| l.grad_norm_init > 0.0).map(|l| l.grad_norm_init.ln()).collect();
        (logs.iter().sum::<f64>() / logs.len().max(1) as f64).exp()
    };
    let plain_init_grad_runs = plain_diagnosed.iter().map(geometric_mean).collect();
    let residual_init_grad_runs = residual_diagnosed.iter().map(geometric_mean).collect();
    let plain_init_decay_runs = plain_diagnosed.iter().map(init_decay).collect();
    let residual_init_decay_runs = residual_diagnosed.iter().map(init_decay).collect();
    let plain_layers = plain_diagnosed.into_iter().next().unwrap_or_default();
    let residual_layers = residual_diagnosed.into_iter().next().unwrap_or_default();
    let g = &graphs[0].graph;
    let study = DepthStudy {
        nodes: g.n,
        edges: g.edges.len(),
        residual_alpha: alpha,
        mlp_accuracy: mlp.iter().sum::<f64>() / mlp.len() as f64,
        mlp_runs: mlp.clone(),
        plain_no_decay_runs,
        plain_init_decay_runs,
        residual_init_decay_runs,
        plain_init_grad_runs,
        residual_init_grad_runs,
        rows,
        deepest,
        plain_layers,
        residual_layers,
        sharing,
    };
    Ok((study, checkpoints))
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

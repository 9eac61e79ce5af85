//! Unsupervised: embeddings in which connected nodes sit close, learned by a graph
//! autoencoder (a GCN encoder, an inner-product decoder) with negative sampling, and
//! judged by predicting edges it never saw.

use autograd::{Adam, Csr, Rng, Tensor, no_grad, seeded_rng};
use models::graph::Graph;
use models::{Activation, Gcn, Residual};
use serde::{Deserialize, Serialize};

use crate::Config;
use crate::common::{Spread, auc, identity_features};

// ANCHOR: edge_scores
/// The decoder: an edge (u, v) scores z_u . z_v, the inner product of the endpoints'
/// embeddings; sigmoid(score) is the predicted probability that the edge exists.
pub(crate) fn edge_scores(z: &Tensor, pairs: &[(usize, usize)]) -> Tensor {
    let (us, vs): (Vec<usize>, Vec<usize>) = pairs.iter().copied().unzip();
    z.index_select(0, &us).mul(&z.index_select(0, &vs)).sum(1, false)
}
// ANCHOR_END: edge_scores

/// A 2-layer GCN encoder with identity features: 32 hidden, `dim` out.
fn encoder(n: usize, dim: usize, rng: &mut Rng) -> Gcn {
    Gcn::new((n, 32, dim), 2, false, Residual::None, Activation::Relu, rng)
}

/// Connected nodes should score high, random pairs low: binary cross-entropy on the
/// graph's edges (target 1) and as many freshly sampled non-edges (target 0) per epoch.
fn train_autoencoder(
    gcn: &mut Gcn,
    graph: &Graph,
    adj: &Csr,
    x: &Tensor,
    epochs: usize,
    rng: &mut Rng,
) -> anyhow::Result<()> {
    // ANCHOR: train_autoencoder
    let mut adam = Adam::new(0.01);
    // The targets never change: 1 for every edge, then 0 for as many non-edges.
    let m = graph.edges.len();
    let targets: Vec<f32> = (0..2 * m).map(|i| if i < m { 1.0 } else { 0.0 }).collect();
    let targets = Tensor::from_vec(targets, &[2 * m]);
    for step in 0..epochs {
        let negatives = graph.sample_non_edges(m, &[], rng);
        let z = gcn.forward(adj, x);
        let (pos, neg) = (edge_scores(&z, &graph.edges), edge_scores(&z, &negatives));
        let scores = Tensor::concat(&[pos, neg], 0);
        let loss = scores.bce_with_logits(&targets);
        kit::check_finite(step, loss.item())?;
        let grads = loss.backward();
        drop(loss);
        adam.step(&mut gcn.parameters_mut(), &grads);
    }
    // ANCHOR_END: train_autoencoder
    Ok(())
}

/// Link prediction on one graph: AUC of each scorer over the held-out edges against
/// as many non-edges.
#[derive(Serialize, Deserialize, Debug)]
pub struct LinkPrediction {
    /// The graph's name.
    pub graph: String,
    /// Edges held out per run.
    pub held_out_edges: usize,
    /// AUC of the trained graph autoencoder.
    pub trained_gae: Spread,
    /// AUC of the same network untrained.
    pub untrained_gae: Spread,
    /// AUC of the common-neighbour count.
    pub common_neighbours: Spread,
    /// AUC of the Adamic-Adar index.
    pub adamic_adar: Spread,
}

/// Classic heuristics: the number of shared neighbours, and the same weighted by
/// 1 / log(degree) of each shared neighbour (Adamic & Adar 2003).
fn heuristic_scores(graph: &Graph, pairs: &[(usize, usize)]) -> (Vec<f32>, Vec<f32>) {
    let adj = graph.neighbours();
    let mut cn = Vec::new();
    let mut aa = Vec::new();
    for &(u, v) in pairs {
        let shared: Vec<usize> = adj[u].iter().filter(|w| adj[v].binary_search(w).is_ok()).copied().collect();
        cn.push(shared.len() as f32);
        aa.push(shared.iter().map(|&w| 1.0 / (adj[w].len() as f32).ln().max(1e-6)).sum());
    }
    (cn, aa)
}

/// Hold out 10% of the edges, train, and score the held-out edges against as many non-edges, over
/// `seeds` runs.
pub fn link_prediction(
    graph: &Graph,
    name: &str,
    seeds: usize,
    cfg: &Config,
) -> anyhow::Result<LinkPrediction> {
    let (mut trained, mut untrained, mut cn, mut aa) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut held = 0;
    for s in 0..seeds {
        let mut rng = seeded_rng(cfg.seed * 1000 + 200 + s as u64);
        let (train_graph, test_edges) = graph.hold_out_edges(0.1, &mut rng);
        held = test_edges.len();
        // Negatives for testing: pairs that are edges of neither graph.
        let test_negatives = graph.sample_non_edges(test_edges.len(), &[], &mut rng);
        let adj = train_graph.normalized_adjacency(); // the held-out edges are invisible
        let x = identity_features(graph.n);
        let mut gcn = encoder(graph.n, 16, &mut rng);
        // One forward pass embeds every node; both sets of pairs are scored from it.
        let test_auc = |gcn: &Gcn| {
            let z = no_grad(|| gcn.forward(&adj, &x));
            auc(edge_scores(&z, &test_edges).data(), edge_scores(&z, &test_negatives).data())
        };
        untrained.push(test_auc(&gcn));
        train_autoencoder(&mut gcn, &train_graph, &adj, &x, cfg.epochs, &mut rng)?;
        trained.push(test_auc(&gcn));
        let (cn_pos, aa_pos) = heuristic_scores(&train_graph, &test_edges);
        let (cn_neg, aa_neg) = heuristic_scores(&train_graph, &test_negatives);
        cn.push(auc(&cn_pos, &cn_neg));
        aa.push(auc(&aa_pos, &aa_neg));
    }
    Ok(LinkPrediction {
        graph: name.to_string(),
        held_out_edges: held,
        trained_gae: Spread::of(&trained),
        untrained_gae: Spread::of(&untrained),
        common_neighbours: Spread::of(&cn),
        adamic_adar: Spread::of(&aa),
    })
}

/// A graph autoencoder trained on the whole graph, its 16-D embedding projected onto
/// its two principal components, for the scatter plots.
pub fn embedding_2d(graph: &Graph, cfg: &Config) -> anyhow::Result<(Vec<(f64, f64)>, Gcn)> {
    let mut rng = seeded_rng(cfg.seed * 1000 + 300);
    let adj = graph.normalized_adjacency();
    let x = identity_features(graph.n);
    let mut gcn = encoder(graph.n, 16, &mut rng);
    train_autoencoder(&mut gcn, graph, &adj, &x, cfg.epochs, &mut rng)?;
    let z = no_grad(|| gcn.forward(&adj, &x));
    Ok((principal_components(&z), gcn))
}

/// Project the rows of z onto its top two principal directions (power iteration on
/// the covariance, then deflation).
fn principal_components(z: &Tensor) -> Vec<(f64, f64)> {
    let (n, d) = z.dims2();
    let mean = z.mean(0, true);
    let centred = z.sub(&mean);
    let cov = centred.t().matmul(&centred).scale(1.0 / n as f32); // (d, d)
    let mut directions: Vec<Vec<f32>> = Vec::new();
    let mut c = cov.to_vec();
    for k in 0..2 {
        let mut v: Vec<f32> = (0..d).map(|i| 1.0 + ((i * 7 + k * 3) % 5) as f32).collect();
        let mut lambda = 0.0;
        for _ in 0..200 {
            let w: Vec<f32> = (0..d).map(|i| (0..d).map(|j| c[i * d + j] * v[j]).sum()).collect();
            lambda = w.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
            v = w.iter().map(|x| x / lambda).collect();
        }
        for i in 0..d {
            for j in 0..d {
                c[i * d + j] -= lambda * v[i] * v[j];
            }
        }
        directions.push(v);
    }
    centred
        .data()
        .chunks_exact(d)
        .map(|row| {
            let p = |v: &[f32]| row.iter().zip(v).map(|(a, b)| a * b).sum::<f32>() as f64;
            (p(&directions[0]), p(&directions[1]))
        })
        .collect()
}

//! Planted-partition graphs (a stochastic block model): classes of equal size, edges
//! that stay inside a class with probability `homophily`, and node features that carry
//! a class signal of adjustable strength. Any size up to millions of nodes.

use autograd::Rng;
use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};

use super::Graph;

/// The knobs of a planted-partition graph.
#[derive(Clone, Debug)]
pub struct PlantedPartition {
    /// How many nodes.
    pub nodes: usize,
    /// How many classes (blocks), assigned round-robin: node i is in class i % classes.
    pub classes: usize,
    /// Mean number of neighbours per node.
    pub average_degree: f64,
    /// Probability that an edge joins two nodes of the same class.
    pub homophily: f64,
    /// Feature dimensions.
    pub features: usize,
    /// Length of each class's mean feature vector; the noise is N(0, 1) per dimension.
    /// 0 makes features useless; 3 makes them almost enough alone.
    pub signal: f32,
}

/// Node i belongs to class i % classes. Returns the graph (labels set) and the features
/// (nodes, features), row-major: x_i = signal * mu_{class(i)} + noise, with mu_c a
/// random unit vector per class.
#[track_caller]
pub fn planted_partition(p: &PlantedPartition, rng: &mut Rng) -> (Graph, Vec<f32>) {
    assert!(
        p.classes >= 2 && p.nodes >= 2 * p.classes,
        "planted_partition: need >= 2 classes of >= 2 nodes, got {p:?}"
    );
    assert!(
        (0.0..=1.0).contains(&p.homophily),
        "planted_partition: homophily {} outside [0, 1]",
        p.homophily
    );
    let (n, k) = (p.nodes, p.classes);
    let per_class = n / k; // nodes c, c + k, c + 2k, ... (the last class may have one more)
    let member = |c: usize, j: usize| c + k * j;
    let edges_wanted = (n as f64 * p.average_degree / 2.0).round() as usize;
    let mut edges = Vec::with_capacity(edges_wanted);
    while edges.len() < edges_wanted {
        let u = rng.random_range(0..n);
        let c = u % k;
        let other = if rng.random::<f64>() < p.homophily { c } else { (c + rng.random_range(1..k)) % k };
        let v = member(other, rng.random_range(0..per_class));
        if u != v {
            edges.push((u, v));
        }
    }
    let mut graph = Graph::new(n, edges);
    graph.labels = Some((0..n).map(|i| i % k).collect());

    let normal = |rng: &mut Rng| -> f32 { StandardNormal.sample(rng) };
    let means: Vec<Vec<f32>> = (0..k)
        .map(|_| {
            let v: Vec<f32> = (0..p.features).map(|_| normal(rng)).collect();
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
            v.iter().map(|x| x / norm).collect()
        })
        .collect();
    let mut features = Vec::with_capacity(n * p.features);
    for i in 0..n {
        for &mean in &means[i % k] {
            features.push(p.signal * mean + normal(rng));
        }
    }
    (graph, features)
}

//! Graphs: the shipped karate club and Les Misérables graphs, planted-partition graphs
//! made to order, and the normalised adjacency a GCN propagates with.

mod planted;

use std::collections::BTreeSet;
use std::path::Path;

use autograd::{Csr, Rng};
use rand::seq::SliceRandom;

pub use planted::{PlantedPartition, planted_partition};

use crate::data::Csv;
use crate::data::DataError;

/// An undirected graph on nodes 0..n, edges stored once with `u < v`, no self-loops.
#[derive(Clone, Debug)]
pub struct Graph {
    /// The number of nodes; nodes are 0..n.
    pub n: usize,
    /// Undirected edges (u, v) with u < v, sorted, without duplicates.
    pub edges: Vec<(usize, usize)>,
    /// A class per node, where the data has one.
    pub labels: Option<Vec<usize>>,
    /// A name per node (karate: the member's club; Les Misérables: the character).
    pub names: Vec<String>,
}

impl Graph {
    /// Build from any edge list: endpoints are ordered, duplicates and self-loops dropped.
    #[track_caller]
    pub fn new(n: usize, edges: impl IntoIterator<Item = (usize, usize)>) -> Graph {
        let mut set = BTreeSet::new();
        for (u, v) in edges {
            assert!(u < n && v < n, "Graph::new: edge ({u}, {v}) outside {n} nodes");
            if u != v {
                set.insert((u.min(v), u.max(v)));
            }
        }
        Graph {
            n,
            edges: set.into_iter().collect(),
            labels: None,
            names: (0..n).map(|i| i.to_string()).collect(),
        }
    }

    /// Neighbour lists (sorted).
    pub fn neighbours(&self) -> Vec<Vec<usize>> {
        let mut adj = vec![Vec::new(); self.n];
        for &(u, v) in &self.edges {
            adj[u].push(v);
            adj[v].push(u);
        }
        adj.iter_mut().for_each(|a| a.sort_unstable());
        adj
    }

    /// Each node's number of neighbours.
    pub fn degrees(&self) -> Vec<usize> {
        let mut d = vec![0; self.n];
        for &(u, v) in &self.edges {
            d[u] += 1;
            d[v] += 1;
        }
        d
    }

    // ANCHOR: normalized_adjacency
    /// The GCN propagation matrix  Â = D̃^{-1/2} (A + I) D̃^{-1/2}, with A the binary
    /// adjacency and D̃ the degrees of A + I (Kipf & Welling 2017, eq. 2), as CSR.
    pub fn normalized_adjacency(&self) -> Csr {
        let degree: Vec<f32> = self.degrees().iter().map(|&d| d as f32 + 1.0).collect();
        let mut triplets = Vec::with_capacity(2 * self.edges.len() + self.n);
        for (i, &d) in degree.iter().enumerate() {
            triplets.push((i, i, 1.0 / d));
        }
        for &(u, v) in &self.edges {
            let w = 1.0 / (degree[u] * degree[v]).sqrt();
            triplets.push((u, v, w));
            triplets.push((v, u, w));
        }
        Csr::from_triplets(self.n, self.n, &triplets).expect("edges lie inside the graph")
    }
    // ANCHOR_END: normalized_adjacency

    /// Split off `fraction` of the edges (at random) for link prediction: returns the
    /// graph without them and the held-out edges.
    pub fn hold_out_edges(&self, fraction: f64, rng: &mut Rng) -> (Graph, Vec<(usize, usize)>) {
        let mut edges = self.edges.clone();
        edges.shuffle(rng);
        let held = (fraction * edges.len() as f64).round() as usize;
        let test = edges[..held].to_vec();
        let mut train = self.clone();
        train.edges = edges[held..].to_vec();
        train.edges.sort_unstable();
        (train, test)
    }

    /// `count` distinct node pairs that are not edges of `self` nor in `exclude`.
    pub fn sample_non_edges(
        &self,
        count: usize,
        exclude: &[(usize, usize)],
        rng: &mut Rng,
    ) -> Vec<(usize, usize)> {
        use rand::RngExt;
        let taken: BTreeSet<(usize, usize)> = self.edges.iter().chain(exclude).copied().collect();
        let mut chosen = BTreeSet::new();
        let possible = self.n * (self.n - 1) / 2 - taken.len();
        assert!(count <= possible, "sample_non_edges: {count} non-edges asked of a graph with {possible}");
        while chosen.len() < count {
            let (u, v) = (rng.random_range(0..self.n), rng.random_range(0..self.n));
            let pair = (u.min(v), u.max(v));
            if u != v && !taken.contains(&pair) {
                chosen.insert(pair);
            }
        }
        chosen.into_iter().collect()
    }
}

fn load_edges(csv: &Csv, n: usize) -> Result<Vec<(usize, usize)>, DataError> {
    let (s, t, w) = (csv.column("source")?, csv.column("target")?, csv.column("weight")?);
    let mut edges = Vec::with_capacity(csv.rows.len());
    let mut degree = vec![0usize; n];
    for (line, fields) in &csv.rows {
        let (u, v): (usize, usize) = (csv.parse(*line, fields, s)?, csv.parse(*line, fields, t)?);
        let _weight: f64 = csv.parse(*line, fields, w)?;
        if u >= n || v >= n || u == v {
            return Err(DataError {
                file: csv.path.clone(),
                line: Some(*line),
                message: format!("edge ({u}, {v}) is a self-loop or names a node outside 0..{n}"),
            });
        }
        degree[u] += 1;
        degree[v] += 1;
        edges.push((u, v));
    }
    // Every node of these graphs has a neighbour: an isolated one means a truncated or
    // mismatched edge file (and would leave the GCN's node with only its self-loop).
    if let Some(lonely) = degree.iter().position(|&d| d == 0) {
        return Err(DataError {
            file: csv.path.clone(),
            line: None,
            message: format!(
                "node {lonely} has no edge (of {} edges for {n} nodes): is the file truncated?",
                edges.len()
            ),
        });
    }
    Ok(edges)
}

/// Node ids (column `id`) must be 0, 1, 2, ... in file order.
fn check_id(nodes: &Csv, id: usize, line: usize, fields: &[String], n: usize) -> Result<(), DataError> {
    let i: usize = nodes.parse(line, fields, id)?;
    if i != n {
        return Err(DataError {
            file: nodes.path.clone(),
            line: Some(line),
            message: format!("node id {i} out of order (expected {n})"),
        });
    }
    Ok(())
}

/// Zachary's karate club: 34 members, 78 friendships, two factions (0 = Mr. Hi,
/// 1 = Officer). From `karate_nodes.csv` (`id,club,label`: the club's name and its
/// label must agree) and `karate_edges.csv` (`source,target,weight`).
pub fn load_karate(dir: &Path) -> Result<Graph, DataError> {
    let nodes = Csv::read(&dir.join("karate_nodes.csv"))?;
    let (id, club, label) = (nodes.column("id")?, nodes.column("club")?, nodes.column("label")?);
    let mut labels = Vec::new();
    let mut names = Vec::new();
    for (n, (line, fields)) in nodes.rows.iter().enumerate() {
        check_id(&nodes, id, *line, fields, n)?;
        let l: usize = nodes.parse(*line, fields, label)?;
        let expected = match fields[club].as_str() {
            "Mr. Hi" => 0,
            "Officer" => 1,
            other => {
                return Err(DataError {
                    file: nodes.path.clone(),
                    line: Some(*line),
                    message: format!("club {other:?} is neither \"Mr. Hi\" nor \"Officer\""),
                });
            }
        };
        if l != expected {
            return Err(DataError {
                file: nodes.path.clone(),
                line: Some(*line),
                message: format!("label {l} disagrees with club {:?} (label {expected})", fields[club]),
            });
        }
        labels.push(l);
        names.push(fields[club].clone());
    }
    let edges = load_edges(&Csv::read(&dir.join("karate_edges.csv"))?, labels.len())?;
    let mut g = Graph::new(labels.len(), edges);
    g.labels = Some(labels);
    g.names = names;
    Ok(g)
}

/// Les Misérables character co-appearances: 77 characters, 254 edges, no labels.
/// From `lesmis_nodes.csv` (`id,name`) and `lesmis_edges.csv` (`source,target,weight`).
pub fn load_lesmis(dir: &Path) -> Result<Graph, DataError> {
    let nodes = Csv::read(&dir.join("lesmis_nodes.csv"))?;
    let (id, name) = (nodes.column("id")?, nodes.column("name")?);
    let mut names = Vec::new();
    for (n, (line, fields)) in nodes.rows.iter().enumerate() {
        check_id(&nodes, id, *line, fields, n)?;
        names.push(fields[name].clone());
    }
    let edges = load_edges(&Csv::read(&dir.join("lesmis_edges.csv"))?, names.len())?;
    let mut g = Graph::new(names.len(), edges);
    g.names = names;
    Ok(g)
}

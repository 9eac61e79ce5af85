//! # Chapter 2: graph embeddings with GCNs
//!
//! The lecture's graph setting: nodes V, a binary adjacency A, node features X and
//! labels Y on some nodes. A GCN computes every node's embedding from its local
//! neighbourhood, layer by layer, with weights that belong to one layer each. This
//! chapter measures each of the lecture's claims: semi-supervised classification from
//! a handful of labels, unsupervised embeddings where connected nodes sit close, every
//! node's own computation graph, and what happens as the stack gets deep.

#![warn(missing_docs)]

mod checkpoint;
mod claims;
mod common;
mod depth;
mod depth_claims;
pub mod diagram;
mod karate_drawing;
mod outputs;
mod supervised;
mod trees;
mod unsupervised;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use claims::claims;
pub use common::{Spread, auc, spearman};
pub use depth::{DepthRow, DepthStudy, LayerDiagnostics, SharingRow, depth_study};
pub use outputs::{chapter, write_outputs};
pub use supervised::{
    KarateSupervised, UntrainedSeparation, karate_model, karate_supervised, untrained_separation,
};
pub use trees::{TreeReach, tree_reach};
pub use unsupervised::{LinkPrediction, link_prediction};

/// Everything the chapter's run is parameterised by.
#[derive(Clone, Debug)]
pub struct Config {
    /// Random restarts per experiment (mean, spread and minimum are reported).
    pub seeds: usize,
    /// Random restarts of the link-prediction experiment.
    pub link_seeds: usize,
    /// Training steps (full batch) of every model.
    pub epochs: usize,
    /// Layers of the karate GCN.
    pub karate_depth: usize,
    /// Nodes of each planted-partition graph.
    pub planted_nodes: usize,
    /// How strongly the planted graphs' features signal the class.
    pub planted_signal: f32,
    /// The depths of the depth study.
    pub depths: Vec<usize>,
    /// Depths at which per-layer weights are compared with one shared hidden weight.
    pub sharing_depths: Vec<usize>,
    /// Planted graphs (and initialisations) per depth.
    pub depth_seeds: usize,
    /// The residual stacks' alpha in H + alpha relu(A H W).
    pub residual_alpha: f32,
    /// Seed everything random derives from.
    pub seed: u64,
    /// The folder holding the graphs' CSV files.
    pub data: PathBuf,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            seeds: 20,
            link_seeds: 10,
            epochs: 200,
            karate_depth: 2,
            planted_nodes: 2000,
            planted_signal: 1.6,
            depths: vec![1, 2, 4, 8, 12, 16],
            sharing_depths: vec![4, 8, 16],
            depth_seeds: 3,
            residual_alpha: 0.3,
            seed: 0,
            data: models::data::data_dir(),
        }
    }
}

impl Config {
    /// The small configuration the tests use (seconds).
    pub fn quick() -> Config {
        Config {
            seeds: 3,
            link_seeds: 2,
            epochs: 60,
            planted_nodes: 400,
            depths: vec![1, 2, 4],
            sharing_depths: vec![4],
            depth_seeds: 1,
            ..Config::default()
        }
    }
}

/// The numbers the chapter's page shows, and the claims computed from them.
#[derive(Serialize, Deserialize, Debug)]
pub struct Report {
    /// Karate club, semi-supervised.
    pub karate: KarateSupervised,
    /// Karate club, untrained GCN against random points.
    pub untrained: UntrainedSeparation,
    /// The 2-hop computation trees of karate nodes 11 and 16.
    pub trees: Vec<TreeReach>,
    /// Link prediction on Les Misérables and the karate club.
    pub links: Vec<LinkPrediction>,
    /// What the two autoencoder embeddings in the figures show, measured.
    pub embeddings: EmbeddingReadings,
    /// What depth does.
    pub depth: DepthStudy,
    /// The settings the run used, for the page's table.
    #[serde(default)]
    pub settings: Vec<(String, String)>,
    /// The conclusions the page draws.
    pub claims: Vec<kit::Claim>,
    /// Data only the figures need (not written to results.json).
    #[serde(skip, default)]
    pub figures: Figures,
}

/// Measurements of the graph autoencoders' 2-D embeddings (the scatter plots).
#[derive(Serialize, Deserialize, Debug)]
pub struct EmbeddingReadings {
    /// Training accuracy of a logistic regression separating the karate factions in
    /// the autoencoder's 2-D embedding (it never saw a faction label).
    pub karate_separability: f64,
    /// Spearman correlation between a Les Misérables character's degree and its
    /// distance from the centre of the 2-D embedding.
    pub lesmis_degree_distance: f64,
    /// The character farthest from that centre, and its degree.
    pub lesmis_farthest: (String, usize),
    /// The best-connected character, its degree, and its rank by distance from the
    /// centre (1: the farthest) among the characters.
    pub lesmis_best_connected: (String, usize, usize),
    /// How many characters.
    pub lesmis_characters: usize,
}

/// Data only the figures need.
#[derive(Debug, Default)]
pub struct Figures {
    /// The graph autoencoder's karate embedding, 2 principal components.
    pub karate_embedding: Vec<(f64, f64)>,
    /// Each member's faction.
    pub karate_labels: Vec<usize>,
    /// The graph autoencoder's Les Misérables embedding, 2 principal components.
    pub lesmis_embedding: Vec<(f64, f64)>,
    /// Each character's degree.
    pub lesmis_degrees: Vec<usize>,
    /// Each character's name.
    pub lesmis_names: Vec<String>,
    /// The two computation trees, drawn.
    pub trees_svg: String,
    /// The karate club drawn as a network.
    pub karate_svg: String,
    /// The karate club's GCN, drawn from the trained model (first seed).
    pub gcn_diagram: Option<kit::diagram::Diagram>,
    /// The models `--save` writes, packaged with how to rebuild and check them.
    pub checkpoints: Vec<checkpoint::SavedModel>,
}

/// The two karate members whose computation trees the page draws.
pub const TREE_NODES: (usize, usize) = (11, 16);

/// Run every experiment of the chapter and compute its claims.
pub fn run(cfg: &Config, progress: bool) -> anyhow::Result<Report> {
    use anyhow::Context;
    let karate = models::graph::load_karate(&cfg.data).context("loading the karate club")?;
    let lesmis = models::graph::load_lesmis(&cfg.data).context("loading Les Miserables")?;
    let (karate_supervised, karate_gcn) = supervised::karate_supervised(&karate, cfg)?;
    let untrained = supervised::untrained_separation(&karate, cfg)?;
    let links = vec![
        unsupervised::link_prediction(&lesmis, "Les Misérables", cfg.link_seeds, cfg)?,
        unsupervised::link_prediction(&karate, "karate club", cfg.link_seeds, cfg)?,
    ];
    let (karate_embedding, _) = unsupervised::embedding_2d(&karate, cfg)?;
    let (lesmis_embedding, lesmis_gae) = unsupervised::embedding_2d(&lesmis, cfg)?;
    let mut figures = Figures {
        karate_embedding,
        karate_labels: karate.labels.clone().unwrap_or_default(),
        lesmis_embedding,
        lesmis_degrees: lesmis.degrees(),
        lesmis_names: lesmis.names.clone(),
        trees_svg: trees::two_computation_trees(&karate, TREE_NODES),
        karate_svg: karate_drawing::karate_svg(&karate, supervised::LEADERS),
        gcn_diagram: Some(diagram::gcn(&karate_gcn, &karate.normalized_adjacency())),
        checkpoints: vec![],
    };
    let n = figures.lesmis_embedding.len() as f64;
    let (cx, cy) = figures.lesmis_embedding.iter().fold((0.0, 0.0), |a, p| (a.0 + p.0 / n, a.1 + p.1 / n));
    let distance: Vec<f64> = figures.lesmis_embedding.iter().map(|p| (p.0 - cx).hypot(p.1 - cy)).collect();
    let farthest = (0..distance.len()).max_by(|&a, &b| distance[a].total_cmp(&distance[b])).unwrap_or(0);
    let hub = (0..distance.len()).max_by_key(|&i| figures.lesmis_degrees[i]).unwrap_or(0);
    let hub_rank = 1 + distance.iter().filter(|&&d| d > distance[hub]).count();
    let embeddings = EmbeddingReadings {
        lesmis_farthest: (figures.lesmis_names[farthest].clone(), figures.lesmis_degrees[farthest]),
        lesmis_best_connected: (figures.lesmis_names[hub].clone(), figures.lesmis_degrees[hub], hub_rank),
        lesmis_characters: distance.len(),
        karate_separability: supervised::linear_separability(
            &autograd::Tensor::from_vec(
                figures.karate_embedding.iter().flat_map(|p| [p.0 as f32, p.1 as f32]).collect(),
                &[karate.n, 2],
            ),
            &figures.karate_labels,
        )?,
        lesmis_degree_distance: {
            let degree: Vec<f64> = figures.lesmis_degrees.iter().map(|&d| d as f64).collect();
            spearman(&degree, &distance)
        },
    };
    let trees = vec![tree_reach(&karate, TREE_NODES.0, 2), tree_reach(&karate, TREE_NODES.1, 2)];
    let (depth, deepest) = depth::depth_study(cfg, progress)?;
    use checkpoint::{GraphSpec, Spec, saved};
    let plain = |depth: usize, graph: GraphSpec, dims, residual_alpha| Spec {
        dims,
        depth,
        shared: false,
        residual_alpha,
        graph,
    };
    figures.checkpoints = vec![
        saved(
            "karate_gcn",
            &karate_gcn,
            plain(cfg.karate_depth, GraphSpec::Karate, (karate.n, common::KARATE_HIDDEN, 2), None),
        ),
        saved("lesmis_gae", &lesmis_gae, plain(2, GraphSpec::Lesmis, (lesmis.n, 32, 16), None)),
    ];
    figures.checkpoints.extend(deepest);
    let mut report = Report {
        karate: karate_supervised,
        untrained,
        trees,
        links,
        embeddings,
        depth,
        settings: outputs::settings(cfg),
        claims: vec![],
        figures,
    };
    report.claims = claims::claims(&report);
    Ok(report)
}

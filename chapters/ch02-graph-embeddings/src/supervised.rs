//! Supervised: node classification from labels on a few nodes.

use autograd::{Adam, Tensor, no_grad, seeded_rng};
use models::graph::{Graph, PlantedPartition, planted_partition};
use models::metrics::{accuracy, argmax_rows};
use models::{Activation, Gcn, Linear, Mlp, Module, Residual};
use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::Config;
use crate::common::{
    KARATE_HIDDEN, LEARNING_RATE, PLANTED_HIDDEN, Spread, WEIGHT_DECAY, identity_features, node_accuracy,
    train_classifier,
};

/// Semi-supervised node classification on the karate club.
#[derive(Serialize, Deserialize, Debug)]
pub struct KarateSupervised {
    /// The GCN as `Display` prints it.
    pub model: String,
    /// Labels on the two leaders only (nodes 0 and 33), accuracy on the other 32.
    pub leaders: Spread,
    /// One random labelled member per faction, accuracy on the other 32.
    pub one_per_faction: Spread,
}

/// The two labelled members of the leaders-only experiment: Mr. Hi and the Officer.
pub(crate) const LEADERS: [usize; 2] = [0, 33];

/// The karate club's GCN, untrained: `nodes` one-hot features in, Kipf and Welling's
/// hidden width, one logit per faction, `cfg.karate_depth` layers.
pub fn karate_model(nodes: usize, cfg: &Config, rng: &mut autograd::Rng) -> Gcn {
    Gcn::new((nodes, KARATE_HIDDEN, 2), cfg.karate_depth, false, Residual::None, Activation::Relu, rng)
}

/// Train a 2-layer GCN on the karate club from two labelled members, over many seeds;
/// returns the results and the first seed's leaders-only model (for `--save`).
pub fn karate_supervised(karate: &Graph, cfg: &Config) -> anyhow::Result<(KarateSupervised, Gcn)> {
    let labels = karate.labels.as_ref().expect("karate has factions");
    let adj = karate.normalized_adjacency();
    let x = identity_features(karate.n);
    let mut model_name = String::new();
    let mut run = |train: &[usize], seed: u64| -> anyhow::Result<(f64, Gcn)> {
        let mut rng = seeded_rng(seed);
        let mut gcn = karate_model(karate.n, cfg, &mut rng);
        model_name = gcn.to_string();
        train_classifier(&mut gcn, &adj, &x, labels, train, cfg.epochs, LEARNING_RATE, WEIGHT_DECAY)?;
        let rest: Vec<usize> = (0..karate.n).filter(|i| !train.contains(i)).collect();
        Ok((node_accuracy(&gcn, &adj, &x, labels, &rest), gcn))
    };
    let mut leaders = Vec::new();
    let mut one = Vec::new();
    let mut first = None;
    for s in 0..cfg.seeds {
        let seed = cfg.seed * 1000 + s as u64;
        let (accuracy, gcn) = run(&LEADERS, seed)?;
        leaders.push(accuracy);
        first.get_or_insert(gcn);
        let mut rng = seeded_rng(seed + 500);
        let pick = |faction: usize, rng: &mut autograd::Rng| {
            let members: Vec<usize> = (0..karate.n).filter(|&i| labels[i] == faction).collect();
            members[rng.random_range(0..members.len())]
        };
        let train = [pick(0, &mut rng), pick(1, &mut rng)];
        one.push(run(&train, seed)?.0);
    }
    let supervised = KarateSupervised {
        model: model_name,
        leaders: Spread::of(&leaders),
        one_per_faction: Spread::of(&one),
    };
    Ok((supervised, first.expect("at least one seed")))
}

/// Kipf's observation: before any training, a GCN with random weights already places
/// the factions apart, because the graph's structure alone shapes its output.
#[derive(Serialize, Deserialize, Debug)]
pub struct UntrainedSeparation {
    /// How well one straight line separates the factions in the untrained 2-D embedding
    /// (accuracy of a logistic regression fit on all 34 nodes), over random inits.
    pub untrained_gcn: Spread,
    /// The same for 34 random 2-D points with the same labels: what chance gives.
    pub random_points: Spread,
    /// The larger faction's share of the club: what labelling everyone with it scores.
    pub majority: f64,
    /// The first init's embedding, for the figure.
    #[serde(skip, default)]
    pub embedding: Vec<(f64, f64)>,
}

/// Training accuracy of a logistic regression on 2-D points: how linearly separable they are.
pub(crate) fn linear_separability(points: &Tensor, labels: &[usize]) -> anyhow::Result<f64> {
    let mut rng = seeded_rng(7);
    // Standardise so one learning rate suits every embedding's scale.
    let mean = points.mean(0, true);
    let std = points.sub(&mean).square().mean(0, true).add_scalar(1e-12).sqrt();
    let x = points.sub(&mean).div(&std).detach();
    let mut clf = Linear::xavier(2, 2, &mut rng);
    let mut adam = Adam::new(0.05);
    for step in 0..300 {
        let loss = clf.forward(&x).cross_entropy(labels);
        kit::check_finite(step, loss.item())?;
        let grads = loss.backward();
        drop(loss);
        adam.step(&mut clf.parameters_mut(), &grads);
    }
    Ok(accuracy(&no_grad(|| argmax_rows(&clf.forward(&x))), labels))
}

/// Untrained 3-layer GCNs against random points: how separable their 2-D outputs are.
pub fn untrained_separation(karate: &Graph, cfg: &Config) -> anyhow::Result<UntrainedSeparation> {
    let labels = karate.labels.as_ref().expect("karate has factions");
    let adj = karate.normalized_adjacency();
    let x = identity_features(karate.n);
    let (mut gcn_scores, mut random_scores, mut embedding) = (Vec::new(), Vec::new(), Vec::new());
    for s in 0..cfg.seeds {
        let mut rng = seeded_rng(cfg.seed * 1000 + 100 + s as u64);
        // Kipf's blog: three layers, tanh, widths 4, 4, 2, no training at all.
        let gcn = Gcn::new((karate.n, 4, 2), 3, false, Residual::None, Activation::Tanh, &mut rng);
        let z = no_grad(|| gcn.forward(&adj, &x));
        gcn_scores.push(linear_separability(&z, labels)?);
        if s == 0 {
            embedding = z.data().chunks_exact(2).map(|p| (p[0] as f64, p[1] as f64)).collect();
        }
        let noise = Tensor::randn(&[karate.n, 2], 0.0, 1.0, &mut rng);
        random_scores.push(linear_separability(&noise, labels)?);
    }
    Ok(UntrainedSeparation {
        untrained_gcn: Spread::of(&gcn_scores),
        random_points: Spread::of(&random_scores),
        majority: labels.iter().filter(|&&l| l == 1).count().max(labels.iter().filter(|&&l| l == 0).count())
            as f64
            / labels.len() as f64,
        embedding,
    })
}

/// The planted graphs' number of classes.
pub const PLANTED_CLASSES: usize = 4;
/// The probability that a planted graph's edge stays inside a class.
pub const PLANTED_HOMOPHILY: f64 = 0.8;
/// Labelled nodes per class in the planted graphs (as in Kipf & Welling's Cora split).
pub const LABELLED_PER_CLASS: usize = 20;

/// The planted-partition graphs used for node classification and for the depth study.
pub fn planted(cfg: &Config, seed: u64) -> (Graph, Tensor) {
    let p = PlantedPartition {
        nodes: cfg.planted_nodes,
        classes: PLANTED_CLASSES,
        average_degree: 10.0,
        homophily: PLANTED_HOMOPHILY,
        features: 32,
        signal: cfg.planted_signal,
    };
    let (graph, features) = planted_partition(&p, &mut seeded_rng(seed));
    let x = Tensor::from_vec(features, &[graph.n, 32]);
    (graph, x)
}

/// `LABELLED_PER_CLASS` labelled nodes per class; the rest are test.
pub fn twenty_per_class(graph: &Graph, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let labels = graph.labels.as_ref().expect("planted graphs have classes");
    let classes = labels.iter().max().map_or(0, |m| m + 1);
    let mut rng = seeded_rng(seed);
    let mut train = Vec::new();
    for c in 0..classes {
        let mut members: Vec<usize> = (0..graph.n).filter(|&i| labels[i] == c).collect();
        rand::seq::SliceRandom::shuffle(members.as_mut_slice(), &mut rng);
        train.extend_from_slice(&members[..LABELLED_PER_CLASS]);
    }
    train.sort_unstable();
    let test = (0..graph.n).filter(|i| train.binary_search(i).is_err()).collect();
    (train, test)
}

/// An MLP on the node features alone: how much the features say without the graph.
pub fn mlp_on_features(
    graph: &Graph,
    x: &Tensor,
    train: &[usize],
    test: &[usize],
    cfg: &Config,
    seed: u64,
) -> anyhow::Result<f64> {
    let labels = graph.labels.as_ref().expect("planted graphs have classes");
    let mut rng = seeded_rng(seed);
    let mut mlp = Mlp::new(&[x.shape()[1], PLANTED_HIDDEN, PLANTED_CLASSES], Activation::Relu, &mut rng);
    let mut adam = Adam::new(LEARNING_RATE).with_weight_decay(WEIGHT_DECAY);
    let xt = x.index_select(0, train);
    let targets: Vec<usize> = train.iter().map(|&i| labels[i]).collect();
    for step in 0..cfg.epochs {
        let loss = mlp.forward(&xt).cross_entropy(&targets);
        kit::check_finite(step, loss.item())?;
        let grads = loss.backward();
        drop(loss);
        adam.step(&mut mlp.parameters_mut(), &grads);
    }
    let predicted = no_grad(|| argmax_rows(&mlp.forward(&x.index_select(0, test))));
    let truth: Vec<usize> = test.iter().map(|&i| labels[i]).collect();
    Ok(accuracy(&predicted, &truth))
}

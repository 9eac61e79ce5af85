//! The multimodal deep Boltzmann machine (Srivastava & Salakhutdinov 2012), built from
//! the deep belief net's weights and then trained as one undirected model: the
//! data-dependent statistics from mean-field with both modalities clamped, the model's
//! from persistent Gibbs chains, with a decaying learning rate.
//!
//! Its layers, in the order the page draws them: left input, left h1, left h2, joint,
//! right h2, right h1, right input ("left" is the image; "right" the audio or the text).

use autograd::{Rng, Tensor, no_grad};
use models::dbm::{Dbm, MeanField, MeanFieldConfig, Pcd, PcdConfig, Units};
use models::rbm::Rbm;
use serde::{Deserialize, Serialize};

use crate::multimodal::Pathway;

/// How the DBM is trained after it is composed from the DBN.
#[derive(Clone, Copy, Debug)]
pub struct DbmPlan {
    /// Epochs of joint training (passes over the training pairs).
    pub epochs: usize,
    /// Pairs per update.
    pub batch: usize,
    /// Persistent chains.
    pub chains: usize,
    /// Learning rate at the first update (it decays as lr / (1 + t / decay)).
    pub lr: f32,
    /// The same for the weights and biases of the Gaussian input layers.
    pub gaussian_lr: f32,
    /// Mean-field during training: sweeps and tolerance of the data-dependent statistics.
    pub train_mean_field: MeanFieldConfig,
    /// Mean-field when a representation is read (every test example must converge).
    pub read_mean_field: MeanFieldConfig,
}

impl Default for DbmPlan {
    fn default() -> DbmPlan {
        DbmPlan {
            epochs: 20,
            batch: 64,
            chains: 100,
            lr: 0.002,
            gaussian_lr: 0.0005,
            train_mean_field: MeanFieldConfig { tolerance: 1e-3, max_sweeps: 10 },
            read_mean_field: MeanFieldConfig { tolerance: 1e-5, max_sweeps: 5000 },
        }
    }
}

/// Where mean-field stopped on the examples read: the most sweeps any batch took and
/// the largest change of any unit in its last sweep.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, Default, PartialEq)]
pub struct Convergence {
    /// Batches of examples read.
    pub reads: usize,
    /// Examples read, over all batches.
    #[serde(default)]
    pub examples: usize,
    /// The most sweeps any of them took.
    pub most_sweeps: usize,
    /// The largest last-sweep change of any unit, over all of them.
    pub worst_change: f64,
    /// Examples that stopped at the sweep limit before reaching the tolerance.
    pub unconverged: usize,
}

impl Convergence {
    /// Record one read.
    pub fn add(&mut self, q: &MeanField) {
        self.reads += 1;
        self.examples += q.means.first().map_or(0, |m| m.shape()[0]);
        self.most_sweeps = self.most_sweeps.max(q.sweeps);
        self.worst_change = self.worst_change.max(f64::from(q.last_change));
        self.unconverged += q.unconverged;
    }

    /// Both records as one.
    pub fn merge(self, other: Convergence) -> Convergence {
        Convergence {
            reads: self.reads + other.reads,
            examples: self.examples + other.examples,
            most_sweeps: self.most_sweeps.max(other.most_sweeps),
            worst_change: self.worst_change.max(other.worst_change),
            unconverged: self.unconverged + other.unconverged,
        }
    }
}

/// Momentum of the DBM's updates.
pub const MOMENTUM: f32 = 0.5;
/// L2 penalty on its weights.
pub const WEIGHT_DECAY: f32 = 1e-4;

/// The layer indices of the composed model.
pub const LEFT_V: usize = 0;
/// The joint layer.
pub const JOINT: usize = 3;
/// The right input.
pub const RIGHT_V: usize = 6;

/// The layers' names on the AV digits.
pub const AV_NAMES: [&str; 7] =
    ["image input", "image h1", "image h2", "joint", "audio h2", "audio h1", "audio input"];
/// The layers' names on clip art.
pub const CLIP_NAMES: [&str; 7] =
    ["image input", "image h1", "image h2", "joint", "text h2", "text h1", "text input"];
/// The edges, as (lower, upper) layer indices: the weight of each is (size lower, size
/// upper), as in the RBM it comes from.
pub(crate) const EDGES: [(usize, usize); 6] = [(0, 1), (1, 2), (2, 3), (4, 3), (5, 4), (6, 5)];

/// A DBM of this architecture with the given layer sizes and small random weights
/// (Gaussian inputs): what the diagram is drawn from.
pub fn shaped(names: &[&str; 7], sizes: [usize; 7], rng: &mut Rng) -> Dbm {
    let layers: Vec<(&str, usize, Units)> = (0..7)
        .map(|l| {
            (names[l], sizes[l], if l == LEFT_V || l == RIGHT_V { Units::Gaussian } else { Units::Binary })
        })
        .collect();
    Dbm::new(&layers, &EDGES, rng)
}

// ANCHOR: compose
/// The DBM with the DBN's weights: every RBM's weights become the weights of the edge
/// it joins, each hidden layer keeps the bias it had as a hidden layer below. A hidden
/// layer of the DBN hears only the layer below it on the way up; in the DBM it hears
/// both neighbours, so the weights between hidden layers are halved: a pathway's top
/// layer then gets about the input it had in the DBN, h1 somewhat more, the joint layer
/// half. A heuristic start (Salakhutdinov and Hinton pretrain with doubled inputs instead).
pub(crate) fn compose(names: [&str; 7], left: &Pathway, right: &Pathway, joint: &Rbm, rng: &mut Rng) -> Dbm {
    let units = |p: &Pathway| if p.first.gaussian { Units::Gaussian } else { Units::Binary };
    let (l1, l2) = (left.first.hidden(), left.second.hidden());
    let (r1, r2) = (right.first.hidden(), right.second.hidden());
    let layers = [
        (names[0], left.first.visible(), units(left)),
        (names[1], l1, Units::Binary),
        (names[2], l2, Units::Binary),
        (names[3], joint.hidden(), Units::Binary),
        (names[4], r2, Units::Binary),
        (names[5], r1, Units::Binary),
        (names[6], right.first.visible(), units(right)),
    ];
    let mut dbm = Dbm::new(&layers, &EDGES, rng);
    let biases = [
        &left.first.visible_bias,
        &left.first.hidden_bias,
        &left.second.hidden_bias,
        &joint.hidden_bias,
        &right.second.hidden_bias,
        &right.first.hidden_bias,
        &right.first.visible_bias,
    ];
    for (layer, bias) in dbm.layers.iter_mut().zip(biases) {
        layer.bias = bias.clone();
    }
    let half = |w: &Tensor| no_grad(|| w.scale(0.5));
    let weights = [
        left.first.weight.clone(),
        half(&left.second.weight),
        half(&no_grad(|| joint.weight.narrow(0, 0, l2))),
        half(&no_grad(|| joint.weight.narrow(0, l2, r2))),
        half(&right.second.weight),
        right.first.weight.clone(),
    ];
    for (edge, w) in dbm.edges.iter_mut().zip(weights) {
        edge.weight = w;
    }
    dbm
}
// ANCHOR_END: compose

/// The lower bound on log p(left, right) at one point of training.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
pub struct BoundPoint {
    /// Epochs of joint training done (0: as composed from the DBN).
    pub epoch: usize,
    /// The mean bound per training pair, nats.
    pub bound: f64,
    /// log Z by annealed importance sampling, which the bound subtracts.
    pub log_z: f64,
    /// AIS's standard error of log Z over its runs.
    pub log_z_se: f64,
}

/// The lower bound's trace over training.
pub type BoundTrace = Vec<BoundPoint>;

/// How often to measure the bound (every so many epochs) and how: a function of the
/// model giving (bound, log Z, log Z's standard error).
pub type BoundAt<'a> = Option<(usize, &'a mut dyn FnMut(&Dbm, &mut Rng) -> (f64, f64, f64))>;

/// Train `dbm` jointly on pairs: `pairs(rows, rng)` returns the (left, right) inputs of
/// one minibatch of training examples. `bound_at(dbm, epoch)` is called before training
/// and after every `every` epochs (None: never) and its values are returned.
pub fn train(
    dbm: &mut Dbm,
    examples: usize,
    plan: &DbmPlan,
    rng: &mut Rng,
    mut pairs: impl FnMut(&[usize], &mut Rng) -> (Tensor, Tensor),
    mut bound_at: BoundAt,
) -> anyhow::Result<(BoundTrace, Convergence)> {
    let updates_per_epoch = examples.div_ceil(plan.batch) as f32;
    let config = PcdConfig {
        lr: plan.lr,
        gaussian_lr: plan.gaussian_lr,
        decay: updates_per_epoch * plan.epochs as f32 / 4.0,
        momentum: MOMENTUM,
        weight_decay: WEIGHT_DECAY,
        gibbs_sweeps: 1,
        mean_field: plan.train_mean_field,
    };
    // The chains start at training pairs, their hidden layers sampled from mean-field.
    let start: Vec<usize> = (0..plan.chains).map(|k| k % examples).collect();
    let (left, right) = pairs(&start, rng);
    let mut given: Vec<Option<&Tensor>> = vec![None; dbm.layers.len()];
    given[LEFT_V] = Some(&left);
    given[RIGHT_V] = Some(&right);
    let q = dbm.mean_field(&given, &plan.train_mean_field);
    let chains = q
        .means
        .iter()
        .enumerate()
        .map(|(l, m)| if given[l].is_some() { m.clone() } else { models::rbm::sample(m, rng) })
        .collect();
    let mut trainer = Pcd::from_chains(config, dbm, chains);
    let mut trace = BoundTrace::new();
    let mut convergence = Convergence::default();
    if let Some((_, f)) = bound_at.as_mut() {
        let (bound, log_z, log_z_se) = f(dbm, rng);
        trace.push(BoundPoint { epoch: 0, bound, log_z, log_z_se });
    }
    for epoch in 1..=plan.epochs {
        for rows in models::data::shuffled_batches(examples, plan.batch, rng) {
            let (left, right) = pairs(&rows, rng);
            let mut given: Vec<Option<&Tensor>> = vec![None; dbm.layers.len()];
            given[LEFT_V] = Some(&left);
            given[RIGHT_V] = Some(&right);
            let q = trainer.step(dbm, &given, rng);
            convergence.add(&q);
        }
        let finite = dbm.edges.iter().all(|e| e.weight.data().iter().all(|w| w.is_finite()));
        anyhow::ensure!(finite, "DBM training: a weight became non-finite in epoch {epoch} (lr {})", plan.lr);
        if let Some((every, f)) = bound_at.as_mut()
            && (epoch % *every == 0 || epoch == plan.epochs)
        {
            let (bound, log_z, log_z_se) = f(dbm, rng);
            anyhow::ensure!(
                bound.is_finite(),
                "DBM training: the lower bound is {bound} after epoch {epoch}"
            );
            trace.push(BoundPoint { epoch, bound, log_z, log_z_se });
        }
    }
    Ok((trace, convergence))
}

/// AIS's inverse temperatures and runs for the bound's log Z.
pub const AIS: (usize, usize) = (1000, 50);

/// The mean lower bound on log p(left, right) of the given pairs, with log Z by AIS:
/// (bound, log Z, log Z's standard error).
pub fn mean_bound(
    dbm: &Dbm,
    left: &Tensor,
    right: &Tensor,
    config: &MeanFieldConfig,
    rng: &mut Rng,
) -> anyhow::Result<(f64, f64, f64)> {
    let mut given: Vec<Option<&Tensor>> = vec![None; dbm.layers.len()];
    given[LEFT_V] = Some(left);
    given[RIGHT_V] = Some(right);
    let q = dbm.mean_field(&given, config);
    let ais = dbm.log_partition_ais(AIS.0, AIS.1, rng).map_err(anyhow::Error::msg)?;
    Ok((mean_lower_bound(dbm, &given, &q, ais.log_z), ais.log_z, ais.std_error))
}

/// The mean of [`Dbm::lower_bound`] over the rows.
fn mean_lower_bound(dbm: &Dbm, given: &[Option<&Tensor>], q: &MeanField, log_z: f64) -> f64 {
    let b = dbm.lower_bound(given, q, log_z);
    b.iter().sum::<f64>() / b.len().max(1) as f64
}

/// [`mean_bound`] with a given log Z (the one AIS estimated when it was measured): what
/// `--load` recomputes.
pub(crate) fn mean_bound_given_log_z(
    dbm: &Dbm,
    left: &Tensor,
    right: &Tensor,
    config: &MeanFieldConfig,
    log_z: f64,
) -> f64 {
    let mut given: Vec<Option<&Tensor>> = vec![None; dbm.layers.len()];
    given[LEFT_V] = Some(left);
    given[RIGHT_V] = Some(right);
    let q = dbm.mean_field(&given, config);
    mean_lower_bound(dbm, &given, &q, log_z)
}

/// What the DBM's mean-field readings give for a set of pairs.
pub struct Reading {
    /// The representations a probe reads, in the page's order: left input, h1, h2,
    /// joint with both, joint with the right missing, joint with the left missing,
    /// right h2, h1, input.
    pub layers: Vec<Tensor>,
    /// Every layer's means with the left alone clamped: the right input's are the words
    /// a picture suggests, and they start Gibbs sampling.
    pub left_only: Vec<Tensor>,
    /// How mean-field ended.
    pub convergence: Convergence,
}

// ANCHOR: represent
/// Read pairs by mean-field three times (both inputs clamped; the left alone; the right
/// alone), every free layer inferred, the missing input's layer included.
pub fn represent(dbm: &Dbm, left: &Tensor, right: &Tensor, config: &MeanFieldConfig) -> Reading {
    let n = dbm.layers.len();
    let mut convergence = Convergence::default();
    let mut read = |l: Option<&Tensor>, r: Option<&Tensor>| {
        let mut given: Vec<Option<&Tensor>> = vec![None; n];
        given[LEFT_V] = l;
        given[RIGHT_V] = r;
        let q = dbm.mean_field(&given, config);
        convergence.add(&q);
        q.means
    };
    let both = read(Some(left), Some(right));
    let no_right = read(Some(left), None);
    let no_left = read(None, Some(right));
    let layers = vec![
        left.clone(),
        both[1].clone(),
        both[2].clone(),
        both[JOINT].clone(),
        no_right[JOINT].clone(),
        no_left[JOINT].clone(),
        both[4].clone(),
        both[5].clone(),
        right.clone(),
    ];
    Reading { layers, left_only: no_right, convergence }
}
// ANCHOR_END: represent

// ANCHOR: gibbs_fill
/// The right input's probabilities given the left clamped, by Gibbs sampling: chains
/// start from mean-field's means (sampled), every free layer is resampled each sweep,
/// and after `burn_in` sweeps the right input's conditional probabilities are averaged
/// over `samples` sweeps.
pub fn fill_by_gibbs(dbm: &Dbm, start: &[Tensor], burn_in: usize, samples: usize, rng: &mut Rng) -> Tensor {
    let mut clamped = vec![false; dbm.layers.len()];
    clamped[LEFT_V] = true;
    let mut states: Vec<Tensor> = start
        .iter()
        .enumerate()
        .map(|(l, m)| if l == LEFT_V { m.clone() } else { models::rbm::sample(m, rng) })
        .collect();
    let mut sum = Tensor::zeros(start[RIGHT_V].shape());
    for sweep in 0..burn_in + samples {
        dbm.gibbs(&mut states, &clamped, rng);
        if sweep >= burn_in {
            let p = no_grad(|| dbm.field(RIGHT_V, &states).sigmoid());
            sum = no_grad(|| sum.add(&p));
        }
    }
    no_grad(|| sum.scale(1.0 / samples.max(1) as f32))
}
// ANCHOR_END: gibbs_fill

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composing_keeps_the_input_weights_and_halves_those_between_hidden_layers() {
        let mut rng = autograd::seeded_rng(4);
        let mut first = Rbm::new(5, 4, &mut rng);
        first.gaussian = true;
        let left = Pathway { first, second: Rbm::new(4, 3, &mut rng) };
        let right = Pathway { first: Rbm::new(6, 4, &mut rng), second: Rbm::new(4, 2, &mut rng) };
        let joint = Rbm::new(3 + 2, 7, &mut rng);
        let dbm = compose(AV_NAMES, &left, &right, &joint, &mut rng);
        let half = |t: &Tensor| -> Vec<f32> { t.data().iter().map(|w| w * 0.5).collect() };
        assert_eq!(dbm.edges[0].weight.data(), left.first.weight.data());
        assert_eq!(dbm.edges[1].weight.data(), half(&left.second.weight).as_slice());
        let j = joint.weight.data();
        assert_eq!(dbm.edges[2].weight.data(), &j[..3 * 7].iter().map(|w| w * 0.5).collect::<Vec<_>>()[..]);
        assert_eq!(dbm.edges[3].weight.data(), &j[3 * 7..].iter().map(|w| w * 0.5).collect::<Vec<_>>()[..]);
        assert_eq!(dbm.edges[4].weight.data(), half(&right.second.weight).as_slice());
        assert_eq!(dbm.edges[5].weight.data(), right.first.weight.data());
        assert_eq!(dbm.layers[0].units, Units::Gaussian);
        assert_eq!(dbm.layers[6].units, Units::Binary);
        assert_eq!(dbm.layers[3].bias.data(), joint.hidden_bias.data());
        assert_eq!(dbm.layers[1].bias.data(), left.first.hidden_bias.data());
    }
}

//! `--save DIR` and `--load DIR` for chapter 2: four of the models it trains, as
//! safetensors with PyTorch Geometric's names (`Gcn::state_dict`):
//!
//! - `karate_gcn`: the 2-layer GCN trained from the two leaders' labels (first seed);
//! - `lesmis_gae`: the graph autoencoder's encoder behind the Les Misérables figure;
//! - `depth_plain` and `depth_residual`: the deepest stacks of the depth study, on its
//!   first planted graph.
//!
//! Each file's metadata holds how to rebuild the model and its graph (`spec`, JSON) and
//! one number measured on it when it was saved (`metric`). Saving and loading measure
//! alike: both rebuild the model from its saved state, so `--load` checks the number
//! against one taken from exactly what the file holds. Nothing is measured unless
//! `--save` or `--load` is given.

use std::path::Path;

use anyhow::Context;
use autograd::{Tensor, no_grad, seeded_rng};
use kit::Claim;
use models::graph::Graph;
use models::{Activation, Gcn, Residual};
use serde::{Deserialize, Serialize};

use crate::Config;
use crate::common::{identity_features, node_accuracy};
use crate::supervised::{LEADERS, planted, twenty_per_class};

/// Which graph a model was trained on, enough to rebuild it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum GraphSpec {
    /// `karate_nodes.csv` and `karate_edges.csv` from `--data`.
    Karate,
    /// `lesmis_nodes.csv` and `lesmis_edges.csv` from `--data`.
    Lesmis,
    /// A planted partition, regenerated from its size, signal and seed.
    Planted {
        /// Nodes.
        nodes: usize,
        /// Feature signal.
        signal: f32,
        /// The seed of the graph and of its labelled nodes.
        seed: u64,
    },
}

/// How to rebuild a saved GCN.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Spec {
    /// (input features, hidden width, outputs).
    pub dims: (usize, usize, usize),
    /// GCN layers.
    pub depth: usize,
    /// One shared hidden weight.
    pub shared: bool,
    /// The residual alpha, if the stack is residual.
    pub residual_alpha: Option<f32>,
    /// The graph it was trained on.
    pub graph: GraphSpec,
}

/// A trained model kept for `--save`: plain data, so it can come back from a worker
/// thread.
#[derive(Debug, Clone)]
pub struct SavedModel {
    /// The file name without `.safetensors`.
    pub name: String,
    /// How to rebuild it.
    pub spec: Spec,
    /// (name, shape, values) in PyTorch Geometric's layout.
    pub state: Vec<(String, Vec<usize>, Vec<f32>)>,
}

impl Spec {
    fn residual(&self) -> Residual {
        self.residual_alpha.map_or(Residual::None, Residual::Scaled)
    }

    /// A GCN of this architecture with the weights of `state`.
    fn build(&self, state: &[(String, Tensor)]) -> Result<Gcn, String> {
        let mut gcn = Gcn::new(
            self.dims,
            self.depth,
            self.shared,
            self.residual(),
            Activation::Relu,
            &mut seeded_rng(0),
        );
        gcn.load_state_dict(state)?;
        Ok(gcn)
    }

    /// The number that identifies the trained model: accuracy on the nodes it was not
    /// trained on (karate, planted), or the mean predicted probability of the graph's
    /// edges (the autoencoder).
    fn metric(&self, gcn: &Gcn, data: &Path) -> anyhow::Result<(&'static str, f64)> {
        Ok(match &self.graph {
            GraphSpec::Karate => {
                let g = models::graph::load_karate(data)?;
                let rest: Vec<usize> = (0..g.n).filter(|i| !LEADERS.contains(i)).collect();
                let labels = g.labels.as_ref().expect("karate has factions");
                let acc =
                    node_accuracy(gcn, &g.normalized_adjacency(), &identity_features(g.n), labels, &rest);
                ("accuracy on the unlabelled members", acc)
            }
            GraphSpec::Lesmis => {
                let g = models::graph::load_lesmis(data)?;
                ("mean edge probability", mean_edge_probability(gcn, &g))
            }
            GraphSpec::Planted { nodes, signal, seed } => {
                let cfg = Config { planted_nodes: *nodes, planted_signal: *signal, ..Config::default() };
                let (g, x) = planted(&cfg, *seed);
                let (_, test) = twenty_per_class(&g, *seed);
                let labels = g.labels.as_ref().expect("planted graphs have classes");
                ("test accuracy", node_accuracy(gcn, &g.normalized_adjacency(), &x, labels, &test))
            }
        })
    }
}

/// Mean of sigmoid(z_u . z_v) over the graph's edges, z the encoder's output.
fn mean_edge_probability(gcn: &Gcn, g: &Graph) -> f64 {
    let z = no_grad(|| gcn.forward(&g.normalized_adjacency(), &identity_features(g.n)));
    let p = crate::unsupervised::edge_scores(&z, &g.edges).sigmoid();
    p.data().iter().map(|&v| v as f64).sum::<f64>() / g.edges.len() as f64
}

/// Keep a trained model for `--save`.
pub fn saved(name: &str, gcn: &Gcn, spec: Spec) -> SavedModel {
    let state = gcn.state_dict().into_iter().map(|(n, t)| (n, t.shape().to_vec(), t.to_vec())).collect();
    SavedModel { name: name.to_string(), spec, state }
}

/// Write every model into `dir`, each with its spec and its metric, measured on the
/// data in `data`.
pub fn save_all(dir: &Path, models: &[SavedModel], data: &Path) -> anyhow::Result<()> {
    for m in models {
        let state: Vec<(String, Tensor)> =
            m.state.iter().map(|(n, shape, v)| (n.clone(), Tensor::from_vec(v.clone(), shape))).collect();
        let gcn = m.spec.build(&state).map_err(|e| anyhow::anyhow!("{}: {e}", m.name))?;
        let (metric_name, metric) = m.spec.metric(&gcn, data)?;
        let metadata = [
            ("architecture", gcn.to_string()),
            (
                "pytorch",
                "torch_geometric.nn.models.GCN: convs.{k}.lin.weight (out, in), convs.{k}.bias".into(),
            ),
            ("spec", serde_json::to_string(&m.spec)?),
            ("metric_name", metric_name.to_string()),
            ("metric", format!("{metric}")),
        ];
        kit::checkpoint::save(&dir.join(format!("{}.safetensors", m.name)), &state, &metadata)?;
    }
    Ok(())
}

/// The models `save_all` writes, in order.
pub const NAMES: [&str; 4] = ["karate_gcn", "lesmis_gae", "depth_plain", "depth_residual"];

/// Rebuild every model saved in `dir`, measure it again on the data in `data`, and
/// claim it measures what it did when saved.
pub fn load_all(dir: &Path, data: &Path) -> anyhow::Result<kit::Outcome> {
    let mut claims = Vec::new();
    for name in NAMES {
        let path = dir.join(format!("{name}.safetensors"));
        let loaded = kit::checkpoint::load(&path)?;
        let meta = |key: &str| {
            loaded
                .metadata
                .get(key)
                .with_context(|| format!("{}: no {key:?} in its metadata", path.display()))
        };
        let spec: Spec =
            serde_json::from_str(meta("spec")?).with_context(|| format!("{}: spec", path.display()))?;
        let saved: f64 = meta("metric")?.parse().with_context(|| format!("{}: metric", path.display()))?;
        let gcn = spec.build(&loaded.state).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let (metric_name, now) = spec.metric(&gcn, data)?;
        claims.push(
            Claim::bar(
                &format!("checkpoint_{name}"),
                "your-own-graphs",
                now == saved,
                "exactly the number stored in the file when it was saved",
                format!(
                    "{name} ({gcn}) loaded from {}: {metric_name} {now}, {saved} when saved.",
                    path.display()
                ),
            )
            .with("loaded", now)
            .with("saved", saved),
        );
    }
    let held = claims.iter().filter(|c| c.holds).count();
    Ok(kit::Outcome {
        headline: format!("{held} of {} checkpoints reproduce their numbers", claims.len()),
        claims,
    })
}

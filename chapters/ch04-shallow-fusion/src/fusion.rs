//! Early fusion on the AV digits: each modality alone, the raw concatenation read by
//! softmax regression, by softmax regression after PCA to k dimensions, by one hidden
//! layer, and by a deeper MLP.

use autograd::{Tensor, no_grad, seeded_rng};
use models::data::Av;
use models::linalg::Matrix;
use models::{Mlp, Module, Pca, Probe};
use serde::{Deserialize, Serialize};

use crate::Config;
use crate::features::{CLASSES, Inputs, mlp, mlp_accuracy, rows, train_mlp};

/// Test accuracy of one model.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Scored {
    /// What the model reads.
    pub inputs: Inputs,
    /// The model, as the page names it.
    pub model: String,
    /// Test accuracy.
    pub accuracy: f64,
}

/// Softmax regression after PCA to k dimensions.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct PcaPoint {
    /// What was projected.
    pub inputs: Inputs,
    /// Dimensions kept.
    pub k: usize,
    /// Share of the training variance they hold.
    pub variance_kept: f64,
    /// Test accuracy of softmax regression on the k coordinates.
    pub accuracy: f64,
}

/// 2-D points of a figure.
pub type Points = Vec<(f64, f64)>;

/// Everything the early-fusion part measured.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct FusionReport {
    /// Softmax regression and MLPs on each modality and on the concatenation.
    pub models: Vec<Scored>,
    /// The PCA sweep.
    pub pca: Vec<PcaPoint>,
    /// Test accuracy of softmax regression on the 2-D PCA projection of the concatenation.
    pub pca2_accuracy: f64,
    /// The same on a 2-D PCA projection of the deep MLP's last hidden layer.
    pub deep2_accuracy: f64,
    /// 2-D test points for the figures: (PCA of the inputs, PCA of the deep MLP's last hidden layer).
    #[serde(skip, default)]
    pub projections: (Points, Points),
}

impl FusionReport {
    /// The accuracy of `model` on `inputs`, if it was run.
    pub fn accuracy(&self, inputs: Inputs, model: &str) -> Option<f64> {
        self.models.iter().find(|s| s.inputs == inputs && s.model == model).map(|s| s.accuracy)
    }
}

/// Model names, as the page and the claims use them.
pub const SOFTMAX: &str = "softmax regression";
/// One hidden layer.
pub const ONE_HIDDEN: &str = "MLP, one hidden layer";
/// Three hidden layers.
pub const DEEP: &str = "MLP, three hidden layers";

/// Fit softmax regression on `train` rows of `width`, return its test accuracy.
pub fn softmax_accuracy(
    train: &[f32],
    train_labels: &[usize],
    test: &[f32],
    test_labels: &[usize],
    width: usize,
    cfg: &Config,
    seed: u64,
) -> anyhow::Result<f64> {
    Ok(softmax_regression(train, train_labels, width, cfg, seed)?.accuracy(test, test_labels))
}

/// Fit softmax regression on `train` rows of `width`, from an RNG seeded with `seed`.
pub fn softmax_regression(
    train: &[f32],
    train_labels: &[usize],
    width: usize,
    cfg: &Config,
    seed: u64,
) -> anyhow::Result<Probe> {
    Probe::fit(train, width, train_labels, CLASSES, &cfg.probe, &mut seeded_rng(seed))
        .map_err(anyhow::Error::msg)
}

/// The seed of every model on `inputs`: the run's seed plus the inputs' place in
/// image, audio, both.
pub fn seed_of(cfg: &Config, inputs: Inputs) -> u64 {
    let n = [Inputs::Image, Inputs::Audio, Inputs::Both].iter().position(|&i| i == inputs).unwrap_or(0);
    cfg.seed + n as u64
}

/// Train an MLP of `widths` (ReLU) on the rows `xtr` with their labels, drawing its
/// initialisation and batches from `rng`.
pub fn train_classifier(
    widths: &[usize],
    xtr: &[f32],
    train_labels: &[usize],
    cfg: &Config,
    rng: &mut autograd::Rng,
) -> anyhow::Result<Mlp> {
    let width = widths[0];
    let mut model = mlp(widths, rng);
    train_mlp(&mut model, train_labels.len(), cfg.epochs, cfg.lr, rng, |batch, _| {
        let x = batch.iter().flat_map(|&b| xtr[b * width..][..width].iter().copied()).collect();
        (Tensor::from_vec(x, &[batch.len(), width]), batch.iter().map(|&b| train_labels[b]).collect())
    })?;
    Ok(model)
}

/// The early-fusion models `--save` keeps, trained as the run trains them: softmax
/// regression on the concatenation, and the one-hidden-layer MLP on it.
pub fn early_models(av: &Av, cfg: &Config) -> anyhow::Result<(Probe, Mlp)> {
    let train = &av.raw.train;
    let train_labels = av.labels(train);
    let inputs = Inputs::Both;
    let (width, seed) = (inputs.width(av), seed_of(cfg, inputs));
    let xtr = rows(av, inputs, train, train);
    let softmax = softmax_regression(&xtr, &train_labels, width, cfg, seed)?;
    let one_hidden =
        train_classifier(&[width, cfg.hidden, CLASSES], &xtr, &train_labels, cfg, &mut seeded_rng(seed))?;
    Ok((softmax, one_hidden))
}

/// PCA of the training rows, applied to both sets: (train, test, variance kept per k).
fn pca(
    train: &[f32],
    test: &[f32],
    width: usize,
    k: usize,
) -> anyhow::Result<(Matrix, Matrix, Vec<f64>, f64)> {
    let (tr, te) = (
        Matrix::from_f32(train.len() / width, width, train),
        Matrix::from_f32(test.len() / width, width, test),
    );
    let model = Pca::fit(&tr, k).map_err(anyhow::Error::msg)?;
    Ok((model.transform(&tr), model.transform(&te), model.variances.clone(), model.total_variance))
}

fn two_d(m: &Matrix) -> Vec<(f64, f64)> {
    (0..m.rows).map(|i| (m.at(i, 0), m.at(i, 1))).collect()
}

/// Run every early-fusion model on the fixed pairs.
pub fn run(av: &Av, cfg: &Config) -> anyhow::Result<FusionReport> {
    let (train, test) = (&av.raw.train, &av.raw.test);
    let (train_labels, test_labels) = (av.labels(train), av.labels(test));
    let mut models = Vec::new();
    let mut pca_points = Vec::new();
    let mut projections = (Vec::new(), Vec::new());
    let mut pca2_accuracy = 0.0;
    for inputs in [Inputs::Image, Inputs::Audio, Inputs::Both] {
        let width = inputs.width(av);
        let (xtr, xte) = (rows(av, inputs, train, train), rows(av, inputs, test, test));
        let seed = seed_of(cfg, inputs);
        let softmax = softmax_accuracy(&xtr, &train_labels, &xte, &test_labels, width, cfg, seed)?;
        models.push(Scored { inputs, model: SOFTMAX.into(), accuracy: softmax });
        let mut rng = seeded_rng(seed);
        let mut hidden_layers = vec![vec![width, cfg.hidden, 10]];
        if inputs == Inputs::Both {
            hidden_layers.push(vec![width, 2 * cfg.hidden, cfg.hidden, cfg.hidden / 2, 10]);
        }
        for widths in hidden_layers {
            let model = train_classifier(&widths, &xtr, &train_labels, cfg, &mut rng)?;
            let name = if widths.len() == 3 { ONE_HIDDEN } else { DEEP };
            models.push(Scored {
                inputs,
                model: name.into(),
                accuracy: mlp_accuracy(&model, &xte, &test_labels),
            });
            if name == DEEP {
                // The deep model's last hidden layer, projected to 2-D like the inputs.
                let hidden = |x: &[f32]| {
                    no_grad(|| {
                        let mut h = Tensor::from_vec(x.to_vec(), &[x.len() / width, width]);
                        for layer in &model.layers[..model.layers.len() - 1] {
                            h = layer.forward(&h).relu();
                        }
                        h.to_vec()
                    })
                };
                let d = cfg.hidden / 2;
                let (tr2, te2, _, _) = pca(&hidden(&xtr), &hidden(&xte), d, 2)?;
                projections.1 = two_d(&te2);
                let deep2 = softmax_accuracy(
                    &tr2.to_f32(),
                    &train_labels,
                    &te2.to_f32(),
                    &test_labels,
                    2,
                    cfg,
                    seed,
                )?;
                models.push(Scored {
                    inputs,
                    model: "2-D projection of the deep MLP's last hidden layer".into(),
                    accuracy: deep2,
                });
            }
        }
        let top = cfg.pca_dims.iter().copied().filter(|&k| k <= width).max().unwrap_or(2);
        let (tr, te, variances, total) = pca(&xtr, &xte, width, top)?;
        for &k in cfg.pca_dims.iter().filter(|&&k| k <= width) {
            let (trk, tek) = (tr.first_cols(k), te.first_cols(k));
            let accuracy =
                softmax_accuracy(&trk.to_f32(), &train_labels, &tek.to_f32(), &test_labels, k, cfg, seed)?;
            let variance_kept = variances[..k].iter().sum::<f64>() / total.max(1e-12);
            pca_points.push(PcaPoint { inputs, k, variance_kept, accuracy });
            if inputs == Inputs::Both && k == 2 {
                pca2_accuracy = accuracy;
                projections.0 = two_d(&tek);
            }
        }
    }
    let deep2_accuracy = models.iter().find(|s| s.model.starts_with("2-D")).map_or(0.0, |s| s.accuracy);
    models.retain(|s| !s.model.starts_with("2-D"));
    Ok(FusionReport { models, pca: pca_points, pca2_accuracy, deep2_accuracy, projections })
}

//! Training the RBM on the binarised digits four ways (CD-1, CD-10, persistent CD with
//! a decaying learning rate, and naive persistent CD with a constant one), then
//! measuring each: reconstruction error, log-likelihood by AIS, and what its Gibbs
//! chains produce when started from noise.

use autograd::{Rng, Tensor, seeded_rng};
use models::data::{gather_rows, shuffled_batches};
use models::rbm::{Cd, CdConfig, Rbm, sample};
use models::{Probe, ProbeConfig};
use serde::{Deserialize, Serialize};

use crate::Config;

/// The binarised digits: pixel ≥ 8 (of 16) is on.
pub struct Binary {
    /// (n, 64) of 0 and 1.
    pub pixels: Vec<f32>,
    /// The digit of each image.
    pub labels: Vec<usize>,
    /// Training images.
    pub train: Vec<usize>,
    /// Test images.
    pub test: Vec<usize>,
}

impl Binary {
    /// Rows `rows` as an (n, 64) tensor.
    pub fn rows(&self, rows: &[usize]) -> Tensor {
        gather_rows(&self.pixels, 64, rows)
    }

    /// log(p / (1 - p)) of each pixel's training frequency (clamped to [0.01, 0.99]):
    /// the visible biases of the independent-pixel model, where AIS starts.
    pub fn base_rates(&self) -> Vec<f32> {
        (0..64)
            .map(|j| {
                let on = self.train.iter().map(|&i| self.pixels[i * 64 + j]).sum::<f32>();
                let p = (on / self.train.len() as f32).clamp(0.01, 0.99);
                (p / (1.0 - p)).ln()
            })
            .collect()
    }
}

/// Softmax regression on the binary pixels, as plain numbers (shareable between
/// threads): the classifier that names the digit a sample looks like.
pub struct PixelClassifier {
    /// (64, 10) weights.
    pub weight: Vec<f32>,
    /// (10) biases.
    pub bias: Vec<f32>,
}

impl PixelClassifier {
    /// From a fitted probe.
    pub fn from_probe(probe: &Probe) -> PixelClassifier {
        PixelClassifier {
            weight: probe.linear.weight.tensor().to_vec(),
            bias: probe.linear.bias.tensor().to_vec(),
        }
    }

    /// The digit of each row of 64 pixels.
    pub fn predict(&self, rows: &[f32]) -> Vec<usize> {
        rows.chunks_exact(64)
            .map(|x| {
                let score = |c: usize| {
                    self.bias[c] + x.iter().enumerate().map(|(i, v)| v * self.weight[i * 10 + c]).sum::<f32>()
                };
                (0..10).max_by(|&a, &b| score(a).total_cmp(&score(b))).unwrap_or(0)
            })
            .collect()
    }
}

/// Sample images recorded along the chains: (step, one 64-pixel image per chain).
pub type Snapshots = Vec<(usize, Vec<Vec<f32>>)>;

/// A way of training the RBM.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Method {
    /// The name the page uses.
    pub name: String,
    /// Gibbs steps per update.
    pub k: usize,
    /// Persistent chains (0: restart at the data, plain CD).
    pub chains: usize,
    /// Starting learning rate.
    pub lr: f32,
    /// Decay the learning rate linearly towards 5% of its start.
    pub decay: bool,
    /// Momentum.
    pub momentum: f32,
}

/// What one trained RBM gave.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct RunRow {
    /// How it was trained.
    pub method: Method,
    /// Epochs.
    pub epochs: usize,
    /// Mean reconstruction error over the last epoch.
    pub reconstruction: f64,
    /// log Z by annealed importance sampling.
    pub log_z: f64,
    /// Its standard error over the AIS runs (delta method); the log-likelihoods, which
    /// are -F(v) - log Z, carry the same one.
    #[serde(default)]
    pub log_z_se: f64,
    /// Mean test log-likelihood, nats per image.
    pub test_ll: f64,
    /// Mean training log-likelihood.
    pub train_ll: f64,
    /// Softmax regression on the hidden probabilities: test accuracy.
    pub probe: f64,
    /// Of the samples after the longest chain, the share the pixel classifier gives the commonest digit.
    pub commonest_share: f64,
    /// That digit.
    pub commonest_digit: usize,
    /// Median Hamming distance from a sample to its nearest training image.
    pub median_hamming: f64,
    /// Gibbs steps of the longest chain from noise.
    #[serde(default)]
    pub chain_steps: usize,
    /// How many of the samples after the longest chain the pixel classifier calls each digit.
    #[serde(default)]
    pub digit_counts: [usize; 10],
    /// The digit it names for each chain the figure shows.
    #[serde(default)]
    pub shown_digits: Vec<usize>,
    /// For figures: samples of the first chains at each recorded step, and the weights.
    #[serde(skip, default)]
    pub pictures: (Snapshots, Vec<f32>),
}

/// Train one RBM with `method` for `epochs`.
pub fn train(data: &Binary, method: &Method, epochs: usize, cfg: &Config, rng: &mut Rng) -> (Rbm, f64) {
    let mut rbm = Rbm::new(64, cfg.hidden, rng);
    rbm.visible_bias = Tensor::from_vec(data.base_rates(), &[64]);
    let config =
        CdConfig { k: method.k, lr: method.lr, momentum: method.momentum, weight_decay: cfg.weight_decay };
    let mut cd = if method.chains > 0 {
        Cd::persistent(config, &rbm, method.chains, rng)
    } else {
        Cd::new(config, &rbm)
    };
    let mut last = 0.0;
    for epoch in 0..epochs {
        // ANCHOR: schedule
        let lr =
            if method.decay { method.lr * (1.0 - epoch as f32 / epochs as f32).max(0.05) } else { method.lr };
        // ANCHOR_END: schedule
        let batches = shuffled_batches(data.train.len(), cfg.batch_size, rng);
        let mut total = 0.0;
        for batch in &batches {
            let rows: Vec<usize> = batch.iter().map(|&b| data.train[b]).collect();
            total += cd.step(&mut rbm, &data.rows(&rows), lr, rng);
        }
        last = total / batches.len() as f64;
    }
    (rbm, last)
}

/// Gibbs chains from uniform noise: the states of the first `keep` chains after each
/// step in `record`, and all chains' states after the last.
pub fn chains_from_noise(
    rbm: &Rbm,
    chains: usize,
    record: &[usize],
    keep: usize,
    rng: &mut Rng,
) -> (Snapshots, Tensor) {
    let mut v = sample(&Tensor::full(&[chains, 64], 0.5), rng);
    let mut shown = Vec::new();
    let last = record.iter().copied().max().unwrap_or(0);
    for step in 1..=last {
        v = rbm.gibbs(&v, rng);
        if record.contains(&step) {
            shown.push((step, v.data().chunks_exact(64).take(keep).map(<[f32]>::to_vec).collect()));
        }
    }
    (shown, v)
}

/// Train with `method`, then measure likelihood, features and samples.
pub fn run(
    data: &Binary,
    method: &Method,
    epochs: usize,
    pixel_probe: &PixelClassifier,
    cfg: &Config,
) -> anyhow::Result<RunRow> {
    let mut rng = seeded_rng(cfg.seed);
    let (rbm, reconstruction) = train(data, method, epochs, cfg, &mut rng);
    let base = data.base_rates();
    let ais = rbm.log_partition_ais(&base, cfg.ais_steps, cfg.ais_runs, &mut rng);
    let log_z = ais.log_z;
    let (train, test) = (data.rows(&data.train), data.rows(&data.test));
    let labels = |rows: &[usize]| -> Vec<usize> { rows.iter().map(|&i| data.labels[i]).collect() };
    let probe = Probe::fit(
        &rbm.hidden_probs(&train).to_vec(),
        cfg.hidden,
        &labels(&data.train),
        10,
        &ProbeConfig::default(),
        &mut rng,
    )
    .map_err(anyhow::Error::msg)?
    .accuracy(&rbm.hidden_probs(&test).to_vec(), &labels(&data.test));
    let (shown, last) = chains_from_noise(&rbm, cfg.sample_chains, &cfg.record_steps, 10, &mut rng);
    let predicted = pixel_probe.predict(&last.to_vec());
    let mut counts = [0usize; 10];
    predicted.iter().for_each(|&d| counts[d] += 1);
    let commonest_digit = (0..10).max_by_key(|&d| counts[d]).unwrap_or(0);
    let mut distances: Vec<usize> = last
        .data()
        .chunks_exact(64)
        .map(|s| {
            data.train
                .iter()
                .map(|&i| s.iter().zip(&data.pixels[i * 64..][..64]).filter(|(a, b)| a != b).count())
                .min()
                .unwrap_or(64)
        })
        .collect();
    distances.sort_unstable();
    Ok(RunRow {
        method: method.clone(),
        epochs,
        reconstruction,
        log_z,
        log_z_se: ais.std_error,
        test_ll: rbm.log_likelihood(&test, log_z),
        train_ll: rbm.log_likelihood(&train, log_z),
        probe,
        commonest_share: counts[commonest_digit] as f64 / predicted.len().max(1) as f64,
        commonest_digit,
        median_hamming: distances.get(distances.len() / 2).copied().unwrap_or(64) as f64,
        chain_steps: cfg.record_steps.iter().copied().max().unwrap_or(0),
        digit_counts: counts,
        shown_digits: predicted.iter().take(10).copied().collect(),
        pictures: (shown, rbm.weight.to_vec()),
    })
}

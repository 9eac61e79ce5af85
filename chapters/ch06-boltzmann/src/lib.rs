//! # Chapter 6: Boltzmann machines
//!
//! The restricted Boltzmann machine from its energy function up: the two conditionals,
//! block Gibbs sampling, learning by contrastive divergence (CD-k) and persistent CD,
//! why reconstruction error is not the likelihood, and the likelihood itself by
//! annealed importance sampling, checked against exact enumeration on a small model.

#![warn(missing_docs)]

mod checkpoint;
mod claims;
mod clip_claims;
mod clip_outputs;
mod clip_prepare;
mod clip_tagging;
pub mod clipart;
mod dbm_claims;
pub mod dbm_runs;
pub mod diagram;
mod multimodal;
mod outputs;
mod rbm_runs;
mod verdicts;

use std::path::PathBuf;

use autograd::seeded_rng;
use models::data::{load_digits, load_split};
use models::rbm::Rbm;
use models::{Probe, ProbeConfig};
use serde::{Deserialize, Serialize};

pub use claims::claims;
pub use clipart::{ClipArtReport, ClipSeed, Retrieval, TagExample, Tagging};
pub use dbm_runs::{Convergence, DbmPlan};
pub use multimodal::{AvSeed, LayerRow, MultimodalReport};
pub use outputs::{chapter, write_outputs};
pub use rbm_runs::{Binary, Method, PixelClassifier, RunRow};

/// Everything the chapter's run is parameterised by.
#[derive(Clone, Debug)]
pub struct Config {
    /// Hidden units of the RBMs.
    pub hidden: usize,
    /// Epochs of the short CD-1 run (reconstruction and probe).
    pub short_epochs: usize,
    /// Epochs of the likelihood comparison.
    pub epochs: usize,
    /// Images per minibatch.
    pub batch_size: usize,
    /// L2 weight decay on W.
    pub weight_decay: f32,
    /// Inverse temperatures of AIS.
    pub ais_steps: usize,
    /// Independent AIS runs.
    pub ais_runs: usize,
    /// Gibbs chains started from noise for the samples.
    pub sample_chains: usize,
    /// Steps at which the sample grids are recorded.
    pub record_steps: Vec<usize>,
    /// Hidden units of the RBM small enough to enumerate.
    pub small_hidden: usize,
    /// Layer widths of the multimodal model: image h1, h2; audio h1, h2; joint.
    pub dbn_widths: [usize; 5],
    /// Epochs of each of its layers.
    pub dbn_epochs: usize,
    /// Seeds (models) it is trained with; the split is the data set's own.
    pub dbn_seeds: usize,
    /// Learning rate of its Gaussian (input) layers.
    pub gaussian_lr: f32,
    /// Learning rate of its binary layers.
    pub binary_lr: f32,
    /// The clip-art experiment.
    pub clip: ClipConfig,
    /// Mean-field iterations when a modality is missing.
    pub mean_field_steps: usize,
    /// How the DBM composed from the DBN is trained, on the AV digits.
    pub dbm: DbmPlan,
    /// The same on clip art.
    pub clip_dbm: DbmPlan,
    /// Seed of every RNG.
    pub seed: u64,
    /// The folder holding `digits.csv` and `pairs.csv`.
    pub data: PathBuf,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            hidden: 200,
            short_epochs: 20,
            epochs: 100,
            batch_size: 20,
            weight_decay: 1e-4,
            ais_steps: 3000,
            ais_runs: 100,
            sample_chains: 200,
            record_steps: vec![1, 10, 100, 1000],
            small_hidden: 16,
            dbn_widths: [128, 64, 256, 64, 128],
            dbn_epochs: 30,
            dbn_seeds: 5,
            gaussian_lr: 0.005,
            binary_lr: 0.05,
            clip: ClipConfig::default(),
            mean_field_steps: 10,
            dbm: DbmPlan { epochs: 10, ..DbmPlan::default() },
            clip_dbm: DbmPlan { epochs: 20, ..DbmPlan::default() },
            seed: 0,
            data: models::data::data_dir(),
        }
    }
}

impl Config {
    /// The configuration the tests use.
    pub fn quick() -> Config {
        Config {
            hidden: 50,
            short_epochs: 2,
            epochs: 3,
            ais_steps: 200,
            ais_runs: 20,
            sample_chains: 30,
            record_steps: vec![1, 10],
            small_hidden: 10,
            dbn_epochs: 2,
            dbn_seeds: 2,
            clip: ClipConfig { epochs: (2, 4, 2), seeds: 2, ..ClipConfig::default() },
            dbm: DbmPlan { epochs: 2, ..DbmPlan::default() },
            clip_dbm: DbmPlan { epochs: 2, ..DbmPlan::default() },
            ..Config::default()
        }
    }

    /// The training methods compared over `epochs`.
    pub fn methods(&self) -> Vec<Method> {
        let m = |name: &str, k, chains, lr, decay, momentum| Method {
            name: name.into(),
            k,
            chains,
            lr,
            decay,
            momentum,
        };
        vec![
            m("CD-1", 1, 0, 0.05, false, 0.9),
            m("CD-10", 10, 0, 0.05, false, 0.9),
            m("PCD, decaying rate", 1, 100, 0.1, true, 0.5),
            m("PCD, constant rate", 1, 100, 0.1, false, 0.9),
        ]
    }
}

/// How the clip-art experiment runs.
#[derive(Clone, Debug)]
pub struct ClipConfig {
    /// Pictures are averaged over squares of this many pixels a side (4: 8 x 8 x 3).
    pub block: usize,
    /// Layer widths: image h1, h2; text h1, h2; joint.
    pub widths: [usize; 5],
    /// Epochs of each layer of the image pathway, the text pathway and the joint layer.
    /// The text pathway's inputs are sparse (a title has one or two known words), so
    /// each word's weights see few updates per epoch: it trains longer.
    pub epochs: (usize, usize, usize),
    /// Learning rates of the Gaussian image layer, the text pathway's first layer,
    /// and every binary layer above them.
    pub lrs: (f32, f32, f32),
    /// Seeds (splits and models) the results average over.
    pub seeds: usize,
    /// Nearest training pictures whose title words vote, in the baselines.
    pub neighbours: usize,
    /// Gibbs steps discarded before the filled-in text is read, in tagging.
    pub burn_in: usize,
    /// Gibbs samples of the filled-in text averaged, in tagging.
    pub samples: usize,
    /// A word joins the vocabulary when at least this many training titles use it.
    pub min_titles: usize,
}

impl Default for ClipConfig {
    fn default() -> ClipConfig {
        ClipConfig {
            block: 4,
            widths: [256, 128, 64, 64, 128],
            epochs: (50, 200, 100),
            lrs: (0.02, 0.2, 0.05),
            seeds: 5,
            neighbours: 10,
            burn_in: 20,
            samples: 50,
            min_titles: 2,
        }
    }
}

/// The small RBM whose log Z can be enumerated.
#[derive(Serialize, Deserialize, Debug, Clone, Copy)]
pub struct SmallCheck {
    /// Its hidden units.
    pub hidden: usize,
    /// log Z by summing over all 2^hidden hidden states.
    pub exact: f64,
    /// log Z by AIS.
    pub ais: f64,
    /// The standard error of AIS's log Z over its runs (delta method).
    #[serde(default)]
    pub ais_se: f64,
    /// Test log-likelihood with the exact log Z.
    pub test_ll: f64,
}

/// One settings table of the page: (setting, value) rows.
pub type Settings = Vec<(String, String)>;

/// The numbers the page shows, and the claims computed from them.
#[derive(Serialize, Deserialize, Debug)]
pub struct Report {
    /// Hidden units of the RBMs.
    pub hidden: usize,
    /// AIS's inverse temperatures and independent runs.
    #[serde(default)]
    pub ais: (usize, usize),
    /// Softmax regression on the binary pixels themselves.
    pub pixel_probe: f64,
    /// CD-1 after the short run.
    pub short: RunRow,
    /// Every method after the long run.
    pub runs: Vec<RunRow>,
    /// AIS against enumeration.
    pub small: SmallCheck,
    /// The multimodal model on the AV digits, layer by layer.
    pub multimodal: MultimodalReport,
    /// The multimodal model on clip art with titles, over several seeds.
    pub clipart: ClipArtReport,
    /// The settings of the RBMs and of the multimodal model, for the page's tables.
    #[serde(default)]
    pub settings: (Settings, Settings),
    /// The DBM's settings.
    #[serde(default)]
    pub dbm_settings: Settings,
    /// The conclusions the page draws.
    pub claims: Vec<kit::Claim>,
}

enum Task {
    Short,
    Long(Method),
    Small,
    Multimodal(u64),
    Clip(u64),
}

enum Done {
    Run(Box<RunRow>),
    Small(SmallCheck),
    Multimodal(Box<AvSeed>, Option<checkpoint::KeptAv>),
    Clip(Box<ClipSeed>),
}

/// Load the digits, binarised at 8 of 16.
pub fn load(cfg: &Config) -> anyhow::Result<Binary> {
    let digits = load_digits(&cfg.data.join("digits.csv"))?;
    let split = load_split(&cfg.data.join("pairs.csv"), &digits)?;
    Ok(Binary {
        pixels: digits.images.iter().map(|&v| f32::from(u8::from(v * 16.0 >= 8.0))).collect(),
        labels: digits.labels,
        train: split.train,
        test: split.test,
    })
}

/// Run every experiment (in parallel; results in a fixed order).
pub fn run(cfg: &Config) -> anyhow::Result<(Report, Binary)> {
    let (report, data, _) = run_keeping(cfg)?;
    Ok((report, data))
}

/// [`run`], and the models `--save` keeps, as plain data: the first seed's multimodal
/// DBN and DBM of the AV digits, with the probes that read their layers.
pub(crate) fn run_keeping(cfg: &Config) -> anyhow::Result<(Report, Binary, Option<checkpoint::KeptAv>)> {
    let data = load(cfg)?;
    let labels = |rows: &[usize]| -> Vec<usize> { rows.iter().map(|&i| data.labels[i]).collect() };
    let pixel_probe = Probe::fit(
        &data.rows(&data.train).to_vec(),
        64,
        &labels(&data.train),
        10,
        &ProbeConfig::default(),
        &mut seeded_rng(cfg.seed),
    )
    .map_err(anyhow::Error::msg)?;
    let pixel_accuracy = pixel_probe.accuracy(&data.rows(&data.test).to_vec(), &labels(&data.test));
    let pixel_probe = rbm_runs::PixelClassifier::from_probe(&pixel_probe);
    let av = models::data::Av::load(&cfg.data, models::data::AvVariant::Noisy)
        .map_err(|e| anyhow::anyhow!("loading the audio-visual digits: {e}"))?;
    let art =
        models::data::load_clipart(&cfg.data).map_err(|e| anyhow::anyhow!("loading the clip art: {e}"))?;
    let art = clipart::prepare(&art, cfg.clip.block);
    let mut tasks: Vec<Task> = (0..cfg.dbn_seeds as u64).map(|k| Task::Multimodal(cfg.seed + k)).collect();
    tasks.extend([Task::Small, Task::Short]);
    tasks.extend(cfg.methods().into_iter().map(Task::Long));
    tasks.extend((0..cfg.clip.seeds as u64).map(|k| Task::Clip(cfg.seed + k)));
    let done = kit::parallel::map(&tasks, |task| {
        Ok(match task {
            Task::Short => {
                let cd1 = cfg.methods().remove(0);
                Done::Run(Box::new(rbm_runs::run(&data, &cd1, cfg.short_epochs, &pixel_probe, cfg)?))
            }
            Task::Long(method) => {
                Done::Run(Box::new(rbm_runs::run(&data, method, cfg.epochs, &pixel_probe, cfg)?))
            }
            Task::Multimodal(seed) => {
                let (seed, kept) = multimodal::run(&av, cfg, *seed)?;
                Done::Multimodal(Box::new(seed), kept)
            }
            Task::Clip(seed) => Done::Clip(Box::new(clipart::run_seed(&art, *seed, cfg)?)),
            Task::Small => {
                let mut rng = seeded_rng(cfg.seed);
                let small_cfg = Config { hidden: cfg.small_hidden, ..cfg.clone() };
                let (rbm, _) =
                    rbm_runs::train(&data, &cfg.methods()[0], cfg.short_epochs, &small_cfg, &mut rng);
                let exact = rbm.log_partition_exact().map_err(anyhow::Error::msg)?;
                let ais = rbm.log_partition_ais(&data.base_rates(), cfg.ais_steps, cfg.ais_runs, &mut rng);
                let test_ll = Rbm::log_likelihood(&rbm, &data.rows(&data.test), exact);
                Done::Small(SmallCheck {
                    hidden: cfg.small_hidden,
                    exact,
                    ais: ais.log_z,
                    ais_se: ais.std_error,
                    test_ll,
                })
            }
        })
    })?;
    let (mut runs, mut small, mut multimodal, mut clip) = (Vec::new(), None, Vec::new(), Vec::new());
    let mut kept = None;
    for d in done {
        match d {
            Done::Run(r) => runs.push(*r),
            Done::Small(s) => small = Some(s),
            Done::Multimodal(m, k) => {
                kept = k.or(kept);
                multimodal.push(*m)
            }
            Done::Clip(c) => clip.push(*c),
        }
    }
    let short = runs.remove(0);
    let mut report = Report {
        hidden: cfg.hidden,
        ais: (cfg.ais_steps, cfg.ais_runs),
        pixel_probe: pixel_accuracy,
        short,
        runs,
        small: small.ok_or_else(|| anyhow::anyhow!("the small check did not run"))?,
        multimodal: MultimodalReport { widths: cfg.dbn_widths, seeds: multimodal },
        clipart: ClipArtReport {
            block: cfg.clip.block,
            widths: cfg.clip.widths,
            epochs: cfg.clip.epochs,
            neighbours: cfg.clip.neighbours,
            min_titles: cfg.clip.min_titles,
            seeds: clip,
        },
        settings: outputs::settings(cfg),
        dbm_settings: outputs::dbm_settings(cfg),
        claims: vec![],
    };
    report.claims = claims(&report);
    Ok((report, data, kept))
}

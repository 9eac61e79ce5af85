//! # Chapter 10: the multimodal encoder-decoder
//!
//! The lecture's encoder-decoder on shape scenes (`models::scenes`): a CNN encodes the
//! image, an MLP translates the image code into the initial state of an LSTM, and the
//! LSTM decodes a caption. Trained with teacher forcing, decoded greedily and by beam
//! search, scored with corpus BLEU and per-attribute accuracy; then the same decoder
//! without the image, the held-out colour-shape pairs it cannot name, and linear
//! probes that find where the shape of an unseen pair is lost.

#![warn(missing_docs)]

pub mod checkpoint;
mod claims;
pub mod diagram;
mod evaluate;
mod outputs;
mod run;
mod timing;

use models::ProbeConfig;
use models::captioner::TrainConfig;
use models::scenes::{Attributes, Bleu};
use serde::{Deserialize, Serialize};

pub use claims::claims;
pub use outputs::{chapter, diagram_caption, write_outputs};
pub use run::{Kept, run, run_keeping};
pub use timing::{GROUP, Timing, measured};

/// Everything the chapter's run is parameterised by.
#[derive(Clone, Debug)]
pub struct Config {
    /// The training protocol (SPEC section 10).
    pub train: TrainConfig,
    /// The training seed (the data are always those of dataset seed 11777).
    pub seed: u64,
    /// Evaluate the learning curve every this many steps.
    pub eval_every: usize,
    /// Test images the learning curve is measured on.
    pub curve_images: usize,
    /// The linear probes' training.
    pub probe: ProbeConfig,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            train: TrainConfig::default(),
            seed: 0,
            eval_every: 100,
            curve_images: 500,
            probe: ProbeConfig::default(),
        }
    }
}

impl Config {
    /// The configuration the tests use.
    pub fn quick() -> Config {
        Config {
            train: TrainConfig { steps: 120, ..TrainConfig::default() },
            eval_every: 40,
            curve_images: 100,
            probe: ProbeConfig { steps: 60, ..ProbeConfig::default() },
            ..Config::default()
        }
    }
}

/// Corpus BLEU and attribute accuracies of one way of captioning one split.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Scores {
    /// Corpus BLEU-1..4 against every reference.
    pub bleu: Bleu,
    /// SPEC 8.2's attribute accuracies.
    pub attributes: Attributes,
}

impl Scores {
    /// BLEU-4.
    pub fn bleu4(&self) -> f64 {
        self.bleu.bleu[3]
    }
}

/// One point of the learning curve, measured on the first `curve_images` test images.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct CurvePoint {
    /// Steps trained.
    pub step: usize,
    /// Mean training loss over the steps since the previous point.
    pub loss: f64,
    /// Greedy test scores.
    pub scores: Scores,
}

/// How sure the decoder is of its greedy words (why beam search has nothing to find).
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Confidence {
    /// Decoding steps measured (every greedy step of every test image, `<eos>` included).
    pub steps: usize,
    /// Mean probability of the word greedy decoding picked.
    pub mean_top: f64,
    /// Fraction of steps where that probability was at least 0.9.
    pub above_90: f64,
    /// Mean margin between the best and second-best word's log-probability.
    pub mean_log_margin: f64,
}

/// One trained model (the captioner, or the blind baseline) and its scores.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct ModelRun {
    /// Whether every image was replaced by zeros, in training and in testing.
    pub blind: bool,
    /// Mean training loss over the last 100 steps.
    pub final_loss: f64,
    /// The learning curve (the captioner only).
    pub curve: Vec<CurvePoint>,
    /// Test split, greedy.
    pub test_greedy: Scores,
    /// Test split, beam 3.
    pub test_beam3: Scores,
    /// Test split, beam 5.
    pub test_beam5: Scores,
    /// Held-out split, greedy.
    pub heldout_greedy: Scores,
    /// Held-out split, beam 3.
    pub heldout_beam3: Scores,
    /// Fraction of test images whose beam-3 caption is the greedy one.
    pub beam3_same_as_greedy: f64,
    /// Greedy decoding's confidence on the test split.
    pub confidence: Confidence,
}

/// A linear probe for the shape, trained on one stage's code of the one-shape training
/// images.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct ProbeRow {
    /// Which code: "CNN output", "MLP hidden layer", "LSTM initial state", or the
    /// decoder's own shape word.
    pub stage: String,
    /// Its width (0 for the decoder's word).
    pub dims: usize,
    /// Accuracy on the one-shape training images.
    pub train: f64,
    /// On one-shape test images.
    pub test: f64,
    /// On one-shape held-out images (the unseen colour-shape pairs).
    pub heldout: f64,
    /// On one-shape held-out images again, but by probes that also saw held-out images:
    /// each fold of the held-out images scored by a probe trained on the training images
    /// and the other folds (so every shape occurs in every colour in its training set).
    /// `None` for the decoder's word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heldout_cv: Option<f64>,
}

/// What the captioner called the held-out object of each unseen pair.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Unseen {
    /// The true pair, e.g. "blue triangle".
    pub pair: String,
    /// Held-out images whose object 0 is that pair.
    pub images: usize,
    /// What the caption named it (colour and shape of the aligned object, or
    /// "nothing"), with how many times, most frequent first.
    pub said: Vec<(String, usize)>,
}

/// One image of the example grid.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Example {
    /// "test" or "held-out".
    pub split: String,
    /// Its index in the split.
    pub index: usize,
    /// The greedy caption.
    pub caption: String,
    /// Whether the caption is one of the references.
    pub right: bool,
    /// The canonical caption.
    pub truth: String,
}

/// The numbers the page shows, and the claims computed from them.
#[derive(Serialize, Deserialize, Debug)]
pub struct Report {
    /// The training seed.
    pub seed: u64,
    /// The training protocol.
    pub train: TrainConfig,
    /// Test images the learning curve is measured on.
    pub curve_images: usize,
    /// Trainable parameters.
    pub parameters: usize,
    /// The captioner.
    pub model: ModelRun,
    /// The same decoder trained and tested without images.
    pub blind: ModelRun,
    /// The most frequent canonical training caption, said of every test image.
    pub most_frequent: (String, Scores),
    /// Shape probes at each stage, and the decoder's shape word.
    pub probes: Vec<ProbeRow>,
    /// What the captioner says for each unseen pair.
    pub unseen: Vec<Unseen>,
    /// Images for the example grid.
    pub examples: Vec<Example>,
    /// The speed of one training step, as the committed bench measurement has it.
    pub timing: Timing,
    /// The conclusions the page draws.
    pub claims: Vec<kit::Claim>,
}

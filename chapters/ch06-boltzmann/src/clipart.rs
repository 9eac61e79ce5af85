//! The multimodal model on clip art: pictures and their titles, the setting of
//! Srivastava & Salakhutdinov (images and their user tags) in miniature. An image
//! pathway (a Gaussian RBM on standardised, block-averaged colour pixels, then a binary RBM), a
//! text pathway (a binary RBM on which title words are present, then a binary RBM), and
//! a joint RBM over both top layers, pretrained greedily on the real (image, title)
//! pairs. Then: a linear probe on every layer, image tagging (the title words inferred
//! from the picture alone) and cross-media retrieval (pictures fetch titles).

use std::collections::BTreeMap;

use autograd::{Tensor, seeded_rng};
use models::data::{feature_stats, gather_rows, standardise, stratified_split};
use models::rbm::{Rbm, sample};
use models::retrieval::{chance_average_precision, mean_average_precision};
use models::{Probe, ProbeConfig};
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::Config;
pub use crate::clip_prepare::{Prepared, prepare};
use crate::clip_tagging::{distinct_top_words, examples, precision_at_5, rank_words, suggest_words};
use crate::dbm_runs::{self, Convergence};
use crate::multimodal::{LayerRow, Pathway, PathwayPlan, joint_with_missing, train_layer};

/// The layers the probe reads, in the paper's order: image input up to joint, and
/// down the text pathway to its input.
pub const LAYERS: [&str; 9] = [
    "image input",
    "image h1",
    "image h2",
    "joint (both present)",
    "joint (text missing)",
    "joint (image missing)",
    "text h2",
    "text h1",
    "text input",
];
/// The image pathway's layers.
pub const IMAGE_LAYERS: [&str; 3] = [LAYERS[0], LAYERS[1], LAYERS[2]];
/// The text pathway's layers, input first.
pub const TEXT_LAYERS: [&str; 3] = [LAYERS[8], LAYERS[7], LAYERS[6]];
/// The joint layer with both modalities present.
pub const JOINT: &str = LAYERS[3];
/// The joint layer with the text missing (filled in by mean-field).
pub const JOINT_NO_TEXT: &str = LAYERS[4];
/// The joint layer with the picture missing.
pub const JOINT_NO_IMAGE: &str = LAYERS[5];

/// Words suggested for the test pictures: precision@5 against their titles.
#[derive(Serialize, Deserialize, Debug, Clone, Copy)]
pub struct Tagging {
    /// The model: image -> joint -> the text pathway's inputs, by mean-field.
    pub model: f64,
    /// The five commonest title words of the training set, for every picture.
    pub frequency: f64,
    /// The words commonest among the titles of the nearest training pictures.
    pub neighbours: f64,
    /// Test pictures scored (those whose title has a word of the vocabulary).
    pub scored: usize,
    /// Distinct words among the model's three best words for the scored pictures.
    #[serde(default)]
    pub model_distinct: usize,
    /// The same for the nearest-pictures baseline.
    #[serde(default)]
    pub neighbours_distinct: usize,
    /// What five vocabulary words drawn at random would score, in expectation: each
    /// is one of a title's t words with probability t / (the vocabulary's size).
    #[serde(default)]
    pub random: f64,
}

/// The DBM's tagging: the title words' probabilities given the picture clamped.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, Default)]
pub struct DbmTagging {
    /// Read off mean-field's fixed point.
    pub mean_field: f64,
    /// Averaged over Gibbs samples started there.
    pub gibbs: f64,
}

/// Cross-media retrieval over the test set: mean average precision by class.
#[derive(Serialize, Deserialize, Debug, Clone, Copy)]
pub struct Retrieval {
    /// Pictures query titles, both as the joint layer sees them.
    pub image_to_text: f64,
    /// Titles query pictures.
    pub text_to_image: f64,
    /// A random ranking (exact expectation).
    pub chance: f64,
    /// Pictures query titles through the titles of their nearest training pictures.
    pub pixel_neighbours: f64,
}

/// One seed's split, model and measurements.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct ClipSeed {
    /// The seed of the split and the model.
    pub seed: u64,
    /// Title words seen in at least `ClipConfig::min_titles` training titles.
    pub vocabulary: usize,
    /// The five commonest title words of the training set (the frequency baseline's
    /// suggestion for every picture).
    pub common_words: Vec<String>,
    /// Every layer's probe accuracy, in `LAYERS` order.
    pub layers: Vec<LayerRow>,
    /// Tagging.
    pub tagging: Tagging,
    /// Retrieval.
    pub retrieval: Retrieval,
    /// The DBM composed from this seed's DBN and trained jointly: every layer's probe.
    #[serde(default)]
    pub dbm_layers: Vec<LayerRow>,
    /// Its tagging: precision@5 of the words inferred from the picture.
    #[serde(default)]
    pub dbm_tagging: DbmTagging,
    /// Its retrieval, as the DBN's: (pictures query titles, titles query pictures).
    #[serde(default)]
    pub dbm_retrieval: (f64, f64),
    /// How mean-field ended when the DBM's layers were read.
    #[serde(default)]
    pub convergence: Convergence,
    /// For the figure: a few test pictures (32 x 32 x 3), their titles, the model's
    /// words and the neighbours' words (first seed only).
    #[serde(skip, default)]
    pub examples: Vec<TagExample>,
}

/// One picture of the tagging figure.
#[derive(Debug, Clone, Default)]
pub struct TagExample {
    /// Its class.
    pub class: String,
    /// (height, width, 3) pixels in [0, 1].
    pub pixels: Vec<f32>,
    /// Height and width.
    pub size: (usize, usize),
    /// The block-averaged pixels the model is given (before standardising), (height /
    /// block, width / block, 3).
    pub input: Vec<f32>,
    /// Its title.
    pub title: String,
    /// The model's three best words.
    pub model: Vec<String>,
    /// The nearest pictures' three commonest title words.
    pub neighbours: Vec<String>,
}

/// The clip-art experiment over several seeds.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct ClipArtReport {
    /// Pictures were averaged over squares of this many pixels a side.
    pub block: usize,
    /// Layer widths: image h1, h2; text h1, h2; joint.
    pub widths: [usize; 5],
    /// Epochs of each layer: image pathway, text pathway, joint.
    pub epochs: (usize, usize, usize),
    /// Training pictures whose words vote in the neighbour baselines.
    pub neighbours: usize,
    /// A word is in the vocabulary when at least this many training titles use it.
    #[serde(default)]
    pub min_titles: usize,
    /// Each seed's run.
    pub seeds: Vec<ClipSeed>,
}

impl ClipArtReport {
    /// The mean over seeds of `f`.
    pub fn mean(&self, f: impl Fn(&ClipSeed) -> f64) -> f64 {
        self.seeds.iter().map(f).sum::<f64>() / self.seeds.len().max(1) as f64
    }

    /// The mean accuracy of the layer named `layer` (NaN when there is none).
    pub fn accuracy(&self, layer: &str) -> f64 {
        self.mean(|s| s.layers.iter().find(|l| l.layer == layer).map_or(f64::NAN, |l| l.accuracy))
    }

    /// The DBM's accuracy of `layer` on each seed.
    pub fn dbm_accuracies(&self, layer: &str) -> Vec<f64> {
        self.seeds
            .iter()
            .map(|s| s.dbm_layers.iter().find(|l| l.layer == layer).map_or(f64::NAN, |l| l.accuracy))
            .collect()
    }

    /// The accuracy of `layer` on each seed.
    pub fn accuracies(&self, layer: &str) -> Vec<f64> {
        self.seeds
            .iter()
            .map(|s| s.layers.iter().find(|l| l.layer == layer).map_or(f64::NAN, |l| l.accuracy))
            .collect()
    }
}

/// The rows `rows` of a two-dimensional tensor.
fn pick_rows(t: &Tensor, rows: &[usize]) -> Tensor {
    gather_rows(&t.to_vec(), t.shape()[1], rows)
}

/// Run one seed: split, train, measure.
pub fn run_seed(data: &Prepared, seed: u64, cfg: &Config) -> anyhow::Result<ClipSeed> {
    let mut rng = seeded_rng(seed ^ 0xc11a);
    let (train, test) = stratified_split(&data.classes, 0.2, &mut rng);
    // Pixels standardised by the training pictures; a pixel that is nearly always
    // white keeps a floor on its spread, so its rare ink does not become a huge value.
    let (mean, std) = feature_stats(&data.pixels, data.width, &train);
    let std: Vec<f32> = std.iter().map(|s| s.max(0.1)).collect();
    let pixels = standardise(&data.pixels, &mean, &std);
    // The vocabulary: words in at least `min_titles` training titles.
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for &i in &train {
        for w in &data.words[i] {
            *counts.entry(w).or_default() += 1;
        }
    }
    let vocabulary: Vec<&str> =
        counts.iter().filter(|&(_, &c)| c >= cfg.clip.min_titles).map(|(&w, _)| w).collect();
    let index: BTreeMap<&str, usize> = vocabulary.iter().enumerate().map(|(k, &w)| (w, k)).collect();
    let v = vocabulary.len();
    let title_ids: Vec<Vec<usize>> = data
        .words
        .iter()
        .map(|ws| ws.iter().filter_map(|w| index.get(w.as_str()).copied()).collect())
        .collect();
    let mut text = vec![0f32; data.classes.len() * v];
    for (i, ids) in title_ids.iter().enumerate() {
        for &k in ids {
            text[i * v + k] = 1.0;
        }
    }
    let c = &cfg.clip;
    let [i1, i2, t1, t2, j] = c.widths;
    let (image_lr, text_lr, upper_lr) = c.lrs;
    let image_plan =
        PathwayPlan { gaussian: true, widths: (i1, i2), epochs: c.epochs.0, lrs: (image_lr, upper_lr) };
    let text_plan =
        PathwayPlan { gaussian: false, widths: (t1, t2), epochs: c.epochs.1, lrs: (text_lr, upper_lr) };
    let image = Pathway::train(&pixels, data.width, &train, &image_plan, &mut rng);
    let words = Pathway::train(&text, v, &train, &text_plan, &mut rng);
    // The joint layer learns from the real pairs: each picture with its own title.
    let image_top = image.up(&gather_rows(&pixels, data.width, &train)).1.to_vec();
    let text_top = words.up(&gather_rows(&text, v, &train)).1.to_vec();
    let mut joint = Rbm::new(i2 + t2, j, &mut rng);
    train_layer(&mut joint, train.len(), c.epochs.2, upper_lr, &mut rng, |b, rng| {
        let mut rows = Vec::with_capacity(b.len() * (i2 + t2));
        for &k in b {
            rows.extend_from_slice(&image_top[k * i2..][..i2]);
            rows.extend_from_slice(&text_top[k * t2..][..t2]);
        }
        sample(&Tensor::from_vec(rows, &[b.len(), i2 + t2]), rng)
    });
    // Every layer's representation of a set of pictures and titles.
    let steps = cfg.mean_field_steps;
    let represent = |rows: &[usize]| -> Vec<Tensor> {
        let (pv, tv) = (gather_rows(&pixels, data.width, rows), gather_rows(&text, v, rows));
        let ((ih1, ih2), (th1, th2)) = (image.up(&pv), words.up(&tv));
        let both = joint.hidden_probs(&Tensor::concat(&[ih2.clone(), th2.clone()], 1));
        let no_text = joint_with_missing(&joint, &ih2, true, steps).0;
        let no_image = joint_with_missing(&joint, &th2, false, steps).0;
        vec![pv, ih1, ih2, both, no_text, no_image, th2, th1, tv]
    };
    let (train_layers, test_layers) = (represent(&train), represent(&test));
    let labels = |rows: &[usize]| -> Vec<usize> { rows.iter().map(|&i| data.classes[i]).collect() };
    let (train_labels, test_labels) = (labels(&train), labels(&test));
    let classes = data.classes.iter().max().map_or(0, |m| m + 1);
    // A layer's probe: standardised by the training rows, softmax regression.
    let probe = |tr: &Tensor, te: &Tensor, rng: &mut autograd::Rng| -> anyhow::Result<f64> {
        let width = tr.shape()[1];
        let (tr, te) = (tr.to_vec(), te.to_vec());
        let all: Vec<usize> = (0..train.len()).collect();
        let (m, sd) = feature_stats(&tr, width, &all);
        let (tr, te) = (standardise(&tr, &m, &sd), standardise(&te, &m, &sd));
        let probe = Probe::fit(&tr, width, &train_labels, classes, &ProbeConfig::default(), rng)
            .map_err(anyhow::Error::msg)?;
        Ok(probe.accuracy(&te, &test_labels))
    };
    let mut layers = Vec::new();
    for ((name, tr), te) in LAYERS.iter().zip(&train_layers).zip(&test_layers) {
        layers.push(LayerRow {
            layer: (*name).into(),
            width: tr.shape()[1],
            accuracy: probe(tr, te, &mut rng)?,
        });
    }

    let scored: Vec<usize> = test.iter().copied().filter(|&i| !title_ids[i].is_empty()).collect();
    let top = image.up(&gather_rows(&pixels, data.width, &scored)).1;
    let word_probs = suggest_words(&joint, &words, &top, cfg, &mut rng).to_vec();
    let model_words: Vec<Vec<usize>> = word_probs.chunks_exact(v).map(rank_words).collect();
    let truth: Vec<Vec<usize>> = scored.iter().map(|&i| title_ids[i].clone()).collect();
    let frequency: Vec<f32> = (0..v).map(|k| counts[vocabulary[k]] as f32).collect();
    let frequent = rank_words(&frequency);
    // The neighbour baseline: the k training pictures nearest in standardised pixels
    // vote for their titles' words (ties go to the commoner word).
    let votes = |rows: &[usize]| -> Vec<Vec<f32>> {
        rows.iter()
            .map(|&q| {
                let x = &pixels[q * data.width..][..data.width];
                let mut near: Vec<(f32, usize)> = train
                    .iter()
                    .map(|&t| {
                        let y = &pixels[t * data.width..][..data.width];
                        (x.iter().zip(y).map(|(a, b)| (a - b) * (a - b)).sum(), t)
                    })
                    .collect();
                near.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut score: Vec<f32> = frequency.iter().map(|f| 1e-4 * f).collect();
                for &(_, t) in near.iter().take(c.neighbours) {
                    for &k in &title_ids[t] {
                        score[k] += 1.0;
                    }
                }
                score
            })
            .collect()
    };
    let neighbour_votes = votes(&scored);
    let neighbour_words: Vec<Vec<usize>> = neighbour_votes.iter().map(|s| rank_words(s)).collect();
    let tagging = Tagging {
        model: precision_at_5(&model_words, &truth),
        frequency: precision_at_5(&vec![frequent.clone(); truth.len()], &truth),
        neighbours: precision_at_5(&neighbour_words, &truth),
        random: truth.iter().map(|t| t.len() as f64 / v as f64).sum::<f64>() / truth.len().max(1) as f64,
        scored: scored.len(),
        model_distinct: distinct_top_words(&model_words, 3),
        neighbours_distinct: distinct_top_words(&neighbour_words, 3),
    };

    // Retrieval among the test pairs. The gallery is shuffled: ties (titles without a
    // known word all look alike) must not be broken by the class-sorted order.
    let mut gallery = test.clone();
    gallery.shuffle(&mut rng);
    let position: BTreeMap<usize, usize> = test.iter().enumerate().map(|(k, &i)| (i, k)).collect();
    let pick = |t: &Tensor, rows: &[usize]| -> Vec<f32> {
        let w = t.shape()[1];
        let all = t.to_vec();
        rows.iter().flat_map(|r| all[position[r] * w..][..w].to_vec()).collect()
    };
    let (no_text, no_image) = (&test_layers[4], &test_layers[5]);
    let map = |q: &[f32], g: &[f32], dim| mean_average_precision(q, g, dim, &test_labels, &labels(&gallery));
    let per_class = |c: usize| test_labels.iter().filter(|&&l| l == c).count();
    let chance = test_labels.iter().map(|&c| chance_average_precision(test.len(), per_class(c))).sum::<f64>()
        / test.len().max(1) as f64;
    let pixel_queries: Vec<f32> = votes(&test).concat();
    let retrieval = Retrieval {
        image_to_text: map(&no_text.to_vec(), &pick(no_image, &gallery), j),
        text_to_image: map(&no_image.to_vec(), &pick(no_text, &gallery), j),
        chance,
        pixel_neighbours: map(&pixel_queries, &pick(&test_layers[8], &gallery), v),
    };
    // The DBM: composed from this DBN, trained jointly on the real pairs.
    let mut dbm = dbm_runs::compose(dbm_runs::CLIP_NAMES, &image, &words, &joint, &mut rng);
    let plan = &cfg.clip_dbm;
    let pairs = |rows: &[usize], _: &mut autograd::Rng| {
        let rows: Vec<usize> = rows.iter().map(|&k| train[k]).collect();
        (gather_rows(&pixels, data.width, &rows), gather_rows(&text, v, &rows))
    };
    dbm_runs::train(&mut dbm, train.len(), plan, &mut rng, pairs, None)?;
    let read = |rows: &[usize]| {
        let (l, r) = (gather_rows(&pixels, data.width, rows), gather_rows(&text, v, rows));
        dbm_runs::represent(&dbm, &l, &r, &plan.read_mean_field)
    };
    let (dbm_train, dbm_test) = (read(&train), read(&test));
    let mut dbm_layers = Vec::new();
    for ((name, tr), te) in LAYERS.iter().zip(&dbm_train.layers).zip(&dbm_test.layers) {
        dbm_layers.push(LayerRow {
            layer: (*name).into(),
            width: tr.shape()[1],
            accuracy: probe(tr, te, &mut rng)?,
        });
    }
    let scored_rows: Vec<usize> = scored.iter().map(|r| position[r]).collect();
    let left_only: Vec<Tensor> = dbm_test.left_only.iter().map(|t| pick_rows(t, &scored_rows)).collect();
    let ranked = |p: &Tensor| -> Vec<Vec<usize>> { p.to_vec().chunks_exact(v).map(rank_words).collect() };
    let gibbs = dbm_runs::fill_by_gibbs(&dbm, &left_only, c.burn_in, c.samples, &mut rng);
    let dbm_tagging = DbmTagging {
        mean_field: precision_at_5(&ranked(&left_only[dbm_runs::RIGHT_V]), &truth),
        gibbs: precision_at_5(&ranked(&gibbs), &truth),
    };
    let (no_text, no_image) = (&dbm_test.layers[4], &dbm_test.layers[5]);
    let dbm_retrieval = (
        map(&no_text.to_vec(), &pick(no_image, &gallery), j),
        map(&no_image.to_vec(), &pick(no_text, &gallery), j),
    );
    let convergence = dbm_train.convergence.merge(dbm_test.convergence);
    let examples = if seed == cfg.seed {
        examples(data, &scored, &model_words, &neighbour_words, &vocabulary)
    } else {
        vec![]
    };
    let common_words = frequent.iter().take(5).map(|&k| vocabulary[k].to_string()).collect();
    Ok(ClipSeed {
        seed,
        vocabulary: v,
        common_words,
        layers,
        tagging,
        retrieval,
        dbm_layers,
        dbm_tagging,
        dbm_retrieval,
        convergence,
        examples,
    })
}

//! Coordinated representations: an image encoder and an audio encoder, each into its
//! own 32-d space, each trained on its own objective (a digit classifier on its code),
//! and tied together by an alignment loss whose weight λ is the coordination
//! strength: λ = 0 leaves two separate spaces (weak), large λ pulls them into one.

use autograd::{Adam, Tensor, no_grad, seeded_rng};
use models::data::shuffled_batches;
use models::metrics::{accuracy, argmax_rows};
use models::{Activation, Linear, Mlp, Mode, Model, Module, Named};
use serde::{Deserialize, Serialize};

use crate::Config;
use crate::losses::{info_nce, margin_ranking, unit_rows};
use crate::measure::{Codes, Desiderata, Probes, measure};
use models::data::{Av, Pairing};

/// The loss that ties the two spaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Alignment {
    /// Max-margin ranking of matched over mismatched pairs.
    Margin,
    /// Contrastive InfoNCE, as in CLIP.
    InfoNce,
}

impl Alignment {
    /// The name the page and figures use.
    pub fn name(self) -> &'static str {
        match self {
            Alignment::Margin => "margin",
            Alignment::InfoNce => "InfoNCE",
        }
    }
}

/// One coordinated model to train.
#[derive(Clone, Copy, Debug)]
pub struct Job {
    /// The alignment loss.
    pub alignment: Alignment,
    /// Its weight λ (the coordination strength).
    pub lambda: f32,
    /// Fresh same-digit partners or the fixed pairs.
    pub pairing: Pairing,
}

/// Two encoders, each with its own digit classifier.
pub struct Coordinated {
    /// Image (64) -> hidden -> code.
    pub image: Mlp,
    /// Audio (400) -> hidden -> code.
    pub audio: Mlp,
    /// Code -> 10 digit logits, for the image.
    pub image_head: Linear,
    /// Code -> 10 digit logits, for the audio.
    pub audio_head: Linear,
}

/// What training and measuring one coordinated model gave.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct CoordinatedRow {
    /// The alignment loss.
    pub alignment: Alignment,
    /// Its weight λ.
    pub lambda: f32,
    /// How training images found their audio partners.
    pub pairing: Pairing,
    /// The alignment loss over the last epoch (mean over minibatches).
    pub final_alignment_loss: f32,
    /// Test accuracy of the image encoder's own classifier (audio missing).
    pub image_head_accuracy: f64,
    /// Test accuracy of the audio encoder's own classifier (image missing).
    pub audio_head_accuracy: f64,
    /// Test accuracy of the two classifiers' averaged probabilities.
    pub both_heads_accuracy: f64,
    /// Retrieval, probes and transfer on the unit-length codes.
    pub measured: Desiderata,
    /// Share of the test codes' variance that tells images from utterances: the
    /// between-modality sum of squares over the total (0 = the two modalities' codes
    /// are spread alike, 1 = two separate points).
    pub modality_share: f64,
    /// How far apart the two modalities' clouds sit along the line through their means:
    /// the distance between the means over the codes' pooled standard deviation along
    /// that line (Cohen's d; above 2, the two clouds barely overlap along it).
    pub modality_separation: f64,
    /// Unit-length (image, audio) codes of the test pairs, for the figures.
    #[serde(skip, default)]
    pub test_codes: (Vec<f32>, Vec<f32>),
}

impl Coordinated {
    /// Untrained: image (its pixels) and audio (`audio_width` cells) -> hidden -> code,
    /// and a digit classifier on each code.
    pub fn new(audio_width: usize, cfg: &Config, rng: &mut autograd::Rng) -> Coordinated {
        Coordinated {
            image: Mlp::new(&[models::data::AvDigits::IMAGE, cfg.hidden, cfg.code], Activation::Relu, rng),
            audio: Mlp::new(&[audio_width, cfg.hidden, cfg.code], Activation::Relu, rng),
            image_head: Linear::xavier(cfg.code, 10, rng),
            audio_head: Linear::xavier(cfg.code, 10, rng),
        }
    }

    /// Unit-length image and audio codes of pairs `rows` (each pair's own utterance).
    pub fn codes(&self, av: &Av, rows: &[usize]) -> (Vec<f32>, Vec<f32>) {
        no_grad(|| {
            let u = unit_rows(&self.image.forward(&av.images(rows)));
            let v = unit_rows(&self.audio.forward(&av.audios(rows)));
            (u.to_vec(), v.to_vec())
        })
    }
}

/// PyTorch's names: a module with `image` and `audio` encoders, each
/// `nn.Sequential(nn.Linear, nn.ReLU, nn.Linear)`, and `image_head`, `audio_head`
/// (`nn.Linear(code, 10)`): `image.0.weight`, ..., `audio_head.bias`. The forward pass
/// takes `[images, audios]` and gives the two classifiers' softmax probabilities summed
/// (n, 10), whose arg max is the fused digit (the "both heads" accuracy).
impl Model for Coordinated {
    fn forward(&self, inputs: &[Tensor], _mode: &mut Mode<'_>) -> Tensor {
        assert_eq!(
            inputs.len(),
            2,
            "Coordinated::forward: takes [images, audios], got {} inputs",
            inputs.len()
        );
        let pi = self.image_head.forward(&self.image.forward(&inputs[0])).softmax(1);
        let pa = self.audio_head.forward(&self.audio.forward(&inputs[1])).softmax(1);
        pi.add(&pa)
    }

    fn named_parameters(&self) -> Vec<Named<'_>> {
        let mut named = Vec::new();
        for (name, encoder) in [("image", &self.image), ("audio", &self.audio)] {
            for (i, layer) in encoder.layers.iter().enumerate() {
                named.extend(Named::linear(&format!("{name}.{}", 2 * i), layer));
            }
        }
        named.extend(Named::linear("image_head", &self.image_head));
        named.extend(Named::linear("audio_head", &self.audio_head));
        named
    }

    fn parameters_mut(&mut self) -> Vec<&mut autograd::Parameter> {
        let mut p = Module::parameters_mut(&mut self.image);
        p.extend(Module::parameters_mut(&mut self.audio));
        p.extend(Module::parameters_mut(&mut self.image_head));
        p.extend(Module::parameters_mut(&mut self.audio_head));
        p
    }
}

// ANCHOR: step
/// One training step: each encoder's own classification loss, plus λ times the
/// alignment loss on the cosine similarities of the batch's codes.
fn loss(
    model: &Coordinated,
    image: &Tensor,
    audio: &Tensor,
    labels: &[usize],
    job: &Job,
    cfg: &Config,
) -> (Tensor, Tensor) {
    let u = model.image.forward(image); // (batch, 32)
    let v = model.audio.forward(audio); // (batch, 32)
    let image_loss = model.image_head.forward(&u).cross_entropy(labels); // each space's own objective
    let audio_loss = model.audio_head.forward(&v).cross_entropy(labels);
    let s = unit_rows(&u).matmul(&unit_rows(&v).t()); // S[i][j] = cos(u_i, v_j)
    let align = match job.alignment {
        Alignment::Margin => margin_ranking(&s, labels, cfg.margin),
        Alignment::InfoNce => info_nce(&s, cfg.temperature),
    };
    (image_loss.add(&audio_loss).add(&align.scale(job.lambda)), align)
}
// ANCHOR_END: step

/// Train one coordinated model, then measure it: the model, its row, and the probes
/// the row's desiderata were read with.
pub fn train(
    av: &Av,
    cfg: &Config,
    job: &Job,
    seed: u64,
) -> anyhow::Result<(Coordinated, CoordinatedRow, Probes)> {
    let mut rng = seeded_rng(seed);
    let mut model = Coordinated::new(av.audio_width(), cfg, &mut rng);
    let mut adam = Adam::new(cfg.lr);
    let train = &av.raw.train;
    let mut step = 0;
    let mut final_alignment_loss = 0.0;
    for _ in 0..cfg.epochs {
        let batches = shuffled_batches(train.len(), cfg.batch_size, &mut rng);
        let mut total = 0.0;
        for batch in &batches {
            let rows: Vec<usize> = batch.iter().map(|&b| train[b]).collect();
            let partners = av.partners(&rows, job.pairing, &mut rng);
            let (loss, align) =
                loss(&model, &av.images(&rows), &av.audios(&partners), &av.labels(&rows), job, cfg);
            kit::check_finite(step, loss.item())?;
            total += align.item();
            let grads = loss.backward();
            drop((loss, align));
            adam.step(&mut model.parameters_mut(), &grads);
            step += 1;
        }
        final_alignment_loss = total / batches.len() as f32;
    }
    let (row, probes) = evaluate(&model, av, cfg, job, final_alignment_loss, seed, None)?;
    Ok((model, row, probes))
}

/// Measure a trained coordinated model on the test pairs, with `probes` if given, else
/// with probes fitted from `seed` (as the run does); returns the probes with the row.
pub fn evaluate(
    model: &Coordinated,
    av: &Av,
    cfg: &Config,
    job: &Job,
    final_alignment_loss: f32,
    seed: u64,
    probes: Option<Probes>,
) -> anyhow::Result<(CoordinatedRow, Probes)> {
    let (train, test) = (&av.raw.train, &av.raw.test);
    let test_labels = av.labels(test);
    let (train_image, train_audio) = model.codes(av, train);
    let (test_image, test_audio) = model.codes(av, test);
    let modality_share = modality_share(&test_image, &test_audio, cfg.code);
    let modality_separation = modality_separation(&test_image, &test_audio, cfg.code);
    let test_codes = (test_image.clone(), test_audio.clone());
    let codes = Codes { dim: cfg.code, train_image, train_audio, test_image, test_audio };
    let train_labels = av.labels(train);
    let probes = match probes {
        Some(p) => p,
        None => Probes::fit(&codes, &train_labels, &cfg.probe, seed)?,
    };
    let measured = measure(&codes, &train_labels, &test_labels, &probes);
    let (image_head_accuracy, audio_head_accuracy, both_heads_accuracy) = no_grad(|| {
        let pi = model.image_head.forward(&model.image.forward(&av.images(test))).softmax(1);
        let pa = model.audio_head.forward(&model.audio.forward(&av.audios(test))).softmax(1);
        let acc = |p: &Tensor| accuracy(&argmax_rows(p), &test_labels);
        (acc(&pi), acc(&pa), acc(&pi.add(&pa)))
    });
    let row = CoordinatedRow {
        alignment: job.alignment,
        lambda: job.lambda,
        pairing: job.pairing,
        final_alignment_loss,
        image_head_accuracy,
        audio_head_accuracy,
        both_heads_accuracy,
        measured,
        modality_share,
        modality_separation,
        test_codes,
    };
    Ok((row, probes))
}

/// Between-modality sum of squares over the total sum of squares of both sets of codes.
pub fn modality_share(image: &[f32], audio: &[f32], dim: usize) -> f64 {
    let mean = |x: &[f32]| -> Vec<f64> {
        let n = (x.len() / dim).max(1) as f64;
        (0..dim).map(|j| x.iter().skip(j).step_by(dim).map(|&v| v as f64).sum::<f64>() / n).collect()
    };
    let both: Vec<f32> = [image, audio].concat();
    let (mi, ma, m) = (mean(image), mean(audio), mean(&both));
    let total: f64 = both.iter().enumerate().map(|(k, &v)| (v as f64 - m[k % dim]).powi(2)).sum();
    let between: f64 = (0..dim)
        .map(|j| {
            (image.len() / dim) as f64 * (mi[j] - m[j]).powi(2)
                + (audio.len() / dim) as f64 * (ma[j] - m[j]).powi(2)
        })
        .sum();
    if total > 0.0 { between / total } else { 0.0 }
}

/// The distance between the image codes' mean and the audio codes' mean, over the
/// pooled within-modality standard deviation of the codes projected on that direction.
pub fn modality_separation(image: &[f32], audio: &[f32], dim: usize) -> f64 {
    let mean = |x: &[f32]| -> Vec<f64> {
        let n = (x.len() / dim).max(1) as f64;
        (0..dim).map(|j| x.iter().skip(j).step_by(dim).map(|&v| v as f64).sum::<f64>() / n).collect()
    };
    let (mi, ma) = (mean(image), mean(audio));
    let diff: Vec<f64> = mi.iter().zip(&ma).map(|(a, b)| a - b).collect();
    let gap = diff.iter().map(|d| d * d).sum::<f64>().sqrt();
    if gap == 0.0 {
        return 0.0;
    }
    let project = |x: &[f32], m: &[f64]| -> Vec<f64> {
        x.chunks_exact(dim)
            .map(|row| row.iter().zip(m).zip(&diff).map(|((&v, mj), d)| (v as f64 - mj) * d / gap).sum())
            .collect()
    };
    let spread: Vec<f64> = [project(image, &mi), project(audio, &ma)].concat();
    let sd = (spread.iter().map(|v| v * v).sum::<f64>() / spread.len().max(1) as f64).sqrt();
    if sd > 0.0 { gap / sd } else { 0.0 }
}

//! The joint representation: both modalities concatenated into one input, one
//! encoder into one 32-d code, trained by a digit classifier on that code. A missing
//! modality is a zeroed input (zero is the training mean after standardisation).

use autograd::{Adam, Tensor, no_grad, seeded_rng};
use models::data::shuffled_batches;
use models::metrics::{accuracy, argmax_rows};
use models::{Activation, Mlp, Module, Probe};
use serde::{Deserialize, Serialize};

use crate::Config;
use crate::measure::{Codes, Desiderata, Probes, measure};
use models::data::{Av, Pairing};

/// Which inputs the joint encoder sees.
#[derive(Clone, Copy)]
enum Present {
    Both,
    ImageOnly,
    AudioOnly,
}

/// What the joint model gave.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct JointReport {
    /// The model as `Display` prints it.
    pub architecture: String,
    /// Its trainable numbers.
    pub parameters: usize,
    /// Test accuracy with both modalities.
    pub both: f64,
    /// Test accuracy with the audio zeroed.
    pub image_only: f64,
    /// Test accuracy with the image zeroed.
    pub audio_only: f64,
    /// Retrieval, probes and transfer between image-only and audio-only codes.
    pub measured: Desiderata,
    /// Linear probe on the codes of both modalities together.
    pub probe_both: f64,
}

// ANCHOR: joint
/// The joint input: [image | audio], with a missing modality replaced by zeros.
fn joint_input(av: &Av, rows: &[usize], audio_rows: &[usize], present: Present) -> Tensor {
    let image = av.images(rows); // (n, 64)
    let audio = av.audios(audio_rows); // (n, 400)
    match present {
        Present::Both => Tensor::concat(&[image, audio], 1),
        Present::ImageOnly => Tensor::concat(&[image, Tensor::zeros(audio.shape())], 1),
        Present::AudioOnly => Tensor::concat(&[Tensor::zeros(image.shape()), audio], 1),
    }
}

/// The 32-d joint code: the classifier's layers up to its last hidden layer.
fn encode(model: &Mlp, x: &Tensor) -> Tensor {
    let hidden = model.layers[0].forward(x).relu();
    model.layers[1].forward(&hidden).relu()
}
// ANCHOR_END: joint

/// The joint model, untrained: [image | audio] (the image's pixels and `audio_width`
/// spectrogram cells) -> hidden -> code -> 10 digit logits, ReLU between.
pub fn model(audio_width: usize, cfg: &Config, rng: &mut autograd::Rng) -> Mlp {
    let width = models::data::AvDigits::IMAGE + audio_width;
    Mlp::new(&[width, cfg.hidden, cfg.code, 10], Activation::Relu, rng)
}

/// Train the joint model with fresh same-digit partners, then measure it.
pub fn train(av: &Av, cfg: &Config, seed: u64) -> anyhow::Result<JointReport> {
    let model = fit(av, cfg, seed)?;
    Ok(evaluate(&model, av, cfg, seed, None)?.0)
}

/// Train the joint model with fresh same-digit partners: initialisation, batches and
/// partners all drawn from one RNG seeded with `seed`.
pub fn fit(av: &Av, cfg: &Config, seed: u64) -> anyhow::Result<Mlp> {
    let mut rng = seeded_rng(seed);
    let mut model = model(av.audio_width(), cfg, &mut rng);
    let mut adam = Adam::new(cfg.lr);
    let train = &av.raw.train;
    let mut step = 0;
    for _ in 0..cfg.epochs {
        for batch in shuffled_batches(train.len(), cfg.batch_size, &mut rng) {
            let rows: Vec<usize> = batch.iter().map(|&b| train[b]).collect();
            let partners = av.partners(&rows, Pairing::Fresh, &mut rng);
            let loss = model
                .forward(&joint_input(av, &rows, &partners, Present::Both))
                .cross_entropy(&av.labels(&rows));
            kit::check_finite(step, loss.item())?;
            let grads = loss.backward();
            drop(loss);
            adam.step(&mut model.parameters_mut(), &grads);
            step += 1;
        }
    }
    Ok(model)
}

/// The linear probes read on the joint codes: one per modality (image-only and
/// audio-only codes), and one on the codes of both inputs together.
pub struct JointProbes {
    /// On image-only and audio-only codes.
    pub codes: Probes,
    /// On the codes of both inputs.
    pub both: Probe,
}

/// Measure a trained joint model on the test pairs, with `probes` if given, else with
/// probes fitted from `seed` (as the run does); returns the probes with the report.
pub fn evaluate(
    model: &Mlp,
    av: &Av,
    cfg: &Config,
    seed: u64,
    probes: Option<JointProbes>,
) -> anyhow::Result<(JointReport, JointProbes)> {
    let (train, test) = (&av.raw.train, &av.raw.test);
    let labels = av.labels(test);
    let acc = |present| {
        no_grad(|| accuracy(&argmax_rows(&model.forward(&joint_input(av, test, test, present))), &labels))
    };
    let code =
        |rows: &[usize], present| no_grad(|| encode(model, &joint_input(av, rows, rows, present)).to_vec());
    let codes = Codes {
        dim: cfg.code,
        train_image: code(train, Present::ImageOnly),
        train_audio: code(train, Present::AudioOnly),
        test_image: code(test, Present::ImageOnly),
        test_audio: code(test, Present::AudioOnly),
    };
    let train_labels = av.labels(train);
    let probes = match probes {
        Some(p) => p,
        None => JointProbes {
            codes: Probes::fit(&codes, &train_labels, &cfg.probe, seed)?,
            both: Probe::fit(
                &code(train, Present::Both),
                cfg.code,
                &train_labels,
                10,
                &cfg.probe,
                &mut seeded_rng(seed ^ 0x9e37),
            )
            .map_err(anyhow::Error::msg)?,
        },
    };
    let measured = measure(&codes, &train_labels, &labels, &probes.codes);
    let probe_both = probes.both.accuracy(&code(test, Present::Both), &labels);
    let report = JointReport {
        architecture: model.to_string(),
        parameters: model.num_parameters(),
        both: acc(Present::Both),
        image_only: acc(Present::ImageOnly),
        audio_only: acc(Present::AudioOnly),
        measured,
        probe_both,
    };
    Ok((report, probes))
}

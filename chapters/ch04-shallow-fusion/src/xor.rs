//! A task that needs the modalities to interact: an image and an utterance drawn
//! independently, labelled 1 when exactly one of their digits is even,
//!
//!   y = [image digit is even] XOR [audio digit is even].
//!
//! Each modality alone says nothing about y, and no linear function of the
//! concatenation can compute an XOR; a hidden layer can.

use autograd::{Rng, Tensor, seeded_rng};
use models::Probe;
use models::data::{Av, AvDigits};
use models::linalg::Matrix;
use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::Config;
use crate::features::{Inputs, mlp, mlp_accuracy, rows, train_mlp};

/// What one variant of the data (noisy or clean) gave on the XOR task.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct XorReport {
    /// "noisy" or "clean".
    pub variant: String,
    /// Training and test examples.
    pub sizes: (usize, usize),
    /// (model, test accuracy), the linear ones first.
    pub models: Vec<(String, f64)>,
    /// Test accuracy of an MLP telling even from odd digits on images alone.
    pub image_parity: f64,
    /// The same on spectrograms alone.
    pub audio_parity: f64,
    /// The best an XOR of the two can do: p1 p2 + (1 - p1)(1 - p2).
    pub ceiling: f64,
}

impl XorReport {
    /// The test accuracy of `model`.
    pub fn accuracy(&self, model: &str) -> Option<f64> {
        self.models.iter().find(|(m, _)| m == model).map(|(_, a)| *a)
    }
}

/// The linear models of the XOR task, as the page names them.
pub const LINEAR: [&str; 4] = [
    "image alone, softmax",
    "audio alone, softmax",
    "concatenation, softmax",
    "concatenation, PCA-32 + softmax",
];
/// The MLPs.
pub const MLPS: [&str; 2] = ["concatenation, MLP one hidden layer", "concatenation, MLP two hidden layers"];

// ANCHOR: xor_pairs
/// `per_image` independent partners for each image in `images`, drawn from `audios`,
/// with the XOR label of the two digits' parities.
fn xor_pairs(
    av: &Av,
    images: &[usize],
    audios: &[usize],
    per_image: usize,
    rng: &mut Rng,
) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let (mut im, mut au, mut y) = (Vec::new(), Vec::new(), Vec::new());
    for &i in images {
        for _ in 0..per_image {
            let a = audios[rng.random_range(0..audios.len())];
            let even = |p: usize| av.raw.labels[p].is_multiple_of(2);
            im.push(i);
            au.push(a);
            y.push(usize::from(even(i) != even(a)));
        }
    }
    (im, au, y)
}
// ANCHOR_END: xor_pairs

fn linear(
    x: &[f32],
    y: &[usize],
    test_x: &[f32],
    test_y: &[usize],
    width: usize,
    cfg: &Config,
    seed: u64,
) -> anyhow::Result<f64> {
    let probe = Probe::fit(x, width, y, 2, &cfg.probe, &mut seeded_rng(seed)).map_err(anyhow::Error::msg)?;
    Ok(probe.accuracy(test_x, test_y))
}

/// Train an MLP on rows `x` (width) with labels `y`, return its test accuracy.
fn mlp_score(
    widths: &[usize],
    (x, y): (&[f32], &[usize]),
    (tx, ty): (&[f32], &[usize]),
    epochs: usize,
    cfg: &Config,
    rng: &mut Rng,
) -> anyhow::Result<f64> {
    let width = widths[0];
    let mut model = mlp(widths, rng);
    train_mlp(&mut model, y.len(), epochs, cfg.lr, rng, |batch, _| {
        let rows: Vec<f32> = batch.iter().flat_map(|&b| x[b * width..][..width].iter().copied()).collect();
        (Tensor::from_vec(rows, &[batch.len(), width]), batch.iter().map(|&b| y[b]).collect())
    })?;
    Ok(mlp_accuracy(&model, tx, ty))
}

/// Build the XOR task from `av` and score every model on it.
pub fn run(av: &Av, variant: &str, cfg: &Config) -> anyhow::Result<XorReport> {
    let mut rng = seeded_rng(cfg.seed ^ 0x0a11);
    let (train, test) = (&av.raw.train, &av.raw.test);
    let (tri, tra, try_) = xor_pairs(av, train, train, cfg.xor_partners, &mut rng);
    let (tei, tea, tey) = xor_pairs(av, test, test, 2, &mut rng);
    let mut models = Vec::new();
    for (name, inputs) in [(LINEAR[0], Inputs::Image), (LINEAR[1], Inputs::Audio), (LINEAR[2], Inputs::Both)]
    {
        let w = inputs.width(av);
        let score = linear(
            &rows(av, inputs, &tri, &tra),
            &try_,
            &rows(av, inputs, &tei, &tea),
            &tey,
            w,
            cfg,
            cfg.seed,
        )?;
        models.push((name.to_string(), score));
    }
    let both = Inputs::Both.width(av);
    let (x, tx) = (rows(av, Inputs::Both, &tri, &tra), rows(av, Inputs::Both, &tei, &tea));
    let pca = models::Pca::fit(&Matrix::from_f32(try_.len(), both, &x), 32).map_err(anyhow::Error::msg)?;
    let project = |v: &[f32]| pca.transform(&Matrix::from_f32(v.len() / both, both, v)).to_f32();
    models
        .push((LINEAR[3].to_string(), linear(&project(&x), &try_, &project(&tx), &tey, 32, cfg, cfg.seed)?));
    for (name, widths) in
        [(MLPS[0], vec![both, cfg.hidden, 2]), (MLPS[1], vec![both, cfg.hidden, cfg.hidden / 2, 2])]
    {
        // The MLPs see a fresh random partner for every image at every step: as many
        // combinations as they can use, none of them twice.
        let mut model = mlp(&widths, &mut rng);
        train_mlp(&mut model, train.len(), cfg.xor_epochs, cfg.lr, &mut rng, |batch, rng| {
            let images: Vec<usize> = batch.iter().map(|&b| train[b]).collect();
            let (im, au, y) = xor_pairs(av, &images, train, 1, rng);
            (Tensor::from_vec(rows(av, Inputs::Both, &im, &au), &[y.len(), both]), y)
        })?;
        models.push((name.to_string(), mlp_accuracy(&model, &tx, &tey)));
    }
    // Each modality's parity on its own: the two recognitions the XOR needs.
    let parity = |rows_: &[usize]| -> Vec<usize> { rows_.iter().map(|&p| av.raw.labels[p] % 2).collect() };
    let image_parity = {
        let w = AvDigits::IMAGE;
        let (x, tx) = (rows(av, Inputs::Image, train, train), rows(av, Inputs::Image, test, test));
        mlp_score(&[w, cfg.hidden, 2], (&x, &parity(train)), (&tx, &parity(test)), cfg.epochs, cfg, &mut rng)?
    };
    let audio_parity = {
        let w = av.audio_width();
        let (x, tx) = (rows(av, Inputs::Audio, train, train), rows(av, Inputs::Audio, test, test));
        mlp_score(&[w, cfg.hidden, 2], (&x, &parity(train)), (&tx, &parity(test)), cfg.epochs, cfg, &mut rng)?
    };
    let ceiling = image_parity * audio_parity + (1.0 - image_parity) * (1.0 - audio_parity);
    Ok(XorReport {
        variant: variant.into(),
        sizes: (try_.len(), tey.len()),
        models,
        image_parity,
        audio_parity,
        ceiling,
    })
}

//! The autoencoder on one modality: encode x into a k-number code, decode it back,
//! and learn both by making the reconstruction match the input. Its denoising variant
//! sees a corrupted input and must still reconstruct the clean one.

use autograd::{Adam, Rng, Tensor, no_grad, seeded_rng};
use models::data::{Av, AvDigits, gather_rows, shuffled_batches};
use models::linalg::Matrix;
use models::{Linear, Mode, Model, Module, Named, Pca, Probe};
use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::Config;

/// Which modality an autoencoder reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Modality {
    /// The 64 standardised pixels.
    Image,
    /// The 400 standardised spectrogram cells.
    Audio,
}

impl Modality {
    /// The table of standardised features and its width.
    pub fn table(self, av: &Av) -> (&[f32], usize) {
        match self {
            Modality::Image => (&av.image, AvDigits::IMAGE),
            Modality::Audio => (&av.audio, av.audio_width()),
        }
    }

    /// The name the page uses.
    pub fn name(self) -> &'static str {
        match self {
            Modality::Image => "image",
            Modality::Audio => "audio",
        }
    }
}

// ANCHOR: autoencoder
/// x -> tanh(x W_enc + b_enc) = code -> code W_dec + b_dec = reconstruction.
pub struct Autoencoder {
    /// Input -> code.
    pub encoder: Linear,
    /// Code -> reconstruction.
    pub decoder: Linear,
}

impl Autoencoder {
    /// The code of each row of `x`.
    pub fn encode(&self, x: &Tensor) -> Tensor {
        self.encoder.forward(x).tanh()
    }

    /// The reconstruction of each row of `x`.
    pub fn reconstruct(&self, x: &Tensor) -> Tensor {
        self.decoder.forward(&self.encode(x))
    }
}

/// Masking noise (Vincent et al. 2008): each feature is set to 0, the training mean,
/// with probability `p`.
pub fn mask(x: &Tensor, p: f32, rng: &mut Rng) -> Tensor {
    let keep: Vec<f32> = (0..x.numel()).map(|_| f32::from(u8::from(rng.random::<f32>() >= p))).collect();
    x.mul(&Tensor::from_vec(keep, x.shape()))
}
// ANCHOR_END: autoencoder

/// The names of the PyTorch twin, `encoder = nn.Linear(d, k)` (then tanh: the code) and
/// `decoder = nn.Linear(k, d)`: `encoder.weight` (k, d), `encoder.bias`, `decoder.weight`
/// (d, k), `decoder.bias`. `forward([x])` is the code.
impl Model for Autoencoder {
    fn forward(&self, inputs: &[Tensor], _mode: &mut Mode<'_>) -> Tensor {
        assert_eq!(inputs.len(), 1, "Autoencoder::forward: takes [x], got {} inputs", inputs.len());
        self.encode(&inputs[0])
    }

    fn named_parameters(&self) -> Vec<Named<'_>> {
        let mut named: Vec<Named<'_>> = Named::linear("encoder", &self.encoder).into();
        named.extend(Named::linear("decoder", &self.decoder));
        named
    }

    fn parameters_mut(&mut self) -> Vec<&mut autograd::Parameter> {
        let mut p = self.encoder.parameters_mut();
        p.extend(self.decoder.parameters_mut());
        p
    }
}

/// What one autoencoder gave.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct AeRow {
    /// The modality it reads.
    pub modality: Modality,
    /// Code width k.
    pub k: usize,
    /// Trained on masked inputs.
    pub denoising: bool,
    /// Mean squared reconstruction error per feature on the test rows (standardised units).
    pub test_mse: f64,
    /// The same for PCA with k components (the best linear k-dimensional reconstruction).
    pub pca_mse: f64,
    /// Softmax regression on the codes: test accuracy.
    pub probe: f64,
    /// For figures: test reconstructions of the first rows, and the decoder's weights (k, out).
    #[serde(skip, default)]
    pub pictures: (Vec<Vec<f32>>, Vec<f32>),
    /// The codes of the training and test rows, for the baselines that read them.
    #[serde(skip, default)]
    pub codes: (Vec<f32>, Vec<f32>),
}

/// Train an autoencoder with a k-number code on the training rows of `modality`.
pub fn train(
    av: &Av,
    modality: Modality,
    k: usize,
    denoising: bool,
    cfg: &Config,
    rng: &mut Rng,
) -> anyhow::Result<Autoencoder> {
    let (table, width) = modality.table(av);
    let train = &av.raw.train;
    let mut ae =
        Autoencoder { encoder: Linear::xavier(width, k, rng), decoder: Linear::xavier(k, width, rng) };
    let mut adam = Adam::new(cfg.lr);
    let mut step = 0;
    for _ in 0..cfg.epochs {
        for batch in shuffled_batches(train.len(), 64, rng) {
            let rows: Vec<usize> = batch.iter().map(|&b| train[b]).collect();
            let x = gather_rows(table, width, &rows);
            let input = if denoising { mask(&x, cfg.mask, rng) } else { x.clone() };
            let loss = ae.reconstruct(&input).mse(&x); // reconstruct the clean input
            kit::check_finite(step, loss.item())?;
            let grads = loss.backward();
            drop(loss);
            let mut params = ae.encoder.parameters_mut();
            params.extend(ae.decoder.parameters_mut());
            adam.step(&mut params, &grads);
            step += 1;
        }
    }
    Ok(ae)
}

/// The test rows of `modality`'s table, (test pairs, width).
pub(crate) fn test_rows(av: &Av, modality: Modality) -> Tensor {
    let (table, width) = modality.table(av);
    gather_rows(table, width, &av.raw.test)
}

/// The test reconstruction error per feature and the probe's test accuracy on the
/// codes: what the run reports, and what `--load` recomputes from a checkpoint.
pub(crate) fn score(ae: &Autoencoder, probe: &Probe, av: &Av, modality: Modality) -> (f64, f64) {
    let xte = test_rows(av, modality);
    let (recon, codes_test) = no_grad(|| (ae.reconstruct(&xte), ae.encode(&xte)));
    (mse(&recon.to_vec(), &xte.to_vec()), probe.accuracy(&codes_test.to_vec(), &av.labels(&av.raw.test)))
}

/// Train one autoencoder on the training rows of `modality` and measure it. With
/// `keep`, the trained model and its probe also come back as plain data (their tensors
/// cannot leave this thread), for `--save`.
pub(crate) fn run(
    av: &Av,
    modality: Modality,
    k: usize,
    denoising: bool,
    cfg: &Config,
    keep: bool,
) -> anyhow::Result<(AeRow, Option<crate::checkpoint::KeptModel>)> {
    let mut rng = seeded_rng(cfg.seed ^ ((k as u64) << 8) ^ (u64::from(denoising) << 4) ^ (modality as u64));
    let ae = train(av, modality, k, denoising, cfg, &mut rng)?;
    let (table, width) = modality.table(av);
    let (train, test) = (&av.raw.train, &av.raw.test);
    let (xtr, xte) = (gather_rows(table, width, train), test_rows(av, modality));
    let (recon, codes_train, codes_test) =
        no_grad(|| (ae.reconstruct(&xte), ae.encode(&xtr), ae.encode(&xte)));
    let pca =
        Pca::fit(&Matrix::from_f32(train.len(), width, &xtr.to_vec()), k).map_err(anyhow::Error::msg)?;
    let projected = pca.transform(&Matrix::from_f32(test.len(), width, &xte.to_vec()));
    let back = projected.matmul(&pca.components.t());
    let pca_recon: Vec<f32> = back
        .data
        .chunks_exact(width)
        .flat_map(|r| r.iter().zip(&pca.mean).map(|(v, m)| (v + m) as f32))
        .collect();
    let pca_mse = mse(&pca_recon, &xte.to_vec());
    let fitted = Probe::fit(&codes_train.to_vec(), k, &av.labels(train), 10, &cfg.probe, &mut rng)
        .map_err(anyhow::Error::msg)?;
    let (test_mse, probe) = score(&ae, &fitted, av, modality);
    let shown: Vec<Vec<f32>> = recon.to_vec().chunks_exact(width).take(10).map(<[f32]>::to_vec).collect();
    let kept = keep.then(|| crate::checkpoint::KeptModel::autoencoder(&ae, &fitted));
    let row = AeRow {
        modality,
        k,
        denoising,
        test_mse,
        pca_mse,
        probe,
        pictures: (shown, ae.decoder.weight.tensor().to_vec()),
        codes: (codes_train.to_vec(), codes_test.to_vec()),
    };
    Ok((row, kept))
}

/// Mean squared difference per element.
pub fn mse(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| ((x - y) as f64).powi(2)).sum::<f64>() / a.len().max(1) as f64
}

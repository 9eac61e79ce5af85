//! The classical baselines: softmax regression on the raw (standardised) inputs, and
//! linear CCA as a coordinated representation with a closed form.

use autograd::seeded_rng;
use models::data::AvDigits;
use models::linalg::Matrix;
use models::{Cca, Probe};
use serde::{Deserialize, Serialize};

use crate::Config;
use crate::measure::{Codes, Desiderata, Probes, measure};
use models::data::Av;

/// Softmax regression on raw inputs: what no learned representation at all gives.
#[derive(Serialize, Deserialize, Debug, Clone, Copy)]
pub struct RawBaselines {
    /// On the 64 standardised pixels.
    pub image: f64,
    /// On the 400 standardised spectrogram cells.
    pub audio: f64,
    /// On the 464 of both, concatenated (the fixed pairs).
    pub concatenated: f64,
}

/// What linear CCA gave.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct CcaReport {
    /// Canonical directions kept.
    pub dims: usize,
    /// Ridge added to both covariances.
    pub ridge: f64,
    /// The canonical correlations on the training pairs, largest first (all 64).
    pub correlations: Vec<f64>,
    /// The correlation of each canonical pair of coordinates on the test pairs.
    pub test_correlations: Vec<f64>,
    /// Retrieval, probes and transfer in the k-d canonical space.
    pub measured: Desiderata,
    /// Directions of the narrower space measured beside it: nine, the most along
    /// which ten digits can differ.
    pub few_dims: usize,
    /// Retrieval, probes and transfer keeping only the first `few_dims` directions.
    pub few: Desiderata,
}

/// Classes minus one: the most directions along which ten class means can differ.
pub const FEW_DIMS: usize = 9;

fn rows_of(table: &[f32], width: usize, rows: &[usize]) -> Vec<f32> {
    rows.iter().flat_map(|&r| table[r * width..][..width].iter().copied()).collect()
}

/// Softmax regression on the raw inputs of each modality and of both.
pub fn raw(av: &Av, cfg: &Config, seed: u64) -> anyhow::Result<RawBaselines> {
    let (train, test) = (&av.raw.train, &av.raw.test);
    let (train_labels, test_labels) = (av.labels(train), av.labels(test));
    let aw = av.audio_width();
    let concat = |rows: &[usize]| -> Vec<f32> {
        rows.iter()
            .flat_map(|&r| {
                av.image[r * AvDigits::IMAGE..][..AvDigits::IMAGE]
                    .iter()
                    .chain(&av.audio[r * aw..][..aw])
                    .copied()
            })
            .collect()
    };
    let mut rng = seeded_rng(seed);
    let mut score = |train_x: Vec<f32>, test_x: Vec<f32>, dim: usize| -> anyhow::Result<f64> {
        let probe =
            Probe::fit(&train_x, dim, &train_labels, 10, &cfg.probe, &mut rng).map_err(anyhow::Error::msg)?;
        Ok(probe.accuracy(&test_x, &test_labels))
    };
    Ok(RawBaselines {
        image: score(
            rows_of(&av.image, AvDigits::IMAGE, train),
            rows_of(&av.image, AvDigits::IMAGE, test),
            AvDigits::IMAGE,
        )?,
        audio: score(rows_of(&av.audio, aw, train), rows_of(&av.audio, aw, test), aw)?,
        concatenated: score(concat(train), concat(test), AvDigits::IMAGE + aw)?,
    })
}

// ANCHOR: cca
/// Fit linear CCA on the training pairs (images against their fixed partners'
/// spectrograms) and measure the k-d canonical space like the learned codes.
pub fn cca(av: &Av, cfg: &Config, seed: u64) -> anyhow::Result<CcaReport> {
    let all = fit_cca(av, cfg)?;
    Ok(evaluate_cca(&all, av, cfg, seed, None)?.0)
}

/// CCA of the training pairs' images and spectrograms, keeping every direction an
/// image allows (64).
pub fn fit_cca(av: &Av, cfg: &Config) -> anyhow::Result<Cca> {
    let train = &av.raw.train;
    let aw = av.audio_width();
    let image = Matrix::from_f32(train.len(), AvDigits::IMAGE, &rows_of(&av.image, AvDigits::IMAGE, train));
    let audio = Matrix::from_f32(train.len(), aw, &rows_of(&av.audio, aw, train));
    Cca::fit(&image, &audio, AvDigits::IMAGE, cfg.cca_ridge).map_err(anyhow::Error::msg)
}

/// The probes read on CCA's codes: on the `cca_dims` directions kept, and on the first
/// [`FEW_DIMS`].
pub struct CcaProbes {
    /// On the `cca_dims`-d codes.
    pub kept: Probes,
    /// On the first `few_dims` directions.
    pub few: Probes,
}

/// Measure a fitted CCA (`all`, every direction) on the test pairs, with `probes` if
/// given, else with probes fitted from `seed` (as the run does); returns the probes.
pub fn evaluate_cca(
    all: &Cca,
    av: &Av,
    cfg: &Config,
    seed: u64,
    probes: Option<CcaProbes>,
) -> anyhow::Result<(CcaReport, CcaProbes)> {
    let (train, test) = (&av.raw.train, &av.raw.test);
    let aw = av.audio_width();
    let image = |rows: &[usize]| {
        Matrix::from_f32(rows.len(), AvDigits::IMAGE, &rows_of(&av.image, AvDigits::IMAGE, rows))
    };
    let audio = |rows: &[usize]| Matrix::from_f32(rows.len(), aw, &rows_of(&av.audio, aw, rows));
    let correlations = all.correlations.clone();
    let (test_x, test_y) = (all.transform_x(&image(test)), all.transform_y(&audio(test)));
    let test_correlations = (0..test_x.cols).map(|k| pearson(&test_x.col(k), &test_y.col(k))).collect();
    let (train_labels, test_labels) = (av.labels(train), av.labels(test));
    let measure_first = |k: usize, probes: Option<Probes>| -> anyhow::Result<(Desiderata, Probes)> {
        let model = Cca {
            wx: all.wx.first_cols(k),
            wy: all.wy.first_cols(k),
            mean_x: all.mean_x.clone(),
            mean_y: all.mean_y.clone(),
            correlations: all.correlations[..k].to_vec(),
        };
        let codes = Codes {
            dim: k,
            train_image: model.transform_x(&image(train)).to_f32(),
            train_audio: model.transform_y(&audio(train)).to_f32(),
            test_image: model.transform_x(&image(test)).to_f32(),
            test_audio: model.transform_y(&audio(test)).to_f32(),
        };
        let probes = match probes {
            Some(p) => p,
            None => Probes::fit(&codes, &train_labels, &cfg.probe, seed)?,
        };
        Ok((measure(&codes, &train_labels, &test_labels, &probes), probes))
    };
    let few_dims = FEW_DIMS.min(cfg.cca_dims);
    let (given_kept, given_few) = match probes {
        Some(CcaProbes { kept, few }) => (Some(kept), Some(few)),
        None => (None, None),
    };
    let (measured, kept) = measure_first(cfg.cca_dims, given_kept)?;
    let (few_measured, few) = measure_first(few_dims, given_few)?;
    let report = CcaReport {
        dims: cfg.cca_dims,
        ridge: cfg.cca_ridge,
        correlations,
        test_correlations,
        measured,
        few_dims,
        few: few_measured,
    };
    Ok((report, CcaProbes { kept, few }))
}
// ANCHOR_END: cca

/// Pearson correlation of two equally long samples.
pub fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().max(1) as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let (va, vb): (f64, f64) =
        (a.iter().map(|x| (x - ma).powi(2)).sum(), b.iter().map(|y| (y - mb).powi(2)).sum());
    if va > 0.0 && vb > 0.0 { cov / (va * vb).sqrt() } else { 0.0 }
}

//! The classical baselines: softmax regression on the raw (standardised) inputs, and
//! linear CCA as a coordinated representation with a closed form.

use autograd::seeded_rng;
use models::data::AvDigits;
use models::linalg::Matrix;
use models::{Cca, Probe};
use serde::{Deserialize, Serialize};

use crate::Config;
use crate::measure::{Codes, Desiderata, measure};
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
    let (train, test) = (&av.raw.train, &av.raw.test);
    let aw = av.audio_width();
    let image = |rows: &[usize]| {
        Matrix::from_f32(rows.len(), AvDigits::IMAGE, &rows_of(&av.image, AvDigits::IMAGE, rows))
    };
    let audio = |rows: &[usize]| Matrix::from_f32(rows.len(), aw, &rows_of(&av.audio, aw, rows));
    let all =
        Cca::fit(&image(train), &audio(train), AvDigits::IMAGE, cfg.cca_ridge).map_err(anyhow::Error::msg)?;
    let correlations = all.correlations.clone();
    let (test_x, test_y) = (all.transform_x(&image(test)), all.transform_y(&audio(test)));
    let test_correlations = (0..test_x.cols).map(|k| pearson(&test_x.col(k), &test_y.col(k))).collect();
    let measure_first = |k: usize| {
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
        measure(&codes, &av.labels(train), &av.labels(test), &cfg.probe, seed)
    };
    let few_dims = FEW_DIMS.min(cfg.cca_dims);
    Ok(CcaReport {
        dims: cfg.cca_dims,
        ridge: cfg.cca_ridge,
        correlations,
        test_correlations,
        measured: measure_first(cfg.cca_dims)?,
        few_dims,
        few: measure_first(few_dims)?,
    })
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

//! The AV digits as the models of chapters 3 to 5 see them: each modality standardised with
//! the training set's statistics (so "missing" = zero = the training mean), and a
//! sampler that draws a fresh same-digit partner for every training image.

use autograd::{Rng, Tensor};
use rand::RngExt;

use super::av::{AvDigits, AvVariant, feature_stats, load_av_digits, standardise};
use super::batch::gather_rows;
use super::csv::DataError;

/// Standardised AV digits: row p of `image` and `audio` is pair p.
pub struct Av {
    /// (n, 64) standardised pixels.
    pub image: Vec<f32>,
    /// (n, 400) standardised spectrogram cells.
    pub audio: Vec<f32>,
    /// The raw pairs (pixels and cells in [0, 1]), for figures.
    pub raw: AvDigits,
    /// Training mean and standard deviation of each pixel.
    pub image_stats: (Vec<f32>, Vec<f32>),
    /// Training mean and standard deviation of each spectrogram cell.
    pub audio_stats: (Vec<f32>, Vec<f32>),
    /// Training pairs of each digit, for drawing fresh partners.
    by_digit: Vec<Vec<usize>>,
    /// The 20th percentile of all spectrogram cells: white in pictures.
    floor: f32,
}

/// How a training image finds its audio partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Pairing {
    /// The partner `pairs.csv` gives it, every epoch.
    Fixed,
    /// A training utterance of the same digit drawn afresh at every step.
    Fresh,
}

impl Av {
    // ANCHOR: load
    /// Load and standardise the variant in `dir`.
    pub fn load(dir: &std::path::Path, variant: AvVariant) -> Result<Av, DataError> {
        let raw = load_av_digits(dir, variant)?;
        let (im, is) = feature_stats(&raw.image, AvDigits::IMAGE, &raw.train);
        let (am, as_) = feature_stats(&raw.audio, raw.audio_width(), &raw.train);
        let mut by_digit = vec![Vec::new(); 10];
        for &p in &raw.train {
            by_digit[raw.labels[p]].push(p);
        }
        let floor = percentile(&raw.audio, 0.2); // for pictures only
        Ok(Av {
            image: standardise(&raw.image, &im, &is),
            audio: standardise(&raw.audio, &am, &as_),
            raw,
            image_stats: (im, is),
            audio_stats: (am, as_),
            by_digit,
            floor,
        })
    }
    // ANCHOR_END: load

    /// Cells in a spectrogram.
    pub fn audio_width(&self) -> usize {
        self.raw.audio_width()
    }

    /// The labels of pairs `rows`.
    pub fn labels(&self, rows: &[usize]) -> Vec<usize> {
        rows.iter().map(|&p| self.raw.labels[p]).collect()
    }

    // ANCHOR: partners
    /// The audio partner of each training pair in `rows`: its own (fixed) or a
    /// random training utterance of the same digit (fresh).
    pub fn partners(&self, rows: &[usize], pairing: Pairing, rng: &mut Rng) -> Vec<usize> {
        match pairing {
            Pairing::Fixed => rows.to_vec(),
            Pairing::Fresh => rows
                .iter()
                .map(|&p| {
                    let same = &self.by_digit[self.raw.labels[p]];
                    same[rng.random_range(0..same.len())]
                })
                .collect(),
        }
    }
    // ANCHOR_END: partners

    /// A standardised spectrogram back on the file's scale, its grey scale stretched
    /// so the file's 20th-percentile cell (the noise floor) and anything quieter is
    /// white and the loudest cell black, its rows flipped so the lowest band is at the
    /// bottom (as spectrograms are drawn).
    pub fn spectrogram_picture(&self, standardised: &[f32]) -> Vec<f32> {
        let (bands, frames) = (self.raw.bands, self.raw.frames);
        let (mean, std) = &self.audio_stats;
        let quietest = self.floor;
        let raw: Vec<f32> = standardised
            .iter()
            .zip(mean)
            .zip(std)
            .map(|((z, m), s)| ((z * s + m - quietest) / (1.0 - quietest).max(1e-6)).clamp(0.0, 1.0))
            .collect();
        (0..bands).rev().flat_map(|b| raw[b * frames..][..frames].to_vec()).collect()
    }

    /// A standardised image back on the [0, 1] pixel scale (clamped), for pictures.
    pub fn image_picture(&self, standardised: &[f32]) -> Vec<f32> {
        let (mean, std) = &self.image_stats;
        standardised.iter().zip(mean).zip(std).map(|((z, m), s)| (z * s + m).clamp(0.0, 1.0)).collect()
    }

    /// Standardised images of pairs `rows`, (rows, 64).
    pub fn images(&self, rows: &[usize]) -> Tensor {
        gather_rows(&self.image, AvDigits::IMAGE, rows)
    }

    /// Standardised spectrograms of pairs `rows`, (rows, 400).
    pub fn audios(&self, rows: &[usize]) -> Tensor {
        gather_rows(&self.audio, self.audio_width(), rows)
    }
}

/// The value below which a fraction `q` of `values` lie.
fn percentile(values: &[f32], q: f64) -> f32 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f32::total_cmp);
    sorted.get((q * sorted.len() as f64) as usize).copied().unwrap_or(0.0)
}

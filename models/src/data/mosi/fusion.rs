//! A converted MOSI folder as the fusion models' inputs: utterance summaries
//! ([`Standardised`], chapters 7 to 9 and 11's TFN) and word-level sequences
//! ([`Sequences`], chapter 11's LSTMs), z-scored with the training split's statistics by
//! the same arithmetic as `Standardised::new` and `Sequences::new` use on toy MOSI, so
//! toy MOSI exported and read back gives the same inputs bit for bit.

use super::{Mosi, MosiSplit};
use crate::fusion::{SeqPart, Sequences, Standardised};
use crate::toymosi::{Knobs, Modality, Split, ToyMosi};

/// Per channel of rows `d` wide: the mean and the population standard deviation + 1e-6.
fn channel_stats<'a>(rows: impl Iterator<Item = &'a [f32]> + Clone, d: usize) -> (Vec<f64>, Vec<f64>) {
    let n = rows.clone().count() as f64;
    let mean: Vec<f64> = (0..d).map(|c| rows.clone().map(|r| f64::from(r[c])).sum::<f64>() / n).collect();
    let std = (0..d)
        .map(|c| (rows.clone().map(|r| (f64::from(r[c]) - mean[c]).powi(2)).sum::<f64>() / n).sqrt() + 1e-6)
        .collect();
    (mean, std)
}

/// `values` (rows of `d`) z-scored channel by channel.
fn z_scored(values: &[f32], (mean, std): &(Vec<f64>, Vec<f64>), d: usize) -> Vec<f32> {
    values.iter().enumerate().map(|(i, &v)| ((f64::from(v) - mean[i % d]) / std[i % d]) as f32).collect()
}

/// fusion's `Part` (one split's tables) has no public constructor: start from the
/// standardised summaries of an empty toy MOSI, whose three parts are empty, and fill
/// in the fields.
fn empty_standardised() -> Standardised {
    let empty = ToyMosi { knobs: Knobs::default(), seed: 0, embeddings: vec![], utterances: vec![] };
    Standardised::new(&empty, &[])
}

impl Mosi {
    /// The summaries (the mean over each utterance's real steps, or the stored ones) of
    /// `modalities`, z-scored with the training split's mean and standard deviation
    /// (+ 1e-6). Row ids are row numbers within each split.
    pub fn standardised(&self, modalities: &[Modality]) -> Standardised {
        let widths: Vec<usize> = modalities.iter().map(|&m| self.width(m)).collect();
        let tables = |s: &MosiSplit| -> Vec<Vec<f32>> {
            modalities.iter().map(|&m| (0..s.len()).flat_map(|i| s.summary(i, m)).collect()).collect()
        };
        let train = tables(&self.train);
        let stats: Vec<(Vec<f64>, Vec<f64>)> =
            train.iter().zip(&widths).map(|(t, &d)| channel_stats(t.chunks(d), d)).collect();
        let mut out = empty_standardised();
        out.widths.clone_from(&widths);
        (out.mean, out.sd) = stats.iter().cloned().unzip();
        for split in [Split::Train, Split::Valid, Split::Test] {
            let s = self.split(split);
            let part = match split {
                Split::Train => &mut out.train,
                Split::Valid => &mut out.valid,
                Split::Test => &mut out.test,
            };
            let raw = if split == Split::Train { train.clone() } else { tables(s) };
            part.inputs =
                raw.iter().zip(&stats).zip(&widths).map(|((t, stat), &d)| z_scored(t, stat, d)).collect();
            part.labels.clone_from(&s.labels);
            part.ids = (0..s.len()).collect();
        }
        out
    }

    /// The real steps of `modalities`, every channel z-scored with the mean and
    /// standard deviation (+ 1e-6) of the training split's steps. Row ids are row
    /// numbers within each split.
    pub fn sequences(&self, modalities: &[Modality]) -> Sequences {
        let widths: Vec<usize> = modalities.iter().map(|&m| self.width(m)).collect();
        let stats: Vec<(Vec<f64>, Vec<f64>)> = modalities
            .iter()
            .zip(&widths)
            .map(|(&m, &d)| {
                let rows = (0..self.train.len()).flat_map(move |i| self.train.sequence(i, m).chunks(d));
                channel_stats(rows, d)
            })
            .collect();
        let part = |s: &MosiSplit| SeqPart {
            ids: (0..s.len()).collect(),
            lengths: s.lengths.clone(),
            sequences: (0..s.len())
                .map(|i| {
                    modalities
                        .iter()
                        .zip(&stats)
                        .zip(&widths)
                        .map(|((&m, stat), &d)| z_scored(s.sequence(i, m), stat, d))
                        .collect()
                })
                .collect(),
            labels: s.labels.clone(),
        };
        let (train, valid, test) = (part(&self.train), part(&self.valid), part(&self.test));
        let (mean, sd) = stats.into_iter().unzip();
        Sequences { widths, mean, sd, train, valid, test }
    }
}

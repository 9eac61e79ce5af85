//! Training the multimodal LSTMs by toy MOSI's protocol (`train.rs`: L1 loss, Adam with
//! weight decay, dropout, early stopping on validation MAE, best weights restored) on
//! word-level sequences. Sequences are batched by length (8 to 20 words), so no batch
//! needs padding: each epoch shuffles the utterances of every length, cuts them into
//! batches and shuffles the batches.

use std::collections::BTreeMap;

use autograd::{Adam, Rng, Tensor, no_grad};
use rand::seq::SliceRandom;

use super::sequence::SeqNet;
use super::train::{TrainConfig, Trained, early_stopping, l1_step, mae};
use crate::model::Mode;
use crate::toymosi::{Modality, Split, ToyMosi};

/// One split's sequences: per utterance and modality, (L, width) standardised values.
#[derive(Clone, Debug)]
pub struct SeqPart {
    /// Utterance ids, in row order.
    pub ids: Vec<usize>,
    /// Words per utterance.
    pub lengths: Vec<usize>,
    /// Per utterance, per modality, L x width values.
    pub sequences: Vec<Vec<Vec<f32>>>,
    /// The labels.
    pub labels: Vec<f64>,
}

impl SeqPart {
    /// Rows of one length as one (rows, L, width) tensor per modality.
    #[track_caller]
    pub fn batch(&self, rows: &[usize], widths: &[usize]) -> Vec<Tensor> {
        let steps = self.lengths[rows[0]];
        assert!(rows.iter().all(|&r| self.lengths[r] == steps), "SeqPart::batch: rows of different lengths");
        widths
            .iter()
            .enumerate()
            .map(|(m, &w)| {
                let data = rows.iter().flat_map(|&r| self.sequences[r][m].iter().copied()).collect();
                Tensor::from_vec(data, &[rows.len(), steps, w])
            })
            .collect()
    }

    /// A split from raw sequences: `raw[u][m]` is utterance u's (length, width) values of
    /// modality m, row-major, z-scored channel by channel with modality m's `mean` and
    /// `sd` (a [`Sequences`]' training statistics, or a checkpoint's) as
    /// `((v as f64 - mean) / sd) as f32`, the arithmetic [`Sequences::new`] uses. Each
    /// utterance's length is its rows of the first modality.
    #[track_caller]
    pub fn standardise(
        ids: Vec<usize>,
        raw: Vec<Vec<Vec<f32>>>,
        labels: Vec<f64>,
        mean: &[Vec<f64>],
        sd: &[Vec<f64>],
    ) -> SeqPart {
        assert!(
            raw.len() == ids.len() && labels.len() == ids.len(),
            "SeqPart::standardise: {} ids, {} sequences, {} labels (need one of each per utterance)",
            ids.len(),
            raw.len(),
            labels.len()
        );
        assert!(
            mean.len() == sd.len() && mean.iter().zip(sd).all(|(m, s)| m.len() == s.len() && !m.is_empty()),
            "SeqPart::standardise: {} means and {} standard deviations of widths {:?} and {:?}",
            mean.len(),
            sd.len(),
            mean.iter().map(Vec::len).collect::<Vec<_>>(),
            sd.iter().map(Vec::len).collect::<Vec<_>>()
        );
        let mut lengths = Vec::with_capacity(raw.len());
        let sequences = raw
            .into_iter()
            .enumerate()
            .map(|(u, modalities)| {
                assert!(
                    !modalities.is_empty() && modalities.len() == mean.len(),
                    "SeqPart::standardise: utterance {u} has {} modalities, the statistics {}",
                    modalities.len(),
                    mean.len()
                );
                let length = modalities[0].len() / mean[0].len();
                lengths.push(length);
                modalities
                    .iter()
                    .zip(mean.iter().zip(sd))
                    .map(|(values, (mean, sd))| {
                        let w = mean.len();
                        assert_eq!(
                            values.len(),
                            length * w,
                            "SeqPart::standardise: utterance {u} has {} values of a modality {w} wide, not its \
                             length {length} x {w}",
                            values.len()
                        );
                        z_score(values, mean, sd)
                    })
                    .collect()
            })
            .collect();
        SeqPart { ids, lengths, sequences, labels }
    }

    /// Row indices grouped by length.
    pub fn by_length(&self) -> BTreeMap<usize, Vec<usize>> {
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (row, &len) in self.lengths.iter().enumerate() {
            groups.entry(len).or_default().push(row);
        }
        groups
    }
}

/// Rows of `mean.len()` values, each channel z-scored: `((v as f64 - mean) / sd) as f32`.
fn z_score(values: &[f32], mean: &[f64], sd: &[f64]) -> Vec<f32> {
    let w = mean.len();
    values.iter().enumerate().map(|(i, &v)| ((f64::from(v) - mean[i % w]) / sd[i % w]) as f32).collect()
}

/// The word-level sequences of some modalities, every channel z-scored with the mean and
/// standard deviation (+ 1e-6) of the training split's words.
#[derive(Clone, Debug)]
pub struct Sequences {
    /// Width of each modality.
    pub widths: Vec<usize>,
    /// Per modality, the training split's mean of each channel over all its words: what
    /// a trained model's new sequences are standardised with ([`SeqPart::standardise`];
    /// a checkpoint keeps it).
    pub mean: Vec<Vec<f64>>,
    /// Per modality, each channel's population standard deviation over the training
    /// split's words + 1e-6: the divisor.
    pub sd: Vec<Vec<f64>>,
    /// Training utterances.
    pub train: SeqPart,
    /// Validation utterances.
    pub valid: SeqPart,
    /// Test utterances.
    pub test: SeqPart,
}

impl Sequences {
    /// Standardise the sequences of `modalities`.
    pub fn new(data: &ToyMosi, modalities: &[Modality]) -> Sequences {
        let widths: Vec<usize> = modalities.iter().map(|m| m.width()).collect();
        let (mean, sd): (Vec<Vec<f64>>, Vec<Vec<f64>>) = modalities
            .iter()
            .map(|&m| {
                let w = m.width();
                let rows: Vec<&[f32]> = data
                    .ids(Split::Train)
                    .iter()
                    .flat_map(|&i| m.sequence(&data.utterances[i]).chunks(w))
                    .collect();
                let n = rows.len() as f64;
                let mean: Vec<f64> =
                    (0..w).map(|c| rows.iter().map(|r| f64::from(r[c])).sum::<f64>() / n).collect();
                let std = (0..w)
                    .map(|c| {
                        (rows.iter().map(|r| (f64::from(r[c]) - mean[c]).powi(2)).sum::<f64>() / n).sqrt()
                            + 1e-6
                    })
                    .collect();
                (mean, std)
            })
            .unzip();
        let part = |split: Split| {
            let ids = data.ids(split);
            let raw = ids
                .iter()
                .map(|&i| modalities.iter().map(|&m| m.sequence(&data.utterances[i]).to_vec()).collect())
                .collect();
            let labels = ids.iter().map(|&i| data.utterances[i].label).collect();
            SeqPart::standardise(ids, raw, labels, &mean, &sd)
        };
        let (train, valid, test) = (part(Split::Train), part(Split::Valid), part(Split::Test));
        Sequences { widths, mean, sd, train, valid, test }
    }
}

/// Predictions for every row of `part`, in row order, without dropout.
pub fn predict_sequences(model: &SeqNet, part: &SeqPart) -> Vec<f64> {
    let mut out = vec![0.0; part.labels.len()];
    for rows in part.by_length().values() {
        let p = no_grad(|| model.forward(&part.batch(rows, &model.widths), &mut Mode::Eval));
        for (&row, &v) in rows.iter().zip(p.data()) {
            out[row] = f64::from(v);
        }
    }
    out
}

/// Train `model` by the protocol. An error, naming the learning rate and what to try,
/// when training diverged or never moved the model (as [`super::train`]).
pub fn train_sequences(
    model: &mut SeqNet,
    data: &Sequences,
    cfg: &TrainConfig,
    rng: &mut Rng,
) -> Result<Trained, String> {
    let mut adam = Adam::new(cfg.lr).with_weight_decay(cfg.weight_decay);
    let groups = data.train.by_length();
    let epoch = |model: &mut SeqNet, step: &mut usize| {
        let mut batches: Vec<Vec<usize>> = Vec::new();
        for rows in groups.values() {
            let mut rows = rows.clone();
            rows.shuffle(rng);
            batches.extend(rows.chunks(cfg.batch_size).map(<[usize]>::to_vec));
        }
        batches.shuffle(rng);
        for rows in batches {
            let inputs = data.train.batch(&rows, &model.widths);
            let prediction = model.forward(&inputs, &mut Mode::train(cfg.dropout, rng));
            l1_step(&prediction, &data.train.labels, &rows, &mut adam, &mut model.parameters_mut(), step)?;
        }
        Ok(())
    };
    let valid = |m: &SeqNet| mae(&predict_sequences(m, &data.valid), &data.valid.labels);
    let labels = (&data.train.labels[..], &data.valid.labels[..]);
    early_stopping(model, cfg, labels, epoch, valid)
}

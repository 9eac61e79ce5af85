//! Captioning a split and scoring it; the decoder's confidence; the shape probes.

use autograd::{Rng, Tensor, no_grad};
use models::captioner::{Captioner, images};
use models::scenes::{
    BOS, COLOURS, HELDOUT, MAX_GENERATED, PAD, SHAPES, ShapeScenes, VOCAB, attributes, corpus_bleu,
    references, score_caption, words_of,
};
use models::{Probe, ProbeConfig};

use crate::{Confidence, ProbeRow, Scores, Unseen};

/// Images decoded per batch.
const CHUNK: usize = 250;

/// How captions are decoded.
#[derive(Clone, Copy)]
pub enum Decode {
    /// Arg max at every step.
    Greedy,
    /// Beam search of this width.
    Beam(usize),
}

/// The first `limit` images of `data`, captioned.
pub fn caption(
    model: &Captioner,
    data: &ShapeScenes,
    limit: usize,
    blind: bool,
    how: Decode,
) -> Vec<Vec<usize>> {
    let all: Vec<usize> = (0..limit.min(data.len())).collect();
    all.chunks(CHUNK)
        .flat_map(|chunk| {
            let x = images(data, chunk, blind);
            match how {
                Decode::Greedy => model.greedy(&x),
                Decode::Beam(width) => model.beam(&x, width),
            }
        })
        .collect()
}

/// BLEU and attribute accuracies of `captions` for the first images of `data`.
pub fn score(data: &ShapeScenes, captions: &[Vec<usize>]) -> Scores {
    let candidates: Vec<Vec<&str>> = captions.iter().map(|c| words_of(c)).collect();
    let scenes = &data.scenes[..captions.len()];
    let refs: Vec<_> = scenes.iter().map(references).collect();
    let per_image: Vec<_> = scenes.iter().zip(&candidates).map(|(s, c)| score_caption(s, c)).collect();
    Scores { bleu: corpus_bleu(&candidates, &refs), attributes: attributes(&per_image) }
}

/// How sure the decoder was of each word of its greedy `captions` of `data`: the
/// captions are fed back by teacher forcing, which gives the distribution each greedy
/// step chose from; for every step up to the caption's end, the probability of the best
/// word and its log-probability margin over the runner-up. `blind` as the captions were
/// made: with zeros for images.
pub fn confidence(model: &Captioner, data: &ShapeScenes, captions: &[Vec<usize>], blind: bool) -> Confidence {
    let (mut steps, mut top, mut above, mut margin) = (0usize, 0.0f64, 0usize, 0.0f64);
    let all: Vec<usize> = (0..captions.len()).collect();
    for chunk in all.chunks(CHUNK) {
        // <bos> and every generated token but the last, padded to the longest.
        let mut inputs = vec![PAD; chunk.len() * MAX_GENERATED];
        for (b, &i) in chunk.iter().enumerate() {
            inputs[b * MAX_GENERATED] = BOS;
            let fed = &captions[i][..captions[i].len().saturating_sub(1)];
            inputs[b * MAX_GENERATED + 1..][..fed.len()].copy_from_slice(fed);
        }
        let log_probs = no_grad(|| model.logits(&images(data, chunk, blind), &inputs).log_softmax(2));
        for (b, &i) in chunk.iter().enumerate() {
            for t in 0..captions[i].len() {
                let row = &log_probs.data()[(b * MAX_GENERATED + t) * VOCAB.len()..][..VOCAB.len()];
                let mut sorted: Vec<f32> = row.to_vec();
                sorted.sort_by(|x, y| y.total_cmp(x));
                steps += 1;
                top += f64::from(sorted[0]).exp();
                above += (f64::from(sorted[0]).exp() >= 0.9) as usize;
                margin += f64::from(sorted[0] - sorted[1]);
            }
        }
    }
    let n = steps.max(1) as f64;
    Confidence { steps, mean_top: top / n, above_90: above as f64 / n, mean_log_margin: margin / n }
}

/// The one-shape images of a split: their indices and shape labels.
fn one_shape(data: &ShapeScenes) -> (Vec<usize>, Vec<usize>) {
    data.scenes
        .iter()
        .enumerate()
        .filter(|(_, s)| s.objects.len() == 1)
        .map(|(i, s)| (i, s.objects[0].shape))
        .unzip()
}

/// Each stage's code of `indices`: CNN output, MLP hidden layer, [h0, c0].
fn codes(model: &Captioner, data: &ShapeScenes, indices: &[usize]) -> [Vec<f32>; 3] {
    let mut out: [Vec<f32>; 3] = Default::default();
    for chunk in indices.chunks(CHUNK) {
        no_grad(|| {
            let s = model.encode(&images(data, chunk, false));
            out[0].extend_from_slice(s.cnn.data());
            out[1].extend_from_slice(s.hidden.data());
            out[2].extend_from_slice(Tensor::concat(&[s.state.h, s.state.c], 1).data());
        });
    }
    out
}

/// Standardise columns by the training rows' mean and standard deviation.
fn standardise(train: &mut [f32], others: &mut [&mut Vec<f32>], dims: usize) {
    let rows = train.len() / dims;
    for d in 0..dims {
        let column = || (0..rows).map(|r| train[r * dims + d] as f64);
        let mean = column().sum::<f64>() / rows as f64;
        let sd = (column().map(|v| (v - mean).powi(2)).sum::<f64>() / rows as f64).sqrt().max(1e-6);
        let fix = |v: &mut f32| *v = ((*v as f64 - mean) / sd) as f32;
        train.iter_mut().skip(d).step_by(dims).for_each(fix);
        for other in others.iter_mut() {
            other.iter_mut().skip(d).step_by(dims).for_each(fix);
        }
    }
}

/// Folds of the held-out images in [`cross_validated`].
pub const FOLDS: usize = 5;

/// The seed of the cross-validated probes' random stream (plus the stage).
const CV_SEED: u64 = 0xc0de;

// ANCHOR: cross_validated
/// Shape accuracy on the held-out codes `held` by probes that see held-out images too:
/// the held-out rows are cut into [`FOLDS`] folds (every `FOLDS`-th row), and each fold
/// is scored by a probe trained on the training rows and the other folds. In that
/// training set every shape occurs in every colour, so colour alone does not tell the
/// shape, and the unseen pairs are not excluded by construction.
fn cross_validated(
    train: &[f32],
    train_labels: &[usize],
    held: &[f32],
    held_labels: &[usize],
    dims: usize,
    config: &ProbeConfig,
    rng: &mut Rng,
) -> Result<f64, String> {
    let mut right = 0.0;
    for fold in 0..FOLDS {
        let (mut x, mut y) = (train.to_vec(), train_labels.to_vec());
        let (mut x_out, mut y_out) = (Vec::new(), Vec::new());
        for (i, &label) in held_labels.iter().enumerate() {
            let row = &held[i * dims..(i + 1) * dims];
            let (to_x, to_y) = if i % FOLDS == fold { (&mut x_out, &mut y_out) } else { (&mut x, &mut y) };
            to_x.extend_from_slice(row);
            to_y.push(label);
        }
        let probe = Probe::fit(&x, dims, &y, SHAPES.len(), config, rng)?;
        right += probe.accuracy(&x_out, &y_out) * y_out.len() as f64;
    }
    Ok(right / held_labels.len().max(1) as f64)
}
// ANCHOR_END: cross_validated

/// Linear shape probes on each stage's code, trained on the one-shape training images,
/// then the decoder's own shape word (greedy) on the same images.
pub fn probes(
    model: &Captioner,
    splits: [&ShapeScenes; 3],
    config: &ProbeConfig,
    rng: &mut Rng,
) -> Result<Vec<ProbeRow>, String> {
    let sets: Vec<(Vec<usize>, Vec<usize>)> = splits.iter().map(|d| one_shape(d)).collect();
    let stage_codes: Vec<[Vec<f32>; 3]> =
        splits.iter().zip(&sets).map(|(d, (idx, _))| codes(model, d, idx)).collect();
    let mut rows = Vec::new();
    for (stage, name) in ["CNN output", "MLP hidden layer", "LSTM initial state [h0, c0]"].iter().enumerate()
    {
        let dims = stage_codes[0][stage].len() / sets[0].0.len();
        let mut train = stage_codes[0][stage].clone();
        let (mut test, mut held) = (stage_codes[1][stage].clone(), stage_codes[2][stage].clone());
        standardise(&mut train, &mut [&mut test, &mut held], dims);
        let probe = Probe::fit(&train, dims, &sets[0].1, SHAPES.len(), config, rng)?;
        // Its own random stream, so the probes above are those of a run without it.
        let mut cv_rng = autograd::seeded_rng(CV_SEED + stage as u64);
        let heldout_cv = cross_validated(&train, &sets[0].1, &held, &sets[2].1, dims, config, &mut cv_rng)?;
        rows.push(ProbeRow {
            stage: name.to_string(),
            dims,
            train: probe.accuracy(&train, &sets[0].1),
            test: probe.accuracy(&test, &sets[1].1),
            heldout: probe.accuracy(&held, &sets[2].1),
            heldout_cv: Some(heldout_cv),
        });
    }
    let word = |d: &ShapeScenes, (idx, labels): &(Vec<usize>, Vec<usize>)| {
        let captions: Vec<Vec<usize>> =
            idx.chunks(CHUNK).flat_map(|c| model.greedy(&images(d, c, false))).collect();
        let right = captions
            .iter()
            .zip(labels)
            .filter(|&(c, &shape)| words_of(c).get(3) == Some(&SHAPES[shape]) && words_of(c).len() == 4)
            .count();
        right as f64 / labels.len().max(1) as f64
    };
    rows.push(ProbeRow {
        stage: "the decoder's shape word (greedy)".into(),
        dims: 0,
        train: word(splits[0], &sets[0]),
        test: word(splits[1], &sets[1]),
        heldout: word(splits[2], &sets[2]),
        heldout_cv: None,
    });
    Ok(rows)
}

/// For each held-out pair, what the greedy captions named object 0.
pub fn unseen(data: &ShapeScenes, captions: &[Vec<usize>]) -> Vec<Unseen> {
    HELDOUT
        .iter()
        .map(|&combo| {
            let mut said: Vec<(String, usize)> = Vec::new();
            let mut images = 0;
            for (scene, caption) in data.scenes.iter().zip(captions) {
                if scene.objects[0].combo() != combo {
                    continue;
                }
                images += 1;
                let stated = score_caption(scene, &words_of(caption)).stated[0];
                let name =
                    stated.map_or("nothing".into(), |(_, c, s)| format!("{} {}", COLOURS[c], SHAPES[s]));
                match said.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, count)) => *count += 1,
                    None => said.push((name, 1)),
                }
            }
            said.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            Unseen { pair: format!("{} {}", COLOURS[combo % 5], SHAPES[combo / 5]), images, said }
        })
        .collect()
}

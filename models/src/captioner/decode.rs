//! Decoding a caption from an image: greedy (the most likely next word at every step)
//! and beam search (the `width` best partial captions by total log-probability).

use autograd::{Tensor, no_grad};

use super::Captioner;
use crate::scenes::{BOS, EOS, MAX_GENERATED, VOCAB};
use crate::seq::LstmState;

/// A partial caption in a beam.
#[derive(Clone)]
struct Hypothesis {
    tokens: Vec<usize>,
    /// Sum of the log-probabilities of its tokens (no length normalisation).
    score: f32,
    /// Row of its state in the last step's output.
    row: usize,
}

impl Hypothesis {
    fn finished(&self) -> bool {
        self.tokens.last() == Some(&EOS) || self.tokens.len() == MAX_GENERATED
    }
}

fn first_max(row: &[f32]) -> usize {
    row.iter().enumerate().fold(0, |best, (v, &x)| if x > row[best] { v } else { best })
}

impl Captioner {
    // ANCHOR: greedy
    /// Greedy decoding of images (batch, 3, 32, 32): from `<bos>`, feed back the arg
    /// max word until `<eos>` or 12 tokens. Returns each caption's tokens (its `<eos>`
    /// included when it has one).
    pub fn greedy(&self, images: &Tensor) -> Vec<Vec<usize>> {
        no_grad(|| {
            let batch = images.shape()[0];
            let mut state = self.encode(images).state;
            let mut captions = vec![Vec::new(); batch];
            let mut last = vec![BOS; batch];
            for _ in 0..MAX_GENERATED {
                let (next, log_probs) = self.step(&last, &state);
                for (b, caption) in captions.iter_mut().enumerate() {
                    if caption.last() != Some(&EOS) {
                        last[b] = first_max(&log_probs.data()[b * VOCAB.len()..(b + 1) * VOCAB.len()]);
                        caption.push(last[b]);
                    }
                }
                if captions.iter().all(|c| c.last() == Some(&EOS)) {
                    break;
                }
                state = next;
            }
            captions
        })
    }
    // ANCHOR_END: greedy

    // ANCHOR: beam
    /// Beam search of `width`: each image keeps the `width` best partial captions by
    /// the sum of their tokens' log-probabilities; a finished caption stays in the beam
    /// with its score frozen; after 12 tokens (or when the whole beam has finished) the
    /// best one is returned. All images' hypotheses advance in one batched step.
    #[track_caller]
    pub fn beam(&self, images: &Tensor, width: usize) -> Vec<Vec<usize>> {
        assert!(width >= 1, "Captioner::beam: width must be at least 1");
        no_grad(|| {
            let batch = images.shape()[0];
            let mut state = self.encode(images).state;
            let mut beams: Vec<Vec<Hypothesis>> =
                (0..batch).map(|b| vec![Hypothesis { tokens: Vec::new(), score: 0.0, row: b }]).collect();
            for _ in 0..MAX_GENERATED {
                // Every unfinished hypothesis of every image, one row each.
                let active: Vec<(usize, usize)> = beams
                    .iter()
                    .enumerate()
                    .flat_map(|(b, beam)| {
                        (0..beam.len()).filter(move |&k| !beam[k].finished()).map(move |k| (b, k))
                    })
                    .collect();
                if active.is_empty() {
                    break;
                }
                let rows: Vec<usize> = active.iter().map(|&(b, k)| beams[b][k].row).collect();
                let last: Vec<usize> =
                    active.iter().map(|&(b, k)| beams[b][k].tokens.last().copied().unwrap_or(BOS)).collect();
                let gathered =
                    LstmState { h: state.h.index_select(0, &rows), c: state.c.index_select(0, &rows) };
                let (next, log_probs) = self.step(&last, &gathered);
                let lp = log_probs.data();
                let mut expanded: Vec<Vec<Hypothesis>> = beams
                    .iter()
                    .map(|beam| beam.iter().filter(|h| h.finished()).cloned().collect())
                    .collect();
                for (row, &(b, k)) in active.iter().enumerate() {
                    let parent = &beams[b][k];
                    for (v, &p) in lp[row * VOCAB.len()..(row + 1) * VOCAB.len()].iter().enumerate() {
                        let mut tokens = parent.tokens.clone();
                        tokens.push(v);
                        expanded[b].push(Hypothesis { tokens, score: parent.score + p, row });
                    }
                }
                for candidates in expanded.iter_mut() {
                    // Stable: on equal scores the earlier candidate (finished first, then
                    // by parent and token id) stays ahead.
                    candidates.sort_by(|x, y| y.score.total_cmp(&x.score));
                    candidates.truncate(width);
                }
                beams = expanded;
                state = next;
            }
            beams
                .into_iter()
                .map(|beam| beam.into_iter().reduce(|best, h| if h.score > best.score { h } else { best }))
                .map(|best| best.map(|h| h.tokens).unwrap_or_default())
                .collect()
        })
    }
    // ANCHOR_END: beam
}

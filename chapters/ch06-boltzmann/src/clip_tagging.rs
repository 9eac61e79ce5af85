//! Tagging and its baseline: the title words the model suggests for a picture, the
//! words the nearest training pictures' titles vote for, and precision@5.

use autograd::{Rng, Tensor, no_grad};
use models::rbm::{Rbm, sample};

use crate::Config;
use crate::clipart::{Prepared, TagExample};
use crate::multimodal::{Pathway, joint_with_missing};

/// Precision@5 of ranked word lists against each title's words.
pub(crate) fn precision_at_5(ranked: &[Vec<usize>], truth: &[Vec<usize>]) -> f64 {
    let total: f64 = ranked
        .iter()
        .zip(truth)
        .map(|(r, t)| r.iter().take(5).filter(|w| t.contains(w)).count() as f64 / 5.0)
        .sum();
    total / ranked.len().max(1) as f64
}

/// Word indices by descending score (ties by index).
pub(crate) fn rank_words(scores: &[f32]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    order
}

// The signature on three lines, so that the book's listing fits the page.
#[rustfmt::skip]
// ANCHOR: tagging
/// The probability of each title word given only the pictures' top layers `top`:
/// the picture side of the joint RBM is clamped and Gibbs sampling fills in the text
/// side; each sample goes down the text pathway to word probabilities, averaged.
pub(crate) fn suggest_words(
    joint: &Rbm, text: &Pathway, top: &Tensor, cfg: &Config, rng: &mut Rng,
) -> Tensor {
    let (c, known) = (&cfg.clip, top.shape()[1]);
    let width = joint.visible() - known;
    // Start the chains where mean-field puts the text side.
    let mut missing = joint_with_missing(joint, top, true, cfg.mean_field_steps).1;
    let mut sum = Tensor::zeros(&[top.shape()[0], text.first.visible()]);
    for step in 0..c.burn_in + c.samples {
        let visible = Tensor::concat(&[top.clone(), sample(&missing, rng)], 1);
        let h = sample(&joint.hidden_probs(&visible), rng);
        missing = no_grad(|| joint.visible_probs(&h).narrow(1, known, width));
        if step >= c.burn_in {
            let h1 = sample(&text.second.visible_probs(&sample(&missing, rng)), rng);
            sum = no_grad(|| sum.add(&text.first.visible_probs(&h1)));
        }
    }
    no_grad(|| sum.scale(1.0 / c.samples.max(1) as f32))
}
// ANCHOR_END: tagging

/// How many distinct words the first `k` of every ranked list use between them.
pub(crate) fn distinct_top_words(ranked: &[Vec<usize>], k: usize) -> usize {
    let mut words: Vec<usize> = ranked.iter().flat_map(|r| r.iter().take(k).copied()).collect();
    words.sort_unstable();
    words.dedup();
    words.len()
}

/// The first scored test picture of each class, with both methods' three best words.
pub(crate) fn examples(
    data: &Prepared,
    scored: &[usize],
    model: &[Vec<usize>],
    neighbours: &[Vec<usize>],
    vocabulary: &[&str],
) -> Vec<TagExample> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    let side = data.original.len() / data.classes.len();
    let (h, w) = data.original_size;
    for (k, &i) in scored.iter().enumerate() {
        if seen.contains(&data.classes[i]) {
            continue;
        }
        seen.push(data.classes[i]);
        let words = |r: &[usize]| r.iter().take(3).map(|&w| vocabulary[w].to_string()).collect();
        out.push(TagExample {
            class: data.class_names.get(data.classes[i]).cloned().unwrap_or_default(),
            pixels: data.original[i * side..][..side].to_vec(),
            size: (h, w),
            input: data.pixels[i * data.width..][..data.width].to_vec(),
            title: data.titles[i].clone(),
            model: words(&model[k]),
            neighbours: words(&neighbours[k]),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_at_5_by_hand() {
        // Ranked [3, 1, 4, 0, 2, 5] against {1, 2}: two of the top five are right.
        assert_eq!(precision_at_5(&[vec![3, 1, 4, 0, 2, 5]], &[vec![1, 2]]), 0.4);
        assert_eq!(rank_words(&[0.1, 0.9, 0.5]), vec![1, 2, 0]);
        assert_eq!(distinct_top_words(&[vec![3, 1, 4], vec![1, 3, 5], vec![2, 0, 9]], 2), 4);
    }
}

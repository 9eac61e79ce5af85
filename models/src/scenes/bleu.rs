//! SPEC section 8.1: corpus BLEU from its definition (Papineni et al. 2002). Modified
//! (clipped) n-gram precision summed over the corpus, a brevity penalty against the
//! closest reference length, the geometric mean of p_1 .. p_N. No smoothing. This is
//! NLTK's `corpus_bleu` with default options, except that NLTK counts a candidate too
//! short to have an n-gram as 1 in p_n's denominator, where the definition counts 0.

use std::collections::HashMap;
use std::hash::Hash;

/// Corpus BLEU and the quantities it is made of.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Bleu {
    /// BLEU-1 .. BLEU-4 (cumulative, uniform weights).
    pub bleu: [f64; 4],
    /// Modified n-gram precisions p_1 .. p_4 (0 when there is no candidate n-gram).
    pub precision: [f64; 4],
    /// Brevity penalty.
    pub brevity_penalty: f64,
    /// Candidate length c, summed over the corpus.
    pub candidate_length: usize,
    /// Reference length r: per sentence the reference closest to the candidate's length.
    pub reference_length: usize,
}

fn ngram_counts<T: Eq + Hash>(tokens: &[T], n: usize) -> HashMap<&[T], usize> {
    let mut counts = HashMap::new();
    for gram in tokens.windows(n) {
        *counts.entry(gram).or_insert(0) += 1;
    }
    counts
}

// ANCHOR: corpus_bleu
/// Corpus BLEU of `candidates[s]` against the reference set `references[s]`.
#[track_caller]
pub fn corpus_bleu<T: Eq + Hash>(candidates: &[Vec<T>], references: &[Vec<Vec<T>>]) -> Bleu {
    assert_eq!(
        candidates.len(),
        references.len(),
        "corpus_bleu: {} candidates but {} reference sets",
        candidates.len(),
        references.len()
    );
    let (mut clipped, mut total) = ([0usize; 4], [0usize; 4]);
    let (mut c, mut r) = (0, 0);
    for (candidate, refs) in candidates.iter().zip(references) {
        assert!(!refs.is_empty(), "corpus_bleu: a sentence has no reference");
        for n in 1..=4 {
            let counts = ngram_counts(candidate, n);
            let ref_counts: Vec<_> = refs.iter().map(|reference| ngram_counts(reference, n)).collect();
            for (gram, count) in counts {
                let most = ref_counts.iter().map(|rc| rc.get(gram).copied().unwrap_or(0)).max().unwrap_or(0);
                clipped[n - 1] += count.min(most);
            }
            total[n - 1] += (candidate.len() + 1).saturating_sub(n);
        }
        c += candidate.len();
        // The closest reference length; on a tie the shorter.
        r +=
            refs.iter().map(|x| x.len()).min_by_key(|&len| (len.abs_diff(candidate.len()), len)).unwrap_or(0);
    }
    let precision =
        std::array::from_fn(|n| if total[n] == 0 { 0.0 } else { clipped[n] as f64 / total[n] as f64 });
    let brevity_penalty = match c {
        0 => 0.0,
        c if c > r => 1.0,
        c => (1.0 - r as f64 / c as f64).exp(),
    };
    let bleu = std::array::from_fn(|big_n| {
        let ps = &precision[..=big_n];
        if ps.contains(&0.0) {
            return 0.0;
        }
        brevity_penalty * (ps.iter().map(|p| p.ln()).sum::<f64>() / ps.len() as f64).exp()
    });
    Bleu { bleu, precision, brevity_penalty, candidate_length: c, reference_length: r }
}
// ANCHOR_END: corpus_bleu

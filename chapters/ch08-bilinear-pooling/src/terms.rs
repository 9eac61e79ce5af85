//! The label's terms and the tensor's blocks. The generator's latent sentiment y*
//! (chapter 7's equation, `models/src/toymosi/generate.rs`) expanded into a sum of
//! products, each of hidden factors that one modality carries: the text polarity P
//! (text), the arousal a and the voice tone (audio), the facial valence and the
//! eye-roll r (video). A term that multiplies factors of k modalities needs the
//! tensor's block of those k modalities.

use models::toymosi::{Knobs, Modality, ToyMosi, mean_sd};
use serde::{Deserialize, Serialize};

use Modality::{Audio as A, Text as T, Video as V};

/// One term of y*: a coefficient (from the generator's knobs) times a product of
/// hidden factors.
pub struct LabelTerm {
    /// The product, as the page prints it ("a · P").
    pub name: &'static str,
    /// Its coefficient.
    pub coefficient: f64,
    /// The knobs the coefficient is made of, as the page prints them.
    pub from: &'static str,
    /// The modalities whose factors it multiplies.
    pub modalities: Vec<Modality>,
    /// The product of the factors for one utterance, without the coefficient.
    pub factors: fn(&models::toymosi::Utterance) -> f64,
}

/// y* = w_t (g_T P - 2 s P+) + w_a tone + w_v g_V face - w_roll r + offset + noise,
/// with g_T = 1 + λ k_ta a, g_V = 1 + λ k_av a and s = λ r (b_tv + b_tav (1 - a) / 2),
/// multiplied out. (The generator caps s at 1, which binds only when
/// λ (b_tv + b_tav) > 1; `label_terms` refuses such knobs.)
pub fn label_terms(k: &Knobs) -> Vec<LabelTerm> {
    let l = k.lambda_int;
    let r = |u: &models::toymosi::Utterance| f64::from(u8::from(u.eye_roll));
    vec![
        LabelTerm {
            name: "P",
            coefficient: k.w_t,
            from: "w_t",
            modalities: vec![T],
            factors: |u| u.polarity,
        },
        LabelTerm { name: "tone", coefficient: k.w_a, from: "w_a", modalities: vec![A], factors: |u| u.tone },
        LabelTerm { name: "face", coefficient: k.w_v, from: "w_v", modalities: vec![V], factors: |u| u.face },
        LabelTerm { name: "r", coefficient: -k.w_roll, from: "-w_roll", modalities: vec![V], factors: r },
        LabelTerm {
            name: "a · P",
            coefficient: k.w_t * l * k.k_ta,
            from: "w_t λ k_ta",
            modalities: vec![T, A],
            factors: |u| u.arousal * u.polarity,
        },
        LabelTerm {
            name: "a · face",
            coefficient: k.w_v * l * k.k_av,
            from: "w_v λ k_av",
            modalities: vec![A, V],
            factors: |u| u.arousal * u.face,
        },
        LabelTerm {
            name: "r · P+",
            coefficient: -k.w_t * l * (2.0 * k.b_tv + k.b_tav),
            from: "-w_t λ (2 b_tv + b_tav)",
            modalities: vec![T, V],
            factors: |u| f64::from(u8::from(u.eye_roll)) * u.polarity.max(0.0),
        },
        LabelTerm {
            name: "a · r · P+",
            coefficient: k.w_t * l * k.b_tav,
            from: "w_t λ b_tav",
            modalities: vec![T, A, V],
            factors: |u| u.arousal * f64::from(u8::from(u.eye_roll)) * u.polarity.max(0.0),
        },
    ]
}

/// Whether the expansion is exact for `k`: the cap on the sarcasm strength never binds.
pub fn expansion_is_exact(k: &Knobs) -> bool {
    k.lambda_int * (k.b_tv + k.b_tav) <= 1.0
}

/// For each entry of the flattened tensor of projections `dims` (modalities in
/// order), the positions of the modalities whose index is not on the appended 1: the
/// block the entry belongs to.
pub fn entry_blocks(dims: &[usize]) -> Vec<Vec<usize>> {
    let mut blocks = vec![vec![]];
    for (m, &d) in dims.iter().enumerate() {
        blocks = blocks
            .iter()
            .flat_map(|b: &Vec<usize>| {
                (0..=d).map(move |i| {
                    let mut b = b.clone();
                    if i < d {
                        b.push(m);
                    }
                    b
                })
            })
            .collect();
    }
    blocks
}

/// A block's name: "T × A", or "constant" for the empty one.
pub fn block_name(modalities: &[Modality]) -> String {
    if modalities.is_empty() {
        return "constant".to_string();
    }
    modalities.iter().map(|m| m.letter()).collect::<Vec<_>>().join(" × ")
}

/// One row of the page's table of terms.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct TermRow {
    /// The product of factors ("a · P"); "the rest (speaker offset, noise)" for what
    /// no term explains.
    pub term: String,
    /// The knobs the coefficient is made of.
    pub from: String,
    /// The coefficient (None for the rest).
    pub coefficient: Option<f64>,
    /// The modalities it multiplies (empty for the rest).
    pub modalities: Vec<Modality>,
    /// Entries of the T+A+V tensor in the block it needs (0 for the rest).
    pub entries: usize,
    /// Standard deviation over the utterances of the term (coefficient included).
    pub sd: f64,
}

/// The table of terms for dataset `data`: each term's block and its spread over the
/// utterances, and a last row for what the terms leave of y* (the speaker offset and
/// the noise, which no modality shows).
pub fn term_rows(data: &ToyMosi, dims: &[usize]) -> Vec<TermRow> {
    let terms = label_terms(&data.knobs);
    let blocks = entry_blocks(dims);
    let mut rows = Vec::new();
    let mut rest: Vec<f64> = data.utterances.iter().map(|u| u.y_star).collect();
    for t in &terms {
        let values: Vec<f64> = data.utterances.iter().map(|u| t.coefficient * (t.factors)(u)).collect();
        for (r, v) in rest.iter_mut().zip(&values) {
            *r -= v;
        }
        let positions: Vec<usize> =
            t.modalities.iter().filter_map(|m| Modality::ALL.iter().position(|x| x == m)).collect();
        rows.push(TermRow {
            term: t.name.to_string(),
            from: t.from.to_string(),
            coefficient: Some(t.coefficient),
            modalities: t.modalities.clone(),
            entries: blocks.iter().filter(|b| **b == positions).count(),
            sd: mean_sd(&values).1,
        });
    }
    rows.push(TermRow {
        term: "the rest (speaker offset, noise)".to_string(),
        from: "-".to_string(),
        coefficient: None,
        modalities: vec![],
        entries: 0,
        sd: mean_sd(&rest).1,
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use models::fusion::entry_orders;
    use models::toymosi::generate;

    #[test]
    fn blocks_agree_with_the_orders_and_count_powers_of_the_width() {
        let dims = [8, 8, 8];
        let blocks = entry_blocks(&dims);
        let orders = entry_orders(&dims);
        assert_eq!(blocks.len(), 729);
        assert!(blocks.iter().zip(&orders).all(|(b, &o)| b.len() == o));
        assert_eq!(blocks.iter().filter(|b| **b == vec![0, 2]).count(), 64);
        assert_eq!(blocks.iter().filter(|b| b.len() == 3).count(), 512);
        assert_eq!(blocks.last(), Some(&vec![]));
    }

    #[test]
    fn the_terms_rebuild_the_generators_label() {
        // What the terms leave of y* is the speaker offset plus the noise: about
        // sqrt(0.2^2 + 0.2^2) = 0.28 wide, where one wrong coefficient would add the
        // spread of its term.
        let knobs = Knobs { n_speakers: 24, split_speakers: (14, 3, 7), ..Knobs::default() };
        assert!(expansion_is_exact(&knobs));
        let data = generate(&knobs, 3).unwrap();
        let rows = term_rows(&data, &[8, 8, 8]);
        let rest = rows.last().unwrap();
        let expected = (knobs.s_spk_label.powi(2) + knobs.s_utt.powi(2)).sqrt();
        assert!((rest.sd - expected).abs() < 0.05, "rest sd {} against {expected}", rest.sd);
        // Every term moves y* by more than the check can miss.
        assert!(rows[..rows.len() - 1].iter().all(|r| r.sd > 0.1), "{rows:?}");
        // The sarcasm strength the terms imply is the generator's.
        for u in &data.utterances {
            let r = f64::from(u8::from(u.eye_roll));
            let s = r * (knobs.b_tv + knobs.b_tav * (1.0 - u.arousal) / 2.0);
            assert!((s - u.sigma).abs() < 1e-9);
        }
    }
}

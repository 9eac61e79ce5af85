//! The sampling procedure of SPEC section 4, in its order: vocabulary and embeddings,
//! speakers, then per utterance the words and text polarity, the non-verbal latents,
//! the audio and video frames, the label; then the summaries and the split.

use autograd::{Rng, seeded_rng};
use rand::RngExt;
use rand::seq::SliceRandom;
use rand_distr::{Beta, Distribution, StandardNormal};

use super::vocabulary::{FILLERS, INTENSIFIERS, NEGATIVE, NEGATORS, POSITIVE, valence};
use super::{KnobError, Knobs};

/// Text embedding size.
pub const D_TEXT: usize = 32;
/// Audio channels per word.
pub const D_AUDIO: usize = 12;
/// Video channels per word.
pub const D_VIDEO: usize = 12;

/// Which split an utterance's speaker belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// Training speakers.
    Train,
    /// Validation speakers (early stopping).
    Valid,
    /// Test speakers.
    Test,
}

/// One utterance: its words, the three feature sequences, their means, the ratings and
/// the label, and the latents that made them (for analysis only, never model inputs).
#[derive(Clone, Debug)]
pub struct Utterance {
    /// speaker * utt_per_speaker + u.
    pub id: usize,
    /// Its speaker.
    pub speaker: usize,
    /// Its speaker's split.
    pub split: Split,
    /// Word ids (L of them).
    pub tokens: Vec<usize>,
    /// (L, 32) word embeddings, row-major.
    pub text: Vec<f32>,
    /// (L, 12) audio frames.
    pub audio: Vec<f32>,
    /// (L, 12) video frames.
    pub video: Vec<f32>,
    /// Mean of the text rows.
    pub text_mean: Vec<f32>,
    /// Mean of the audio rows.
    pub audio_mean: Vec<f32>,
    /// Mean of the video rows.
    pub video_mean: Vec<f32>,
    /// The annotators' integer ratings.
    pub ratings: Vec<i32>,
    /// The label y: the mean rating, a multiple of 1/K in [-3, 3].
    pub label: f64,
    /// Sentiment words in the utterance.
    pub sentiment_words: usize,
    /// Text polarity P.
    pub polarity: f64,
    /// Arousal a in [-1, 1).
    pub arousal: f64,
    /// Voice tone in [-1, 1].
    pub tone: f64,
    /// Facial valence in [-1, 1].
    pub face: f64,
    /// Whether the speaker rolls their eyes.
    pub eye_roll: bool,
    /// Sarcasm strength sigma.
    pub sigma: f64,
    /// Prosody gain on the text g_T.
    pub g_t: f64,
    /// The noisy latent sentiment y* the annotators perceive.
    pub y_star: f64,
}

impl Utterance {
    /// Words in the utterance (L).
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// True for an utterance without words (never generated).
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// An eye-roll on positive words (r = 1 and P > 0): the "sarcasm subset".
    pub fn sarcastic(&self) -> bool {
        self.eye_roll && self.polarity > 0.0
    }
}

/// A generated dataset.
#[derive(Clone, Debug)]
pub struct ToyMosi {
    /// The knobs it was made with.
    pub knobs: Knobs,
    /// The seed it was made with.
    pub seed: u64,
    /// (160, 32) word embeddings E.
    pub embeddings: Vec<f32>,
    /// Every utterance, in id order.
    pub utterances: Vec<Utterance>,
}

impl ToyMosi {
    /// Ids of the utterances in `split`.
    pub fn ids(&self, split: Split) -> Vec<usize> {
        self.utterances.iter().filter(|u| u.split == split).map(|u| u.id).collect()
    }
}

fn normal(rng: &mut Rng) -> f64 {
    StandardNormal.sample(rng)
}

fn choice(range: std::ops::Range<usize>, rng: &mut Rng) -> usize {
    rng.random_range(range)
}

/// Generate the dataset of `knobs` and `seed` (SPEC section 4, in its order).
pub fn generate(knobs: &Knobs, seed: u64) -> Result<ToyMosi, KnobError> {
    knobs.validate()?;
    let k = knobs;
    let mut rng = seeded_rng(seed);
    // 4.1 Embeddings: the random part row by row, then the loadings.
    let mut e = vec![0f64; 160 * D_TEXT];
    for v in e.iter_mut() {
        *v = k.s_emb * normal(&mut rng);
    }
    for w in 0..160 {
        e[w * D_TEXT] += k.g_pol * valence(w) / 3.0;
        e[w * D_TEXT + 1] += k.g_sent * f64::from(u8::from(valence(w) != 0.0));
        e[w * D_TEXT + 2] += k.g_neg * f64::from(u8::from(NEGATORS.contains(&w)));
        e[w * D_TEXT + 3] += k.g_int * f64::from(u8::from(INTENSIFIERS.contains(&w)));
    }
    // 4.2 Speakers: label offsets, then audio offsets, then video offsets.
    let s = k.n_speakers;
    let offsets: Vec<f64> = (0..s).map(|_| k.s_spk_label * normal(&mut rng)).collect();
    let mu_a: Vec<f64> = (0..s * D_AUDIO).map(|_| k.s_spk_audio * normal(&mut rng)).collect();
    let mu_v: Vec<f64> = (0..s * D_VIDEO).map(|_| k.s_spk_video * normal(&mut rng)).collect();
    let lean = Beta::new(k.lean_pos, k.lean_neg).map_err(|_| KnobError {
        knob: "lean_pos, lean_neg",
        value: format!("{}, {}", k.lean_pos, k.lean_neg),
        rule: "must be valid Beta parameters",
    })?;
    let mut utterances = Vec::with_capacity(s * k.utt_per_speaker);
    for (speaker, &offset) in offsets.iter().enumerate() {
        for u in 0..k.utt_per_speaker {
            let id = speaker * k.utt_per_speaker + u;
            let ctx = Speaker { index: speaker, offset, mu_a: &mu_a, mu_v: &mu_v };
            utterances.push(utterance(k, id, &ctx, &e, &lean, &mut rng));
        }
    }
    // 4.9 The speaker-disjoint split: a Fisher-Yates permutation of the speakers.
    let mut order: Vec<usize> = (0..s).collect();
    order.shuffle(&mut rng);
    let mut split = vec![Split::Train; s];
    let (tr, va, _) = k.split_speakers;
    for (rank, &speaker) in order.iter().enumerate() {
        split[speaker] = if rank < tr {
            Split::Train
        } else if rank < tr + va {
            Split::Valid
        } else {
            Split::Test
        };
    }
    for u in utterances.iter_mut() {
        u.split = split[u.speaker];
    }
    Ok(ToyMosi { knobs: k.clone(), seed, embeddings: e.iter().map(|&v| v as f32).collect(), utterances })
}

struct Speaker<'a> {
    index: usize,
    offset: f64,
    mu_a: &'a [f64],
    mu_v: &'a [f64],
}

/// Sections 4.3 to 4.8 for one utterance.
fn utterance(k: &Knobs, id: usize, spk: &Speaker, e: &[f64], lean: &Beta<f64>, rng: &mut Rng) -> Utterance {
    // 4.3 Words and text polarity.
    let length = rng.random_range(k.len_min..=k.len_max);
    let lean: f64 = lean.sample(rng);
    let (mut tokens, mut positions, mut modifiers) = (Vec::new(), Vec::new(), Vec::new());
    while tokens.len() < length {
        if rng.random::<f64>() < k.p_phrase {
            let has_neg = rng.random::<f64>() < k.p_neg;
            let has_int = rng.random::<f64>() < k.p_int;
            if tokens.len() + 1 + usize::from(has_neg) + usize::from(has_int) > length {
                tokens.push(choice(FILLERS, rng));
                continue;
            }
            let mut m = 1.0;
            if has_neg {
                tokens.push(choice(NEGATORS, rng));
                m *= -k.eta_neg;
            }
            if has_int {
                tokens.push(choice(INTENSIFIERS, rng));
                m *= k.mu_int;
            }
            let w = if rng.random::<f64>() < lean { choice(POSITIVE, rng) } else { choice(NEGATIVE, rng) };
            positions.push(tokens.len());
            modifiers.push(m);
            tokens.push(w);
        } else {
            tokens.push(choice(FILLERS, rng));
        }
    }
    if positions.is_empty() {
        let j = rng.random_range(0..length);
        let w = if rng.random::<f64>() < lean { choice(POSITIVE, rng) } else { choice(NEGATIVE, rng) };
        tokens[j] = w;
        positions = vec![j];
        modifiers = vec![1.0];
    }
    let sum: f64 = positions.iter().zip(&modifiers).map(|(&p, m)| m * valence(tokens[p])).sum();
    let p = (k.c_pol * sum / length as f64).clamp(-3.0, 3.0);
    // 4.4 Non-verbal latents.
    let a = rng.random_range(-1.0..1.0);
    let tone = (k.rho_tone * p / 3.0 + k.s_tone * normal(rng)).clamp(-1.0, 1.0);
    let face = (k.rho_face * p / 3.0 + k.s_face * normal(rng)).clamp(-1.0, 1.0);
    let (smile, frown) = (face.max(0.0), (-face).max(0.0));
    let roll = rng.random::<f64>() < if p > 0.0 { k.q_roll } else { k.q_roll_neg };
    // 4.5 Audio frames: noise and speaker offset, then the latents' loadings.
    let mut audio = vec![0f64; length * D_AUDIO];
    for (i, v) in audio.iter_mut().enumerate() {
        *v = spk.mu_a[spk.index * D_AUDIO + i % D_AUDIO] + k.s_audio * normal(rng);
    }
    let audio_load = [
        k.g_aro * a,
        0.5 * k.g_aro * a,
        k.g_aro * a,
        0.5 * k.g_aro * a,
        k.g_tone * tone,
        0.5 * k.g_tone * tone,
    ];
    // 4.6 Video frames, and the eye-roll window after the first positive word.
    let mut video = vec![0f64; length * D_VIDEO];
    for (i, v) in video.iter_mut().enumerate() {
        *v = spk.mu_v[spk.index * D_VIDEO + i % D_VIDEO] + k.s_video * normal(rng);
    }
    let face_load = [k.g_face * smile, 0.5 * k.g_face * smile, k.g_face * frown, 0.5 * k.g_face * frown];
    let window = if roll {
        let wl = 2usize.max((k.roll_frac * length as f64 + 1e-9).floor() as usize);
        let first_positive = positions.iter().find(|&&q| valence(tokens[q]) > 0.0);
        let start = match first_positive {
            Some(&q) => q + 1,
            None => rng.random_range(0..length),
        };
        let start = start.min(length - wl);
        start..start + wl
    } else {
        0..0
    };
    for j in 0..length {
        for (c, add) in audio_load.iter().enumerate() {
            audio[j * D_AUDIO + c] += add;
        }
        for (c, add) in face_load.iter().enumerate() {
            video[j * D_VIDEO + c] += add;
        }
        if window.contains(&j) {
            video[j * D_VIDEO + 4] += k.g_roll;
            video[j * D_VIDEO + 5] += 0.5 * k.g_roll;
        }
    }
    // ANCHOR: label
    // 4.7 The label: text scaled by prosody, minus the sarcastic reversal; tone; the
    // face scaled by prosody; the eye-roll itself; speaker offset and noise. Then K
    // annotators each round a noisy copy, and the label is their mean.
    let r = f64::from(u8::from(roll));
    let phi = (1.0 - a) / 2.0;
    let sigma = (r * k.lambda_int * (k.b_tv + k.b_tav * phi)).min(1.0);
    let g_t = 1.0 + k.lambda_int * k.k_ta * a;
    let g_v = 1.0 + k.lambda_int * k.k_av * a;
    let y_star = k.w_t * (g_t * p - 2.0 * sigma * p.max(0.0)) + k.w_a * tone + k.w_v * g_v * face
        - k.w_roll * r
        + spk.offset
        + k.s_utt * normal(rng);
    let ratings: Vec<i32> =
        (0..k.n_ann).map(|_| (y_star + k.s_ann * normal(rng)).round().clamp(-3.0, 3.0) as i32).collect();
    let label = ratings.iter().map(|&v| f64::from(v)).sum::<f64>() / ratings.len() as f64;
    // ANCHOR_END: label
    // 4.8 The summaries.
    let mean = |rows: &[f64], width: usize| -> Vec<f32> {
        (0..width).map(|c| (rows.iter().skip(c).step_by(width).sum::<f64>() / length as f64) as f32).collect()
    };
    let text: Vec<f64> =
        tokens.iter().flat_map(|&w| e[w * D_TEXT..(w + 1) * D_TEXT].iter().copied()).collect();
    Utterance {
        id,
        speaker: spk.index,
        split: Split::Train,
        text_mean: mean(&text, D_TEXT),
        audio_mean: mean(&audio, D_AUDIO),
        video_mean: mean(&video, D_VIDEO),
        text: text.iter().map(|&v| v as f32).collect(),
        audio: audio.iter().map(|&v| v as f32).collect(),
        video: video.iter().map(|&v| v as f32).collect(),
        sentiment_words: positions.len(),
        tokens,
        ratings,
        label,
        polarity: p,
        arousal: a,
        tone,
        face,
        eye_roll: roll,
        sigma,
        g_t,
        y_star,
    }
}

//! Toy MOSI: a synthetic trimodal sentiment dataset whose label is an explicit function
//! of unimodal, bimodal and trimodal factors (`SPEC.md` beside this file, v1.0). It has
//! the shape of CMU-MOSI (2,200 opinion utterances, speaker-disjoint splits,
//! word-aligned text, audio and video features, a sentiment label in [-3, 3]), so the
//! lecture's claims about fusion become measurable: text is the strongest single
//! modality; an eye-roll on positive words reverses them when the delivery is flat
//! (text x audio x video), which no additive model can represent.
//!
//! `Knobs` holds every knob of SPEC section 3 with its default; `generate` follows the
//! sampling order of section 4; `stats` computes the validation statistics of section 9.

mod export;
mod generate;
mod metrics;
mod stats;
mod vocabulary;

pub use export::{Exported, export_csv, export_layout, export_seed};
pub use generate::{D_AUDIO, D_TEXT, D_VIDEO, Split, ToyMosi, Utterance, generate};
pub use metrics::{SentimentScores, mean_sd, sarcasm_split, sentiment_scores, within_tolerance};
pub use stats::{GeneratorStats, REFERENCE, linear_r2, pearson};
pub use vocabulary::{VOCABULARY, valence};

/// One of the three modalities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Modality {
    /// Text: word embeddings.
    Text,
    /// Audio: COVAREP-like channels.
    Audio,
    /// Video: FACET-like channels.
    Video,
}

impl Modality {
    /// All three, in the order T, A, V.
    pub const ALL: [Modality; 3] = [Modality::Text, Modality::Audio, Modality::Video];

    /// The letter tables use.
    pub fn letter(self) -> &'static str {
        match self {
            Modality::Text => "T",
            Modality::Audio => "A",
            Modality::Video => "V",
        }
    }

    /// Width of the summary.
    pub fn width(self) -> usize {
        match self {
            Modality::Text => D_TEXT,
            Modality::Audio => D_AUDIO,
            Modality::Video => D_VIDEO,
        }
    }

    /// The utterance's word-aligned sequence of this modality, (L, width) row-major.
    pub fn sequence(self, u: &Utterance) -> &[f32] {
        match self {
            Modality::Text => &u.text,
            Modality::Audio => &u.audio,
            Modality::Video => &u.video,
        }
    }

    /// The utterance's summary (mean over words) of this modality.
    pub fn summary(self, u: &Utterance) -> &[f32] {
        match self {
            Modality::Text => &u.text_mean,
            Modality::Audio => &u.audio_mean,
            Modality::Video => &u.video_mean,
        }
    }
}

/// Every knob of the generator (SPEC section 3), with the reference defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct Knobs {
    /// Speakers (S).
    pub n_speakers: usize,
    /// Utterances per speaker (U).
    pub utt_per_speaker: usize,
    /// Speakers in train, valid, test (must add up to `n_speakers`).
    pub split_speakers: (usize, usize, usize),
    /// Shortest utterance, in words.
    pub len_min: usize,
    /// Longest utterance, in words.
    pub len_max: usize,
    /// Polarity loading of an embedding (dimension 0).
    pub g_pol: f64,
    /// "Is a sentiment word" loading (dimension 1).
    pub g_sent: f64,
    /// "Is a negator" loading (dimension 2).
    pub g_neg: f64,
    /// "Is an intensifier" loading (dimension 3).
    pub g_int: f64,
    /// Std of the random part of every embedding.
    pub s_emb: f64,
    /// Beta(lean_pos, lean_neg): the probability that a sentiment word is positive.
    pub lean_pos: f64,
    /// See `lean_pos`.
    pub lean_neg: f64,
    /// Probability that a slot starts a sentiment phrase.
    pub p_phrase: f64,
    /// Probability that a sentiment phrase is negated.
    pub p_neg: f64,
    /// Probability that a sentiment phrase is intensified.
    pub p_int: f64,
    /// Negation multiplies the word's valence by -eta_neg.
    pub eta_neg: f64,
    /// Intensification multiplies the word's valence by mu_int.
    pub mu_int: f64,
    /// Scale of the text polarity.
    pub c_pol: f64,
    /// Loading of arousal on the prosody channels.
    pub g_aro: f64,
    /// Loading of voice tone on the voice-quality channels.
    pub g_tone: f64,
    /// Per-word, per-channel audio noise std.
    pub s_audio: f64,
    /// Per-speaker, per-channel audio offset std.
    pub s_spk_audio: f64,
    /// Std of the voice-tone latent before clipping.
    pub s_tone: f64,
    /// Coupling of voice tone to text polarity (redundancy).
    pub rho_tone: f64,
    /// Loading of smile / frown intensity.
    pub g_face: f64,
    /// Per-word, per-channel video noise std.
    pub s_video: f64,
    /// Per-speaker, per-channel video offset std.
    pub s_spk_video: f64,
    /// Std of the facial-valence latent before clipping.
    pub s_face: f64,
    /// Coupling of facial valence to text polarity (redundancy).
    pub rho_face: f64,
    /// P(eye-roll) when the text polarity is positive.
    pub q_roll: f64,
    /// P(eye-roll) when it is not.
    pub q_roll_neg: f64,
    /// Loading of an eye-roll on the gaze channel during the roll window.
    pub g_roll: f64,
    /// Roll window length = max(2, floor(roll_frac * L)) words.
    pub roll_frac: f64,
    /// Weight of the text term (T).
    pub w_t: f64,
    /// Weight of voice tone (A).
    pub w_a: f64,
    /// Weight of facial valence (V).
    pub w_v: f64,
    /// Additive penalty of an eye-roll (V).
    pub w_roll: f64,
    /// Prosody gain on the text, g_T = 1 + k_ta a (T x A).
    pub k_ta: f64,
    /// Prosody gain on the face, g_V = 1 + k_av a (A x V).
    pub k_av: f64,
    /// Sarcasm strength from the eye-roll alone (T x V).
    pub b_tv: f64,
    /// Extra sarcasm strength under flat prosody (T x A x V).
    pub b_tav: f64,
    /// Master switch multiplying k_ta, k_av, b_tv and b_tav (0: a purely additive world).
    pub lambda_int: f64,
    /// Std of the per-speaker label offset.
    pub s_spk_label: f64,
    /// Std of the per-utterance label noise.
    pub s_utt: f64,
    /// Std of each annotator's perception noise.
    pub s_ann: f64,
    /// Annotators.
    pub n_ann: usize,
}

impl Default for Knobs {
    fn default() -> Knobs {
        Knobs {
            n_speakers: 88,
            utt_per_speaker: 25,
            split_speakers: (52, 9, 27),
            len_min: 8,
            len_max: 20,
            g_pol: 2.0,
            g_sent: 0.5,
            g_neg: 1.0,
            g_int: 1.0,
            s_emb: 0.15,
            lean_pos: 0.65,
            lean_neg: 0.35,
            p_phrase: 0.30,
            p_neg: 0.03,
            p_int: 0.15,
            eta_neg: 1.0,
            mu_int: 1.5,
            c_pol: 3.5,
            g_aro: 1.5,
            g_tone: 1.5,
            s_audio: 0.8,
            s_spk_audio: 0.1,
            s_tone: 0.6,
            rho_tone: 0.0,
            g_face: 2.0,
            s_video: 0.6,
            s_spk_video: 0.1,
            s_face: 0.6,
            rho_face: 0.0,
            q_roll: 0.30,
            q_roll_neg: 0.10,
            g_roll: 4.0,
            roll_frac: 0.3,
            w_t: 1.0,
            w_a: 0.5,
            w_v: 0.6,
            w_roll: 0.3,
            k_ta: 0.6,
            k_av: 0.6,
            b_tv: 0.4,
            b_tav: 0.6,
            lambda_int: 1.0,
            s_spk_label: 0.2,
            s_utt: 0.2,
            s_ann: 0.5,
            n_ann: 3,
        }
    }
}

/// A knob value the generator cannot use.
#[derive(Debug, Clone, PartialEq)]
pub struct KnobError {
    /// The knob's name, as in SPEC section 3.
    pub knob: &'static str,
    /// Its value, as written.
    pub value: String,
    /// What it must be.
    pub rule: &'static str,
}

impl std::fmt::Display for KnobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "toy MOSI knob `{}` = {}: {}", self.knob, self.value, self.rule)
    }
}

impl std::error::Error for KnobError {}

impl Knobs {
    /// Check every knob; the first bad one is named in the error.
    pub fn validate(&self) -> Result<(), KnobError> {
        let bad = |knob, value: String, rule| Err(KnobError { knob, value, rule });
        let (tr, va, te) = self.split_speakers;
        if self.n_speakers == 0 {
            return bad("n_speakers", self.n_speakers.to_string(), "must be at least 1");
        }
        if self.utt_per_speaker == 0 {
            return bad("utt_per_speaker", self.utt_per_speaker.to_string(), "must be at least 1");
        }
        if tr + va + te != self.n_speakers || tr == 0 || te == 0 {
            return bad(
                "split_speakers",
                format!("({tr}, {va}, {te})"),
                "must add up to n_speakers, with at least one training and one test speaker",
            );
        }
        if self.len_min < 2 || self.len_max < self.len_min {
            return bad(
                "len_min, len_max",
                format!("{}, {}", self.len_min, self.len_max),
                "need 2 <= len_min <= len_max (the roll window is at least 2 words)",
            );
        }
        if self.n_ann == 0 {
            return bad("n_ann", self.n_ann.to_string(), "must be at least 1");
        }
        let probabilities = [
            ("p_phrase", self.p_phrase),
            ("p_neg", self.p_neg),
            ("p_int", self.p_int),
            ("q_roll", self.q_roll),
            ("q_roll_neg", self.q_roll_neg),
            ("roll_frac", self.roll_frac),
        ];
        for (knob, v) in probabilities {
            if !(0.0..=1.0).contains(&v) {
                return bad(knob, v.to_string(), "is a probability (or fraction): it must lie in [0, 1]");
            }
        }
        for (knob, v) in [("lean_pos", self.lean_pos), ("lean_neg", self.lean_neg)] {
            if !(v > 0.0 && v.is_finite()) {
                return bad(knob, v.to_string(), "is a Beta parameter: it must be positive and finite");
            }
        }
        let scales = [
            ("s_emb", self.s_emb),
            ("s_audio", self.s_audio),
            ("s_spk_audio", self.s_spk_audio),
            ("s_tone", self.s_tone),
            ("s_video", self.s_video),
            ("s_spk_video", self.s_spk_video),
            ("s_face", self.s_face),
            ("s_spk_label", self.s_spk_label),
            ("s_utt", self.s_utt),
            ("s_ann", self.s_ann),
            ("lambda_int", self.lambda_int),
        ];
        for (knob, v) in scales {
            if !(v >= 0.0 && v.is_finite()) {
                return bad(knob, v.to_string(), "must be zero or positive, and finite");
            }
        }
        let finite = [
            ("g_pol", self.g_pol),
            ("g_sent", self.g_sent),
            ("g_neg", self.g_neg),
            ("g_int", self.g_int),
            ("eta_neg", self.eta_neg),
            ("mu_int", self.mu_int),
            ("c_pol", self.c_pol),
            ("g_aro", self.g_aro),
            ("g_tone", self.g_tone),
            ("rho_tone", self.rho_tone),
            ("g_face", self.g_face),
            ("rho_face", self.rho_face),
            ("g_roll", self.g_roll),
            ("w_T", self.w_t),
            ("w_A", self.w_a),
            ("w_V", self.w_v),
            ("w_roll", self.w_roll),
            ("k_TA", self.k_ta),
            ("k_AV", self.k_av),
            ("b_TV", self.b_tv),
            ("b_TAV", self.b_tav),
        ];
        for (knob, v) in finite {
            if !v.is_finite() {
                return bad(knob, v.to_string(), "must be a finite number");
            }
        }
        Ok(())
    }
}

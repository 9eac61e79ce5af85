//! The conclusions the chapter's page draws, computed from its report.

use kit::Claim;
use kit::claims::num;

use crate::{Alignment, CoordinatedRow, Pairing, Report};

const DATA: &str = "the-audio-visual-digits";
const JOINT: &str = "joint-one-code-from-both-inputs";
pub(crate) const FRESH: &str = "what-the-fixed-pairs-do";
pub(crate) const SWEEP: &str = "from-weak-to-strong-coordination";
pub(crate) const CCA: &str = "cca-the-classical-coordinated-space";
const FILL: &str = "filling-in-a-missing-modality";
const SIDE: &str = "the-four-desiderata-side-by-side";

/// The rows of one loss and pairing, in λ order.
pub(crate) fn sweep(r: &Report, alignment: Alignment, pairing: Pairing) -> Vec<&CoordinatedRow> {
    let mut rows: Vec<&CoordinatedRow> =
        r.coordinated.iter().filter(|c| c.alignment == alignment && c.pairing == pairing).collect();
    rows.sort_by(|a, b| a.lambda.total_cmp(&b.lambda));
    rows
}

/// 63978 as "63,978".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// λ as the page prints it.
pub fn lambda(l: f32) -> String {
    format!("{l}")
}

/// Every conclusion the page draws, computed from the report.
pub fn claims(r: &Report) -> Vec<Claim> {
    let mut out = data_claims(r);
    out.extend(joint_claims(r));
    out.extend(crate::coordination_claims::sweep_claims(r));
    out.extend(crate::coordination_claims::cca_claims(r));
    out.extend(fill_in_claims(r));
    out.extend(verdict_claims(r));
    out
}

fn data_claims(r: &Report) -> Vec<Claim> {
    let s = &r.settings;
    let best_r1 = r.coordinated.iter().map(|c| c.measured.r1).fold(r.joint.measured.r1, f64::max);
    let best_r10 = r.coordinated.iter().map(|c| c.measured.r10).fold(r.joint.measured.r10, f64::max);
    let raw = &r.raw;
    let noisy = if s.variant == "noisy" { "noisy " } else { "" };
    vec![
        Claim::observation(
            "partner_caps",
            DATA,
            best_r1 <= 2.0 * s.r1_cap && best_r10 <= 1.2 * s.r10_cap,
            format!(
                "A model that ranks every test item of the query's digit first, in random order within \
                 the digit, finds the exact partner first for {} of the queries (R@1) and in its top 10 \
                 for {} (R@10); no representation can do better, since nothing but the digit links a \
                 pair. The best of this chapter's models reach R@1 = {} and R@10 = {}{}.",
                num(s.r1_cap),
                num(s.r10_cap),
                num(best_r1),
                num(best_r10),
                if best_r1 <= 2.0 * s.r1_cap && best_r10 <= 1.2 * s.r10_cap {
                    ", at the cap, so the page measures retrieval by label instead: precision@10 is the share \
                     of the top 10 that show the query's digit"
                } else {
                    ": above the cap, which would mean the test pairs leak more than their digit"
                }
            ),
        )
        .with("R@1 cap", s.r1_cap)
        .with("R@10 cap", s.r10_cap)
        .with("best R@1", best_r1)
        .with("best R@10", best_r10),
        Claim::observation(
            "each_modality_imperfect",
            DATA,
            raw.image < 0.9 && raw.audio < 0.9 && raw.concatenated > raw.image.max(raw.audio) + 0.05,
            format!(
                "Softmax regression on the raw inputs classifies {} of the test digits from the {}image alone, \
                 {} from the {}spectrogram alone and {} from both concatenated: {}.",
                num(raw.image),
                noisy,
                num(raw.audio),
                noisy,
                num(raw.concatenated),
                if raw.concatenated > raw.image.max(raw.audio) + 0.05 {
                    "each modality is informative but imperfect, and together they are far better than either"
                } else {
                    "together they are not much better than the better one alone"
                }
            ),
        )
        .with("image alone", raw.image)
        .with("audio alone", raw.audio)
        .with("concatenated", raw.concatenated),
    ]
}

fn joint_claims(r: &Report) -> Vec<Claim> {
    let j = &r.joint;
    let best_single = j.image_only.max(j.audio_only);
    let gain = j.both - best_single;
    vec![
        Claim::required(
            "joint_both",
            JOINT,
            j.both >= 0.93,
            format!(
                "With both modalities the joint model classifies {} of the test pairs correctly (bar 0.93).",
                num(j.both)
            ),
        )
        .with("test accuracy, both", j.both),
        Claim::required(
            "joint_missing",
            JOINT,
            j.image_only >= 0.68 && j.audio_only >= 0.74,
            format!(
                "With the audio zeroed it still gets {} (bar 0.68), and with the image zeroed {} (bar 0.74): \
                 a joint representation can be computed with a modality missing, by feeding the training \
                 mean in its place, at a cost.",
                num(j.image_only),
                num(j.audio_only)
            ),
        )
        .with("image only", j.image_only)
        .with("audio only", j.audio_only),
        Claim::required(
            "joint_gain",
            JOINT,
            gain >= 0.10,
            format!("Both together beat the better single modality by {} (bar 0.10).", num(gain)),
        )
        .with("both - best single", gain),
        Claim::observation(
            "joint_vs_raw",
            JOINT,
            j.both > r.raw.concatenated,
            format!(
                "The joint MLP's {} is {} softmax regression on the raw concatenation ({}): {}",
                num(j.both),
                if j.both > r.raw.concatenated { "above" } else { "not above" },
                num(r.raw.concatenated),
                if j.both > r.raw.concatenated {
                    "the learned representation adds something a linear model of the inputs lacks.".to_string()
                } else {
                    format!(
                        "on these data a learned joint representation is not the best fusion; the digits are \
                         nearly linearly separable once both modalities are present, and {} training pairs give \
                         a {}-parameter encoder little to gain.",
                        r.settings.train,
                        thousands(j.parameters)
                    )
                }
            ),
        )
        .with("joint MLP", j.both)
        .with("raw concatenation, softmax regression", r.raw.concatenated),
    ]
}

fn fill_in_claims(r: &Report) -> Vec<Claim> {
    let f = &r.fill_in;
    let ordered = f.global_mean > f.regression && f.regression >= f.class_mean_oracle;
    vec![
        Claim::observation(
            "fill_in_class_mean",
            FILL,
            ordered,
            format!(
                "Predicting every spectrogram as the training mean gives a squared error of {} per cell; the \
                 regression MLP gets {}, mixing the digits' mean spectrograms by an image classifier's \
                 probabilities {}, and the true digit's mean spectrogram (an oracle) {}. {}{}",
                num(f.global_mean),
                num(f.regression),
                num(f.posterior_mix),
                num(f.class_mean_oracle),
                if ordered {
                    "The regression lands between the two baselines: all it can learn from an image is which \
                     digit it shows, so the best it can do is the oracle's class mean."
                } else {
                    "The regression does not land between the two baselines here."
                },
                if f.posterior_mix < f.regression {
                    " It does not reach the mix either: it has to find the digit through targets that are \
                     mostly noise, where the classifier behind the mix is told the digit."
                } else {
                    ""
                }
            ),
        )
        .with("global mean", f.global_mean)
        .with("regression", f.regression)
        .with("posterior mix", f.posterior_mix)
        .with("class-mean oracle", f.class_mean_oracle),
        Claim::observation(
            "sample_vs_mean",
            FILL,
            f.random_same_digit > 1.5 * f.class_mean_oracle,
            format!(
                "A real utterance of the right digit, drawn at random, is off by {} per cell, {} the class \
                 mean's {}: a sharp, plausible spectrogram scores worse in squared error than a blurred \
                 average, which is why regression on random pairs produces blur.",
                num(f.random_same_digit),
                kit::claims::times(f.random_same_digit / f.class_mean_oracle.max(1e-9)),
                num(f.class_mean_oracle)
            ),
        )
        .with("random same-digit utterance", f.random_same_digit)
        .with("class mean", f.class_mean_oracle),
    ]
}

fn verdict_claims(r: &Report) -> Vec<Claim> {
    let margin = sweep(r, Alignment::Margin, Pairing::Fresh);
    let Some(strong) = margin.last() else { return vec![] };
    let j = &r.joint;
    let s = &strong.measured;
    let coordinated_retrieves = s.p10 > j.measured.p10;
    let joint_fuses = j.both > strong.both_heads_accuracy;
    vec![
        Claim::observation(
            "verdict",
            SIDE,
            coordinated_retrieves && joint_fuses,
            format!(
                "Desideratum 1 (similarity across modalities): strongly coordinated codes (margin, λ = {}) give \
                 precision@10 {}, the joint model's single-modality codes {}. Desideratum 2 (fusion): the joint \
                 model's {} {} the coordinated model's two classifiers averaged ({}). Desideratum 3 (a modality \
                 missing): coordinated codes need only their own input ({} image, {} audio through their own \
                 classifiers), the joint model substitutes the mean ({} and {}). Desideratum 4 (filling in): \
                 a regression from the image {} the class-mean oracle ({} against {}).",
                lambda(strong.lambda),
                num(s.p10),
                num(j.measured.p10),
                num(j.both),
                if joint_fuses { "beats" } else { "does not beat" },
                num(strong.both_heads_accuracy),
                num(strong.image_head_accuracy),
                num(strong.audio_head_accuracy),
                num(j.image_only),
                num(j.audio_only),
                if r.fill_in.regression >= r.fill_in.class_mean_oracle { "does not beat" } else { "beats" },
                num(r.fill_in.regression),
                num(r.fill_in.class_mean_oracle)
            ),
        )
        .with("coordinated P@10", s.p10)
        .with("joint P@10", j.measured.p10)
        .with("joint, both", j.both)
        .with("coordinated heads, both", strong.both_heads_accuracy),
    ]
}

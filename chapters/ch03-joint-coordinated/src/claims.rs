//! The conclusions the chapter's page draws, computed from its report.

use kit::claims::num;
use kit::compare::{ACCURACY, Comparison, Metric, compare};
use kit::{Claim, compare::Outcome};

use crate::{Alignment, CoordinatedRow, Pairing, Report, SeedRun};

const DATA: &str = "the-audio-visual-digits";
const JOINT: &str = "joint-one-code-from-both-inputs";
pub(crate) const FRESH: &str = "what-the-fixed-pairs-do";
pub(crate) const SWEEP: &str = "from-weak-to-strong-coordination";
pub(crate) const CCA: &str = "cca-the-classical-coordinated-space";
const FILL: &str = "filling-in-a-missing-modality";
pub(crate) const SIDE: &str = "the-four-desiderata-side-by-side";

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

/// Cross-modal precision@10.
pub(crate) const P10: Metric = Metric::higher("precision@10", "");
/// Squared error per spectrogram cell.
const SQUARED: Metric = Metric::lower("squared error per cell", "");

/// Compare two quantities of the per-seed runs, paired by seed (seeds where either
/// is missing are left out of both).
pub(crate) fn over_seeds(
    r: &Report,
    a: &str,
    fa: impl Fn(&SeedRun) -> Option<f64>,
    b: &str,
    fb: impl Fn(&SeedRun) -> Option<f64>,
    metric: Metric,
) -> Option<Comparison> {
    let (xs, ys): (Vec<f64>, Vec<f64>) = r.seeds.iter().filter_map(|s| Some((fa(s)?, fb(s)?))).unzip();
    (!xs.is_empty()).then(|| compare(a, &xs, b, &ys, metric))
}

/// The largest λ of the sweep (the strongest coordination).
pub(crate) fn top_lambda(r: &Report) -> Option<f32> {
    r.coordinated.iter().map(|c| c.lambda).max_by(|a, b| a.total_cmp(b))
}

/// A seed's coordinated model, if that seed ran it.
pub(crate) fn row(
    s: &SeedRun,
    alignment: Alignment,
    lambda: f32,
    pairing: Pairing,
) -> Option<&CoordinatedRow> {
    s.coordinated(alignment, lambda, pairing)
}

/// Every conclusion the page draws, computed from the report.
pub fn claims(r: &Report) -> Vec<Claim> {
    let mut out = data_claims(r);
    out.extend(joint_claims(r));
    out.extend(crate::coordination_claims::sweep_claims(r));
    out.extend(crate::cca_claims::cca_claims(r));
    out.extend(fill_in_claims(r));
    out.extend(crate::desiderata_claims::side_claims(r));
    out
}

fn data_claims(r: &Report) -> Vec<Claim> {
    let s = &r.settings;
    let mut models: Vec<(String, f64, f64)> =
        vec![("the joint model".into(), r.joint.measured.r1, r.joint.measured.r10)];
    models.extend(r.coordinated.iter().map(|c| {
        (
            format!(
                "{}, λ = {}{}",
                c.alignment.name(),
                lambda(c.lambda),
                if c.pairing == Pairing::Fixed { ", fixed pairs" } else { "" }
            ),
            c.measured.r1,
            c.measured.r10,
        )
    }));
    let best = |key: fn(&(String, f64, f64)) -> f64| {
        models.iter().max_by(|a, b| key(a).total_cmp(&key(b))).cloned().unwrap_or_default()
    };
    let (r1_name, best_r1, _) = best(|m| m.1);
    let (r10_name, _, best_r10) = best(|m| m.2);
    let raw = &r.raw;
    let noisy = if s.variant == "noisy" { "noisy " } else { "" };
    let mut out = vec![];
    if let Some(c) = over_seeds(
        r,
        "the concatenation",
        |s| Some(s.raw.concatenated),
        "the better input alone",
        |s| Some(s.raw.image.max(s.raw.audio)),
        ACCURACY,
    ) {
        out.push(
            Claim::finding(
                "each_modality_imperfect",
                DATA,
                format!(
                    "Over {} seeds of softmax regression on the raw {}inputs, {}{}",
                    c.seeds(),
                    noisy,
                    c.sentence(),
                    if c.outcome == Outcome::AAhead {
                        ": each modality is informative but imperfect, and together they are better than either."
                    } else {
                        "."
                    }
                ),
            )
            .with("image alone", raw.image)
            .with("audio alone", raw.audio)
            .with("concatenated", raw.concatenated)
            .with_comparison(&c),
        );
    }
    let within = best_r1 <= 2.0 * s.r1_cap && best_r10 <= s.r10_cap;
    out.push(
        Claim::finding(
            "partner_caps",
            DATA,
            format!(
                "A model that ranks every test item of the query's digit first, in random order within the \
                 digit, finds the exact partner first (R@1) for {} of the queries and in its top 10 (R@10) for {}; \
                 no representation can do better on average. The best models here reach R@1 = {} ({}) and \
                 R@10 = {} ({}, {:.0} % of the cap){}",
                num(s.r1_cap),
                num(s.r10_cap),
                num(best_r1),
                r1_name,
                num(best_r10),
                r10_name,
                100.0 * best_r10 / s.r10_cap.max(1e-12),
                if within {
                    ". So the page measures retrieval by label instead."
                } else {
                    ": above the cap, which would mean the test pairs leak more than their digit."
                }
            ),
        )
        .with("R@1 cap", s.r1_cap)
        .with("R@10 cap", s.r10_cap)
        .with("best R@1", best_r1)
        .with("best R@10", best_r10),
    );
    out
}

fn joint_claims(r: &Report) -> Vec<Claim> {
    let j = &r.joint;
    let best_single = j.image_only.max(j.audio_only);
    let gain = j.both - best_single;
    let mut out = vec![
        Claim::bar(
            "joint_both",
            JOINT,
            j.both >= 0.93,
            "accuracy with both inputs at least 0.93, from the reference runs",
            format!("With both modalities the joint model classifies {} of the test pairs correctly.", num(j.both)),
        )
        .with("test accuracy, both", j.both),
        Claim::bar(
            "joint_missing",
            JOINT,
            j.image_only >= 0.68 && j.audio_only >= 0.74,
            "at least 0.68 with the audio zeroed and 0.74 with the image zeroed, from the reference runs",
            format!(
                "With the audio zeroed it still gets {}, with the image zeroed {}: a joint representation \
                 can be computed with a modality missing, at a cost.",
                num(j.image_only),
                num(j.audio_only)
            ),
        )
        .with("image only", j.image_only)
        .with("audio only", j.audio_only),
        Claim::bar(
            "joint_gain",
            JOINT,
            gain >= 0.10,
            "both inputs at least 0.10 above the better single input, on the page's seed, from the reference runs",
            format!("On the page's seed, both together beat the better single input by {}.", num(gain)),
        )
        .with("both - best single", gain),
    ];
    if let Some(c) = over_seeds(
        r,
        "the joint model on both inputs",
        |s| Some(s.joint.both),
        "the joint model on the better input alone",
        |s| Some(s.joint.image_only.max(s.joint.audio_only)),
        ACCURACY,
    ) {
        out.push(
            Claim::lecture(
                "joint_needs_both",
                JOINT,
                "joint_needs_both",
                &format!(
                    "the joint model's accuracy with both inputs against the better input alone (the other \
                     zeroed), over {} seeds: ahead on every seed",
                    c.seeds()
                ),
                c.verdict_a_better(),
                format!("{}.", upper(&c.sentence())),
            )
            .with_comparison(&c),
        );
    }
    if let Some(c) = over_seeds(
        r,
        "the joint MLP",
        |s| Some(s.joint.both),
        "raw softmax regression",
        |s| Some(s.raw.concatenated),
        ACCURACY,
    ) {
        let tail = match c.outcome {
            Outcome::AAhead => {
                "the learned representation adds something a linear model of the inputs lacks.".to_string()
            }
            o => format!(
                "a linear model of the raw inputs fuses {} here. One explanation, not tested here: {} \
                 training pairs give a {}-parameter encoder little to gain over a linear map (exercise 3).",
                if o == Outcome::BAhead { "better" } else { "as well" },
                r.settings.train,
                thousands(j.parameters)
            ),
        };
        out.push(
            Claim::finding(
                "joint_vs_raw",
                JOINT,
                format!(
                    "Against softmax regression on the raw concatenation ({} on the page's seed), over {} seeds, \
                     {}: {}",
                    num(r.raw.concatenated),
                    c.seeds(),
                    c.sentence(),
                    tail
                ),
            )
            .with("joint MLP", j.both)
            .with("raw concatenation, softmax regression", r.raw.concatenated)
            .with_comparison(&c),
        );
    }
    out
}

fn fill_in_claims(r: &Report) -> Vec<Claim> {
    let f = &r.fill_in;
    let mut out = Vec::new();
    let learns = over_seeds(
        r,
        "the regression",
        |s| Some(s.fill_in.regression),
        "the training mean",
        |s| Some(s.fill_in.global_mean),
        SQUARED,
    );
    let short = over_seeds(
        r,
        "the posterior mix",
        |s| Some(s.fill_in.posterior_mix),
        "the regression",
        |s| Some(s.fill_in.regression),
        SQUARED,
    );
    if let (Some(learns), Some(short)) = (learns, short) {
        out.push(
            Claim::finding(
                "fill_in_class_mean",
                FILL,
                format!(
                    "By the equation above, the best a predictor from the image can do is the posterior mix, and \
                     no better than the oracle's class mean. Over {} seeds, {}; {}.{}",
                    learns.seeds(),
                    learns.sentence(),
                    short.sentence(),
                    if short.outcome == Outcome::AAhead {
                        " One explanation of the shortfall, not tested here: the regression must find the digit \
                         through targets that are mostly noise, where the mix's classifier is told it (exercise 5)."
                    } else {
                        ""
                    }
                ),
            )
            .with("global mean", f.global_mean)
            .with("regression", f.regression)
            .with("posterior mix", f.posterior_mix)
            .with("class-mean oracle", f.class_mean_oracle)
            .with_comparison(&learns)
            .with_comparison(&short),
        );
    }
    if let Some(c) = over_seeds(
        r,
        "the class mean",
        |s| Some(s.fill_in.class_mean_oracle),
        "a random utterance of the digit",
        |s| Some(s.fill_in.random_same_digit),
        SQUARED,
    ) {
        out.push(
            Claim::finding(
                "sample_vs_mean",
                FILL,
                format!(
                    "A real utterance of the right digit, drawn at random, is off by {} the class mean's error \
                     ({}){}",
                    kit::claims::times(f.random_same_digit / f.class_mean_oracle.max(1e-9)),
                    c.sentence(),
                    if c.outcome == Outcome::AAhead {
                        ": squared error scores a sharp, plausible spectrogram worse than a blurred average, so a \
                         regression on random partners predicts blur."
                    } else {
                        "."
                    }
                ),
            )
            .with("random same-digit utterance", f.random_same_digit)
            .with("class mean", f.class_mean_oracle)
            .with_comparison(&c),
        );
    }
    out
}

/// The sentence with its first letter in capitals.
pub(crate) fn upper(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

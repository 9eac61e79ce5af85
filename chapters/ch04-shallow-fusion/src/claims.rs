//! The conclusions the chapter's page draws, computed from its report.

use kit::claims::{Missing, computed, need, num};
use kit::compare::{ACCURACY, Outcome};
use kit::{Claim, Verdict, compare};

use crate::Report;
use crate::features::Inputs;
use crate::fusion::{DEEP, FusionReport, ONE_HIDDEN, SOFTMAX};
use crate::xor::{LINEAR, MLPS, XorReport};

const EARLY: &str = "early-fusion-concatenate-then-classify";
const PCA: &str = "how-many-dimensions-does-the-concatenation-need";
const PROJECTIONS: &str = "a-supervised-layer-and-the-raw-inputs-in-two-dimensions";
const LATE: &str = "late-fusion-one-classifier-per-modality";
const XOR: &str = "what-additive-fusion-cannot-capture";

/// A difference of accuracies in percentage points, one decimal.
fn points(v: f64) -> String {
    format!("{:.1}", 100.0 * v)
}

/// Every conclusion the page draws, computed from the report.
pub fn claims(r: &Report) -> Vec<Claim> {
    let mut out = early(r);
    out.extend(late(r));
    out.extend(xor(r));
    out
}

/// The accuracy of `model` on `inputs`. The models are the code's own lists
/// (`fusion.rs`), so one missing is a programmer error: a panic naming it, never a 0.
#[track_caller]
fn acc(f: &FusionReport, inputs: Inputs, model: &str) -> f64 {
    f.accuracy(inputs, model)
        .unwrap_or_else(|| panic!("ch04 claims: the report has no {model} on {inputs:?} (fusion.rs runs it)"))
}

/// The accuracy of `model` on the XOR task's `variant` (a panic naming it if missing, as [`acc`]).
#[track_caller]
fn xor_acc(x: &[XorReport], variant: &str, model: &str) -> f64 {
    let found = x.iter().find(|x| x.variant == variant).and_then(|x| x.accuracy(model));
    found.unwrap_or_else(|| {
        panic!("ch04 claims: the report has no {model} on the {variant} XOR pairs (xor.rs runs it)")
    })
}

/// The accuracy of `model` on one variant of the XOR task (a panic naming it if missing).
#[track_caller]
fn model_acc(v: &XorReport, model: &str) -> f64 {
    let variant = &v.variant;
    v.accuracy(model).unwrap_or_else(|| {
        panic!("ch04 claims: the report has no {model} on the {variant} XOR pairs (xor.rs runs it)")
    })
}

/// The XOR task's `variant` ("clean", "noisy"), or the error naming it.
fn xor_variant<'a>(r: &'a Report, variant: &str) -> Result<&'a XorReport, Missing> {
    need(
        r.xor.iter().find(|x| x.variant == variant),
        format!("the XOR task's {variant} pairs (xor.rs runs them)"),
    )
}

fn early(r: &Report) -> Vec<Claim> {
    let f = &r.fusion;
    let (image, audio, both) =
        (acc(f, Inputs::Image, SOFTMAX), acc(f, Inputs::Audio, SOFTMAX), acc(f, Inputs::Both, SOFTMAX));
    let best_single = image.max(audio);
    let concat = r.per_seed(|f, _, _| acc(f, Inputs::Both, SOFTMAX));
    let single = r.per_seed(|f, _, _| acc(f, Inputs::Image, SOFTMAX).max(acc(f, Inputs::Audio, SOFTMAX)));
    let c_single = compare("the concatenation", &concat, "the better modality alone", &single, ACCURACY);
    let one = r.per_seed(|f, _, _| acc(f, Inputs::Both, ONE_HIDDEN));
    let deep = r.per_seed(|f, _, _| acc(f, Inputs::Both, DEEP));
    let c_one = compare("the one-hidden-layer MLP", &one, "softmax regression", &concat, ACCURACY);
    let c_deep = compare("the three-hidden-layer MLP", &deep, "softmax regression", &concat, ACCURACY);
    let mut out = vec![
        Claim::bar(
            "concat_beats_single",
            EARLY,
            both - best_single >= 0.10,
            "the concatenation at least 10 points above the better modality alone, on the first seed, from the \
             specification",
            format!(
                "Softmax regression on the concatenation classifies {} of the test pairs, against {} from the \
                 image alone and {} from the audio alone: {} points above the better modality. Over the seeds, {}.",
                num(both),
                num(image),
                num(audio),
                points(both - best_single),
                c_single.sentence()
            ),
        )
        .with("image", image)
        .with("audio", audio)
        .with("concatenation", both)
        .with_comparison(&c_single),
        Claim::finding(
            "shallow_is_enough_here",
            EARLY,
            format!(
                "On the same concatenation, {}; {}. On these pairs each modality votes for a digit and a linear \
                 model of the concatenation adds the votes; the XOR task below builds a label that needs a relation \
                 between the modalities instead.",
                c_one.sentence(),
                c_deep.sentence()
            ),
        )
        .with_comparison(&c_one)
        .with_comparison(&c_deep),
    ];
    let curve = |f: &FusionReport, inputs: Inputs| -> Vec<(usize, f64)> {
        f.pca.iter().filter(|p| p.inputs == inputs).map(|p| (p.k, p.accuracy)).collect()
    };
    let both_curve = curve(f, Inputs::Both);
    if let Some(&(k, at_k)) = both_curve.iter().find(|(_, a)| *a >= both - 0.01) {
        let beats = both_curve.iter().find(|(_, a)| *a > best_single).map(|&(k, _)| k);
        let mut claim_text = format!(
            "On the first seed, {} principal components of the 464 reach {} (within a point of all 464).",
            k,
            num(at_k)
        );
        let mut comparison = None;
        if let Some(kb) = beats {
            let at = |f: &FusionReport| {
                curve(f, Inputs::Both).iter().find(|(j, _)| *j == kb).map_or(0.0, |&(_, a)| a)
            };
            let c = compare(
                &format!("PCA-{kb} of the concatenation"),
                &r.per_seed(|f, _, _| at(f)),
                "the better modality in full",
                &single,
                ACCURACY,
            );
            claim_text = format!("{} Over the seeds, {}.", claim_text, c.sentence());
            comparison = Some(c);
        }
        let mut claim = Claim::finding("few_dimensions_suffice", PCA, claim_text)
            .with("k within a point of full", k as f64)
            .with("accuracy at that k", at_k);
        if let Some(c) = &comparison {
            claim = claim.with_comparison(c);
        }
        out.push(claim);
    }
    let c2 = compare(
        "the supervised layer's 2-D projection",
        &r.per_seed(|f, _, _| f.deep2_accuracy),
        "the inputs' 2-D projection",
        &r.per_seed(|f, _, _| f.pca2_accuracy),
        ACCURACY,
    );
    out.push(
        Claim::finding(
            "deep_layer_groups_digits",
            PROJECTIONS,
            format!(
                "In two dimensions, softmax regression reads the digit from the PCA projection of the inputs with \
                 accuracy {} and from the projection of the last hidden layer of the MLP trained on the digit labels \
                 with {} (first seed); over the seeds, {}. This compares a layer trained with the labels against an \
                 unsupervised projection, so it shows what supervision puts into the top directions, not what depth \
                 alone does.",
                num(f.pca2_accuracy),
                num(f.deep2_accuracy),
                c2.sentence()
            ),
        )
        .with("PCA of inputs, 2-D", f.pca2_accuracy)
        .with("PCA of deep hidden layer, 2-D", f.deep2_accuracy)
        .with_comparison(&c2),
    );
    out
}

fn late(r: &Report) -> Vec<Claim> {
    let l = &r.late;
    let averaged = r.per_seed(|_, l, _| l.averaged);
    let product = r.per_seed(|_, l, _| l.product);
    let weighted = r.per_seed(|_, l, _| l.weighted);
    let c_avg = compare("the reliability-weighted product", &weighted, "the average", &averaged, ACCURACY);
    let c_prod = compare("the equal-weight product", &product, "the average", &averaged, ACCURACY);
    let c_gate = compare(
        "the reliability-weighted product",
        &weighted,
        "the equal-weight product",
        &product,
        ACCURACY,
    );
    let [i0, _, i2] = l.image_confidence_by_sigma;
    let [a0, _, a2] = l.audio_confidence_by_snr;
    vec![
        Claim::bar(
            "weighted_at_least_averaged",
            LATE,
            l.weighted >= l.averaged,
            "the reliability-weighted fusion at least as accurate as the average, on the first seed, from the \
             specification",
            format!(
                "Late fusion by averaging the two classifiers' probabilities gets {}; weighting each modality per \
                 pair by its reliability gets {}. Over the seeds, {}.",
                num(l.averaged),
                num(l.weighted),
                c_avg.sentence()
            ),
        )
        .with("averaged", l.averaged)
        .with("reliability-weighted", l.weighted)
        .with_comparison(&c_avg),
        Claim::finding(
            "pooling_does_the_work",
            LATE,
            format!(
                "Multiplying the probabilities with equal weights already gets {} (first seed): over the seeds, {}, \
                 while {}.{}",
                num(l.product),
                c_prod.sentence(),
                c_gate.sentence(),
                if c_prod.outcome == Outcome::AAhead && c_gate.outcome != Outcome::AAhead {
                    " The gain over averaging comes from multiplying instead of adding, not from the weights."
                } else {
                    ""
                },
            ),
        )
        .with("product", l.product)
        .with("weighted product", l.weighted)
        .with_comparison(&c_prod)
        .with_comparison(&c_gate),
        Claim::finding(
            "confidence_follows_noise",
            LATE,
            format!(
                "{}the image's mean top probability is {} on the cleanest third of images and {} on the noisiest, \
                 the audio's {} on the highest-SNR third and {} on the lowest. One explanation of the product's \
                 gain, not tested here, is that a product lets a near-zero probability from either classifier veto \
                 a digit, where an average only adds votes (exercise 1 tests it).",
                if i0 > i2 && a0 > a2 { "Each classifier is less sure on its noisier pairs: " } else { "Confidence: " },
                num(i0),
                num(i2),
                num(a0),
                num(a2)
            ),
        )
        .with("image confidence, cleanest third", i0)
        .with("image confidence, noisiest third", i2)
        .with("audio confidence, highest-SNR third", a0)
        .with("audio confidence, lowest-SNR third", a2),
        Claim::finding(
            "gate_follows_noise",
            LATE,
            format!(
                "The learned gate gives the image less weight the noisier the image (coefficient {} per standard \
                 deviation of σ) and {} the cleaner the audio (coefficient {} per standard deviation of SNR); on \
                 average the image gets weight {}. Over this range of weights it changes {} of the {} test \
                 decisions of the equal-weight product.",
                num(l.weight_on_sigma),
                if l.weight_on_snr < 0.0 { "less" } else { "more" },
                num(l.weight_on_snr),
                num(l.mean_image_weight),
                l.decisions_changed,
                r.sizes.1
            ),
        )
        .with("coefficient on σ", l.weight_on_sigma)
        .with("coefficient on SNR", l.weight_on_snr)
        .with("decisions changed", l.decisions_changed as f64),
    ]
}

fn xor(r: &Report) -> Vec<Claim> {
    let mut out = Vec::new();
    let worst_of = |x: &[XorReport]| {
        let mut worst = 0.0f64;
        for v in x {
            for name in LINEAR {
                worst = worst.max((model_acc(v, name) - 0.5).abs());
            }
        }
        worst
    };
    let worst = worst_of(&r.xor);
    let worst_all = r.per_seed(|_, _, x| worst_of(x)).into_iter().fold(0.0f64, f64::max);
    let seeds = r.repeats.len() + 1;
    out.push(
        Claim::bar(
            "xor_linear_at_chance",
            XOR,
            worst <= 0.05,
            "on the XOR task, every linear model within 5 points of chance on the first seed, from the proof above",
            format!(
                "On the XOR task every linear model, of either modality alone or of the concatenation, with or \
                 without PCA, stays within {} points of chance (0.5) on both the noisy and the clean pairs (first \
                 seed{}).",
                points(worst),
                if seeds > 1 { format!("; within {} points on all {seeds} seeds", points(worst_all)) } else { String::new() }
            ),
        )
        .with("largest distance from 0.5, first seed", worst)
        .with("largest distance from 0.5, every seed", worst_all),
    );
    // The shallow representations of the concatenation: the inputs themselves and
    // their first 32 principal components, each read by softmax regression.
    let shallow = |x: &[XorReport], v: &str| xor_acc(x, v, LINEAR[2]).max(xor_acc(x, v, LINEAR[3]));
    let c_shallow = compare(
        "the two-hidden-layer MLP",
        &r.per_seed(|_, _, x| xor_acc(x, "noisy", MLPS[1])),
        "the better shallow representation",
        &r.per_seed(|_, _, x| shallow(x, "noisy")),
        ACCURACY,
    );
    let verdict = if worst_all > 0.05 { Verdict::DoesNotHold } else { c_shallow.verdict_a_better() };
    out.push(
        Claim::lecture(
            "shallow_cannot_capture",
            XOR,
            "shallow_cannot_capture",
            "a shallow representation taken as the lecture means it: one representation of the concatenated \
             inputs (the inputs themselves, or their first 32 principal components) read by a linear classifier. \
             It must stay within 5 points of chance on the XOR task on every seed, while an MLP trained on the \
             same concatenation is ahead of it on every seed (noisy pairs)",
            verdict,
            format!(
                "On the noisy XOR pairs, {} (the better of softmax regression on the concatenation and on its 32 \
                 principal components, per seed).",
                c_shallow.sentence()
            ),
        )
        .with_comparison(&c_shallow),
    );
    let c_one_clean = compare(
        "the one-hidden-layer MLP",
        &r.per_seed(|_, _, x| xor_acc(x, "clean", MLPS[0])),
        "the better shallow representation",
        &r.per_seed(|_, _, x| shallow(x, "clean")),
        ACCURACY,
    );
    let c_two_noisy = compare(
        "the two-hidden-layer MLP",
        &r.per_seed(|_, _, x| xor_acc(x, "noisy", MLPS[1])),
        "the one-hidden-layer MLP",
        &r.per_seed(|_, _, x| xor_acc(x, "noisy", MLPS[0])),
        ACCURACY,
    );
    out.push(
        Claim::finding(
            "one_hidden_layer_is_enough",
            XOR,
            format!(
                "{}on the clean pairs, {}, reaching {} on the first seed. On the noisy pairs, {}.",
                if c_one_clean.outcome == Outcome::AAhead {
                    "What fails is additive (linear) fusion, not a single hidden layer: "
                } else {
                    "With one hidden layer, "
                },
                c_one_clean.sentence(),
                num(xor_acc(&r.xor, "clean", MLPS[0])),
                c_two_noisy.sentence()
            ),
        )
        .with_comparison(&c_one_clean)
        .with_comparison(&c_two_noisy),
    );
    out.push(computed("xor_mlp_clean", XOR, xor_mlp_clean(r)));
    out.push(computed("xor_mlp_noisy_ceiling", XOR, xor_mlp_noisy(r)));
    out
}

/// The deeper MLP on the clean XOR pairs.
fn xor_mlp_clean(r: &Report) -> Result<Claim, Missing> {
    let clean = xor_variant(r, "clean")?;
    let a = model_acc(clean, MLPS[1]);
    Ok(
        Claim::bar(
            "xor_mlp_clean",
            XOR,
            a >= 0.90,
            "the two-hidden-layer MLP at least 0.90 on the clean pairs, first seed, from the reference runs",
            format!(
                "On the clean pairs, where an MLP tells even from odd digits with accuracy {} from the image and \
                 {} from the audio, the two-hidden-layer MLP on the concatenation solves the XOR with accuracy {}.",
                num(clean.image_parity),
                num(clean.audio_parity),
                num(a)
            ),
        )
        .with("image parity", clean.image_parity)
        .with("audio parity", clean.audio_parity)
        .with("MLP on XOR", a),
    )
}

/// The deeper MLP on the noisy XOR pairs, against the ceiling.
fn xor_mlp_noisy(r: &Report) -> Result<Claim, Missing> {
    let noisy = xor_variant(r, "noisy")?;
    let a = model_acc(noisy, MLPS[1]);
    Ok(
        Claim::bar(
            "xor_mlp_noisy_ceiling",
            XOR,
            (a - noisy.ceiling).abs() <= 0.05,
            "the two-hidden-layer MLP within 5 points of the ceiling on the noisy pairs, first seed, from the \
             ceiling's formula",
            format!(
                "On the noisy pairs the parities are recognised with accuracy p1 = {} (image) and p2 = {} \
                 (audio), so an XOR of the two recognitions is right with probability p1 p2 + (1 - p1)(1 - p2) \
                 = {}; the two-hidden-layer MLP gets {}, {} points {} that ceiling.",
                num(noisy.image_parity),
                num(noisy.audio_parity),
                num(noisy.ceiling),
                num(a),
                points((a - noisy.ceiling).abs()),
                if a <= noisy.ceiling { "below" } else { "above" }
            ),
        )
        .with("ceiling", noisy.ceiling)
        .with("MLP on XOR", a),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_xor_variant_is_named_and_a_missing_model_panics_naming_it() {
        let full = || -> Report {
            serde_json::from_str(include_str!("../../../book/src/ch04-shallow-fusion/results.json")).unwrap()
        };
        assert!(claims(&full()).iter().all(|c| c.missing.is_none()));
        let mut r = full();
        r.xor.retain(|x| x.variant != "noisy");
        let c = computed("xor_mlp_noisy_ceiling", XOR, xor_mlp_noisy(&r));
        assert_eq!(c.missing.as_deref(), Some("the XOR task's noisy pairs (xor.rs runs them)"));
        let mut r = full();
        r.fusion.models.retain(|m| m.model != DEEP);
        let panic = std::panic::catch_unwind(|| claims(&r)).unwrap_err();
        let message = panic.downcast_ref::<String>().unwrap();
        assert!(message.contains("the report has no MLP, three hidden layers on Both"), "{message}");
    }
}

//! The conclusions the chapter's page draws, computed from its report.

use kit::Claim;
use kit::claims::num;

use crate::Report;
use crate::features::Inputs;
use crate::fusion::{DEEP, ONE_HIDDEN, SOFTMAX};
use crate::xor::{LINEAR, MLPS};

const EARLY: &str = "early-fusion-concatenate-then-classify";
const PCA: &str = "how-many-dimensions-does-the-concatenation-need";
const PROJECTIONS: &str = "shallow-and-deep-representations-in-two-dimensions";
const LATE: &str = "late-fusion-one-classifier-per-modality";
const XOR: &str = "what-shallow-fusion-cannot-capture";

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

fn early(r: &Report) -> Vec<Claim> {
    let f = &r.fusion;
    let acc = |inputs, model| f.accuracy(inputs, model).unwrap_or(0.0);
    let (image, audio, both) =
        (acc(Inputs::Image, SOFTMAX), acc(Inputs::Audio, SOFTMAX), acc(Inputs::Both, SOFTMAX));
    let best_single = image.max(audio);
    let (one, deep) = (acc(Inputs::Both, ONE_HIDDEN), acc(Inputs::Both, DEEP));
    let best_mlp = one.max(deep);
    let mut out = vec![
        Claim::required(
            "concat_beats_single",
            EARLY,
            both - best_single >= 0.10,
            format!(
                "Softmax regression on the concatenation classifies {} of the test pairs, against {} from the \
                 image alone and {} from the audio alone: {} points above the better modality (bar 10).",
                num(both),
                num(image),
                num(audio),
                points(both - best_single)
            ),
        )
        .with("image", image)
        .with("audio", audio)
        .with("concatenation", both),
        Claim::observation(
            "shallow_is_enough_here",
            EARLY,
            best_mlp > both + 0.01,
            format!(
                "A hidden layer on the same concatenation gets {}, three hidden layers {}: {}",
                num(one),
                num(deep),
                if best_mlp > both + 0.01 {
                    format!("depth adds {} points over the linear model.", points(best_mlp - both))
                } else {
                    "no more than the linear model. Here each modality votes for a digit and the votes add up, \
                     which a linear model of the concatenation already does; the lecture's case against shallow \
                     representations needs a relation between the modalities, which these pairs do not have."
                        .to_string()
                }
            ),
        )
        .with("softmax regression", both)
        .with("one hidden layer", one)
        .with("three hidden layers", deep),
    ];
    let curve = |inputs: Inputs| -> Vec<(usize, f64)> {
        f.pca.iter().filter(|p| p.inputs == inputs).map(|p| (p.k, p.accuracy)).collect()
    };
    let both_curve = curve(Inputs::Both);
    if let Some(&(k, at_k)) = both_curve.iter().find(|(_, a)| *a >= both - 0.01) {
        let beats = both_curve.iter().find(|(_, a)| *a > best_single).map(|&(k, _)| k);
        out.push(
            Claim::observation(
                "few_dimensions_suffice",
                PCA,
                k < 64,
                format!(
                    "{}; {} principal components of the 464 reach {} (within a point of all 464).",
                    match beats {
                        Some(kb) => format!(
                            "The first {kb} principal components of the concatenation already beat either modality \
                             in full"
                        ),
                        None => "No projection of the concatenation beats the better modality in full".to_string(),
                    },
                    k,
                    num(at_k)
                ),
            )
            .with("k within a point of full", k as f64)
            .with("accuracy at that k", at_k),
        );
    }
    out.push(
        Claim::observation(
            "deep_layer_groups_digits",
            PROJECTIONS,
            f.deep2_accuracy > f.pca2_accuracy + 0.05,
            format!(
                "In two dimensions, softmax regression reads the digit from the PCA projection of the inputs with \
                 accuracy {} and from the projection of the deep MLP's last hidden layer with {}: {}",
                num(f.pca2_accuracy),
                num(f.deep2_accuracy),
                if f.deep2_accuracy > f.pca2_accuracy + 0.05 {
                    "the learned layer puts the differences between digits into its directions of largest \
                     variance, while the raw inputs' largest-variance directions carry much less of the digit."
                } else {
                    "the learned layer is no easier to read in 2-D than the raw inputs."
                }
            ),
        )
        .with("PCA of inputs, 2-D", f.pca2_accuracy)
        .with("PCA of deep hidden layer, 2-D", f.deep2_accuracy),
    );
    out
}

fn late(r: &Report) -> Vec<Claim> {
    let l = &r.late;
    vec![
        Claim::required(
            "weighted_at_least_averaged",
            LATE,
            l.weighted >= l.averaged,
            format!(
                "Late fusion by averaging the two classifiers' probabilities gets {}; weighting each modality per \
                 pair by its reliability gets {} (bar: at least the average).",
                num(l.averaged),
                num(l.weighted)
            ),
        )
        .with("averaged", l.averaged)
        .with("reliability-weighted", l.weighted),
        Claim::observation(
            "pooling_does_the_work",
            LATE,
            l.weighted > l.product + 0.005,
            format!(
                "Multiplying the probabilities with equal weights already gets {}{}",
                num(l.product),
                if l.weighted > l.product + 0.005 {
                    format!(", and the reliability weights add {} points on top.", points(l.weighted - l.product))
                } else {
                    ": nearly all of the gain over averaging comes from multiplying instead of adding, not from the \
                     reliability weights. A noisy modality's classifier is already unsure, and a product lets the \
                     confident one decide."
                        .to_string()
                }
            ),
        )
        .with("product", l.product)
        .with("weighted product", l.weighted),
        Claim::observation(
            "gate_follows_noise",
            LATE,
            l.weight_on_sigma < 0.0 && l.weight_on_snr < 0.0,
            format!(
                "The learned gate gives the image less weight the noisier the image (coefficient {} per standard \
                 deviation of σ) and {} the cleaner the audio (coefficient {} per standard deviation of SNR); on \
                 average the image gets weight {}.",
                num(l.weight_on_sigma),
                if l.weight_on_snr < 0.0 { "less" } else { "more" },
                num(l.weight_on_snr),
                num(l.mean_image_weight)
            ),
        )
        .with("coefficient on σ", l.weight_on_sigma)
        .with("coefficient on SNR", l.weight_on_snr),
    ]
}

fn xor(r: &Report) -> Vec<Claim> {
    let mut out = Vec::new();
    let mut worst = 0.0f64;
    for x in &r.xor {
        for name in LINEAR {
            worst = worst.max((x.accuracy(name).unwrap_or(0.0) - 0.5).abs());
        }
    }
    out.push(
        Claim::required(
            "xor_linear_at_chance",
            XOR,
            worst <= 0.05,
            format!(
                "On the XOR task every linear model, of either modality alone or of the concatenation, with or \
                 without PCA, stays within {} points of chance (0.5) on both the noisy and the clean pairs (bar 5).",
                points(worst)
            ),
        )
        .with("largest distance from 0.5", worst),
    );
    let deep = MLPS[1];
    if let Some(clean) = r.xor.iter().find(|x| x.variant == "clean") {
        let a = clean.accuracy(deep).unwrap_or(0.0);
        out.push(
            Claim::required(
                "xor_mlp_clean",
                XOR,
                a >= 0.90,
                format!(
                    "On the clean pairs, where an MLP tells even from odd digits with accuracy {} from the image and \
                     {} from the audio, the two-hidden-layer MLP on the concatenation solves the XOR with accuracy {} \
                     (bar 0.90; one hidden layer: {}).",
                    num(clean.image_parity),
                    num(clean.audio_parity),
                    num(a),
                    num(clean.accuracy(MLPS[0]).unwrap_or(0.0))
                ),
            )
            .with("image parity", clean.image_parity)
            .with("audio parity", clean.audio_parity)
            .with("MLP on XOR", a),
        );
    }
    if let Some(noisy) = r.xor.iter().find(|x| x.variant == "noisy") {
        let a = noisy.accuracy(deep).unwrap_or(0.0);
        out.push(
            Claim::required(
                "xor_mlp_noisy_ceiling",
                XOR,
                (a - noisy.ceiling).abs() <= 0.05,
                format!(
                    "On the noisy pairs the parities are recognised with accuracy p1 = {} (image) and p2 = {} \
                     (audio), so an XOR of the two recognitions is right with probability p1 p2 + (1 - p1)(1 - p2) \
                     = {}; the MLP gets {}, {} points {} that ceiling (bar: within 5).",
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
        );
    }
    out
}

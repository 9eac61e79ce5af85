//! The conclusions the chapter's page draws, computed from its report.

use kit::Claim;
use kit::claims::num;

use crate::{Modality, Report};

const AE: &str = "the-autoencoder";
const BIMODAL: &str = "ngiams-three-settings";
const RECIPES: &str = "what-the-recipe-changes";
const FILL: &str = "filling-in-the-image-from-the-audio";
const BASELINES: &str = "against-linear-baselines";

/// The recipes' names, as `Config::recipes` gives them.
pub const A: &str = "A: both inputs only";
/// Ngiam's recipe.
pub const B: &str = "B: Ngiam (one input zeroed for 2/3)";
/// Ngiam's recipe with weight decay.
pub const B_DECAY: &str = "B with weight decay";
/// Pre-trained on both inputs, then Ngiam's recipe.
pub const B_PRETRAINED: &str = "B after pre-training on both";
/// Both inputs only, fresh partners.
pub const A_FRESH: &str = "A, fresh partners";
/// Ngiam's recipe, fresh partners.
pub const B_FRESH: &str = "B, fresh partners";

/// Every conclusion the page draws, computed from the report.
pub fn claims(r: &Report) -> Vec<Claim> {
    let mut out = autoencoder(r);
    out.extend(bimodal(r));
    out.extend(baselines(r));
    out
}

fn autoencoder(r: &Report) -> Vec<Claim> {
    let rows: Vec<_> = r.unimodal.iter().filter(|u| !u.denoising).collect();
    let above = rows.iter().filter(|u| u.test_mse >= u.pca_mse).count();
    let mut out = vec![Claim::observation(
        "pca_is_the_linear_bound",
        AE,
        above == rows.len(),
        format!(
            "In {} of the {} code widths the autoencoder's test error is at or above PCA's with the same number of \
             dimensions. {}",
            above,
            rows.len(),
            if above == rows.len() {
                "PCA is the best k-dimensional linear reconstruction, and an autoencoder with one tanh layer and a \
                 linear decoder is nearly linear: without depth, learning the code buys nothing in squared error."
            } else {
                "The autoencoder's nonlinearity beats the best linear reconstruction at some widths."
            }
        ),
    )];
    for m in [Modality::Image, Modality::Audio] {
        let plain = r.unimodal.iter().filter(|u| u.modality == m && !u.denoising).max_by_key(|u| u.k);
        let noisy = r.unimodal.iter().find(|u| u.modality == m && u.denoising);
        if let (Some(p), Some(d)) = (plain, noisy) {
            out.push(
                Claim::observation(
                    &format!("denoising_{}", m.name()),
                    AE,
                    d.probe > p.probe,
                    format!(
                        "On the {} with a {}-number code, the denoising autoencoder reconstructs clean test inputs \
                         with error {} (plain: {}), and a linear probe reads the digit from its code with accuracy \
                         {} (plain: {}){}",
                        m.name(),
                        p.k,
                        num(d.test_mse),
                        num(p.test_mse),
                        num(d.probe),
                        num(p.probe),
                        if d.probe > p.probe {
                            ": trained to undo corruption, its code keeps more of what identifies the digit."
                        } else {
                            "."
                        }
                    ),
                )
                .with("denoising probe", d.probe)
                .with("plain probe", p.probe),
            );
        }
    }
    out
}

fn bimodal(r: &Report) -> Vec<Claim> {
    let (Some(a), Some(b)) = (r.recipe(A), r.recipe(B)) else { return vec![] };
    let mut out = vec![
        Claim::required(
            "hearing_to_see",
            BIMODAL,
            b.audio_to_image >= 0.5 && b.image_to_audio >= 0.5,
            format!(
                "Trained Ngiam's way, a classifier trained on shared codes computed from the audio alone labels \
                 codes computed from the image alone with accuracy {}, and the reverse with {} (bar 0.5 each way; \
                 chance is 0.1).",
                num(b.audio_to_image),
                num(b.image_to_audio)
            ),
        )
        .with("audio -> image", b.audio_to_image)
        .with("image -> audio", b.image_to_audio),
        Claim::required(
            "zeroing_makes_it_shared",
            BIMODAL,
            b.audio_to_image - a.audio_to_image >= 0.10 && b.image_to_audio - a.image_to_audio >= 0.10,
            format!(
                "Trained only on pairs with both inputs, the same network transfers with {} and {}: {} \
                 (bar 0.10 each way).",
                num(a.audio_to_image),
                num(a.image_to_audio),
                if b.audio_to_image - a.audio_to_image >= 0.10 && b.image_to_audio - a.image_to_audio >= 0.10 {
                    format!(
                        "training with one input removed is what makes the code shared, adding {} and {}",
                        num(b.audio_to_image - a.audio_to_image),
                        num(b.image_to_audio - a.image_to_audio)
                    )
                } else {
                    "removing inputs in training does not add enough to the transfer".to_string()
                }
            ),
        )
        .with("A: audio -> image", a.audio_to_image)
        .with("A: image -> audio", a.image_to_audio),
        Claim::required(
            "fusion_and_cross_modality",
            BIMODAL,
            b.fusion >= 0.82 && b.image_only >= 0.68 && b.audio_only >= 0.62,
            format!(
                "Multimodal fusion through the shared code: {} (bar 0.82). Cross-modality learning, one modality \
                 in training and testing: image {} (bar 0.68), audio {} (bar 0.62).",
                num(b.fusion),
                num(b.image_only),
                num(b.audio_only)
            ),
        )
        .with("fusion", b.fusion)
        .with("image only", b.image_only)
        .with("audio only", b.audio_only),
    ];
    if let (Some(d), Some(p)) = (r.recipe(B_DECAY), r.recipe(B_PRETRAINED)) {
        let pretrain_matters = (p.audio_to_image - b.audio_to_image).abs() > 0.05
            || (p.image_to_audio - b.image_to_audio).abs() > 0.05;
        out.push(
            Claim::observation(
                "weight_decay_and_pretraining",
                RECIPES,
                !pretrain_matters,
                format!(
                    "Weight decay {} moves the transfer to {} and {}, and fusion to {}. Pre-training on both inputs \
                     for the first half of the epochs gives {} and {}: {}.",
                    d.recipe.weight_decay,
                    num(d.audio_to_image),
                    num(d.image_to_audio),
                    num(d.fusion),
                    num(p.audio_to_image),
                    num(p.image_to_audio),
                    if pretrain_matters { "it makes a difference here" } else { "within 0.05 of no pre-training" }
                ),
            )
            .with("weight decay: audio -> image", d.audio_to_image)
            .with("pre-trained: audio -> image", p.audio_to_image),
        );
    }
    if let (Some(af), Some(bf)) = (r.recipe(A_FRESH), r.recipe(B_FRESH)) {
        out.push(
            Claim::observation(
                "fresh_partners",
                RECIPES,
                bf.audio_to_image >= b.audio_to_image && bf.image_to_audio >= b.image_to_audio,
                format!(
                    "With a fresh same-digit partner at every step instead of the fixed pairs, recipe B transfers \
                     with {} and {} (fixed: {} and {}), recipe A with {} and {}{}",
                    num(bf.audio_to_image),
                    num(bf.image_to_audio),
                    num(b.audio_to_image),
                    num(b.image_to_audio),
                    num(af.audio_to_image),
                    num(af.image_to_audio),
                    if bf.audio_to_image >= b.audio_to_image && bf.image_to_audio >= b.image_to_audio {
                        ": the fresh partners help both directions."
                    } else {
                        ": fresh partners do not help both directions here; what makes the code shared is the \
                         zeroing, not the pairing."
                    }
                ),
            )
            .with("B fresh: audio -> image", bf.audio_to_image)
            .with("B fresh: image -> audio", bf.image_to_audio),
        );
    }
    let f = &r.fill_in;
    out.push(
        Claim::required(
            "image_from_audio",
            FILL,
            b.image_from_audio_mse < f.global_mean,
            format!(
                "Rebuilt from the audio alone, test images are off by {} per pixel (standardised units), against {} \
                 for the mean image and {} for the mean image of the right digit (an oracle){}",
                num(b.image_from_audio_mse),
                num(f.global_mean),
                num(f.class_mean_oracle),
                if b.image_from_audio_mse < f.global_mean {
                    ": the shared code carries the digit across, and the decoder draws a typical image of it, as \
                     in chapter 3, where the pairs share nothing else."
                } else {
                    "."
                }
            ),
        )
        .with("rebuilt from audio", b.image_from_audio_mse)
        .with("global mean", f.global_mean)
        .with("class-mean oracle", f.class_mean_oracle),
    );
    out
}

fn baselines(r: &Report) -> Vec<Claim> {
    let Some(b) = r.recipe(B) else { return vec![] };
    let cca = r.baselines.rows.iter().find(|row| row.name == "linear CCA");
    let separate = r.baselines.rows.iter().find(|row| row.name == "two unimodal autoencoders");
    let mut out = Vec::new();
    if let Some(c) = cca {
        let matches =
            c.audio_to_image >= b.audio_to_image - 0.02 && c.image_to_audio >= b.image_to_audio - 0.02;
        out.push(
            Claim::observation(
                "cca_matches",
                BASELINES,
                !matches,
                format!(
                    "Linear CCA transfers with {} (audio to image) and {} (image to audio), against the bimodal \
                     autoencoder's {} and {}: {}",
                    num(c.audio_to_image),
                    num(c.image_to_audio),
                    num(b.audio_to_image),
                    num(b.image_to_audio),
                    if matches {
                        "a closed-form linear method matches or beats the deep model at what it was built for. On \
                         pairs that share only a label, the shared structure is nine-dimensional and linear (chapter \
                         3), and depth has nothing more to find."
                    } else {
                        "the bimodal autoencoder beats the linear baseline."
                    }
                ),
            )
            .with("CCA audio -> image", c.audio_to_image)
            .with("CCA image -> audio", c.image_to_audio),
        );
    }
    if let Some(s) = separate {
        out.push(
            Claim::observation(
                "separate_codes_do_not_transfer",
                BASELINES,
                s.audio_to_image < 0.2 && s.image_to_audio < 0.2,
                format!(
                    "Two unimodal autoencoders, each with its own {}-number code, fuse with accuracy {} but transfer \
                     at {} and {}: their codes are separate spaces whose coordinates mean different things.",
                    r.unimodal.iter().filter(|u| u.denoising).map(|u| u.k).next().unwrap_or(32),
                    num(s.fusion),
                    num(s.audio_to_image),
                    num(s.image_to_audio)
                ),
            )
            .with("fusion", s.fusion)
            .with("audio -> image", s.audio_to_image)
            .with("image -> audio", s.image_to_audio),
        );
    }
    out
}

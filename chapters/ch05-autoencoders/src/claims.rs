//! The conclusions the chapter's page draws, computed from its report.

use kit::claims::{Missing, num};
use kit::compare::{ACCURACY, Comparison, Metric};
use kit::{Claim, Verdict, compare};

use crate::autoencoder_claims::autoencoder;
use crate::baselines::BaselineRow;
use crate::bimodal::BimodalRow;
use crate::{Report, Seed};

pub(crate) const AE: &str = "the-autoencoder";
const BIMODAL: &str = "ngiams-three-settings";
const RECIPES: &str = "what-the-recipe-changes";
const FILL: &str = "filling-in-the-image-from-the-audio";
const BASELINES: &str = "against-linear-baselines";

/// Squared reconstruction error per pixel.
const ERROR: Metric = Metric::lower("squared error per pixel", "");

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

/// The mean of a row's two transfer directions.
fn transfer(b: &BimodalRow) -> f64 {
    (b.audio_to_image + b.image_to_audio) / 2.0
}

/// `f` of recipe `name` on every seed (NaN where it did not run).
fn recipe(r: &Report, name: &str, f: fn(&BimodalRow) -> f64) -> Vec<f64> {
    r.per_seed(|s: &Seed| s.recipe(name).map_or(f64::NAN, f))
}

/// `f` of baseline `name` on every seed.
fn baseline(r: &Report, name: &str, f: fn(&BaselineRow) -> f64) -> Vec<f64> {
    r.per_seed(|s: &Seed| s.baselines.rows.iter().find(|b| b.name == name).map_or(f64::NAN, f))
}

pub(crate) fn ok(v: &[f64]) -> bool {
    v.iter().all(|x| x.is_finite())
}

fn bimodal(r: &Report) -> Vec<Claim> {
    let (Some(a), Some(b)) = (r.recipe(A), r.recipe(B)) else {
        let missing = Missing::new(format!(
            "the bimodal autoencoder's recipes \"{A}\" and \"{B}\" (the run trains both)"
        ));
        return [
            ("hearing_to_see", BIMODAL),
            ("zeroing_makes_it_shared", BIMODAL),
            ("fusion_and_cross_modality", BIMODAL),
            ("bimodal_transfer", BIMODAL),
            ("weight_decay_and_pretraining", RECIPES),
            ("fresh_partners", RECIPES),
            ("image_from_audio", FILL),
        ]
        .iter()
        .map(|(id, section)| Claim::not_computed(id, section, &missing))
        .collect();
    };
    let c_zero = compare("recipe B", &recipe(r, B, transfer), "recipe A", &recipe(r, A, transfer), ACCURACY);
    let f = &r.fill_in;
    let fill_b = recipe(r, B, |b| b.image_from_audio_mse);
    let fills_in = fill_b.iter().all(|&e| e < f.global_mean);
    let mut out = vec![
        Claim::bar(
            "hearing_to_see",
            BIMODAL,
            b.audio_to_image >= 0.5 && b.image_to_audio >= 0.5,
            "hearing to see: recipe B's transfer at least 0.5 each way on the first seed (chance is 0.1), from the \
             reference runs",
            format!(
                "Trained Ngiam's way, a classifier trained on shared codes computed from the audio alone labels \
                 codes computed from the image alone with accuracy {}, and the reverse with {}.",
                num(b.audio_to_image),
                num(b.image_to_audio)
            ),
        )
        .with("audio -> image", b.audio_to_image)
        .with("image -> audio", b.image_to_audio),
        Claim::bar(
            "zeroing_makes_it_shared",
            BIMODAL,
            b.audio_to_image - a.audio_to_image >= 0.10 && b.image_to_audio - a.image_to_audio >= 0.10,
            "zeroing: recipe B's transfer at least 0.10 above recipe A's each way on the first seed, from the \
             reference runs",
            format!(
                "Trained only on pairs with both inputs (recipe A), the same network transfers with {} and {} on \
                 the first seed (the comparison over the seeds follows).",
                num(a.audio_to_image),
                num(a.image_to_audio)
            ),
        )
        .with("A: audio -> image", a.audio_to_image)
        .with("A: image -> audio", a.image_to_audio)
        .with_comparison(&c_zero),
        Claim::bar(
            "fusion_and_cross_modality",
            BIMODAL,
            b.fusion >= 0.82 && b.image_only >= 0.68 && b.audio_only >= 0.62,
            "recipe B's shared code: fusion at least 0.82, image only at least 0.68, audio only at least 0.62, on \
             the first seed, from the reference runs",
            format!(
                "Multimodal fusion through the shared code (recipe B): {}. Cross-modality learning, one modality in \
                 training and testing: image {}, audio {}.",
                num(b.fusion),
                num(b.image_only),
                num(b.audio_only)
            ),
        )
        .with("fusion", b.fusion)
        .with("image only", b.image_only)
        .with("audio only", b.audio_only),
        Claim::lecture(
            "bimodal_transfer",
            BIMODAL,
            "bimodal_autoencoder_transfer",
            "recipe B (one modality zeroed in training) ahead of recipe A (both inputs only) at transfer, the mean \
             of both directions, on every seed; and the image it rebuilds from the audio alone closer to the truth \
             than the mean image on every seed",
            if fills_in { c_zero.verdict_a_better() } else { Verdict::DoesNotHold },
            format!(
                "{}over the seeds, {}; the image it rebuilds from the audio alone is off by {} to {} per pixel, against {} for the mean \
                 image.",
                if fills_in && c_zero.outcome == kit::compare::Outcome::AAhead {
                    "Recipe B's code can be computed from one modality and used for the other. At transfer (mean of \
                     both directions), "
                } else {
                    "At transfer (mean of both directions), "
                },
                c_zero.sentence(),
                num(fill_b.iter().copied().fold(f64::INFINITY, f64::min)),
                num(fill_b.iter().copied().fold(f64::NEG_INFINITY, f64::max)),
                num(f.global_mean)
            ),
        )
        .with_comparison(&c_zero),
    ];
    if ok(&recipe(r, B_DECAY, transfer)) && ok(&recipe(r, B_PRETRAINED, transfer)) {
        let d = r.recipe(B_DECAY).map_or(0.0, |d| d.recipe.weight_decay);
        let c_dt = compare(
            "recipe B with weight decay",
            &recipe(r, B_DECAY, transfer),
            "recipe B",
            &recipe(r, B, transfer),
            ACCURACY,
        );
        let c_df = compare(
            "recipe B with weight decay",
            &recipe(r, B_DECAY, |b| b.fusion),
            "recipe B",
            &recipe(r, B, |b| b.fusion),
            ACCURACY,
        );
        let c_pt = compare(
            "recipe B after pre-training on both",
            &recipe(r, B_PRETRAINED, transfer),
            "recipe B",
            &recipe(r, B, transfer),
            ACCURACY,
        );
        out.push(
            Claim::finding(
                "weight_decay_and_pretraining",
                RECIPES,
                format!(
                    "With weight decay {}: at transfer (mean of both directions), {}; at fusion, {}. With \
                     pre-training on both inputs for the first half of the epochs, at transfer, {}.",
                    d,
                    c_dt.sentence(),
                    c_df.sentence(),
                    c_pt.sentence()
                ),
            )
            .with_comparison(&c_dt)
            .with_comparison(&c_df)
            .with_comparison(&c_pt),
        );
    } else {
        out.push(Claim::not_computed(
            "weight_decay_and_pretraining",
            RECIPES,
            &Missing::new(format!("every seed's run of {} and {}", B_DECAY, B_PRETRAINED)),
        ));
    }
    let (bf_ai, bf_ia) = (recipe(r, B_FRESH, |b| b.audio_to_image), recipe(r, B_FRESH, |b| b.image_to_audio));
    if ok(&bf_ai) && ok(&bf_ia) && ok(&recipe(r, A_FRESH, transfer)) {
        let c_ai = compare(
            "a fresh partner",
            &bf_ai,
            "the fixed partner",
            &recipe(r, B, |b| b.audio_to_image),
            ACCURACY,
        );
        let c_ia = compare(
            "a fresh partner",
            &bf_ia,
            "the fixed partner",
            &recipe(r, B, |b| b.image_to_audio),
            ACCURACY,
        );
        let c_a = compare(
            "recipe B with fresh partners",
            &recipe(r, B_FRESH, transfer),
            "recipe A with fresh partners",
            &recipe(r, A_FRESH, transfer),
            ACCURACY,
        );
        out.push(
            Claim::finding(
                "fresh_partners",
                RECIPES,
                format!(
                    "Recipe B with a fresh same-digit partner at every step instead of the fixed pairs: audio to \
                     image, {}; image to audio, {}. With fresh partners too, {}.",
                    c_ai.sentence(),
                    c_ia.sentence(),
                    c_a.sentence()
                ),
            )
            .with_comparison(&c_ai)
            .with_comparison(&c_ia)
            .with_comparison(&c_a),
        );
    } else {
        out.push(Claim::not_computed(
            "fresh_partners",
            RECIPES,
            &Missing::new(format!("every seed's run of {} and {}", A_FRESH, B_FRESH)),
        ));
    }
    let c_fill = compare("recipe B", &fill_b, "recipe A", &recipe(r, A, |b| b.image_from_audio_mse), ERROR);
    let gain = (f.global_mean - b.image_from_audio_mse) / (f.global_mean - f.class_mean_oracle).max(1e-12);
    out.push(
        Claim::bar(
            "image_from_audio",
            FILL,
            b.image_from_audio_mse < f.global_mean,
            "recipe B's image rebuilt from the audio closer to the truth than the mean image, first seed, from the \
             specification",
            format!(
                "Rebuilt from the audio alone (recipe B), test images are off by {} per pixel (standardised units), \
                 against {} for the mean image and {} for the mean image of the right digit (an oracle): {:.0}% of the \
                 way from the mean image to the oracle. Recipe A's rebuilt images are off by {}; over the seeds, {}.",
                num(b.image_from_audio_mse),
                num(f.global_mean),
                num(f.class_mean_oracle),
                100.0 * gain,
                num(a.image_from_audio_mse),
                c_fill.sentence()
            ),
        )
        .with("rebuilt from audio", b.image_from_audio_mse)
        .with("global mean", f.global_mean)
        .with("class-mean oracle", f.class_mean_oracle)
        .with("share of the way to the oracle", gain)
        .with_comparison(&c_fill),
    );
    out
}

fn baselines(r: &Report) -> Vec<Claim> {
    const CCA: &str = "linear CCA";
    const SEPARATE: &str = "two unimodal autoencoders";
    let mut out = Vec::new();
    let b_transfer = recipe(r, B, transfer);
    let cca_transfer = baseline(r, CCA, |c| (c.audio_to_image + c.image_to_audio) / 2.0);
    if ok(&b_transfer) && ok(&cca_transfer) {
        let c =
            compare("linear CCA", &cca_transfer, "the bimodal autoencoder (recipe B)", &b_transfer, ACCURACY);
        out.push(
            Claim::finding(
                "cca_matches",
                BASELINES,
                format!(
                    "At transfer (mean of both directions), {}{}",
                    c.sentence(),
                    match c.outcome {
                        kit::compare::Outcome::AAhead => {
                            ": a closed-form linear map per modality beats the deep model at what the deep model was \
                             built for."
                        }
                        kit::compare::Outcome::BAhead => ": the deep model beats the closed-form linear maps.",
                        kit::compare::Outcome::Indistinguishable => ".",
                    }
                ),
            )
            .with_comparison(&c),
        );
    } else {
        out.push(Claim::not_computed(
            "cca_matches",
            BASELINES,
            &Missing::new(format!("every seed's run of {} and {}", B, CCA)),
        ));
    }
    let sep: [Vec<f64>; 3] = [
        baseline(r, SEPARATE, |s| s.fusion),
        baseline(r, SEPARATE, |s| s.image_only),
        baseline(r, SEPARATE, |s| s.audio_only),
    ];
    let shared: [Vec<f64>; 3] =
        [recipe(r, B, |b| b.fusion), recipe(r, B, |b| b.image_only), recipe(r, B, |b| b.audio_only)];
    if sep.iter().chain(&shared).all(|v| ok(v)) {
        let cs: Vec<Comparison> = ["fusion", "the image alone", "the audio alone"]
            .iter()
            .zip(sep.iter().zip(&shared))
            .map(|(_, (s, b))| compare("a pair of separate autoencoders", s, "the shared code", b, ACCURACY))
            .collect();
        let all_separate = cs.iter().all(|c| c.outcome == kit::compare::Outcome::AAhead);
        let mut claim = Claim::finding(
            "separate_codes_fuse_better",
            BASELINES,
            format!(
                "{} At fusion, {}; with the image alone, {}; with the audio alone, {}.",
                if all_separate {
                    "Without transfer, the shared code is the worse representation: two separate autoencoders, \
                     trained on one modality each, beat it at all three settings that need no transfer."
                } else {
                    "Against two separate autoencoders, at the settings that need no transfer."
                },
                cs[0].sentence(),
                cs[1].sentence(),
                cs[2].sentence()
            ),
        );
        for c in &cs {
            claim = claim.with_comparison(c);
        }
        out.push(claim);
    } else {
        out.push(Claim::not_computed(
            "separate_codes_fuse_better",
            BASELINES,
            &Missing::new(format!("every seed's run of {} and {}", B, SEPARATE)),
        ));
    }
    if let Some(s) = r.baselines.rows.iter().find(|row| row.name == SEPARATE) {
        out.push(
            Claim::finding(
                "separate_codes_do_not_transfer",
                BASELINES,
                format!(
                    "Two unimodal autoencoders, each with its own {}-number code, transfer at {} and {} (first seed; \
                     chance is 0.1): their codes are separate spaces whose coordinates mean different things.",
                    r.unimodal.iter().filter(|u| u.denoising).map(|u| u.k).next().unwrap_or(32),
                    num(s.audio_to_image),
                    num(s.image_to_audio)
                ),
            )
            .with("fusion", s.fusion)
            .with("audio -> image", s.audio_to_image)
            .with("image -> audio", s.image_to_audio),
        );
    } else {
        out.push(Claim::not_computed(
            "separate_codes_do_not_transfer",
            BASELINES,
            &Missing::new(format!("the first seed's run of {SEPARATE}")),
        ));
    }
    out
}

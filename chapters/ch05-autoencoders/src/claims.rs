//! The conclusions the chapter's page draws, computed from its report.

use kit::claims::num;
use kit::compare::{ACCURACY, Comparison, Metric};
use kit::{Claim, Verdict, compare};

use crate::baselines::BaselineRow;
use crate::bimodal::BimodalRow;
use crate::{Modality, Report, Seed};

const AE: &str = "the-autoencoder";
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

fn ok(v: &[f64]) -> bool {
    v.iter().all(|x| x.is_finite())
}

fn autoencoder(r: &Report) -> Vec<Claim> {
    let rows: Vec<_> = r.unimodal.iter().filter(|u| !u.denoising).collect();
    let above = rows.iter().filter(|u| u.test_mse >= u.pca_mse).count();
    let widths = rows.iter().filter(|u| u.modality == Modality::Image).count();
    let worst = rows.iter().map(|u| u.test_mse / u.pca_mse.max(1e-12)).fold(0.0f64, f64::max);
    let mut pca = Claim::finding(
        "pca_is_the_linear_bound",
        AE,
        format!(
            "At {} of the {} pairs of modality and code width ({} widths on each modality) the autoencoder's test \
             error is at or above PCA's with the same number of dimensions, up to {:.2} times PCA's (first seed).{} \
             Whether a deeper autoencoder or longer training would get below PCA is exercise 2.",
            above,
            rows.len(),
            widths,
            worst,
            if above == rows.len() {
                format!(
                    " Trained like this (one tanh layer, a linear decoder, {} epochs), learning the code does not \
                     reach the best linear reconstruction.",
                    r.epochs
                )
            } else {
                String::new()
            }
        ),
    )
    .with("pairs at or above PCA", above as f64)
    .with("largest autoencoder / PCA error ratio", worst);
    for u in &rows {
        pca = pca.with(
            &format!("{} k = {}: autoencoder / PCA error", u.modality.name(), u.k),
            u.test_mse / u.pca_mse,
        );
    }
    let mut out = vec![pca];
    out.extend(audio_compresses(r));
    for m in [Modality::Image, Modality::Audio] {
        let code = r.unimodal.iter().filter(|u| u.modality == m && !u.denoising).map(|u| u.k).max();
        let Some(k) = code else { continue };
        let probe = |denoising: bool| {
            r.per_seed(|s: &Seed| {
                s.unimodal
                    .iter()
                    .find(|u| u.modality == m && u.k == k && u.denoising == denoising)
                    .map_or(f64::NAN, |u| u.probe)
            })
        };
        let (noisy, plain) = (probe(true), probe(false));
        if !(ok(&noisy) && ok(&plain)) {
            continue;
        }
        let c = compare("the denoising code", &noisy, "the plain code", &plain, ACCURACY);
        let first = |d: bool| r.unimodal.iter().find(|u| u.modality == m && u.k == k && u.denoising == d);
        let (Some(p), Some(d)) = (first(false), first(true)) else { continue };
        out.push(
            Claim::finding(
                &format!("denoising_{}", m.name()),
                AE,
                format!(
                    "On the {} with a {k}-number code, the denoising autoencoder reconstructs clean test inputs with \
                     error {} (plain: {}) on the first seed. A linear probe reads the digit from its code: {}.",
                    m.name(),
                    num(d.test_mse),
                    num(p.test_mse),
                    c.sentence()
                ),
            )
            .with("denoising probe, first seed", d.probe)
            .with("plain probe, first seed", p.probe)
            .with_comparison(&c),
        );
    }
    out
}

/// Why Figure 5.1's audio curves sit so far below the image's: the spectrogram's
/// largest directions of variation keep most of its variance but little of its digit.
fn audio_compresses(r: &Report) -> Option<Claim> {
    let k = r.unimodal.iter().filter(|u| !u.denoising).map(|u| u.k).min()?;
    let at = |m: Modality| r.unimodal.iter().find(|u| u.modality == m && u.k == k && !u.denoising);
    let (image, audio) = (at(Modality::Image)?, at(Modality::Audio)?);
    // Chance, to the precision a reader needs (0.1 for ten digits).
    let chance = (1000.0 / r.classes.max(1) as f64).round() / 1000.0;
    let snr = match r.audio_pc1_snr {
        Some(c) if c >= 0.5 => format!(
            " The largest of those directions tracks the noise level: the audio's first principal component \
             follows the utterance's SNR, |r| = {} over the test pairs.",
            num(c)
        ),
        Some(c) => format!(
            " Noise level explains little of it (the audio's first principal component against the utterance's \
             SNR: |r| = {} over the test pairs); what those directions do carry is not measured here.",
            num(c)
        ),
        None => String::new(),
    };
    let opening = if audio.pca_mse < 0.5 * image.pca_mse {
        "The audio is far more compressible than the image, which is why its curves in Figure 5.1 sit lower:"
    } else if audio.pca_mse < image.pca_mse {
        "The audio is more compressible than the image:"
    } else {
        "The audio is not more compressible than the image:"
    };
    let reading = if audio.probe < image.probe {
        "the spectrogram's largest directions of variation keep most of its variance but little of its digit"
    } else {
        "its largest directions of variation carry the digit as well"
    };
    let sentence = format!(
        "{opening} with {k} numbers PCA leaves {} of the audio's variance unexplained and {} of the image's. Yet a \
         linear probe reads the digit from the {k}-number audio code with accuracy {} (image: {}; chance {}): \
         {reading}.{snr}",
        num(audio.pca_mse),
        num(image.pca_mse),
        num(audio.probe),
        num(image.probe),
        chance,
    );
    let claim = Claim::finding("audio_compresses", AE, sentence)
        .with(&format!("audio PCA error, k = {k}"), audio.pca_mse)
        .with(&format!("image PCA error, k = {k}"), image.pca_mse)
        .with(&format!("audio probe, k = {k}"), audio.probe)
        .with(&format!("image probe, k = {k}"), image.probe);
    Some(match r.audio_pc1_snr {
        Some(c) => claim.with("|r|, audio's first principal component against SNR", c),
        None => claim,
    })
}

fn bimodal(r: &Report) -> Vec<Claim> {
    let (Some(a), Some(b)) = (r.recipe(A), r.recipe(B)) else { return vec![] };
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
    }
    out
}

//! The claims of "The autoencoder": the code width against PCA, denoising, and why
//! the audio compresses better yet probes worse.

use kit::claims::num;
use kit::compare::ACCURACY;
use kit::{Claim, compare};

use crate::claims::{AE, ok};
use crate::{Modality, Report, Seed};

pub(crate) fn autoencoder(r: &Report) -> Vec<Claim> {
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

//! The claims of "The autoencoder": the code width against PCA, denoising, and why
//! the audio compresses better yet probes worse.

use kit::claims::{Missing, computed, need, num};
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
    let mut out = vec![pca, computed("audio_compresses", AE, audio_compresses(r))];
    for m in [Modality::Image, Modality::Audio] {
        out.push(computed(&format!("denoising_{}", m.name()), AE, denoising(r, m)));
    }
    out
}

/// The denoising autoencoder against the plain one, on modality `m` at its widest code.
fn denoising(r: &Report, m: Modality) -> Result<Claim, Missing> {
    let code = r.unimodal.iter().filter(|u| u.modality == m && !u.denoising).map(|u| u.k).max();
    let k = need(code, format!("an autoencoder of the {} (the code-width sweep is empty)", m.name()))?;
    let probe = |denoising: bool| {
        r.per_seed(|s: &Seed| {
            s.unimodal
                .iter()
                .find(|u| u.modality == m && u.k == k && u.denoising == denoising)
                .map_or(f64::NAN, |u| u.probe)
        })
    };
    let (noisy, plain) = (probe(true), probe(false));
    let runs = format!("every seed's plain and denoising autoencoder of the {} at k = {k}", m.name());
    need((ok(&noisy) && ok(&plain)).then_some(()), runs)?;
    let c = compare("the denoising code", &noisy, "the plain code", &plain, ACCURACY);
    let first = |d: bool| r.unimodal.iter().find(|u| u.modality == m && u.k == k && u.denoising == d);
    let on_first = format!("the first seed's plain and denoising autoencoder of the {} at k = {k}", m.name());
    let (p, d) = need(first(false).zip(first(true)), on_first)?;
    Ok(Claim::finding(
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
    .with_comparison(&c))
}

/// Why Figure 5.1's audio curves sit so far below the image's: the spectrogram's
/// largest directions of variation keep most of its variance but little of its digit.
fn audio_compresses(r: &Report) -> Result<Claim, Missing> {
    let k = need(
        r.unimodal.iter().filter(|u| !u.denoising).map(|u| u.k).min(),
        "the code-width sweep (it is empty)",
    )?;
    let at = |m: Modality| {
        let name =
            format!("the autoencoder of the {} at k = {k} (the sweep runs every width on both)", m.name());
        need(r.unimodal.iter().find(|u| u.modality == m && u.k == k && !u.denoising), name)
    };
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
    Ok(match r.audio_pc1_snr {
        Some(c) => claim.with("|r|, audio's first principal component against SNR", c),
        None => claim,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_run_is_named_instead_of_dropping_its_claims() {
        let full = || -> Report {
            serde_json::from_str(include_str!("../../../book/src/ch05-autoencoders/results.json")).unwrap()
        };
        let ids = |cs: &[Claim]| cs.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        let all = crate::claims(&full());
        assert!(all.iter().all(|c| c.missing.is_none()));
        // The denoising audio autoencoder left out of the first seed's runs.
        let mut r = full();
        r.unimodal.retain(|u| !(u.denoising && u.modality == Modality::Audio));
        let after = crate::claims(&r);
        assert_eq!(ids(&after), ids(&all), "no claim vanishes");
        let missing: Vec<(&str, &str)> =
            after.iter().filter_map(|c| Some((c.id.as_str(), c.missing.as_deref()?))).collect();
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert_eq!(missing[0].0, "denoising_audio");
        assert!(missing[0].1.contains("plain and denoising autoencoder of the audio at k = "), "{missing:?}");
    }
}

//! The claims of the coordination sweep, the fixed-pair runs and CCA: the
//! conclusions the page draws about coordinated representations.

use kit::Claim;
use kit::claims::num;

use crate::claims::{CCA, FRESH, SWEEP, lambda, sweep};
use crate::{Alignment, CoordinatedRow, Pairing, Report};

pub(crate) fn sweep_claims(r: &Report) -> Vec<Claim> {
    let mut out = Vec::new();
    let margin = sweep(r, Alignment::Margin, Pairing::Fresh);
    if let (Some(m0), Some(m01), Some(m1)) = (at(&margin, 0.0), at(&margin, 0.1), at(&margin, 1.0)) {
        let (a, b, c) = (m0.measured.p10, m01.measured.p10, m1.measured.p10);
        let rises = b - a >= 0.08 && c - b >= 0.08;
        out.push(
            Claim::required(
                "margin_rises",
                SWEEP,
                rises,
                format!(
                    "{} the margin loss, cross-modal precision@10 goes from {} at λ = 0 to {} at λ = 0.1 and {} \
                     at λ = 1 (bar: each step a rise of at least 0.08).",
                    if rises { "Stronger coordination brings the two spaces together: with" } else { "With" },
                    num(a),
                    num(b),
                    num(c)
                ),
            )
            .with("P@10, λ = 0", a)
            .with("P@10, λ = 0.1", b)
            .with("P@10, λ = 1", c),
        );
    }
    if let Some(m1) = at(&margin, 1.0) {
        let m = &m1.measured;
        let strong = m.p10 >= 0.5 && m.transfer_audio_to_image >= 0.4 && m.transfer_image_to_audio >= 0.4;
        out.push(
            Claim::required(
                "margin_strong",
                SWEEP,
                strong,
                format!(
                    "At λ = 1 the margin loss gives precision@10 {} (bar 0.5), and a classifier trained on audio \
                     codes labels image codes with accuracy {}, one trained on image codes labels audio codes \
                     with {} (bar 0.4 each way){}",
                    num(m.p10),
                    num(m.transfer_audio_to_image),
                    num(m.transfer_image_to_audio),
                    if strong {
                        ": the spaces are coordinated enough to learn from one modality and apply to the other."
                    } else {
                        "."
                    }
                ),
            )
            .with("P@10", m.p10)
            .with("transfer audio -> image", m.transfer_audio_to_image)
            .with("transfer image -> audio", m.transfer_image_to_audio),
        );
    }
    if let Some(m0) = at(&margin, 0.0) {
        let m = &m0.measured;
        out.push(
            Claim::required(
                "weak_is_separate",
                SWEEP,
                m.p10 <= 0.25,
                format!(
                    "At λ = 0 (weak coordination: two separate spaces) precision@10 is {} (bar: at most 0.25; \
                     chance is 0.1) and transfer is {} and {}{}",
                    num(m.p10),
                    num(m.transfer_audio_to_image),
                    num(m.transfer_image_to_audio),
                    if m.p10 <= 0.25 && m.transfer() < 0.3 {
                        ": each space means something for its own modality and next to nothing for the other."
                    } else {
                        "."
                    }
                ),
            )
            .with("P@10", m.p10),
        );
    }
    if !margin.is_empty() {
        let min_image = margin.iter().map(|c| c.measured.probe_image).fold(1.0, f64::min);
        let min_audio = margin.iter().map(|c| c.measured.probe_audio).fold(1.0, f64::min);
        out.push(
            Claim::required(
                "probes_stay",
                SWEEP,
                min_image >= 0.75 && min_audio >= 0.77,
                format!(
                    "{} λ, a linear probe reads the digit from the image code with at least {} accuracy \
                     and from the audio code with at least {} (bars 0.75 and 0.77).",
                    if min_image >= 0.75 && min_audio >= 0.77 {
                        "Coordination does not cost either modality its own information: across"
                    } else {
                        "Across"
                    },
                    num(min_image),
                    num(min_audio)
                ),
            )
            .with("lowest image probe", min_image)
            .with("lowest audio probe", min_audio),
        );
    }
    if let (Some(weak), Some(strong)) = (margin.first(), margin.last()) {
        let merged = strong.modality_share < 0.5 * weak.modality_share;
        out.push(
            Claim::observation(
                "spaces_merge",
                SWEEP,
                merged,
                format!(
                    "Which modality a code came from explains {} of the test codes' variance at λ = {} and {} at \
                     λ = {}{}: {}",
                    num(weak.modality_share),
                    lambda(weak.lambda),
                    num(strong.modality_share),
                    lambda(strong.lambda),
                    if merged {
                        format!(
                            " ({} less)",
                            kit::claims::times(weak.modality_share / strong.modality_share.max(1e-12))
                        )
                    } else {
                        String::new()
                    },
                    if merged {
                        "weak coordination leaves two regions, one per modality, and strong coordination \
                         merges them, digit by digit."
                    } else {
                        "strong coordination does not merge the two modalities' regions here."
                    }
                ),
            )
            .with("modality share, weak", weak.modality_share)
            .with("modality share, strong", strong.modality_share),
        );
    }
    out.extend(pairing_claims(r));
    out
}

fn at<'a>(rows: &[&'a CoordinatedRow], l: f32) -> Option<&'a CoordinatedRow> {
    rows.iter().find(|c| c.lambda == l).copied()
}

fn peak(rows: &[&CoordinatedRow]) -> Option<(f32, f64)> {
    rows.iter().map(|c| (c.lambda, c.measured.p10)).max_by(|a, b| a.1.total_cmp(&b.1))
}

fn pairing_claims(r: &Report) -> Vec<Claim> {
    let mut out = Vec::new();
    let fixed = sweep(r, Alignment::InfoNce, Pairing::Fixed);
    let fresh = sweep(r, Alignment::InfoNce, Pairing::Fresh);
    if let (Some(fx), Some(fr)) =
        (fixed.last(), fresh.iter().find(|c| Some(c.lambda) == fixed.last().map(|f| f.lambda)))
    {
        let memorised = fx.measured.train_r1 > 10.0 * fr.measured.train_r1.max(0.01);
        out.push(
            Claim::observation(
                "fixed_pairs_memorised",
                FRESH,
                memorised,
                format!(
                    "Trained on the fixed pairs with InfoNCE at λ = {}, the codes find a training image's own \
                     utterance first among all 1438 for {} of the training pairs, but for only {} of the test \
                     pairs (the cap is {}); with fresh partners the training figure is {}. {}",
                    lambda(fx.lambda),
                    num(fx.measured.train_r1),
                    num(fx.measured.r1),
                    num(r.settings.r1_cap),
                    num(fr.measured.train_r1),
                    if memorised {
                        "The fixed pairs are memorised: the loss learns which utterance goes with which image, \
                         a fact that does not generalise, because there is nothing to generalise."
                    } else {
                        "The fixed pairs are not memorised here."
                    }
                ),
            )
            .with("train R@1, fixed pairs", fx.measured.train_r1)
            .with("test R@1, fixed pairs", fx.measured.r1)
            .with("train R@1, fresh partners", fr.measured.train_r1),
        );
    }
    if let (Some((fixed_at, fixed_p)), Some((fresh_at, fresh_p))) = (peak(&fixed), peak(&fresh)) {
        let last = fixed.last().map_or(0.0, |c| c.measured.p10);
        let top = fixed.last().map_or(0.0, |c| c.lambda);
        out.push(
            Claim::observation(
                "infonce_peak",
                FRESH,
                fixed_at == top,
                format!(
                    "InfoNCE on the fixed pairs {}; with fresh partners it peaks at λ = {} (P@10 {}).",
                    if fixed_at == top {
                        format!("improves all the way to λ = {} (P@10 {})", lambda(top), num(fixed_p))
                    } else {
                        format!(
                            "peaks at λ = {} (P@10 {}) and falls to {} at λ = {}: stronger coordination on \
                             memorised pairs hurts",
                            lambda(fixed_at),
                            num(fixed_p),
                            num(last),
                            lambda(top)
                        )
                    },
                    lambda(fresh_at),
                    num(fresh_p)
                ),
            )
            .with("fixed: best λ", fixed_at as f64)
            .with("fixed: best P@10", fixed_p)
            .with("fixed: P@10 at largest λ", last)
            .with("fresh: best λ", fresh_at as f64)
            .with("fresh: best P@10", fresh_p),
        );
    }
    out
}

pub(crate) fn cca_claims(r: &Report) -> Vec<Claim> {
    let c = &r.cca;
    let m = &c.measured;
    let transfer = m.transfer();
    let margin = sweep(r, Alignment::Margin, Pairing::Fresh);
    let below = margin.iter().filter(|row| row.measured.transfer() < transfer).map(|row| lambda(row.lambda));
    let below: Vec<String> = below.collect();
    let first9 = |v: &[f64]| v.iter().take(9).sum::<f64>() / 9f64.min(v.len() as f64).max(1.0);
    let rest = |v: &[f64]| {
        let tail: Vec<f64> = v.iter().skip(9).take(c.dims.saturating_sub(9)).copied().collect();
        tail.iter().sum::<f64>() / tail.len().max(1) as f64
    };
    let (train9, test9, test_rest) =
        (first9(&c.correlations), first9(&c.test_correlations), rest(&c.test_correlations));
    vec![
        Claim::required(
            "cca_transfer",
            CCA,
            m.transfer_audio_to_image >= 0.65 || m.transfer_image_to_audio >= 0.65,
            format!(
                "In CCA's {}-d canonical space a classifier trained on audio labels images with accuracy {} and \
                 one trained on images labels audio with {} (bar 0.65 for the better direction).",
                c.dims,
                num(m.transfer_audio_to_image),
                num(m.transfer_image_to_audio)
            ),
        )
        .with("transfer audio -> image", m.transfer_audio_to_image)
        .with("transfer image -> audio", m.transfer_image_to_audio),
        Claim::observation(
            "cca_vs_learned",
            CCA,
            !below.is_empty() && below.len() < margin.len(),
            format!(
                "CCA's mean transfer, {}, {}; its precision@10 is {}{}",
                num(transfer),
                if below.is_empty() {
                    "is above every margin-loss model".to_string()
                } else if below.len() == margin.len() {
                    "is below every margin-loss model".to_string()
                } else {
                    format!("beats the margin loss at λ = {} and falls below it at larger λ", below.join(", "))
                },
                num(m.p10),
                if !below.is_empty() && below.len() < margin.len() {
                    ": a closed-form linear map coordinates the spaces as well as weak learned coordination, \
                     without a training loop, and the learned encoders at strong coordination go further."
                } else {
                    "."
                }
            ),
        )
        .with("CCA transfer", transfer)
        .with("CCA P@10", m.p10),
        Claim::observation(
            "cca_nine_directions",
            CCA,
            test_rest < 0.5 * test9,
            format!(
                "On the training pairs the first nine canonical correlations average {}; on the test pairs they \
                 average {}, and directions 10 to {} only {}. {}",
                num(train9),
                num(test9),
                c.dims,
                num(test_rest),
                if test_rest < 0.5 * test9 {
                    "Ten digits can be told apart along nine directions, and that is all the pairs share: the \
                     rest of the training correlation is fitted noise."
                } else {
                    "The correlation does not concentrate in the first nine directions here."
                }
            ),
        )
        .with("train, first 9", train9)
        .with("test, first 9", test9)
        .with("test, the rest", test_rest),
        Claim::observation(
            "cca_fits_the_pairing",
            CCA,
            m.train_r1 > 10.0 * r.settings.r1_cap,
            format!(
                "Fitted to the fixed pairs, CCA finds a training image's own utterance first among all {} for {} \
                 of the training pairs, and for {} of the test pairs. {}",
                r.settings.train,
                num(m.train_r1),
                num(m.r1),
                if m.train_r1 > 10.0 * r.settings.r1_cap {
                    "With 400 audio features, a linear map has the freedom to fit the arbitrary pairing itself: \
                     the fitted noise of the directions beyond the ninth, the same memorising the learned losses \
                     show on fixed pairs."
                } else {
                    "It does not fit the pairing itself."
                }
            ),
        )
        .with("train R@1", m.train_r1)
        .with("test R@1", m.r1),
    ]
}

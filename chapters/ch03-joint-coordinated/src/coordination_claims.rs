//! The claims of the coordination sweep and the fixed-pair runs: the conclusions the
//! page draws about coordinated representations (CCA's are in `cca_claims.rs`).

use kit::Claim;
use kit::claims::{Missing, need, num};
use kit::compare::{Comparison, Metric, Outcome};

use crate::claims::{FRESH, P10, SWEEP, lambda, over_seeds, row, sweep, top_lambda};
use crate::{Alignment, CoordinatedRow, Pairing, Report};

pub(crate) const TRANSFER: Metric = Metric::higher("transfer accuracy", "");

pub(crate) fn sweep_claims(r: &Report) -> Vec<Claim> {
    let mut out = Vec::new();
    let margin = sweep(r, Alignment::Margin, Pairing::Fresh);
    match at(&margin, 0.0) {
        Err(missing) => out.push(Claim::not_computed("weak_is_separate", SWEEP, &missing)),
        Ok(m0) => {
            let m = &m0.measured;
            out.push(
            Claim::bar(
                "weak_is_separate",
                SWEEP,
                m.p10 <= 0.25,
                "precision@10 at most 0.25 at λ = 0 (chance is 0.1), from the reference runs",
                format!(
                    "At λ = 0 precision@10 is {} and transfer {} (audio → image) and {} (image → audio){}",
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
    }
    // Only when the sweep has λ = 0.1, as the full run's does (the quick run's does not).
    if let (Ok(m0), Ok(m01), Ok(m1)) = (at(&margin, 0.0), at(&margin, 0.1), at(&margin, 1.0)) {
        let (a, b, c) = (m0.measured.p10, m01.measured.p10, m1.measured.p10);
        let rises = b - a >= 0.08 && c - b >= 0.08;
        let steps: Vec<Comparison> = margin
            .windows(2)
            .filter_map(|w| {
                over_seeds(
                    r,
                    &format!("λ = {}", lambda(w[1].lambda)),
                    |s| Some(row(s, Alignment::Margin, w[1].lambda, Pairing::Fresh)?.measured.p10),
                    &format!("λ = {}", lambda(w[0].lambda)),
                    |s| Some(row(s, Alignment::Margin, w[0].lambda, Pairing::Fresh)?.measured.p10),
                    P10,
                )
            })
            .collect();
        let seeds = steps.iter().map(Comparison::seeds).min().unwrap_or(0);
        let verdict = if !steps.is_empty() && steps.iter().all(|c| c.outcome == Outcome::AAhead) {
            let smallest = steps
                .iter()
                .min_by(|x, y| x.range().0.total_cmp(&y.range().0))
                .map(|c| format!("{} against {}, by {}", c.a, c.b, c.show(c.range().0)))
                .unwrap_or_default();
            format!("it rises at every step on each of the {seeds} seeds (the smallest rise: {smallest})")
        } else {
            let unsure: Vec<String> =
                steps.iter().filter(|c| c.outcome != Outcome::AAhead).map(Comparison::sentence).collect();
            format!("step by step over {seeds} seeds, {}", unsure.join("; "))
        };
        let mut claim = Claim::bar(
            "margin_rises",
            SWEEP,
            rises,
            "precision@10 up by at least 0.08 from λ = 0 to 0.1 and from 0.1 to 1 (two of the sweep's four \
             steps), on the page's seed, from the reference runs",
            format!(
                "With the margin loss, precision@10 goes {} → {} → {} at λ = 0, 0.1, 1 on the page's seed; \
                 over the whole sweep, {verdict}.",
                num(a),
                num(b),
                num(c)
            ),
        )
        .with("P@10, λ = 0", a)
        .with("P@10, λ = 0.1", b)
        .with("P@10, λ = 1", c);
        for s in &steps {
            claim = claim.with_comparison(s);
        }
        out.push(claim);
    }
    match at(&margin, 1.0) {
        Err(missing) => out.push(Claim::not_computed("margin_strong", SWEEP, &missing)),
        Ok(m1) => {
            let m = &m1.measured;
            let strong = m.p10 >= 0.5 && m.transfer_audio_to_image >= 0.4 && m.transfer_image_to_audio >= 0.4;
            out.push(
            Claim::bar(
                "margin_strong",
                SWEEP,
                strong,
                "at λ = 1, precision@10 at least 0.5 and transfer at least 0.4 each way, from the reference runs",
                format!(
                    "At λ = 1 the margin loss gives precision@10 {}, and transfer {} (audio → image) and {} \
                     (image → audio){}",
                    num(m.p10),
                    num(m.transfer_audio_to_image),
                    num(m.transfer_image_to_audio),
                    if strong {
                        ": a classifier learned on one modality can be applied to the other."
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
    }
    if !margin.is_empty() {
        let min_image = margin.iter().map(|c| c.measured.probe_image).fold(1.0, f64::min);
        let min_audio = margin.iter().map(|c| c.measured.probe_audio).fold(1.0, f64::min);
        out.push(
            Claim::bar(
                "probes_stay",
                SWEEP,
                min_image >= 0.75 && min_audio >= 0.77,
                "the lowest probe across λ at least 0.75 (image) and 0.77 (audio), from the reference runs",
                format!(
                    "Across λ, a linear probe reads the digit from the image code with at least {} accuracy and \
                     from the audio code with at least {}: each space keeps its own modality's digit.",
                    num(min_image),
                    num(min_audio)
                ),
            )
            .with("lowest image probe", min_image)
            .with("lowest audio probe", min_audio),
        );
    }
    if let (Some(weak), Some(strong)) = (margin.first(), margin.last())
        && let Some(c) = over_seeds(
            r,
            &format!("λ = {}", lambda(strong.lambda)),
            |s| Some(row(s, Alignment::Margin, strong.lambda, Pairing::Fresh)?.modality_share),
            &format!("λ = {}", lambda(weak.lambda)),
            |s| Some(row(s, Alignment::Margin, weak.lambda, Pairing::Fresh)?.modality_share),
            Metric::lower("modality share", ""),
        )
    {
        let split = weak.modality_separation > 2.0 && strong.modality_separation < 1.0;
        out.push(
            Claim::lecture(
                "spaces_merge",
                SWEEP,
                "coordination_strength",
                &format!(
                    "the share of the test codes' variance explained by their modality, margin loss at λ = {} \
                     against λ = {}, over {} seeds: lower on every seed",
                    lambda(strong.lambda),
                    lambda(weak.lambda),
                    c.seeds()
                ),
                c.verdict_a_better(),
                format!(
                    "Which modality a code came from explains {} of the test codes' variance at λ = {} and {} at \
                     λ = {}; over {} seeds, {}. Along the line through the two modalities' mean codes, the means \
                     sit {:.1} pooled standard deviations apart at λ = {} and {:.1} at λ = {}{}",
                    num(weak.modality_share),
                    lambda(weak.lambda),
                    num(strong.modality_share),
                    lambda(strong.lambda),
                    c.seeds(),
                    c.sentence(),
                    weak.modality_separation,
                    lambda(weak.lambda),
                    strong.modality_separation,
                    lambda(strong.lambda),
                    if split {
                        ": a small share of the variance is enough to split the codes into two regions (Figure \
                         3.4), and strong coordination merges them (Figure 3.5)."
                    } else {
                        "."
                    }
                ),
            )
            .with("modality share, weak", weak.modality_share)
            .with("modality share, strong", strong.modality_share)
            .with("separation, weak", weak.modality_separation)
            .with("separation, strong", strong.modality_separation)
            .with_comparison(&c),
        );
    }
    out.extend(pairing_claims(r));
    out
}

/// The margin loss's row at `l` with fresh partners, or the error naming it.
fn at<'a>(rows: &[&'a CoordinatedRow], l: f32) -> Result<&'a CoordinatedRow, Missing> {
    let name =
        format!("the margin loss at λ = {} with fresh partners (keep it in the sweep's λs)", lambda(l));
    need(rows.iter().find(|c| c.lambda == l).copied(), name)
}

fn pairing_claims(r: &Report) -> Vec<Claim> {
    let mut out = Vec::new();
    let runs = || -> Result<_, Missing> {
        let top = need(top_lambda(r), "a coordinated model (the sweep's λs are empty)")?;
        let infonce = |pairing| {
            let pairs = if pairing == Pairing::Fixed { "the fixed pairs" } else { "fresh partners" };
            let name = format!("InfoNCE at λ = {} on {pairs} (the run trains it)", lambda(top));
            need(r.coordinated(Alignment::InfoNce, top, pairing), name)
        };
        Ok((top, infonce(Pairing::Fixed)?, infonce(Pairing::Fresh)?))
    };
    let (top, fx, fr) = match runs() {
        Ok(runs) => runs,
        Err(missing) => {
            return ["fixed_pairs_memorised", "memorising_hurts"]
                .iter()
                .map(|id| Claim::not_computed(id, FRESH, &missing))
                .collect();
        }
    };
    let of = |pairing: Pairing, f: fn(&CoordinatedRow) -> f64| {
        move |s: &crate::SeedRun| Some(f(row(s, Alignment::InfoNce, top, pairing)?))
    };
    if let Some(c) = over_seeds(
        r,
        "InfoNCE on the fixed pairs",
        of(Pairing::Fixed, |c| c.measured.train_r1),
        "InfoNCE on fresh partners",
        of(Pairing::Fresh, |c| c.measured.train_r1),
        Metric::higher("training R@1", ""),
    ) {
        let memorised = c.outcome == Outcome::AAhead && fx.measured.r1 <= 2.0 * r.settings.r1_cap;
        let by_loss = over_seeds(
            r,
            "InfoNCE",
            of(Pairing::Fixed, |c| c.measured.train_r1),
            "the margin loss",
            |s| Some(row(s, Alignment::Margin, top, Pairing::Fixed)?.measured.train_r1),
            Metric::higher("training R@1", ""),
        );
        out.push(
            Claim::finding(
                "fixed_pairs_memorised",
                FRESH,
                format!(
                    "Trained on the fixed pairs with InfoNCE at λ = {}, the codes rank a training image's own \
                     utterance first for {} of the training pairs, but for only {} of the test pairs (the cap is \
                     {}); with fresh partners the training figure is {}. Over {} seeds, {}.{}{}",
                    lambda(top),
                    num(fx.measured.train_r1),
                    num(fx.measured.r1),
                    num(r.settings.r1_cap),
                    num(fr.measured.train_r1),
                    c.seeds(),
                    c.sentence(),
                    if memorised {
                        " The fixed pairs are memorised, which says nothing about a new pair."
                    } else {
                        ""
                    },
                    match &by_loss {
                        Some(b) => format!(
                            " On the same fixed pairs at λ = {}, {}{}",
                            lambda(top),
                            b.sentence(),
                            if b.outcome == Outcome::AAhead {
                                ". One explanation, not tested here: InfoNCE treats same-digit items of the batch as \
                                 negatives, where the margin loss masks them (exercise 2)."
                            } else {
                                "."
                            }
                        ),
                        None => String::new(),
                    }
                ),
            )
            .with("train R@1, fixed pairs", fx.measured.train_r1)
            .with("test R@1, fixed pairs", fx.measured.r1)
            .with("train R@1, fresh partners", fr.measured.train_r1)
            .with_comparison(&c),
        );
        if let (Some(b), Some(last)) = (by_loss, out.last_mut()) {
            *last = last.clone().with_comparison(&b);
        }
    }
    if let Some(c) = over_seeds(
        r,
        "InfoNCE on fresh partners",
        of(Pairing::Fresh, |c| c.measured.p10),
        "InfoNCE on the fixed pairs",
        of(Pairing::Fixed, |c| c.measured.p10),
        P10,
    ) {
        out.push(
            Claim::finding(
                "memorising_hurts",
                FRESH,
                format!(
                    "At λ = {}, InfoNCE's precision@10 is {} with fresh partners and {} on the fixed pairs; over \
                     {} seeds, {}{}",
                    lambda(top),
                    num(fr.measured.p10),
                    num(fx.measured.p10),
                    c.seeds(),
                    c.sentence(),
                    if c.outcome == Outcome::AAhead {
                        ": the model that memorises the pairing retrieves worse."
                    } else {
                        "."
                    }
                ),
            )
            .with("P@10, fresh", fr.measured.p10)
            .with("P@10, fixed", fx.measured.p10)
            .with_comparison(&c),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lambda_removed_from_the_sweep_is_an_error_naming_it() {
        let mut r: Report =
            serde_json::from_str(include_str!("../../../book/src/ch03-joint-coordinated/results.json"))
                .unwrap();
        let all = crate::claims(&r);
        assert!(all.iter().all(|c| c.missing.is_none()));
        r.coordinated.retain(|c| c.lambda != 1.0);
        let after = crate::claims(&r);
        let missing: Vec<(&str, &str)> =
            after.iter().filter_map(|c| Some((c.id.as_str(), c.missing.as_deref()?))).collect();
        assert_eq!(
            missing,
            [("margin_strong", "the margin loss at λ = 1 with fresh partners (keep it in the sweep's λs)")]
        );
        // margin_rises needs λ = 0.1 and 1: conditional on the sweep, as in the quick run.
        assert!(!after.iter().any(|c| c.id == "margin_rises"));
        let err = kit::claims::print_and_check("ch03", true, &after).unwrap_err().to_string();
        assert!(err.contains("margin_strong: needs the margin loss at λ = 1"), "{err}");
    }
}

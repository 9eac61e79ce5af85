//! The claims about CCA, the closed-form coordinated representation: against the
//! learned coordination at every λ, and how many of its directions carry the pairing.

use kit::Claim;
use kit::claims::num;
use kit::compare::{Comparison, Metric, Outcome};

use crate::claims::{CCA, P10, lambda, over_seeds, row, sweep};
use crate::coordination_claims::TRANSFER;
use crate::{Alignment, CoordinatedRow, Pairing, Report};

/// The margin-loss λ at which `b` (CCA) is behind, ahead, or indistinguishable, on `metric`.
fn against_margin(
    r: &Report,
    name: &str,
    cca: fn(&crate::SeedRun) -> f64,
    learned: fn(&CoordinatedRow) -> f64,
    metric: Metric,
) -> Vec<Comparison> {
    sweep(r, Alignment::Margin, Pairing::Fresh)
        .iter()
        .filter_map(|m| {
            over_seeds(
                r,
                name,
                |s| Some(cca(s)),
                &format!("λ = {}", lambda(m.lambda)),
                |s| Some(learned(row(s, Alignment::Margin, m.lambda, Pairing::Fresh)?)),
                metric,
            )
        })
        .collect()
}

/// "ahead of the margin loss at λ = 0, 0.01 and behind it at λ = 1, 10, on every one of the 3 seeds".
fn where_ahead(cs: &[Comparison]) -> String {
    let group = |o: Outcome| {
        cs.iter()
            .filter(|c| c.outcome == o)
            .map(|c| c.b.trim_start_matches("λ = ").to_string())
            .collect::<Vec<_>>()
    };
    let mut parts = Vec::new();
    for (o, words) in [
        (Outcome::AAhead, "ahead of the margin loss"),
        (Outcome::BAhead, "behind it"),
        (Outcome::Indistinguishable, "indistinguishable from it"),
    ] {
        let g = group(o);
        if !g.is_empty() {
            parts.push(format!("{words} at λ = {}", g.join(", ")));
        }
    }
    let seeds = cs.iter().map(Comparison::seeds).min().unwrap_or(0);
    let all_called = cs.iter().all(|c| c.outcome != Outcome::Indistinguishable);
    format!(
        "{}{}",
        parts.join(" and "),
        if all_called {
            format!(", on every one of the {seeds} seeds")
        } else {
            format!(" (over {seeds} seeds)")
        }
    )
}

pub(crate) fn cca_claims(r: &Report) -> Vec<Claim> {
    let c = &r.cca;
    let m = &c.measured;
    let few = &c.few;
    let first = |v: &[f64], k: usize| v.iter().take(k).sum::<f64>() / k.min(v.len()).max(1) as f64;
    let rest = |v: &[f64], k: usize| {
        let tail: Vec<f64> = v.iter().skip(k).take(c.dims.saturating_sub(k)).copied().collect();
        tail.iter().sum::<f64>() / tail.len().max(1) as f64
    };
    let k = c.few_dims;
    let (train_few, test_few) = (first(&c.correlations, k), first(&c.test_correlations, k));
    let (train_rest, test_rest) = (rest(&c.correlations, k), rest(&c.test_correlations, k));
    let transfer =
        against_margin(r, "CCA", |s| s.cca.measured.transfer(), |row| row.measured.transfer(), TRANSFER);
    let p10 = against_margin(r, "CCA", |s| s.cca.measured.p10, |row| row.measured.p10, P10);
    let mut out = vec![
        Claim::bar(
            "cca_transfer",
            CCA,
            m.transfer_audio_to_image >= 0.65 || m.transfer_image_to_audio >= 0.65,
            "transfer at least 0.65 in the better direction, from the reference runs",
            format!(
                "In CCA's {}-d canonical space, transfer is {} (audio → image) and {} (image → audio).",
                c.dims,
                num(m.transfer_audio_to_image),
                num(m.transfer_image_to_audio)
            ),
        )
        .with("transfer audio -> image", m.transfer_audio_to_image)
        .with("transfer image -> audio", m.transfer_image_to_audio),
    ];
    let mut vs = Claim::finding(
        "cca_vs_learned",
        CCA,
        format!(
            "CCA transfers well but retrieves poorly. Its mean transfer, {}, is {}; its precision@10, {}, is {}.",
            num(m.transfer()),
            where_ahead(&transfer),
            num(m.p10),
            where_ahead(&p10)
        ),
    )
    .with("CCA transfer", m.transfer())
    .with("CCA P@10", m.p10);
    for cmp in transfer.iter().chain(&p10) {
        vs = vs.with_comparison(cmp);
    }
    out.push(vs);
    let knee = c
        .test_correlations
        .get(k)
        .zip(c.test_correlations.get(k - 1))
        .filter(|(after, before)| after >= before);
    out.push(
        Claim::finding(
            "cca_directions",
            CCA,
            format!(
                "On the training pairs the first {k} canonical correlations average {} and directions {} to {} \
                 {}; on the test pairs, {} and only {}: beyond the first few, the training correlation mostly \
                 does not carry over to new pairs.{}",
                num(train_few),
                k + 1,
                c.dims,
                num(train_rest),
                num(test_few),
                num(test_rest),
                match knee {
                    Some((after, before)) => format!(
                        " There is no sharp drop at {k} (test: direction {} {}, direction {k} {}); {k} is a prior, \
                         the most directions along which ten digit means can differ.",
                        k + 1,
                        num(*after),
                        num(*before)
                    ),
                    None => String::new(),
                }
            ),
        )
        .with(&format!("train, first {k}"), train_few)
        .with(&format!("train, directions {} to {}", k + 1, c.dims), train_rest)
        .with(&format!("test, first {k}"), test_few)
        .with(&format!("test, directions {} to {}", k + 1, c.dims), test_rest),
    );
    let narrower = over_seeds(
        r,
        &format!("{k} directions"),
        |s| Some(s.cca.few.transfer()),
        &format!("{} directions", c.dims),
        |s| Some(s.cca.measured.transfer()),
        TRANSFER,
    );
    let memorised_beyond = few.train_r1 < 0.5 * m.train_r1;
    let retrieves_better = few.p10 > m.p10;
    let mut fits = Claim::finding(
        "cca_fits_the_pairing",
        CCA,
        format!(
            "Fitted to the fixed pairs, CCA with {} directions ranks a training image's own utterance first for \
             {} of the training pairs (test: {}); with the first {k} only, for {} (test: {}). Keeping {k} also \
             takes precision@10 from {} to {}{}. {}{}",
            c.dims,
            num(m.train_r1),
            num(m.r1),
            num(few.train_r1),
            num(few.r1),
            num(m.p10),
            num(few.p10),
            match &narrower {
                Some(n) => format!(" and mean transfer from {} to {} ({})", num(m.transfer()), num(few.transfer()), n.sentence()),
                None => String::new(),
            },
            if memorised_beyond {
                format!(
                    "The arbitrary pairing is fitted mostly in the directions beyond the {k}th"
                )
            } else {
                format!("The pairing is not fitted mainly beyond the {k}th direction")
            },
            if retrieves_better {
                ", and they cost CCA its retrieval, since cosine similarity weighs every direction alike. (CCA \
                 has a closed form: its R@1 and precision@10 are the same on every seed.)"
            } else {
                ". (CCA has a closed form: its R@1 and precision@10 are the same on every seed.)"
            }
        ),
    )
    .with("train R@1", m.train_r1)
    .with("test R@1", m.r1)
    .with(&format!("train R@1, {k} directions"), few.train_r1)
    .with(&format!("P@10, {k} directions"), few.p10)
    .with("P@10", m.p10);
    if let Some(n) = &narrower {
        fits = fits.with_comparison(n);
    }
    out.push(fits);
    out
}

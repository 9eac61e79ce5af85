//! The conclusions the page draws, computed from the report, and the reference
//! results of toy MOSI SPEC sections 8 and 9 they are checked against.

use kit::Claim;
use kit::claims::{Missing, Verdict, all_computed, computed, need, num};
use kit::compare::{ACC2, Comparison, MAE, Metric, Outcome, compare};
use models::fusion::Method;
use models::toymosi::{REFERENCE, within_tolerance};

use crate::{Cell, Report, Run};

const DATA: &str = "the-data";
const GRID: &str = "unimodal-bimodal-trimodal";
const SARCASM: &str = "where-additive-fusion-fails";
/// The generator statistic that always answering "negative" on the sarcasm subset scores.
pub(crate) const SUBSET_NEGATIVE: &str = "sarcasm subset: fraction with y < 0";

/// SPEC sections 8.1 and 8.2: (subset, method, Acc-2 %, its sd across seeds, MAE).
pub const REFERENCE_MEANS: [(&str, Method, f64, f64, f64); 16] = [
    ("T", Method::ConcatLinear, 74.7, 1.1, 0.968),
    ("T", Method::ConcatMlp, 74.6, 0.7, 0.991),
    ("A", Method::ConcatLinear, 53.8, 1.9, 1.314),
    ("A", Method::ConcatMlp, 55.0, 3.1, 1.312),
    ("V", Method::ConcatLinear, 64.8, 1.2, 1.213),
    ("V", Method::ConcatMlp, 64.4, 1.3, 1.214),
    ("T+A", Method::ConcatLinear, 75.5, 0.7, 0.946),
    ("T+A", Method::ConcatMlp, 75.0, 1.2, 0.913),
    ("T+V", Method::ConcatLinear, 81.3, 1.0, 0.803),
    ("T+V", Method::ConcatMlp, 81.1, 1.0, 0.783),
    ("A+V", Method::ConcatLinear, 63.5, 0.9, 1.180),
    ("A+V", Method::ConcatMlp, 65.0, 0.8, 1.174),
    ("T+A+V", Method::ConcatLinear, 81.5, 0.8, 0.766),
    ("T+A+V", Method::ConcatMlp, 84.3, 0.5, 0.616),
    ("T+A+V", Method::Sum, 82.3, 1.5, 0.788),
    ("T+A+V", Method::Product, 85.5, 0.9, 0.646),
];

/// SPEC section 8.3, T+A+V: (method, Acc-2 % on the sarcasm subset, MAE there,
/// Acc-2 % on the rest, MAE there).
pub const REFERENCE_SARCASM: [(Method, f64, f64, f64, f64); 3] = [
    (Method::ConcatLinear, 61.7, 1.213, 86.4, 0.656),
    (Method::Sum, 63.2, 1.192, 87.0, 0.689),
    (Method::ConcatMlp, 78.0, 0.807, 85.8, 0.570),
];

/// The cell of `subset` ("T+A+V") and `method`, or the error naming it.
fn cell<'a>(r: &'a Report, subset: &str, method: Method) -> Result<&'a Cell, Missing> {
    let name = format!("the cell {subset} {} (the grid trains every subset with its methods)", method.name());
    need(r.cell(subset, method), name)
}

/// The best cell (by mean Acc-2) of `size` modalities, or the error naming what is missing.
fn best(r: &Report, size: usize) -> Result<&Cell, Missing> {
    let cells =
        if size == 1 { "a cell of one modality".to_string() } else { format!("a cell of {size} modalities") };
    need(r.best_of_size(size), format!("{cells} (the grid trains every subset)"))
}

/// Each run's value of `f`, in seed order.
fn per_seed(c: &Cell, f: impl Fn(&Run) -> f64) -> Vec<f64> {
    c.runs.iter().map(f).collect()
}

/// Test Acc-2 in percent, per seed.
fn acc(c: &Cell) -> Vec<f64> {
    per_seed(c, |r| 100.0 * r.test.acc2)
}

/// Test MAE, per seed.
fn mae(c: &Cell) -> Vec<f64> {
    per_seed(c, |r| r.test.mae)
}

/// "T+V product of projections".
fn label(c: &Cell) -> String {
    format!("{} {}", c.subset(), c.method.name())
}

/// `a` against `b`, paired by seed, on Acc-2 and on MAE, each cell named by `name`.
fn acc_and_mae(a: &Cell, b: &Cell, name: fn(&Cell) -> String) -> (Comparison, Comparison) {
    (compare(&name(a), &acc(a), &name(b), &acc(b), ACC2), compare(&name(a), &mae(a), &name(b), &mae(b), MAE))
}

/// A comparison of a trimodal cell's scores on the sarcasm subset (`inside`) or on the rest.
fn on_subset(a: &Cell, b: &Cell, inside: bool, metric: Metric) -> Comparison {
    let f = |c: &Cell| {
        per_seed(c, |r| {
            r.sarcasm.map_or(f64::NAN, |(subset, rest)| {
                let s = if inside { subset } else { rest };
                if metric.name == MAE.name { s.mae } else { 100.0 * s.acc2 }
            })
        })
    };
    compare(a.method.name(), &f(a), b.method.name(), &f(b), metric)
}

/// Holds when the first side is ahead in every comparison, does not hold when the
/// second is ahead in any, else not decided.
fn all_ahead(cs: &[&Comparison]) -> Verdict {
    if cs.iter().all(|c| c.outcome == Outcome::AAhead) {
        Verdict::Holds
    } else if cs.iter().any(|c| c.outcome == Outcome::BAhead) {
        Verdict::DoesNotHold
    } else {
        Verdict::NotDecided { seeds: cs.first().map_or(0, |c| c.seeds()) }
    }
}

/// Every conclusion the page draws. A claim whose cell the report lacks is not dropped:
/// it is a [`Claim::not_computed`] naming the cell, which fails the run. The sarcasm
/// claims are conditional by design: only on data that has the subset.
pub fn claims(r: &Report) -> Vec<Claim> {
    let mut out = Vec::new();
    // The generator against SPEC section 9.
    let ours = r.mean_stats();
    let misses: Vec<String> = REFERENCE
        .iter()
        .zip(&ours)
        .filter(|((_, mean, sd), v)| (**v - mean).abs() > 3.0 * sd)
        .map(|((name, mean, sd), v)| format!("{name} ({} against {mean} ± {sd})", num(*v)))
        .collect();
    let worst =
        REFERENCE.iter().zip(&ours).map(|((_, mean, sd), v)| (v - mean).abs() / sd).fold(0.0, f64::max);
    out.push(
        Claim::bar(
            "generator_matches_reference",
            DATA,
            misses.is_empty() && ours.len() == REFERENCE.len(),
            "every generator statistic, averaged over the seeds, within 3 of the reference's standard \
             deviations of the reference mean, from the specification (section 9)",
            format!(
                "Averaged over {} seeds, {} of the generator's {} statistics lie within 3 of the reference's \
                 standard deviations of its means{}; the furthest is {:.1} standard deviations away.",
                r.seeds.len(),
                ours.len() - misses.len(),
                REFERENCE.len(),
                if misses.is_empty() { String::new() } else { format!(" (outside: {})", misses.join("; ")) },
                worst
            ),
        )
        .with("statistics outside 3 sd", misses.len() as f64)
        .with("furthest, in reference sds", worst),
    );
    grid_claims(r, &mut out);
    sarcasm_claims(r, &mut out);
    out
}

/// The best cell (by mean Acc-2) of the reference among subsets of `size` modalities.
fn reference_best(size: usize) -> (String, f64) {
    REFERENCE_MEANS
        .iter()
        .filter(|x| x.0.split('+').count() == size)
        .max_by(|a, b| a.2.total_cmp(&b.2))
        .map_or((String::new(), f64::NAN), |x| (format!("{} {}", x.0, x.1.name()), x.2))
}

fn grid_claims(r: &Report, out: &mut Vec<Claim>) {
    const STEPS: [(&str, &str); 3] = [
        ("text_is_the_strongest_single_modality", GRID),
        ("each_step_two_points", GRID),
        ("more_modalities_help", GRID),
    ];
    out.extend(all_computed(&STEPS, step_claims(r)));
    out.push(computed("reference_means_reproduced", GRID, reference_means(r)));
    out.push(computed("mlp_beats_linear_on_three", GRID, mlp_beats_linear(r)));
    out.push(computed("audio_scales_the_text", GRID, audio_scales_the_text(r)));
}

/// The best single modality, and the steps from one modality to two and to three.
fn step_claims(r: &Report) -> Result<Vec<Claim>, Missing> {
    let (uni, bi, tri) = (best(r, 1)?, best(r, 2)?, best(r, 3)?);
    let mut out = Vec::new();
    let text_ok = uni.subset() == "T" && (70.0..=80.0).contains(&uni.acc2());
    out.push(
        Claim::bar(
            "text_is_the_strongest_single_modality",
            GRID,
            text_ok,
            "text the best single modality, with a mean Acc-2 between 70 and 80, from the specification",
            format!(
                "The best single modality by mean Acc-2 is {} ({}), at Acc-2 {:.1} and MAE {:.3}: informative \
                 but clearly imperfect.",
                uni.subset(),
                uni.method.name(),
                uni.acc2(),
                uni.mae()
            ),
        )
        .with("best unimodal Acc-2", uni.acc2())
        .with("its MAE", uni.mae()),
    );
    // The steps, by mean Acc-2 (the bar), then paired by seed (the lecture's statement).
    let (step1, step2) = (bi.acc2() - uni.acc2(), tri.acc2() - bi.acc2());
    let refs = [reference_best(1), reference_best(2), reference_best(3)];
    out.push(
        Claim::bar(
            "each_step_two_points",
            GRID,
            step1 >= 2.0 && step2 >= 2.0,
            &format!(
                "each step at least 2 points of mean Acc-2; set by this chapter below the reference's steps \
                 ({} {}, {} {}, {} {})",
                refs[0].0, refs[0].1, refs[1].0, refs[1].1, refs[2].0, refs[2].1
            ),
            format!(
                "Mean Acc-2 rises by {:.1} points from the best unimodal model to the best bimodal one, and by \
                 {:.1} from the best bimodal to the best trimodal one.",
                step1, step2
            ),
        )
        .with("best unimodal", uni.acc2())
        .with("best bimodal", bi.acc2())
        .with("best trimodal", tri.acc2()),
    );
    let (bi_acc, bi_mae) = acc_and_mae(bi, uni, label);
    let (tri_acc, tri_mae) = acc_and_mae(tri, bi, label);
    out.push(
        Claim::lecture(
            "more_modalities_help",
            GRID,
            "more_modalities_help",
            "the best bimodal model (by mean Acc-2) ahead of the best unimodal one, and the best trimodal ahead \
             of the best bimodal, on every seed, in Acc-2 and in MAE",
            all_ahead(&[&bi_acc, &bi_mae, &tri_acc, &tri_mae]),
            format!(
                "Ranked by mean Acc-2, the best unimodal model is {} (Acc-2 {:.1}, MAE {:.3}), the best bimodal {} \
                 ({:.1}, {:.3}), the best trimodal {} ({:.1}, {:.3}). Paired by seed, {}; {}. And {}; {}.",
                label(uni),
                uni.acc2(),
                uni.mae(),
                label(bi),
                bi.acc2(),
                bi.mae(),
                label(tri),
                tri.acc2(),
                tri.mae(),
                bi_acc.sentence(),
                bi_mae.sentence(),
                tri_acc.sentence(),
                tri_mae.sentence()
            ),
        )
        .with_comparison(&bi_acc)
        .with_comparison(&bi_mae)
        .with_comparison(&tri_acc)
        .with_comparison(&tri_mae),
    );
    Ok(out)
}

/// Each reference mean, within the tolerance.
fn reference_means(r: &Report) -> Result<Claim, Missing> {
    let mut outside = Vec::new();
    let mut wide = Vec::new();
    let mut checked = 0;
    for (subset, method, acc2, _, mae) in REFERENCE_MEANS {
        let c = cell(r, subset, method)?;
        checked += 1;
        let (a, a_sd) = c.stat(|x| 100.0 * x.test.acc2);
        let (m, m_sd) = c.stat(|x| x.test.mae);
        if !within_tolerance((a, m), (a_sd, m_sd), (acc2, mae)) {
            outside.push(format!("{subset} {}: {a:.1} / {m:.3} against {acc2} / {mae}", method.name()));
        } else if (a - acc2).abs() > 2.5 || (m - mae).abs() > 0.04 {
            wide.push(format!(
                "{subset} {} ({a:.1} / {m:.3} against {acc2} / {mae}; our sds across seeds {a_sd:.1} / {m_sd:.3})",
                method.name()
            ));
        }
    }
    Ok(Claim::bar(
        "reference_means_reproduced",
        GRID,
        outside.is_empty() && checked == REFERENCE_MEANS.len(),
        "every reference cell matched within 2.5 Acc-2 points and 0.04 MAE, or within two of our \
         across-seed standard deviations, from the specification (sections 8.1 and 8.2)",
        {
            let strict = checked - wide.len() - outside.len();
            let mut text = format!(
                "Of the {checked} reference cells this chapter's methods can be compared with, {strict} land \
                 within 2.5 Acc-2 points and 0.04 MAE of the reference"
            );
            if !wide.is_empty() {
                text += &format!(
                    "; {} more are within two of our own across-seed standard deviations: {}",
                    wide.len(),
                    wide.join("; ")
                );
            }
            if !outside.is_empty() {
                text += &format!("; {} are outside both: {}", outside.len(), outside.join("; "));
            }
            text + "."
        },
    )
    .with("cells outside the tolerance", outside.len() as f64)
    .with("cells within two sds only", wide.len() as f64))
}

fn mlp_beats_linear(r: &Report) -> Result<Claim, Missing> {
    let method_name = |c: &Cell| c.method.name().to_string();
    let (lin, mlp) = (cell(r, "T+A+V", Method::ConcatLinear)?, cell(r, "T+A+V", Method::ConcatMlp)?);
    let (a, m) = acc_and_mae(mlp, lin, method_name);
    let with_split = mlp.runs.iter().chain(&lin.runs).all(|x| x.sarcasm.is_some());
    let split = with_split.then(|| (on_subset(mlp, lin, true, ACC2), on_subset(mlp, lin, false, ACC2)));
    let mut text = format!("On T+A+V, {}; {}.", a.sentence(), m.sentence());
    if let Some((inside, rest)) = &split {
        let located = inside.outcome == Outcome::AAhead && rest.outcome != Outcome::AAhead;
        text += &format!(
            " {} on the utterances with an eye-roll on positive words, {}; on the rest, {}.",
            if located { "The gain sits where the label multiplies the modalities:" } else { "Split," },
            inside.sentence(),
            rest.sentence()
        );
    }
    let mut claim = Claim::bar(
        "mlp_beats_linear_on_three",
        GRID,
        a.mean_diff() > 0.0 && m.a_better == m.seeds(),
        "concat + MLP's mean Acc-2 above concat + linear's on T+A+V and its MAE lower on every seed, as in \
         the specification's reference results",
        text,
    )
    .with_comparison(&a)
    .with_comparison(&m);
    if let Some((inside, rest)) = &split {
        claim = claim.with_comparison(inside).with_comparison(rest);
    }
    Ok(claim)
}

fn audio_scales_the_text(r: &Report) -> Result<Claim, Missing> {
    let (t, ta) = (cell(r, "T", Method::ConcatMlp)?, cell(r, "T+A", Method::ConcatMlp)?);
    let (a, m) = acc_and_mae(ta, t, |c| c.subset());
    let magnitude = a.outcome == Outcome::Indistinguishable && m.outcome == Outcome::AAhead;
    Ok(Claim::finding(
        "audio_scales_the_text",
        GRID,
        format!(
            "Adding audio to text (concat + MLP): {}; {}{}",
            a.sentence(),
            m.sentence(),
            if magnitude {
                ". Audio improves the size of the predicted sentiment, not its sign. That fits the label \
                 equation, where prosody multiplies the text polarity by 1 + 0.6a, a factor positive for \
                 every arousal a: it changes how strongly the words count, never which way they point."
            } else {
                "."
            }
        ),
    )
    .with_comparison(&a)
    .with_comparison(&m))
}

/// Only on data with the sarcasm subset (toy MOSI's hidden factors; not a converted
/// CMU-MOSI folder).
fn sarcasm_claims(r: &Report, out: &mut Vec<Claim>) {
    let trimodal = r.cells.iter().filter(|c| c.modalities.len() == 3);
    if trimodal.flat_map(|c| &c.runs).any(|x| x.sarcasm.is_none()) {
        return;
    }
    const IDS: [(&str, &str); 3] = [
        ("additive_fusion_fails_on_sarcasm", SARCASM),
        ("the_rest_in_mae", SARCASM),
        ("product_vs_mlp", SARCASM),
    ];
    out.extend(all_computed(&IDS, on_the_sarcasm_subset(r)));
}

fn on_the_sarcasm_subset(r: &Report) -> Result<Vec<Claim>, Missing> {
    let tav = |m: Method| cell(r, "T+A+V", m);
    let (lin, sum, mlp, prod) =
        (tav(Method::ConcatLinear)?, tav(Method::Sum)?, tav(Method::ConcatMlp)?, tav(Method::Product)?);
    let mut out = Vec::new();
    let inside = |c: &Cell| c.stat(|x| 100.0 * x.sarcasm.map_or(0.0, |s| s.0.acc2)).0;
    let rest = |c: &Cell| c.stat(|x| 100.0 * x.sarcasm.map_or(0.0, |s| s.1.acc2)).0;
    // Always answering "negative" scores the share of negative labels in the subset.
    let negative_share =
        100.0 * need(r.stat_mean(SUBSET_NEGATIVE), format!("the generator statistic \"{SUBSET_NEGATIVE}\""))?;
    let additive_fail = inside(lin) < negative_share && inside(sum) < negative_share;
    let multiplicative = inside(mlp).min(inside(prod)) >= inside(lin).max(inside(sum)) + 10.0;
    let rests = [rest(lin), rest(sum), rest(mlp), rest(prod)];
    let spread = rests.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b))
        - rests.iter().fold(f64::INFINITY, |a, &b| a.min(b));
    let prod_sum = on_subset(prod, sum, true, ACC2);
    out.push(
        Claim::bar(
            "additive_fusion_fails_on_sarcasm",
            SARCASM,
            additive_fail && multiplicative && spread <= 3.0,
            "on the sarcasm subset both additive models below always answering \"negative\" and both \
             multiplicative ones at least 10 points above both additive ones; on the rest the four mean Acc-2 \
             within 3 points of each other; set by this chapter from the specification (section 8.3)",
            format!(
                "On the test utterances with an eye-roll on positive words, concat + linear gets Acc-2 {:.1} and \
                 the sum of projections {:.1}, below the {:.1} that always answering \"negative\" would score; \
                 concat + MLP gets {:.1} and the product of projections {:.1}; paired by seed, {}. On the rest of \
                 the test split the four mean Acc-2 are within {:.1} points of each other.",
                inside(lin),
                inside(sum),
                negative_share,
                inside(mlp),
                inside(prod),
                prod_sum.sentence(),
                spread
            ),
        )
        .with("concat + linear, subset", inside(lin))
        .with("sum, subset", inside(sum))
        .with("concat + MLP, subset", inside(mlp))
        .with("product, subset", inside(prod))
        .with("always negative", negative_share)
        .with("spread of Acc-2 on the rest", spread)
        .with_comparison(&prod_sum),
    );
    let prod_rest = on_subset(prod, sum, false, MAE);
    let mlp_rest = on_subset(mlp, lin, false, MAE);
    let both = prod_rest.outcome == Outcome::AAhead && mlp_rest.outcome == Outcome::AAhead;
    out.push(
        Claim::finding(
            "the_rest_in_mae",
            SARCASM,
            format!(
                "Outside the subset, where the four mean Acc-2 lie within {spread:.1} points, {}: {}; {}.{}",
                if both { "the additive models get the size of the label worse" } else { "in MAE" },
                prod_rest.sentence(),
                mlp_rest.sentence(),
                if both {
                    " One explanation, not tested here, is the label's scaling terms, which act everywhere (prosody \
                     multiplying the words and the face) and change the size of the label, not its sign; exercise \
                     1 tests it."
                } else {
                    ""
                }
            ),
        )
        .with_comparison(&prod_rest)
        .with_comparison(&mlp_rest),
    );
    let (a, m) = acc_and_mae(prod, mlp, |c| c.method.name().to_string());
    out.push(
        Claim::finding(
            "product_vs_mlp",
            SARCASM,
            format!(
                "With {} parameters against concat + MLP's {}, on T+A+V {}; in MAE, the loss both are trained on, \
                 {}.{}",
                prod.parameters,
                mlp.parameters,
                a.sentence(),
                m.sentence(),
                if a.outcome == Outcome::AAhead {
                    format!(
                        " One explanation of the Acc-2 gap, not tested here, is that multiplying builds the \
                         interaction in, where the MLP must learn it from {} training utterances; exercise 5 \
                         tests it.",
                        r.sizes.1
                    )
                } else {
                    String::new()
                }
            ),
        )
        .with_comparison(&a)
        .with_comparison(&m),
    );
    Ok(out)
}

#[cfg(test)]
#[path = "claims_tests.rs"]
mod tests;

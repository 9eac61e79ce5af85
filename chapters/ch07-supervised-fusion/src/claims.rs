//! The conclusions the page draws, computed from the report, and the reference
//! results of toy MOSI SPEC sections 8 and 9 they are checked against.

use kit::Claim;
use kit::claims::num;
use models::fusion::Method;
use models::toymosi::{REFERENCE, within_tolerance};

use crate::Report;

const DATA: &str = "the-data";
const GRID: &str = "unimodal-bimodal-trimodal";
const SARCASM: &str = "where-additive-fusion-fails";

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

/// Every conclusion the page draws.
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
        Claim::required(
            "generator_matches_reference",
            DATA,
            misses.is_empty() && ours.len() == REFERENCE.len(),
            format!(
                "Averaged over {} seeds, all {} statistics of the generator are within 3 of the reference's \
                 standard deviations of its means{} (the furthest is {} standard deviations away).",
                r.seeds.len(),
                REFERENCE.len(),
                if misses.is_empty() { String::new() } else { format!(", except {}", misses.join("; ")) },
                num(worst)
            ),
        )
        .with("statistics outside 3 sd", misses.len() as f64)
        .with("furthest, in reference sds", worst),
    );
    grid_claims(r, &mut out);
    sarcasm_claims(r, &mut out);
    out
}

fn grid_claims(r: &Report, out: &mut Vec<Claim>) {
    let (Some(uni), Some(bi), Some(tri)) = (r.best_of_size(1), r.best_of_size(2), r.best_of_size(3)) else {
        return;
    };
    let best_single = ["T", "A", "V"]
        .iter()
        .map(|s| (*s, r.cells.iter().filter(|c| c.subset() == *s).map(|c| c.acc2()).fold(0.0, f64::max)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or(("T", 0.0));
    let text_ok = best_single.0 == "T" && (70.0..=80.0).contains(&best_single.1);
    out.push(
        Claim::required(
            "text_is_the_strongest_single_modality",
            GRID,
            text_ok,
            format!(
                "The best single modality is {} with Acc-2 {} (bar: text, between 70 and 80): informative but \
                 clearly imperfect.",
                best_single.0,
                num(best_single.1)
            ),
        )
        .with("best unimodal Acc-2", best_single.1),
    );
    let ordered = tri.acc2() >= bi.acc2() + 2.0 && bi.acc2() >= uni.acc2() + 2.0;
    out.push(
        Claim::required(
            "more_modalities_help",
            GRID,
            ordered,
            format!(
                "The best trimodal model ({}, {}) reaches Acc-2 {} and MAE {}; the best bimodal ({}, {}) {} and \
                 {}; the best unimodal ({}, {}) {} and {} (bar: each step at least 2 Acc-2 points).",
                tri.subset(),
                tri.method.name(),
                num(tri.acc2()),
                num(tri.mae()),
                bi.subset(),
                bi.method.name(),
                num(bi.acc2()),
                num(bi.mae()),
                uni.subset(),
                uni.method.name(),
                num(uni.acc2()),
                num(uni.mae())
            ),
        )
        .with("trimodal", tri.acc2())
        .with("bimodal", bi.acc2())
        .with("unimodal", uni.acc2()),
    );
    // Each reference mean, within the tolerance.
    let mut outside = Vec::new();
    let mut wide = Vec::new();
    let mut checked = 0;
    for (subset, method, acc2, _, mae) in REFERENCE_MEANS {
        let Some(c) = r.cell(subset, method) else { continue };
        checked += 1;
        let (a, a_sd) = c.stat(|x| 100.0 * x.test.acc2);
        let (m, m_sd) = c.stat(|x| x.test.mae);
        if !within_tolerance((a, m), (a_sd, m_sd), (acc2, mae)) {
            outside.push(format!(
                "{subset} {}: {} / {} against {acc2} / {mae}",
                method.name(),
                num(a),
                num(m)
            ));
        } else if (a - acc2).abs() > 2.5 || (m - mae).abs() > 0.04 {
            wide.push(format!(
                "{subset} {} ({} / {} against {acc2} / {mae}; our sds across seeds {} / {})",
                method.name(),
                num(a),
                num(m),
                num(a_sd),
                num(m_sd)
            ));
        }
    }
    out.push(
        Claim::required(
            "reference_means_reproduced",
            GRID,
            outside.is_empty() && checked == REFERENCE_MEANS.len(),
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
        .with("cells within two sds only", wide.len() as f64),
    );
    if let (Some(lin), Some(mlp)) =
        (r.cell("T+A+V", Method::ConcatLinear), r.cell("T+A+V", Method::ConcatMlp))
    {
        let pairs: Vec<(f64, f64)> = lin
            .runs
            .iter()
            .zip(&mlp.runs)
            .map(|(l, m)| (100.0 * (m.test.acc2 - l.test.acc2), m.test.mae - l.test.mae))
            .collect();
        let n = pairs.len() as f64;
        let acc_gain = pairs.iter().map(|p| p.0).sum::<f64>() / n;
        let mae_gain = pairs.iter().map(|p| p.1).sum::<f64>() / n;
        let mae_wins = pairs.iter().filter(|p| p.1 < 0.0).count();
        let acc_wins = pairs.iter().filter(|p| p.0 > 0.0).count();
        out.push(
            Claim::required(
                "mlp_beats_linear_on_three",
                GRID,
                acc_gain > 0.0 && mae_wins == pairs.len(),
                format!(
                    "On T+A+V, paired over seeds, concat + MLP beats concat + linear by {} Acc-2 points (ahead on \
                     {acc_wins} of {}) and lowers MAE by {} (on {mae_wins} of {}): the hidden layers learn some of \
                     the interactions a linear head cannot represent.",
                    num(acc_gain),
                    pairs.len(),
                    num(-mae_gain),
                    pairs.len()
                ),
            )
            .with("Acc-2 gain", acc_gain)
            .with("MAE change", mae_gain),
        );
    }
    if let (Some(t), Some(ta)) = (r.cell("T", Method::ConcatMlp), r.cell("T+A", Method::ConcatMlp)) {
        let (da, dm) = (ta.acc2() - t.acc2(), ta.mae() - t.mae());
        out.push(
            Claim::observation(
                "audio_scales_the_text",
                GRID,
                da.abs() < 2.0 && dm < -0.03,
                format!(
                    "Adding audio to text (concat + MLP) changes Acc-2 by {} points and MAE by {}{}",
                    num(da),
                    num(dm),
                    if da.abs() < 2.0 && dm < -0.03 {
                        ": prosody scales how strongly the words count, not which way they point, so it sharpens \
                         the magnitude and leaves the sign alone."
                    } else {
                        "."
                    }
                ),
            )
            .with("Acc-2 change", da)
            .with("MAE change", dm),
        );
    }
}

fn sarcasm_claims(r: &Report, out: &mut Vec<Claim>) {
    let subset = |m: Method| r.cell("T+A+V", m).filter(|c| c.runs.iter().all(|x| x.sarcasm.is_some()));
    let (Some(lin), Some(sum), Some(mlp), Some(prod)) = (
        subset(Method::ConcatLinear),
        subset(Method::Sum),
        subset(Method::ConcatMlp),
        subset(Method::Product),
    ) else {
        return;
    };
    let inside = |c: &crate::Cell| c.stat(|x| 100.0 * x.sarcasm.map_or(0.0, |s| s.0.acc2)).0;
    let rest = |c: &crate::Cell| c.stat(|x| 100.0 * x.sarcasm.map_or(0.0, |s| s.1.acc2)).0;
    // Always answering "negative" scores the share of negative labels in the subset.
    let negative_share = 100.0
        * r.stats
            .iter()
            .filter_map(|s| s.rows.iter().find(|(name, _)| name == "sarcasm subset: fraction with y < 0"))
            .map(|(_, v)| v)
            .sum::<f64>()
        / r.stats.len().max(1) as f64;
    let additive_fail = inside(lin) < negative_share && inside(sum) < negative_share;
    let multiplicative = inside(mlp).min(inside(prod)) >= inside(lin).max(inside(sum)) + 10.0;
    let rests = [rest(lin), rest(sum), rest(mlp), rest(prod)];
    let spread = rests.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b))
        - rests.iter().fold(f64::INFINITY, |a, &b| a.min(b));
    out.push(
        Claim::required(
            "additive_fusion_fails_on_sarcasm",
            SARCASM,
            additive_fail && multiplicative && spread <= 3.0,
            format!(
                "On the test utterances with an eye-roll on positive words, concat + linear gets Acc-2 {} and the \
                 sum of projections {}, below the {} that always answering \"negative\" would score; concat + MLP \
                 gets {} and the product of projections {} (bar: at least 10 points above both additive models). \
                 On the rest of the test split all four are within {} points of each other (bar 3).",
                num(inside(lin)),
                num(inside(sum)),
                num(negative_share),
                num(inside(mlp)),
                num(inside(prod)),
                num(spread)
            ),
        )
        .with("concat + linear, subset", inside(lin))
        .with("sum, subset", inside(sum))
        .with("concat + MLP, subset", inside(mlp))
        .with("product, subset", inside(prod))
        .with("always negative", negative_share),
    );
    let prod_vs_mlp = prod.acc2() - mlp.acc2();
    out.push(
        Claim::observation(
            "product_beats_mlp",
            SARCASM,
            prod_vs_mlp > 0.0,
            format!(
                "With {} parameters against the MLP's {}, the product of projections {} concat + MLP on T+A+V \
                 ({} against {} Acc-2): multiplying the modalities builds the interaction in, where the MLP must \
                 learn it from {} training utterances.",
                prod.parameters,
                mlp.parameters,
                if prod_vs_mlp > 0.0 { "beats" } else { "does not beat" },
                num(prod.acc2()),
                num(mlp.acc2()),
                r.sizes.1
            ),
        )
        .with("product", prod.acc2())
        .with("MLP", mlp.acc2()),
    );
}

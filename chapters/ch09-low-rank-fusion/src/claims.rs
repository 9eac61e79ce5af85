//! The conclusions the page draws, computed from the report.

use kit::claims::{Missing, computed, need, num, times};
use kit::compare::{ACC2, Outcome};
use kit::{Claim, Comparison, Verdict, compare};
use models::fusion::Method;
use models::toymosi::within_tolerance;

use crate::timing::{LAYER, MODEL};
use crate::{Cell, Report, rank_of};

const STEPS: &str = "the-three-steps-checked-on-a-trained-model";
const SWEEP: &str = "the-rank-sweep";
const SARCASM: &str = "where-rank-matters-the-sarcasm-subset";
const SPEED: &str = "speed";

/// SPEC 8.2: (rank, Acc-2 %, MAE) of LMF on T+A+V.
pub const REFERENCE_LMF: [(usize, f64, f64); 5] =
    [(1, 82.4, 0.755), (2, 85.0, 0.665), (4, 86.0, 0.622), (8, 85.5, 0.615), (16, 86.0, 0.612)];

/// The largest relative difference the trained-model check accepts (f32 arithmetic).
pub const STEPS_TOLERANCE: f64 = 1e-5;

/// The rank the chapter's bars compare with TFN, and its speed comparison times.
const RANK: usize = 4;

/// The T+A+V cell of `method`, or the error naming it: a sweep edited by hand can
/// leave out a rank the claims need.
fn cell(r: &Report, method: Method) -> Result<&Cell, Missing> {
    let why = match method {
        Method::Lmf(RANK) => " (the bars compare LMF of rank 4 with TFN: keep 4 in the sweep's ranks)",
        Method::Lmf(_) => " (a rank of the sweep)",
        _ => " (every run trains it)",
    };
    need(r.cell(method), format!("the cell {}{why}", cell_name(method)))
}

/// "LMF r=4", "TFN", ...: a cell's name, whether or not the report has it.
fn cell_name(method: Method) -> String {
    match method {
        Method::Lmf(k) => format!("LMF r={k}"),
        m => m.name().to_string(),
    }
}

/// The time of `bench` in `group` on `side` ("ours", "torch"), or the error naming it.
fn time(r: &Report, side: &str, group: &str, bench: &str) -> Result<f64, Missing> {
    need(
        r.timing.get(side, group, bench),
        format!("the {side} time of {group}/{bench} (benches/results/fusion-avx2.json)"),
    )
}

/// Per-seed test Acc-2 of a cell, in percent.
fn acc2(c: &Cell) -> Vec<f64> {
    c.runs.iter().map(|r| 100.0 * r.test.acc2).collect()
}

/// Per-seed Acc-2 on the sarcasm subset, in percent.
fn subset_acc2(c: &Cell) -> Vec<f64> {
    c.runs.iter().map(|r| r.sarcasm.map_or(f64::NAN, |s| 100.0 * s.0.acc2)).collect()
}

/// A bench's name as the page words it: "TFN with a linear head, training step".
fn bench_name(bench: &str) -> String {
    let (model, what) = bench
        .strip_suffix("_train_step")
        .map(|m| (m, "training step"))
        .or_else(|| bench.strip_suffix("_inference").map(|m| (m, "inference")))
        .unwrap_or((bench, ""));
    let model = match model {
        "tfn" => "TFN".to_string(),
        "tfn_linear" => "TFN with a linear head".to_string(),
        "tfn_mlp" => "TFN with an MLP head".to_string(),
        m => m.strip_prefix("lmf_rank").map_or(m.replace('_', " "), |r| format!("LMF r={r}")),
    };
    format!("{model}, {what}")
}

/// TFN-with-a-linear-head time over LMF-of-`rank` time for one training step of the
/// fusion layer on `side`, from the times as the timing table prints them.
fn layer_speedup(r: &Report, side: &str, rank: usize) -> Result<f64, Missing> {
    let tfn = printed_ms(time(r, side, LAYER, "tfn_linear_train_step")?).1;
    let lmf = printed_ms(time(r, side, LAYER, &format!("lmf_rank{rank}_train_step"))?).1;
    Ok(tfn / lmf)
}

/// The sentence with its first letter in upper case.
fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

/// Two cells' Acc-2, paired by seed.
fn versus(a: &Cell, b: &Cell) -> Comparison {
    compare(&a.name(), &acc2(a), &b.name(), &acc2(b), ACC2)
}

/// A millisecond time as the timing table prints it (three decimals), and its value at
/// that precision, so that a ratio of two printed times is the ratio the page prints.
fn printed_ms(v: f64) -> (String, f64) {
    let s = format!("{v:.3}");
    let back = s.parse().unwrap_or(v);
    (s, back)
}

fn steps(r: &Report) -> Claim {
    let s = &r.steps;
    let holds = s.rearranged_vs_formed <= STEPS_TOLERANCE && s.lmf_vs_tfn <= STEPS_TOLERANCE;
    Claim::bar(
        "the_three_steps_agree",
        STEPS,
        holds,
        &format!(
            "each difference at most {} of the largest prediction, the float32 rounding the chapter allows",
            num(STEPS_TOLERANCE)
        ),
        format!(
            "On {} test utterances, the trained rank-{} layer computed the rearranged way differs from W . Z with the \
             {}-entry W rebuilt and Z formed by at most {} of the largest prediction, and the whole LMF model differs \
             from a TFN model given its encoders and that W by at most {}.",
            s.examples,
            s.rank,
            s.weight_entries,
            num(s.rearranged_vs_formed),
            num(s.lmf_vs_tfn),
        ),
    )
    .with("rearranged vs formed", s.rearranged_vs_formed)
    .with("LMF vs TFN", s.lmf_vs_tfn)
}

fn close_to_tfn(r: &Report) -> Result<Claim, Missing> {
    let (tfn, lmf4) = (cell(r, Method::Tfn)?, cell(r, Method::Lmf(RANK))?);
    let c = versus(lmf4, tfn);
    let gap = c.mean_diff();
    let ratio = tfn.fusion_parameters as f64 / lmf4.fusion_parameters as f64;
    Ok(
        Claim::bar(
            "lmf_close_to_tfn",
            SWEEP,
            gap.abs() <= 1.5 && ratio >= 8.0,
            "mean Acc-2 within 1.5 points of TFN's and at least 8× fewer parameters after the encoders, set for \
             this chapter",
            format!(
                "LMF of rank 4 gets mean Acc-2 {} against TFN's {} over {} seeds: {}. It has {} parameters after the \
                 encoders against TFN's {} ({} fewer); whole models, {} against {} ({}).",
                c.show(c.a_mean()),
                c.show(c.b_mean()),
                c.seeds(),
                c.sentence(),
                lmf4.fusion_parameters,
                tfn.fusion_parameters,
                times(ratio),
                lmf4.parameters,
                tfn.parameters,
                times(tfn.parameters as f64 / lmf4.parameters as f64),
            ),
        )
        .with_comparison(&c)
        .with("fusion parameters ratio", ratio),
    )
}

fn against_linear_head(r: &Report) -> Result<Claim, Missing> {
    let (tfn, lmf4, lin) = (cell(r, Method::Tfn)?, cell(r, Method::Lmf(RANK))?, cell(r, Method::TfnLinear)?);
    let c = versus(lmf4, lin);
    let ratio = lin.fusion_parameters as f64 / lmf4.fusion_parameters as f64;
    // TFN's MLP head: Linear(tensor entries, 32), ReLU, Linear(32, 1).
    let mlp_first = 32 * r.steps.weight_entries;
    Ok(
            Claim::finding(
                "against_tfn_with_a_linear_head",
                SWEEP,
                format!(
                    "Against TFN with a linear head, the full-rank model LMF approximates: {}. It has {} parameters \
                     after the encoders, {} LMF r=4's; whole models, {} against {} ({}). The bar above compares with \
                     TFN's MLP head, whose first layer alone has {} weights of TFN's {} parameters after the encoders.",
                    c.sentence(),
                    lin.fusion_parameters,
                    times(ratio),
                    lmf4.parameters,
                    lin.parameters,
                    times(lin.parameters as f64 / lmf4.parameters as f64),
                    mlp_first,
                    tfn.fusion_parameters,
                ),
            )
            .with_comparison(&c)
            .with("parameters ratio after the encoders", ratio),
    )
}

fn saturates(r: &Report) -> Result<Claim, Missing> {
    let ranks = r.ranks();
    need(
        (ranks.len() >= 2).then_some(()),
        "a second rank in the sweep (each rank is compared with the one before it)",
    )?;
    let steps: Vec<Comparison> = ranks.windows(2).map(|w| versus(w[1], w[0])).collect();
    // The steps up to the first one the seeds cannot call, and the rest.
    let called = steps.iter().take_while(|c| c.outcome == Outcome::AAhead).count();
    let (ahead, rest) = steps.split_at(called);
    let mut parts: Vec<String> = ahead.iter().map(Comparison::sentence).collect();
    let mut claim = Claim::finding("accuracy_saturates_with_rank", SWEEP, String::new());
    for c in ahead {
        claim = claim.with_comparison(c);
    }
    if rest.len() > 1 && rest.iter().all(|c| c.outcome == Outcome::Indistinguishable && c.seeds() >= 3) {
        let lo = rest.iter().map(|c| c.range().0).fold(f64::INFINITY, f64::min);
        let hi = rest.iter().map(|c| c.range().1).fold(f64::NEG_INFINITY, f64::max);
        let from = rank_of(ranks[called].method);
        parts.push(format!(
            "every further step (from r={from} on, each rank against the one before it) is indistinguishable at \
             {} seeds, the higher rank minus the lower from {} to {} Acc-2 points",
            rest[0].seeds(),
            rest[0].show_signed(lo),
            rest[0].show_signed(hi)
        ));
        claim = claim.with(&format!("each step from r={from}, smallest difference"), lo).with("largest", hi);
    } else {
        parts.extend(rest.iter().map(Comparison::sentence));
        for c in rest {
            claim = claim.with_comparison(c);
        }
    }
    let conclusion = if called == steps.len() {
        "Every step up in rank is ahead on every seed.".to_string()
    } else if called == 0 {
        "No step up in rank is ahead on every seed.".to_string()
    } else {
        format!(
            "So raising the rank helps on every seed up to rank {}, and beyond it the seeds cannot tell the ranks \
             apart; the SPEC writes the noise-free label with five rank-one terms (section 4.7).",
            rank_of(ranks[called].method)
        )
    };
    claim.text = format!("{}. {conclusion}", capitalise(&parts.join("; ")));
    Ok(claim)
}

fn matches_reference(r: &Report) -> Result<Claim, Missing> {
    // The bar is on rank 4: without it, it would hold for want of a rank to miss.
    cell(r, Method::Lmf(RANK))?;
    let outside: Vec<String> = REFERENCE_LMF
        .iter()
        .filter_map(|&(rank, ra, rm)| {
            let c = r.cell(Method::Lmf(rank))?;
            let (a, a_sd) = c.stat(|x| 100.0 * x.test.acc2);
            let (m, m_sd) = c.stat(|x| x.test.mae);
            (!within_tolerance((a, m), (a_sd, m_sd), (ra, rm)))
                .then(|| format!("rank {rank} ({} / {} against {ra} / {rm})", num(a), num(m)))
        })
        .collect();
    let compared = REFERENCE_LMF.iter().filter(|(rank, ..)| r.cell(Method::Lmf(*rank)).is_some()).count();
    let lmf4_within = !outside.iter().any(|s| s.starts_with("rank 4 "));
    Ok(
        Claim::bar(
            "lmf_matches_reference",
            SWEEP,
            lmf4_within,
            "rank 4 within 2.5 Acc-2 points and 0.04 MAE of the SPEC's reference row (section 8.2), or within two \
             of our across-seed standard deviations",
            format!(
                "Against the reference's LMF rows (SPEC 8.2), {} of {compared} ranks land within 2.5 Acc-2 points and \
                 0.04 MAE (or two of our across-seed standard deviations){}.",
                compared - outside.len(),
                if outside.is_empty() { String::new() } else { format!("; outside: {}", outside.join(", ")) }
            ),
        )
        .with("ranks within", (compared - outside.len()) as f64),
    )
}

/// Only when the sweep has rank 8, as the full run's does (the quick run's does not).
fn product_is_rank_eight(r: &Report) -> Option<Result<Claim, Missing>> {
    let lmf8 = r.cell(Method::Lmf(8))?;
    Some(cell(r, Method::Product).map(|product| {
        let c = versus(product, lmf8);
        Claim::finding(
            "product_is_rank_eight",
            SWEEP,
            format!(
                "The product of 8-wide projections is the same family of functions as LMF of rank 8: each u_i . \
                 [h_m; 1] is one more affine map, which the product folds into its encoders' last layer ({} \
                 parameters after the encoders to LMF r=8's {}; {} to {} in all). Trained, {}.",
                product.fusion_parameters,
                lmf8.fusion_parameters,
                product.parameters,
                lmf8.parameters,
                c.sentence()
            ),
        )
        .with_comparison(&c)
    }))
}

/// Only on data with the sarcasm subset (toy MOSI; not a converted CMU-MOSI folder).
fn sarcasm(r: &Report) -> Option<Result<Claim, Missing>> {
    let ranks = r.ranks();
    if ranks.iter().any(|c| c.runs.iter().any(|x| x.sarcasm.is_none())) {
        return None;
    }
    Some(rank_on_sarcasm(r, &ranks))
}

fn rank_on_sarcasm(r: &Report, ranks: &[&Cell]) -> Result<Claim, Missing> {
    let four = cell(r, Method::Lmf(RANK))?;
    let lower = "a rank below 4 in the sweep (the claim compares the lowest rank with rank 4)";
    let first = need(ranks.first().filter(|c| rank_of(c.method) < RANK), lower)?;
    let subset = compare(&four.name(), &subset_acc2(four), &first.name(), &subset_acc2(first), ACC2);
    let gain = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x - y).collect::<Vec<f64>>();
    let gains = compare(
        "the subset's gain",
        &gain(&subset_acc2(four), &subset_acc2(first)),
        "the whole split's gain",
        &gain(&acc2(four), &acc2(first)),
        ACC2,
    );
    let list = ranks
        .iter()
        .map(|c| format!("{:.1} at r={}", c.sarcasm_acc2(), rank_of(c.method)))
        .collect::<Vec<_>>();
    Ok(
    Claim::finding(
        "rank_shows_on_the_sarcasm_subset",
        SARCASM,
        format!(
            "On the utterances with an eye-roll on positive words, LMF's mean Acc-2 by rank is {}. On this subset, \
             {}. From rank 1 to rank 4, {}{}",
            list.join(", "),
            subset.sentence(),
            gains.sentence(),
            if gains.outcome == Outcome::AAhead {
                ": rank matters most where the label multiplies the modalities."
            } else {
                "."
            }
        ),
    )
    .with_comparison(&subset)
    .with_comparison(&gains),
)
}

fn step_faster(r: &Report) -> Result<Claim, Missing> {
    let t = &r.timing;
    let (tfn_ms, lmf_ms) =
        (time(r, "ours", LAYER, "tfn_linear_train_step")?, time(r, "ours", LAYER, "lmf_rank4_train_step")?);
    let ((tfn_s, _), (lmf_s, _)) = (printed_ms(tfn_ms), printed_ms(lmf_ms));
    let ours = layer_speedup(r, "ours", RANK)?;
    Ok(
        Claim::bar(
            "lmf_step_faster",
            SPEED,
            ours >= 3.0,
            "LMF r=4's training step of the fusion layer at least 3× faster than TFN's with a linear head, set for \
             this chapter",
            format!(
                "At SPEC section 10's sizes (projections of 32, 32 and 64, a 70,785-entry tensor, batch 32), one \
                 training step of the fusion layer takes {tfn_s} ms with TFN's linear head and {lmf_s} ms with LMF of \
                 rank 4 in our engine: LMF is {} faster (measured {}).",
                times(ours),
                t.date
            ),
        )
        .with("speed-up", ours),
    )
}

fn speed_in_pytorch(r: &Report) -> Result<Claim, Missing> {
    let t = &r.timing;
    let torch = layer_speedup(r, "torch", RANK)?;
    // Every timed workload where our engine takes longer than PyTorch.
    let mut slower = Vec::new();
    let mut faster = 0;
    for (group, what) in [(LAYER, "fusion layer"), (MODEL, "whole model")] {
        for (key, &ours_ms) in t.ms.get("ours").into_iter().flatten() {
            let Some(bench) = key.strip_prefix(&format!("{group}/")) else { continue };
            let Some(torch_ms) = t.get("torch", group, bench) else { continue };
            if ours_ms > torch_ms {
                slower.push(format!("{what}, {} ({})", bench_name(bench), times(ours_ms / torch_ms)));
            } else {
                faster += 1;
            }
        }
    }
    let lmf_steps: Vec<f64> = [1, 2, 4, 8, 16]
        .iter()
        .map(|k| time(r, "ours", LAYER, &format!("lmf_rank{k}_train_step")))
        .collect::<Result<_, _>>()?;
    let (lo, hi) = lmf_steps.iter().fold((f64::INFINITY, 0.0f64), |(l, h), &v| (l.min(v), h.max(v)));
    let monotone = lmf_steps.windows(2).all(|w| w[1] >= w[0]);
    Ok(
        Claim::finding(
            "speed_in_pytorch",
            SPEED,
            format!(
                "In PyTorch {} on the same machine and workload the speed-up is {}. Of the {} workloads timed in \
                 both engines, ours takes longer on {}{}, and less time on the other {faster}. Our LMF step of the \
                 fusion layer takes {} to {} ms over ranks 1 to 16{}, while the arithmetic of r Σ(d_m + 1) grows 16×.",
                t.versions.get("torch").map_or("", String::as_str),
                times(torch),
                slower.len() + faster,
                slower.len(),
                if slower.is_empty() { String::new() } else { format!(": {}", slower.join(", ")) },
                printed_ms(lo).0,
                printed_ms(hi).0,
                if monotone { ", growing with the rank" } else { ", not growing steadily with the rank" },
            ),
        )
        .with("PyTorch speed-up", torch)
        .with("workloads where ours is slower", slower.len() as f64)
        .with("LMF step, fastest rank, ms", lo)
        .with("LMF step, slowest rank, ms", hi),
    )
}

/// The lecture's statement, tested by the chapter's three measurements: the same
/// function, fewer parameters, a faster step.
fn lecture(r: &Report) -> Result<Claim, Missing> {
    let s = &r.steps;
    let lin = cell(r, Method::TfnLinear)?;
    let lmf = cell(r, Method::Lmf(s.rank))?;
    let (ours, torch) = (layer_speedup(r, "ours", s.rank)?, layer_speedup(r, "torch", s.rank)?);
    let same = s.rearranged_vs_formed <= STEPS_TOLERANCE && s.lmf_vs_tfn <= STEPS_TOLERANCE;
    let fewer = lmf.fusion_parameters < lin.fusion_parameters;
    let quicker = ours > 1.0 && torch > 1.0;
    Ok(
        Claim::lecture(
            "lecture_low_rank_fusion",
            SPEED,
            "low_rank_fusion",
            &format!(
                "the trained rank-{} LMF equal to a TFN with a linear head given its rebuilt weight (to {} of the \
                 largest prediction), with fewer parameters after the encoders than that TFN, and a faster training \
                 step of the fusion layer in both engines",
                s.rank,
                num(STEPS_TOLERANCE)
            ),
            Verdict::from_bool(same && fewer && quicker),
            format!(
                "The rank-{} LMF computes its TFN's function to {} of the largest prediction, with {} parameters after \
                 the encoders against {} and a training step {} faster in our engine and {} faster in PyTorch.",
                s.rank,
                num(s.lmf_vs_tfn.max(s.rearranged_vs_formed)),
                lmf.fusion_parameters,
                lin.fusion_parameters,
                times(ours),
                times(torch)
            ),
        )
        .with("largest relative difference", s.lmf_vs_tfn.max(s.rearranged_vs_formed))
        .with("parameters ratio", lin.fusion_parameters as f64 / lmf.fusion_parameters as f64)
        .with("speed-up, ours", ours)
        .with("speed-up, PyTorch", torch),
    )
}

/// Every conclusion the page draws. A claim whose cell (or timing) the report lacks is
/// not dropped: it is a [`Claim::not_computed`] naming what is missing, which fails the
/// run (`kit::claims::check_computed`). Two claims are conditional by design, and say
/// so: the product against rank 8 (only when the sweep has rank 8) and the sarcasm
/// subset (only on data that has it).
pub fn claims(r: &Report) -> Vec<Claim> {
    let mut out = vec![steps(r)];
    out.push(computed("lmf_close_to_tfn", SWEEP, close_to_tfn(r)));
    out.push(computed("against_tfn_with_a_linear_head", SWEEP, against_linear_head(r)));
    out.push(computed("accuracy_saturates_with_rank", SWEEP, saturates(r)));
    out.push(computed("lmf_matches_reference", SWEEP, matches_reference(r)));
    out.extend(product_is_rank_eight(r).map(|c| computed("product_is_rank_eight", SWEEP, c)));
    out.extend(sarcasm(r).map(|c| computed("rank_shows_on_the_sarcasm_subset", SARCASM, c)));
    out.push(computed("lmf_step_faster", SPEED, step_faster(r)));
    out.push(computed("speed_in_pytorch", SPEED, speed_in_pytorch(r)));
    out.push(computed("lecture_low_rank_fusion", SPEED, lecture(r)));
    // The page "Adding your own model": the GMU, on toy MOSI.
    out.extend(crate::gmu_claims::claims(r));
    out
}

#[cfg(test)]
#[path = "claims_tests.rs"]
mod tests;

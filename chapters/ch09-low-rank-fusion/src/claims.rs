//! The conclusions the page draws, computed from the report.

use kit::Claim;
use kit::claims::{num, times};
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

/// Paired over seeds, `b` minus `a`: (mean Acc-2 points, seeds where b is ahead).
fn paired(a: &Cell, b: &Cell) -> (f64, usize) {
    let d: Vec<f64> = a.runs.iter().zip(&b.runs).map(|(x, y)| 100.0 * (y.test.acc2 - x.test.acc2)).collect();
    (d.iter().sum::<f64>() / d.len().max(1) as f64, d.iter().filter(|&&v| v > 0.0).count())
}

fn steps(r: &Report) -> Claim {
    let s = &r.steps;
    let holds = s.rearranged_vs_formed <= STEPS_TOLERANCE && s.lmf_vs_tfn <= STEPS_TOLERANCE;
    Claim::required(
        "the_three_steps_agree",
        STEPS,
        holds,
        format!(
            "On {} test utterances, the trained rank-{} layer computed the rearranged way differs from W . Z with the \
             {}-entry W rebuilt and Z formed by at most {} of the largest prediction, and the whole LMF model differs \
             from a TFN model given its encoders and that W by at most {} (bar: {} each){}",
            s.examples,
            s.rank,
            s.weight_entries,
            num(s.rearranged_vs_formed),
            num(s.lmf_vs_tfn),
            num(STEPS_TOLERANCE),
            if holds { ": the same function, computed without the tensor." } else { "." }
        ),
    )
    .with("rearranged vs formed", s.rearranged_vs_formed)
    .with("LMF vs TFN", s.lmf_vs_tfn)
}

fn sweep(r: &Report, out: &mut Vec<Claim>) {
    let n = r.seeds.len();
    let (Some(tfn), Some(lmf4)) = (r.cell(Method::Tfn), r.cell(Method::Lmf(4))) else { return };
    let (gap, ahead) = paired(tfn, lmf4);
    let ratio = tfn.fusion_parameters as f64 / lmf4.fusion_parameters as f64;
    out.push(
        Claim::required(
            "lmf_close_to_tfn",
            SWEEP,
            gap.abs() <= 1.5 && ratio >= 8.0,
            format!(
                "LMF of rank 4 gets Acc-2 {} against TFN's {} ({} points {}, paired over {n} seeds, ahead on {ahead}; \
                 bar: within 1.5), with {} parameters after the encoders against TFN's {} ({} fewer; bar: 8×).",
                num(lmf4.acc2()),
                num(tfn.acc2()),
                num(gap.abs()),
                if gap >= 0.0 { "ahead" } else { "behind" },
                lmf4.fusion_parameters,
                tfn.fusion_parameters,
                times(ratio)
            ),
        )
        .with("LMF r=4 Acc-2", lmf4.acc2())
        .with("TFN Acc-2", tfn.acc2())
        .with("fusion parameters ratio", ratio),
    );
    if let Some(lin) = r.cell(Method::TfnLinear) {
        let ratio = lin.fusion_parameters as f64 / lmf4.fusion_parameters as f64;
        out.push(
            Claim::observation(
                "against_tfn_with_a_linear_head",
                SWEEP,
                ratio < 8.0,
                format!(
                    "TFN with a linear head, the full-rank model LMF approximates, gets Acc-2 {} and MAE {} (LMF \
                     r=4: {} and {}) with {} parameters after the encoders, {} LMF r=4's: {}",
                    num(lin.acc2()),
                    num(lin.mae()),
                    num(lmf4.acc2()),
                    num(lmf4.mae()),
                    lin.fusion_parameters,
                    times(ratio),
                    if ratio < 8.0 {
                        "against this head the saving is smaller; most of TFN's parameters are in its MLP head's \
                         first layer, 32 weights for every entry of the tensor."
                    } else {
                        "the saving holds against the linear head too."
                    }
                ),
            )
            .with("TFN-lin Acc-2", lin.acc2())
            .with("parameters ratio", ratio),
        );
    }
    let ranks = r.ranks();
    if let (Some(first), Some(rest)) = (ranks.first(), ranks.iter().find(|c| rank_of(c.method) >= 4)) {
        let saturated: Vec<f64> = ranks.iter().filter(|c| rank_of(c.method) >= 4).map(|c| c.acc2()).collect();
        let spread = saturated.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v))
            - saturated.iter().fold(f64::INFINITY, |m, &v| m.min(v));
        let rises = rest.acc2() - first.acc2() >= 2.0;
        let flat = spread <= 1.5;
        let list =
            ranks.iter().map(|c| format!("{} at r={}", num(c.acc2()), rank_of(c.method))).collect::<Vec<_>>();
        out.push(
            Claim::observation(
                "accuracy_saturates_with_rank",
                SWEEP,
                rises && flat,
                format!(
                    "Acc-2 by rank: {}. From rank {} to rank {} it gains {}{} points{}",
                    list.join(", "),
                    rank_of(first.method),
                    rank_of(rest.method),
                    if rises { "" } else { "only " },
                    num(rest.acc2() - first.acc2()),
                    if flat && saturated.len() > 1 {
                        format!(
                            "; from rank 4 on the ranks lie within {} points of each other: the label's interactions \
                             need few rank-one terms (the SPEC writes its trilinear part with five).",
                            num(spread)
                        )
                    } else if saturated.len() > 1 {
                        format!("; from rank 4 on the ranks still spread over {} points.", num(spread))
                    } else {
                        ".".into()
                    }
                ),
            )
            .with("rank-1 Acc-2", first.acc2())
            .with("spread from rank 4", spread),
        );
    }
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
    out.push(
        Claim::required(
            "lmf_matches_reference",
            SWEEP,
            lmf4_within,
            format!(
                "Against the reference's LMF rows (SPEC 8.2), {} of {compared} ranks land within 2.5 Acc-2 points and \
                 0.04 MAE (or two of our across-seed standard deviations){} (bar: rank 4 within).",
                compared - outside.len(),
                if outside.is_empty() { String::new() } else { format!("; outside: {}", outside.join(", ")) }
            ),
        )
        .with("ranks within", (compared - outside.len()) as f64),
    );
    if let (Some(product), Some(lmf8)) = (r.cell(Method::Product), r.cell(Method::Lmf(8))) {
        let close = (product.acc2() - lmf8.acc2()).abs() <= 1.5;
        out.push(
            Claim::observation(
                "product_is_rank_eight",
                SWEEP,
                close,
                format!(
                    "The product of 8-wide projections is the same family of functions as LMF of rank 8 (each u_i . \
                     [h_m; 1] is one more affine projection); trained, it gets Acc-2 {} against LMF r=8's {}{}",
                    num(product.acc2()),
                    num(lmf8.acc2()),
                    if close {
                        ": the same family, and about the same result."
                    } else {
                        ": the same family, trained from another starting point and parameterisation, lands elsewhere."
                    }
                ),
            )
            .with("product Acc-2", product.acc2())
            .with("LMF r=8 Acc-2", lmf8.acc2()),
        );
    }
}

fn sarcasm(r: &Report) -> Option<Claim> {
    let ranks = r.ranks();
    let (first, four) = (ranks.first()?, r.cell(Method::Lmf(4))?);
    let (tfn, lin) = (r.cell(Method::Tfn)?, r.cell(Method::ConcatLinear)?);
    let (subset, whole) = (four.sarcasm_acc2() - first.sarcasm_acc2(), four.acc2() - first.acc2());
    let most = subset > 2.0 * whole && whole > 0.0;
    let list = ranks
        .iter()
        .map(|c| format!("{} at r={}", num(c.sarcasm_acc2()), rank_of(c.method)))
        .collect::<Vec<_>>();
    Some(
        Claim::observation(
            "rank_shows_on_the_sarcasm_subset",
            SARCASM,
            subset >= 5.0,
            format!(
                "On the utterances with an eye-roll on positive words, LMF's Acc-2 by rank is {} (TFN {}, concat + \
                 linear {}). From rank 1 to 4 the subset gains {} points and the whole test split {}{}",
                list.join(", "),
                num(tfn.sarcasm_acc2()),
                num(lin.sarcasm_acc2()),
                num(subset),
                num(whole),
                if most { ": rank matters most where the label multiplies the modalities." } else { "." }
            ),
        )
        .with("rank-1 subset Acc-2", first.sarcasm_acc2())
        .with("rank-4 subset Acc-2", four.sarcasm_acc2()),
    )
}

fn speed(r: &Report, out: &mut Vec<Claim>) {
    let t = &r.timing;
    let Some(ours) = crate::timing::layer_speedup(t, "ours") else { return };
    out.push(
        Claim::required(
            "lmf_step_faster",
            SPEED,
            ours >= 3.0,
            format!(
                "At SPEC section 10's sizes (projections of 32, 32 and 64, a 70,785-entry tensor, batch 32), one \
                 training step of the fusion layer takes {} ms with TFN's linear head and {} ms with LMF of rank 4 in \
                 our engine: LMF is {} faster (bar: 3×; measured {}).",
                num(t.get("ours", LAYER, "tfn_linear_train_step").unwrap_or(f64::NAN)),
                num(t.get("ours", LAYER, "lmf_rank4_train_step").unwrap_or(f64::NAN)),
                times(ours),
                t.date
            ),
        )
        .with("speed-up", ours),
    );
    let Some(torch) = crate::timing::layer_speedup(t, "torch") else { return };
    let engine = |bench: &str| Some(t.get("ours", LAYER, bench)? / t.get("torch", LAYER, bench)?);
    let (tfn, lmf) = (
        engine("tfn_linear_train_step").unwrap_or(f64::NAN),
        engine("lmf_rank4_train_step").unwrap_or(f64::NAN),
    );
    let model = |bench: &str| Some(t.get("ours", MODEL, bench)? / t.get("torch", MODEL, bench)?);
    let whole = model("lmf_rank4_train_step").unwrap_or(f64::NAN);
    let relation = |x: f64| {
        if x < 1.0 {
            format!("{} less time than PyTorch's", times(1.0 / x))
        } else {
            format!("{} PyTorch's time", times(x))
        }
    };
    out.push(
        Claim::observation(
            "speed_in_pytorch",
            SPEED,
            torch >= 3.0,
            format!(
                "In PyTorch {} on the same machine and workload the speed-up is {}. Engine against engine, our TFN \
                 step takes {}, our LMF step {}, and a whole toy MOSI LMF model's step {}{}",
                t.versions.get("torch").map_or("", String::as_str),
                times(torch),
                relation(tfn),
                relation(lmf),
                relation(whole),
                if tfn > 1.0 && lmf < 1.0 {
                    ": our engine is the slower one only where the tensor is formed and used (broadcast products over \
                     70,785 entries, their backward pass, matrix-vector products through a matrix-matrix kernel), and \
                     the faster one where small operations dominate, so LMF's speed-up is larger in our engine."
                } else {
                    "."
                }
            ),
        )
        .with("PyTorch speed-up", torch)
        .with("ours / PyTorch, TFN step", tfn)
        .with("ours / PyTorch, LMF step", lmf),
    );
}

/// Every conclusion the page draws.
pub fn claims(r: &Report) -> Vec<Claim> {
    let mut out = vec![steps(r)];
    sweep(r, &mut out);
    out.extend(sarcasm(r));
    speed(r, &mut out);
    out
}

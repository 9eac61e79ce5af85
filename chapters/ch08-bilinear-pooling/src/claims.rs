//! The conclusions the page draws, computed from the report.

use kit::Claim;
use kit::claims::{Missing, Verdict, all_computed, computed, need, times};
use kit::compare::{ACC2, Comparison, MAE, Metric, Outcome, compare};
use models::fusion::Method;
use models::toymosi::within_tolerance;

use crate::{Cell, Report, Run};

const VS: &str = "tensor-fusion-against-chapter-7s-methods";
const BLOCKS: &str = "which-blocks-the-label-needs";
const WORLD: &str = "an-additive-world";
const SIZE: &str = "the-price-the-tensor-grows-exponentially";

/// SPEC 8.1 / 8.2: TFN on T+A+V, Acc-2 % and its sd, MAE.
pub const REFERENCE_TFN: (f64, f64, f64) = (86.2, 1.0, 0.581);

/// SPEC 8.1: concat + linear on T+A+V, Acc-2 %.
pub const REFERENCE_CONCAT_LINEAR: f64 = 81.5;

/// The cell of `subset` and `method` at interaction strength `lambda`, all blocks, or
/// the error naming it.
fn cell<'a>(r: &'a Report, subset: &str, method: Method, lambda: f64) -> Result<&'a Cell, Missing> {
    let why = if lambda == 1.0 {
        "every run trains it".to_string()
    } else {
        format!("keep {lambda} in the ablation's lambdas")
    };
    need(
        r.cell(subset, method, lambda),
        format!("the cell {subset} {} at lambda_int = {lambda} ({why})", method.name()),
    )
}

/// The T+A+V cell of `method` at the default interaction strength.
fn tav(r: &Report, method: Method) -> Result<&Cell, Missing> {
    cell(r, "T+A+V", method, 1.0)
}

/// The block ablation's model keeping blocks up to `order`, or the error naming it.
fn blocks(r: &Report, order: usize) -> Result<&Cell, Missing> {
    need(r.blocks(order), format!("the block ablation's TFN with a linear head up to order {order}"))
}

/// Each run's value of `f`, in seed order.
fn per_seed(c: &Cell, f: impl Fn(&Run) -> f64) -> Vec<f64> {
    c.runs.iter().map(f).collect()
}

/// The per-seed values of `metric` (Acc-2 in percent, or MAE) on the whole test split,
/// or on the sarcasm subset (`Some(true)`) or the rest (`Some(false)`).
fn values(c: &Cell, metric: Metric, part: Option<bool>) -> Vec<f64> {
    per_seed(c, |r| {
        let s = match part {
            None => Some(r.test),
            Some(inside) => r.sarcasm.map(|(subset, rest)| if inside { subset } else { rest }),
        };
        s.map_or(f64::NAN, |s| if metric.name == MAE.name { s.mae } else { 100.0 * s.acc2 })
    })
}

/// `a` against `b` (named `an`, `bn`), paired by seed, on Acc-2 and MAE.
fn acc_and_mae(an: &str, a: &Cell, bn: &str, b: &Cell) -> (Comparison, Comparison) {
    (
        compare(an, &values(a, ACC2, None), bn, &values(b, ACC2, None), ACC2),
        compare(an, &values(a, MAE, None), bn, &values(b, MAE, None), MAE),
    )
}

/// Acc-2 on the sarcasm subset, paired by seed.
fn on_sarcasm(an: &str, a: &Cell, bn: &str, b: &Cell) -> Comparison {
    compare(an, &values(a, ACC2, Some(true)), bn, &values(b, ACC2, Some(true)), ACC2)
}

fn has_sarcasm(c: &Cell) -> bool {
    c.runs.iter().all(|r| r.sarcasm.is_some())
}

/// Every conclusion the page draws. A claim whose cell the report lacks is not dropped:
/// it is a [`Claim::not_computed`] naming the cell, which fails the run. The sarcasm
/// subset's claim is conditional by design: only on data that has the subset.
pub fn claims(r: &Report) -> Vec<Claim> {
    let mut out = all_computed(
        &[("tfn_beats_concatenation", VS), ("tfn_matches_reference", VS), ("tfn_vs_mlp", VS)],
        against_concatenation(r),
    );
    out.push(computed("tfn_vs_product", VS, against_product(r)));
    out.extend(on_sarcasm_subset(r).map(|c| computed("tfn_on_the_sarcasm_subset", VS, c)));
    out.push(computed("pairs", VS, pairs(r)));
    out.extend(all_computed(
        &[
            ("tensor_fusion_interactions", BLOCKS),
            ("bimodal_blocks_carry_the_gain", BLOCKS),
            ("trimodal_block", BLOCKS),
        ],
        block_claims(r),
    ));
    out.push(computed("additive_world_favours_the_linear_model", WORLD, additive_world(r)));
    out.push(computed("the_tensor_grows_exponentially", SIZE, tensor_size(r)));
    out
}

fn against_concatenation(r: &Report) -> Result<Vec<Claim>, Missing> {
    let mut out = Vec::new();
    let n = r.seeds.len();
    let (lin, tfn, mlp) = (tav(r, Method::ConcatLinear)?, tav(r, Method::Tfn)?, tav(r, Method::ConcatMlp)?);
    let (a, m) = acc_and_mae("TFN", tfn, "concat + linear", lin);
    out.push(
        Claim::bar(
            "tfn_beats_concatenation",
            VS,
            a.mean_diff() >= 3.0 && a.a_better * 5 >= 4 * n,
            &format!(
                "TFN's Acc-2 on T+A+V at least 3 points above concat + linear's on average over the paired \
                 seeds, and ahead on at least 4 of 5 seeds; set by this chapter below the reference's gap \
                 ({} against {REFERENCE_CONCAT_LINEAR})",
                REFERENCE_TFN.0
            ),
            format!(
                "On T+A+V, {} (a mean of {} points); {}.",
                a.sentence(),
                a.show(a.mean_diff()),
                m.sentence()
            ),
        )
        .with_comparison(&a)
        .with_comparison(&m),
    );
    let (acc, acc_sd) = tfn.stat(|x| 100.0 * x.test.acc2);
    let (mae, mae_sd) = tfn.stat(|x| x.test.mae);
    let (ra, _, rm) = REFERENCE_TFN;
    out.push(
        Claim::bar(
            "tfn_matches_reference",
            VS,
            within_tolerance((acc, mae), (acc_sd, mae_sd), (ra, rm)),
            "TFN on T+A+V within 2.5 Acc-2 points and 0.04 MAE of the specification's reference TFN, or \
             within two of our across-seed standard deviations",
            format!(
                "TFN on T+A+V reaches Acc-2 {acc:.1} and MAE {mae:.3} against the reference's {ra} and {rm}; \
                 our standard deviations across seeds are {acc_sd:.1} and {mae_sd:.3}."
            ),
        )
        .with("Acc-2", acc)
        .with("MAE", mae),
    );
    let (a, m) = acc_and_mae("TFN", tfn, "concat + MLP", mlp);
    out.push(
        Claim::finding(
            "tfn_vs_mlp",
            VS,
            format!(
                "Against concat + MLP, which can learn products but is not given them: {}; {}.",
                a.sentence(),
                m.sentence()
            ),
        )
        .with_comparison(&a)
        .with_comparison(&m),
    );
    Ok(out)
}

fn against_product(r: &Report) -> Result<Claim, Missing> {
    let (tfn, prod) = (tav(r, Method::Tfn)?, tav(r, Method::Product)?);
    let (a, m) = acc_and_mae("TFN", tfn, "the product of projections", prod);
    let subset = (has_sarcasm(tfn) && has_sarcasm(prod))
        .then(|| on_sarcasm("TFN", tfn, "the product of projections", prod));
    let error_only = a.outcome == Outcome::Indistinguishable && m.outcome == Outcome::AAhead;
    let mut text = format!(
        "Against chapter 7's product of projections (the same seeds, the same data), with {} its \
         parameters ({} against {}): {}; {}",
        times(tfn.parameters as f64 / prod.parameters.max(1) as f64),
        tfn.parameters,
        prod.parameters,
        a.sentence(),
        m.sentence()
    );
    if let Some(s) = &subset {
        text += &format!("; on the sarcasm subset, {}", s.sentence());
    }
    text += if error_only {
        ". Here the full outer product buys a lower error, not more correct signs."
    } else {
        "."
    };
    let mut claim = Claim::finding("tfn_vs_product", VS, text).with_comparison(&a).with_comparison(&m);
    if let Some(s) = &subset {
        claim = claim.with_comparison(s);
    }
    Ok(claim)
}

/// Only on data with the sarcasm subset (toy MOSI's hidden factors).
fn on_sarcasm_subset(r: &Report) -> Option<Result<Claim, Missing>> {
    let cells = [Method::Tfn, Method::ConcatLinear, Method::ConcatMlp].map(|m| tav(r, m));
    if cells.iter().flatten().any(|c| !has_sarcasm(c)) {
        return None;
    }
    Some(tfn_on_sarcasm(r))
}

fn tfn_on_sarcasm(r: &Report) -> Result<Claim, Missing> {
    let (tfn, lin, mlp) = (tav(r, Method::Tfn)?, tav(r, Method::ConcatLinear)?, tav(r, Method::ConcatMlp)?);
    let inside = |c: &Cell| c.stat(|x| 100.0 * x.sarcasm.map_or(f64::NAN, |s| s.0.acc2)).0;
    let vs_lin = on_sarcasm("TFN", tfn, "concat + linear", lin);
    let vs_mlp = on_sarcasm("TFN", tfn, "concat + MLP", mlp);
    Ok(Claim::finding(
        "tfn_on_the_sarcasm_subset",
        VS,
        format!(
            "On the utterances with an eye-roll on positive words, TFN gets Acc-2 {:.1}, concat + MLP \
             {:.1}, concat + linear {:.1}: {}; {}.",
            inside(tfn),
            inside(mlp),
            inside(lin),
            vs_lin.sentence(),
            vs_mlp.sentence()
        ),
    )
    .with_comparison(&vs_lin)
    .with_comparison(&vs_mlp))
}

/// The pairs: the bimodal tensor against concatenation, both with a linear head.
fn pairs(r: &Report) -> Result<Claim, Missing> {
    let mut sentences = Vec::new();
    let mut ahead = Vec::new();
    let mut comparisons = Vec::new();
    for pair in ["T+A", "T+V", "A+V"] {
        let (t, l) = (cell(r, pair, Method::TfnLinear, 1.0)?, cell(r, pair, Method::ConcatLinear, 1.0)?);
        let (a, m) = acc_and_mae("the tensor", t, "concatenation", l);
        sentences.push(format!("On {pair}, {}; {}", a.sentence(), m.sentence()));
        if a.outcome == Outcome::AAhead && m.outcome == Outcome::AAhead {
            ahead.push(pair);
        }
        comparisons.extend([a, m]);
    }
    let summary = match ahead.as_slice() {
        [] => "On no pair is the bimodal tensor ahead of concatenation on every seed in both Acc-2 and MAE."
            .to_string(),
        [one] => format!(
            "Only on {one} is the bimodal tensor ahead of concatenation on every seed in both Acc-2 and \
             MAE."
        ),
        many => format!(
            "The bimodal tensor is ahead of concatenation on every seed in both Acc-2 and MAE on {}.",
            many.join(" and ")
        ),
    };
    let mut claim = Claim::finding(
        "pairs",
        VS,
        format!(
            "TFN with a linear head (the tensor) against concat + linear (concatenation), pair by pair. \
             {}. {summary}",
            sentences.join(". ")
        ),
    );
    for c in &comparisons {
        claim = claim.with_comparison(c);
    }
    Ok(claim)
}

fn block_claims(r: &Report) -> Result<Vec<Claim>, Missing> {
    let mut out = Vec::new();
    let (b1, b2, b3) = (blocks(r, 1)?, blocks(r, 2)?, blocks(r, 3)?);
    let lin = tav(r, Method::ConcatLinear)?;
    let (all_acc, all_mae) = acc_and_mae("the whole tensor", b3, "its unimodal blocks alone", b1);
    let verdict = if all_acc.outcome == Outcome::AAhead && all_mae.outcome == Outcome::AAhead {
        Verdict::Holds
    } else if all_acc.outcome == Outcome::BAhead || all_mae.outcome == Outcome::BAhead {
        Verdict::DoesNotHold
    } else {
        Verdict::NotDecided { seeds: all_acc.seeds() }
    };
    out.push(
        Claim::lecture(
            "tensor_fusion_interactions",
            BLOCKS,
            "tensor_fusion_interactions",
            "TFN with a linear head on T+A+V, whole tensor against the same model keeping only the constant \
             and unimodal blocks (a concatenation of the projections): ahead on every seed in Acc-2 and in MAE",
            verdict,
            format!(
                "With a linear head on T+A+V, {}; {}.",
                all_acc.sentence(),
                all_mae.sentence()
            ),
        )
        .with_comparison(&all_acc)
        .with_comparison(&all_mae),
    );
    let mut claim;
    let mut text = format!(
        "With a linear head and only the tensor's constant and unimodal blocks, TFN is an additive model: \
         Acc-2 {:.1} and MAE {:.3}.",
        b1.acc2(),
        b1.mae()
    );
    let vs_lin = acc_and_mae("unimodal blocks", b1, "concat + linear", lin);
    text += &format!(" Against concat + linear, {}; {}.", vs_lin.0.sentence(), vs_lin.1.sentence());
    let (a, m) = acc_and_mae("unimodal + bimodal blocks", b2, "unimodal blocks", b1);
    text += &format!(" Adding the bimodal blocks: {}; {}.", a.sentence(), m.sentence());
    claim =
        Claim::finding("bimodal_blocks_carry_the_gain", BLOCKS, text).with_comparison(&a).with_comparison(&m);
    claim = claim.with_comparison(&vs_lin.0).with_comparison(&vs_lin.1);
    out.push(claim);
    let (a, m) = acc_and_mae("the whole tensor", b3, "unimodal + bimodal blocks", b2);
    let trimodal_entries =
        models::fusion::entry_orders(&[models::fusion::PROJECTION; 3]).iter().filter(|&&o| o == 3).count();
    let helps = m.outcome == Outcome::AAhead;
    out.push(
        Claim::finding(
            "trimodal_block",
            BLOCKS,
            format!(
                "Adding the trimodal block too: {}; {}. {}",
                a.sentence(),
                m.sentence(),
                if helps {
                    "The three-way product lowers the error further, as the label's trimodal term (prosody \
                     deciding whether an eye-roll reverses or only dampens) would need."
                        .to_string()
                } else {
                    format!(
                        "The label has a trimodal term, yet the seeds do not show the block lowering the error. \
                         One explanation, not tested here, is that with a linear head its {trimodal_entries} \
                         entries are {trimodal_entries} more weights to fit from {} training utterances; \
                         exercise 4 tests it.",
                        r.training
                    )
                }
            ),
        )
        .with_comparison(&a)
        .with_comparison(&m),
    );
    Ok(out)
}

fn additive_world(r: &Report) -> Result<Claim, Missing> {
    let (lin0, tfn0) = (cell(r, "T+A+V", Method::ConcatLinear, 0.0)?, cell(r, "T+A+V", Method::Tfn, 0.0)?);
    let holds = lin0.acc2() >= tfn0.acc2() - 0.5 && lin0.mae() <= tfn0.mae();
    let (a, m) = acc_and_mae("concat + linear", lin0, "TFN", tfn0);
    Ok(Claim::bar(
        "additive_world_favours_the_linear_model",
        WORLD,
        holds,
        "at lambda_int = 0, concat + linear's mean Acc-2 within 0.5 points of TFN's or above it, and its \
         mean MAE no higher; set by this chapter (a label that is a sum needs no products)",
        format!(
            "With the interactions switched off (lambda_int = 0) concat + linear gets Acc-2 {:.1} and MAE \
             {:.3}, TFN {:.1} and {:.3}; paired by seed, {}; {}. The label is then a sum of one term per \
             modality, which a linear model of {} parameters can represent.",
            lin0.acc2(),
            lin0.mae(),
            tfn0.acc2(),
            tfn0.mae(),
            a.sentence(),
            m.sentence(),
            lin0.parameters
        ),
    )
    .with("linear Acc-2", lin0.acc2())
    .with("TFN Acc-2", tfn0.acc2())
    .with("linear MAE", lin0.mae())
    .with("TFN MAE", tfn0.mae())
    .with_comparison(&a)
    .with_comparison(&m))
}

fn tensor_size(r: &Report) -> Result<Claim, Missing> {
    let sizes = "the table of tensor sizes";
    let (small, big) = (need(r.sizes.first(), sizes)?, need(r.sizes.last(), sizes)?);
    Ok(Claim::finding(
        "the_tensor_grows_exponentially",
        SIZE,
        format!(
            "The tensor has (d + 1)^M entries, exponential in the number of modalities M and a polynomial \
             of degree M in the width d: {} for {} modalities of {}, {} for {} of {}, where the \
             concatenation has {} and {} numbers; TFN's first head layer alone would need {} parameters.",
            small.tensor,
            small.modalities,
            small.width,
            big.tensor,
            big.modalities,
            big.width,
            small.concat,
            big.concat,
            big.head
        ),
    )
    .with("smallest tensor", small.tensor as f64)
    .with("largest tensor", big.tensor as f64))
}

#[cfg(test)]
#[path = "claims_tests.rs"]
mod tests;

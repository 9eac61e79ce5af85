//! The conclusions of the page "Adding your own model": the GMU trained, its parameter
//! count is the formula's, and how it compares with TFN, LMF's best rank and the
//! product of projections, each comparison paired by seed (`kit::compare`).

use kit::claims::{Missing, computed, need};
use kit::compare::{ACC2, MAE};
use kit::{Claim, Comparison, compare};
use models::fusion::Method;

use crate::{Cell, GmuRuns, Report, Run};

const MODEL: &str = "own-model.md#the-gated-multimodal-unit";
const TRAINING: &str = "own-model.md#training-it";
const COMPARED: &str = "own-model.md#how-it-compares";

/// A GMU on toy MOSI's T+A+V as a student reported it, over 5 seeds: mean and standard
/// deviation of Acc-2 (percent) and of MAE, and its parameters as a share of TFN's
/// ("about 15%"). How that model was built is not known.
pub const REPORTED: ((f64, f64), (f64, f64), f64) = ((87.5, 0.2), (0.539, 0.020), 0.15);

/// The GMU's runs, or the error naming them.
fn gmu(r: &Report) -> Result<&GmuRuns, Missing> {
    need(r.gmu.as_ref(), "the GMU's runs (every run on toy MOSI trains it)")
}

/// The cell of `method`, or the error naming it.
fn cell(r: &Report, method: Method) -> Result<&Cell, Missing> {
    let name = if method == Method::Tfn { "TFN" } else { method.name() };
    need(r.cell(method), format!("the cell {name} (every run trains it)"))
}

/// The LMF cell with the best mean test Acc-2 (the lower rank on a tie).
pub(crate) fn best_lmf(r: &Report) -> Result<&Cell, Missing> {
    let ranks = r.ranks();
    let best = ranks.iter().copied().fold(None::<&Cell>, |b, c| match b {
        Some(b) if b.acc2() >= c.acc2() => Some(b),
        _ => Some(c),
    });
    need(best, "an LMF rank in the sweep")
}

fn acc2(runs: &[Run]) -> Vec<f64> {
    runs.iter().map(|r| 100.0 * r.test.acc2).collect()
}

fn mae(runs: &[Run]) -> Vec<f64> {
    runs.iter().map(|r| r.test.mae).collect()
}

/// The GMU against `other` in Acc-2 and in MAE, paired by seed; an error when the two
/// were not run on the same seeds.
fn against(g: &GmuRuns, other: &Cell) -> Result<(Comparison, Comparison), Missing> {
    let seeds = |runs: &[Run]| runs.iter().map(|r| r.seed).collect::<Vec<_>>();
    need(
        (seeds(&g.runs) == seeds(&other.runs)).then_some(()),
        format!("the GMU's runs on the seeds of {} (comparisons pair by seed)", other.name()),
    )?;
    let name = other.name();
    Ok((
        compare("the GMU", &acc2(&g.runs), &name, &acc2(&other.runs), ACC2),
        compare("the GMU", &mae(&g.runs), &name, &mae(&other.runs), MAE),
    ))
}

/// The comparison claim `id` with `other`, introduced as `what`.
fn versus(id: &str, r: &Report, other: &Cell, what: &str) -> Result<Claim, Missing> {
    let (acc, err) = against(gmu(r)?, other)?;
    Ok(Claim::finding(
        id,
        COMPARED,
        format!("Against {what}: {}. In MAE, {}.", acc.sentence(), err.sentence()),
    )
    .with_comparison(&acc)
    .with_comparison(&err))
}

fn trained(r: &Report) -> Result<Claim, Missing> {
    let g = gmu(r)?;
    let n = r.seeds.len();
    let maes = mae(&g.runs);
    let beaten = maes.iter().zip(&g.mean_predictor_mae).filter(|(m, c)| m < c).count();
    let range =
        |v: &[f64]| v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| (l.min(x), h.max(x)));
    let ((lo, hi), (clo, chi)) = (range(&maes), range(&g.mean_predictor_mae));
    let epochs = g.best_epochs.iter().fold((usize::MAX, 0), |(l, h), &e| (l.min(e), h.max(e)));
    Ok(Claim::bar(
        "gmu_trained",
        TRAINING,
        g.runs.len() == n && beaten == n,
        "a trained GMU on every seed, each with a test MAE below that of predicting the training labels' mean",
        format!(
            "The GMU trained on {} of {n} seeds (early stopping kept epoch {} to {}). Its test MAE, {lo:.3} to {hi:.3}, \
             is below that of predicting the training labels' mean ({clo:.3} to {chi:.3}) on {beaten} of them.",
            g.runs.len(),
            epochs.0,
            epochs.1,
        ),
    )
    .with("seeds trained", g.runs.len() as f64)
    .with("seeds below the mean predictor's MAE", beaten as f64))
}

fn parameters(r: &Report) -> Result<Claim, Missing> {
    let g = gmu(r)?;
    let (tfn, lmf, product) = (cell(r, Method::Tfn)?, best_lmf(r)?, cell(r, Method::Product)?);
    let share = g.parameters as f64 / tfn.parameters as f64;
    Ok(Claim::bar(
        "gmu_parameters",
        MODEL,
        g.parameters == g.formula_parameters,
        "the trained model's own count (`Model::num_parameters`) equal to the formula's from its layers' sizes",
        format!(
            "The GMU on input widths {:?} has {} parameters by its own count and {} by the formula, {} of them after \
             the encoders. That is {:.1}% of TFN's {}; after the encoders, the GMU has {} against TFN's {}, {}'s {} and \
             the product's {}.",
            g.widths,
            g.parameters,
            g.formula_parameters,
            g.fusion_parameters,
            100.0 * share,
            tfn.parameters,
            g.fusion_parameters,
            tfn.fusion_parameters,
            lmf.name(),
            lmf.fusion_parameters,
            product.fusion_parameters,
        ),
    )
    .with("parameters", g.parameters as f64)
    .with("by the formula", g.formula_parameters as f64)
    .with("share of TFN's parameters", share))
}

/// Where `v` lies against the range `lo..=hi`.
fn position(v: f64, (lo, hi): (f64, f64)) -> &'static str {
    if v < lo {
        "below"
    } else if v > hi {
        "above"
    } else {
        "within"
    }
}

fn reported(r: &Report) -> Result<Claim, Missing> {
    let (g, tfn) = (gmu(r)?, cell(r, Method::Tfn)?);
    let ((ra, ra_sd), (rm, rm_sd), rshare) = REPORTED;
    let (a, m) = (acc2(&g.runs), mae(&g.runs));
    let range =
        |v: &[f64]| v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| (l.min(x), h.max(x)));
    let ((a_mean, a_sd), (m_mean, m_sd)) = (models::toymosi::mean_sd(&a), models::toymosi::mean_sd(&m));
    let (a_range, m_range) = (range(&a), range(&m));
    let share = g.parameters as f64 / tfn.parameters as f64;
    Ok(Claim::finding(
        "gmu_against_a_reported_run",
        COMPARED,
        format!(
            "A student reported a GMU on T+A+V at {ra} ± {ra_sd} Acc-2 and {rm:.3} ± {rm_sd:.3} MAE over 5 seeds, with \
             about {:.0}% of TFN's parameters; how it was built is not known here. Ours, built as above, gets \
             {a_mean:.1} ± {a_sd:.1} and {m_mean:.3} ± {m_sd:.3} over {} seeds with {:.1}% of TFN's parameters: the \
             reported Acc-2 lies {} the range of our seeds ({:.1} to {:.1}), the reported MAE {} ours ({:.3} to {:.3}).",
            100.0 * rshare,
            g.runs.len(),
            100.0 * share,
            position(ra, a_range),
            a_range.0,
            a_range.1,
            position(rm, m_range),
            m_range.0,
            m_range.1,
        ),
    )
    .with("reported Acc-2 − our mean", ra - a_mean)
    .with("reported MAE − our mean", rm - m_mean))
}

/// The page's claims, in the order it shows them. A claim whose input the report lacks
/// is a [`Claim::not_computed`] naming it.
pub(crate) fn claims(r: &Report) -> Vec<Claim> {
    let lmf =
        best_lmf(r).map(|c| (c, format!("{}, the rank of the sweep with the best mean Acc-2", c.name())));
    vec![
        computed("gmu_parameters", MODEL, parameters(r)),
        computed("gmu_trained", TRAINING, trained(r)),
        computed(
            "gmu_against_tfn",
            COMPARED,
            cell(r, Method::Tfn).and_then(|c| versus("gmu_against_tfn", r, c, "TFN")),
        ),
        computed(
            "gmu_against_lmf",
            COMPARED,
            lmf.and_then(|(c, what)| versus("gmu_against_lmf", r, c, &what)),
        ),
        computed(
            "gmu_against_product",
            COMPARED,
            cell(r, Method::Product)
                .and_then(|c| versus("gmu_against_product", r, c, "the product of projections")),
        ),
        computed("gmu_against_a_reported_run", COMPARED, reported(r)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed full run's report.
    fn full_run() -> Report {
        serde_json::from_str(include_str!("../../../book/src/ch09-low-rank-fusion/results.json")).unwrap()
    }

    #[test]
    fn every_claim_is_computed_on_the_full_run_and_each_bar_holds() {
        let made = claims(&full_run());
        assert_eq!(made.len(), 6);
        assert!(made.iter().all(|c| c.missing.is_none() && c.holds), "{made:?}");
    }

    #[test]
    fn a_report_without_the_gmu_names_what_is_missing() {
        let mut r = full_run();
        r.gmu = None;
        for c in claims(&r) {
            assert_eq!(
                c.missing.as_deref(),
                Some("the GMU's runs (every run on toy MOSI trains it)"),
                "{}",
                c.id
            );
        }
    }

    #[test]
    fn runs_on_other_seeds_are_not_paired() {
        let mut r = full_run();
        r.gmu.as_mut().unwrap().runs[0].seed = 99;
        let made = claims(&r);
        let tfn = made.iter().find(|c| c.id == "gmu_against_tfn").unwrap();
        assert_eq!(
            tfn.missing.as_deref(),
            Some("the GMU's runs on the seeds of TFN (comparisons pair by seed)")
        );
    }

    #[test]
    fn the_bars_fail_when_the_numbers_miss_them() {
        let mut r = full_run();
        let g = r.gmu.as_mut().unwrap();
        g.formula_parameters += 1;
        // One seed no better than predicting the training labels' mean.
        g.mean_predictor_mae[1] = g.runs[1].test.mae;
        let failed = kit::claims::failing_required(&claims(&r));
        assert_eq!(failed, ["gmu_parameters", "gmu_trained"]);
    }

    #[test]
    fn the_best_rank_is_the_one_with_the_best_mean_acc2() {
        let r = full_run();
        let best = best_lmf(&r).unwrap();
        assert!(r.ranks().iter().all(|c| c.acc2() <= best.acc2()));
    }
}

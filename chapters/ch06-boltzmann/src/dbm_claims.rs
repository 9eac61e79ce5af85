//! The conclusions the second page draws about the DBM: that mean-field converged,
//! how the lower bound moved, and the lecture's statements re-tested on the DBM beside
//! the DBN, with one yardstick on both data sets.

use kit::Claim;
use kit::claims::num;
use kit::compare::{Metric, Outcome, compare};

use crate::claims::joint_layer_claim;
use crate::clipart::{self, ClipArtReport};
use crate::multimodal::{self, AUDIO_LAYERS, IMAGE_LAYERS, MultimodalReport};
use crate::{Convergence, Report};

/// The DBM's section of the second page.
pub(crate) const DBM: &str = "deep.md#the-deep-boltzmann-machine";
/// The AV digits' layer table.
pub(crate) const LAYERS: &str = "deep.md#which-layer-knows-the-digit-best";
/// Clip art's layer table.
pub(crate) const CLIP_LAYERS: &str = "deep.md#which-layer-knows-the-class-best";
/// Clip art's retrieval section.
pub(crate) const RETRIEVAL: &str = "deep.md#cross-media-retrieval";

const ACC: Metric = kit::compare::ACCURACY;
const P5: Metric = Metric::higher("precision@5", "");
const MAP: Metric = Metric::higher("MAP", "");

/// The criterion the lecture's joint-layer statement is tested by on the DBM.
pub(crate) const DBM_JOINT_CRITERION: &str = "a linear probe on every layer of the DBM, each read by mean-field with \
     the inputs clamped: the joint layer (both modalities present) ahead of the most accurate single-modality layer, \
     inputs included, on every seed; the same criterion on both data sets and for the DBN";

/// Every DBM claim, computed from the report.
pub fn claims(r: &Report) -> Vec<Claim> {
    let (m, c) = (&r.multimodal, &r.clipart);
    let mut out = vec![convergence(m, c)];
    out.extend(bound(m));
    let single: Vec<&str> = IMAGE_LAYERS.iter().chain(&AUDIO_LAYERS).copied().collect();
    out.extend(
        joint_layer_claim(
            "dbm_joint_layer_best_av",
            LAYERS,
            "the AV digits, for the DBM",
            multimodal::JOINT,
            &single,
            |l| m.dbm_accuracies(l),
        )
        .map(dbm_criterion),
    );
    let clip_single: Vec<&str> = clipart::IMAGE_LAYERS.iter().chain(&clipart::TEXT_LAYERS).copied().collect();
    out.extend(
        joint_layer_claim(
            "dbm_joint_layer_best_clipart",
            CLIP_LAYERS,
            "clip art, for the DBM",
            clipart::JOINT,
            &clip_single,
            |l| c.dbm_accuracies(l),
        )
        .map(dbm_criterion),
    );
    out.push(against_dbn(m, c));
    out.push(tagging_and_retrieval(c));
    out
}

/// The joint-layer claim with the DBM's criterion in place of the DBN's.
fn dbm_criterion(mut claim: Claim) -> Claim {
    if let Some(l) = claim.lecture.as_mut() {
        l.criterion = DBM_JOINT_CRITERION.into();
    }
    claim
}

fn convergence(m: &MultimodalReport, c: &ClipArtReport) -> Claim {
    let all = m
        .seeds
        .iter()
        .map(|s| s.convergence)
        .chain(c.seeds.iter().map(|s| s.convergence))
        .fold(Convergence::default(), Convergence::merge);
    let tolerance = crate::DbmPlan::default().read_mean_field;
    Claim::bar(
        "dbm_mean_field_converges",
        DBM,
        all.unconverged == 0 && all.examples > 0 && all.worst_change < f64::from(tolerance.tolerance),
        "every example read to the tolerance within the sweep limit, the issue's test of mean-field",
        format!(
            "Mean-field reached its fixed point on every one of the {} readings of training and test pairs (both \
             data sets, every seed, each pair read three times: both inputs, the image alone, the other input \
             alone): no unit's mean moved by more than {:e} in its last sweep (the largest last change was {:.3e}). \
             The slowest example took {} sweeps, against a limit of {}.",
            all.examples,
            tolerance.tolerance,
            all.worst_change,
            all.most_sweeps,
            tolerance.max_sweeps
        ),
    )
    .with("examples read", all.examples as f64)
    .with("unconverged", all.unconverged as f64)
    .with("most sweeps", all.most_sweeps as f64)
    .with("largest last change", all.worst_change)
}

fn bound(m: &MultimodalReport) -> Option<Claim> {
    let trace = &m.seeds.first()?.bound;
    let (first, last) = (trace.first()?, trace.last()?);
    let best = trace.iter().map(|p| p.bound).fold(f64::NEG_INFINITY, f64::max);
    let se = trace.iter().map(|p| p.log_z_se).fold(0.0, f64::max);
    let moved = if last.bound > first.bound { "rose" } else { "fell" };
    let finite = trace.iter().all(|p| p.bound.is_finite());
    let falls = trace.windows(2).filter(|w| w[1].bound < w[0].bound).count();
    // Whether training had levelled off: the last step's change, said when it rose.
    let last_step = trace.len().checked_sub(2).map(|k| last.bound - trace[k].bound);
    let still_rising = match last_step {
        Some(d) if d > 0.0 && last.bound >= best => format!(
            " The bound is still rising at the last point ({} nats since the one before): joint training has not \
             levelled off at this budget, and the comparisons below are for a DBM trained this long.",
            num(d)
        ),
        _ => String::new(),
    };
    Some(
        Claim::finding(
            "dbm_bound",
            DBM,
            format!(
                "Over {} epochs of joint training on the AV digits (seed {}), the lower bound on log p(image, audio) \
                 of {} training pairs {moved} from {} to {} nats per pair (highest {}){}; it fell between {falls} of \
                 the {} pairs of consecutive points. AIS's standard error on log Z was at most {} over its runs; AIS \
                 can also be biased for a model this size (it underestimates log Z when its chains miss a mode), \
                 which no standard error shows.{still_rising}",
                last.epoch,
                m.seeds[0].seed,
                multimodal::BOUND_PAIRS,
                num(first.bound),
                num(last.bound),
                num(best),
                if finite { ", finite at every point" } else { ", not finite at some point" },
                trace.len().saturating_sub(1),
                num(se)
            ),
        )
        .with("bound before joint training", first.bound)
        .with("bound after", last.bound)
        .with("largest AIS standard error", se),
    )
}

fn against_dbn(m: &MultimodalReport, c: &ClipArtReport) -> Claim {
    let av = compare(
        "the DBM's joint layer",
        &m.dbm_accuracies(multimodal::JOINT),
        "the DBN's",
        &m.accuracies(multimodal::JOINT),
        ACC,
    );
    let art = compare(
        "the DBM's joint layer",
        &c.dbm_accuracies(clipart::JOINT),
        "the DBN's",
        &c.accuracies(clipart::JOINT),
        ACC,
    );
    let named = |o: Outcome| -> Vec<&str> {
        [("the AV digits", &av), ("clip art", &art)]
            .iter()
            .filter(|(_, c)| c.outcome == o)
            .map(|(n, _)| *n)
            .collect()
    };
    let (better, worse) = (named(Outcome::AAhead), named(Outcome::BAhead));
    let lead = if !better.is_empty() {
        format!(
            "Joint training made the joint layer more accurate than the greedy stack it started from on {}.",
            better.join(" and ")
        )
    } else if !worse.is_empty() {
        format!(
            "Joint training left the joint layer less accurate than the greedy stack it started from on {}.",
            worse.join(" and ")
        )
    } else {
        "At these seeds, joint training made the joint layer neither measurably better nor worse than the greedy stack \
         it started from."
            .to_string()
    };
    Claim::finding(
        "dbm_against_dbn",
        LAYERS,
        format!("{lead} On the AV digits, {}. On clip art, {}.", av.sentence(), art.sentence()),
    )
    .with_comparison(&av)
    .with_comparison(&art)
}

fn tagging_and_retrieval(c: &ClipArtReport) -> Claim {
    let per = |f: fn(&clipart::ClipSeed) -> f64| -> Vec<f64> { c.seeds.iter().map(f).collect() };
    let (mean_field, gibbs) = (per(|s| s.dbm_tagging.mean_field), per(|s| s.dbm_tagging.gibbs));
    let (frequency, dbn) = (per(|s| s.tagging.frequency), per(|s| s.tagging.model));
    let (i2t, t2i, chance) =
        (per(|s| s.dbm_retrieval.0), per(|s| s.dbm_retrieval.1), per(|s| s.retrieval.chance));
    let vs_freq = compare("the DBM's tagging (mean-field)", &mean_field, "word frequency", &frequency, P5);
    let gibbs_vs_freq = compare("its tagging by Gibbs sampling", &gibbs, "word frequency", &frequency, P5);
    let vs_dbn = compare("the DBM's tagging (mean-field)", &mean_field, "the DBN's", &dbn, P5);
    let random = per(|s| s.tagging.random);
    let vs_random =
        compare("the DBM's tagging (mean-field)", &mean_field, "five words at random", &random, P5);
    let i2t_chance = compare("pictures fetching titles", &i2t, "chance", &chance, MAP);
    let t2i_chance = compare("titles fetching pictures", &t2i, "chance", &chance, MAP);
    let verdict = crate::claims::all_ahead(&[&vs_freq, &i2t_chance, &t2i_chance], c.seeds.len());
    Claim::lecture(
        "dbm_tagging_and_retrieval",
        RETRIEVAL,
        "dbm_tagging_retrieval",
        "the clip-art DBM put to both uses, as the DBN is: its tagging ahead of suggesting the commonest words, and \
         its retrieval ahead of chance both ways, on every seed",
        verdict,
        format!(
            "Tagging: {}; {}; {}; against five vocabulary words drawn at random (expected precision@5 {} on average), {}. \
             Retrieval through the DBM's joint layer: {}; {}.",
            vs_freq.sentence(),
            gibbs_vs_freq.sentence(),
            vs_dbn.sentence(),
            num(random.iter().sum::<f64>() / random.len().max(1) as f64),
            vs_random.sentence(),
            i2t_chance.sentence(),
            t2i_chance.sentence()
        ),
    )
    .with_comparison(&vs_freq)
    .with_comparison(&gibbs_vs_freq)
    .with_comparison(&vs_dbn)
    .with_comparison(&vs_random)
    .with_comparison(&i2t_chance)
    .with_comparison(&t2i_chance)
}

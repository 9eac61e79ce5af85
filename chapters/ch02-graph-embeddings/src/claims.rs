//! The conclusions the chapter's page draws, computed from its report: the chapter's
//! bars, the lecture's statements tested (comparisons over seeds go through
//! `kit::compare`), and findings worded from the data.

use kit::Claim;
use kit::claims::{Missing, Verdict, all_computed, need, num};
use kit::compare::{ACCURACY, Metric, compare};

use crate::Report;
use crate::depth_claims::depth_claims;

const TREES: &str = "every-node-has-its-own-computation-graph";
const SUPERVISED: &str = "supervised-labels-on-a-subset-of-nodes";
const UNTRAINED: &str = "before-any-training";
const LINKS: &str = "unsupervised-connected-nodes-should-be-close";

/// The area under the ROC curve of a link predictor.
pub(crate) const AUC: Metric = Metric::higher("AUC", "");

/// Every conclusion the page draws, computed from the report.
pub fn claims(r: &Report) -> Vec<Claim> {
    let mut out = supervised_claims(r);
    out.extend(link_claims(r));
    out.extend(depth_claims(r));
    out
}

fn friends(list: &[usize]) -> String {
    let names: Vec<String> = list.iter().map(|n| format!("node {n}")).collect();
    match names.len() {
        1 => format!("one friend ({})", names[0]),
        n => format!("{n} friends ({})", names.join(", ")),
    }
}

fn supervised_claims(r: &Report) -> Vec<Claim> {
    let k = &r.karate;
    let u = &r.untrained;
    let separation = compare(
        "the untrained GCN",
        &u.untrained_gcn.values,
        "random points",
        &u.random_points.values,
        ACCURACY,
    );
    let mut out = vec![
        Claim::bar(
            "karate_leaders",
            SUPERVISED,
            k.leaders.mean >= 0.90,
            "mean accuracy at least 0.90 on the unlabelled members, set by this chapter for the full run",
            format!(
                "With only the two leaders labelled and no features, the GCN classifies {} of the other 32 \
                 members correctly on average over {} initialisations (worst run {}).",
                num(k.leaders.mean),
                k.leaders.runs,
                num(k.leaders.min)
            ),
        )
        .with("mean accuracy", k.leaders.mean)
        .with("bar", 0.90),
        Claim::bar(
            "karate_one_per_faction",
            SUPERVISED,
            k.one_per_faction.mean >= 0.85,
            "mean accuracy at least 0.85 with one random member per faction labelled, set by this chapter",
            format!(
                "With one random member of each faction labelled instead, it averages {}, and its worst run \
                 falls to {}.",
                num(k.one_per_faction.mean),
                num(k.one_per_faction.min)
            ),
        )
        .with("mean accuracy", k.one_per_faction.mean)
        .with("bar", 0.85),
        Claim::bar(
            "untrained_separates",
            UNTRAINED,
            u.untrained_gcn.mean > u.random_points.mean + 0.1,
            "the untrained GCN's mean more than 0.1 above the random points' mean, set by this chapter",
            format!(
                "Untrained, the GCN's 2-D output lets a logistic regression fit the factions with training \
                 accuracy {} on average, against {} for random points with the same labels; paired by \
                 initialisation, {}.",
                num(u.untrained_gcn.mean),
                num(u.random_points.mean),
                separation.sentence()
            ),
        )
        .with("untrained GCN", u.untrained_gcn.mean)
        .with("random points", u.random_points.mean)
        .with_comparison(&separation),
    ];
    let below = u.untrained_gcn.min.min(u.random_points.min) < u.majority;
    let text = if below {
        format!(
            "Minimums below {} (the most that putting every member in one faction can score) are possible: \
             logistic regression minimises cross-entropy, not the number of mistakes, so where the factions \
             interleave the line with the lowest loss can misclassify most points (worst runs {} and {}).",
            num(u.majority),
            num(u.untrained_gcn.min),
            num(u.random_points.min)
        )
    } else {
        format!("Every run scores at least {}, the larger faction's share of the club.", num(u.majority))
    };
    out.push(
        Claim::finding("separability_minimum", UNTRAINED, text)
            .with("larger faction's share", u.majority)
            .with("worst untrained GCN run", u.untrained_gcn.min)
            .with("worst random run", u.random_points.min),
    );
    if let [a, b] = &r.trees[..] {
        out.push(
            Claim::finding(
                "tree_reach",
                TREES,
                format!(
                    "Node {} has {}, yet its 2-hop tree reaches {} of the club's {} members; node {} has {} \
                     and its tree reaches {}. The same weights run on both trees, but the trees, and so the \
                     computations, differ.",
                    a.node,
                    friends(&a.neighbours),
                    a.distinct,
                    a.of,
                    b.node,
                    friends(&b.neighbours),
                    b.distinct
                ),
            )
            .with(&format!("members reached from node {}", a.node), a.distinct as f64)
            .with(&format!("members reached from node {}", b.node), b.distinct as f64),
        );
    }
    out
}

fn link_claims(r: &Report) -> Vec<Claim> {
    const STUDIES: [(&str, &str); 5] = [
        ("gae_beats_untrained", LINKS),
        ("gae_learns_links", LINKS),
        ("heuristics_vs_gae", LINKS),
        ("karate_links", LINKS),
        ("untrained_links", LINKS),
    ];
    let mut out = all_computed(&STUDIES, link_studies(r));
    out.extend(factions(r));
    out
}

/// The two link-prediction studies: Les Misérables, then the karate club.
fn link_studies(r: &Report) -> Result<Vec<Claim>, Missing> {
    let mut out = Vec::new();
    let lesmis = need(r.links.first(), "the link-prediction study on Les Misérables (the run makes it)")?;
    let (gae, untrained) = (lesmis.trained_gae.mean, lesmis.untrained_gae.mean);
    out.push(
        Claim::bar(
            "gae_beats_untrained",
            LINKS,
            gae >= 0.80 && gae > untrained,
            "the trained autoencoder's mean AUC on Les Misérables at least 0.80 and above the untrained \
             network's, set by this chapter",
            format!(
                "On {} the trained autoencoder ranks held-out edges above non-edges with mean AUC {} over {} \
                 splits, against {} for the same network untrained.",
                lesmis.graph,
                num(gae),
                lesmis.trained_gae.runs,
                num(untrained)
            ),
        )
        .with("trained AUC", gae)
        .with("untrained AUC", untrained)
        .with("bar", 0.80),
    );
    let learned = compare(
        "the trained autoencoder",
        &lesmis.trained_gae.values,
        "the untrained one",
        &lesmis.untrained_gae.values,
        AUC,
    );
    out.push(
        Claim::lecture(
            "gae_learns_links",
            LINKS,
            "gcn_unsupervised",
            "the trained autoencoder's AUC on Les Misérables' held-out edges above the same network's \
             untrained AUC on every random split (the karate club's splits, of 8 edges, follow below)",
            learned.verdict_a_better(),
            format!("On Les Misérables, split by split, {}.", learned.sentence()),
        )
        .with_comparison(&learned),
    );
    let aa = compare(
        "the trained autoencoder",
        &lesmis.trained_gae.values,
        "Adamic-Adar",
        &lesmis.adamic_adar.values,
        AUC,
    );
    let cn = compare(
        "the trained autoencoder",
        &lesmis.trained_gae.values,
        "common neighbours",
        &lesmis.common_neighbours.values,
        AUC,
    );
    out.push(
        Claim::finding(
            "heuristics_vs_gae",
            LINKS,
            format!(
                "Against the two heuristics that learn nothing, split by split: {}; {}.",
                cn.sentence(),
                aa.sentence()
            ),
        )
        .with_comparison(&cn)
        .with_comparison(&aa),
    );
    let karate = need(r.links.get(1), "the link-prediction study on the karate club (the run makes it)")?;
    let trained = compare(
        "the trained autoencoder",
        &karate.trained_gae.values,
        "the untrained one",
        &karate.untrained_gae.values,
        AUC,
    );
    let heuristic = compare(
        "the trained autoencoder",
        &karate.trained_gae.values,
        "Adamic-Adar",
        &karate.adamic_adar.values,
        AUC,
    );
    out.push(
        Claim::finding(
            "karate_links",
            LINKS,
            format!(
                "On the karate club ({} held-out edges a split): {}; {}.",
                karate.held_out_edges,
                trained.sentence(),
                heuristic.sentence()
            ),
        )
        .with_comparison(&trained)
        .with_comparison(&heuristic),
    );
    let lowest = lesmis.untrained_gae.min.min(karate.untrained_gae.min);
    let (lm, km) = (lesmis.untrained_gae.mean, karate.untrained_gae.mean);
    out.push(
        Claim::finding(
            "untrained_links",
            LINKS,
            format!(
                "Untrained, the network averages AUC {} on Les Misérables and {} on the karate club{} \
                 (its worst split: {}){}",
                num(lm),
                num(km),
                if lm.min(km) > 0.5 { ", above chance (0.5) on both" } else { "" },
                num(lowest),
                if lm.min(km) > 0.5 {
                    ": what \"Before any training\" found for the factions holds, on average, for links too."
                } else {
                    "."
                }
            ),
        )
        .with("untrained AUC, Les Misérables", lm)
        .with("untrained AUC, karate club", km)
        .with("lowest untrained AUC", lowest),
    );
    Ok(out)
}

/// What the unsupervised embeddings show without any label.
fn factions(r: &Report) -> Vec<Claim> {
    let mut out = Vec::new();
    let e = &r.embeddings;
    out.push(
        Claim::finding(
            "karate_gae_factions",
            LINKS,
            format!(
                "The autoencoder never saw a faction label, yet in its karate embedding a straight line \
                 separates the factions with training accuracy {}{}.",
                num(e.karate_separability),
                if e.karate_separability >= 0.8 { "" } else { ": the embedding mixes them" }
            ),
        )
        .with("logistic-regression training accuracy", e.karate_separability),
    );
    let rho = e.lesmis_degree_distance;
    let (far, far_degree) = &e.lesmis_farthest;
    let (hub, hub_degree, hub_rank) = &e.lesmis_best_connected;
    out.push(
        Claim::finding(
            "lesmis_degree_outwards",
            LINKS,
            format!(
                "In the Les Misérables embedding (all 16 dimensions' top two principal components), a \
                 character's degree and its distance from the centroid have Spearman correlation {}{}. The \
                 farthest character is {far} (degree {far_degree}); the best connected, {hub} (degree \
                 {hub_degree}), is only the {}{} farthest of {}.",
                num(rho),
                if rho > 0.3 {
                    ": on the whole, better-connected characters sit farther out"
                } else {
                    ": the two are barely related"
                },
                hub_rank,
                ordinal(*hub_rank),
                e.lesmis_characters
            ),
        )
        .with("Spearman rho", rho)
        .with("best connected's rank by distance", *hub_rank as f64),
    );
    out
}

fn ordinal(n: usize) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// The verdict of a threshold test over seeds: holds if every seed passes, does not hold
/// if none does, not decided otherwise (or with fewer than three seeds).
pub(crate) fn every_seed(passes: &[bool]) -> Verdict {
    let n = passes.len();
    let k = passes.iter().filter(|&&p| p).count();
    if n < kit::compare::MIN_SEEDS {
        Verdict::NotDecided { seeds: n }
    } else if k == n {
        Verdict::Holds
    } else if k == 0 {
        Verdict::DoesNotHold
    } else {
        Verdict::NotDecided { seeds: n }
    }
}

//! The conclusions the chapter's page draws, computed from its report. Required
//! claims are the chapter's bars; observations choose their wording from the data.

use kit::Claim;
use kit::claims::num;

use crate::Report;
use crate::depth_claims::depth_claims;

const TREES: &str = "every-node-has-its-own-computation-graph";
const SUPERVISED: &str = "supervised-labels-on-a-subset-of-nodes";
const UNTRAINED: &str = "before-any-training";
const LINKS: &str = "unsupervised-connected-nodes-should-be-close";

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
    let mut out = vec![
        Claim::required(
            "karate_leaders",
            SUPERVISED,
            k.leaders.mean >= 0.90,
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
        Claim::required(
            "karate_one_per_faction",
            SUPERVISED,
            k.one_per_faction.mean >= 0.85,
            format!(
                "With one random member of each faction labelled instead, it averages {}, and its worst run \
                 falls to {}.",
                num(k.one_per_faction.mean),
                num(k.one_per_faction.min)
            ),
        )
        .with("mean accuracy", k.one_per_faction.mean)
        .with("bar", 0.85),
        Claim::required(
            "untrained_separates",
            UNTRAINED,
            u.untrained_gcn.mean > u.random_points.mean + 0.1,
            format!(
                "Untrained, the GCN's 2-D output lets a logistic regression fit the factions with training \
                 accuracy {} on average, against {} for random points with the same labels.",
                num(u.untrained_gcn.mean),
                num(u.random_points.mean)
            ),
        )
        .with("untrained GCN", u.untrained_gcn.mean)
        .with("random points", u.random_points.mean),
    ];
    let below = u.untrained_gcn.min.min(u.random_points.min) < u.majority;
    let text = if below {
        format!(
            "Minimums below {} (the most that putting every member in one faction can score) are possible \
             because logistic regression minimises cross-entropy, not the number of mistakes: where the \
             factions interleave, the line with the lowest loss can misclassify most points (worst runs {} \
             and {}).",
            num(u.majority),
            num(u.untrained_gcn.min),
            num(u.random_points.min)
        )
    } else {
        format!("Every run scores at least {}, the larger faction's share of the club.", num(u.majority))
    };
    out.push(
        Claim::observation("separability_minimum", UNTRAINED, true, text)
            .with("larger faction's share", u.majority)
            .with("worst untrained GCN run", u.untrained_gcn.min)
            .with("worst random run", u.random_points.min),
    );
    if let [a, b] = &r.trees[..] {
        out.push(
            Claim::observation(
                "tree_reach",
                TREES,
                a.distinct != b.distinct,
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
    let mut out = Vec::new();
    let Some(lesmis) = r.links.first() else { return out };
    let (gae, untrained) = (lesmis.trained_gae.mean, lesmis.untrained_gae.mean);
    out.push(
        Claim::required(
            "gae_beats_untrained",
            LINKS,
            gae >= 0.80 && gae > untrained,
            format!(
                "On {} the trained autoencoder ranks held-out edges above non-edges with AUC {}, against {} \
                 for the same network untrained.",
                lesmis.graph,
                num(gae),
                num(untrained)
            ),
        )
        .with("trained AUC", gae)
        .with("untrained AUC", untrained)
        .with("bar", 0.80),
    );
    let (cn, aa) = (lesmis.common_neighbours.mean, lesmis.adamic_adar.mean);
    let best = cn.max(aa);
    let text = if best >= gae {
        format!(
            "The common-neighbour heuristics, which learn nothing, match or beat it (common neighbours {}, \
             Adamic-Adar {}): on a small graph where friends of friends are friends, counting shared \
             neighbours is a strong baseline.",
            num(cn),
            num(aa)
        )
    } else {
        format!(
            "It also beats both heuristics that learn nothing (common neighbours {}, Adamic-Adar {}).",
            num(cn),
            num(aa)
        )
    };
    out.push(
        Claim::observation("heuristics_vs_gae", LINKS, best < gae, text)
            .with("common neighbours", cn)
            .with("Adamic-Adar", aa)
            .with("trained GAE", gae),
    );
    if let Some(karate) = r.links.get(1) {
        let means = [karate.trained_gae, karate.untrained_gae, karate.common_neighbours, karate.adamic_adar];
        let gap = means.iter().map(|s| s.mean).fold(f64::NEG_INFINITY, f64::max)
            - means.iter().map(|s| s.mean).fold(f64::INFINITY, f64::min);
        let std = means.iter().map(|s| s.std).fold(0.0, f64::max);
        let text = if std >= gap {
            format!(
                "The karate club holds out only {} edges a run; its standard deviations (up to {}) are as \
                 large as the gaps between the methods (at most {}), so it supports no verdict.",
                karate.held_out_edges,
                num(std),
                num(gap)
            )
        } else {
            format!(
                "On the karate club ({} held-out edges a run) the methods differ by up to {}, more than \
                 their standard deviations (up to {}).",
                karate.held_out_edges,
                num(gap),
                num(std)
            )
        };
        out.push(
            Claim::observation("karate_links_no_verdict", LINKS, true, text)
                .with("largest gap between methods", gap)
                .with("largest standard deviation", std),
        );
    }
    let e = &r.embeddings;
    out.push(
        Claim::observation(
            "karate_gae_factions",
            LINKS,
            e.karate_separability >= 0.8,
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
    let text = if rho > 0.3 {
        format!(
            "In the Les Misérables embedding, a character's degree and its distance from the centre have \
             Spearman correlation {}: the well-connected characters are pushed outwards, where large inner \
             products with many neighbours are possible, and the minor characters crowd the middle.",
            num(rho)
        )
    } else {
        format!(
            "In the Les Misérables embedding, a character's degree and its distance from the centre are \
             barely related (Spearman correlation {}).",
            num(rho)
        )
    };
    out.push(Claim::observation("lesmis_degree_outwards", LINKS, rho > 0.3, text).with("Spearman rho", rho));
    out
}

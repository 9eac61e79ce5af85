//! The conclusions the page's depth section draws (what depth does, and per-layer
//! against shared weights), computed from the depth study.

use kit::Claim;
use kit::claims::{Missing, all_computed, computed, need, num, times};
use kit::compare::{ACCURACY, Metric, compare};

use crate::claims::every_seed;
use crate::common::WEIGHT_DECAY;
use crate::{LayerDiagnostics, Report};

const DEPTH: &str = "what-depth-does";
const SHARING: &str = "per-layer-weights-against-one-shared-weight";

/// Geometric mean of the positive values, which suits norms spread over decades.
fn geometric_mean(values: impl Iterator<Item = f64>) -> f64 {
    let logs: Vec<f64> = values.filter(|v| *v > 0.0).map(f64::ln).collect();
    (logs.iter().sum::<f64>() / logs.len().max(1) as f64).exp()
}

/// The row of the depth study at `depth` layers, or the error naming it.
fn at(d: &crate::DepthStudy, depth: usize) -> Result<&crate::DepthRow, Missing> {
    need(
        d.rows.iter().find(|row| row.depth == depth),
        format!("the depth study at {depth} layers (keep {depth} in its depths)"),
    )
}

pub(crate) fn depth_claims(r: &Report) -> Vec<Claim> {
    let d = &r.depth;
    let mut out =
        all_computed(&[("depth_graph_helps", DEPTH), ("aggregation_classifies", DEPTH)], two_layers(d));
    out.extend(all_computed(
        &[("depth_plain_collapses", DEPTH), ("depth_residual_holds", DEPTH)],
        deepest(d),
    ));
    if let (Some(p1), Some(pd), Some(r1), Some(rd)) =
        (d.plain_layers.first(), d.plain_layers.last(), d.residual_layers.first(), d.residual_layers.last())
    {
        out.extend(init_claims(d, (p1, pd), (r1, rd)));
        out.extend(vanishing_claims(d));
        out.extend(trained_claims(d));
    }
    out.extend(sharing_claims(r));
    out
}

/// Two layers against an MLP on the features.
fn two_layers(d: &crate::DepthStudy) -> Result<Vec<Claim>, Missing> {
    let mut out = Vec::new();
    let two = at(d, 2)?;
    out.push(
        Claim::bar(
            "depth_graph_helps",
            DEPTH,
            two.plain >= 0.95 && two.plain > d.mlp_accuracy + 0.2,
            "the 2-layer GCN's mean test accuracy at least 0.95 and more than 0.2 above the MLP's, set by \
             this chapter",
            format!(
                "Two layers of averaging over the graph lift mean test accuracy from {} (an MLP on the \
                 features alone) to {}.",
                num(d.mlp_accuracy),
                num(two.plain)
            ),
        )
        .with("MLP on features", d.mlp_accuracy)
        .with("2-layer GCN", two.plain),
    );
    let c = compare("the 2-layer GCN", &two.plain_runs, "the MLP on the features", &d.mlp_runs, ACCURACY);
    out.push(
        Claim::lecture(
            "aggregation_classifies",
            DEPTH,
            "gcn_aggregation",
            "on each planted graph, trained on the same 20 labelled nodes per class, the 2-layer GCN \
             classifies the other nodes better than an MLP that sees only their features",
            c.verdict_a_better(),
            format!("Graph by graph, {}.", c.sentence()),
        )
        .with_comparison(&c),
    );
    Ok(out)
}

/// The plain and the residual stack at the deepest depth.
fn deepest(d: &crate::DepthStudy) -> Result<Vec<Claim>, Missing> {
    let mut out = Vec::new();
    let deep = at(d, d.deepest)?;
    let collapse = d.rows.iter().find(|row| row.plain < 0.5);
    let before = collapse.and_then(|c| d.rows.iter().rev().find(|row| row.depth < c.depth));
    let onset = match (collapse, before) {
        (Some(c), Some(b)) => format!(
            "; the plain stack still scores {} at {} layers and falls to {} at {}",
            num(b.plain),
            b.depth,
            num(c.plain),
            c.depth
        ),
        _ => String::new(),
    };
    out.push(
        Claim::bar(
            "depth_plain_collapses",
            DEPTH,
            d.deepest >= 16 && deep.plain <= 0.5,
            "the plain stack's mean accuracy at 16 or more layers at most 0.5: the depth study must show the \
             failure it studies",
            format!(
                "At {} layers the plain stack {} {} (a guess scores 0.25 on four balanced classes){onset}.",
                d.deepest,
                if deep.plain <= 0.5 { "collapses to" } else { "still scores" },
                num(deep.plain)
            ),
        )
        .with("plain accuracy at the deepest", deep.plain),
    );
    let c = compare("the residual stack", &deep.residual_runs, "the plain stack", &deep.plain_runs, ACCURACY);
    out.push(
        Claim::bar(
            "depth_residual_holds",
            DEPTH,
            d.deepest >= 16 && deep.residual >= 0.9,
            "the residual stack's mean accuracy at 16 or more layers at least 0.9, set by this chapter",
            format!(
                "The residual stack {} {} at {} layers: {}.",
                if deep.residual >= 0.9 { "still scores" } else { "falls to" },
                num(deep.residual),
                d.deepest,
                c.sentence()
            ),
        )
        .with("residual accuracy at the deepest", deep.residual)
        .with_comparison(&c),
    );
    Ok(out)
}

type Ends<'a> = (&'a LayerDiagnostics, &'a LayerDiagnostics);

fn init_claims(d: &crate::DepthStudy, (p1, pd): Ends, (r1, rd): Ends) -> Vec<Claim> {
    let deepest = d.deepest;
    let shrink = p1.signal_norm_init / pd.signal_norm_init.max(1e-300);
    let signal = Claim::finding(
        "init_signal_shrinks",
        DEPTH,
        format!(
            "On the first graph, at initialisation the forward signal {} through the plain stack: mean ‖h‖ goes from {} after \
             layer 1 to {} after layer {deepest} ({} {}); through the residual stack it goes from {} to {}.",
            if shrink > 1.0 { "shrinks" } else { "does not shrink" },
            num(p1.signal_norm_init),
            num(pd.signal_norm_init),
            times(if shrink > 1.0 { shrink } else { 1.0 / shrink }),
            if shrink > 1.0 { "smaller" } else { "larger" },
            num(r1.signal_norm_init),
            num(rd.signal_norm_init)
        ),
    )
    .with("plain, layer 1", p1.signal_norm_init)
    .with("plain, deepest layer", pd.signal_norm_init);
    let plain = geometric_mean(d.plain_layers.iter().map(|l| l.grad_norm_init));
    let residual = geometric_mean(d.residual_layers.iter().map(|l| l.grad_norm_init));
    let decays = p1.grad_norm_init * 10.0 < pd.grad_norm_init;
    let log10 = |v: &[f64]| v.iter().map(|x| x.log10()).collect::<Vec<f64>>();
    let sizes = compare(
        "the residual stack",
        &log10(&d.residual_init_grad_runs),
        "the plain stack",
        &log10(&d.plain_init_grad_runs),
        Metric::higher("in log10 of the gradient norm", ""),
    );
    let gradients = Claim::finding(
        "init_gradients_small",
        DEPTH,
        format!(
            "At initialisation, comparing the gradients reaching the weights (geometric mean over the layers) \
             graph by graph, {} (first graph: residual {} against plain {}, {} apart). Within the plain stack \
             they {} from the output back: {} at layer {deepest} (the output layer), {} at layer 1.",
            sizes.sentence(),
            num(residual),
            num(plain),
            times(residual / plain),
            if decays { "decay" } else { "do not decay" },
            num(pd.grad_norm_init),
            num(p1.grad_norm_init)
        ),
    )
    .with("plain, geometric mean, first graph", plain)
    .with("residual, geometric mean, first graph", residual)
    .with_comparison(&sizes);
    let both = pd.cosine_init > 0.9 && rd.cosine_init > 0.9;
    let smoothing = Claim::finding(
        "init_oversmoothing_both",
        DEPTH,
        format!(
            "At initialisation the mean cosine between nodes climbs with depth in the plain stack, from {} to \
             {}, and in the residual stack, from {} to {}{}",
            num(p1.cosine_init),
            num(pd.cosine_init),
            num(r1.cosine_init),
            num(rd.cosine_init),
            if both {
                ": over-smoothing at initialisation appears in the stack that trains as well as in the one \
                 that fails, so it alone does not explain the failure."
            } else {
                "."
            }
        ),
    )
    .with("plain, deepest", pd.cosine_init)
    .with("residual, deepest", rd.cosine_init);
    vec![signal, gradients, smoothing]
}

fn trained_claims(d: &crate::DepthStudy) -> Vec<Claim> {
    let layers = &d.plain_layers;
    // From the layer with the largest trained gradient back towards the input.
    let top = layers.iter().max_by(|a, b| a.grad_norm_trained.total_cmp(&b.grad_norm_trained)).unwrap();
    let below: Vec<&LayerDiagnostics> = layers.iter().filter(|l| l.layer <= top.layer).collect();
    let nonzero: Vec<&&LayerDiagnostics> = below.iter().filter(|l| l.grad_norm_trained > 0.0).collect();
    let zero = below.len() - nonzero.len();
    let lowest = nonzero.first().map_or(top, |l| **l);
    let falling = below.windows(2).filter(|w| w[0].grad_norm_trained <= w[1].grad_norm_trained).count();
    let monotone = falling == below.len() - 1;
    let ratio = top.grad_norm_trained / lowest.grad_norm_trained.max(f64::MIN_POSITIVE);
    let decays = monotone && ratio > 1e3;
    let mid = below
        .iter()
        .find(|l| l.layer + 5 == top.layer)
        .map_or(String::new(), |l| format!(", {} at layer {}", num(l.grad_norm_trained), l.layer));
    let underflow = if zero > 0 {
        format!(
            "; below that it underflows to exactly 0 in f32 (layers 1 to {zero}, which the log-scale figure \
             leaves out)"
        )
    } else {
        String::new()
    };
    let collapsed = d.rows.iter().any(|row| row.depth == d.deepest && row.plain <= 0.5);
    let residual = &d.residual_layers;
    let r_max = residual.iter().map(|l| l.grad_norm_trained).fold(0.0, f64::max);
    let r_min = residual.iter().map(|l| l.grad_norm_trained).fold(f64::INFINITY, f64::min);
    let backward = Claim::finding(
        "trained_backward_decay",
        DEPTH,
        format!(
            "After training (first graph), the gradient reaching the plain stack's weights {} from the output back towards \
             the input: {} at layer {}{mid}, down to {} at layer {}{underflow}. The residual stack's stays \
             between {} and {} at every layer.{}",
            if decays { "decays" } else { "does not decay steadily" },
            num(top.grad_norm_trained),
            top.layer,
            num(lowest.grad_norm_trained),
            lowest.layer,
            num(r_min),
            num(r_max),
            if collapsed {
                " This is the trained, collapsed network: measured at the end, it cannot tell whether the \
                 vanishing gradient caused the collapse or followed from it."
            } else {
                ""
            }
        ),
    )
    .with("largest plain gradient", top.grad_norm_trained)
    .with("smallest nonzero plain gradient", lowest.grad_norm_trained)
    .with("plain layers with zero gradient", zero as f64);
    // The trained plain stack's early layers: a tiny signal, but not zero.
    let quiet: Vec<&LayerDiagnostics> = layers.iter().take_while(|l| l.signal_norm_trained < 1e-2).collect();
    let exactly_zero = quiet.iter().filter(|l| l.signal_norm_trained == 0.0).count();
    let q_min = quiet.iter().map(|l| l.signal_norm_trained).fold(f64::INFINITY, f64::min);
    let q_max = quiet.iter().map(|l| l.signal_norm_trained).fold(0.0, f64::max);
    let alike = layers.iter().filter(|l| l.cosine_trained > 0.99).count();
    let r_alike = residual.iter().map(|l| l.cosine_trained).fold(0.0, f64::max);
    let quiet_text = match quiet.len() {
        0 => "After training, every layer of the plain stack passes on a signal (mean ‖h‖ of 0.01 or more)."
            .to_string(),
        n if exactly_zero == n => {
            format!("After training, the plain stack's first {n} layers output exactly 0.")
        }
        n => format!(
            "After training, the plain stack's first {n} layers pass on almost nothing, though not exactly \
             nothing: mean ‖h‖ between {} and {} ({exactly_zero} of them exactly 0).",
            num(q_min),
            num(q_max)
        ),
    };
    let signal = Claim::finding(
        "trained_plain_quiet",
        DEPTH,
        format!(
            "{quiet_text} And {alike} of its {} layers give every node nearly the same direction (mean cosine \
             above 0.99), against {} of the residual stack's (largest {}).",
            layers.len(),
            residual.iter().filter(|l| l.cosine_trained > 0.99).count(),
            num(r_alike)
        ),
    )
    .with("quiet layers", quiet.len() as f64)
    .with("layers exactly zero", exactly_zero as f64)
    .with("plain layers with cosine > 0.99", alike as f64);
    vec![backward, signal]
}

fn sharing_claims(r: &Report) -> Vec<Claim> {
    let rows = &r.depth.sharing;
    if let Err(missing) = need(rows.first(), "the sharing study (give it at least one depth)") {
        let no_rescue = computed("sharing_no_rescue", SHARING, no_rescue(r));
        return vec![Claim::not_computed("sharing_vs_per_layer", SHARING, &missing), no_rescue];
    }
    // Pool the settings in which per-layer weights train (the collapsed stack has
    // nothing to compare), paired by graph and setting.
    let training: Vec<_> = rows.iter().filter(|s| s.per_layer_accuracy > 0.5).collect();
    let shared: Vec<f64> = training.iter().flat_map(|s| s.shared_runs.iter().copied()).collect();
    let per_layer: Vec<f64> = training.iter().flat_map(|s| s.per_layer_runs.iter().copied()).collect();
    let deepest = rows.iter().max_by_key(|s| s.depth).unwrap();
    let fewer = deepest.per_layer_parameters as f64 / deepest.shared_parameters as f64;
    let mut out = Vec::new();
    if !shared.is_empty() {
        let c = compare("one shared weight", &shared, "per-layer weights", &per_layer, ACCURACY);
        let lesson = match c.outcome {
            kit::compare::Outcome::BAhead => " Here per-layer parameters buy accuracy.".to_string(),
            _ if c.seeds() < kit::compare::MIN_SEEDS => String::new(),
            _ => format!(
                " The shared weight has up to {} fewer parameters: on this task per-layer parameters buy no \
                 measurable accuracy; in the lecture they define the GCN rather than promise a gain.",
                times(fewer)
            ),
        };
        out.push(
            Claim::finding(
                "sharing_vs_per_layer",
                SHARING,
                format!(
                    "Over the {} settings in which per-layer weights train, paired by setting and graph ({} \
                     pairs, which the comparison counts as seeds), {}.{lesson}",
                    training.len(),
                    shared.len(),
                    c.sentence()
                ),
            )
            .with_comparison(&c),
        );
    }
    out.push(computed("sharing_no_rescue", SHARING, no_rescue(r)));
    out
}

/// The deepest plain stack with one shared weight.
fn no_rescue(r: &Report) -> Result<Claim, Missing> {
    let deepest = r.depth.deepest;
    let deep_plain = need(
        r.depth.sharing.iter().find(|s| s.depth == deepest && !s.residual),
        format!(
            "the sharing study's plain stack at the deepest depth, {deepest} (keep {deepest} in its depths)"
        ),
    )?;
    Ok(Claim::bar(
        "sharing_no_rescue",
        SHARING,
        deep_plain.shared_accuracy <= 0.5,
        "the deepest plain stack with one shared weight at most 0.5 in mean accuracy, set by this chapter",
        if deep_plain.per_layer_accuracy <= 0.5 {
            format!(
                "Sharing does not rescue the deep plain stack: with one shared weight it scores {} at {} \
                 layers (per-layer weights: {}). Its collapse is about depth, not about the number of \
                 weights.",
                num(deep_plain.shared_accuracy),
                deep_plain.depth,
                num(deep_plain.per_layer_accuracy)
            )
        } else {
            format!(
                "At {} layers the plain stack has not collapsed ({} with per-layer weights, {} with one \
                 shared weight), so there is nothing for sharing to rescue.",
                deep_plain.depth,
                num(deep_plain.per_layer_accuracy),
                num(deep_plain.shared_accuracy)
            )
        },
    )
    .with("shared, plain, deepest", deep_plain.shared_accuracy))
}

/// The lecture's vanishing-gradient statement, tested where it would decide whether
/// training can start (at initialisation), and the weight-decay ablation.
fn vanishing_claims(d: &crate::DepthStudy) -> Vec<Claim> {
    let mut out = Vec::new();
    let ratios = &d.plain_init_decay_runs;
    if !ratios.is_empty() {
        let list = |v: &[f64]| v.iter().map(|&r| times(r)).collect::<Vec<_>>().join(", ");
        let passes: Vec<bool> = ratios.iter().map(|&r| r >= 10.0).collect();
        out.push(
            Claim::lecture(
                "depth_vanishing",
                DEPTH,
                "gcn_depth",
                &format!(
                    "at initialisation, on each of the {} planted graphs, the gradient reaching the {}-layer \
                     plain stack's first layer at least 10× smaller than the one reaching its last hidden \
                     layer (a gradient that vanishes before training starts)",
                    ratios.len(),
                    d.deepest
                ),
                every_seed(&passes),
                format!(
                    "At initialisation the gradient reaching the {}-layer plain stack's last hidden layer is {} \
                     the one reaching its first layer ({}; residual stack: {}): {}",
                    d.deepest,
                    list(ratios),
                    if ratios.len() == 1 { "one graph".to_string() } else { "graph by graph".to_string() },
                    list(&d.residual_init_decay_runs),
                    match passes.iter().filter(|&&p| p).count() {
                        0 => "it does not shrink tenfold on its way back on any graph.".to_string(),
                        k if k == passes.len() => "it shrinks at least tenfold on every graph.".to_string(),
                        k => format!("it shrinks at least tenfold on {k} of {} graphs.", passes.len()),
                    }
                ),
            )
            .with("smallest plain ratio", ratios.iter().copied().fold(f64::INFINITY, f64::min))
            .with("largest plain ratio", ratios.iter().copied().fold(0.0, f64::max)),
        );
    }
    let deep = d.rows.iter().find(|row| row.depth == d.deepest);
    if let (Some(deep), false) = (deep, d.plain_no_decay_runs.is_empty()) {
        let c = compare(
            "without weight decay",
            &d.plain_no_decay_runs,
            &format!("with weight decay {}", num(WEIGHT_DECAY as f64)),
            &deep.plain_runs,
            ACCURACY,
        );
        let mean = c.a_mean();
        let reading = if mean > 0.5 && c.outcome == kit::compare::Outcome::AAhead {
            "so the collapse needs the weight decay. One explanation, not measured step by step here: with \
             gradients this small, the decay's pull on the weights outweighs the loss's gradient, and Adam, \
             which scales every step to a similar size whatever the gradient's size, follows the decay \
             (exercise 6)"
        } else if mean <= 0.5 {
            "so the plain stack fails without weight decay too: the decay alone does not make it collapse"
        } else {
            "the seeds do not say whether the decay matters"
        };
        out.push(
            Claim::finding(
                "depth_weight_decay",
                DEPTH,
                format!(
                    "Trained without weight decay, the {}-layer plain stack scores {} on average (with it: {}); \
                     {}; {reading}.",
                    d.deepest,
                    num(mean),
                    num(c.b_mean()),
                    c.sentence()
                ),
            )
            .with_comparison(&c),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_depth_removed_from_the_study_is_an_error_naming_it() {
        let mut r: Report =
            serde_json::from_str(include_str!("../../../book/src/ch02-graph-embeddings/results.json"))
                .unwrap();
        let all = crate::claims(&r);
        assert!(all.iter().all(|c| c.missing.is_none()));
        r.depth.rows.retain(|row| row.depth != 2);
        r.depth.sharing.retain(|s| s.depth != r.depth.deepest);
        let after = crate::claims(&r);
        let ids = |cs: &[Claim]| cs.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&after), ids(&all), "no claim vanishes");
        let missing: Vec<(&str, &str)> =
            after.iter().filter_map(|c| Some((c.id.as_str(), c.missing.as_deref()?))).collect();
        let two = "the depth study at 2 layers (keep 2 in its depths)";
        assert_eq!(missing[..2], [("depth_graph_helps", two), ("aggregation_classifies", two)]);
        assert_eq!(missing[2].0, "sharing_no_rescue");
        assert!(
            missing[2].1.starts_with("the sharing study's plain stack at the deepest depth"),
            "{missing:?}"
        );
        assert_eq!(missing.len(), 3);
    }
}

//! The conclusions the page's depth section draws (what depth does, and per-layer
//! against shared weights), computed from the depth study.

use kit::Claim;
use kit::claims::{num, times};

use crate::{LayerDiagnostics, Report};

const DEPTH: &str = "what-depth-does";
const SHARING: &str = "per-layer-weights-against-one-shared-weight";

/// Geometric mean of the positive values, which suits norms spread over decades.
fn geometric_mean(values: impl Iterator<Item = f64>) -> f64 {
    let logs: Vec<f64> = values.filter(|v| *v > 0.0).map(f64::ln).collect();
    (logs.iter().sum::<f64>() / logs.len().max(1) as f64).exp()
}

pub(crate) fn depth_claims(r: &Report) -> Vec<Claim> {
    let d = &r.depth;
    let at = |depth: usize| d.rows.iter().find(|row| row.depth == depth);
    let mut out = Vec::new();
    if let Some(two) = at(2) {
        out.push(
            Claim::required(
                "depth_graph_helps",
                DEPTH,
                two.plain >= 0.95 && two.plain > d.mlp_accuracy + 0.2,
                format!(
                    "Two layers of averaging over the graph lift test accuracy from {} (an MLP on the features \
                     alone) to {}.",
                    num(d.mlp_accuracy),
                    num(two.plain)
                ),
            )
            .with("MLP on features", d.mlp_accuracy)
            .with("2-layer GCN", two.plain),
        );
    }
    let Some(deep) = at(d.deepest) else { return out };
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
        Claim::required(
            "depth_plain_collapses",
            DEPTH,
            d.deepest >= 16 && deep.plain <= 0.5,
            format!(
                "At {} layers the plain stack {} {} (a guess scores 0.25 on four balanced classes){onset}.",
                d.deepest,
                if deep.plain <= 0.5 { "collapses to" } else { "still scores" },
                num(deep.plain)
            ),
        )
        .with("plain accuracy at the deepest", deep.plain),
    );
    out.push(
        Claim::required(
            "depth_residual_holds",
            DEPTH,
            d.deepest >= 16 && deep.residual >= 0.9,
            format!(
                "The residual stack {} {} at {} layers.",
                if deep.residual >= 0.9 { "still scores" } else { "falls to" },
                num(deep.residual),
                d.deepest
            ),
        )
        .with("residual accuracy at the deepest", deep.residual),
    );
    if let (Some(p1), Some(pd), Some(r1), Some(rd)) =
        (d.plain_layers.first(), d.plain_layers.last(), d.residual_layers.first(), d.residual_layers.last())
    {
        out.extend(init_claims(d, (p1, pd), (r1, rd)));
        out.extend(trained_claims(d));
    }
    out.extend(sharing_claims(r));
    out
}

type Ends<'a> = (&'a LayerDiagnostics, &'a LayerDiagnostics);

fn init_claims(d: &crate::DepthStudy, (p1, pd): Ends, (r1, rd): Ends) -> Vec<Claim> {
    let deepest = d.deepest;
    let shrink = p1.signal_norm_init / pd.signal_norm_init.max(1e-300);
    let signal = Claim::observation(
        "init_signal_shrinks",
        DEPTH,
        shrink > 10.0,
        format!(
            "At initialisation the forward signal {} through the plain stack: mean ‖h‖ goes from {} after \
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
    let gradients = Claim::observation(
        "init_gradients_small",
        DEPTH,
        plain * 100.0 < residual,
        format!(
            "At initialisation the plain stack's weights get gradients {} smaller than the residual stack's \
             (geometric means over the layers, {} against {}); within the plain stack they {} from the output \
             back: {} at layer {deepest}, {} at layer 1.",
            times(residual / plain),
            num(plain),
            num(residual),
            if decays { "decay" } else { "do not decay" },
            num(pd.grad_norm_init),
            num(p1.grad_norm_init)
        ),
    )
    .with("plain, geometric mean", plain)
    .with("residual, geometric mean", residual);
    let both = pd.cosine_init > 0.9 && rd.cosine_init > 0.9;
    let smoothing = Claim::observation(
        "init_oversmoothing_both",
        DEPTH,
        both,
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
    let residual = &d.residual_layers;
    let r_max = residual.iter().map(|l| l.grad_norm_trained).fold(0.0, f64::max);
    let r_min = residual.iter().map(|l| l.grad_norm_trained).fold(f64::INFINITY, f64::min);
    let backward = Claim::observation(
        "trained_backward_decay",
        DEPTH,
        decays,
        format!(
            "After training, the gradient reaching the plain stack's weights {} from the output back towards \
             the input: {} at layer {}{mid}, down to {} at layer {}{underflow}. The residual stack's stays \
             between {} and {} at every layer.",
            if decays { "decays" } else { "does not decay steadily" },
            num(top.grad_norm_trained),
            top.layer,
            num(lowest.grad_norm_trained),
            lowest.layer,
            num(r_min),
            num(r_max)
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
    let signal = Claim::observation(
        "trained_plain_quiet",
        DEPTH,
        !quiet.is_empty(),
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
    let verdict = Claim::observation(
        "depth_verdict",
        DEPTH,
        decays,
        if decays {
            format!(
                "The lecture's claim holds here: in the deep plain stack that fails, the gradient vanishes on \
                 its way back to the early layers ({} from layer {} to layer {}), while the residual stack's \
                 identity path keeps every layer's gradient within {} of the others.",
                times(ratio),
                top.layer,
                lowest.layer,
                times(r_max / r_min)
            )
        } else {
            "The lecture's vanishing-gradient picture does not describe this run: the plain stack's trained \
             gradients do not fall steadily from the output back."
                .to_string()
        },
    )
    .with("plain decay factor", ratio)
    .with("residual spread", r_max / r_min);
    vec![backward, signal, verdict]
}

fn sharing_claims(r: &Report) -> Vec<Claim> {
    let rows = &r.depth.sharing;
    if rows.is_empty() {
        return vec![];
    }
    let as_good = rows.iter().filter(|s| s.shared_accuracy >= s.per_layer_accuracy).count();
    let worst = rows
        .iter()
        .max_by(|a, b| {
            (a.per_layer_accuracy - a.shared_accuracy).total_cmp(&(b.per_layer_accuracy - b.shared_accuracy))
        })
        .unwrap();
    let deepest = rows.iter().max_by_key(|s| s.depth).unwrap();
    let fewer = deepest.per_layer_parameters as f64 / deepest.shared_parameters as f64;
    let text = if as_good == rows.len() {
        format!(
            "One shared hidden weight was as good as or better than per-layer weights in all {} rows, with up \
             to {} fewer parameters: on this task, per-layer parameters buy no accuracy.",
            rows.len(),
            times(fewer)
        )
    } else {
        format!(
            "One shared hidden weight was as good or better in {as_good} of {} rows, with up to {} fewer \
             parameters; its largest loss was {} (at {} layers{}).",
            rows.len(),
            times(fewer),
            num(worst.per_layer_accuracy - worst.shared_accuracy),
            worst.depth,
            if worst.residual { ", residual" } else { ", plain" }
        )
    };
    let mut out = vec![
        Claim::observation("sharing_costs", SHARING, as_good * 2 < rows.len(), text)
            .with("rows where sharing is as good or better", as_good as f64)
            .with("rows", rows.len() as f64),
    ];
    if let Some(deep_plain) = rows.iter().find(|s| s.depth == r.depth.deepest && !s.residual) {
        out.push(
            Claim::required(
                "sharing_no_rescue",
                SHARING,
                deep_plain.shared_accuracy <= 0.5,
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
            .with("shared, plain, deepest", deep_plain.shared_accuracy),
        );
    }
    out
}

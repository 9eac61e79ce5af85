//! The chapter's four models drawn from their own parameters: the inputs at the top,
//! the concatenation heads on the left, the per-modality encoders and the sum and
//! product of their projections on the right. Every size is read from a weight's shape.

use autograd::seeded_rng;
use kit::diagram::{Diagram, Kind, Link, Node};
use models::fusion::{FusionNet, Method};
use models::toymosi::Modality;

/// The four methods, in the order the diagram draws their heads (left to right).
pub const METHODS: [Method; 4] = [Method::ConcatLinear, Method::ConcatMlp, Method::Sum, Method::Product];

/// Untrained models of the four methods on modalities of input `widths`, built as the
/// chapter's runs build theirs (the diagram needs only their shapes).
pub fn untrained(widths: &[usize]) -> Vec<FusionNet> {
    METHODS.iter().map(|&m| FusionNet::new(m, widths, &mut seeded_rng(0))).collect()
}

/// The colour of a modality's boxes.
pub fn kind(m: Modality) -> Kind {
    match m {
        Modality::Text => Kind::Text,
        Modality::Audio => Kind::Audio,
        Modality::Video => Kind::Video,
    }
}

/// The four fusion heads over the inputs and the encoders: `models` are one model of
/// each method in [`METHODS`]' order, `modalities` name their inputs in order. Sizes:
/// an input's width is the first layer's rows (the concatenation's is the concat
/// heads'), a layer's width its weight's columns.
#[track_caller]
pub fn fusion_heads(models: &[FusionNet], modalities: &[Modality]) -> Diagram {
    let methods: Vec<Method> = models.iter().map(|m| m.method).collect();
    assert_eq!(methods, METHODS, "fusion_heads: one model of each method, in METHODS' order");
    let [linear, mlp, sum, product] = models else { unreachable!() };
    assert_eq!(sum.encoders.len(), modalities.len(), "fusion_heads: one encoder per modality");
    for (a, b) in sum.encoders.iter().zip(&product.encoders) {
        assert_eq!(
            (a.hidden.weight.shape(), a.out.weight.shape()),
            (b.hidden.weight.shape(), b.out.weight.shape()),
            "fusion_heads: the sum's and the product's encoders are drawn once, so they must agree"
        );
    }
    let out = |l: &models::Linear| l.weight.shape()[1];
    let mut d = Diagram::new("Four ways to join the modalities").spacing(146.0, 78.0);

    // The inputs, and each one's encoder (used by the sum and the product only).
    let n = modalities.len() as f64;
    let column = |k: usize| 3.0 - 0.95 * (n - 1.0) / 2.0 + 0.95 * k as f64;
    let (bus_up, bus_down) = (-0.62, 2.58);
    // The sum and the product sit half a column either side of the encoders' middle.
    let (sum_c, product_c) = (3.0 - 0.475, 3.0 + 0.475);
    // The MLP's hidden layers take a row each from the projections' row down; the
    // joins sit a row above the predictions, which share the bottom row.
    let bottom = 2.0 + (mlp.head.len() - 1).max(2) as f64;
    let mut encoder_ids = Vec::new();
    for (k, (&m, e)) in modalities.iter().zip(&sum.encoders).enumerate() {
        let (l, c) = (m.letter(), column(k));
        let name = format!("{m:?}").to_lowercase();
        let (x, hidden, h) = (format!("x_{l}"), format!("hidden_{l}"), format!("h_{l}"));
        d.add(Node::new(&x, kind(m), (c, 0.0), format!("{name} x_{l}")).dims(&[e.hidden.weight.shape()[0]]));
        d.add(Node::new(&hidden, kind(m), (c, 1.0), "relu(W₁x + b₁)").dims(&[out(&e.hidden)]));
        d.add(Node::new(&h, kind(m), (c, 2.0), format!("h_{l}")).dims(&[out(&e.out)]));
        d.link(&x, &hidden, Link::Flow).link(&hidden, &h, Link::Flow);
        // Up to a bus over the inputs, left to the concatenation; down to a bus under
        // the projections, across to the sum and the product.
        d.link_via(&x, "concat", Link::Flow, &[(c, bus_up), (0.5, bus_up)]);
        d.link_via(&h, "sum", Link::Flow, &[(c, bus_down), (sum_c, bus_down)]);
        d.link_via(&h, "product", Link::Flow, &[(c, bus_down), (product_c, bus_down)]);
        encoder_ids.push(hidden);
        encoder_ids.push(h);
    }
    let members: Vec<&str> = encoder_ids.iter().map(String::as_str).collect();
    d.group("encoders", &members);
    // Room above the inputs for the bus to the concatenation (kit sizes a drawing by
    // its boxes and notes, not by its links' bends).
    d.note((0.5, bus_up - 0.05), "");

    // Concatenation, then a linear layer or the MLP.
    let letters: Vec<String> = modalities.iter().map(|m| format!("x_{}", m.letter())).collect();
    d.add(
        Node::new("concat", Kind::Joint, (0.5, 1.0), format!("[{}]", letters.join("; ")))
            .dims(&[linear.head[0].weight.shape()[0]]),
    );
    d.add(Node::new("y_linear", Kind::Other, (0.0, bottom), "ŷ").dims(&[out(&linear.head[0])]));
    d.link_via("concat", "y_linear", Link::Flow, &[(0.0, 1.6)]);
    let mut previous = "concat".to_string();
    for (k, layer) in mlp.head.iter().enumerate() {
        let last = k + 1 == mlp.head.len();
        let id = if last { "y_mlp".to_string() } else { format!("mlp_{k}") };
        let row = if last { bottom } else { 2.0 + k as f64 };
        let label = if last { "ŷ" } else { "ReLU layer" };
        d.add(
            Node::new(&id, if last { Kind::Other } else { Kind::Joint }, (1.0, row), label)
                .dims(&[out(layer)]),
        );
        if k == 0 {
            d.link_via(&previous, &id, Link::Flow, &[(1.0, 1.6)]);
        } else {
            d.link(&previous, &id, Link::Flow);
        }
        previous = id;
    }

    // The sum and the product of the projections, then a linear layer each.
    for (model, op, symbol, c) in [(sum, "sum", "+", sum_c), (product, "product", "⊙", product_c)] {
        let y = format!("y_{op}");
        d.add(Node::op(op, (c, bottom - 1.0), symbol));
        d.add(Node::new(&y, Kind::Other, (c, bottom), "ŷ").dims(&[out(&model.head[0])]));
        d.link(op, &y, Link::Flow);
    }
    for (method, c) in METHODS.iter().zip([0.0, 1.0, sum_c, product_c]) {
        d.note((c, bottom + 0.62), method.name());
    }
    d
}

//! The karate club's GCN drawn from its own parameters: the features X, one box per
//! layer carrying its own weight's shape, the one normalised adjacency Â every layer
//! averages over, and the logits the loss reads on the labelled nodes.

use autograd::Csr;
use kit::diagram::{Diagram, Kind, Link, Node};
use models::{Activation, Gcn, Residual};

/// "⁽k⁾": a layer's index as a superscript, as the page writes W⁽ˡ⁾.
fn superscript(k: usize) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let digits: String = k.to_string().chars().map(|c| DIGITS[c as usize - '0' as usize]).collect();
    format!("⁽{digits}⁾")
}

/// The nonlinearity's name as a box prints it.
fn activation(a: Activation) -> &'static str {
    match a {
        Activation::Relu => "ReLU",
        Activation::Tanh => "tanh",
        Activation::Sigmoid => "sigmoid",
        Activation::Identity => "linear",
    }
}

/// `gcn` over the graph whose normalised adjacency is `adj`, left to right: X, one box
/// per layer (`layer_0`, `layer_1`, ...: its weight W⁽ˡ⁾ with the shape the model holds,
/// (in, out)), the logits Z and the cross-entropy on the labelled nodes; Â above,
/// feeding every layer. A stack deeper than three layers, or one whose hidden layers
/// share a weight, draws its hidden layers as one box (`layer_1`: they have one shape).
/// Sizes: X's width is the first weight's rows, Z's the last weight's columns, Â's
/// shape the matrix's.
pub fn gcn(gcn: &Gcn, adj: &Csr) -> Diagram {
    let act = activation(gcn.activation);
    let residual = if gcn.residual == Residual::None { "" } else { ", + H" };
    // (label, weight shape) of each box, input to output.
    let mut boxes: Vec<(String, Vec<usize>)> = Vec::new();
    let nonlinear = if gcn.output.is_some() { format!(", {act}") } else { String::new() };
    boxes.push((format!("W{}{nonlinear}", superscript(0)), gcn.input.weight.shape().to_vec()));
    let hidden = gcn.depth.saturating_sub(2);
    if hidden > 1 || (gcn.shared && hidden > 0) {
        let label = if gcn.shared {
            format!("W{} ×{hidden}, {act}{residual}", superscript(1))
        } else {
            format!("W{}…W{}, {act}{residual}", superscript(1), superscript(hidden))
        };
        boxes.push((label, gcn.hidden[0].weight.shape().to_vec()));
    } else {
        for (k, layer) in gcn.hidden.iter().enumerate() {
            boxes.push((format!("W{}, {act}{residual}", superscript(k + 1)), layer.weight.shape().to_vec()));
        }
    }
    if let Some(output) = &gcn.output {
        boxes.push((format!("W{}", superscript(gcn.depth - 1)), output.weight.shape().to_vec()));
    }

    let title = format!("The karate club's {}-layer GCN: each layer is Â H W + b", gcn.depth);
    let mut d = Diagram::new(title).spacing(136.0, 72.0);
    d.add(Node::new("x", Kind::Other, (0.0, 0.0), "features X").dims(&[boxes[0].1[0]]));
    let mut previous = "x".to_string();
    for (k, (label, shape)) in boxes.iter().enumerate() {
        let id = format!("layer_{k}");
        d.add(Node::new(&id, Kind::Other, (0.88 + k as f64, 0.0), label).dims(shape));
        d.link(&previous, &id, Link::Flow);
        previous = id;
    }
    let z = 0.88 + (boxes.len() - 1) as f64 + 0.76;
    d.add(Node::new("z", Kind::Other, (z, 0.0), "logits").dims(&[boxes[boxes.len() - 1].1[1]]));
    d.link(&previous, "z", Link::Flow);
    d.add(Node::new("loss", Kind::Other, (z + 0.8, 0.0), "cross-entropy").line("labelled nodes"));
    d.link("z", "loss", Link::Flow);

    // Â is data, not a weight: one matrix, read by every layer.
    let middle = 0.88 + (boxes.len() - 1) as f64 / 2.0;
    d.add(Node::new("adj", Kind::Other, (middle, -1.0), "Â (sparse)").dims(&[adj.rows(), adj.cols()]));
    for k in 0..boxes.len() {
        d.link("adj", &format!("layer_{k}"), Link::Flow);
    }
    d
}

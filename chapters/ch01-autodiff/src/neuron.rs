//! Part 1: one neuron, its graph, and the chain rule through it.

use autograd::{Gradients, Tensor, gradcheck};
use serde::{Deserialize, Serialize};

/// One row of the chain-rule table: a node, its value, its gradient d o / d node as
/// the chain rule gives it by hand, as `backward` computed it, and (for the inputs)
/// as central finite differences measure it.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct ChainRow {
    /// The node's name on the page (`x1`, `x1w1`, `n`, ...).
    pub node: String,
    /// The node's value.
    pub value: f32,
    /// How the gradient is obtained by the chain rule, in words.
    pub rule: String,
    /// d o / d node, multiplied out by hand.
    pub by_hand: f32,
    /// d o / d node as `backward()` computed it.
    pub backward: f32,
    /// d o / d node by central differences, for the five inputs.
    pub finite_difference: Option<f32>,
}

/// Part 1 of the chapter: one neuron, its graph, and its gradients three ways.
#[derive(Serialize, Deserialize, Debug)]
pub struct NeuronReport {
    /// o = tanh(n).
    pub output: f32,
    /// The chain-rule table, from the output back.
    pub rows: Vec<ChainRow>,
    /// gradcheck over all five inputs: elements compared and the largest difference.
    pub gradcheck_checked: usize,
    /// The largest difference gradcheck found.
    pub gradcheck_max_error: f32,
    /// The engine's own picture of the graph, Graphviz DOT.
    #[serde(skip, default)]
    pub dot: String,
    /// A value used twice: `x1.mul(&x1)` at x1 = 2, its gradient by hand (2 x1) and
    /// as `backward()` accumulated it from both operands.
    pub reuse: Reuse,
    /// The step of the table's finite differences.
    pub fd_eps: f32,
    /// The step gradcheck uses.
    pub gradcheck_eps: f32,
    /// The graph drawn as SVG, values and gradients in its boxes.
    #[serde(skip, default)]
    pub svg: String,
}

/// A value used twice in one expression: its gradient is the sum of both uses'.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Reuse {
    /// The value of x1.
    pub x: f32,
    /// d (x1 x1) / d x1 by hand: 2 x1.
    pub by_hand: f32,
    /// The same from `backward()`.
    pub backward: f32,
}

// ANCHOR: neuron
/// The neuron o = tanh(x1 w1 + x2 w2 + b), built from the engine's primitives.
/// Returns every intermediate so the page can name them.
pub struct Neuron {
    pub x1: Tensor,
    pub x2: Tensor,
    pub w1: Tensor,
    pub w2: Tensor,
    pub b: Tensor,
    pub x1w1: Tensor,
    pub x2w2: Tensor,
    pub s: Tensor,
    pub n: Tensor,
    pub o: Tensor,
}

pub fn neuron(x1: f32, x2: f32, w1: f32, w2: f32, b: f32) -> Neuron {
    let scalar = |v: f32| Tensor::var(vec![v], &[]);
    let (x1, x2, w1, w2, b) = (scalar(x1), scalar(x2), scalar(w1), scalar(w2), scalar(b));
    let x1w1 = x1.mul(&w1);
    let x2w2 = x2.mul(&w2);
    let s = x1w1.add(&x2w2);
    let n = s.add(&b);
    let o = n.tanh();
    Neuron { x1, x2, w1, w2, b, x1w1, x2w2, s, n, o }
}
// ANCHOR_END: neuron

/// The values of the classic example (micrograd's): b is chosen so n = 0.8814,
/// where tanh'(n) = 1 - tanh(n)^2 = 0.5 exactly.
pub const INPUTS: [f32; 5] = [2.0, 0.0, -3.0, 1.0, 6.881_373_6];

/// d o / d input by central differences: o(input + eps) - o(input - eps) over 2 eps.
/// The step of the table's central differences.
pub const FD_EPS: f32 = 1e-3;

fn finite_difference(which: usize) -> f32 {
    let eps = FD_EPS;
    let at = |delta: f32| {
        let mut v = INPUTS;
        v[which] += delta;
        neuron(v[0], v[1], v[2], v[3], v[4]).o.item() as f64
    };
    ((at(eps) - at(-eps)) / (2.0 * eps as f64)) as f32
}

/// Build the neuron of `INPUTS`, backpropagate, and check every gradient.
pub fn neuron_report() -> NeuronReport {
    let [x1v, x2v, w1v, w2v, bv] = INPUTS;
    let nn = neuron(x1v, x2v, w1v, w2v, bv);
    // ANCHOR: backward_call
    let grads: Gradients = nn.o.backward();
    // ANCHOR_END: backward_call
    let g = |t: &Tensor| grads.get(t).map_or(0.0, |g| g.item());
    // The chain rule by hand, from the output back:
    let o = nn.o.item();
    let d_o = 1.0;
    let d_n = d_o * (1.0 - o * o); // tanh' = 1 - tanh^2
    let d_s = d_n; // n = s + b: each addend's local derivative is 1
    let d_b = d_n;
    let d_x1w1 = d_s; // s = x1w1 + x2w2
    let d_x2w2 = d_s;
    let d_x1 = d_x1w1 * w1v; // x1w1 = x1 * w1: d/dx1 = w1
    let d_w1 = d_x1w1 * x1v;
    let d_x2 = d_x2w2 * w2v;
    let d_w2 = d_x2w2 * x2v;
    let row = |node: &str, t: &Tensor, rule: &str, by_hand: f32, fd: Option<usize>| ChainRow {
        node: node.to_string(),
        value: t.item(),
        rule: rule.to_string(),
        by_hand,
        backward: g(t),
        finite_difference: fd.map(finite_difference),
    };
    // The chain-rule column: d o / d (node) as the product the chain rule gives.
    let rows = vec![
        row("o", &nn.o, "start: ∂o/∂o = 1", d_o, None),
        row("n", &nn.n, "1 · (1 − o²)", d_n, None),
        row("s", &nn.s, "∂o/∂n · 1", d_s, None),
        row("b", &nn.b, "∂o/∂n · 1", d_b, Some(4)),
        row("x1w1", &nn.x1w1, "∂o/∂s · 1", d_x1w1, None),
        row("x2w2", &nn.x2w2, "∂o/∂s · 1", d_x2w2, None),
        row("x1", &nn.x1, "∂o/∂(x1w1) · w1", d_x1, Some(0)),
        row("w1", &nn.w1, "∂o/∂(x1w1) · x1", d_w1, Some(2)),
        row("x2", &nn.x2, "∂o/∂(x2w2) · w2", d_x2, Some(1)),
        row("w2", &nn.w2, "∂o/∂(x2w2) · x2", d_w2, Some(3)),
    ];
    let inputs: Vec<Tensor> = [&nn.x1, &nn.x2, &nn.w1, &nn.w2, &nn.b].into_iter().cloned().collect();
    let check = gradcheck("neuron", &inputs, |t| t[0].mul(&t[2]).add(&t[1].mul(&t[3])).add(&t[4]).tanh())
        .expect("the engine's gradients of the neuron pass gradcheck");
    let names = [
        (&nn.x1, "x1"),
        (&nn.x2, "x2"),
        (&nn.w1, "w1"),
        (&nn.w2, "w2"),
        (&nn.b, "b"),
        (&nn.x1w1, "x1w1"),
        (&nn.x2w2, "x2w2"),
        (&nn.s, "s"),
        (&nn.n, "n"),
        (&nn.o, "o"),
    ];
    let x = Tensor::var(vec![x1v], &[]);
    let squared = x.mul(&x);
    let reuse_grad = squared.backward().get(&x).map_or(0.0, |g| g.item());
    NeuronReport {
        output: o,
        rows,
        reuse: Reuse { x: x1v, by_hand: 2.0 * x1v, backward: reuse_grad },
        fd_eps: FD_EPS,
        gradcheck_eps: autograd::GradcheckOptions::default().eps,
        gradcheck_checked: check.checked,
        gradcheck_max_error: check.max_abs_error,
        dot: nn.o.to_dot_named(&names),
        svg: kit::graph::graph_svg(&nn.o, &names, Some(&grads)),
    }
}

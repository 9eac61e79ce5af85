//! The chapter's models drawn from their own parameters: the LSTM cell of part 1, gate
//! by gate, and the multi-view LSTM of part 2, whose gates read every modality's state.

use autograd::seeded_rng;
use kit::Output;
use kit::diagram::{Diagram, Kind, Link, Node};
use models::fusion::{SeqFusion, SeqNet};
use models::seq::{RecallModel, Recurrence};
use models::toymosi::Modality;

use crate::{Config, RecallConfig};

/// An untrained LSTM of the recall task, built as part 1 builds its models (the diagram
/// needs only its shapes).
pub fn recall_lstm(cfg: &RecallConfig) -> RecallModel {
    RecallModel::init(Recurrence::Lstm, cfg.hidden, cfg.forget_bias, &mut seeded_rng(0))
}

/// An untrained multi-view LSTM on T+A+V, built as part 2 builds its models: the
/// modalities' word-level widths, `cfg.hidden` units each.
pub fn multi_view_lstm(cfg: &Config) -> SeqNet {
    let widths: Vec<usize> = Modality::ALL.iter().map(|m| m.width()).collect();
    SeqNet::init(SeqFusion::MultiView, &widths, cfg.hidden, &mut seeded_rng(0))
}

/// Write both diagrams into the chapter's figures.
pub fn write(cfg: &Config, out: &Output) -> anyhow::Result<()> {
    lstm(&recall_lstm(&cfg.recall)).write(&out.figure("diagram-lstm.svg"))?;
    multi_view(&multi_view_lstm(cfg), &Modality::ALL).write(&out.figure("diagram-multi-view.svg"))
}

/// The colour of a modality's boxes.
fn kind(m: Modality) -> Kind {
    match m {
        Modality::Text => Kind::Text,
        Modality::Audio => Kind::Audio,
        Modality::Video => Kind::Video,
    }
}

/// One step of `model`'s LSTM: the four gates cut from one pre-activation, the cell's
/// × and + path along the top, the output through tanh(c_t). Sizes from W_x and W_h.
#[track_caller]
pub fn lstm(model: &RecallModel) -> Diagram {
    assert_eq!(model.kind, Recurrence::Lstm, "lstm: an LSTM, not a {}", model.kind.name());
    let (w_x, w_h) = (model.w_x.shape(), model.w_h.shape());
    let hidden = w_h[0];
    let blocks = w_h[1] / hidden;
    let mut d = Diagram::new("One LSTM step").spacing(104.0, 62.0);
    let state = |id: &str, at, label: &str| Node::new(id, Kind::Other, at, label).dims(&[hidden]);

    // The cell's path: c_(t-1) × f, + i × g, c_t.
    d.add(state("c_prev", (0.0, 0.0), "c_(t-1)"));
    d.add(Node::op("keep", (0.85, 0.0), "×"));
    d.add(Node::op("write", (2.5, 0.0), "+"));
    d.add(state("c", (5.8, 0.0), "c_t"));
    d.link("c_prev", "keep", Link::Flow).link("keep", "write", Link::Flow).link("write", "c", Link::Flow);

    // The gates, one block of the pre-activation each, in PyTorch's order i, f, g, o.
    let gates = [("i", "σ", 1.95), ("f", "σ", 0.85), ("g", "tanh", 3.05), ("o", "σ", 4.15)];
    for &(gate, squash, col) in &gates {
        let label = format!("{gate} = {squash}(a_{gate})");
        d.add(Node::new(gate, Kind::Other, (col, 2.0), label).dims(&[hidden]));
    }
    d.link("f", "keep", Link::Flow);
    d.add(Node::op("candidate", (2.5, 1.0), "×"));
    d.link("i", "candidate", Link::Flow).link("g", "candidate", Link::Flow);
    d.link("candidate", "write", Link::Flow);

    // The output: h_t = o × tanh(c_t).
    d.add(Node::op("squash", (4.9, 1.0), "tanh"));
    d.add(Node::op("show", (4.9, 2.0), "×"));
    d.add(state("h", (5.8, 2.0), "h_t"));
    d.link_via("write", "squash", Link::Flow, &[(4.9, 0.0)]);
    d.link("squash", "show", Link::Flow).link("o", "show", Link::Flow).link("show", "h", Link::Flow);

    // The pre-activation from the input and the previous output.
    d.add(
        Node::new("a", Kind::Other, (2.5, 3.35), "a = x_t W_x + h_(t-1) W_h + b")
            .line("blocks a_i, a_f, a_g, a_o")
            .dims(&[blocks, hidden]),
    );
    for &(gate, _, _) in &gates {
        d.link("a", gate, Link::Flow);
    }
    d.add(state("h_prev", (0.5, 4.75), "h_(t-1)"));
    d.add(Node::new("w_h", Kind::Other, (1.6, 4.75), "W_h").dims(w_h));
    d.add(Node::new("w_x", Kind::Other, (3.4, 4.75), "W_x").dims(w_x));
    d.add(Node::new("x", Kind::Other, (4.5, 4.75), "x_t").dims(&[w_x[0]]));
    d.link("h_prev", "w_h", Link::Flow).link("w_h", "a", Link::Flow);
    d.link("x", "w_x", Link::Flow).link("w_x", "a", Link::Flow);
    d.note((5.8, 3.0), "c_t and h_t");
    d.note((5.8, 3.35), "go to step t + 1");
    d
}

/// One step of `model`'s multi-view recurrence: every modality's gates read its own
/// input and the previous hidden states of all modalities, through its own W_h; each
/// keeps its own cell. After the last word, a linear head reads all final states.
/// `modalities` names the model's inputs, in order.
#[track_caller]
pub fn multi_view(model: &SeqNet, modalities: &[Modality]) -> Diagram {
    assert_eq!(model.method, SeqFusion::MultiView, "multi_view: a multi-view LSTM");
    assert_eq!(model.cells.len(), modalities.len(), "multi_view: one modality per cell");
    let mut d = Diagram::new("Multi-view LSTM: one step, and the head").spacing(108.0, 62.0);
    let column = |k: usize| 2.2 * k as f64;
    for (k, (&m, cell)) in modalities.iter().zip(&model.cells).enumerate() {
        let (name, letter, col) = (format!("{m:?}").to_lowercase(), m.letter(), column(k));
        let hidden = cell.w_h.shape()[1] / 4;
        d.add(
            Node::new(format!("x_{letter}"), kind(m), (col - 0.5, 0.0), format!("{name} x_t"))
                .dims(&[cell.w_x.shape()[0]]),
        );
        d.add(
            Node::new(format!("h_prev_{letter}"), kind(m), (col + 0.5, 0.0), format!("{name} h_(t-1)"))
                .dims(&[hidden]),
        );
        d.add(
            Node::new(format!("lstm_{letter}"), kind(m), (col, 2.4), format!("{name} gates, own cell"))
                .line("W_h on all h_(t-1)")
                .dims(cell.w_h.shape()),
        );
        d.add(Node::new(format!("h_{letter}"), kind(m), (col, 3.9), format!("{name} h_t")).dims(&[hidden]));
        d.link(&format!("x_{letter}"), &format!("lstm_{letter}"), Link::Flow);
        d.link(&format!("lstm_{letter}"), &format!("h_{letter}"), Link::Flow);
        d.link(&format!("h_{letter}"), "head", Link::Flow);
    }
    // The cross-modal connections: every state feeds every modality's gates.
    for from in modalities {
        for to in modalities {
            d.link(&format!("h_prev_{}", from.letter()), &format!("lstm_{}", to.letter()), Link::Flow);
        }
    }
    let middle = column(modalities.len() - 1) / 2.0;
    d.add(
        Node::new("head", Kind::Joint, (middle, 5.4), "linear head, after the last word")
            .dims(model.head.weight.shape()),
    );
    d.add(Node::new("y", Kind::Other, (middle + 1.8, 5.4), "ŷ").dims(model.head.bias.shape()));
    d.link("head", "y", Link::Flow);
    d
}

//! The chapter's model drawn from its own parameters: step 1 (the weight tensor W as a
//! sum of rank-one terms, one factor column per modality) above step 3 (the rearranged
//! computation that never forms W or Z).

use autograd::seeded_rng;
use kit::diagram::{Diagram, Kind, Link, Node};
use models::fusion::{FusionNet, Method};
use models::toymosi::Modality;

use crate::grid::TAV;

/// The modalities LMF reads, in the order of its factors.
pub const MODALITIES: [Modality; 3] = TAV;

/// An untrained LMF of `rank` on T+A+V, built as the chapter's runs build theirs (the
/// diagram needs only its shapes).
pub fn lmf(rank: usize) -> FusionNet {
    let widths: Vec<usize> = MODALITIES.iter().map(|m| m.width()).collect();
    FusionNet::new(Method::Lmf(rank), &widths, &mut seeded_rng(0))
}

/// The colour of a modality's boxes.
fn kind(m: Modality) -> Kind {
    match m {
        Modality::Text => Kind::Text,
        Modality::Audio => Kind::Audio,
        Modality::Video => Kind::Video,
    }
}

/// Steps 1 and 3 of `model`'s low-rank layer, every size read from its parameters: the
/// factors' (d_m + 1, r), the rank weights' (r, 1) and the bias's output width.
/// `modalities` names the factors, in order.
#[track_caller]
pub fn low_rank(model: &FusionNet, modalities: &[Modality]) -> Diagram {
    let layer = model.lowrank.as_ref().expect("low_rank: an LMF model");
    assert_eq!(layer.factors.len(), modalities.len(), "low_rank: one modality per factor");
    let rank = layer.rank();
    let rows: Vec<usize> = layer.factors.iter().map(|u| u.shape()[0]).collect();
    let title = format!("Low-rank fusion at rank {rank}: W as a sum (step 1), then without W (step 3)");
    let mut d = Diagram::new(title).spacing(118.0, 60.0);

    // Step 1: W, drawn as a cube of offset slices, is a sum of rank-one terms.
    for k in [2.0, 1.0] {
        let slice = Node::new(format!("w_slice_{k}"), Kind::Joint, (0.07 * k, -0.11 * k), "");
        d.add(slice.sized(84.0, 50.0));
    }
    d.add(Node::new("w", Kind::Joint, (0.0, 0.0), "W").dims(&rows).sized(84.0, 50.0));
    d.note((0.62, 0.0), "=");
    d.add(Node::new("f_i", Kind::Joint, (1.1, 0.0), "f_i"));
    let mut term = vec!["f_i".to_string()];
    for (k, (&m, &size)) in modalities.iter().zip(&rows).enumerate() {
        let col = 1.85 + 0.85 * k as f64;
        d.note((col - 0.42, 0.0), if k == 0 { "·" } else { "⊗" });
        let id = format!("u_{}", m.letter());
        d.add(Node::new(&id, kind(m), (col, 0.0), format!("u_{},i", m.letter())).dims(&[size]));
        term.push(id);
    }
    let members: Vec<&str> = term.iter().map(String::as_str).collect();
    d.group(format!("term i, summed over i = 1 … {rank}"), &members);

    // Step 2 is the identity that lets step 3 skip W and Z.
    d.note((1.9, 1.12), "step 2: W · Z = Σ_i f_i Π_m (u_m,i · [h_m; 1]), so step 3:");

    // Step 3: each [h_m; 1] times its factor, the element-wise product, the rank sum.
    let middle = 3.4;
    let (product, weights, output) = ("product", "f", "y");
    for (k, (m, u)) in modalities.iter().zip(&layer.factors).enumerate() {
        let row = middle + (k as f64 - (modalities.len() as f64 - 1.0) / 2.0) * 1.3;
        let (h, factor) = (format!("h_{}", m.letter()), format!("factor_{}", m.letter()));
        d.add(Node::new(&h, kind(*m), (0.0, row), format!("[h_{}; 1]", m.letter())).dims(&[u.shape()[0]]));
        d.add(
            Node::new(&factor, kind(*m), (1.3, row), format!("times factor U_{}", m.letter()))
                .line(format!("column i: u_{},i", m.letter()))
                .dims(u.shape()),
        );
        d.link(&h, &factor, Link::Flow);
        // Along the row first, its width written above it, then into the product (kit
        // labels only straight links, hence a note).
        d.link_via(&factor, product, Link::Flow, &[(2.6, row)]);
        d.note((2.3, row - 0.25), format!("{} values", u.shape()[1]));
    }
    d.add(Node::op(product, (3.0, middle), "⊙"));
    d.add(
        Node::new(weights, Kind::Joint, (3.9, middle), "rank weights f")
            .line("Σ_i f_i (·) + b")
            .dims(layer.weights.shape()),
    );
    d.add(Node::new(output, Kind::Other, (4.85, middle), "ŷ").dims(layer.bias.shape()));
    d.link(product, weights, Link::Flow).link(weights, output, Link::Flow);
    d
}

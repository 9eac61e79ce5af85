//! The chapter's two models as diagrams, drawn from their RBMs' weight shapes: the RBM
//! as a bipartite graph, and the multimodal deep belief net (two pathways under a
//! joint RBM), with what is given and what is inferred when a modality is missing; and
//! the deep Boltzmann machine built from it, every layer joined both ways.

use kit::diagram::{Diagram, Kind, Link, Look, Node};
use models::dbm::Dbm;
use models::rbm::Rbm;

/// The RBM: a few of its visible and hidden units, every visible unit joined to every
/// hidden one and none within a layer, beside the two layers' sizes.
pub fn rbm(rbm: &Rbm) -> Diagram {
    let mut d = Diagram::new("An RBM: a bipartite graph of binary units").spacing(70.0, 95.0);
    d.add(Node::new("h", Kind::Other, (0.0, 0.0), "hidden h").dims(&[rbm.hidden()]));
    d.add(Node::new("v", Kind::Image, (0.0, 1.0), "visible v").dims(&[rbm.visible()]));
    d.link_labelled("v", "h", Link::Undirected, "W");
    let (hidden, visible) = (4, 6);
    for j in 0..hidden {
        d.add(Node::op(format!("h{j}"), (2.45 + 1.2 * j as f64, 0.0), "h"));
    }
    for i in 0..visible {
        d.add(Node::op(format!("v{i}"), (2.0 + 0.9 * i as f64, 1.0), "v"));
    }
    for i in 0..visible {
        for j in 0..hidden {
            d.link(&format!("v{i}"), &format!("h{j}"), Link::Undirected);
        }
    }
    d.note((7.9, 0.0), format!("… {} in all", rbm.hidden()));
    d.note((7.9, 1.0), format!("… {} in all", rbm.visible()));
    d
}

/// The multimodal deep belief net's RBMs: each pathway's two, and the joint one.
pub struct Stack<'a> {
    /// The image pathway: input to h1, h1 to h2.
    pub image: [&'a Rbm; 2],
    /// The other pathway (audio, or a title's words).
    pub other: [&'a Rbm; 2],
    /// The joint RBM over both pathways' top layers.
    pub joint: &'a Rbm,
}

/// One copy of the net at column `at`: `missing` draws the other modality's input and
/// first layer as not used, its top layer as inferred through the joint layer.
fn panel(d: &mut Diagram, s: &Stack, other: (&str, Kind), at: f64, missing: bool, tag: &str) {
    let id = |name: &str| format!("{tag}{name}");
    // The image is given in both panels.
    d.add(
        Node::new(id("iv"), Kind::Image, (at, 3.0), "image")
            .dims(&[s.image[0].visible()])
            .look(Look::Clamped),
    );
    d.add(Node::new(id("i1"), Kind::Image, (at, 2.0), "h1").dims(&[s.image[0].hidden()]));
    d.add(Node::new(id("i2"), Kind::Image, (at, 1.0), "h2").dims(&[s.image[1].hidden()]));
    d.add(Node::new(id("j"), Kind::Joint, (at + 0.75, 0.0), "joint").dims(&[s.joint.hidden()]));
    let unused = if missing { Look::Zeroed } else { Look::Box };
    let top = Node::new(id("o2"), other.1, (at + 1.5, 1.0), "h2").dims(&[s.other[1].hidden()]);
    d.add(if missing { top.line("inferred") } else { top });
    d.add(Node::new(id("o1"), other.1, (at + 1.5, 2.0), "h1").dims(&[s.other[0].hidden()]).look(unused));
    let input = if missing { Look::Zeroed } else { Look::Clamped };
    d.add(Node::new(id("ov"), other.1, (at + 1.5, 3.0), other.0).dims(&[s.other[0].visible()]).look(input));
    d.link(&id("iv"), &id("i1"), Link::Flow).link(&id("i1"), &id("i2"), Link::Flow);
    d.link(&id("i2"), &id("j"), Link::Undirected).link(&id("o2"), &id("j"), Link::Undirected);
    if !missing {
        d.link(&id("ov"), &id("o1"), Link::Flow).link(&id("o1"), &id("o2"), Link::Flow);
    }
}

/// The multimodal DBN twice: with both modalities given, and with the other one
/// missing (its top layer filled in by mean-field through the joint RBM).
pub fn multimodal(s: &Stack, other: (&str, Kind)) -> Diagram {
    let mut d = Diagram::new("The multimodal DBN: both given, and one missing").spacing(105.0, 78.0);
    panel(&mut d, s, other, 0.0, false, "a");
    panel(&mut d, s, other, 4.0, true, "b");
    d.note((0.75, 3.75), "both given");
    d.note((4.75, 3.75), format!("{} missing", other.0));
    d.note((2.75, 2.3), "arrows: p(h | layer below)");
    d.note((2.75, 2.65), "lines: the joint RBM");
    d
}

/// One copy of the DBM at column `at`: every layer joined to its neighbours by
/// symmetric weights; with `missing`, the other input is inferred too.
fn dbm_panel(d: &mut Diagram, dbm: &Dbm, other: Kind, at: f64, missing: bool, tag: &str) {
    let id = |l: usize| format!("{tag}{l}");
    // (column offset, row) of each layer: image input .. h2, joint, other h2 .. input.
    let place = [(0.0, 3.0), (0.0, 2.0), (0.0, 1.0), (0.75, 0.0), (1.5, 1.0), (1.5, 2.0), (1.5, 3.0)];
    for (l, layer) in dbm.layers.iter().enumerate() {
        let kind = match l {
            0..=2 => Kind::Image,
            3 => Kind::Joint,
            _ => other,
        };
        let label = layer.name.rsplit(' ').next().unwrap_or(&layer.name).replace("input", &layer.name);
        let label = if l == 0 || l == 6 { layer.name.trim_end_matches(" input").to_string() } else { label };
        let mut node = Node::new(id(l), kind, (at + place[l].0, place[l].1), label).dims(&[layer.size()]);
        if l == 0 || (l == 6 && !missing) {
            node = node.look(Look::Clamped);
        }
        if l == 6 && missing {
            node = node.line("inferred");
        }
        d.add(node);
    }
    for e in &dbm.edges {
        d.link(&id(e.a), &id(e.b), Link::Undirected);
    }
}

/// The DBM twice: both inputs clamped, and the other input missing (inferred with
/// every hidden layer by mean-field). Every size is a layer of `dbm`.
pub fn dbm(dbm: &Dbm, other: (&str, Kind)) -> Diagram {
    let mut d = Diagram::new("The multimodal DBM: both given, and one missing").spacing(105.0, 78.0);
    dbm_panel(&mut d, dbm, other.1, 0.0, false, "a");
    dbm_panel(&mut d, dbm, other.1, 4.0, true, "b");
    d.note((0.75, 3.75), "both given");
    d.note((4.75, 3.75), format!("{} missing", other.0));
    d.note((2.75, 2.3), "every line: symmetric weights");
    d.note((2.75, 2.65), "hidden layers: mean-field");
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layers_are_the_rbms_shapes() {
        let mut rng = autograd::seeded_rng(0);
        let r = Rbm::new(64, 30, &mut rng);
        let d = rbm(&r);
        assert_eq!(d.dims("v"), Some(&[64][..]));
        assert_eq!(d.dims("h"), Some(&[30][..]));
    }
}

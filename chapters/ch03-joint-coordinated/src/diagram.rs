//! The chapter's two designs drawn from their own parameters, side by side: the joint
//! model (one encoder over the concatenated inputs, one code) on the left, the
//! coordinated model (an encoder and a code per modality, tied by λ times the alignment
//! loss) on the right. Every size is read from a weight's shape.

use autograd::seeded_rng;
use kit::diagram::{Diagram, Kind, Link, Node};
use models::Mlp;

use crate::{Config, Coordinated};

/// The two models as the chapter's runs build them, untrained (the diagram needs only
/// their shapes): audio of `audio_width` cells, `cfg`'s hidden and code widths.
pub fn untrained(audio_width: usize, cfg: &Config) -> (Mlp, Coordinated) {
    let rng = &mut seeded_rng(0);
    (crate::joint_model(audio_width, cfg, rng), Coordinated::new(audio_width, cfg, rng))
}

/// The output width of a layer: its weight's columns (weights are (in, out)).
fn out(layer: &models::Linear) -> usize {
    layer.weight.shape()[1]
}

/// The input width of a layer: its weight's rows.
fn input(layer: &models::Linear) -> usize {
    layer.weight.shape()[0]
}

/// `joint` (concatenation -> hidden -> code -> digit logits) beside `coordinated` (image
/// and audio each -> hidden -> code, a digit classifier on each code, the codes tied
/// by λ times the alignment loss). The inputs' widths are the coordinated encoders'
/// first layers' rows; the joint model reads their concatenation, so its first layer's
/// rows must be their sum (checked). Box ids: `joint_*`, `image_*`, `audio_*`.
#[track_caller]
pub fn joint_and_coordinated(joint: &Mlp, coordinated: &Coordinated) -> Diagram {
    let (image, audio) = (&coordinated.image.layers, &coordinated.audio.layers);
    let (image_width, audio_width) = (input(&image[0]), input(&audio[0]));
    assert_eq!(
        joint.layers.len(),
        3,
        "joint_and_coordinated: the joint model is concat -> hidden -> code -> logits"
    );
    assert_eq!(
        input(&joint.layers[0]),
        image_width + audio_width,
        "joint_and_coordinated: the joint model reads both inputs, concatenated"
    );
    assert!(
        image.len() == 2 && audio.len() == 2,
        "joint_and_coordinated: each coordinated encoder is input -> hidden -> code"
    );
    let mut d = Diagram::new("Joint and coordinated representations").spacing(125.0, 74.0);

    // Joint: both inputs, concatenated, through one encoder into one code.
    d.note((0.5, -0.75), "joint: one encoder, one space");
    d.add(Node::new("joint_x", Kind::Image, (0.0, 0.0), "image x").dims(&[image_width]));
    d.add(Node::new("joint_y", Kind::Audio, (1.0, 0.0), "audio y").dims(&[audio_width]));
    d.add(Node::new("joint_concat", Kind::Joint, (0.5, 1.0), "[x; y]").dims(&[input(&joint.layers[0])]));
    d.add(Node::new("joint_hidden", Kind::Joint, (0.5, 2.0), "ReLU layer").dims(&[out(&joint.layers[0])]));
    d.add(Node::new("joint_code", Kind::Joint, (0.5, 3.0), "code z").dims(&[out(&joint.layers[1])]));
    d.add(Node::new("joint_head", Kind::Other, (0.5, 4.0), "classifier").dims(&[out(&joint.layers[2])]));
    d.link("joint_x", "joint_concat", Link::Flow).link("joint_y", "joint_concat", Link::Flow);
    d.link("joint_concat", "joint_hidden", Link::Flow);
    d.link("joint_hidden", "joint_code", Link::Flow).link("joint_code", "joint_head", Link::Flow);

    // Coordinated: an encoder, a code and a classifier per modality; λ ties the codes.
    let (left, right) = (2.55, 4.35);
    d.note(((left + right) / 2.0, -0.75), "coordinated: two spaces, tied by λ");
    for (name, kind, layers, head, column, code) in [
        ("image", Kind::Image, image, &coordinated.image_head, left, "code u"),
        ("audio", Kind::Audio, audio, &coordinated.audio_head, right, "code v"),
    ] {
        let id = |part: &str| format!("{name}_{part}");
        let letter = if name == "image" { "x" } else { "y" };
        d.add(
            Node::new(id("input"), kind, (column, 0.0), format!("{name} {letter}"))
                .dims(&[input(&layers[0])]),
        );
        d.add(Node::new(id("hidden"), kind, (column, 1.5), "ReLU layer").dims(&[out(&layers[0])]));
        d.add(Node::new(id("code"), kind, (column, 3.0), code).dims(&[out(&layers[1])]));
        d.add(Node::new(id("head"), Kind::Other, (column, 4.0), format!("{name} head")).dims(&[out(head)]));
        d.link(&id("input"), &id("hidden"), Link::Flow);
        d.link(&id("hidden"), &id("code"), Link::Flow);
        d.link(&id("code"), &id("head"), Link::Flow);
    }
    d.link_labelled("image_code", "audio_code", Link::Loss, "λ · alignment loss");
    d
}

//! Early and late fusion drawn from their own weights, side by side: on the left the
//! concatenation read by one softmax regression, on the right a softmax regression per
//! modality whose probabilities the gate's weights (w, 1 − w) combine into a weighted
//! product. Every size is read from a weight's shape.

use autograd::seeded_rng;
use kit::diagram::{Diagram, Kind, Link, Node};
use models::Linear;
use models::data::Av;

use crate::features::{CLASSES, Inputs};

/// The models the diagram draws, as the chapter's runs build them.
pub struct Fusion {
    /// Early fusion: softmax regression on the concatenation, W (image + audio, classes).
    pub early: Linear,
    /// Late fusion: softmax regression on the image, W (image, classes).
    pub image: Linear,
    /// ... and on the audio, W (audio, classes).
    pub audio: Linear,
    /// The late-fusion gate: (a, b) on σ′ and snr′, and c.
    pub gate: Linear,
}

impl Fusion {
    /// Untrained models for inputs of `image` and `audio` numbers and `classes` classes:
    /// the affine maps `Probe::fit` starts from, and `late::gate`. The diagram
    /// needs only their shapes, which every initialisation has.
    pub fn untrained(image: usize, audio: usize, classes: usize) -> Fusion {
        let rng = &mut seeded_rng(0);
        Fusion {
            early: Linear::xavier(image + audio, classes, rng),
            image: Linear::xavier(image, classes, rng),
            audio: Linear::xavier(audio, classes, rng),
            gate: crate::late::gate(),
        }
    }

    /// The models of the chapter's runs on `av`: its image and audio widths, the ten digits.
    pub fn for_data(av: &Av) -> Fusion {
        Fusion::untrained(Inputs::Image.width(av), Inputs::Audio.width(av), CLASSES)
    }
}

/// Early fusion (left) and late fusion (right). Sizes: an input's width is its
/// classifier's rows, the concatenation's the early classifier's rows, each W box its
/// weight's shape, a probability vector its classifier's columns, the gate's box its
/// weight's shape and w its columns.
#[track_caller]
pub fn fusion(m: &Fusion) -> Diagram {
    let shape = |l: &Linear| [l.in_features(), l.out_features()];
    let (image, audio) = (m.image.in_features(), m.audio.in_features());
    assert_eq!(
        m.early.in_features(),
        image + audio,
        "fusion: the early classifier reads the image's numbers, then the audio's"
    );
    assert_eq!(
        m.image.out_features(),
        m.audio.out_features(),
        "fusion: the two classifiers score the same classes"
    );
    let mut d = Diagram::new("Early fusion and late fusion").spacing(118.0, 80.0);

    // Early fusion: concatenate, then one softmax regression.
    d.add(Node::new("e_image", Kind::Image, (0.0, 0.0), "x_image").dims(&[image]));
    d.add(Node::new("e_audio", Kind::Audio, (1.0, 0.0), "x_audio").dims(&[audio]));
    d.add(
        Node::new("concat", Kind::Joint, (0.5, 1.0), "x = [x_image ; x_audio]")
            .dims(&[m.early.in_features()]),
    );
    d.add(Node::new("e_w", Kind::Joint, (0.5, 2.0), "softmax(x W + b)").line("W").dims(&shape(&m.early)));
    d.add(Node::new("e_p", Kind::Joint, (0.5, 3.0), "p(y | x)").dims(&[m.early.out_features()]));
    d.link("e_image", "concat", Link::Flow).link("e_audio", "concat", Link::Flow);
    d.link("concat", "e_w", Link::Flow).link("e_w", "e_p", Link::Flow);
    d.group("early fusion", &["e_image", "e_audio", "concat", "e_w", "e_p"]);

    // Late fusion: a softmax regression per modality, the gate's w from σ′ and snr′,
    // and the weighted product of the two probability vectors.
    let (ci, ca, cg) = (2.35, 3.35, 4.35);
    d.add(Node::new("l_image", Kind::Image, (ci, 0.0), "x_image").dims(&[image]));
    d.add(Node::new("l_audio", Kind::Audio, (ca, 0.0), "x_audio").dims(&[audio]));
    d.add(Node::new("rel", Kind::Other, (cg, 0.0), "σ′, snr′").dims(&[m.gate.in_features()]));
    d.add(Node::new("w_image", Kind::Image, (ci, 1.0), "softmax(·)").line("W_image").dims(&shape(&m.image)));
    d.add(Node::new("w_audio", Kind::Audio, (ca, 1.0), "softmax(·)").line("W_audio").dims(&shape(&m.audio)));
    d.add(Node::new("gate", Kind::Other, (cg, 1.0), "gate").line("a σ′ + b snr′ + c").dims(&shape(&m.gate)));
    d.add(Node::new("p_image", Kind::Image, (ci, 2.0), "p_image").dims(&[m.image.out_features()]));
    d.add(Node::new("p_audio", Kind::Audio, (ca, 2.0), "p_audio").dims(&[m.audio.out_features()]));
    d.add(Node::new("w", Kind::Other, (cg, 2.0), "w = sigmoid(·)").dims(&[m.gate.out_features()]));
    let fused = m.image.out_features();
    d.add(
        Node::new("s", Kind::Joint, (ca, 3.3), "s = w log p_image")
            .line("+ (1 − w) log p_audio")
            .dims(&[fused]),
    );
    d.link("l_image", "w_image", Link::Flow).link("w_image", "p_image", Link::Flow);
    d.link("l_audio", "w_audio", Link::Flow).link("w_audio", "p_audio", Link::Flow);
    d.link("rel", "gate", Link::Flow).link("gate", "w", Link::Flow);
    d.link_labelled("p_image", "s", Link::Flow, "w");
    d.link_labelled("p_audio", "s", Link::Flow, "1 − w");
    d.link("w", "s", Link::Flow);
    d.group(
        "late fusion",
        &["l_image", "l_audio", "rel", "w_image", "w_audio", "gate", "p_image", "p_audio", "w", "s"],
    );
    d
}

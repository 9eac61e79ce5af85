//! The bimodal deep autoencoder drawn from its own weights, three times side by side:
//! with both inputs, with the audio zeroed and with the image zeroed, the three kinds of
//! input recipe B trains on. The same weights run in all three, and each rebuilds both
//! modalities. Every size is read from a weight's shape.

use autograd::seeded_rng;
use kit::diagram::{Diagram, Kind, Link, Look, Node};
use models::Linear;

use crate::{Bimodal, Config, Present};

/// The three input conditions, left to right.
pub const CONDITIONS: [Present; 3] = [Present::Both, Present::ImageOnly, Present::AudioOnly];

/// An untrained model of `cfg`'s widths for audio rows of `audio_width` numbers (the
/// diagram needs only its shapes, which every initialisation has).
pub fn untrained(audio_width: usize, cfg: &Config) -> Bimodal {
    Bimodal::new(audio_width, cfg, &mut seeded_rng(0))
}

/// The id of a box: `part` of the copy for condition `c`.
pub fn id(c: Present, part: &str) -> String {
    format!("{c:?}.{part}").to_lowercase()
}

/// A box showing only a width (the row's note names the layer).
fn width(id: &str, kind: Kind, at: (f64, f64), n: usize) -> Node {
    Node { lines: vec![n.to_string()], dims: vec![n], ..Node::new(id, kind, at, "") }
}

/// The model under each of [`CONDITIONS`]. Sizes: an input's width is its encoder's
/// first layer's rows, every other box a layer's columns (the shared layer's for the
/// code; half the unshared layer's for each of its halves).
#[track_caller]
pub fn bimodal(model: &Bimodal) -> Diagram {
    let out = |l: &Linear| l.weight.shape()[1];
    let (ie, ae) = (&model.image_encoder().layers, &model.audio_encoder().layers);
    let (id_, ad) = (&model.image_decoder().layers, &model.audio_decoder().layers);
    assert!(
        ie.len() == ae.len() && id_.len() == ad.len(),
        "bimodal: the two encoders (and the two decoders) are drawn side by side, so they must be as deep"
    );
    let half = out(model.unshared()) / 2;
    assert_eq!(
        (id_[0].weight.shape()[0], ad[0].weight.shape()[0]),
        (half, half),
        "bimodal: each decoder reads half of the unshared layer"
    );
    // Rows: inputs, the encoders' layers, the code, the unshared halves, the decoders' layers.
    let code_row = ie.len() as f64 + 1.0;
    let mut notes: Vec<(f64, &str)> = vec![(0.0, "input")];
    notes.extend((1..=ie.len()).map(|r| (r as f64, "encoder, ReLU")));
    notes.push((code_row, "code, tanh"));
    notes.extend((0..id_.len()).map(|r| (code_row + 1.0 + r as f64, "decoder, ReLU")));
    notes.push((code_row + 1.0 + id_.len() as f64, "rebuilt"));

    let mut d =
        Diagram::new("The bimodal deep autoencoder under the three kinds of input").spacing(100.0, 56.0);
    let (copy, pair) = (2.05, 0.84);
    for (k, &c) in CONDITIONS.iter().enumerate() {
        let (cv, ca) = (k as f64 * copy, k as f64 * copy + pair);
        let centre = (cv + ca) / 2.0;
        let i = |part: &str| id(c, part);
        let mut members = Vec::new();
        // The inputs: a zeroed one is drawn dashed and grey, still its full width.
        let (image_look, audio_look) = match c {
            Present::Both => (Look::Box, Look::Box),
            Present::ImageOnly => (Look::Box, Look::Zeroed),
            Present::AudioOnly => (Look::Zeroed, Look::Box),
        };
        let label =
            |name: &str, look| if look == Look::Zeroed { format!("{name} = 0") } else { name.to_string() };
        let image_in = ie[0].weight.shape()[0];
        let audio_in = ae[0].weight.shape()[0];
        // One size for every input box, so the three copies' frames are as wide.
        let input = |part: &str, kind, at, name: &str, n: usize, look| {
            Node::new(i(part), kind, at, label(name, look)).dims(&[n]).look(look).sized(70.0, 48.0)
        };
        d.add(input("x_v", Kind::Image, (cv, 0.0), "x_v", image_in, image_look));
        d.add(input("x_a", Kind::Audio, (ca, 0.0), "x_a", audio_in, audio_look));
        members.extend([i("x_v"), i("x_a")]);
        // The encoders, a row per layer.
        let (mut above_v, mut above_a) = (i("x_v"), i("x_a"));
        for (r, (lv, la)) in ie.iter().zip(ae).enumerate() {
            let (v, a) = (i(&format!("enc_v{r}")), i(&format!("enc_a{r}")));
            d.add(width(&v, Kind::Image, (cv, r as f64 + 1.0), out(lv)));
            d.add(width(&a, Kind::Audio, (ca, r as f64 + 1.0), out(la)));
            d.link(&above_v, &v, Link::Flow).link(&above_a, &a, Link::Flow);
            members.extend([v.clone(), a.clone()]);
            (above_v, above_a) = (v, a);
        }
        // The shared code, and the unshared layer's two halves.
        let code = i("code");
        d.add(Node::new(&code, Kind::Joint, (centre, code_row), "code").dims(&[out(model.shared())]));
        d.link(&above_v, &code, Link::Flow).link(&above_a, &code, Link::Flow);
        let (v, a) = (i("half_v"), i("half_a"));
        d.add(width(&v, Kind::Image, (cv, code_row + 1.0), half));
        d.add(width(&a, Kind::Audio, (ca, code_row + 1.0), half));
        d.link(&code, &v, Link::Flow).link(&code, &a, Link::Flow);
        members.extend([code, v.clone(), a.clone()]);
        // The decoders, a row per layer; the last rebuilds the input, always both.
        let (mut above_v, mut above_a) = (v, a);
        for (r, (lv, la)) in id_.iter().zip(ad).enumerate() {
            let row = code_row + 2.0 + r as f64;
            let last = r + 1 == id_.len();
            let (v, a) = if last {
                (i("out_v"), i("out_a"))
            } else {
                (i(&format!("dec_v{r}")), i(&format!("dec_a{r}")))
            };
            if last {
                d.add(Node::new(&v, Kind::Image, (cv, row), "x̂_v").dims(&[out(lv)]));
                d.add(Node::new(&a, Kind::Audio, (ca, row), "x̂_a").dims(&[out(la)]));
            } else {
                d.add(width(&v, Kind::Image, (cv, row), out(lv)));
                d.add(width(&a, Kind::Audio, (ca, row), out(la)));
            }
            d.link(&above_v, &v, Link::Flow).link(&above_a, &a, Link::Flow);
            members.extend([v.clone(), a.clone()]);
            (above_v, above_a) = (v, a);
        }
        let name = match c {
            Present::Both => "both inputs",
            Present::ImageOnly => "audio zeroed",
            Present::AudioOnly => "image zeroed",
        };
        let members: Vec<&str> = members.iter().map(String::as_str).collect();
        d.group(name, &members);
    }
    for (row, text) in notes {
        d.note((-1.0, row), text);
    }
    d
}

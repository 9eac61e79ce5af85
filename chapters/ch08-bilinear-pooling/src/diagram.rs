//! The chapter's model drawn from its own parameters: the two-modality tensor
//! [h_1; 1] ⊗ [h_2; 1] as a matrix of blocks, and the three-modality tensor as a cube of
//! two offset slabs (the entries of the middle modality's projection in front, its
//! appended 1 behind), flattened into TFN's head. Every size is read from a weight's
//! shape: a projection's width from its encoder's last layer, the tensor's from the
//! head's first layer.

use autograd::seeded_rng;
use kit::diagram::{Diagram, Kind, Link, Node};
use models::fusion::{FusionNet, Method};
use models::toymosi::Modality;

/// An untrained TFN on `modalities`, built as the chapter's runs build theirs (the
/// diagram needs only its shapes).
pub fn tfn(modalities: &[Modality]) -> FusionNet {
    let widths: Vec<usize> = modalities.iter().map(|m| m.width()).collect();
    FusionNet::new(Method::Tfn, &widths, &mut seeded_rng(0))
}

/// The colour of a modality's boxes.
pub fn kind(m: Modality) -> Kind {
    match m {
        Modality::Text => Kind::Text,
        Modality::Audio => Kind::Audio,
        Modality::Video => Kind::Video,
    }
}

/// The width of each projection h_m of a tensor-fusion model (its encoders' outputs),
/// checked against the tensor its head reads: Π (d_m + 1) entries.
#[track_caller]
pub fn projections(model: &FusionNet) -> Vec<usize> {
    assert!(matches!(model.method, Method::Tfn | Method::TfnLinear), "projections: a tensor-fusion model");
    let widths: Vec<usize> = model.encoders.iter().map(|e| e.out.weight.shape()[1]).collect();
    assert_eq!(
        model.head[0].weight.shape()[0],
        widths.iter().map(|w| w + 1).product::<usize>(),
        "the head reads the whole tensor"
    );
    widths
}

/// Block sizes in pixels: a projection's side, and an appended 1's (wide enough for a
/// label and a shape, so not to scale).
const BIG: f64 = 110.0;
const ONE: f64 = 76.0;

/// The name of the block whose indices are on the projections of `on` ("T × A × V",
/// "1" for none).
fn block_name(on: &[Modality]) -> String {
    if on.is_empty() {
        return "1".into();
    }
    on.iter().map(|m| m.letter()).collect::<Vec<_>>().join(" × ")
}

/// The block's colour: its modality's if unimodal, the joint colour if it multiplies
/// several, grey for the constant.
fn block_kind(on: &[Modality]) -> Kind {
    match on {
        [] => Kind::Other,
        [m] => kind(*m),
        _ => Kind::Joint,
    }
}

const ORDERS: [&str; 4] = ["constant", "unimodal", "bimodal", "trimodal"];

/// Draws a 2 x 2 block matrix with its top-left corner at `(x, y)`, its rows indexing
/// `rows` and its columns `cols` (on the projection, then on the appended 1). `fixed` is
/// a third modality whose index is the same for every block: on its projection (true)
/// or on its 1. `widths` are the projections' widths of `all`, in order; the blocks'
/// shapes follow `all`'s order too. Returns the block ids, top left first, row by row.
fn block_matrix(
    d: &mut Diagram,
    prefix: &str,
    (x, y): (f64, f64),
    (all, widths): (&[Modality], &[usize]),
    (rows, cols): (Modality, Modality),
    fixed: Option<(Modality, bool)>,
) -> Vec<String> {
    let mut ids = Vec::new();
    for (row_on, col_on) in [(true, true), (true, false), (false, true), (false, false)] {
        let on_of = |m: Modality| {
            if m == rows {
                row_on
            } else if m == cols {
                col_on
            } else {
                fixed.is_some_and(|(f, on)| f == m && on)
            }
        };
        let on: Vec<Modality> = all.iter().copied().filter(|&m| on_of(m)).collect();
        let dims: Vec<usize> = all.iter().zip(widths).map(|(&m, &w)| if on_of(m) { w } else { 1 }).collect();
        let (w, h) = (if col_on { BIG } else { ONE }, if row_on { BIG } else { ONE });
        let cx = x + if col_on { BIG / 2.0 } else { BIG + ONE / 2.0 };
        let cy = y + if row_on { BIG / 2.0 } else { BIG + ONE / 2.0 };
        let id = format!("{prefix}_{}", if on.is_empty() { "1".to_string() } else { letters(&on) });
        d.add(
            Node::new(&id, block_kind(&on), (cx, cy), block_name(&on))
                .line(ORDERS[on.len().min(3)])
                .dims(&dims)
                .sized(w, h),
        );
        ids.push(id);
    }
    ids
}

fn letters(on: &[Modality]) -> String {
    on.iter().map(|m| m.letter()).collect()
}

/// The diagram: `pair` is a TFN on the two `pair_modalities`, `triple` one on the three
/// `modalities`; the cube's slabs are cut along the middle one (audio, in T, A, V).
#[track_caller]
pub fn tensor_fusion(
    pair: &FusionNet,
    pair_modalities: [Modality; 2],
    triple: &FusionNet,
    modalities: [Modality; 3],
) -> Diagram {
    let (pw, tw) = (projections(pair), projections(triple));
    assert_eq!((pw.len(), tw.len()), (2, 3), "tensor_fusion: a two- and a three-modality TFN");
    // Pixel coordinates: one grid step is one pixel.
    let mut d = Diagram::new("Tensor fusion: the blocks of the tensor, and TFN's head").spacing(1.0, 1.0);
    let [r, c] = pair_modalities;
    let gap = 8.0;
    let bar = 40.0;

    // [h_r; 1] ⊗ [h_c; 1]: the factors along the sides, the blocks between them.
    let (mx, my) = (bar + gap, 0.0);
    let name = |m: Modality| format!("[h_{}; 1] ⊗", m.letter());
    d.note((mx + (BIG + ONE) / 2.0, my - bar - gap - 44.0), format!("{} [h_{}; 1]", name(r), c.letter()));
    for (k, (&m, &w)) in pair_modalities.iter().zip(&pw).enumerate() {
        let (h, one) = (format!("pair_h_{}", m.letter()), format!("pair_one_{}", m.letter()));
        let label = format!("h_{}", m.letter());
        let (hn, on) = if k == 0 {
            let x = mx - gap - bar / 2.0;
            (
                Node::new(&h, kind(m), (x, my + BIG / 2.0), label).sized(bar, BIG),
                Node::new(&one, Kind::Other, (x, my + BIG + ONE / 2.0), "1").sized(bar, ONE),
            )
        } else {
            let y = my - gap - bar / 2.0;
            (
                Node::new(&h, kind(m), (mx + BIG / 2.0, y), label).sized(BIG, bar),
                Node::new(&one, Kind::Other, (mx + BIG + ONE / 2.0, y), "1").sized(ONE, bar),
            )
        };
        d.add(hn.dims(&[w]));
        d.add(on);
    }
    block_matrix(&mut d, "pair", (mx, my), (&pair_modalities, &pw), (r, c), None);

    // [h_1; 1] ⊗ [h_2; 1] ⊗ [h_3; 1]: the slab where the middle modality's index is on
    // its appended 1 behind, the slab where it runs over its projection in front,
    // offset down and to the left.
    let [first, middle, last] = modalities;
    let side = BIG + ONE;
    let (fx, fy) = (mx + side + 60.0, my + 40.0);
    let (ox, oy) = (176.0, 96.0);
    let (bx, by) = (fx + ox, fy - oy);
    d.note(
        (fx + (side + ox) / 2.0, my - bar - gap - 44.0),
        format!("[h_{}; 1] ⊗ [h_{}; 1] ⊗ [h_{}; 1]", first.letter(), middle.letter(), last.letter()),
    );
    d.note((bx + side / 2.0, by - 14.0), format!("behind: {} on its 1", middle.letter()));
    // Two of the cube's edges, from the front slab's top-left and bottom-right corners
    // to the back's (a corner is an empty, zero-sized box; the others lie under a slab).
    for (k, (dx, dy)) in [(0.0, 0.0), (side, side)].into_iter().enumerate() {
        let (a, b) = (format!("corner_front_{k}"), format!("corner_back_{k}"));
        d.add(Node::new(&a, Kind::Other, (fx + dx, fy + dy), "").sized(0.0, 0.0));
        d.add(Node::new(&b, Kind::Other, (bx + dx, by + dy), "").sized(0.0, 0.0));
        d.link(&a, &b, Link::Undirected);
    }
    block_matrix(&mut d, "back", (bx, by), (&modalities, &tw), (first, last), Some((middle, false)));
    let front =
        block_matrix(&mut d, "front", (fx, fy), (&modalities, &tw), (first, last), Some((middle, true)));
    d.note(
        (fx + side / 2.0 - 40.0, fy + side + 16.0),
        format!("in front: {} on h_{}", middle.letter(), middle.letter()),
    );

    // The head: the flattened tensor, a ReLU layer, the prediction.
    let row = fy + side + 80.0;
    let x = fx + BIG + ONE / 2.0;
    let hidden = triple.head[0].weight.shape();
    d.add(Node::new("z", Kind::Joint, (x, row), "z, flattened").dims(&[hidden[0]]));
    d.add(Node::new("relu", Kind::Joint, (x + 135.0, row), "ReLU layer").dims(&[hidden[1]]));
    let out = triple.head.last().expect("a head").weight.shape()[1];
    d.add(Node::new("y", Kind::Other, (x + 240.0, row), "ŷ").dims(&[out]));
    d.link(&front[3], "z", Link::Flow).link("z", "relu", Link::Flow).link("relu", "y", Link::Flow);
    d
}

//! The tensor-fusion diagram against the TFNs' weights: every size it prints (each
//! block's shape, each projection's width, the head's widths) is read from a parameter's
//! shape, for the chapter's models and for models built by hand with other widths, so a
//! change of the model that the diagram misses fails here.

use autograd::seeded_rng;
use ch08_bilinear_pooling::diagram::{tensor_fusion, tfn};
use kit::diagram::Diagram;
use models::fusion::{Encoder, FusionNet, Method, torch_linear};
use models::toymosi::Modality::{self, Audio as A, Text as T, Video as V};

/// The expected (id, shape) of every block of the tensor of `modalities`, whose
/// projections are `widths` wide: a block is named by the modalities whose index runs
/// over their projection (the others are on their appended 1).
fn blocks(
    prefix: impl Fn(&[Modality]) -> String,
    modalities: &[Modality],
    widths: &[usize],
) -> Vec<(String, Vec<usize>)> {
    (0..1usize << modalities.len())
        .map(|mask| {
            let on: Vec<Modality> =
                modalities.iter().enumerate().filter(|(k, _)| mask >> k & 1 == 1).map(|(_, &m)| m).collect();
            let letters: String = on.iter().map(|m| m.letter()).collect();
            let id = format!("{}_{}", prefix(&on), if on.is_empty() { "1".into() } else { letters });
            let dims =
                modalities.iter().zip(widths).map(|(m, &w)| if on.contains(m) { w } else { 1 }).collect();
            (id, dims)
        })
        .collect()
}

/// Checks every size the diagram prints against the two models' parameters.
fn check(d: &Diagram, pair: &FusionNet, pm: [Modality; 2], triple: &FusionNet, tm: [Modality; 3]) {
    let widths =
        |m: &FusionNet| -> Vec<usize> { m.encoders.iter().map(|e| e.out.weight.shape()[1]).collect() };
    let (pw, tw) = (widths(pair), widths(triple));
    // The heads read the whole tensors, and the head's layers chain.
    assert_eq!(pair.head[0].weight.shape()[0], (pw[0] + 1) * (pw[1] + 1));
    assert_eq!(triple.head[0].weight.shape()[0], tw.iter().map(|w| w + 1).product::<usize>());
    assert_eq!(triple.head[1].weight.shape()[0], triple.head[0].weight.shape()[1]);

    let mut expected: Vec<(String, Vec<usize>)> = Vec::new();
    for (m, &w) in pm.iter().zip(&pw) {
        expected.push((format!("pair_h_{}", m.letter()), vec![w]));
    }
    expected.extend(blocks(|_| "pair".into(), &pm, &pw));
    let middle = tm[1];
    expected.extend(blocks(|on| if on.contains(&middle) { "front" } else { "back" }.into(), &tm, &tw));
    expected.push(("z".into(), vec![triple.head[0].weight.shape()[0]]));
    expected.push(("relu".into(), vec![triple.head[0].weight.shape()[1]]));
    expected.push(("y".into(), vec![triple.head[1].weight.shape()[1]]));

    d.check_dims(&expected).unwrap();
    d.svg().expect("the diagram draws, within the book's column");
}

#[test]
fn the_chapters_tfns_are_drawn_with_their_own_sizes() {
    let (pair, triple) = (tfn(&[T, V]), tfn(&[T, A, V]));
    let d = tensor_fusion(&pair, [T, V], &triple, [T, A, V]);
    check(&d, &pair, [T, V], &triple, [T, A, V]);
    assert_eq!(d.dims("front_TAV"), Some(&[8, 8, 8][..]));
    assert_eq!(d.dims("z"), Some(&[729][..]));
}

/// A TFN on `widths` whose encoders are `hidden` -> `projections[m]` wide and whose head
/// has `head` hidden units, built by hand (the library's widths are constants).
fn by_hand(widths: &[usize], hidden: usize, projections: &[usize], head: usize) -> FusionNet {
    let rng = &mut seeded_rng(1);
    let encoders = widths
        .iter()
        .zip(projections)
        .map(|(&w, &p)| Encoder { hidden: torch_linear(w, hidden, rng), out: torch_linear(hidden, p, rng) })
        .collect();
    let size: usize = projections.iter().map(|p| p + 1).product();
    FusionNet {
        method: Method::Tfn,
        widths: widths.to_vec(),
        encoders,
        head: vec![torch_linear(size, head, rng), torch_linear(head, 1, rng)],
        mask: None,
        lowrank: None,
        max_order: None,
    }
}

#[test]
fn other_widths_and_modalities_redraw_the_blocks_and_the_head() {
    let pair = by_hand(&[12, 12], 16, &[4, 6], 20);
    let triple = by_hand(&[32, 12, 12], 16, &[3, 5, 4], 12);
    let d = tensor_fusion(&pair, [A, V], &triple, [T, A, V]);
    check(&d, &pair, [A, V], &triple, [T, A, V]);
    assert_eq!(d.dims("pair_AV"), Some(&[4, 6][..]));
    assert_eq!(d.dims("back_TV"), Some(&[3, 1, 4][..]));
    assert_eq!(d.dims("z"), Some(&[4 * 6 * 5][..]));
    assert_eq!(d.dims("relu"), Some(&[12][..]));
}

//! SPEC section 8.2: what a generated caption gets right, attribute by attribute, after
//! aligning its objects with the scene's (either order is accepted).

use super::caption::{Parsed, Stated, parse, references};
use super::scene::{Object, Scene, inverse};

/// How one caption scores against its scene.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageScore {
    /// Per gold object: (size, colour, shape) stated correctly by its aligned object.
    pub objects: Vec<[bool; 3]>,
    /// Per gold object: the stated object aligned with it, if any.
    pub stated: Vec<Option<Stated>>,
    /// Two-shape scenes: whether the relation is right.
    pub rel: Option<bool>,
    /// Whether the caption mentions as many objects as the scene has.
    pub count: bool,
    /// Whether the caption equals one of the references.
    pub exact: bool,
    /// Whether the caption parses.
    pub grammatical: bool,
}

fn matches(gold: &Object, stated: Option<&Stated>) -> [bool; 3] {
    match stated {
        Some(&(size, colour, shape)) => [gold.size == size, gold.colour == colour, gold.shape == shape],
        None => [false; 3],
    }
}

fn hits(m: &[bool; 3]) -> usize {
    m.iter().filter(|&&b| b).count()
}

/// Score the words of a generated caption against `scene`.
pub fn score_caption(scene: &Scene, words: &[&str]) -> ImageScore {
    let exact = references(scene).iter().any(|r| r.as_slice() == words);
    let Some(Parsed { objects: said, rel: said_rel }) = parse(words) else {
        return ImageScore {
            objects: vec![[false; 3]; scene.objects.len()],
            stated: vec![None; scene.objects.len()],
            rel: scene.rel.map(|_| false),
            count: false,
            exact,
            grammatical: false,
        };
    };
    let count = said.len() == scene.objects.len();
    let gold = &scene.objects;
    let Some(rel) = scene.rel else {
        let first = matches(&gold[0], said.first());
        let second = matches(&gold[0], said.get(1));
        let (best, stated) =
            if hits(&second) > hits(&first) { (second, said.get(1)) } else { (first, said.first()) };
        return ImageScore {
            objects: vec![best],
            stated: vec![stated.copied()],
            rel: None,
            count,
            exact,
            grammatical: true,
        };
    };
    // Two gold objects: keep the better of the two alignments (ties: the first).
    let align = |swap: bool| {
        let (p0, p1) = if swap { (said.get(1), said.first()) } else { (said.first(), said.get(1)) };
        let objects = vec![matches(&gold[0], p0), matches(&gold[1], p1)];
        let wanted = if swap { inverse(rel) } else { rel };
        let rel_ok = said.len() == 2 && said_rel == Some(wanted);
        let score = objects.iter().map(hits).sum::<usize>() + rel_ok as usize;
        (score, objects, vec![p0.copied(), p1.copied()], rel_ok)
    };
    let (first, second) = (align(false), align(true));
    let (_, objects, stated, rel_ok) = if second.0 > first.0 { second } else { first };
    ImageScore { objects, stated, rel: Some(rel_ok), count, exact, grammatical: true }
}

/// The attribute accuracies of a split (fractions in [0, 1]).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Attributes {
    /// Gold objects whose size is stated correctly.
    pub size: f64,
    /// ... whose colour is.
    pub colour: f64,
    /// ... whose shape is.
    pub shape: f64,
    /// ... with all three right.
    pub object: f64,
    /// Two-shape images whose relation is right.
    pub rel: f64,
    /// Images whose caption names the right number of objects.
    pub count: f64,
    /// Images whose caption is one of its references.
    pub exact: f64,
    /// Captions that parse.
    pub grammatical: f64,
    /// Held-out split: object 0 (the held-out combo) with its colour right.
    pub novel_colour: f64,
    /// ... with its shape right.
    pub novel_shape: f64,
    /// ... with both right: the unseen pair named.
    pub novel_combo: f64,
}

/// Aggregate per-image scores; the `novel_*` fields read object 0 of every image (they
/// mean something on the held-out split only).
pub fn attributes(scores: &[ImageScore]) -> Attributes {
    let frac = |hit: usize, of: usize| if of == 0 { 0.0 } else { hit as f64 / of as f64 };
    let objects: Vec<&[bool; 3]> = scores.iter().flat_map(|s| &s.objects).collect();
    let on = |a: usize| objects.iter().filter(|o| o[a]).count();
    let rels: Vec<bool> = scores.iter().filter_map(|s| s.rel).collect();
    let first = |pred: fn(&[bool; 3]) -> bool| scores.iter().filter(|s| pred(&s.objects[0])).count();
    let images = scores.len();
    Attributes {
        size: frac(on(0), objects.len()),
        colour: frac(on(1), objects.len()),
        shape: frac(on(2), objects.len()),
        object: frac(objects.iter().filter(|o| o.iter().all(|&b| b)).count(), objects.len()),
        rel: frac(rels.iter().filter(|&&b| b).count(), rels.len()),
        count: frac(scores.iter().filter(|s| s.count).count(), images),
        exact: frac(scores.iter().filter(|s| s.exact).count(), images),
        grammatical: frac(scores.iter().filter(|s| s.grammatical).count(), images),
        novel_colour: frac(first(|o| o[1]), images),
        novel_shape: frac(first(|o| o[2]), images),
        novel_combo: frac(first(|o| o[1] && o[2]), images),
    }
}

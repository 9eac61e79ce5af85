//! SPEC sections 2, 4 and 5: the constants and the draws of one scene, in their order.

use super::rng::{SplitMix64, image_seed};

/// Image width and height, pixels.
pub const W: i64 = 32;
/// Margin between a shape's box and the border, half-pixels.
const M2: i64 = 2;
/// Least gap between two boxes along the relation axis, half-pixels.
const G2: i64 = 4;
/// Largest background grey.
const BG_MAX: i64 = 60;
/// Half-extents of a small shape, half-pixels.
const SMALL_R2: [i64; 2] = [8, 9];
/// Half-extents of a large shape, half-pixels.
const LARGE_R2: [i64; 2] = [12, 13];
/// The default dataset seed.
pub const DATASET_SEED: u64 = 11777;

/// Shape names by index.
pub const SHAPES: [&str; 4] = ["square", "circle", "triangle", "cross"];
/// Colour names by index.
pub const COLOURS: [&str; 5] = ["red", "green", "blue", "yellow", "white"];
/// Base RGB of each colour.
const BASE_RGB: [[i64; 3]; 5] =
    [[220, 40, 40], [40, 190, 60], [50, 80, 230], [230, 210, 40], [225, 225, 225]];
/// Size names by index.
pub const SIZES: [&str; 2] = ["small", "large"];
/// Relation words by index: object 0 REL object 1.
pub const RELATIONS: [&str; 4] = ["left of", "right of", "above", "below"];

/// The combos (`5 * shape + colour`) that training may use.
pub const ALLOWED: [usize; 16] = [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 19];
/// The combos never seen in training: red square, green circle, blue triangle, yellow cross.
pub const HELDOUT: [usize; 4] = [0, 6, 12, 18];

/// The relation read from the other object: left of <-> right of, above <-> below.
pub fn inverse(rel: usize) -> usize {
    rel ^ 1
}

/// The three splits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Split {
    /// 4,000 images of allowed combos.
    Train,
    /// 500 more images of the same distribution.
    Test,
    /// 500 images whose object 0 has a held-out combo.
    Heldout,
}

impl Split {
    /// The split's id in the image seed.
    pub fn id(self) -> u64 {
        match self {
            Split::Train => 0,
            Split::Test => 1,
            Split::Heldout => 2,
        }
    }

    /// How many images the split has.
    pub fn images(self) -> usize {
        match self {
            Split::Train => 4000,
            Split::Test | Split::Heldout => 500,
        }
    }
}

/// One shape in a scene (SPEC section 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Object {
    /// 0 square, 1 circle, 2 triangle, 3 cross.
    pub shape: usize,
    /// 0 red, 1 green, 2 blue, 3 yellow, 4 white.
    pub colour: usize,
    /// 0 small, 1 large.
    pub size: usize,
    /// Half-extent, half-pixels.
    pub r2: i64,
    /// Jittered colour.
    pub rgb: [u8; 3],
    /// Centre column, half-pixels.
    pub x2: i64,
    /// Centre row, half-pixels.
    pub y2: i64,
}

impl Object {
    /// `5 * shape + colour`.
    pub fn combo(&self) -> usize {
        5 * self.shape + self.colour
    }
}

/// The record of one scene: everything the rasteriser and the captions need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scene {
    /// Background grey.
    pub bg: u8,
    /// One or two shapes.
    pub objects: Vec<Object>,
    /// Object 0 is `RELATIONS[rel]` object 1 (two shapes only).
    pub rel: Option<usize>,
}

/// Draw scene `index` of `split` (sections 4.1-4.5); the stream is returned positioned
/// for the noise of section 6.3.
pub fn draw_scene(dataset_seed: u64, split: Split, index: usize) -> (Scene, SplitMix64) {
    let mut rng = SplitMix64::new(image_seed(dataset_seed, split.id(), index as u64));
    let n = if rng.uint(0, 2) == 0 { 1 } else { 2 };
    let bg = rng.uint(0, BG_MAX) as u8;
    let mut objects = Vec::with_capacity(n);
    for k in 0..n {
        let combo = if split == Split::Heldout && k == 0 {
            HELDOUT[rng.uint(0, 3) as usize]
        } else {
            ALLOWED[rng.uint(0, 15) as usize]
        };
        let (shape, colour) = (combo / 5, combo % 5);
        let size = rng.uint(0, 1) as usize;
        let r2 = if size == 0 { SMALL_R2 } else { LARGE_R2 }[rng.uint(0, 1) as usize];
        let mut rgb = [0u8; 3];
        for (c, value) in rgb.iter_mut().enumerate() {
            let jitter = rng.uint(0, 40) - 20;
            *value = (BASE_RGB[colour][c] + jitter).clamp(0, 255) as u8;
        }
        objects.push(Object { shape, colour, size, r2, rgb, x2: 0, y2: 0 });
    }
    let rel = if n == 2 { Some(rng.uint(0, 3) as usize) } else { None };
    place(&mut objects, rel, &mut rng);
    (Scene { bg, objects, rel }, rng)
}

/// Section 4.5: centres, drawn so that the relation is unambiguous.
fn place(objects: &mut [Object], rel: Option<usize>, rng: &mut SplitMix64) {
    let Some(rel) = rel else {
        let r = objects[0].r2;
        objects[0].x2 = rng.uint(M2 + r, 2 * W - M2 - r);
        objects[0].y2 = rng.uint(M2 + r, 2 * W - M2 - r);
        return;
    };
    // P is the left (or upper) object, Q the other; the main axis is the relation's.
    let (p, q) = if rel == 0 || rel == 2 { (0, 1) } else { (1, 0) };
    let (rp, rq) = (objects[p].r2, objects[q].r2);
    let a = rng.uint(M2 + rp, 2 * W - M2 - rp - 2 * rq - G2);
    let b = rng.uint(a + rp + rq + G2, 2 * W - M2 - rq);
    let d = (b - a) / 2;
    let c = rng.uint(M2 + rp, 2 * W - M2 - rp);
    let e = rng.uint((M2 + rq).max(c - d), (2 * W - M2 - rq).min(c + d));
    let horizontal = rel < 2;
    let (pm, qm, pc, qc) = (a, b, c, e);
    if horizontal {
        (objects[p].x2, objects[p].y2, objects[q].x2, objects[q].y2) = (pm, pc, qm, qc);
    } else {
        (objects[p].y2, objects[p].x2, objects[q].y2, objects[q].x2) = (pm, pc, qm, qc);
    }
}

//! SPEC section 6: integer rasterisation. 4 x 4 samples per pixel decide coverage,
//! each shape is blended in by its coverage, then per-channel noise.

use super::rng::SplitMix64;
use super::scene::{Object, Scene, W};

/// Bytes of one image: 32 x 32 pixels, RGB, row-major HWC.
pub const IMAGE_BYTES: usize = (W * W * 3) as usize;
/// Per-channel noise, `UInt[-NOISE, NOISE]`.
const NOISE: u64 = 16;

/// Is the sample `(x, y)` (1/16-pixel units) inside the shape? Section 6.1's table.
fn inside(shape: usize, r2: i64, dx: i64, dy: i64) -> bool {
    let r = 8 * r2;
    match shape {
        0 => dx.abs() <= r && dy.abs() <= r,
        1 => dx * dx + dy * dy <= r * r,
        2 => dy <= r && 2 * dx.abs() <= dy + r,
        3 => {
            let w = 3 * r2;
            (dx.abs() <= r && dy.abs() <= w) || (dx.abs() <= w && dy.abs() <= r)
        }
        _ => panic!("shape {shape}: there are 4 shapes"),
    }
}

/// Coverage `K(i, j)` of pixel (row i, column j): how many of its 16 samples are inside.
pub fn coverage(object: &Object, i: i64, j: i64) -> u32 {
    let mut k = 0;
    for b in 0..4 {
        for a in 0..4 {
            let (x, y) = (16 * j + 4 * a + 2, 16 * i + 4 * b + 2);
            k += inside(object.shape, object.r2, x - 8 * object.x2, y - 8 * object.y2) as u32;
        }
    }
    k
}

/// The pixels that can be covered: the shape's box, one pixel wider on each side.
fn box_pixels(centre2: i64, r2: i64) -> std::ops::Range<i64> {
    ((centre2 - r2) / 2 - 1).max(0)..((centre2 + r2) / 2 + 2).min(W)
}

/// Sections 6.2 and 6.3: the image of a scene, HWC `u8`; `rng` must be the scene's
/// stream right after its draws (as `draw_scene` returns it).
pub fn render(scene: &Scene, rng: &mut SplitMix64) -> Vec<u8> {
    let mut image = vec![scene.bg; IMAGE_BYTES];
    for object in &scene.objects {
        for i in box_pixels(object.y2, object.r2) {
            for j in box_pixels(object.x2, object.r2) {
                let k = coverage(object, i, j);
                if k == 0 {
                    continue;
                }
                let at = ((i * W + j) * 3) as usize;
                for c in 0..3 {
                    let v = image[at + c] as u32;
                    image[at + c] = ((v * (16 - k) + object.rgb[c] as u32 * k + 8) / 16) as u8;
                }
            }
        }
    }
    for v in image.iter_mut() {
        let noise = (rng.next() % (2 * NOISE + 1)) as i64 - NOISE as i64;
        *v = (*v as i64 + noise).clamp(0, 255) as u8;
    }
    image
}

/// The model's input: `v / 255 - 0.5`, laid out CHW (3 x 32 x 32), appended to `out`.
pub fn to_chw(image: &[u8], out: &mut Vec<f32>) {
    let pixels = (W * W) as usize;
    for c in 0..3 {
        out.extend((0..pixels).map(|p| image[p * 3 + c] as f32 / 255.0 - 0.5));
    }
}

//! The clip art made ready for the experiment: pictures averaged over square blocks of
//! pixels, per channel, and each title's distinct words.

use models::data::{ClipArt, title_words};

/// The clip art made ready for every seed: pictures averaged over square blocks and
/// each title's words.
pub struct Prepared {
    /// (n, 768) pixels in [0, 1].
    pub pixels: Vec<f32>,
    /// Width of a pixel row.
    pub width: usize,
    /// The original (n, height * width * 3) pixels, for the figure.
    pub original: Vec<f32>,
    /// The original pictures' height and width.
    pub original_size: (usize, usize),
    /// Each picture's class.
    pub classes: Vec<usize>,
    /// The classes' names.
    pub class_names: Vec<String>,
    /// Each picture's title.
    pub titles: Vec<String>,
    /// Each title's distinct words.
    pub words: Vec<Vec<String>>,
}

/// Average `block` x `block` squares of pixels, per channel.
pub fn prepare(art: &ClipArt, block: usize) -> Prepared {
    let (h, w, c) = (art.height, art.width, art.channels);
    let (h2, w2) = (h / block, w / block);
    let mut pixels = Vec::with_capacity(art.len() * h2 * w2 * c);
    for image in art.pixels.chunks_exact(h * w * c) {
        for y in 0..h2 {
            for x in 0..w2 {
                for ch in 0..c {
                    let mut sum = 0.0;
                    for yy in block * y..block * (y + 1) {
                        for xx in block * x..block * (x + 1) {
                            sum += image[(yy * w + xx) * c + ch];
                        }
                    }
                    pixels.push(sum / (block * block) as f32);
                }
            }
        }
    }
    let words = art
        .titles
        .iter()
        .map(|t| {
            let mut w = title_words(t);
            w.sort();
            w.dedup();
            w
        })
        .collect();
    Prepared {
        pixels,
        width: h2 * w2 * c,
        original: art.pixels.clone(),
        original_size: (h, w),
        classes: art.classes.clone(),
        class_names: art.class_names.clone(),
        titles: art.titles.clone(),
        words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_averaged_over_blocks_per_channel() {
        // One 2 x 4 picture, RGB: red channel 0..8 along the rows, green 1, blue 0.
        let pixels: Vec<f32> = (0..8).flat_map(|k| [k as f32, 1.0, 0.0]).collect();
        let art = ClipArt {
            height: 2,
            width: 4,
            channels: 3,
            pixels,
            classes: vec![0],
            class_names: vec!["a".into()],
            titles: vec!["Red Apple, red!".into()],
            tags: vec![vec![]],
        };
        let p = prepare(&art, 2);
        // Blocks: {0, 1, 4, 5} and {2, 3, 6, 7}.
        assert_eq!(p.pixels, vec![2.5, 1.0, 0.0, 4.5, 1.0, 0.0]);
        assert_eq!(p.width, 6);
        assert_eq!(p.words, vec![vec!["apple".to_string(), "red".to_string()]]);
    }
}

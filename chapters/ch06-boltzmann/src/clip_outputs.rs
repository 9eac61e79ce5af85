//! The clip-art experiment's tables and figures.

use kit::plot::{Picture, colour_pictures};
use kit::{Output, Table};

use crate::clipart::{ClipArtReport, ClipSeed, LAYERS, TagExample};

/// "mean (min to max)" over seeds.
pub(crate) fn spread(values: &[f64]) -> String {
    let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
    let (lo, hi) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| (l.min(v), h.max(v)));
    format!("{mean:.3} ({lo:.3} to {hi:.3})")
}

fn over(c: &ClipArtReport, f: impl Fn(&ClipSeed) -> f64) -> String {
    spread(&c.seeds.iter().map(f).collect::<Vec<_>>())
}

/// The clip-art tables, each in its own ANCHOR region.
pub fn markdown(c: &ClipArtReport) -> String {
    let mut layers = Table::new(&[
        "layer",
        "width",
        "DBN: mean (lowest to highest seed)",
        "DBM: mean (lowest to highest)",
    ]);
    for &name in &LAYERS {
        let width =
            c.seeds.first().and_then(|s| s.layers.iter().find(|l| l.layer == name)).map_or(0, |l| l.width);
        layers.row(&[
            name.to_string(),
            width.to_string(),
            spread(&c.accuracies(name)),
            spread(&c.dbm_accuracies(name)),
        ]);
    }
    let mut tagging = Table::new(&["suggesting words by", "precision@5: mean (lowest to highest seed)"]);
    tagging.row(&["the DBN, from the picture alone (Gibbs)".into(), over(c, |s| s.tagging.model)]);
    tagging
        .row(&["the DBM, from the picture alone (mean-field)".into(), over(c, |s| s.dbm_tagging.mean_field)]);
    tagging.row(&["the DBM, from the picture alone (Gibbs)".into(), over(c, |s| s.dbm_tagging.gibbs)]);
    tagging.row(&["the five commonest title words".into(), over(c, |s| s.tagging.frequency)]);
    tagging.row(&[
        format!("the titles of the {} nearest training pictures", c.neighbours),
        over(c, |s| s.tagging.neighbours),
    ]);
    tagging.row(&["five vocabulary words at random (expected)".into(), over(c, |s| s.tagging.random)]);
    let mut retrieval = Table::new(&["retrieval", "mean average precision: mean (lowest to highest seed)"]);
    retrieval.row(&[
        "pictures fetch titles, through the DBN's joint layer".into(),
        over(c, |s| s.retrieval.image_to_text),
    ]);
    retrieval.row(&[
        "titles fetch pictures, through the DBN's joint layer".into(),
        over(c, |s| s.retrieval.text_to_image),
    ]);
    retrieval.row(&[
        "pictures fetch titles, through the DBM's joint layer".into(),
        over(c, |s| s.dbm_retrieval.0),
    ]);
    retrieval.row(&[
        "titles fetch pictures, through the DBM's joint layer".into(),
        over(c, |s| s.dbm_retrieval.1),
    ]);
    retrieval.row(&[
        "pictures fetch titles, through the nearest training pictures' titles".into(),
        over(c, |s| s.retrieval.pixel_neighbours),
    ]);
    retrieval.row(&["a random ranking".into(), over(c, |s| s.retrieval.chance)]);
    let first = c.seeds.first();
    let counts = |f: fn(&ClipSeed) -> usize| -> String {
        let v: Vec<usize> = c.seeds.iter().map(f).collect();
        format!("{} to {}", v.iter().min().unwrap_or(&0), v.iter().max().unwrap_or(&0))
    };
    let (vocabulary, scored) = (counts(|s| s.vocabulary), counts(|s| s.tagging.scored));
    let [i1, i2, t1, t2, j] = c.widths;
    let b = c.block;
    format!(
        "<!-- ANCHOR: clip_setup -->\nOver {} seeds (each its own stratified split, 80% training, and its own \
         model), the title vocabulary holds {} words (those in at least {} training titles). The pictures are averaged \
         over {b} x {b} squares of pixels. Widths: image {i1}, \
         {i2}; text {t1}, {t2}; joint {j}. Epochs per layer: image {}, text {}, joint {}.\n\
         <!-- ANCHOR_END: clip_setup -->\n\n\
         <!-- ANCHOR: clip_layers -->\n{}<!-- ANCHOR_END: clip_layers -->\n\n\
         <!-- ANCHOR: clip_tagging -->\n{}\nScored on the test pictures whose title has a word of the vocabulary \
         ({} per seed). The five commonest title words (seed {}): {}.\n\
         <!-- ANCHOR_END: clip_tagging -->\n\n\
         <!-- ANCHOR: clip_retrieval -->\n{}<!-- ANCHOR_END: clip_retrieval -->\n\n",
        c.seeds.len(),
        vocabulary,
        c.min_titles,
        c.epochs.0,
        c.epochs.1,
        c.epochs.2,
        layers.to_markdown(),
        tagging.to_markdown(),
        scored,
        first.map_or(0, |s| s.seed),
        first.map_or(String::new(), |s| s.common_words.join(", ")),
        retrieval.to_markdown(),
    )
}

/// `text` broken at spaces into lines of at most `width` characters (a longer word
/// gets a line of its own, whole): nothing is cut.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// One example as the figure draws it: the picture at half its resolution (left) and,
/// at the same size, the block averages the model is given (right), a blank column
/// between. Returns the (height, width, 3) pixels and their size.
fn as_drawn(e: &TagExample, block: usize) -> (Vec<f32>, (usize, usize)) {
    let (h, w) = e.size;
    let (dh, dw) = (h / 2, w / 2);
    let (ih, iw) = (h / block.max(1), w / block.max(1));
    let width = 2 * dw + 1;
    let mut out = vec![1.0f32; dh * width * 3];
    for y in 0..dh {
        for x in 0..dw {
            for c in 0..3 {
                let at = |yy: usize, xx: usize| e.pixels[(yy * w + xx) * 3 + c];
                let mean = (at(2 * y, 2 * x)
                    + at(2 * y + 1, 2 * x)
                    + at(2 * y, 2 * x + 1)
                    + at(2 * y + 1, 2 * x + 1))
                    / 4.0;
                out[(y * width + x) * 3 + c] = mean;
                // Nearest block average, scaled up to the same size.
                out[(y * width + dw + 1 + x) * 3 + c] = e.input[((y * ih / dh) * iw + x * iw / dw) * 3 + c];
            }
        }
    }
    (out, (dh, width))
}

/// The tagging examples.
pub fn figures(c: &ClipArtReport, out: &Output) -> anyhow::Result<()> {
    let Some(first) = c.seeds.first() else { return Ok(()) };
    // Every third class: six pictures, two rows of three.
    let shown: Vec<&TagExample> = first.examples.iter().step_by(3).collect();
    let drawn: Vec<(Vec<f32>, (usize, usize))> = shown.iter().map(|e| as_drawn(e, c.block)).collect();
    let pictures: Vec<Picture> = shown
        .iter()
        .zip(&drawn)
        .map(|(e, (rgb, size))| {
            let mut lines = vec![format!("class: {}", e.class)];
            lines.extend(wrap(&format!("\u{201c}{}\u{201d}", e.title), 30));
            lines.extend(wrap(&format!("model: {}", e.model.join(" ")), 30));
            lines.extend(wrap(&format!("near: {}", e.neighbours.join(" ")), 30));
            Picture { rgb, size: *size, lines }
        })
        .collect();
    colour_pictures(
        &out.figure("clip_tagging.svg"),
        &format!("Test pictures, as drawn and as the model sees them (seed {})", first.seed),
        &pictures,
        3,
        240,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_word() {
        assert_eq!(wrap("model: clipart homes buculei", 14), vec!["model: clipart", "homes buculei"]);
        assert_eq!(wrap("a verylongwordindeed b", 5), vec!["a", "verylongwordindeed", "b"]);
    }

    #[test]
    fn the_drawn_example_is_the_picture_halved_beside_the_model_input() {
        // A 4 x 4 picture, its red channel 0..16, averaged over 2 x 2 blocks for the model.
        let pixels: Vec<f32> = (0..16).flat_map(|k| [k as f32, 0.0, 0.0]).collect();
        let input: Vec<f32> = [2.5f32, 4.5, 10.5, 12.5].iter().flat_map(|&r| [r, 0.0, 0.0]).collect();
        let e = TagExample { pixels, size: (4, 4), input, ..TagExample::default() };
        let (rgb, size) = as_drawn(&e, 2);
        assert_eq!(size, (2, 5));
        let red: Vec<f32> = rgb.chunks_exact(3).map(|p| p[0]).collect();
        assert_eq!(red, vec![2.5, 4.5, 1.0, 2.5, 4.5, 10.5, 12.5, 1.0, 10.5, 12.5]);
    }
}

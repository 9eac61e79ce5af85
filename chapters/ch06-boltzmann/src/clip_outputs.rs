//! The clip-art experiment's tables and figures.

use kit::plot::{Picture, colour_pictures};
use kit::{Output, Table};

use crate::clipart::{ClipArtReport, ClipSeed, LAYERS};

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
    let mut layers = Table::new(&["layer", "width", "test accuracy: mean (lowest to highest seed)"]);
    for &name in &LAYERS {
        let width =
            c.seeds.first().and_then(|s| s.layers.iter().find(|l| l.layer == name)).map_or(0, |l| l.width);
        layers.row(&[name.to_string(), width.to_string(), spread(&c.accuracies(name))]);
    }
    let mut tagging = Table::new(&["suggesting words by", "precision@5: mean (lowest to highest seed)"]);
    tagging.row(&["the model, from the picture alone".into(), over(c, |s| s.tagging.model)]);
    tagging.row(&["the five commonest title words".into(), over(c, |s| s.tagging.frequency)]);
    tagging.row(&[
        format!("the titles of the {} nearest training pictures", c.neighbours),
        over(c, |s| s.tagging.neighbours),
    ]);
    let mut retrieval = Table::new(&["retrieval", "mean average precision: mean (lowest to highest seed)"]);
    retrieval.row(&[
        "pictures fetch titles, through the joint layer".into(),
        over(c, |s| s.retrieval.image_to_text),
    ]);
    retrieval.row(&[
        "titles fetch pictures, through the joint layer".into(),
        over(c, |s| s.retrieval.text_to_image),
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
         model), the title vocabulary holds {} words (those in at least two training titles). The pictures are averaged \
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

/// The tagging examples.
pub fn figures(c: &ClipArtReport, out: &Output) -> anyhow::Result<()> {
    let Some(first) = c.seeds.first() else { return Ok(()) };
    let clip = |s: &str, n: usize| -> String {
        if s.chars().count() <= n {
            s.to_string()
        } else {
            format!("{}…", s.chars().take(n - 1).collect::<String>())
        }
    };
    let pictures: Vec<Picture> = first
        .examples
        .iter()
        // Every other class: eight pictures, two rows.
        .step_by(2)
        .map(|e| Picture {
            rgb: &e.pixels,
            size: e.size,
            lines: vec![
                clip(&e.title, 24),
                clip(&format!("model: {}", e.model.join(" ")), 24),
                clip(&format!("near: {}", e.neighbours.join(" ")), 24),
            ],
        })
        .collect();
    colour_pictures(
        &out.figure("clip_tagging.svg"),
        &format!("A test picture of every other class, its title, and suggested words (seed {})", first.seed),
        &pictures,
        4,
        170,
    )
}

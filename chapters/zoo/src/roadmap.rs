//! The introduction's roadmap: the chapters as boxes, in the lecture's order, with an
//! arrow wherever a chapter builds on another's model or data. Drawn from [`ROADMAP`]
//! and [`crate::TOPICS`] as plain SVG (boxes, lines and text), so a change of either
//! redraws it.

use std::fmt::Write as _;

/// Where each chapter sits: (crate name, row, column, short title, data), columns
/// counted in box widths from the left (halves allowed).
pub const ROADMAP: [(&str, usize, f64, &str, &str); 11] = [
    ("ch01-autodiff", 0, 2.0, "Autodiff", "the engine"),
    ("ch02-graph-embeddings", 1, 0.0, "Graph embeddings", "two real graphs"),
    ("ch03-joint-coordinated", 1, 1.0, "Joint, coordinated", "AV digits"),
    ("ch04-shallow-fusion", 1, 2.0, "Shallow fusion", "AV digits"),
    ("ch05-autoencoders", 1, 3.0, "Autoencoders", "AV digits"),
    ("ch06-boltzmann", 1, 4.0, "Boltzmann models", "digits, clip art"),
    ("ch07-supervised-fusion", 2, 1.0, "Supervised fusion", "toy MOSI"),
    ("ch08-bilinear-pooling", 2, 2.0, "Tensor fusion", "toy MOSI"),
    ("ch09-low-rank-fusion", 2, 3.0, "Low-rank fusion", "toy MOSI"),
    ("ch11-multimodal-lstm", 3, 2.0, "Multimodal LSTMs", "toy MOSI words"),
    ("ch10-captioning", 3, 3.5, "Captioning", "shape scenes"),
];

/// (from, to, dashed): an arrow from the chapter a reader needs first. Dashed: the
/// later chapter opens up what the earlier one used as a black box.
pub const EDGES: [(&str, &str, bool); 8] = [
    ("ch03-joint-coordinated", "ch04-shallow-fusion", false),
    ("ch04-shallow-fusion", "ch05-autoencoders", false),
    ("ch05-autoencoders", "ch06-boltzmann", false),
    ("ch04-shallow-fusion", "ch07-supervised-fusion", false),
    ("ch07-supervised-fusion", "ch08-bilinear-pooling", false),
    ("ch08-bilinear-pooling", "ch09-low-rank-fusion", false),
    ("ch08-bilinear-pooling", "ch11-multimodal-lstm", false),
    ("ch11-multimodal-lstm", "ch10-captioning", true),
];

const WIDTH: f64 = 740.0;
const BOX_W: f64 = 134.0;
const BOX_H: f64 = 46.0;
const GAP_X: f64 = 9.0;
const ROW_H: f64 = 84.0;
const TOP: f64 = 14.0;
/// Generated data drawn in one colour, real data in another.
const REAL: &str = "#dbe9f6";
const GENERATED: &str = "#fde5cc";
const ENGINE: &str = "#e8e8e8";

fn place(name: &str) -> (f64, f64) {
    let (_, row, col, _, _) =
        ROADMAP.iter().find(|r| r.0 == name).expect("every edge names a placed chapter");
    let left = (WIDTH - (5.0 * BOX_W + 4.0 * GAP_X)) / 2.0;
    (left + col * (BOX_W + GAP_X), TOP + *row as f64 * ROW_H)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The roadmap as an SVG document.
pub fn svg() -> String {
    let rows = ROADMAP.iter().map(|r| r.1).max().unwrap_or(0) + 1;
    let height = TOP + rows as f64 * ROW_H - (ROW_H - BOX_H) + 40.0;
    let mut out = format!(
        "<svg width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" \
         xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\">\n\
         <defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" \
         markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/>\
         </marker></defs>\n<rect width=\"{WIDTH}\" height=\"{height}\" fill=\"#ffffff\"/>\n"
    );
    for (from, to, dashed) in EDGES {
        let (fx, fy) = place(from);
        let (tx, ty) = place(to);
        // Leave from the side facing the target: the bottom when it is lower, else a side.
        let (x1, y1, x2, y2) = if ty > fy {
            (fx + BOX_W / 2.0, fy + BOX_H, tx + BOX_W / 2.0, ty)
        } else if tx > fx {
            (fx + BOX_W, fy + BOX_H / 2.0, tx, ty + BOX_H / 2.0)
        } else {
            (fx, fy + BOX_H / 2.0, tx + BOX_W, ty + BOX_H / 2.0)
        };
        let dash = if dashed { " stroke-dasharray=\"5 4\"" } else { "" };
        let _ = writeln!(
            out,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"#555\" \
             stroke-width=\"1.4\"{dash} marker-end=\"url(#head)\"/>"
        );
    }
    // The engine feeds every chapter: one bracket under it, not ten arrows.
    let (ex, ey) = place("ch01-autodiff");
    let _ = writeln!(
        out,
        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#999\" stroke-width=\"1\"/>",
        place("ch02-graph-embeddings").0 + BOX_W / 2.0,
        ey + BOX_H + 12.0,
        place("ch06-boltzmann").0 + BOX_W / 2.0,
        ey + BOX_H + 12.0
    );
    for (name, row, ..) in ROADMAP.iter().filter(|r| r.1 == 1) {
        let (x, y) = place(name);
        debug_assert_eq!(*row, 1);
        let _ = writeln!(
            out,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#999\" stroke-width=\"1\"/>",
            x + BOX_W / 2.0,
            ey + BOX_H + 12.0,
            x + BOX_W / 2.0,
        );
    }
    let _ = writeln!(
        out,
        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#999\" stroke-width=\"1\"/>",
        ex + BOX_W / 2.0,
        ey + BOX_H,
        ex + BOX_W / 2.0,
        ey + BOX_H + 12.0
    );
    for (name, _, _, title, data) in ROADMAP {
        let (x, y) = place(name);
        let number: usize = name[2..4].parse().expect("chapter crates are named chNN-...");
        let fill = match data {
            _ if number == 1 => ENGINE,
            d if d.contains("toy MOSI") || d.contains("shape scenes") => GENERATED,
            _ => REAL,
        };
        let _ = writeln!(
            out,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"5\" fill=\"{fill}\" \
             stroke=\"#444\" stroke-width=\"1\"/>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"bold\">{number} {}</text>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#333\">{}</text>",
            x + BOX_W / 2.0,
            y + 19.0,
            escape(title),
            x + BOX_W / 2.0,
            y + 36.0,
            escape(data)
        );
    }
    // The legend.
    let ly = height - 22.0;
    for (i, (fill, words)) in [
        (REAL, "real data (data/)"),
        (GENERATED, "generated data (a SPEC)"),
        ("none", "- - ▸ opens up what the other uses"),
    ]
    .iter()
    .enumerate()
    {
        let lx = 60.0 + i as f64 * 220.0;
        if *fill != "none" {
            let _ = writeln!(
                out,
                "<rect x=\"{lx}\" y=\"{:.1}\" width=\"18\" height=\"12\" fill=\"{fill}\" stroke=\"#444\"/>",
                ly - 10.0
            );
        }
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{ly:.1}\" font-size=\"12\">{}</text>",
            lx + if *fill == "none" { 0.0 } else { 24.0 },
            escape(words)
        );
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chapter_is_placed_once_and_every_edge_joins_placed_chapters() {
        for (name, _, _) in crate::TOPICS {
            assert_eq!(ROADMAP.iter().filter(|r| r.0 == name).count(), 1, "{name}");
        }
        for (from, to, _) in EDGES {
            place(from);
            place(to);
        }
        let drawn = svg();
        assert_eq!(drawn.matches("<rect x=").count(), 11 + 2, "eleven chapters and two legend swatches");
        assert_eq!(drawn.matches("marker-end").count(), EDGES.len());
    }

    #[test]
    fn boxes_stay_inside_the_figure_and_do_not_overlap() {
        let boxes: Vec<(f64, f64)> = ROADMAP.iter().map(|r| place(r.0)).collect();
        for (i, &(x, y)) in boxes.iter().enumerate() {
            assert!(x >= 0.0 && x + BOX_W <= WIDTH && y >= 0.0, "{} at {x}, {y}", ROADMAP[i].0);
            for &(x2, y2) in &boxes[..i] {
                assert!((x - x2).abs() >= BOX_W || (y - y2).abs() >= BOX_H, "{} overlaps", ROADMAP[i].0);
            }
        }
    }
}

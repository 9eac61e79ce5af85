//! The chapter's two pictures of the tensor, as SVG written by hand (the book's font,
//! every text at least 12 px): the two-modality tensor as a matrix of values with its
//! blocks split off and named (Figure 8.2), and the three-modality tensor as nine 9 x 9
//! slices, one per audio entry, with a key naming each slice's blocks (Figure 8.3).
//! Blue is positive, red negative, the shade grows with the magnitude (square root),
//! and a colour bar gives the scale.

use std::fmt::Write as _;

use crate::terms::entry_blocks;

const TITLE: f64 = 17.5;
const TEXT: f64 = 13.0;
/// The smallest text, subscripts included.
const SMALL: f64 = 12.0;
const WIDTH: f64 = 740.0;

/// The fill of a value: blue for positive, red for negative, white at zero, darkest
/// at `max` (the shading of `kit::plot::heatmap`).
fn fill(v: f64, max: f64) -> (u8, u8, u8) {
    let shade = 1.0 - (v.abs() / max.max(1e-12)).min(1.0).sqrt() * 0.85;
    let light = (255.0 * shade) as u8;
    if v < 0.0 { (255, light, light) } else { (light, light, 255) }
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// WCAG relative luminance of a colour.
fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// Black or white, whichever contrasts more with `background`.
fn ink(background: (u8, u8, u8)) -> &'static str {
    let l = luminance(background);
    if (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) { "#000000" } else { "#FFFFFF" }
}

/// "h" with a subscript, in the markup of [`rich`].
fn h(sub: &str) -> String {
    format!("h_{{{sub}}}")
}

/// SVG text content from a small markup: `_{..}` a subscript, `^{..}` a superscript
/// ("h_{T}", "h_{V}^{⊤}"). Each shift is undone by the next segment's `dy`, so the text
/// after a subscript returns to the baseline.
fn rich(s: &str) -> String {
    let escape = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let mut out = String::new();
    let (mut offset, mut rest) = (0.0f64, s);
    while !rest.is_empty() {
        let next = rest.find("_{").into_iter().chain(rest.find("^{")).min();
        let (plain, shift, body, after) = match next {
            Some(0) => {
                let close = rest.find('}').unwrap_or(rest.len());
                let shift = if rest.starts_with('_') { 4.0 } else { -6.0 };
                (false, shift, &rest[2..close], &rest[(close + 1).min(rest.len())..])
            }
            Some(k) => (true, 0.0, &rest[..k], &rest[k..]),
            None => (true, 0.0, rest, ""),
        };
        let size = if plain { String::new() } else { format!(" font-size=\"{SMALL}\"") };
        if (shift - offset).abs() > 1e-9 || !plain {
            let _ = write!(out, "<tspan dy=\"{}\"{size}>{}</tspan>", shift - offset, escape(body));
        } else {
            out.push_str(&escape(body));
        }
        offset = shift;
        rest = after;
    }
    out
}

/// Text at (x, y) in the markup of [`rich`], with extra attributes `more`.
fn text_with(svg: &mut String, (x, y): (f64, f64), size: f64, anchor: &str, more: &str, body: &str) {
    let _ = writeln!(
        svg,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" text-anchor=\"{anchor}\"{more}>{}</text>",
        rich(body)
    );
}

/// Text at (x, y) in the markup of [`rich`].
fn text(svg: &mut String, at: (f64, f64), size: f64, anchor: &str, body: &str) {
    text_with(svg, at, size, anchor, "", body);
}

fn line(svg: &mut String, (x1, y1): (f64, f64), (x2, y2): (f64, f64), style: &str) {
    let _ = writeln!(svg, "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" {style}/>");
}

fn rect(svg: &mut String, (x, y): (f64, f64), (w, h): (f64, f64), style: &str) {
    let _ = writeln!(svg, "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" {style}/>");
}

fn document(height: f64, body: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {WIDTH:.0} {height:.0}\" font-family=\"DejaVu Sans, sans-serif\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{body}</svg>\n"
    )
}

/// A value with two decimals and a true minus sign.
fn number(v: f64) -> String {
    let t = format!("{v:.2}");
    if t == "-0.00" { "0.00".to_string() } else { t.replace('-', "\u{2212}") }
}

/// A horizontal colour bar `width` wide at (x, y), its scale's ends at ±`max`.
fn colour_bar(svg: &mut String, (x, y): (f64, f64), width: f64, max: f64) {
    let steps = 41;
    let w = width / f64::from(steps);
    for k in 0..steps {
        // Position -1 .. 1 along the bar; the shade is linear in position, the value
        // its square (as the cells are shaded).
        let p = -1.0 + 2.0 * (f64::from(k) + 0.5) / f64::from(steps);
        let v = p.signum() * p * p * max;
        rect(svg, (x + f64::from(k) * w, y), (w + 0.5, 14.0), &format!("fill=\"{}\"", hex(fill(v, max))));
    }
    rect(svg, (x, y), (width, 14.0), "fill=\"none\" stroke=\"#888888\"");
    for p in [-1.0, -0.5, 0.0, 0.5, 1.0f64] {
        let at = x + (p + 1.0) / 2.0 * width;
        line(svg, (at, y + 14.0), (at, y + 19.0), "stroke=\"#444444\"");
        text(svg, (at, y + 33.0), SMALL, "middle", &number(p.signum() * p * p * max));
    }
    text(svg, (x + width / 2.0, y - 6.0), TEXT, "middle", "red negative, blue positive");
}

/// A block key: a square of `size` px whose last `strip` px on the right and at the
/// bottom are the appended 1s' column and row; the four regions named.
fn block_key(svg: &mut String, (x, y): (f64, f64), size: f64, names: [&str; 4]) {
    let strip = 16.0;
    let inner = size - strip;
    let greys = ["#C8C8C8", "#E0E0E0", "#E0E0E0", "#F6F6F6"];
    let regions = [
        ((x, y), (inner, inner)),
        ((x + inner, y), (strip, inner)),
        ((x, y + inner), (inner, strip)),
        ((x + inner, y + inner), (strip, strip)),
    ];
    for (((at, wh), grey), _) in regions.iter().zip(greys).zip(names) {
        rect(svg, *at, *wh, &format!("fill=\"{grey}\" stroke=\"#222222\" stroke-width=\"1.5\""));
    }
    text(svg, (x + inner / 2.0, y + inner / 2.0 + 5.0), TEXT, "middle", names[0]);
    text(svg, (x + size + 6.0, y + inner / 2.0 + 5.0), TEXT, "start", names[1]);
    text(svg, (x + inner / 2.0, y + size + 16.0), TEXT, "middle", names[2]);
    text(svg, (x + size + 6.0, y + size - 2.0), TEXT, "start", names[3]);
}

/// Figure 8.2: the 9 x 9 tensor [h_T; 1] ⊗ [h_V; 1] of one utterance, values in the
/// cells, the appended 1s' row and column split off by thick lines, the entries of
/// h_T and h_V that follow the polarity and the eye-roll framed by dashes.
pub fn blocks_svg(matrix: &[Vec<f64>], (label, prediction): (f64, f64), tracks: &crate::Tracks) -> String {
    let n = matrix.len();
    let d = n.saturating_sub(1) as f64;
    let cell = 42.0;
    let (x0, y0) = (66.0, 112.0);
    let max = matrix.iter().flatten().fold(1e-12f64, |m, v| m.max(v.abs()));
    let mut s = String::new();
    text(
        &mut s,
        (10.0, 24.0),
        TITLE,
        "start",
        &format!("[{}; 1] \u{2297} [{}; 1] for one sarcastic test utterance", h("T"), h("V")),
    );
    text(
        &mut s,
        (10.0, 48.0),
        TEXT,
        "start",
        &format!("its label {}; the text-and-video TFN predicts {}", number(label), number(prediction)),
    );
    text(&mut s, (x0, 76.0), TEXT, "start", "video \u{2192}");
    text(&mut s, (8.0, y0 - 10.0), TEXT, "start", "text \u{2193}");
    for j in 0..n {
        let x = x0 + (j as f64 + 0.5) * cell;
        let name = if j + 1 == n { "1".to_string() } else { h(&format!("V{}", j + 1)) };
        let weight = if j == tracks.video.0 { " font-weight=\"bold\"" } else { "" };
        text_with(&mut s, (x, y0 - 12.0), TEXT, "middle", weight, &name);
    }
    for (i, row) in matrix.iter().enumerate() {
        let y = y0 + i as f64 * cell;
        let name = if i + 1 == n { "1".to_string() } else { h(&format!("T{}", i + 1)) };
        let weight = if i == tracks.text.0 { " font-weight=\"bold\"" } else { "" };
        let lift = if i + 1 == n { 5.0 } else { 2.0 };
        text_with(&mut s, (x0 - 8.0, y + cell / 2.0 + lift), TEXT, "end", weight, &name);
        for (j, &v) in row.iter().enumerate() {
            let x = x0 + j as f64 * cell;
            let c = fill(v, max);
            rect(&mut s, (x, y), (cell, cell), &format!("fill=\"{}\" stroke=\"#D0D0D0\"", hex(c)));
            // A hyphen, narrower than a minus sign, keeps neighbouring cells' numbers apart.
            let body = if v == 1.0 && i + 1 == n && j + 1 == n {
                "1".to_string()
            } else {
                number(v).replace('\u{2212}', "-")
            };
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12.5\" text-anchor=\"middle\" fill=\"{}\">{body}</text>",
                x + cell / 2.0,
                y + cell / 2.0 + 4.5,
                ink(c)
            );
        }
    }
    let side = n as f64 * cell;
    // The followed row and column, dashed.
    let dash = "fill=\"none\" stroke=\"#000000\" stroke-width=\"2\" stroke-dasharray=\"5 3\"";
    rect(&mut s, (x0, y0 + tracks.text.0 as f64 * cell), (side, cell), dash);
    rect(&mut s, (x0 + tracks.video.0 as f64 * cell, y0), (cell, side), dash);
    // The appended 1s' row and column, split off.
    let thick = "stroke=\"#000000\" stroke-width=\"3\"";
    line(&mut s, (x0 + d * cell, y0), (x0 + d * cell, y0 + side), thick);
    line(&mut s, (x0, y0 + d * cell), (x0 + side, y0 + d * cell), thick);
    rect(&mut s, (x0, y0), (side, side), "fill=\"none\" stroke=\"#000000\" stroke-width=\"1.5\"");
    // The key, right of the matrix.
    let kx = x0 + side + 28.0;
    text(&mut s, (kx, y0 - 10.0), TEXT, "start", "the blocks");
    block_key(
        &mut s,
        (kx, y0),
        110.0,
        [&format!("{} {}^{{\u{22A4}}}", h("T"), h("V")), &h("T"), &format!("{}^{{\u{22A4}}}", h("V")), "1"],
    );
    let mut y = y0 + 156.0;
    for l in [
        format!("Every row of {} {}^{{\u{22A4}}} is {}^{{\u{22A4}}}", h("T"), h("V"), h("V")),
        format!("times one entry of {}: rank one.", h("T")),
    ] {
        text(&mut s, (kx, y), TEXT, "start", &l);
        y += 20.0;
    }
    y += 12.0;
    for l in [
        "Dashed: over the test split,".to_string(),
        format!("{} follows the polarity P", h(&format!("T{}", tracks.text.0 + 1))),
        format!("(correlation {}), {} the", number(tracks.text.1), h(&format!("V{}", tracks.video.0 + 1))),
        format!("eye-roll (correlation {}).", number(tracks.video.1)),
    ] {
        text(&mut s, (kx, y), TEXT, "start", &l);
        y += 20.0;
    }
    colour_bar(&mut s, (kx + 4.0, y + 26.0), 220.0, max);
    document(y0 + side + 24.0, &s)
}

/// Figure 8.3: the 9 x 9 x 9 tensor [h_T; 1] ⊗ [h_A; 1] ⊗ [h_V; 1] (text index
/// slowest) as nine slices, one per audio entry: text down, video across.
pub fn slices_svg(tensor: &[f64], side: usize) -> String {
    let d = side - 1;
    let cell = 15.0;
    let gap = 3.0; // between a slice's projection entries and its appended 1s
    let slice = side as f64 * cell + gap;
    let (x0, y0, across, down) = (16.0, 82.0, 24.0, 36.0);
    let max = tensor.iter().fold(1e-12f64, |m, v| m.max(v.abs()));
    let mut s = String::new();
    text(
        &mut s,
        (10.0, 24.0),
        TITLE,
        "start",
        &format!(
            "[{}; 1] \u{2297} [{}; 1] \u{2297} [{}; 1], sliced by the audio entry",
            h("T"),
            h("A"),
            h("V")
        ),
    );
    text(
        &mut s,
        (10.0, 48.0),
        TEXT,
        "start",
        "the same utterance, from a T+A+V TFN; in each slice text down, video across",
    );
    let at = |i: usize| if i < d { i as f64 * cell } else { d as f64 * cell + gap };
    for a in 0..side {
        let (sx, sy) = (x0 + (a % 3) as f64 * (slice + across), y0 + (a / 3) as f64 * (slice + down));
        let name = if a < d {
            format!("audio entry {}", h(&format!("A{}", a + 1)))
        } else {
            "the audio's 1".to_string()
        };
        text(&mut s, (sx, sy - 8.0), TEXT, "start", &name);
        for t in 0..side {
            for v in 0..side {
                let value = tensor[t * side * side + a * side + v];
                rect(
                    &mut s,
                    (sx + at(v), sy + at(t)),
                    (cell, cell),
                    &format!("fill=\"{}\"", hex(fill(value, max))),
                );
            }
        }
        // Frame the projection entries and the appended 1s' row and column apart.
        let frame = "fill=\"none\" stroke=\"#444444\" stroke-width=\"1\"";
        let inner = d as f64 * cell;
        rect(&mut s, (sx, sy), (inner, inner), frame);
        rect(&mut s, (sx + inner + gap, sy), (cell, inner), frame);
        rect(&mut s, (sx, sy + inner + gap), (inner, cell), frame);
        rect(&mut s, (sx + inner + gap, sy + inner + gap), (cell, cell), frame);
    }
    // The key: which block each region of a slice is, and how many entries each order has.
    let kx = x0 + 3.0 * slice + 2.0 * across + 26.0;
    let mut y = y0 - 8.0;
    text(&mut s, (kx, y), TEXT, "start", "slices 1 to 8:");
    block_key(&mut s, (kx, y + 12.0), 96.0, ["T\u{00D7}A\u{00D7}V", "T\u{00D7}A", "A\u{00D7}V", "A"]);
    y += 150.0;
    text(&mut s, (kx, y), TEXT, "start", "the audio's 1:");
    block_key(&mut s, (kx, y + 12.0), 96.0, ["T\u{00D7}V", "T", "V", "1"]);
    y += 158.0;
    let blocks = entry_blocks(&[d; 3]);
    text(&mut s, (kx, y), TEXT, "start", "entries of each order:");
    for (order, name) in [(3, "trimodal"), (2, "bimodal"), (1, "unimodal"), (0, "constant")] {
        y += 19.0;
        let count = blocks.iter().filter(|b| b.len() == order).count();
        text(&mut s, (kx + 8.0, y), TEXT, "start", &format!("{name}: {count}"));
    }
    let bottom = y0 + 3.0 * slice + 2.0 * down;
    colour_bar(&mut s, (x0 + 60.0, bottom + 30.0), 300.0, max);
    document(bottom + 76.0, &s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_on_a_cell_is_the_more_legible_ink() {
        assert_eq!(ink(fill(-0.3, 1.6)), "#000000");
        assert_eq!(ink(fill(1.6, 1.6)), "#FFFFFF");
        assert_eq!(ink((255, 255, 255)), "#000000");
    }

    #[test]
    fn the_slices_draw_every_entry_once() {
        let tensor: Vec<f64> = (0..729).map(|i| f64::from(i) / 729.0 - 0.5).collect();
        let svg = slices_svg(&tensor, 9);
        let cells = svg
            .lines()
            .filter(|l| l.starts_with("<rect x=") && l.ends_with("\"/>") && !l.contains("stroke"))
            .count();
        // 729 cells and the colour bar's 41 steps.
        assert_eq!(cells, 729 + 41);
        assert!(svg.contains("trimodal: 512") && svg.contains("constant: 1"));
    }
}

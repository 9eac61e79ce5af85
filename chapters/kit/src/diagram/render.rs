//! Laying a [`Diagram`] out in pixels and writing its SVG by hand: boxes sized to their
//! text (measured with the figures' font), links clipped to the boxes' outlines.

use std::collections::HashMap;
use std::fmt::Write as _;

use plotters::prelude::*;

use super::{Diagram, Link, Look, Node, check_width, escape, hex};

/// Font sizes in SVG pixels: the same as the plots' text on the page.
const TITLE_PX: f64 = 18.0;
const TEXT_PX: f64 = 14.0;
const SMALL_PX: f64 = 13.0;
const LINE_H: f64 = 18.0;
const MARGIN: f64 = 10.0;
const INK: &str = "#222222";
const LINK: &str = "#444444";
const MUTED: &str = "#8c8c8c";

/// The width in pixels of `text` at `px`, measured with the embedded font the plots use.
pub(super) fn text_width(text: &str, px: f64) -> f64 {
    crate::plot::ensure_font();
    let mut scratch = String::new();
    let area = SVGBackend::with_string(&mut scratch, (10, 10)).into_drawing_area();
    // plotters writes 1/1.24 of the size it is given (see plot.rs), so ask for px * 1.24.
    let font = ("sans-serif", px * 1.24).into_text_style(&area);
    area.estimate_text_size(text, &font).map_or(text.chars().count() as f64 * px * 0.6, |(w, _)| f64::from(w))
}

/// A box's place in pixels: centre and half sizes (a circle has equal halves).
#[derive(Debug, Clone, Copy)]
struct Placed {
    centre: (f64, f64),
    half: (f64, f64),
    round: bool,
}

impl Placed {
    /// Where the ray from the centre towards `to` leaves the outline, plus `gap` pixels.
    fn exit(&self, to: (f64, f64), gap: f64) -> (f64, f64) {
        let (dx, dy) = (to.0 - self.centre.0, to.1 - self.centre.1);
        let len = (dx * dx + dy * dy).sqrt().max(1e-9);
        let t = if self.round {
            self.half.0 + gap
        } else {
            let tx = if dx.abs() > 1e-9 { self.half.0 / dx.abs() } else { f64::INFINITY };
            let ty = if dy.abs() > 1e-9 { self.half.1 / dy.abs() } else { f64::INFINITY };
            tx.min(ty) * len + gap
        };
        (self.centre.0 + dx / len * t, self.centre.1 + dy / len * t)
    }
}

fn box_size(n: &Node) -> (f64, f64) {
    if let Some(size) = n.size {
        return size;
    }
    let widest = n.lines.iter().map(|l| text_width(l, TEXT_PX)).fold(0.0, f64::max);
    if n.look == Look::Op {
        let d = (widest + 12.0).max(28.0);
        return (d, d);
    }
    ((widest + 20.0).max(48.0), n.lines.len() as f64 * LINE_H + 12.0)
}

pub(super) fn svg(d: &Diagram) -> anyhow::Result<String> {
    // Place every box on the grid, then shift everything so the drawing starts at the margin.
    let mut placed: HashMap<&str, Placed> = HashMap::new();
    for n in &d.nodes {
        let (w, h) = box_size(n);
        let centre = (n.at.0 * d.column, n.at.1 * d.row);
        placed.insert(n.id.as_str(), Placed { centre, half: (w / 2.0, h / 2.0), round: n.look == Look::Op });
    }
    let frames: Vec<(f64, f64, f64, f64, &str)> = d
        .groups
        .iter()
        .map(|g| {
            let boxes = g.members.iter().map(|m| placed[m.as_str()]);
            let (mut x0, mut y0, mut x1, mut y1) =
                (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
            for p in boxes {
                x0 = x0.min(p.centre.0 - p.half.0);
                x1 = x1.max(p.centre.0 + p.half.0);
                y0 = y0.min(p.centre.1 - p.half.1);
                y1 = y1.max(p.centre.1 + p.half.1);
            }
            let label_w = text_width(&g.label, SMALL_PX) + 16.0;
            (x0 - 12.0, y0 - 28.0, (x1 + 12.0).max(x0 - 12.0 + label_w), y1 + 12.0, g.label.as_str())
        })
        .collect();
    let note_boxes: Vec<(f64, f64, f64)> =
        d.notes.iter().map(|((c, r), t)| (c * d.column, r * d.row, text_width(t, TEXT_PX) / 2.0)).collect();
    let label_boxes: Vec<(f64, f64, f64)> = d
        .edges
        .iter()
        .filter_map(|e| {
            let label = e.label.as_ref()?;
            let mid = middle(&path(e, &placed, d));
            Some((mid.0, mid.1, text_width(label, SMALL_PX) / 2.0 + 4.0))
        })
        .collect();
    let bends: Vec<(f64, f64)> =
        d.edges.iter().flat_map(|e| e.via.iter().map(|v| (v.0 * d.column, v.1 * d.row))).collect();
    let xs = placed
        .values()
        .flat_map(|p| [p.centre.0 - p.half.0, p.centre.0 + p.half.0])
        .chain(frames.iter().flat_map(|f| [f.0, f.2]))
        .chain(note_boxes.iter().chain(&label_boxes).flat_map(|n| [n.0 - n.2, n.0 + n.2]))
        .chain(bends.iter().flat_map(|b| [b.0 - 2.0, b.0 + 2.0]));
    let ys = placed
        .values()
        .flat_map(|p| [p.centre.1 - p.half.1, p.centre.1 + p.half.1])
        .chain(frames.iter().flat_map(|f| [f.1, f.3]))
        .chain(note_boxes.iter().flat_map(|n| [n.1 - 10.0, n.1 + 10.0]))
        .chain(bends.iter().flat_map(|b| [b.1 - 2.0, b.1 + 2.0]));
    let (x_min, x_max) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let (y_min, y_max) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let (x_min, x_max) = if x_min.is_finite() { (x_min, x_max) } else { (0.0, 0.0) };
    let (y_min, y_max) = if y_min.is_finite() { (y_min, y_max) } else { (0.0, 0.0) };
    let title_w = text_width(&d.title, TITLE_PX);
    let width = (x_max - x_min + 2.0 * MARGIN).max(title_w + 2.0 * MARGIN).ceil();
    check_width(&d.title, width)?;
    let top = if d.title.is_empty() { MARGIN } else { MARGIN + TITLE_PX + 16.0 };
    let height = (y_max - y_min + top + MARGIN).ceil();
    // Centre the drawing when the title is wider than it.
    let shift = (MARGIN - x_min + (width - (x_max - x_min) - 2.0 * MARGIN) / 2.0, top - y_min);
    let at = |p: (f64, f64)| (p.0 + shift.0, p.1 + shift.1);

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">"#
    );
    let _ = writeln!(
        s,
        r#"<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{LINK}"/></marker></defs>"#
    );
    let _ = writeln!(s, r#"<rect width="{width}" height="{height}" fill="white"/>"#);
    if !d.title.is_empty() {
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="{TITLE_PX}" text-anchor="middle" fill="{INK}">{}</text>"#,
            width / 2.0,
            MARGIN + TITLE_PX,
            escape(&d.title)
        );
    }
    for &(x0, y0, x1, y1, label) in &frames {
        let (a, b) = (at((x0, y0)), at((x1, y1)));
        let _ = writeln!(
            s,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="8" fill="none" stroke="{MUTED}" stroke-width="1.2" stroke-dasharray="5 4"/>"#,
            a.0,
            a.1,
            b.0 - a.0,
            b.1 - a.1
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="{SMALL_PX}" fill="{MUTED}">{}</text>"#,
            a.0 + 8.0,
            a.1 + SMALL_PX + 3.0,
            escape(label)
        );
    }
    for e in &d.edges {
        let points: Vec<(f64, f64)> = path(e, &placed, d).into_iter().map(at).collect();
        let list: Vec<String> = points.iter().map(|p| format!("{:.1},{:.1}", p.0, p.1)).collect();
        let style = match e.link {
            Link::Flow => r#"stroke-width="1.6" marker-end="url(#arrow)""#,
            Link::Loss => r#"stroke-width="1.6" stroke-dasharray="6 4""#,
            Link::Undirected => r#"stroke-width="1.8""#,
        };
        let _ = writeln!(s, r#"<polyline points="{}" fill="none" stroke="{LINK}" {style}/>"#, list.join(" "));
        if let Some(label) = &e.label {
            let mid = middle(&points);
            let half = text_width(label, SMALL_PX) / 2.0 + 4.0;
            let _ = writeln!(
                s,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="white"/>"#,
                mid.0 - half,
                mid.1 - SMALL_PX / 2.0 - 3.0,
                2.0 * half,
                SMALL_PX + 6.0
            );
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="{SMALL_PX}" text-anchor="middle" fill="{INK}">{}</text>"#,
                mid.0,
                mid.1 + SMALL_PX * 0.35,
                escape(label)
            );
        }
    }
    for n in &d.nodes {
        node(&mut s, n, placed[n.id.as_str()], &at);
    }
    for ((c, r), text) in &d.notes {
        let p = at((c * d.column, r * d.row));
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="{TEXT_PX}" text-anchor="middle" fill="{INK}">{}</text>"#,
            p.0,
            p.1 + TEXT_PX * 0.35,
            escape(text)
        );
    }
    s.push_str("</svg>\n");
    Ok(s)
}

/// A link's points in unshifted pixels: from the first box's outline, through its
/// bends, to the second box's outline.
fn path(e: &super::Edge, placed: &HashMap<&str, Placed>, d: &Diagram) -> Vec<(f64, f64)> {
    let (a, b) = (placed[e.from.as_str()], placed[e.to.as_str()]);
    let via: Vec<(f64, f64)> = e.via.iter().map(|v| (v.0 * d.column, v.1 * d.row)).collect();
    let first = via.first().copied().unwrap_or(b.centre);
    let last = via.last().copied().unwrap_or(a.centre);
    let end_gap = if e.link == Link::Flow { 1.0 } else { 0.0 };
    let mut points = vec![a.exit(first, 0.0)];
    points.extend(via);
    points.push(b.exit(last, end_gap));
    points
}

/// The middle of a polyline's middle segment.
fn middle(points: &[(f64, f64)]) -> (f64, f64) {
    let i = (points.len() - 1) / 2;
    let (p, q) = (points[i], points[(i + 1).min(points.len() - 1)]);
    ((p.0 + q.0) / 2.0, (p.1 + q.1) / 2.0)
}

fn node(s: &mut String, n: &Node, p: Placed, at: &impl Fn((f64, f64)) -> (f64, f64)) {
    let c = at(p.centre);
    let colour = n.kind.colour();
    let (fill, stroke, width, dash, ink) = match n.look {
        Look::Box => (hex(colour, 0.15), hex(colour, 1.0), 1.5, "", INK.to_string()),
        Look::Zeroed => {
            ("#ffffff".into(), MUTED.to_string(), 1.5, r#" stroke-dasharray="4 3""#, MUTED.to_string())
        }
        Look::Clamped => (hex(colour, 0.45), hex(colour, 1.0), 3.0, "", INK.to_string()),
        Look::Op => ("#ffffff".into(), LINK.to_string(), 1.5, "", INK.to_string()),
    };
    if n.look == Look::Op {
        let _ = writeln!(
            s,
            r#"<circle cx="{:.1}" cy="{:.1}" r="{:.1}" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>"#,
            c.0, c.1, p.half.0
        );
    } else {
        let _ = writeln!(
            s,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="{width}"{dash}/>"#,
            c.0 - p.half.0,
            c.1 - p.half.1,
            2.0 * p.half.0,
            2.0 * p.half.1
        );
    }
    let first = c.1 - (n.lines.len() as f64 - 1.0) * LINE_H / 2.0;
    for (i, line) in n.lines.iter().enumerate() {
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="{TEXT_PX}" text-anchor="middle" fill="{ink}">{}</text>"#,
            c.0,
            first + i as f64 * LINE_H + TEXT_PX * 0.35,
            escape(line)
        );
    }
}

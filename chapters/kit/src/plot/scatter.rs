//! Scatter plots: points coloured by class, a legend beside the plot, notable points
//! named without crowding, and an optional frame on the bulk of the points.

use anyhow::anyhow;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::lines::Reference;
use super::{
    AXIS, LEGEND_W, SMALL, TICKS, colour, legend, padded, reference_line, reference_swatch, svg, tick, titled,
};

/// A scatter plot of points coloured by class.
pub struct Scatter<'a> {
    /// The title above the plot.
    pub title: &'a str,
    /// The x axis's label, with units.
    pub x_label: &'a str,
    /// The y axis's label, with units.
    pub y_label: &'a str,
    /// The points.
    pub points: &'a [(f64, f64)],
    /// Each point's class: an index into `class_names` (and the palette).
    pub classes: &'a [usize],
    /// The legend's text for each class.
    pub class_names: &'a [String],
    /// Candidate names, most important first: (index into `points`, text). A name is
    /// drawn unless a more important named point lies within 8% of the frame of its
    /// point, or its text would overlap a name already drawn.
    pub labels: &'a [(usize, String)],
    /// Frame the bulk of the points (the median plus or minus four median absolute
    /// deviations along each axis) instead of all of them; points outside are drawn as
    /// triangles on the frame's edge.
    pub robust: bool,
    /// Two kinds of point (say image and audio codes): for each point, whether it is
    /// drawn as a ring instead of a disc, and the legend's names for discs and rings.
    pub kinds: Option<(&'a [bool], [&'a str; 2])>,
}

/// Opt-in extras of a scatter plot, for [`scatter_with`]; `ScatterOptions::default()`
/// draws what [`scatter`] draws.
#[derive(Debug, Clone, Default)]
pub struct ScatterOptions {
    /// One unit on the x axis as long as one unit on the y axis (for plots where
    /// distances mean something, such as embeddings): the shorter range is widened
    /// about its centre.
    pub equal_aspect: bool,
    /// Horizontal reference levels, drawn dotted grey under the points and named in
    /// the legend.
    pub references: Vec<Reference>,
    /// The frame, (x range, y range) in the data's units, instead of one fitted to the
    /// points: to put two scatter plots on one scale (compute it from both). Points
    /// outside are drawn clamped to the edge and counted, as with a robust frame.
    pub frame: Option<(std::ops::Range<f64>, std::ops::Range<f64>)>,
}

/// A label's extent in pixels: (left, top, right, bottom).
type PixelBox = (i32, i32, i32, i32);

/// The bulk of `values`: the median plus or minus four median absolute deviations,
/// never wider than the data (a cluster far from the rest falls outside it).
fn robust_range(values: impl Iterator<Item = f64>) -> std::ops::Range<f64> {
    let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    if v.len() < 5 {
        return padded(v.into_iter());
    }
    v.sort_by(f64::total_cmp);
    let median = v[v.len() / 2];
    let mut deviations: Vec<f64> = v.iter().map(|x| (x - median).abs()).collect();
    deviations.sort_by(f64::total_cmp);
    let mad = deviations[deviations.len() / 2];
    if mad <= 0.0 {
        return padded(v.into_iter());
    }
    let (lo, hi) = ((median - 4.0 * mad).max(v[0]), (median + 4.0 * mad).min(v[v.len() - 1]));
    padded([lo, hi].into_iter())
}

/// Points coloured by class, the legend beside the plot, notable points named.
/// Returns how many points fell outside the frame (drawn clamped to its edge).
pub fn scatter(path: &std::path::Path, s: &Scatter) -> anyhow::Result<usize> {
    scatter_with(path, s, &ScatterOptions::default())
}

/// The pixel size of the plotting area `scatter` draws into.
fn plot_pixels() -> anyhow::Result<(f64, f64)> {
    super::ensure_font();
    let mut scratch = String::new();
    let root = SVGBackend::with_string(&mut scratch, (740, 520)).into_drawing_area();
    let (plot, _) = root.split_horizontally(740 - LEGEND_W);
    let plot = titled(&plot, "x")?;
    let chart = ChartBuilder::on(&plot)
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)
        .map_err(|e| anyhow!("{e}"))?;
    let (w, h) = chart.plotting_area().dim_in_pixel();
    Ok((f64::from(w.max(1)), f64::from(h.max(1))))
}

/// [`scatter`] with opt-in extras: equal aspect, reference levels.
pub fn scatter_with(path: &std::path::Path, s: &Scatter, options: &ScatterOptions) -> anyhow::Result<usize> {
    let frame = |f: fn(&(f64, f64)) -> f64| {
        if s.robust { robust_range(s.points.iter().map(f)) } else { padded(s.points.iter().map(f)) }
    };
    let (mut xs, mut ys) = match &options.frame {
        Some((x, y)) => (x.clone(), y.clone()),
        None => (frame(|p| p.0), frame(|p| p.1)),
    };
    if !options.references.is_empty() && options.frame.is_none() {
        let levels = options.references.iter().map(|r| r.y).filter(|y| y.is_finite());
        let (lo, hi) = levels.fold((ys.start, ys.end), |(lo, hi), y| (lo.min(y), hi.max(y)));
        if lo < ys.start || hi > ys.end {
            ys = padded([lo, hi].into_iter());
        }
    }
    if options.equal_aspect {
        // Units per pixel: the larger of the two, applied to both axes.
        let (pw, ph) = plot_pixels()?;
        let unit = ((xs.end - xs.start) / pw).max((ys.end - ys.start) / ph);
        let (cx, cy) = ((xs.start + xs.end) / 2.0, (ys.start + ys.end) / 2.0);
        xs = cx - unit * pw / 2.0..cx + unit * pw / 2.0;
        ys = cy - unit * ph / 2.0..cy + unit * ph / 2.0;
    }
    let (xs, ys) = (xs, ys);
    let outside = |p: &(f64, f64)| !xs.contains(&p.0) || !ys.contains(&p.1);
    let clamp = |p: &(f64, f64)| {
        let (xm, ym) = ((xs.end - xs.start) * 0.01, (ys.end - ys.start) * 0.01);
        (p.0.clamp(xs.start + xm, xs.end - xm), p.1.clamp(ys.start + ym, ys.end - ym))
    };
    let clipped = s.points.iter().filter(|p| outside(p)).count();
    svg(path, (740, 520), |root| {
        let (plot, side) = root.split_horizontally(740 - LEGEND_W);
        let plot = titled(&plot, s.title)?;
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(60)
            .build_cartesian_2d(xs.clone(), ys.clone())
            .map_err(|e| anyhow!("{e}"))?;
        chart
            .configure_mesh()
            .x_desc(s.x_label)
            .y_desc(s.y_label)
            .axis_desc_style(("sans-serif", AXIS))
            .label_style(("sans-serif", TICKS))
            .x_label_formatter(&tick)
            .y_label_formatter(&tick)
            .light_line_style(WHITE)
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
        for r in options.references.iter().filter(|r| r.y.is_finite()) {
            reference_line(&mut chart, (xs.start, r.y), (xs.end, r.y))?;
        }
        for c in 0..s.class_names.len() {
            let members = s
                .points
                .iter()
                .zip(s.classes)
                .enumerate()
                .filter(|&(_, (_, &k))| k == c)
                .map(|(i, (p, _))| (i, p));
            let style = colour(c).mix(0.8).filled();
            let ring = colour(c).stroke_width(2);
            let hollow = |i: usize| s.kinds.is_some_and(|(h, _)| h.get(i).copied().unwrap_or(false));
            for (i, p) in members {
                let at = clamp(p);
                if outside(p) {
                    let (x, y) = (at.0, at.1);
                    let tri = TriangleMarker::new((x, y), 7, style);
                    chart.draw_series(std::iter::once(tri)).map_err(|e| anyhow!("{e}"))?;
                } else if hollow(i) {
                    chart
                        .draw_series(std::iter::once(Circle::new(at, 5, ring)))
                        .map_err(|e| anyhow!("{e}"))?;
                } else {
                    chart
                        .draw_series(std::iter::once(Circle::new(at, 5, style)))
                        .map_err(|e| anyhow!("{e}"))?;
                }
            }
        }
        // Greedy label thinning: (frame-relative point, pixel box) of the names drawn so far.
        let (w, h) = ((xs.end - xs.start), (ys.end - ys.start));
        let mut drawn: Vec<((f64, f64), PixelBox)> = Vec::new();
        for (i, text) in s.labels {
            let Some(p) = s.points.get(*i) else { continue };
            let at = clamp(p);
            let rel = ((at.0 - xs.start) / w, (at.1 - ys.start) / h);
            if drawn.iter().any(|(q, _)| (q.0 - rel.0).hypot(q.1 - rel.1) < 0.08) {
                continue;
            }
            // Names sit to the right of their point, to its left near the right edge, and
            // below it on the top edge (where off-frame points line up).
            let (px, py) = chart.backend_coord(&at);
            let width = 9 * text.chars().count() as i32;
            let (pos, offset, bounds) = if rel.1 > 0.97 {
                (
                    Pos::new(HPos::Center, VPos::Top),
                    (0, 10),
                    (px - width / 2, py + 10, px + width / 2, py + 26),
                )
            } else if rel.0 > 0.7 {
                (Pos::new(HPos::Right, VPos::Center), (-8, 0), (px - 8 - width, py - 8, px - 8, py + 8))
            } else {
                (Pos::new(HPos::Left, VPos::Center), (8, 0), (px + 8, py - 8, px + 8 + width, py + 8))
            };
            let overlaps = |b: &(i32, i32, i32, i32)| {
                b.0 < bounds.2 && bounds.0 < b.2 && b.1 < bounds.3 && bounds.1 < b.3
            };
            if drawn.iter().any(|(_, b)| overlaps(b)) {
                continue;
            }
            drawn.push((rel, bounds));
            let style = ("sans-serif", TICKS).into_font().color(&BLACK).pos(pos);
            let element = EmptyElement::at(at) + Text::new(text.clone(), offset, style);
            chart.draw_series(std::iter::once(element)).map_err(|e| anyhow!("{e}"))?;
        }
        let entries: Vec<_> =
            s.class_names.iter().enumerate().map(|(c, n)| (n.clone(), colour(c), false)).collect();
        legend(&side, 48, &entries, |area, at, c, _| {
            area.draw(&Circle::new(at, 5, c.mix(0.8).filled())).map_err(|e| anyhow!("{e}"))
        })?;
        let mut y = 48 + entries.len() as i32 * 24 + 12;
        let references: Vec<_> = options.references.iter().filter(|r| r.y.is_finite()).collect();
        if !references.is_empty() {
            y -= 12;
            for r in references {
                reference_swatch(&side, (8, y + 8))?;
                side.draw(&Text::new(r.name.clone(), (36, y), ("sans-serif", TICKS)))
                    .map_err(|e| anyhow!("{e}"))?;
                y += 24;
            }
            y += 12;
        }
        if let Some((_, names)) = s.kinds {
            for (k, name) in names.iter().enumerate() {
                let at = (14, y + 8);
                let grey = RGBColor(90, 90, 90);
                if k == 0 {
                    side.draw(&Circle::new(at, 5, grey.filled())).map_err(|e| anyhow!("{e}"))?;
                } else {
                    side.draw(&Circle::new(at, 5, grey.stroke_width(2))).map_err(|e| anyhow!("{e}"))?;
                }
                side.draw(&Text::new(name.to_string(), (36, y), ("sans-serif", TICKS)))
                    .map_err(|e| anyhow!("{e}"))?;
                y += 24;
            }
            y += 12;
        }
        if clipped > 0 {
            let note = format!("▲ {clipped} point{} beyond", if clipped == 1 { "" } else { "s" });
            side.draw(&Text::new(note, (8, y), ("sans-serif", SMALL))).map_err(|e| anyhow!("{e}"))?;
            side.draw(&Text::new("the frame, at its edge".to_string(), (8, y + 18), ("sans-serif", SMALL)))
                .map_err(|e| anyhow!("{e}"))?;
        }
        Ok(())
    })?;
    Ok(clipped)
}

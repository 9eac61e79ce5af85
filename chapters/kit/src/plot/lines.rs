//! Line charts: named series over numbers or over named settings, with a legend
//! beside the plot and a y axis that turns logarithmic when the values span decades.

use anyhow::anyhow;
use plotters::prelude::*;

use super::{AXIS, LEGEND_W, TICKS, colour, legend, log_tick, padded, svg, tick, titled};

/// One named line of a line chart: a colour from the palette, solid or dashed.
pub struct Series {
    /// The legend's text.
    pub name: String,
    /// (x, y) points, in drawing order.
    pub points: Vec<(f64, f64)>,
    /// Index into [`PALETTE`](super::PALETTE).
    pub colour: usize,
    /// Dashed instead of solid.
    pub dashed: bool,
    /// A shaded band around the line: (low, high) at each point, in the points' order
    /// (say the smallest and largest value over seeds). None draws no band.
    pub band: Option<Vec<(f64, f64)>>,
    /// Whether each measured point gets a dot (when the line has 20 points or fewer and
    /// is solid). Off for a level that is one number drawn across the axis.
    pub markers: bool,
}

impl Series {
    /// A solid line in palette colour `colour`.
    pub fn new(name: impl Into<String>, colour: usize, points: Vec<(f64, f64)>) -> Series {
        Series { name: name.into(), points, colour, dashed: false, band: None, markers: true }
    }

    /// The same line over a shaded band, (low, high) at each of its points: a min-max
    /// range over seeds, or a mean plus or minus a standard deviation.
    pub fn band(mut self, band: Vec<(f64, f64)>) -> Series {
        self.band = Some(band);
        self
    }

    /// The same line, dashed.
    pub fn dashed(mut self) -> Series {
        self.dashed = true;
        self
    }

    /// The same line without a dot on each point: for one number drawn as a level
    /// across the axis, which dots would make look like separate measurements.
    pub fn without_markers(mut self) -> Series {
        self.markers = false;
        self
    }
}

/// A horizontal reference level (chance, an equal weight, a full-rank baseline): a
/// dotted grey line across the whole plot, named in the legend (or, on a bar chart,
/// beside the line). Dotted, so it is never mistaken for a dashed data series.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// The legend's text.
    pub name: String,
    /// The level, in the y axis's units.
    pub y: f64,
}

impl Reference {
    /// A reference level `y` named `name`.
    pub fn new(name: impl Into<String>, y: f64) -> Reference {
        Reference { name: name.into(), y }
    }
}

/// The grey of reference lines.
pub(super) const REFERENCE: RGBColor = RGBColor(90, 90, 90);

/// A reference level from `from` to `to` in a chart's coordinates: grey dots.
pub(super) fn reference_line<C: plotters::coord::CoordTranslate<From = (f64, f64)>>(
    chart: &mut ChartContext<SVGBackend, C>,
    from: (f64, f64),
    to: (f64, f64),
) -> anyhow::Result<()> {
    let style = REFERENCE.stroke_width(2);
    chart.draw_series(DashedLineSeries::new([from, to], 2, 5, style)).map_err(|e| anyhow!("{e}"))?;
    Ok(())
}

/// The legend's sample of a reference level: four grey dots.
pub(super) fn reference_swatch(
    area: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    (x, y): (i32, i32),
) -> anyhow::Result<()> {
    for a in [0, 7, 14, 21] {
        area.draw(&Circle::new((x + a, y), 1, REFERENCE.filled())).map_err(|e| anyhow!("{e}"))?;
    }
    Ok(())
}

/// How a line chart chooses its y axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum YScale {
    /// Logarithmic when the positive values span more than three decades (the default).
    #[default]
    Auto,
    /// Always linear: negative and zero values are drawn.
    Linear,
    /// Always logarithmic.
    Log,
}

/// Opt-in extras of a line chart, for [`line_chart_with`] and
/// [`line_chart_categories_with`]; `LineOptions::default()` draws what
/// [`line_chart`] draws.
#[derive(Debug, Clone, Default)]
pub struct LineOptions {
    /// How the y axis is chosen.
    pub y_scale: YScale,
    /// Horizontal reference levels, drawn dotted grey under the data and named in the legend.
    pub references: Vec<Reference>,
    /// The y axis's range, (low, high) in the data's units, instead of one fitted to
    /// the data: to put two figures on one scale, or to keep a level near 1 off the
    /// frame. Points outside it are clipped by the frame.
    pub y_range: Option<(f64, f64)>,
}

/// What `line_chart` decided: whether the y axis is logarithmic, and how many points
/// it left out because a log axis cannot show them (zero, negative or not finite).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drawn {
    /// Whether the y axis came out logarithmic.
    pub log_y: bool,
    /// Points left out because a log axis cannot show them (zero, negative, not finite).
    pub omitted: usize,
}

/// Lines with a legend beside the plot. The y axis turns logarithmic by itself when
/// the positive values span more than three decades; points a log axis cannot show
/// are left out of their line, and counted in the returned [`Drawn`].
pub fn line_chart(
    path: &std::path::Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
) -> anyhow::Result<Drawn> {
    lines(path, title, (x_label, None), y_label, series, &LineOptions::default())
}

/// [`line_chart`] with opt-in extras: a forced y scale, reference levels.
pub fn line_chart_with(
    path: &std::path::Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
    options: &LineOptions,
) -> anyhow::Result<Drawn> {
    lines(path, title, (x_label, None), y_label, series, options)
}

/// A line chart over named settings (say λ = 0, 0.01, 0.1, 1, 10) spaced evenly:
/// each series' x values are indices into `categories`, and the x axis shows the names.
pub fn line_chart_categories(
    path: &std::path::Path,
    title: &str,
    x_label: &str,
    categories: &[String],
    y_label: &str,
    series: &[Series],
) -> anyhow::Result<Drawn> {
    lines(path, title, (x_label, Some(categories)), y_label, series, &LineOptions::default())
}

/// [`line_chart_categories`] with opt-in extras: a forced y scale, reference levels.
pub fn line_chart_categories_with(
    path: &std::path::Path,
    title: &str,
    x_label: &str,
    categories: &[String],
    y_label: &str,
    series: &[Series],
    options: &LineOptions,
) -> anyhow::Result<Drawn> {
    lines(path, title, (x_label, Some(categories)), y_label, series, options)
}

/// [`line_chart_categories`] with a logarithmic y axis whatever the span, for values
/// that differ by factors (parameter counts, times) rather than by amounts.
pub fn line_chart_categories_log(
    path: &std::path::Path,
    title: &str,
    x_label: &str,
    categories: &[String],
    y_label: &str,
    series: &[Series],
) -> anyhow::Result<Drawn> {
    let options = LineOptions { y_scale: YScale::Log, ..LineOptions::default() };
    lines(path, title, (x_label, Some(categories)), y_label, series, &options)
}

fn lines(
    path: &std::path::Path,
    title: &str,
    (x_label, categories): (&str, Option<&[String]>),
    y_label: &str,
    series: &[Series],
    options: &LineOptions,
) -> anyhow::Result<Drawn> {
    let positive: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .filter(|v| *v > 0.0 && v.is_finite())
        .collect();
    let (lo, hi) = positive.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let log_y = match options.y_scale {
        YScale::Linear => false,
        YScale::Log => !positive.is_empty(),
        YScale::Auto => !positive.is_empty() && hi / lo > 1e3,
    };
    let shown = |y: f64| if log_y { y.log10() } else { y };
    let mut omitted = 0;
    let lines: Vec<Vec<(f64, f64)>> = series
        .iter()
        .map(|s| {
            s.points
                .iter()
                .filter_map(|&(x, y)| {
                    let shown = shown(y);
                    let keep = shown.is_finite() && y.is_finite();
                    omitted += usize::from(!keep);
                    keep.then_some((x, shown))
                })
                .collect()
        })
        .collect();
    // Bands and reference levels, in the axis's units; what a log axis cannot show is dropped.
    let bands: Vec<Vec<(f64, f64, f64)>> = series
        .iter()
        .map(|s| {
            let band = s.band.as_deref().unwrap_or(&[]);
            s.points
                .iter()
                .zip(band)
                .map(|(&(x, _), &(lo, hi))| (x, shown(lo), shown(hi)))
                .filter(|&(x, lo, hi)| x.is_finite() && lo.is_finite() && hi.is_finite())
                .collect()
        })
        .collect();
    let references: Vec<(&str, f64)> = options
        .references
        .iter()
        .map(|r| (r.name.as_str(), shown(r.y)))
        .filter(|r| r.1.is_finite())
        .collect();
    let y_desc = if log_y { format!("{y_label} (log scale)") } else { y_label.to_string() };
    svg(path, (740, 420), |root| {
        let (plot, side) = root.split_horizontally(740 - LEGEND_W);
        let xs = match categories {
            Some(names) => -0.3..(names.len() as f64 - 0.7),
            None => padded(lines.iter().flatten().map(|p| p.0)),
        };
        let extra = bands.iter().flatten().flat_map(|b| [b.1, b.2]).chain(references.iter().map(|r| r.1));
        let ys = match options.y_range {
            Some((lo, hi)) => shown(lo)..shown(hi),
            None => padded(lines.iter().flatten().map(|p| p.1).chain(extra)),
        };
        let plot = titled(&plot, title)?;
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(if log_y { 72 } else { 64 })
            .build_cartesian_2d(xs, ys)
            .map_err(|e| anyhow!("{e}"))?;
        let power = |v: &f64| log_tick(*v);
        let category = |v: &f64| {
            let i = v.round();
            let names = categories.unwrap_or(&[]);
            if (v - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        let mut mesh = chart.configure_mesh();
        if let Some(names) = categories {
            // One tick per name: plotters picks "nice" values, so ask for the range's
            // integer steps and label only the integers.
            mesh.x_labels(names.len().max(2)).x_label_formatter(&category).disable_x_mesh();
        } else {
            mesh.x_label_formatter(&tick);
        }
        mesh.x_desc(x_label)
            .y_desc(y_desc)
            .axis_desc_style(("sans-serif", AXIS))
            .label_style(("sans-serif", TICKS))
            .y_label_formatter(if log_y { &power } else { &tick })
            .light_line_style(WHITE)
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
        for (s, band) in series.iter().zip(&bands) {
            if band.len() < 2 {
                continue;
            }
            let outline: Vec<(f64, f64)> =
                band.iter().map(|b| (b.0, b.2)).chain(band.iter().rev().map(|b| (b.0, b.1))).collect();
            let shade = Polygon::new(outline, colour(s.colour).mix(0.18).filled());
            chart.draw_series(std::iter::once(shade)).map_err(|e| anyhow!("{e}"))?;
        }
        let x_range = chart.x_range();
        for &(_, y) in &references {
            reference_line(&mut chart, (x_range.start, y), (x_range.end, y))?;
        }
        for (s, points) in series.iter().zip(&lines) {
            let style = colour(s.colour).stroke_width(2);
            if s.dashed {
                chart.draw_series(DashedLineSeries::new(points.iter().copied(), 8, 5, style))
            } else {
                chart.draw_series(LineSeries::new(points.iter().copied(), style))
            }
            .map_err(|e| anyhow!("{e}"))?;
            // A line through few measurements marks each one.
            if s.markers && points.len() <= 20 && !s.dashed {
                let dots = points.iter().map(|&p| Circle::new(p, 3, colour(s.colour).filled()));
                chart.draw_series(dots).map_err(|e| anyhow!("{e}"))?;
            }
        }
        let mut entries: Vec<_> =
            series.iter().map(|s| (s.name.clone(), colour(s.colour), s.dashed)).collect();
        entries.extend(references.iter().map(|r| (r.0.to_string(), REFERENCE, true)));
        legend(&side, 48, &entries, |area, (x, y), c, dashed| {
            if c == REFERENCE {
                return reference_swatch(area, (x, y));
            }
            let style = c.stroke_width(3);
            let dashes: &[(i32, i32)] = if dashed { &[(0, 8), (13, 22)] } else { &[(0, 22)] };
            for &(a, b) in dashes {
                area.draw(&PathElement::new(vec![(x + a, y), (x + b, y)], style))
                    .map_err(|e| anyhow!("{e}"))?;
            }
            Ok(())
        })
    })?;
    Ok(Drawn { log_y, omitted })
}

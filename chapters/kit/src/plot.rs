//! SVG figures with plotters: line charts, scatter plots, image grids, heatmaps and
//! bar charts. Text is measured with one embedded font (DejaVuSans, registered once),
//! so figures need no system font and are byte-identical from run to run.

use std::sync::Once;

use anyhow::anyhow;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::report::write_atomic;

static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

fn ensure_font() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        if register_font("sans-serif", FontStyle::Normal, FONT).is_err() {
            panic!("the embedded DejaVuSans.ttf is not a valid font");
        }
    });
}

/// Ten distinguishable colours (Tableau 10), one per class or series.
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Draw into an SVG string with `draw`, then write it to `path` atomically.
fn svg(
    path: &std::path::Path,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    ensure_font();
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
        draw(&root)?;
        root.present().map_err(|e| anyhow!("{e}"))?;
    }
    write_atomic(path, text.as_bytes())
}

/// Range of values padded by 5% (and never empty).
fn padded(values: impl Iterator<Item = f64>) -> std::ops::Range<f64> {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if !lo.is_finite() {
        return 0.0..1.0;
    }
    let pad = ((hi - lo) * 0.05).max(1e-6);
    lo - pad..hi + pad
}

/// One named line of a line chart.
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

/// Lines with a legend and axis labels.
pub fn line_chart(
    path: &std::path::Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
) -> anyhow::Result<()> {
    svg(path, (640, 400), |root| {
        let xs = padded(series.iter().flat_map(|s| s.points.iter().map(|p| p.0)));
        let ys = padded(series.iter().flat_map(|s| s.points.iter().map(|p| p.1)));
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(xs, ys)
            .map_err(|e| anyhow!("{e}"))?;
        chart
            .configure_mesh()
            .x_desc(x_label)
            .y_desc(y_label)
            .x_label_formatter(&|v| format!("{v}"))
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
        for (i, s) in series.iter().enumerate() {
            let c = colour(i);
            chart
                .draw_series(LineSeries::new(s.points.iter().copied(), c.stroke_width(2)))
                .map_err(|e| anyhow!("{e}"))?
                .label(&s.name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| anyhow!("{e}"))
    })
}

/// Points coloured by class, with a legend of class names.
pub fn scatter(
    path: &std::path::Path,
    title: &str,
    points: &[(f64, f64)],
    classes: &[usize],
    class_names: &[String],
) -> anyhow::Result<()> {
    svg(path, (560, 480), |root| {
        let xs = padded(points.iter().map(|p| p.0));
        let ys = padded(points.iter().map(|p| p.1));
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(40)
            .build_cartesian_2d(xs, ys)
            .map_err(|e| anyhow!("{e}"))?;
        chart.configure_mesh().draw().map_err(|e| anyhow!("{e}"))?;
        for (c, name) in class_names.iter().enumerate() {
            let pts = points.iter().zip(classes).filter(|&(_, &k)| k == c).map(|(p, _)| *p);
            let style = colour(c).filled();
            chart
                .draw_series(pts.map(|p| Circle::new(p, 4, style)))
                .map_err(|e| anyhow!("{e}"))?
                .label(name)
                .legend(move |(x, y)| Circle::new((x + 8, y), 4, style));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| anyhow!("{e}"))
    })
}

/// A grid of small grey images (values in [0, 1], row-major `height x width`), each
/// with a caption underneath.
pub fn image_grid(
    path: &std::path::Path,
    title: &str,
    images: &[&[f32]],
    (height, width): (usize, usize),
    cols: usize,
    captions: &[String],
) -> anyhow::Result<()> {
    let cell = 72u32;
    let cols = cols.clamp(1, images.len().max(1));
    let rows = images.len().div_ceil(cols) as u32;
    let size = (cell * cols as u32 + 20, (cell + 18) * rows + 40);
    svg(path, size, |root| {
        root.draw(&Text::new(title.to_string(), (10, 8), ("sans-serif", 18))).map_err(|e| anyhow!("{e}"))?;
        let px = (cell - 12) as f64 / width.max(height) as f64;
        for (n, image) in images.iter().enumerate() {
            let (r, c) = ((n / cols) as u32, (n % cols) as u32);
            let (x0, y0) = (10 + c * cell, 36 + r * (cell + 18));
            for y in 0..height {
                for x in 0..width {
                    let v = image[y * width + x].clamp(0.0, 1.0);
                    let g = (255.0 * (1.0 - v)) as u8; // ink is dark
                    let (a, b) = (x0 as f64 + x as f64 * px, y0 as f64 + y as f64 * px);
                    let rect = Rectangle::new(
                        [(a as i32, b as i32), ((a + px).ceil() as i32, (b + px).ceil() as i32)],
                        RGBColor(g, g, g).filled(),
                    );
                    root.draw(&rect).map_err(|e| anyhow!("{e}"))?;
                }
            }
            if let Some(caption) = captions.get(n) {
                let at = (x0 as i32, (y0 + cell - 8) as i32);
                root.draw(&Text::new(caption.clone(), at, ("sans-serif", 12))).map_err(|e| anyhow!("{e}"))?;
            }
        }
        Ok(())
    })
}

/// A matrix as coloured cells (darker = larger), each annotated with its value:
/// for confusion matrices. `rows` label the rows, `cols` the columns.
pub fn heatmap(
    path: &std::path::Path,
    title: &str,
    matrix: &[Vec<f64>],
    rows: &[String],
    cols: &[String],
    axes: (&str, &str),
) -> anyhow::Result<()> {
    let cell = 40i32;
    let (n_rows, n_cols) = (matrix.len() as i32, matrix.first().map_or(0, Vec::len) as i32);
    let (x0, y0) = (80, 84);
    let size = ((x0 + cell * n_cols + 20) as u32, (y0 + cell * n_rows + 20) as u32);
    let max = matrix.iter().flatten().fold(0.0f64, |m, &v| m.max(v)).max(1e-12);
    svg(path, size, |root| {
        root.draw(&Text::new(title.to_string(), (10, 8), ("sans-serif", 18))).map_err(|e| anyhow!("{e}"))?;
        let (cols_label, rows_label) = (format!("{} \u{2192}", axes.1), format!("{} \u{2193}", axes.0));
        root.draw(&Text::new(cols_label, (x0, 36), ("sans-serif", 14))).map_err(|e| anyhow!("{e}"))?;
        root.draw(&Text::new(rows_label, (8, y0 - 20), ("sans-serif", 14))).map_err(|e| anyhow!("{e}"))?;
        for (j, label) in cols.iter().enumerate() {
            let at = (x0 + j as i32 * cell + cell / 2 - 4, y0 - 18);
            root.draw(&Text::new(label.clone(), at, ("sans-serif", 13))).map_err(|e| anyhow!("{e}"))?;
        }
        for (i, row) in matrix.iter().enumerate() {
            let y = y0 + i as i32 * cell;
            root.draw(&Text::new(rows[i].clone(), (x0 - 24, y + cell / 2 - 7), ("sans-serif", 13)))
                .map_err(|e| anyhow!("{e}"))?;
            for (j, &v) in row.iter().enumerate() {
                let x = x0 + j as i32 * cell;
                let shade = 1.0 - (v / max).sqrt() * 0.85;
                let fill = RGBColor((255.0 * shade) as u8, (255.0 * shade) as u8, 255);
                root.draw(&Rectangle::new([(x, y), (x + cell, y + cell)], fill.filled()))
                    .map_err(|e| anyhow!("{e}"))?;
                root.draw(&Rectangle::new([(x, y), (x + cell, y + cell)], RGBColor(200, 200, 200)))
                    .map_err(|e| anyhow!("{e}"))?;
                if v != 0.0 {
                    let ink = if shade < 0.5 { WHITE } else { BLACK };
                    let text = if v.fract() == 0.0 { format!("{v}") } else { format!("{v:.2}") };
                    let style = ("sans-serif", 13).into_font().color(&ink);
                    root.draw(&Text::new(text, (x + 6, y + cell / 2 - 7), style))
                        .map_err(|e| anyhow!("{e}"))?;
                }
            }
        }
        Ok(())
    })
}

/// Vertical bars with their values written on top.
pub fn bar_chart(
    path: &std::path::Path,
    title: &str,
    y_label: &str,
    bars: &[(String, f64)],
) -> anyhow::Result<()> {
    svg(path, (640, 400), |root| {
        let top = bars.iter().fold(0.0f64, |m, b| m.max(b.1)) * 1.15 + 1e-9;
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d((0..bars.len()).into_segmented(), 0.0..top)
            .map_err(|e| anyhow!("{e}"))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_desc(y_label)
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => bars.get(*i).map_or(String::new(), |b| b.0.clone()),
                _ => String::new(),
            })
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
        for (i, (_, v)) in bars.iter().enumerate() {
            let rect = Rectangle::new(
                [(SegmentValue::Exact(i), 0.0), (SegmentValue::Exact(i + 1), *v)],
                colour(i).filled(),
            );
            chart.draw_series(std::iter::once(rect)).map_err(|e| anyhow!("{e}"))?;
            let label = Text::new(
                format!("{v:.3}"),
                (SegmentValue::CenterOf(i), *v + top * 0.02),
                ("sans-serif", 13),
            );
            chart.draw_series(std::iter::once(label)).map_err(|e| anyhow!("{e}"))?;
        }
        Ok(())
    })
}

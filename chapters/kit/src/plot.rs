//! SVG figures with plotters: line charts, scatter plots, image grids, heatmaps and
//! bar charts. Text is measured with one embedded font (DejaVuSans, registered once),
//! so figures need no system font and are byte-identical from run to run.

use std::sync::Once;

use anyhow::anyhow;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::report::write_atomic;

mod bars;
mod grids;
mod lines;
mod pictures;
mod scatter;
pub use bars::{BarOptions, bar_chart, bar_chart_with};
pub use grids::{heatmap, image_grid, image_grid_sized};
pub use lines::{
    Drawn, LineOptions, Reference, Series, YScale, line_chart, line_chart_categories,
    line_chart_categories_log, line_chart_categories_with, line_chart_with,
};
use lines::{reference_line, reference_swatch};
pub use pictures::{Picture, colour_pictures};
pub use scatter::{Scatter, ScatterOptions, scatter, scatter_with};

static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

pub(crate) fn ensure_font() {
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

/// Range of values padded by 5% (and never empty): the frame every plot fits to its
/// data, public so a chapter can fit one frame to two figures' points
/// ([`ScatterOptions::frame`]).
pub fn padded(values: impl Iterator<Item = f64>) -> std::ops::Range<f64> {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if !lo.is_finite() {
        return 0.0..1.0;
    }
    let pad = ((hi - lo) * 0.05).max(1e-6);
    lo - pad..hi + pad
}

/// Font sizes as plotters takes them; its SVG backend writes 1/1.24 of the size
/// (16 -> 12.9 px), and figures are drawn no wider than the book's text column, so
/// the smallest text on any figure is at least 12 px on the page.
const TITLE: u32 = 22;
const AXIS: u32 = 18;
const TICKS: u32 = 16;
/// Names next to points, notes, values in cells.
const SMALL: u32 = 15;
/// Width of the strip right of the plot that holds the legend, so it never covers data.
const LEGEND_W: u32 = 190;

/// A legend in its own strip: one row per entry, a swatch drawn by `swatch`, then the text.
fn legend(
    area: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    top: i32,
    entries: &[(String, RGBColor, bool)],
    swatch: impl Fn(
        &DrawingArea<SVGBackend, plotters::coord::Shift>,
        (i32, i32),
        RGBColor,
        bool,
    ) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    for (i, (name, c, dashed)) in entries.iter().enumerate() {
        let y = top + i as i32 * 24;
        swatch(area, (8, y + 8), *c, *dashed)?;
        area.draw(&Text::new(name.clone(), (36, y), ("sans-serif", TICKS))).map_err(|e| anyhow!("{e}"))?;
    }
    Ok(())
}

/// `area` under a title, with room between the title and the plot so the top tick's
/// label never touches the title's letters.
fn titled<'a>(
    area: &DrawingArea<SVGBackend<'a>, plotters::coord::Shift>,
    title: &str,
) -> anyhow::Result<DrawingArea<SVGBackend<'a>, plotters::coord::Shift>> {
    let below = area.titled(title, ("sans-serif", TITLE)).map_err(|e| anyhow!("{e}"))?;
    let (_, rest) = below.split_vertically(10);
    Ok(rest)
}

/// A tick label on a log axis, given the exponent `v`: the plain number ("30", "0.003",
/// "1000") from 1e-4 to 1e6, and a power ("1e7") beyond, where digits get hard to count.
fn log_tick(v: f64) -> String {
    let value = 10f64.powf(v);
    if (-4.0..=6.0).contains(&v) {
        let digits = (-v.floor()).max(0.0) as usize;
        let text = format!("{value:.digits$}");
        // One significant figure, which is what a log axis's ticks carry.
        let rounded: f64 = format!("{value:.0e}").parse().unwrap_or(value);
        let plain = format!("{rounded:.digits$}");
        if plain.len() <= text.len() + 1 { plain } else { text }
    } else if (v - v.round()).abs() < 1e-9 {
        format!("1e{}", v.round())
    } else {
        format!("{value:.0e}")
    }
}

/// A tick label: the shortest decimal of the value rounded to 6 places ("0.2", not
/// "0.20000000000000001"; "0", not "-0.0").
fn tick(v: &f64) -> String {
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 { "0".to_string() } else { format!("{r}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("kit-plot-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn read(p: &std::path::Path) -> String {
        std::fs::read_to_string(p).unwrap()
    }

    const GREY: &str = "#5A5A5A";

    /// Whether the SVG has a text element reading exactly `label`.
    fn has_label(svg: &str, label: &str) -> bool {
        svg.split("<text").skip(1).any(|t| {
            let body = t.split_once('>').map_or("", |x| x.1);
            body.split("</text>").next().unwrap_or("").trim() == label
        })
    }

    #[test]
    fn reference_lines_are_drawn_and_named_on_lines_scatters_and_bars() {
        let d = dir("reference");
        let series = [Series::new("a", 0, vec![(0.0, 0.2), (1.0, 0.8)])];
        let refs = vec![Reference::new("equal weight", 0.5)];
        let options = LineOptions { references: refs.clone(), ..LineOptions::default() };
        line_chart(&d.join("plain.svg"), "t", "x", "y", &series).unwrap();
        line_chart_with(&d.join("ref.svg"), "t", "x", "y", &series, &options).unwrap();
        let (plain, with) = (read(&d.join("plain.svg")), read(&d.join("ref.svg")));
        assert!(!plain.contains(GREY) && !plain.contains("equal weight"));
        assert!(with.contains(GREY) && with.contains("equal weight"));
        // A level outside the data widens the axis to show it.
        let far = LineOptions { references: vec![Reference::new("chance", 5.0)], ..LineOptions::default() };
        line_chart_with(&d.join("far.svg"), "t", "x", "y", &series, &far).unwrap();
        assert!(has_label(&read(&d.join("far.svg")), "5"));

        let points = [(0.0, 0.1), (1.0, 0.9), (0.5, 0.4)];
        let names = vec!["class".to_string()];
        let s = Scatter {
            title: "t",
            x_label: "x",
            y_label: "y",
            points: &points,
            classes: &[0, 0, 0],
            class_names: &names,
            labels: &[],
            robust: false,
            kinds: None,
        };
        let so = ScatterOptions { references: refs.clone(), ..ScatterOptions::default() };
        scatter_with(&d.join("scatter.svg"), &s, &so).unwrap();
        let text = read(&d.join("scatter.svg"));
        assert!(text.contains(GREY) && text.contains("equal weight"));

        let bars = [("a".to_string(), 0.3), ("b".to_string(), 0.6)];
        let options = BarOptions { references: vec![Reference::new("chance", 0.1)], ..BarOptions::default() };
        bar_chart_with(&d.join("bars.svg"), "t", "y", &bars, &options).unwrap();
        let wrong = BarOptions { colours: vec![0], ..BarOptions::default() };
        let err = bar_chart_with(&d.join("x.svg"), "t", "y", &bars, &wrong).unwrap_err().to_string();
        assert!(err.contains("1 colours for 2 bars"), "{err}");
        let text = read(&d.join("bars.svg"));
        assert!(text.contains(GREY) && text.contains("chance"));
        // Without references the functions draw what the plain ones draw, byte for byte.
        bar_chart(&d.join("b1.svg"), "t", "y", &bars).unwrap();
        bar_chart_with(&d.join("b2.svg"), "t", "y", &bars, &BarOptions::default()).unwrap();
        assert_eq!(read(&d.join("b1.svg")), read(&d.join("b2.svg")));
        scatter(&d.join("s1.svg"), &s).unwrap();
        scatter_with(&d.join("s2.svg"), &s, &ScatterOptions::default()).unwrap();
        assert_eq!(read(&d.join("s1.svg")), read(&d.join("s2.svg")));
        line_chart_with(&d.join("l2.svg"), "t", "x", "y", &series, &LineOptions::default()).unwrap();
        assert_eq!(plain, read(&d.join("l2.svg")));
    }

    #[test]
    fn log_axis_ticks_are_plain_numbers_within_reach() {
        let at = |x: f64| log_tick(x.log10());
        assert_eq!(at(30.0), "30");
        assert_eq!(at(1000.0), "1000");
        assert_eq!(at(0.03), "0.03");
        assert_eq!(at(0.0001), "0.0001");
        assert_eq!(at(3e5), "300000");
        assert_eq!(at(1e7), "1e7");
        assert_eq!(at(3e-6), "3e-6");
    }

    #[test]
    fn a_fixed_y_range_is_the_axis_and_a_level_can_go_without_dots() {
        let d = dir("range");
        let level = Series::new("level", 1, vec![(1.0, 0.9), (16.0, 0.9)]).without_markers();
        let dotted = Series::new("measured", 0, vec![(1.0, 0.2), (16.0, 0.4)]);
        let options =
            LineOptions { y_scale: YScale::Linear, y_range: Some((0.0, 1.05)), ..LineOptions::default() };
        line_chart_with(&d.join("r.svg"), "t", "x", "y", &[level, dotted], &options).unwrap();
        let svg = read(&d.join("r.svg"));
        assert!(has_label(&svg, "0") && has_label(&svg, "1"), "the axis runs from 0 to 1.05");
        // Two dots, both on the measured line; none on the level.
        assert_eq!(svg.matches("<circle").count(), 2, "{svg}");
    }

    #[test]
    fn a_forced_linear_chart_keeps_negative_points() {
        let d = dir("linear");
        let series = [Series::new("c", 0, vec![(1.0, -0.5), (2.0, 1e-3), (3.0, 10.0), (4.0, 0.0)])];
        let auto = line_chart(&d.join("auto.svg"), "t", "x", "y", &series).unwrap();
        assert_eq!(auto, Drawn { log_y: true, omitted: 2 });
        let options = LineOptions { y_scale: YScale::Linear, ..LineOptions::default() };
        let linear = line_chart_with(&d.join("linear.svg"), "t", "x", "y", &series, &options).unwrap();
        assert_eq!(linear, Drawn { log_y: false, omitted: 0 });
        assert!(!read(&d.join("linear.svg")).contains("log scale"));
    }

    #[test]
    fn a_band_is_shaded_under_its_line() {
        let d = dir("band");
        let line = Series::new("mean", 0, vec![(0.0, 0.5), (1.0, 0.6), (2.0, 0.7)]);
        line_chart(&d.join("plain.svg"), "t", "x", "y", std::slice::from_ref(&line)).unwrap();
        let banded = line.band(vec![(0.4, 0.6), (0.5, 0.7), (0.6, 0.95)]);
        line_chart(&d.join("band.svg"), "t", "x", "y", &[banded]).unwrap();
        assert!(!read(&d.join("plain.svg")).contains("<polygon"));
        let text = read(&d.join("band.svg"));
        assert!(text.contains("<polygon"));
        // The band's top (0.95) is inside the frame: a 0.9 tick appears.
        assert!(has_label(&text, "0.9"));
    }

    #[test]
    fn an_equal_aspect_scatter_widens_the_short_axis_and_counts_points_in_words() {
        let d = dir("aspect");
        let points: Vec<(f64, f64)> = (0..11).map(|i| (f64::from(i), f64::from(i % 2))).collect();
        let names = vec!["class".to_string()];
        let classes = vec![0; points.len()];
        let s = Scatter {
            title: "t",
            x_label: "x",
            y_label: "y",
            points: &points,
            classes: &classes,
            class_names: &names,
            labels: &[],
            robust: false,
            kinds: None,
        };
        scatter(&d.join("plain.svg"), &s).unwrap();
        let equal = ScatterOptions { equal_aspect: true, ..ScatterOptions::default() };
        scatter_with(&d.join("equal.svg"), &s, &equal).unwrap();
        // The y axis, 0..1 when free, spans about as many units as x (0..10) when equal.
        assert!(!has_label(&read(&d.join("plain.svg")), "-2"));
        assert!(has_label(&read(&d.join("equal.svg")), "-2"));
        // A given frame is the frame; points outside it (x = 5 to 10) are counted.
        let framed = ScatterOptions { frame: Some((0.0..5.0, -10.0..10.0)), ..ScatterOptions::default() };
        assert_eq!(scatter_with(&d.join("framed.svg"), &s, &framed).unwrap(), 6);
        assert!(has_label(&read(&d.join("framed.svg")), "-10"));
        // One point beyond a robust frame is "1 point", not "1 point(s)".
        let mut outlier = vec![(0.0, 0.0); 20];
        for (i, p) in outlier.iter_mut().enumerate() {
            *p = (i as f64 * 0.1, (i % 3) as f64 * 0.1);
        }
        outlier.push((100.0, 0.0));
        let classes = vec![0; outlier.len()];
        let robust = Scatter { points: &outlier, classes: &classes, robust: true, ..s };
        assert_eq!(scatter(&d.join("robust.svg"), &robust).unwrap(), 1);
        let text = read(&d.join("robust.svg"));
        assert!(text.contains("1 point beyond") && !text.contains("point(s)"));
    }
}

//! A grouped dot plot that keeps the seeds visible: for each group on the x axis (a
//! modality subset, a part of the test split) and each method, a tick per seed, a bar
//! from the lowest seed to the highest, and the mean as a marker. Panels stacked over
//! one x axis (Acc-2 above MAE). Written as SVG by hand, in the book's palette and
//! font, with every text at least 12 px.

use std::fmt::Write as _;
use std::ops::Range;

/// Font sizes in px: title, axis labels, ticks and legend.
const TITLE: f64 = 17.5;
const AXIS: f64 = 14.5;
const TICKS: f64 = 13.0;
/// Figure width and its parts: the y axis's labels, the plot, the legend strip.
const WIDTH: f64 = 740.0;
const LEFT: f64 = 78.0;
const LEGEND_W: f64 = 214.0;
const PANEL_H: f64 = 210.0;
const PANEL_GAP: f64 = 26.0;
const TOP: f64 = 44.0;

/// How a method's mean is marked, besides its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A disc.
    Circle,
    /// A square.
    Square,
    /// A diamond.
    Diamond,
    /// A triangle, point up.
    Triangle,
}

/// One method: its legend name, palette colour and marker.
pub struct Method {
    /// The legend's text.
    pub name: String,
    /// Index into `kit::plot::PALETTE`.
    pub colour: usize,
    /// The mean's marker.
    pub shape: Shape,
}

/// A horizontal reference level over some of the groups, dotted grey, named in the legend.
pub struct Level {
    /// The legend's text.
    pub name: String,
    /// The level, in the panel's units.
    pub y: f64,
    /// The groups it spans.
    pub groups: Range<usize>,
}

/// One panel: a y axis and, for every group and method, the per-seed values (empty:
/// not drawn).
pub struct Panel {
    /// The y axis's label.
    pub y_label: String,
    /// `values[group][method]`: one value per seed.
    pub values: Vec<Vec<Vec<f64>>>,
    /// Reference levels.
    pub levels: Vec<Level>,
}

/// The whole figure.
pub struct DotPlot {
    /// The title above the panels.
    pub title: String,
    /// The groups' names along the x axis; a `\n` breaks a name into two lines.
    pub groups: Vec<String>,
    /// The x axis's label.
    pub x_label: String,
    /// The methods, in slot order within each group.
    pub methods: Vec<Method>,
    /// The panels, top to bottom.
    pub panels: Vec<Panel>,
}

fn hex(i: usize) -> String {
    let c = kit::plot::PALETTE[i % kit::plot::PALETTE.len()];
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// "Nice" tick values covering `lo..hi`: steps of 1, 2 or 5 times a power of ten,
/// four to seven of them.
fn nice_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = (hi - lo).max(1e-9);
    let raw = span / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    let step =
        [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * power).find(|s| span / s <= 6.5).unwrap_or(10.0 * power);
    let first = (lo / step).ceil() * step;
    (0..).map(|k| first + k as f64 * step).take_while(|v| *v <= hi + 1e-9 * step).collect()
}

/// A tick's text: no more decimals than the step needs.
fn tick_text(v: f64, step: f64) -> String {
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    let text = format!("{v:.decimals$}");
    if text.starts_with('-') && text.trim_start_matches(['-', '0', '.']).is_empty() {
        text[1..].to_string()
    } else {
        text
    }
}

/// A marker of `shape` centred on (x, y), radius about `r`.
fn marker(svg: &mut String, shape: Shape, (x, y): (f64, f64), r: f64, fill: &str) {
    let stroke = "stroke=\"#FFFFFF\" stroke-width=\"1.2\"";
    let _ = match shape {
        Shape::Circle => {
            writeln!(svg, "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\" fill=\"{fill}\" {stroke}/>")
        }
        Shape::Square => {
            let s = r * 0.9;
            writeln!(
                svg,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\" {stroke}/>",
                x - s,
                y - s,
                2.0 * s,
                2.0 * s
            )
        }
        Shape::Diamond => {
            let s = r * 1.25;
            writeln!(
                svg,
                "<polygon points=\"{x:.1},{:.1} {:.1},{y:.1} {x:.1},{:.1} {:.1},{y:.1}\" fill=\"{fill}\" {stroke}/>",
                y - s,
                x + s,
                y + s,
                x - s
            )
        }
        Shape::Triangle => {
            let s = r * 1.3;
            writeln!(
                svg,
                "<polygon points=\"{x:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"{fill}\" {stroke}/>",
                y - s,
                x + s * 0.9,
                y + s * 0.6,
                x - s * 0.9,
                y + s * 0.6
            )
        }
    };
}

fn text(svg: &mut String, (x, y): (f64, f64), size: f64, anchor: &str, body: &str) {
    let _ = writeln!(
        svg,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" text-anchor=\"{anchor}\">{}</text>",
        escape(body)
    );
}

fn dotted(svg: &mut String, (x0, x1): (f64, f64), y: f64) {
    let _ = writeln!(
        svg,
        "<line x1=\"{x0:.1}\" y1=\"{y:.1}\" x2=\"{x1:.1}\" y2=\"{y:.1}\" stroke=\"#5A5A5A\" stroke-width=\"2\" \
         stroke-dasharray=\"2 5\" stroke-linecap=\"round\"/>"
    );
}

/// The figure as SVG text.
pub fn svg(plot: &DotPlot) -> String {
    let groups = plot.groups.len().max(1);
    let slots = plot.methods.len().max(1);
    let lines_under = plot.groups.iter().map(|g| g.lines().count()).max().unwrap_or(1) as f64;
    let (x0, x1) = (LEFT, WIDTH - LEGEND_W);
    let group_w = (x1 - x0) / groups as f64;
    // Slots fill at most 70% of a group, and no more than 40 px apart.
    let slot_w = (group_w * 0.7 / slots as f64).min(40.0);
    let x_of = |g: usize, m: usize| {
        x0 + group_w * (g as f64 + 0.5) + slot_w * (m as f64 - (slots as f64 - 1.0) / 2.0)
    };
    let panels_h = plot.panels.len() as f64 * (PANEL_H + PANEL_GAP) - PANEL_GAP;
    let height = TOP + panels_h + 22.0 + 18.0 * lines_under + 30.0;
    let mut s = String::new();
    text(&mut s, (10.0, 24.0), TITLE, "start", &plot.title);
    for (p, panel) in plot.panels.iter().enumerate() {
        let top = TOP + p as f64 * (PANEL_H + PANEL_GAP);
        let bottom = top + PANEL_H;
        // The y range: every seed and every level, padded by 8%.
        let values = panel.values.iter().flatten().flatten().copied();
        let levels = panel.levels.iter().map(|l| l.y);
        let (lo, hi) = values
            .chain(levels)
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
        let pad = ((hi - lo) * 0.08).max(1e-6);
        let (lo, hi) = (lo - pad, hi + pad);
        let y_of = |v: f64| bottom - (v - lo) / (hi - lo) * PANEL_H;
        // Frame, grid lines and ticks.
        let ticks = nice_ticks(lo, hi);
        let step = if ticks.len() > 1 { ticks[1] - ticks[0] } else { 1.0 };
        for &t in &ticks {
            let y = y_of(t);
            let _ = writeln!(
                s,
                "<line x1=\"{x0:.1}\" y1=\"{y:.1}\" x2=\"{x1:.1}\" y2=\"{y:.1}\" stroke=\"#E4E4E4\" stroke-width=\"1\"/>"
            );
            text(&mut s, (x0 - 6.0, y + 4.5), TICKS, "end", &tick_text(t, step));
        }
        for g in 1..groups {
            let x = x0 + group_w * g as f64;
            let _ = writeln!(
                s,
                "<line x1=\"{x:.1}\" y1=\"{top:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"#C8C8C8\" stroke-width=\"1\"/>"
            );
        }
        let _ = writeln!(
            s,
            "<rect x=\"{x0:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{PANEL_H:.1}\" fill=\"none\" stroke=\"#000000\"/>",
            x1 - x0
        );
        let (cx, cy) = (20.0, top + PANEL_H / 2.0);
        let _ = writeln!(
            s,
            "<text x=\"{cx}\" y=\"{cy:.1}\" font-size=\"{AXIS}\" text-anchor=\"middle\" \
             transform=\"rotate(-90 {cx} {cy:.1})\">{}</text>",
            escape(&panel.y_label)
        );
        for level in &panel.levels {
            let a = x0 + group_w * level.groups.start as f64 + 2.0;
            let b = x0 + group_w * level.groups.end as f64 - 2.0;
            dotted(&mut s, (a, b), y_of(level.y));
        }
        // Seeds, bars, means.
        for (g, row) in panel.values.iter().enumerate() {
            for (m, seeds) in row.iter().enumerate() {
                let seeds: Vec<f64> = seeds.iter().copied().filter(|v| v.is_finite()).collect();
                let Some(method) = plot.methods.get(m) else { continue };
                if seeds.is_empty() {
                    continue;
                }
                let colour = hex(method.colour);
                let x = x_of(g, m);
                let (min, max) =
                    seeds.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |a, &v| (a.0.min(v), a.1.max(v)));
                let mean = seeds.iter().sum::<f64>() / seeds.len() as f64;
                let _ = writeln!(
                    s,
                    "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-width=\"2.5\"/>",
                    y_of(min),
                    y_of(max)
                );
                for v in &seeds {
                    let y = y_of(*v);
                    let _ = writeln!(
                        s,
                        "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{colour}\" stroke-width=\"1.6\"/>",
                        x - 5.0,
                        x + 5.0
                    );
                }
                marker(&mut s, method.shape, (x, y_of(mean)), 5.0, &colour);
            }
        }
    }
    // Group names under the last panel, then the x axis's label.
    let below = TOP + panels_h;
    for (g, name) in plot.groups.iter().enumerate() {
        let x = x0 + group_w * (g as f64 + 0.5);
        for (k, line) in name.lines().enumerate() {
            text(&mut s, (x, below + 20.0 + 17.0 * k as f64), TICKS, "middle", line);
        }
    }
    text(&mut s, ((x0 + x1) / 2.0, below + 26.0 + 18.0 * lines_under), AXIS, "middle", &plot.x_label);
    // The legend: methods, then what a mark means, then the levels.
    let lx = x1 + 16.0;
    let mut y = TOP + 10.0;
    for method in &plot.methods {
        let colour = hex(method.colour);
        let _ = writeln!(
            s,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-width=\"2.5\"/>",
            lx + 10.0,
            y - 9.0,
            lx + 10.0,
            y + 9.0
        );
        marker(&mut s, method.shape, (lx + 10.0, y), 5.0, &colour);
        text(&mut s, (lx + 26.0, y + 4.5), TICKS, "start", &method.name);
        y += 26.0;
    }
    y += 4.0;
    let seeds = plot.panels.iter().flat_map(|p| p.values.iter().flatten().map(Vec::len)).max().unwrap_or(0);
    for line in [
        format!("marker: mean of {seeds} seeds"),
        "bar: lowest to highest seed".to_string(),
        "ticks: one per seed".to_string(),
    ] {
        text(&mut s, (lx, y + 4.5), TICKS, "start", &line);
        y += 20.0;
    }
    y += 8.0;
    let mut named: Vec<&str> = Vec::new();
    for level in plot.panels.iter().flat_map(|p| &p.levels) {
        if named.contains(&level.name.as_str()) {
            continue;
        }
        named.push(&level.name);
        dotted(&mut s, (lx, lx + 22.0), y);
        // A long name wraps onto a second line at a space.
        let mut lines = vec![String::new()];
        for word in level.name.split(' ') {
            let last = lines.last_mut().expect("one line at least");
            if !last.is_empty() && (last.len() + word.len() + 1) as f64 * TICKS * 0.58 > LEGEND_W - 46.0 {
                lines.push(word.to_string());
            } else {
                if !last.is_empty() {
                    last.push(' ');
                }
                last.push_str(word);
            }
        }
        for line in lines {
            text(&mut s, (lx + 30.0, y + 4.5), TICKS, "start", &line);
            y += 18.0;
        }
        y += 6.0;
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {WIDTH:.0} {height:.0}\" font-family=\"DejaVu Sans, sans-serif\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{s}</svg>\n"
    )
}

/// Write the figure to `path`.
pub fn dot_plot(path: &std::path::Path, plot: &DotPlot) -> anyhow::Result<()> {
    kit::report::write_atomic(path, svg(plot).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(nice_ticks(52.0, 91.0), vec![60.0, 70.0, 80.0, 90.0]);
        let t = nice_ticks(0.55, 1.4);
        assert_eq!(t.len(), 5);
        assert!((t[0] - 0.6).abs() < 1e-12 && (t[4] - 1.4).abs() < 1e-9);
        assert_eq!(tick_text(0.6000000001, 0.2), "0.6");
        assert_eq!(tick_text(70.0, 10.0), "70");
    }

    #[test]
    fn every_seed_gets_a_tick_and_an_empty_slot_draws_nothing() {
        let plot = DotPlot {
            title: "t".into(),
            groups: vec!["a".into(), "b\nc".into()],
            x_label: "x".into(),
            methods: vec![
                Method { name: "m1".into(), colour: 0, shape: Shape::Circle },
                Method { name: "m2".into(), colour: 1, shape: Shape::Square },
            ],
            panels: vec![Panel {
                y_label: "y".into(),
                values: vec![vec![vec![1.0, 2.0, 3.0], vec![]], vec![vec![2.0], vec![4.0, 5.0]]],
                levels: vec![Level { name: "chance".into(), y: 2.5, groups: 0..1 }],
            }],
        };
        let text = svg(&plot);
        // 6 seeds: 6 ticks plus 3 bars, plus the legend's 2 bars, all in colour.
        let coloured_lines = text.lines().filter(|l| l.starts_with("<line") && l.contains("#1F77B4")).count()
            + text.lines().filter(|l| l.starts_with("<line") && l.contains("#FF7F0E")).count();
        assert_eq!(coloured_lines, 6 + 3 + 2);
        assert!(text.contains(">chance<") && text.contains(">c<"));
    }
}

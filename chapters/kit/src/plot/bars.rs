//! Bar charts: one bar per named value, reference levels across them.

use anyhow::anyhow;
use plotters::prelude::*;

use super::{AXIS, Reference, SMALL, TICKS, colour, reference_line, svg, tick, titled};

/// Vertical bars with their values written on top, names underneath (keep them short:
/// each gets the width of its bar).
pub fn bar_chart(
    path: &std::path::Path,
    title: &str,
    y_label: &str,
    bars: &[(String, f64)],
) -> anyhow::Result<()> {
    bar_chart_with(path, title, y_label, bars, &BarOptions::default())
}

/// Opt-in extras of a bar chart, for [`bar_chart_with`].
#[derive(Debug, Clone, Default)]
pub struct BarOptions {
    /// Horizontal reference levels (chance, a baseline), drawn dotted grey across the
    /// bars and named at their right end.
    pub references: Vec<Reference>,
    /// A palette index per bar, so bars of one kind share a colour (say baselines grey
    /// and the recipes under test blue). Empty gives each bar its own colour.
    pub colours: Vec<usize>,
}

/// [`bar_chart`] with opt-in extras: reference levels (dotted grey lines across the
/// bars, each named at its right end, above the line) and colours by kind.
pub fn bar_chart_with(
    path: &std::path::Path,
    title: &str,
    y_label: &str,
    bars: &[(String, f64)],
    options: &BarOptions,
) -> anyhow::Result<()> {
    if !options.colours.is_empty() && options.colours.len() != bars.len() {
        return Err(anyhow!(
            "bar_chart_with: {} colours for {} bars; give one per bar, or none",
            options.colours.len(),
            bars.len()
        ));
    }
    let references = &options.references;
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    // No wider than the book's column, so the text is never scaled below 12 px.
    let width = (90 * bars.len() as u32 + 120).clamp(480, 740);
    svg(path, (width, 400), |root| {
        let highest =
            references.iter().map(|r| r.y).filter(|y| y.is_finite()).chain(bars.iter().map(|b| b.1));
        let top = highest.fold(0.0f64, f64::max) * 1.15 + 1e-9;
        let n = bars.len() as f64;
        let plot = titled(root, title)?;
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(-0.5..n - 0.5, 0.0..top)
            .map_err(|e| anyhow!("{e}"))?;
        let name = |v: &f64| {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 {
                bars.get(i as usize).map_or(String::new(), |b| b.0.clone())
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(bars.len().max(2))
            .x_label_formatter(&name)
            .y_desc(y_label)
            .y_label_formatter(&tick)
            .axis_desc_style(("sans-serif", AXIS))
            .label_style(("sans-serif", TICKS))
            .light_line_style(WHITE)
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
        for (i, (_, v)) in bars.iter().enumerate() {
            let x = i as f64;
            let c = options.colours.get(i).copied().unwrap_or(i);
            let rect = Rectangle::new([(x - 0.4, 0.0), (x + 0.4, *v)], colour(c).filled());
            chart.draw_series(std::iter::once(rect)).map_err(|e| anyhow!("{e}"))?;
            let style =
                ("sans-serif", SMALL).into_font().color(&BLACK).pos(Pos::new(HPos::Center, VPos::Bottom));
            let label = Text::new(format!("{v:.3}"), (x, *v + top * 0.01), style);
            chart.draw_series(std::iter::once(label)).map_err(|e| anyhow!("{e}"))?;
        }
        for r in references.iter().filter(|r| r.y.is_finite()) {
            reference_line(&mut chart, (-0.5, r.y), (n - 0.5, r.y))?;
            let style = ("sans-serif", SMALL)
                .into_font()
                .color(&super::lines::REFERENCE)
                .pos(Pos::new(HPos::Right, VPos::Bottom));
            // On a white patch, so the name reads over a bar too.
            let at = chart.backend_coord(&(n - 0.55, r.y + top * 0.01));
            let (w, h) = root.estimate_text_size(&r.name, &style).map_err(|e| anyhow!("{e}"))?;
            // plotters writes text at 1/1.24 of the size it measures (see TITLE).
            let (w, h) = ((f64::from(w) / 1.24) as i32, (f64::from(h) / 1.24) as i32);
            let patch = Rectangle::new([(at.0 - w - 3, at.1 - h - 1), (at.0 + 3, at.1 + 1)], WHITE.filled());
            root.draw(&patch).map_err(|e| anyhow!("{e}"))?;
            let name = Text::new(r.name.clone(), (n - 0.55, r.y + top * 0.01), style);
            chart.draw_series(std::iter::once(name)).map_err(|e| anyhow!("{e}"))?;
        }
        Ok(())
    })
}

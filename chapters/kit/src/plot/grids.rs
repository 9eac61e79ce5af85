//! Grids of small images, and heatmaps with their values in the cells.

use anyhow::anyhow;
use plotters::prelude::*;

use super::{AXIS, SMALL, TITLE, svg};

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
    let sized: Vec<(&[f32], (usize, usize))> = images.iter().map(|&i| (i, (height, width))).collect();
    image_grid_sized(path, title, &sized, cols, captions)
}

/// [`image_grid`] for images of different sizes (say 8x8 digits beside 20x20
/// spectrograms): each `(values, (height, width))` is scaled to fill its cell.
pub fn image_grid_sized(
    path: &std::path::Path,
    title: &str,
    images: &[(&[f32], (usize, usize))],
    cols: usize,
    captions: &[String],
) -> anyhow::Result<()> {
    let cell = 72u32;
    let cols = cols.clamp(1, images.len().max(1));
    let rows = images.len().div_ceil(cols) as u32;
    // Wide enough for the title too (about 10 px a character at the title size).
    let figure_width = (cell * cols as u32 + 20).max(10 * title.chars().count() as u32 + 20);
    let size = (figure_width, (cell + 18) * rows + 40);
    svg(path, size, |root| {
        root.draw(&Text::new(title.to_string(), (10, 8), ("sans-serif", TITLE)))
            .map_err(|e| anyhow!("{e}"))?;
        for (n, &(image, (height, width))) in images.iter().enumerate() {
            let px = (cell - 12) as f64 / width.max(height) as f64;
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
                root.draw(&Text::new(caption.clone(), at, ("sans-serif", SMALL)))
                    .map_err(|e| anyhow!("{e}"))?;
            }
        }
        Ok(())
    })
}

/// A matrix as coloured cells (darker = larger in magnitude; blue positive, red
/// negative), each annotated with its value: for confusion matrices and tensors. `rows` label the rows, `cols` the columns.
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
    // Shade by magnitude: blue for positive values, red for negative ones.
    let max = matrix.iter().flatten().fold(0.0f64, |m, &v| m.max(v.abs())).max(1e-12);
    svg(path, size, |root| {
        root.draw(&Text::new(title.to_string(), (10, 8), ("sans-serif", TITLE)))
            .map_err(|e| anyhow!("{e}"))?;
        let (cols_label, rows_label) = (format!("{} \u{2192}", axes.1), format!("{} \u{2193}", axes.0));
        root.draw(&Text::new(cols_label, (x0, 36), ("sans-serif", AXIS))).map_err(|e| anyhow!("{e}"))?;
        root.draw(&Text::new(rows_label, (8, y0 - 20), ("sans-serif", AXIS))).map_err(|e| anyhow!("{e}"))?;
        for (j, label) in cols.iter().enumerate() {
            let at = (x0 + j as i32 * cell + cell / 2 - 4, y0 - 18);
            root.draw(&Text::new(label.clone(), at, ("sans-serif", SMALL))).map_err(|e| anyhow!("{e}"))?;
        }
        for (i, row) in matrix.iter().enumerate() {
            let y = y0 + i as i32 * cell;
            root.draw(&Text::new(rows[i].clone(), (x0 - 24, y + cell / 2 - 7), ("sans-serif", SMALL)))
                .map_err(|e| anyhow!("{e}"))?;
            for (j, &v) in row.iter().enumerate() {
                let x = x0 + j as i32 * cell;
                let shade = 1.0 - (v.abs() / max).sqrt() * 0.85;
                let light = (255.0 * shade) as u8;
                let fill = if v < 0.0 { RGBColor(255, light, light) } else { RGBColor(light, light, 255) };
                root.draw(&Rectangle::new([(x, y), (x + cell, y + cell)], fill.filled()))
                    .map_err(|e| anyhow!("{e}"))?;
                root.draw(&Rectangle::new([(x, y), (x + cell, y + cell)], RGBColor(200, 200, 200)))
                    .map_err(|e| anyhow!("{e}"))?;
                if v != 0.0 {
                    let ink = if shade < 0.5 { WHITE } else { BLACK };
                    let text = if v.fract() == 0.0 { format!("{v}") } else { format!("{v:.2}") };
                    let style = ("sans-serif", SMALL).into_font().color(&ink);
                    root.draw(&Text::new(text, (x + 6, y + cell / 2 - 7), style))
                        .map_err(|e| anyhow!("{e}"))?;
                }
            }
        }
        Ok(())
    })
}

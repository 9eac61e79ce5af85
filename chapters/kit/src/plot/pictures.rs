//! Colour pictures in a grid, each with a few lines of caption beneath it.

use anyhow::{anyhow, bail};
use plotters::prelude::*;

use super::{SMALL, TITLE, svg};

/// One picture of a grid: (height, width, 3) RGB values in [0, 1], row-major, and
/// the lines of text under it.
pub struct Picture<'a> {
    /// The pixels, `[y][x][r, g, b]`.
    pub rgb: &'a [f32],
    /// Height and width in pixels.
    pub size: (usize, usize),
    /// Caption lines (kept short: a cell is `cell` pixels wide).
    pub lines: Vec<String>,
}

/// Draw `pictures` in a grid of `cols` columns, each `cell` pixels wide, under `title`.
pub fn colour_pictures(
    path: &std::path::Path,
    title: &str,
    pictures: &[Picture],
    cols: usize,
    cell: u32,
) -> anyhow::Result<()> {
    for (n, p) in pictures.iter().enumerate() {
        if p.rgb.len() != p.size.0 * p.size.1 * 3 {
            bail!(
                "colour_pictures: picture {n} has {} values, not {} x {} x 3",
                p.rgb.len(),
                p.size.0,
                p.size.1
            );
        }
    }
    let cols = cols.clamp(1, pictures.len().max(1));
    let rows = pictures.len().div_ceil(cols) as u32;
    let lines = pictures.iter().map(|p| p.lines.len()).max().unwrap_or(0) as u32;
    let line_height = 17u32;
    // Pictures are scaled to fit `cell - 16` pixels along their longer side; a row is
    // as tall as its tallest picture, then the captions.
    let scale = |p: &Picture| (cell - 16) as f64 / p.size.0.max(p.size.1) as f64;
    let tallest = pictures.iter().map(|p| (scale(p) * p.size.0 as f64).ceil() as u32).max().unwrap_or(0);
    let row_height = tallest + 16 + 8 + lines * line_height + 10;
    let width = (cell * cols as u32 + 20).max(10 * title.chars().count() as u32 + 20);
    svg(path, (width, row_height * rows + 40), |root| {
        root.draw(&Text::new(title.to_string(), (10, 8), ("sans-serif", TITLE)))
            .map_err(|e| anyhow!("{e}"))?;
        for (n, p) in pictures.iter().enumerate() {
            let (r, c) = ((n / cols) as u32, (n % cols) as u32);
            let (x0, y0) = (10 + c * cell, 40 + r * row_height);
            let (h, w) = p.size;
            let px = scale(p);
            for y in 0..h {
                for x in 0..w {
                    let at = (y * w + x) * 3;
                    let v = |k: usize| (255.0 * p.rgb[at + k].clamp(0.0, 1.0)).round() as u8;
                    let (a, b) = (x0 as f64 + x as f64 * px, y0 as f64 + y as f64 * px);
                    let rect = Rectangle::new(
                        [(a as i32, b as i32), ((a + px).ceil() as i32, (b + px).ceil() as i32)],
                        RGBColor(v(0), v(1), v(2)).filled(),
                    );
                    root.draw(&rect).map_err(|e| anyhow!("{e}"))?;
                }
            }
            let frame = Rectangle::new(
                [
                    (x0 as i32, y0 as i32),
                    ((x0 as f64 + w as f64 * px) as i32, (y0 as f64 + h as f64 * px) as i32),
                ],
                RGBColor(200, 200, 200),
            );
            root.draw(&frame).map_err(|e| anyhow!("{e}"))?;
            for (k, line) in p.lines.iter().enumerate() {
                let at = (x0 as i32, (y0 + tallest + 8 + k as u32 * line_height) as i32);
                root.draw(&Text::new(line.clone(), at, ("sans-serif", SMALL))).map_err(|e| anyhow!("{e}"))?;
            }
        }
        Ok(())
    })
}

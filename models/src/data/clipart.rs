//! Clip art with titles and tags: 968 public-domain images of 16 classes, 32x32 RGB,
//! from the Open Clip Art Library (layout and provenance in data/README.md).

use std::io::Read;
use std::path::Path;

use super::csv::{Csv, DataError};

/// The clip art: images, their class, title and tags.
pub struct ClipArt {
    /// Image height in pixels.
    pub height: usize,
    /// Image width in pixels.
    pub width: usize,
    /// Colour channels (3: RGB).
    pub channels: usize,
    /// (n, height * width * channels), row-major `[y][x][channel]`, in [0, 1]; white background.
    pub pixels: Vec<f32>,
    /// Each image's class, 0..16.
    pub classes: Vec<usize>,
    /// The classes' names, by class id.
    pub class_names: Vec<String>,
    /// Each image's title (its caption).
    pub titles: Vec<String>,
    /// Each image's tags.
    pub tags: Vec<Vec<String>>,
}

impl ClipArt {
    /// The number of images.
    pub fn len(&self) -> usize {
        self.classes.len()
    }

    /// True when there are no images.
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }
}

impl std::fmt::Debug for ClipArt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ClipArt({} images of {}x{}x{}, {} classes)",
            self.len(),
            self.height,
            self.width,
            self.channels,
            self.class_names.len()
        )
    }
}

/// The words of a title: lower-case runs of letters, two or more long.
pub fn title_words(title: &str) -> Vec<String> {
    title
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
        .collect()
}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

/// Load `clipart32.u8.gz` (gzip of: `CLIP`, u32 version 1, u32 n, height, width,
/// channels, then the u8 pixels) and `clipart_meta.csv` (header
/// `id,class_id,class,title,tags,creator,source`) from `dir`, checked against each
/// other: one meta row per image, ids in order, each class id always with one name.
pub fn load_clipart(dir: &Path) -> Result<ClipArt, DataError> {
    let path = dir.join("clipart32.u8.gz");
    let bad = |message: String| DataError { file: path.clone(), line: None, message };
    let file = std::fs::File::open(&path).map_err(|e| bad(format!("cannot read it ({e})")))?;
    let mut b = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut b)
        .map_err(|e| bad(format!("is not a complete gzip file ({e})")))?;
    if b.len() < 24 || &b[..4] != b"CLIP" {
        return Err(
            bad("is not a clip-art file: it must unpack to the 4 bytes \"CLIP\" and a header".into()),
        );
    }
    let (version, n, height, width, channels) =
        (u32_at(&b, 4), u32_at(&b, 8), u32_at(&b, 12), u32_at(&b, 16), u32_at(&b, 20));
    if version != 1 {
        return Err(bad(format!("has format version {version}; this loader reads version 1")));
    }
    let size = n.checked_mul(height).and_then(|v| v.checked_mul(width)).and_then(|v| v.checked_mul(channels));
    if n == 0 || height == 0 || width == 0 || channels == 0 || size.map(|s| s + 24) != Some(b.len()) {
        return Err(bad(format!(
            "unpacks to {} bytes, but its header promises {n} images of {height} x {width} x {channels}: is it truncated?",
            b.len()
        )));
    }
    let meta_path = dir.join("clipart_meta.csv");
    let meta = Csv::read(&meta_path)?;
    let (id, class_id, class, title, tags) = (
        meta.column("id")?,
        meta.column("class_id")?,
        meta.column("class")?,
        meta.column("title")?,
        meta.column("tags")?,
    );
    if meta.rows.len() != n {
        return Err(DataError {
            file: meta_path.clone(),
            line: None,
            message: format!("has {} rows, but clipart32.u8.gz holds {n} images", meta.rows.len()),
        });
    }
    let mut out = ClipArt {
        height,
        width,
        channels,
        pixels: b[24..].iter().map(|&v| v as f32 / 255.0).collect(),
        classes: Vec::with_capacity(n),
        class_names: Vec::new(),
        titles: Vec::with_capacity(n),
        tags: Vec::with_capacity(n),
    };
    for (k, (line, fields)) in meta.rows.iter().enumerate() {
        let bad = |message: String| DataError { file: meta_path.clone(), line: Some(*line), message };
        let row_id: usize = meta.parse(*line, fields, id)?;
        if row_id != k {
            return Err(bad(format!("id {row_id} out of order (expected {k})")));
        }
        let c: usize = meta.parse(*line, fields, class_id)?;
        if c > 255 {
            return Err(bad(format!("class_id {c} is not a class")));
        }
        if out.class_names.len() <= c {
            out.class_names.resize(c + 1, String::new());
        }
        let name = &fields[class];
        if out.class_names[c].is_empty() {
            out.class_names[c] = name.clone();
        } else if &out.class_names[c] != name {
            return Err(bad(format!("class_id {c} is {name:?} here but {:?} earlier", out.class_names[c])));
        }
        out.classes.push(c);
        out.titles.push(fields[title].clone());
        out.tags.push(fields[tags].split('|').filter(|t| !t.is_empty()).map(str::to_string).collect());
    }
    if let Some(c) = out.class_names.iter().position(String::is_empty) {
        return Err(DataError { file: meta_path, line: None, message: format!("class_id {c} has no image") });
    }
    Ok(out)
}

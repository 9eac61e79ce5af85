//! Writing a chapter's outputs into its book folder: `results.md` (the tables the
//! page includes), `results.json` (the same numbers for machines) and `figures/*.svg`.
//! Every file is written atomically (a temporary file, then a rename), so a crash
//! never leaves half a file for the book to include.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;

/// Write `contents` to `path` atomically, creating the folder if needed.
pub fn write_atomic(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().context("output path has no folder")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create folder {}", dir.display()))?;
    let name = path.file_name().context("output path has no file name")?.to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, contents).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("cannot move {} to {}", tmp.display(), path.display()))?;
    Ok(())
}

/// A chapter's output folder: `book/src/<chapter>/` and its `figures/`.
#[derive(Debug, Clone)]
pub struct Output {
    /// The chapter's folder: `book/src/<chapter>/` unless `--out` says otherwise.
    pub dir: PathBuf,
}

impl Output {
    /// The outputs of a chapter writing into `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Output {
        Output { dir: dir.into() }
    }

    /// Where figure `name` (e.g. `"loss.svg"`) goes.
    pub fn figure(&self, name: &str) -> PathBuf {
        self.dir.join("figures").join(name)
    }

    /// Write `results.md` and `results.json`.
    pub fn write_results(&self, markdown: &str, report: &impl Serialize) -> anyhow::Result<()> {
        write_atomic(&self.dir.join("results.md"), markdown.as_bytes())?;
        let json = serde_json::to_string_pretty(report)?;
        write_atomic(&self.dir.join("results.json"), (json + "\n").as_bytes())
    }

    /// Write any other text file into the output folder (e.g. a DOT graph).
    pub fn write_text(&self, name: &str, text: &str) -> anyhow::Result<()> {
        write_atomic(&self.dir.join(name), text.as_bytes())
    }
}

/// A chapter's training settings as the page shows them: a two-column table of
/// (setting, value) rows inside the anchor `anchor` of `results.md`.
pub fn settings_table(anchor: &str, rows: &[(String, String)]) -> String {
    let mut t = Table::new(&["setting", "value"]);
    for (k, v) in rows {
        t.row(&[k.clone(), v.clone()]);
    }
    format!("<!-- ANCHOR: {anchor} -->\n{}<!-- ANCHOR_END: {anchor} -->\n\n", t.to_markdown())
}

/// Panic naming the first of `files` (relative to `dir`) that is missing or nearly
/// empty (100 bytes or fewer): what a chapter's output test checks after writing.
#[track_caller]
pub fn assert_written(dir: &Path, files: &[&str]) {
    for f in files {
        let size = std::fs::metadata(dir.join(f)).map(|m| m.len()).unwrap_or(0);
        assert!(size > 100, "{f} missing or empty in {}", dir.display());
    }
}

/// A markdown table.
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers and no rows yet.
    pub fn new<S: ToString>(headers: &[S]) -> Table {
        Table { headers: headers.iter().map(ToString::to_string).collect(), rows: Vec::new() }
    }

    /// Add a row; panics if it has a different number of cells than the header. A `|`
    /// inside a cell is escaped (`\|`), so it cannot split the cell in two.
    #[track_caller]
    pub fn row<S: ToString>(&mut self, cells: &[S]) -> &mut Table {
        assert_eq!(
            cells.len(),
            self.headers.len(),
            "Table::row: {} cells for {} columns",
            cells.len(),
            self.headers.len()
        );
        self.rows.push(cells.iter().map(|c| c.to_string().replace('|', "\\|")).collect());
        self
    }

    /// The table as GitHub-flavoured markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("| {} |\n|{}\n", self.headers.join(" | "), "---|".repeat(self.headers.len()));
        for row in &self.rows {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
        out
    }
}

/// A copy of `value` as JSON with every float rounded to `decimals` places: what
/// snapshot tests compare, so noise in the last bits does not break them.
pub fn rounded(value: &impl Serialize, decimals: i32) -> serde_json::Value {
    fn round(v: serde_json::Value, scale: f64) -> serde_json::Value {
        use serde_json::Value;
        match v {
            Value::Number(n) if n.is_f64() => {
                let x = (n.as_f64().unwrap() * scale).round() / scale;
                // -0.0 and 0.0 print alike
                serde_json::json!(if x == 0.0 { 0.0 } else { x })
            }
            Value::Array(items) => Value::Array(items.into_iter().map(|i| round(i, scale)).collect()),
            Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, round(v, scale))).collect()),
            other => other,
        }
    }
    round(serde_json::to_value(value).expect("reports serialise"), 10f64.powi(decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_render_as_markdown() {
        let mut t = Table::new(&["metric", "value"]);
        t.row(&["accuracy", "0.98"]);
        assert_eq!(t.to_markdown(), "| metric | value |\n|---|---|\n| accuracy | 0.98 |\n");
        t.row(&["max |a - b|", "0"]);
        assert!(t.to_markdown().ends_with("| max \\|a - b\\| | 0 |\n"), "{}", t.to_markdown());
    }

    #[test]
    fn atomic_write_leaves_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("kit-report-{}", std::process::id()));
        let path = dir.join("sub").join("a.txt");
        write_atomic(&path, b"hello").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "hello");
        let names: Vec<_> =
            std::fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.txt")]);
        std::fs::remove_dir_all(dir).unwrap();
    }
}

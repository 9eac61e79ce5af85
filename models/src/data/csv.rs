//! Reading the shipped CSV files: one header line, comma-separated, no quoting (see
//! data/README.md). Errors name the file, the line and the field.

use std::fmt;
use std::path::{Path, PathBuf};

/// What is wrong with a data file, and where.
#[derive(Debug)]
pub struct DataError {
    /// The file that is wrong.
    pub file: PathBuf,
    /// 1-based line number, or None for a whole-file problem.
    pub line: Option<usize>,
    /// What is wrong, in words a reader can act on.
    pub message: String,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}, line {line}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for DataError {}

/// A parsed CSV file: the header's column names and the rows' fields.
pub(crate) struct Csv {
    pub(crate) path: PathBuf,
    pub(crate) header: Vec<String>,
    /// (line number, fields)
    pub(crate) rows: Vec<(usize, Vec<String>)>,
}

impl Csv {
    pub(crate) fn read(path: &Path) -> Result<Csv, DataError> {
        let text = std::fs::read_to_string(path).map_err(|e| DataError {
            file: path.to_path_buf(),
            line: None,
            message: format!("cannot read it ({e}); the shipped data lives in the repository's data/ folder"),
        })?;
        let mut lines = text.lines().enumerate();
        let header: Vec<String> = match lines.next() {
            Some((_, h)) => h.split(',').map(str::to_string).collect(),
            None => {
                return Err(DataError {
                    file: path.to_path_buf(),
                    line: None,
                    message: "the file is empty".into(),
                });
            }
        };
        let mut rows = Vec::new();
        for (i, line) in lines {
            if line.is_empty() {
                continue;
            }
            let fields: Vec<String> = line.split(',').map(str::to_string).collect();
            if fields.len() != header.len() {
                return Err(DataError {
                    file: path.to_path_buf(),
                    line: Some(i + 1),
                    message: format!("{} fields, but the header names {}", fields.len(), header.len()),
                });
            }
            rows.push((i + 1, fields));
        }
        Ok(Csv { path: path.to_path_buf(), header, rows })
    }

    /// Index of a column, or an error naming the missing column.
    pub(crate) fn column(&self, name: &str) -> Result<usize, DataError> {
        self.header.iter().position(|h| h == name).ok_or_else(|| DataError {
            file: self.path.clone(),
            line: Some(1),
            message: format!("no column named {name:?} in the header"),
        })
    }

    /// Parse one field, naming the file, line, column and value when it is bad.
    pub(crate) fn parse<T: std::str::FromStr>(
        &self,
        line: usize,
        fields: &[String],
        column: usize,
    ) -> Result<T, DataError> {
        fields[column].trim().parse().map_err(|_| DataError {
            file: self.path.clone(),
            line: Some(line),
            message: format!(
                "field {} = {:?} is not a valid {}",
                self.header[column],
                fields[column],
                std::any::type_name::<T>()
            ),
        })
    }
}

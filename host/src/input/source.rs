//! One discovered input file: where it is, what it is called in document ids,
//! and how to open it with gzip decompression made transparent.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use serde_json::{Map, Value};

use super::InputError;

/// A file to read, found under an input root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SourceFile {
    /// The file on disk, for opening it and for error messages.
    pub path: PathBuf,
    /// Path relative to the input root with `/` separators (the file name
    /// when the root is the file itself), as recorded in `meta.source.path`.
    pub relative: String,
}

impl SourceFile {
    pub fn new(path: PathBuf, relative: String) -> Self {
        SourceFile { path, relative }
    }

    /// Whether the file is gzip-compressed, judged by its `.gz` extension.
    pub fn is_gzip(&self) -> bool {
        has_gzip_extension(&self.path)
    }

    /// The relative path that names the document: `.gz` is stripped, since
    /// compression is a storage detail and `a.txt.gz` holds the document
    /// `a.txt`. (Should `a.txt` and `a.txt.gz` both exist, their ids clash.)
    pub fn id_path(&self) -> &str {
        strip_gzip_extension(&self.relative)
    }

    /// Opens the file, decompressing it when it is gzip.
    pub fn open(&self) -> Result<Box<dyn BufRead + Send>, InputError> {
        let file = File::open(&self.path).map_err(|source| self.read_error(source))?;
        Ok(if self.is_gzip() {
            Box::new(BufReader::new(MultiGzDecoder::new(BufReader::new(file))))
        } else {
            Box::new(BufReader::new(file))
        })
    }

    /// The whole (decompressed) content of the file.
    pub fn read_all(&self) -> Result<Vec<u8>, InputError> {
        let mut bytes = Vec::new();
        self.open()?
            .read_to_end(&mut bytes)
            .map_err(|source| self.read_error(source))?;
        Ok(bytes)
    }

    pub fn read_error(&self, source: io::Error) -> InputError {
        InputError::Read {
            path: self.path.clone(),
            source,
        }
    }

    /// `meta` holding `source: { path }`, plus `line` for a JSONL line.
    pub fn source_meta(&self, line: Option<u64>) -> Value {
        let mut source = Map::new();
        source.insert("path".into(), Value::String(self.relative.clone()));
        if let Some(line) = line {
            source.insert("line".into(), Value::from(line));
        }
        Value::Object(source)
    }
}

pub(super) fn has_gzip_extension(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("gz"))
}

pub(super) fn strip_gzip_extension(relative: &str) -> &str {
    match relative.len().checked_sub(3) {
        Some(cut)
            if relative.is_char_boundary(cut)
                && relative[cut..].eq_ignore_ascii_case(".gz")
                && cut > 0
                && !relative[..cut].ends_with('/') =>
        {
            &relative[..cut]
        }
        _ => relative,
    }
}

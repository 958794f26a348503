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
        Ok(self.decompressed(file))
    }

    fn decompressed(&self, file: File) -> Box<dyn BufRead + Send> {
        if self.is_gzip() {
            Box::new(BufReader::new(MultiGzDecoder::new(BufReader::new(file))))
        } else {
            Box::new(BufReader::new(file))
        }
    }

    /// The whole (decompressed) content of the file, refused when it is over
    /// `limit` bytes. A plain file is judged by its size before any of it is
    /// read; a gzip file is read through the limit and never held past it.
    pub fn read_all(&self, limit: u64) -> Result<Vec<u8>, InputError> {
        let file = File::open(&self.path).map_err(|source| self.read_error(source))?;
        let size = file
            .metadata()
            .map_err(|source| self.read_error(source))?
            .len();
        if !self.is_gzip() && size > limit {
            return Err(self.too_large(size, limit));
        }
        let expected = if self.is_gzip() { 0 } else { size };
        let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
        self.decompressed(file)
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|source| self.read_error(source))?;
        if bytes.len() as u64 > limit {
            return Err(if self.is_gzip() {
                InputError::DecompressedTooLarge {
                    path: self.path.clone(),
                    limit,
                }
            } else {
                // The file grew while it was read.
                let size = std::fs::metadata(&self.path).map_or(0, |metadata| metadata.len());
                self.too_large(size.max(bytes.len() as u64), limit)
            });
        }
        Ok(bytes)
    }

    fn too_large(&self, size: u64, limit: u64) -> InputError {
        InputError::TooLarge {
            path: self.path.clone(),
            size,
            limit,
        }
    }

    pub fn read_error(&self, source: io::Error) -> InputError {
        InputError::Read {
            path: self.path.clone(),
            source,
        }
    }

    /// `meta.source`: `{ path }`, plus `line` for a JSONL line, plus
    /// `replaced_bytes` when invalid bytes were replaced.
    pub fn source_meta(&self, line: Option<u64>, replaced_bytes: u64) -> Value {
        let mut source = Map::new();
        source.insert("path".into(), Value::String(self.relative.clone()));
        if let Some(line) = line {
            source.insert("line".into(), Value::from(line));
        }
        if replaced_bytes > 0 {
            source.insert("replaced_bytes".into(), Value::from(replaced_bytes));
        }
        Value::Object(source)
    }

    pub fn binary_error(&self, offset: usize) -> InputError {
        InputError::Binary {
            path: self.path.clone(),
            offset: offset as u64,
        }
    }

    pub fn empty_error(&self) -> InputError {
        InputError::Empty {
            path: self.path.clone(),
        }
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

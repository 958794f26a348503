//! Reading input files into documents, one at a time.
//!
//! Memory stays bounded whatever the size of the corpus: directories are
//! walked lazily, a JSONL file is read line by line, and only a single text or
//! HTML file is ever held whole, and never more of it than
//! `max_file_size`. One bad file or line is reported as an error item and
//! never stops the others.

mod content;
mod discovery;
mod error;
mod html;
mod html_charset;
mod html_text;
mod jsonl;
mod source;
mod text;
mod utf8;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

use docpipe_contract::pipeline::{InputFormat, InvalidUtf8Policy};
use docpipe_contract::Document;

pub use error::InputError;

use discovery::Discovery;
use jsonl::JsonlLines;

/// What to read: already-resolved roots, an optional glob and a format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputSpec {
    /// Files or directories, absolute. Directories are walked recursively.
    pub roots: Vec<PathBuf>,
    /// Glob matched against paths relative to a walked directory, e.g.
    /// `**/*.txt`. `*` does not cross `/`. A `.gz` file matches by its own
    /// name or by its name without `.gz`. Files given directly as roots are
    /// always read.
    pub glob: Option<String>,
    /// How each file is read.
    pub format: InputFormat,
    /// Whether bytes that are not valid UTF-8 fail the file (or JSONL line)
    /// or are replaced with U+FFFD.
    pub invalid_utf8: InvalidUtf8Policy,
    /// Largest text or HTML file (after decompression) and largest JSONL
    /// line, in bytes; anything larger is refused without being held.
    pub max_file_size: u64,
}

/// What every format needs to know while reading a file.
#[derive(Debug, Clone, Copy)]
struct ReadOptions {
    invalid_utf8: InvalidUtf8Policy,
    max_file_size: u64,
}

/// Iterator over the documents of an [`InputSpec`], in a stable order.
///
/// Directory entries are visited sorted by file name, so two runs over the
/// same tree yield the same documents in the same order.
pub struct InputReader {
    format: InputFormat,
    options: ReadOptions,
    discovery: Discovery,
    /// The JSONL file being read, if any.
    lines: Option<JsonlLines>,
    files_seen: usize,
}

impl InputReader {
    /// Prepares to read `spec`; fails only when its glob is invalid. Missing
    /// roots are reported as items while iterating.
    pub fn new(spec: InputSpec) -> Result<Self, InputError> {
        Ok(InputReader {
            format: spec.format,
            options: ReadOptions {
                invalid_utf8: spec.invalid_utf8,
                max_file_size: spec.max_file_size,
            },
            discovery: Discovery::new(spec.roots, spec.glob.as_deref())?,
            lines: None,
            files_seen: 0,
        })
    }

    /// How many files were opened for reading so far, including ones that
    /// turned out to be unreadable.
    pub fn files_seen(&self) -> usize {
        self.files_seen
    }
}

impl Iterator for InputReader {
    type Item = Result<Document, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(lines) = &mut self.lines {
                match lines.next() {
                    Some(item) => return Some(item),
                    None => self.lines = None,
                }
            }
            let file = match self.discovery.next()? {
                Ok(file) => file,
                Err(error) => return Some(Err(error)),
            };
            self.files_seen += 1;
            match self.format {
                InputFormat::Text => return Some(text::read(&file, self.options)),
                InputFormat::Html => return Some(html::read(&file, self.options)),
                InputFormat::Jsonl => match JsonlLines::open(file, self.options) {
                    Ok(lines) => self.lines = Some(lines),
                    Err(error) => return Some(Err(error)),
                },
            }
        }
    }
}

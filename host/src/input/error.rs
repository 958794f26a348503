use std::io;
use std::path::{Path, PathBuf};

/// Why a file, or a line of a JSONL file, could not become a document.
///
/// Every variant but [`InputError::InvalidGlob`] names the file; JSONL
/// variants also name the line (1-based). Offsets count bytes from the start
/// of the file as read, that is after gzip decompression.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The input glob is not a valid glob.
    #[error("invalid input glob `{pattern}`")]
    InvalidGlob {
        pattern: String,
        #[source]
        source: globset::Error,
    },
    /// An input root does not exist.
    #[error("{}: input path does not exist", path.display())]
    MissingRoot { path: PathBuf },
    /// A directory could not be walked: unreadable, a broken link or a symlink loop.
    #[error("{}: cannot walk directory", path.display())]
    Walk {
        path: PathBuf,
        #[source]
        source: walkdir::Error,
    },
    /// A file could not be opened or read, or its gzip stream is corrupt.
    #[error("{}: cannot read file", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A text file is not valid UTF-8.
    #[error("{}: invalid UTF-8 at byte offset {offset}", path.display())]
    InvalidUtf8 { path: PathBuf, offset: u64 },
    /// An HTML page has bytes that are invalid in its encoding.
    #[error("{}: invalid {encoding} at byte offset {offset}", path.display())]
    InvalidEncoding {
        path: PathBuf,
        encoding: &'static str,
        offset: u64,
    },
    /// A JSONL line is not valid UTF-8; `column` is 1-based, in bytes.
    #[error("{}:{line}:{column}: invalid UTF-8", path.display())]
    JsonlInvalidUtf8 {
        path: PathBuf,
        line: u64,
        column: u64,
    },
    /// A JSONL line is not valid JSON.
    #[error("{}:{line}:{column}: malformed JSON: {message}", path.display())]
    JsonlSyntax {
        path: PathBuf,
        line: u64,
        column: u64,
        message: String,
    },
    /// A JSONL line is JSON but not a document: not an object, no string `text`, ...
    #[error("{}:{line}: {reason}", path.display())]
    JsonlShape {
        path: PathBuf,
        line: u64,
        reason: &'static str,
    },
}

impl InputError {
    /// The file or directory the error is about, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            InputError::InvalidGlob { .. } => None,
            InputError::MissingRoot { path }
            | InputError::Walk { path, .. }
            | InputError::Read { path, .. }
            | InputError::InvalidUtf8 { path, .. }
            | InputError::InvalidEncoding { path, .. }
            | InputError::JsonlInvalidUtf8 { path, .. }
            | InputError::JsonlSyntax { path, .. }
            | InputError::JsonlShape { path, .. } => Some(path),
        }
    }

    /// The 1-based line of a JSONL file the error is about, if any.
    pub fn line(&self) -> Option<u64> {
        match self {
            InputError::JsonlInvalidUtf8 { line, .. }
            | InputError::JsonlSyntax { line, .. }
            | InputError::JsonlShape { line, .. } => Some(*line),
            _ => None,
        }
    }
}

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
    /// A file holds a NUL byte in its first 8 KiB (after decompression), so
    /// it is not text. A JSONL file stops there; later NULs are `JsonlNul`.
    #[error("{}: looks binary (a NUL byte at offset {offset})", path.display())]
    Binary { path: PathBuf, offset: u64 },
    /// A text or HTML file is empty or holds only whitespace.
    #[error("{}: empty file", path.display())]
    Empty { path: PathBuf },
    /// A text or HTML file is larger than `input.max_file_size`, judged by
    /// its size on disk before reading it.
    #[error(
        "{}: is {}, over input.max_file_size of {}",
        path.display(),
        human_size(*size),
        human_size(*limit)
    )]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    /// A gzip text or HTML file decompresses to more than `input.max_file_size`.
    #[error(
        "{}: decompresses to more than input.max_file_size of {}",
        path.display(),
        human_size(*limit)
    )]
    DecompressedTooLarge { path: PathBuf, limit: u64 },
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
    /// A JSONL line holds a NUL byte, which JSON text never does; `column`
    /// is 1-based, in bytes.
    #[error(
        "{}:{line}:{column}: a NUL byte, never found in JSON text (is the file binary?)",
        path.display()
    )]
    JsonlNul {
        path: PathBuf,
        line: u64,
        column: u64,
    },
    /// A JSONL line is longer than `input.max_file_size`; it was skipped
    /// without being held.
    #[error(
        "{}:{line}: line is longer than input.max_file_size of {}",
        path.display(),
        human_size(*limit)
    )]
    JsonlLineTooLong {
        path: PathBuf,
        line: u64,
        limit: u64,
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
            | InputError::Binary { path, .. }
            | InputError::Empty { path }
            | InputError::TooLarge { path, .. }
            | InputError::DecompressedTooLarge { path, .. }
            | InputError::InvalidUtf8 { path, .. }
            | InputError::InvalidEncoding { path, .. }
            | InputError::JsonlInvalidUtf8 { path, .. }
            | InputError::JsonlNul { path, .. }
            | InputError::JsonlLineTooLong { path, .. }
            | InputError::JsonlSyntax { path, .. }
            | InputError::JsonlShape { path, .. } => Some(path),
        }
    }

    /// The 1-based line of a JSONL file the error is about, if any.
    pub fn line(&self) -> Option<u64> {
        match self {
            InputError::JsonlInvalidUtf8 { line, .. }
            | InputError::JsonlNul { line, .. }
            | InputError::JsonlLineTooLong { line, .. }
            | InputError::JsonlSyntax { line, .. }
            | InputError::JsonlShape { line, .. } => Some(*line),
            _ => None,
        }
    }
}

/// A byte count in binary units, as a limit is usually written: `64 MiB`,
/// `1.5 GiB`, `900 B`.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let value = format!("{value:.1}");
    format!(
        "{} {}",
        value.strip_suffix(".0").unwrap_or(&value),
        UNITS[unit]
    )
}

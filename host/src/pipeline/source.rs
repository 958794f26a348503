//! The pipeline file as text, kept so that every diagnostic can quote it, and
//! the paths (`stages[1].config.sentences`) used to name a place in it. This
//! module never interprets what the file means.

use std::fmt;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use super::locate;

/// The syntax a pipeline file is written in, chosen by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// `.toml`, and any extension that is not one of the others.
    Toml,
    /// `.yaml` or `.yml`.
    Yaml,
    /// `.json`.
    Json,
}

impl SourceFormat {
    /// The format a file of this name is read as.
    pub fn from_path(path: &Path) -> SourceFormat {
        let extension = path
            .extension()
            .and_then(|extension| extension.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("yaml" | "yml") => SourceFormat::Yaml,
            Some("json") => SourceFormat::Json,
            _ => SourceFormat::Toml,
        }
    }

    fn language(self) -> &'static str {
        match self {
            SourceFormat::Toml => "toml",
            SourceFormat::Yaml => "yaml",
            SourceFormat::Json => "json",
        }
    }
}

/// A pipeline file's name and text, shared (via `Arc`) by every diagnostic
/// that points into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The file's path, as given by the user; diagnostics show it as is.
    pub path: PathBuf,
    /// The file's full text.
    pub text: String,
    /// How the text is parsed.
    pub format: SourceFormat,
}

impl SourceFile {
    /// A source whose format follows from the extension of `path`.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> SourceFile {
        let path = path.into();
        let format = SourceFormat::from_path(&path);
        SourceFile {
            path,
            text: text.into(),
            format,
        }
    }

    /// Reads the file at `path`.
    pub fn read(path: &Path) -> io::Result<SourceFile> {
        Ok(SourceFile::new(path, std::fs::read_to_string(path)?))
    }

    /// The span of the value at `path`: the scalar, the inline table or
    /// array, or the header of a table. `None` when nothing is there.
    pub fn span_of(&self, path: &[PathSegment]) -> Option<SourceSpan> {
        let found = locate::locate(self, path)?;
        found.value.or(found.key).map(SourceSpan::from)
    }

    /// The span of the key that names the last segment of `path`, or of the
    /// value where there is no key (an array element).
    pub fn key_span_of(&self, path: &[PathSegment]) -> Option<SourceSpan> {
        let found = locate::locate(self, path)?;
        found.key.or(found.value).map(SourceSpan::from)
    }

    /// The byte offset of a 1-based line and a 1-based column counted in
    /// characters, clamped to the text.
    pub(crate) fn offset_of(&self, line: usize, column: usize) -> usize {
        let mut line_start = 0;
        for _ in 1..line {
            match self.text[line_start..].find('\n') {
                Some(newline) => line_start += newline + 1,
                None => return self.text.len(),
            }
        }
        let line_text = &self.text[line_start..];
        let line_text = &line_text[..line_text.find('\n').unwrap_or(line_text.len())];
        let within = line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(offset, _)| offset);
        line_start + within
    }

    /// The text under a span; handy in tests and log lines.
    pub fn text_at(&self, span: SourceSpan) -> &str {
        let range: Range<usize> = span.offset()..span.offset() + span.len();
        self.text.get(range).unwrap_or("")
    }
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(
            MietteSpanContents::new_named(
                self.path.display().to_string(),
                contents.data(),
                *contents.span(),
                contents.line(),
                contents.column(),
                contents.line_count(),
            )
            .with_language(self.format.language()),
        ))
    }
}

/// One step into a document: a key of a table or an index of an array.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathSegment {
    /// A key of a table (mapping, object).
    Key(String),
    /// An element of an array (sequence).
    Index(usize),
}

impl From<&str> for PathSegment {
    fn from(key: &str) -> Self {
        PathSegment::Key(key.to_string())
    }
}

impl From<String> for PathSegment {
    fn from(key: String) -> Self {
        PathSegment::Key(key)
    }
}

impl From<usize> for PathSegment {
    fn from(index: usize) -> Self {
        PathSegment::Index(index)
    }
}

/// A place in a pipeline file, from its top, shown as `stages[1].config.sentences`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct DocumentPath(pub Vec<PathSegment>);

impl DocumentPath {
    /// The top of the file.
    pub fn root() -> DocumentPath {
        DocumentPath(Vec::new())
    }

    /// This path with one more segment.
    pub fn join(&self, segment: impl Into<PathSegment>) -> DocumentPath {
        let mut segments = self.0.clone();
        segments.push(segment.into());
        DocumentPath(segments)
    }

    /// This path followed by the tokens of a JSON Pointer (RFC 6901), e.g.
    /// `/sentences` or `/rules/0/pattern`. Every token is kept as a key;
    /// the locators read a numeric key of an array as its index.
    pub fn join_pointer(&self, pointer: &str) -> DocumentPath {
        let mut segments = self.0.clone();
        if !pointer.is_empty() {
            for token in pointer.trim_start_matches('/').split('/') {
                let token = token.replace("~1", "/").replace("~0", "~");
                segments.push(PathSegment::Key(token));
            }
        }
        DocumentPath(segments)
    }

    /// The segments of this path.
    pub fn segments(&self) -> &[PathSegment] {
        &self.0
    }
}

impl fmt::Display for DocumentPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("the top level");
        }
        for (position, segment) in self.0.iter().enumerate() {
            match segment {
                PathSegment::Index(index) => write!(f, "[{index}]")?,
                PathSegment::Key(key) => {
                    let plain = !key.is_empty()
                        && key
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                    match (position, plain) {
                        (0, true) => f.write_str(key)?,
                        (_, true) => write!(f, ".{key}")?,
                        (_, false) => write!(f, "[{key:?}]")?,
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_like_accessors() {
        let path = DocumentPath::root()
            .join("stages")
            .join(1)
            .join_pointer("/config/a~1b");
        assert_eq!(path.to_string(), r#"stages[1].config["a/b"]"#);
        assert_eq!(DocumentPath::root().to_string(), "the top level");
    }

    #[test]
    fn offsets_count_characters_within_a_line() {
        let source = SourceFile::new("p.yaml", "a: 1\nb: \"é\" x\n");
        assert_eq!(source.offset_of(2, 1), 5);
        assert_eq!(&source.text[source.offset_of(2, 6)..], "\" x\n");
    }
}

//! What the per-document pages (Markdown, HTML, text) show of a document:
//! title, text in paragraphs, summary and language. Read once here so the
//! formats agree on what counts as "has a title" or "has a summary".

use docpipe_plugin_sdk::Document;
use serde_json::Value;

/// The parts of a document a page shows.
#[derive(Debug)]
pub(crate) struct Page<'d> {
    /// The title without surrounding whitespace; `None` when blank.
    pub title: Option<&'d str>,
    /// The text as it is.
    pub text: &'d str,
    /// `summary.text` without surrounding whitespace; `None` when blank.
    pub summary: Option<&'d str>,
    /// `lang.code`, e.g. `ar` or `und`.
    pub lang_code: Option<&'d str>,
    /// `lang.script`, an ISO 15924 code such as `Arab`.
    pub lang_script: Option<&'d str>,
}

impl<'d> Page<'d> {
    pub(crate) fn of(document: &'d Document) -> Self {
        let field = |object: &str, key: &str| {
            document
                .fields
                .get(object)
                .and_then(|value| value.get(key))
                .and_then(Value::as_str)
        };
        Page {
            title: non_blank(document.title.as_deref()),
            text: &document.text,
            summary: non_blank(field("summary", "text")),
            lang_code: field("lang", "code"),
            lang_script: field("lang", "script"),
        }
    }
}

fn non_blank(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|text| !text.is_empty())
}

/// `text` split into paragraphs at blank lines (lines of only whitespace),
/// each paragraph as its lines without line ends.
pub(crate) fn paragraphs(text: &str) -> Vec<Vec<&str>> {
    let mut paragraphs = Vec::new();
    let mut current = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_at_blank_lines_and_keep_single_line_breaks() {
        assert_eq!(
            paragraphs("\n one\r\ntwo\n\n \t\n\nthree\n"),
            vec![vec![" one", "two"], vec!["three"]]
        );
        assert!(paragraphs(" \n").is_empty());
    }
}

//! The plain-text page: the document's own characters, nothing escaped.

use crate::page::Page;

/// Title, a blank line, the text, then a `Summary:` section.
pub(crate) fn plain_text(page: &Page) -> String {
    let mut out = String::new();
    if let Some(title) = page.title {
        out.push_str(title);
        out.push_str("\n\n");
    }
    out.push_str(page.text.trim_end());
    out.push('\n');
    if let Some(summary) = page.summary {
        out.push_str("\nSummary:\n");
        out.push_str(summary);
        out.push('\n');
    }
    out
}

//! The Markdown page. Everything taken from the document is escaped so it
//! renders as the same characters, never as markup: a title with `*` stays a
//! star, a line starting `1.` stays a sentence, not a list.

use crate::page::{paragraphs, Page};

/// `# title`, the text, `## Summary`, `*Language: xx*`; parts the document
/// lacks are left out.
pub(crate) fn markdown(page: &Page) -> String {
    let mut out = String::new();
    if let Some(title) = page.title {
        out.push_str("# ");
        // A heading is one line.
        escape_inline(&title.replace(['\r', '\n'], " "), &mut out);
        out.push_str("\n\n");
    }
    push_paragraphs(page.text, &mut out);
    if let Some(summary) = page.summary {
        out.push_str("\n## Summary\n\n");
        push_paragraphs(summary, &mut out);
    }
    if let Some(code) = page.lang_code {
        out.push_str("\n*Language: ");
        escape_inline(code, &mut out);
        out.push_str("*\n");
    }
    if out.is_empty() {
        out.push('\n');
    }
    out
}

/// Paragraphs separated by a blank line, each line escaped, ending in `\n`.
fn push_paragraphs(text: &str, out: &mut String) {
    for (index, paragraph) in paragraphs(text).iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        for line in paragraph {
            escape_line(line, out);
            out.push('\n');
        }
    }
}

/// One line of a paragraph. Leading and trailing blanks go: Markdown drops
/// them from a paragraph anyway, and kept they would make an indented code
/// block (where escapes show) or a hard line break.
fn escape_line(line: &str, out: &mut String) {
    let line = line.trim_matches([' ', '\t']);
    // `-`, `+` start a list or a thematic break, `=` a setext heading; `>` and
    // `#` are escaped wherever they are.
    if line.starts_with(['-', '+', '=']) {
        out.push('\\');
        escape_inline(line, out);
        return;
    }
    // `1.` or `1)` starts an ordered list (up to nine digits).
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=9).contains(&digits) && matches!(line.as_bytes().get(digits), Some(b'.' | b')')) {
        out.push_str(&line[..digits]);
        out.push('\\');
        escape_inline(&line[digits..], out);
        return;
    }
    escape_inline(line, out);
}

/// Backslash-escapes the ASCII punctuation that is markup inside a line in
/// CommonMark and GitHub Markdown (tables, strikethrough), and `&`, which
/// would start a character reference. Other characters pass as they are.
fn escape_inline(text: &str, out: &mut String) {
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped_line(line: &str) -> String {
        let mut out = String::new();
        escape_line(line, &mut out);
        out
    }

    #[test]
    fn block_markers_at_line_start_are_escaped() {
        assert_eq!(escaped_line("- item"), "\\- item");
        assert_eq!(escaped_line("+ item"), "\\+ item");
        assert_eq!(escaped_line("==="), "\\===");
        assert_eq!(escaped_line("1. first"), "1\\. first");
        assert_eq!(escaped_line("2024) year"), "2024\\) year");
        assert_eq!(escaped_line("> quote"), "\\> quote");
        assert_eq!(escaped_line("## heading"), "\\#\\# heading");
        assert_eq!(escaped_line("    - indented"), "\\- indented");
        assert_eq!(escaped_line("a - b 1. c"), "a - b 1. c");
        assert_eq!(escaped_line("2024 was"), "2024 was");
    }

    #[test]
    fn inline_markup_is_escaped_and_letters_are_not() {
        assert_eq!(
            escaped_line(r"a\b `c` *d* _e_ [f] <g> h|i ~~j~~ &amp; «ك» 中文 é!(x){y}"),
            r"a\\b \`c\` \*d\* \_e\_ \[f\] \<g\> h\|i \~\~j\~\~ \&amp; «ك» 中文 é!(x){y}"
        );
    }
}

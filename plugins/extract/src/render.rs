//! Renders the extractor's content HTML as plain text that keeps the page's
//! structure: a blank line between paragraphs and headings, one line per
//! list item, table row and `<br>`. Whitespace inside a line collapses as a
//! browser would collapse it, except in `<pre>`.
//!
//! The walk is iterative, so a page nested thousands of elements deep cannot
//! exhaust the plugin's stack.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

/// The break an element puts before and after its content. Breaks met
/// together merge into the larger one, so nesting never stacks blank lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    None,
    Line,
    Paragraph,
}

/// The break around an element named `tag`. Besides HTML, the names of the
/// XML tree trafilatura uses internally (`head`, `list`, `item`, `lb`, `row`,
/// `cell`) are understood, in case a version leaves them in its output.
fn break_around(tag: &str) -> Break {
    match tag {
        "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "head" | "blockquote" | "quote"
        | "pre" | "table" | "ul" | "ol" | "dl" | "list" | "section" | "article" | "main"
        | "header" | "footer" | "aside" | "figure" | "hr" | "details" | "summary" | "address"
        | "body" | "doc" => Break::Paragraph,
        "li" | "item" | "dt" | "dd" | "tr" | "row" | "br" | "lb" | "caption" | "figcaption"
        | "legend" => Break::Line,
        _ => Break::None,
    }
}

/// Elements whose content is never text a reader sees.
fn is_hidden(tag: &str) -> bool {
    matches!(tag, "script" | "style" | "noscript" | "template")
}

/// Table cells are separated by a space so neighbouring cells never glue
/// into one word.
fn is_cell(tag: &str) -> bool {
    matches!(tag, "td" | "th" | "cell")
}

/// Plain text of an HTML fragment, structured as described in the module
/// documentation.
pub fn render(fragment: &str) -> String {
    let html = Html::parse_fragment(fragment);
    let mut text = TextBuilder::default();
    let mut hidden_depth = 0usize;
    let mut pre_depth = 0usize;
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(element) => {
                    let tag = element.name();
                    if is_hidden(tag) {
                        hidden_depth += 1;
                    }
                    if tag == "pre" {
                        pre_depth += 1;
                    }
                    text.request(break_around(tag));
                }
                Node::Text(chunk) if hidden_depth == 0 => text.push(chunk, pre_depth > 0),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(element) = node.value() {
                    let tag = element.name();
                    if is_hidden(tag) {
                        hidden_depth -= 1;
                    }
                    if tag == "pre" {
                        pre_depth -= 1;
                    }
                    if is_cell(tag) {
                        text.space();
                    }
                    text.request(break_around(tag));
                }
            }
        }
    }
    text.out
}

/// Accumulates text, deferring breaks and spaces until the next word so
/// that none ever lands at the start or end of the text or of a line.
#[derive(Default)]
struct TextBuilder {
    out: String,
    pending_break: Option<Break>,
    pending_space: bool,
}

impl TextBuilder {
    fn request(&mut self, wanted: Break) {
        if wanted != Break::None && !self.out.is_empty() {
            self.pending_break = self.pending_break.max(Some(wanted));
        }
    }

    fn space(&mut self) {
        if !self.out.is_empty() {
            self.pending_space = true;
        }
    }

    fn push(&mut self, chunk: &str, preformatted: bool) {
        if preformatted {
            for (index, line) in chunk.split('\n').enumerate() {
                if index > 0 {
                    self.request(Break::Line);
                }
                if !line.trim().is_empty() {
                    self.word(line.trim_end());
                }
            }
            return;
        }
        if chunk.starts_with(char::is_whitespace) {
            self.space();
        }
        for word in chunk.split_whitespace() {
            self.word(word);
            self.pending_space = true;
        }
        if !chunk.ends_with(char::is_whitespace) {
            self.pending_space = false;
        }
    }

    fn word(&mut self, word: &str) {
        match self.pending_break.take() {
            Some(Break::Paragraph) => self.out.push_str("\n\n"),
            Some(Break::Line) => self.out.push('\n'),
            _ if self.pending_space && !self.out.is_empty() => self.out.push(' '),
            _ => {}
        }
        self.pending_space = false;
        self.out.push_str(word);
    }
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn paragraphs_and_headings_are_separated_by_a_blank_line() {
        let html = "<h2>Title</h2><p>One  two\n three.</p><p>Four <b>five</b>.</p>";
        assert_eq!(render(html), "Title\n\nOne two three.\n\nFour five.");
    }

    #[test]
    fn list_items_table_rows_and_line_breaks_get_their_own_line() {
        let html = "<p>Intro</p><ul><li>a</li><li>b <i>c</i></li></ul>\
                    <table><tr><td>x</td><td>y</td></tr><tr><td>z</td></tr></table>\
                    <p>one<br>two</p>";
        assert_eq!(render(html), "Intro\n\na\nb c\n\nx y\nz\n\none\ntwo");
    }

    #[test]
    fn inline_elements_do_not_split_or_glue_words() {
        assert_eq!(
            render("<p>un<b>break</b>able and <a>linked</a> word</p>"),
            "unbreakable and linked word"
        );
    }

    #[test]
    fn preformatted_text_keeps_its_lines() {
        assert_eq!(
            render("<pre>fn main() {\n    run();\n}</pre>"),
            "fn main() {\n    run();\n}"
        );
    }
}

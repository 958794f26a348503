//! A plain-text rendering of a parsed HTML page, and its title.
//!
//! Deliberately simple: what a browser would show, without layout. Finding
//! the main text of a page is a plugin's job, not this module's.

use ego_tree::iter::Edge;
use scraper::node::Element;
use scraper::{Html, Node};

const HTML_NAMESPACE: &str = "http://www.w3.org/1999/xhtml";

/// Elements whose content is never shown as text.
const HIDDEN: &[&str] = &["head", "script", "style", "noscript", "template", "title"];

/// Elements that start and end a line.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
];

/// The text of the page's first `<title>`, whitespace collapsed; `None` when
/// it has none or it is blank.
pub(super) fn title(page: &Html) -> Option<String> {
    let title = page.tree.root().descendants().find(|node| {
        node.value()
            .as_element()
            .is_some_and(|element| is_html(element, "title"))
    })?;
    let text = title
        .descendants()
        .filter_map(|node| node.value().as_text())
        .flat_map(|text| text.split_ascii_whitespace())
        .collect::<Vec<_>>()
        .join(" ");
    (!text.is_empty()).then_some(text)
}

/// The page as plain text: hidden elements dropped, one line per block,
/// whitespace collapsed except inside `<pre>`. Entities are already decoded
/// by the parser.
pub(super) fn render(page: &Html) -> String {
    let mut writer = TextWriter::default();
    // Nesting depth of hidden elements and of `<pre>` around the current node.
    let mut hidden = 0usize;
    let mut preformatted = 0usize;
    for edge in page.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(element) => {
                    if is_html_in(element, HIDDEN) {
                        hidden += 1;
                    }
                    if hidden > 0 {
                        continue;
                    }
                    if is_html_in(element, BLOCKS) {
                        writer.end_line();
                    }
                    if is_html(element, "pre") {
                        preformatted += 1;
                    }
                    if is_html(element, "br") {
                        writer.line_break();
                    }
                }
                Node::Text(text) if hidden == 0 => {
                    if preformatted > 0 {
                        writer.push_verbatim(text);
                    } else {
                        writer.push_collapsed(text);
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                let Node::Element(element) = node.value() else {
                    continue;
                };
                if is_html_in(element, HIDDEN) {
                    hidden -= 1;
                    continue;
                }
                if hidden > 0 {
                    continue;
                }
                if is_html_in(element, BLOCKS) {
                    writer.end_line();
                }
                if is_html(element, "pre") {
                    preformatted -= 1;
                }
                if is_html_in(element, &["td", "th"]) {
                    writer.pending_space = true;
                }
            }
        }
    }
    writer.finish()
}

fn is_html(element: &Element, name: &str) -> bool {
    &*element.name.ns == HTML_NAMESPACE && element.name() == name
}

fn is_html_in(element: &Element, names: &[&str]) -> bool {
    &*element.name.ns == HTML_NAMESPACE && names.contains(&element.name())
}

/// Builds text line by line, collapsing runs of whitespace into one space.
struct TextWriter {
    text: String,
    /// Whitespace was seen since the last character written.
    pending_space: bool,
    at_line_start: bool,
}

impl Default for TextWriter {
    fn default() -> Self {
        TextWriter {
            text: String::new(),
            pending_space: false,
            at_line_start: true,
        }
    }
}

impl TextWriter {
    fn push_collapsed(&mut self, text: &str) {
        for character in text.chars() {
            if character.is_ascii_whitespace() {
                self.pending_space = true;
                continue;
            }
            if self.pending_space && !self.at_line_start {
                self.text.push(' ');
            }
            self.text.push(character);
            self.pending_space = false;
            self.at_line_start = false;
        }
    }

    fn push_verbatim(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.pending_space && !self.at_line_start {
            self.text.push(' ');
        }
        self.text.push_str(text);
        self.pending_space = false;
        self.at_line_start = text.ends_with('\n');
    }

    /// Ends the current line, if anything is on it.
    fn end_line(&mut self) {
        if !self.at_line_start {
            self.text.push('\n');
            self.at_line_start = true;
        }
        self.pending_space = false;
    }

    /// A `<br>`: a new line even when the current one is empty.
    fn line_break(&mut self) {
        self.text.push('\n');
        self.at_line_start = true;
        self.pending_space = false;
    }

    fn finish(mut self) -> String {
        let kept = self.text.trim_end().len();
        self.text.truncate(kept);
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(html: &str) -> String {
        render(&Html::parse_document(html))
    }

    #[test]
    fn blocks_start_lines_and_inline_elements_do_not() {
        let html = "<body><h1>Big  <em>news</em></h1>\n<p>First\n line.</p><div>Second <b>line</b></div></body>";
        assert_eq!(text_of(html), "Big news\nFirst line.\nSecond line");
    }

    #[test]
    fn script_style_noscript_and_template_are_dropped() {
        let html = "<head><style>p{}</style><script>var x = 1;</script></head>\
                    <body>kept<script>alert(1)</script><noscript>no js</noscript>\
                    <template><p>later</p></template> too</body>";
        assert_eq!(text_of(html), "kept too");
    }

    #[test]
    fn entities_are_decoded_and_pre_keeps_its_whitespace() {
        let html = "<p>a &amp; b&nbsp;&lt;c&gt;</p><pre>  x\n  y</pre><p>line<br>break</p>";
        assert_eq!(text_of(html), "a & b\u{a0}<c>\n  x\n  y\nline\nbreak");
    }

    #[test]
    fn table_cells_are_separated() {
        let html = "<table><tr><td>a</td><td>b</td></tr><tr><th>c</th></tr></table>";
        assert_eq!(text_of(html), "a b\nc");
    }

    #[test]
    fn the_title_is_collapsed_and_decoded() {
        let page = Html::parse_document("<title>\n Fish &amp;  chips </title><p>x");
        assert_eq!(title(&page).as_deref(), Some("Fish & chips"));
        assert_eq!(title(&Html::parse_document("<title> </title>")), None);
    }
}

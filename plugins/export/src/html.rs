//! The HTML page: a complete HTML5 document that reads well with no
//! stylesheet, in the document's language and direction. Every piece of the
//! document is escaped; nothing from it becomes markup.

use crate::page::{paragraphs, Page};
use html_escape::encode_quoted_attribute as escape;

/// Languages written right to left, by ISO 639-1 or 639-3 code.
const RIGHT_TO_LEFT_LANGUAGES: &[&str] = &[
    "ar", "ara", "arb", "fa", "fas", "per", "pes", "prs", "ur", "urd", "he", "heb", "yi", "yid",
    "ydd", "ps", "pus", "pbt", "sd", "snd", "ug", "uig", "dv", "div", "ckb",
];

/// Scripts written right to left, by ISO 15924 code.
const RIGHT_TO_LEFT_SCRIPTS: &[&str] = &["Arab", "Hebr", "Syrc", "Thaa", "Nkoo"];

/// The page for `page`; `id` is the `<title>` when the document has no title,
/// as HTML requires a non-empty one.
pub(crate) fn html(page: &Page, id: &str) -> String {
    let mut out = String::from("<!DOCTYPE html>\n<html");
    if let Some(code) = page
        .lang_code
        .filter(|code| !code.is_empty() && *code != "und")
    {
        out.push_str(&format!(" lang=\"{}\"", escape(code)));
    }
    let direction = if is_right_to_left(page) { "rtl" } else { "ltr" };
    out.push_str(&format!(" dir=\"{direction}\">\n"));
    out.push_str("<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!(
        "<title>{}</title>\n</head>\n<body>\n",
        escape(page.title.unwrap_or(id))
    ));
    if let Some(title) = page.title {
        out.push_str(&format!("<h1>{}</h1>\n", escape(title)));
    }
    push_paragraphs(page.text, &mut out);
    if let Some(summary) = page.summary {
        out.push_str("<section>\n<h2>Summary</h2>\n");
        push_paragraphs(summary, &mut out);
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// Each paragraph a `<p>`, its single line breaks `<br>`.
fn push_paragraphs(text: &str, out: &mut String) {
    for paragraph in paragraphs(text) {
        out.push_str("<p>");
        for (index, line) in paragraph.iter().enumerate() {
            if index > 0 {
                out.push_str("<br>\n");
            }
            out.push_str(&escape(line));
        }
        out.push_str("</p>\n");
    }
}

/// By the language code (its primary subtag, so `ar-EG` counts), else by the
/// script `langdetect` found.
fn is_right_to_left(page: &Page) -> bool {
    let language = page
        .lang_code
        .and_then(|code| code.split(['-', '_']).next())
        .map(str::to_ascii_lowercase);
    language.is_some_and(|language| RIGHT_TO_LEFT_LANGUAGES.contains(&language.as_str()))
        || page
            .lang_script
            .is_some_and(|script| RIGHT_TO_LEFT_SCRIPTS.contains(&script))
}

//! Removes HTML left in text input by converters and careless scrapers: tags
//! of known HTML elements, comments, `script` and `style` elements with their
//! content, and decodes entities. Only known element names count as tags,
//! so prose such as `x <y and z> w` or `<<Title>>` is left alone.

use crate::report::Change;
use regex::Regex;
use std::borrow::Cow;

/// Elements whose tags end a line of text: dropping them without a break
/// would glue two paragraphs into one.
const BLOCK_ELEMENTS: &str = "address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer|form|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul";

/// Elements whose tags are removed without a line break.
const INLINE_ELEMENTS: &str = "a|abbr|b|bdi|bdo|big|button|cite|code|del|dfn|em|font|i|iframe|img|input|ins|kbd|label|link|mark|meta|noscript|picture|q|s|samp|small|source|span|strike|strong|sub|sup|svg|time|tt|u|var|video|wbr";

/// Attributes as `name="value"`, `name='value'` or `name=value`. Bare
/// attributes are not accepted: `<b and c>` is prose, not a bold tag.
const ATTRIBUTES: &str =
    r#"(?:\s+[A-Za-z_:][-A-Za-z0-9_:.]*\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'=<>`]+))*"#;

/// Removes tags, then decodes entities. Tags first: `&lt;b&gt;` is text
/// about a tag, and must become `<b>`, not be removed. The patterns are
/// compiled only for a text that has a `<` or a `&`: most text has neither,
/// and a plugin instance serves a single document, so compiling them up
/// front would cost every document the most expensive regexes of the plugin.
pub fn apply(text: &str) -> (Cow<'_, str>, Change) {
    let mut change = Change::default();
    if !text.contains(['<', '&']) {
        return (Cow::Borrowed(text), change);
    }
    let mut text = text.to_string();
    if text.contains('<') {
        let tag = |names: &str| {
            Regex::new(&format!(r#"(?i)</?(?:{names}){ATTRIBUTES}\s*/?>"#))
                .expect("the tag pattern is valid")
        };
        let hidden = Regex::new(
            r"(?is)<script(?:\s[^>]*)?>.*?</script\s*>|<style(?:\s[^>]*)?>.*?</style\s*>|<!--.*?-->",
        )
        .expect("the hidden-content pattern is valid");
        text = remove(&hidden, &text, "", &mut change);
        text = remove(&tag(BLOCK_ELEMENTS), &text, "\n", &mut change);
        text = remove(&tag(INLINE_ELEMENTS), &text, "", &mut change);
    }
    if text.contains('&') {
        let entity =
            Regex::new(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
                .expect("the entity pattern is valid");
        text = entity
            .replace_all(&text, |found: &regex::Captures<'_>| {
                let entity = &found[0];
                let decoded = html_escape::decode_html_entities(entity);
                if decoded != entity {
                    // Entities are counted, not listed: the list is for what
                    // was removed.
                    change.count += 1;
                }
                decoded.into_owned()
            })
            .into_owned();
    }
    (Cow::Owned(text), change)
}

fn remove(pattern: &Regex, text: &str, with: &str, change: &mut Change) -> String {
    for found in pattern.find_iter(text) {
        change.record(found.as_str());
    }
    pattern.replace_all(text, with).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(text: &str) -> String {
        apply(text).0.into_owned()
    }

    #[test]
    fn tags_go_block_tags_break_lines_and_entities_decode() {
        assert_eq!(
            strip("<p>Hello <b>world</b>&nbsp;&amp; friends</p><p>Next<br/>line</p>"),
            "\nHello world\u{a0}& friends\n\nNext\nline\n"
        );
        assert_eq!(strip("سلام&#1605; &lt;b&gt;"), "سلامم <b>");
    }

    #[test]
    fn scripts_styles_and_comments_go_with_their_content() {
        assert_eq!(
            strip("a<script type=\"x\">var x = 1 < 2;</script>b<!-- ad -->c<style>p{}</style>d"),
            "abcd"
        );
    }

    #[test]
    fn prose_with_angle_brackets_is_kept() {
        for text in [
            "x <y and z> w",
            "<<Война и мир>>",
            "a < b > c",
            "if a<b and c>d",
            "AT&T; R&D",
        ] {
            assert_eq!(strip(text), text);
        }
    }
}

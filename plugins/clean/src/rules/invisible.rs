//! Removes characters that show nothing and carry nothing: zero-width
//! spaces, word joiners, soft hyphens, byte-order marks, bidirectional
//! controls, and control characters other than line breaks and tabs.
//!
//! No Unicode property fits as is: `Cf` (format) also holds the Arabic
//! number signs and the end-of-ayah mark, which are visible text, and
//! `Default_Ignorable_Code_Point` holds variation selectors and the joiners
//! that emoji and Indic scripts need. So the list is explicit, and the zero
//! width (non-)joiners (U+200C, U+200D) stay wherever they sit between two
//! non-space characters: `می‌خواهم` needs its ZWNJ, `क्‍ष` its ZWJ.

use crate::report::Change;

const ZWNJ: char = '\u{200C}';
const ZWJ: char = '\u{200D}';

/// Characters removed wherever they are.
fn is_removable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' // soft hyphen
            | '\u{061C}' // Arabic letter mark
            | '\u{200B}' // zero width space
            | '\u{200E}' | '\u{200F}' // left-to-right and right-to-left marks
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{FEFF}' // byte-order mark, zero width no-break space
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation controls
    ) || (c.is_control() && !is_line_break_or_tab(c))
}

/// Controls that lay text out; the whitespace rule turns the rarer ones
/// (vertical tab, form feed, next line) into line breaks.
fn is_line_break_or_tab(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\t' | '\u{0B}' | '\u{0C}' | '\u{85}')
}

/// Removes invisible characters. Of a run of joiners only the last stays,
/// and a joiner with whitespace or a line edge on one side joins nothing and
/// goes too.
pub fn apply(text: &str) -> (String, Change) {
    let mut change = Change::default();
    let kept: Vec<char> = text
        .chars()
        .filter(|&c| {
            let removable = is_removable(c);
            change.count += usize::from(removable);
            !removable
        })
        .collect();
    let is_joiner = |c: char| c == ZWNJ || c == ZWJ;
    let joins = |c: Option<char>| c.is_some_and(|c| !c.is_whitespace() && !is_joiner(c));
    let mut out = String::with_capacity(text.len());
    for (i, &c) in kept.iter().enumerate() {
        if is_joiner(c) {
            let after = kept.get(i + 1).copied();
            let repeated = after.is_some_and(is_joiner);
            if repeated || !joins(out.chars().next_back()) || !joins(after) {
                change.count += 1;
                continue;
            }
        }
        out.push(c);
    }
    (out, change)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_width_and_bidi_characters_go() {
        let (text, change) = apply("\u{FEFF}Hel\u{200B}lo \u{200F}مرحبا\u{202C} wo\u{AD}rld\u{7}");
        assert_eq!(text, "Hello مرحبا world");
        assert_eq!(change.count, 6);
    }

    #[test]
    fn joiners_inside_words_stay() {
        for text in [
            "می\u{200C}خواهم",
            "क्\u{200D}ष",
            "👩\u{200D}💻",
            "نمی\u{200C}شود.",
        ] {
            assert_eq!(apply(text).0, text);
        }
    }

    #[test]
    fn stray_and_repeated_joiners_go() {
        assert_eq!(
            apply("\u{200C}سلام \u{200C}\u{200C}دنیا\u{200D}").0,
            "سلام دنیا"
        );
        assert_eq!(apply("می\u{200C}\u{200C}خواهم").0, "می\u{200C}خواهم");
    }

    #[test]
    fn line_breaks_and_tabs_stay() {
        assert_eq!(apply("a\tb\r\nc\u{C}d").0, "a\tb\r\nc\u{C}d");
    }
}

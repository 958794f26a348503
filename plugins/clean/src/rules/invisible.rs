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

use crate::lines::{chars_led_by, lead_bytes};
use crate::report::Change;
use std::borrow::Cow;

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

/// Whether `byte` may start a removable char or a joiner: an ASCII control,
/// or the lead byte of U+0080-U+00BF, U+061C, U+2000-U+206F or
/// U+FEFF-U+FFFB.
const fn may_start_invisible(byte: u8) -> bool {
    matches!(byte, 0x00..=0x1F | 0x7F | 0xC2 | 0xD8 | 0xE2 | 0xEF)
}

fn is_joiner(c: char) -> bool {
    c == ZWNJ || c == ZWJ
}

/// Removes invisible characters. Of a run of joiners only the last stays,
/// and a joiner with whitespace or a line edge on one side joins nothing and
/// goes too.
pub fn apply(text: &str) -> (Cow<'_, str>, Change) {
    let mut change = Change::default();
    let joins = |c: Option<char>| c.is_some_and(|c| !c.is_whitespace() && !is_joiner(c));
    let mut out = String::with_capacity(text.len());
    let mut copied_to = 0;
    for (at, c) in chars_led_by(text, lead_bytes!(may_start_invisible)) {
        let removable = is_removable(c);
        if !removable && !is_joiner(c) {
            continue;
        }
        out.push_str(&text[copied_to..at]);
        copied_to = at + c.len_utf8();
        if removable {
            change.count += 1;
            continue;
        }
        // A joiner joins what is left on either side once the removable
        // chars are gone.
        let after = text[copied_to..].chars().find(|&c| !is_removable(c));
        let repeated = after.is_some_and(is_joiner);
        if repeated || !joins(out.chars().next_back()) || !joins(after) {
            change.count += 1;
            continue;
        }
        out.push(c);
    }
    if copied_to == 0 {
        return (Cow::Borrowed(text), change);
    }
    out.push_str(&text[copied_to..]);
    (Cow::Owned(out), change)
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

    /// The rule as first written: every char decoded, the kept ones
    /// collected, then the joiners judged.
    fn straightforward(text: &str) -> (String, usize) {
        let mut count = 0;
        let kept: Vec<char> = text
            .chars()
            .filter(|&c| {
                count += usize::from(is_removable(c));
                !is_removable(c)
            })
            .collect();
        let joins = |c: Option<char>| c.is_some_and(|c| !c.is_whitespace() && !is_joiner(c));
        let mut out = String::new();
        for (i, &c) in kept.iter().enumerate() {
            if is_joiner(c) {
                let after = kept.get(i + 1).copied();
                if after.is_some_and(is_joiner) || !joins(out.chars().next_back()) || !joins(after)
                {
                    count += 1;
                    continue;
                }
            }
            out.push(c);
        }
        (out, count)
    }

    #[test]
    fn every_removable_char_and_joiner_is_found_by_its_lead_byte() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if is_removable(c) || is_joiner(c) {
                let mut bytes = [0; 4];
                assert!(
                    may_start_invisible(c.encode_utf8(&mut bytes).as_bytes()[0]),
                    "{c:?}"
                );
            }
        }
    }

    #[test]
    fn skipping_plain_chars_changes_nothing() {
        for text in [
            "",
            "\u{200C}",
            "a\u{200C}\u{200B}\u{200C}b \u{200D}\u{AD}\u{200D} c\u{200C}\u{7}",
            "\u{200C}\u{FEFF}سلام\u{200B}\u{200C}\u{2066}\u{200C}دنیا\u{85}\u{9D}\u{200D}\u{AD}",
            "मैं\u{200D}\u{200D} \u{200D}\u{202E}x\u{202E}\u{200D}\u{202E}y\u{0}\u{1F}\u{7F}\u{80}\u{A0}",
            "\u{2060}\u{2064}\u{2065}\u{2069}\u{206A}\u{FFF9}\u{FFFB}\u{FFFC}\u{061B}\u{061C}\u{FEFF}—’",
        ] {
            let (out, change) = apply(text);
            assert_eq!((out.into_owned(), change.count), straightforward(text), "{text:?}");
        }
    }
}

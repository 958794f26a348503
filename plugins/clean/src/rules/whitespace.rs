//! Whitespace, line endings and blank-line runs. Line breaks are unified
//! first, so every line-level rule sees LF only; the layout pass runs last.
//! A lone non-ASCII space (U+3000 between CJK words, a no-break space) is
//! kept as written: only runs and tabs become one plain space.

use crate::lines::{chars_led_by, lead_bytes, may_start_whitespace, split_lines};
use crate::report::Change;
use std::borrow::Cow;

/// Turns CR LF, CR, and the line breaks Unicode and old encodings add
/// (U+2028, U+2029, NEL, vertical tab, form feed) into LF.
pub fn unify_line_breaks(text: &str) -> (Cow<'_, str>, Change) {
    let mut change = Change::default();
    let mut out = String::with_capacity(text.len());
    let mut copied_to = 0;
    for (at, c) in chars_led_by(text, lead_bytes!(may_start_line_break)) {
        if at < copied_to {
            // The LF of a CR LF, already replaced.
            continue;
        }
        let end = match c {
            '\r' if text[at + 1..].starts_with('\n') => at + 2,
            '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' | '\u{0B}' | '\u{0C}' => at + c.len_utf8(),
            _ => continue,
        };
        change.count += 1;
        out.push_str(&text[copied_to..at]);
        out.push('\n');
        copied_to = end;
    }
    if copied_to == 0 {
        return (Cow::Borrowed(text), change);
    }
    out.push_str(&text[copied_to..]);
    (Cow::Owned(out), change)
}

/// Whether `byte` may start a line break other than LF: CR, vertical tab,
/// form feed, or the lead byte of NEL (U+0085), U+2028 and U+2029.
const fn may_start_line_break(byte: u8) -> bool {
    matches!(byte, b'\r' | 0x0B | 0x0C | 0xC2 | 0xE2)
}

/// Trims lines, collapses whitespace runs inside them, keeps at most one
/// blank line between paragraphs and none at either end.
pub fn apply(text: &str) -> (Cow<'_, str>, Change) {
    let mut change = Change::default();
    let mut out = String::with_capacity(text.len());
    let mut pending_blank = false;
    let (mut blank_lines, mut kept_blank_lines) = (0, 0);
    for line in split_lines(text) {
        let collapsed = collapse_inline_whitespace(line);
        if collapsed.is_empty() {
            blank_lines += 1;
            pending_blank = true;
            continue;
        }
        if collapsed != line {
            change.count += 1;
        }
        if !out.is_empty() {
            kept_blank_lines += usize::from(pending_blank);
            out.push_str(if pending_blank { "\n\n" } else { "\n" });
        }
        out.push_str(&collapsed);
        pending_blank = false;
    }
    change.count += blank_lines - kept_blank_lines;
    (Cow::Owned(out), change)
}

/// Trims a line and turns each run of whitespace inside it into one space.
fn collapse_inline_whitespace(line: &str) -> Cow<'_, str> {
    let line = line.trim();
    // Most lines have neither a tab nor two whitespace chars in a row, and
    // come out as they are.
    let mut after_space = None;
    let needs_collapsing = chars_led_by(line, lead_bytes!(may_start_whitespace))
        .filter(|&(_, c)| c.is_whitespace())
        .any(|(at, c)| {
            let run = after_space == Some(at);
            after_space = Some(at + c.len_utf8());
            run || c == '\t'
        });
    if !needs_collapsing {
        return Cow::Borrowed(line);
    }
    let mut collapsed = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_whitespace() {
            collapsed.push(c);
            continue;
        }
        let mut run_length = 1;
        while chars.next_if(|next| next.is_whitespace()).is_some() {
            run_length += 1;
        }
        collapsed.push(if run_length == 1 && c != '\t' { c } else { ' ' });
    }
    Cow::Owned(collapsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_break_becomes_lf() {
        let (text, change) = unify_line_breaks("a\r\nb\rc\u{2028}d\u{C}e\nf");
        assert_eq!(text, "a\nb\nc\nd\ne\nf");
        assert_eq!(change.count, 4);
    }

    #[test]
    fn every_char_is_a_line_break_or_kept_as_walking_every_char_would() {
        let straightforward = |text: &str| {
            let mut out = String::new();
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\r' => {
                        chars.next_if_eq(&'\n');
                        out.push('\n');
                    }
                    '\u{2028}' | '\u{2029}' | '\u{85}' | '\u{0B}' | '\u{0C}' => out.push('\n'),
                    _ => out.push(c),
                }
            }
            out
        };
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let text = format!("a{c}\n{c}\r{c}");
            assert_eq!(unify_line_breaks(&text).0, straightforward(&text), "{c:?}");
        }
    }

    #[test]
    fn runs_collapse_and_blank_lines_shrink() {
        let (text, change) = apply("\n\n  Один   два\t три \n\n\n\nчетыре\nпять  \n\n");
        assert_eq!(text, "Один два три\n\nчетыре\nпять");
        // Two lines changed; of seven blank lines, one stays.
        assert_eq!(change.count, 2 + 6);
    }

    #[test]
    fn a_lone_ideographic_space_is_kept() {
        assert_eq!(apply("今天　天气很好。").0, "今天　天气很好。");
    }
}

//! Removes lines and paragraphs that repeat an earlier one in the same
//! document: a pull quote pasted twice, a caption scraped with its photo
//! and again below it. Lines shorter than `min_repeated_chars` may repeat on
//! purpose (list items, "Yes.", a refrain's short line) and are kept.

use crate::lines::{comparable, is_blank, split_lines};
use crate::report::Change;
use rustc_hash::FxHashSet;
use std::borrow::Cow;

/// Removes every paragraph of several lines, then every line, whose
/// comparable form (at least `min_chars` characters long) was already seen.
pub fn apply(text: &str, min_chars: usize) -> (Cow<'_, str>, Change) {
    let mut change = Change::default();
    let long_enough = |key: &str| key.chars().count() >= min_chars.max(1);
    // Only inserted into and asked: FxHash's order never shows.
    let mut seen_paragraphs = FxHashSet::default();
    let mut seen_lines = FxHashSet::default();
    let mut kept = Vec::new();
    for paragraph in paragraphs(text) {
        // A blank line's key is empty, never long enough to count.
        let keys: Vec<String> = paragraph.iter().map(|line| comparable(line)).collect();
        if paragraph.len() > 1 {
            // The lines of a paragraph are not blank, so their comparable
            // forms joined with a space are the paragraph's: case folding
            // does not look across a space, nor does collapsing.
            let key = keys.join(" ");
            if long_enough(&key) && !seen_paragraphs.insert(key) {
                for line in paragraph {
                    change.record(line.trim());
                }
                continue;
            }
        }
        for (line, key) in paragraph.into_iter().zip(keys) {
            if long_enough(&key) && !seen_lines.insert(key) {
                change.record(line.trim());
                continue;
            }
            kept.push(line);
        }
    }
    if change.count == 0 {
        return (Cow::Borrowed(text), change);
    }
    (Cow::Owned(kept.join("\n")), change)
}

/// Splits `text` into paragraphs (runs of non-blank lines) and single blank
/// lines, so joining everything with LF gives `text` back.
fn paragraphs(text: &str) -> Vec<Vec<&str>> {
    let mut groups: Vec<Vec<&str>> = Vec::new();
    let mut in_paragraph = false;
    for line in split_lines(text) {
        let blank = is_blank(line);
        match groups.last_mut() {
            Some(group) if in_paragraph && !blank => group.push(line),
            _ => groups.push(vec![line]),
        }
        in_paragraph = !blank;
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_repeated_later_goes() {
        let line = "这是一段被网站重复抓取了两次的相当长的中文句子，用来测试。";
        let text = format!("{line}\n\n中间。\n\n{line}\n结尾。");
        let (out, change) = apply(&text, 20);
        assert_eq!(out, format!("{line}\n\n中间。\n\n结尾。"));
        assert_eq!(change.changed, [line]);
    }

    #[test]
    fn a_repeated_paragraph_goes_whole() {
        let text = "नई दिल्ली में आज भारी बारिश हुई।\nसड़कें बंद रहीं।\n\nदूसरा पैराग्राफ।\n\nनई दिल्ली में आज भारी बारिश हुई।\nसड़कें बंद रहीं।";
        let (out, change) = apply(text, 20);
        assert_eq!(
            out,
            "नई दिल्ली में आज भारी बारिश हुई।\nसड़कें बंद रहीं।\n\nदूसरा पैराग्राफ।\n"
        );
        assert_eq!(change.count, 2);
    }

    #[test]
    fn short_repeats_stay() {
        let text = "- Yes.\n- No.\n- Yes.";
        assert_eq!(apply(text, 30).0, text);
    }
}

//! Removes Arabic tatweel (kashida, U+0640) used to stretch a word for
//! looks: `الســـلام` is `السلام`. A tatweel that is not between two letters
//! is kept: after a lone letter it marks an abbreviation (`1445 هـ` for the
//! Hijri year), and a line of them is a separator the text put there.

use crate::report::Change;

const TATWEEL: char = '\u{640}';

/// Removes every run of tatweel that has a letter on both sides.
pub fn apply(text: &str) -> (String, Change) {
    let mut change = Change::default();
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != TATWEEL {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let end = chars[i..]
            .iter()
            .position(|&c| c != TATWEEL)
            .map_or(chars.len(), |offset| i + offset);
        let letter_before = i > 0 && chars[i - 1].is_alphabetic();
        let letter_after = chars.get(end).is_some_and(|c| c.is_alphabetic());
        if letter_before && letter_after {
            change.count += end - i;
        } else {
            out.extend(&chars[i..end]);
        }
        i = end;
    }
    (out, change)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stretched_words_lose_their_tatweel() {
        let (text, change) = apply("الســـلام عليكـم");
        assert_eq!(text, "السلام عليكم");
        assert_eq!(change.count, 4);
    }

    #[test]
    fn abbreviations_and_separators_keep_it() {
        for text in ["عام 1445 هـ", "ــــــ", "ص ـ"] {
            assert_eq!(apply(text).0, text);
        }
    }
}

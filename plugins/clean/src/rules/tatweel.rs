//! Removes Arabic tatweel (kashida, U+0640) used to stretch a word for
//! looks: `الســـلام` is `السلام`. A tatweel that is not between two letters
//! is kept: after a lone letter it marks an abbreviation (`1445 هـ` for the
//! Hijri year), and a line of them is a separator the text put there.

use crate::report::Change;
use std::borrow::Cow;

const TATWEEL: char = '\u{640}';

/// Removes every run of tatweel that has a letter on both sides.
pub fn apply(text: &str) -> (Cow<'_, str>, Change) {
    let mut change = Change::default();
    let mut out = String::with_capacity(text.len());
    let mut copied_to = 0;
    let mut search_from = 0;
    while let Some(offset) = text[search_from..].find(TATWEEL) {
        let start = search_from + offset;
        let run = text[start..].chars().take_while(|&c| c == TATWEEL).count();
        let end = start + run * TATWEEL.len_utf8();
        let letter_before = text[..start]
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic);
        let letter_after = text[end..].chars().next().is_some_and(char::is_alphabetic);
        if letter_before && letter_after {
            change.count += run;
            out.push_str(&text[copied_to..start]);
            copied_to = end;
        }
        search_from = end;
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

    #[test]
    fn searching_for_runs_equals_walking_every_char() {
        let straightforward = |text: &str| {
            let chars: Vec<char> = text.chars().collect();
            let (mut out, mut count, mut i) = (String::new(), 0, 0);
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
                if i > 0
                    && chars[i - 1].is_alphabetic()
                    && chars.get(end).is_some_and(|c| c.is_alphabetic())
                {
                    count += end - i;
                } else {
                    out.extend(&chars[i..end]);
                }
                i = end;
            }
            (out, count)
        };
        for text in [
            "",
            "ـ",
            "ــبـــ",
            "الســـلام عليكـم ـ هـ 1445 هـ\nــــــ\nكـ\u{200C}ـب Aـb 1ـ2 ـa",
            "بـ",
            "ـب",
        ] {
            let (out, change) = apply(text);
            assert_eq!(
                (out.into_owned(), change.count),
                straightforward(text),
                "{text:?}"
            );
        }
    }
}

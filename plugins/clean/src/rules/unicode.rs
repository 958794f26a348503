//! Unicode normalization: NFC by default, so the same word is the same
//! sequence of code points whichever keyboard or converter produced it;
//! NFKC on request. Counted per word, so the report says how many changed.

use crate::config::NormalizationForm;
use crate::lines::split_keeping_spaces;
use crate::report::Change;
use std::borrow::Cow;
use unicode_normalization::{is_nfc_quick, is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Normalizes `text` word by word. Composition never crosses whitespace (a
/// space is a starter nothing composes with), so this equals normalizing the
/// whole text, and lets each changed word be counted.
pub fn apply(text: &str, form: NormalizationForm) -> (Cow<'_, str>, Change) {
    let mut change = Change::default();
    // The quick check (UAX #15) answers "already normalized" for almost all
    // text without decomposing anything; only a "maybe" or "no" pays for
    // normalizing, and then only in the words that are not plainly normal.
    let is_normal = |piece: &str| match form {
        NormalizationForm::Nfc => is_nfc_quick(piece.chars()) == IsNormalized::Yes,
        NormalizationForm::Nfkc => is_nfkc_quick(piece.chars()) == IsNormalized::Yes,
        NormalizationForm::None => true,
    };
    if is_normal(text) {
        return (Cow::Borrowed(text), change);
    }
    let mut out = String::with_capacity(text.len());
    for piece in split_keeping_spaces(text, char::is_whitespace) {
        if is_normal(piece) {
            out.push_str(piece);
            continue;
        }
        let normalized: String = match form {
            NormalizationForm::Nfc => piece.nfc().collect(),
            NormalizationForm::Nfkc => piece.nfkc().collect(),
            NormalizationForm::None => unreachable!("every text is normal under None"),
        };
        if normalized != piece {
            change.count += 1;
        }
        out.push_str(&normalized);
    }
    (Cow::Owned(out), change)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_composes_and_counts_words() {
        let (text, change) = apply("Cafe\u{301} and cafe\u{301}", NormalizationForm::Nfc);
        assert_eq!(text, "Café and café");
        assert_eq!(change.count, 2);
    }

    #[test]
    fn nfc_keeps_compatibility_characters_and_nfkc_folds_them() {
        let text = "ﻻ ２０２４ ﬁne";
        assert_eq!(apply(text, NormalizationForm::Nfc).0, text);
        assert_eq!(apply(text, NormalizationForm::Nfkc).0, "لا 2024 fine");
        assert_eq!(apply(text, NormalizationForm::None).0, text);
    }

    #[test]
    fn nfc_of_arabic_hindi_and_hangul() {
        // Alef + hamza above composes to U+0623; ka + nukta stays (a
        // composition exclusion); Hangul jamo compose to a syllable.
        let (text, _) = apply(
            "\u{627}\u{654} क\u{93c} \u{1100}\u{1161}",
            NormalizationForm::Nfc,
        );
        assert_eq!(text, "\u{623} क\u{93c} \u{ac00}");
    }

    #[test]
    fn quick_checked_words_come_out_as_normalizing_every_word() {
        let straightforward = |text: &str, form| {
            let mut count = 0;
            let out: String = split_keeping_spaces(text, char::is_whitespace)
                .map(|piece| {
                    let normalized: String = match form {
                        NormalizationForm::Nfc => piece.nfc().collect(),
                        _ => piece.nfkc().collect(),
                    };
                    count += usize::from(normalized != piece);
                    normalized
                })
                .collect();
            (out, count)
        };
        for text in [
            "",
            "plain ASCII only",
            "Cafe\u{301} café e\u{301}\u{301} \u{301}start",
            "\u{627}\u{654} \u{627}\u{653}\u{64E}\u{651} السلام عليكم",
            "क\u{93c} \u{1100}\u{1161}\u{11A8} 한국어 \u{AC00}\u{11A8}",
            "ﻻ ２０２４ ﬁne \u{212B} \u{2126} Å",
            "a\u{0323}\u{0307} a\u{0307}\u{0323} \u{0F73} \u{0344}",
            "中文\u{3000}日本語　テスト ｶﾀｶﾅ",
        ] {
            for form in [NormalizationForm::Nfc, NormalizationForm::Nfkc] {
                let (out, change) = apply(text, form);
                assert_eq!(
                    (out.into_owned(), change.count),
                    straightforward(text, form),
                    "{text:?}"
                );
            }
        }
    }
}

//! Unicode normalization: NFC by default, so the same word is the same
//! sequence of code points whichever keyboard or converter produced it;
//! NFKC on request. Counted per word, so the report says how many changed.

use crate::config::NormalizationForm;
use crate::lines::split_keeping_spaces;
use crate::report::Change;
use unicode_normalization::UnicodeNormalization;

/// Normalizes `text` word by word. Composition never crosses whitespace (a
/// space is a starter nothing composes with), so this equals normalizing the
/// whole text, and lets each changed word be counted.
pub fn apply(text: &str, form: NormalizationForm) -> (String, Change) {
    let mut change = Change::default();
    if form == NormalizationForm::None {
        return (text.to_string(), change);
    }
    let mut out = String::with_capacity(text.len());
    for piece in split_keeping_spaces(text, char::is_whitespace) {
        let normalized: String = match form {
            NormalizationForm::Nfc => piece.nfc().collect(),
            NormalizationForm::Nfkc => piece.nfkc().collect(),
            NormalizationForm::None => unreachable!("returned above"),
        };
        if normalized != piece {
            change.count += 1;
        }
        out.push_str(&normalized);
    }
    (out, change)
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
}

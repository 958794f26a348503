//! The language-identification contract: the `lang` field that detector
//! plugins write and later stages (summaries, routing, export paths) read, the
//! configuration every detector accepts, and the per-paragraph breakdown of
//! mixed documents. Detectors differ only in how they score a text; keeping
//! the shape here means an operator swaps one for another in the pipeline file
//! and nothing downstream notices. Nothing here detects anything.

use crate::{chars, JsonSchema, PluginError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The ISO 639 code for "undetermined".
pub const UNDETERMINED: &str = "und";

/// How many languages [`Language::candidates`] lists at most.
pub const CANDIDATES: usize = 3;

/// Configuration shared by the language detectors.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DetectorConfig {
    /// Answer `und` when the text has fewer letters than this (any script;
    /// digits, spaces and punctuation do not count).
    pub min_chars: usize,
    /// Answer `und` when the detector's confidence (0 to 1) is below this.
    pub min_confidence: f64,
    /// Consider only these languages, as ISO 639-1 or 639-3 codes (e.g.
    /// `["en", "ar", "zho"]`). Empty means every language the detector knows.
    pub only: Vec<String>,
    /// Analyse at most this many characters from the start of the text (and
    /// of each paragraph, with `paragraphs`): detection cost grows with
    /// length, its accuracy barely does past a few hundred characters.
    pub max_chars: usize,
    /// Also detect each paragraph (blocks separated by blank lines) and write
    /// them, with each language's share of the letters, to `meta.langdetect`.
    pub paragraphs: bool,
}

impl Default for DetectorConfig {
    fn default() -> Self {
        DetectorConfig {
            min_chars: 20,
            min_confidence: 0.2,
            only: Vec::new(),
            max_chars: 500,
            paragraphs: false,
        }
    }
}

impl DetectorConfig {
    /// Refuse settings no detector can honour; `only` is checked by each
    /// detector against the languages it knows.
    pub fn validate(&self) -> Result<(), PluginError> {
        if !(0.0..=1.0).contains(&self.min_confidence) {
            return Err(PluginError::new(
                "invalid-config",
                format!(
                    "min_confidence must be between 0 and 1, not {}",
                    self.min_confidence
                ),
            )
            .at("/min_confidence"));
        }
        Ok(())
    }

    /// The `only` codes resolved by `known` to the detector's languages;
    /// refuses the first code it does not know, pointing at it.
    pub fn only_languages<T>(
        &self,
        known: impl Fn(&str) -> Option<T>,
    ) -> Result<Vec<T>, PluginError> {
        self.only
            .iter()
            .enumerate()
            .map(|(index, code)| {
                known(code).ok_or_else(|| {
                    PluginError::new(
                        "invalid-config",
                        format!("{code:?} is not an ISO 639 code of a language the detector knows"),
                    )
                    .at(format!("/only/{index}"))
                })
            })
            .collect()
    }

    /// What a detector writes for `text`: `detect` applied to its first
    /// `max_chars` characters, and to each paragraph's with `paragraphs`.
    pub fn output(&self, text: &str, mut detect: impl FnMut(&str) -> Language) -> DetectorOutput {
        let langdetect = self.paragraphs.then(|| {
            mixture(text, |paragraph| {
                detect(prefix_chars(paragraph, self.max_chars))
            })
        });
        DetectorOutput {
            lang: detect(prefix_chars(text, self.max_chars)),
            meta: DetectorMeta { langdetect },
        }
    }
}

/// The fields a language detector reads.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct DetectorInput {
    /// The text whose language is detected.
    pub text: String,
}

/// The fields a language detector writes.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DetectorOutput {
    /// The detected language of the whole text.
    pub lang: Language,
    /// Per-paragraph languages, when `paragraphs` is set.
    pub meta: DetectorMeta,
}

/// The `meta` keys a language detector adds.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct DetectorMeta {
    /// The breakdown of a mixed document; only with `paragraphs`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub langdetect: Option<Mixture>,
}

/// A detected language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Language {
    /// ISO 639-1 code where one exists (`en`, `ar`, `zh`), else ISO 639-3;
    /// `und` when undetermined.
    pub code: String,
    /// English name of the language, `Undetermined` for `und`.
    pub name: String,
    /// ISO 15924 code of the dominant script (`Latn`, `Arab`, `Cyrl`, `Hani`),
    /// `Zyyy` when the text has no letters of a known script.
    pub script: String,
    /// How sure the detector is, from 0 to 1; 0 for `und`.
    pub confidence: f64,
    /// Up to three likely languages, best first, each with a score from 0 to
    /// 1; empty for `und`.
    pub candidates: Vec<Candidate>,
}

impl Language {
    /// The honest unknown: `und` in the given script.
    pub fn undetermined(script: &str) -> Language {
        Language {
            code: UNDETERMINED.to_string(),
            name: "Undetermined".to_string(),
            script: script.to_string(),
            confidence: 0.0,
            candidates: Vec::new(),
        }
    }
}

/// One likely language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Candidate {
    /// Language code, as in `lang.code`.
    pub code: String,
    /// Likelihood from 0 to 1; the scores of all candidates add up to at most 1.
    pub score: f64,
}

/// The languages of a document's paragraphs.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Mixture {
    /// Each non-blank paragraph, in order.
    pub paragraphs: Vec<Paragraph>,
    /// Each language's share of the letters of all paragraphs (`und`
    /// included), from 0 to 1, keyed by code.
    pub shares: BTreeMap<String, f64>,
}

/// One paragraph's language.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Paragraph {
    /// Offset of the paragraph's first character in `text`, in Unicode
    /// scalar values.
    pub start: usize,
    /// Offset just past its last character.
    pub end: usize,
    /// Its language code, as in `lang.code`.
    pub code: String,
    /// The detector's confidence for it, 0 for `und`.
    pub confidence: f64,
}

/// Detect each paragraph of `text` (blocks separated by blank lines) with
/// `detect`, and each language's share of the letters.
pub fn mixture(text: &str, mut detect: impl FnMut(&str) -> Language) -> Mixture {
    let mut paragraphs = Vec::new();
    let mut letters_by_code: BTreeMap<String, usize> = BTreeMap::new();
    let mut total_letters = 0;
    for (start, end, paragraph) in split_paragraphs(text) {
        let language = detect(paragraph);
        let letters = letter_count(paragraph);
        total_letters += letters;
        *letters_by_code.entry(language.code.clone()).or_default() += letters;
        paragraphs.push(Paragraph {
            start,
            end,
            code: language.code,
            confidence: language.confidence,
        });
    }
    let shares = letters_by_code
        .into_iter()
        .filter(|&(_, letters)| letters > 0)
        .map(|(code, letters)| (code, round(letters as f64 / total_letters as f64)))
        .collect();
    Mixture { paragraphs, shares }
}

/// Non-blank paragraphs as (start, end, text), offsets in characters, each
/// trimmed of surrounding whitespace.
fn split_paragraphs(text: &str) -> Vec<(usize, usize, &str)> {
    let mut paragraphs = Vec::new();
    let mut chars_before = 0;
    let mut byte_start = 0;
    let mut push = |from: usize, to: usize, chars_at_from: usize| {
        let block = &text[from..to];
        let trimmed = block.trim();
        if !trimmed.is_empty() {
            let leading = block.len() - block.trim_start().len();
            let start = chars_at_from + block[..leading].chars().count();
            paragraphs.push((start, start + trimmed.chars().count(), trimmed));
        }
    };
    let mut chars_at_start = 0;
    let mut byte = 0;
    for line in text.split_inclusive('\n') {
        let line_end = byte + line.len();
        let line_chars = line.chars().count();
        if line.trim().is_empty() {
            push(byte_start, byte, chars_at_start);
            byte_start = line_end;
            chars_at_start = chars_before + line_chars;
        }
        chars_before += line_chars;
        byte = line_end;
    }
    push(byte_start, text.len(), chars_at_start);
    paragraphs
}

/// Rounded so outputs stay stable and readable across platforms.
pub fn round(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

/// The first `max_chars` characters of `text`.
pub fn prefix_chars(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// How many letters `text` has, in any script.
pub fn letter_count(text: &str) -> usize {
    text.chars().filter(|&c| chars::is_alphabetic(c)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(code: &str) -> Language {
        Language {
            code: code.to_string(),
            ..Language::undetermined("Latn")
        }
    }

    #[test]
    fn paragraphs_are_split_on_blank_lines_with_character_offsets() {
        let text = "  héllo wörld\nsame\n\n \n  zweiter ü\n";
        let found: Vec<(usize, usize, &str)> = split_paragraphs(text);
        assert_eq!(
            found,
            vec![(2, 18, "héllo wörld\nsame"), (24, 33, "zweiter ü")]
        );
        let chars: Vec<char> = text.chars().collect();
        let second: String = chars[24..33].iter().collect();
        assert_eq!(second, "zweiter ü");
    }

    #[test]
    fn shares_weigh_paragraphs_by_letters() {
        let text = "aaaa aaaa aaaa\n\nbbbb\n\n1234";
        let mixture = mixture(text, |p| {
            fixed(if p.starts_with('a') { "xa" } else { "xb" })
        });
        assert_eq!(mixture.paragraphs.len(), 3);
        assert_eq!(mixture.shares.get("xa"), Some(&0.75));
        assert_eq!(mixture.shares.get("xb"), Some(&0.25));
    }

    #[test]
    fn min_confidence_outside_zero_to_one_is_refused() {
        let config = DetectorConfig {
            min_confidence: 1.5,
            ..DetectorConfig::default()
        };
        assert_eq!(
            config.validate().unwrap_err().pointer.as_deref(),
            Some("/min_confidence")
        );
    }
}

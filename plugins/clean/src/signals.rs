//! Gopher- and C4-style quality signals of the cleaned text, and the
//! thresholds that may drop a document on them. Signals are always measured
//! and written to `meta`; a document is dropped only by a threshold the
//! pipeline sets, and the drop reason names the signal.

use crate::config::DropThresholds;
use crate::lines::{comparable, ends_sentence, is_blank, lines};
use docpipe_plugin_sdk::{words, JsonSchema};
use rustc_hash::FxHashSet;
use serde::Serialize;

/// Quality signals of one cleaned text.
#[derive(Debug, Default, Clone, PartialEq, Serialize, JsonSchema)]
pub struct QualitySignals {
    /// Words, by Unicode word boundaries (UAX #29): in Chinese and Japanese
    /// text, where words are not separated, each ideograph counts as one.
    pub words: usize,
    /// Mean length of a word, in characters (0 without words).
    pub mean_word_length: f64,
    /// Hash signs and ellipses (`#`, `...`, `…`) per word (Gopher's symbol
    /// ratio; 0 without words).
    pub symbol_ratio: f64,
    /// Non-empty lines.
    pub lines: usize,
    /// Share of non-empty lines that repeat an earlier line (0 to 1).
    pub duplicate_line_fraction: f64,
    /// Share of non-empty lines ending in terminal punctuation, in any
    /// script: `.`, `!`, `?`, `…`, `؟`, `۔`, `。`, `！`, `？`, `।`, `॥`, possibly
    /// followed by closing quotes or brackets (0 to 1).
    pub terminal_punctuation_share: f64,
}

impl QualitySignals {
    pub fn measure(text: &str) -> Self {
        let words: Vec<&str> = words::words(text).collect();
        let word_chars: usize = words.iter().map(|word| word.chars().count()).sum();
        let symbols = symbols(text);
        let lines: Vec<&str> = lines(text).filter(|line| !is_blank(line)).collect();
        // Only inserted into: FxHash's order never shows, and it is
        // several times cheaper than SipHash on every line.
        let mut seen = FxHashSet::default();
        let duplicates = lines
            .iter()
            .filter(|line| !seen.insert(comparable(line)))
            .count();
        let terminated = lines.iter().filter(|line| ends_sentence(line)).count();
        QualitySignals {
            words: words.len(),
            mean_word_length: ratio(word_chars, words.len()),
            symbol_ratio: ratio(symbols, words.len()),
            lines: lines.len(),
            duplicate_line_fraction: ratio(duplicates, lines.len()),
            terminal_punctuation_share: ratio(terminated, lines.len()),
        }
    }

    /// Why the document fails a threshold of `drop`, if it does: the first
    /// failed threshold, naming the signal, its value and the limit.
    pub fn failed_threshold(&self, drop: &DropThresholds) -> Option<String> {
        let words = self.words as f64;
        let checks: [(&str, f64, &str, Option<f64>, bool); 7] = [
            (
                "words",
                words,
                "min_words",
                drop.min_words.map(|n| n as f64),
                true,
            ),
            (
                "words",
                words,
                "max_words",
                drop.max_words.map(|n| n as f64),
                false,
            ),
            (
                "mean_word_length",
                self.mean_word_length,
                "min_mean_word_length",
                drop.min_mean_word_length,
                true,
            ),
            (
                "mean_word_length",
                self.mean_word_length,
                "max_mean_word_length",
                drop.max_mean_word_length,
                false,
            ),
            (
                "symbol_ratio",
                self.symbol_ratio,
                "max_symbol_ratio",
                drop.max_symbol_ratio,
                false,
            ),
            (
                "duplicate_line_fraction",
                self.duplicate_line_fraction,
                "max_duplicate_line_fraction",
                drop.max_duplicate_line_fraction,
                false,
            ),
            (
                "terminal_punctuation_share",
                self.terminal_punctuation_share,
                "min_terminal_punctuation_share",
                drop.min_terminal_punctuation_share,
                true,
            ),
        ];
        checks.into_iter().find_map(|(signal, value, key, limit, is_minimum)| {
            let limit = limit?;
            let fails = if is_minimum { value < limit } else { value > limit };
            fails.then(|| {
                let side = if is_minimum { "below" } else { "above" };
                format!("quality signal `{signal}` is {value}, {side} the threshold drop.{key} = {limit}")
            })
        })
    }
}

/// Hash signs, ellipses (`…`) and runs of three full stops (`...`, counted
/// as `str::matches` does: "......" twice), in one pass of the memchr
/// crate's three-byte search rather than three scans of the text.
fn symbols(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    // The run of full stops being counted: where it started, where it ends.
    let mut run: Option<(usize, usize)> = None;
    for at in memchr::memchr3_iter(b'#', b'.', 0xE2, bytes) {
        if bytes[at] == b'.' {
            run = match run {
                Some((start, end)) if end == at => Some((start, at + 1)),
                finished => {
                    count += finished.map_or(0, |(start, end)| (end - start) / 3);
                    Some((at, at + 1))
                }
            };
        } else if bytes[at] == b'#' || bytes[at + 1..].starts_with(&[0x80, 0xA6]) {
            // `#`, or U+2026 (E2 80 A6); other chars led by 0xE2 do not count.
            count += 1;
        }
    }
    count + run.map_or(0, |(start, end)| (end - start) / 3)
}

/// `part / whole`, rounded to three decimals so `meta` stays readable; 0 for
/// an empty whole.
fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (part as f64 / whole as f64 * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_are_counted_as_three_searches_count_them() {
        let by_matches = |text: &str| {
            text.matches('#').count() + text.matches("...").count() + text.matches('…').count()
        };
        let mut texts = crate::lines::tests::break_texts();
        // Chars led by 0xE2 that are not the ellipsis, and long runs.
        texts.extend([
            "–….—...".to_string(),
            ".".repeat(40),
            "…".repeat(20),
            "#.".repeat(30),
        ]);
        for text in texts {
            assert_eq!(symbols(&text), by_matches(&text), "{text:?}");
        }
    }

    #[test]
    fn signals_of_a_small_text() {
        let signals = QualitySignals::measure("هل هذا جيد؟\nنعم #وسم...\nهل هذا جيد؟\nبلا نهاية");
        assert_eq!(signals.words, 10);
        assert_eq!(signals.lines, 4);
        assert_eq!(signals.symbol_ratio, 0.2);
        assert_eq!(signals.duplicate_line_fraction, 0.25);
        assert_eq!(signals.terminal_punctuation_share, 0.75);
    }

    #[test]
    fn chinese_and_hindi_sentences_end_with_their_own_punctuation() {
        let signals = QualitySignals::measure("今天天气很好。\nयह अच्छा है।\nNo end");
        assert_eq!(signals.terminal_punctuation_share, 0.667);
    }

    #[test]
    fn only_set_thresholds_drop_and_the_reason_names_the_signal() {
        let signals = QualitySignals::measure("Too short.");
        assert_eq!(signals.failed_threshold(&DropThresholds::default()), None);
        let reason = signals
            .failed_threshold(&DropThresholds {
                min_words: Some(5),
                ..DropThresholds::default()
            })
            .unwrap();
        assert_eq!(
            reason,
            "quality signal `words` is 2, below the threshold drop.min_words = 5"
        );
    }
}

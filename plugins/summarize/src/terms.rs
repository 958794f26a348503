//! Turns sentences into the terms the ranking compares: UAX #29 words,
//! lower-cased, with Arabic diacritics and letter variants folded, without
//! the language's stop words, as small integer ids. Han and kana runs, which
//! UAX #29 gives one character at a time, become character bigrams, the usual
//! unit for comparing Chinese and Japanese text without a dictionary.

use docpipe_plugin_sdk::chars;
use docpipe_plugin_sdk::words;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;

/// Stop words of one language, or none when the language is unknown or has
/// no list: the inverse sentence frequency in the ranking then keeps common
/// words from dominating, so a missing list degrades gracefully.
#[derive(Debug, Default)]
pub struct StopWords(FxHashSet<&'static str>);

impl StopWords {
    /// The NLTK list of the language with this ISO 639-1 code (`en`, `ar`,
    /// `zh`; a region or script suffix such as `en-GB` is ignored).
    pub fn for_language(code: &str) -> StopWords {
        let primary = code.split(['-', '_']).next().unwrap_or("");
        let primary = primary.to_ascii_lowercase();
        let words = stop_words::lookup(&primary).unwrap_or_default();
        StopWords(words.iter().copied().collect())
    }

    fn contains(&self, word: &str) -> bool {
        self.0.contains(word)
    }
}

/// Stop-word lists by language code, built on first use.
#[derive(Debug, Default)]
pub struct StopWordCache(BTreeMap<String, StopWords>);

impl StopWordCache {
    pub fn get(&mut self, code: Option<&str>) -> &StopWords {
        let code = code.unwrap_or("");
        self.0
            .entry(code.to_string())
            .or_insert_with(|| StopWords::for_language(code))
    }
}

/// One sentence as the ranking sees it.
#[derive(Debug, Clone, Default)]
pub struct SentenceTerms {
    /// Distinct term ids, ascending, each with how often it occurs.
    pub counts: Vec<(u32, f64)>,
    /// Number of words, stop words included: the sentence's length.
    pub words: usize,
}

/// Gives each distinct term of one document a small id, in order of first
/// appearance, so that later steps compare sorted integer lists, not strings.
#[derive(Debug, Default)]
pub struct Vocabulary {
    ids: FxHashMap<String, u32>,
}

impl Vocabulary {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// The terms of `text`; new terms are added to the vocabulary.
    pub fn terms(&mut self, text: &str, stop_words: &StopWords) -> SentenceTerms {
        let mut ids: Vec<u32> = Vec::new();
        let mut words = 0;
        let mut folded = String::new();
        // The last ideograph seen, and whether it began its run.
        let mut ideograph: Option<(char, bool)> = None;
        for word in words::words(text) {
            words += 1;
            let mut chars = word.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                if is_ideographic(c) {
                    if let Some((before, _)) = ideograph {
                        folded.clear();
                        folded.push(before);
                        folded.push(c);
                        ids.push(self.id(&folded));
                    }
                    ideograph = Some((c, ideograph.is_none()));
                    continue;
                }
            }
            self.end_ideograph_run(ideograph.take(), &mut ids);
            fold(word, &mut folded);
            if !folded.is_empty() && !stop_words.contains(&folded) {
                ids.push(self.id(&folded));
            }
        }
        self.end_ideograph_run(ideograph, &mut ids);
        ids.sort_unstable();
        let mut counts: Vec<(u32, f64)> = Vec::with_capacity(ids.len());
        for id in ids {
            match counts.last_mut() {
                Some((last, count)) if *last == id => *count += 1.0,
                _ => counts.push((id, 1.0)),
            }
        }
        SentenceTerms { counts, words }
    }

    /// The id of the folded term `term`.
    fn id(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = self.ids.len() as u32;
        self.ids.insert(term.to_string(), id);
        id
    }

    /// Closes a run of ideographs: a run of one had no bigram, so the
    /// character is the term.
    fn end_ideograph_run(&mut self, last: Option<(char, bool)>, ids: &mut Vec<u32>) {
        if let Some((c, true)) = last {
            let mut buffer = [0u8; 4];
            ids.push(self.id(c.encode_utf8(&mut buffer)));
        }
    }
}

/// Han ideographs, kana and Hangul syllables that UAX #29 returns one by one.
fn is_ideographic(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'   // hiragana, katakana
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{20000}'..='\u{2FA1F}')
}

/// Lower-cases `word` into `out`, dropping Arabic diacritics and tatweel and
/// writing the alef forms as bare alef and alef maqsura as ya, as Arabic
/// search engines do: the same word is often written both ways in one text.
fn fold(word: &str, out: &mut String) {
    out.clear();
    for c in word.chars() {
        match c {
            '\u{064B}'..='\u{0652}' | '\u{0670}' | '\u{0640}' => {}
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ى' => out.push('ي'),
            _ if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            _ if chars::is_caseless(c) => out.push(c),
            _ => out.extend(c.to_lowercase()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(vocabulary: &mut Vocabulary, text: &str, code: &str) -> Vec<u32> {
        vocabulary
            .terms(text, &StopWords::for_language(code))
            .counts
            .iter()
            .map(|&(id, _)| id)
            .collect()
    }

    #[test]
    fn english_stop_words_are_dropped_and_case_folded() {
        let mut vocabulary = Vocabulary::default();
        let first = vocabulary.terms(
            "The Minister and the minister",
            &StopWords::for_language("en"),
        );
        assert_eq!(first.counts, [(0, 2.0)]);
        assert_eq!(first.words, 5);
    }

    #[test]
    fn without_a_language_every_word_counts() {
        let mut vocabulary = Vocabulary::default();
        assert_eq!(terms(&mut vocabulary, "the minister", "und").len(), 2);
        assert_eq!(terms(&mut vocabulary, "the minister", "").len(), 2);
    }

    #[test]
    fn arabic_variants_fold_to_one_term() {
        let mut vocabulary = Vocabulary::default();
        let a = terms(&mut vocabulary, "أمريكا", "ar");
        let b = terms(&mut vocabulary, "امريكا", "ar");
        let c = terms(&mut vocabulary, "أَمْرِيكَا", "ar");
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert!(terms(&mut vocabulary, "في", "ar").is_empty(), "a stop word");
    }

    #[test]
    fn chinese_runs_become_bigrams() {
        let mut vocabulary = Vocabulary::default();
        let sentence = vocabulary.terms("安全部队", &StopWords::default());
        // 安全, 全部, 部队; a lone ideograph is its own term.
        assert_eq!(sentence.counts.len(), 3);
        assert_eq!(
            vocabulary.terms("好", &StopWords::default()).counts.len(),
            1
        );
        assert_eq!(vocabulary.len(), 4);
    }
}

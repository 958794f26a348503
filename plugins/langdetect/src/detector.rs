//! Scores a text against every allowed language with lingua's high-accuracy
//! method over the compact table (`model.rs`): lowercased words, its rules
//! (script, Han without kana, letters: `rules.rs`), the distinct
//! n-grams of each length (1 to 5 for short text, 3 only from 120 letters on,
//! as lingua does), each n-gram's log-probability backing off to its prefixes
//! when a language lacks it, sums normalized by how many unigrams a language
//! knows, then a softmax. It allocates a little per call and keeps no state
//! between documents.

use crate::languages::LANGUAGES;
use crate::model::{self, Model, COST_SCALE, MAX_ORDER};
use crate::rules::LetterRules;
use crate::script;
use docpipe_plugin_sdk::chars;

/// How many languages there are.
pub const LANGUAGE_COUNT: usize = LANGUAGES.len();

/// From this many letters on only trigrams are scored (lingua's threshold):
/// longer n-grams add cost, not accuracy, once there is this much text.
const TRIGRAMS_ONLY_FROM: usize = 120;

/// A set of languages, one bit per index into `LANGUAGES`.
pub type LanguageSet = u128;

/// Every language.
pub const ALL: LanguageSet = (1 << LANGUAGE_COUNT) - 1;

/// Each language's probability, best first; empty when nothing scored.
#[derive(Debug, Default)]
pub struct Ranking {
    /// (language index, probability 0 to 1), best first.
    pub languages: Vec<(usize, f64)>,
}

/// The dominant script of `words` (index into `script::SCRIPTS`), if they
/// have letters of a known one.
pub fn dominant_script(words: &[&str]) -> Option<u8> {
    let mut counts = [0usize; script::SCRIPTS.len()];
    for c in words.iter().flat_map(|word| word.chars()) {
        if let Some(s) = script::block_of(c) {
            counts[s as usize] += 1;
        }
    }
    // Japanese mixes kana with Han; count them as one so it is not split.
    let kana = counts[script::KANA[0] as usize] + counts[script::KANA[1] as usize];
    counts[script::KANA[0] as usize] = kana;
    counts[script::KANA[1] as usize] = 0;
    if kana > 0 {
        counts[script::KANA[0] as usize] += counts[script::HAN as usize];
        counts[script::HAN as usize] = 0;
    }
    let (best, &count) = counts
        .iter()
        .enumerate()
        .max_by_key(|&(i, c)| (c, usize::MAX - i))?;
    (count > 0).then_some(best as u8)
}

/// Lowercased words as lingua splits them: runs of letters, except that each
/// Han, Hiragana or Katakana character is a word of its own.
pub fn words(lowercase: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = None;
    for (at, c) in lowercase.char_indices() {
        let letter = script::is_letter_by(c, chars::is_alphabetic);
        let single = letter && script::is_ideograph_or_kana(c);
        if !letter || single {
            if let Some(from) = start.take() {
                words.push(&lowercase[from..at]);
            }
            if single {
                words.push(&lowercase[at..at + c.len_utf8()]);
            }
        } else if start.is_none() {
            start = Some(at);
        }
    }
    if let Some(from) = start {
        words.push(&lowercase[from..]);
    }
    words
}

/// An n-gram as the fingerprints of its prefixes: `[0]` of its first
/// character, `[order - 1]` of the whole n-gram, zero past that.
type NgramPath = [u32; MAX_ORDER];

/// The distinct n-grams of `order` characters in `words`, sorted, so that
/// n-grams sharing prefixes are neighbours.
fn ngrams(words: &[&str], order: usize) -> Vec<NgramPath> {
    let mut found = Vec::new();
    let mut bounds = Vec::new();
    for word in words {
        bounds.clear();
        bounds.extend(word.char_indices().map(|(at, _)| at).chain([word.len()]));
        for window in bounds.windows(order + 1) {
            let mut path = [0; MAX_ORDER];
            let mut hash = model::EMPTY_FINGERPRINT;
            for length in 0..order {
                hash = model::extend(hash, &word[window[length]..window[length + 1]]);
                path[length] = hash;
            }
            found.push(path);
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// A cost in the table meaning "this language has no such n-gram".
const MISSING: u16 = u16::MAX;

/// Per-language costs of one n-gram, backed off to its prefixes where a
/// language lacks it.
type Costs = [u16; LANGUAGE_COUNT];

/// The last n-gram looked up at each length, by fingerprint, with its
/// costs. N-grams are scored in sorted order, so consecutive ones share their
/// prefixes and each prefix is looked up once.
struct PrefixCache {
    levels: [Option<(u32, Costs)>; MAX_ORDER],
}

impl PrefixCache {
    fn costs(&mut self, model: &Model, path: &NgramPath, length: usize) -> Costs {
        let fingerprint = path[length - 1];
        if let Some((key, costs)) = &self.levels[length - 1] {
            if *key == fingerprint {
                return *costs;
            }
        }
        let mut costs = if length > 1 {
            self.costs(model, path, length - 1)
        } else {
            [MISSING; LANGUAGE_COUNT]
        };
        for (language, cost) in model.table(length).lookup(fingerprint) {
            costs[language] = u16::from(cost);
        }
        self.levels[length - 1] = Some((fingerprint, costs));
        costs
    }
}

/// Rank the `allowed` languages for `words` (lowercased, see [`words`])
/// written mostly in `script`: only languages written in it compete.
pub fn rank(
    model: &Model,
    rules: &LetterRules,
    words: &[&str],
    script: u8,
    allowed: LanguageSet,
) -> Ranking {
    let mut candidates: Vec<usize> = (0..LANGUAGE_COUNT)
        .filter(|&l| allowed & (1 << l) != 0 && model.script_mask(l) & (1 << script) != 0)
        .collect();
    // Han without kana is Chinese, as in lingua's rules: Japanese prose
    // always has kana, and each ideograph is a word of its own, so a long
    // Han text has no trigrams to decide by.
    if script == script::HAN {
        if let Some(chinese) = candidates.iter().position(|&l| LANGUAGES[l].0 == "zh") {
            candidates = vec![candidates[chinese]];
        }
    }
    if let Some(language) = rules.decide(words, allowed) {
        if candidates.contains(&language) {
            candidates = vec![language];
        }
    }
    let candidates = rules.narrow(words, candidates);
    match candidates.as_slice() {
        [] => return Ranking::default(),
        [only] => {
            return Ranking {
                languages: vec![(*only, 1.0)],
            }
        }
        _ => {}
    }
    let letters: usize = words.iter().map(|w| w.chars().count()).sum();
    let orders = if letters >= TRIGRAMS_ONLY_FROM {
        3..=3
    } else {
        1..=MAX_ORDER.min(letters)
    };

    let mut sums = [0.0f64; LANGUAGE_COUNT];
    let mut unigrams_known = [0u32; LANGUAGE_COUNT];
    let mut cache = PrefixCache {
        levels: [None; MAX_ORDER],
    };
    for order in orders {
        for path in ngrams(words, order) {
            let costs = cache.costs(model, &path, order);
            for &language in &candidates {
                let cost = costs[language];
                if cost != MISSING {
                    sums[language] -= f64::from(cost);
                    if order == 1 {
                        unigrams_known[language] += 1;
                    }
                }
            }
        }
    }

    // Log-probabilities per language; a language that matched nothing has
    // no evidence and is dropped, as in lingua.
    let mut scored: Vec<(usize, f64)> = candidates
        .into_iter()
        .filter(|&l| sums[l] != 0.0)
        .map(|l| {
            let log = sums[l] / COST_SCALE;
            let known = unigrams_known[l];
            (
                l,
                if known > 0 {
                    log / f64::from(known)
                } else {
                    log
                },
            )
        })
        .collect();
    if scored.is_empty() {
        return Ranking::default();
    }
    let best = scored
        .iter()
        .map(|&(_, s)| s)
        .fold(f64::NEG_INFINITY, f64::max);
    let total: f64 = scored.iter().map(|&(_, s)| (s - best).exp()).sum();
    for entry in &mut scored {
        entry.1 = (entry.1 - best).exp() / total;
    }
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Ranking { languages: scored }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_han_and_kana_into_single_characters() {
        assert_eq!(words("hello, wörld 42x"), ["hello", "wörld", "x"]);
        assert_eq!(words("東京はabc"), ["東", "京", "は", "abc"]);
    }

    #[test]
    fn ngrams_are_distinct_stay_inside_words_and_carry_their_prefixes() {
        let fingerprints = |found: Vec<NgramPath>| -> Vec<Vec<u32>> {
            found
                .iter()
                .map(|path| path.iter().copied().filter(|&h| h != 0).collect())
                .collect()
        };
        let f = model::fingerprint;
        let mut expected = vec![vec![f("a"), f("ab")], vec![f("b"), f("ba")]];
        expected.sort();
        assert_eq!(fingerprints(ngrams(&["abab", "ab"], 2)), expected);
        assert_eq!(
            fingerprints(ngrams(&["añb"], 3)),
            [vec![f("a"), f("añ"), f("añb")]]
        );
        assert!(ngrams(&["ab"], 3).is_empty());
    }

    #[test]
    fn arabic_vowel_points_split_words_as_in_lingua_and_vowel_signs_do_not() {
        // كَتَبَ with its fathas: the models hold no n-gram with a vowel point.
        assert_eq!(
            words("\u{643}\u{64e}\u{62a}\u{64e}\u{628}\u{64e} \u{643}\u{62a}\u{628}"),
            ["\u{643}", "\u{62a}", "\u{628}", "\u{643}\u{62a}\u{628}"]
        );
        // Devanagari vowel signs stay in the word; the virama splits it, as
        // in the models (हिन्दी).
        assert_eq!(
            words("\u{939}\u{93f}\u{928}\u{94d}\u{926}\u{940}"),
            ["\u{939}\u{93f}\u{928}", "\u{926}\u{940}"]
        );
    }

    #[test]
    fn kana_decides_the_script_over_han() {
        assert_eq!(
            dominant_script(&words("東京都の人口")),
            Some(script::KANA[0]),
            "Japanese"
        );
        assert_eq!(dominant_script(&words("北京市人口")), Some(script::HAN));
        assert_eq!(dominant_script(&words("123 !?")), None);
    }
}

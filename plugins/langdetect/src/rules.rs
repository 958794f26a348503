//! lingua's letter rules, which run before the n-gram scores: a letter only
//! one language writes decides when most words carry one, and letters a few
//! languages share narrow the field to those languages when at least half
//! the words carry them. The tables are lingua 1.8's (`constant.rs`,
//! `language.rs`, Apache-2.0); without them a short text whose n-grams one
//! language happens to lack scores best in that language.

use crate::languages::LANGUAGES;

/// Letters only one language writes (lingua's `unique_characters`; the
/// single-script languages are decided by their script instead).
const UNIQUE_LETTERS: [(&str, &str); 16] = [
    ("az", "ə"),
    ("ca", "ï"),
    ("cs", "ěřů"),
    ("eo", "ĉĝĥĵŝŭ"),
    ("de", "ß"),
    ("hu", "őű"),
    ("kk", "әғқңұ"),
    ("lv", "ģķļņ"),
    ("lt", "ėįų"),
    ("mk", "ѓѕќџ"),
    ("mr", "ळ"),
    ("pl", "łńśź"),
    ("ro", "ţ"),
    ("sr", "ђћ"),
    ("sk", "ĺľŕ"),
    ("uk", "ґєї"),
];

/// Vietnamese's and Yoruba's own letters, kept apart for readability.
const UNIQUE_LETTERS_LONG: [(&str, &str); 2] = [
    ("vi", "ằầẳẩẵẫắấạặậềẻểẽễếệỉĩịơồờỏổởỗỡốớộợưừủửũữứụựỳỷỹỵ"),
    ("yo", "ṣ"),
];

/// Letters shared by a few languages, and those languages (lingua's
/// `CHARS_TO_LANGUAGES_MAPPING`).
const SHARED_LETTERS: [(&str, &[&str]); 44] = [
    ("ãã", &["pt", "vi"]),
    ("ąąęę", &["lt", "pl"]),
    ("żż", &["pl", "ro"]),
    ("îî", &["fr", "ro"]),
    ("ññ", &["eu", "es"]),
    ("ňňťť", &["cs", "sk"]),
    ("ăă", &["ro", "vi"]),
    ("i̇ığğ", &["az", "tr"]),
    ("јјљљњњ", &["mk", "sr"]),
    ("ẹẹọọ", &["vi", "yo"]),
    ("ððþþ", &["is", "tr"]),
    ("ûû", &["fr", "hu"]),
    ("ōō", &["mi", "yo"]),
    ("өөүү", &["kk", "mn"]),
    ("āāēēīī", &["lv", "mi", "yo"]),
    ("şş", &["az", "ro", "tr"]),
    ("ďď", &["cs", "ro", "sk"]),
    ("ćć", &["bs", "hr", "pl"]),
    ("đđ", &["bs", "hr", "vi"]),
    ("іі", &["be", "kk", "uk"]),
    ("ìì", &["it", "vi", "yo"]),
    ("øø", &["nb", "da", "nn"]),
    ("ūū", &["lv", "lt", "mi", "yo"]),
    ("ëë", &["af", "sq", "nl", "fr"]),
    ("èèùù", &["fr", "it", "vi", "yo"]),
    ("êê", &["af", "fr", "pt", "vi"]),
    ("õõ", &["et", "hu", "pt", "vi"]),
    ("ôô", &["fr", "pt", "sk", "vi"]),
    ("ёёыыээ", &["be", "kk", "mn", "ru"]),
    ("щщъъ", &["bg", "kk", "mn", "ru"]),
    ("òò", &["ca", "it", "vi", "yo"]),
    ("ââ", &["fr", "pt", "ro", "tr", "vi"]),
    ("ææ", &["nb", "da", "is", "nn"]),
    ("åå", &["nb", "da", "nn", "sv"]),
    ("ýý", &["cs", "is", "sk", "tr", "vi"]),
    ("ää", &["et", "fi", "de", "sk", "sv"]),
    ("àà", &["ca", "fr", "it", "pt", "vi"]),
    ("üü", &["az", "ca", "et", "de", "hu", "es", "tr"]),
    ("ččššžž", &["bs", "cs", "hr", "lv", "lt", "sk", "sl"]),
    ("çç", &["sq", "az", "eu", "ca", "fr", "pt", "tr"]),
    ("öö", &["az", "et", "fi", "de", "hu", "is", "sv", "tr"]),
    (
        "óó",
        &["ca", "hu", "is", "ga", "pl", "pt", "sk", "es", "vi", "yo"],
    ),
    (
        "ááííúú",
        &["ca", "cs", "is", "ga", "hu", "pt", "sk", "es", "vi", "yo"],
    ),
    (
        "éé",
        &[
            "ca", "cs", "fr", "hu", "is", "ga", "it", "pt", "sk", "es", "vi", "yo",
        ],
    ),
];

fn index(code: &str) -> usize {
    LANGUAGES
        .iter()
        .position(|(c, _, _)| *c == code)
        .expect("the rule tables name only known languages")
}

/// The rule tables keyed by letter, for a binary search per letter rather
/// than a scan of every table entry.
#[derive(Debug)]
pub struct LetterRules {
    /// (letter, the one language writing it), sorted.
    unique: Vec<(char, usize)>,
    /// (letter, the languages sharing it, a bit per language), sorted.
    shared: Vec<(char, u128)>,
}

impl LetterRules {
    /// Index lingua's tables by letter.
    pub fn new() -> LetterRules {
        let mut unique: Vec<(char, usize)> = UNIQUE_LETTERS
            .iter()
            .chain(&UNIQUE_LETTERS_LONG)
            .flat_map(|(code, letters)| letters.chars().map(|c| (c, index(code))))
            .collect();
        unique.sort_unstable();
        let mut shared: Vec<(char, u128)> = SHARED_LETTERS
            .iter()
            .flat_map(|(letters, codes)| {
                let set = codes.iter().fold(0u128, |set, code| set | 1 << index(code));
                letters.chars().map(move |c| (c, set))
            })
            .collect();
        shared.sort_unstable();
        LetterRules { unique, shared }
    }

    fn unique_language(&self, c: char) -> Option<usize> {
        let at = self
            .unique
            .binary_search_by_key(&c, |&(letter, _)| letter)
            .ok()?;
        Some(self.unique[at].1)
    }

    fn sharing_languages(&self, c: char) -> u128 {
        // A letter can sit in several entries (none do today): merge them.
        let start = self.shared.partition_point(|&(letter, _)| letter < c);
        self.shared[start..]
            .iter()
            .take_while(|&&(letter, _)| letter == c)
            .fold(0, |set, &(_, languages)| set | languages)
    }

    /// The language lingua's unique-letter rule decides on, if any, among
    /// the `allowed` ones (bit per language index).
    pub fn decide(&self, words: &[&str], allowed: u128) -> Option<usize> {
        // Votes per language, plus words that vote for none ([LANGUAGES.len()]).
        let undecided = LANGUAGES.len();
        let mut votes = [0usize; LANGUAGES.len() + 1];
        let mut counts = [0usize; LANGUAGES.len()];
        for word in words {
            let mut any = false;
            for c in word.chars().filter(|c| !c.is_ascii()) {
                if let Some(language) = self.unique_language(c) {
                    counts[language] += 1;
                    any = true;
                }
            }
            let vote = if any { clear_winner(&counts) } else { None };
            if any {
                counts = [0; LANGUAGES.len()];
            }
            match vote {
                Some(language) if allowed & (1 << language) != 0 => votes[language] += 1,
                _ => votes[undecided] += 1,
            }
        }
        if (votes[undecided] as f64) < words.len() as f64 * 0.5 {
            votes[undecided] = 0;
        }
        clear_winner(&votes).filter(|&decided| decided != undecided)
    }

    /// `candidates` narrowed to the languages whose shared letters appear in
    /// at least half the words, or unchanged when none do.
    pub fn narrow(&self, words: &[&str], candidates: Vec<usize>) -> Vec<usize> {
        let mut counts = [0usize; LANGUAGES.len()];
        let mut letters_in_word: Vec<char> = Vec::new();
        for word in words {
            letters_in_word.clear();
            letters_in_word.extend(word.chars().filter(|c| !c.is_ascii()));
            letters_in_word.sort_unstable();
            letters_in_word.dedup();
            for &c in &letters_in_word {
                let mut languages = self.sharing_languages(c);
                while languages != 0 {
                    counts[languages.trailing_zeros() as usize] += 1;
                    languages &= languages - 1;
                }
            }
        }
        let half = words.len() as f64 * 0.5;
        let narrowed: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&l| counts[l] > 0 && counts[l] as f64 >= half)
            .collect();
        if narrowed.is_empty() {
            candidates
        } else {
            narrowed
        }
    }
}

/// The index with the highest count, unless none is above zero or two tie
/// for the top.
fn clear_winner(counts: &[usize]) -> Option<usize> {
    let mut ranked: Vec<(usize, usize)> = (0..counts.len())
        .filter(|&i| counts[i] > 0)
        .map(|i| (counts[i], i))
        .collect();
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    match ranked.as_slice() {
        [(_, only)] => Some(*only),
        [(first, best), (second, _), ..] if first > second => Some(*best),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_in_the_tables_is_a_known_language() {
        for (code, _) in UNIQUE_LETTERS.iter().chain(&UNIQUE_LETTERS_LONG) {
            index(code);
        }
        for (_, codes) in SHARED_LETTERS {
            codes.iter().for_each(|code| _ = index(code));
        }
    }

    #[test]
    fn a_unique_letter_in_most_words_decides() {
        let rules = LetterRules::new();
        let all = (1 << LANGUAGES.len()) - 1;
        assert_eq!(rules.decide(&["straße", "groß"], all), Some(index("de")));
        assert_eq!(
            rules.decide(&["straße", "und", "haus"], all),
            None,
            "one word in three"
        );
        assert_eq!(
            rules.decide(&["straße"], all & !(1 << index("de"))),
            None,
            "not allowed"
        );
    }

    #[test]
    fn shared_letters_narrow_only_when_half_the_words_carry_them() {
        let rules = LetterRules::new();
        let all: Vec<usize> = (0..LANGUAGES.len()).collect();
        let narrowed = rules.narrow(&["schöne", "tage"], all.clone());
        assert!(narrowed.contains(&index("de")) && narrowed.contains(&index("sv")));
        assert!(!narrowed.contains(&index("sn")), "Shona has no ö");
        assert_eq!(
            rules
                .narrow(&["schöne", "und", "die", "tage"], all.clone())
                .len(),
            all.len()
        );
    }
}

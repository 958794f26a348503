use crate::Lang;
use crate::alphabets;
use crate::core::{Info, InternalQuery, calculate_confidence};
use crate::trigrams;

#[derive(Debug)]
pub struct RawOutcome {
    pub scores: Vec<(Lang, f64)>,
    #[allow(dead_code)]
    pub alphabet_raw_outcome: alphabets::RawOutcome,
    pub trigram_raw_outcome: trigrams::RawOutcome,
}

pub fn detect(iquery: &InternalQuery) -> Option<Info> {
    let raw_outcome = raw_detect(iquery);

    let count = raw_outcome.trigram_raw_outcome.trigrams_count;
    let mut normalized_scores_iter = raw_outcome.scores.into_iter();

    let opt_lang_score1 = normalized_scores_iter.next();
    let opt_lang_score2 = normalized_scores_iter.next();

    // TODO: Logic is duplicated in alphabets and trigrams. Consider refactoring
    opt_lang_score1.map(|(lang1, score1)| {
        let script = iquery.multi_lang_script.to_script();
        let confidence = if let Some((_, score2)) = opt_lang_score2 {
            calculate_confidence(score1, score2, count)
        } else {
            1.0
        };
        Info::new(script, lang1, confidence)
    })
}

// TODO: optimize!
pub fn raw_detect(iquery: &InternalQuery) -> RawOutcome {
    let alphabet_raw_outcome: alphabets::RawOutcome = alphabets::raw_detect(iquery);
    let trigram_raw_outcome: trigrams::RawOutcome = trigrams::raw_detect(iquery);

    let alphabet_scores: &Vec<(Lang, f64)> = &alphabet_raw_outcome.scores;
    let trigram_scores: &Vec<(Lang, f64)> = &trigram_raw_outcome.scores;

    let mut scores = combine(alphabet_scores, trigram_scores, alphabet_raw_outcome.count);

    scores.sort_unstable_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Less));

    RawOutcome {
        scores,
        alphabet_raw_outcome,
        trigram_raw_outcome,
    }
}

// docpipe's change (see third_party/README.md): each language's two
// scores are read from tables indexed by language, where upstream searched
// both lists for every language (and the list of languages for every
// trigram language). The languages come in upstream's order, and each takes
// the first score its list gives it, as `find` did, so the scores and their
// order before the sort are upstream's.
fn combine(
    alphabet_scores: &[(Lang, f64)],
    trigram_scores: &[(Lang, f64)],
    count: usize,
) -> Vec<(Lang, f64)> {
    let mut all_langs: Vec<Lang> = Vec::with_capacity(alphabet_scores.len());
    let mut alphabet_of: Vec<Option<f64>> = vec![None; Lang::all().len()];
    let mut trigram_of: Vec<Option<f64>> = vec![None; Lang::all().len()];
    for &(lang, score) in alphabet_scores {
        if alphabet_of[lang as usize].is_none() {
            alphabet_of[lang as usize] = Some(score);
        }
        all_langs.push(lang);
    }
    for &(lang, score) in trigram_scores {
        if trigram_of[lang as usize].is_none() {
            trigram_of[lang as usize] = Some(score);
            if alphabet_of[lang as usize].is_none() {
                all_langs.push(lang);
            }
        }
    }

    let alphabet_weight = calc_alphabet_weight(count);
    let trigram_weight = 1.0 - alphabet_weight;

    let mut scores = Vec::with_capacity(all_langs.len());

    for lang in all_langs {
        let a: f64 = alphabet_of[lang as usize].unwrap_or(0.0);
        let t: f64 = trigram_of[lang as usize].unwrap_or(0.0);

        debug_assert!(a >= 0.0);
        debug_assert!(a <= 1.0);
        debug_assert!(t >= 0.0);
        debug_assert!(t <= 1.0);

        let score = a * alphabet_weight + t * trigram_weight;

        debug_assert!(score >= 0.0);
        debug_assert!(score <= 1.0);

        scores.push((lang, score));
    }
    scores
}

/// Upstream's combination, kept to test `combine` against.
#[cfg(test)]
fn upstream_combine(
    alphabet_scores: &[(Lang, f64)],
    trigram_scores: &[(Lang, f64)],
    count: usize,
) -> Vec<(Lang, f64)> {
    let mut all_langs: Vec<Lang> = alphabet_scores.iter().map(|x| x.0).collect();
    for (lang, _) in trigram_scores.iter() {
        if !all_langs.contains(lang) {
            all_langs.push(*lang);
        }
    }
    let alphabet_weight = calc_alphabet_weight(count);
    let trigram_weight = 1.0 - alphabet_weight;
    let mut scores = Vec::with_capacity(all_langs.len());
    for lang in all_langs {
        let a: f64 = alphabet_scores
            .iter()
            .find(|(l, _)| l == &lang)
            .map(|x| x.1)
            .unwrap_or(0.0);
        let t: f64 = trigram_scores
            .iter()
            .find(|(l, _)| l == &lang)
            .map(|x| x.1)
            .unwrap_or(0.0);
        scores.push((lang, a * alphabet_weight + t * trigram_weight));
    }
    scores
}

// Function that calculates weight of alphabet score depending on number of characters in the given
// text. The longer text the less significant alphabet weight is (and the more significant is
// trigram weight).
//
// y = -(x/300) + 2/3
// where:
//   x - number of characters
//   y = alphabet weight
//
//
//          alphabet weight
//          ^
//          |
//     2/3 -* (0; 2/3)
//          | \_
//          |   \_
//          |     \_
//          |       \_
//          |         \  (100; 1/3)
//     1/3 -|          *------------
//          |
//          +----------|------------> count
//         0          100
//
fn calc_alphabet_weight(count: usize) -> f64 {
    let weight = -(count as f64 / 300.0) + 2.0 / 3.0;
    weight.clamp(1.0 / 3.0, 2.0 / 3.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docpipe's `combine` gives upstream's scores in upstream's order, for
    /// each script's languages, on short and long text.
    #[test]
    fn combined_scores_are_upstreams() {
        use crate::core::{FilterList, InternalQuery, Text};
        use crate::scripts::grouping::MultiLangScript as MLS;
        let texts = [
            (
                "Die Ordnung muss für immer in diesem Codebase bleiben",
                MLS::Latin,
            ),
            ("ja", MLS::Latin),
            ("Як умру, то поховайте мене на могилі", MLS::Cyrillic),
            ("مرحبا بالعالم هذا نص عربي", MLS::Arabic),
            ("यह एक छोटा सा हिंदी वाक्य है", MLS::Devanagari),
            ("זהו משפט קצר בעברית", MLS::Hebrew),
        ];
        let filters = [
            FilterList::All,
            FilterList::Deny(vec![Lang::Deu, Lang::Ukr, Lang::Ara]),
        ];
        for (text, script) in texts {
            for filter_list in &filters {
                let iquery = InternalQuery {
                    text: Text::new(text),
                    filter_list,
                    multi_lang_script: script,
                };
                let alphabet = alphabets::raw_detect(&iquery);
                let trigram = trigrams::raw_detect(&iquery);
                let ours = combine(&alphabet.scores, &trigram.scores, alphabet.count);
                let theirs = upstream_combine(&alphabet.scores, &trigram.scores, alphabet.count);
                let bits = |scores: &[(Lang, f64)]| {
                    scores
                        .iter()
                        .map(|&(l, s)| (l, s.to_bits()))
                        .collect::<Vec<_>>()
                };
                assert_eq!(bits(&ours), bits(&theirs), "{text:?}");
            }
        }
    }

    #[test]
    fn test_calc_alphabet_weight() {
        assert_eq!(calc_alphabet_weight(0), 2.0 / 3.0);
        assert_eq!(calc_alphabet_weight(50), 0.5);
        assert_eq!(calc_alphabet_weight(100), 1.0 / 3.0);
        assert_eq!(calc_alphabet_weight(200), 1.0 / 3.0);
    }
}

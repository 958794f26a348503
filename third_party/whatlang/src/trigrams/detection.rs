use hashbrown::HashMap;
use std::sync::LazyLock;

use super::LangProfileList;
use super::utils::{TrigramsWithPositions, get_trigrams_with_positions};
use super::{ARABIC_LANGS, CYRILLIC_LANGS, DEVANAGARI_LANGS, HEBREW_LANGS, LATIN_LANGS};
use super::{MAX_TOTAL_DISTANCE, MAX_TRIGRAM_DISTANCE, Trigram};
use crate::Lang;
use crate::core::{FilterList, Info, InternalQuery, Text, calculate_confidence};
use crate::scripts::grouping::MultiLangScript;

#[derive(Debug)]
pub struct RawOutcome {
    pub trigrams_count: usize,
    #[allow(dead_code)]
    pub raw_distances: Vec<(Lang, u32)>,
    pub scores: Vec<(Lang, f64)>,
}

#[inline]
pub fn detect(iquery: &InternalQuery) -> Option<Info> {
    let raw_outcome = raw_detect(iquery);
    let RawOutcome {
        trigrams_count,
        scores,
        ..
    } = raw_outcome;

    let mut raw_scores_iter = scores.into_iter();

    let opt_lang_score1 = raw_scores_iter.next();
    let opt_lang_score2 = raw_scores_iter.next();

    // TODO: Logic is duplicated in alphabets. Consider refactoring
    opt_lang_score1.map(|(lang1, score1)| {
        let script = iquery.multi_lang_script.to_script();
        let confidence = if let Some((_, score2)) = opt_lang_score2 {
            calculate_confidence(score1, score2, trigrams_count)
        } else {
            1.0
        };
        Info::new(script, lang1, confidence)
    })
}

#[inline]
pub fn raw_detect(iquery: &InternalQuery) -> RawOutcome {
    let script = iquery.multi_lang_script;
    let lang_profile_list = script_to_lang_profile_list(script);
    calculate_scores_in_profiles(&iquery.text, iquery.filter_list, lang_profile_list, script)
}

fn script_to_lang_profile_list(script: MultiLangScript) -> LangProfileList {
    use MultiLangScript as MLS;
    match script {
        MLS::Latin => LATIN_LANGS,
        MLS::Cyrillic => CYRILLIC_LANGS,
        MLS::Arabic => ARABIC_LANGS,
        MLS::Devanagari => DEVANAGARI_LANGS,
        MLS::Hebrew => HEBREW_LANGS,
    }
}

#[inline]
fn calculate_scores_in_profiles(
    text: &Text,
    filter_list: &FilterList,
    lang_profile_list: LangProfileList,
    script: MultiLangScript,
) -> RawOutcome {
    let mut lang_distances: Vec<(Lang, u32)> = vec![];

    let TrigramsWithPositions {
        trigram_positions, ..
    } = get_trigrams_with_positions(&text.lowercase());
    let unique_trigrams_count = trigram_positions.len();

    let closeness = profile_closeness(index_of(script), &trigram_positions);
    for (&(lang, lang_trigrams), &closeness) in lang_profile_list.iter().zip(&closeness) {
        if !filter_list.is_allowed(lang) {
            continue;
        }
        let dist = distance_from_closeness(lang_trigrams.len(), closeness, unique_trigrams_count);
        lang_distances.push(((lang), dist));
    }

    // Sort languages by distance
    lang_distances.sort_unstable_by_key(|(_, dist)| *dist);

    let max_dist = unique_trigrams_count as u32 * MAX_TRIGRAM_DISTANCE;

    let raw_scores = lang_distances
        .iter()
        .map(|&(lang, distance)| (lang, distance_to_raw_score(distance, max_dist)))
        .collect();

    RawOutcome {
        trigrams_count: unique_trigrams_count,
        scores: raw_scores,
        raw_distances: lang_distances,
    }
}

// docpipe's change (see third_party/README.md). Upstream computes each
// profile's distance by looking every one of its 300 trigrams up in the
// text's table: 300 lookups per language, 11,100 for the Latin languages,
// most of them misses. The same sum is computed here from the other side:
// each of the text's (at most 600) trigrams is looked up once in an index of
// every profile of the script, and only the profiles that hold it are
// touched. A profile trigram at rank `i` adds `|n - i|` to the distance when
// the text has it at position `n`, and MAX_TRIGRAM_DISTANCE when it lacks
// it, so
//     distance = MAX * len - sum over shared trigrams of (MAX - |n - i|),
// the "closeness" summed below. The result is the same integer.

/// Where each trigram of a script's profiles sits: (profile index, rank).
struct ProfileIndex {
    postings: HashMap<Trigram, Vec<(u16, u16)>>,
    /// How many profiles the list has.
    profiles: usize,
}

impl ProfileIndex {
    fn new(lang_profile_list: LangProfileList) -> Self {
        let mut postings: HashMap<Trigram, Vec<(u16, u16)>> = HashMap::new();
        for (profile, (_, trigrams)) in lang_profile_list.iter().enumerate() {
            for (rank, trigram) in trigrams.iter().enumerate() {
                postings
                    .entry(*trigram)
                    .or_default()
                    .push((profile as u16, rank as u16));
            }
        }
        ProfileIndex {
            postings,
            profiles: lang_profile_list.len(),
        }
    }
}

/// Each script's index, built the first time the script is scored.
fn index_of(script: MultiLangScript) -> &'static ProfileIndex {
    use MultiLangScript as MLS;
    static LATIN: LazyLock<ProfileIndex> = LazyLock::new(|| ProfileIndex::new(LATIN_LANGS));
    static CYRILLIC: LazyLock<ProfileIndex> = LazyLock::new(|| ProfileIndex::new(CYRILLIC_LANGS));
    static ARABIC: LazyLock<ProfileIndex> = LazyLock::new(|| ProfileIndex::new(ARABIC_LANGS));
    static DEVANAGARI: LazyLock<ProfileIndex> =
        LazyLock::new(|| ProfileIndex::new(DEVANAGARI_LANGS));
    static HEBREW: LazyLock<ProfileIndex> = LazyLock::new(|| ProfileIndex::new(HEBREW_LANGS));
    match script {
        MLS::Latin => &LATIN,
        MLS::Cyrillic => &CYRILLIC,
        MLS::Arabic => &ARABIC,
        MLS::Devanagari => &DEVANAGARI,
        MLS::Hebrew => &HEBREW,
    }
}

/// For each profile of the index's list, in order: the sum over the
/// trigrams it shares with the text of `MAX_TRIGRAM_DISTANCE - |n - i|`.
fn profile_closeness(index: &ProfileIndex, text_trigrams: &HashMap<Trigram, u32>) -> Vec<i64> {
    let mut closeness = vec![0i64; index.profiles];
    for (trigram, &n) in text_trigrams {
        if let Some(postings) = index.postings.get(trigram) {
            for &(profile, rank) in postings {
                let dist = (i64::from(n) - i64::from(rank)).abs();
                closeness[usize::from(profile)] += i64::from(MAX_TRIGRAM_DISTANCE) - dist;
            }
        }
    }
    closeness
}

/// Upstream's `calculate_distance`, from the closeness instead of lookups.
#[inline]
fn distance_from_closeness(profile_len: usize, closeness: i64, text_trigrams_count: usize) -> u32 {
    let max = i64::from(MAX_TRIGRAM_DISTANCE);
    let mut total_dist = max * profile_len as i64 - closeness;

    let count = text_trigrams_count as i64;

    if max > count {
        let delta = max - count;
        total_dist -= delta * max;
    }

    total_dist.clamp(0, i64::from(MAX_TOTAL_DISTANCE)) as u32
}

/// Upstream's way, kept to test the index against.
#[cfg(test)]
fn calculate_distance(
    lang_trigrams: super::LangProfile,
    text_trigrams: &HashMap<Trigram, u32>,
) -> u32 {
    let mut total_dist = 0u32;

    for (i, &trigram) in lang_trigrams.iter().enumerate() {
        let dist = match text_trigrams.get(&trigram) {
            Some(&n) => (n as i32 - i as i32).unsigned_abs(),
            None => MAX_TRIGRAM_DISTANCE,
        };
        total_dist += dist;
    }

    let count = text_trigrams.len() as u32;

    if MAX_TRIGRAM_DISTANCE > count {
        let delta = MAX_TRIGRAM_DISTANCE - count;
        total_dist -= delta * MAX_TRIGRAM_DISTANCE;
    }

    total_dist.clamp(0, MAX_TOTAL_DISTANCE)
}

#[inline]
fn distance_to_raw_score(distance: u32, max_distance: u32) -> f64 {
    let similarity = max_distance - distance;
    similarity as f64 / max_distance as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trigrams::TEXT_TRIGRAMS_SIZE;

    /// docpipe's index gives upstream's distance for every profile, on
    /// texts of each script and of every length up to past 600 trigrams.
    #[test]
    fn indexed_distances_are_upstreams() {
        let texts = [
            "Die Ordnung muss für immer in diesem Codebase bleiben",
            "René Descartes est un mathématicien, physicien et philosophe français, né le 31 mars 1596",
            "Як умру, то поховайте мене на могилі, серед степу широкого, на Вкраїні милій",
            "مرحبا بالعالم هذا نص عربي قصير للاختبار و هو يكفي لعدة ثلاثيات",
            "यह एक छोटा सा हिंदी वाक्य है जो परीक्षण के लिए लिखा गया है",
            "זהו משפט קצר בעברית לבדיקה של הזיהוי",
            "a",
            "",
        ];
        // Words of three letters counting up in base 26: far more distinct
        // trigrams than the 600 a text keeps.
        let long: String = (0..3000u32)
            .map(|i| {
                let letter = |d: u32| char::from(b'a' + (i / d % 26) as u8);
                format!("{}{}{} ", letter(676), letter(26), letter(1))
            })
            .collect();
        assert_eq!(
            get_trigrams_with_positions(&Text::new(&long).lowercase())
                .trigram_positions
                .len(),
            TEXT_TRIGRAMS_SIZE
        );
        use MultiLangScript as MLS;
        let scripts = [
            MLS::Latin,
            MLS::Cyrillic,
            MLS::Arabic,
            MLS::Devanagari,
            MLS::Hebrew,
        ];
        for text in texts.iter().copied().chain([long.as_str()]) {
            let positions =
                get_trigrams_with_positions(&Text::new(text).lowercase()).trigram_positions;
            for script in scripts {
                let list = script_to_lang_profile_list(script);
                let closeness = profile_closeness(index_of(script), &positions);
                for (&(lang, profile), &closeness) in list.iter().zip(&closeness) {
                    assert_eq!(
                        distance_from_closeness(profile.len(), closeness, positions.len()),
                        calculate_distance(profile, &positions),
                        "{lang:?} on {text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn test_when_german_is_given() {
        let text = "Die Ordnung muss für immer in diesem Codebase bleiben";
        let iq = InternalQuery {
            text: Text::new(text),
            filter_list: &FilterList::default(),
            multi_lang_script: MultiLangScript::Latin,
        };
        let raw_outcome = raw_detect(&iq);

        assert_eq!(raw_outcome.trigrams_count, 50);

        let &(first_lang, first_score) = raw_outcome.scores.first().unwrap();
        let &(_last_lang, last_score) = raw_outcome.scores.last().unwrap();

        assert_eq!(first_lang, Lang::Deu);

        assert!(first_score >= 0.0);
        assert!(first_score <= 1.0);

        assert!(last_score >= 0.0);
        assert!(last_score <= 1.0);
    }
}

//! Packs lingua's published language models (the `lingua-*-language-model`
//! crates, Apache-2.0) into the compact n-gram table the `langdetect` plugin
//! reads (`../src/model.rs` defines the layout, its reader and writer).
//! `langdetect`'s build script packs the table built into the component with
//! [`pack`] at [`KEEP_4GRAMS`] / [`KEEP_5GRAMS`]; the `docpipe-langdetect-model`
//! binary packs a larger one, by default every n-gram, for pipelines to hand
//! the plugin as its `model` resource.
//!
//! Each model maps an n-gram to ln P(last char | the others). 1- to 3-grams
//! are kept whole; of the 4- and 5-grams each language keeps the ones most
//! worth keeping: the rare ones make up most of the 255 MB of models. A
//! missing n-gram backs off to its prefix, as in lingua itself, so an n-gram
//! is worth its frequency (the product of the conditional probabilities along
//! its prefixes) times how far its log-probability is from its prefix's,
//! which is what dropping it changes.

#[path = "../../src/languages.rs"]
#[allow(dead_code)]
mod languages;
#[path = "../../src/model.rs"]
#[allow(dead_code)]
mod model;
#[path = "../../src/script.rs"]
#[allow(dead_code)]
mod script;

use fst::{Map, Streamer};
use include_dir::Dir;

/// 4-grams and 5-grams kept per language. On the lingua dev set
/// (sentences / word pairs, mean over 75 languages; table bytes), ranked by
/// frequency alone: 45,000 / 15,000 gave 95.5% / 87.3% (a 22.1 MB component
/// in the earlier layout of one entry per n-gram and language), 70,000 /
/// 25,000 95.6% / 87.7% (28.8 MB in that layout, 21.0 MB in this one),
/// 120,000 / 45,000 95.6% / 87.9% (28.9 MB), 100,000 / 80,000 95.6% / 88.3%
/// (35.0 MB, over the 32 MB cap); ranked by worth, 120,000 / 45,000 gave
/// 95.7% / 88.0% and these 95.7% / 88.2% (30.7 MB, the most that fits).
pub const KEEP_4GRAMS: usize = 100_000;
pub const KEEP_5GRAMS: usize = 60_000;

/// Added to the log-probability difference before weighing an n-gram by it,
/// so that one equal to its prefix's still ranks by frequency among its kind.
const WORTH_FLOOR: f64 = 0.05;

/// The models, in the order of `languages::LANGUAGES`.
static MODELS: [&Dir; languages::LANGUAGES.len()] = [
    &lingua_afrikaans_language_model::AFRIKAANS_MODELS_DIRECTORY,
    &lingua_albanian_language_model::ALBANIAN_MODELS_DIRECTORY,
    &lingua_arabic_language_model::ARABIC_MODELS_DIRECTORY,
    &lingua_armenian_language_model::ARMENIAN_MODELS_DIRECTORY,
    &lingua_azerbaijani_language_model::AZERBAIJANI_MODELS_DIRECTORY,
    &lingua_basque_language_model::BASQUE_MODELS_DIRECTORY,
    &lingua_belarusian_language_model::BELARUSIAN_MODELS_DIRECTORY,
    &lingua_bengali_language_model::BENGALI_MODELS_DIRECTORY,
    &lingua_bokmal_language_model::BOKMAL_MODELS_DIRECTORY,
    &lingua_bosnian_language_model::BOSNIAN_MODELS_DIRECTORY,
    &lingua_bulgarian_language_model::BULGARIAN_MODELS_DIRECTORY,
    &lingua_catalan_language_model::CATALAN_MODELS_DIRECTORY,
    &lingua_chinese_language_model::CHINESE_MODELS_DIRECTORY,
    &lingua_croatian_language_model::CROATIAN_MODELS_DIRECTORY,
    &lingua_czech_language_model::CZECH_MODELS_DIRECTORY,
    &lingua_danish_language_model::DANISH_MODELS_DIRECTORY,
    &lingua_dutch_language_model::DUTCH_MODELS_DIRECTORY,
    &lingua_english_language_model::ENGLISH_MODELS_DIRECTORY,
    &lingua_esperanto_language_model::ESPERANTO_MODELS_DIRECTORY,
    &lingua_estonian_language_model::ESTONIAN_MODELS_DIRECTORY,
    &lingua_finnish_language_model::FINNISH_MODELS_DIRECTORY,
    &lingua_french_language_model::FRENCH_MODELS_DIRECTORY,
    &lingua_ganda_language_model::GANDA_MODELS_DIRECTORY,
    &lingua_georgian_language_model::GEORGIAN_MODELS_DIRECTORY,
    &lingua_german_language_model::GERMAN_MODELS_DIRECTORY,
    &lingua_greek_language_model::GREEK_MODELS_DIRECTORY,
    &lingua_gujarati_language_model::GUJARATI_MODELS_DIRECTORY,
    &lingua_hebrew_language_model::HEBREW_MODELS_DIRECTORY,
    &lingua_hindi_language_model::HINDI_MODELS_DIRECTORY,
    &lingua_hungarian_language_model::HUNGARIAN_MODELS_DIRECTORY,
    &lingua_icelandic_language_model::ICELANDIC_MODELS_DIRECTORY,
    &lingua_indonesian_language_model::INDONESIAN_MODELS_DIRECTORY,
    &lingua_irish_language_model::IRISH_MODELS_DIRECTORY,
    &lingua_italian_language_model::ITALIAN_MODELS_DIRECTORY,
    &lingua_japanese_language_model::JAPANESE_MODELS_DIRECTORY,
    &lingua_kazakh_language_model::KAZAKH_MODELS_DIRECTORY,
    &lingua_korean_language_model::KOREAN_MODELS_DIRECTORY,
    &lingua_latin_language_model::LATIN_MODELS_DIRECTORY,
    &lingua_latvian_language_model::LATVIAN_MODELS_DIRECTORY,
    &lingua_lithuanian_language_model::LITHUANIAN_MODELS_DIRECTORY,
    &lingua_macedonian_language_model::MACEDONIAN_MODELS_DIRECTORY,
    &lingua_malay_language_model::MALAY_MODELS_DIRECTORY,
    &lingua_maori_language_model::MAORI_MODELS_DIRECTORY,
    &lingua_marathi_language_model::MARATHI_MODELS_DIRECTORY,
    &lingua_mongolian_language_model::MONGOLIAN_MODELS_DIRECTORY,
    &lingua_nynorsk_language_model::NYNORSK_MODELS_DIRECTORY,
    &lingua_persian_language_model::PERSIAN_MODELS_DIRECTORY,
    &lingua_polish_language_model::POLISH_MODELS_DIRECTORY,
    &lingua_portuguese_language_model::PORTUGUESE_MODELS_DIRECTORY,
    &lingua_punjabi_language_model::PUNJABI_MODELS_DIRECTORY,
    &lingua_romanian_language_model::ROMANIAN_MODELS_DIRECTORY,
    &lingua_russian_language_model::RUSSIAN_MODELS_DIRECTORY,
    &lingua_serbian_language_model::SERBIAN_MODELS_DIRECTORY,
    &lingua_shona_language_model::SHONA_MODELS_DIRECTORY,
    &lingua_slovak_language_model::SLOVAK_MODELS_DIRECTORY,
    &lingua_slovene_language_model::SLOVENE_MODELS_DIRECTORY,
    &lingua_somali_language_model::SOMALI_MODELS_DIRECTORY,
    &lingua_sotho_language_model::SOTHO_MODELS_DIRECTORY,
    &lingua_spanish_language_model::SPANISH_MODELS_DIRECTORY,
    &lingua_swahili_language_model::SWAHILI_MODELS_DIRECTORY,
    &lingua_swedish_language_model::SWEDISH_MODELS_DIRECTORY,
    &lingua_tagalog_language_model::TAGALOG_MODELS_DIRECTORY,
    &lingua_tamil_language_model::TAMIL_MODELS_DIRECTORY,
    &lingua_telugu_language_model::TELUGU_MODELS_DIRECTORY,
    &lingua_thai_language_model::THAI_MODELS_DIRECTORY,
    &lingua_tsonga_language_model::TSONGA_MODELS_DIRECTORY,
    &lingua_tswana_language_model::TSWANA_MODELS_DIRECTORY,
    &lingua_turkish_language_model::TURKISH_MODELS_DIRECTORY,
    &lingua_ukrainian_language_model::UKRAINIAN_MODELS_DIRECTORY,
    &lingua_urdu_language_model::URDU_MODELS_DIRECTORY,
    &lingua_vietnamese_language_model::VIETNAMESE_MODELS_DIRECTORY,
    &lingua_welsh_language_model::WELSH_MODELS_DIRECTORY,
    &lingua_xhosa_language_model::XHOSA_MODELS_DIRECTORY,
    &lingua_yoruba_language_model::YORUBA_MODELS_DIRECTORY,
    &lingua_zulu_language_model::ZULU_MODELS_DIRECTORY,
];

/// The packed table keeping at most `keep_4grams` 4-grams and `keep_5grams`
/// 5-grams per language (`usize::MAX`: all of them). The same arguments give
/// the same bytes on any machine: the output is sorted, nothing is hashed
/// with a random seed.
pub fn pack(keep_4grams: usize, keep_5grams: usize) -> Vec<u8> {
    let mut masks = Vec::with_capacity(MODELS.len());
    // Per n-gram length: (fingerprint << 16 | language << 8 | cost).
    let mut entries: Vec<Vec<u64>> = vec![Vec::new(); model::MAX_ORDER];
    for (language, dir) in MODELS.iter().enumerate() {
        let (code, _, crate_name) = languages::LANGUAGES[language];
        let file = dir
            .get_file("ngrams.fst")
            .unwrap_or_else(|| panic!("lingua-{crate_name}-language-model has no ngrams.fst"));
        let ngrams = Map::new(file.contents())
            .unwrap_or_else(|e| panic!("{code}: lingua's ngrams.fst does not load: {e}"));
        // Share of the language's letters in each script, from its unigrams.
        let mut script_shares = [0.0f64; script::SCRIPTS.len()];
        let mut by_order: Vec<Vec<(f64, u32, u8)>> = vec![Vec::new(); model::MAX_ORDER];
        // The stream is in byte order, so an n-gram's prefixes come before it:
        // a stack of (prefix, its joint log-probability, its own) follows
        // the path.
        let mut path: Vec<(Vec<u8>, f64, f64)> = Vec::new();
        let mut stream = ngrams.stream();
        while let Some((key, value)) = stream.next() {
            let ngram = std::str::from_utf8(key).expect("lingua n-grams are UTF-8");
            let log_probability = f64::from_bits(value);
            while path
                .last()
                .is_some_and(|(prefix, _, _)| !key.starts_with(prefix))
            {
                path.pop();
            }
            let order = ngram.chars().count();
            let joint = path.last().map_or(0.0, |(_, joint, _)| *joint) + log_probability;
            // What dropping the n-gram would change: a text of this language
            // that has it would score its prefix's log-probability instead.
            let backoff = path.last().map_or(0.0, |(_, _, own)| *own);
            let worth = joint + ((log_probability - backoff).abs() + WORTH_FLOOR).ln();
            path.push((key.to_vec(), joint, log_probability));
            if order == 1 {
                if let Some(script) = ngram.chars().next().and_then(script::of) {
                    script_shares[script as usize] += log_probability.exp();
                }
            }
            let cost = (-log_probability * model::COST_SCALE)
                .round()
                .clamp(0.0, 255.0) as u8;
            by_order[order - 1].push((worth, model::fingerprint(ngram), cost));
        }
        // Some models hold a few letters of foreign scripts (Latin's and
        // Welsh's hold Greek and Cyrillic): a script counts from 1% of letters.
        masks.push(
            (0..script::SCRIPTS.len())
                .filter(|&s| script_shares[s] >= 0.01)
                .fold(0u32, |mask, s| mask | 1 << s),
        );
        for (index, mut ngrams) in by_order.into_iter().enumerate() {
            let keep = match index + 1 {
                4 => keep_4grams,
                5 => keep_5grams,
                _ => usize::MAX,
            };
            if ngrams.len() > keep {
                ngrams.select_nth_unstable_by(keep, |a, b| b.0.total_cmp(&a.0));
                ngrams.truncate(keep);
            }
            entries[index].extend(ngrams.into_iter().map(|(_, fingerprint, cost)| {
                u64::from(fingerprint) << 16 | (language as u64) << 8 | u64::from(cost)
            }));
        }
    }

    let mut out: Vec<u8> = Vec::new();
    let codes: Vec<&str> = languages::LANGUAGES.iter().map(|l| l.0).collect();
    model::write_header(&codes, &mut out);
    for mask in masks {
        out.extend_from_slice(&mask.to_le_bytes());
    }
    for table in entries {
        model::write_table(table, &mut out);
    }
    out
}

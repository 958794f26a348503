//! The `langdetect` plugin: names the language and script of a document's
//! text with lingua's language models (75 languages, 1- to 5-grams) and
//! lingua's high-accuracy scoring, reimplemented over a compact table that
//! `build.rs` packs from the model crates and the component carries in its
//! data segment: no model is loaded or parsed at start-up or per document.
//! A pipeline may hand it a larger table as the resource `model` (every
//! n-gram of lingua's models does not fit the 32 MB the component may
//! weigh); that one is checked and read once, when an instance is configured.
//! When the text is too short or the scores too close it answers `und`
//! (undetermined) rather than a guess, because later stages trust the code.

mod detector;
mod languages;
mod model;
mod rules;
mod script;

use detector::{LanguageSet, ALL};
use docpipe_plugin_sdk::lang::{
    self, Candidate, DetectorConfig, DetectorInput, DetectorOutput, Language, CANDIDATES,
};
use docpipe_plugin_sdk::{export_plugin, resource, Plugin, PluginError, Verdict};
use languages::LANGUAGES;
use model::Model;
use rules::LetterRules;

/// The packed n-gram table (see `model.rs` and `build.rs`).
static MODEL_BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/model.bin"));

/// The resource that replaces the built-in table.
const MODEL_RESOURCE: &str = "model";

/// A configured `langdetect` stage.
#[derive(Debug)]
pub struct LangDetect {
    config: DetectorConfig,
    allowed: LanguageSet,
    model: Model,
    rules: LetterRules,
}

impl Plugin for LangDetect {
    const NAME: &'static str = "langdetect";
    const DESCRIPTION: &'static str =
        "Detects the language (ISO 639) and script (ISO 15924) of the text accurately (lingua's models; reads a larger model table from the resource `model` if the stage declares one).";
    type Config = DetectorConfig;
    type Input = DetectorInput;
    type Output = DetectorOutput;

    fn new(config: DetectorConfig) -> Result<Self, PluginError> {
        config.validate()?;
        let allowed = if config.only.is_empty() {
            ALL
        } else {
            config
                .only_languages(language_index)?
                .into_iter()
                .fold(0, |set: LanguageSet, language| set | 1 << language)
        };
        Ok(LangDetect {
            config,
            allowed,
            model: model()?,
            rules: LetterRules::new(),
        })
    }

    fn process(&mut self, input: DetectorInput) -> Result<Verdict<DetectorOutput>, PluginError> {
        let output = self.config.output(&input.text, |text| self.detect(text));
        Ok(Verdict::keep(output))
    }
}

impl LangDetect {
    fn detect(&self, text: &str) -> Language {
        let lowercase = text.to_lowercase();
        let words = detector::words(&lowercase);
        let script = detector::dominant_script(&words);
        let script_code = script.map_or("Zyyy", |s| {
            // Japanese is written in kana and Han together.
            if s == script::KANA[0] {
                "Jpan"
            } else {
                script::SCRIPTS[s as usize]
            }
        });
        let letters: usize = words.iter().map(|word| word.chars().count()).sum();
        let Some(script) = script.filter(|_| letters >= self.config.min_chars.max(1)) else {
            return Language::undetermined(script_code);
        };
        let ranking = detector::rank(&self.model, &self.rules, &words, script, self.allowed);
        let Some(&(best, confidence)) = ranking.languages.first() else {
            return Language::undetermined(script_code);
        };
        if confidence < self.config.min_confidence {
            return Language::undetermined(script_code);
        }
        let (code, name, _) = LANGUAGES[best];
        Language {
            code: code.to_string(),
            name: name.to_string(),
            script: script_code.to_string(),
            confidence: lang::round(confidence),
            candidates: ranking
                .languages
                .iter()
                .take(CANDIDATES)
                .map(|&(language, score)| Candidate {
                    code: LANGUAGES[language].0.to_string(),
                    score: lang::round(score),
                })
                .collect(),
        }
    }
}

// ANCHOR: model
/// The table the stage's `model` resource holds, else the built-in one.
fn model() -> Result<Model, PluginError> {
    let codes: Vec<&str> = LANGUAGES.iter().map(|(code, _, _)| *code).collect();
    match resource::read(MODEL_RESOURCE) {
        None => Ok(Model::built_in(MODEL_BYTES, &codes)),
        Some(bytes) => Model::parse(bytes.into(), &codes).map_err(|why| {
            PluginError::invalid_resource(
                MODEL_RESOURCE,
                format!(
                    "the resource `{MODEL_RESOURCE}` is not a model table for this plugin: {why}; \
                     write one with `docpipe-langdetect-model` of the same docpipe version"
                ),
            )
        }),
    }
}
// ANCHOR_END: model

/// The index in `LANGUAGES` of an ISO 639-1 or 639-3 code (`fa`, `fas`,
/// `pes`, `nob`, `zho`, `cmn`...).
fn language_index(code: &str) -> Option<usize> {
    let code = code.trim().to_ascii_lowercase();
    let two_letter = if code.len() == 2 {
        code
    } else {
        // Individual languages lingua models under their macrolanguage.
        let macrolanguage = match code.as_str() {
            "cmn" => "zho",
            "pes" => "fas",
            "zsm" => "msa",
            "ekk" => "est",
            "lvs" => "lav",
            "khk" => "mon",
            "swh" => "swa",
            "arb" => "ara",
            "als" => "sqi",
            "azj" => "aze",
            other => other,
        };
        isolang::Language::from_639_3(macrolanguage)?
            .to_639_1()?
            .to_string()
    };
    LANGUAGES.iter().position(|(c, _, _)| *c == two_letter)
}

export_plugin!(LangDetect);

#[cfg(test)]
mod tests {
    use super::*;
    use docpipe_plugin_sdk::testing::{misdetected, Harness};
    use serde_json::{json, Value};

    /// Sentences written for these tests, one per language of each group of
    /// close relatives the issue names.
    const HARD_GROUPS: [&[(&str, &str)]; 5] = [
        &[
            ("ar", "ذهب الولد إلى المدرسة في الصباح مع أخيه الكبير لأن الجو كان جميلا ومشمسا."),
            ("fa", "من امروز صبح با برادرم به کتابخانه رفتم و چند کتاب تازه برای درس خریدیم."),
            ("ur", "میں آج صبح اپنے بھائی کے ساتھ بازار گیا اور ہم نے کچھ نئی کتابیں خریدیں۔"),
        ],
        &[
            ("es", "Mañana por la mañana iremos al mercado para comprar pan, queso y algunas frutas frescas."),
            ("pt", "Amanhã de manhã vamos ao mercado comprar pão, queijo e algumas frutas frescas para o almoço."),
            ("ca", "Demà al matí anirem al mercat a comprar pa, formatge i algunes fruites fresques per dinar."),
        ],
        &[
            ("da", "I morgen tidlig tager vi til markedet for at købe brød, ost og nogle friske frugter."),
            ("nb", "I morgen tidlig drar vi til butikken for å kjøpe brød, ost og noen ferske frukter til lunsj."),
            ("nn", "I morgon tidleg dreg vi til butikken for å kjøpe brød, ost og nokre ferske frukter til lunsj."),
            ("sv", "I morgon bitti åker vi till marknaden för att köpa bröd, ost och några färska frukter till lunch."),
        ],
        &[
            ("ms", "Kerajaan negeri akan membina lebih banyak sekolah dan hospital di kawasan luar bandar pada tahun hadapan."),
            ("id", "Pemerintah daerah akan membangun lebih banyak sekolah dan rumah sakit di wilayah pedesaan tahun depan."),
        ],
        &[
            ("hr", "Sutra ujutro idemo na tržnicu kupiti kruh, sir i malo svježeg voća za ručak s obitelji."),
            ("sr", "Сутра ујутру идемо на пијацу да купимо хлеб, сир и мало свежег воћа за ручак."),
            ("bs", "Sutra ujutro idemo na pijacu kupiti hljeb, sir i malo svježeg voća za ručak sa porodicom."),
        ],
    ];

    fn detect(config: Value, text: &str) -> Value {
        let out = Harness::<LangDetect>::new(config)
            .unwrap()
            .process_value(json!({"id": "doc", "text": text}))
            .unwrap()
            .expect("langdetect never drops a document");
        out["lang"].clone()
    }

    #[test]
    fn each_language_of_the_hard_groups_is_told_apart() {
        let wrong = misdetected::<LangDetect>(json!({}), &HARD_GROUPS.concat());
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn a_model_resource_replaces_the_built_in_table() {
        // The built-in table's own bytes, handed over as the resource, give
        // the same answers; a valid table without n-grams gives other ones,
        // so the answers come from the resource; and a resource that is not
        // a table is refused when the stage is configured.
        let detect = |harness: &mut Harness<LangDetect>, text: &str| {
            harness
                .process_value(json!({"id": "a", "text": text}))
                .unwrap()
                .unwrap()["lang"]
                .clone()
        };
        let mut built_in = Harness::<LangDetect>::new(json!({})).unwrap();
        let mut handed =
            Harness::<LangDetect>::with_resources(json!({}), &[("model", MODEL_BYTES)]).unwrap();
        for (_, text) in HARD_GROUPS.concat() {
            assert_eq!(detect(&mut handed, text), detect(&mut built_in, text));
        }

        let codes: Vec<&str> = LANGUAGES.iter().map(|(code, _, _)| *code).collect();
        let scripts = Model::built_in(MODEL_BYTES, &codes);
        let mut no_ngrams = Vec::new();
        model::write_header(&codes, &mut no_ngrams);
        for language in 0..codes.len() {
            no_ngrams.extend_from_slice(&scripts.script_mask(language).to_le_bytes());
        }
        for _ in 1..=model::MAX_ORDER {
            model::write_table(Vec::new(), &mut no_ngrams);
        }
        let mut empty =
            Harness::<LangDetect>::with_resources(json!({}), &[("model", &no_ngrams)]).unwrap();
        for (code, text) in HARD_GROUPS.concat() {
            assert_ne!(
                detect(&mut empty, text),
                detect(&mut built_in, text),
                "{code}: the same answer without a single n-gram"
            );
        }

        let error = Harness::<LangDetect>::with_resources(json!({}), &[("model", b"not a table")])
            .unwrap_err();
        assert_eq!(error.resource_name(), Some("model"));
        assert!(
            error.message.contains(
                "is not a model table for this plugin: it is not a langdetect model table"
            ),
            "{}",
            error.message
        );
        let mut truncated = MODEL_BYTES.to_vec();
        truncated.truncate(MODEL_BYTES.len() / 2);
        let error =
            Harness::<LangDetect>::with_resources(json!({}), &[("model", &truncated)]).unwrap_err();
        assert!(
            error.message.contains("it ends inside the"),
            "{}",
            error.message
        );
    }

    #[test]
    fn empty_numeric_and_short_text_is_undetermined_not_guessed() {
        assert_eq!(
            detect(json!({}), ""),
            json!({"code": "und", "name": "Undetermined", "script": "Zyyy", "confidence": 0.0, "candidates": []})
        );
        assert_eq!(
            detect(json!({}), "12 345,67 — 2024-01-01 (+33) 99")["code"],
            "und"
        );
        let short = detect(json!({}), "Schöne Straße");
        assert_eq!(short["code"], "und");
        assert_eq!(short["script"], "Latn");
        let lower_thresholds = json!({"min_chars": 5, "min_confidence": 0.0});
        assert_eq!(detect(lower_thresholds, "Schöne Straße")["code"], "de");
    }

    #[test]
    fn too_uncertain_is_undetermined() {
        // Bokmål and Danish share this sentence letter for letter.
        let shared = "Han kom hjem i går og spiste middag med familien sin.";
        let lang = detect(json!({"min_chars": 0}), shared);
        let confidence = lang["confidence"].as_f64().unwrap();
        assert!(confidence < 0.9, "{lang}");
        assert_eq!(
            detect(json!({"min_confidence": 0.95}), shared)["code"],
            "und"
        );
    }

    #[test]
    fn output_names_the_language_and_script_and_ranks_three_candidates() {
        let lang = detect(
            json!({}),
            "The committee will publish its report on the new railway line next spring.",
        );
        assert_eq!(lang["code"], "en");
        assert_eq!(lang["name"], "English");
        assert_eq!(lang["script"], "Latn");
        let candidates = lang["candidates"].as_array().unwrap();
        assert_eq!(candidates.len(), 3);
        assert_eq!(candidates[0]["code"], "en");
        assert_eq!(candidates[0]["score"], lang["confidence"]);
        let scores: Vec<f64> = candidates
            .iter()
            .map(|c| c["score"].as_f64().unwrap())
            .collect();
        assert!(
            scores.windows(2).all(|pair| pair[0] >= pair[1]),
            "{scores:?}"
        );
        assert!(scores.iter().sum::<f64>() <= 1.0 + 1e-3);
    }

    #[test]
    fn scripts_follow_iso_15924() {
        let cases = [
            (
                "東京の天気は今日とても良いです。明日は雨が降るでしょう。",
                "ja",
                "Jpan",
            ),
            (
                "北京今天天气很好，明天可能会下雨，请大家带好雨伞。",
                "zh",
                "Hani",
            ),
            (
                "Завтра утром мы пойдём на рынок за хлебом и свежими фруктами.",
                "ru",
                "Cyrl",
            ),
            (
                "Αύριο το πρωί θα πάμε στην αγορά για ψωμί και φρέσκα φρούτα.",
                "el",
                "Grek",
            ),
            (
                "내일 아침에 우리는 시장에 가서 빵과 신선한 과일을 살 거예요.",
                "ko",
                "Hang",
            ),
        ];
        for (text, code, script) in cases {
            let lang = detect(json!({}), text);
            assert_eq!(
                (lang["code"].as_str(), lang["script"].as_str()),
                (Some(code), Some(script)),
                "{text}"
            );
        }
    }

    #[test]
    fn only_restricts_the_answer_and_accepts_both_code_lengths() {
        let catalan = HARD_GROUPS[1][2].1;
        let lang = detect(json!({"only": ["es", "por"]}), catalan);
        let codes: Vec<&str> = lang["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap())
            .collect();
        assert!(
            !codes.is_empty() && codes.iter().all(|c| ["es", "pt"].contains(c)),
            "{codes:?}"
        );
        assert_eq!(
            detect(json!({"only": ["pes", "ar"]}), HARD_GROUPS[0][1].1)["code"],
            "fa"
        );
    }

    #[test]
    fn unknown_codes_in_only_are_config_errors() {
        let error = Harness::<LangDetect>::new(json!({"only": ["en", "xx"]})).unwrap_err();
        assert_eq!(error.code, "invalid-config");
        assert_eq!(error.pointer.as_deref(), Some("/only/1"));
        assert_eq!(language_index("zho"), language_index("zh"));
        assert_eq!(language_index("NOB"), language_index("nb"));
    }

    #[test]
    fn a_quoted_paragraph_keeps_the_main_language_and_shows_in_meta() {
        let text = "The mayor opened the new library on Saturday morning. Hundreds of families \
                    came to borrow books, listen to stories and visit the reading garden.\n\n\
                    « Nous sommes très fiers de cette bibliothèque », a-t-elle déclaré.\n\n\
                    The library will be open every day except Monday, and entry is free for everyone.";
        let mut harness = Harness::<LangDetect>::new(json!({"paragraphs": true})).unwrap();
        let out = harness
            .process_value(json!({"id": "doc", "text": text}))
            .unwrap()
            .unwrap();
        assert_eq!(out["lang"]["code"], "en");
        let mixture = &out["meta"]["langdetect"];
        let codes: Vec<&str> = mixture["paragraphs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["en", "fr", "en"]);
        let english = mixture["shares"]["en"].as_f64().unwrap();
        let french = mixture["shares"]["fr"].as_f64().unwrap();
        assert!(english > 0.7 && french > 0.1, "{mixture}");

        let plain = Harness::<LangDetect>::new(json!({}))
            .unwrap()
            .process_value(json!({"id": "doc", "text": text}))
            .unwrap()
            .unwrap();
        assert!(plain["meta"].get("langdetect").is_none(), "only on request");
    }
}

//! The `langdetect` plugin: names the language and script of a document's
//! text with `whatlang`. When the text is too short or the detector unsure it
//! answers `und` (undetermined) rather than a guess, because later stages
//! (summaries, routing) trust the code they are given.

use docpipe_plugin_sdk::{export_plugin, JsonSchema, Plugin, PluginError, Verdict};
use serde::{Deserialize, Serialize};
use whatlang::{Detector, Lang, Script};

/// The ISO 639 code for "undetermined".
const UNDETERMINED: &str = "und";

/// How many languages `candidates` lists at most.
const CANDIDATES: usize = 3;

/// whatlang knows these individual languages; ISO 639-1 has a code only for
/// their macrolanguage (`zh` is `zho`, not `cmn`). Pairs of (individual,
/// macrolanguage, 639-1).
const MACROLANGUAGE_MEMBERS: [(&str, &str, &str); 2] = [("cmn", "zho", "zh"), ("pes", "fas", "fa")];

/// Configuration of a `langdetect` stage.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Answer `und` when the text has fewer letters than this (any script;
    /// digits, spaces and punctuation do not count).
    pub min_chars: usize,
    /// Answer `und` when the detector's confidence (0 to 1) is below this.
    /// Keyboard mashing and mixed-language lines score under 0.1; short but
    /// real sentences from about 0.25.
    pub min_confidence: f64,
    /// Consider only these languages, as ISO 639-1 or 639-3 codes (e.g.
    /// `["en", "ar", "zho"]`). Empty means every language whatlang knows.
    pub only: Vec<String>,
    /// Analyse at most this many characters from the start of the text:
    /// detection cost grows with length, its accuracy barely does.
    pub max_chars: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            min_chars: 20,
            min_confidence: 0.2,
            only: Vec::new(),
            max_chars: 4000,
        }
    }
}

/// The fields `langdetect` reads.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Input {
    /// The text whose language is detected.
    pub text: String,
}

/// The fields `langdetect` writes.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    /// The detected language.
    pub lang: Language,
}

/// A detected language.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
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

/// One likely language.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Candidate {
    /// Language code, as in `lang.code`.
    pub code: String,
    /// Likelihood from 0 to 1; the scores of all candidates add up to at most 1.
    pub score: f64,
}

/// A configured `langdetect` stage.
#[derive(Debug)]
pub struct LangDetect {
    config: Config,
    /// The `only` list resolved to whatlang languages; `None` means all.
    allowed: Option<Vec<Lang>>,
}

impl Plugin for LangDetect {
    const NAME: &'static str = "langdetect";
    const DESCRIPTION: &'static str =
        "Detects the language (ISO 639) and script (ISO 15924) of the text.";
    type Config = Config;
    type Input = Input;
    type Output = Output;

    fn new(config: Config) -> Result<Self, PluginError> {
        if !(0.0..=1.0).contains(&config.min_confidence) {
            return Err(PluginError::new(
                "invalid-config",
                format!(
                    "min_confidence must be between 0 and 1, not {}",
                    config.min_confidence
                ),
            )
            .at("/min_confidence"));
        }
        let allowed = if config.only.is_empty() {
            None
        } else {
            let langs = config
                .only
                .iter()
                .enumerate()
                .map(|(index, code)| {
                    whatlang_lang(code).ok_or_else(|| {
                        PluginError::new(
                            "invalid-config",
                            format!(
                                "{code:?} is not an ISO 639 code of a language the detector knows"
                            ),
                        )
                        .at(format!("/only/{index}"))
                    })
                })
                .collect::<Result<_, _>>()?;
            Some(langs)
        };
        Ok(LangDetect { config, allowed })
    }

    fn process(&mut self, input: Input) -> Result<Verdict<Output>, PluginError> {
        let text = prefix_chars(&input.text, self.config.max_chars);
        Ok(Verdict::keep(Output {
            lang: self.detect(text),
        }))
    }
}

impl LangDetect {
    fn detect(&self, text: &str) -> Language {
        let script = whatlang::detect_script(text).map_or("Zyyy", iso15924);
        let letters = text.chars().filter(|c| c.is_alphabetic()).count();
        if letters < self.config.min_chars {
            return undetermined(script);
        }
        let ranked = self.rank(text);
        let Some(&(best, confidence)) = ranked.first() else {
            return undetermined(script);
        };
        if confidence < self.config.min_confidence {
            return undetermined(script);
        }
        // whatlang answers one language per call (see `rank`). Each answer's
        // confidence is read as its share of the mass the better-ranked ones
        // left unclaimed: score_i = conf_i * prod_{j<i} (1 - conf_j). A
        // runner-up can look surer among fewer rivals than the winner did
        // among all, so scores are capped at the previous one: a near tie,
        // which is what whatlang's low confidence for the winner said.
        let mut unclaimed = 1.0;
        let mut previous_score = 1.0_f64;
        let candidates = ranked
            .iter()
            .map(|&(lang, confidence)| {
                let score = (unclaimed * confidence).min(previous_score);
                unclaimed *= 1.0 - confidence;
                previous_score = score;
                Candidate {
                    code: iso639(lang).to_string(),
                    score: round(score),
                }
            })
            .collect();
        Language {
            code: iso639(best).to_string(),
            name: best.eng_name().to_string(),
            script: script.to_string(),
            confidence: round(confidence),
            candidates,
        }
    }

    /// Up to [`CANDIDATES`] languages, best first, each with whatlang's
    /// confidence among the languages not yet ranked.
    fn rank(&self, text: &str) -> Vec<(Lang, f64)> {
        let mut ranked: Vec<(Lang, f64)> = Vec::with_capacity(CANDIDATES);
        while ranked.len() < CANDIDATES {
            let found: Vec<Lang> = ranked.iter().map(|&(lang, _)| lang).collect();
            let detector = match &self.allowed {
                Some(allowed) => {
                    let remaining: Vec<Lang> = allowed
                        .iter()
                        .copied()
                        .filter(|lang| !found.contains(lang))
                        .collect();
                    if remaining.is_empty() {
                        break;
                    }
                    Detector::with_allowlist(remaining)
                }
                None => Detector::with_denylist(found.clone()),
            };
            // Some scripts (Han, Hebrew) decide the language without the
            // filter list, so an excluded language can come back: stop there.
            match detector.detect(text) {
                Some(info) if !found.contains(&info.lang()) => {
                    ranked.push((info.lang(), info.confidence()))
                }
                _ => break,
            }
        }
        ranked
    }
}

fn undetermined(script: &str) -> Language {
    Language {
        code: UNDETERMINED.to_string(),
        name: "Undetermined".to_string(),
        script: script.to_string(),
        confidence: 0.0,
        candidates: Vec::new(),
    }
}

/// Rounded so outputs stay stable and readable across platforms.
fn round(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

fn prefix_chars(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// ISO 639-1 where the language has a code there, else whatlang's 639-3.
fn iso639(lang: Lang) -> &'static str {
    let code = lang.code();
    if let Some(&(_, _, two_letter)) = MACROLANGUAGE_MEMBERS
        .iter()
        .find(|(individual, _, _)| *individual == code)
    {
        return two_letter;
    }
    isolang::Language::from_639_3(code)
        .and_then(|language| language.to_639_1())
        .unwrap_or(code)
}

/// The whatlang language for an ISO 639-1 or 639-3 code, if it knows one.
fn whatlang_lang(code: &str) -> Option<Lang> {
    let code = code.trim().to_ascii_lowercase();
    let three_letter = match code.len() {
        2 => isolang::Language::from_639_1(&code)?.to_639_3(),
        _ => isolang::Language::from_639_3(&code)?.to_639_3(),
    };
    let individual = MACROLANGUAGE_MEMBERS
        .iter()
        .find(|(_, macrolanguage, _)| *macrolanguage == three_letter)
        .map_or(three_letter, |&(individual, _, _)| individual);
    Lang::from_code(individual)
}

fn iso15924(script: Script) -> &'static str {
    match script {
        Script::Arabic => "Arab",
        Script::Armenian => "Armn",
        Script::Bengali => "Beng",
        Script::Cyrillic => "Cyrl",
        Script::Devanagari => "Deva",
        Script::Ethiopic => "Ethi",
        Script::Georgian => "Geor",
        Script::Greek => "Grek",
        Script::Gujarati => "Gujr",
        Script::Gurmukhi => "Guru",
        Script::Hangul => "Hang",
        Script::Hebrew => "Hebr",
        Script::Hiragana => "Hira",
        Script::Kannada => "Knda",
        Script::Katakana => "Kana",
        Script::Khmer => "Khmr",
        Script::Latin => "Latn",
        Script::Malayalam => "Mlym",
        // whatlang calls Han ideographs "Mandarin".
        Script::Mandarin => "Hani",
        Script::Myanmar => "Mymr",
        Script::Oriya => "Orya",
        Script::Sinhala => "Sinh",
        Script::Tamil => "Taml",
        Script::Telugu => "Telu",
        Script::Thai => "Thai",
    }
}

export_plugin!(LangDetect);

#[cfg(test)]
mod tests {
    use super::*;
    use docpipe_plugin_sdk::testing::Harness;
    use serde_json::{json, Value};

    const ARABIC: &str = "وتقول الولايات المتحدة إنها تعمل مع المجموعة الاقتصادية لدول غرب أفريقيا \
                          لتوفير الأمن الفعال في المنطقة وتعزيز قدرة قوات الأمن النيجيرية.";
    const ENGLISH: &str = "The United States says it is working with the Economic Community of \
                           West African States to provide effective security in the region.";
    const CHINESE: &str = "美国表示，正在与西非国家经济共同体合作，为该地区提供有效的安全保障，\
                           并加强尼日利亚安全部队应对乍得湖不安全挑战的能力。";

    fn detect(config: Value, text: &str) -> Value {
        let out = Harness::<LangDetect>::new(config)
            .unwrap()
            .process_value(json!({"id": "doc", "text": text}))
            .unwrap()
            .expect("langdetect never drops a document");
        out["lang"].clone()
    }

    #[test]
    fn arabic_paragraph() {
        let lang = detect(json!({}), ARABIC);
        assert_eq!(lang["code"], "ar");
        assert_eq!(lang["name"], "Arabic");
        assert_eq!(lang["script"], "Arab");
        assert_eq!(lang["candidates"][0]["code"], "ar");
    }

    #[test]
    fn english_paragraph() {
        let lang = detect(json!({}), ENGLISH);
        assert_eq!(lang["code"], "en");
        assert_eq!(lang["name"], "English");
        assert_eq!(lang["script"], "Latn");
        let confidence = lang["confidence"].as_f64().unwrap();
        assert!(confidence > 0.5 && confidence <= 1.0, "{confidence}");
    }

    #[test]
    fn chinese_paragraph_uses_the_two_letter_macrolanguage_code() {
        let lang = detect(json!({}), CHINESE);
        assert_eq!(lang["code"], "zh");
        assert_eq!(lang["name"], "Mandarin");
        assert_eq!(lang["script"], "Hani");
        let codes: Vec<&Value> = lang["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| &c["code"])
            .collect();
        assert_eq!(
            codes,
            [&json!("zh"), &json!("ja")],
            "no language is listed twice"
        );
    }

    #[test]
    fn russian_paragraph() {
        let lang = detect(
            json!({}),
            "Соединённые Штаты заявляют, что работают с Экономическим сообществом стран Западной Африки.",
        );
        assert_eq!(lang["code"], "ru");
        assert_eq!(lang["script"], "Cyrl");
    }

    #[test]
    fn short_text_is_undetermined_not_guessed() {
        let lang = detect(json!({}), "ok");
        assert_eq!(
            lang,
            json!({"code": "und", "name": "Undetermined", "script": "Latn", "confidence": 0.0, "candidates": []})
        );
        assert_eq!(
            detect(json!({}), "12345 67890 !!! ... 2024-01-01")["code"],
            "und"
        );
    }

    #[test]
    fn low_confidence_is_undetermined() {
        let gibberish = "asdf qwer zxcv uiop hjkl bnm tyu ghj vbn";
        assert_eq!(detect(json!({}), gibberish)["code"], "und");
        assert_ne!(
            detect(json!({"min_confidence": 0.0}), gibberish)["code"],
            "und"
        );
        let short_spanish = "El perro come la comida en la casa grande";
        assert_eq!(detect(json!({}), short_spanish)["code"], "es");
        assert_eq!(
            detect(json!({"min_confidence": 0.9}), short_spanish)["code"],
            "und"
        );
    }

    #[test]
    fn candidates_are_ranked_distinct_and_bounded() {
        let lang = detect(json!({}), ENGLISH);
        let candidates = lang["candidates"].as_array().unwrap();
        assert_eq!(candidates.len(), 3);
        assert_eq!(candidates[0]["code"], "en");
        let scores: Vec<f64> = candidates
            .iter()
            .map(|c| c["score"].as_f64().unwrap())
            .collect();
        assert!(
            scores.windows(2).all(|pair| pair[0] >= pair[1]),
            "{scores:?}"
        );
        assert!(scores.iter().sum::<f64>() <= 1.0 + 1e-9);
        assert_ne!(candidates[0]["code"], candidates[1]["code"]);
    }

    #[test]
    fn only_restricts_the_answer_and_accepts_both_code_lengths() {
        let lang = detect(json!({"only": ["fr", "deu"]}), ENGLISH);
        assert_ne!(lang["code"], "en");
        let codes: Vec<&str> = lang["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap())
            .collect();
        assert!(
            codes.iter().all(|code| ["fr", "de"].contains(code)),
            "{codes:?}"
        );

        assert_eq!(detect(json!({"only": ["zh", "ar"]}), CHINESE)["code"], "zh");
        assert_eq!(detect(json!({"only": ["zho"]}), CHINESE)["code"], "zh");
    }

    #[test]
    fn unknown_codes_in_only_are_config_errors() {
        let error = Harness::<LangDetect>::new(json!({"only": ["en", "xx"]})).unwrap_err();
        assert_eq!(error.code, "invalid-config");
        assert_eq!(error.pointer.as_deref(), Some("/only/1"));
    }

    #[test]
    fn code_mapping() {
        assert_eq!(iso639(Lang::Eng), "en");
        assert_eq!(iso639(Lang::Cmn), "zh");
        assert_eq!(iso639(Lang::Pes), "fa");
        assert_eq!(iso639(Lang::Nob), "nb");
        assert_eq!(whatlang_lang("AR"), Some(Lang::Ara));
        assert_eq!(whatlang_lang("fa"), Some(Lang::Pes));
        assert_eq!(whatlang_lang("ukr"), Some(Lang::Ukr));
    }
}

//! The `langdetect-fast` plugin: names the language and script of a
//! document's text with `whatlang`, a trigram detector that is quick but less
//! sure on short text and close relatives than `langdetect`. Both write the
//! same `lang` field (see `docpipe_plugin_sdk::lang`), so a pipeline swaps one
//! for the other by name. When the text is too short or the detector unsure it
//! answers `und` (undetermined) rather than a guess, because later stages
//! (summaries, routing) trust the code they are given.

use docpipe_plugin_sdk::lang::{
    self, Candidate, DetectorConfig, DetectorInput, DetectorOutput, Language, CANDIDATES,
};
use docpipe_plugin_sdk::{export_plugin, Plugin, PluginError, Verdict};
use whatlang::dev::RawLangInfo;
use whatlang::{Detector, Lang, Script};

/// whatlang knows these individual languages; ISO 639-1 has a code only for
/// their macrolanguage (`zh` is `zho`, not `cmn`). Pairs of (individual,
/// macrolanguage, 639-1).
const MACROLANGUAGE_MEMBERS: [(&str, &str, &str); 2] = [("cmn", "zho", "zh"), ("pes", "fas", "fa")];

/// A configured `langdetect-fast` stage.
#[derive(Debug)]
pub struct LangDetectFast {
    config: DetectorConfig,
    /// The `only` list resolved to whatlang languages; `None` means all.
    allowed: Option<Vec<Lang>>,
}

impl Plugin for LangDetectFast {
    const NAME: &'static str = "langdetect-fast";
    const DESCRIPTION: &'static str =
        "Detects the language (ISO 639) and script (ISO 15924) of the text quickly (whatlang).";
    type Config = DetectorConfig;
    type Input = DetectorInput;
    type Output = DetectorOutput;

    fn new(config: DetectorConfig) -> Result<Self, PluginError> {
        config.validate()?;
        let allowed = if config.only.is_empty() {
            None
        } else {
            Some(config.only_languages(whatlang_lang)?)
        };
        Ok(LangDetectFast { config, allowed })
    }

    fn process(&mut self, input: DetectorInput) -> Result<Verdict<DetectorOutput>, PluginError> {
        let output = self.config.output(&input.text, |text| self.detect(text));
        Ok(Verdict::keep(output))
    }
}

impl LangDetectFast {
    fn detect(&self, text: &str) -> Language {
        let script = whatlang::detect_script(text).map_or("Zyyy", iso15924);
        if lang::letter_count(text) < self.config.min_chars {
            return Language::undetermined(script);
        }
        let ranked = self.rank(text);
        let Some(&(best, confidence)) = ranked.first() else {
            return Language::undetermined(script);
        };
        if confidence < self.config.min_confidence {
            return Language::undetermined(script);
        }
        // whatlang's confidences are each one's against the languages below
        // it (see `rank`). Each one is read as its share of the mass the better-ranked ones
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
                    score: lang::round(score),
                }
            })
            .collect();
        Language {
            code: iso639(best).to_string(),
            name: best.eng_name().to_string(),
            script: script.to_string(),
            confidence: lang::round(confidence),
            candidates,
        }
    }

    /// Up to [`CANDIDATES`] languages, best first, each with whatlang's
    /// confidence that it beats the ones ranked below it.
    fn rank(&self, text: &str) -> Vec<(Lang, f64)> {
        match &self.allowed {
            None => rank_all(text),
            Some(allowed) => rank_by_passes(text, Some(allowed)),
        }
    }
}

/// [`LangDetectFast::rank`] over every language whatlang knows, from one
/// pass: whatlang's combined (alphabet and trigram) score of each language.
/// The winner and its confidence are `whatlang::detect`'s; each runner-up's
/// confidence is computed as whatlang computes the winner's, against the
/// next one down.
fn rank_all(text: &str) -> Vec<(Lang, f64)> {
    let raw = whatlang::dev::raw_detect(text);
    match raw.lang_info {
        Some(RawLangInfo::MultiScript(combined)) => {
            let count = combined.trigram_raw_outcome.trigrams_count;
            let scores = &combined.scores;
            scores
                .iter()
                .take(CANDIDATES)
                .enumerate()
                .map(|(i, &(lang, score))| {
                    let confidence = scores
                        .get(i + 1)
                        .map_or(1.0, |&(_, next)| confidence(score, next, count));
                    (lang, confidence)
                })
                .collect()
        }
        // A script only one language writes decides it.
        Some(RawLangInfo::OneScript(lang)) => vec![(lang, 1.0)],
        // Han decides between Mandarin and Japanese by kana, with a
        // confidence only `detect` gives: two cheap passes, no trigrams.
        Some(RawLangInfo::Mandarin(_)) => rank_by_passes(text, None),
        None => Vec::new(),
    }
}

/// [`LangDetectFast::rank`] among the `allowed` languages (`None`: all), one
/// whatlang pass per candidate without the ones already ranked: whatlang's
/// unstable raw scores only cover every language at once.
fn rank_by_passes(text: &str, allowed: Option<&[Lang]>) -> Vec<(Lang, f64)> {
    let mut ranked: Vec<(Lang, f64)> = Vec::with_capacity(CANDIDATES);
    while ranked.len() < CANDIDATES {
        let found: Vec<Lang> = ranked.iter().map(|&(lang, _)| lang).collect();
        let detector = match allowed {
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

/// whatlang's confidence that the language scoring `highest` beats the one
/// scoring `second`, from `count` trigrams (whatlang 0.18
/// `core::confidence::calculate_confidence`, which it does not export).
fn confidence(highest: f64, second: f64, count: usize) -> f64 {
    if highest == 0.0 {
        return 0.0;
    }
    if second == 0.0 {
        return highest;
    }
    let confident_rate = (3.0 / count as f64) + 0.015;
    let rate = (highest - second) / second;
    if rate > confident_rate {
        1.0
    } else {
        rate / confident_rate
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

export_plugin!(LangDetectFast);

#[cfg(test)]
mod tests {
    use super::*;
    use docpipe_plugin_sdk::testing::{misdetected, Harness};
    use serde_json::{json, Value};

    const ARABIC: &str = "وتقول الولايات المتحدة إنها تعمل مع المجموعة الاقتصادية لدول غرب أفريقيا \
                          لتوفير الأمن الفعال في المنطقة وتعزيز قدرة قوات الأمن النيجيرية.";
    const ENGLISH: &str = "The United States says it is working with the Economic Community of \
                           West African States to provide effective security in the region.";
    const CHINESE: &str = "美国表示，正在与西非国家经济共同体合作，为该地区提供有效的安全保障，\
                           并加强尼日利亚安全部队应对乍得湖不安全挑战的能力。";

    fn detect(config: Value, text: &str) -> Value {
        let out = Harness::<LangDetectFast>::new(config)
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
    fn one_pass_ranking_keeps_whatlangs_answer_and_confidence() {
        let texts = [
            ENGLISH,
            ARABIC,
            CHINESE,
            "Ingeniørerne på den nye fabrik",
            "Los ingenieros",
            "שלום עולם",
            "x",
            "",
        ];
        for text in texts {
            let ranked = rank_all(text);
            let expected = whatlang::detect(text).map(|info| (info.lang(), info.confidence()));
            assert_eq!(ranked.first().copied(), expected, "{text}");
            assert!(ranked.len() <= CANDIDATES);
            let langs: Vec<Lang> = ranked.iter().map(|&(lang, _)| lang).collect();
            assert!(
                langs
                    .iter()
                    .enumerate()
                    .all(|(i, lang)| !langs[..i].contains(lang)),
                "{langs:?}"
            );
        }
        // A runner-up's confidence is against the language below it, as the
        // winner's is.
        let ranked = rank_all("Los ingenieros de la nueva fábrica");
        assert_eq!(ranked.len(), CANDIDATES);
        assert!(ranked.iter().all(|&(_, c)| (0.0..=1.0).contains(&c)));
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
        let error = Harness::<LangDetectFast>::new(json!({"only": ["en", "xx"]})).unwrap_err();
        assert_eq!(error.code, "invalid-config");
        assert_eq!(error.pointer.as_deref(), Some("/only/1"));
    }

    /// Sentences written for these tests, in the languages of each group of
    /// close relatives the issue names that whatlang knows (it has no
    /// Bosnian, Nynorsk or Malay).
    const HARD_GROUPS: [&[(&str, &str)]; 5] = [
        &[
            ("ar", "يعمل المهندسون في المصنع الجديد منذ شهرين على تطوير سيارات كهربائية صغيرة وسريعة."),
            ("fa", "مهندسان در کارخانه جدید از دو ماه پیش روی ساخت خودروهای برقی کوچک و سریع کار می‌کنند."),
            ("ur", "انجینئر نئی فیکٹری میں دو مہینوں سے چھوٹی اور تیز بجلی کی گاڑیاں بنانے پر کام کر رہے ہیں۔"),
        ],
        &[
            ("es", "Los ingenieros de la nueva fábrica llevan dos meses trabajando en coches eléctricos pequeños y rápidos."),
            ("pt", "Os engenheiros da nova fábrica trabalham há dois meses em carros elétricos pequenos e rápidos."),
            ("ca", "Els enginyers de la nova fàbrica fa dos mesos que treballen en cotxes elèctrics petits i ràpids."),
        ],
        &[
            ("da", "Ingeniørerne på den nye fabrik har i to måneder arbejdet på små og hurtige elbiler."),
            ("sv", "Ingenjörerna på den nya fabriken har i två månader arbetat med små och snabba elbilar."),
        ],
        &[(
            "id",
            "Para insinyur di pabrik baru itu sudah dua bulan bekerja membuat mobil listrik yang kecil dan cepat.",
        )],
        &[
            ("hr", "Inženjeri u novoj tvornici već dva mjeseca rade na malim i brzim električnim automobilima."),
            ("sr", "Инжењери у новој фабрици већ два месеца раде на малим и брзим електричним аутомобилима."),
        ],
    ];

    #[test]
    fn hard_groups_as_far_as_whatlang_tells_them_apart() {
        let wrong = misdetected::<LangDetectFast>(json!({}), &HARD_GROUPS.concat());
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn bokmal_is_at_best_tied_with_danish() {
        // A known whatlang limit, and the reason `langdetect` is the default.
        let lang = detect(
            json!({}),
            "Ingeniørene på den nye fabrikken har i to måneder jobbet med små og raske elbiler.",
        );
        let top_two: Vec<&Value> = lang["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .take(2)
            .map(|c| &c["code"])
            .collect();
        assert!(top_two.contains(&&json!("nb")), "{lang}");
    }

    #[test]
    fn empty_text_is_undetermined() {
        assert_eq!(detect(json!({}), "")["code"], "und");
        assert_eq!(detect(json!({}), "")["script"], "Zyyy");
    }

    #[test]
    fn paragraphs_on_request() {
        let text = format!("{ENGLISH}\n\n{ARABIC}\n\n{ENGLISH}");
        let mut harness = Harness::<LangDetectFast>::new(json!({"paragraphs": true})).unwrap();
        let out = harness
            .process_value(json!({"id": "doc", "text": text}))
            .unwrap()
            .unwrap();
        let codes: Vec<&str> = out["meta"]["langdetect"]["paragraphs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["en", "ar", "en"]);
        let shares = &out["meta"]["langdetect"]["shares"];
        assert!(shares["en"].as_f64().unwrap() > shares["ar"].as_f64().unwrap());
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

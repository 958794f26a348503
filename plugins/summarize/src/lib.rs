//! The `summarize` plugin: an extractive summary, the sentences that best
//! cover the text, in their original order. It quotes, never paraphrases:
//! each chosen sentence is located in the text by char offsets that give back
//! exactly its words. The same input always gives the same summary.

mod ranking;
mod selection;
mod sentence_bounds;
mod sentences;
mod terms;

use docpipe_plugin_sdk::{export_plugin, JsonSchema, Plugin, PluginError, Verdict};
use serde::{Deserialize, Serialize};

use selection::Budget;
use terms::{StopWordCache, Vocabulary};

/// Configuration of a `summarize` stage: its length budget, given by at most
/// one of `sentences`, `words` and `ratio` (none: 3 sentences).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// How many sentences the summary keeps (at least 1; 3 when no budget is
    /// given). A text with fewer sentences is summarized by all of them.
    #[schemars(with = "usize", transform = without_default)]
    pub sentences: Option<usize>,
    /// The most words (UAX #29 words) the summary may have (at least 1). When
    /// not even the best sentence fits, the summary is that sentence alone.
    #[schemars(with = "usize", transform = without_default)]
    pub words: Option<usize>,
    /// The summary's length as a share of the text's words, above 0 and at
    /// most 1 (0.2: about a fifth), with the same rule as `words`.
    #[schemars(with = "f64", transform = without_default)]
    pub ratio: Option<f64>,
}

/// Drops the `default` schemars derives from `Config::default()`: `null`
/// would read as a valid value, and the real default (3 sentences) applies
/// only when no budget key is given.
fn without_default(schema: &mut schemars::Schema) {
    schema.remove("default");
}

/// The length budget a config asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Length {
    Sentences(usize),
    Words(usize),
    Ratio(f64),
}

impl Config {
    fn length(&self) -> Result<Length, PluginError> {
        let given = [
            self.sentences.map(|_| "sentences"),
            self.words.map(|_| "words"),
            self.ratio.map(|_| "ratio"),
        ];
        let given: Vec<&str> = given.into_iter().flatten().collect();
        if given.len() > 1 {
            return Err(PluginError::new(
                "invalid-config",
                format!(
                    "give one length budget, not {}: `sentences`, `words` or `ratio`",
                    given.join(" and ")
                ),
            )
            .at(format!("/{}", given[1])));
        }
        match (self.sentences, self.words, self.ratio) {
            (Some(0), _, _) => Err(PluginError::new(
                "invalid-config",
                "sentences must be at least 1",
            )
            .at("/sentences")),
            (_, Some(0), _) => {
                Err(PluginError::new("invalid-config", "words must be at least 1").at("/words"))
            }
            (_, _, Some(ratio)) if !(ratio > 0.0 && ratio <= 1.0) => Err(PluginError::new(
                "invalid-config",
                format!("ratio must be above 0 and at most 1, not {ratio}"),
            )
            .at("/ratio")),
            (_, Some(words), _) => Ok(Length::Words(words)),
            (_, _, Some(ratio)) => Ok(Length::Ratio(ratio)),
            (sentences, _, _) => Ok(Length::Sentences(sentences.unwrap_or(3))),
        }
    }
}

/// The fields `summarize` reads.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Input {
    /// The text to summarize.
    pub text: String,
    /// The document's title, if it has one: sentences close to it rank higher.
    #[serde(default)]
    pub title: Option<String>,
    /// The language found by `langdetect`, if that stage ran: it chooses the
    /// stop words. Without it every word counts, weighted by how rare it is.
    #[serde(default)]
    pub lang: Option<LangHint>,
}

/// The part of `langdetect`'s output `summarize` may read.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct LangHint {
    /// ISO 639-1 code, e.g. `en`, `ar`, `zh`, or `und`.
    #[serde(default)]
    pub code: Option<String>,
}

/// The fields `summarize` writes.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    /// The summary.
    pub summary: Summary,
}

/// An extractive summary.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Summary {
    /// The chosen sentences in document order, joined with one space.
    pub text: String,
    /// The chosen sentences in document order.
    pub sentences: Vec<SummarySentence>,
}

/// One sentence of the summary, located in the document's `text`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SummarySentence {
    /// The sentence, exactly as in the text (trimmed).
    pub text: String,
    /// Offset of its first character in `text`, in Unicode scalar values
    /// (chars, not bytes or UTF-16 units).
    pub start: usize,
    /// Offset just past its last character, in Unicode scalar values.
    pub end: usize,
    /// Its rank score, from 0 to 1 (1 for the document's best sentence).
    pub score: f64,
}

/// A configured `summarize` stage.
#[derive(Debug)]
pub struct Summarize {
    length: Length,
    stop_words: StopWordCache,
}

impl Plugin for Summarize {
    const NAME: &'static str = "summarize";
    const DESCRIPTION: &'static str =
        "Extractive summary: the most central sentences, quoted with their offsets.";
    type Config = Config;
    type Input = Input;
    type Output = Output;

    fn new(config: Config) -> Result<Self, PluginError> {
        Ok(Summarize {
            length: config.length()?,
            stop_words: StopWordCache::default(),
        })
    }

    fn process(&mut self, input: Input) -> Result<Verdict<Output>, PluginError> {
        let code = input.lang.as_ref().and_then(|lang| lang.code.as_deref());
        let summary = summarize(
            &input.text,
            input.title.as_deref(),
            self.stop_words.get(code),
            self.length,
        );
        Ok(Verdict::keep(Output { summary }))
    }
}

fn summarize(
    text: &str,
    title: Option<&str>,
    stop_words: &terms::StopWords,
    length: Length,
) -> Summary {
    let sentences = sentences::split(text);
    let mut vocabulary = Vocabulary::default();
    let terms: Vec<terms::SentenceTerms> = sentences
        .iter()
        .map(|sentence| vocabulary.terms(sentence.text, stop_words))
        .collect();
    // Headings are not summary sentences, unless the text has nothing else;
    // the lead is the first sentence under them, and a headline above it
    // stands in for a missing title.
    let lead = sentences.iter().position(|s| !s.heading);
    let eligible: Vec<bool> = sentences
        .iter()
        .map(|s| lead.is_none() || !s.heading)
        .collect();
    let title = title
        .filter(|title| !title.trim().is_empty())
        .or_else(|| lead.filter(|&first| first > 0).map(|_| sentences[0].text))
        .map(|title| vocabulary.terms(title, stop_words));
    let words: Vec<usize> = terms.iter().map(|t| t.words).collect();
    let budget = match length {
        Length::Sentences(count) => Budget::Sentences(count),
        Length::Words(count) => Budget::Words(count),
        Length::Ratio(ratio) => {
            let total: usize = words.iter().sum();
            Budget::Words(((total as f64 * ratio).round() as usize).max(1))
        }
    };
    let ranking = ranking::rank(
        &terms,
        title.as_ref(),
        vocabulary.len(),
        lead,
        matches!(budget, Budget::Sentences(_)),
    );
    let chosen = selection::select(&ranking, &words, &eligible, budget);

    let sentences: Vec<SummarySentence> = chosen
        .into_iter()
        .map(|index| SummarySentence {
            text: sentences[index].text.to_string(),
            start: sentences[index].char_start,
            end: sentences[index].char_end,
            score: (ranking.scores[index] * 10_000.0).round() / 10_000.0,
        })
        .collect();
    Summary {
        text: sentences
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        sentences,
    }
}

export_plugin!(Summarize);

#[cfg(test)]
mod tests {
    use super::*;
    use docpipe_plugin_sdk::testing::Harness;
    use docpipe_plugin_sdk::words;
    use serde_json::{json, Value};

    fn summarize(config: Value, text: &str) -> Value {
        summarize_document(
            config,
            json!({"id": "doc", "text": text, "lang": {"code": "xx", "confidence": 1.0}}),
        )
    }

    fn summarize_document(config: Value, document: Value) -> Value {
        let text = document["text"].as_str().unwrap().to_string();
        let out = Harness::<Summarize>::new(config)
            .unwrap()
            .process_value(document)
            .unwrap()
            .expect("summarize never drops a document");
        assert_offsets_quote_the_text(&text, &out["summary"]);
        out["summary"].clone()
    }

    fn word_count(summary: &Value) -> usize {
        words::words(summary["text"].as_str().unwrap()).count()
    }

    fn assert_offsets_quote_the_text(text: &str, summary: &Value) {
        let chars: Vec<char> = text.chars().collect();
        for sentence in summary["sentences"].as_array().unwrap() {
            let start = sentence["start"].as_u64().unwrap() as usize;
            let end = sentence["end"].as_u64().unwrap() as usize;
            let quoted: String = chars[start..end].iter().collect();
            assert_eq!(quoted, sentence["text"].as_str().unwrap());
        }
    }

    fn chosen(summary: &Value) -> Vec<&str> {
        summary["sentences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["text"].as_str().unwrap())
            .collect()
    }

    const ENGLISH: &str = "The United States is working with ECOWAS on regional security. \
        Blinken spoke in Abuja on Tuesday.\n\n\
        He said the United States is focused on insecurity in the Sahel region. \
        The weather was warm. \
        The United States will support security forces in the Lake Chad region with equipment and advice.\n\n\
        Lunch was served.";

    #[test]
    fn english_picks_central_sentences_in_document_order() {
        let summary = summarize(json!({}), ENGLISH);
        assert_eq!(
            chosen(&summary),
            [
                "The United States is working with ECOWAS on regional security.",
                "He said the United States is focused on insecurity in the Sahel region.",
                "The United States will support security forces in the Lake Chad region with equipment and advice.",
            ]
        );
        assert_eq!(summary["text"], chosen(&summary).join(" "));
        assert_eq!(summary["sentences"][0]["start"], 0);
        assert_eq!(summary["sentences"][0]["end"], 62);
    }

    #[test]
    fn arabic_offsets_count_chars_not_bytes() {
        let text = "تعمل الولايات المتحدة مع إيكواس لتعزيز الأمن في المنطقة. \
                    الطقس جميل اليوم؟ \
                    وتركز الولايات المتحدة على تحديات الأمن في منطقة الساحل.";
        let summary = summarize(json!({"sentences": 2}), text);
        assert_eq!(
            chosen(&summary),
            [
                "تعمل الولايات المتحدة مع إيكواس لتعزيز الأمن في المنطقة.",
                "وتركز الولايات المتحدة على تحديات الأمن في منطقة الساحل.",
            ]
        );
        let second_start = text.chars().count() - chosen(&summary)[1].chars().count();
        assert_eq!(summary["sentences"][1]["start"], second_start);
    }

    #[test]
    fn chinese_sentences_split_on_ideographic_full_stop() {
        let text = "美国正在与西非国家经济共同体合作加强地区安全。今天天气很好。\
                    美国将支持乍得湖地区的安全部队加强安全。";
        let summary = summarize(json!({"sentences": 2}), text);
        assert_eq!(
            chosen(&summary),
            [
                "美国正在与西非国家经济共同体合作加强地区安全。",
                "美国将支持乍得湖地区的安全部队加强安全。"
            ]
        );
        assert_eq!(summary["sentences"][1]["start"], 30);
    }

    #[test]
    fn short_texts_are_summarized_by_all_their_sentences() {
        let summary = summarize(json!({"sentences": 5}), "Only one sentence here.");
        assert_eq!(summary["text"], "Only one sentence here.");
        let empty = summarize(json!({}), "   \n\n  ");
        assert_eq!(empty, json!({"text": "", "sentences": []}));
    }

    #[test]
    fn zero_sentences_is_a_config_error() {
        let error = Harness::<Summarize>::new(json!({"sentences": 0})).unwrap_err();
        assert_eq!(error.pointer.as_deref(), Some("/sentences"));
    }

    #[test]
    fn bad_budgets_are_config_errors_at_their_key() {
        for (config, pointer) in [
            (json!({"words": 0}), "/words"),
            (json!({"ratio": 0.0}), "/ratio"),
            (json!({"ratio": 1.5}), "/ratio"),
            (json!({"sentences": 2, "words": 40}), "/words"),
            (json!({"words": 40, "ratio": 0.5}), "/ratio"),
        ] {
            let error = Harness::<Summarize>::new(config.clone()).unwrap_err();
            assert_eq!(error.pointer.as_deref(), Some(pointer), "{config}");
        }
    }

    /// Eight sentences on a port strike, with an aside on the weather.
    const STRIKE: &str =
        "Dock workers in the port city began a strike on Monday over pay and hours. \
        The union said the strike would last until the port authority raised pay. \
        It rained all day. \
        Ships waited outside the port as the strike stopped all loading of cargo. \
        The port authority said it would meet the union about pay on Thursday.\n\n\
        Shops near the harbour stayed open. \
        Dock workers say their pay has not risen in six years while hours grew longer. \
        A spokesman for the union said the strike had wide support among workers.";

    #[test]
    fn a_sentence_budget_keeps_that_many_sentences() {
        for wanted in 1..=4 {
            let summary = summarize(json!({ "sentences": wanted }), STRIKE);
            assert_eq!(chosen(&summary).len(), wanted);
        }
        let weather = summarize(json!({"sentences": 4}), STRIKE);
        assert!(!chosen(&weather).contains(&"It rained all day."));
    }

    #[test]
    fn a_word_budget_is_never_exceeded_by_more_than_one_sentence() {
        for budget in [15, 30, 45, 80] {
            let summary = summarize(json!({ "words": budget }), STRIKE);
            assert!(word_count(&summary) <= budget, "{budget}: {summary}");
            assert!(!chosen(&summary).is_empty());
        }
        // Not even the best sentence fits: it is the summary alone.
        let tight = summarize(json!({"words": 3}), STRIKE);
        assert_eq!(chosen(&tight).len(), 1);
    }

    #[test]
    fn a_ratio_is_a_share_of_the_texts_words() {
        let total = words::words(STRIKE).count();
        let half = summarize(json!({"ratio": 0.5}), STRIKE);
        assert!(word_count(&half) <= total / 2 + 1, "{half}");
        assert!(word_count(&half) > total / 4, "{half}");
        let all = summarize(json!({"ratio": 1.0}), STRIKE);
        assert_eq!(chosen(&all).len(), 8);
    }

    #[test]
    fn the_same_input_gives_the_same_summary() {
        let first = summarize(json!({"sentences": 3}), STRIKE);
        for _ in 0..3 {
            assert_eq!(summarize(json!({"sentences": 3}), STRIKE), first);
        }
        // One instance, many documents: nothing carries over between them.
        let mut harness = Harness::<Summarize>::new(json!({"sentences": 3})).unwrap();
        let document = json!({"id": "a", "text": STRIKE});
        let once = harness.process_value(document.clone()).unwrap();
        harness
            .process_value(json!({"id": "b", "text": ENGLISH}))
            .unwrap();
        assert_eq!(harness.process_value(document).unwrap(), once);
    }

    #[test]
    fn a_repeated_sentence_is_never_chosen_twice() {
        let text = "The bridge will close on Friday for repairs to its deck. \
            Drivers should use the ferry instead. \
            The bridge will close on Friday for repairs to its deck! \
            Repairs are expected to take two weeks.";
        let summary = summarize(json!({"sentences": 3}), text);
        let bridge = chosen(&summary)
            .iter()
            .filter(|s| s.starts_with("The bridge"))
            .count();
        assert_eq!(bridge, 1, "{summary}");
    }

    #[test]
    fn works_without_language_and_title_and_uses_them_when_given() {
        let bare = summarize_document(json!({"sentences": 2}), json!({"id": "a", "text": STRIKE}));
        assert_eq!(chosen(&bare).len(), 2);
        let titled = summarize_document(
            json!({"sentences": 1}),
            json!({"id": "a", "text": STRIKE, "title": "Shops by the harbour stay open",
                   "lang": {"code": "en"}}),
        );
        // The lead still wins a one-sentence summary, but the title lifts
        // the sentence that matches it above the rest.
        let scores: Vec<f64> = summarize_document(
            json!({"ratio": 1.0}),
            json!({"id": "a", "text": STRIKE, "title": "Shops by the harbour stay open"}),
        )["sentences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["score"].as_f64().unwrap())
            .collect();
        let untitled: Vec<f64> =
            summarize_document(json!({"ratio": 1.0}), json!({"id": "a", "text": STRIKE}))
                ["sentences"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["score"].as_f64().unwrap())
                .collect();
        assert!(scores[5] > untitled[5], "{scores:?} {untitled:?}");
        assert_eq!(chosen(&titled).len(), 1);
    }

    #[test]
    fn hindi_sentences_end_at_the_danda() {
        let text = "सरकार ने किसानों के लिए नई योजना की घोषणा की। \
            इस योजना से किसानों को 2.5 प्रतिशत सस्ता ऋण मिलेगा। \
            क्या यह योजना सफल होगी? \
            आज मौसम साफ़ था।";
        let summary = summarize_document(
            json!({"sentences": 2}),
            json!({"id": "hi", "text": text, "lang": {"code": "hi"}}),
        );
        assert_eq!(
            chosen(&summary),
            [
                "सरकार ने किसानों के लिए नई योजना की घोषणा की।",
                "इस योजना से किसानों को 2.5 प्रतिशत सस्ता ऋण मिलेगा।",
            ]
        );
    }

    #[test]
    fn arabic_dateline_and_question_mark() {
        let text =
            "القاهرة، مصر (CNN)-- أعلنت الحكومة المصرية خطة جديدة لدعم المزارعين في الصعيد. \
            هل تنجح الخطة؟ \
            وقالت الحكومة إن الخطة ستوفر قروضا للمزارعين بفائدة 2.5 في المئة.";
        let summary = summarize_document(
            json!({"sentences": 1}),
            json!({"id": "ar", "text": text, "lang": {"code": "ar"}}),
        );
        assert_eq!(
            chosen(&summary),
            ["أعلنت الحكومة المصرية خطة جديدة لدعم المزارعين في الصعيد."]
        );
        assert_eq!(summary["sentences"][0]["start"], 21);
    }

    #[test]
    fn a_headline_is_not_a_summary_sentence_but_stands_in_for_the_title() {
        let text = format!("Shops by the harbour stay open\n\n{STRIKE}");
        let summary = summarize(json!({"ratio": 1.0}), &text);
        assert!(!chosen(&summary).contains(&"Shops by the harbour stay open"));
        let scores: Vec<f64> = summary["sentences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["score"].as_f64().unwrap())
            .collect();
        let untitled = summarize(json!({"ratio": 1.0}), STRIKE);
        // "Shops near the harbour stayed open." gains from the headline.
        assert!(scores[5] > untitled["sentences"][5]["score"].as_f64().unwrap());
        // A text of headings only is summarized by them.
        let list = summarize(json!({"sentences": 1}), "Agenda\n\nBudget review");
        assert_eq!(chosen(&list).len(), 1);
    }
}

//! An example docpipe plugin: adds `stats = { words, characters, lines }` to
//! every document, and can drop documents shorter than `min_words`. It reads
//! only `text` and writes only `stats`; every other field passes through.

use docpipe_plugin_sdk::{export_plugin, log, JsonSchema, Plugin, PluginError, Verdict};
use serde::{Deserialize, Serialize};

/// The stage's `config` table. `default` makes `{}` valid; `deny_unknown_fields`
/// turns a misspelt key into an error that points at it.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Drop documents with fewer words than this (0 keeps every document).
    pub min_words: usize,
    /// Log a warning for documents with more words than this (0: never).
    pub warn_above_words: usize,
}

/// The document fields the plugin reads. Fields not named here are kept.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Input {
    /// The text to count.
    pub text: String,
}

/// The document fields the plugin writes: `stats` replaces any earlier `stats`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    /// Counts over `text`.
    pub stats: Stats,
}

/// Counts over a document's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Stats {
    /// Runs of non-whitespace characters (Unicode whitespace separates words).
    pub words: usize,
    /// Unicode scalar values, whitespace included.
    pub characters: usize,
    /// Lines, counting a last line without a newline; 0 for an empty text.
    pub lines: usize,
}

impl Stats {
    /// Count `text`.
    pub fn of(text: &str) -> Stats {
        Stats {
            words: text.split_whitespace().count(),
            characters: text.chars().count(),
            lines: text.lines().count(),
        }
    }
}

/// A configured `wordcount` stage.
#[derive(Debug)]
pub struct WordCount {
    config: Config,
}

impl Plugin for WordCount {
    const NAME: &'static str = "wordcount";
    const DESCRIPTION: &'static str =
        "Counts words, characters and lines into `stats`; drops documents under `min_words`.";
    type Config = Config;
    type Input = Input;
    type Output = Output;

    fn new(config: Config) -> Result<Self, PluginError> {
        if config.warn_above_words != 0 && config.warn_above_words < config.min_words {
            return Err(PluginError::new(
                "invalid-config",
                format!(
                    "warn_above_words ({}) is below min_words ({}): every kept document would warn",
                    config.warn_above_words, config.min_words
                ),
            )
            .at("/warn_above_words"));
        }
        Ok(WordCount { config })
    }

    fn process(&mut self, input: Input) -> Result<Verdict<Output>, PluginError> {
        let stats = Stats::of(&input.text);
        if stats.words < self.config.min_words {
            return Ok(Verdict::drop(format!(
                "{} words, fewer than min_words = {}",
                stats.words, self.config.min_words
            )));
        }
        if self.config.warn_above_words != 0 && stats.words > self.config.warn_above_words {
            log::warn(&format!(
                "{} words, more than warn_above_words = {}",
                stats.words, self.config.warn_above_words
            ));
        }
        Ok(Verdict::keep(Output { stats }))
    }
}

export_plugin!(WordCount);

#[cfg(test)]
mod tests {
    use super::*;
    use docpipe_contract::Outcome;
    use docpipe_plugin_sdk::testing::Harness;
    use serde_json::json;

    #[test]
    fn counts_words_characters_and_lines_in_any_script() {
        let mut stage = Harness::<WordCount>::new(json!({})).unwrap();
        let out = stage
            .process_value(json!({
                "id": "a",
                "text": "تعمل الولايات المتحدة\nwith ECOWAS — 2024",
            }))
            .unwrap()
            .expect("kept");
        assert_eq!(
            out["stats"],
            json!({"words": 7, "characters": 40, "lines": 2})
        );
    }

    #[test]
    fn other_fields_and_meta_pass_through() {
        let mut stage = Harness::<WordCount>::new(json!({})).unwrap();
        let out = stage
            .process_value(json!({
                "id": "a",
                "text": "one two",
                "lang": {"code": "en"},
                "meta": {"source": {"path": "a.txt"}},
            }))
            .unwrap()
            .expect("kept");
        assert_eq!(out["lang"], json!({"code": "en"}));
        assert_eq!(out["meta"], json!({"source": {"path": "a.txt"}}));
        assert_eq!(out["stats"]["words"], 2);
    }

    #[test]
    fn short_documents_are_dropped_with_their_word_count() {
        let mut stage = Harness::<WordCount>::new(json!({"min_words": 3})).unwrap();
        match stage.process(&json!({"id": "a", "text": "too short"}).to_string()) {
            Ok(Outcome::Drop { reason }) => {
                assert_eq!(reason, "2 words, fewer than min_words = 3")
            }
            other => panic!("expected a drop, got {other:?}"),
        }
        let kept = stage
            .process_value(json!({"id": "b", "text": "long enough now"}))
            .unwrap();
        assert!(kept.is_some());
    }

    #[test]
    fn an_empty_text_has_no_words_and_no_lines() {
        assert_eq!(
            Stats::of(""),
            Stats {
                words: 0,
                characters: 0,
                lines: 0
            }
        );
    }

    #[test]
    fn a_misspelt_config_key_is_refused_at_its_place() {
        let error = Harness::<WordCount>::new(json!({"min_word": 3})).unwrap_err();
        assert_eq!(error.code, "invalid-config");
        assert!(error.message.contains("min_word"), "{error}");
    }

    #[test]
    fn inconsistent_limits_are_refused_at_the_second_key() {
        let error =
            Harness::<WordCount>::new(json!({"min_words": 10, "warn_above_words": 5})).unwrap_err();
        assert_eq!(error.pointer.as_deref(), Some("/warn_above_words"));
    }

    #[test]
    fn a_document_without_text_is_an_input_error() {
        let mut stage = Harness::<WordCount>::new(json!({})).unwrap();
        let error = stage.process(&json!({"id": "a"}).to_string()).unwrap_err();
        assert_eq!(error.code, "invalid-input");
        assert!(error.message.contains("text"), "{error}");
    }

    #[test]
    fn the_manifest_declares_the_config_keys() {
        let manifest = Harness::<WordCount>::manifest();
        assert_eq!(manifest.name, "wordcount");
        let properties = &manifest.config_schema["properties"];
        assert!(properties.get("min_words").is_some());
        assert!(properties.get("warn_above_words").is_some());
    }
}

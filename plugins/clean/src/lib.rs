//! The `clean` plugin: removes the debris scraped news text carries (ad-slot
//! markers, a title line repeated at the top, a trailing "Source:" line) and
//! normalizes whitespace. It only removes; it never rewrites words, and every
//! rule works on any script (Arabic, CJK, Cyrillic), not only ASCII.

use docpipe_plugin_sdk::{export_plugin, JsonSchema, Plugin, PluginError, Verdict};
use regex::Regex;
use serde::{Deserialize, Serialize};

/// A source line longer than this is a paragraph that happens to start with
/// "Source", not a credit line, so it is kept.
const MAX_SOURCE_LINE_CHARS: usize = 150;

/// Configuration of a `clean` stage.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Regular expressions (Rust `regex` syntax) of ad-slot markers to remove,
    /// wherever they appear: alone on a line or inside one.
    pub ad_markers: Vec<String>,
    /// Remove a first line that repeats the title: the document's `title` if
    /// it has one, else a first line repeated as the next non-empty line.
    pub strip_title_line: bool,
    /// Remove the last non-empty line when it starts with one of
    /// `source_prefixes` (compared case-insensitively).
    pub strip_source_line: bool,
    /// Prefixes that mark a trailing source or credit line. A prefix must be
    /// followed by the end of the line or by a character that is not a letter
    /// or digit, so "Source" does not match "Sourced".
    pub source_prefixes: Vec<String>,
    /// Collapse runs of spaces and tabs inside lines, trim lines, keep at most
    /// one blank line between paragraphs and trim the text.
    pub normalize_whitespace: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            ad_markers: vec![r"\[ad_\d+\]".to_string()],
            strip_title_line: true,
            strip_source_line: true,
            source_prefixes: [
                "المصدر",
                "Source:",
                "Sources:",
                "Source :",
                "Fuente:",
                "Quelle:",
                "Источник:",
                "Джерело:",
                "来源",
                "來源",
                "出典",
            ]
            .map(String::from)
            .to_vec(),
            normalize_whitespace: true,
        }
    }
}

/// The fields `clean` reads.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Input {
    /// The text to clean.
    pub text: String,
    /// The title, used to recognise a repeated title line.
    #[serde(default)]
    pub title: Option<String>,
}

/// The fields `clean` writes.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    /// The cleaned text.
    pub text: String,
    /// What was removed, under `meta.clean`.
    pub meta: OutputMeta,
}

/// The `meta` keys `clean` adds.
#[derive(Debug, Serialize, JsonSchema)]
pub struct OutputMeta {
    /// What each rule removed.
    pub clean: CleanReport,
}

/// How much each rule removed from one document.
#[derive(Debug, Default, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CleanReport {
    /// Number of ad-slot markers removed.
    pub ad_markers: usize,
    /// Number of repeated title lines removed.
    pub title_line: usize,
    /// Number of source or credit lines removed.
    pub source_line: usize,
    /// The lines removed by the line-level rules, as they were (trimmed).
    pub removed_lines: RemovedLines,
}

/// Lines removed by each line-level rule.
#[derive(Debug, Default, Clone, PartialEq, Serialize, JsonSchema)]
pub struct RemovedLines {
    /// Removed title lines.
    pub title_line: Vec<String>,
    /// Removed source or credit lines.
    pub source_line: Vec<String>,
}

/// A configured `clean` stage.
#[derive(Debug)]
pub struct Clean {
    ad_markers: Vec<Regex>,
    /// Lower-cased once here rather than per document.
    source_prefixes: Vec<String>,
    strip_title_line: bool,
    strip_source_line: bool,
    normalize_whitespace: bool,
}

impl Plugin for Clean {
    const NAME: &'static str = "clean";
    const DESCRIPTION: &'static str =
        "Removes ad markers, a repeated title line and a trailing source line; normalizes whitespace.";
    type Config = Config;
    type Input = Input;
    type Output = Output;

    fn new(config: Config) -> Result<Self, PluginError> {
        let ad_markers = config
            .ad_markers
            .iter()
            .enumerate()
            .map(|(index, pattern)| compile_marker(index, pattern))
            .collect::<Result<_, _>>()?;
        Ok(Clean {
            ad_markers,
            source_prefixes: config
                .source_prefixes
                .iter()
                .map(|prefix| comparable(prefix))
                .filter(|prefix| !prefix.is_empty())
                .collect(),
            strip_title_line: config.strip_title_line,
            strip_source_line: config.strip_source_line,
            normalize_whitespace: config.normalize_whitespace,
        })
    }

    fn process(&mut self, input: Input) -> Result<Verdict<Output>, PluginError> {
        let (text, report) = self.clean(&input.text, input.title.as_deref());
        Ok(Verdict::keep(Output {
            text,
            meta: OutputMeta { clean: report },
        }))
    }
}

fn compile_marker(index: usize, pattern: &str) -> Result<Regex, PluginError> {
    let invalid = |message: String| {
        PluginError::new("invalid-config", message).at(format!("/ad_markers/{index}"))
    };
    let regex = Regex::new(pattern).map_err(|e| {
        invalid(format!(
            "ad marker pattern {pattern:?} is not a valid regex: {e}"
        ))
    })?;
    // A pattern matching "" would "remove" a marker between every character.
    if regex.is_match("") {
        return Err(invalid(format!(
            "ad marker pattern {pattern:?} matches the empty string"
        )));
    }
    Ok(regex)
}

impl Clean {
    fn clean(&self, text: &str, title: Option<&str>) -> (String, CleanReport) {
        let mut report = CleanReport::default();
        let mut text = text.replace("\r\n", "\n").replace('\r', "\n");

        for marker in &self.ad_markers {
            let found = marker.find_iter(&text).count();
            if found > 0 {
                report.ad_markers += found;
                text = marker.replace_all(&text, "").into_owned();
            }
        }

        let mut lines: Vec<String> = text
            .split('\n')
            .map(|line| {
                if self.normalize_whitespace {
                    collapse_inline_whitespace(line)
                } else {
                    line.to_string()
                }
            })
            .collect();

        if self.strip_title_line {
            report.removed_lines.title_line = remove_title_lines(&mut lines, title);
            report.title_line = report.removed_lines.title_line.len();
        }
        if self.strip_source_line {
            if let Some(line) = self.remove_source_line(&mut lines) {
                report.removed_lines.source_line.push(line);
                report.source_line = 1;
            }
        }

        let text = if self.normalize_whitespace {
            join_paragraphs(&lines)
        } else {
            lines.join("\n")
        };
        (text, report)
    }

    fn remove_source_line(&self, lines: &mut Vec<String>) -> Option<String> {
        let last = lines.iter().rposition(|line| !is_blank(line))?;
        let line = lines[last].trim();
        if line.chars().count() > MAX_SOURCE_LINE_CHARS {
            return None;
        }
        let candidate = comparable(line);
        let is_source = self.source_prefixes.iter().any(|prefix| {
            candidate.strip_prefix(prefix.as_str()).is_some_and(|rest| {
                // "Source:" ends in punctuation, so whatever follows is fine;
                // "المصدر" must not be the start of a longer word.
                prefix.ends_with(|c: char| !c.is_alphanumeric())
                    || !rest.starts_with(|c: char| c.is_alphanumeric())
            })
        });
        is_source.then(|| lines.remove(last).trim().to_string())
    }
}

/// Removes the title line(s) at the top and returns them. With a title, every
/// leading line equal to it goes; without one, a first line that the next
/// non-empty line repeats is the duplicate, and the repeat stays as the title.
fn remove_title_lines(lines: &mut Vec<String>, title: Option<&str>) -> Vec<String> {
    let mut removed = Vec::new();
    match title.map(comparable).filter(|title| !title.is_empty()) {
        Some(title) => {
            while let Some(first) = lines.iter().position(|line| !is_blank(line)) {
                if comparable(&lines[first]) != title {
                    break;
                }
                removed.push(lines.remove(first).trim().to_string());
            }
        }
        None => {
            let mut non_blank = lines.iter().enumerate().filter(|(_, line)| !is_blank(line));
            if let (Some((first, first_line)), Some((_, next_line))) =
                (non_blank.next(), non_blank.next())
            {
                if comparable(first_line) == comparable(next_line) {
                    removed.push(lines.remove(first).trim().to_string());
                }
            }
        }
    }
    removed
}

fn is_blank(line: &str) -> bool {
    line.chars()
        .all(|c| c.is_whitespace() || is_invisible_format(c))
}

/// Direction marks, isolates and the byte-order mark: invisible, common in
/// scraped Arabic and Hebrew text, and irrelevant when comparing lines. Zero
/// width (non-)joiners are not here: they change how Persian and Indic words
/// are written.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// A line reduced to what matters when comparing it with a title or prefix:
/// no invisible marks, whitespace collapsed, lower case (Unicode-aware).
fn comparable(line: &str) -> String {
    let visible: String = line.chars().filter(|&c| !is_invisible_format(c)).collect();
    visible
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Trims a line and turns each run of whitespace inside it into one space. A
/// lone non-tab space character (such as U+3000 in CJK text) is kept as is.
fn collapse_inline_whitespace(line: &str) -> String {
    let line = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    let mut collapsed = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_whitespace() {
            collapsed.push(c);
            continue;
        }
        let mut run_length = 1;
        while chars.next_if(|next| next.is_whitespace()).is_some() {
            run_length += 1;
        }
        collapsed.push(if run_length == 1 && c != '\t' { c } else { ' ' });
    }
    collapsed
}

/// Joins trimmed lines, keeping at most one blank line between paragraphs and
/// none at either end.
fn join_paragraphs(lines: &[String]) -> String {
    let mut text = String::new();
    let mut pending_blank = false;
    for line in lines {
        if line.is_empty() {
            pending_blank = true;
            continue;
        }
        if !text.is_empty() {
            text.push_str(if pending_blank { "\n\n" } else { "\n" });
        }
        text.push_str(line);
        pending_blank = false;
    }
    text
}

export_plugin!(Clean);

#[cfg(test)]
mod tests {
    use super::*;
    use docpipe_plugin_sdk::testing::Harness;
    use serde_json::{json, Value};

    fn clean(config: Value, document: Value) -> Value {
        Harness::<Clean>::new(config)
            .unwrap()
            .process_value(document)
            .unwrap()
            .expect("clean never drops a document")
    }

    #[test]
    fn arabic_news_loses_repeated_title_ad_markers_and_source_line() {
        let text = "شركاء الولايات المتحدة مع إيكواس\n\n\
                    شركاء الولايات المتحدة مع إيكواس\n\n\
                    [ad_1]\n\n\
                    وتقول الولايات   المتحدة إنها تعمل مع المجموعة.\n\n\n\n\
                    أعلن ذلك وزير الخارجية.\n\n\
                    دومينيكا نوابوفو\n\n\
                    [ad_2]\n\n\
                    المصدر";
        let out = clean(json!({}), json!({"id": "ar.txt", "text": text}));
        assert_eq!(
            out["text"],
            "شركاء الولايات المتحدة مع إيكواس\n\n\
             وتقول الولايات المتحدة إنها تعمل مع المجموعة.\n\n\
             أعلن ذلك وزير الخارجية.\n\n\
             دومينيكا نوابوفو"
        );
        assert_eq!(
            out["meta"]["clean"],
            json!({
                "ad_markers": 2,
                "title_line": 1,
                "source_line": 1,
                "removed_lines": {
                    "title_line": ["شركاء الولايات المتحدة مع إيكواس"],
                    "source_line": ["المصدر"],
                },
            })
        );
    }

    #[test]
    fn english_title_field_and_inline_marker() {
        let out = clean(
            json!({}),
            json!({
                "id": "en.txt",
                "title": "Rain  in Spain",
                "text": "  rain in spain \nThe rain [ad_12] falls\tmainly   on the plain.\n\nSource: Reuters",
                "meta": {"origin": "crawl"},
            }),
        );
        assert_eq!(out["text"], "The rain falls mainly on the plain.");
        assert_eq!(out["meta"]["origin"], "crawl", "other meta keys survive");
        assert_eq!(out["meta"]["clean"]["ad_markers"], 1);
        assert_eq!(
            out["meta"]["clean"]["removed_lines"]["title_line"],
            json!(["rain in spain"])
        );
        assert_eq!(
            out["meta"]["clean"]["removed_lines"]["source_line"],
            json!(["Source: Reuters"])
        );
    }

    #[test]
    fn chinese_source_line_and_full_width_space() {
        let out = clean(
            json!({}),
            json!({"id": "zh.txt", "text": "今天　天气很好。[ad_3]\n\n\n我们去公园。\n来源：新华社"}),
        );
        assert_eq!(out["text"], "今天　天气很好。\n\n我们去公园。");
        assert_eq!(out["meta"]["clean"]["source_line"], 1);
        assert_eq!(out["meta"]["clean"]["title_line"], 0);
    }

    #[test]
    fn a_word_that_merely_starts_like_a_prefix_is_kept() {
        let out = clean(
            json!({"source_prefixes": ["Source"]}),
            json!({"id": "a", "text": "Body.\nSourcedough bread is tasty."}),
        );
        assert_eq!(out["text"], "Body.\nSourcedough bread is tasty.");
        assert_eq!(out["meta"]["clean"]["source_line"], 0);
    }

    #[test]
    fn distinct_first_lines_are_not_a_title_repeat() {
        let text = "Первая строка.\n\nВторая строка.";
        let out = clean(json!({}), json!({"id": "ru", "text": text}));
        assert_eq!(out["text"], text);
        assert_eq!(out["meta"]["clean"]["title_line"], 0);
    }

    #[test]
    fn rules_can_be_switched_off() {
        let text = "Same\nSame\n[ad_1]\nSource: x";
        let out = clean(
            json!({"ad_markers": [], "strip_title_line": false, "strip_source_line": false}),
            json!({"id": "a", "text": text}),
        );
        assert_eq!(out["text"], text);
    }

    #[test]
    fn custom_marker_patterns_replace_the_default() {
        let out = clean(
            json!({"ad_markers": [r"<!--\s*ad\s*-->"]}),
            json!({"id": "a", "text": "One <!-- ad --> two [ad_1]"}),
        );
        assert_eq!(out["text"], "One two [ad_1]");
    }

    #[test]
    fn bad_marker_patterns_are_config_errors_pointing_at_the_entry() {
        let error = Harness::<Clean>::new(json!({"ad_markers": ["ok", "(unclosed"]})).unwrap_err();
        assert_eq!(error.code, "invalid-config");
        assert_eq!(error.pointer.as_deref(), Some("/ad_markers/1"));

        let error = Harness::<Clean>::new(json!({"ad_markers": ["x*"]})).unwrap_err();
        assert!(error.message.contains("empty string"), "{error}");
    }

    #[test]
    fn unknown_config_keys_are_refused() {
        let error = Harness::<Clean>::new(json!({"ad_marker": []})).unwrap_err();
        assert_eq!(error.code, "invalid-config");
    }
}

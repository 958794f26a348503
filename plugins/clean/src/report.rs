//! What `clean` writes under `meta.clean`: per rule, how much it changed and
//! what it removed, the rules that held back, and the quality signals. These
//! types are the stage's output contract; their doc comments become its schema.

use crate::signals::QualitySignals;
use docpipe_plugin_sdk::JsonSchema;
use serde::Serialize;

/// At most this many removed lines or repairs are listed per rule, so a
/// pathological document cannot blow up its own `meta`.
pub const MAX_LISTED: usize = 20;

/// Everything `clean` did to one document, and what it measured.
#[derive(Debug, Default, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CleanReport {
    /// What each rule changed, in the order the rules run.
    pub rules: RuleReports,
    /// Rules that found something to remove but removed nothing, because it
    /// was more than `max_removed_share` of the document.
    pub held_back: Vec<HeldBack>,
    /// Quality signals of the cleaned text.
    pub signals: QualitySignals,
}

/// One entry per rule; a rule that is switched off reports zero.
#[derive(Debug, Default, Clone, PartialEq, Serialize, JsonSchema)]
pub struct RuleReports {
    /// Words repaired from mojibake; `changed` lists `before → after`.
    pub mojibake: Change,
    /// HTML tags removed and entities decoded; `changed` lists the tags.
    pub html: Change,
    /// Words changed by Unicode normalization.
    pub unicode_normalization: Change,
    /// Invisible and control characters removed.
    pub invisible: Change,
    /// Tatweel characters removed.
    pub tatweel: Change,
    /// Ad-slot and template markers removed; `changed` lists them.
    pub ad_markers: Change,
    /// Repeated title lines removed; `changed` lists them.
    pub title_line: Change,
    /// Repeated lines and paragraphs removed; `changed` lists them.
    pub repeated_lines: Change,
    /// Trailing source, credit and byline lines removed; `changed` lists them.
    pub source_line: Change,
    /// Lines whose whitespace changed plus blank lines removed.
    pub whitespace: Change,
}

/// How much one rule changed.
#[derive(Debug, Default, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Change {
    /// How many things the rule changed (characters, words, markers or
    /// lines: each rule says which).
    pub count: usize,
    /// For line-level rules, the removed lines as they were (trimmed); for
    /// markers and tags, the removed text; for mojibake, `before → after`.
    /// At most 20 entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<String>,
}

impl Change {
    /// Counts one change and lists it while there is room.
    pub fn record(&mut self, what: impl Into<String>) {
        self.count += 1;
        if self.changed.len() < MAX_LISTED {
            self.changed.push(what.into());
        }
    }
}

/// A rule that would have removed too much, and so removed nothing.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct HeldBack {
    /// The rule, as named in `rules`.
    pub rule: String,
    /// The share (0 to 1) of visible characters it would have removed.
    pub share: f64,
    /// What it would have changed, listed as in `rules`.
    pub would_change: Change,
}

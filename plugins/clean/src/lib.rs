//! The `clean` plugin: turns the text scrapers and converters produce into
//! clean text, in any script. Each rule (one per module under `rules`) is
//! switchable, reports what it changed under `meta.clean`, and holds back
//! instead of removing more than `max_removed_share` of a document. Quality
//! signals are measured, never acted on unless the pipeline sets a threshold.
//!
//! No rule may assume ASCII: letters, digits, punctuation and whitespace are
//! Unicode's, and Arabic, CJK, Cyrillic and Indic text must come out intact.

mod config;
mod lines;
mod report;
mod rules;
mod signals;

pub use config::{Config, DropThresholds, NormalizationForm, BUILTIN_MARKERS};
pub use report::{Change, CleanReport, HeldBack, RuleReports};
pub use signals::QualitySignals;

use docpipe_plugin_sdk::{export_plugin, JsonSchema, Plugin, PluginError, Verdict};
use lines::visible_len;
use rules::markers::MarkerRemoval;
use rules::mojibake::MojibakeRepair;
use rules::source_line::SourceLineRemoval;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

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
    /// What was changed and measured, under `meta.clean`.
    pub meta: OutputMeta,
}

/// The `meta` keys `clean` adds.
#[derive(Debug, Serialize, JsonSchema)]
pub struct OutputMeta {
    /// What each rule changed, what was held back, and the quality signals.
    pub clean: CleanReport,
}

/// A configured `clean` stage.
#[derive(Debug)]
pub struct Clean {
    config: Config,
    mojibake: MojibakeRepair,
    markers: MarkerRemoval,
    source_line: SourceLineRemoval,
}

impl Plugin for Clean {
    const NAME: &'static str = "clean";
    const DESCRIPTION: &'static str =
        "Cleans scraped text in any script: mojibake, HTML debris, Unicode normalization, invisible characters, tatweel, ad markers, repeated title and lines, source trailers, whitespace; tags quality signals.";
    type Config = Config;
    type Input = Input;
    type Output = Output;

    fn new(config: Config) -> Result<Self, PluginError> {
        if !(0.0..=1.0).contains(&config.max_removed_share) {
            return Err(PluginError::new(
                "invalid-config",
                format!(
                    "max_removed_share is {}, but it is a share of the document: between 0 and 1",
                    config.max_removed_share
                ),
            )
            .at("/max_removed_share"));
        }
        let markers = MarkerRemoval::new(
            &[
                ("ad_markers", &config.ad_markers),
                ("extra_ad_markers", &config.extra_ad_markers),
            ],
            &config.ad_lines,
        )?;
        let source_line = SourceLineRemoval::new(
            &config.source_prefixes,
            &config.byline_prefixes,
            config.max_byline_words,
        );
        Ok(Clean {
            mojibake: MojibakeRepair::new(),
            markers,
            source_line,
            config,
        })
    }

    fn process(&mut self, input: Input) -> Result<Verdict<Output>, PluginError> {
        let (text, report) = self.clean(&input.text, input.title.as_deref());
        if let Some(reason) = report.signals.failed_threshold(&self.config.drop) {
            return Ok(Verdict::drop(reason));
        }
        Ok(Verdict::keep(Output {
            text,
            meta: OutputMeta { clean: report },
        }))
    }
}

impl Clean {
    /// Runs the switched-on rules in order. Repairs come first (mojibake and
    /// HTML entities produce the characters the later rules look at),
    /// line-level rules after markers are gone, layout last.
    fn clean(&self, text: &str, title: Option<&str>) -> (String, CleanReport) {
        let config = &self.config;
        let mut report = CleanReport::default();
        let changes = &mut report.rules;
        let mut draft = Draft {
            text: text.to_string(),
            visible: None,
            max_removed_share: config.max_removed_share,
            held_back: &mut report.held_back,
        };

        if config.normalize_whitespace {
            changes.whitespace = draft.apply(rules::whitespace::unify_line_breaks);
        }
        if config.repair_mojibake {
            changes.mojibake = draft.apply(|t| self.mojibake.apply(t));
        }
        if config.strip_html {
            changes.html = draft.guarded("html", Edit::Rewrites, rules::html::apply);
        }
        changes.unicode_normalization =
            draft.apply(|t| rules::unicode::apply(t, config.unicode_normalization));
        if config.remove_invisible {
            changes.invisible = draft.guarded("invisible", Edit::Deletes, rules::invisible::apply);
        }
        if config.remove_tatweel {
            changes.tatweel = draft.guarded("tatweel", Edit::Deletes, rules::tatweel::apply);
        }
        changes.ad_markers = draft.guarded("ad_markers", Edit::Deletes, |t| self.markers.apply(t));
        if config.strip_title_line {
            changes.title_line = draft.guarded("title_line", Edit::Deletes, |t| {
                rules::title::apply(t, title)
            });
        }
        if config.remove_repeated_lines {
            changes.repeated_lines = draft.guarded("repeated_lines", Edit::Deletes, |t| {
                rules::repeated::apply(t, config.min_repeated_chars)
            });
        }
        if config.strip_source_line {
            changes.source_line =
                draft.guarded("source_line", Edit::Deletes, |t| self.source_line.apply(t));
        }
        if config.normalize_whitespace {
            changes.whitespace.count += draft.apply(rules::whitespace::apply).count;
        }

        let text = draft.text;
        report.signals = QualitySignals::measure(&text);
        (text, report)
    }
}

/// The text between rules, and what is known of its visible length, so
/// that a run of removing rules does not count the whole text before and
/// after each of them; any other change forgets it.
struct Draft<'a> {
    text: String,
    visible: Option<Visible>,
    max_removed_share: f64,
    held_back: &'a mut Vec<HeldBack>,
}

/// The visible length of the draft's text, as far as it is known.
#[derive(Debug, Clone, Copy)]
enum Visible {
    Exactly(usize),
    AtLeast(usize),
}

/// What a guarded rule does to the text.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Edit {
    /// Only deletes characters, so it removes at most as many visible
    /// characters as it removes bytes.
    Deletes,
    /// Also writes characters (HTML tags become line breaks, entities the
    /// characters they stand for).
    Rewrites,
}

impl Draft<'_> {
    /// Runs a rule that may change the text however it needs to.
    fn apply(&mut self, apply: impl FnOnce(&str) -> (Cow<'_, str>, Change)) -> Change {
        // A rule returns the text it was given when it has nothing to do,
        // which costs neither a copy nor a comparison.
        let (changed, change) = apply(&self.text);
        if let Cow::Owned(changed) = changed {
            if changed != self.text {
                self.text = changed;
                self.visible = None;
            }
        }
        change
    }

    /// Runs a removing rule, and keeps its result only if it removed at most
    /// `max_removed_share` of the visible characters; otherwise the text
    /// stays as it was and the rule is reported in `held_back`.
    fn guarded(
        &mut self,
        rule: &str,
        edit: Edit,
        apply: impl FnOnce(&str) -> (Cow<'_, str>, Change),
    ) -> Change {
        let (cleaned, change) = match apply(&self.text) {
            (Cow::Owned(cleaned), change) if cleaned != self.text => (cleaned, change),
            (_, change) => return change,
        };
        // A deletion of fewer bytes than the share allows of a lower bound
        // of the visible length removes less than the share of the exact
        // one: kept without counting, and the bound shrinks by those bytes.
        // Most rules delete a few markers or lines, so the text is counted
        // once per document instead of twice per rule.
        if edit == Edit::Deletes {
            debug_assert!(is_deletion(&cleaned, &self.text), "{rule} only deletes");
            let at_least = match self.visible {
                Some(Visible::Exactly(count) | Visible::AtLeast(count)) => count,
                None => {
                    let count = visible_len(&self.text);
                    self.visible = Some(Visible::Exactly(count));
                    count
                }
            };
            let removed_bytes = self.text.len() - cleaned.len();
            if at_least > 0 && removed_bytes as f64 / at_least as f64 <= self.max_removed_share {
                self.text = cleaned;
                self.visible = Some(Visible::AtLeast(at_least - removed_bytes.min(at_least)));
                return change;
            }
        }
        let before = match self.visible {
            Some(Visible::Exactly(count)) => count,
            _ => visible_len(&self.text),
        };
        self.visible = Some(Visible::Exactly(before));
        let after = visible_len(&cleaned);
        let removed = before.saturating_sub(after);
        let share = if before == 0 {
            0.0
        } else {
            removed as f64 / before as f64
        };
        if share <= self.max_removed_share {
            self.text = cleaned;
            self.visible = Some(Visible::Exactly(after));
            return change;
        }
        self.held_back.push(HeldBack {
            rule: rule.to_string(),
            share: (share * 1000.0).round() / 1000.0,
            would_change: change,
        });
        Change::default()
    }
}

/// Whether `cleaned` is `text` with some characters deleted.
fn is_deletion(cleaned: &str, text: &str) -> bool {
    let mut rest = text.chars();
    cleaned.chars().all(|c| rest.any(|kept| kept == c))
}

export_plugin!(Clean);

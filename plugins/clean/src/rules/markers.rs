//! Removes ad-slot and template markers (`[ad_1]`, `[caption …]`,
//! `{{ author }}`): the built-in patterns of `config::BUILTIN_MARKERS` and
//! the user's regexes; and lines that are only an ad label
//! ("Advertisement", "إعلان", "广告").

use crate::lines::{comparable, has_more_visible_than, split_lines};
use crate::report::Change;
use docpipe_plugin_sdk::PluginError;
use regex::Regex;
use rustc_hash::FxHashSet;
use std::borrow::Cow;

#[derive(Debug)]
pub struct MarkerRemoval {
    patterns: Vec<Regex>,
    /// Ad labels in `comparable` form.
    label_lines: FxHashSet<String>,
    /// The most chars a label in `label_lines` has.
    longest_label: usize,
}

impl MarkerRemoval {
    /// Compiles the patterns, each list under its config key, naming the
    /// entry that does not compile.
    pub fn new(
        keyed_patterns: &[(&str, &[String])],
        label_lines: &[String],
    ) -> Result<Self, PluginError> {
        let mut patterns = Vec::new();
        for (key, list) in keyed_patterns {
            for (index, pattern) in list.iter().enumerate() {
                patterns.push(compile(key, index, pattern)?);
            }
        }
        let label_lines: FxHashSet<String> = label_lines
            .iter()
            .map(|label| comparable(label))
            .filter(|label| !label.is_empty())
            .collect();
        let longest_label = label_lines
            .iter()
            .map(|label| label.chars().count())
            .max()
            .unwrap_or(0);
        Ok(MarkerRemoval {
            patterns,
            label_lines,
            longest_label,
        })
    }

    pub fn apply<'t>(&self, text: &'t str) -> (Cow<'t, str>, Change) {
        let mut change = Change::default();
        let mut text = Cow::Borrowed(text);
        for pattern in &self.patterns {
            // One search both lists and removes the markers (what
            // `replace_all` with "" does, without a second search).
            let mut found = pattern.find_iter(&text).peekable();
            if found.peek().is_none() {
                continue;
            }
            let mut kept = String::with_capacity(text.len());
            let mut last = 0;
            for marker in found {
                change.record(marker.as_str().trim());
                kept.push_str(&text[last..marker.start()]);
                last = marker.end();
            }
            kept.push_str(&text[last..]);
            text = Cow::Owned(kept);
        }
        if !self.label_lines.is_empty() {
            let mut kept = Vec::new();
            let mut removed_any = false;
            for line in split_lines(&text) {
                if self.is_label(line) {
                    change.record(line.trim());
                    removed_any = true;
                } else {
                    kept.push(line);
                }
            }
            if removed_any {
                text = Cow::Owned(kept.join("\n"));
            }
        }
        (text, change)
    }

    fn is_label(&self, line: &str) -> bool {
        // A comparable form has at least one char per visible char of the
        // line, so a line with more than the longest label has cannot be
        // one, and is not lowered and collapsed to find out.
        !has_more_visible_than(line, self.longest_label)
            && self.label_lines.contains(&comparable(line))
    }
}

fn compile(key: &str, index: usize, pattern: &str) -> Result<Regex, PluginError> {
    let invalid =
        |message: String| PluginError::new("invalid-config", message).at(format!("/{key}/{index}"));
    let regex = Regex::new(pattern).map_err(|e| {
        invalid(format!(
            "marker pattern {pattern:?} is not a valid regex: {e}"
        ))
    })?;
    // A pattern matching "" would "remove" a marker between every character.
    if regex.is_match("") {
        return Err(invalid(format!(
            "marker pattern {pattern:?} matches the empty string"
        )));
    }
    Ok(regex)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, BUILTIN_MARKERS};

    fn builtin() -> MarkerRemoval {
        let patterns: Vec<String> = BUILTIN_MARKERS.iter().map(|p| p.to_string()).collect();
        MarkerRemoval::new(&[("ad_markers", &patterns)], &Config::default().ad_lines).unwrap()
    }

    #[test]
    fn builtin_markers_go_and_are_listed() {
        let (text, change) = builtin().apply(
            "One [ad_1] two\n[caption id=\"a1\"]Photo[/caption]\nHi {{ author }}\n  إعلان \nРеклама\nThe advertisement was loud.",
        );
        assert_eq!(text, "One  two\nPhoto\nHi \nThe advertisement was loud.");
        assert_eq!(change.count, 6);
        assert_eq!(change.changed[4..], ["إعلان", "Реклама"]);
        assert_eq!(change.changed[0], "[ad_1]");
    }

    #[test]
    fn a_pattern_matching_nothing_is_refused_at_its_entry() {
        let error = MarkerRemoval::new(&[("extra_ad_markers", &["ok".into(), "x*".into()])], &[])
            .err()
            .unwrap();
        assert_eq!(error.pointer.as_deref(), Some("/extra_ad_markers/1"));
        assert!(error.message.contains("empty string"), "{error}");
    }
}

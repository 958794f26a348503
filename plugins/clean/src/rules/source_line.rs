//! Removes the trailer scraped articles end with: source and credit lines
//! ("Source: Reuters", "المصدر", "来源：新华社"), bylines ("By Jane Doe",
//! "بقلم …"), and the bare name of the author directly above a source line.
//! It looks only at the last few non-empty lines, and never at a long one:
//! a paragraph that happens to start with "Source" is body text.

use crate::lines::{comparable, ends_sentence, is_blank, split_lines, visible_len};
use crate::report::Change;
use std::borrow::Cow;

/// A trailer line longer than this is a paragraph, not a credit.
const MAX_TRAILER_LINE_CHARS: usize = 150;

/// Trailers are a line or three; a rule that kept eating lines from the end
/// would be eating the article.
const MAX_TRAILER_LINES: usize = 4;

#[derive(Debug)]
pub struct SourceLineRemoval {
    /// Compared in `comparable` form, computed once here.
    source_prefixes: Vec<String>,
    byline_prefixes: Vec<String>,
    max_byline_words: usize,
}

/// What kind of trailer line a line is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Trailer {
    Source,
    Byline,
    Name,
}

impl SourceLineRemoval {
    pub fn new(
        source_prefixes: &[String],
        byline_prefixes: &[String],
        max_byline_words: usize,
    ) -> Self {
        let prepare = |prefixes: &[String]| {
            prefixes
                .iter()
                .map(|prefix| comparable(prefix))
                .filter(|prefix| !prefix.is_empty())
                .collect()
        };
        SourceLineRemoval {
            source_prefixes: prepare(source_prefixes),
            byline_prefixes: prepare(byline_prefixes),
            max_byline_words,
        }
    }

    pub fn apply<'t>(&self, text: &'t str) -> (Cow<'t, str>, Change) {
        let mut change = Change::default();
        let mut lines: Vec<&str> = split_lines(text).collect();
        let mut previous = None;
        for _ in 0..MAX_TRAILER_LINES {
            let Some(last) = lines.iter().rposition(|line| !is_blank(line)) else {
                break;
            };
            let Some(kind) = self.classify(lines[last], previous) else {
                break;
            };
            change.record(lines.remove(last).trim());
            previous = Some(kind);
        }
        if change.count == 0 {
            return (Cow::Borrowed(text), change);
        }
        (Cow::Owned(lines.join("\n")), change)
    }

    /// Which kind of trailer `line` is, if any; `below` is the kind of the
    /// trailer line just removed below it.
    fn classify(&self, line: &str, below: Option<Trailer>) -> Option<Trailer> {
        if visible_len(line) > MAX_TRAILER_LINE_CHARS {
            return None;
        }
        let line = comparable(line);
        if rest_after_prefix(&line, &self.source_prefixes).is_some() {
            return Some(Trailer::Source);
        }
        if let Some(rest) = rest_after_prefix(&line, &self.byline_prefixes) {
            if self.is_name(rest, 1) {
                return Some(Trailer::Byline);
            }
        }
        if below == Some(Trailer::Source) && self.is_name(&line, 2) {
            return Some(Trailer::Name);
        }
        None
    }
}

impl SourceLineRemoval {
    /// Whether `words` reads like a person's name: at least `min_words` and
    /// at most `max_byline_words` words of letters (in any script), with
    /// nothing but initials' dots, apostrophes and hyphens besides. A comma,
    /// a digit or a colon makes it a phrase ("Por favor, comparta"), and a
    /// line of unspaced CJK text is one "word", so a bare name needs two.
    fn is_name(&self, words: &str, min_words: usize) -> bool {
        let count = words.split_whitespace().count();
        (min_words..=self.max_byline_words).contains(&count)
            && !ends_sentence(words)
            && words.chars().all(|c| {
                c.is_alphabetic() || c.is_whitespace() || matches!(c, '.' | '\'' | '’' | '-' | '‐')
            })
    }
}

/// What follows the first of `prefixes` that `line` starts with. A prefix
/// ending in a letter or digit must not run on into a longer word: "المصدر"
/// does not match "المصدرة", nor "by" "bypass".
fn rest_after_prefix<'a>(line: &'a str, prefixes: &[String]) -> Option<&'a str> {
    prefixes.iter().find_map(|prefix| {
        let rest = line.strip_prefix(prefix.as_str())?;
        let bounded = prefix.ends_with(|c: char| !c.is_alphanumeric())
            || !rest.starts_with(|c: char| c.is_alphanumeric());
        bounded.then(|| rest.trim_start_matches(|c: char| !c.is_alphanumeric()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn remove(text: &str) -> (Cow<'_, str>, Change) {
        let config = Config::default();
        SourceLineRemoval::new(
            &config.source_prefixes,
            &config.byline_prefixes,
            config.max_byline_words,
        )
        .apply(text)
    }

    #[test]
    fn source_lines_in_many_languages_go() {
        for trailer in [
            "المصدر",
            "المصدر: وكالات",
            "Source: Reuters",
            "SOURCE: AP",
            "Fuente: EFE",
            "Quelle: dpa",
            "Источник: ТАСС",
            "来源：新华社",
            "منبع: ایسنا",
            "स्रोत: पीटीआई",
        ] {
            let text = format!("Body.\n\n{trailer}\n");
            let (text, change) = remove(&text);
            assert_eq!(text, "Body.\n\n", "{trailer}");
            assert_eq!(change.changed, [trailer]);
        }
    }

    #[test]
    fn a_byline_and_a_name_above_a_source_line_go() {
        let (text, change) = remove("Body.\nBy Jane Doe\nSource: Reuters");
        assert_eq!(text, "Body.");
        assert_eq!(change.changed, ["Source: Reuters", "By Jane Doe"]);

        let (text, _) = remove("النص.\n\nدومينيكا نوابوفو\n\nالمصدر");
        assert_eq!(text, "النص.\n\n");
    }

    #[test]
    fn closing_sentences_and_lookalike_words_stay() {
        for text in [
            "Body.\nBy the end of the year, prices fell.",
            "Body.\nSourcedough bread is tasty.",
            "Body.\nالمصدرة للنفط",
            "Body.\nJane Doe",
            "Body.\nPor favor, comparta esta nota",
        ] {
            assert_eq!(remove(text).0, text);
        }
    }

    #[test]
    fn only_a_name_goes_with_the_source_line() {
        // Unspaced CJK text is one "word": not a name.
        assert_eq!(
            remove("第一段。\n欢迎到现场交流\n来源：新华社").0,
            "第一段。\n欢迎到现场交流"
        );
        assert_eq!(
            remove("Body.\nRead more, share\nSource: AP").0,
            "Body.\nRead more, share"
        );
        assert_eq!(remove("Body.\nJ. O’Neil-Smith\nSource: AP").0, "Body.");
    }

    #[test]
    fn a_long_line_starting_like_a_source_stays() {
        let text = format!("Source: {}", "word ".repeat(40));
        assert_eq!(remove(&text).0, text);
    }
}

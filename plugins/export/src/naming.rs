//! File names from documents: the `path` template and the rules that keep
//! every name a plain relative path. The host still confines names to the
//! output directory; these rules make the names predictable, not safe alone.

use crate::field_path::{value_text, FieldPath};
use serde_json::Value;

/// Placeholder for a missing field (or `null`), and for a value that would be
/// empty, `.` or `..`.
const MISSING: &str = "_";

/// A parsed `path` template such as `{lang.code}/{stem}.md`.
#[derive(Debug, Clone)]
pub(crate) struct NameTemplate {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
enum Part {
    Literal(String),
    /// `{id}`: the id as a relative path, its folders kept.
    Id,
    /// `{stem}`: the id as a relative path without its extension.
    Stem,
    /// Any other field, made one safe path segment.
    Field(FieldPath),
}

impl NameTemplate {
    /// The template, or why it is not one.
    pub(crate) fn parse(template: &str) -> Result<NameTemplate, String> {
        let mut parts = Vec::new();
        let mut rest = template;
        while !rest.is_empty() {
            let Some(open) = rest.find(['{', '}']) else {
                parts.push(Part::Literal(rest.to_string()));
                break;
            };
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_string()));
            }
            if rest[open..].starts_with('}') {
                return Err(format!(
                    "path {template:?} has a `}}` that closes no placeholder"
                ));
            }
            let after = &rest[open + 1..];
            let close = after
                .find(['{', '}'])
                .filter(|&i| after[i..].starts_with('}'));
            let Some(close) = close else {
                return Err(format!(
                    "path {template:?} has a `{{` without its `}}`: placeholders are \
                     field paths in braces, e.g. `{{lang.code}}/{{stem}}.md`"
                ));
            };
            let name = &after[..close];
            parts.push(match name {
                "id" => Part::Id,
                "stem" => Part::Stem,
                _ => Part::Field(FieldPath::parse(name).ok_or_else(|| {
                    format!("path {template:?} has a placeholder {{{name}}} that is not a field path such as `lang.code`")
                })?),
            });
            rest = &after[close + 1..];
        }
        // The literal text must already be a clean relative path: only what
        // documents bring in is rewritten, never what the user wrote.
        let literal = NameTemplate {
            parts: parts.clone(),
        }
        .render_with(|_| "x".to_string());
        if relative_path(&literal) != literal {
            return Err(format!(
                "path {template:?} must be a relative path without `..`, `.` or empty \
                 segments and without characters unsafe in file names"
            ));
        }
        Ok(NameTemplate { parts })
    }

    /// Whether rendering reads fields other than the id.
    pub(crate) fn reads_fields(&self) -> bool {
        self.parts.iter().any(|part| matches!(part, Part::Field(_)))
    }

    /// The file name for a document (`id` and its JSON).
    pub(crate) fn render(&self, id: &str, document: &Value) -> String {
        let name = self.render_with(|part| match part {
            Part::Literal(text) => text.clone(),
            Part::Id => relative_path(id),
            Part::Stem => file_stem(id),
            Part::Field(path) => match path.lookup(document) {
                Some(value) => path_segment(&value_text(value)),
                None => MISSING.to_string(),
            },
        });
        // Values next to each other can still make `..` or an empty segment.
        relative_path(&name)
    }

    fn render_with(&self, mut value: impl FnMut(&Part) -> String) -> String {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Literal(text) => text.clone(),
                part => value(part),
            })
            .collect()
    }
}

/// A field value as part of one path segment: separators, characters unsafe
/// in file names and control characters become `_`; a value that would be
/// empty, `.` or `..` is `_` whole.
fn path_segment(value: &str) -> String {
    if matches!(value, "" | "." | "..") {
        return MISSING.to_string();
    }
    value
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' {
                '_'
            } else {
                safe_char(c)
            }
        })
        .collect()
}

fn safe_char(c: char) -> char {
    match c {
        '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
        c if c.is_control() => '_',
        c => c,
    }
}

/// The id as a relative path without its extension: `a/b.txt` is `a/b`.
pub(crate) fn file_stem(id: &str) -> String {
    let path = relative_path(id);
    let (directory, file) = match path.rsplit_once('/') {
        Some((directory, file)) => (Some(directory), file),
        None => (None, path.as_str()),
    };
    let file = match file.rsplit_once('.') {
        // `.bashrc` has no extension; `v1.2 final` has no short one.
        Some((stem, extension))
            if !stem.is_empty()
                && !extension.is_empty()
                && extension.len() <= 10
                && extension.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            stem
        }
        _ => file,
    };
    match directory {
        Some(directory) => format!("{directory}/{file}"),
        None => file.to_string(),
    }
}

/// `path` with `\` read as `/`, empty, `.` and `..` segments dropped (so no
/// leading `/` either) and characters unsafe in file names replaced by `_`.
/// Never empty: a path with nothing left becomes `document`.
pub(crate) fn relative_path(path: &str) -> String {
    let segments: Vec<String> = path
        .split(['/', '\\'])
        .filter(|segment| !matches!(*segment, "" | "." | ".."))
        .map(|segment| segment.chars().map(safe_char).collect())
        .collect();
    if segments.is_empty() {
        "document".to_string()
    } else {
        segments.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn name(template: &str, document: Value) -> String {
        let id = document["id"].as_str().unwrap().to_string();
        NameTemplate::parse(template)
            .unwrap()
            .render(&id, &document)
    }

    #[test]
    fn ids_become_safe_relative_stems() {
        assert_eq!(file_stem("a/b.txt"), "a/b");
        assert_eq!(file_stem("/etc/passwd"), "etc/passwd");
        assert_eq!(file_stem("../../x/../y.html"), "x/y");
        assert_eq!(file_stem(r"C:\docs\report.v2.txt"), "C_/docs/report.v2");
        assert_eq!(file_stem("what?*<now>.txt"), "what___now_");
        assert_eq!(file_stem(".bashrc"), ".bashrc");
        assert_eq!(file_stem("report v1.2 final"), "report v1.2 final");
        assert_eq!(file_stem("أخبار/إيكواس.txt"), "أخبار/إيكواس");
        assert_eq!(file_stem("12"), "12");
        assert_eq!(file_stem(".."), "document");
    }

    #[test]
    fn id_and_stem_keep_folders_other_fields_stay_in_one_segment() {
        let document = json!({
            "id": "../news/a.txt",
            "title": "Q1/Q2 \\ report: \"final\"?\n",
            "meta": {"source": {"path": "/in/a.txt"}, "n": 3},
        });
        assert_eq!(name("{id}", document.clone()), "news/a.txt");
        assert_eq!(name("{stem}.md", document.clone()), "news/a.md");
        assert_eq!(
            name("{title}.md", document.clone()),
            "Q1_Q2 _ report_ _final___.md"
        );
        assert_eq!(name("{meta.source.path}", document.clone()), "_in_a.txt");
        assert_eq!(name("n{meta.n}/{stem}", document), "n3/news/a");
    }

    #[test]
    fn missing_and_dot_values_become_an_underscore() {
        let document = json!({"id": "a.txt", "lang": {"code": ".."}, "title": "", "x": null});
        assert_eq!(name("{lang.code}/{stem}.md", document.clone()), "_/a.md");
        assert_eq!(name("{title}{x}/{nope.deep}.md", document), "__/_.md");
    }

    #[test]
    fn malformed_templates_are_refused() {
        for template in [
            "{lang.code/{stem}.md",
            "{stem",
            "stem}.md",
            "{}.md",
            "{a..b}.md",
            "../{stem}.md",
            "/abs/{stem}.md",
            "a//{stem}.md",
            "what?/{stem}.md",
            "",
        ] {
            assert!(NameTemplate::parse(template).is_err(), "{template:?}");
        }
    }
}

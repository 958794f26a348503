//! Dotted paths into a document (`lang.code`, `meta.source.path`), as the
//! `path` template and the CSV `columns` name them. A path only reads; it
//! never fails on a document that lacks the field.

use serde_json::Value;

/// A dotted path into a document's JSON, e.g. `summary.text`. A segment that
/// is a number indexes an array (`summary.sentences.0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldPath {
    segments: Vec<String>,
}

impl FieldPath {
    /// `None` when the path is empty or has an empty segment (`a..b`, `.a`).
    pub(crate) fn parse(path: &str) -> Option<FieldPath> {
        let segments: Vec<String> = path.split('.').map(str::to_string).collect();
        if segments.iter().any(String::is_empty) {
            return None;
        }
        Some(FieldPath { segments })
    }

    /// The value at this path; a missing field and a `null` are both `None`.
    pub(crate) fn lookup<'v>(&self, document: &'v Value) -> Option<&'v Value> {
        let mut value = document;
        for segment in &self.segments {
            value = match value {
                Value::Object(map) => map.get(segment)?,
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        (!value.is_null()).then_some(value)
    }
}

/// A value as one piece of text: a string as it is, anything else as compact
/// JSON (`3`, `true`, `["a","b"]`).
pub(crate) fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_read_nested_fields_and_array_items() {
        let document = json!({"lang": {"code": "ar"}, "tags": ["a", "b"], "none": null});
        let at = |path: &str| FieldPath::parse(path).unwrap().lookup(&document).cloned();
        assert_eq!(at("lang.code"), Some(json!("ar")));
        assert_eq!(at("tags.1"), Some(json!("b")));
        assert_eq!(at("tags.x"), None);
        assert_eq!(at("lang.code.more"), None);
        assert_eq!(at("missing"), None);
        assert_eq!(at("none"), None);
    }

    #[test]
    fn empty_paths_and_segments_are_refused() {
        for path in ["", ".", "a.", ".a", "a..b"] {
            assert_eq!(FieldPath::parse(path), None, "{path:?}");
        }
    }

    #[test]
    fn non_strings_are_compact_json() {
        assert_eq!(value_text(&json!("a, \"b\"")), "a, \"b\"");
        assert_eq!(value_text(&json!(3.5)), "3.5");
        assert_eq!(value_text(&json!(false)), "false");
        assert_eq!(value_text(&json!({"a": [1, 2]})), r#"{"a":[1,2]}"#);
    }
}

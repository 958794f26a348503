//! Finds where a document path (`stages[1].config.sentences`) is written in a
//! TOML, YAML or JSON pipeline file, as byte ranges of its key and its value.
//! Runs only on the error path: it re-reads the text each time and never fails
//! loudly; a path it cannot find is `None`.

use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::source::{PathSegment, SourceFile, SourceFormat};

/// Where a path is written: the key that names it (absent for an array
/// element) and its value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Located {
    pub(crate) key: Option<Range<usize>>,
    pub(crate) value: Option<Range<usize>>,
}

pub(crate) fn locate(source: &SourceFile, path: &[PathSegment]) -> Option<Located> {
    let found = match source.format {
        SourceFormat::Toml => locate_toml(&source.text, path),
        SourceFormat::Json => locate_json(&source.text, path),
        SourceFormat::Yaml => locate_yaml(source, path),
    }?;
    (found.key.is_some() || found.value.is_some()).then_some(found)
}

/// A numeric key addresses an array element: JSON Pointers cannot tell them apart.
fn as_index(segment: &PathSegment) -> Option<usize> {
    match segment {
        PathSegment::Index(index) => Some(*index),
        PathSegment::Key(key) => key.parse().ok(),
    }
}

// ---------------------------------------------------------------- TOML

enum TomlNode<'a> {
    Item(&'a toml_edit::Item),
    Value(&'a toml_edit::Value),
    Table(&'a toml_edit::Table),
}

fn locate_toml(text: &str, path: &[PathSegment]) -> Option<Located> {
    let document = toml_edit::Document::parse(text).ok()?;
    let mut node = TomlNode::Item(document.as_item());
    let mut key_span = None;
    for segment in path {
        let (next, key) = toml_child(node, segment)?;
        node = next;
        key_span = key;
    }
    let value = match node {
        TomlNode::Item(item) => item.span(),
        TomlNode::Value(value) => value.span(),
        TomlNode::Table(table) => table.span(),
    };
    Some(Located {
        key: key_span,
        value,
    })
}

fn toml_child<'a>(
    node: TomlNode<'a>,
    segment: &PathSegment,
) -> Option<(TomlNode<'a>, Option<Range<usize>>)> {
    use toml_edit::{Item, Value};
    let table_like: Option<&dyn toml_edit::TableLike> = match node {
        TomlNode::Item(item) => item.as_table_like(),
        TomlNode::Value(Value::InlineTable(table)) => Some(table),
        TomlNode::Table(table) => Some(table),
        TomlNode::Value(_) => None,
    };
    if let (Some(table), PathSegment::Key(key)) = (table_like, segment) {
        let (key, item) = table.get_key_value(key)?;
        return Some((TomlNode::Item(item), key.span()));
    }
    let index = as_index(segment)?;
    match node {
        TomlNode::Item(Item::ArrayOfTables(tables)) => {
            Some((TomlNode::Table(tables.get(index)?), None))
        }
        TomlNode::Item(Item::Value(Value::Array(array))) | TomlNode::Value(Value::Array(array)) => {
            Some((TomlNode::Value(array.get(index)?), None))
        }
        _ => None,
    }
}

// ---------------------------------------------------------------- JSON

/// Walks JSON text that `serde_json` has already accepted, so it may be lenient.
fn locate_json(text: &str, path: &[PathSegment]) -> Option<Located> {
    let bytes = text.as_bytes();
    let mut at = skip_json_space(bytes, 0);
    let mut key = None;
    for segment in path {
        match bytes.get(at)? {
            b'{' => {
                let PathSegment::Key(wanted) = segment else {
                    return None;
                };
                at += 1;
                loop {
                    at = skip_json_space(bytes, at);
                    if bytes.get(at)? != &b'"' {
                        return None;
                    }
                    let key_end = skip_json_value(bytes, at);
                    let name: String = serde_json::from_str(&text[at..key_end]).ok()?;
                    let colon = skip_json_space(bytes, key_end);
                    let value_start = skip_json_space(bytes, colon + 1);
                    if &name == wanted {
                        key = Some(at..key_end);
                        at = value_start;
                        break;
                    }
                    at = skip_json_space(bytes, skip_json_value(bytes, value_start));
                    if bytes.get(at)? != &b',' {
                        return None;
                    }
                    at += 1;
                }
            }
            b'[' => {
                let wanted = as_index(segment)?;
                at = skip_json_space(bytes, at + 1);
                for _ in 0..wanted {
                    if bytes.get(at)? == &b']' {
                        return None;
                    }
                    at = skip_json_space(bytes, skip_json_value(bytes, at));
                    if bytes.get(at)? != &b',' {
                        return None;
                    }
                    at = skip_json_space(bytes, at + 1);
                }
                if bytes.get(at)? == &b']' {
                    return None;
                }
                key = None;
            }
            _ => return None,
        }
    }
    Some(Located {
        key,
        value: Some(at..skip_json_value(bytes, at)),
    })
}

fn skip_json_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// The end of the JSON value starting at `at`.
fn skip_json_value(bytes: &[u8], at: usize) -> usize {
    match bytes.get(at) {
        Some(b'"') => skip_quoted(bytes, at, b'"', true),
        Some(b'{' | b'[') => skip_brackets(bytes, at),
        _ => {
            let mut end = at;
            while bytes
                .get(end)
                .is_some_and(|b| !b.is_ascii_whitespace() && !b",]}".contains(b))
            {
                end += 1;
            }
            end
        }
    }
}

/// The end (past the closing quote) of a string opening at `at`.
fn skip_quoted(bytes: &[u8], at: usize, quote: u8, backslash_escapes: bool) -> usize {
    let mut end = at + 1;
    while let Some(&byte) = bytes.get(end) {
        end += 1;
        if byte == b'\\' && backslash_escapes {
            end += 1;
        } else if byte == quote {
            // YAML writes a quote inside single quotes as ''.
            if !backslash_escapes && bytes.get(end) == Some(&quote) {
                end += 1;
                continue;
            }
            break;
        }
    }
    end.min(bytes.len())
}

/// The end of a `{...}` or `[...]` opening at `at`, skipping quoted text.
fn skip_brackets(bytes: &[u8], at: usize) -> usize {
    let mut depth = 0usize;
    let mut end = at;
    while let Some(&byte) = bytes.get(end) {
        match byte {
            b'"' => {
                end = skip_quoted(bytes, end, b'"', true);
                continue;
            }
            b'\''
                if depth > 0
                    && bytes
                        .get(end.wrapping_sub(1))
                        .is_some_and(|b| !b.is_ascii_alphanumeric()) =>
            {
                end = skip_quoted(bytes, end, b'\'', false);
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return end + 1;
                }
            }
            _ => {}
        }
        end += 1;
    }
    end
}

// ---------------------------------------------------------------- YAML

// No YAML crate at hand keeps positions in its values, but serde_norway
// stamps an error raised by a visitor with the position of the event being
// visited. `Seek` walks the path and raises `FOUND` at its target; the
// position of that error is where the target starts.
const FOUND: &str = "docpipe: located";
const NOT_FOUND: &str = "docpipe: not located";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Key,
    Value,
}

fn locate_yaml(source: &SourceFile, path: &[PathSegment]) -> Option<Located> {
    let key = if path
        .last()
        .is_some_and(|last| matches!(last, PathSegment::Key(_)))
    {
        yaml_start(source, path, Target::Key)
            .map(|start| start..yaml_token_end(&source.text, start))
    } else {
        None
    };
    let value = yaml_start(source, path, Target::Value)
        .map(|start| start..yaml_token_end(&source.text, start));
    Some(Located { key, value })
}

fn yaml_start(source: &SourceFile, path: &[PathSegment], target: Target) -> Option<usize> {
    let deserializer = serde_norway::Deserializer::from_str(&source.text);
    let error = Seek { path, target }.deserialize(deserializer).err()?;
    if !error.to_string().contains(FOUND) {
        return None;
    }
    let location = error.location()?;
    Some(source.offset_of(location.line(), location.column()))
}

struct Seek<'p> {
    path: &'p [PathSegment],
    target: Target,
}

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Seek<'_> {
    fn at_leaf<E: de::Error>(&self) -> Result<(), E> {
        Err(E::custom(if self.path.is_empty() {
            FOUND
        } else {
            NOT_FOUND
        }))
    }
}

macro_rules! seek_leaf {
    ($($method:ident: $type:ty),*) => {
        $(fn $method<E: de::Error>(self, _: $type) -> Result<(), E> {
            self.at_leaf()
        })*
    };
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    seek_leaf!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str);

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.at_leaf()
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((PathSegment::Key(wanted), rest)) = self.path.split_first() else {
            return self.at_leaf();
        };
        let report_key = rest.is_empty() && self.target == Target::Key;
        while let Some(hit) = map.next_key_seed(KeySeek { wanted, report_key })? {
            if hit {
                return map.next_value_seed(Seek {
                    path: rest,
                    target: self.target,
                });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Err(de::Error::custom(NOT_FOUND))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            return self.at_leaf();
        };
        let Some(wanted) = as_index(first) else {
            return Err(de::Error::custom(NOT_FOUND));
        };
        for _ in 0..wanted {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Err(de::Error::custom(NOT_FOUND));
            }
        }
        seq.next_element_seed(Seek {
            path: rest,
            target: self.target,
        })?;
        Err(de::Error::custom(NOT_FOUND))
    }
}

/// Reads one mapping key; `true` when it is the wanted one.
struct KeySeek<'w> {
    wanted: &'w str,
    report_key: bool,
}

impl<'de> DeserializeSeed<'de> for KeySeek<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeek<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        match (key == self.wanted, self.report_key) {
            (true, true) => Err(E::custom(FOUND)),
            (hit, _) => Ok(hit),
        }
    }
}

/// The end of the YAML token starting at `start`: a quoted or plain scalar,
/// or a flow collection. A block collection is shown by its first line.
fn yaml_token_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    match bytes.get(start) {
        Some(b'"') => return skip_quoted(bytes, start, b'"', true),
        Some(b'\'') => return skip_quoted(bytes, start, b'\'', false),
        Some(b'{' | b'[') => return skip_brackets(bytes, start),
        _ => {}
    }
    let line_start = text[..start].rfind('\n').map_or(0, |newline| newline + 1);
    let prefix = &bytes[line_start..start];
    let opened = prefix.iter().filter(|b| b"{[".contains(b)).count();
    let closed = prefix.iter().filter(|b| b"}]".contains(b)).count();
    let in_flow = opened > closed;
    let mut end = start;
    while let Some(&byte) = bytes.get(end) {
        let next = bytes.get(end + 1).copied();
        let ends_token = byte == b'\n'
            || (byte == b' ' && next == Some(b'#'))
            || (byte == b':' && next.is_none_or(|b| b == b' ' || b == b'\n'))
            || (in_flow && b",]}".contains(&byte));
        if ends_token {
            break;
        }
        end += 1;
    }
    start + text[start..end].trim_end().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(segments: &[&str]) -> Vec<PathSegment> {
        segments.iter().map(|&s| PathSegment::from(s)).collect()
    }

    fn key_and_value(source: &SourceFile, segments: &[&str]) -> (String, String) {
        let found = locate(source, &path(segments)).expect("path is located");
        let text = |range: Option<Range<usize>>| {
            range.map_or(String::new(), |r| source.text[r].to_string())
        };
        (text(found.key), text(found.value))
    }

    #[test]
    fn toml_dotted_keys_inline_tables_and_arrays_of_tables() {
        let source = SourceFile::new(
            "p.toml",
            "[input]\npaths = [\"a.txt\", \"b.txt\"]\n\n[[stages]]\nid = \"a\"\nlimits.timeout = \"5s\"\n\n[[stages]]\nid = \"b\"\nconfig = { nested = { deep = 'x' } }\n",
        );
        assert_eq!(
            key_and_value(&source, &["input", "paths", "1"]),
            (String::new(), "\"b.txt\"".into())
        );
        assert_eq!(
            key_and_value(&source, &["stages", "0", "limits", "timeout"]),
            ("timeout".into(), "\"5s\"".into())
        );
        assert_eq!(
            key_and_value(&source, &["stages", "1", "config", "nested", "deep"]),
            ("deep".into(), "'x'".into())
        );
        assert_eq!(key_and_value(&source, &["stages", "1"]).1, "[[stages]]");
        assert!(locate(&source, &path(&["stages", "2"])).is_none());
    }

    #[test]
    fn yaml_block_and_flow_styles() {
        let source = SourceFile::new(
            "p.yaml",
            "input:\n  paths: [a.txt, \"b.txt\"]\nstages:\n  - id: a # first\n    config: {n: 2, s: 'it''s'}\n",
        );
        assert_eq!(
            key_and_value(&source, &["input", "paths", "1"]).1,
            "\"b.txt\""
        );
        assert_eq!(key_and_value(&source, &["input", "paths", "0"]).1, "a.txt");
        assert_eq!(
            key_and_value(&source, &["stages", "0", "id"]),
            ("id".into(), "a".into())
        );
        assert_eq!(
            key_and_value(&source, &["stages", "0", "config", "s"]),
            ("s".into(), "'it''s'".into())
        );
        assert_eq!(
            key_and_value(&source, &["stages", "0", "config"]).1,
            "{n: 2, s: 'it''s'}"
        );
        assert!(locate(&source, &path(&["stages", "0", "missing"])).is_none());
    }

    #[test]
    fn json_nested_objects_and_arrays() {
        let source = SourceFile::new(
            "p.json",
            r#"{"input": {"paths": ["a,]", "b"]}, "stages": [{"id": "x", "config": {"k\"ey": [1, 2]}}]}"#,
        );
        assert_eq!(key_and_value(&source, &["input", "paths", "1"]).1, "\"b\"");
        assert_eq!(
            key_and_value(&source, &["stages", "0", "config", "k\"ey"]),
            (r#""k\"ey""#.into(), "[1, 2]".into())
        );
        assert!(locate(&source, &path(&["stages", "1"])).is_none());
    }
}

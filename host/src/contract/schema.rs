//! Reading schemars-style schemas: inlining `$ref`s, spotting keywords the
//! checker does not reason about, and splitting a schema into the
//! alternatives a value may take (`["string","null"]` is two, an `anyOf` of
//! `const`s is one per value).

use serde_json::{Map, Value};

/// Marks a flowing schema written by a stage whose output could not be read:
/// a list of reasons, reported by every later check.
pub(super) const UNREADABLE: &str = "x-docpipe-unreadable";

/// Keywords whose meaning the checker does not follow.
const OPAQUE_KEYWORDS: &[&str] = &[
    "allOf",
    "not",
    "if",
    "then",
    "else",
    "patternProperties",
    "dependentSchemas",
    "dependentRequired",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "prefixItems",
    "contains",
    "minProperties",
    "maxProperties",
    "$dynamicRef",
    "$recursiveRef",
];

/// Keywords whose value is one schema.
const SCHEMA_KEYWORDS: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
];

/// Keywords whose value is a map of names to schemas.
const SCHEMA_MAP_KEYWORDS: &[&str] = &["properties", "patternProperties", "dependentSchemas"];

/// Keywords whose value is a list of schemas.
const SCHEMA_LIST_KEYWORDS: &[&str] = &["anyOf", "oneOf", "allOf", "prefixItems"];

/// `schema` with every `#/$defs/...` reference replaced by its target, and
/// its `$defs` and `$schema` dropped. A recursive or dangling `$ref` stays,
/// and later reads it as unprovable.
pub(super) fn inline_refs(schema: &Value) -> Value {
    let defs = schema
        .get("$defs")
        .or_else(|| schema.get("definitions"))
        .and_then(Value::as_object);
    let mut inlined = inline(schema, defs, &mut Vec::new());
    if let Value::Object(map) = &mut inlined {
        map.shift_remove("$defs");
        map.shift_remove("definitions");
        map.shift_remove("$schema");
    }
    inlined
}

fn inline(node: &Value, defs: Option<&Map<String, Value>>, stack: &mut Vec<String>) -> Value {
    let Value::Object(map) = node else {
        return node.clone();
    };
    if let Some(name) = map.get("$ref").and_then(Value::as_str).and_then(def_name) {
        if let Some(target) = defs.and_then(|defs| defs.get(&name)) {
            if !stack.contains(&name) {
                stack.push(name);
                let mut resolved = inline(target, defs, stack);
                stack.pop();
                if let Value::Object(resolved) = &mut resolved {
                    // Keywords beside the `$ref` (a description) describe this use.
                    for (key, value) in map.iter().filter(|(key, _)| *key != "$ref") {
                        resolved.insert(key.clone(), inline_keyword(key, value, defs, stack));
                    }
                }
                return resolved;
            }
        }
    }
    map.iter()
        .map(|(key, value)| (key.clone(), inline_keyword(key, value, defs, stack)))
        .collect()
}

fn inline_keyword(
    key: &str,
    value: &Value,
    defs: Option<&Map<String, Value>>,
    stack: &mut Vec<String>,
) -> Value {
    match value {
        Value::Object(map) if SCHEMA_MAP_KEYWORDS.contains(&key) => Value::Object(
            map.iter()
                .map(|(name, schema)| (name.clone(), inline(schema, defs, stack)))
                .collect(),
        ),
        Value::Array(list) if SCHEMA_LIST_KEYWORDS.contains(&key) => list
            .iter()
            .map(|schema| inline(schema, defs, stack))
            .collect(),
        _ if SCHEMA_KEYWORDS.contains(&key) => inline(value, defs, stack),
        _ => value.clone(),
    }
}

/// `X` of `#/$defs/X` (or the older `#/definitions/X`), unescaped.
fn def_name(reference: &str) -> Option<String> {
    let name = reference
        .strip_prefix("#/$defs/")
        .or_else(|| reference.strip_prefix("#/definitions/"))?;
    Some(name.replace("~1", "/").replace("~0", "~"))
}

/// Why the checker cannot read `schema` at its top level (or in a branch of
/// its `anyOf`), if it cannot: "uses `allOf`".
pub(super) fn opaque(schema: &Value) -> Option<String> {
    let map = schema.as_object()?;
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        return Some(format!(
            "has a `$ref` that cannot be resolved (recursive or missing): `{reference}`"
        ));
    }
    if let Some(keyword) = OPAQUE_KEYWORDS.iter().find(|k| map.contains_key(**k)) {
        return Some(format!("uses `{keyword}`"));
    }
    let combinator = map.contains_key("anyOf") || map.contains_key("oneOf");
    let constrained = ["type", "enum", "const", "properties", "items"]
        .iter()
        .any(|k| map.contains_key(*k));
    if combinator && constrained {
        return Some("combines `anyOf`/`oneOf` with other keywords".into());
    }
    map.get("anyOf")
        .or_else(|| map.get("oneOf"))
        .and_then(Value::as_array)
        .and_then(|branches| branches.iter().find_map(opaque))
}

/// The JSON types a value can have, plus `Any` for an unconstrained schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Any,
    Null,
    Boolean,
    Integer,
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    fn from_name(name: &str) -> Option<Kind> {
        Some(match name {
            "null" => Kind::Null,
            "boolean" => Kind::Boolean,
            "integer" => Kind::Integer,
            "number" => Kind::Number,
            "string" => Kind::String,
            "array" => Kind::Array,
            "object" => Kind::Object,
            _ => return None,
        })
    }

    fn of_value(value: &Value) -> Kind {
        match value {
            Value::Null => Kind::Null,
            Value::Bool(_) => Kind::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() => Kind::Integer,
            Value::Number(_) => Kind::Number,
            Value::String(_) => Kind::String,
            Value::Array(_) => Kind::Array,
            Value::Object(_) => Kind::Object,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Any => "any",
            Kind::Null => "null",
            Kind::Boolean => "boolean",
            Kind::Integer => "integer",
            Kind::Number => "number",
            Kind::String => "string",
            Kind::Array => "array",
            Kind::Object => "object",
        }
    }
}

/// One shape a value may take: a single type, maybe limited to some values.
#[derive(Debug, Clone)]
pub(super) struct Alternative<'a> {
    pub kind: Kind,
    /// Where `properties`, `items` and value constraints are read from.
    pub schema: &'a Value,
    /// The only values allowed, from `enum` or `const`.
    pub values: Option<Vec<&'a Value>>,
}

impl Alternative<'_> {
    /// How messages name this shape: `string`, `"json"`, `one of "a", "b"`.
    pub fn label(&self) -> String {
        match &self.values {
            Some(values) if values.len() == 1 => values[0].to_string(),
            Some(values) => {
                let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                format!("one of {}", values.join(", "))
            }
            None => self.kind.name().to_string(),
        }
    }
}

/// The shapes `schema` allows, nested `anyOf`/`oneOf` flattened. Empty for
/// `false`. The caller checks [`opaque`] first: opaque parts are read as if
/// their unknown keywords were absent.
pub(super) fn alternatives(schema: &Value) -> Vec<Alternative<'_>> {
    let map = match schema {
        Value::Bool(true) => return vec![any(schema)],
        Value::Object(map) => map,
        _ => return Vec::new(),
    };
    if let Some(branches) = map
        .get("anyOf")
        .or_else(|| map.get("oneOf"))
        .and_then(Value::as_array)
    {
        return merge_values(branches.iter().flat_map(alternatives).collect());
    }
    let kinds: Option<Vec<Kind>> = match map.get("type") {
        Some(Value::String(name)) => Kind::from_name(name).map(|kind| vec![kind]),
        Some(Value::Array(names)) => Some(
            names
                .iter()
                .filter_map(Value::as_str)
                .filter_map(Kind::from_name)
                .collect(),
        ),
        _ => None,
    };
    let values: Option<Vec<&Value>> = match (map.get("const"), map.get("enum")) {
        (Some(value), _) => Some(vec![value]),
        (None, Some(Value::Array(values))) => Some(values.iter().collect()),
        _ => None,
    };
    if let Some(values) = values {
        // One alternative per type of value, keeping only values the type allows.
        let mut grouped: Vec<Alternative<'_>> = Vec::new();
        for value in values {
            let kind = Kind::of_value(value);
            let allowed = kinds.as_ref().is_none_or(|kinds| {
                kinds.contains(&kind) || (kind == Kind::Integer && kinds.contains(&Kind::Number))
            });
            if !allowed {
                continue;
            }
            match grouped.iter_mut().find(|alt| alt.kind == kind) {
                Some(alt) => alt.values.get_or_insert_with(Vec::new).push(value),
                None => grouped.push(Alternative {
                    kind,
                    schema,
                    values: Some(vec![value]),
                }),
            }
        }
        return grouped;
    }
    match kinds {
        Some(kinds) => kinds
            .into_iter()
            .map(|kind| Alternative {
                kind,
                schema,
                values: None,
            })
            .collect(),
        None if map.contains_key("properties") => vec![Alternative {
            kind: Kind::Object,
            schema,
            values: None,
        }],
        None if map.contains_key("items") => vec![Alternative {
            kind: Kind::Array,
            schema,
            values: None,
        }],
        None => vec![any(schema)],
    }
}

/// Joins alternatives of one type that each allow only some values, so an
/// `anyOf` of `const`s reads as one enum.
fn merge_values(alternatives: Vec<Alternative<'_>>) -> Vec<Alternative<'_>> {
    let mut merged: Vec<Alternative<'_>> = Vec::new();
    for alternative in alternatives {
        let same = merged
            .iter_mut()
            .find(|m| m.kind == alternative.kind && m.values.is_some());
        match (same, alternative.values) {
            (Some(existing), Some(values)) => {
                let existing = existing.values.get_or_insert_with(Vec::new);
                for value in values {
                    if !existing.contains(&value) {
                        existing.push(value);
                    }
                }
            }
            (_, values) => merged.push(Alternative {
                values,
                ..alternative
            }),
        }
    }
    merged
}

fn any(schema: &Value) -> Alternative<'_> {
    Alternative {
        kind: Kind::Any,
        schema,
        values: None,
    }
}

/// How messages name what `schema` allows: `string`, `string or null`.
pub(super) fn label(schema: &Value) -> String {
    if opaque(schema).is_some() {
        return "unknown".into();
    }
    let mut labels: Vec<String> = Vec::new();
    for alternative in alternatives(schema) {
        let label = alternative.label();
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    if labels.is_empty() {
        return "nothing".into();
    }
    labels.join(" or ")
}

/// What an object schema says about fields it does not declare.
pub(super) enum Extra<'a> {
    /// No other field exists (or is accepted).
    Closed,
    /// Other fields may exist, each matching this schema (`true` for any).
    Open(&'a Value),
}

/// Other fields of an object: a missing `additionalProperties` is closed,
/// see the module documentation.
pub(super) fn extra(schema: &Value) -> Extra<'_> {
    match schema.get("additionalProperties") {
        None | Some(Value::Bool(false)) => Extra::Closed,
        Some(other) => Extra::Open(other),
    }
}

/// The declared properties of an object schema, in declaration order.
pub(super) fn properties(schema: &Value) -> Vec<(&str, &Value)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| props.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default()
}

/// Whether an object schema lists `name` as required.
pub(super) fn requires(schema: &Value, name: &str) -> bool {
    schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|required| required.iter().any(|r| r.as_str() == Some(name)))
}

/// Whether `schema` accepts any value at all without looking (`true`, `{}`
/// or only annotations).
pub(super) fn is_unconstrained(schema: &Value) -> bool {
    opaque(schema).is_none() && alternatives(schema).iter().any(|alt| alt.kind == Kind::Any)
}

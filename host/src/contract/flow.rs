//! The document schema as it flows through a pipeline: what the input reader
//! produces, and how each stage's output changes it (the same rules as the
//! SDK's merge: a written field replaces the document's, `meta` is merged key
//! by key).

use docpipe_contract::pipeline::InputFormat;
use serde_json::{json, Map, Value};

use super::schema::{self, Extra, UNREADABLE};

/// The schema of the documents the input reader yields for `format`.
///
/// `text` and `html` documents have exactly the fields listed; a `jsonl`
/// line may carry any other field, and its own `meta` (including
/// `meta.source`), so that schema is open.
pub fn input_schema(format: InputFormat) -> Value {
    let id = json!({ "type": "string" });
    let text = json!({ "type": "string" });
    let title = json!({ "type": "string" });
    let file_meta = json!({
        "type": "object",
        "properties": {
            "source": {
                "type": "object",
                "properties": { "path": { "type": "string" } },
                "required": ["path"],
                "additionalProperties": false
            }
        },
        "required": ["source"],
        "additionalProperties": false
    });
    match format {
        InputFormat::Text => json!({
            "type": "object",
            "properties": { "id": id, "text": text, "meta": file_meta },
            "required": ["id", "text", "meta"],
            "additionalProperties": false
        }),
        InputFormat::Html => json!({
            "type": "object",
            "properties": {
                "id": id,
                "text": text,
                "title": title,
                "html": { "type": "string" },
                "meta": file_meta
            },
            "required": ["id", "text", "html", "meta"],
            "additionalProperties": false
        }),
        InputFormat::Jsonl => json!({
            "type": "object",
            "properties": {
                "id": id,
                "text": text,
                "title": title,
                "meta": {
                    "type": "object",
                    "properties": {
                        "source": {
                            "description": "The line's own `meta.source` if it has one, else `{path, line}`."
                        }
                    },
                    "required": ["source"],
                    "additionalProperties": true
                }
            },
            "required": ["id", "text", "meta"],
            "additionalProperties": true
        }),
    }
}

/// The document schema after a stage whose output schema is `output_schema`.
///
/// A field the output requires replaces the flowing one and is required; a
/// field it declares without requiring may or may not be written, so it
/// becomes either its old or its new shape and stays required only if it
/// was. `meta` keys merge the same way one by one. `$ref`s are inlined. An
/// output the checker cannot read (`allOf`, a root `anyOf`, ...) leaves a
/// reason in the schema that every later [`super::check_stage`] reports.
pub fn apply_output(flowing: &Value, output_schema: &Value) -> Value {
    let output = schema::inline_refs(output_schema);
    let mut next = flowing.clone();
    let Value::Object(document) = &mut next else {
        return next;
    };
    if let Some(reason) = unreadable_output(&output) {
        let reasons = document
            .entry(UNREADABLE)
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(reasons) = reasons {
            reasons.push(Value::String(format!(
                "an earlier stage's output schema {reason}, so what it writes is unknown"
            )));
        }
        document.insert("additionalProperties".into(), Value::Bool(true));
        return next;
    }
    for (name, field) in schema::properties(&output) {
        let written = schema::requires(&output, name);
        let merges = name == "meta"
            && is_object(field)
            && document
                .get("properties")
                .and_then(|props| props.get("meta"))
                .is_some_and(is_object);
        if merges {
            let meta = property_mut(document, "meta").expect("checked above");
            for (key, value) in schema::properties(field) {
                write(meta, key, value, written && schema::requires(field, key));
            }
            if let Extra::Open(_) = schema::extra(field) {
                meta.insert("additionalProperties".into(), Value::Bool(true));
            }
            if written {
                require(document, "meta");
            }
        } else {
            write(document, name, field, written);
        }
    }
    if let Extra::Open(_) = schema::extra(&output) {
        document.insert("additionalProperties".into(), Value::Bool(true));
    }
    next
}

/// Why an output schema does not say which fields it writes, if it does not.
fn unreadable_output(output: &Value) -> Option<String> {
    if let Some(reason) = schema::opaque(output) {
        return Some(reason);
    }
    if output.get("anyOf").is_some() || output.get("oneOf").is_some() {
        return Some("has alternatives at its root".into());
    }
    match output.get("type") {
        Some(Value::String(kind)) if kind == "object" => None,
        None if output.get("properties").is_some() => None,
        _ => Some("does not describe an object".into()),
    }
}

/// A plain object schema: type `object`, no alternatives, nothing opaque.
fn is_object(schema: &Value) -> bool {
    schema::opaque(schema).is_none()
        && schema.get("type").and_then(Value::as_str) == Some("object")
        && schema.get("anyOf").is_none()
        && schema.get("oneOf").is_none()
}

fn property_mut<'a>(
    object: &'a mut Map<String, Value>,
    name: &str,
) -> Option<&'a mut Map<String, Value>> {
    object.get_mut("properties")?.get_mut(name)?.as_object_mut()
}

/// Records in `object` (a schema) that a stage writes `name` as `field`,
/// surely when `written`, else maybe.
fn write(object: &mut Map<String, Value>, name: &str, field: &Value, written: bool) {
    let properties = object
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(properties) = properties else {
        return;
    };
    match properties.get_mut(name) {
        Some(old) if !written => {
            if old != field {
                *old = json!({ "anyOf": [old.take(), field.clone()] });
            }
        }
        _ => {
            properties.insert(name.to_string(), field.clone());
        }
    }
    if written {
        require(object, name);
    }
}

fn require(object: &mut Map<String, Value>, name: &str) {
    let required = object
        .entry("required")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(required) = required {
        if !required.iter().any(|r| r.as_str() == Some(name)) {
            required.push(Value::String(name.to_string()));
        }
    }
}

/// The labels of the `candidates` whose output schema writes the field at
/// `missing_pointer` (e.g. `/lang/code`; `*` steps into array items): those
/// that always write it first, then those that may, each group in the given
/// order.
pub fn providers(missing_pointer: &str, candidates: &[(String, Value)]) -> Vec<String> {
    let segments: Vec<String> = missing_pointer
        .split('/')
        .skip(1)
        .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut surely = Vec::new();
    let mut maybe = Vec::new();
    for (label, output) in candidates {
        match writes(&schema::inline_refs(output), &segments) {
            Some(true) => surely.push(label.clone()),
            Some(false) => maybe.push(label.clone()),
            None => {}
        }
    }
    surely.extend(maybe);
    surely
}

/// Whether an output schema writes the field at `segments`: `Some(true)`
/// always, `Some(false)` sometimes, `None` never.
fn writes(schema: &Value, segments: &[String]) -> Option<bool> {
    let Some((first, rest)) = segments.split_first() else {
        return Some(true);
    };
    let per_alternative: Vec<Option<bool>> = schema::alternatives(schema)
        .iter()
        .map(|alternative| {
            let (child, surely) = if first == "*" {
                (alternative.schema.get("items")?, true)
            } else {
                let (_, child) = schema::properties(alternative.schema)
                    .into_iter()
                    .find(|(name, _)| name == first)?;
                (child, schema::requires(alternative.schema, first))
            };
            writes(child, rest).map(|deeper| surely && deeper)
        })
        .collect();
    if per_alternative.iter().all(Option::is_none) {
        return None;
    }
    Some(per_alternative.iter().all(|written| *written == Some(true)))
}

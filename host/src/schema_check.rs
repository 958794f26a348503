//! Checking values against plugins' JSON Schemas with the `jsonschema`
//! crate: a stage's config before anything runs, and each stage's output
//! while documents run. Messages name the place and say expected vs got.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

/// A compiled schema, shared by every worker.
#[derive(Debug)]
pub struct SchemaCheck {
    validator: jsonschema::Validator,
    named: Option<Vec<String>>,
}

/// Root keywords that look at an object's members only by name
/// (`properties`, `required`) or not at all (annotations, `$defs`, a `type`
/// of `"object"`). Any other keyword (`additionalProperties`, `allOf`, a
/// `$ref` at the root...) may look at every member.
const BY_NAME_KEYWORDS: &[&str] = &[
    "$schema",
    "$id",
    "$comment",
    "$defs",
    "definitions",
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "type",
    "properties",
    "required",
];

/// One way a value breaks a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON Pointer to the offending value (`""` for the whole value).
    pub pointer: String,
    /// "expected string, got null", "unknown key `sentencs`", ...
    pub message: String,
    /// For an unknown key: the key, so a caller can suggest a near one.
    pub unknown_key: Option<String>,
}

impl SchemaCheck {
    /// Compile `schema`; a plugin whose schema does not compile is broken.
    pub fn compile(schema: &Value) -> Result<Self, String> {
        jsonschema::validator_for(schema)
            .map(|validator| SchemaCheck {
                validator,
                named: named_members(schema),
            })
            .map_err(|e| e.to_string())
    }

    /// When the schema looks at an object's members only by name, those
    /// names: an object then conforms exactly when its members of those
    /// names, alone, do. A stage's output schema (what schemars writes for
    /// an output struct) is of this kind, so the host parses a few small
    /// members of each document it checks, not the whole text.
    pub fn named_members(&self) -> Option<&[String]> {
        self.named.as_deref()
    }

    /// True when `value` conforms (cheaper than collecting violations).
    pub fn accepts(&self, value: &Value) -> bool {
        self.validator.is_valid(value)
    }

    /// Every violation, in the validator's order.
    pub fn violations(&self, value: &Value) -> Vec<Violation> {
        let mut out = Vec::new();
        for error in self.validator.iter_errors(value) {
            push_violation(&error, &mut out);
        }
        out
    }
}

/// The member names `properties` and `required` give at the root of
/// `schema`, if no other keyword there looks at an object's members.
fn named_members(schema: &Value) -> Option<Vec<String>> {
    let root = schema.as_object()?;
    if !root.keys().all(|k| BY_NAME_KEYWORDS.contains(&k.as_str())) {
        return None;
    }
    if root.get("type").is_some_and(|t| t != "object") {
        return None;
    }
    let mut names = Vec::new();
    if let Some(properties) = root.get("properties") {
        names.extend(properties.as_object()?.keys().cloned());
    }
    if let Some(required) = root.get("required") {
        for name in required.as_array()? {
            names.push(name.as_str()?.to_string());
        }
    }
    names.sort();
    names.dedup();
    Some(names)
}

/// Turn one validator error into violations. For a failed `anyOf`/`oneOf`
/// (how schemars writes `Option<T>`), report the branch that got deepest
/// into the value: "at /lang/code: expected integer, got null" says more
/// than "not valid under any of the schemas".
fn push_violation(error: &jsonschema::ValidationError<'_>, out: &mut Vec<Violation>) {
    let pointer = error.instance_path().as_str().to_string();
    match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let deepest = context
                .iter()
                .filter(|branch| !branch.is_empty())
                .max_by_key(|branch| {
                    branch
                        .iter()
                        .map(|e| e.instance_path().as_str().len())
                        .max()
                        .unwrap_or(0)
                });
            match deepest {
                Some(branch)
                    if branch
                        .iter()
                        .any(|e| e.instance_path().as_str().len() > pointer.len()) =>
                {
                    for inner in branch {
                        push_violation(inner, out);
                    }
                }
                _ => out.push(Violation {
                    pointer,
                    message: error.to_string(),
                    unknown_key: None,
                }),
            }
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for key in unexpected {
                out.push(Violation {
                    pointer: format!("{pointer}/{}", escape(key)),
                    message: format!("unknown key `{key}`"),
                    unknown_key: Some(key.clone()),
                });
            }
        }
        ValidationErrorKind::Type { kind } => out.push(Violation {
            pointer,
            message: format!(
                "expected {}, got {}",
                expected(kind),
                type_name(error.instance())
            ),
            unknown_key: None,
        }),
        ValidationErrorKind::Required { property } => out.push(Violation {
            message: format!(
                "missing required key `{}`",
                property.as_str().unwrap_or_default()
            ),
            pointer,
            unknown_key: None,
        }),
        _ => out.push(Violation {
            pointer,
            message: error.to_string(),
            unknown_key: None,
        }),
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn expected(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(t) => t.to_string(),
        TypeKind::Multiple(set) => set
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

/// The JSON type of a value, in the words JSON Schema uses.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The property names a schema declares at `pointer` (looking through a
/// `$ref` into `$defs`), for "did you mean" hints.
pub fn known_keys(schema: &Value, pointer: &str) -> Vec<String> {
    let mut node = schema;
    for part in pointer.split('/').filter(|p| !p.is_empty()) {
        node = resolve(schema, node);
        match node.get("properties").and_then(|p| p.get(part)) {
            Some(next) => node = next,
            None => return Vec::new(),
        }
    }
    let node = resolve(schema, node);
    node.get("properties")
        .and_then(Value::as_object)
        .map(|props| props.keys().cloned().collect())
        .unwrap_or_default()
}

fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(path) => root.pointer(path).unwrap_or(node),
        None => node,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn summarize_like() -> Value {
        json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "sentences": {"type": "integer", "minimum": 1},
                "lang": {"$ref": "#/$defs/Lang"}
            },
            "$defs": {"Lang": {"type": "object", "properties": {"code": {"type": "string"}}, "required": ["code"]}}
        })
    }

    #[test]
    fn a_schema_that_looks_at_members_by_name_gives_the_names() {
        let schemars_like = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Output",
            "type": "object",
            "properties": {"lang": {"$ref": "#/$defs/Lang"}, "meta": {"type": "object"}},
            "required": ["lang", "summary"],
            "$defs": {"Lang": {"type": "object", "additionalProperties": false}}
        });
        let check = SchemaCheck::compile(&schemars_like).unwrap();
        assert_eq!(check.named_members().unwrap(), ["lang", "meta", "summary"]);
        let nothing =
            SchemaCheck::compile(&json!({"title": "Unchanged", "type": "object"})).unwrap();
        assert_eq!(nothing.named_members().unwrap(), [] as [String; 0]);
    }

    #[test]
    fn a_schema_that_may_look_at_every_member_gives_no_names() {
        for schema in [
            summarize_like(),
            json!({"properties": {"a": {}}, "patternProperties": {"^x": {}}}),
            json!({"properties": {"a": {}}, "allOf": [{"required": ["b"]}]}),
            json!({"$ref": "#/$defs/Doc", "$defs": {"Doc": {}}}),
            json!({"type": ["object", "null"], "properties": {"a": {}}}),
            json!({"minProperties": 3}),
            json!(true),
        ] {
            let check = SchemaCheck::compile(&schema).unwrap();
            assert_eq!(check.named_members(), None, "{schema}");
        }
    }

    #[test]
    fn type_errors_say_expected_and_got_at_the_pointer() {
        let check = SchemaCheck::compile(&summarize_like()).unwrap();
        let found = check.violations(&json!({"sentences": "two", "lang": {"code": null}}));
        assert!(found.contains(&Violation {
            pointer: "/sentences".into(),
            message: "expected integer, got string".into(),
            unknown_key: None
        }));
        assert!(found.contains(&Violation {
            pointer: "/lang/code".into(),
            message: "expected string, got null".into(),
            unknown_key: None
        }));
    }

    #[test]
    fn an_optional_struct_reports_the_field_inside_it() {
        let schema = json!({
            "type": "object",
            "properties": {"lang": {"anyOf": [{"$ref": "#/$defs/L"}, {"type": "null"}]}},
            "$defs": {"L": {"type": "object", "properties": {"code": {"type": "integer"}}, "required": ["code"]}}
        });
        let check = SchemaCheck::compile(&schema).unwrap();
        let found = check.violations(&json!({"lang": {"code": null}}));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].pointer, "/lang/code");
        assert_eq!(found[0].message, "expected integer, got null");
    }

    #[test]
    fn unknown_keys_are_reported_one_by_one() {
        let check = SchemaCheck::compile(&summarize_like()).unwrap();
        let found = check.violations(&json!({"sentencs": 2}));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/sentencs");
        assert_eq!(found[0].unknown_key.as_deref(), Some("sentencs"));
        assert!(check.accepts(&json!({"sentences": 2})));
    }

    #[test]
    fn known_keys_look_through_refs() {
        let schema = summarize_like();
        assert_eq!(known_keys(&schema, ""), ["sentences", "lang"]);
        assert_eq!(known_keys(&schema, "/lang"), ["code"]);
    }
}

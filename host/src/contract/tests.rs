use docpipe_contract::pipeline::InputFormat;
use serde_json::{json, Value};

use super::*;

/// A builtin plugin's schemas, as `docpipe plugins inspect --json` prints them.
fn builtin(name: &str) -> (Value, Value) {
    let text = match name {
        "clean" => include_str!("fixtures/clean.json"),
        "langdetect" => include_str!("fixtures/langdetect.json"),
        "summarize" => include_str!("fixtures/summarize.json"),
        "export" => include_str!("fixtures/export.json"),
        _ => unreachable!("no fixture for {name}"),
    };
    let plugin: Value = serde_json::from_str(text).unwrap();
    (
        plugin["input_schema"].clone(),
        plugin["output_schema"].clone(),
    )
}

fn after(format: InputFormat, plugins: &[&str]) -> Value {
    plugins.iter().fold(input_schema(format), |flowing, name| {
        apply_output(&flowing, &builtin(name).1)
    })
}

/// An input schema in schemars' style reading `properties`, all required.
fn reads(properties: Value) -> Value {
    let required: Vec<&String> = properties.as_object().unwrap().keys().collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Input",
        "type": "object",
        "properties": properties,
        "required": required
    })
}

/// An output schema in schemars' style writing `properties`, all required.
fn writes(properties: Value) -> Value {
    let mut schema = reads(properties);
    schema["title"] = json!("Output");
    schema
}

/// Input needing `lang.code` through a `$ref`, as a struct field would.
fn needs_lang_code() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Input",
        "type": "object",
        "properties": { "lang": { "$ref": "#/$defs/Lang" } },
        "required": ["lang"],
        "$defs": {
            "Lang": {
                "type": "object",
                "properties": { "code": { "type": "string" } },
                "required": ["code"]
            }
        }
    })
}

fn summary(findings: &[Finding]) -> Vec<(String, Severity, FindingKind)> {
    findings
        .iter()
        .map(|f| (f.pointer.clone(), f.severity, f.kind.clone()))
        .collect()
}

fn mismatch(expected: &str, found: &str) -> FindingKind {
    FindingKind::TypeMismatch {
        expected: expected.into(),
        found: found.into(),
    }
}

#[test]
fn the_builtin_chain_from_text_input_checks_clean() {
    let mut flowing = input_schema(InputFormat::Text);
    for name in ["clean", "langdetect", "summarize", "export"] {
        let (input, output) = builtin(name);
        assert_eq!(check_stage(&flowing, &input), vec![], "stage {name}");
        flowing = apply_output(&flowing, &output);
    }
}

#[test]
fn the_builtin_chain_from_html_and_jsonl_has_no_errors() {
    for format in [InputFormat::Html, InputFormat::Jsonl] {
        let mut flowing = input_schema(format);
        for name in ["clean", "langdetect", "summarize", "export"] {
            let (input, output) = builtin(name);
            let findings = check_stage(&flowing, &input);
            assert!(
                findings.iter().all(|f| f.severity == Severity::Warning),
                "{format:?} {name}: {findings:#?}"
            );
            flowing = apply_output(&flowing, &output);
        }
    }
}

#[test]
fn a_field_nothing_writes_is_missing_at_the_leaf_the_stage_needs() {
    let findings = check_stage(&input_schema(InputFormat::Text), &needs_lang_code());
    assert_eq!(
        summary(&findings),
        vec![("/lang/code".into(), Severity::Error, FindingKind::Missing)]
    );
    assert_eq!(
        findings[0].message,
        "needs `lang.code` (string) but no earlier stage provides it"
    );
}

#[test]
fn jsonl_input_may_carry_any_field() {
    let findings = check_stage(&input_schema(InputFormat::Jsonl), &needs_lang_code());
    assert_eq!(
        summary(&findings),
        vec![(
            "/lang/code".into(),
            Severity::Warning,
            FindingKind::MaybeMissing
        )]
    );
    assert_eq!(
        findings[0].message,
        "needs `lang.code` (string) but the document may lack it: no earlier stage guarantees it"
    );
}

#[test]
fn langdetect_provides_lang_code_through_refs_on_both_sides() {
    let flowing = after(InputFormat::Text, &["langdetect"]);
    assert_eq!(check_stage(&flowing, &needs_lang_code()), vec![]);
}

#[test]
fn an_integer_where_a_string_is_needed_is_a_type_mismatch() {
    let flowing = apply_output(
        &input_schema(InputFormat::Text),
        &writes(json!({ "words": { "type": "integer", "format": "uint", "minimum": 0 } })),
    );
    let findings = check_stage(&flowing, &reads(json!({ "words": { "type": "string" } })));
    assert_eq!(
        summary(&findings),
        vec![(
            "/words".into(),
            Severity::Error,
            mismatch("string", "integer")
        )]
    );
    assert_eq!(
        findings[0].message,
        "needs `words` (string) but the document has it as integer"
    );
}

#[test]
fn nested_objects_and_array_items_are_checked_field_by_field() {
    let flowing = after(InputFormat::Text, &["langdetect"]);
    let input = json!({
        "type": "object",
        "properties": { "lang": { "$ref": "#/$defs/Lang" } },
        "required": ["lang"],
        "$defs": {
            "Lang": {
                "type": "object",
                "properties": {
                    "candidates": { "type": "array", "items": { "$ref": "#/$defs/Candidate" } }
                },
                "required": ["candidates"]
            },
            "Candidate": {
                "type": "object",
                "properties": {
                    "code": { "type": "integer" },
                    "score": { "type": "integer" },
                    "rank": { "type": "integer" }
                },
                "required": ["code", "score", "rank"]
            }
        }
    });
    let findings = check_stage(&flowing, &input);
    assert_eq!(
        summary(&findings),
        vec![
            (
                "/lang/candidates/*/code".into(),
                Severity::Error,
                mismatch("integer", "string")
            ),
            (
                "/lang/candidates/*/score".into(),
                Severity::Warning,
                mismatch("integer", "number")
            ),
            (
                "/lang/candidates/*/rank".into(),
                Severity::Error,
                FindingKind::Missing
            ),
        ]
    );
    assert_eq!(
        findings[0].message,
        "needs `lang.candidates[].code` (integer) but the document has it as string"
    );
}

#[test]
fn an_integer_satisfies_a_number_but_not_the_reverse() {
    let flowing = apply_output(
        &input_schema(InputFormat::Text),
        &writes(json!({ "count": { "type": "integer" }, "ratio": { "type": "number" } })),
    );
    let input = reads(json!({ "count": { "type": "number" }, "ratio": { "type": "integer" } }));
    assert_eq!(
        summary(&check_stage(&flowing, &input)),
        vec![(
            "/ratio".into(),
            Severity::Warning,
            mismatch("integer", "number")
        )]
    );
}

#[test]
fn a_nullable_field_where_a_value_is_needed_is_a_warning() {
    let flowing = apply_output(
        &input_schema(InputFormat::Text),
        &writes(json!({ "author": { "type": ["string", "null"] } })),
    );
    let findings = check_stage(&flowing, &reads(json!({ "author": { "type": "string" } })));
    assert_eq!(
        summary(&findings),
        vec![(
            "/author".into(),
            Severity::Warning,
            mismatch("string", "null")
        )]
    );
    assert_eq!(
        findings[0].message,
        "needs `author` (string) but the document may have it as null"
    );
    // The same through `anyOf`, as schemars writes `Option<Struct>`.
    let flowing = apply_output(
        &input_schema(InputFormat::Text),
        &json!({
            "type": "object",
            "properties": { "lang": { "anyOf": [{ "$ref": "#/$defs/Lang" }, { "type": "null" }] } },
            "required": ["lang"],
            "$defs": {
                "Lang": {
                    "type": "object",
                    "properties": { "code": { "type": "string" } },
                    "required": ["code"]
                }
            }
        }),
    );
    assert_eq!(
        summary(&check_stage(&flowing, &needs_lang_code())),
        vec![(
            "/lang".into(),
            Severity::Warning,
            mismatch("object", "null")
        )]
    );
}

#[test]
fn enums_match_by_their_values() {
    // A Rust enum as schemars writes it: `oneOf` of `const`s, with docs.
    let flowing = apply_output(
        &input_schema(InputFormat::Text),
        &json!({
            "type": "object",
            "properties": { "kind": { "$ref": "#/$defs/Kind" }, "label": { "type": "string" } },
            "required": ["kind", "label"],
            "$defs": {
                "Kind": {
                    "oneOf": [
                        { "description": "A news article.", "type": "string", "const": "news" },
                        { "description": "A blog post.", "type": "string", "const": "blog" }
                    ]
                }
            }
        }),
    );
    let wider = reads(json!({ "kind": { "type": "string", "enum": ["news", "blog", "forum"] } }));
    assert_eq!(check_stage(&flowing, &wider), vec![]);
    let as_string = reads(json!({ "kind": { "type": "string" } }));
    assert_eq!(check_stage(&flowing, &as_string), vec![]);

    let narrower = reads(json!({ "kind": { "type": "string", "enum": ["news"] } }));
    assert_eq!(
        summary(&check_stage(&flowing, &narrower)),
        vec![(
            "/kind".into(),
            Severity::Warning,
            mismatch("\"news\"", "\"blog\"")
        )]
    );
    let disjoint = reads(json!({ "kind": { "type": "string", "const": "forum" } }));
    assert_eq!(
        summary(&check_stage(&flowing, &disjoint)),
        vec![(
            "/kind".into(),
            Severity::Error,
            mismatch("\"forum\"", "\"news\" or \"blog\"")
        )]
    );
    let plain_string = reads(json!({ "label": { "enum": ["a", "b"] } }));
    let findings = check_stage(&flowing, &plain_string);
    assert_eq!(
        summary(&findings),
        vec![(
            "/label".into(),
            Severity::Warning,
            mismatch("one of \"a\", \"b\"", "string")
        )]
    );
}

#[test]
fn all_of_is_unprovable_on_either_side() {
    let flowing = after(InputFormat::Text, &["langdetect"]);
    let input = json!({
        "type": "object",
        "properties": {
            "lang": { "allOf": [{ "type": "object" }, { "required": ["code"] }] }
        },
        "required": ["lang"]
    });
    let findings = check_stage(&flowing, &input);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].pointer, "/lang");
    assert_eq!(findings[0].severity, Severity::Warning);
    assert!(matches!(findings[0].kind, FindingKind::Unprovable { .. }));
    assert_eq!(
        findings[0].message,
        "cannot check `lang`: the stage's schema for it uses `allOf`"
    );

    let opaque_output = json!({ "allOf": [{ "type": "object" }] });
    let flowing = apply_output(&input_schema(InputFormat::Text), &opaque_output);
    let findings = check_stage(&flowing, &builtin("langdetect").0);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].pointer, "");
    assert!(matches!(findings[0].kind, FindingKind::Unprovable { .. }));
}

#[test]
fn an_unresolvable_ref_is_unprovable() {
    let input = json!({
        "type": "object",
        "properties": { "lang": { "$ref": "#/$defs/Nowhere" } },
        "required": ["lang"]
    });
    let flowing = after(InputFormat::Text, &["langdetect"]);
    let findings = check_stage(&flowing, &input);
    assert!(
        matches!(
            &findings[..],
            [Finding {
                kind: FindingKind::Unprovable { .. },
                severity: Severity::Warning,
                ..
            }]
        ),
        "{findings:#?}"
    );
}

#[test]
fn an_optional_field_of_the_wrong_type_is_a_warning() {
    let flowing = apply_output(
        &input_schema(InputFormat::Text),
        &writes(json!({ "title": { "type": "integer" } })),
    );
    // clean reads `title` only when present.
    let findings = check_stage(&flowing, &builtin("clean").0);
    assert_eq!(
        summary(&findings),
        vec![(
            "/title".into(),
            Severity::Warning,
            mismatch("string or null", "integer")
        )]
    );
    assert_eq!(
        findings[0].message,
        "reads `title` (string or null) when present but the document may have it as integer"
    );
}

#[test]
fn a_field_an_output_may_write_keeps_its_old_shape_as_an_alternative() {
    let output = json!({
        "type": "object",
        "properties": {
            "text": { "type": "integer" },
            "note": { "type": "string" }
        }
    });
    let flowing = apply_output(&input_schema(InputFormat::Text), &output);
    let input = reads(json!({ "text": { "type": "string" }, "note": { "type": "string" } }));
    assert_eq!(
        summary(&check_stage(&flowing, &input)),
        vec![
            (
                "/text".into(),
                Severity::Warning,
                mismatch("string", "integer")
            ),
            ("/note".into(), Severity::Warning, FindingKind::MaybeMissing),
        ]
    );
}

#[test]
fn meta_keys_are_merged_one_by_one() {
    let flowing = after(InputFormat::Text, &["clean"]);
    let input = json!({
        "type": "object",
        "properties": {
            "meta": {
                "type": "object",
                "properties": {
                    "source": { "type": "object", "properties": { "path": { "type": "string" } }, "required": ["path"] },
                    "clean": { "type": "object", "properties": { "ad_markers": { "type": "integer", "format": "uint", "minimum": 0 } }, "required": ["ad_markers"] }
                },
                "required": ["source", "clean"]
            }
        },
        "required": ["meta"]
    });
    assert_eq!(check_stage(&flowing, &input), vec![]);
}

#[test]
fn a_range_upstream_does_not_promise_is_unprovable() {
    let flowing = apply_output(
        &input_schema(InputFormat::Text),
        &writes(json!({ "offset": { "type": "integer", "format": "int64" } })),
    );
    let uint = reads(json!({ "offset": { "type": "integer", "format": "uint", "minimum": 0 } }));
    let findings = check_stage(&flowing, &uint);
    assert!(
        matches!(
            &findings[..],
            [Finding {
                kind: FindingKind::Unprovable { .. },
                severity: Severity::Warning,
                ..
            }]
        ),
        "{findings:#?}"
    );
    let flowing = after(InputFormat::Text, &["clean"]);
    let same = json!({
        "type": "object",
        "properties": { "meta": { "type": "object", "properties": { "clean": { "type": "object", "properties": { "title_line": { "type": "integer", "format": "uint", "minimum": 0 } } } } } }
    });
    assert_eq!(check_stage(&flowing, &same), vec![]);
}

#[test]
fn a_stage_refusing_unknown_fields_is_told_which_it_gets() {
    let input = json!({
        "type": "object",
        "properties": { "text": { "type": "string" } },
        "required": ["text"],
        "additionalProperties": false
    });
    let findings = check_stage(&input_schema(InputFormat::Text), &input);
    assert_eq!(
        summary(&findings),
        vec![
            ("/id".into(), Severity::Error, FindingKind::UnknownField),
            ("/meta".into(), Severity::Error, FindingKind::UnknownField),
        ]
    );
}

#[test]
fn providers_are_the_plugins_that_write_the_field() {
    let candidates: Vec<(String, Value)> = ["clean", "langdetect", "summarize", "export"]
        .iter()
        .map(|name| (format!("builtin:{name}"), builtin(name).1))
        .collect();
    assert_eq!(
        providers("/lang/code", &candidates),
        vec!["builtin:langdetect"]
    );
    assert_eq!(providers("/meta/clean", &candidates), vec!["builtin:clean"]);
    assert_eq!(
        providers("/summary/sentences/*/start", &candidates),
        vec!["builtin:summarize"]
    );
    assert!(providers("/lang/dialect", &candidates).is_empty());
}

#[test]
fn describe_text_input_after_langdetect() {
    let flowing = after(InputFormat::Text, &["langdetect"]);
    assert_eq!(
        describe(&flowing),
        "\
id: string
text: string
meta: object
  source: object
    path: string
lang: object
  code: string
  name: string
  script: string
  confidence: number
  candidates: array of object
    code: string
    score: number
"
    );
}

#[test]
fn describe_marks_what_may_be_absent_or_open() {
    assert_eq!(
        describe(&input_schema(InputFormat::Jsonl)),
        "\
id: string
text: string
title?: string
meta: object (open)
  source: any
(other fields may exist)
"
    );
}

#[test]
fn messages_name_fields_with_dots() {
    assert_eq!(dotted("/lang/code"), "lang.code");
    assert_eq!(
        dotted("/summary/sentences/*/start"),
        "summary.sentences[].start"
    );
    assert_eq!(dotted("/a~1b"), "a/b");
    assert_eq!(dotted(""), "document");
}

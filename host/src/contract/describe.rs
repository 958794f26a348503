//! A compact, stable rendering of a flowing document schema, one field per
//! line, for `docpipe check --explain`.

use serde_json::Value;

use super::schema::{self, Extra, Kind, UNREADABLE};

/// `schema` (a flowing document schema) as indented lines, fields in
/// declaration order: `name: type`, `name?: type` when the field may be
/// absent, nested fields two spaces deeper, `(open)` on objects that may hold
/// fields not listed.
///
/// ```text
/// id: string
/// text: string
/// lang: object
///   code: string
/// meta: object (open)
/// ```
pub fn describe(schema: &Value) -> String {
    let mut out = String::new();
    fields(schema, 0, &mut out);
    if let Extra::Open(_) = schema::extra(schema) {
        line(&mut out, 0, "(other fields may exist)");
    }
    let unreadable = schema.get(UNREADABLE).and_then(Value::as_array);
    for reason in unreadable.into_iter().flatten().filter_map(Value::as_str) {
        line(&mut out, 0, &format!("(unknown: {reason})"));
    }
    out
}

fn line(out: &mut String, depth: usize, text: &str) {
    out.push_str(&"  ".repeat(depth));
    out.push_str(text);
    out.push('\n');
}

fn fields(object: &Value, depth: usize, out: &mut String) {
    for (name, field) in schema::properties(object) {
        let mark = if schema::requires(object, name) {
            ""
        } else {
            "?"
        };
        line(out, depth, &format!("{name}{mark}: {}", shape(field)));
        children(field, depth + 1, out);
    }
}

/// What a field holds, on one line: `string or null`, `array of object`.
fn shape(schema: &Value) -> String {
    if let Some(reason) = schema::opaque(schema) {
        return format!("unknown (its schema {reason})");
    }
    let mut labels: Vec<String> = Vec::new();
    for alternative in schema::alternatives(schema) {
        let label = match alternative.kind {
            Kind::Object if alternative.values.is_none() => match schema::extra(alternative.schema)
            {
                Extra::Open(_) => "object (open)".to_string(),
                Extra::Closed => "object".to_string(),
            },
            Kind::Array if alternative.values.is_none() => match alternative.schema.get("items") {
                Some(items) => format!("array of {}", shape(items)),
                None => "array".to_string(),
            },
            _ => alternative.label(),
        };
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    if labels.is_empty() {
        return "nothing".into();
    }
    labels.join(" or ")
}

/// The parts of a field's shape that have fields of their own.
enum Nested<'a> {
    Fields(&'a Value),
    Items(&'a Value),
}

fn nested(schema: &Value) -> Vec<Nested<'_>> {
    if schema::opaque(schema).is_some() {
        return Vec::new();
    }
    schema::alternatives(schema)
        .into_iter()
        .filter(|alternative| alternative.values.is_none())
        .filter_map(|alternative| match alternative.kind {
            Kind::Object if !schema::properties(alternative.schema).is_empty() => {
                Some(Nested::Fields(alternative.schema))
            }
            Kind::Array => alternative
                .schema
                .get("items")
                .filter(|items| !nested(items).is_empty())
                .map(Nested::Items),
            _ => None,
        })
        .collect()
}

fn children(schema: &Value, depth: usize, out: &mut String) {
    let parts = nested(schema);
    let several = parts.len() > 1;
    for (index, part) in parts.into_iter().enumerate() {
        let depth = if several {
            line(out, depth, &format!("(form {})", index + 1));
            depth + 1
        } else {
            depth
        };
        match part {
            Nested::Fields(object) => fields(object, depth, out),
            Nested::Items(items) => children(items, depth, out),
        }
    }
}

//! Checking one stage's input schema against the document schema flowing
//! into it. A union upstream (`["string","null"]`, an `anyOf`) is checked
//! one alternative at a time: a problem every alternative has is an error,
//! one only some have is a warning.

use serde_json::Value;

use super::schema::{self, Alternative, Extra, Kind, UNREADABLE};
use super::{dotted, Finding, FindingKind, Severity};

const ANY: Value = Value::Bool(true);

/// Numeric keywords that bound a value from below or above, and the others
/// an upstream schema must repeat exactly to promise them.
const NUMBER_CONSTRAINTS: &[&str] = &[
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "multipleOf",
];
const STRING_CONSTRAINTS: &[&str] = &["minLength", "maxLength", "pattern"];
const ARRAY_CONSTRAINTS: &[&str] = &["minItems", "maxItems", "uniqueItems"];

/// Every problem with the fields `input_schema` reads, given the document
/// schema `flowing` into the stage (from [`super::input_schema`] and
/// [`super::apply_output`]). Empty when the stage is sure to get what it
/// needs. Findings follow the order of the stage's schema.
pub fn check_stage(flowing: &Value, input_schema: &Value) -> Vec<Finding> {
    let need = schema::inline_refs(input_schema);
    let mut issues = Vec::new();
    let unreadable = flowing.get(UNREADABLE).and_then(Value::as_array);
    for reason in unreadable.into_iter().flatten().filter_map(Value::as_str) {
        issues.push(Issue::new(
            "",
            Severity::Warning,
            FindingKind::Unprovable {
                reason: reason.to_string(),
            },
            "",
        ));
    }
    issues.extend(check_value(flowing, &need, ""));
    issues.into_iter().map(Issue::into_finding).collect()
}

/// A finding before its message is written: combining alternatives may
/// still change its severity.
#[derive(Debug, Clone)]
struct Issue {
    pointer: String,
    severity: Severity,
    kind: FindingKind,
    /// What the stage accepts there, for the message.
    needs: String,
    /// The stage reads the field only if present.
    optional: bool,
}

impl Issue {
    fn new(pointer: &str, severity: Severity, kind: FindingKind, needs: &str) -> Issue {
        Issue {
            pointer: pointer.to_string(),
            severity,
            kind,
            needs: needs.to_string(),
            optional: false,
        }
    }

    /// The same problem, when only some documents have it.
    fn downgrade(&mut self) {
        self.severity = Severity::Warning;
        if self.kind == FindingKind::Missing {
            self.kind = FindingKind::MaybeMissing;
        }
    }

    /// Whether `other` reports the same problem at the same place, maybe
    /// from another alternative.
    fn same_problem(&self, other: &Issue) -> bool {
        use FindingKind::*;
        self.pointer == other.pointer
            && match (&self.kind, &other.kind) {
                (Missing | MaybeMissing, Missing | MaybeMissing) => true,
                (TypeMismatch { .. }, TypeMismatch { .. }) => true,
                (UnknownField, UnknownField) => true,
                (Unprovable { reason: a }, Unprovable { reason: b }) => a == b,
                _ => false,
            }
    }

    fn into_finding(self) -> Finding {
        let field = dotted(&self.pointer);
        let needs = match self.optional {
            true => format!("reads `{field}` ({}) when present", self.needs),
            false => format!("needs `{field}` ({})", self.needs),
        };
        let message = match (&self.kind, self.severity) {
            (FindingKind::Missing, _) => format!("{needs} but no earlier stage provides it"),
            (FindingKind::MaybeMissing, _) => {
                format!("{needs} but the document may lack it: no earlier stage guarantees it")
            }
            (FindingKind::TypeMismatch { found, .. }, Severity::Error) => {
                format!("{needs} but the document has it as {found}")
            }
            (FindingKind::TypeMismatch { found, .. }, Severity::Warning) => {
                format!("{needs} but the document may have it as {found}")
            }
            (FindingKind::UnknownField, Severity::Error) => {
                format!("does not accept `{field}`, which the document has")
            }
            (FindingKind::UnknownField, Severity::Warning) => {
                format!("does not accept `{field}`, which the document may have")
            }
            (FindingKind::Unprovable { reason }, _) if self.pointer.is_empty() => {
                format!("cannot check its input: {reason}")
            }
            (FindingKind::Unprovable { reason }, _) => format!("cannot check `{field}`: {reason}"),
        };
        Finding {
            pointer: self.pointer,
            severity: self.severity,
            kind: self.kind,
            message,
        }
    }
}

fn unprovable(pointer: &str, reason: String, needs: &str) -> Issue {
    Issue::new(
        pointer,
        Severity::Warning,
        FindingKind::Unprovable { reason },
        needs,
    )
}

/// Problems with a value described upstream by `up` that the stage reads
/// with `need`.
fn check_value(up: &Value, need: &Value, pointer: &str) -> Vec<Issue> {
    let needs = schema::label(need);
    if let Some(reason) = schema::opaque(need) {
        return vec![unprovable(
            pointer,
            format!("the stage's schema for it {reason}"),
            &needs,
        )];
    }
    if let Some(reason) = schema::opaque(up) {
        return vec![unprovable(
            pointer,
            format!("an earlier stage's schema for it {reason}"),
            &needs,
        )];
    }
    let wanted = schema::alternatives(need);
    if wanted
        .iter()
        .any(|alternative| alternative.kind == Kind::Any)
    {
        return Vec::new();
    }
    if wanted.is_empty() {
        return vec![unprovable(
            pointer,
            "the stage accepts no value there".into(),
            &needs,
        )];
    }
    let per_alternative = schema::alternatives(up)
        .iter()
        .map(|provided| {
            let results = wanted
                .iter()
                .map(|accepted| check_alternative(provided, accepted, pointer, &needs));
            results
                .min_by_key(|issues| (worst(issues), issues.len()))
                .unwrap_or_default()
        })
        .collect();
    combine(per_alternative)
}

fn worst(issues: &[Issue]) -> Option<Severity> {
    issues.iter().map(|issue| issue.severity).max()
}

/// One upstream alternative's problems, joined across alternatives: a
/// problem all of them have keeps its severity, others become warnings.
fn combine(mut per_alternative: Vec<Vec<Issue>>) -> Vec<Issue> {
    if per_alternative.len() <= 1 {
        return per_alternative.pop().unwrap_or_default();
    }
    let total = per_alternative.len();
    // Each problem, with the alternatives in which it is an error.
    let mut problems: Vec<(Issue, Vec<usize>)> = Vec::new();
    for (index, issues) in per_alternative.into_iter().enumerate() {
        for issue in issues {
            let is_error = issue.severity == Severity::Error;
            match problems
                .iter_mut()
                .find(|(seen, _)| seen.same_problem(&issue))
            {
                Some((seen, errors)) => {
                    if let (
                        FindingKind::TypeMismatch { found, .. },
                        FindingKind::TypeMismatch { found: more, .. },
                    ) = (&mut seen.kind, &issue.kind)
                    {
                        if !found.split(" or ").any(|f| f == more) {
                            found.push_str(" or ");
                            found.push_str(more);
                        }
                    }
                    if is_error && !errors.contains(&index) {
                        errors.push(index);
                    }
                }
                None => problems.push((issue, if is_error { vec![index] } else { vec![] })),
            }
        }
    }
    problems
        .into_iter()
        .map(|(mut issue, errors)| {
            if errors.len() < total {
                issue.downgrade();
            }
            issue
        })
        .collect()
}

/// Problems with one upstream shape against one shape the stage accepts.
fn check_alternative(
    provided: &Alternative<'_>,
    accepted: &Alternative<'_>,
    pointer: &str,
    needs: &str,
) -> Vec<Issue> {
    let mismatch = |severity: Severity, found: String| {
        vec![Issue::new(
            pointer,
            severity,
            FindingKind::TypeMismatch {
                expected: needs.to_string(),
                found,
            },
            needs,
        )]
    };
    match (provided.kind, accepted.kind) {
        (_, Kind::Any) => return Vec::new(),
        (Kind::Any, _) => return mismatch(Severity::Warning, "any type".into()),
        (Kind::Integer, Kind::Number) => {}
        // A number may be whole; only values prove it.
        (Kind::Number, Kind::Integer) if provided.values.is_none() => {
            return mismatch(Severity::Warning, provided.label());
        }
        (Kind::Number, Kind::Integer) => {}
        (a, b) if a == b => {}
        _ => return mismatch(Severity::Error, provided.label()),
    }
    if let Some(allowed) = &accepted.values {
        let Some(values) = &provided.values else {
            return mismatch(Severity::Warning, provided.label());
        };
        let refused: Vec<&Value> = values
            .iter()
            .copied()
            .filter(|value| !allowed.iter().any(|a| same_value(a, value)))
            .collect();
        if !refused.is_empty() {
            let severity = match refused.len() == values.len() {
                true => Severity::Error,
                false => Severity::Warning,
            };
            let found = refused.iter().map(|v| v.to_string()).collect::<Vec<_>>();
            return mismatch(severity, found.join(" or "));
        }
        return Vec::new();
    }
    if provided.kind == Kind::Number && accepted.kind == Kind::Integer {
        let fractional = provided
            .values
            .iter()
            .flatten()
            .any(|value| !(value.is_i64() || value.is_u64()));
        if fractional {
            return mismatch(Severity::Warning, provided.label());
        }
    }
    let mut issues = Vec::new();
    if provided.values.is_none() {
        issues.extend(check_constraints(provided, accepted, pointer, needs));
    }
    match accepted.kind {
        Kind::Object => issues.extend(check_object(provided.schema, accepted.schema, pointer)),
        Kind::Array => {
            let up_items = provided.schema.get("items").unwrap_or(&ANY);
            let need_items = accepted.schema.get("items").unwrap_or(&ANY);
            issues.extend(check_value(up_items, need_items, &format!("{pointer}/*")));
        }
        _ => {}
    }
    issues
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

/// Value constraints (`minimum`, `maxLength`, ...) the stage sets that the
/// upstream schema does not promise as tightly.
fn check_constraints(
    provided: &Alternative<'_>,
    accepted: &Alternative<'_>,
    pointer: &str,
    needs: &str,
) -> Vec<Issue> {
    let keywords = match accepted.kind {
        Kind::Integer | Kind::Number => NUMBER_CONSTRAINTS,
        Kind::String => STRING_CONSTRAINTS,
        Kind::Array => ARRAY_CONSTRAINTS,
        _ => return Vec::new(),
    };
    let up = provided.schema;
    let number = |keyword: &str| up.get(keyword).and_then(Value::as_f64);
    keywords
        .iter()
        .filter_map(|&keyword| {
            let wanted = accepted.schema.get(keyword)?;
            let bound = wanted.as_f64();
            let at_least = |keywords: &[&str]| {
                keywords
                    .iter()
                    .any(|k| number(k).zip(bound).is_some_and(|(u, w)| u >= w))
            };
            let at_most = |keywords: &[&str]| {
                keywords
                    .iter()
                    .any(|k| number(k).zip(bound).is_some_and(|(u, w)| u <= w))
            };
            let promised = match keyword {
                "minimum" => at_least(&["minimum", "exclusiveMinimum"]),
                "exclusiveMinimum" => {
                    at_least(&["exclusiveMinimum"])
                        || number("minimum").zip(bound).is_some_and(|(u, w)| u > w)
                }
                "maximum" => at_most(&["maximum", "exclusiveMaximum"]),
                "exclusiveMaximum" => {
                    at_most(&["exclusiveMaximum"])
                        || number("maximum").zip(bound).is_some_and(|(u, w)| u < w)
                }
                "minLength" | "minItems" => at_least(&[keyword]),
                "maxLength" | "maxItems" => at_most(&[keyword]),
                "uniqueItems" => *wanted != Value::Bool(true) || up.get(keyword) == Some(wanted),
                _ => up.get(keyword) == Some(wanted),
            };
            (!promised).then(|| {
                unprovable(
                    pointer,
                    format!(
                        "the stage needs `{keyword}: {wanted}` and no earlier stage promises it"
                    ),
                    needs,
                )
            })
        })
        .collect()
}

/// Problems with the fields of an object the stage reads.
fn check_object(up: &Value, need: &Value, pointer: &str) -> Vec<Issue> {
    let mut issues = Vec::new();
    let provided = schema::properties(up);
    let mut wanted = schema::properties(need);
    let required = need.get("required").and_then(Value::as_array);
    for name in required.into_iter().flatten().filter_map(Value::as_str) {
        if !wanted.iter().any(|(declared, _)| *declared == name) {
            wanted.push((name, &ANY));
        }
    }
    for &(name, need_field) in &wanted {
        let at = format!("{pointer}/{}", escape(name));
        let required = schema::requires(need, name);
        let needs = schema::label(need_field);
        let declared = provided.iter().find(|(declared, _)| *declared == name);
        let (up_field, surely) = match (declared, schema::extra(up)) {
            (Some(&(_, field)), _) => (field, schema::requires(up, name)),
            (None, Extra::Open(other)) => (other, false),
            (None, Extra::Closed) => {
                if required {
                    issues.extend(absent(need_field, &at, Severity::Error));
                }
                continue;
            }
        };
        if declared.is_none() && schema::is_unconstrained(up_field) {
            // An unknown field of an open object: it may be there, as anything.
            if required {
                issues.extend(absent(need_field, &at, Severity::Warning));
            }
            continue;
        }
        if required && !surely {
            issues.push(Issue::new(
                &at,
                Severity::Warning,
                FindingKind::MaybeMissing,
                &needs,
            ));
        }
        let mut nested = check_value(up_field, need_field, &at);
        if !required {
            for issue in &mut nested {
                issue.downgrade();
                issue.optional = true;
            }
        }
        issues.extend(nested);
    }
    issues.extend(check_undeclared(up, need, pointer, &wanted));
    issues
}

/// A required field nothing upstream surely writes, reported at the fields
/// the stage needs inside it (`/lang/code` rather than `/lang`), which is
/// what a stage that provides it must write: `Missing` as an error,
/// `MaybeMissing` as a warning.
fn absent(need: &Value, pointer: &str, severity: Severity) -> Vec<Issue> {
    let kind = match severity {
        Severity::Error => FindingKind::Missing,
        Severity::Warning => FindingKind::MaybeMissing,
    };
    let here = || {
        vec![Issue::new(
            pointer,
            severity,
            kind.clone(),
            &schema::label(need),
        )]
    };
    if schema::opaque(need).is_some() {
        return here();
    }
    let alternatives = schema::alternatives(need);
    let objects: Vec<_> = alternatives
        .iter()
        .filter(|alternative| alternative.kind != Kind::Null)
        .collect();
    let [object] = objects.as_slice() else {
        return here();
    };
    let required: Vec<(&str, &Value)> = schema::properties(object.schema)
        .into_iter()
        .filter(|(name, _)| schema::requires(object.schema, name))
        .collect();
    if object.kind != Kind::Object || required.is_empty() {
        return here();
    }
    required
        .into_iter()
        .flat_map(|(name, field)| absent(field, &format!("{pointer}/{}", escape(name)), severity))
        .collect()
}

/// Problems with fields the document has and the stage does not declare:
/// refused by `additionalProperties: false`, or checked against its schema.
fn check_undeclared(
    up: &Value,
    need: &Value,
    pointer: &str,
    wanted: &[(&str, &Value)],
) -> Vec<Issue> {
    let other = match need.get("additionalProperties") {
        Some(other @ (Value::Bool(false) | Value::Object(_))) => other,
        _ => return Vec::new(),
    };
    let needs = schema::label(other);
    let mut issues = Vec::new();
    let undeclared = schema::properties(up)
        .into_iter()
        .filter(|(name, _)| !wanted.iter().any(|(declared, _)| declared == name));
    for (name, up_field) in undeclared {
        let at = format!("{pointer}/{}", escape(name));
        let surely = schema::requires(up, name);
        if *other == Value::Bool(false) {
            let severity = if surely {
                Severity::Error
            } else {
                Severity::Warning
            };
            issues.push(Issue::new(&at, severity, FindingKind::UnknownField, &needs));
            continue;
        }
        let mut nested = check_value(up_field, other, &at);
        if !surely {
            nested.iter_mut().for_each(Issue::downgrade);
        }
        issues.extend(nested);
    }
    if let Extra::Open(up_other) = schema::extra(up) {
        let reason = match other {
            Value::Bool(false) => {
                "the stage refuses fields it does not declare, and the document may have some"
            }
            _ => "the stage constrains fields it does not declare, and the document may have any",
        };
        if *other == Value::Bool(false) || schema::is_unconstrained(up_other) {
            issues.push(unprovable(pointer, reason.into(), &needs));
        } else {
            let mut nested = check_value(up_other, other, pointer);
            nested.iter_mut().for_each(Issue::downgrade);
            issues.extend(nested);
        }
    }
    issues
}

/// `name` as one JSON Pointer segment.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

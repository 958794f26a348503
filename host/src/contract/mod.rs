//! Static contract checking: proves, before any document runs, that every
//! field a stage requires is written by the input reader or an earlier stage,
//! with a type the stage accepts.
//!
//! Everything here is a pure function over the JSON Schemas plugins declare
//! (schemars style, draft 2020-12); nothing loads or runs a plugin. What the
//! checker cannot reason about is reported as [`FindingKind::Unprovable`],
//! never silently accepted.
//!
//! The document schema that flows between stages (from [`input_schema`],
//! then [`apply_output`] per stage) has every `$ref` inlined and follows one
//! convention schemars does not: an object without `additionalProperties` is
//! closed, because serde writes exactly the fields a struct declares.

mod check;
mod describe;
mod flow;
mod schema;

#[cfg(test)]
mod tests;

use serde::Serialize;

pub use check::check_stage;
pub use describe::describe;
pub use flow::{apply_output, input_schema, providers};

/// How sure the checker is that a document would fail the stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Some documents may fail, or the checker cannot tell.
    Warning,
    /// Every document that reaches the stage fails.
    Error,
}

/// What is wrong with a field a stage reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FindingKind {
    /// The stage requires the field and nothing upstream writes it.
    Missing,
    /// The stage requires the field and it is present only in some documents.
    MaybeMissing,
    /// The field's type upstream is not (or not surely) one the stage accepts.
    TypeMismatch {
        /// What the stage accepts, e.g. `string` or `"json" or "markdown"`.
        expected: String,
        /// What the document may hold there, e.g. `integer` or `null`.
        found: String,
    },
    /// The stage rejects fields it does not declare, and the document has this one.
    UnknownField,
    /// The checker cannot decide; `reason` says why.
    Unprovable {
        /// Why, e.g. "the stage describes it with `allOf`".
        reason: String,
    },
}

/// One problem found in a stage's contract with the stages before it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Finding {
    /// JSON Pointer into the document, e.g. `/lang/code`; array items are `*`.
    pub pointer: String,
    /// Whether every document fails or only some may.
    pub severity: Severity,
    /// What is wrong.
    #[serde(flatten)]
    pub kind: FindingKind,
    /// For people, phrased with the stage as subject: "needs `lang.code`
    /// (string) but no earlier stage provides it".
    pub message: String,
}

/// `pointer` written the way messages name a field: `lang.code`,
/// `summary.sentences[].start`; the whole document is `document`.
pub fn dotted(pointer: &str) -> String {
    let mut dotted = String::new();
    for segment in pointer.split('/').skip(1) {
        if segment == "*" {
            dotted.push_str("[]");
            continue;
        }
        if !dotted.is_empty() {
            dotted.push('.');
        }
        dotted.push_str(&segment.replace("~1", "/").replace("~0", "~"));
    }
    if dotted.is_empty() {
        dotted.push_str("document");
    }
    dotted
}

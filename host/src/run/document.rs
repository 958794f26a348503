//! Send one document through every stage. Pure with respect to the output
//! directory: what to write comes back as data, so the writer can keep
//! input order whatever the number of workers.

use super::stage::Stage;
use crate::runtime::{FailureKind, LogRecord, StageFailure};
use crate::schema_check::SchemaCheck;
use docpipe_contract::members::Members;
use docpipe_contract::{Artifact, Document, Outcome};
use serde_json::Value;
use std::time::{Duration, Instant};

/// What happened to one document.
#[derive(Debug)]
pub struct DocumentRun {
    /// The document's id.
    pub id: String,
    /// How it ended.
    pub fate: Fate,
    /// Artifacts from exporter stages, with the index of the stage that made each.
    pub artifacts: Vec<(usize, Artifact)>,
    /// Per stage that ran: time spent.
    pub stage_times: Vec<Duration>,
    /// What plugins logged, with the stage index; and how many records were dropped.
    pub logs: Vec<(usize, LogRecord)>,
    /// Log records dropped because a plugin logged too much.
    pub logs_dropped: usize,
    /// Stages where the document failed on a reused instance and was run
    /// again on a fresh one.
    pub retried: Vec<usize>,
}

/// How a document's run ended.
#[derive(Debug)]
pub enum Fate {
    /// It went through every stage; its final state as JSON text.
    Completed(String),
    /// A stage dropped it on purpose.
    Dropped {
        /// Index of the stage.
        stage: usize,
        /// The plugin's reason.
        reason: String,
    },
    /// A stage failed on it.
    Failed {
        /// Index of the stage.
        stage: usize,
        /// Why.
        failure: StageFailure,
        /// The document as it was before that stage, as JSON text.
        last_good: String,
    },
}

/// Run `document` through `stages` in order. With `check_contracts`, each
/// stage's output is checked against the schema its plugin declared.
pub fn run_document(stages: &[Stage], document: &Document, check_contracts: bool) -> DocumentRun {
    let mut run = DocumentRun {
        id: document.id.clone(),
        fate: Fate::Completed(String::new()),
        artifacts: Vec::new(),
        stage_times: Vec::with_capacity(stages.len()),
        logs: Vec::new(),
        logs_dropped: 0,
        retried: Vec::new(),
    };
    let mut current = serde_json::to_string(document).expect("a document serializes");
    for (index, stage) in stages.iter().enumerate() {
        let started = Instant::now();
        let result = run_stage(
            stage,
            &current,
            &document.id,
            index,
            check_contracts,
            &mut run,
        );
        run.stage_times.push(started.elapsed());
        match result {
            Ok(StageResult::Kept(next)) => current = next,
            Ok(StageResult::Dropped(reason)) => {
                run.fate = Fate::Dropped {
                    stage: index,
                    reason,
                };
                return run;
            }
            Err(failure) => {
                run.fate = Fate::Failed {
                    stage: index,
                    failure,
                    last_good: current,
                };
                return run;
            }
        }
    }
    run.fate = Fate::Completed(current);
    run
}

enum StageResult {
    Kept(String),
    Dropped(String),
}

fn run_stage(
    stage: &Stage,
    current: &str,
    id: &str,
    index: usize,
    check_contracts: bool,
    run: &mut DocumentRun,
) -> Result<StageResult, StageFailure> {
    let contract = stage.output_check.as_deref().filter(|_| check_contracts);
    let pass = stage.pass(current, |outcome| match outcome {
        // A stage that changed nothing (an exporter) hands back the text it
        // was given, whose id and text were checked when it was made: only
        // a contract, when asked for, needs it parsed again.
        Outcome::Keep { document, .. } if contract.is_none() && document == current => Ok(()),
        Outcome::Keep { document, .. } => check_document(document, id, contract),
        Outcome::Drop { .. } => Ok(()),
    });
    run.logs
        .extend(pass.logs.into_iter().map(|record| (index, record)));
    run.logs_dropped += pass.logs_dropped;
    if pass.retried {
        run.retried.push(index);
    }
    match pass.outcome? {
        Outcome::Drop { reason } => Ok(StageResult::Dropped(reason)),
        Outcome::Keep {
            document,
            artifacts,
        } => {
            run.artifacts
                .extend(artifacts.into_iter().map(|a| (index, a)));
            Ok(StageResult::Kept(document))
        }
    }
}

/// A stage must hand back a document with the same id and a text, or later
/// stages and the writer would act on garbage; and, when asked, what it
/// wrote must match the output schema it declared.
///
/// The document is read as raw members, not parsed whole: the id is parsed,
/// the text only seen to be a string (its JSON is valid, its value is the
/// plugin's business), and a contract that looks at members by name gets
/// those members alone, parsed (`SchemaCheck::named_members`). Parsing the
/// whole document into a tree after every stage was 15% of the export
/// stage's time at 3-5 KiB (docs/benchmarks.md, session 8).
fn check_document(
    document: &str,
    id: &str,
    contract: Option<&SchemaCheck>,
) -> Result<(), StageFailure> {
    let Ok(members) = Members::parse(document) else {
        // Not one JSON object: the whole value's check says what it is.
        return check_value(document, id, contract);
    };
    match members.get("id").map(serde_json::from_str::<String>) {
        Some(Ok(found)) => check_id(&found, id)?,
        _ => return Err(invalid("returned a document without a string `id`")),
    }
    if !members
        .get("text")
        .is_some_and(|text| text.starts_with('"'))
    {
        return Err(invalid("returned a document without a string `text`"));
    }
    let Some(contract) = contract else {
        return Ok(());
    };
    let value = match contract.named_members() {
        Some(names) => members
            .iter()
            .filter(|(key, _)| names.iter().any(|name| name == key))
            .map(|(key, value)| Ok((key.to_string(), serde_json::from_str(value)?)))
            .collect::<Result<serde_json::Map<_, _>, serde_json::Error>>()
            .map(Value::Object),
        None => serde_json::from_str(document),
    }
    .map_err(not_json)?;
    check_contract(&value, contract)
}

/// [`check_document`] on the document parsed whole: for text that is not
/// one JSON object, whose errors it words.
fn check_value(
    document: &str,
    id: &str,
    contract: Option<&SchemaCheck>,
) -> Result<(), StageFailure> {
    let value: Value = serde_json::from_str(document).map_err(not_json)?;
    match value.get("id") {
        Some(Value::String(found)) => check_id(found, id)?,
        _ => return Err(invalid("returned a document without a string `id`")),
    }
    if !matches!(value.get("text"), Some(Value::String(_))) {
        return Err(invalid("returned a document without a string `text`"));
    }
    match contract {
        Some(contract) => check_contract(&value, contract),
        None => Ok(()),
    }
}

fn invalid(message: impl Into<String>) -> StageFailure {
    StageFailure::new(FailureKind::InvalidOutput, message.into())
}

fn not_json(e: serde_json::Error) -> StageFailure {
    invalid(format!("returned a document that is not valid JSON: {e}"))
}

fn check_id(found: &str, id: &str) -> Result<(), StageFailure> {
    if found == id {
        return Ok(());
    }
    Err(invalid(format!(
        "changed the document's id from `{id}` to `{found}`; ids are the host's"
    )))
}

fn check_contract(value: &Value, contract: &SchemaCheck) -> Result<(), StageFailure> {
    if contract.accepts(value) {
        return Ok(());
    }
    let violations = contract.violations(value);
    let first = violations.first().map_or_else(
        || "it does not match its output schema".to_string(),
        |v| {
            format!(
                "at {}: {}",
                if v.pointer.is_empty() {
                    "/"
                } else {
                    &v.pointer
                },
                v.message
            )
        },
    );
    let more = match violations.len() {
        0 | 1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    Err(StageFailure::new(
        FailureKind::ContractViolation,
        format!("broke its own contract {first}{more}"),
    ))
}

/// Fuzzing (proptest, bounded so it runs in CI): whatever text a plugin
/// returns, the host's check neither panics nor lets through a document
/// without the right id and a string text.
#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| json!(f)),
            "\\PC{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("(id|text|lang|meta|[a-z]{1,4})", inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn contract() -> SchemaCheck {
        SchemaCheck::compile(&json!({
            "type": "object",
            "properties": {"lang": {"anyOf": [{"type": "object", "properties": {"code": {"type": "string"}}, "required": ["code"]}, {"type": "null"}]}}
        }))
        .unwrap()
    }

    /// Contracts of both kinds: looking at members by name (what schemars
    /// writes), naming `text` too, and looking at every member.
    fn contracts() -> [SchemaCheck; 3] {
        let lang = json!({"anyOf": [{"type": "object", "properties": {"code": {"type": "string"}}, "required": ["code"]}, {"type": "null"}]});
        [
            json!({"type": "object", "properties": {"lang": lang, "meta": {"type": "object"}}, "required": ["lang"]}),
            json!({"type": "object", "properties": {"text": {"type": "string", "maxLength": 5}}}),
            json!({"type": "object", "properties": {"lang": lang}, "additionalProperties": {"type": ["string", "object"]}}),
        ]
        .map(|schema| SchemaCheck::compile(&schema).unwrap())
    }

    fn outcome(result: Result<(), StageFailure>) -> Result<(), (FailureKind, String)> {
        result.map_err(|failure| (failure.kind, failure.message))
    }

    proptest! {
        #[test]
        fn reading_members_decides_as_parsing_the_whole_document(value in json_value(), with_id in any::<bool>()) {
            let mut value = value;
            if let (true, Some(object)) = (with_id, value.as_object_mut()) {
                object.insert("id".into(), json!("doc"));
                object.entry("text").or_insert(json!("some text"));
            }
            let text = value.to_string();
            prop_assert_eq!(outcome(check_document(&text, "doc", None)), outcome(check_value(&text, "doc", None)));
            for contract in contracts() {
                prop_assert_eq!(
                    outcome(check_document(&text, "doc", Some(&contract))),
                    outcome(check_value(&text, "doc", Some(&contract)))
                );
            }
        }

        #[test]
        fn arbitrary_text_is_checked_without_panicking(text in "\\PC{0,64}") {
            let _ = check_document(&text, "doc", Some(&contract()));
        }

        #[test]
        fn only_a_document_with_the_same_id_and_a_text_passes(value in json_value()) {
            let text = value.to_string();
            if check_document(&text, "doc", None).is_ok() {
                prop_assert_eq!(value.get("id"), Some(&json!("doc")));
                prop_assert!(value.get("text").is_some_and(Value::is_string));
            }
            let _ = check_document(&text, "doc", Some(&contract()));
        }
    }
}

//! A document kept as the JSON text the host sent, for plugins that pass it
//! on whole (an exporter writing JSON Lines) and would otherwise parse every
//! field into values only to print them again.

use crate::glue::read_input;
use docpipe_contract::{Document, PluginError};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// The whole document as compact JSON text, unparsed. As a plugin's `Input`
/// it declares what [`Document`] declares (an `id` and a `text`, and every
/// other field read), so the host's checks see the same needs.
///
/// ```
/// use docpipe_plugin_sdk::testing::Harness;
/// use docpipe_plugin_sdk::{
///     Artifact, ArtifactMode, NoConfig, Plugin, PluginError, PluginKind, RawDocument, Unchanged,
///     Verdict,
/// };
/// use docpipe_contract::Outcome;
///
/// /// Appends each document, as it is, to one JSON Lines file.
/// struct Lines;
///
/// impl Plugin for Lines {
///     const NAME: &'static str = "lines";
///     const DESCRIPTION: &'static str = "Writes every document to lines.jsonl.";
///     const KIND: PluginKind = PluginKind::Exporter;
///     type Config = NoConfig;
///     type Input = RawDocument;
///     type Output = Unchanged;
///
///     fn new(_: NoConfig) -> Result<Self, PluginError> {
///         Ok(Lines)
///     }
///
///     fn process(&mut self, document: RawDocument) -> Result<Verdict<Unchanged>, PluginError> {
///         let line = format!("{}\n", document.json());
///         Ok(Verdict::keep_with(Unchanged {}, vec![Artifact {
///             name: "lines.jsonl".into(),
///             media_type: "application/jsonl".into(),
///             mode: ArtifactMode::Append,
///             data: line.into_bytes(),
///             header: None,
///         }]))
///     }
/// }
///
/// let mut lines = Harness::<Lines>::new(serde_json::json!({})).unwrap();
/// let document = r#"{"id":"a","text":"Hi.","n":1}"#;
/// let Outcome::Keep { artifacts, .. } = lines.process(document).unwrap() else {
///     panic!("kept")
/// };
/// assert_eq!(artifacts[0].data, format!("{document}\n").into_bytes());
/// ```
#[derive(Debug, Clone)]
pub struct RawDocument(Box<RawValue>);

impl RawDocument {
    /// The document's JSON text, exactly as the host sent it.
    pub fn json(&self) -> &str {
        self.0.get()
    }

    /// The document parsed, for a plugin that needs its fields after all.
    /// An error names the field that does not fit [`Document`] (a `meta`
    /// that is not an object), as it would for a `Document` input.
    pub fn parse(&self) -> Result<Document, PluginError> {
        read_input(self.json())
    }
}

impl<'de> Deserialize<'de> for RawDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(RawDocument)
    }
}

impl JsonSchema for RawDocument {
    fn schema_name() -> Cow<'static, str> {
        Document::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        Document::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        Document::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_document_keeps_the_text_and_declares_what_a_document_does() {
        let text = r#"{"id":"a","text":"Hi \"you\".","meta":{"k":[1,2.5]},"lang":null}"#;
        let raw: RawDocument = read_input(text).unwrap();
        assert_eq!(raw.json(), text);
        assert_eq!(raw.parse().unwrap().meta["k"], serde_json::json!([1, 2.5]));
        assert_eq!(
            serde_json::to_value(schemars::schema_for!(RawDocument)).unwrap(),
            serde_json::to_value(schemars::schema_for!(Document)).unwrap()
        );
    }

    #[test]
    fn parsing_names_the_field_that_does_not_fit_a_document() {
        let raw: RawDocument = read_input(r#"{"id":"a","text":"t","meta":"oops"}"#).unwrap();
        let error = raw.parse().unwrap_err();
        assert_eq!(error.code, "invalid-input");
        assert_eq!(error.pointer.as_deref(), Some("/meta"));
    }
}

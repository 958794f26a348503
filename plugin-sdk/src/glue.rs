//! The JSON glue between the plugin interface and a typed [`Plugin`]. The
//! same functions serve the component exports and the native test harness,
//! so unit tests exercise exactly what runs in the sandbox.

use crate::plugin::{Plugin, Verdict};
use docpipe_contract::members::Members;
use docpipe_contract::{Outcome, PluginError, PluginManifest};
use serde_json::Value;

fn schema_of<T: schemars::JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).expect("a JSON Schema serializes")
}

/// The plugin's manifest, with schemas from its types.
pub fn manifest<P: Plugin>(version: &str) -> PluginManifest {
    PluginManifest {
        name: P::NAME.to_string(),
        version: version.to_string(),
        kind: P::KIND,
        description: P::DESCRIPTION.to_string(),
        config_schema: schema_of::<P::Config>(),
        input_schema: schema_of::<P::Input>(),
        output_schema: schema_of::<P::Output>(),
    }
}

fn pointer_of(path: &serde_path_to_error::Path) -> Option<String> {
    let rendered = path.to_string();
    if rendered == "." {
        return None;
    }
    Some(format!("/{}", rendered.replace('.', "/")))
}

/// Parse the stage config (JSON text) and build an instance.
pub fn configure_json<P: Plugin>(config: &str) -> Result<P, PluginError> {
    let mut de = serde_json::Deserializer::from_str(config);
    let config: P::Config = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let error = PluginError::new("invalid-config", e.inner().to_string());
        match pointer_of(e.path()) {
            Some(pointer) => error.at(pointer),
            None => error,
        }
    })?;
    P::new(config)
}

/// Process one document (JSON text) with a configured instance.
///
/// The plugin's input is read straight from the text, and its output merged
/// into the document's members as raw JSON text ([`Members`]): no value of
/// the document is parsed into a tree or printed again.
pub fn process_json<P: Plugin>(plugin: &mut P, text: &str) -> Result<Outcome, PluginError> {
    let mut document = Members::parse(text).map_err(|e| {
        PluginError::new(
            "invalid-input",
            format!("document is not a JSON object: {e}"),
        )
    })?;
    let input: P::Input = read_input(text)?;
    match plugin.process(input)? {
        Verdict::Drop(reason) => Ok(Outcome::Drop { reason }),
        Verdict::Keep(output, artifacts) => {
            let output = serde_json::to_string(&output).map_err(|e| {
                PluginError::new("invalid-output", format!("output does not serialize: {e}"))
            })?;
            // An output that is not an object sets nothing.
            let output = Members::parse(&output).unwrap_or_default();
            // An output that sets nothing (an exporter's `Unchanged`) leaves
            // the document as it came: hand back the very text, which the host
            // then need not parse again.
            if output.is_empty() {
                return Ok(Outcome::Keep {
                    document: text.to_string(),
                    artifacts,
                });
            }
            document.merge(output);
            Ok(Outcome::Keep {
                document: document.to_json(),
                artifacts,
            })
        }
    }
}

/// A plugin's input read from the document's text; an error names the field
/// (its pointer) and says what was wrong with it.
pub(crate) fn read_input<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, PluginError> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let error = PluginError::new("invalid-input", without_position(e.inner()));
        match pointer_of(e.path()) {
            Some(pointer) => error.at(pointer),
            None => error,
        }
    })
}

/// A message about the document as the plugin's input, without serde_json's
/// "at line 1 column 80": the document is the host's text, not the user's,
/// and the error's pointer says where in it.
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&position) {
        Some(message) => message.to_string(),
        None => message,
    }
}

#[cfg(target_arch = "wasm32")]
mod wit {
    use super::*;
    use crate::__private::bindings::docpipe::plugin::types as w;
    use std::any::Any;
    use std::cell::RefCell;

    thread_local! {
        // A component instance is single-threaded and serves one stage, so one
        // slot holds its configured plugin.
        static INSTANCE: RefCell<Option<Box<dyn Any>>> = const { RefCell::new(None) };
    }

    fn to_wit_error(e: PluginError) -> w::PluginError {
        w::PluginError {
            code: e.code,
            message: e.message,
            pointer: e.pointer,
        }
    }

    pub fn wit_manifest<P: Plugin>(version: &str) -> w::Manifest {
        let m = manifest::<P>(version);
        w::Manifest {
            name: m.name,
            version: m.version,
            kind: match m.kind {
                docpipe_contract::PluginKind::Transform => w::PluginKind::Transform,
                docpipe_contract::PluginKind::Exporter => w::PluginKind::Exporter,
            },
            description: m.description,
            config_schema: m.config_schema.to_string(),
            input_schema: m.input_schema.to_string(),
            output_schema: m.output_schema.to_string(),
        }
    }

    pub fn wit_configure<P: Plugin>(config: &str) -> Result<(), w::PluginError> {
        let plugin = configure_json::<P>(config).map_err(to_wit_error)?;
        INSTANCE.with(|slot| *slot.borrow_mut() = Some(Box::new(plugin)));
        Ok(())
    }

    pub fn wit_process<P: Plugin>(document: &str) -> Result<w::Outcome, w::PluginError> {
        INSTANCE.with(|slot| {
            let mut slot = slot.borrow_mut();
            let plugin = slot
                .as_mut()
                .and_then(|p| p.downcast_mut::<P>())
                .ok_or_else(|| w::PluginError {
                    code: "not-configured".into(),
                    message: "process was called before configure".into(),
                    pointer: None,
                })?;
            match process_json(plugin, document).map_err(to_wit_error)? {
                Outcome::Drop { reason } => Ok(w::Outcome::Drop(reason)),
                Outcome::Keep {
                    document,
                    artifacts,
                } => Ok(w::Outcome::Keep(w::Kept {
                    document,
                    artifacts: artifacts
                        .into_iter()
                        .map(|a| w::Artifact {
                            name: a.name,
                            media_type: a.media_type,
                            mode: match a.mode {
                                docpipe_contract::ArtifactMode::File => w::ArtifactMode::File,
                                docpipe_contract::ArtifactMode::Append => w::ArtifactMode::Append,
                            },
                            data: a.data,
                            header: a.header,
                        })
                        .collect(),
                })),
            }
        })
    }
}

#[cfg(target_arch = "wasm32")]
pub use wit::{wit_configure, wit_manifest, wit_process};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NoConfig, Unchanged};
    use serde::Deserialize;

    /// Reads the text, sets nothing: an exporter's shape.
    struct Reader;

    #[derive(Deserialize, schemars::JsonSchema)]
    struct Input {
        #[allow(dead_code)]
        text: String,
    }

    impl Plugin for Reader {
        const NAME: &'static str = "reader";
        const DESCRIPTION: &'static str = "Reads the text and changes nothing.";
        type Config = NoConfig;
        type Input = Input;
        type Output = Unchanged;

        fn new(_config: NoConfig) -> Result<Self, PluginError> {
            Ok(Reader)
        }
        fn process(&mut self, _input: Input) -> Result<Verdict<Unchanged>, PluginError> {
            Ok(Verdict::keep(Unchanged {}))
        }
    }

    #[test]
    fn an_input_error_names_the_field_not_a_position_in_the_host_s_text() {
        let error = process_json(&mut Reader, r#"{"id":"a","text":5}"#).unwrap_err();
        assert_eq!(error.code, "invalid-input");
        assert_eq!(
            error.message,
            "invalid type: integer `5`, expected a string"
        );
        assert_eq!(error.pointer.as_deref(), Some("/text"));
        let error = process_json(&mut Reader, r#"{"id":"a"}"#).unwrap_err();
        assert_eq!(error.message, "missing field `text`");
        let error = process_json(&mut Reader, "[1]").unwrap_err();
        assert!(
            error.message.starts_with("document is not a JSON object"),
            "{}",
            error.message
        );
    }

    #[test]
    fn an_output_that_sets_nothing_hands_back_the_text_received() {
        // Spacing and an escape the serializer would have rewritten.
        let text = r#"{ "id": "a",  "text": "caf\u00e9", "meta": {"n": 1.50} }"#;
        match process_json(&mut Reader, text).unwrap() {
            Outcome::Keep { document, .. } => assert_eq!(document, text),
            Outcome::Drop { reason } => panic!("dropped: {reason}"),
        }
    }
}

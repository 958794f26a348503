use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A failure a plugin reports on purpose. Traps and limit hits are host
/// errors, not values of this type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PluginError {
    /// Stable machine-readable kind, e.g. `invalid-config`, `invalid-input`.
    pub code: String,
    /// What went wrong, for a person.
    pub message: String,
    /// JSON Pointer into the config or document the error is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

impl PluginError {
    /// An error with a code and a message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        PluginError {
            code: code.into(),
            message: message.into(),
            pointer: None,
        }
    }

    /// The code of [`PluginError::invalid_resource`].
    pub const INVALID_RESOURCE: &'static str = "invalid-resource";

    /// The resource `name` the stage declares is not what the plugin can
    /// use; the host reports it at that resource's entry in the pipeline
    /// file rather than at the config.
    pub fn invalid_resource(name: &str, message: impl Into<String>) -> Self {
        PluginError::new(Self::INVALID_RESOURCE, message).at(format!("/{name}"))
    }

    /// The resource name an [`PluginError::invalid_resource`] error is about.
    pub fn resource_name(&self) -> Option<&str> {
        (self.code == Self::INVALID_RESOURCE)
            .then(|| self.pointer.as_deref()?.strip_prefix('/'))
            .flatten()
    }

    /// The same error, pointing at a place in the config or document.
    pub fn at(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }
}

impl fmt::Display for PluginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(pointer) = &self.pointer {
            write!(f, " (at {pointer})")?;
        }
        Ok(())
    }
}

impl std::error::Error for PluginError {}

/// How the host writes an artifact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ArtifactMode {
    /// A file of its own, named relative to the output directory.
    File,
    /// A record appended to a whole-run file, in input order.
    Append,
}

/// A file an exporter asks the host to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Artifact {
    /// Path relative to the output directory; the host refuses any that
    /// would leave it.
    pub name: String,
    /// Media type, e.g. `application/json`.
    pub media_type: String,
    /// Whether this is a file of its own or a record of a whole-run file.
    pub mode: ArtifactMode,
    /// The bytes to write.
    pub data: Vec<u8>,
    /// For [`ArtifactMode::Append`]: bytes that open the whole-run file,
    /// written once before its first record (a CSV header row). Every record
    /// of one file must bring the same header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<Vec<u8>>,
}

/// What happens to a document after a stage.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The document goes on, as JSON text, with any artifacts to write.
    Keep {
        /// The (changed) document as JSON text.
        document: String,
        /// Files to write.
        artifacts: Vec<Artifact>,
    },
    /// The document stops here, for the given reason.
    Drop {
        /// Why, for the run summary.
        reason: String,
    },
}

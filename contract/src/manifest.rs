use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The version of the `docpipe:plugin` WIT package this crate describes.
///
/// A component exports `docpipe:plugin/plugin@<version>`; the host refuses
/// versions it does not support and names both in its message.
pub const INTERFACE_VERSION: &str = "0.1.0";

/// Name of the custom section holding the sha256 of the sources a component
/// was built from, so a stale committed component is detected.
pub const SOURCE_DIGEST_SECTION: &str = "docpipe:source-digest";

/// What a plugin does in a pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PluginKind {
    /// Reads a document and returns it changed, or drops it.
    Transform,
    /// Turns documents into files that the host writes.
    Exporter,
}

impl PluginKind {
    /// The kebab-case name used in manifests and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            PluginKind::Transform => "transform",
            PluginKind::Exporter => "exporter",
        }
    }
}

/// Who a plugin is and what it reads and writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PluginManifest {
    /// Short name, e.g. `clean`.
    pub name: String,
    /// The plugin's own version (semver).
    pub version: String,
    /// What the plugin does in a pipeline.
    pub kind: PluginKind,
    /// One line for `docpipe plugins list`.
    pub description: String,
    /// JSON Schema of the stage's `config` table.
    pub config_schema: Value,
    /// JSON Schema of the document fields the plugin reads.
    pub input_schema: Value,
    /// JSON Schema of the document fields the plugin guarantees on output.
    pub output_schema: Value,
}

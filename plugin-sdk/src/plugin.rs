use docpipe_contract::{Artifact, PluginError, PluginKind};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A docpipe plugin: typed config, typed view of the input document, typed
/// fields it writes back.
///
/// The SDK deserializes `Input` from the incoming document (fields it does not
/// name are ignored, and kept), calls [`Plugin::process`], and merges `Output`
/// into the document: each top-level field of `Output` replaces the
/// document's, except `meta`, whose keys are merged one by one.
pub trait Plugin: Sized + 'static {
    /// Short name shown in manifests and messages, e.g. `clean`.
    const NAME: &'static str;
    /// One line for `docpipe plugins list`.
    const DESCRIPTION: &'static str;
    /// What the plugin does in a pipeline.
    const KIND: PluginKind = PluginKind::Transform;

    /// The stage's `config` table. Use `#[serde(default, deny_unknown_fields)]`
    /// so an empty table works and a misspelt key is caught.
    type Config: DeserializeOwned + JsonSchema;
    /// The document fields the plugin reads.
    type Input: DeserializeOwned + JsonSchema;
    /// The document fields the plugin writes.
    type Output: Serialize + JsonSchema;

    /// Build a configured instance. Called once per fresh instance, before
    /// any document.
    fn new(config: Self::Config) -> Result<Self, PluginError>;

    /// Process one document.
    fn process(&mut self, input: Self::Input) -> Result<Verdict<Self::Output>, PluginError>;
}

/// What [`Plugin::process`] decided for one document.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict<O> {
    /// Keep the document with these fields written, and write these files.
    Keep(O, Vec<Artifact>),
    /// Drop the document, for this reason.
    Drop(String),
}

impl<O> Verdict<O> {
    /// Keep the document with `output` merged in.
    pub fn keep(output: O) -> Self {
        Verdict::Keep(output, Vec::new())
    }

    /// Keep the document and ask the host to write `artifacts`.
    pub fn keep_with(output: O, artifacts: Vec<Artifact>) -> Self {
        Verdict::Keep(output, artifacts)
    }

    /// Drop the document; `reason` appears in the run summary.
    pub fn drop(reason: impl Into<String>) -> Self {
        Verdict::Drop(reason.into())
    }
}

/// Config for a plugin that takes none: only an empty table is accepted.
#[derive(Debug, Default, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoConfig {}

/// Output for a plugin that changes no field (typically an exporter).
#[derive(Debug, Default, Clone, Serialize, JsonSchema)]
pub struct Unchanged {}

//! The pipeline file as written: plain serde types, before any path is
//! resolved or any plugin loaded. The host validates a [`RawPipeline`] into
//! its own `Pipeline` type, collecting every error with its place in the file.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A pipeline file (TOML, YAML or JSON), exactly as parsed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPipeline {
    /// Where documents come from.
    pub input: RawInput,
    /// The stages every document goes through, in order.
    #[serde(default)]
    pub stages: Vec<RawStage>,
    /// Where results are written.
    #[serde(default)]
    pub output: RawOutput,
    /// Limits applied to every stage that does not set its own.
    #[serde(default)]
    pub limits: RawLimits,
    /// What a failed document does to the run; a stage may override it.
    #[serde(default)]
    pub on_error: ErrorPolicy,
    /// Whether a stage's configured plugin instance serves document after
    /// document or each document gets a fresh one; a stage may override it.
    #[serde(default)]
    pub instances: InstancePolicy,
    /// How each stage's output is checked against the plugin's declared
    /// output schema while documents run.
    #[serde(default)]
    pub contracts: ContractMode,
}

/// How stage outputs are checked against their declared schemas at run time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ContractMode {
    /// Every output of every stage is checked; a violation fails the document.
    #[default]
    Strict,
    /// Every tenth document (by input position) is checked.
    Sampled,
    /// Outputs are not checked (the static check still runs).
    Off,
}

/// The `input` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawInput {
    /// Files or directories, relative to the pipeline file. Directories are
    /// walked recursively.
    pub paths: Vec<String>,
    /// Glob over paths inside walked directories, e.g. `**/*.txt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glob: Option<String>,
    /// How files are read. `.gz` files are decompressed transparently.
    #[serde(default)]
    pub format: InputFormat,
    /// What to do with bytes that are not valid UTF-8 (in HTML: not valid in
    /// the page's encoding).
    #[serde(default)]
    pub invalid_utf8: InvalidUtf8Policy,
    /// Largest text or HTML file read, after decompression, and largest JSONL
    /// line, e.g. `"64 MiB"` (the default); at least 1 KiB. A larger file or
    /// line is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_file_size: Option<String>,
}

/// What the input reader does with bytes that are not valid UTF-8.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum InvalidUtf8Policy {
    /// The file (or JSONL line) is refused, naming the first bad byte.
    #[default]
    Reject,
    /// Each invalid sequence becomes U+FFFD, and `meta.source.replaced_bytes`
    /// counts the bytes replaced.
    Replace,
}

/// How input files are read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    /// One document per file; the id is the path relative to the input root.
    #[default]
    Text,
    /// One JSON object per line; the id is its `id` field or its line number.
    Jsonl,
    /// One HTML page per file.
    Html,
}

/// One entry of `stages`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStage {
    /// Unique name of the stage in this pipeline, used in messages and summaries.
    pub id: String,
    /// `builtin:<name>`, or a path to a `.wasm` component relative to the pipeline file.
    pub plugin: String,
    /// Expected sha256 (hex) of the component file; a mismatch is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The plugin's configuration, checked against its config schema.
    #[serde(default)]
    pub config: Map<String, Value>,
    /// Limits for this stage, overriding the pipeline's.
    #[serde(default)]
    pub limits: RawLimits,
    /// Error policy for this stage, overriding the pipeline's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_error: Option<ErrorPolicy>,
    /// Instance policy for this stage, overriding the pipeline's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instances: Option<InstancePolicy>,
    /// Read-only data files the plugin may read by name (a larger model, a
    /// word list), each pinned by sha256. The plugin still gets no
    /// filesystem: the host reads and checks the file and hands the plugin
    /// its bytes when asked.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resources: BTreeMap<String, RawResource>,
}

/// One entry of a stage's `resources`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawResource {
    /// The file, relative to the pipeline file.
    pub path: String,
    /// Its sha256 (hex), as `sha256sum` prints it: required, and a file
    /// whose contents differ is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// Resource limits of a stage; each unset one falls back to the pipeline's,
/// then to the built-in default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    /// Linear-memory cap per instance, e.g. `"256 MiB"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
    /// Wall-clock deadline per document, e.g. `"10s"` or `"500ms"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// Largest output (document plus artifacts) a stage may return, e.g. `"64 MiB"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_output: Option<String>,
}

/// The `output` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOutput {
    /// Output directory, relative to the pipeline file.
    #[serde(default = "default_output_directory")]
    pub directory: String,
    /// Replace existing files whose contents differ from this run's. Off by
    /// default: such a file is reported and kept (a whole-run file's new
    /// contents land beside it as `<name>.new`).
    #[serde(default)]
    pub overwrite: bool,
}

impl Default for RawOutput {
    fn default() -> Self {
        RawOutput {
            directory: default_output_directory(),
            overwrite: false,
        }
    }
}

fn default_output_directory() -> String {
    "out".to_string()
}

/// What a failed document does to the run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorPolicy {
    /// Report the document, count it, go on with the others.
    #[default]
    Skip,
    /// Stop the run at the first failed document.
    FailFast,
    /// Like `skip`, and also write each failed document, as it was before
    /// the failing stage, to `dead-letter.jsonl` beside the reason, so it can
    /// be inspected or fed to a fixed pipeline.
    DeadLetter,
}

/// How a stage's plugin instances are shared between documents. Either way a
/// plugin has no files, network, clock or environment, and no two stages
/// share an instance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InstancePolicy {
    /// A configured instance serves one document after another (one instance
    /// per worker), so configuration and the plugin's set-up are paid once,
    /// not per document. A plugin can see what it kept from earlier documents
    /// of the same stage in the same run. After any failure the instance is
    /// thrown away, and a document that failed on an instance that had served
    /// others is run again on a fresh one (unless it timed out), so a failure
    /// is never caused by an earlier document.
    #[default]
    Reused,
    /// Every document gets a fresh instance, configured for it alone: nothing
    /// a plugin keeps survives to the next document. Costs an instantiation
    /// and a configuration per document.
    PerDocument,
}

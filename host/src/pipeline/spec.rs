//! A validated pipeline: paths resolved against the pipeline file, plugins
//! named, limits read and merged. Only `validate` builds one, so holding a
//! [`Pipeline`] means the file was sound (plugins are not loaded yet).

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use docpipe_contract::pipeline::{
    ContractMode, ErrorPolicy, InputFormat, InstancePolicy, InvalidUtf8Policy,
};
use serde_json::{Map, Value};

use super::diagnostic::{Anchor, DiagnosticKind, PipelineDiagnostic};
use super::source::{DocumentPath, SourceFile};

/// A pipeline ready to run.
#[derive(Debug, Clone)]
pub struct Pipeline {
    /// The file it was read from; diagnostics found later point into it.
    pub source: Arc<SourceFile>,
    /// The directory of the pipeline file; relative paths in it start here.
    pub base_dir: PathBuf,
    /// Where documents come from.
    pub input: InputSpec,
    /// The stages, in order.
    pub stages: Vec<StageSpec>,
    /// Where results go.
    pub output: OutputSpec,
    /// The pipeline-wide error policy; each stage carries its effective one.
    pub on_error: ErrorPolicy,
    /// How stage outputs are checked against their schemas at run time.
    pub contracts: ContractMode,
    /// Problems that do not stop the pipeline (no stages, ...).
    pub warnings: Vec<PipelineDiagnostic>,
}

/// Two pipelines are equal when they describe the same run, whatever the
/// syntax of the files they came from.
impl PartialEq for Pipeline {
    fn eq(&self, other: &Pipeline) -> bool {
        self.base_dir == other.base_dir
            && self.input == other.input
            && self.stages == other.stages
            && self.output == other.output
            && self.on_error == other.on_error
            && self.contracts == other.contracts
    }
}

/// The `input` section, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputSpec {
    /// Files or directories, joined to the pipeline file's directory.
    pub paths: Vec<PathBuf>,
    /// A glob (known to compile) over paths inside walked directories.
    pub glob: Option<String>,
    /// How files are read.
    pub format: InputFormat,
    /// What to do with bytes that are not valid UTF-8.
    pub invalid_utf8: InvalidUtf8Policy,
    /// Largest text or HTML file (decompressed) and largest JSONL line, in bytes.
    pub max_file_size: u64,
}

impl InputSpec {
    /// `max_file_size` when the pipeline does not set it.
    pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * MIB;
    /// The smallest `max_file_size` accepted.
    pub const MIN_MAX_FILE_SIZE: u64 = 1024;
}

/// One stage, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct StageSpec {
    /// Unique, non-empty name of the stage.
    pub id: String,
    /// Which plugin runs it.
    pub plugin: PluginRef,
    /// The plugin's configuration, not yet checked against its schema.
    pub config: Map<String, Value>,
    /// Effective limits: the stage's, else the pipeline's, else the defaults.
    pub limits: Limits,
    /// Effective error policy: the stage's, else the pipeline's.
    pub on_error: ErrorPolicy,
    /// Effective instance policy: the stage's, else the pipeline's.
    pub instances: InstancePolicy,
    /// Read-only files the plugin may read by name, in name order.
    pub resources: Vec<ResourceSpec>,
    /// Position in `stages`, for pointing back into the file.
    pub index: usize,
}

/// A read-only file a stage's plugin may read by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceSpec {
    /// The name the plugin asks for.
    pub name: String,
    /// The file, joined to the pipeline file's directory; known to exist
    /// when the pipeline was validated.
    pub path: PathBuf,
    /// Its pinned digest, 64 lowercase hexadecimal characters.
    pub sha256: String,
}

/// Where a stage's plugin comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PluginRef {
    /// A plugin shipped inside docpipe (`builtin:<name>`); the name is known.
    Builtin(String),
    /// A component file, known to exist when the pipeline was validated.
    File {
        /// The file, joined to the pipeline file's directory.
        path: PathBuf,
        /// Expected digest, 64 lowercase hexadecimal characters.
        sha256: Option<String>,
    },
}

impl fmt::Display for PluginRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PluginRef::Builtin(name) => write!(f, "builtin:{name}"),
            PluginRef::File { path, .. } => write!(f, "{}", path.display()),
        }
    }
}

/// Resource limits of one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Linear-memory cap per plugin instance.
    pub memory_bytes: u64,
    /// Wall-clock deadline per document.
    pub timeout: Duration,
    /// Largest output (document plus artifacts) the stage may return.
    pub max_output_bytes: u64,
}

impl Limits {
    /// Used for every limit that neither the stage nor the pipeline sets.
    pub const DEFAULT: Limits = Limits {
        memory_bytes: 256 * MIB,
        timeout: Duration::from_secs(10),
        max_output_bytes: 64 * MIB,
    };
    /// The smallest memory limit accepted.
    pub const MIN_MEMORY_BYTES: u64 = MIB;
    /// The largest memory limit accepted: all a 32-bit memory can address.
    pub const MAX_MEMORY_BYTES: u64 = 4 * 1024 * MIB;
    /// The smallest allowed `max_output`.
    pub const MIN_OUTPUT_BYTES: u64 = 1024;
}

const MIB: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// The `output` section, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    /// Output directory, joined to the pipeline file's directory.
    pub directory: PathBuf,
    /// Replace existing files that differ from this run's.
    pub overwrite: bool,
}

impl Pipeline {
    /// The place of stage `stage_index` in the file (`stages[2]`).
    pub fn stage_path(&self, stage_index: usize) -> DocumentPath {
        DocumentPath::root().join("stages").join(stage_index)
    }

    /// A diagnostic at any place in the pipeline file.
    pub fn diagnostic_at(
        &self,
        path: &DocumentPath,
        anchor: Anchor,
        kind: DiagnosticKind,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> PipelineDiagnostic {
        PipelineDiagnostic::at(&self.source, path, anchor, kind, message, label)
    }

    /// A plugin's complaint about its configuration, reported at the config
    /// key named by `pointer` (a JSON Pointer into the stage's `config`, such
    /// as `/sentences`; `""` is the whole config). A key that is not written
    /// in the file (a missing one) is reported at the nearest written parent.
    pub fn config_diagnostic(
        &self,
        stage_index: usize,
        pointer: &str,
        message: impl Into<String>,
        help: Option<String>,
    ) -> PipelineDiagnostic {
        let path = self
            .stage_path(stage_index)
            .join("config")
            .join_pointer(pointer);
        let stage = self.stages.get(stage_index);
        let who = stage.map_or_else(
            || format!("stage {stage_index}"),
            |stage| format!("stage `{}` ({})", stage.id, stage.plugin),
        );
        PipelineDiagnostic::at(
            &self.source,
            &path,
            Anchor::Value,
            DiagnosticKind::InvalidConfig,
            format!("{who} rejected its config at `{path}`: {}", message.into()),
            "rejected by the plugin",
        )
        .with_optional_help(help)
    }
}

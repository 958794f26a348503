//! [`RawPipeline`] to [`Pipeline`]: resolves paths, checks plugin references,
//! stage ids and limits. Collects every problem before giving up, and keeps
//! warnings apart. Never loads or hashes a plugin: the runtime does that.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytesize::ByteSize;
use docpipe_contract::pipeline::{RawLimits, RawPipeline, RawStage};

use super::diagnostic::{
    nearest, quoted_list, Anchor, DiagnosticKind, PipelineDiagnostic, PipelineErrors,
};
use super::source::{DocumentPath, SourceFile};
use super::spec::{InputSpec, Limits, OutputSpec, Pipeline, PluginRef, ResourceSpec, StageSpec};

const SIZE_EXAMPLES: &str = "write a size such as \"256 MiB\", \"64MiB\" or \"1 GB\"";
const DURATION_EXAMPLES: &str = "write a duration such as \"10s\", \"500ms\" or \"2m\"";

/// Checks `raw`, read from `source`, against the builtin plugins named in
/// `builtins`.
pub fn validate(
    raw: RawPipeline,
    source: Arc<SourceFile>,
    builtins: &[&str],
) -> Result<Pipeline, PipelineErrors> {
    let base_dir = match source.path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut check = Validation {
        source: &source,
        base_dir: &base_dir,
        builtins,
        problems: Vec::new(),
    };
    let root = DocumentPath::root();

    let input = check.input(&raw);
    let pipeline_limits = check.limits(&raw.limits, &Limits::DEFAULT, &root.join("limits"));
    let mut first_use: HashMap<&str, usize> = HashMap::new();
    let stages = raw
        .stages
        .iter()
        .enumerate()
        .map(|(index, stage)| {
            let path = root.join("stages").join(index);
            check.stage_id(stage, &path, index, &mut first_use);
            StageSpec {
                id: stage.id.clone(),
                plugin: check.plugin(stage, &path),
                config: stage.config.clone(),
                limits: check.limits(&stage.limits, &pipeline_limits, &path.join("limits")),
                on_error: stage.on_error.unwrap_or(raw.on_error),
                instances: stage.instances.unwrap_or(raw.instances),
                resources: check.resources(stage, &path),
                index,
            }
        })
        .collect::<Vec<_>>();
    if stages.is_empty() {
        check.problem(
            PipelineDiagnostic::at(
                &source,
                &root.join("stages"),
                Anchor::Key,
                DiagnosticKind::NoStages,
                "the pipeline has no stages",
                "no stages",
            )
            .with_help("add a stage with an `id` and a `plugin`, e.g. `builtin:clean`"),
        );
    }
    let output = OutputSpec {
        directory: base_dir.join(&raw.output.directory),
        overwrite: raw.output.overwrite,
    };

    let (errors, warnings): (Vec<_>, Vec<_>) = check
        .problems
        .into_iter()
        .partition(|problem| problem.kind().severity() == miette::Severity::Error);
    if !errors.is_empty() {
        return Err(PipelineErrors::new(
            &source.path,
            errors.into_iter().chain(warnings).collect(),
        ));
    }
    let mut warnings = warnings;
    super::diagnostic::sort_by_position(&mut warnings);
    Ok(Pipeline {
        source: Arc::clone(&source),
        base_dir,
        input,
        stages,
        output,
        on_error: raw.on_error,
        contracts: raw.contracts,
        warnings,
    })
}

struct Validation<'a> {
    source: &'a Arc<SourceFile>,
    base_dir: &'a Path,
    builtins: &'a [&'a str],
    problems: Vec<PipelineDiagnostic>,
}

impl<'a> Validation<'a> {
    fn problem(&mut self, problem: PipelineDiagnostic) {
        self.problems.push(problem);
    }

    fn at(
        &self,
        path: &DocumentPath,
        anchor: Anchor,
        kind: DiagnosticKind,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> PipelineDiagnostic {
        PipelineDiagnostic::at(self.source, path, anchor, kind, message, label)
    }

    fn input(&mut self, raw: &RawPipeline) -> InputSpec {
        let path = DocumentPath::root().join("input");
        if raw.input.paths.is_empty() {
            let problem = self
                .at(
                    &path.join("paths"),
                    Anchor::Value,
                    DiagnosticKind::NoInput,
                    "`input.paths` is empty: no document will be read",
                    "no paths",
                )
                .with_help("list files or directories, relative to the pipeline file");
            self.problem(problem);
        }
        if let Some(glob) = &raw.input.glob {
            if let Err(error) = globset::Glob::new(glob) {
                let problem = self
                    .at(
                        &path.join("glob"),
                        Anchor::Value,
                        DiagnosticKind::InvalidGlob,
                        format!("invalid glob `{glob}` in `input.glob`: {}", error.kind()),
                        "does not compile",
                    )
                    .with_help(
                        "the glob filters paths inside walked directories, e.g. \"**/*.txt\"",
                    );
                self.problem(problem);
            }
        }
        InputSpec {
            paths: raw
                .input
                .paths
                .iter()
                .map(|p| self.base_dir.join(p))
                .collect(),
            glob: raw.input.glob.clone(),
            format: raw.input.format,
            invalid_utf8: raw.input.invalid_utf8,
            max_file_size: self.max_file_size(raw.input.max_file_size.as_deref(), &path),
        }
    }

    /// Report a size under the 1 KiB floor both size keys share.
    fn below_one_kib(&mut self, at: &DocumentPath, text: &str, why: &str) {
        let problem = self
            .at(
                at,
                Anchor::Value,
                DiagnosticKind::LimitOutOfRange,
                format!("`{at}` is {text}, below the smallest allowed 1 KiB"),
                "too small",
            )
            .with_help(why);
        self.problem(problem);
    }

    /// `input.max_file_size` in bytes; the default when unset or unusable.
    fn max_file_size(&mut self, text: Option<&str>, input: &DocumentPath) -> u64 {
        let Some(text) = text else {
            return InputSpec::DEFAULT_MAX_FILE_SIZE;
        };
        let at = input.join("max_file_size");
        match self.size(text, &at) {
            Some(bytes) if bytes < InputSpec::MIN_MAX_FILE_SIZE => {
                self.below_one_kib(
                    &at,
                    text,
                    "it caps the size of each text or HTML file and of each JSONL line",
                );
                InputSpec::DEFAULT_MAX_FILE_SIZE
            }
            Some(bytes) => bytes,
            None => InputSpec::DEFAULT_MAX_FILE_SIZE,
        }
    }

    fn stage_id(
        &mut self,
        stage: &'a RawStage,
        path: &DocumentPath,
        index: usize,
        first_use: &mut HashMap<&'a str, usize>,
    ) {
        let id_path = path.join("id");
        if stage.id.trim().is_empty() {
            let problem = self
                .at(
                    &id_path,
                    Anchor::Value,
                    DiagnosticKind::EmptyStageId,
                    format!("`{id_path}` is empty"),
                    "empty id",
                )
                .with_help("give each stage a short unique name, such as \"clean\"; messages and summaries use it");
            self.problem(problem);
            return;
        }
        if let Some(&first) = first_use.get(stage.id.as_str()) {
            let first_path = DocumentPath::root().join("stages").join(first).join("id");
            let problem = self
                .at(
                    &id_path,
                    Anchor::Value,
                    DiagnosticKind::DuplicateStageId,
                    format!(
                        "duplicate stage id `{}`: stages {first} and {index} both use it",
                        stage.id
                    ),
                    "used again here",
                )
                .with_secondary(&first_path, Anchor::Value, "first used here")
                .with_help("stage ids must be unique; rename one of the stages");
            self.problem(problem);
            return;
        }
        first_use.insert(&stage.id, index);
    }

    fn plugin(&mut self, stage: &RawStage, path: &DocumentPath) -> PluginRef {
        let plugin_path = path.join("plugin");
        if let Some(name) = stage.plugin.strip_prefix("builtin:") {
            if !self.builtins.contains(&name) {
                let help = match nearest(name, self.builtins.iter().copied()) {
                    Some(suggestion) => format!("did you mean `builtin:{suggestion}`?"),
                    None => format!(
                        "the builtin plugins are {}",
                        quoted_list(self.builtins.iter().copied())
                    ),
                };
                let problem = self
                    .at(
                        &plugin_path,
                        Anchor::Value,
                        DiagnosticKind::UnknownPlugin,
                        format!("unknown builtin plugin `{name}` in `{plugin_path}`"),
                        "no such builtin",
                    )
                    .with_help(help);
                self.problem(problem);
            }
            if stage.sha256.is_some() {
                let problem = self
                    .at(
                        &path.join("sha256"),
                        Anchor::Key,
                        DiagnosticKind::IgnoredSha256,
                        format!("`{path}.sha256` is ignored: builtin plugins ship inside docpipe"),
                        "ignored",
                    )
                    .with_help("remove `sha256`, or point `plugin` at a .wasm file");
                self.problem(problem);
            }
            return PluginRef::Builtin(name.to_string());
        }

        let file = self.base_dir.join(&stage.plugin);
        if !file.is_file() {
            let help = if self.builtins.contains(&stage.plugin.as_str()) {
                format!("did you mean `builtin:{}`?", stage.plugin)
            } else {
                "plugin paths are relative to the pipeline file; build the component or fix the path (builtins are written `builtin:<name>`)".to_string()
            };
            let problem = self
                .at(
                    &plugin_path,
                    Anchor::Value,
                    DiagnosticKind::PluginNotFound,
                    format!("plugin file `{}` not found", file.display()),
                    "no such file",
                )
                .with_help(help);
            self.problem(problem);
        }
        let sha256 = stage
            .sha256
            .as_ref()
            .map(|digest| digest.to_ascii_lowercase());
        if let Some(digest) = &sha256 {
            self.sha256_format(digest, &path.join("sha256"));
        }
        PluginRef::File { path: file, sha256 }
    }

    /// The stage's resources: each must name a file and pin its digest, so
    /// that a pipeline run twice gives its plugin the same bytes.
    fn resources(&mut self, stage: &RawStage, path: &DocumentPath) -> Vec<ResourceSpec> {
        let mut resources = Vec::new();
        for (name, raw) in &stage.resources {
            let at = path.join("resources").join(name.as_str());
            let file = self.base_dir.join(&raw.path);
            if !file.is_file() {
                let problem = self
                    .at(
                        &at.join("path"),
                        Anchor::Value,
                        DiagnosticKind::ResourceNotFound,
                        format!("resource file `{}` not found", file.display()),
                        "no such file",
                    )
                    .with_help("resource paths are relative to the pipeline file");
                self.problem(problem);
            }
            let Some(digest) = &raw.sha256 else {
                let problem = self
                    .at(
                        &at,
                        Anchor::Key,
                        DiagnosticKind::ResourcePin,
                        format!("resource `{at}` has no `sha256`: a resource must be pinned"),
                        "not pinned",
                    )
                    .with_help(format!(
                        "add `sha256 = \"<digest>\"` with the digest `sha256sum {}` prints",
                        raw.path
                    ));
                self.problem(problem);
                continue;
            };
            let digest = digest.to_ascii_lowercase();
            if !self.sha256_format(&digest, &at.join("sha256")) {
                continue;
            }
            resources.push(ResourceSpec {
                name: name.clone(),
                path: file,
                sha256: digest,
            });
        }
        resources
    }

    /// Whether `digest` is 64 hexadecimal characters; reports it if not.
    fn sha256_format(&mut self, digest: &str, at: &DocumentPath) -> bool {
        if digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()) {
            return true;
        }
        let problem = self
            .at(
                at,
                Anchor::Value,
                DiagnosticKind::InvalidSha256,
                format!(
                    "`{at}` is not a sha256 digest ({} characters)",
                    digest.chars().count()
                ),
                "not 64 hexadecimal characters",
            )
            .with_help(
                "write the digest as 64 hexadecimal characters, as `sha256sum FILE` prints it",
            );
        self.problem(problem);
        false
    }

    /// `raw` over `fallback`; an unreadable or out-of-range limit is reported
    /// and the fallback is kept so that later checks still run.
    fn limits(&mut self, raw: &RawLimits, fallback: &Limits, path: &DocumentPath) -> Limits {
        let mut limits = *fallback;
        if let Some(text) = &raw.memory {
            let at = path.join("memory");
            if let Some(bytes) = self.size(text, &at) {
                if !(Limits::MIN_MEMORY_BYTES..=Limits::MAX_MEMORY_BYTES).contains(&bytes) {
                    let problem = self
                        .at(
                            &at,
                            Anchor::Value,
                            DiagnosticKind::LimitOutOfRange,
                            format!("`{at}` is {text}, outside the allowed 1 MiB to 4 GiB"),
                            "out of range",
                        )
                        .with_help(
                            "a plugin needs at least 1 MiB of memory, and a 32-bit WebAssembly memory cannot exceed 4 GiB",
                        );
                    self.problem(problem);
                } else {
                    limits.memory_bytes = bytes;
                }
            }
        }
        if let Some(text) = &raw.timeout {
            let at = path.join("timeout");
            match humantime::parse_duration(text.trim()) {
                Ok(Duration::ZERO) => {
                    let problem = self
                        .at(
                            &at,
                            Anchor::Value,
                            DiagnosticKind::LimitOutOfRange,
                            format!("`{at}` is zero: every document would time out"),
                            "zero timeout",
                        )
                        .with_help(DURATION_EXAMPLES);
                    self.problem(problem);
                }
                Ok(timeout) => limits.timeout = timeout,
                Err(error) => {
                    let problem = self
                        .at(
                            &at,
                            Anchor::Value,
                            DiagnosticKind::InvalidLimit,
                            format!("invalid duration `{text}` for `{at}`: {error}"),
                            "not a duration",
                        )
                        .with_help(DURATION_EXAMPLES);
                    self.problem(problem);
                }
            }
        }
        if let Some(text) = &raw.max_output {
            let at = path.join("max_output");
            if let Some(bytes) = self.size(text, &at) {
                if bytes < Limits::MIN_OUTPUT_BYTES {
                    self.below_one_kib(
                        &at,
                        text,
                        "every kept document counts against it, so it must at least hold one",
                    );
                } else {
                    limits.max_output_bytes = bytes;
                }
            }
        }
        limits
    }

    fn size(&mut self, text: &str, at: &DocumentPath) -> Option<u64> {
        match text.trim().parse::<ByteSize>() {
            Ok(size) => Some(size.as_u64()),
            Err(error) => {
                let problem = self
                    .at(
                        at,
                        Anchor::Value,
                        DiagnosticKind::InvalidLimit,
                        format!("invalid size `{text}` for `{at}`: {error}"),
                        "not a size",
                    )
                    .with_help(SIZE_EXAMPLES);
                self.problem(problem);
                None
            }
        }
    }
}

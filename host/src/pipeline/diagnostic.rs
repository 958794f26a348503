//! Problems found in a pipeline file, as miette diagnostics that quote the
//! user's file: a code, a message, the offending text underlined, a hint.
//! Building one never fails: a place that cannot be found falls back to the
//! top of the file, and the message still names it.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, Severity, SourceCode,
    SourceSpan,
};

use super::source::{DocumentPath, SourceFile};

/// What kind of problem a diagnostic reports; each has a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiagnosticKind {
    /// The pipeline file could not be read.
    Read,
    /// The file is not valid TOML, YAML or JSON.
    Syntax,
    /// A key the pipeline format does not have.
    UnknownKey,
    /// A required key is absent.
    MissingKey,
    /// A value of the wrong type (a string where a list is expected, ...).
    WrongType,
    /// A value of the right type that is not allowed (an unknown `format`, ...).
    InvalidValue,
    /// `builtin:<name>` names no builtin plugin.
    UnknownPlugin,
    /// A plugin path that points at no file.
    PluginNotFound,
    /// A `sha256` that is not 64 hexadecimal characters.
    InvalidSha256,
    /// `sha256` set on a builtin plugin, where it means nothing.
    IgnoredSha256,
    /// A stage resource whose file does not exist.
    ResourceNotFound,
    /// A stage resource without a `sha256` pin, or whose file differs from it.
    ResourcePin,
    /// A stage resource the plugin did not read when it was configured.
    UnusedResource,
    /// A stage with resources whose instances are made per document, so
    /// every document pays for copying them.
    ResourcePerDocument,
    /// Two stages with the same id.
    DuplicateStageId,
    /// A stage whose id is empty.
    EmptyStageId,
    /// A size or duration that cannot be read.
    InvalidLimit,
    /// A limit that reads fine but is out of the allowed range.
    LimitOutOfRange,
    /// An `input.glob` that does not compile.
    InvalidGlob,
    /// `input.paths` is empty.
    NoInput,
    /// The pipeline has no stages.
    NoStages,
    /// A plugin refused its stage's configuration.
    InvalidConfig,
    /// A plugin file could not be loaded (not a component, wrong interface, pin mismatch).
    InvalidPlugin,
    /// A stage requires a field that nothing before it provides.
    MissingField,
    /// A stage requires a field that arrives with an incompatible type.
    TypeMismatch,
    /// The contract checker could not prove a stage gets what it needs.
    Unproven,
}

impl DiagnosticKind {
    /// The stable code shown to users, e.g. `docpipe::pipeline::unknown_key`.
    pub fn code(self) -> &'static str {
        match self {
            DiagnosticKind::Read => "docpipe::pipeline::read",
            DiagnosticKind::Syntax => "docpipe::pipeline::syntax",
            DiagnosticKind::UnknownKey => "docpipe::pipeline::unknown_key",
            DiagnosticKind::MissingKey => "docpipe::pipeline::missing_key",
            DiagnosticKind::WrongType => "docpipe::pipeline::wrong_type",
            DiagnosticKind::InvalidValue => "docpipe::pipeline::invalid_value",
            DiagnosticKind::UnknownPlugin => "docpipe::pipeline::unknown_plugin",
            DiagnosticKind::PluginNotFound => "docpipe::pipeline::plugin_not_found",
            DiagnosticKind::InvalidSha256 => "docpipe::pipeline::invalid_sha256",
            DiagnosticKind::IgnoredSha256 => "docpipe::pipeline::ignored_sha256",
            DiagnosticKind::ResourceNotFound => "docpipe::pipeline::resource_not_found",
            DiagnosticKind::ResourcePin => "docpipe::pipeline::resource_pin",
            DiagnosticKind::UnusedResource => "docpipe::pipeline::unused_resource",
            DiagnosticKind::ResourcePerDocument => "docpipe::pipeline::resource_per_document",
            DiagnosticKind::DuplicateStageId => "docpipe::pipeline::duplicate_stage_id",
            DiagnosticKind::EmptyStageId => "docpipe::pipeline::empty_stage_id",
            DiagnosticKind::InvalidLimit => "docpipe::pipeline::invalid_limit",
            DiagnosticKind::LimitOutOfRange => "docpipe::pipeline::limit_out_of_range",
            DiagnosticKind::InvalidGlob => "docpipe::pipeline::invalid_glob",
            DiagnosticKind::NoInput => "docpipe::pipeline::no_input",
            DiagnosticKind::NoStages => "docpipe::pipeline::no_stages",
            DiagnosticKind::InvalidConfig => "docpipe::pipeline::invalid_config",
            DiagnosticKind::InvalidPlugin => "docpipe::pipeline::invalid_plugin",
            DiagnosticKind::MissingField => "docpipe::contract::missing_field",
            DiagnosticKind::TypeMismatch => "docpipe::contract::type_mismatch",
            DiagnosticKind::Unproven => "docpipe::contract::unproven",
        }
    }

    /// Whether this kind stops the pipeline from running.
    pub fn severity(self) -> Severity {
        match self {
            DiagnosticKind::NoStages
            | DiagnosticKind::NoInput
            | DiagnosticKind::IgnoredSha256
            | DiagnosticKind::UnusedResource
            | DiagnosticKind::ResourcePerDocument
            | DiagnosticKind::Unproven => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// Which written part of a place a diagnostic underlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The key naming the place (an unknown key, a table missing a key).
    Key,
    /// The value written there (a wrong type, a bad limit).
    Value,
}

/// One problem in a pipeline file.
#[derive(Debug, Clone)]
pub struct PipelineDiagnostic {
    kind: DiagnosticKind,
    message: String,
    help: Option<String>,
    path: Option<DocumentPath>,
    source: Option<Arc<SourceFile>>,
    labels: Vec<LabeledSpan>,
}

impl PipelineDiagnostic {
    /// A diagnostic that points at no file (the file could not be read).
    pub fn detached(kind: DiagnosticKind, message: impl Into<String>) -> PipelineDiagnostic {
        PipelineDiagnostic {
            kind,
            message: message.into(),
            help: None,
            path: None,
            source: None,
            labels: Vec::new(),
        }
    }

    /// A diagnostic that underlines `path` in `source` with `label`. When the
    /// path is not written in the file (a missing key), the nearest written
    /// ancestor is underlined instead, and failing that the top of the file.
    pub fn at(
        source: &Arc<SourceFile>,
        path: &DocumentPath,
        anchor: Anchor,
        kind: DiagnosticKind,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> PipelineDiagnostic {
        let span = span_or_nearest(source, path, anchor);
        PipelineDiagnostic {
            kind,
            message: message.into(),
            help: None,
            path: Some(path.clone()),
            source: Some(Arc::clone(source)),
            labels: vec![LabeledSpan::new_primary_with_span(Some(label.into()), span)],
        }
    }

    /// A diagnostic at a known span of `source`.
    pub fn at_span(
        source: &Arc<SourceFile>,
        span: SourceSpan,
        kind: DiagnosticKind,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> PipelineDiagnostic {
        PipelineDiagnostic {
            kind,
            message: message.into(),
            help: None,
            path: None,
            source: Some(Arc::clone(source)),
            labels: vec![LabeledSpan::new_primary_with_span(Some(label.into()), span)],
        }
    }

    /// Adds the hint shown under the snippet.
    pub fn with_help(mut self, help: impl Into<String>) -> PipelineDiagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds the hint when there is one.
    pub fn with_optional_help(mut self, help: Option<String>) -> PipelineDiagnostic {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// Underlines a second place, e.g. where a duplicate id was first used.
    pub fn with_secondary(
        mut self,
        path: &DocumentPath,
        anchor: Anchor,
        label: impl Into<String>,
    ) -> PipelineDiagnostic {
        if let Some(source) = &self.source {
            let span = span_or_nearest(source, path, anchor);
            self.labels
                .push(LabeledSpan::new_with_span(Some(label.into()), span));
        }
        self
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> DiagnosticKind {
        self.kind
    }

    /// The one-line message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The hint, if any.
    pub fn help_text(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// The place in the document this is about, if it is about one.
    pub fn path(&self) -> Option<&DocumentPath> {
        self.path.as_ref()
    }

    /// The text underlined by the primary label.
    pub fn underlined(&self) -> Option<&str> {
        let source = self.source.as_ref()?;
        let label = self.labels.first()?;
        Some(source.text_at(*label.inner()))
    }

    /// The full report as plain text: no colors, lines not wrapped.
    pub fn render(&self) -> String {
        render(self)
    }
}

fn span_or_nearest(source: &SourceFile, path: &DocumentPath, anchor: Anchor) -> SourceSpan {
    let segments = path.segments();
    let exact = match anchor {
        Anchor::Key => source.key_span_of(segments),
        Anchor::Value => source.span_of(segments),
    };
    exact
        .or_else(|| {
            (0..segments.len())
                .rev()
                .find_map(|length| source.key_span_of(&segments[..length]))
        })
        .unwrap_or_else(|| SourceSpan::from(0..0))
}

impl fmt::Display for PipelineDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PipelineDiagnostic {}

impl Diagnostic for PipelineDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.kind.code()))
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.kind.severity())
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source
            .as_ref()
            .map(|source| source.as_ref() as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// Every problem that kept a pipeline file from loading, errors first, then
/// warnings, each pointing at the file.
#[derive(Debug, Clone)]
pub struct PipelineErrors {
    path: PathBuf,
    errors: Vec<PipelineDiagnostic>,
    warnings: Vec<PipelineDiagnostic>,
}

impl PipelineErrors {
    /// Splits `diagnostics` by severity; errors are kept in file order.
    pub fn new(path: impl Into<PathBuf>, diagnostics: Vec<PipelineDiagnostic>) -> PipelineErrors {
        let (mut errors, mut warnings): (Vec<_>, Vec<_>) = diagnostics
            .into_iter()
            .partition(|diagnostic| diagnostic.kind.severity() == Severity::Error);
        sort_by_position(&mut errors);
        sort_by_position(&mut warnings);
        PipelineErrors {
            path: path.into(),
            errors,
            warnings,
        }
    }

    /// The problems that stop the pipeline from running; never empty.
    pub fn errors(&self) -> &[PipelineDiagnostic] {
        &self.errors
    }

    /// Problems worth a word that do not stop it.
    pub fn warnings(&self) -> &[PipelineDiagnostic] {
        &self.warnings
    }

    /// The full report as plain text: no colors, lines not wrapped.
    pub fn render(&self) -> String {
        render(self)
    }
}

pub(crate) fn sort_by_position(diagnostics: &mut [PipelineDiagnostic]) {
    diagnostics
        .sort_by_key(|diagnostic| diagnostic.labels.first().map_or(0, |label| label.offset()));
}

impl fmt::Display for PipelineErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.errors.len();
        write!(
            f,
            "pipeline file `{}` has {count} {}",
            self.path.display(),
            if count == 1 { "error" } else { "errors" }
        )
    }
}

impl std::error::Error for PipelineErrors {}

impl Diagnostic for PipelineErrors {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("docpipe::pipeline::invalid"))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(
            self.errors
                .iter()
                .chain(&self.warnings)
                .map(|diagnostic| diagnostic as &dyn Diagnostic),
        ))
    }
}

fn render(diagnostic: &dyn Diagnostic) -> String {
    let mut out = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(1000)
        .render_report(&mut out, diagnostic)
        .expect("writing to a String does not fail");
    out
}

/// The closest of `options` to `written`, if one is close enough to be a typo.
pub(crate) fn nearest<'a>(
    written: &str,
    options: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    options
        .into_iter()
        .map(|option| (strsim::jaro_winkler(written, option), option))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, option)| option)
}

/// `` `a`, `b`, `c` `` for help lines.
pub(crate) fn quoted_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items
        .into_iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

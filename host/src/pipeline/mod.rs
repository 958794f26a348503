//! Pipeline files: read a TOML, YAML or JSON file into the raw contract types,
//! then validate it into a [`Pipeline`], reporting every problem as a
//! diagnostic that underlines the user's text. Nothing here loads or runs a
//! plugin.
//!
//! ```no_run
//! # use std::path::Path;
//! match docpipe::pipeline::load(Path::new("pipeline.toml"), &["clean", "summarize"]) {
//!     Ok(pipeline) => println!("{} stages", pipeline.stages.len()),
//!     Err(errors) => eprintln!("{:?}", miette::Report::new(errors)),
//! }
//! ```

mod diagnostic;
mod locate;
mod parse;
mod source;
mod spec;
mod validate;

#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::Arc;

pub use diagnostic::{Anchor, DiagnosticKind, PipelineDiagnostic, PipelineErrors};
pub use docpipe_contract::pipeline::{ContractMode, ErrorPolicy, InputFormat, RawPipeline};
pub use source::{DocumentPath, PathSegment, SourceFile, SourceFormat};
pub use spec::{InputSpec, Limits, OutputSpec, Pipeline, PluginRef, ResourceSpec, StageSpec};
pub use validate::validate;

/// Reads, parses and validates the pipeline file at `path`; `builtins` are
/// the names usable as `builtin:<name>`.
pub fn load(path: &Path, builtins: &[&str]) -> Result<Pipeline, PipelineErrors> {
    let source = SourceFile::read(path).map_err(|error| {
        PipelineErrors::new(
            path,
            vec![PipelineDiagnostic::detached(
                DiagnosticKind::Read,
                format!("failed to read pipeline file `{}`: {error}", path.display()),
            )
            .with_help("check the path; it is relative to the current directory")],
        )
    })?;
    load_source(source, builtins)
}

/// Parses and validates a pipeline file already in memory.
pub fn load_source(source: SourceFile, builtins: &[&str]) -> Result<Pipeline, PipelineErrors> {
    let source = Arc::new(source);
    let raw = parse(&source)?;
    validate(raw, source, builtins)
}

/// Parses `source` into the raw types, reporting every unknown or missing key
/// and (per section) every wrong type.
pub fn parse(source: &Arc<SourceFile>) -> Result<RawPipeline, PipelineErrors> {
    parse::parse_raw(source).map_err(|problems| PipelineErrors::new(&source.path, problems))
}

//! `docpipe schema pipeline | plugin`: the JSON Schemas docpipe publishes, so
//! editors can check pipeline files and tools can check a plugin's data.
//! The repository commits their output under `schemas/`; an end-to-end test
//! keeps the two equal.

use super::Exit;
use crate::cli;
use crate::plugin_source;
use docpipe_contract::pipeline::RawPipeline;
use miette::{miette, IntoDiagnostic, Result};
use serde_json::{json, Map, Value};
use std::path::Path;

/// The `schema` verbs.
#[derive(Debug)]
pub struct SchemaCommand {
    command: cli::SchemaCommand,
}

impl SchemaCommand {
    /// Wrap parsed arguments.
    pub fn new(command: cli::SchemaCommand) -> Self {
        SchemaCommand { command }
    }

    /// Run the verb.
    pub fn execute(self) -> Result<Exit> {
        let value = match self.command {
            cli::SchemaCommand::Pipeline => pipeline_schema(),
            cli::SchemaCommand::Plugin { plugin } => plugin_schemas(&plugin)?,
        };
        super::emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&value).into_diagnostic()?
        ))?;
        Ok(Exit::Ok)
    }
}

/// The schema of pipeline files. The `$id`, title and description that say
/// what it is come first, where a reader of the file looks.
fn pipeline_schema() -> Value {
    let mut generated = schemars::schema_for!(RawPipeline);
    // `shift_remove` below keeps the generated order of what remains.
    let mut rest = std::mem::take(generated.ensure_object());
    let mut schema = Map::new();
    if let Some(dialect) = rest.shift_remove("$schema") {
        schema.insert("$schema".into(), dialect);
    }
    schema.insert(
        "$id".into(),
        format!(
            "{}/schemas/pipeline.schema.json",
            env!("CARGO_PKG_REPOSITORY")
        )
        .into(),
    );
    schema.insert("title".into(), "docpipe pipeline file".into());
    schema.insert(
        "description".into(),
        "A docpipe pipeline file (TOML, YAML or JSON): where documents come from, the stages \
         they go through, and where results are written. Each stage's `config` is checked \
         against its plugin's config schema (`docpipe schema plugin PLUGIN`)."
            .into(),
    );
    rest.shift_remove("title");
    rest.shift_remove("description");
    schema.extend(rest);
    Value::Object(schema)
}

/// Who plugin `reference` is and the schemas of its config, input and output.
fn plugin_schemas(reference: &str) -> Result<Value> {
    let source = plugin_source::resolve(reference, Path::new(".")).map_err(|e| miette!("{e}"))?;
    let loaded = super::plugins::runtime()?
        .load(source)
        .map_err(|e| miette!("{e}"))?;
    let m = loaded.manifest();
    Ok(json!({
        "name": m.name,
        "version": m.version,
        "kind": m.kind.as_str(),
        "config": m.config_schema,
        "input": m.input_schema,
        "output": m.output_schema,
    }))
}

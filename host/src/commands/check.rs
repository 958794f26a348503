//! `docpipe check`: everything `run` does before the first document.

use super::Exit;
use crate::cli::CheckArgs;
use crate::prepare;
use miette::Result;

/// Check a pipeline without processing anything.
#[derive(Debug)]
pub struct CheckCommand {
    args: CheckArgs,
}

impl CheckCommand {
    /// Wrap parsed arguments.
    pub fn new(args: CheckArgs) -> Self {
        CheckCommand { args }
    }

    /// Parse, validate, load and configure; report every problem.
    pub fn execute(self) -> Result<Exit> {
        let Some(pipeline) = super::load_pipeline(&self.args.pipeline) else {
            return Ok(Exit::Config);
        };
        let stage_count = pipeline.stages.len();
        match prepare::prepare(pipeline, 1) {
            Ok(prepared) => {
                super::print_warnings(&prepared.warnings);
                let mut out = format!(
                    "{}: ok, {stage_count} stages ready:\n",
                    self.args.pipeline.display()
                );
                for stage in &prepared.stages {
                    let m = stage.plugin.manifest();
                    out.push_str(&format!(
                        "  {:<12} {} {} ({})\n",
                        stage.id,
                        stage.plugin.label(),
                        m.version,
                        m.kind.as_str()
                    ));
                }
                if self.args.explain {
                    for (after, schema) in &prepared.flow {
                        let heading = if after == "input" {
                            "the document out of the input reader".to_string()
                        } else {
                            format!("after stage `{after}`")
                        };
                        out.push_str(&format!("\n{heading}:\n"));
                        for line in crate::contract::describe(schema).lines() {
                            out.push_str(&format!("  {line}\n"));
                        }
                    }
                }
                super::emit(&out)?;
                Ok(Exit::Ok)
            }
            Err(errors) => {
                eprintln!("{:?}", miette::Report::new(errors));
                Ok(Exit::Config)
            }
        }
    }
}

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
                println!(
                    "{}: ok, {stage_count} stages ready:",
                    self.args.pipeline.display()
                );
                for stage in &prepared.stages {
                    let m = stage.plugin.manifest();
                    println!(
                        "  {:<12} {} {} ({})",
                        stage.id,
                        stage.plugin.label(),
                        m.version,
                        m.kind.as_str()
                    );
                }
                Ok(Exit::Ok)
            }
            Err(errors) => {
                eprintln!("{:?}", miette::Report::new(errors));
                Ok(Exit::Config)
            }
        }
    }
}

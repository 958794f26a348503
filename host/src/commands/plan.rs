//! `docpipe plan`: list the input into a state directory for sharded runs.

use super::Exit;
use crate::cli::PlanArgs;
use crate::run::{fingerprint, read_input};
use crate::shard::{self, PlanRequest, Planned};
use miette::{miette, Result};

/// Plan a sharded run.
#[derive(Debug)]
pub struct PlanCommand {
    args: PlanArgs,
}

impl PlanCommand {
    /// Wrap parsed arguments.
    pub fn new(args: PlanArgs) -> Self {
        PlanCommand { args }
    }

    /// Plan; 2 when the pipeline is broken or the state directory holds another plan.
    pub fn execute(self) -> Result<Exit> {
        let Some(mut pipeline) = super::load_pipeline(&self.args.pipeline) else {
            return Ok(Exit::Config);
        };
        let cwd = std::env::current_dir()
            .map_err(|e| miette!("cannot read the current directory: {e}"))?;
        if let Some(output) = &self.args.output {
            pipeline.output.directory = output.clone();
        }
        // Shards and the merge may start elsewhere: record absolute paths.
        pipeline.output.directory = cwd.join(&pipeline.output.directory);
        let Some(prepared) = super::prepare_pipeline(pipeline, 1) else {
            return Ok(Exit::Config);
        };
        let pipeline = &prepared.pipeline;
        let items = read_input(&pipeline.input).map_err(|e| miette!("{e}"))?;
        let request = PlanRequest {
            pipeline: cwd.join(&self.args.pipeline),
            stages: &prepared.stages,
            fingerprint: fingerprint(pipeline, &prepared.stages),
            output: pipeline.output.directory.clone(),
            overwrite: self.args.overwrite || pipeline.output.overwrite,
            shards: self.args.shards,
        };
        let state = &self.args.state;
        match shard::plan(state, request, items) {
            Ok(Planned::New(record)) => {
                println!(
                    "planned {} items in {} shards into {}",
                    record.items,
                    record.shards,
                    state.display()
                );
                Ok(Exit::Ok)
            }
            Ok(Planned::Unchanged(record)) => {
                println!(
                    "{} already holds this plan ({} items in {} shards); nothing changed",
                    state.display(),
                    record.items,
                    record.shards
                );
                Ok(Exit::Ok)
            }
            Err(e) => Ok(super::shard_failure(&e)),
        }
    }
}

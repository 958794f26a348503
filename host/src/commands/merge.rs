//! `docpipe merge`: the completed shards of a planned run, into one output.

use super::Exit;
use crate::cli::MergeArgs;
use crate::run::SUMMARY_FILE;
use crate::shard::{self, State};
use miette::Result;

/// Merge a sharded run.
#[derive(Debug)]
pub struct MergeCommand {
    args: MergeArgs,
}

impl MergeCommand {
    /// Wrap parsed arguments.
    pub fn new(args: MergeArgs) -> Self {
        MergeCommand { args }
    }

    /// Merge; the exit code says whether any document failed, as a run's does.
    pub fn execute(self) -> Result<Exit> {
        let merged = State::open(&self.args.state)
            .and_then(|state| shard::merge(&state, self.args.output.clone(), self.args.overwrite));
        let (summary, out_dir) = match merged {
            Ok(merged) => merged,
            Err(e) => return Ok(super::shard_failure(&e)),
        };
        print!("{}", summary.render());
        println!("  summary: {}", out_dir.join(SUMMARY_FILE).display());
        Ok(if summary.failed > 0 || !summary.conflicts.is_empty() {
            Exit::DocumentsFailed
        } else {
            Exit::Ok
        })
    }
}

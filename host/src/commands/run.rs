//! `docpipe run`: read, process, write, summarize; with `--state`, one
//! shard of a planned run.

use super::Exit;
use crate::cli::RunArgs;
use crate::output::OutputWriter;
use crate::run::{execute, fingerprint, read_input, RunError, RunOptions, SUMMARY_FILE};
use crate::shard::{ShardError, State};
use miette::{miette, Result};

/// Where a scheduler says which shard a process is: a Slurm array, then a
/// Kubernetes Indexed Job.
const SHARD_VARIABLES: [&str; 2] = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"];

/// Run a pipeline.
#[derive(Debug)]
pub struct RunCommand {
    args: RunArgs,
}

impl RunCommand {
    /// Wrap parsed arguments.
    pub fn new(args: RunArgs) -> Self {
        RunCommand { args }
    }

    /// Run; the exit code says whether any document failed (for a shard:
    /// whether the shard completed).
    pub fn execute(self) -> Result<Exit> {
        // A shard opens its state first: one that completed exits before
        // any plugin is loaded.
        let shard = match &self.args.state {
            Some(dir) => {
                let index = match self.shard_index() {
                    Ok(index) => index,
                    Err(message) => {
                        eprintln!("error: {message}");
                        return Ok(Exit::Config);
                    }
                };
                let state = match State::open(dir).and_then(|state| {
                    state.check_index(index)?;
                    Ok(state)
                }) {
                    Ok(state) => state,
                    Err(e) => return Ok(super::shard_failure(&e)),
                };
                if state.is_done(index) {
                    println!("shard {index} of {} is already complete", dir.display());
                    return Ok(Exit::Ok);
                }
                Some((state, index))
            }
            None => None,
        };
        let Some(mut pipeline) = super::load_pipeline(&self.args.pipeline) else {
            return Ok(Exit::Config);
        };
        if !self.args.inputs.is_empty() {
            let cwd = std::env::current_dir()
                .map_err(|e| miette!("cannot read the current directory: {e}"))?;
            pipeline.input.paths = self.args.inputs.iter().map(|p| cwd.join(p)).collect();
        }
        if let Some(output) = &self.args.output {
            pipeline.output.directory = output.clone();
        }
        let jobs = self
            .args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1);

        let Some(prepared) = super::prepare_pipeline(pipeline, jobs) else {
            return Ok(Exit::Config);
        };
        let pipeline = &prepared.pipeline;
        let fingerprint = fingerprint(pipeline, &prepared.stages);
        let (out_dir, overwrite, selection, lock) = match &shard {
            Some((state, index)) => match state.start_shard(*index, &fingerprint) {
                Ok(Some((selection, lock))) => {
                    // The shard's directory is its own: a file there that
                    // differs is what a killed attempt left.
                    (state.shard_dir(*index), true, Some(selection), Some(lock))
                }
                Ok(None) => {
                    println!(
                        "shard {index} of {} is already complete",
                        state.dir().display()
                    );
                    return Ok(Exit::Ok);
                }
                Err(e) => return Ok(super::shard_failure(&e)),
            },
            None => (
                pipeline.output.directory.clone(),
                self.args.overwrite || pipeline.output.overwrite,
                None,
                None,
            ),
        };
        let documents = read_input(&pipeline.input).map_err(|e| miette!("{e}"))?;
        let writer = match OutputWriter::create(&out_dir, overwrite) {
            Ok(writer) => writer,
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(Exit::Retry);
            }
        };
        let options = RunOptions {
            jobs,
            progress: !self.args.no_progress,
            on_error: pipeline.on_error,
            verbose: self.args.verbose,
            contracts: pipeline.contracts,
            // A shard always goes on from where an earlier attempt stopped.
            resume: self.args.resume || selection.is_some(),
            fingerprint,
            shard: selection,
        };
        let summary = match (execute(prepared.stages, documents, writer, options), &shard) {
            (Ok(summary), _) => summary,
            (Err(e), Some((state, index))) => {
                let resume = matches!(e, RunError::Resume(_));
                let exit = super::shard_failure(&ShardError::Run(e));
                if resume {
                    eprintln!(
                        "hint: to run shard {index} over from its first item, remove `{}`",
                        state.shard_dir(*index).display()
                    );
                }
                return Ok(exit);
            }
            (Err(RunError::Output(e)), None) => {
                eprintln!("error: the run stopped because output could not be written: {e}");
                return Ok(Exit::Retry);
            }
            (Err(e), None) => {
                eprintln!("error: cannot resume: {e}");
                return Ok(Exit::Config);
            }
        };
        print!("{}", summary.render());
        println!("  summary: {}", out_dir.join(SUMMARY_FILE).display());
        if summary.interrupted {
            return Ok(Exit::Interrupted);
        }
        if let (Some((state, index)), Some(lock)) = (&shard, lock) {
            if let Err(e) = state.complete_shard(*index, &summary, lock) {
                return Ok(super::shard_failure(&e));
            }
            println!(
                "shard {index} of {} is complete ({} shards planned)",
                state.dir().display(),
                state.record().shards
            );
            // Failed documents are the merge's to report; the shard is done.
            return Ok(Exit::Ok);
        }
        Ok(if summary.failed > 0 || !summary.conflicts.is_empty() {
            Exit::DocumentsFailed
        } else {
            Exit::Ok
        })
    }

    /// `--shard`, else what the scheduler set.
    fn shard_index(&self) -> Result<u64, String> {
        if let Some(index) = self.args.shard {
            return Ok(index);
        }
        for variable in SHARD_VARIABLES {
            if let Ok(value) = std::env::var(variable) {
                return value.trim().parse().map_err(|_| {
                    format!("${variable} is `{value}`, not a shard number (0 to N-1)")
                });
            }
        }
        Err(format!(
            "which shard? pass --shard R, or run under a Slurm array (${}) or a Kubernetes Indexed Job (${})",
            SHARD_VARIABLES[0], SHARD_VARIABLES[1]
        ))
    }
}

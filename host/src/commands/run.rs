//! `docpipe run`: read, process, write, summarize.

use super::Exit;
use crate::cli::RunArgs;
use crate::input::{InputReader, InputSpec};
use crate::output::OutputWriter;
use crate::prepare;
use crate::run::{execute, fingerprint, InputFailure, RunError, RunOptions, SUMMARY_FILE};
use miette::{miette, Result};

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

    /// Run; the exit code says whether any document failed.
    pub fn execute(self) -> Result<Exit> {
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

        let prepared = match prepare::prepare(pipeline, jobs) {
            Ok(prepared) => prepared,
            Err(errors) => {
                eprintln!("{:?}", miette::Report::new(errors));
                return Ok(Exit::Config);
            }
        };
        super::print_warnings(&prepared.warnings);
        let pipeline = &prepared.pipeline;
        let reader = InputReader::new(InputSpec {
            roots: pipeline.input.paths.clone(),
            glob: pipeline.input.glob.clone(),
            format: pipeline.input.format,
            invalid_utf8: pipeline.input.invalid_utf8,
            max_file_size: pipeline.input.max_file_size,
        })
        .map_err(|e| miette!("{e}"))?;
        let documents = reader.map(|item| {
            item.map_err(|e| InputFailure {
                source: match (e.path(), e.line()) {
                    (Some(path), Some(line)) => format!("{}:{line}", path.display()),
                    (Some(path), None) => path.display().to_string(),
                    _ => "input".to_string(),
                },
                kind: "input",
                message: e.to_string(),
            })
        });
        let out_dir = pipeline.output.directory.clone();
        let overwrite = self.args.overwrite || pipeline.output.overwrite;
        let writer = OutputWriter::create(&out_dir, overwrite).map_err(|e| miette!("{e}"))?;
        let options = RunOptions {
            jobs,
            progress: !self.args.no_progress,
            on_error: pipeline.on_error,
            verbose: self.args.verbose,
            contracts: pipeline.contracts,
            resume: self.args.resume,
            fingerprint: fingerprint(pipeline, &prepared.stages),
        };
        let summary = match execute(prepared.stages, documents, writer, options) {
            Ok(summary) => summary,
            Err(RunError::Resume(e)) => {
                eprintln!("error: cannot resume: {e}");
                return Ok(Exit::Config);
            }
            Err(RunError::Output(e)) => {
                return Err(miette!(
                    "the run stopped because output could not be written: {e}"
                ))
            }
        };
        print!("{}", summary.render());
        println!("  summary: {}", out_dir.join(SUMMARY_FILE).display());
        Ok(if summary.interrupted {
            Exit::Interrupted
        } else if summary.failed > 0 || !summary.conflicts.is_empty() {
            Exit::DocumentsFailed
        } else {
            Exit::Ok
        })
    }
}

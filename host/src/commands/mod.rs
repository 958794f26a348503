//! One module per verb; each is a `<Verb>Command` with `execute()`, which
//! returns the exit code or a report for the user.

pub mod check;
pub mod merge;
pub mod plan;
pub mod plugins;
pub mod run;
pub mod schema;

use std::process::ExitCode;

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every document went through (or was dropped on purpose).
    Ok = 0,
    /// Some documents failed; the others were processed and written.
    DocumentsFailed = 1,
    /// Usage or configuration error: nothing was processed. Permanent: the
    /// same command fails the same way until something is changed.
    Config = 2,
    /// Stopped by something that may pass (an I/O error, a shard another
    /// process is running, shards not yet complete): the same command may
    /// succeed if run again. sysexits' `EX_TEMPFAIL`.
    Retry = 75,
    /// SIGINT or SIGTERM stopped the run; what was processed is written.
    Interrupted = 130,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// The exit code for a refused or failed plan, shard or merge, after
/// printing why.
fn shard_failure(error: &crate::shard::ShardError) -> Exit {
    eprintln!("error: {error}");
    if error.retryable() {
        Exit::Retry
    } else {
        Exit::Config
    }
}

/// Read and validate a pipeline file, printing warnings; on errors, print
/// them all and return `None`.
fn load_pipeline(path: &std::path::Path) -> Option<crate::pipeline::Pipeline> {
    match crate::pipeline::load(path, &crate::builtin::names()) {
        Ok(pipeline) => {
            print_warnings(&pipeline.warnings);
            Some(pipeline)
        }
        Err(errors) => {
            eprintln!("{:?}", miette::Report::new(errors));
            None
        }
    }
}

/// Load and configure every stage of `pipeline`, printing warnings; on
/// errors, print them all and return `None`.
fn prepare_pipeline(
    pipeline: crate::pipeline::Pipeline,
    jobs: usize,
) -> Option<crate::prepare::PreparedPipeline> {
    match crate::prepare::prepare(pipeline, jobs) {
        Ok(prepared) => {
            print_warnings(&prepared.warnings);
            Some(prepared)
        }
        Err(errors) => {
            eprintln!("{:?}", miette::Report::new(errors));
            None
        }
    }
}

/// Print to stdout. A reader that went away (`docpipe plugins list | head`)
/// ends the output quietly instead of panicking as `println!` would.
fn emit(text: &str) -> miette::Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => miette::IntoDiagnostic::into_diagnostic(result),
    }
}

fn print_warnings(warnings: &[crate::pipeline::PipelineDiagnostic]) {
    for warning in warnings {
        eprintln!("{:?}", miette::Report::new(warning.clone()));
    }
}

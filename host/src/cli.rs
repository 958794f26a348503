//! Command-line interface. Doc comments here are the `--help` text.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Process documents through sandboxed WebAssembly plugins, as a pipeline file says.
///
/// Exit codes: 0 every document went through (for `run --shard`: the shard
/// completed); 1 some documents failed (the others were still processed and
/// written); 2 usage or configuration error, permanent: the same command
/// fails again; 75 a failure that may pass (an I/O error, a shard busy in
/// another process, shards not yet complete): run the same command again;
/// 130 interrupted by SIGINT or SIGTERM (what was processed is written).
#[derive(Debug, Parser)]
#[command(name = "docpipe", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a pipeline over its input and write the results; with --state,
    /// run one shard of a planned run.
    Run(RunArgs),
    /// Plan a run split into shards, for a scheduler (Slurm array,
    /// Kubernetes Indexed Job) to launch as separate processes.
    ///
    /// Lists the input once, in the order a run reads it, into
    /// `DIR/manifest.jsonl`, and records the pipeline's and plugins' digests,
    /// the number of shards and the manifest's sha256 in `DIR/run.json`.
    /// Then `docpipe run PIPELINE --state DIR --shard R` runs each shard and
    /// `docpipe merge --state DIR` writes the output a single run would have.
    /// Planning the same run again changes nothing; planning a different one
    /// into the same DIR is refused. See docs/scale-out.md.
    Plan(PlanArgs),
    /// Merge the shards of a planned run into its output directory, byte for
    /// byte what a single run of the pipeline writes.
    ///
    /// Refused until every shard has completed. Exit codes as for `run`: 1
    /// when some documents failed in some shard.
    Merge(MergeArgs),
    /// Check a pipeline without processing any document: parse it, load and
    /// configure every plugin, check every stage's pinned resources, and
    /// report every problem at once.
    Check(CheckArgs),
    /// List, inspect and build plugins.
    #[command(subcommand)]
    Plugins(PluginsCommand),
    /// Print JSON Schemas: of the pipeline file, or of a plugin's config,
    /// input and output.
    ///
    /// The repository commits them under `schemas/`; point an editor at
    /// `schemas/pipeline.schema.json` to have pipeline files checked and
    /// completed as they are typed.
    #[command(subcommand)]
    Schema(SchemaCommand),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The pipeline file (TOML; `.yaml`/`.yml` and `.json` are read as YAML and JSON).
    pub pipeline: PathBuf,
    /// Read these files or directories instead of the pipeline's `input.paths`
    /// (relative to the current directory). Repeatable.
    #[arg(long = "input", value_name = "PATH")]
    pub inputs: Vec<PathBuf>,
    /// Write into this directory instead of the pipeline's `output.directory`.
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Replace existing output files whose contents differ from this run's
    /// (as `overwrite = true` in `[output]`). Without it they are kept and
    /// reported.
    #[arg(long)]
    pub overwrite: bool,
    /// Documents processed at once (default: the number of available cores).
    /// Outputs are identical whatever this is.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Never show a progress bar (it is shown only when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,
    /// Go on from where an interrupted run (Ctrl-C, SIGTERM, `kill -9`, a
    /// crash) in the same output directory stopped: documents it finished
    /// are not processed again, and the outputs end up exactly as if the run
    /// had never been interrupted. Refused if the pipeline, a plugin or the
    /// input changed since.
    #[arg(long)]
    pub resume: bool,
    /// Also show plugins' info-level log messages (warnings and errors always show).
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Run one shard of the run planned in this state directory (see
    /// `docpipe plan`), into `DIR/shards/R/`. The shard writes
    /// `DIR/stats/R.json` and then, last, the marker `DIR/done/R`; it exits
    /// 0 once complete, even when some of its documents failed (the merge
    /// reports those). A shard whose marker exists exits at once, and a
    /// relaunch after a kill or preemption goes on where it stopped.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["inputs", "output", "overwrite", "resume"])]
    pub state: Option<PathBuf>,
    /// Which shard to run, 0 to N-1. Default: $SLURM_ARRAY_TASK_ID, else
    /// $JOB_COMPLETION_INDEX (set by Slurm arrays and Kubernetes Indexed Jobs).
    #[arg(long, value_name = "R", requires = "state")]
    pub shard: Option<u64>,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The pipeline file.
    pub pipeline: PathBuf,
    /// How many shards.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub shards: u64,
    /// The state directory, shared by every shard and the merge (created if needed).
    #[arg(long, value_name = "DIR")]
    pub state: PathBuf,
    /// Where the merge writes, instead of the pipeline's `output.directory`
    /// (relative to the current directory).
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Let the merge replace existing output files that differ (as
    /// `overwrite = true` in `[output]`).
    #[arg(long)]
    pub overwrite: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The state directory the run was planned in.
    #[arg(long, value_name = "DIR")]
    pub state: PathBuf,
    /// Write here instead of the planned output directory.
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Replace existing output files whose contents differ.
    #[arg(long)]
    pub overwrite: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The pipeline file.
    pub pipeline: PathBuf,
    /// Also print the document schema out of the input reader and after each
    /// stage, as the contract checker computed it.
    #[arg(long)]
    pub explain: bool,
}

#[derive(Debug, Subcommand)]
pub enum PluginsCommand {
    /// List the built-in plugins.
    List,
    /// Show a plugin's manifest and schemas.
    Inspect {
        /// `builtin:<name>` or a path to a `.wasm` component.
        plugin: String,
        /// Print the manifest as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Build plugin crates into components.
    ///
    /// Each PATH is a plugin crate (a directory with Cargo.toml) or a directory
    /// of such crates. Uses rustup's wasm32-unknown-unknown target when it is
    /// installed, else Debian's rustc-web with -Zbuild-std.
    Build {
        /// Plugin crates, or directories holding them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Where to write `<name>.wasm` (default: the current directory).
        #[arg(long, value_name = "DIR", default_value = ".")]
        out_dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Print the JSON Schema of pipeline files (TOML, YAML or JSON alike).
    Pipeline,
    /// Print a plugin's name, version, kind and schemas.
    ///
    /// The schemas are JSON Schemas of the stage's `config`, of the document
    /// fields the plugin reads (`input`) and of those it guarantees on output
    /// (`output`).
    Plugin {
        /// `builtin:<name>` or a path to a `.wasm` component.
        plugin: String,
    },
}

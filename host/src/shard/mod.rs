//! Scale-out: one run split into shards that schedulers (Slurm arrays,
//! Kubernetes Indexed Jobs) launch as separate processes, coordinating only
//! through a shared state directory. `plan` lists the input once; each shard
//! processes the items `i` with `i mod N == R` into its own directory;
//! `merge` assembles the output a single run would have written, byte for
//! byte. Nothing here ever talks to another process: only files.
//!
//! The state directory:
//!
//! ```text
//! run.json            the run record (written last by plan)
//! manifest.jsonl      one line per input item, in input order
//! shards/R/           shard R's outputs, with its journal kept for the merge
//! shards/R.lock       held while shard R runs
//! stats/R.json        shard R's summary
//! done/R              shard R's completion marker, written last
//! ```

mod merge;
mod plan;

pub use merge::merge;
pub use plan::{plan, PlanRequest, Planned};

use crate::output::{OutputError, RESUME_DIR};
use crate::run::{id_digest, RunError, RunSummary, ShardSelection};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// The run record's file name in the state directory.
pub const RECORD_FILE: &str = "run.json";
/// The manifest's file name in the state directory.
pub const MANIFEST_FILE: &str = "manifest.jsonl";

/// Bumped when the state directory's layout changes; an older one is refused.
const FORMAT: u32 = 1;

/// Why a plan, a shard or a merge was refused or could not finish.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    /// The state directory holds no plan.
    #[error("`{}` holds no planned run (no `{RECORD_FILE}`); plan it first with `docpipe plan PIPELINE --shards N --state {}`", state.display(), state.display())]
    NotPlanned {
        /// The state directory.
        state: PathBuf,
    },
    /// Planning over a different plan.
    #[error("`{}` already holds a different planned run: {differences}; its shards' outputs belong to that plan, so plan into another state directory (or remove this one to start over)", state.display())]
    PlannedDifferently {
        /// The state directory.
        state: PathBuf,
        /// What differs, in words.
        differences: String,
    },
    /// A shard index that is not in the plan.
    #[error("shard {index} is out of range: `{}` was planned for {count} shards, numbered 0 to {}", state.display(), count - 1)]
    OutOfRange {
        /// The state directory.
        state: PathBuf,
        /// The index asked for.
        index: u64,
        /// The plan's number of shards.
        count: u64,
    },
    /// The pipeline given to a shard is not the planned one.
    #[error("the pipeline, a plugin or the input settings differ from those `{}` was planned with; every shard must run the planned pipeline (plan again into another state directory to run this one)", state.display())]
    ChangedSincePlan {
        /// The state directory.
        state: PathBuf,
    },
    /// A pipeline that cannot be sharded.
    #[error("{reason}")]
    Unshardable {
        /// Why, in words.
        reason: String,
    },
    /// Another process holds the shard.
    #[error("shard {index} of `{}` is being run by another process (`{}` is locked); run it again once that one has stopped", state.display(), lock.display())]
    Busy {
        /// The state directory.
        state: PathBuf,
        /// The shard.
        index: u64,
        /// The lock file.
        lock: PathBuf,
    },
    /// Merging before every shard completed.
    #[error("cannot merge `{}` yet: {} of {count} shards have not completed (no marker in `done/`): {}; run them, then merge again", state.display(), missing.len(), list(missing))]
    Incomplete {
        /// The state directory.
        state: PathBuf,
        /// Shards without a marker.
        missing: Vec<u64>,
        /// The plan's number of shards.
        count: u64,
    },
    /// The shards' outputs cannot be put together as one run would have written them.
    #[error("cannot merge `{}`: {reason}", state.display())]
    NotMergeable {
        /// The state directory.
        state: PathBuf,
        /// Why, in words.
        reason: String,
    },
    /// A file of the state directory is not what it should be.
    #[error("`{}` is damaged: {reason}", path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Running the shard failed.
    #[error(transparent)]
    Run(#[from] RunError),
    /// A file-system operation failed.
    #[error("could not access `{}`: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl From<OutputError> for ShardError {
    fn from(e: OutputError) -> Self {
        ShardError::Run(e.into())
    }
}

impl ShardError {
    /// Whether running the same command again may succeed (an I/O error,
    /// a busy shard, shards still running), as opposed to a configuration
    /// or contract error that fails the same way every time.
    pub fn retryable(&self) -> bool {
        matches!(
            self,
            ShardError::Busy { .. }
                | ShardError::Incomplete { .. }
                | ShardError::Io { .. }
                | ShardError::Run(RunError::Output(OutputError::Io { .. }))
        )
    }
}

fn list(indices: &[u64]) -> String {
    const SHOWN: usize = 20;
    let mut text = indices
        .iter()
        .take(SHOWN)
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if indices.len() > SHOWN {
        text.push_str(&format!(" and {} more", indices.len() - SHOWN));
    }
    text
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> ShardError + '_ {
    move |source| ShardError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// `run.json`: what was planned. Shards and the merge refuse to work on
/// anything else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The state directory's format.
    pub docpipe_plan: u32,
    /// The docpipe that planned it (part of the fingerprint too).
    pub docpipe_version: String,
    /// The pipeline file, for people reading the record.
    pub pipeline: PathBuf,
    /// What decides the outputs: docpipe, input settings, plugins, configs,
    /// limits, error policies (see [`crate::run::fingerprint`]).
    pub fingerprint: String,
    /// The stages, with each plugin's sha256.
    pub stages: Vec<PlannedStage>,
    /// Where the merge writes the final output.
    pub output: PathBuf,
    /// Whether the merge may replace existing files that differ.
    pub overwrite: bool,
    /// How many shards.
    pub shards: u64,
    /// How many input items the manifest lists.
    pub items: u64,
    /// sha256 of `manifest.jsonl`.
    pub manifest_sha256: String,
}

/// One stage as planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedStage {
    /// The stage's id.
    pub id: String,
    /// The plugin it runs (`builtin:export` or a path).
    pub plugin: String,
    /// sha256 of the plugin's component.
    pub sha256: String,
}

/// One line of `manifest.jsonl`.
#[derive(Debug, Serialize, Deserialize)]
struct ManifestLine {
    /// The document's id, or where an unreadable item came from.
    id: String,
    /// The shard that processes it.
    shard: u64,
    /// True for an item the reader could not read into a document.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    unreadable: bool,
}

/// A state directory with a plan in it.
#[derive(Debug)]
pub struct State {
    dir: PathBuf,
    record: RunRecord,
}

impl State {
    /// Open the state directory `dir`, which must hold a plan.
    pub fn open(dir: &Path) -> Result<State, ShardError> {
        let path = dir.join(RECORD_FILE);
        let record = match fs::read(&path) {
            Ok(bytes) => read_record(&path, &bytes)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ShardError::NotPlanned {
                    state: dir.to_path_buf(),
                })
            }
            Err(e) => return Err(io_error(&path)(e)),
        };
        Ok(State {
            dir: dir.to_path_buf(),
            record,
        })
    }

    /// The state directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The plan.
    pub fn record(&self) -> &RunRecord {
        &self.record
    }

    /// Refuse an index outside the plan.
    pub fn check_index(&self, index: u64) -> Result<(), ShardError> {
        if index < self.record.shards {
            Ok(())
        } else {
            Err(ShardError::OutOfRange {
                state: self.dir.clone(),
                index,
                count: self.record.shards,
            })
        }
    }

    /// Where shard `index` writes its outputs and keeps its journal.
    pub fn shard_dir(&self, index: u64) -> PathBuf {
        self.dir.join("shards").join(index.to_string())
    }

    fn marker(&self, index: u64) -> PathBuf {
        self.dir.join("done").join(index.to_string())
    }

    fn stats(&self, index: u64) -> PathBuf {
        self.dir.join("stats").join(format!("{index}.json"))
    }

    /// Whether shard `index` has completed.
    pub fn is_done(&self, index: u64) -> bool {
        self.marker(index).is_file()
    }

    /// Take shard `index` for this process (a second process launched on
    /// the same shard, e.g. by a requeue while the first still runs, is
    /// refused) and read the manifest into what the run needs to select and
    /// check its items. `fingerprint` is the pipeline's as given to the shard.
    /// `None` when the shard completed meanwhile.
    pub fn start_shard(
        &self,
        index: u64,
        fingerprint: &str,
    ) -> Result<Option<(ShardSelection, ShardLock)>, ShardError> {
        self.check_index(index)?;
        if fingerprint != self.record.fingerprint {
            return Err(ShardError::ChangedSincePlan {
                state: self.dir.clone(),
            });
        }
        let shards = self.dir.join("shards");
        fs::create_dir_all(&shards).map_err(io_error(&shards))?;
        let lock_path = shards.join(format!("{index}.lock"));
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io_error(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(ShardError::Busy {
                    state: self.dir.clone(),
                    index,
                    lock: lock_path,
                })
            }
            Err(fs::TryLockError::Error(e)) => return Err(io_error(&lock_path)(e)),
        }
        if self.is_done(index) {
            return Ok(None);
        }
        let manifest = self.dir.join(MANIFEST_FILE);
        let mut planned = Vec::with_capacity(self.record.items as usize);
        self.read_manifest(|_, id| {
            planned.push(id_digest(id));
            Ok(())
        })?;
        let selection = ShardSelection {
            index,
            count: self.record.shards,
            planned,
            manifest,
        };
        Ok(Some((selection, ShardLock { _file: lock })))
    }

    /// Record that shard `index` completed: its summary, then, last, its
    /// marker. What only a relaunch needed is removed after the marker.
    pub fn complete_shard(
        &self,
        index: u64,
        summary: &RunSummary,
        _lock: ShardLock,
    ) -> Result<(), ShardError> {
        let stats = self.stats(index);
        // Streamed: the summary's list of files is read from disk.
        write_atomically_with(&stats, |out| {
            Ok(serde_json::to_writer_pretty(out, summary)?)
        })?;
        write_atomically(&self.marker(index), b"")?;
        // The journal stays: the merge reads it. The copies of the whole-run
        // files kept for a relaunch are no longer needed.
        let partial = self.shard_dir(index).join(RESUME_DIR).join("partial");
        match fs::remove_dir_all(&partial) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_error(&partial)(e)),
            _ => Ok(()),
        }
    }

    /// Call `each(position, id)` for every manifest line, checking the
    /// manifest against the sha256 and item count the record holds.
    fn read_manifest(
        &self,
        mut each: impl FnMut(u64, &str) -> Result<(), ShardError>,
    ) -> Result<(), ShardError> {
        let path = self.dir.join(MANIFEST_FILE);
        let file = fs::File::open(&path).map_err(io_error(&path))?;
        let mut reader = BufReader::new(file);
        let mut hasher = Sha256::new();
        let mut line = String::new();
        let mut position = 0u64;
        loop {
            line.clear();
            if reader.read_line(&mut line).map_err(io_error(&path))? == 0 {
                break;
            }
            hasher.update(line.as_bytes());
            let item: ManifestLine =
                serde_json::from_str(&line).map_err(|e| ShardError::Damaged {
                    path: path.clone(),
                    reason: format!("line {}: {e}", position + 1),
                })?;
            each(position, &item.id)?;
            position += 1;
        }
        let sha256 = hex::encode(hasher.finalize());
        if sha256 != self.record.manifest_sha256 || position != self.record.items {
            return Err(ShardError::Damaged {
                path,
                reason: format!(
                    "it lists {position} items with sha256 {sha256}, but `{RECORD_FILE}` recorded {} items with sha256 {}",
                    self.record.items, self.record.manifest_sha256
                ),
            });
        }
        Ok(())
    }
}

/// Keeps other processes off a shard until it is dropped (the operating
/// system releases it when the process dies, however it dies).
#[derive(Debug)]
pub struct ShardLock {
    _file: fs::File,
}

fn read_record(path: &Path, bytes: &[u8]) -> Result<RunRecord, ShardError> {
    let damaged = |reason: String| ShardError::Damaged {
        path: path.to_path_buf(),
        reason,
    };
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| damaged(e.to_string()))?;
    let format = value.get("docpipe_plan").and_then(|v| v.as_u64());
    if format != Some(u64::from(FORMAT)) {
        return Err(damaged(format!(
            "it is not a docpipe {FORMAT} run record (`docpipe_plan` is {})",
            value
                .get("docpipe_plan")
                .unwrap_or(&serde_json::Value::Null)
        )));
    }
    serde_json::from_value(value).map_err(|e| damaged(e.to_string()))
}

/// Write a file of the state directory so that it appears whole or not at all.
fn write_atomically(path: &Path, data: &[u8]) -> Result<(), ShardError> {
    write_atomically_with(path, |out| out.write_all(data))
}

/// [`write_atomically`], the contents written by `write` through a buffer.
fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), ShardError> {
    let parent = path.parent().expect("state files are in a directory");
    fs::create_dir_all(parent).map_err(io_error(parent))?;
    Ok(crate::output::write_atomically_with(path, write)?)
}

//! `docpipe plan`: list the input once, in the reader's order, and record
//! what is planned. Planning again the same run is a no-op, so a scheduler
//! may rerun the step; planning a different run over it is refused.

use super::{
    io_error, write_atomically, ManifestLine, PlannedStage, RunRecord, ShardError, State, FORMAT,
    MANIFEST_FILE, RECORD_FILE,
};
use crate::run::{InputItem, Stage};
use docpipe_contract::pipeline::ErrorPolicy;
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// What a plan is made of, besides the input.
#[derive(Debug)]
pub struct PlanRequest<'a> {
    /// The pipeline file.
    pub pipeline: PathBuf,
    /// The prepared stages.
    pub stages: &'a [Stage],
    /// The pipeline's fingerprint (see [`crate::run::fingerprint`]).
    pub fingerprint: String,
    /// Where the merge writes.
    pub output: PathBuf,
    /// Whether the merge may replace existing files that differ.
    pub overwrite: bool,
    /// How many shards.
    pub shards: u64,
}

/// What planning did.
#[derive(Debug)]
pub enum Planned {
    /// A new plan was written.
    New(RunRecord),
    /// The directory already held this very plan; nothing was changed.
    Unchanged(RunRecord),
}

/// Plan `items` into `state`.
pub fn plan<I>(state: &Path, request: PlanRequest<'_>, items: I) -> Result<Planned, ShardError>
where
    I: Iterator<Item = InputItem>,
{
    if let Some(stage) = request
        .stages
        .iter()
        .find(|s| s.on_error == ErrorPolicy::FailFast)
    {
        return Err(ShardError::Unshardable {
            reason: format!(
                "stage `{}` has on_error = \"fail-fast\": a single run stops at the first failure, shards running apart cannot stop each other at the same place; use \"skip\" or \"dead-letter\" to shard this pipeline",
                stage.id
            ),
        });
    }
    fs::create_dir_all(state).map_err(io_error(state))?;
    let existing = match State::open(state) {
        Ok(existing) => Some(existing.record),
        Err(ShardError::NotPlanned { .. }) => None,
        Err(e) => return Err(e),
    };
    let mut record = RunRecord {
        docpipe_plan: FORMAT,
        docpipe_version: env!("CARGO_PKG_VERSION").to_string(),
        pipeline: request.pipeline,
        fingerprint: request.fingerprint,
        stages: request
            .stages
            .iter()
            .map(|s| PlannedStage {
                id: s.id.clone(),
                plugin: s.plugin.label().to_string(),
                sha256: s.plugin.sha256().to_string(),
            })
            .collect(),
        output: request.output,
        overwrite: request.overwrite,
        shards: request.shards,
        items: 0,
        manifest_sha256: String::new(),
    };
    // Refuse before reading a large input when the answer is already known.
    if let Some(existing) = &existing {
        refuse_if_different(state, existing, &record, false)?;
    }

    let mut manifest = tempfile::Builder::new()
        .prefix(crate::output::TEMP_PREFIX)
        .tempfile_in(state)
        .map_err(io_error(state))?;
    let manifest_path = state.join(MANIFEST_FILE);
    let mut hasher = Sha256::new();
    {
        let mut out = BufWriter::new(manifest.as_file_mut());
        for (position, item) in items.enumerate() {
            let (id, unreadable) = match item {
                Ok(document) => (document.id, false),
                Err(failure) => (failure.source, true),
            };
            let mut line = serde_json::to_string(&ManifestLine {
                id,
                shard: position as u64 % record.shards,
                unreadable,
            })
            .expect("a manifest line serializes");
            line.push('\n');
            hasher.update(line.as_bytes());
            out.write_all(line.as_bytes())
                .map_err(io_error(&manifest_path))?;
            record.items += 1;
        }
        out.flush().map_err(io_error(&manifest_path))?;
    }
    record.manifest_sha256 = hex::encode(hasher.finalize());

    if let Some(existing) = existing {
        refuse_if_different(state, &existing, &record, true)?;
        return Ok(Planned::Unchanged(existing));
    }
    manifest
        .as_file()
        .sync_all()
        .map_err(io_error(&manifest_path))?;
    manifest
        .persist(&manifest_path)
        .map_err(|e| ShardError::Io {
            path: manifest_path.clone(),
            source: e.error,
        })?;
    // The record last: a plan killed half-way leaves no record, and is
    // simply planned again.
    write_atomically(
        &state.join(RECORD_FILE),
        &serde_json::to_vec_pretty(&record).expect("the record serializes"),
    )?;
    Ok(Planned::New(record))
}

/// Refuse `new` when it is not the plan `existing` records. The input is
/// compared only once it has been listed (`listed`).
fn refuse_if_different(
    state: &Path,
    existing: &RunRecord,
    new: &RunRecord,
    listed: bool,
) -> Result<(), ShardError> {
    let mut differences = Vec::new();
    if existing.fingerprint != new.fingerprint {
        differences.push(format!(
            "it was planned with another pipeline, plugin or input settings (`{}`)",
            existing.pipeline.display()
        ));
    }
    if existing.shards != new.shards {
        differences.push(format!(
            "it was planned for {} shards, not {}",
            existing.shards, new.shards
        ));
    }
    if existing.output != new.output || existing.overwrite != new.overwrite {
        differences.push(format!(
            "its output directory is `{}`{}, not `{}`{}",
            existing.output.display(),
            if existing.overwrite {
                " with overwrite"
            } else {
                ""
            },
            new.output.display(),
            if new.overwrite { " with overwrite" } else { "" },
        ));
    }
    if listed && (existing.items != new.items || existing.manifest_sha256 != new.manifest_sha256) {
        differences.push(format!(
            "its input listed {} items (manifest sha256 {}), the input now lists {} (sha256 {})",
            existing.items, existing.manifest_sha256, new.items, new.manifest_sha256
        ));
    }
    if differences.is_empty() {
        Ok(())
    } else {
        Err(ShardError::PlannedDifferently {
            state: state.to_path_buf(),
            differences: differences.join("; "),
        })
    }
}

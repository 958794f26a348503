//! `docpipe merge`: put the shards' outputs together as the single run
//! would have written them. It walks the manifest in input order and, for
//! each item, replays what its shard's journal says the item wrote: its
//! per-document files, copied, and its byte range of every whole-run file,
//! appended (a header once). The same writer as a run's does the writing, so
//! `manifest.json`, `run-summary.json`, conflicts and stale files come out
//! as a run's do. It never changes the state directory.

use super::{io_error, ShardError, State};
use crate::output::{OutputError, OutputWriter, WrittenFile};
use crate::run::{publish, Entry, JournalReader, ResumeError, RunError, RunSummary, StageSummary};
use docpipe_contract::{Artifact, ArtifactMode};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::PathBuf;

/// Merge the completed shards of the plan in `state` into `output` (the
/// planned output directory when `None`). Returns the summary and where it went.
pub fn merge(
    state: &State,
    output: Option<PathBuf>,
    overwrite: bool,
) -> Result<(RunSummary, PathBuf), ShardError> {
    let record = state.record();
    let missing: Vec<u64> = (0..record.shards).filter(|&r| !state.is_done(r)).collect();
    if !missing.is_empty() {
        return Err(ShardError::Incomplete {
            state: state.dir().to_path_buf(),
            missing,
            count: record.shards,
        });
    }
    let not_mergeable = |reason: String| ShardError::NotMergeable {
        state: state.dir().to_path_buf(),
        reason,
    };
    let mut shards = Vec::new();
    let mut seconds = 0.0;
    for index in 0..record.shards {
        let stats_path = state.stats(index);
        let stats: serde_json::Value = fs::read(&stats_path)
            .map_err(io_error(&stats_path))
            .and_then(|bytes| {
                serde_json::from_slice(&bytes).map_err(|e| ShardError::Damaged {
                    path: stats_path.clone(),
                    reason: e.to_string(),
                })
            })?;
        seconds += stats["seconds"].as_f64().unwrap_or(0.0);
        let dir = state.shard_dir(index);
        let journal = JournalReader::open(&dir).map_err(journal_error)?;
        if journal.fingerprint() != record.fingerprint {
            return Err(not_mergeable(format!(
                "shard {index}'s journal `{}` was written by another pipeline than the planned one",
                journal.path().display()
            )));
        }
        shards.push(ShardOutput {
            index,
            dir,
            journal,
            appends: HashMap::new(),
        });
    }

    let out_dir = output.unwrap_or_else(|| record.output.clone());
    let mut writer = OutputWriter::create(&out_dir, overwrite || record.overwrite)?;
    let mut summary = RunSummary {
        stages: record
            .stages
            .iter()
            .map(|s| StageSummary {
                id: s.id.clone(),
                plugin: s.plugin.clone(),
                ..StageSummary::default()
            })
            .collect(),
        shards: Some(record.shards),
        seconds,
        ..RunSummary::default()
    };
    state.read_manifest(|position, id| {
        let shard = &mut shards[(position % record.shards) as usize];
        let entry = shard.journal.next_entry().map_err(journal_error)?.ok_or_else(|| {
            not_mergeable(format!(
                "shard {}'s journal ends before item {} (`{id}`), which the shard should have processed",
                shard.index,
                position + 1
            ))
        })?;
        if entry.id != id {
            return Err(not_mergeable(format!(
                "item {} is `{id}` in the manifest but `{}` in shard {}'s journal",
                position + 1,
                entry.id,
                shard.index
            )));
        }
        match shard.replay(&entry, &mut writer) {
            Ok(()) => {}
            Err(Replay::State(e)) => return Err(e),
            Err(Replay::Output(e @ OutputError::Io { .. })) => return Err(e.into()),
            // Something one run would have refused for this document alone
            // (two shards wrote one file name, disagreed on a header, a file
            // from before is in the way): a merge cannot undo it.
            Err(Replay::Output(e)) => {
                return Err(not_mergeable(format!("item {} (`{id}`): {e}", position + 1)))
            }
        }
        summary.apply(&entry.tally);
        Ok(())
    })?;
    for shard in &mut shards {
        if let Some(extra) = shard.journal.next_entry().map_err(journal_error)? {
            return Err(not_mergeable(format!(
                "shard {}'s journal records `{}`, which the manifest does not give it",
                shard.index, extra.id
            )));
        }
    }
    let out_dir = writer.dir().to_path_buf();
    publish(writer, &mut summary, false)?;
    // The whole-run files grew in the output directory's resume directory;
    // nothing is left to resume there.
    OutputWriter::create(&out_dir, true)?.discard_resume_state()?;
    Ok((summary, out_dir))
}

/// A shard's journal that cannot be read is damaged state, not something
/// `--resume` could help with.
fn journal_error(error: RunError) -> ShardError {
    match error {
        RunError::Resume(ResumeError::Damaged { path, line, reason }) => ShardError::Damaged {
            path,
            reason: format!("line {line}: {reason}"),
        },
        other => other.into(),
    }
}

/// One shard's outputs, read in its journal's order.
struct ShardOutput {
    index: u64,
    dir: PathBuf,
    journal: JournalReader,
    /// Each whole-run file of the shard, open, with how far it has been read.
    appends: HashMap<String, AppendSource>,
}

struct AppendSource {
    file: fs::File,
    header: Option<Vec<u8>>,
    /// Bytes read so far, header included.
    read: u64,
}

enum Replay {
    State(ShardError),
    Output(OutputError),
}

impl From<OutputError> for Replay {
    fn from(e: OutputError) -> Self {
        Replay::Output(e)
    }
}

impl From<ShardError> for Replay {
    fn from(e: ShardError) -> Self {
        Replay::State(e)
    }
}

impl ShardOutput {
    /// Write again what one document wrote in this shard.
    fn replay(&mut self, entry: &Entry, writer: &mut OutputWriter) -> Result<(), Replay> {
        for file in &entry.output.files {
            let data = self.read_file(file)?;
            let artifact = Artifact {
                name: file.path.clone(),
                media_type: String::new(),
                mode: ArtifactMode::File,
                data,
                header: None,
            };
            writer.write_artifact(&entry.id, &artifact)?;
        }
        for mark in &entry.output.appends {
            let damaged = |reason: String| {
                Replay::State(ShardError::Damaged {
                    path: self.dir.join(&mark.path),
                    reason,
                })
            };
            if !self.appends.contains_key(&mark.path) {
                if !mark.opened {
                    return Err(damaged(format!(
                        "shard {}'s journal appends to it before opening it",
                        self.index
                    )));
                }
                let header = match &mark.header {
                    Some(hex) => Some(
                        hex::decode(hex)
                            .map_err(|_| damaged("its journaled header is not hex".into()))?,
                    ),
                    None => None,
                };
                let path = self.dir.join(&mark.path);
                let mut file =
                    fs::File::open(&path).map_err(|e| Replay::State(io_error(&path)(e)))?;
                let read = header.as_ref().map_or(0, |h| h.len() as u64);
                let mut start = vec![0; read as usize];
                file.read_exact(&mut start)
                    .map_err(|e| Replay::State(io_error(&path)(e)))?;
                if Some(&start) != header.as_ref() && read > 0 {
                    return Err(damaged(
                        "it does not start with its journaled header".into(),
                    ));
                }
                self.appends
                    .insert(mark.path.clone(), AppendSource { file, header, read });
            }
            let source = self.appends.get_mut(&mark.path).expect("inserted above");
            let Some(length) = mark.bytes.checked_sub(source.read) else {
                return Err(damaged(format!(
                    "shard {}'s journal has it shrink to {} bytes",
                    self.index, mark.bytes
                )));
            };
            let mut data = vec![0; length as usize];
            source.file.read_exact(&mut data).map_err(|e| {
                damaged(format!(
                    "it ends before the {} bytes its journal recorded: {e}",
                    mark.bytes
                ))
            })?;
            source.read = mark.bytes;
            writer.append(&mark.path, &data, source.header.as_deref())?;
        }
        Ok(())
    }

    /// A per-document file of the shard, checked against its journaled sha256.
    fn read_file(&self, file: &WrittenFile) -> Result<Vec<u8>, Replay> {
        let path = self.dir.join(&file.path);
        let data = fs::read(&path).map_err(|e| Replay::State(io_error(&path)(e)))?;
        if hex::encode(Sha256::digest(&data)) != file.sha256 {
            return Err(Replay::State(ShardError::Damaged {
                path,
                reason: format!(
                    "it is no longer the file shard {}'s journal recorded ({} bytes, sha256 {})",
                    self.index, file.bytes, file.sha256
                ),
            }));
        }
        Ok(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shard::{PlannedStage, RunRecord, MANIFEST_FILE, RECORD_FILE};
    use serde_json::json;
    use std::path::Path;

    /// A state directory written by hand: two shards, one document each,
    /// both of which wrote `x.txt` (`contents[R]`).
    fn state_with(dir: &Path, contents: [&str; 2]) -> State {
        let ids = ["a", "b"];
        let mut manifest = String::new();
        for (index, id) in ids.iter().enumerate() {
            manifest.push_str(&format!("{}\n", json!({"id": id, "shard": index})));
            let shard = dir.join("shards").join(index.to_string());
            fs::create_dir_all(shard.join(".docpipe-resume")).unwrap();
            fs::write(shard.join("x.txt"), contents[index]).unwrap();
            let head = json!({"docpipe_journal": 1, "fingerprint": "f"});
            let entry = json!({
                "id": id,
                "tally": {"seconds": [0.0], "outcome": {"fate": "completed"}},
                "files": [{
                    "path": "x.txt",
                    "bytes": contents[index].len(),
                    "sha256": hex::encode(Sha256::digest(contents[index])),
                }],
            });
            fs::write(
                shard.join(".docpipe-resume/journal.jsonl"),
                format!("{head}\n{entry}\n"),
            )
            .unwrap();
            fs::create_dir_all(dir.join("done")).unwrap();
            fs::write(dir.join("done").join(index.to_string()), "").unwrap();
            fs::create_dir_all(dir.join("stats")).unwrap();
            fs::write(dir.join(format!("stats/{index}.json")), "{\"seconds\": 1}").unwrap();
        }
        fs::write(dir.join(MANIFEST_FILE), &manifest).unwrap();
        let record = RunRecord {
            docpipe_plan: 1,
            docpipe_version: env!("CARGO_PKG_VERSION").into(),
            pipeline: "p.toml".into(),
            fingerprint: "f".into(),
            stages: vec![PlannedStage {
                id: "s".into(),
                plugin: "builtin:export".into(),
                sha256: "0".into(),
            }],
            output: dir.join("out"),
            overwrite: false,
            shards: 2,
            items: 2,
            manifest_sha256: hex::encode(Sha256::digest(&manifest)),
        };
        fs::write(dir.join(RECORD_FILE), serde_json::to_vec(&record).unwrap()).unwrap();
        State::open(dir).unwrap()
    }

    #[test]
    fn two_shards_writing_one_file_name_are_not_merged() {
        let dir = tempfile::tempdir().unwrap();
        let state = state_with(dir.path(), ["A", "B"]);
        let error = merge(&state, None, false).unwrap_err().to_string();
        assert!(
            error.contains("item 2 (`b`): artifact `x.txt` was already written for document `a`"),
            "{error}"
        );
    }

    #[test]
    fn a_shard_file_changed_after_its_journal_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let state = state_with(dir.path(), ["A", "B"]);
        fs::write(dir.path().join("shards/0/x.txt"), "changed").unwrap();
        let error = merge(&state, None, false).unwrap_err();
        assert!(!error.retryable());
        assert!(
            error
                .to_string()
                .contains("it is no longer the file shard 0's journal recorded (1 bytes"),
            "{error}"
        );
    }

    #[test]
    fn a_damaged_shard_journal_is_refused_as_damaged_state() {
        let dir = tempfile::tempdir().unwrap();
        let state = state_with(dir.path(), ["A", "B"]);
        let journal = dir.path().join("shards/1/.docpipe-resume/journal.jsonl");
        let text = fs::read_to_string(&journal).unwrap();
        fs::write(&journal, &text[..text.len() - 20]).unwrap();
        let error = merge(&state, None, false).unwrap_err();
        assert!(!error.retryable());
        let error = error.to_string();
        assert!(
            error.contains("journal.jsonl` is damaged: line 2: ") && !error.contains("--resume"),
            "{error}"
        );
    }

    #[test]
    fn a_changed_manifest_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let state = state_with(dir.path(), ["A", "B"]);
        let manifest = dir.path().join(MANIFEST_FILE);
        let text = fs::read_to_string(&manifest).unwrap();
        fs::write(&manifest, text.replace("\"b\"", "\"c\"")).unwrap();
        fs::remove_file(dir.path().join("done/0")).unwrap();
        let error = state.start_shard(0, "f").unwrap_err().to_string();
        assert!(
            error.contains("manifest.jsonl` is damaged: it lists 2 items with sha256"),
            "{error}"
        );
        assert!(merge(&state, None, false).is_err());
    }
}

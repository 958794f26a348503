//! The run's journal, so a run killed with `kill -9` (or a power cut of the
//! process) can be resumed with `--resume`. One line per document, written
//! after the document's files are: its id, how it counted in the summary,
//! and what it added to the output. Resuming replays the lines, skips that
//! many input items (checking they are the same documents) and goes on.
//! Lines are only ever appended, and a torn last line is ignored, so a kill
//! at any instant leaves a journal that is right about what it records.

use super::summary::Tally;
use super::{id_digest, RunSummary, Stage};
use crate::output::{Checkpoint, OutputError, OutputWriter, Restoring, RESUME_DIR};
use crate::pipeline::Pipeline;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The journal's file name inside the resume directory.
pub const JOURNAL_FILE: &str = "journal.jsonl";

/// Bumped when lines change shape; an older journal is then refused.
const FORMAT: u32 = 1;

/// Why a run could not be resumed.
#[derive(Debug, thiserror::Error)]
pub enum ResumeError {
    /// The journal belongs to a run of a different pipeline, plugin or input.
    #[error("the interrupted run in `{}` was made with a different pipeline, plugin or input settings; resuming would mix two runs' outputs (run without --resume to start over)", dir.display())]
    Changed {
        /// The output directory.
        dir: PathBuf,
    },
    /// The journal cannot be read back.
    #[error("the journal `{}` is damaged at line {line}: {reason} (run without --resume to start over)", path.display())]
    Damaged {
        /// The journal file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The input no longer lists the documents the journal recorded, in that order.
    #[error("the input changed since the interrupted run: item {position} is now `{now}`, the journal recorded another document there (run without --resume to start over)")]
    InputChanged {
        /// 1-based position in the input.
        position: u64,
        /// What the input has there now.
        now: String,
    },
    /// The input ends before the documents the journal recorded.
    #[error("the input changed since the interrupted run: it now has {now} items, but {recorded} were already processed (run without --resume to start over)")]
    InputShrank {
        /// Items in the input now.
        now: u64,
        /// Items the journal recorded.
        recorded: u64,
    },
}

#[derive(Serialize, Deserialize)]
struct Head {
    docpipe_journal: u32,
    fingerprint: String,
}

/// One document's line.
#[derive(Serialize, Deserialize)]
pub(crate) struct Entry {
    /// The document's id, or where an unreadable item came from.
    pub id: String,
    /// How it counted in the summary.
    pub tally: Tally,
    /// What it added to the output.
    #[serde(flatten)]
    pub output: Checkpoint,
}

/// The open journal of the current run.
pub(super) struct Journal {
    file: fs::File,
    path: PathBuf,
}

/// What resuming found: the open journal and, in input order, the id
/// digests of the documents already done, which the reader must meet again.
pub(super) struct Resumed {
    pub journal: Journal,
    pub done: Vec<u128>,
}

/// A digest of everything that decides a run's outputs: docpipe's version,
/// the input settings, every stage's plugin bytes, config, limits and error
/// policy, and the contract mode. Jobs and progress do not change outputs.
pub fn fingerprint(pipeline: &Pipeline, stages: &[Stage]) -> String {
    let mut hasher = Sha256::new();
    let mut add = |part: &str| {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    };
    add(env!("CARGO_PKG_VERSION"));
    add(&format!("{:?}", pipeline.input));
    add(&format!("{:?}", pipeline.contracts));
    for stage in stages {
        add(&stage.id);
        add(stage.plugin.sha256());
        add(&stage.config_json);
        add(&format!(
            "{:?} {:?} {:?}",
            stage.limits, stage.on_error, stage.instances
        ));
    }
    hex::encode(hasher.finalize())
}

/// A finished run's journal, read line by line (the merge of a sharded run
/// reads each shard's). Unlike resuming, it accepts no torn line: a run
/// that finished left none.
pub(crate) struct JournalReader {
    lines: std::io::Lines<BufReader<fs::File>>,
    path: PathBuf,
    line: usize,
    fingerprint: String,
}

impl JournalReader {
    /// Open the journal of the run in `out_dir`, refusing one written in
    /// another format.
    pub fn open(out_dir: &Path) -> Result<JournalReader, super::RunError> {
        let path = journal_path(out_dir);
        let file = fs::File::open(&path).map_err(|source| OutputError::Io {
            path: path.clone(),
            source,
        })?;
        let mut reader = JournalReader {
            lines: BufReader::new(file).lines(),
            path,
            line: 0,
            fingerprint: String::new(),
        };
        let head: Head = match reader.next_line()? {
            Some(line) => serde_json::from_str(&line).map_err(|e| reader.damaged(e.to_string()))?,
            None => return Err(reader.damaged("it is empty".to_string()).into()),
        };
        if head.docpipe_journal != FORMAT {
            return Err(reader
                .damaged(format!(
                    "it is in format {}, this docpipe reads format {FORMAT}",
                    head.docpipe_journal
                ))
                .into());
        }
        reader.fingerprint = head.fingerprint;
        Ok(reader)
    }

    /// The fingerprint of the run that wrote it (see [`fingerprint`]).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The next document's line, or `None` at the end.
    pub fn next_entry(&mut self) -> Result<Option<Entry>, super::RunError> {
        match self.next_line()? {
            Some(line) => Ok(Some(
                serde_json::from_str(&line).map_err(|e| self.damaged(e.to_string()))?,
            )),
            None => Ok(None),
        }
    }

    /// The journal file, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn next_line(&mut self) -> Result<Option<String>, OutputError> {
        self.line += 1;
        self.lines
            .next()
            .transpose()
            .map_err(|source| OutputError::Io {
                path: self.path.clone(),
                source,
            })
    }

    fn damaged(&self, reason: String) -> ResumeError {
        ResumeError::Damaged {
            path: self.path.clone(),
            line: self.line,
            reason,
        }
    }
}

fn journal_path(out_dir: &Path) -> PathBuf {
    out_dir.join(RESUME_DIR).join(JOURNAL_FILE)
}

impl Journal {
    /// Start a new journal, replacing any earlier one.
    pub fn start(out_dir: &Path, fingerprint: &str) -> Result<Journal, OutputError> {
        let path = journal_path(out_dir);
        let dir = path.parent().expect("the journal is in a directory");
        fs::create_dir_all(dir).map_err(|source| OutputError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let file = fs::File::create(&path).map_err(|source| OutputError::Io {
            path: path.clone(),
            source,
        })?;
        let mut journal = Journal { file, path };
        let head = Head {
            docpipe_journal: FORMAT,
            fingerprint: fingerprint.to_string(),
        };
        let head = serde_json::to_string(&head).expect("the head serializes");
        journal.write_lines(&format!("{head}\n"))?;
        Ok(journal)
    }

    /// Record documents, after everything they wrote is in place.
    pub fn record_all(&mut self, entries: &[Entry]) -> Result<(), OutputError> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut lines = String::new();
        for entry in entries {
            lines.push_str(&serde_json::to_string(entry).expect("entries serialize"));
            lines.push('\n');
        }
        self.write_lines(&lines)
    }

    /// One `write` per call: a kill leaves whole lines and at most one torn one.
    fn write_lines(&mut self, lines: &str) -> Result<(), OutputError> {
        let bytes = lines.as_bytes();
        self.file
            .write_all(bytes)
            .map_err(|source| OutputError::Io {
                path: self.path.clone(),
                source,
            })
    }
}

/// Replay the journal in `out_dir`: take back the output of every document
/// it records whose files are still complete, count them into `summary`, and
/// reopen the journal to go on. `None` when there is no journal to resume.
pub(super) fn resume(
    writer: &mut OutputWriter,
    fingerprint: &str,
    summary: &mut RunSummary,
) -> Result<Option<Resumed>, super::RunError> {
    let path = journal_path(writer.dir());
    let file = match fs::File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(OutputError::Io { path, source }.into()),
    };
    let damaged = |line: usize, reason: String| ResumeError::Damaged {
        path: path.clone(),
        line,
        reason,
    };
    let mut lines = BufReader::new(file);
    let mut buffer = String::new();
    let io = |source| OutputError::Io {
        path: path.clone(),
        source,
    };
    lines.read_line(&mut buffer).map_err(io)?;
    let head: Head = serde_json::from_str(&buffer).map_err(|e| damaged(1, e.to_string()))?;
    if head.docpipe_journal != FORMAT || head.fingerprint != fingerprint {
        return Err(ResumeError::Changed {
            dir: writer.dir().to_path_buf(),
        }
        .into());
    }
    // Where the last accepted line ends: the journal is cut there, so lines
    // of documents that will run again do not stay in it.
    let mut accepted_end = buffer.len() as u64;
    let mut done = Vec::new();
    let mut restoring = Restoring::default();
    let mut line_number = 1;
    loop {
        buffer.clear();
        let read = lines.read_line(&mut buffer).map_err(io)?;
        if read == 0 {
            break;
        }
        line_number += 1;
        let torn = !buffer.ends_with('\n');
        let entry: Entry = match serde_json::from_str(&buffer) {
            Ok(entry) => entry,
            // The kill landed while this line was being written.
            Err(_) if torn => break,
            Err(e) => return Err(damaged(line_number, e.to_string()).into()),
        };
        if !writer.restore(&entry.id, &entry.output, &mut restoring)? {
            eprintln!(
                "note: the outputs of `{}` are no longer complete; resuming from that document",
                entry.id
            );
            break;
        }
        summary.apply(&entry.tally);
        done.push(id_digest(&entry.id));
        accepted_end += read as u64;
    }
    writer.reopen_appends(restoring)?;
    let file = fs::OpenOptions::new().write(true).open(&path).map_err(io)?;
    file.set_len(accepted_end).map_err(io)?;
    let mut journal = Journal { file, path };
    journal
        .file
        .seek(SeekFrom::End(0))
        .map_err(|source| OutputError::Io {
            path: journal.path.clone(),
            source,
        })?;
    Ok(Some(Resumed { journal, done }))
}

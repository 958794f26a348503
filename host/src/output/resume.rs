//! What the writer needs to pick a killed run up again. After each document
//! the run journals a [`Checkpoint`]: the files that document wrote and how
//! long each whole-run file it appended to has grown. Whole-run files grow in
//! `.docpipe-resume/partial/`, so after a `kill -9` they are still there;
//! resuming cuts each back to its last journaled length, dropping the
//! half-written tail of a document that never finished.

use super::{confine, io_error, AppendFile, OutputError, OutputWriter, WrittenFile};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Hidden directory in the output directory that holds the run's journal
/// and its growing whole-run files. Removed when a run completes.
pub const RESUME_DIR: &str = ".docpipe-resume";

/// What one document added to the output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Per-document files it wrote, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<WrittenFile>,
    /// Whole-run files it appended to, with their length afterwards.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appends: Vec<AppendMark>,
}

/// The length of one whole-run file after a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppendMark {
    /// The file, relative to the output directory.
    pub path: String,
    /// True when this document opened the file.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub opened: bool,
    /// The header it opened the file with, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// Its length in bytes, header included.
    pub bytes: u64,
}

/// A whole-run file as the journal left it.
#[derive(Debug)]
struct Restored {
    header: Option<Vec<u8>>,
    bytes: u64,
}

/// What [`OutputWriter::restore`] gathers before [`OutputWriter::reopen_appends`].
#[derive(Debug, Default)]
pub struct Restoring {
    appends: BTreeMap<PathBuf, Restored>,
}

/// Whole-run files an interrupted run put in place, with their sha256.
const PUBLISHED_FILE: &str = "published.json";

impl OutputWriter {
    /// Remember which whole-run files this interrupted run put in place, so
    /// the resumed run may replace them with their completed versions.
    pub(super) fn publish(&self, files: &BTreeMap<String, String>) -> Result<(), OutputError> {
        let path = self.dir.join(RESUME_DIR).join(PUBLISHED_FILE);
        let json = serde_json::to_vec(files).expect("a map of strings serializes");
        fs::write(&path, json).map_err(io_error(&path))
    }

    /// Where the whole-run file `relative` grows until the run finishes.
    pub(super) fn partial_path(&self, relative: &Path) -> Result<PathBuf, OutputError> {
        let dir = self.dir.join(RESUME_DIR).join("partial");
        fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        let digest = Sha256::digest(relative.to_string_lossy().as_bytes());
        Ok(dir.join(hex::encode(&digest[..16])))
    }

    /// Remove what an earlier run kept for `--resume`. Returns whether there was any.
    pub fn discard_resume_state(&self) -> Result<bool, OutputError> {
        let dir = self.dir.join(RESUME_DIR);
        match fs::remove_dir_all(&dir) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(OutputError::Io {
                path: dir,
                source: e,
            }),
        }
    }

    /// What the writer did since the last checkpoint; the run journals it
    /// once a document's output is all written.
    pub fn checkpoint(&mut self) -> Checkpoint {
        let files = std::mem::take(&mut self.pending);
        let appends = std::mem::take(&mut self.touched)
            .into_iter()
            .map(|relative| {
                let file = &self.appends[&relative];
                let opened = self.opened.contains(&relative);
                AppendMark {
                    path: relative.to_string_lossy().replace('\\', "/"),
                    opened,
                    header: file.header.as_ref().filter(|_| opened).map(hex::encode),
                    bytes: file.bytes,
                }
            })
            .collect();
        self.opened.clear();
        Checkpoint { files, appends }
    }

    /// Take back one journaled document's output. Returns false, changing
    /// nothing, when one of its files is no longer there as written: that
    /// document and every later one must run again.
    pub fn restore(
        &mut self,
        id: &str,
        checkpoint: &Checkpoint,
        restoring: &mut Restoring,
    ) -> Result<bool, OutputError> {
        for file in &checkpoint.files {
            let path = self.dir.join(confine(&file.path)?);
            match fs::metadata(&path) {
                Ok(meta) if meta.is_file() && meta.len() == file.bytes => {}
                _ => return Ok(false),
            }
        }
        for file in &checkpoint.files {
            self.ledger.push(file.clone(), Some(id))?;
        }
        for mark in &checkpoint.appends {
            let relative = confine(&mark.path)?;
            let header = match (mark.opened, &mark.header) {
                (true, Some(hex)) => Some(hex::decode(hex).map_err(|_| corrupt(&mark.path))?),
                (true, None) => None,
                (false, _) => restoring
                    .appends
                    .get(&relative)
                    .ok_or_else(|| corrupt(&mark.path))?
                    .header
                    .clone(),
            };
            restoring.appends.insert(
                relative,
                Restored {
                    header,
                    bytes: mark.bytes,
                },
            );
        }
        Ok(true)
    }

    /// After the last [`restore`](Self::restore): cut each partial whole-run
    /// file back to its journaled length and go on appending to it; drop the
    /// partial files of documents that were never journaled.
    pub fn reopen_appends(&mut self, restoring: Restoring) -> Result<(), OutputError> {
        let published = self.dir.join(RESUME_DIR).join(PUBLISHED_FILE);
        if let Ok(json) = fs::read(&published) {
            let files: BTreeMap<String, String> =
                serde_json::from_slice(&json).map_err(|_| corrupt(PUBLISHED_FILE))?;
            for (path, sha256) in files {
                self.replaceable.insert(confine(&path)?, sha256);
            }
        }
        let partial_dir = self.dir.join(RESUME_DIR).join("partial");
        let mut keep = Vec::new();
        for (relative, restored) in restoring.appends {
            let name = relative.to_string_lossy().into_owned();
            let path = self.prepare_parent(&relative, &name)?;
            let partial = self.partial_path(&relative)?;
            let mut file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(&partial)
                .map_err(io_error(&partial))?;
            let length = file.metadata().map_err(io_error(&partial))?.len();
            if length < restored.bytes {
                return Err(OutputError::Io {
                    path: partial,
                    source: std::io::Error::other(format!(
                        "the partial `{name}` has {length} bytes but the journal recorded {}; \
                         it cannot be resumed, run again without --resume",
                        restored.bytes
                    )),
                });
            }
            file.set_len(restored.bytes).map_err(io_error(&partial))?;
            let mut hasher = Sha256::new();
            let mut buffer = vec![0u8; 1 << 16];
            file.seek(SeekFrom::Start(0)).map_err(io_error(&partial))?;
            loop {
                let n = file.read(&mut buffer).map_err(io_error(&partial))?;
                if n == 0 {
                    break;
                }
                hasher.update(&buffer[..n]);
            }
            file.seek(SeekFrom::End(0)).map_err(io_error(&partial))?;
            keep.push(partial.clone());
            self.appends.insert(
                relative.clone(),
                AppendFile {
                    file,
                    partial,
                    path,
                    relative,
                    header: restored.header,
                    hasher,
                    bytes: restored.bytes,
                },
            );
        }
        if let Ok(entries) = fs::read_dir(&partial_dir) {
            for entry in entries.filter_map(Result::ok) {
                if !keep.contains(&entry.path()) {
                    fs::remove_file(entry.path()).map_err(io_error(&entry.path()))?;
                }
            }
        }
        Ok(())
    }
}

fn corrupt(name: &str) -> OutputError {
    OutputError::Io {
        path: PathBuf::from(RESUME_DIR).join("journal.jsonl"),
        source: std::io::Error::other(format!(
            "the journal's record of `{name}` is damaged; run again without --resume"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use docpipe_contract::{Artifact, ArtifactMode};

    fn append(name: &str, data: &str) -> Artifact {
        Artifact {
            name: name.into(),
            media_type: "text/csv".into(),
            mode: ArtifactMode::Append,
            data: data.as_bytes().to_vec(),
            header: Some(b"id\n".to_vec()),
        }
    }

    fn file(name: &str, data: &str) -> Artifact {
        Artifact {
            name: name.into(),
            media_type: "text/plain".into(),
            mode: ArtifactMode::File,
            data: data.as_bytes().to_vec(),
            header: None,
        }
    }

    #[test]
    fn a_killed_writer_is_resumed_from_its_checkpoints_and_the_torn_tail_is_cut() {
        let out = tempfile::tempdir().unwrap();
        let mut writer = OutputWriter::create(out.path(), false).unwrap();
        writer.write_artifact("a", &file("a.txt", "A")).unwrap();
        writer
            .write_artifact("a", &append("all.csv", "a\n"))
            .unwrap();
        writer.append("rejects.jsonl", b"{}\n", None).unwrap();
        let first = writer.checkpoint();
        writer
            .write_artifact("b", &append("all.csv", "b\n"))
            .unwrap();
        let second = writer.checkpoint();
        // The third document is killed half-way: its file is written and its
        // row appended, but it was never journaled.
        writer.write_artifact("c", &file("c.txt", "C")).unwrap();
        writer
            .write_artifact("c", &append("all.csv", "c-torn"))
            .unwrap();
        assert_eq!(first.files.len(), 1);
        assert_eq!(first.appends[0].header.as_deref(), Some("69640a"));
        assert!(first.appends[0].opened);
        assert_eq!(
            second.appends[0].header, None,
            "the header is journaled once"
        );
        assert_eq!(second.appends[0].bytes, 7);
        std::mem::forget(writer); // as `kill -9` would: no finish, no drop

        let mut writer = OutputWriter::create(out.path(), false).unwrap();
        let mut restoring = Restoring::default();
        assert!(writer.restore("a", &first, &mut restoring).unwrap());
        assert!(writer.restore("b", &second, &mut restoring).unwrap());
        writer.reopen_appends(restoring).unwrap();
        // The third document runs again and writes the same file.
        writer.write_artifact("c", &file("c.txt", "C")).unwrap();
        writer
            .write_artifact("c", &append("all.csv", "c\n"))
            .unwrap();
        writer.append("rejects.jsonl", b"[]\n", None).unwrap();
        let err = writer.write_artifact("z", &file("a.txt", "A")).unwrap_err();
        assert!(
            err.to_string().contains("already written for document `a`"),
            "a restored document's files are still its own: {err}"
        );
        let finished = writer.finish(false).unwrap();
        assert_eq!(
            fs::read_to_string(out.path().join("rejects.jsonl")).unwrap(),
            "{}\n[]\n",
            "a file opened with no header is taken back too"
        );
        assert_eq!(
            fs::read_to_string(out.path().join("all.csv")).unwrap(),
            "id\na\nb\nc\n"
        );
        let files: Vec<_> = finished.files.iter().unwrap().map(Result::unwrap).collect();
        let csv = files.iter().find(|f| f.path == "all.csv").unwrap();
        assert_eq!(csv.sha256, hex::encode(Sha256::digest(b"id\na\nb\nc\n")));
        let names: Vec<_> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(names, ["a.txt", "c.txt", "all.csv", "rejects.jsonl"]);
    }

    #[test]
    fn a_document_whose_file_went_missing_is_not_restored() {
        let out = tempfile::tempdir().unwrap();
        let mut writer = OutputWriter::create(out.path(), false).unwrap();
        writer.write_artifact("a", &file("a.txt", "A")).unwrap();
        let checkpoint = writer.checkpoint();
        fs::remove_file(out.path().join("a.txt")).unwrap();
        let mut writer = OutputWriter::create(out.path(), false).unwrap();
        let mut restoring = Restoring::default();
        assert!(!writer.restore("a", &checkpoint, &mut restoring).unwrap());
        assert!(writer.ledger.is_empty() && writer.pending.is_empty());
    }
}

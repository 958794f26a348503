//! The list of every file a run wrote, for `manifest.json` and
//! `run-summary.json`. With a file per document it is the one record that
//! grows with the corpus (a million files, some 400 MB as structs), so it is
//! kept on disk: each entry is appended to an unnamed temporary file in the
//! output directory as it is written, and read back, streamed, when the run
//! publishes. In memory stays a 16-byte digest per path, which is what the
//! check that no two documents write one file needs; the rare collision
//! finds the first writer's id by reading the list back.

use super::{OutputError, WrittenFile};
use serde::ser::{Error as _, SerializeSeq};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One line of the ledger.
#[derive(Serialize, Deserialize)]
struct Record {
    #[serde(flatten)]
    file: WrittenFile,
    /// The document that wrote a per-document file (none for whole-run files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
}

/// The growing list, while the run writes.
pub(super) struct Ledger {
    /// Where errors are reported: the output directory (the file has no name).
    dir: PathBuf,
    out: BufWriter<File>,
    paths: HashSet<u128>,
    len: usize,
}

impl Ledger {
    /// Start an empty ledger in `dir`. The file is unnamed, so a killed run
    /// leaves nothing behind.
    pub(super) fn create(dir: &Path) -> Result<Self, OutputError> {
        let file = tempfile::tempfile_in(dir).map_err(super::io_error(dir))?;
        Ok(Ledger {
            dir: dir.to_path_buf(),
            out: BufWriter::new(file),
            paths: HashSet::new(),
            len: 0,
        })
    }

    /// Add a file; `id` is the document that wrote it, if it was one document's.
    pub(super) fn push(&mut self, file: WrittenFile, id: Option<&str>) -> Result<(), OutputError> {
        self.paths.insert(super::short_digest(&file.path));
        let record = Record {
            file,
            id: id.map(str::to_owned),
        };
        serde_json::to_writer(&mut self.out, &record)
            .map_err(std::io::Error::from)
            .and_then(|()| self.out.write_all(b"\n"))
            .map_err(super::io_error(&self.dir))?;
        self.len += 1;
        Ok(())
    }

    #[cfg(test)]
    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether a file of this path is listed (up to a 2^-128 chance of a
    /// digest collision, which [`first_writer`](Self::first_writer) settles).
    pub(super) fn contains(&self, path: &str) -> bool {
        self.paths.contains(&super::short_digest(path))
    }

    /// The document that wrote the per-document file `path`, if one did.
    pub(super) fn first_writer(&mut self, path: &str) -> Result<Option<String>, OutputError> {
        if !self.contains(path) {
            return Ok(None);
        }
        self.out.flush().map_err(super::io_error(&self.dir))?;
        for record in records(self.out.get_ref(), &self.dir)? {
            let record = record?;
            if record.file.path == path {
                return Ok(record.id);
            }
        }
        Ok(None)
    }

    /// Stop writing: what is listed can now be read back.
    pub(super) fn close(self) -> Result<FileList, OutputError> {
        let dir = self.dir;
        let file = self
            .out
            .into_inner()
            .map_err(|e| super::io_error(&dir)(e.into_error()))?;
        Ok(FileList(Some(Arc::new(Closed {
            dir,
            file,
            paths: self.paths,
            len: self.len,
        }))))
    }
}

/// The records of the ledger `file`, from its start.
fn records<'a>(
    mut file: &'a File,
    dir: &'a Path,
) -> Result<impl Iterator<Item = Result<Record, OutputError>> + 'a, OutputError> {
    file.seek(SeekFrom::Start(0))
        .map_err(super::io_error(dir))?;
    let mut reader = BufReader::new(file);
    let mut line = String::new();
    Ok(std::iter::from_fn(move || {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) => None,
            Ok(_) => Some(
                serde_json::from_str::<Record>(&line)
                    .map_err(|e| super::io_error(dir)(std::io::Error::from(e))),
            ),
            Err(e) => Some(Err(super::io_error(dir)(e))),
        }
    }))
}

struct Closed {
    dir: PathBuf,
    file: File,
    paths: HashSet<u128>,
    len: usize,
}

/// Every file a finished run wrote, in the order written, read from disk
/// each time it is walked. Serializes as the list of their paths (the
/// summary's `files`); [`FileList::entries`] serializes the manifest's
/// entries. Walks must not overlap: they share the file's position, and the
/// host walks it once per output file it writes.
#[derive(Clone, Default)]
pub struct FileList(Option<Arc<Closed>>);

impl std::fmt::Debug for FileList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileList({} files)", self.len())
    }
}

impl FileList {
    /// How many files.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |c| c.len)
    }

    /// Whether the run wrote no file.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `path` (relative, `/`-separated) is listed.
    pub fn contains(&self, path: &str) -> bool {
        self.0
            .as_ref()
            .is_some_and(|c| c.paths.contains(&super::short_digest(path)))
    }

    /// The files, read back in the order written.
    pub fn iter(
        &self,
    ) -> Result<Box<dyn Iterator<Item = Result<WrittenFile, OutputError>> + '_>, OutputError> {
        match &self.0 {
            None => Ok(Box::new(std::iter::empty())),
            Some(closed) => Ok(Box::new(
                records(&closed.file, &closed.dir)?.map(|r| r.map(|r| r.file)),
            )),
        }
    }

    /// Serializes as the list of the files' manifest entries.
    pub fn entries(&self) -> Entries<'_> {
        Entries(self)
    }

    fn serialize_each<S: Serializer, T: Serialize>(
        &self,
        serializer: S,
        each: impl Fn(WrittenFile) -> T,
    ) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for file in self.iter().map_err(S::Error::custom)? {
            seq.serialize_element(&each(file.map_err(S::Error::custom)?))?;
        }
        seq.end()
    }
}

impl Serialize for FileList {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_each(serializer, |file| file.path)
    }
}

/// See [`FileList::entries`].
pub struct Entries<'a>(&'a FileList);

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_each(serializer, |file| file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn file(path: &str) -> WrittenFile {
        WrittenFile {
            path: path.to_owned(),
            bytes: path.len() as u64,
            sha256: hex::encode(Sha256::digest(path.as_bytes())),
        }
    }

    #[test]
    fn entries_come_back_in_order_and_serialize_streamed() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::create(dir.path()).unwrap();
        ledger.push(file("a/1.md"), Some("one")).unwrap();
        ledger.push(file("b.md"), Some("two")).unwrap();
        assert_eq!(ledger.first_writer("b.md").unwrap().as_deref(), Some("two"));
        assert_eq!(ledger.first_writer("c.md").unwrap(), None);
        // Written after a read-back: still appended at the end.
        ledger.push(file("all.jsonl"), None).unwrap();
        assert_eq!(ledger.first_writer("all.jsonl").unwrap(), None);
        let list = ledger.close().unwrap();
        assert_eq!(list.len(), 3);
        assert!(list.contains("a/1.md") && !list.contains("a"));
        let read: Vec<_> = list.iter().unwrap().map(Result::unwrap).collect();
        assert_eq!(read, [file("a/1.md"), file("b.md"), file("all.jsonl")]);
        assert_eq!(
            serde_json::to_value(&list).unwrap(),
            serde_json::json!(["a/1.md", "b.md", "all.jsonl"])
        );
        let entries = serde_json::to_value(list.entries()).unwrap();
        assert_eq!(entries[2], serde_json::to_value(file("all.jsonl")).unwrap());
        // A second walk starts from the beginning again.
        assert_eq!(list.iter().unwrap().count(), 3);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "the ledger has no name in the output directory"
        );
    }

    #[test]
    fn an_empty_list_serializes_as_an_empty_array() {
        assert_eq!(serde_json::to_string(&FileList::default()).unwrap(), "[]");
        let dir = tempfile::tempdir().unwrap();
        let list = Ledger::create(dir.path()).unwrap().close().unwrap();
        assert_eq!(serde_json::to_string(&list.entries()).unwrap(), "[]");
    }
}

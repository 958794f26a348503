//! Writing results is the host's job: plugins only name artifacts. Every
//! name is confined to the output directory, every file appears atomically
//! (a hidden temporary file, then rename), whole-run files keep input order,
//! an existing different file is replaced only when the pipeline allows it,
//! and every file written is listed with its sha256. Whole-run files grow in
//! a hidden resume directory, so a killed run can be resumed (see `resume`).

mod ledger;
mod resume;

pub use ledger::{Entries, FileList};
pub use resume::{AppendMark, Checkpoint, Restoring, RESUME_DIR};

use ledger::Ledger;

use docpipe_contract::{Artifact, ArtifactMode};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use tempfile::NamedTempFile;

/// Temporary files start with this, so a run killed mid-way leaves nothing
/// under a final name, and the next run can sweep what it left.
pub const TEMP_PREFIX: &str = ".docpipe-tmp-";

/// Why something could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// An artifact name that would leave the output directory or is not a plain relative path.
    #[error("refused artifact name `{name}`: {reason}")]
    UnsafeName {
        /// The name the plugin gave.
        name: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// Two documents named the same file.
    #[error("artifact `{name}` was already written for document `{first}`; refusing to overwrite it (make the file names unique, e.g. include the id)")]
    Collision {
        /// The name both used.
        name: String,
        /// The document that wrote it first.
        first: String,
    },
    /// A file from before this run is in the way and differs.
    #[error("`{name}` already exists with different contents; refusing to overwrite it (set `overwrite = true` in the pipeline's `[output]`, pass `--overwrite`, or choose another output directory)")]
    Exists {
        /// The file, relative to the output directory.
        name: String,
    },
    /// Records of one whole-run file disagree on its header.
    #[error("whole-run file `{name}` was started with a different header; two stages writing one file must agree on its columns")]
    HeaderMismatch {
        /// The file.
        name: String,
    },
    /// A file-system operation failed.
    #[error("could not write `{}`: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// One file a run wrote, for `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct WrittenFile {
    /// Path relative to the output directory, with `/` separators.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// sha256 of the contents, hex.
    pub sha256: String,
}

/// A whole-run file being assembled in the resume directory.
struct AppendFile {
    /// The partial file, in the resume directory.
    file: fs::File,
    partial: PathBuf,
    /// Where it lands when the run finishes.
    path: PathBuf,
    relative: PathBuf,
    header: Option<Vec<u8>>,
    hasher: Sha256,
    bytes: u64,
}

impl AppendFile {
    fn write(&mut self, data: &[u8]) -> Result<(), OutputError> {
        self.file.write_all(data).map_err(io_error(&self.partial))?;
        self.hasher.update(data);
        self.bytes += data.len() as u64;
        Ok(())
    }
}

/// What [`OutputWriter::finish`] leaves behind.
#[derive(Debug)]
pub struct Finished {
    /// Every file written, in the order written.
    pub files: FileList,
    /// Whole-run files that would have replaced a different existing file:
    /// the new contents were kept beside it as `<name>.new`.
    pub conflicts: Vec<String>,
}

/// Writes one run's files into one output directory.
pub struct OutputWriter {
    dir: PathBuf,
    overwrite: bool,
    appends: BTreeMap<PathBuf, AppendFile>,
    /// Every file written so far, on disk: per-document files as they are
    /// written, whole-run files when they land.
    ledger: Ledger,
    /// Per-document files written since the last checkpoint.
    pending: Vec<WrittenFile>,
    /// Whole-run files appended to (and opened) since the last checkpoint.
    touched: BTreeSet<PathBuf>,
    opened: BTreeSet<PathBuf>,
    /// Whole-run files an interrupted run published (path, sha256): the
    /// resumed run replaces them, being their continuation.
    replaceable: HashMap<PathBuf, String>,
}

impl std::fmt::Debug for OutputWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutputWriter")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl OutputWriter {
    /// Create (if needed) and open the output directory, sweeping temporary
    /// files an interrupted run left. With `overwrite`, existing files that
    /// differ from this run's are replaced; without it they are refused.
    pub fn create(dir: &Path, overwrite: bool) -> Result<Self, OutputError> {
        fs::create_dir_all(dir).map_err(io_error(dir))?;
        let dir = dir.canonicalize().map_err(io_error(dir))?;
        for entry in walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
        {
            if entry.file_type().is_file()
                && entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX)
            {
                fs::remove_file(entry.path()).map_err(io_error(entry.path()))?;
            }
        }
        Ok(OutputWriter {
            ledger: Ledger::create(&dir)?,
            dir,
            overwrite,
            appends: BTreeMap::new(),
            pending: Vec::new(),
            touched: BTreeSet::new(),
            opened: BTreeSet::new(),
            replaceable: HashMap::new(),
        })
    }

    /// The output directory, canonical.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Check that every artifact of one document can be written (names
    /// confined, no collision, no different file in the way, headers that
    /// agree), so a document's files appear all or none.
    pub fn check_artifacts<'a>(
        &mut self,
        id: &str,
        artifacts: impl IntoIterator<Item = &'a Artifact>,
    ) -> Result<(), OutputError> {
        let mut own: HashMap<PathBuf, Option<&[u8]>> = HashMap::new();
        for artifact in artifacts {
            let relative = confine(&artifact.name)?;
            match artifact.mode {
                ArtifactMode::File => {
                    self.check_unwritten(&relative, &artifact.name)?;
                    if own.insert(relative.clone(), None).is_some() {
                        return Err(OutputError::Collision {
                            name: artifact.name.clone(),
                            first: id.to_string(),
                        });
                    }
                    self.check_existing(&relative, &artifact.data)?;
                }
                ArtifactMode::Append => {
                    let header = artifact.header.as_deref();
                    let started = self.appends.get(&relative).map(|f| f.header.as_deref());
                    let mine = own.get(&relative).copied();
                    if started.is_some_and(|h| h != header) || mine.is_some_and(|h| h != header) {
                        return Err(OutputError::HeaderMismatch {
                            name: artifact.name.clone(),
                        });
                    }
                    own.insert(relative, header);
                }
            }
        }
        Ok(())
    }

    /// Write an artifact a plugin returned for document `id`.
    pub fn write_artifact(&mut self, id: &str, artifact: &Artifact) -> Result<(), OutputError> {
        match artifact.mode {
            ArtifactMode::File => {
                let relative = confine(&artifact.name)?;
                self.check_unwritten(&relative, &artifact.name)?;
                self.check_existing(&relative, &artifact.data)?;
                let path = self.prepare_parent(&relative, &artifact.name)?;
                write_atomically(&path, &artifact.data)?;
                let file = WrittenFile {
                    path: slashed(&relative),
                    bytes: artifact.data.len() as u64,
                    sha256: hex::encode(Sha256::digest(&artifact.data)),
                };
                self.ledger.push(file.clone(), Some(id))?;
                self.pending.push(file);
                Ok(())
            }
            ArtifactMode::Append => {
                self.append(&artifact.name, &artifact.data, artifact.header.as_deref())
            }
        }
    }

    /// Append a record to the whole-run file `name`; the file appears when
    /// the run finishes. `header` opens the file; later records must agree.
    pub fn append(
        &mut self,
        name: &str,
        data: &[u8],
        header: Option<&[u8]>,
    ) -> Result<(), OutputError> {
        let relative = confine(name)?;
        if let Some(file) = self.appends.get(&relative) {
            if file.header.as_deref() != header {
                return Err(OutputError::HeaderMismatch {
                    name: name.to_string(),
                });
            }
        } else {
            let path = self.prepare_parent(&relative, name)?;
            let partial = self.partial_path(&relative)?;
            let file = fs::File::create(&partial).map_err(io_error(&partial))?;
            let mut file = AppendFile {
                file,
                partial,
                path,
                relative: relative.clone(),
                header: header.map(<[u8]>::to_vec),
                hasher: Sha256::new(),
                bytes: 0,
            };
            if let Some(header) = header {
                file.write(header)?;
            }
            self.appends.insert(relative.clone(), file);
            self.opened.insert(relative.clone());
        }
        self.touched.insert(relative.clone());
        self.appends
            .get_mut(&relative)
            .expect("inserted above")
            .write(data)
    }

    /// Write a file of the host's own (the summary, the manifest) atomically;
    /// these always replace an earlier run's.
    pub fn write_file(&mut self, name: &str, data: &[u8]) -> Result<PathBuf, OutputError> {
        self.write_file_with(name, |out| out.write_all(data))
    }

    /// [`write_file`](Self::write_file), the contents written by `write`
    /// (buffered), so a large file need not be built in memory first.
    pub fn write_file_with(
        &mut self,
        name: &str,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<PathBuf, OutputError> {
        let relative = confine(name)?;
        let path = self.prepare_parent(&relative, name)?;
        write_atomically_with(&path, write)?;
        Ok(path)
    }

    /// Move every whole-run file into place. A whole-run file that would
    /// replace a different existing one without permission is kept beside it
    /// as `<name>.new` and reported, so nothing this run did is lost. With
    /// `keep_for_resume` (an interrupted run) the partial files are copied,
    /// not moved, so a later `--resume` can go on appending to them.
    pub fn finish(mut self, keep_for_resume: bool) -> Result<Finished, OutputError> {
        let mut conflicts = Vec::new();
        let mut published = BTreeMap::new();
        for (_, file) in std::mem::take(&mut self.appends) {
            file.file.sync_all().map_err(io_error(&file.partial))?;
            let sha256 = hex::encode(file.hasher.clone().finalize());
            let mut target = file.path.clone();
            let mut relative = file.relative.clone();
            let existing = existing_sha256(&file.path)?;
            let ours = existing.is_some() && existing.as_ref() == self.replaceable.get(&relative);
            if !self.overwrite && !ours && existing.is_some_and(|e| e != sha256) {
                let mut name = file
                    .path
                    .file_name()
                    .expect("a confined path has a file name")
                    .to_os_string();
                name.push(".new");
                target.set_file_name(&name);
                relative.set_file_name(&name);
                conflicts.push(file.relative.to_string_lossy().replace('\\', "/"));
            }
            if keep_for_resume {
                let parent = target.parent().expect("output paths have a parent");
                let temp = temp_file_in(parent)?;
                fs::copy(&file.partial, temp.path()).map_err(io_error(&target))?;
                temp.persist(&target).map_err(|e| OutputError::Io {
                    path: target.clone(),
                    source: e.error,
                })?;
                if relative == file.relative {
                    published.insert(relative.to_string_lossy().into_owned(), sha256.clone());
                }
            } else {
                fs::rename(&file.partial, &target).map_err(io_error(&target))?;
            }
            let file = WrittenFile {
                path: slashed(&relative),
                bytes: file.bytes,
                sha256,
            };
            self.ledger.push(file, None)?;
        }
        if keep_for_resume {
            self.publish(&published)?;
        }
        Ok(Finished {
            files: self.ledger.close()?,
            conflicts,
        })
    }

    /// Refuse a per-document file this run already wrote, naming who wrote it.
    fn check_unwritten(&mut self, relative: &Path, name: &str) -> Result<(), OutputError> {
        match self.ledger.first_writer(&slashed(relative))? {
            Some(first) => Err(OutputError::Collision {
                name: name.to_string(),
                first,
            }),
            None => Ok(()),
        }
    }

    /// A file from an earlier run may stay only if it is what this run would write.
    fn check_existing(&self, relative: &Path, data: &[u8]) -> Result<(), OutputError> {
        if self.overwrite {
            return Ok(());
        }
        let path = self.dir.join(relative);
        match fs::read(&path) {
            Ok(existing) if existing != data => Err(OutputError::Exists {
                name: relative.to_string_lossy().replace('\\', "/"),
            }),
            Ok(_) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(OutputError::Io { path, source: e }),
        }
    }

    /// Create the parent directories of `relative` and check that no symlink
    /// along the way leads outside the output directory.
    fn prepare_parent(&self, relative: &Path, name: &str) -> Result<PathBuf, OutputError> {
        let path = self.dir.join(relative);
        let parent = path.parent().expect("a confined path has a parent");
        fs::create_dir_all(parent).map_err(io_error(parent))?;
        let real_parent = parent.canonicalize().map_err(io_error(parent))?;
        if !real_parent.starts_with(&self.dir) {
            return Err(OutputError::UnsafeName {
                name: name.to_string(),
                reason: "a symbolic link on its path leads outside the output directory",
            });
        }
        if fs::symlink_metadata(&path)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false)
        {
            return Err(OutputError::UnsafeName {
                name: name.to_string(),
                reason: "it is a symbolic link",
            });
        }
        Ok(real_parent.join(path.file_name().expect("a confined path has a file name")))
    }
}

/// 16 bytes standing for a string (a document id, a file's path): the first
/// half of its sha256, so following millions of them costs little and two
/// collide only by a 2^-128 chance.
pub(crate) fn short_digest(text: &str) -> u128 {
    let digest = Sha256::digest(text.as_bytes());
    u128::from_le_bytes(digest[..16].try_into().expect("a sha256 has 32 bytes"))
}

/// A confined path as the manifest lists it.
fn slashed(relative: &Path) -> String {
    relative.to_string_lossy().replace('\\', "/")
}

/// The sha256 of the file at `path`, if there is one.
/// Streamed: a whole-run file can be far larger than anything the run holds
/// in memory.
fn existing_sha256(path: &Path) -> Result<Option<String>, OutputError> {
    let mut file = match fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error(path)(e)),
    };
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(io_error(path))?;
    Ok(Some(hex::encode(hasher.finalize())))
}

/// Accept only plain relative paths: no `..`, no root, no drive letter, no
/// backslash (a separator on Windows), nothing empty.
fn confine(name: &str) -> Result<PathBuf, OutputError> {
    let refuse = |reason| OutputError::UnsafeName {
        name: name.to_string(),
        reason,
    };
    if name.is_empty() {
        return Err(refuse("it is empty"));
    }
    if name.contains('\\') || name.contains('\0') {
        return Err(refuse("it contains a backslash or NUL"));
    }
    if name.len() >= 2 && name.as_bytes()[1] == b':' {
        return Err(refuse("it starts with a drive letter"));
    }
    let mut out = PathBuf::new();
    for component in Path::new(name).components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir => return Err(refuse("it contains `..`")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(refuse("it is an absolute path"))
            }
        }
    }
    if out.as_os_str().is_empty() {
        return Err(refuse("it names no file"));
    }
    if out
        .file_name()
        .is_some_and(|f| f.to_string_lossy().starts_with(TEMP_PREFIX))
    {
        return Err(refuse(
            "names starting with `.docpipe-tmp-` are the host's temporary files",
        ));
    }
    if out.starts_with(RESUME_DIR) {
        return Err(refuse(
            "`.docpipe-resume/` holds the host's record of the run",
        ));
    }
    Ok(out)
}

fn temp_file_in(dir: &Path) -> Result<NamedTempFile, OutputError> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX);
    // A temp file is private (0600) by default; what it becomes is the
    // user's output, created as any other file is: 0666 less the umask.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    builder.tempfile_in(dir).map_err(io_error(dir))
}

/// Write `path` so that it appears whole or not at all.
pub(crate) fn write_atomically(path: &Path, data: &[u8]) -> Result<(), OutputError> {
    let parent = path.parent().expect("output paths have a parent");
    let mut temp = temp_file_in(parent)?;
    temp.write_all(data).map_err(io_error(path))?;
    persist(temp, path)
}

/// [`write_atomically`], the contents written by `write` through a buffer.
pub(crate) fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), OutputError> {
    let parent = path.parent().expect("output paths have a parent");
    let temp = temp_file_in(parent)?;
    let mut out = std::io::BufWriter::new(temp);
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(io_error(path))?;
    let temp = out
        .into_inner()
        .map_err(|e| io_error(path)(e.into_error()))?;
    persist(temp, path)
}

fn persist(temp: NamedTempFile, path: &Path) -> Result<(), OutputError> {
    temp.as_file().sync_all().map_err(io_error(path))?;
    temp.persist(path).map_err(|e| OutputError::Io {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn artifact(name: &str, mode: ArtifactMode, data: &str) -> Artifact {
        Artifact {
            name: name.into(),
            media_type: "text/plain".into(),
            mode,
            data: data.as_bytes().to_vec(),
            header: None,
        }
    }

    #[test]
    fn names_that_escape_are_refused() {
        for name in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "C:\\x",
            "c:x",
            "a\\b",
            "",
            ".",
        ] {
            assert!(confine(name).is_err(), "{name} should be refused");
        }
        assert_eq!(confine("./ar/doc.md").unwrap(), PathBuf::from("ar/doc.md"));
    }

    #[test]
    fn a_symlink_leading_outside_is_refused() {
        let out = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), out.path().join("link")).unwrap();
        let mut writer = OutputWriter::create(out.path(), false).unwrap();
        let err = writer
            .write_artifact("d", &artifact("link/x.txt", ArtifactMode::File, "x"))
            .unwrap_err();
        assert!(
            err.to_string().contains("outside the output directory"),
            "{err}"
        );
        assert!(!elsewhere.path().join("x.txt").exists());
    }

    #[cfg(unix)]
    #[test]
    fn files_are_created_as_the_umask_says_not_private() {
        use std::os::unix::fs::PermissionsExt;
        let out = tempfile::tempdir().unwrap();
        // The mode any program gets for a new file here: 0666 less the umask.
        let plain = out.path().join("plain");
        fs::write(&plain, "").unwrap();
        let expected = fs::metadata(&plain).unwrap().permissions().mode() & 0o777;
        let mut writer = OutputWriter::create(out.path(), false).unwrap();
        writer
            .write_artifact("a", &artifact("a.md", ArtifactMode::File, "A"))
            .unwrap();
        writer
            .write_artifact("a", &artifact("all.jsonl", ArtifactMode::Append, "1\n"))
            .unwrap();
        writer.finish(false).unwrap();
        let mut host = OutputWriter::create(out.path(), true).unwrap();
        host.write_file("summary.json", b"{}").unwrap();
        for name in ["a.md", "all.jsonl", "summary.json"] {
            let mode = fs::metadata(out.path().join(name))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, expected, "{name}: {mode:o}");
        }
    }

    #[test]
    fn collisions_are_reported_and_appends_keep_order() {
        let out = tempfile::tempdir().unwrap();
        let mut writer = OutputWriter::create(out.path(), false).unwrap();
        writer
            .write_artifact("a", &artifact("x.md", ArtifactMode::File, "first"))
            .unwrap();
        let err = writer
            .write_artifact("b", &artifact("x.md", ArtifactMode::File, "second"))
            .unwrap_err();
        assert!(
            err.to_string().contains("already written for document `a`"),
            "{err}"
        );
        writer
            .write_artifact("a", &artifact("all.jsonl", ArtifactMode::Append, "1\n"))
            .unwrap();
        writer
            .write_artifact("b", &artifact("all.jsonl", ArtifactMode::Append, "2\n"))
            .unwrap();
        assert!(
            !out.path().join("all.jsonl").exists(),
            "whole-run files appear only at the end"
        );
        writer.finish(false).unwrap();
        assert_eq!(
            fs::read_to_string(out.path().join("x.md")).unwrap(),
            "first"
        );
        assert_eq!(
            fs::read_to_string(out.path().join("all.jsonl")).unwrap(),
            "1\n2\n"
        );
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;

    fn append(name: &str, header: Option<&str>, data: &str) -> Artifact {
        Artifact {
            name: name.into(),
            media_type: "text/csv".into(),
            mode: ArtifactMode::Append,
            data: data.as_bytes().to_vec(),
            header: header.map(|h| h.as_bytes().to_vec()),
        }
    }

    #[test]
    fn a_header_is_written_once_and_must_agree() {
        let out = tempfile::tempdir().unwrap();
        let mut writer = OutputWriter::create(out.path(), false).unwrap();
        writer
            .write_artifact("a", &append("t.csv", Some("id\r\n"), "a\r\n"))
            .unwrap();
        writer
            .write_artifact("b", &append("t.csv", Some("id\r\n"), "b\r\n"))
            .unwrap();
        let other = append("t.csv", Some("id,lang\r\n"), "c,en\r\n");
        assert!(matches!(
            writer.check_artifacts("c", [&other]),
            Err(OutputError::HeaderMismatch { .. })
        ));
        let finished = writer.finish(false).unwrap();
        assert_eq!(
            fs::read_to_string(out.path().join("t.csv")).unwrap(),
            "id\r\na\r\nb\r\n"
        );
        assert_eq!(
            finished
                .files
                .iter()
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .sha256,
            hex::encode(Sha256::digest(b"id\r\na\r\nb\r\n"))
        );
    }

    #[test]
    fn an_existing_different_file_is_kept_unless_overwrite_is_allowed() {
        let out = tempfile::tempdir().unwrap();
        fs::write(out.path().join("x.md"), "from before").unwrap();
        fs::write(out.path().join("all.jsonl"), "old\n").unwrap();
        let file = Artifact {
            name: "x.md".into(),
            media_type: "text/markdown".into(),
            mode: ArtifactMode::File,
            data: b"new".to_vec(),
            header: None,
        };
        let mut writer = OutputWriter::create(out.path(), false).unwrap();
        assert!(matches!(
            writer.write_artifact("d", &file),
            Err(OutputError::Exists { .. })
        ));
        writer
            .write_artifact("d", &append("all.jsonl", None, "new\n"))
            .unwrap();
        let finished = writer.finish(false).unwrap();
        assert_eq!(
            fs::read_to_string(out.path().join("x.md")).unwrap(),
            "from before"
        );
        assert_eq!(
            fs::read_to_string(out.path().join("all.jsonl")).unwrap(),
            "old\n"
        );
        assert_eq!(
            fs::read_to_string(out.path().join("all.jsonl.new")).unwrap(),
            "new\n"
        );
        assert_eq!(finished.conflicts, ["all.jsonl"]);

        let mut writer = OutputWriter::create(out.path(), true).unwrap();
        writer.write_artifact("d", &file).unwrap();
        assert_eq!(fs::read_to_string(out.path().join("x.md")).unwrap(), "new");
    }

    #[test]
    fn the_same_file_again_is_not_a_conflict_and_leftover_temps_are_swept() {
        let out = tempfile::tempdir().unwrap();
        fs::write(out.path().join("x.md"), "same").unwrap();
        fs::create_dir_all(out.path().join("sub")).unwrap();
        fs::write(out.path().join("sub/.docpipe-tmp-abc"), "half a fi").unwrap();
        let mut writer = OutputWriter::create(out.path(), false).unwrap();
        assert!(!out.path().join("sub/.docpipe-tmp-abc").exists());
        let file = Artifact {
            name: "x.md".into(),
            media_type: "text/markdown".into(),
            mode: ArtifactMode::File,
            data: b"same".to_vec(),
            header: None,
        };
        writer.write_artifact("d", &file).unwrap();
        assert!(writer.finish(false).unwrap().conflicts.is_empty());
    }
}

/// Fuzzing (proptest, bounded so it runs in CI): no name a plugin can give
/// leads outside the output directory or onto a host temporary file.
#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_confined_name_never_leaves_the_directory(name in r"(\.{0,3}|[a-zA-Z0-9_:]{0,4}|/|\\|\x00|~){0,12}") {
            if let Ok(path) = confine(&name) {
                prop_assert!(path.is_relative());
                prop_assert!(path.components().all(|c| matches!(c, Component::Normal(_))), "{path:?}");
                prop_assert!(!path.file_name().unwrap().to_string_lossy().starts_with(TEMP_PREFIX));
                prop_assert!(!path.starts_with(RESUME_DIR));
            }
        }

        #[test]
        fn any_unicode_name_is_either_refused_or_plain(name in "\\PC{0,40}") {
            if let Ok(path) = confine(&name) {
                prop_assert!(path.components().all(|c| matches!(c, Component::Normal(_))), "{path:?}");
            }
        }
    }
}

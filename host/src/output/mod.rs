//! Writing results is the host's job: plugins only name artifacts. Every
//! name is confined to the output directory, every file appears atomically
//! (temporary file, then rename), and whole-run files keep input order.

use docpipe_contract::{Artifact, ArtifactMode};
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use tempfile::NamedTempFile;

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

/// A whole-run file being assembled next to where it will land.
struct AppendFile {
    temp: NamedTempFile,
    path: PathBuf,
}

/// Writes one run's files into one output directory.
pub struct OutputWriter {
    dir: PathBuf,
    written: HashMap<PathBuf, String>,
    appends: BTreeMap<PathBuf, AppendFile>,
    files: Vec<PathBuf>,
}

impl std::fmt::Debug for OutputWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutputWriter")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl OutputWriter {
    /// Create (if needed) and open the output directory.
    pub fn create(dir: &Path) -> Result<Self, OutputError> {
        fs::create_dir_all(dir).map_err(io_error(dir))?;
        let dir = dir.canonicalize().map_err(io_error(dir))?;
        Ok(OutputWriter {
            dir,
            written: HashMap::new(),
            appends: BTreeMap::new(),
            files: Vec::new(),
        })
    }

    /// The output directory, canonical.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Check that every artifact of one document can be written (names
    /// confined, no collision), so a document's files appear all or none.
    pub fn check_artifacts<'a>(
        &self,
        id: &str,
        artifacts: impl IntoIterator<Item = &'a Artifact>,
    ) -> Result<(), OutputError> {
        let mut own: HashMap<PathBuf, ()> = HashMap::new();
        for artifact in artifacts {
            let relative = confine(&artifact.name)?;
            if artifact.mode != ArtifactMode::File {
                continue;
            }
            if let Some(first) = self.written.get(&relative) {
                return Err(OutputError::Collision {
                    name: artifact.name.clone(),
                    first: first.clone(),
                });
            }
            if own.insert(relative, ()).is_some() {
                return Err(OutputError::Collision {
                    name: artifact.name.clone(),
                    first: id.to_string(),
                });
            }
        }
        Ok(())
    }

    /// Write an artifact a plugin returned for document `id`.
    pub fn write_artifact(&mut self, id: &str, artifact: &Artifact) -> Result<(), OutputError> {
        match artifact.mode {
            ArtifactMode::File => {
                let relative = confine(&artifact.name)?;
                if let Some(first) = self.written.get(&relative) {
                    return Err(OutputError::Collision {
                        name: artifact.name.clone(),
                        first: first.clone(),
                    });
                }
                let path = self.prepare_parent(&relative, &artifact.name)?;
                write_atomically(&path, &artifact.data)?;
                self.written.insert(relative, id.to_string());
                self.files.push(path);
                Ok(())
            }
            ArtifactMode::Append => self.append(&artifact.name, &artifact.data),
        }
    }

    /// Append a record to the whole-run file `name`; it appears when the run finishes.
    pub fn append(&mut self, name: &str, data: &[u8]) -> Result<(), OutputError> {
        let relative = confine(name)?;
        if !self.appends.contains_key(&relative) {
            let path = self.prepare_parent(&relative, name)?;
            let parent = path.parent().expect("a confined path has a parent");
            let temp = NamedTempFile::new_in(parent).map_err(io_error(parent))?;
            self.appends
                .insert(relative.clone(), AppendFile { temp, path });
        }
        let file = self.appends.get_mut(&relative).expect("inserted above");
        file.temp.write_all(data).map_err(io_error(&file.path))
    }

    /// Write a file of the host's own (the run summary) atomically.
    pub fn write_file(&mut self, name: &str, data: &[u8]) -> Result<PathBuf, OutputError> {
        let relative = confine(name)?;
        let path = self.prepare_parent(&relative, name)?;
        write_atomically(&path, data)?;
        self.files.push(path.clone());
        Ok(path)
    }

    /// Move every whole-run file into place. Returns every file written.
    pub fn finish(mut self) -> Result<Vec<PathBuf>, OutputError> {
        for (_, file) in std::mem::take(&mut self.appends) {
            file.temp
                .as_file()
                .sync_all()
                .map_err(io_error(&file.path))?;
            file.temp.persist(&file.path).map_err(|e| OutputError::Io {
                path: file.path.clone(),
                source: e.error,
            })?;
            self.files.push(file.path);
        }
        Ok(self.files)
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
    Ok(out)
}

fn write_atomically(path: &Path, data: &[u8]) -> Result<(), OutputError> {
    let parent = path.parent().expect("output paths have a parent");
    let mut temp = NamedTempFile::new_in(parent).map_err(io_error(parent))?;
    temp.write_all(data).map_err(io_error(path))?;
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
        let mut writer = OutputWriter::create(out.path()).unwrap();
        let err = writer
            .write_artifact("d", &artifact("link/x.txt", ArtifactMode::File, "x"))
            .unwrap_err();
        assert!(
            err.to_string().contains("outside the output directory"),
            "{err}"
        );
        assert!(!elsewhere.path().join("x.txt").exists());
    }

    #[test]
    fn collisions_are_reported_and_appends_keep_order() {
        let out = tempfile::tempdir().unwrap();
        let mut writer = OutputWriter::create(out.path()).unwrap();
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
        writer.finish().unwrap();
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

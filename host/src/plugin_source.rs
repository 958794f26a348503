//! Where a plugin's bytes come from: the binary itself (`builtin:<name>`) or
//! a `.wasm` file, optionally pinned by sha256.

use crate::builtin;
use crate::runtime::{ComponentBytes, EngineOptions, PluginSource};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// Why a plugin's bytes could not be had.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// No built-in plugin has this name.
    #[error("there is no built-in plugin `{name}` (built-in: {known})")]
    UnknownBuiltin {
        /// The name asked for.
        name: String,
        /// The names that exist.
        known: String,
    },
    /// The binary was built before its plugins were.
    #[error("built-in plugin `{name}` was not built into this binary; run `cargo build-plugins` and rebuild docpipe")]
    NotBuilt {
        /// The plugin.
        name: String,
    },
    /// The `.wasm` file could not be read.
    #[error("could not read plugin `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file's sha256 is not the pinned one.
    #[error("plugin `{}` has sha256 {actual}, but the pipeline pins {expected}; refusing to run a plugin that changed", path.display())]
    DigestMismatch {
        /// The file.
        path: PathBuf,
        /// The pin.
        expected: String,
        /// What the file has.
        actual: String,
    },
}

/// The bytes of built-in plugin `name`.
pub fn builtin(name: &str) -> Result<PluginSource, SourceError> {
    let found = builtin::find(name).ok_or_else(|| SourceError::UnknownBuiltin {
        name: name.to_string(),
        known: builtin::names().join(", "),
    })?;
    if found.component.is_empty() {
        return Err(SourceError::NotBuilt {
            name: name.to_string(),
        });
    }
    Ok(PluginSource {
        label: format!("{}{name}", builtin::PREFIX),
        bytes: ComponentBytes::Loaded(Cow::Borrowed(found.component)),
        sha256: found.sha256().to_string(),
    })
}

/// A component file, checked against `sha256` when pinned. Its digest comes
/// from the digest memo in the cache directory when the file is unchanged
/// since it was last hashed; the bytes are then read only if needed.
pub fn file(path: &Path, label: &str, sha256: Option<&str>) -> Result<PluginSource, SourceError> {
    let memo = EngineOptions::default_cache_dir().map(|dir| DigestMemo::new(&dir.join("digests")));
    file_with(path, label, sha256, memo.as_ref())
}

fn file_with(
    path: &Path,
    label: &str,
    sha256: Option<&str>,
    memo: Option<&DigestMemo>,
) -> Result<PluginSource, SourceError> {
    let read_error = |source| SourceError::Read {
        path: path.to_path_buf(),
        source,
    };
    let before = identity(path).map_err(read_error)?;
    let (actual, bytes) = match memo.and_then(|memo| memo.recall(&before)) {
        Some(digest) => (digest, ComponentBytes::Unread(path.to_path_buf())),
        None => {
            let bytes = std::fs::read(path).map_err(read_error)?;
            let digest = hex::encode(Sha256::digest(&bytes));
            // Remembered only if the file did not change while it was read.
            if let (Some(memo), Ok(after)) = (memo, identity(path)) {
                if after == before {
                    memo.remember(&before, &digest);
                }
            }
            (digest, ComponentBytes::Loaded(Cow::Owned(bytes)))
        }
    };
    if let Some(expected) = sha256 {
        if !actual.eq_ignore_ascii_case(expected) {
            return Err(SourceError::DigestMismatch {
                path: path.to_path_buf(),
                expected: expected.to_string(),
                actual,
            });
        }
    }
    Ok(PluginSource {
        label: label.to_string(),
        bytes,
        sha256: actual,
    })
}

/// `builtin:<name>` or a path relative to `base`.
pub fn resolve(reference: &str, base: &Path) -> Result<PluginSource, SourceError> {
    match reference.strip_prefix(builtin::PREFIX) {
        Some(name) => builtin(name),
        None => file(&base.join(reference), reference, None),
    }
}

/// What identifies one version of a file without reading it: its absolute
/// path, device and inode, size, and modification and status-change times to
/// the nanosecond. Any write changes the change time, which no user can set
/// back, so a file with the same identity has the same bytes.
fn identity(path: &Path) -> std::io::Result<String> {
    let path = path.canonicalize()?;
    let meta = std::fs::metadata(&path)?;
    #[cfg(unix)]
    let stamp = {
        use std::os::unix::fs::MetadataExt;
        format!(
            "{} {} {} {}.{} {}.{}",
            meta.dev(),
            meta.ino(),
            meta.size(),
            meta.mtime(),
            meta.mtime_nsec(),
            meta.ctime(),
            meta.ctime_nsec()
        )
    };
    #[cfg(not(unix))]
    let stamp = format!("{} {:?}", meta.len(), meta.modified()?);
    Ok(format!("{}\n{stamp}", path.display()))
}

/// sha256 digests of component files by file identity, one small file each
/// in the cache directory. A warm start then finds a 30 MB component's
/// compiled form without reading or hashing it. The digest also pins what
/// runs: the compile cache is keyed by it, so the code loaded is the code
/// that was hashed. A memo that cannot be written only costs speed.
#[derive(Debug)]
struct DigestMemo {
    dir: PathBuf,
}

impl DigestMemo {
    fn new(dir: &Path) -> Self {
        DigestMemo {
            dir: dir.to_path_buf(),
        }
    }

    fn entry(&self, identity: &str) -> PathBuf {
        self.dir
            .join(hex::encode(&Sha256::digest(identity.as_bytes())[..16]))
    }

    fn recall(&self, identity: &str) -> Option<String> {
        let text = std::fs::read_to_string(self.entry(identity)).ok()?;
        // The entry holds the identity too, so two identities that share an
        // entry name are never confused.
        let (digest, stored) = text.split_once('\n')?;
        (stored == identity && digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| digest.to_string())
    }

    fn remember(&self, identity: &str, digest: &str) {
        use std::io::Write as _;
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(&self.dir)?;
            let mut file = tempfile::NamedTempFile::new_in(&self.dir)?;
            write!(file, "{digest}\n{identity}")?;
            file.persist(self.entry(identity))?;
            Ok(())
        };
        let _ = write();
    }
}

#[cfg(test)]
mod tests {
    use super::{file_with, DigestMemo, SourceError};
    use crate::runtime::ComponentBytes;

    #[test]
    fn an_unchanged_file_is_not_read_again_and_a_changed_one_is() {
        let dir = tempfile::tempdir().unwrap();
        let memo = DigestMemo::new(&dir.path().join("digests"));
        let plugin = dir.path().join("p.wasm");
        std::fs::write(&plugin, b"first version").unwrap();

        let first = file_with(&plugin, "p", None, Some(&memo)).unwrap();
        assert!(matches!(first.bytes, ComponentBytes::Loaded(_)));
        let again = file_with(&plugin, "p", None, Some(&memo)).unwrap();
        assert!(matches!(again.bytes, ComponentBytes::Unread(_)));
        assert_eq!(again.sha256, first.sha256);

        std::fs::write(&plugin, b"second version").unwrap();
        let changed = file_with(&plugin, "p", None, Some(&memo)).unwrap();
        assert!(matches!(changed.bytes, ComponentBytes::Loaded(_)));
        assert_ne!(changed.sha256, first.sha256);
    }

    #[test]
    fn a_pin_is_checked_against_a_remembered_digest_too() {
        let dir = tempfile::tempdir().unwrap();
        let memo = DigestMemo::new(&dir.path().join("digests"));
        let plugin = dir.path().join("p.wasm");
        std::fs::write(&plugin, b"bytes").unwrap();
        let known = file_with(&plugin, "p", None, Some(&memo)).unwrap().sha256;
        let wrong = "0".repeat(64);
        let refused = file_with(&plugin, "p", Some(&wrong), Some(&memo)).unwrap_err();
        assert!(
            matches!(&refused, SourceError::DigestMismatch { actual, .. } if *actual == known),
            "{refused}"
        );
        assert!(file_with(&plugin, "p", Some(&known), Some(&memo)).is_ok());
    }

    #[test]
    fn a_damaged_memo_entry_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let memo_dir = dir.path().join("digests");
        let memo = DigestMemo::new(&memo_dir);
        let plugin = dir.path().join("p.wasm");
        std::fs::write(&plugin, b"bytes").unwrap();
        let known = file_with(&plugin, "p", None, Some(&memo)).unwrap().sha256;
        for entry in std::fs::read_dir(&memo_dir).unwrap() {
            std::fs::write(entry.unwrap().path(), b"garbage").unwrap();
        }
        let read = file_with(&plugin, "p", None, Some(&memo)).unwrap();
        assert!(matches!(read.bytes, ComponentBytes::Loaded(_)));
        assert_eq!(read.sha256, known);
    }
}

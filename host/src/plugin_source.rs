//! Where a plugin's bytes come from: the binary itself (`builtin:<name>`) or
//! a `.wasm` file, optionally pinned by sha256.

use crate::builtin;
use crate::runtime::PluginSource;
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
        bytes: Cow::Borrowed(found.component),
        sha256: found.sha256().to_string(),
    })
}

/// The bytes of a component file, checked against `sha256` when pinned.
pub fn file(path: &Path, label: &str, sha256: Option<&str>) -> Result<PluginSource, SourceError> {
    let bytes = std::fs::read(path).map_err(|source| SourceError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let actual = hex::encode(Sha256::digest(&bytes));
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
        bytes: Cow::Owned(bytes),
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

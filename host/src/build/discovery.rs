//! Turning the paths a user names into the plugin crates to build.
//!
//! A path is either one crate or a directory of crates; it never recurses deeper, so
//! `plugins/` finds `plugins/clean` but not crates nested inside it.

use std::fs;
use std::path::{Path, PathBuf};

use super::BuildError;

/// The crate directories named by `paths`, in order.
///
/// A path whose `Cargo.toml` has a `[package]` is one crate; otherwise every immediate
/// subdirectory that is a crate counts, sorted by name. A path yielding none is an error.
pub fn find_plugin_crates(paths: &[PathBuf]) -> Result<Vec<PathBuf>, BuildError> {
    let mut crates = Vec::new();
    for path in paths {
        if is_package(path)? {
            crates.push(path.clone());
            continue;
        }
        let entries = fs::read_dir(path).map_err(|source| BuildError::Io {
            path: path.clone(),
            source,
        })?;
        let mut found = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| BuildError::Io {
                path: path.clone(),
                source,
            })?;
            let dir = entry.path();
            if dir.is_dir() && is_package(&dir)? {
                found.push(dir);
            }
        }
        if found.is_empty() {
            return Err(BuildError::NoCrates { path: path.clone() });
        }
        found.sort();
        crates.extend(found);
    }
    Ok(crates)
}

fn is_package(dir: &Path) -> Result<bool, BuildError> {
    let manifest = dir.join("Cargo.toml");
    if !manifest.is_file() {
        return Ok(false);
    }
    let text = fs::read_to_string(&manifest).map_err(|source| BuildError::Io {
        path: manifest.clone(),
        source,
    })?;
    let table: toml::Table = toml::from_str(&text).map_err(|err| BuildError::Manifest {
        path: manifest,
        message: err.to_string(),
    })?;
    Ok(table.contains_key("package"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn a_directory_of_crates_yields_each_crate_sorted() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        write(&dir.join("zeta/Cargo.toml"), "[package]\nname = \"zeta\"\n");
        write(
            &dir.join("alpha/Cargo.toml"),
            "[package]\nname = \"alpha\"\n",
        );
        write(
            &dir.join("workspace/Cargo.toml"),
            "[workspace]\nmembers = []\n",
        );
        write(&dir.join("notes/README.md"), "not a crate");
        write(&dir.join("Cargo.toml"), "[workspace]\nmembers = [\"*\"]\n");

        let crates = find_plugin_crates(&[dir.to_path_buf()]).unwrap();
        assert_eq!(crates, vec![dir.join("alpha"), dir.join("zeta")]);

        let single = find_plugin_crates(&[dir.join("zeta")]).unwrap();
        assert_eq!(single, vec![dir.join("zeta")]);
    }

    #[test]
    fn a_path_without_crates_is_named_in_the_error() {
        let root = tempfile::tempdir().unwrap();
        let err = find_plugin_crates(&[root.path().to_path_buf()]).unwrap_err();
        assert!(err.to_string().contains(&root.path().display().to_string()));
    }
}

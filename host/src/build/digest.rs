//! The source digest: one sha256 over every file a plugin is built from.
//!
//! It must come out the same in any clone of the repository, so it hashes file contents under
//! paths relative to each package (prefixed by the package name), never absolute paths,
//! timestamps or build output.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};
use walkdir::{DirEntry, WalkDir};

use super::metadata::{LocalPackage, Metadata};
use super::BuildError;

/// The hex sha256 of the sources of the crate in `crate_dir` and of every local (path)
/// package it depends on.
///
/// Uses the `cargo` on `PATH` to read the dependency graph.
pub fn source_digest(crate_dir: &Path) -> Result<String, BuildError> {
    let crate_dir = absolute(crate_dir)?;
    let metadata = Metadata::load(Command::new("cargo"), &crate_dir, true)?;
    digest_packages(&metadata.local_sources(&crate_dir)?)
}

/// The digest of `packages`' files, in an order that does not depend on the packages' order.
pub(crate) fn digest_packages(packages: &[LocalPackage]) -> Result<String, BuildError> {
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for package in packages {
        for entry in WalkDir::new(&package.root)
            .into_iter()
            .filter_entry(|entry| {
                entry.depth() == 0 || (is_build_input(entry) && !is_skipped(entry))
            })
        {
            let entry = entry.map_err(|err| BuildError::Io {
                path: err.path().unwrap_or(&package.root).to_path_buf(),
                source: err.into(),
            })?;
            if !entry.path().is_file() {
                continue;
            }
            let relative = entry
                .path()
                .strip_prefix(&package.root)
                .expect("walkdir yields paths under its root");
            let mut key = package.name.clone();
            for component in relative.components() {
                key.push('/');
                key.push_str(&component.as_os_str().to_string_lossy());
            }
            files.push((key, entry.into_path()));
        }
    }
    files.sort();

    let mut hasher = Sha256::new();
    for (key, path) in &files {
        let contents = fs::read(path).map_err(|source| BuildError::Io {
            path: path.clone(),
            source,
        })?;
        // Length-prefix both parts so no two file sets can feed the same bytes.
        hasher.update((key.len() as u64).to_le_bytes());
        hasher.update(key.as_bytes());
        hasher.update((contents.len() as u64).to_le_bytes());
        hasher.update(&contents);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// What cargo reads to build a package: its manifest, build script, sources
/// and WIT files. Anything else at the top (a pipeline's `out/`, docs,
/// fixtures) may change without making a component stale.
fn is_build_input(entry: &DirEntry) -> bool {
    if entry.depth() != 1 {
        return true;
    }
    let name = entry.file_name().to_string_lossy();
    if entry.file_type().is_dir() {
        matches!(name.as_ref(), "src" | "wit")
    } else {
        matches!(name.as_ref(), "Cargo.toml" | "build.rs")
    }
}

/// Build output, hidden entries (`.git`, editor files) and compiled components are not sources.
fn is_skipped(entry: &DirEntry) -> bool {
    let name = entry.file_name().to_string_lossy();
    name.starts_with('.')
        || (entry.file_type().is_dir() && name == "target")
        || (!entry.file_type().is_dir() && name.ends_with(".wasm"))
}

pub(crate) fn absolute(dir: &Path) -> Result<PathBuf, BuildError> {
    dir.canonicalize().map_err(|source| BuildError::Io {
        path: dir.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"[package]
name = "docpipe-tiny"
version = "0.1.0"
edition = "2021"

[lib]
crate-type = ["cdylib", "rlib"]

[dependencies]
tiny-helper = { path = "../helper" }

[workspace]
"#;

    const HELPER_MANIFEST: &str = r#"[package]
name = "tiny-helper"
version = "0.1.0"
edition = "2021"
"#;

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// A standalone crate in `plugin/` with a local path dependency in `helper/`, plus files
    /// the digest must ignore.
    fn tiny_crate(dir: &Path) -> PathBuf {
        let plugin = dir.join("plugin");
        write(&plugin.join("Cargo.toml"), MANIFEST);
        write(
            &plugin.join("src/lib.rs"),
            "pub fn answer() -> u32 { 42 }\n",
        );
        write(&plugin.join("target/release/junk.rlib"), "junk");
        write(&plugin.join(".hidden/HEAD"), "ref: refs/heads/main");
        write(&plugin.join("old.wasm"), "\0asm");
        write(&dir.join("helper/Cargo.toml"), HELPER_MANIFEST);
        write(&dir.join("helper/src/lib.rs"), "pub fn help() {}\n");
        plugin
    }

    #[test]
    fn digest_is_the_same_in_two_clones_and_changes_with_the_sources() {
        let first = tempfile::tempdir().unwrap();
        let second = tempfile::tempdir().unwrap();
        let first_plugin = tiny_crate(first.path());
        let second_plugin = tiny_crate(second.path());
        write(&second_plugin.join("target/other"), "more build output");
        write(&second_plugin.join("other.wasm"), "\0asm\x01");
        write(&second_plugin.join("out/result.json"), "{}");
        write(&second_plugin.join("pipeline.toml"), "[input]");

        let original = source_digest(&first_plugin).unwrap();
        assert_eq!(original.len(), 64);
        assert_eq!(source_digest(&second_plugin).unwrap(), original);

        write(
            &second_plugin.join("src/lib.rs"),
            "pub fn answer() -> u32 { 43 }\n",
        );
        let edited = source_digest(&second_plugin).unwrap();
        assert_ne!(edited, original);

        write(
            &first.path().join("helper/src/lib.rs"),
            "pub fn help() { }\n",
        );
        let helper_edited = source_digest(&first_plugin).unwrap();
        assert_ne!(helper_edited, original);
        assert_ne!(helper_edited, edited);
    }

    #[test]
    fn digest_keys_files_by_package_name_not_location() {
        let first = tempfile::tempdir().unwrap();
        let second = tempfile::tempdir().unwrap();
        write(&first.path().join("src/lib.rs"), "fn main() {}");
        write(&second.path().join("nested/src/lib.rs"), "fn main() {}");
        let at = |root: &Path| LocalPackage {
            name: "same".into(),
            root: root.to_path_buf(),
        };
        assert_eq!(
            digest_packages(&[at(first.path())]).unwrap(),
            digest_packages(&[at(&second.path().join("nested"))]).unwrap()
        );
        let renamed = LocalPackage {
            name: "other".into(),
            root: first.path().to_path_buf(),
        };
        assert_ne!(
            digest_packages(&[at(first.path())]).unwrap(),
            digest_packages(&[renamed]).unwrap()
        );
    }
}

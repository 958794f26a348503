//! The parts of `cargo metadata` that plugin builds need: a crate's package and library
//! names, the workspace target directory, and the local packages a crate is built from.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use super::BuildError;

/// `cargo metadata --format-version 1` output, trimmed to what is read here.
#[derive(Debug, Deserialize)]
pub(crate) struct Metadata {
    packages: Vec<Package>,
    resolve: Option<Resolve>,
    target_directory: PathBuf,
}

#[derive(Debug, Deserialize)]
struct Package {
    name: String,
    id: String,
    manifest_path: PathBuf,
    source: Option<String>,
    targets: Vec<Target>,
}

#[derive(Debug, Deserialize)]
struct Target {
    name: String,
    crate_types: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Resolve {
    nodes: Vec<Node>,
}

#[derive(Debug, Deserialize)]
struct Node {
    id: String,
    deps: Vec<NodeDep>,
}

#[derive(Debug, Deserialize)]
struct NodeDep {
    pkg: String,
    #[serde(default)]
    dep_kinds: Vec<DepKind>,
}

#[derive(Debug, Deserialize)]
struct DepKind {
    kind: Option<String>,
}

/// The plugin crate a build is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PluginPackage {
    /// Package name, e.g. `docpipe-clean`.
    pub name: String,
    /// File stem of the compiled library, e.g. `docpipe_clean`.
    pub artifact_stem: String,
    pub manifest_path: PathBuf,
}

/// A package built from files on disk rather than from a registry or git.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LocalPackage {
    pub name: String,
    pub root: PathBuf,
}

impl Metadata {
    /// Run `cargo metadata` for the crate in `crate_dir` (which must be absolute).
    ///
    /// Runs from `crate_dir` so the project's `.cargo/config.toml` applies, as it will to the
    /// build. `with_deps` adds the resolved dependency graph.
    pub fn load(mut cargo: Command, crate_dir: &Path, with_deps: bool) -> Result<Self, BuildError> {
        cargo
            .current_dir(crate_dir)
            .args(["metadata", "--format-version", "1"])
            .arg("--manifest-path")
            .arg(crate_dir.join("Cargo.toml"));
        if !with_deps {
            cargo.arg("--no-deps");
        }
        let output = cargo.output().map_err(|source| BuildError::Spawn {
            program: cargo.get_program().to_string_lossy().into_owned(),
            source,
        })?;
        if !output.status.success() {
            return Err(BuildError::Metadata {
                dir: crate_dir.to_path_buf(),
                message: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            });
        }
        serde_json::from_slice(&output.stdout).map_err(|err| BuildError::Metadata {
            dir: crate_dir.to_path_buf(),
            message: format!("unexpected output: {err}"),
        })
    }

    /// The directory cargo would build this workspace into.
    pub fn target_directory(&self) -> &Path {
        &self.target_directory
    }

    /// The package whose manifest is `crate_dir/Cargo.toml`.
    pub fn plugin_package(&self, crate_dir: &Path) -> Result<PluginPackage, BuildError> {
        let package = self.package_at(crate_dir)?;
        let library = package
            .targets
            .iter()
            .find(|target| target.crate_types.iter().any(|t| t == "cdylib"))
            .ok_or_else(|| BuildError::NotCdylib {
                package: package.name.clone(),
            })?;
        Ok(PluginPackage {
            name: package.name.clone(),
            artifact_stem: library.name.replace('-', "_"),
            manifest_path: package.manifest_path.clone(),
        })
    }

    /// The crate in `crate_dir` and every local package it depends on, directly or not.
    ///
    /// Dev-dependencies are left out: they never reach the compiled plugin.
    pub fn local_sources(&self, crate_dir: &Path) -> Result<Vec<LocalPackage>, BuildError> {
        let root = self.package_at(crate_dir)?;
        let resolve = self.resolve.as_ref().ok_or_else(|| BuildError::Metadata {
            dir: crate_dir.to_path_buf(),
            message: "no dependency graph (was --no-deps given?)".to_owned(),
        })?;
        let nodes: HashMap<&str, &Node> =
            resolve.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
        let packages: HashMap<&str, &Package> =
            self.packages.iter().map(|p| (p.id.as_str(), p)).collect();

        let mut seen = BTreeMap::new();
        let mut pending = vec![root.id.as_str()];
        while let Some(id) = pending.pop() {
            let Some(package) = packages.get(id) else {
                continue;
            };
            if package.source.is_some() || seen.contains_key(id) {
                continue;
            }
            seen.insert(id, *package);
            let Some(node) = nodes.get(id) else { continue };
            let built_deps = node.deps.iter().filter(|dep| {
                dep.dep_kinds.is_empty()
                    || dep
                        .dep_kinds
                        .iter()
                        .any(|k| k.kind.as_deref() != Some("dev"))
            });
            pending.extend(built_deps.map(|dep| dep.pkg.as_str()));
        }

        Ok(seen
            .into_values()
            .map(|package| LocalPackage {
                name: package.name.clone(),
                root: package
                    .manifest_path
                    .parent()
                    .unwrap_or(Path::new("."))
                    .to_path_buf(),
            })
            .collect())
    }

    fn package_at(&self, crate_dir: &Path) -> Result<&Package, BuildError> {
        let wanted = canonical(&crate_dir.join("Cargo.toml"));
        self.packages
            .iter()
            .find(|package| canonical(&package.manifest_path) == wanted)
            .ok_or_else(|| BuildError::Metadata {
                dir: crate_dir.to_path_buf(),
                message: "cargo lists no package with this Cargo.toml".to_owned(),
            })
    }
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

//! Building plugin crates into the WebAssembly components docpipe runs.
//!
//! Each crate is compiled with a wasm32 toolchain found on this machine (never installed from
//! here), wrapped into a component and stamped with the digest of its sources. Builds use a
//! target directory of their own, so they never invalidate the host's build.

mod component;
mod digest;
mod discovery;
mod metadata;
mod toolchain;

use std::error::Error as StdError;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};

pub use component::{append_source_digest, read_source_digest};
pub use digest::source_digest;
pub use discovery::find_plugin_crates;
pub use toolchain::{
    detect_toolchain, detect_toolchain_in, Toolchain, ToolchainEnv, ToolchainKind,
    TOOLCHAIN_OVERRIDE_VAR, WASM_TARGET,
};

use metadata::Metadata;

/// Where built plugins go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOptions {
    /// Directory receiving `<name>.wasm` for each plugin.
    pub out_dir: PathBuf,
    /// Cargo target directory; `None` means `<workspace target dir>/docpipe-plugins`.
    pub target_dir: Option<PathBuf>,
}

/// A component written by [`build_plugin`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltPlugin {
    /// Plugin name: the package name without a leading `docpipe-`.
    pub name: String,
    /// Where the component was written.
    pub path: PathBuf,
    /// Hex sha256 of the sources, also stored in the component's `docpipe:source-digest`.
    pub source_digest: String,
    /// Size of the component in bytes.
    pub size: u64,
}

/// Why a plugin could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// No installed toolchain can compile to wasm32-unknown-unknown.
    #[error("no Rust toolchain here can build wasm32-unknown-unknown plugins: {hint}")]
    NoToolchain {
        /// How to install one.
        hint: String,
    },
    /// The toolchain forced by `DOCPIPE_WASM_TOOLCHAIN` is not usable.
    #[error("the {kind} toolchain cannot build plugins: {missing}; {hint}")]
    ToolchainUnavailable {
        /// The toolchain asked for.
        kind: ToolchainKind,
        /// What is missing.
        missing: String,
        /// How to install it.
        hint: String,
    },
    /// `DOCPIPE_WASM_TOOLCHAIN` names no known toolchain.
    #[error("DOCPIPE_WASM_TOOLCHAIN={requested} is not a toolchain; use `rustup` or `debian`")]
    UnknownToolchain {
        /// The value found.
        requested: String,
    },
    /// A path given to build holds no crate, and no crates in its subdirectories.
    #[error("no plugin crate in {path}: expected a Cargo.toml with [package] there or in a subdirectory")]
    NoCrates {
        /// The path given.
        path: PathBuf,
    },
    /// A `Cargo.toml` is not valid TOML.
    #[error("invalid manifest {path}: {message}")]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// `cargo metadata` failed or said something unexpected.
    #[error("cannot read cargo metadata for {dir}: {message}")]
    Metadata {
        /// The crate directory.
        dir: PathBuf,
        /// Cargo's message.
        message: String,
    },
    /// The crate does not build a `cdylib`, so there is no module to turn into a component.
    #[error("{package} builds no cdylib; add `crate-type = [\"cdylib\", \"rlib\"]` under [lib]")]
    NotCdylib {
        /// The package name.
        package: String,
    },
    /// A program could not be started.
    #[error("cannot run `{program}`")]
    Spawn {
        /// The program.
        program: String,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// Cargo failed to compile the plugin; its own messages went to stderr.
    #[error("cargo failed to build plugin {package} ({status})")]
    Cargo {
        /// The package name.
        package: String,
        /// Cargo's exit status.
        status: ExitStatus,
    },
    /// The compiled module could not be made into a component.
    #[error("cannot turn {package} into a component")]
    Componentize {
        /// The package name.
        package: String,
        /// What wit-component reported.
        #[source]
        source: Box<dyn StdError + Send + Sync>,
    },
    /// Reading or writing a file failed.
    #[error("I/O error on {path}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
}

/// Build every plugin crate named by `paths` (see [`find_plugin_crates`]) with the toolchain
/// [`detect_toolchain`] finds, stopping at the first failure.
pub fn build_all(
    paths: &[PathBuf],
    options: &BuildOptions,
) -> Result<Vec<BuiltPlugin>, BuildError> {
    let crates = find_plugin_crates(paths)?;
    let toolchain = detect_toolchain()?;
    crates
        .iter()
        .map(|crate_dir| build_plugin(crate_dir, &toolchain, options))
        .collect()
}

/// Compile the plugin crate in `crate_dir`, make it a component stamped with its source digest
/// and write it to `<out_dir>/<name>.wasm`.
///
/// Cargo's progress and diagnostics stream to this process's stderr.
pub fn build_plugin(
    crate_dir: &Path,
    toolchain: &Toolchain,
    options: &BuildOptions,
) -> Result<BuiltPlugin, BuildError> {
    let crate_dir = digest::absolute(crate_dir)?;
    let metadata = Metadata::load(toolchain.cargo(), &crate_dir, true)?;
    let package = metadata.plugin_package(&crate_dir)?;
    let source_digest = digest::digest_packages(&metadata.local_sources(&crate_dir)?)?;
    let target_dir = options
        .target_dir
        .clone()
        .unwrap_or_else(|| metadata.target_directory().join("docpipe-plugins"));

    let mut cargo = toolchain.build_command(&package.manifest_path, &package.name, &target_dir);
    // stdout may carry docpipe's own output; cargo's belongs with its diagnostics.
    cargo
        .current_dir(&crate_dir)
        .stdin(Stdio::null())
        .stdout(io::stderr())
        .stderr(io::stderr());
    let status = cargo.status().map_err(|source| BuildError::Spawn {
        program: cargo.get_program().to_string_lossy().into_owned(),
        source,
    })?;
    if !status.success() {
        return Err(BuildError::Cargo {
            package: package.name,
            status,
        });
    }

    let module_path = target_dir
        .join(WASM_TARGET)
        .join("release")
        .join(format!("{}.wasm", package.artifact_stem));
    let module = fs::read(&module_path).map_err(|source| BuildError::Io {
        path: module_path,
        source,
    })?;
    let component = component::componentize(&module, &source_digest).map_err(|err| {
        BuildError::Componentize {
            package: package.name.clone(),
            source: err.into(),
        }
    })?;

    let name = plugin_name(&package.name).to_owned();
    let path = options.out_dir.join(format!("{name}.wasm"));
    write_atomically(&path, &component)?;
    Ok(BuiltPlugin {
        name,
        path,
        source_digest,
        size: component.len() as u64,
    })
}

/// `docpipe-clean` is the plugin `clean`.
fn plugin_name(package: &str) -> &str {
    package.strip_prefix("docpipe-").unwrap_or(package)
}

/// Readers of `path` see the old file or the new one, never half of one.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), BuildError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let io_error = |source| BuildError::Io {
        path: path.to_path_buf(),
        source,
    };
    fs::create_dir_all(dir).map_err(io_error)?;
    let mut builder = tempfile::Builder::new();
    // A temp file is private by default; the component is not.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut file = builder.tempfile_in(dir).map_err(io_error)?;
    file.write_all(bytes).map_err(io_error)?;
    file.as_file().sync_all().map_err(io_error)?;
    file.persist(path).map_err(|err| io_error(err.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_names_drop_the_docpipe_prefix() {
        assert_eq!(plugin_name("docpipe-clean"), "clean");
        assert_eq!(plugin_name("word-count"), "word-count");
    }

    #[test]
    fn atomic_write_replaces_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out/clean.wasm");
        write_atomically(&path, b"old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
    }
}

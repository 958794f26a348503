//! Finding a Rust toolchain that can compile plugins to `wasm32-unknown-unknown`.
//!
//! Detection only looks: it never installs anything. What it looks at is gathered into a
//! [`ToolchainEnv`] first, so the choice itself is a pure function that tests can drive.

use std::env;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::BuildError;

/// The target every plugin is compiled for.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Environment variable that forces one toolchain: `rustup` or `debian`.
pub const TOOLCHAIN_OVERRIDE_VAR: &str = "DOCPIPE_WASM_TOOLCHAIN";

const RUSTUP_HINT: &str = "rustup target add wasm32-unknown-unknown";
const DEBIAN_HINT: &str = "apt-get install rustc-web cargo-web rust-web-src lld-22";
const WASM_LINKERS: &[&str] = &["wasm-ld-22", "wasm-ld"];
const SYSTEM_BIN: &str = "/usr/bin";

/// Plugins are compiled with WebAssembly SIMD, which memchr, aho-corasick and
/// regex have code paths for and LLVM auto-vectorizes with: the summarize
/// stage measured 5-17% faster (issue #10, docs/benchmarks.md). Wasmtime
/// enables the SIMD proposal by default and Cranelift lowers it with SSE2
/// alone, so it asks nothing of an x86-64 or aarch64 CPU.
///
/// Passed as `--config` so that it joins a user's own target rustflags
/// (`CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS`, `[target.*]` in a cargo
/// config) instead of replacing them. By cargo's precedence a `RUSTFLAGS`
/// variable still replaces everything, and `build.rustflags` is no longer
/// read once any target rustflags are set.
const WASM_RUSTFLAGS_CONFIG: &str =
    r#"target.wasm32-unknown-unknown.rustflags=["-C", "target-feature=+simd128"]"#;

/// Which kind of toolchain builds the plugins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolchainKind {
    /// The `cargo` on `PATH` with a prebuilt `wasm32-unknown-unknown` standard library.
    Rustup,
    /// Debian's `rustc-web`: the standard library is compiled from source with `-Zbuild-std`
    /// and linked with LLVM's `wasm-ld`.
    Debian,
}

impl fmt::Display for ToolchainKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ToolchainKind::Rustup => "rustup",
            ToolchainKind::Debian => "debian",
        })
    }
}

/// A toolchain able to build `wasm32-unknown-unknown` plugins, and how to invoke its cargo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toolchain {
    kind: ToolchainKind,
    cargo: PathBuf,
    envs: Vec<(OsString, OsString)>,
    build_args: Vec<String>,
}

impl Toolchain {
    /// Which kind of toolchain this is.
    pub fn kind(&self) -> ToolchainKind {
        self.kind
    }

    /// A `cargo` command with this toolchain's environment, for any subcommand.
    pub fn cargo(&self) -> Command {
        let mut command = Command::new(&self.cargo);
        command.envs(self.envs.iter().map(|(k, v)| (k, v)));
        command
    }

    /// `cargo build` of one package's library for the wasm target, in release mode.
    pub(crate) fn build_command(
        &self,
        manifest_path: &Path,
        package: &str,
        target_dir: &Path,
    ) -> Command {
        let mut command = self.cargo();
        command
            .arg("build")
            .arg("--release")
            .arg("--lib")
            .args(["--target", WASM_TARGET])
            .arg("--manifest-path")
            .arg(manifest_path)
            .args(["--package", package])
            .arg("--target-dir")
            .arg(target_dir)
            .args(["--config", WASM_RUSTFLAGS_CONFIG])
            .args(&self.build_args);
        command
    }
}

/// What toolchain detection looked at.
///
/// [`ToolchainEnv::probe`] fills it from this machine; tests build one by hand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolchainEnv {
    /// The value of `DOCPIPE_WASM_TOOLCHAIN`, if set.
    pub requested: Option<String>,
    /// The `cargo` found on `PATH`.
    pub path_cargo: Option<PathBuf>,
    /// Whether the `rustc` on `PATH` has the `wasm32-unknown-unknown` standard library.
    pub path_rustc_has_wasm_target: bool,
    /// `/usr/bin/cargo`, if it exists.
    pub system_cargo: Option<PathBuf>,
    /// `/usr/bin/rustc`, if its sysroot ships the standard library's source.
    pub system_rustc_with_std_source: Option<PathBuf>,
    /// A `wasm-ld` linker on `PATH` or in `/usr/bin`.
    pub wasm_ld: Option<PathBuf>,
    /// The current `PATH`, to which `/usr/bin` is prepended for the Debian toolchain.
    pub path: Option<OsString>,
}

impl ToolchainEnv {
    /// Look at this machine: environment, `PATH`, and the sysroots of the `rustc`s found.
    pub fn probe() -> Self {
        let path = env::var_os("PATH");
        let system_bin = Path::new(SYSTEM_BIN);
        let path_rustc_has_wasm_target = find_on_path("rustc", path.as_ref())
            .and_then(|rustc| sysroot(&rustc))
            .is_some_and(|root| root.join("lib/rustlib").join(WASM_TARGET).is_dir());
        let system_rustc = system_bin.join("rustc");
        let system_rustc_with_std_source = sysroot(&system_rustc)
            .filter(|root| root.join("lib/rustlib/src/rust/library").is_dir())
            .map(|_| system_rustc);
        let wasm_ld = WASM_LINKERS.iter().find_map(|name| {
            find_on_path(name, path.as_ref()).or_else(|| executable(system_bin.join(name)))
        });
        ToolchainEnv {
            requested: env::var(TOOLCHAIN_OVERRIDE_VAR)
                .ok()
                .filter(|v| !v.is_empty()),
            path_cargo: find_on_path("cargo", path.as_ref()),
            path_rustc_has_wasm_target,
            system_cargo: executable(system_bin.join("cargo")),
            system_rustc_with_std_source,
            wasm_ld,
            path,
        }
    }
}

/// Find a toolchain on this machine that can build plugins.
///
/// Prefers rustup's prebuilt `wasm32-unknown-unknown` target, then Debian's `rustc-web`;
/// `DOCPIPE_WASM_TOOLCHAIN=rustup|debian` forces one.
pub fn detect_toolchain() -> Result<Toolchain, BuildError> {
    detect_toolchain_in(&ToolchainEnv::probe())
}

/// Choose a toolchain from what [`ToolchainEnv`] says is installed.
pub fn detect_toolchain_in(env: &ToolchainEnv) -> Result<Toolchain, BuildError> {
    match env.requested.as_deref() {
        None => rustup(env)
            .or_else(|_| debian(env))
            .map_err(|_| BuildError::NoToolchain {
                hint: format!(
                    "install the wasm32 target with `{RUSTUP_HINT}`, \
                     or on Debian/Ubuntu without rustup: `{DEBIAN_HINT}`"
                ),
            }),
        Some("rustup") => rustup(env),
        Some("debian") => debian(env),
        Some(other) => Err(BuildError::UnknownToolchain {
            requested: other.to_owned(),
        }),
    }
}

fn rustup(env: &ToolchainEnv) -> Result<Toolchain, BuildError> {
    let unavailable = |missing: &str| BuildError::ToolchainUnavailable {
        kind: ToolchainKind::Rustup,
        missing: missing.to_owned(),
        hint: format!("run `{RUSTUP_HINT}`"),
    };
    let cargo = env
        .path_cargo
        .clone()
        .ok_or_else(|| unavailable("no `cargo` on PATH"))?;
    if !env.path_rustc_has_wasm_target {
        return Err(unavailable(
            "the `rustc` on PATH has no wasm32-unknown-unknown standard library",
        ));
    }
    Ok(Toolchain {
        kind: ToolchainKind::Rustup,
        cargo,
        envs: Vec::new(),
        build_args: Vec::new(),
    })
}

fn debian(env: &ToolchainEnv) -> Result<Toolchain, BuildError> {
    let unavailable = |missing: &str| BuildError::ToolchainUnavailable {
        kind: ToolchainKind::Debian,
        missing: missing.to_owned(),
        hint: format!("run `{DEBIAN_HINT}`"),
    };
    let cargo = env
        .system_cargo
        .clone()
        .ok_or_else(|| unavailable("no /usr/bin/cargo"))?;
    let rustc = env
        .system_rustc_with_std_source
        .clone()
        .ok_or_else(|| unavailable("no /usr/bin/rustc with the standard library's source"))?;
    let wasm_ld = env
        .wasm_ld
        .clone()
        .ok_or_else(|| unavailable("no wasm-ld-22 or wasm-ld on PATH or in /usr/bin"))?;

    // `/usr/bin` goes first so that cargo's helpers (rustdoc, ...) match the Debian rustc
    // rather than a rustup proxy earlier on PATH.
    let mut dirs = vec![PathBuf::from(SYSTEM_BIN)];
    dirs.extend(env.path.iter().flat_map(env::split_paths));
    let path = env::join_paths(dirs).unwrap_or_else(|_| OsString::from(SYSTEM_BIN));
    // -Zbuild-std is unstable; RUSTC_BOOTSTRAP lets this stable toolchain accept it.
    let envs = vec![
        (OsString::from("PATH"), path),
        (OsString::from("RUSTC"), rustc.into_os_string()),
        (OsString::from("RUSTC_BOOTSTRAP"), OsString::from("1")),
        (
            OsString::from("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER"),
            wasm_ld.into_os_string(),
        ),
    ];
    Ok(Toolchain {
        kind: ToolchainKind::Debian,
        cargo,
        envs,
        build_args: vec!["-Zbuild-std=std,panic_abort".to_owned()],
    })
}

fn sysroot(rustc: &Path) -> Option<PathBuf> {
    let output = Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    Some(PathBuf::from(text.trim()))
}

fn find_on_path(name: &str, path: Option<&OsString>) -> Option<PathBuf> {
    env::split_paths(path?).find_map(|dir| executable(dir.join(name)))
}

fn executable(candidate: PathBuf) -> Option<PathBuf> {
    let candidate = if cfg!(windows) {
        candidate.with_extension("exe")
    } else {
        candidate
    };
    candidate.is_file().then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn debian_machine() -> ToolchainEnv {
        ToolchainEnv {
            system_cargo: Some("/usr/bin/cargo".into()),
            system_rustc_with_std_source: Some("/usr/bin/rustc".into()),
            wasm_ld: Some("/usr/bin/wasm-ld-22".into()),
            path: Some("/home/me/.cargo/bin:/usr/bin".into()),
            ..ToolchainEnv::default()
        }
    }

    #[test]
    fn without_any_toolchain_the_error_says_how_to_get_one() {
        let err = detect_toolchain_in(&ToolchainEnv::default()).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("rustup target add wasm32-unknown-unknown"),
            "{message}"
        );
        assert!(
            message.contains("apt-get install rustc-web cargo-web rust-web-src lld-22"),
            "{message}"
        );
    }

    #[test]
    fn rustup_target_is_preferred_over_debian() {
        let env = ToolchainEnv {
            path_cargo: Some("/home/me/.cargo/bin/cargo".into()),
            path_rustc_has_wasm_target: true,
            ..debian_machine()
        };
        assert_eq!(
            detect_toolchain_in(&env).unwrap().kind(),
            ToolchainKind::Rustup
        );
    }

    #[test]
    fn rustup_without_the_wasm_target_falls_back_to_debian_build_std() {
        let env = ToolchainEnv {
            path_cargo: Some("/home/me/.cargo/bin/cargo".into()),
            ..debian_machine()
        };
        let toolchain = detect_toolchain_in(&env).unwrap();
        assert_eq!(toolchain.kind(), ToolchainKind::Debian);
        let command = toolchain.build_command(Path::new("p/Cargo.toml"), "p", Path::new("t"));
        assert_eq!(command.get_program(), "/usr/bin/cargo");
        let args: Vec<_> = command.get_args().collect();
        assert!(args.contains(&"-Zbuild-std=std,panic_abort".as_ref()));
        let path = command
            .get_envs()
            .find(|(k, _)| *k == "PATH")
            .and_then(|(_, v)| v)
            .unwrap();
        assert!(path.to_string_lossy().starts_with("/usr/bin"));
    }

    #[test]
    fn both_toolchains_build_plugins_with_wasm_simd() {
        let rustup = ToolchainEnv {
            path_cargo: Some("/home/me/.cargo/bin/cargo".into()),
            path_rustc_has_wasm_target: true,
            ..ToolchainEnv::default()
        };
        for env in [rustup, debian_machine()] {
            let toolchain = detect_toolchain_in(&env).unwrap();
            let command = toolchain.build_command(Path::new("p/Cargo.toml"), "p", Path::new("t"));
            let args: Vec<_> = command.get_args().map(|a| a.to_str().unwrap()).collect();
            let at = args.iter().position(|a| *a == "--config").unwrap();
            assert_eq!(
                args[at + 1],
                r#"target.wasm32-unknown-unknown.rustflags=["-C", "target-feature=+simd128"]"#,
                "{}",
                toolchain.kind()
            );
        }
    }

    #[test]
    fn override_names_the_missing_piece() {
        let env = ToolchainEnv {
            requested: Some("debian".into()),
            wasm_ld: None,
            ..debian_machine()
        };
        let message = detect_toolchain_in(&env).unwrap_err().to_string();
        assert!(message.contains("wasm-ld"), "{message}");
        assert!(message.contains("lld-22"), "{message}");

        let env = ToolchainEnv {
            requested: Some("nix".into()),
            ..debian_machine()
        };
        let message = detect_toolchain_in(&env).unwrap_err().to_string();
        assert!(message.contains("nix"), "{message}");
    }
}

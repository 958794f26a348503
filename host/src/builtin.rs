//! First-party plugins compiled into the binary, so `cargo install` gives a
//! working `docpipe` on a machine with no wasm toolchain. The components are
//! built by `cargo build-plugins` and committed under `plugins/components/`.

use std::path::{Path, PathBuf};

/// A plugin that ships inside the binary.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// The name after `builtin:`.
    pub name: &'static str,
    /// The component's bytes (empty if it was never built).
    pub component: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/builtin_digests.rs"));

impl Builtin {
    /// sha256 (hex) of `component`, computed by `build.rs` from the same file.
    pub fn sha256(&self) -> &'static str {
        embedded_sha256(self.name).expect("build.rs hashed every component in plugins/components")
    }
}

macro_rules! builtin {
    ($name:literal) => {
        Builtin {
            name: $name,
            component: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../plugins/components/",
                $name,
                ".wasm"
            )),
        }
    };
}

/// Every built-in plugin, in pipeline order.
pub const BUILTINS: &[Builtin] = &[
    builtin!("extract"),
    builtin!("clean"),
    builtin!("langdetect"),
    // After `langdetect`: a missing `lang` field's hint names the first
    // built-in that writes it, and the accurate one is the default choice.
    builtin!("langdetect-fast"),
    builtin!("summarize"),
    builtin!("export"),
];

/// Prefix that names a built-in plugin in a pipeline file.
pub const PREFIX: &str = "builtin:";

/// The built-in plugin with this name.
pub fn find(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// The names of all built-in plugins.
pub fn names() -> Vec<&'static str> {
    BUILTINS.iter().map(|b| b.name).collect()
}

/// Where a built-in plugin's source crate lives in this repository.
pub fn source_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../plugins")
        .join(name)
}

#[cfg(test)]
mod tests {
    use super::BUILTINS;
    use sha2::{Digest, Sha256};

    #[test]
    fn the_digests_build_rs_computed_are_those_of_the_embedded_bytes() {
        for builtin in BUILTINS {
            assert_eq!(
                builtin.sha256(),
                hex::encode(Sha256::digest(builtin.component)),
                "builtin:{}",
                builtin.name
            );
        }
    }
}

//! Digests of the built-in components, computed when the binary is built so
//! that starting a run never hashes the megabytes the binary embeds (the
//! pins, the compile cache and the resume journal all need them).

use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/components");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "wasm"))
        .collect();
    entries.sort();
    let mut code = String::from(
        "/// sha256 (hex) of the embedded component `name`, as the build saw it.\n\
         pub(crate) fn embedded_sha256(name: &str) -> Option<&'static str> {\n    match name {\n",
    );
    for path in entries {
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes =
            std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let name = path.file_stem().expect("a file name").to_string_lossy();
        let digest: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let _ = writeln!(code, "        {name:?} => Some({digest:?}),");
    }
    code.push_str("        _ => None,\n    }\n}\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("builtin_digests.rs");
    std::fs::write(&out, code).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}

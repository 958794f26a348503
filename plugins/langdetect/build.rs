//! Packs the n-gram table the component carries (see `model/` for how, and
//! `src/model.rs` for the layout), written to `$OUT_DIR/model.bin` and
//! embedded with `include_bytes!`. The packing code is the
//! `docpipe-langdetect-model` crate's, so the table a pipeline can hand the
//! plugin as a resource is packed the same way.

use docpipe_langdetect_model::{pack, KEEP_4GRAMS, KEEP_5GRAMS};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let path = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("model.bin");
    std::fs::write(&path, pack(KEEP_4GRAMS, KEEP_5GRAMS))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

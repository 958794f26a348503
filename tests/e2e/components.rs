//! The components committed under `plugins/components/` must be built from
//! the plugin sources as they are now: a stale one fails here.

use docpipe::build::{read_source_digest, source_digest};
use docpipe::builtin::{source_dir, BUILTINS};

#[test]
fn every_builtin_component_was_built_from_the_current_sources() {
    let mut stale = Vec::new();
    for builtin in BUILTINS {
        let expected = source_digest(&source_dir(builtin.name)).unwrap();
        match read_source_digest(builtin.component) {
            Some(found) if found == expected => {}
            Some(found) => stale.push(format!(
                "{}: built from {found}, sources are {expected}",
                builtin.name
            )),
            None => stale.push(format!(
                "{}: no source digest (was it built with `cargo build-plugins`?)",
                builtin.name
            )),
        }
    }
    assert!(
        stale.is_empty(),
        "stale built-in components; run `cargo build-plugins` and commit plugins/components/:\n{}",
        stale.join("\n")
    );
}

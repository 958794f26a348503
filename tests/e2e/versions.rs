//! The plugin interface is versioned: a component built against another
//! `docpipe:plugin` version is refused, by name, at the stage that uses it.

use crate::util::{build_test_plugin, docpipe_expecting, Dir};

#[test]
fn a_plugin_built_against_a_newer_interface_is_refused_naming_both_versions() {
    let plugin = build_test_plugin("future-version");
    let dir = Dir::new();
    std::fs::copy(&plugin, dir.join("future.wasm")).unwrap();
    dir.write("in/a.txt", "A document the plugin never sees.");
    dir.write(
        "p.toml",
        "[input]\npaths = [\"in\"]\n\n[[stages]]\nid = \"future\"\nplugin = \"future.wasm\"\n",
    );
    let (_, stderr) = docpipe_expecting("check", &dir.join("p.toml"), 2);
    assert!(stderr.contains("docpipe:plugin@0.2.0"), "{stderr}");
    assert!(stderr.contains("docpipe:plugin@0.1.0"), "{stderr}");
    assert!(
        stderr.contains("p.toml:6:10"),
        "points at the stage's `plugin`: {stderr}"
    );
}

//! `docpipe plugins list | inspect`.

use crate::util::{docpipe, output_text};

#[test]
fn list_shows_every_builtin() {
    let output = docpipe().args(["plugins", "list"]).output().unwrap();
    let (stdout, stderr) = output_text(&output);
    assert!(output.status.success(), "{stderr}");
    for name in [
        "builtin:extract",
        "builtin:clean",
        "builtin:langdetect",
        "builtin:langdetect-fast",
        "builtin:summarize",
        "builtin:export",
    ] {
        assert!(stdout.contains(name), "{name} missing from:\n{stdout}");
    }
    assert!(stdout.contains("exporter"), "{stdout}");
}

#[test]
fn inspect_prints_the_manifest_and_schemas_as_json() {
    let output = docpipe()
        .args(["plugins", "inspect", "builtin:summarize", "--json"])
        .output()
        .unwrap();
    let (stdout, stderr) = output_text(&output);
    assert!(output.status.success(), "{stderr}");
    let manifest: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(manifest["name"], "summarize");
    assert_eq!(manifest["kind"], "transform");
    assert!(
        manifest["config_schema"]["properties"]["sentences"].is_object(),
        "{stdout}"
    );
    assert!(
        manifest["output_schema"]["properties"]["summary"].is_object(),
        "{stdout}"
    );
    assert_eq!(manifest["sha256"].as_str().unwrap().len(), 64);
}

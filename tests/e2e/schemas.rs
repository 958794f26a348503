//! The schemas committed under `schemas/` are exactly what `docpipe schema`
//! prints, so editors and tools pointed at them never see a stale contract.
//! `DOCPIPE_BLESS=1` rewrites the files instead of failing.

use crate::util::{docpipe, output_text, repo};
use docpipe::builtin::BUILTINS;
use std::path::Path;

const REGENERATE: &str = "DOCPIPE_BLESS=1 cargo test -p docpipe --test e2e schemas";

fn blessing() -> bool {
    std::env::var_os("DOCPIPE_BLESS").is_some_and(|v| v == "1")
}

/// Compare `relative` with the output of `docpipe schema <args>`, or write it
/// when blessing. Returns a line describing the drift, if any.
fn drift(relative: &str, args: &[&str]) -> Option<String> {
    let output = docpipe().arg("schema").args(args).output().unwrap();
    let (printed, stderr) = output_text(&output);
    assert!(
        output.status.success(),
        "docpipe schema {}: {stderr}",
        args.join(" ")
    );
    let path = repo().join(relative);
    if blessing() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &printed).unwrap();
        return None;
    }
    match std::fs::read_to_string(&path) {
        Ok(committed) if committed == printed => None,
        Ok(_) => Some(format!(
            "{relative} differs from `docpipe schema {}`",
            args.join(" ")
        )),
        Err(e) => Some(format!("{relative}: {e}")),
    }
}

fn assert_no_drift(drifted: Vec<String>) {
    assert!(
        drifted.is_empty(),
        "committed schemas are out of date:\n  {}\nregenerate them with `{REGENERATE}` and commit the result",
        drifted.join("\n  ")
    );
}

#[test]
fn the_committed_pipeline_schema_is_what_docpipe_prints() {
    assert_no_drift(
        drift("schemas/pipeline.schema.json", &["pipeline"])
            .into_iter()
            .collect(),
    );
}

#[test]
fn every_builtin_has_a_committed_schema_that_docpipe_prints() {
    let drifted = BUILTINS
        .iter()
        .filter_map(|b| {
            drift(
                &format!("schemas/plugins/{}.schema.json", b.name),
                &["plugin", &format!("builtin:{}", b.name)],
            )
        })
        .collect();
    assert_no_drift(drifted);
}

#[test]
fn no_committed_plugin_schema_outlives_its_builtin() {
    // A missing directory is reported by the test above, as missing files.
    let Ok(entries) = std::fs::read_dir(repo().join("schemas/plugins")) else {
        return;
    };
    let stale: Vec<_> = entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".schema.json"));
            !name.is_some_and(|name| BUILTINS.iter().any(|b| b.name == name))
        })
        .collect();
    if blessing() {
        for path in &stale {
            std::fs::remove_file(path).unwrap();
        }
        return;
    }
    assert!(
        stale.is_empty(),
        "schemas/plugins/ holds files for no built-in plugin:\n  {}\ndelete them, or run `{REGENERATE}`",
        stale.iter().map(|p| display(p)).collect::<Vec<_>>().join("\n  ")
    );
}

#[test]
fn the_pipeline_schema_describes_the_pipeline_file() {
    let output = docpipe().args(["schema", "pipeline"]).output().unwrap();
    let (printed, _) = output_text(&output);
    assert!(printed.ends_with("}\n"), "ends with one newline");
    let schema: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(schema["title"], "docpipe pipeline file");
    assert!(schema["$id"]
        .as_str()
        .unwrap()
        .ends_with("/schemas/pipeline.schema.json"));
    assert_eq!(schema["required"], serde_json::json!(["input"]));
    assert!(schema["$defs"]["RawStage"]["properties"]["plugin"].is_object());
}

#[test]
fn a_plugin_schema_names_the_plugin_and_holds_its_three_schemas() {
    let output = docpipe()
        .args(["schema", "plugin", "builtin:summarize"])
        .output()
        .unwrap();
    let (printed, stderr) = output_text(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let schema: serde_json::Value = serde_json::from_str(&printed).unwrap();
    let keys: Vec<&str> = schema
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["name", "version", "kind", "config", "input", "output"]
    );
    assert_eq!(schema["name"], "summarize");
    assert_eq!(schema["kind"], "transform");
    assert!(schema["config"]["properties"]["sentences"].is_object());
}

#[test]
fn an_unknown_plugin_has_no_schema() {
    let output = docpipe()
        .args(["schema", "plugin", "builtin:nope"])
        .output()
        .unwrap();
    let (printed, stderr) = output_text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(printed.is_empty(), "{printed}");
    assert!(stderr.contains("no built-in plugin `nope`"), "{stderr}");
}

fn display(path: &Path) -> String {
    path.strip_prefix(repo())
        .unwrap_or(path)
        .display()
        .to_string()
}

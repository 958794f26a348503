//! Read-only resources: a stage's plugin reads the files its pipeline
//! declares and pins, and nothing else; a changed, unpinned or missing file
//! stops the pipeline before any document runs, pointing at the entry.

use crate::util::{check_refuses, docpipe, docpipe_expecting, faulty_plugin, Dir};
use sha2::{Digest, Sha256};

const FIXTURE: &str = "the fixture's bytes";

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A stage's `resources` entry pinning `path` to the digest of `pinned`.
fn entry(name: &str, path: &str, pinned: &[u8]) -> String {
    format!(
        "resources.{name} = {{ path = \"{path}\", sha256 = \"{}\" }}\n",
        sha256(pinned)
    )
}

/// The faulty plugin over one `resource` document, with `resources` (TOML
/// lines of the stage) and `memory` as its limit.
fn resource_pipeline(dir: &Dir, resources: &str, memory: &str) -> std::path::PathBuf {
    dir.write_docs(&["resource"]);
    dir.write("data/fixture.txt", FIXTURE);
    dir.write(
        "pipeline.toml",
        format!(
            r#"[input]
paths = ["in"]
format = "jsonl"

[[stages]]
id = "faulty"
plugin = "{}"
limits = {{ memory = "{memory}" }}
{resources}
[[stages]]
id = "all"
plugin = "builtin:export"
config = {{ format = "jsonl" }}
"#,
            faulty_plugin().display()
        ),
    )
}

fn text_out(dir: &Dir) -> String {
    dir.jsonl("out/documents.jsonl")[0]["text"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_stage_reads_the_resource_its_pipeline_pins() {
    let dir = Dir::new();
    let pinned = entry("fixture", "data/fixture.txt", FIXTURE.as_bytes());
    let pipeline = resource_pipeline(&dir, &pinned, "64 MiB");
    docpipe().arg("run").arg(&pipeline).assert().code(0);
    assert_eq!(text_out(&dir), FIXTURE);

    // Without the entry the plugin finds no resource: it has no other way in.
    let pipeline = resource_pipeline(&dir, "", "64 MiB");
    docpipe()
        .arg("run")
        .arg(&pipeline)
        .arg("--overwrite")
        .assert()
        .code(0);
    assert_eq!(text_out(&dir), "none");
}

#[test]
fn a_resource_that_changed_since_it_was_pinned_is_refused() {
    let dir = Dir::new();
    let pinned = entry(
        "fixture",
        "data/fixture.txt",
        b"what the file held when it was pinned",
    );
    let pipeline = resource_pipeline(&dir, &pinned, "64 MiB");
    let stderr = check_refuses(&pipeline);
    assert!(
        stderr.contains(&format!(
            "resource `fixture` ({}) has sha256 {}, not the one pinned",
            dir.join("data/fixture.txt").display(),
            sha256(FIXTURE.as_bytes())
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("pipeline.toml:9:59"),
        "points at the pin: {stderr}"
    );
    assert!(!dir.join("out").exists(), "nothing ran");
}

#[test]
fn every_resource_needs_a_file_and_a_pin() {
    let dir = Dir::new();
    let entries = format!(
        "resources.fixture = {{ path = \"data/fixture.txt\" }}\n{}\
         resources.words = {{ path = \"data/fixture.txt\", sha256 = \"abc\" }}\n",
        entry("model", "data/absent.bin", b"")
    );
    let stderr = check_refuses(&resource_pipeline(&dir, &entries, "64 MiB"));
    assert!(
        stderr.contains("has no `sha256`: a resource must be pinned"),
        "{stderr}"
    );
    assert!(
        stderr.contains("sha256sum data/fixture.txt"),
        "says how to pin it: {stderr}"
    );
    assert!(
        stderr.contains("absent.bin` not found") && stderr.contains("pipeline.toml:10:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("is not a sha256 digest (3 characters)"),
        "{stderr}"
    );
}

#[test]
fn a_resource_the_plugin_never_reads_is_a_warning() {
    let dir = Dir::new();
    // A misspelt name: the plugin asks for `fixture`.
    let misspelt = entry("fixtrue", "data/fixture.txt", FIXTURE.as_bytes());
    let pipeline = resource_pipeline(&dir, &misspelt, "64 MiB");
    let (_, stderr) = docpipe_expecting("check", &pipeline, 0);
    assert!(
        stderr.contains("did not read resource `fixtrue` when configured"),
        "{stderr}"
    );
    assert!(stderr.contains("pipeline.toml:9:1"), "{stderr}");
}

#[test]
fn a_resource_counts_against_the_stages_memory_limit() {
    let dir = Dir::new();
    let big = vec![b'x'; 8 << 20];
    dir.write("data/big.bin", &big);
    let pinned = entry("fixture", "data/big.bin", &big);
    let stderr = check_refuses(&resource_pipeline(&dir, &pinned, "4 MiB"));
    assert!(
        stderr.contains("exceeded its memory limit of 4 MiB while configuring"),
        "{stderr}"
    );
    // The plugin itself fits: the small fixture under the same limit runs.
    let small = entry("fixture", "data/fixture.txt", FIXTURE.as_bytes());
    let pipeline = resource_pipeline(&dir, &small, "4 MiB");
    docpipe().arg("run").arg(&pipeline).assert().code(0);
    assert_eq!(text_out(&dir), FIXTURE);
}

#[test]
fn langdetect_refuses_a_model_resource_that_is_not_its_table() {
    let dir = Dir::new();
    dir.write(
        "in/a.txt",
        "Ceci est une phrase en français, assez longue pour être lue.",
    );
    dir.write("models/model.bin", FIXTURE);
    let pipeline = dir.write(
        "pipeline.toml",
        format!(
            "[input]\npaths = [\"in\"]\n\n[[stages]]\nid = \"lang\"\nplugin = \"builtin:langdetect\"\n{}",
            entry("model", "models/model.bin", FIXTURE.as_bytes())
        ),
    );
    let stderr = check_refuses(&pipeline);
    assert!(
        stderr.contains("stage `lang` (builtin:langdetect) refused its resource `model`: the resource `model` is not a model table for this plugin: it is not a langdetect model table"),
        "{stderr}"
    );
    assert!(
        stderr.contains("pipeline.toml:7:19"),
        "points at the entry: {stderr}"
    );
}

#[test]
fn a_stage_that_copies_its_resources_for_every_document_is_warned_about() {
    let dir = Dir::new();
    let pinned = entry("fixture", "data/fixture.txt", FIXTURE.as_bytes());
    let pipeline = resource_pipeline(
        &dir,
        &format!("instances = \"per-document\"\n{pinned}"),
        "64 MiB",
    );
    let (_, stderr) = docpipe_expecting("check", &pipeline, 0);
    assert!(
        stderr.contains("reads resources and makes a fresh instance per document"),
        "{stderr}"
    );
    // It still works, only slower.
    docpipe().arg("run").arg(&pipeline).assert().code(0);
    assert_eq!(text_out(&dir), FIXTURE);
}

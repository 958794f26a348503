//! The static contract check: `docpipe check` proves, before any document
//! runs, that each stage gets the fields it requires.

use crate::util::{build_test_plugin, check_refuses, docpipe, docpipe_expecting, output_text, Dir};

/// A pipeline over a text input with the given stages (`id`, `plugin`).
fn pipeline(dir: &Dir, stages: &[(&str, String)]) -> std::path::PathBuf {
    dir.write(
        "in/a.txt",
        "Some text in English, long enough to detect its language.",
    );
    let mut text = String::from("[input]\npaths = [\"in\"]\n");
    for (id, plugin) in stages {
        text.push_str(&format!(
            "\n[[stages]]\nid = \"{id}\"\nplugin = \"{plugin}\"\n"
        ));
    }
    dir.write("p.toml", text)
}

fn fixture(name: &str) -> String {
    build_test_plugin(name).display().to_string()
}

#[test]
fn a_correct_chain_passes_and_explain_shows_what_flows() {
    let dir = Dir::new();
    let p = pipeline(
        &dir,
        &[
            ("lang", "builtin:langdetect".into()),
            ("needs", fixture("needs-lang")),
        ],
    );
    let output = docpipe()
        .arg("check")
        .arg(&p)
        .arg("--explain")
        .output()
        .unwrap();
    let (stdout, stderr) = output_text(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("after stage `lang`:"), "{stdout}");
    assert!(stdout.contains("    code: string"), "{stdout}");
    assert!(
        !stderr.contains("docpipe::contract"),
        "no warnings expected: {stderr}"
    );
    // And the chain really runs.
    docpipe().arg("run").arg(&p).assert().code(0);
}

#[test]
fn a_required_field_nothing_provides_is_an_error_with_a_remedy() {
    let dir = Dir::new();
    let p = pipeline(
        &dir,
        &[
            ("clean", "builtin:clean".into()),
            ("needs", fixture("needs-lang")),
        ],
    );
    let stderr = check_refuses(&p);
    assert!(
        stderr.contains("docpipe::contract::missing_field"),
        "{stderr}"
    );
    assert!(
        stderr.contains("needs `lang.code` (string) but no earlier stage provides it; add a stage with `builtin:langdetect` before it"),
        "{stderr}"
    );
    assert!(
        stderr.contains("p.toml:10:10"),
        "points at the stage's plugin: {stderr}"
    );
    assert!(!dir.join("out").exists(), "nothing ran");
}

#[test]
fn a_field_of_the_wrong_type_is_an_error() {
    let dir = Dir::new();
    let p = pipeline(
        &dir,
        &[
            ("numbers", fixture("numeric-lang")),
            ("needs", fixture("needs-lang")),
        ],
    );
    let stderr = check_refuses(&p);
    assert!(
        stderr.contains("docpipe::contract::type_mismatch"),
        "{stderr}"
    );
    assert!(
        stderr.contains("needs `lang.code` (string) but the document has it as integer"),
        "{stderr}"
    );
    assert!(stderr.contains("p.toml:10:10"), "{stderr}");
}

#[test]
fn a_field_that_may_be_missing_is_a_warning_not_an_error() {
    let dir = Dir::new();
    dir.write(
        "in/a.jsonl",
        "{\"id\": \"a\", \"text\": \"x\", \"lang\": {\"code\": \"en\"}}\n",
    );
    let plugin = fixture("needs-lang");
    dir.write(
        "p.toml",
        format!("[input]\npaths = [\"in\"]\nformat = \"jsonl\"\n\n[[stages]]\nid = \"needs\"\nplugin = \"{plugin}\"\n"),
    );
    // JSONL lines may carry the field.
    let (_, stderr) = docpipe_expecting("check", &dir.join("p.toml"), 0);
    assert!(
        stderr.contains("docpipe::contract::unproven"),
        "but it cannot be proven: {stderr}"
    );
    assert!(stderr.contains("lang.code"), "{stderr}");
}

#[test]
fn every_example_pipeline_passes_check() {
    let examples = crate::util::repo().join("examples");
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&examples).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_name() != "pipeline.toml" {
            continue;
        }
        let dir = entry.path().parent().unwrap();
        // The third-party example names a component built from its crate.
        if dir.join("Cargo.toml").exists() {
            let out = build_test_plugin_from(dir);
            let copy = Dir::new();
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let rewritten = text.replace(
                "plugin = \"example-wordcount.wasm\"",
                &format!("plugin = \"{}\"", out.display()),
            );
            assert_ne!(
                text, rewritten,
                "the wordcount example names example-wordcount.wasm"
            );
            let p = copy.write(
                "pipeline.toml",
                rewritten.replace(
                    "\"../news/input\"",
                    &format!("\"{}\"", examples.join("news/input").display()),
                ),
            );
            let output = docpipe().arg("check").arg(&p).output().unwrap();
            assert_eq!(
                output.status.code(),
                Some(0),
                "{}: {}",
                entry.path().display(),
                output_text(&output).1
            );
        } else {
            let output = docpipe().arg("check").arg(entry.path()).output().unwrap();
            assert_eq!(
                output.status.code(),
                Some(0),
                "{}: {}",
                entry.path().display(),
                output_text(&output).1
            );
        }
        checked += 1;
    }
    assert!(checked >= 2, "found the example pipelines");
}

fn build_test_plugin_from(dir: &std::path::Path) -> std::path::PathBuf {
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("example-plugins");
    let output = docpipe()
        .args(["plugins", "build"])
        .arg(dir)
        .arg("--out-dir")
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", output_text(&output).1);
    out.join("example-wordcount.wasm")
}

#[test]
fn config_and_chain_problems_are_reported_together() {
    let dir = Dir::new();
    let plugin = fixture("needs-lang");
    dir.write("in/a.txt", "text");
    dir.write(
        "p.toml",
        format!("[input]\npaths = [\"in\"]\n\n[[stages]]\nid = \"summary\"\nplugin = \"builtin:summarize\"\nconfig = {{ sentences = \"two\" }}\n\n[[stages]]\nid = \"needs\"\nplugin = \"{plugin}\"\n"),
    );
    let stderr = check_refuses(&dir.join("p.toml"));
    assert!(stderr.contains("has 2 errors"), "{stderr}");
    assert!(stderr.contains("p.toml:7:24"), "the config value: {stderr}");
    assert!(
        stderr.contains("p.toml:11:10"),
        "the stage that misses `lang.code`: {stderr}"
    );
}

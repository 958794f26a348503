//! A plugin that traps, loops, hoards memory, floods output or logs, or
//! fails on purpose fails only its own document; the run goes on.

use crate::util::{
    build_test_plugin, check_refuses, docpipe, faulty_plugin, output_text, run_expecting, Dir,
};
use serde_json::Value;

fn faulty_pipeline(dir: &Dir, texts: &[&str], on_error: &str) -> std::path::PathBuf {
    let plugin = faulty_plugin();
    dir.write_docs(texts);
    dir.write(
        "pipeline.toml",
        format!(
            r#"
on_error = "{on_error}"

[input]
paths = ["in"]
format = "jsonl"

[[stages]]
id = "faulty"
plugin = "{}"
limits = {{ memory = "64 MiB", timeout = "1s", max_output = "4 MiB" }}

[[stages]]
id = "all"
plugin = "builtin:export"
config = {{ format = "jsonl" }}
"#,
            plugin.display()
        ),
    )
}

fn kinds_by_id(rejects: &[Value]) -> Vec<(String, String)> {
    rejects
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn each_misbehaving_document_fails_alone_with_its_reason() {
    let dir = Dir::new();
    let texts = [
        "fine",
        "trap",
        "loop",
        "grow",
        "huge",
        "fail",
        "drop",
        "log",
        "also fine",
        "recurse",
    ];
    let pipeline = faulty_pipeline(&dir, &texts, "skip");
    let output = docpipe()
        .arg("run")
        .arg(&pipeline)
        .args(["--jobs", "2"])
        .output()
        .unwrap();
    let (stdout, stderr) = output_text(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "failed documents mean exit 1\n{stdout}\n{stderr}"
    );

    let kept: Vec<String> = dir
        .jsonl("out/documents.jsonl")
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        kept,
        ["0-fine", "7-log", "8-also fine"],
        "every other document is still written, in order"
    );

    let rejects = dir.jsonl("out/rejects.jsonl");
    assert_eq!(
        kinds_by_id(&rejects),
        [
            ("1-trap".to_string(), "trap".to_string()),
            ("2-loop".to_string(), "timeout".to_string()),
            ("3-grow".to_string(), "memory-limit".to_string()),
            ("4-huge".to_string(), "output-too-large".to_string()),
            ("5-fail".to_string(), "plugin-error".to_string()),
            ("9-recurse".to_string(), "trap".to_string()),
        ]
    );
    // Rust keeps its stack in linear memory on wasm32: running past it is an
    // out-of-bounds access, which traps like any other.
    assert!(
        rejects[5]["message"].as_str().unwrap().contains("trapped"),
        "{}",
        rejects[5]["message"]
    );
    for reject in &rejects {
        assert_eq!(reject["stage"], "faulty");
    }
    let message = |i: usize| rejects[i]["message"].as_str().unwrap().to_string();
    assert!(message(0).contains("trapped"), "{}", message(0));
    assert!(message(1).contains("1s deadline"), "{}", message(1));
    assert!(
        message(2).contains("memory limit of 64 MiB"),
        "{}",
        message(2)
    );
    assert!(
        message(3).contains("over its limit of 4 MiB"),
        "{}",
        message(3)
    );
    assert!(message(4).contains("asked-to-fail"), "{}", message(4));

    let summary = dir.json("out/run-summary.json");
    assert_eq!(summary["documents_in"], 10);
    assert_eq!(summary["completed"], 3);
    assert_eq!(summary["dropped"], 1);
    assert_eq!(summary["failed"], 6);
    assert_eq!(summary["stages"][0]["failed"], 6);
    assert_eq!(summary["stages"][0]["dropped"], 1);
    assert_eq!(summary["stages"][1]["documents_in"], 3);

    let dropped = dir.jsonl("out/dropped.jsonl");
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0]["id"], "6-drop");
    assert_eq!(dropped[0]["stage"], "faulty");
    assert_eq!(dropped[0]["reason"], "the document asked to be dropped");

    // A flood of log calls is capped, not stored whole.
    assert!(
        stderr.matches("flood").count() <= 100,
        "log flood was not capped"
    );
}

#[test]
fn fail_fast_stops_at_the_first_failure() {
    let dir = Dir::new();
    let texts = ["fine", "trap", "fine again", "more", "and more"];
    let pipeline = faulty_pipeline(&dir, &texts, "fail-fast");
    let output = docpipe()
        .arg("run")
        .arg(&pipeline)
        .args(["--jobs", "1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let summary = dir.json("out/run-summary.json");
    assert_eq!(summary["stopped_early"], true);
    assert_eq!(summary["failed"], 1);
    assert_eq!(
        summary["completed"], 1,
        "documents after the failure are not written"
    );
    let kept: Vec<String> = dir
        .jsonl("out/documents.jsonl")
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kept, ["0-fine"]);
}

#[test]
fn a_pinned_plugin_that_changed_is_refused() {
    let dir = Dir::new();
    let plugin = faulty_plugin();
    dir.write("in/a.txt", "hello");
    dir.write(
        "p.toml",
        format!(
            "[input]\npaths = [\"in\"]\n\n[[stages]]\nid = \"faulty\"\nplugin = \"{}\"\nsha256 = \"{}\"\n",
            plugin.display(),
            "ab".repeat(32)
        ),
    );
    let stderr = run_expecting(&dir.join("p.toml"), 2);
    assert!(stderr.contains("but the pipeline pins"), "{stderr}");
    assert!(
        stderr.contains("p.toml:7:10"),
        "the error points at the pin: {stderr}"
    );
    assert!(
        !dir.join("out/run-summary.json").exists(),
        "nothing runs after a configuration error"
    );
}

#[test]
fn a_file_that_is_not_a_component_is_refused_at_load() {
    let dir = Dir::new();
    dir.write("in/a.txt", "hello");
    dir.write("bogus.wasm", b"\0asm\x01\0\0\0");
    dir.write(
        "p.toml",
        "[input]\npaths = [\"in\"]\n\n[[stages]]\nid = \"bogus\"\nplugin = \"bogus.wasm\"\n",
    );
    let stderr = check_refuses(&dir.join("p.toml"));
    assert!(
        stderr.contains("bogus.wasm` is not a valid WebAssembly component"),
        "{stderr}"
    );
}

#[test]
fn every_stage_pin_is_checked_even_when_stages_share_a_plugin() {
    let dir = Dir::new();
    let plugin = faulty_plugin();
    dir.write("in/a.txt", "hello");
    dir.write(
        "p.toml",
        format!(
            "[input]\npaths = [\"in\"]\n\n[[stages]]\nid = \"first\"\nplugin = \"{p}\"\n\n[[stages]]\nid = \"second\"\nplugin = \"{p}\"\nsha256 = \"{}\"\n",
            "cd".repeat(32),
            p = plugin.display(),
        ),
    );
    let stderr = check_refuses(&dir.join("p.toml"));
    assert!(stderr.contains("stage `second`"), "{stderr}");
    assert!(stderr.contains("but the pipeline pins"), "{stderr}");
}

#[test]
fn a_plugin_that_breaks_its_own_output_schema_fails_that_document() {
    let dir = Dir::new();
    let pipeline = faulty_pipeline(&dir, &["fine", "break", "fine too"], "skip");
    run_expecting(&pipeline, 1);
    let rejects = dir.jsonl("out/rejects.jsonl");
    assert_eq!(
        kinds_by_id(&rejects),
        [("1-break".to_string(), "contract-violation".to_string())]
    );
    let message = rejects[0]["message"].as_str().unwrap();
    assert!(
        message.ends_with("broke its own contract at /lang/code: expected integer, got null"),
        "{message}"
    );
    assert_eq!(dir.jsonl("out/documents.jsonl").len(), 2);

    // With contracts off, the same output goes through unchecked.
    let text = std::fs::read_to_string(&pipeline).unwrap().replace(
        "on_error = \"skip\"",
        "on_error = \"skip\"\ncontracts = \"off\"",
    );
    std::fs::write(&pipeline, text).unwrap();
    docpipe()
        .arg("run")
        .arg(&pipeline)
        .arg("--overwrite")
        .assert()
        .code(0);
    assert_eq!(dir.jsonl("out/documents.jsonl").len(), 3);
}

/// A pipeline running `fixture` (built from `tests/plugins/`) over one document.
fn misfit_pipeline(dir: &Dir, fixture: &str) -> std::path::PathBuf {
    dir.write("in/a.txt", "hello");
    dir.write(
        "p.toml",
        format!(
            "[input]\npaths = [\"in\"]\n\n[[stages]]\nid = \"misfit\"\nplugin = \"{}\"\n",
            build_test_plugin(fixture).display()
        ),
    )
}

#[test]
fn a_plugin_that_imports_wasi_is_refused_at_load() {
    let dir = Dir::new();
    let stderr = check_refuses(&misfit_pipeline(&dir, "wasi-import"));
    assert!(
        stderr.contains("imports `wasi:cli/environment@0.2.0`, which docpipe does not provide"),
        "{stderr}"
    );
    assert!(stderr.contains("p.toml:6:10"), "{stderr}");
}

#[test]
fn a_component_that_exports_another_interface_is_refused_at_load() {
    let dir = Dir::new();
    let stderr = check_refuses(&misfit_pipeline(&dir, "wrong-export"));
    assert!(
        stderr
            .contains("is not a docpipe plugin: it does not export `docpipe:plugin/plugin@0.1.0`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("docpipe-test:wrong-export/thing@0.1.0"),
        "says what it does export: {stderr}"
    );
}

#[test]
fn a_document_that_comes_back_as_invalid_json_fails_alone() {
    let dir = Dir::new();
    let p = misfit_pipeline(&dir, "invalid-json");
    dir.write("in/b.txt", "second");
    let output = docpipe().arg("run").arg(&p).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let rejects = dir.jsonl("out/rejects.jsonl");
    assert_eq!(rejects.len(), 2, "each document fails on its own");
    assert_eq!(rejects[0]["kind"], "invalid-output");
    assert!(rejects[0]["message"]
        .as_str()
        .unwrap()
        .contains("not valid JSON"));
}

#[test]
fn dead_letter_keeps_each_failed_document_in_its_last_good_state() {
    let dir = Dir::new();
    let p = faulty_pipeline(&dir, &["fine", "trap", "fail"], "dead-letter");
    let output = docpipe().arg("run").arg(&p).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let letters = dir.jsonl("out/dead-letter.jsonl");
    assert_eq!(letters.len(), 2);
    assert_eq!(letters[0]["id"], "1-trap");
    assert_eq!(letters[0]["kind"], "trap");
    assert_eq!(
        letters[0]["document"]["text"], "trap",
        "the document as it entered the failing stage"
    );
    assert_eq!(letters[0]["document"]["meta"]["source"]["line"], 2);
    assert_eq!(letters[1]["id"], "2-fail");
    assert_eq!(
        dir.jsonl("out/documents.jsonl").len(),
        1,
        "the good document is still written"
    );
}

#[test]
fn a_plugin_that_imports_an_unknown_host_function_is_refused_at_load() {
    let dir = Dir::new();
    let stderr = check_refuses(&misfit_pipeline(&dir, "unknown-host-function"));
    assert!(
        stderr.contains(
            "imports `read-file` from `docpipe:plugin/host@0.1.0`, which docpipe does not provide"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("p.toml:6:10"), "{stderr}");
}

/// What the faulty stage returned as text, in input order.
fn texts(dir: &Dir) -> Vec<Value> {
    dir.jsonl("out/documents.jsonl")
        .iter()
        .map(|d| d["text"].clone())
        .collect()
}

/// `docpipe run --jobs 1`, so one instance per stage sees documents in order.
fn run_on_one_worker(pipeline: &std::path::Path, code: i32) {
    docpipe()
        .arg("run")
        .arg(pipeline)
        .args(["--jobs", "1"])
        .assert()
        .code(code);
}

/// Sets the faulty stage's instance policy.
fn with_instances(dir: &Dir, policy: &str) {
    let toml = dir.read("pipeline.toml").replace(
        "id = \"faulty\"\n",
        &format!("id = \"faulty\"\ninstances = \"{policy}\"\n"),
    );
    dir.write("pipeline.toml", toml);
}

#[test]
fn nothing_a_plugin_keeps_in_memory_survives_to_the_next_document() {
    let dir = Dir::new();
    let pipeline = faulty_pipeline(&dir, &["remember", "remember", "remember"], "skip");
    with_instances(&dir, "per-document");
    run_on_one_worker(&pipeline, 0);
    let texts: Vec<Value> = dir
        .jsonl("out/documents.jsonl")
        .iter()
        .map(|d| d["text"].clone())
        .collect();
    assert_eq!(
        texts,
        ["calls so far: 1", "calls so far: 1", "calls so far: 1"],
        "each document gets a fresh instance"
    );
}

#[test]
fn by_default_a_configured_instance_serves_document_after_document() {
    let dir = Dir::new();
    let pipeline = faulty_pipeline(&dir, &["remember", "remember", "remember"], "skip");
    run_on_one_worker(&pipeline, 0);
    assert_eq!(
        texts(&dir),
        ["calls so far: 1", "calls so far: 2", "calls so far: 3"],
        "one worker, one instance, configured once"
    );
}

#[test]
fn an_instance_that_failed_is_never_given_another_document() {
    let dir = Dir::new();
    let pipeline = faulty_pipeline(&dir, &["remember", "trap", "remember"], "skip");
    run_on_one_worker(&pipeline, 1);
    assert_eq!(
        texts(&dir),
        ["calls so far: 1", "calls so far: 1"],
        "the document after the trap starts on a fresh instance"
    );
    let summary = dir.json("out/run-summary.json");
    assert_eq!(summary["stages"][0]["failed"], 1);
    assert_eq!(
        summary["stages"][0]["retried"], 1,
        "the trap came on an instance that had served a document, so it was tried on a fresh one too"
    );
}

#[test]
fn a_document_failing_on_a_reused_instance_is_run_again_on_a_fresh_one() {
    let dir = Dir::new();
    let pipeline = faulty_pipeline(&dir, &["fine", "fresh-only", "also fine"], "skip");
    run_on_one_worker(&pipeline, 0);
    let summary = dir.json("out/run-summary.json");
    assert_eq!(
        summary["completed"], 3,
        "what the earlier document left behind fails nobody"
    );
    assert_eq!(summary["stages"][0]["retried"], 1);
    assert_eq!(summary["stages"][0]["failed"], 0);

    // Under `per-document` the same document never meets leftovers.
    let dir = Dir::new();
    let pipeline = faulty_pipeline(&dir, &["fine", "fresh-only", "also fine"], "skip");
    with_instances(&dir, "per-document");
    run_expecting(&pipeline, 0);
    assert_eq!(dir.json("out/run-summary.json")["stages"][0]["retried"], 0);
}

#[test]
fn a_stages_own_error_policy_overrides_the_pipelines() {
    let dir = Dir::new();
    let p = faulty_pipeline(&dir, &["fine", "fail", "also fine"], "skip");
    let toml = dir.read("pipeline.toml").replace(
        "id = \"faulty\"\n",
        "id = \"faulty\"\non_error = \"fail-fast\"\n",
    );
    dir.write("pipeline.toml", toml);
    let output = docpipe().arg("run").arg(&p).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let summary = dir.json("out/run-summary.json");
    assert_eq!(summary["stopped_early"], true, "the stage's fail-fast wins");
    assert_eq!(summary["completed"], 1);
}

#[test]
fn the_untimed_benchmark_switch_warns_that_stages_cannot_be_stopped() {
    // The switch drops the timeout's checks from compiled plugins; whoever
    // sets it (even by accident) must hear that a stage can now hang.
    let dir = Dir::new();
    let pipeline = faulty_pipeline(&dir, &["fine"], "skip");
    let output = docpipe()
        .env("DOCPIPE_UNTIMED_BENCHMARK", "1")
        .arg("run")
        .arg(&pipeline)
        .output()
        .unwrap();
    let (stdout, stderr) = output_text(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("DOCPIPE_UNTIMED_BENCHMARK=1: plugins run without their timeout checks"),
        "{stderr}"
    );
    let (_, stderr) = output_text(&docpipe().arg("run").arg(&pipeline).output().unwrap());
    assert!(!stderr.contains("DOCPIPE_UNTIMED_BENCHMARK"), "{stderr}");
}

//! `docpipe run --resume`: a run killed with SIGKILL (no chance to clean up)
//! or stopped with SIGINT is picked up where it stopped, and ends with the
//! very files a run that was never interrupted writes.

use crate::util::{
    docpipe, faulty_export_pipeline, interrupt, output_text, outputs, spawn_run_until, Dir,
};
use std::collections::BTreeMap;
use std::path::Path;

/// Documents that finish at once, fail (a `loop` holds the single worker
/// until its 1 s deadline), are dropped, or fail on purpose: every kind of
/// line in every whole-run file.
const TEXTS: [&str; 11] = [
    "a", "b", "loop", "c", "drop", "loop", "d", "fail", "loop", "e", "f",
];

fn pipeline(dir: &Dir, timeout: &str) -> std::path::PathBuf {
    dir.write_docs(&TEXTS);
    faulty_export_pipeline(dir, timeout, "")
}

fn run(dir: &Dir, pipeline: &Path, args: &[&str]) -> (Option<i32>, String) {
    let output = docpipe()
        .arg("run")
        .arg(pipeline)
        .args(["--jobs", "1"])
        .args(args)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let (stdout, stderr) = output_text(&output);
    (output.status.code(), format!("{stdout}\n{stderr}"))
}

/// The lines of the journal, once it records the document `id`.
fn journaled(dir: &Dir, id: &str) -> bool {
    std::fs::read_to_string(dir.join("out/.docpipe-resume/journal.jsonl"))
        .is_ok_and(|journal| journal.contains(&format!("\"id\":\"{id}\"")))
}

/// Kill the run with SIGKILL once the journal records `id`.
fn kill_after(dir: &Dir, pipeline: &Path, id: &str) {
    let mut child = spawn_run_until(pipeline, &[], || journaled(dir, id));
    child.kill().unwrap();
    child.wait().unwrap();
}

/// The run that was never interrupted, in `ref/`.
fn reference(dir: &Dir, pipeline: &Path) -> BTreeMap<String, Vec<u8>> {
    let (code, output) = run(dir, pipeline, &["--output", "ref"]);
    assert_eq!(code, Some(1), "{output}");
    outputs(&dir.join("ref"))
}

#[test]
fn a_run_killed_with_sigkill_resumes_to_the_same_outputs_as_an_uninterrupted_run() {
    let dir = Dir::new();
    let p = pipeline(&dir, "1s");
    let expected = reference(&dir, &p);

    // Killed after the first `loop` failed and `c` went through.
    kill_after(&dir, &p, "3-c");
    let done_before = std::fs::read_to_string(dir.join("out/.docpipe-resume/journal.jsonl"))
        .unwrap()
        .lines()
        .count()
        - 1;
    assert!(
        !dir.join("out/documents.jsonl").exists(),
        "a killed run publishes no whole-run file"
    );
    // The kill may land while a document's rows are half-appended and its
    // journal line half-written: make sure both happened.
    for partial in std::fs::read_dir(dir.join("out/.docpipe-resume/partial")).unwrap() {
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(partial.unwrap().path())
            .unwrap();
        std::io::Write::write_all(&mut file, b"{\"torn").unwrap();
    }
    let mut journal = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("out/.docpipe-resume/journal.jsonl"))
        .unwrap();
    std::io::Write::write_all(&mut journal, b"{\"id\":\"5-lo").unwrap();

    let (code, output) = run(&dir, &p, &["--resume"]);
    assert_eq!(code, Some(1), "{output}");
    assert!(
        !output.contains("2-loop"),
        "the first `loop` is not run again:\n{output}"
    );
    assert_eq!(outputs(&dir.join("out")), expected);
    let summary = dir.json("out/run-summary.json");
    assert_eq!(summary["resumed"], done_before as u64);
    assert!(done_before >= 4, "{done_before}");
    let reference_summary = dir.json("ref/run-summary.json");
    for count in ["documents_in", "completed", "dropped", "failed"] {
        assert_eq!(summary[count], reference_summary[count], "{count}");
    }
    for (stage, expected) in summary["stages"]
        .as_array()
        .unwrap()
        .iter()
        .zip(reference_summary["stages"].as_array().unwrap())
    {
        for count in ["documents_in", "kept", "dropped", "failed"] {
            assert_eq!(stage[count], expected[count], "{}: {count}", stage["id"]);
        }
    }
    assert!(
        !dir.join("out/.docpipe-resume").exists(),
        "a completed run leaves nothing to resume"
    );
}

#[test]
fn a_run_stopped_with_sigint_resumes_to_the_same_outputs() {
    let dir = Dir::new();
    let p = pipeline(&dir, "1s");
    let expected = reference(&dir, &p);

    let child = spawn_run_until(&p, &[], || journaled(&dir, "1-b"));
    interrupt(&child);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    let partial = dir.jsonl("out/documents.jsonl").len();
    assert!(
        partial < TEXTS.len(),
        "the interrupted run published a shorter file"
    );

    // The interrupted run's own whole-run files are replaced, not kept
    // beside as conflicts: the resumed run completes them.
    let (code, output) = run(&dir, &p, &["--resume"]);
    assert_eq!(code, Some(1), "{output}");
    assert_eq!(outputs(&dir.join("out")), expected);
}

#[test]
fn resuming_is_refused_when_the_pipeline_or_the_input_changed_and_allowed_after_a_restore() {
    let dir = Dir::new();
    let p = pipeline(&dir, "1s");
    let expected = reference(&dir, &p);
    kill_after(&dir, &p, "3-c");

    let input = dir.read("in/docs.jsonl");
    dir.write("in/docs.jsonl", input.replacen("0-a", "0-changed", 1));
    let (code, output) = run(&dir, &p, &["--resume"]);
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains("the input changed since the interrupted run: item 1 is now `0-changed`"),
        "{output}"
    );
    dir.write("in/docs.jsonl", &input);

    let changed = pipeline(&dir, "2s");
    let (code, output) = run(&dir, &changed, &["--resume"]);
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains("was made with a different pipeline, plugin or input settings"),
        "{output}"
    );

    // Refusals touch nothing: with the original pipeline it resumes.
    let p = pipeline(&dir, "1s");
    let (code, output) = run(&dir, &p, &["--resume"]);
    assert_eq!(code, Some(1), "{output}");
    assert!(!output.contains("2-loop"), "{output}");
    assert_eq!(outputs(&dir.join("out")), expected);
}

#[test]
fn a_run_without_resume_after_a_kill_starts_over_and_says_so() {
    let dir = Dir::new();
    let p = pipeline(&dir, "1s");
    let expected = reference(&dir, &p);
    kill_after(&dir, &p, "1-b");

    let (code, output) = run(&dir, &p, &[]);
    assert_eq!(code, Some(1), "{output}");
    assert!(output.contains("note: starting over"), "{output}");
    assert!(
        output.contains("2-loop"),
        "everything runs again:\n{output}"
    );
    assert_eq!(outputs(&dir.join("out")), expected);
}

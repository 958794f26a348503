//! Scale-out: `docpipe plan`, shards run as separate processes (some killed
//! with SIGKILL and launched again), `docpipe merge`, and the output is byte
//! for byte what one process writes. Every refusal names the state
//! directory and what is wrong, with the exit code a scheduler acts on.

use crate::util::{docpipe, faulty_export_pipeline, output_text, outputs, Dir};
use clap::Parser as _;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Every kind of item: documents that go through, fail (a `loop` holds the
/// worker until its 1 s deadline, a `fail`), are dropped, break their output
/// schema where a sampled contract check falls (position 10) and where it
/// does not (11); then an unreadable line and a duplicate of an id that a
/// different shard holds.
const TEXTS: [&str; 18] = [
    "a", "b", "c", "loop", "loop", "loop", "d", "drop", "fail", "e", "break", "break", "loop",
    "loop", "h", "i", "j", "k",
];

fn pipeline(dir: &Dir, timeout: &str) -> PathBuf {
    let docs = dir.write_docs(&TEXTS);
    let mut input = std::fs::read_to_string(&docs).unwrap();
    input.push_str("{not json\n");
    input.push_str("{\"id\": \"2-c\", \"text\": \"again\"}\n");
    std::fs::write(&docs, input).unwrap();
    faulty_export_pipeline(dir, timeout, "contracts = \"sampled\"\n")
}

/// The same files with the same bytes; a difference is shown as text.
fn assert_same_outputs(actual: &BTreeMap<String, Vec<u8>>, expected: &BTreeMap<String, Vec<u8>>) {
    assert_eq!(
        actual.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in actual {
        assert!(
            *bytes == expected[name],
            "{name} differs:\n--- merged\n{}\n--- single run\n{}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&expected[name])
        );
    }
}

/// `docpipe ARGS...` in `dir`, with no scheduler variables unless given.
fn run_in(dir: &Dir, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let output = docpipe()
        .args(args)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .envs(env.iter().copied())
        .current_dir(dir.path())
        .output()
        .unwrap();
    let (stdout, stderr) = output_text(&output);
    (output.status.code(), format!("{stdout}\n{stderr}"))
}

/// `docpipe run p.toml --state state --shard R`, to completion.
fn shard(dir: &Dir, pipeline: &Path, index: u64) -> (Option<i32>, String) {
    let index = index.to_string();
    let pipeline = pipeline.to_str().unwrap();
    run_in(
        dir,
        &[
            "run", pipeline, "--jobs", "1", "--state", "state", "--shard", &index,
        ],
        &[],
    )
}

/// Start shard `index` as its own process.
fn spawn_shard(dir: &Dir, pipeline: &Path, index: u64) -> Child {
    Command::new(env!("CARGO_BIN_EXE_docpipe"))
        .env(
            "DOCPIPE_CACHE_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("compile-cache"),
        )
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .current_dir(dir.path())
        .arg("run")
        .arg(pipeline)
        .args(["--jobs", "1", "--state", "state", "--shard"])
        .arg(index.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Whether shard `index`'s journal records the document `id`.
fn journaled(dir: &Dir, index: u64, id: &str) -> bool {
    std::fs::read_to_string(dir.join(&format!(
        "state/shards/{index}/.docpipe-resume/journal.jsonl"
    )))
    .is_ok_and(|journal| journal.contains(&format!("\"id\":\"{id}\"")))
}

/// Kill each child with SIGKILL once its condition holds; it must still be
/// running then.
fn kill_each_when(mut children: Vec<(Child, &dyn Fn() -> bool)>) {
    let deadline = Instant::now() + Duration::from_secs(180);
    while !children.is_empty() {
        assert!(Instant::now() < deadline, "a shard never got mid-way");
        let mut running = Vec::new();
        for (mut child, ready) in children {
            if ready() {
                child.kill().unwrap();
                child.wait().unwrap();
                continue;
            }
            if let Some(status) = child.try_wait().unwrap() {
                let (stdout, stderr) = output_text(&child.wait_with_output().unwrap());
                panic!("a shard ended ({status}) before it could be killed:\n{stdout}\n{stderr}");
            }
            running.push((child, ready));
        }
        children = running;
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn shards_killed_and_launched_again_merge_to_the_bytes_of_a_single_run() {
    let dir = Dir::new();
    let p = pipeline(&dir, "1s");
    let pipeline = p.to_str().unwrap();
    let (code, output) = run_in(
        &dir,
        &["run", pipeline, "--jobs", "1", "--output", "ref"],
        &[],
    );
    assert_eq!(code, Some(1), "{output}");
    let expected = outputs(&dir.join("ref"));
    assert!(
        expected.contains_key("dead-letter.jsonl") && expected.contains_key("dropped.jsonl"),
        "{:?}",
        expected.keys()
    );
    let rejects = dir.read("ref/rejects.jsonl");
    assert!(
        rejects.contains("\"10-break\"") && !rejects.contains("\"11-break\""),
        "the sampled contract check falls on position 10 only:\n{rejects}"
    );

    let (code, output) = run_in(
        &dir,
        &[
            "plan", pipeline, "--shards", "3", "--state", "state", "--output", "merged",
        ],
        &[],
    );
    assert_eq!(code, Some(0), "{output}");
    assert!(output.contains("planned 20 items in 3 shards"), "{output}");

    // Shards 0 and 1 run side by side and are killed mid-way, each after a
    // `loop` failed.
    kill_each_when(vec![
        (spawn_shard(&dir, &p, 0), &|| journaled(&dir, 0, "6-d")),
        (spawn_shard(&dir, &p, 1), &|| journaled(&dir, 1, "7-drop")),
    ]);
    assert!(!dir.join("state/done/0").exists() && !dir.join("state/done/1").exists());

    // Shard 2 finds its index where a Slurm array puts it.
    let (code, output) = run_in(
        &dir,
        &["run", pipeline, "--jobs", "1", "--state", "state"],
        &[("SLURM_ARRAY_TASK_ID", "2")],
    );
    assert_eq!(
        code,
        Some(0),
        "a shard with failed documents completes:\n{output}"
    );
    assert!(dir.join("state/done/2").exists() && dir.join("state/stats/2.json").exists());

    let (code, output) = run_in(&dir, &["merge", "--state", "state"], &[]);
    assert_eq!(code, Some(75), "{output}");
    assert!(
        output.contains("cannot merge `state` yet: 2 of 3 shards have not completed (no marker in `done/`): 0, 1"),
        "{output}"
    );
    assert!(
        !dir.join("merged").exists(),
        "a refused merge writes nothing"
    );

    // Launched again, the killed shards go on where they stopped: the
    // `loop` each had already failed is not run again.
    let (code, output) = run_in(
        &dir,
        &["run", pipeline, "--jobs", "1", "--state", "state"],
        &[("JOB_COMPLETION_INDEX", "1")],
    );
    assert_eq!(code, Some(0), "{output}");
    assert!(!output.contains("4-loop"), "{output}");
    let (code, output) = shard(&dir, &p, 0);
    assert_eq!(code, Some(0), "{output}");
    assert!(!output.contains("3-loop"), "{output}");

    // A completed shard launched again exits at once.
    let started = Instant::now();
    let (code, output) = shard(&dir, &p, 2);
    assert_eq!(code, Some(0), "{output}");
    assert!(
        output.contains("shard 2 of state is already complete"),
        "{output}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));

    let (code, output) = run_in(&dir, &["merge", "--state", "state"], &[]);
    assert_eq!(code, Some(1), "some documents failed:\n{output}");
    assert_same_outputs(&outputs(&dir.join("merged")), &expected);
    let merged = dir.json("merged/run-summary.json");
    let single = dir.json("ref/run-summary.json");
    for count in [
        "documents_in",
        "completed",
        "dropped",
        "failed",
        "input_errors",
        "files",
    ] {
        assert_eq!(merged[count], single[count], "{count}");
    }
    assert_eq!(merged["shards"], 3);
    for (stage, expected) in merged["stages"]
        .as_array()
        .unwrap()
        .iter()
        .zip(single["stages"].as_array().unwrap())
    {
        for count in ["id", "plugin", "documents_in", "kept", "dropped", "failed"] {
            assert_eq!(stage[count], expected[count], "{}: {count}", stage["id"]);
        }
    }
    assert!(!dir.join("merged/.docpipe-resume").exists());

    // Merging again over its own output changes nothing.
    let (code, output) = run_in(&dir, &["merge", "--state", "state"], &[]);
    assert_eq!(code, Some(1), "{output}");
    assert_same_outputs(&outputs(&dir.join("merged")), &expected);
}

#[test]
fn planning_over_a_different_plan_is_refused_and_the_same_plan_again_changes_nothing() {
    let dir = Dir::new();
    let p = pipeline(&dir, "1s");
    let pipeline = p.to_str().unwrap();
    let plan = |pipeline: &str, shards: &str| {
        run_in(
            &dir,
            &["plan", pipeline, "--shards", shards, "--state", "state"],
            &[],
        )
    };
    let (code, output) = plan(pipeline, "3");
    assert_eq!(code, Some(0), "{output}");
    let record = dir.read("state/run.json");
    let manifest = dir.read("state/manifest.jsonl");
    assert_eq!(manifest.lines().count(), 20);
    assert!(
        manifest.contains("{\"id\":\"2-c\",\"shard\":2}")
            && manifest.contains("\"shard\":0,\"unreadable\":true}"),
        "{manifest}"
    );

    let (code, output) = plan(pipeline, "3");
    assert_eq!(code, Some(0), "{output}");
    assert!(output.contains("state already holds this plan"), "{output}");

    let (code, output) = plan(pipeline, "4");
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains(
            "`state` already holds a different planned run: it was planned for 3 shards, not 4"
        ),
        "{output}"
    );

    let changed = pipeline_with_timeout(&dir, "2s");
    let (code, output) = plan(&changed, "3");
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains("it was planned with another pipeline, plugin or input settings"),
        "{output}"
    );

    let input = dir.read("in/docs.jsonl");
    dir.write(
        "in/docs.jsonl",
        format!("{input}{{\"id\": \"new\", \"text\": \"x\"}}\n"),
    );
    let (code, output) = plan(pipeline, "3");
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains("its input listed 20 items (manifest sha256"),
        "{output}"
    );
    assert!(output.contains("the input now lists 21"), "{output}");
    assert_eq!(
        dir.read("state/run.json"),
        record,
        "a refusal changes nothing"
    );
    assert_eq!(dir.read("state/manifest.jsonl"), manifest);
}

/// The test pipeline with another timeout, written beside the first.
fn pipeline_with_timeout(dir: &Dir, timeout: &str) -> String {
    let text = dir
        .read("p.toml")
        .replace("timeout = \"1s\"", &format!("timeout = \"{timeout}\""));
    dir.write("changed.toml", text)
        .to_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_shard_refuses_an_index_out_of_range_a_changed_pipeline_or_input_and_an_unplanned_state() {
    let dir = Dir::new();
    let p = pipeline(&dir, "1s");
    let pipeline = p.to_str().unwrap();
    let run = |pipeline: &str, args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["run", pipeline, "--jobs", "1", "--state", "state"];
        all.extend_from_slice(args);
        run_in(&dir, &all, env)
    };

    let (code, output) = run(pipeline, &["--shard", "0"], &[]);
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains("`state` holds no planned run (no `run.json`); plan it first with `docpipe plan PIPELINE --shards N --state state`"),
        "{output}"
    );

    let (code, output) = run_in(
        &dir,
        &["plan", pipeline, "--shards", "3", "--state", "state"],
        &[],
    );
    assert_eq!(code, Some(0), "{output}");

    let (code, output) = run(pipeline, &["--shard", "3"], &[]);
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output
            .contains("shard 3 is out of range: `state` was planned for 3 shards, numbered 0 to 2"),
        "{output}"
    );
    let (code, output) = run(pipeline, &[], &[("JOB_COMPLETION_INDEX", "7")]);
    assert_eq!(code, Some(2), "{output}");
    assert!(output.contains("shard 7 is out of range"), "{output}");

    // A shard another process holds (here: this test) is retryable.
    std::fs::create_dir_all(dir.join("state/shards")).unwrap();
    let lock = std::fs::File::create(dir.join("state/shards/1.lock")).unwrap();
    lock.try_lock().unwrap();
    let (code, output) = run(pipeline, &["--shard", "1"], &[]);
    assert_eq!(code, Some(75), "{output}");
    assert!(
        output.contains(
            "shard 1 of `state` is being run by another process (`state/shards/1.lock` is locked)"
        ),
        "{output}"
    );
    drop(lock);

    let (code, output) = run(pipeline, &[], &[]);
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains("which shard? pass --shard R, or run under a Slurm array ($SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job ($JOB_COMPLETION_INDEX)"),
        "{output}"
    );
    let (code, output) = run(pipeline, &[], &[("SLURM_ARRAY_TASK_ID", "one")]);
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains("$SLURM_ARRAY_TASK_ID is `one`, not a shard number"),
        "{output}"
    );

    let changed = pipeline_with_timeout(&dir, "2s");
    let (code, output) = run(&changed, &["--shard", "1"], &[]);
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains("the pipeline, a plugin or the input settings differ from those `state` was planned with"),
        "{output}"
    );

    let input = dir.read("in/docs.jsonl");
    dir.write(
        "in/docs.jsonl",
        input.replacen("\"1-b\"", "\"1-changed\"", 1),
    );
    let (code, output) = run(pipeline, &["--shard", "1"], &[]);
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains("manifest.jsonl` lists: item 2 is now `1-changed`, the manifest lists another item there"),
        "{output}"
    );
    dir.write(
        "in/docs.jsonl",
        input.lines().take(5).collect::<Vec<_>>().join("\n") + "\n",
    );
    let (code, output) = run(pipeline, &["--shard", "1"], &[]);
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains("it ends after 5 items, 20 were planned"),
        "{output}"
    );
    assert!(!dir.join("state/done/1").exists());

    let (code, output) = run_in(&dir, &["merge", "--state", "elsewhere"], &[]);
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains("`elsewhere` holds no planned run"),
        "{output}"
    );
}

#[test]
fn a_fail_fast_pipeline_is_not_sharded() {
    let dir = Dir::new();
    pipeline(&dir, "1s");
    let text = dir.read("p.toml").replace("dead-letter", "fail-fast");
    let p = dir.write("p.toml", text);
    let (code, output) = run_in(
        &dir,
        &[
            "plan",
            p.to_str().unwrap(),
            "--shards",
            "2",
            "--state",
            "state",
        ],
        &[],
    );
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains("stage `faulty` has on_error = \"fail-fast\""),
        "{output}"
    );
    assert!(!dir.join("state/run.json").exists());
}

/// The recipes' docpipe commands, as the CLI parses them.
fn parses(words: &[String]) {
    let mut argv = vec!["docpipe".to_string()];
    argv.extend(words.iter().cloned());
    if let Err(e) = docpipe::cli::Cli::try_parse_from(&argv) {
        panic!("{argv:?} does not parse:\n{e}");
    }
}

#[test]
fn the_kubernetes_recipe_is_an_indexed_job_that_does_not_retry_a_permanent_error() {
    use docpipe::commands::Exit;
    let dir = crate::util::repo().join("examples/kubernetes");
    let read = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let volume = read("state-volume.yaml");
    assert_eq!(volume["kind"], "PersistentVolumeClaim");
    assert_eq!(volume["spec"]["accessModes"][0], "ReadWriteMany");
    let claim = &volume["metadata"]["name"];

    let mut states = Vec::new();
    let mut planned_shards = None;
    for (name, verb) in [
        ("plan-job.yaml", "plan"),
        ("shards-job.yaml", "run"),
        ("merge-job.yaml", "merge"),
    ] {
        let job = read(name);
        assert_eq!(job["apiVersion"], "batch/v1", "{name}");
        assert_eq!(job["kind"], "Job", "{name}");
        let pod = &job["spec"]["template"]["spec"];
        assert_eq!(pod["restartPolicy"], "Never", "{name}");
        assert_eq!(
            pod["volumes"][0]["persistentVolumeClaim"]["claimName"], *claim,
            "{name}"
        );
        let container = &pod["containers"][0];
        let mount = container["volumeMounts"][0]["mountPath"].as_str().unwrap();
        let command: Vec<String> = container["command"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            command[..2],
            ["docpipe".to_string(), verb.to_string()],
            "{name}"
        );
        parses(&command[1..]);
        let state = &command[command.iter().position(|w| w == "--state").unwrap() + 1];
        assert!(
            state.starts_with(mount),
            "{name}: the state is on the shared volume"
        );
        states.push(state.clone());
        if verb == "plan" {
            let at = command.iter().position(|w| w == "--shards").unwrap() + 1;
            planned_shards = Some(command[at].parse::<u64>().unwrap());
        }
        if let Some(policy) = job["spec"]["podFailurePolicy"]["rules"].as_array() {
            for rule in policy.iter().filter(|r| r.get("onExitCodes").is_some()) {
                assert_eq!(
                    rule["onExitCodes"]["containerName"], container["name"],
                    "{name}"
                );
            }
        }
    }
    assert!(states.windows(2).all(|w| w[0] == w[1]), "{states:?}");

    let shards = read("shards-job.yaml");
    let spec = &shards["spec"];
    assert_eq!(spec["completionMode"], "Indexed");
    assert_eq!(spec["completions"].as_u64(), planned_shards);
    assert!(spec["backoffLimitPerIndex"].as_u64().unwrap() > 0);
    let rules = spec["podFailurePolicy"]["rules"].as_array().unwrap();
    let fail_index = rules.iter().find(|r| r["action"] == "FailIndex").unwrap();
    assert_eq!(fail_index["onExitCodes"]["operator"], "In");
    assert_eq!(
        fail_index["onExitCodes"]["values"],
        serde_json::json!([Exit::Config as i32]),
        "only the permanent error fails an index at once"
    );
    assert!(rules
        .iter()
        .any(|r| r["action"] == "Ignore" && r["onPodConditions"][0]["type"] == "DisruptionTarget"));
}

#[test]
fn the_slurm_recipe_has_a_throttled_requeueing_array_and_a_merge_after_it() {
    use docpipe::commands::Exit;
    let dir = crate::util::repo().join("examples/slurm");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let known = [
        "job-name",
        "array",
        "requeue",
        "open-mode",
        "cpus-per-task",
        "mem",
        "time",
        "signal",
        "output",
        "kill-on-invalid-dep",
    ];
    let header = |name: &str| -> BTreeMap<String, String> {
        let mut options = BTreeMap::new();
        for line in read(name).lines().filter(|l| l.starts_with("#SBATCH")) {
            let option = line["#SBATCH".len()..].trim();
            let (key, value) = option.split_once('=').unwrap_or((option, ""));
            let key = key
                .strip_prefix("--")
                .unwrap_or_else(|| panic!("{name}: `{line}` is not a long option"));
            assert!(
                known.contains(&key),
                "{name}: unknown sbatch option `{key}`"
            );
            options.insert(key.to_string(), value.to_string());
        }
        options
    };
    let shard = header("shard.sbatch");
    let array = &shard["array"];
    let (range, at_once) = array.split_once('%').expect("a throttle, `%W`");
    assert!(
        range.starts_with("0-") && range[2..].parse::<u64>().is_ok(),
        "{array}"
    );
    assert!(at_once.parse::<u64>().unwrap() > 0);
    assert!(shard.contains_key("requeue"));
    assert_eq!(header("merge.sbatch")["kill-on-invalid-dep"], "yes");

    let submit = read("submit.sh");
    assert!(
        submit.contains("--array=\"0-$((shards - 1))%${at_once}\""),
        "{submit}"
    );
    assert!(
        submit.contains("--dependency=\"afterok:${array}\""),
        "{submit}"
    );

    // What the shard script retries is what docpipe calls retryable.
    let script = read("shard.sbatch");
    let retryable = format!("    {} | {})", Exit::Retry as i32, Exit::Interrupted as i32);
    assert!(script.contains(&retryable), "{script}");
    assert!(script.contains(&format!("# {}: a configuration", Exit::Config as i32)));

    // Every docpipe command in the scripts parses (variables stand in as `1`),
    // and every script is valid shell.
    let mut commands = 0;
    for name in ["submit.sh", "shard.sbatch", "merge.sbatch"] {
        let text = read(name).replace("\\\n", " ");
        for line in text.lines().map(str::trim) {
            let Some(at) = line.find("docpipe ").filter(|_| !line.starts_with('#')) else {
                continue;
            };
            let words: Vec<String> = line[at + "docpipe ".len()..]
                .split_whitespace()
                .map(|w| {
                    let w = w.trim_matches('"');
                    if w.contains('$') {
                        "1".to_string()
                    } else {
                        w.to_string()
                    }
                })
                .collect();
            parses(&words);
            commands += 1;
        }
        let status = Command::new("bash")
            .arg("-n")
            .arg(dir.join(name))
            .status()
            .unwrap();
        assert!(status.success(), "{name} is not valid bash");
    }
    assert_eq!(commands, 3, "plan, run, merge");
}

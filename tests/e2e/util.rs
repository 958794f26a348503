//! A temp directory per test, a way to run the binary, and plugins built
//! from source once per test process.

use assert_cmd::Command;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// The `docpipe` binary, with a compile cache shared by all tests (so each
/// component is compiled once per machine, not once per test).
pub fn docpipe() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_docpipe"));
    cmd.env(
        "DOCPIPE_CACHE_DIR",
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("compile-cache"),
    );
    cmd
}

/// A scratch directory that disappears with the test.
pub struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// `in/docs.jsonl` with one document per text, id `<index>-<text>`:
    /// the faulty plugin reads its orders from the text.
    pub fn write_docs(&self, texts: &[&str]) -> PathBuf {
        let mut jsonl = String::new();
        for (i, text) in texts.iter().enumerate() {
            jsonl.push_str(
                &serde_json::json!({"id": format!("{i}-{text}"), "text": text}).to_string(),
            );
            jsonl.push('\n');
        }
        self.write("in/docs.jsonl", jsonl)
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.join(relative))
            .unwrap_or_else(|e| panic!("reading {relative}: {e}"))
    }

    pub fn json(&self, relative: &str) -> serde_json::Value {
        serde_json::from_str(&self.read(relative)).unwrap()
    }

    /// Lines of a JSONL file, parsed.
    pub fn jsonl(&self, relative: &str) -> Vec<serde_json::Value> {
        self.read(relative)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

/// `tests/plugins/faulty` built into a component, once per test process.
pub fn faulty_plugin() -> PathBuf {
    build_test_plugin("faulty")
}

/// `tests/plugins/<name>` built into a component, once per test process.
pub fn build_test_plugin(name: &str) -> PathBuf {
    // One cell per plugin, so tests needing different plugins build them in
    // parallel while tests needing the same one wait for a single build.
    static BUILT: OnceLock<Mutex<HashMap<String, Arc<OnceLock<PathBuf>>>>> = OnceLock::new();
    let cell = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap()
        .entry(name.to_string())
        .or_default()
        .clone();
    cell.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-plugins");
        let output = docpipe()
            .args(["plugins", "build"])
            .arg(repo().join("tests/plugins").join(name))
            .arg("--out-dir")
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "building the {name} test plugin failed (a wasm toolchain is needed, see README):\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        out.join(format!("{name}.wasm"))
    })
    .clone()
}

/// stdout and stderr of a finished command, for assertion messages.
pub fn output_text(output: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Start `docpipe run PIPELINE --jobs 1 ARGS...` and wait until `ready()`
/// says it is mid-way, so a test can interrupt or kill it there.
pub fn spawn_run_until(
    pipeline: &Path,
    args: &[&str],
    ready: impl Fn() -> bool,
) -> std::process::Child {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_docpipe"))
        .env(
            "DOCPIPE_CACHE_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("compile-cache"),
        )
        .arg("run")
        .arg(pipeline)
        .args(["--jobs", "1"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !ready() {
        assert!(Instant::now() < deadline, "the run never got mid-way");
        if let Some(status) = child.try_wait().unwrap() {
            let output = child.wait_with_output().unwrap();
            let (stdout, stderr) = output_text(&output);
            panic!("the run ended ({status}) before it could be interrupted:\n{stdout}\n{stderr}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

/// Send SIGINT, as Ctrl-C in a terminal does.
pub fn interrupt(child: &std::process::Child) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Run `docpipe check` on a pipeline it must refuse as a configuration
/// error (exit 2); returns what it printed on stderr.
pub fn check_refuses(pipeline: &Path) -> String {
    docpipe_expecting("check", pipeline, 2).1
}

/// Run `docpipe run` on a pipeline and assert its exit code; returns what it
/// printed on stderr.
pub fn run_expecting(pipeline: &Path, code: i32) -> String {
    docpipe_expecting("run", pipeline, code).1
}

/// Run `docpipe VERB PIPELINE` and assert its exit code; returns what it
/// printed on stdout and stderr.
pub fn docpipe_expecting(verb: &str, pipeline: &Path, code: i32) -> (String, String) {
    let output = docpipe().arg(verb).arg(pipeline).output().unwrap();
    let (stdout, stderr) = output_text(&output);
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    (stdout, stderr)
}

/// `p.toml`: the faulty plugin (with `timeout`), then `builtin:export` as
/// per-document JSON, a whole-run JSONL and a whole-run CSV, over
/// `in/*.jsonl`, failed documents dead-lettered: every kind of output file.
/// `top` adds top-level keys.
pub fn faulty_export_pipeline(dir: &Dir, timeout: &str, top: &str) -> PathBuf {
    dir.write(
        "p.toml",
        format!(
            r#"on_error = "dead-letter"
{top}
[input]
paths = ["in"]
format = "jsonl"

[[stages]]
id = "faulty"
plugin = "{}"
limits = {{ timeout = "{timeout}" }}

[[stages]]
id = "json"
plugin = "builtin:export"

[[stages]]
id = "all"
plugin = "builtin:export"
config = {{ format = "jsonl" }}

[[stages]]
id = "table"
plugin = "builtin:export"
config = {{ format = "csv", columns = ["id", "text"] }}
"#,
            faulty_plugin().display()
        ),
    )
}

/// Every file of an output directory but the summary (which holds timings), by path.
pub fn outputs(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.file_name() != "run-summary.json")
        .map(|e| {
            let name = e.path().strip_prefix(dir).unwrap().display().to_string();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

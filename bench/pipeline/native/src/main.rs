//! The docpipe benchmark pipeline (clean -> langdetect -> summarize -> export
//! as JSONL) run natively, in one process, over a JSONL corpus: the same
//! plugin code and the same JSON glue as the components, without the sandbox.
//! Its time is the floor the wasm pipeline can approach (issue #10).
//!
//! Documents cross stages as JSON text, as they cross the component boundary,
//! so the difference to `docpipe run` is wasm execution, instantiation and
//! the host's own work, not a shortcut taken here.
//!
//! ```text
//! docpipe-bench-native CORPUS.jsonl OUT_DIR [--configs JSON] [--configure-per-document]
//! ```
//!
//! Prints a JSON summary on stdout (read by `bench/pipeline/run.py`) and a
//! one-line reading on stderr.

use docpipe_contract::{ArtifactMode, Document, Outcome, PluginError};
use docpipe_plugin_sdk::testing::Harness;
use docpipe_plugin_sdk::Plugin;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The stages' configs when `--configs` is not given: the same as the
/// pipeline `run.py` writes for `docpipe run`.
const DEFAULT_CONFIGS: &str =
    r#"{"clean": {}, "lang": {}, "summary": {}, "jsonl": {"format": "jsonl"}}"#;

/// One stage's configured plugin, whatever its type.
trait Stage {
    fn process(&mut self, document: &str) -> Result<Outcome, PluginError>;
}

impl<P: Plugin> Stage for Harness<P> {
    fn process(&mut self, document: &str) -> Result<Outcome, PluginError> {
        Harness::process(self, document)
    }
}

type Configure = fn(Value) -> Result<Box<dyn Stage>, PluginError>;

fn configure<P: Plugin + 'static>(config: Value) -> Result<Box<dyn Stage>, PluginError> {
    Ok(Box::new(Harness::<P>::new(config)?))
}

struct StageRun {
    id: &'static str,
    config: Value,
    configure: Configure,
    instance: Option<Box<dyn Stage>>,
    configure_time: Duration,
    process_time: Duration,
}

impl StageRun {
    fn new(id: &'static str, configs: &Value, configure: Configure) -> Self {
        StageRun {
            id,
            config: configs.get(id).cloned().unwrap_or_else(|| json!({})),
            configure,
            instance: None,
            configure_time: Duration::ZERO,
            process_time: Duration::ZERO,
        }
    }

    /// Runs one document, configuring a fresh instance first when there is
    /// none (every document, with `--configure-per-document`, as the host
    /// instantiates and configures a component per document).
    fn run(&mut self, document: &str) -> Result<Outcome, PluginError> {
        if self.instance.is_none() {
            let start = Instant::now();
            self.instance = Some((self.configure)(self.config.clone())?);
            self.configure_time += start.elapsed();
        }
        let start = Instant::now();
        let outcome = self
            .instance
            .as_mut()
            .expect("configured above")
            .process(document);
        self.process_time += start.elapsed();
        outcome
    }
}

struct Args {
    corpus: PathBuf,
    out_dir: PathBuf,
    configs: Value,
    configure_per_document: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut positional = Vec::new();
    let mut configs = DEFAULT_CONFIGS.to_string();
    let mut configure_per_document = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--configs" => configs = args.next().ok_or("--configs needs a JSON object")?,
            "--configure-per-document" => configure_per_document = true,
            "-h" | "--help" => return Err(String::new()),
            _ if arg.starts_with("--") => return Err(format!("unknown option `{arg}`")),
            _ => positional.push(PathBuf::from(arg)),
        }
    }
    let [corpus, out_dir] = <[PathBuf; 2]>::try_from(positional)
        .map_err(|_| "expected two arguments: CORPUS.jsonl OUT_DIR".to_string())?;
    let configs: Value =
        serde_json::from_str(&configs).map_err(|e| format!("--configs is not JSON: {e}"))?;
    if !configs.is_object() {
        return Err("--configs must be a JSON object keyed by stage id".into());
    }
    Ok(Args {
        corpus,
        out_dir,
        configs,
        configure_per_document,
    })
}

/// Whole-run files the export stage appends to, opened on first use.
struct Outputs {
    dir: PathBuf,
    files: HashMap<String, BufWriter<File>>,
}

impl Outputs {
    fn append(&mut self, name: &str, header: Option<&[u8]>, data: &[u8]) -> std::io::Result<()> {
        if !self.files.contains_key(name) {
            let path = self.dir.join(name);
            let mut file = BufWriter::new(File::create(&path)?);
            if let Some(header) = header {
                file.write_all(header)?;
            }
            self.files.insert(name.to_string(), file);
        }
        self.files
            .get_mut(name)
            .expect("inserted above")
            .write_all(data)
    }

    fn write(&self, name: &str, data: &[u8]) -> std::io::Result<()> {
        let path = self.dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, data)
    }
}

/// The document as the host's JSONL reader hands it to the first stage: the
/// line's object, with `meta.source` naming where it came from, printed as
/// the host prints a `Document` (id, text, title, meta, then the line's
/// other fields), since the `jsonl` exporter writes that text as it is.
fn read_document(line: &str, path: &Path, number: usize) -> Result<(String, usize), String> {
    let mut object: Map<String, Value> =
        serde_json::from_str(line).map_err(|e| format!("not a JSON object: {e}"))?;
    let text_bytes = match object.get("text") {
        Some(Value::String(text)) => text.len(),
        _ => return Err("no `text` string".into()),
    };
    // The host names a file given directly by its file name.
    let name = path
        .file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy();
    if !object.contains_key("id") {
        object.insert("id".into(), format!("{name}:{number}").into());
    }
    let meta = object.entry("meta").or_insert_with(|| json!({}));
    if let Value::Object(meta) = meta {
        meta.entry("source")
            .or_insert_with(|| json!({"path": name, "line": number}));
    }
    let document: Document = serde_json::from_value(Value::Object(object))
        .map_err(|e| format!("not a document: {e}"))?;
    let text = serde_json::to_string(&document).expect("a document prints");
    Ok((text, text_bytes))
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank].as_secs_f64()
}

fn run(args: Args) -> Result<(Value, bool), String> {
    let file = File::open(&args.corpus)
        .map_err(|e| format!("failed to open {}: {e}", args.corpus.display()))?;
    std::fs::create_dir_all(&args.out_dir)
        .map_err(|e| format!("failed to create {}: {e}", args.out_dir.display()))?;
    let mut stages = [
        StageRun::new("clean", &args.configs, configure::<docpipe_clean::Clean>),
        StageRun::new(
            "lang",
            &args.configs,
            configure::<docpipe_langdetect::LangDetect>,
        ),
        StageRun::new(
            "summary",
            &args.configs,
            configure::<docpipe_summarize::Summarize>,
        ),
        StageRun::new("jsonl", &args.configs, configure::<docpipe_export::Export>),
    ];
    let mut outputs = Outputs {
        dir: args.out_dir.clone(),
        files: HashMap::new(),
    };
    let (mut documents, mut kept, mut dropped, mut failed, mut text_bytes) = (0, 0, 0, 0, 0);
    let mut latencies = Vec::new();
    let started = Instant::now();
    for (index, line) in BufReader::new(file).lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|e| format!("{}:{number}: {e}", args.corpus.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        documents += 1;
        let (mut document, bytes) = match read_document(&line, &args.corpus, number) {
            Ok(read) => read,
            Err(e) => {
                eprintln!("{}:{number}: {e}", args.corpus.display());
                failed += 1;
                continue;
            }
        };
        text_bytes += bytes;
        let doc_start = Instant::now();
        let mut fate = "kept";
        for stage in stages.iter_mut() {
            if args.configure_per_document {
                stage.instance = None;
            }
            match stage.run(&document) {
                Ok(Outcome::Keep {
                    document: next,
                    artifacts,
                }) => {
                    document = next;
                    for artifact in artifacts {
                        let written = match artifact.mode {
                            ArtifactMode::Append => outputs.append(
                                &artifact.name,
                                artifact.header.as_deref(),
                                &artifact.data,
                            ),
                            ArtifactMode::File => outputs.write(&artifact.name, &artifact.data),
                        };
                        written.map_err(|e| format!("failed to write {}: {e}", artifact.name))?;
                    }
                }
                Ok(Outcome::Drop { .. }) => {
                    fate = "dropped";
                    break;
                }
                Err(e) => {
                    eprintln!(
                        "{}:{number}: stage `{}` failed: {}: {}",
                        args.corpus.display(),
                        stage.id,
                        e.code,
                        e.message
                    );
                    fate = "failed";
                    break;
                }
            }
        }
        latencies.push(doc_start.elapsed());
        match fate {
            "kept" => kept += 1,
            "dropped" => dropped += 1,
            _ => failed += 1,
        }
    }
    for (name, file) in outputs.files.iter_mut() {
        file.flush()
            .map_err(|e| format!("failed to write {name}: {e}"))?;
    }
    let wall = started.elapsed().as_secs_f64();
    latencies.sort();
    let stage_seconds: f64 = stages
        .iter()
        .map(|s| (s.configure_time + s.process_time).as_secs_f64())
        .sum();
    let summary = json!({
        "documents": documents,
        "kept": kept,
        "dropped": dropped,
        "failed": failed,
        "text_bytes": text_bytes,
        "configure_per_document": args.configure_per_document,
        "wall_seconds": wall,
        "stage_seconds": stage_seconds,
        "latency_seconds": { "p50": percentile(&latencies, 50.0), "p99": percentile(&latencies, 99.0) },
        "stages": stages.iter().map(|s| json!({
            "id": s.id,
            "configure_seconds": s.configure_time.as_secs_f64(),
            "process_seconds": s.process_time.as_secs_f64(),
        })).collect::<Vec<_>>(),
    });
    eprintln!(
        "native: {documents} documents ({kept} kept, {dropped} dropped, {failed} failed) in {wall:.3} s: {:.1} docs/s, {:.2} MB/s",
        documents as f64 / wall,
        text_bytes as f64 / 1e6 / wall
    );
    Ok((summary, failed == 0))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("usage: docpipe-bench-native CORPUS.jsonl OUT_DIR [--configs JSON] [--configure-per-document]");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok((summary, all_ok)) => {
            println!("{summary}");
            if all_ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

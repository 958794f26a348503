//! Executing a prepared pipeline over a stream of documents.
//!
//! tokio drives a reader (one blocking task), a bounded queue, up to `jobs`
//! batches of documents in flight on blocking workers, and one writer that
//! takes results in input order. Memory is bounded by the queue sizes, not
//! by the corpus, and outputs are the same whatever `jobs` is.
//!
//! Documents travel in batches (up to [`BATCH_DOCUMENTS`] or
//! [`BATCH_BYTES`] of documents, whichever comes first) because every hop
//! between threads costs a wake-up: handing small documents over one by one
//! cost a document more time in futex calls and context switches than a
//! near-empty stage does.

mod document;
mod journal;
mod stage;
mod summary;

pub use document::{run_document, DocumentRun, Fate};
pub use journal::{fingerprint, ResumeError};
pub(crate) use journal::{Entry, JournalReader};
pub use stage::{IdleInstances, Pass, Stage};
pub use summary::{Outcome, RunSummary, StageSummary, Tally};

use crate::input::{self, InputError, InputReader};
use crate::output::{OutputError, OutputWriter};
use docpipe_contract::pipeline::{ContractMode, ErrorPolicy};
use docpipe_contract::Document;
use journal::Journal;
use serde_json::json;
use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::{mpsc, Semaphore};

/// Name of the summary file in the output directory.
pub const SUMMARY_FILE: &str = "run-summary.json";
/// Name of the file listing every file the run wrote, with sizes and sha256.
pub const MANIFEST_FILE: &str = "manifest.json";
/// Name of the file listing every failed document.
pub const REJECTS_FILE: &str = "rejects.jsonl";
/// Name of the file holding failed documents in their last good state
/// (`on_error = "dead-letter"`).
pub const DEAD_LETTER_FILE: &str = "dead-letter.jsonl";
/// Name of the file listing every document a stage dropped, with the reason.
pub const DROPPED_FILE: &str = "dropped.jsonl";

/// Most documents the reader hands over at once, and to one worker.
pub const BATCH_DOCUMENTS: usize = 16;
/// Bytes of documents (their strings: text, a page's `html`, ...) at which
/// the reader hands a batch over even if it holds fewer documents: large
/// documents go on their own, and a batch never holds more than one
/// document beyond this much.
pub const BATCH_BYTES: usize = 64 * 1024;

/// The input items in batches of [`BATCH_DOCUMENTS`], or fewer when they
/// reach [`BATCH_BYTES`].
fn batches(items: impl Iterator<Item = InputItem>) -> impl Iterator<Item = Vec<InputItem>> {
    let mut items = items.peekable();
    std::iter::from_fn(move || {
        items.peek()?;
        let mut batch = Vec::with_capacity(BATCH_DOCUMENTS);
        let mut bytes = 0;
        while batch.len() < BATCH_DOCUMENTS && bytes < BATCH_BYTES {
            let Some(item) = items.next() else { break };
            bytes += item.as_ref().map_or(0, document_bytes);
            batch.push(item);
        }
        Some(batch)
    })
}

/// About how many bytes a document holds: its strings, which are what
/// make one large (a long text, a page's `html`, a field a stage added).
fn document_bytes(document: &Document) -> usize {
    fn value_bytes(value: &serde_json::Value) -> usize {
        match value {
            serde_json::Value::String(text) => text.len(),
            serde_json::Value::Array(items) => items.iter().map(value_bytes).sum(),
            serde_json::Value::Object(map) => map
                .iter()
                .map(|(key, value)| key.len() + value_bytes(value))
                .sum(),
            _ => 8,
        }
    }
    let fields: usize = (document.meta.iter())
        .chain(&document.fields)
        .map(|(key, value)| key.len() + value_bytes(value))
        .sum();
    document.id.len()
        + document.text.len()
        + document.title.as_ref().map_or(0, String::len)
        + fields
}

/// One item of the input: a document, or why it could not be read.
pub type InputItem = Result<Document, InputFailure>;

/// An input item that could not be read into a document.
#[derive(Debug, Clone)]
pub struct InputFailure {
    /// The file (and line) it came from, or the document's id.
    pub source: String,
    /// `input` for unreadable input, `duplicate-id` for a repeated id.
    pub kind: &'static str,
    /// What went wrong.
    pub message: String,
}

/// The items of a pipeline's input, in the reader's stable order: a
/// document, or why an item could not be read. Fails only on a bad glob.
pub fn read_input(
    spec: &crate::pipeline::InputSpec,
) -> Result<impl Iterator<Item = InputItem> + Send + 'static, InputError> {
    let reader = InputReader::new(input::InputSpec {
        roots: spec.paths.clone(),
        glob: spec.glob.clone(),
        format: spec.format,
        invalid_utf8: spec.invalid_utf8,
        max_file_size: spec.max_file_size,
    })?;
    Ok(reader.map(|item| {
        item.map_err(|e| InputFailure {
            source: match (e.path(), e.line()) {
                (Some(path), Some(line)) => format!("{}:{line}", path.display()),
                (Some(path), None) => path.display().to_string(),
                _ => "input".to_string(),
            },
            kind: "input",
            message: e.to_string(),
        })
    }))
}

/// 16 bytes standing for an id, so following millions of them costs little.
pub(crate) fn id_digest(id: &str) -> u128 {
    crate::output::short_digest(id)
}

/// Outputs are named after ids, so a second document with the same id would
/// overwrite or collide with the first: it is refused, saying where it came from.
fn duplicate(document: &Document) -> InputFailure {
    let origin = document
        .meta
        .get("source")
        .and_then(|s| s.get("path"))
        .and_then(|p| p.as_str())
        .map(
            |path| match document.meta["source"].get("line").and_then(|l| l.as_u64()) {
                Some(line) => format!(" (from {path}:{line})"),
                None => format!(" (from {path})"),
            },
        )
        .unwrap_or_default();
    InputFailure {
        source: document.id.clone(),
        kind: "duplicate-id",
        message: format!(
            "duplicate id `{}`{origin}: an earlier document has the same id; ids must be unique, so this one is refused",
            document.id
        ),
    }
}

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Documents in flight at once.
    pub jobs: usize,
    /// Show a progress bar (only when stderr is a terminal).
    pub progress: bool,
    /// Default error policy (stages may override it).
    pub on_error: ErrorPolicy,
    /// Show plugins' info-level messages too (warnings and errors always show).
    pub verbose: bool,
    /// Which documents have their stage outputs checked against the schemas.
    pub contracts: ContractMode,
    /// Go on from where an interrupted run in the same output directory
    /// stopped, instead of starting over.
    pub resume: bool,
    /// What decides the outputs (see [`fingerprint`]): a run is resumed only
    /// by the same pipeline over the same input.
    pub fingerprint: String,
    /// Process only one shard of a planned run (`docpipe run --shard`).
    pub shard: Option<ShardSelection>,
}

/// The input items one shard of a planned run processes: those at positions
/// `i` with `i mod count == index`. The shard reads the whole input, in the
/// reader's order, so that every item keeps its position, duplicate ids are
/// found across shards and sampled contract checks fall where a single run
/// puts them; each item must be the one the plan listed there.
#[derive(Debug, Clone)]
pub struct ShardSelection {
    /// This shard.
    pub index: u64,
    /// How many shards the plan has.
    pub count: u64,
    /// Digests of the planned items' ids (see [`id_digest`]), in input order.
    pub planned: Vec<u128>,
    /// The plan's manifest, named when the input is not what it lists.
    pub manifest: PathBuf,
}

impl ShardSelection {
    fn selects(&self, position: u64) -> bool {
        position % self.count == self.index
    }
}

/// Why a run stopped without finishing.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Writing an output failed.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// `--resume` found a run it cannot continue.
    #[error(transparent)]
    Resume(#[from] ResumeError),
    /// A shard found an input that differs from the plan's manifest.
    #[error("the input is not the one `{}` lists: {detail}; plan again into a new state directory, or restore the input", manifest.display())]
    NotAsPlanned {
        /// The plan's manifest.
        manifest: PathBuf,
        /// Where the input and the manifest part.
        detail: String,
    },
}

/// In `sampled` mode, one document in this many (by input position) is checked.
pub const CONTRACT_SAMPLE_EVERY: u64 = 10;

/// Run `stages` over `documents`, writing into `writer`. Returns the summary
/// once every file is in place; an error only when writing itself fails or
/// an interrupted run cannot be resumed.
pub fn execute<I>(
    stages: Vec<Stage>,
    documents: I,
    mut writer: OutputWriter,
    mut options: RunOptions,
) -> Result<RunSummary, RunError>
where
    I: Iterator<Item = InputItem> + Send + 'static,
{
    let started = Instant::now();
    let jobs = options.jobs.max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(jobs + 1)
        .enable_all()
        .build()
        .expect("building the tokio runtime");

    let stages = Arc::new(stages);
    let mut summary = RunSummary {
        jobs,
        stages: stages
            .iter()
            .map(|s| StageSummary {
                id: s.id.clone(),
                plugin: s.plugin.label().to_string(),
                ..StageSummary::default()
            })
            .collect(),
        ..RunSummary::default()
    };
    // `stop` ends reading and dispatching; `discard` also drops results still
    // in flight (fail-fast). An interrupt sets only `stop`, so documents
    // already running are finished and written before the run ends cleanly.
    let stop = Arc::new(AtomicBool::new(false));
    let discard = Arc::new(AtomicBool::new(false));
    let interrupted = Arc::new(AtomicBool::new(false));
    let progress = progress_bar(options.progress);
    let sharded = options.shard.is_some();

    let resumed = if options.resume {
        let resumed = journal::resume(&mut writer, &options.fingerprint, &mut summary)?;
        // A shard always resumes; its first launch has nothing to say.
        if resumed.is_none() && !sharded {
            eprintln!(
                "note: no interrupted run to resume in `{}`; starting from the first document",
                writer.dir().display()
            );
        }
        resumed
    } else {
        if writer.discard_resume_state()? {
            eprintln!(
                "note: starting over; what an interrupted run in `{}` kept for --resume is discarded",
                writer.dir().display()
            );
        }
        None
    };
    let (mut journal, done) = match resumed {
        Some(resumed) => (resumed.journal, resumed.done),
        None => (
            Journal::start(writer.dir(), &options.fingerprint)?,
            Vec::new(),
        ),
    };
    summary.resumed = done.len() as u64;
    // Set by the dispatcher when the input is not what the journal (or the
    // shard's plan) recorded.
    let input_changed: Arc<Mutex<Option<RunError>>> = Arc::default();

    runtime.block_on(async {
        tokio::spawn(stop_on_signal(stop.clone(), interrupted.clone()));
        let (item_tx, mut item_rx) = mpsc::channel::<Vec<InputItem>>(jobs * 2);
        let reader_stop = stop.clone();
        tokio::task::spawn_blocking(move || {
            let items = documents.take_while(|_| !reader_stop.load(Ordering::Relaxed));
            for batch in batches(items) {
                if item_tx.blocking_send(batch).is_err() {
                    return;
                }
            }
        });

        // Each worker's chunk of documents has its own channel of results,
        // handed to the writer in input order: the writer takes a chunk's
        // documents as they finish, while later chunks are still running.
        // The join handle is awaited after the last, to surface a panic.
        type Chunk = (mpsc::UnboundedReceiver<Item>, tokio::task::JoinHandle<()>);
        let (result_tx, mut result_rx) = mpsc::channel::<Chunk>(jobs * 2);
        let permits = Arc::new(Semaphore::new(jobs));
        let dispatch_stages = stages.clone();
        let contracts = options.contracts;
        let dispatch_stop = stop.clone();
        let dispatch_input_changed = input_changed.clone();
        // Moved, not cloned: it holds 16 bytes per input item.
        let shard = options.shard.take();
        tokio::spawn(async move {
            let changed = |error: RunError| {
                *dispatch_input_changed.lock().expect("not poisoned") = Some(error);
                dispatch_stop.store(true, Ordering::Relaxed);
            };
            let mut admission = Admission {
                contracts,
                shard,
                done,
                seen_ids: HashSet::new(),
                position: 0,
                taken: 0,
            };
            while let Some(batch) = item_rx.recv().await {
                let mut runnable = Vec::with_capacity(batch.len());
                for item in batch {
                    if dispatch_stop.load(Ordering::Relaxed) {
                        return;
                    }
                    match admission.admit(item) {
                        Ok(Some(admitted)) => runnable.push(admitted),
                        Ok(None) => {}
                        Err(error) => return changed(error),
                    }
                }
                // Split across the workers, so that a corpus of one batch
                // still runs on all of them.
                let per_worker = runnable.len().div_ceil(jobs).max(1);
                let mut runnable = runnable.into_iter().peekable();
                while runnable.peek().is_some() {
                    let chunk: Vec<_> = runnable.by_ref().take(per_worker).collect();
                    let permit = permits
                        .clone()
                        .acquire_owned()
                        .await
                        .expect("semaphore is never closed");
                    // The wait for a free worker can be long: look again.
                    if dispatch_stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let stages = dispatch_stages.clone();
                    let worker_stop = dispatch_stop.clone();
                    let (results, received) = mpsc::unbounded_channel();
                    let handle = tokio::task::spawn_blocking(move || {
                        for (item, check_contracts) in chunk {
                            // Stopped (a signal, or fail-fast): the rest of
                            // the chunk is not run, as if never read; it is
                            // not journaled, so --resume runs it.
                            if worker_stop.load(Ordering::Relaxed) {
                                break;
                            }
                            let result = match item {
                                Ok(document) => {
                                    Item::Ran(run_document(&stages, &document, check_contracts))
                                }
                                Err(failure) => Item::Unreadable(failure),
                            };
                            if results.send(result).is_err() {
                                break;
                            }
                        }
                        drop(permit);
                    });
                    if result_tx.send((received, handle)).await.is_err() {
                        return;
                    }
                }
            }
            if dispatch_stop.load(Ordering::Relaxed) {
                return;
            }
            if let Err(error) = admission.finish() {
                changed(error);
            }
        });

        let mut entries = Vec::new();
        while let Some((mut received, handle)) = result_rx.recv().await {
            loop {
                // Journal what is written before waiting: documents that
                // finish together share one write, and none waits on a
                // slower one for its line.
                let item = match received.try_recv() {
                    Ok(item) => item,
                    Err(mpsc::error::TryRecvError::Empty) => {
                        journal.record_all(&std::mem::take(&mut entries))?;
                        match received.recv().await {
                            Some(item) => item,
                            None => break,
                        }
                    }
                    Err(mpsc::error::TryRecvError::Disconnected) => break,
                };
                if discard.load(Ordering::Relaxed) {
                    continue;
                }
                let recorded = record(&mut writer, &stages, item, &options, &progress);
                if recorded.is_err() {
                    // What is written stays resumable.
                    journal.record_all(&entries)?;
                }
                let (id, tally, failed_hard) = recorded?;
                summary.apply(&tally);
                let output = writer.checkpoint();
                entries.push(Entry { id, tally, output });
                if failed_hard {
                    summary.stopped_early = true;
                    stop.store(true, Ordering::Relaxed);
                    discard.store(true, Ordering::Relaxed);
                }
                progress.inc(1);
            }
            handle.await.expect("a document worker panicked");
        }
        journal.record_all(&entries)?;
        Ok::<(), OutputError>(())
    })?;
    progress.finish_and_clear();
    if let Some(error) = input_changed.lock().expect("not poisoned").take() {
        // Nothing new was written: the journal still describes the interrupted run.
        return Err(error);
    }
    summary.interrupted = interrupted.load(Ordering::Relaxed);

    summary.seconds = started.elapsed().as_secs_f64();
    // A shard keeps its journal and whole-run files for the merge, and so
    // that a relaunch after a kill anywhere before its completion marker
    // (even between here and there) resumes instead of starting over.
    let keep_for_resume = summary.interrupted || sharded;
    let out_dir = writer.dir().to_path_buf();
    publish(writer, &mut summary, keep_for_resume)?;
    if !keep_for_resume {
        // Everything is in place: nothing is left to resume.
        OutputWriter::create(&out_dir, true)?.discard_resume_state()?;
    }
    Ok(summary)
}

/// Put a run's whole-run files in place, then its `manifest.json` and
/// `run-summary.json`; `summary` gains the list of files and conflicts.
/// Shared by a run and by the merge of a sharded one, so both leave the same
/// files in the same order.
pub(crate) fn publish(
    writer: OutputWriter,
    summary: &mut RunSummary,
    keep_for_resume: bool,
) -> Result<(), OutputError> {
    let out_dir = writer.dir().to_path_buf();
    let finished = writer.finish(keep_for_resume)?;
    // A clean run must not leave an earlier run's rejects beside its outputs.
    for stale in [REJECTS_FILE, DROPPED_FILE, DEAD_LETTER_FILE] {
        let path = out_dir.join(stale);
        if !finished.files.contains(stale) && path.exists() {
            std::fs::remove_file(&path).map_err(|source| OutputError::Io { path, source })?;
        }
    }
    for conflict in &finished.conflicts {
        eprintln!(
            "error: `{conflict}` already exists with different contents; this run's is kept beside it as `{conflict}.new` (set `overwrite = true` in `[output]` or pass --overwrite to replace it)"
        );
    }
    summary.conflicts = finished.conflicts;
    // The host's own files replace an earlier run's.
    let mut host_files = OutputWriter::create(&out_dir, true)?;
    // With a file per document the list of files is what grows with the
    // corpus: both files are streamed from the writer's on-disk list, never
    // built in memory.
    #[derive(serde::Serialize)]
    struct Manifest<'a> {
        files: crate::output::Entries<'a>,
    }
    let manifest = Manifest {
        files: finished.files.entries(),
    };
    host_files.write_file_with(MANIFEST_FILE, |out| {
        Ok(serde_json::to_writer_pretty(out, &manifest)?)
    })?;
    summary.files = finished.files;
    host_files.write_file_with(SUMMARY_FILE, |out| {
        Ok(serde_json::to_writer_pretty(out, &*summary)?)
    })?;
    Ok(())
}

/// On SIGINT or SIGTERM, stop taking new documents; the run then finishes
/// what is in flight and writes its files and summary. A second signal means
/// "now": exit at once (temporary files are hidden and swept by the next run).
async fn stop_on_signal(stop: Arc<AtomicBool>, interrupted: Arc<AtomicBool>) {
    #[cfg(unix)]
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    loop {
        #[cfg(unix)]
        {
            let term = async {
                match terminate.as_mut() {
                    Some(signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term => {}
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        if interrupted.swap(true, Ordering::SeqCst) {
            eprintln!("interrupted again: stopping now");
            std::process::exit(130);
        }
        eprintln!("interrupted: finishing the documents in flight, then writing the outputs (interrupt again to stop now)");
        stop.store(true, Ordering::SeqCst);
    }
}

/// The dispatcher's look at each input item, in input order, before it may
/// run: its place in a shard's plan, a repeated id, and what the
/// interrupted run being resumed already did.
struct Admission {
    contracts: ContractMode,
    shard: Option<ShardSelection>,
    /// Digests of the ids the interrupted run did, in order.
    done: Vec<u128>,
    /// Digests, not ids, so a corpus of millions costs 16 bytes a document.
    seen_ids: HashSet<u128>,
    /// Every item's place in the whole input.
    position: u64,
    /// How many items this run takes (all of them, unless it is one shard
    /// of a plan).
    taken: u64,
}

impl Admission {
    /// The item, with whether its outputs get a contract check, if this run
    /// runs it (a repeated id runs as the failure it is); `None` if it is
    /// another shard's or already done. An error when the input is not what
    /// the plan or the journal recorded.
    fn admit(&mut self, item: InputItem) -> Result<Option<(InputItem, bool)>, RunError> {
        let check_contracts = match self.contracts {
            ContractMode::Strict => true,
            ContractMode::Sampled => self.position.is_multiple_of(CONTRACT_SAMPLE_EVERY),
            ContractMode::Off => false,
        };
        let id = match &item {
            Ok(document) => document.id.clone(),
            Err(failure) => failure.source.clone(),
        };
        let position = self.position;
        if let Some(shard) = &self.shard {
            if shard.planned.get(position as usize) != Some(&id_digest(&id)) {
                let detail = if position as usize == shard.planned.len() {
                    format!(
                        "it has more than the {} items planned (item {} is `{id}`)",
                        shard.planned.len(),
                        position + 1
                    )
                } else {
                    format!(
                        "item {} is now `{id}`, the manifest lists another item there",
                        position + 1
                    )
                };
                return Err(RunError::NotAsPlanned {
                    manifest: shard.manifest.clone(),
                    detail,
                });
            }
        }
        self.position += 1;
        let item = match item {
            Ok(document) if !self.seen_ids.insert(id_digest(&document.id)) => {
                Err(duplicate(&document))
            }
            other => other,
        };
        if self.shard.as_ref().is_some_and(|s| !s.selects(position)) {
            return Ok(None);
        }
        self.taken += 1;
        // Resuming: the first items were done by the interrupted run, and
        // must be the very documents it did.
        if let Some(digest) = self.done.get(self.taken as usize - 1) {
            if id_digest(&id) != *digest {
                return Err(ResumeError::InputChanged {
                    position: self.taken,
                    now: id,
                }
                .into());
            }
            return Ok(None);
        }
        Ok(Some((item, check_contracts)))
    }

    /// After the last item: an error if the input ended before the plan's
    /// items or the journal's documents did.
    fn finish(&self) -> Result<(), RunError> {
        match &self.shard {
            Some(shard) if (self.position as usize) < shard.planned.len() => {
                Err(RunError::NotAsPlanned {
                    manifest: shard.manifest.clone(),
                    detail: format!(
                        "it ends after {} items, {} were planned",
                        self.position,
                        shard.planned.len()
                    ),
                })
            }
            _ if (self.taken as usize) < self.done.len() => Err(ResumeError::InputShrank {
                now: self.taken,
                recorded: self.done.len() as u64,
            }
            .into()),
            _ => Ok(()),
        }
    }
}

enum Item {
    Ran(DocumentRun),
    Unreadable(InputFailure),
}

/// Write what one document produced (or why it failed). Returns its id,
/// how it counts, and whether a fail-fast policy says the run must stop.
fn record(
    writer: &mut OutputWriter,
    stages: &[Stage],
    item: Item,
    options: &RunOptions,
    progress: &indicatif::ProgressBar,
) -> Result<(String, Tally, bool), OutputError> {
    let run = match item {
        Item::Unreadable(failure) => {
            // Input errors already start with their file (and line).
            let message = if failure.message.starts_with(&failure.source) {
                failure.message.clone()
            } else {
                format!("{}: {}", failure.source, failure.message)
            };
            progress.suspend(|| eprintln!("error: {message}"));
            reject(
                writer,
                &failure.source,
                "input",
                failure.kind,
                &failure.message,
            )?;
            let tally = Tally {
                stage_seconds: Vec::new(),
                outcome: Outcome::Unreadable,
                retried: Vec::new(),
            };
            return Ok((
                failure.source,
                tally,
                options.on_error == ErrorPolicy::FailFast,
            ));
        }
        Item::Ran(run) => run,
    };
    for (index, record) in &run.logs {
        if matches!(record.level, "warn" | "error") {
            progress.suspend(|| {
                eprintln!(
                    "{}: [{}] {}: {}",
                    record.level, stages[*index].id, run.id, record.message
                )
            });
        }
    }
    let (outcome, fail_fast) = match &run.fate {
        Fate::Completed(_) => {
            let checked = writer
                .check_artifacts(&run.id, run.artifacts.iter().map(|(_, a)| a))
                .and_then(|()| {
                    run.artifacts
                        .iter()
                        .try_for_each(|(_, artifact)| writer.write_artifact(&run.id, artifact))
                });
            match checked {
                Ok(()) => (Outcome::Completed, false),
                Err(e @ OutputError::Io { .. }) => return Err(e),
                Err(e) => {
                    // Blame the first exporter stage; the document fails there.
                    let index = run.artifacts.first().map_or(stages.len() - 1, |(i, _)| *i);
                    let message = e.to_string();
                    progress.suspend(|| {
                        eprintln!("error: [{}] {}: {message}", stages[index].id, run.id)
                    });
                    reject(writer, &run.id, &stages[index].id, "output", &message)?;
                    (
                        Outcome::Failed { stage: index },
                        stages[index].on_error == ErrorPolicy::FailFast,
                    )
                }
            }
        }
        Fate::Dropped { stage, reason } => {
            let mut line =
                json!({ "id": run.id, "stage": stages[*stage].id, "reason": reason }).to_string();
            line.push('\n');
            writer.append(DROPPED_FILE, line.as_bytes(), None)?;
            (Outcome::Dropped { stage: *stage }, false)
        }
        Fate::Failed {
            stage,
            failure,
            last_good,
        } => {
            let id = &stages[*stage].id;
            let label = stages[*stage].plugin.label();
            let message = format!("plugin `{label}` {failure}");
            progress.suspend(|| eprintln!("error: [{id}] {}: {message}", run.id));
            let kind = serde_json::to_value(failure.kind).expect("kinds serialize");
            let kind = kind.as_str().unwrap_or("error");
            reject(writer, &run.id, id, kind, &message)?;
            if stages[*stage].on_error == ErrorPolicy::DeadLetter {
                let document: serde_json::Value = serde_json::from_str(last_good)
                    .expect("the last good state was checked when it was kept");
                let mut line =
                    json!({ "id": run.id, "stage": id, "kind": kind, "message": message, "document": document })
                        .to_string();
                line.push('\n');
                writer.append(DEAD_LETTER_FILE, line.as_bytes(), None)?;
            }
            (
                Outcome::Failed { stage: *stage },
                stages[*stage].on_error == ErrorPolicy::FailFast,
            )
        }
    };
    let tally = Tally::ran(&run.stage_times, outcome, &run.retried);
    Ok((run.id, tally, fail_fast))
}

fn reject(
    writer: &mut OutputWriter,
    id: &str,
    stage: &str,
    kind: &str,
    message: &str,
) -> Result<(), OutputError> {
    let mut line =
        json!({ "id": id, "stage": stage, "kind": kind, "message": message }).to_string();
    line.push('\n');
    writer.append(REJECTS_FILE, line.as_bytes(), None)
}

fn progress_bar(wanted: bool) -> indicatif::ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {pos} documents, {per_sec} [{elapsed_precise}]",
        )
        .expect("a valid progress template"),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

#[cfg(test)]
mod admission_tests {
    use super::*;

    #[test]
    fn batches_close_at_a_count_or_at_a_size_counting_every_field() {
        let small = |n: usize| doc(&format!("d{n}"));
        let sizes = |items: Vec<InputItem>| -> Vec<usize> {
            batches(items.into_iter()).map(|b| b.len()).collect()
        };
        assert_eq!(sizes((0..40).map(small).collect()), [16, 16, 8]);
        assert!(sizes(Vec::new()).is_empty());
        // A page whose text is short but whose `html` is large ends its
        // batch, as a long text would.
        let mut page = Document::new("page", "short");
        page.fields
            .insert("html".into(), json!("x".repeat(BATCH_BYTES)));
        let mut items: Vec<InputItem> = (0..3).map(small).collect();
        items.push(Ok(page));
        items.extend((3..6).map(small));
        items.push(Err(InputFailure {
            source: "f".into(),
            kind: "input",
            message: "bad".into(),
        }));
        assert_eq!(sizes(items), [4, 4]);
    }

    fn admission(shard: Option<ShardSelection>, done: &[&str]) -> Admission {
        Admission {
            contracts: ContractMode::Off,
            shard,
            done: done.iter().map(|id| id_digest(id)).collect(),
            seen_ids: HashSet::new(),
            position: 0,
            taken: 0,
        }
    }

    fn doc(id: &str) -> InputItem {
        Ok(Document::new(id, "text"))
    }

    /// The ids admitted to run, `-` for an item skipped, `!kind` for one that
    /// runs as a failure.
    fn admit_all(admission: &mut Admission, ids: &[&str]) -> Result<Vec<String>, RunError> {
        ids.iter()
            .map(|id| {
                Ok(match admission.admit(doc(id))? {
                    Some((Ok(document), _)) => document.id,
                    Some((Err(failure), _)) => format!("!{}", failure.kind),
                    None => "-".to_owned(),
                })
            })
            .collect()
    }

    #[test]
    fn a_repeated_id_runs_as_a_failure_and_done_documents_are_skipped() {
        let mut admission = admission(None, &["a", "b"]);
        let admitted = admit_all(&mut admission, &["a", "b", "c", "a"]).unwrap();
        assert_eq!(admitted, ["-", "-", "c", "!duplicate-id"]);
        admission.finish().unwrap();
    }

    #[test]
    fn a_shard_takes_its_items_and_refuses_an_input_other_than_planned() {
        let shard = |planned: &[&str]| ShardSelection {
            index: 1,
            count: 2,
            planned: planned.iter().map(|id| id_digest(id)).collect(),
            manifest: PathBuf::from("state/manifest.jsonl"),
        };
        let mut admission = admission(Some(shard(&["a", "b", "c", "d"])), &[]);
        let admitted = admit_all(&mut admission, &["a", "b", "c", "d"]).unwrap();
        assert_eq!(admitted, ["-", "b", "-", "d"]);
        admission.finish().unwrap();

        let mut admission = self::admission(Some(shard(&["a", "b"])), &[]);
        let err = admit_all(&mut admission, &["a", "x"]).unwrap_err();
        assert!(err.to_string().contains("item 2 is now `x`"), "{err}");

        let mut admission = self::admission(Some(shard(&["a", "b", "c"])), &[]);
        admit_all(&mut admission, &["a", "b"]).unwrap();
        let err = admission.finish().unwrap_err();
        assert!(
            err.to_string()
                .contains("ends after 2 items, 3 were planned"),
            "{err}"
        );
    }

    #[test]
    fn a_resumed_run_refuses_an_input_that_changed_or_shrank() {
        let mut admission = admission(None, &["a", "b"]);
        let err = admit_all(&mut admission, &["a", "x"]).unwrap_err();
        assert!(
            matches!(
                err,
                RunError::Resume(ResumeError::InputChanged { position: 2, .. })
            ),
            "{err}"
        );

        let mut admission = self::admission(None, &["a", "b"]);
        admit_all(&mut admission, &["a"]).unwrap();
        assert!(matches!(
            admission.finish(),
            Err(RunError::Resume(ResumeError::InputShrank {
                now: 1,
                recorded: 2
            }))
        ));
    }
}

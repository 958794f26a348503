//! A stage ready to run: its loaded plugin, its config as the plugin will
//! receive it, its limits, error policy and instance policy, and the
//! configured instances waiting for their next document.

use crate::runtime::{
    FailureKind, LoadedPlugin, LogRecord, PluginInstance, StageFailure, StageLimits, StageResources,
};
use crate::schema_check::SchemaCheck;
use docpipe_contract::pipeline::{ErrorPolicy, InstancePolicy};
use docpipe_contract::Outcome;
use std::sync::{Arc, Mutex};

/// One stage of a prepared pipeline.
#[derive(Debug, Clone)]
pub struct Stage {
    /// The stage's id in the pipeline file.
    pub id: String,
    /// The compiled, checked plugin.
    pub plugin: LoadedPlugin,
    /// The `config` table as JSON text, handed to each fresh instance.
    pub config_json: String,
    /// Limits for each document.
    pub limits: StageLimits,
    /// The read-only resources the pipeline declares for the stage.
    pub resources: StageResources,
    /// What a failure here does to the run.
    pub on_error: ErrorPolicy,
    /// Whether an instance serves one document or many.
    pub instances: InstancePolicy,
    /// The plugin's output schema, checked against what it returns (unless
    /// the pipeline turned contracts off).
    pub output_check: Option<Arc<SchemaCheck>>,
    /// Configured instances between documents (policy `reused`). At most one
    /// per worker: a worker takes one out for a document and puts it back.
    pub idle: Arc<IdleInstances>,
}

/// Instances that finished a document without failing, for the next one.
#[derive(Default)]
pub struct IdleInstances(Mutex<Vec<PluginInstance>>);

impl std::fmt::Debug for IdleInstances {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let idle = self.0.lock().map_or(0, |idle| idle.len());
        f.debug_struct("IdleInstances")
            .field("idle", &idle)
            .finish()
    }
}

impl IdleInstances {
    /// A pool that starts with `instance` (the one `prepare` configured to
    /// check the stage's config), so the first document does not pay again.
    pub fn with(instance: PluginInstance) -> Self {
        IdleInstances(Mutex::new(vec![instance]))
    }

    fn take(&self) -> Option<PluginInstance> {
        self.0.lock().expect("not poisoned").pop()
    }

    fn give_back(&self, instance: PluginInstance) {
        self.0.lock().expect("not poisoned").push(instance);
    }
}

/// What one document's pass through a stage's plugin produced.
#[derive(Debug)]
pub struct Pass {
    /// The outcome, already held to `check`.
    pub outcome: Result<Outcome, StageFailure>,
    /// What the plugin logged on the pass that counts.
    pub logs: Vec<LogRecord>,
    /// Log records dropped on that pass.
    pub logs_dropped: usize,
    /// True when the document failed on a reused instance and was run again
    /// on a fresh one (whose result is the one above).
    pub retried: bool,
}

impl Stage {
    /// Send `document` (JSON text) through this stage's plugin, holding what
    /// it returns to `check`. Under `reused`, an idle instance serves it if
    /// there is one; an instance that failed is dropped, and a failure on an
    /// instance that had served other documents is tried once more on a
    /// fresh one, so what an earlier document left behind cannot fail this
    /// one. A timeout is not retried: it would double the wait, and a plugin
    /// that slows down with age is the plugin's bug to show.
    pub fn pass(
        &self,
        document: &str,
        check: impl Fn(&Outcome) -> Result<(), StageFailure>,
    ) -> Pass {
        let reuse = self.instances == InstancePolicy::Reused;
        let idle = if reuse { self.idle.take() } else { None };
        let first = self.attempt(idle, document, &check, reuse);
        let retry = matches!(
            &first,
            (Err(failure), _, _, served) if *served > 1 && failure.kind != FailureKind::Timeout
        );
        let (outcome, logs, logs_dropped, _) = if retry {
            self.attempt(None, document, &check, reuse)
        } else {
            first
        };
        Pass {
            outcome,
            logs,
            logs_dropped,
            retried: retry,
        }
    }

    /// One try on `instance`, or on a fresh one; the last field is how many
    /// documents the instance had been given, this one included.
    fn attempt(
        &self,
        instance: Option<PluginInstance>,
        document: &str,
        check: &impl Fn(&Outcome) -> Result<(), StageFailure>,
        keep: bool,
    ) -> (Result<Outcome, StageFailure>, Vec<LogRecord>, usize, u64) {
        let mut instance = match instance {
            Some(instance) => instance,
            None => match self.fresh() {
                Ok(instance) => instance,
                Err(failure) => return (Err(failure), Vec::new(), 0, 0),
            },
        };
        let (outcome, logs, dropped) = instance.process(document);
        let outcome = outcome.and_then(|outcome| check(&outcome).map(|()| outcome));
        let served = instance.served();
        if keep && outcome.is_ok() {
            self.idle.give_back(instance);
        }
        (outcome, logs, dropped, served)
    }

    fn fresh(&self) -> Result<PluginInstance, StageFailure> {
        match self
            .plugin
            .instantiate(&self.config_json, self.limits, &self.resources)?
        {
            Ok(instance) => Ok(instance),
            // `prepare` configured one instance with this very config, so
            // only a plugin that changes its mind gets here.
            Err(e) => Err(StageFailure::new(
                FailureKind::PluginError,
                format!("rejected its config: {e}"),
            )),
        }
    }
}

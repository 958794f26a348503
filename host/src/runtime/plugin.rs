//! A compiled, checked plugin and the per-document instances made from it.
//!
//! Loading refuses anything that is not a `docpipe:plugin` component of a
//! supported version, and anything that imports more than the host's `log`
//! and `read-resource`.
//! An instance may serve many documents; one that failed is never used
//! again (the stage's instance policy decides the rest, see `run::stage`).

use super::bindings::{self, DocpipePlugin, DocpipePluginPre, LogLevel};
use super::cache::CompileCache;
use super::engine::EPOCH_TICK;
use super::failure::{human_size, FailureKind, StageFailure};
use docpipe_contract::{
    Artifact, ArtifactMode, Outcome, PluginError, PluginKind, PluginManifest, INTERFACE_VERSION,
};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, Linker};
use wasmtime::{Engine, ResourceLimiter, Store, Trap};

const PLUGIN_EXPORT: &str = "docpipe:plugin/plugin";
const PACKAGE: &str = "docpipe:plugin";

/// Log records kept per document and stage; a flood beyond this is counted,
/// not stored, so a chatty plugin cannot exhaust the host's memory.
const MAX_LOG_RECORDS: usize = 100;
const MAX_LOG_BYTES: usize = 64 * 1024;

/// A plugin's bytes (or the file that holds them) and the name it is known
/// by in messages.
#[derive(Debug, Clone)]
pub struct PluginSource {
    /// `builtin:clean` or the path the pipeline named.
    pub label: String,
    /// The component's bytes.
    pub bytes: ComponentBytes,
    /// sha256 (hex) of the bytes, which whoever found them computed.
    pub sha256: String,
}

/// A component's bytes, or where they are when only their digest was needed.
#[derive(Debug, Clone)]
pub enum ComponentBytes {
    /// In memory: embedded in the binary, or read to be hashed.
    Loaded(Cow<'static, [u8]>),
    /// Not read: the file's digest was already known. Read only if the
    /// compile cache has no entry for that digest, and checked against it.
    Unread(PathBuf),
}

impl PluginSource {
    /// The bytes, reading them if need be. A file read now must still hash
    /// to `sha256`, or a compile cache entry would be stored under a digest
    /// that is not its own.
    fn bytes(&self) -> wasmtime::Result<Cow<'_, [u8]>> {
        match &self.bytes {
            ComponentBytes::Loaded(bytes) => Ok(Cow::Borrowed(bytes)),
            ComponentBytes::Unread(path) => {
                let bytes = std::fs::read(path)
                    .map_err(|e| wasmtime::format_err!("reading {}: {e}", path.display()))?;
                if hex::encode(Sha256::digest(&bytes)) != self.sha256 {
                    wasmtime::bail!("{} changed while it was being loaded", path.display());
                }
                Ok(Cow::Owned(bytes))
            }
        }
    }
}

/// The limits one document's run of a stage is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageLimits {
    /// Linear-memory cap of the instance.
    pub memory_bytes: u64,
    /// Wall-clock deadline for configuring an instance, and again for
    /// each document it processes.
    pub timeout: Duration,
    /// Largest document plus artifacts the stage may return.
    pub max_output_bytes: u64,
}

impl Default for StageLimits {
    fn default() -> Self {
        StageLimits {
            memory_bytes: 256 << 20,
            timeout: Duration::from_secs(10),
            max_output_bytes: 64 << 20,
        }
    }
}

/// A message a plugin logged while processing a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRecord {
    /// `trace` .. `error`.
    pub level: &'static str,
    /// The message.
    pub message: String,
}

/// Why a plugin could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The bytes are not a valid component, or compilation failed.
    #[error("`{label}` is not a valid WebAssembly component: {reason}")]
    Compile {
        /// The plugin.
        label: String,
        /// The compiler's words.
        reason: String,
    },
    /// The component does not export the plugin interface.
    #[error("`{label}` is not a docpipe plugin: it does not export `{PLUGIN_EXPORT}@{INTERFACE_VERSION}` (its exports: {exports})")]
    NotAPlugin {
        /// The plugin.
        label: String,
        /// What it does export.
        exports: String,
    },
    /// The component was built against another version of the interface.
    #[error("`{label}` was built against {PACKAGE}@{found}, but this docpipe supports {PACKAGE}@{INTERFACE_VERSION}; rebuild it with a matching docpipe-plugin-sdk")]
    UnsupportedVersion {
        /// The plugin.
        label: String,
        /// The version it exports.
        found: String,
    },
    /// The component imports something the sandbox does not offer.
    #[error("`{label}` imports `{import}`, which docpipe does not provide: plugins get only `{PACKAGE}/host` (no WASI: no files, clock, network or environment); build it for wasm32-unknown-unknown with docpipe-plugin-sdk")]
    ForbiddenImport {
        /// The plugin.
        label: String,
        /// The offending import.
        import: String,
    },
    /// The component imports the host interface with a function it lacks
    /// (built against a forged or newer WIT).
    #[error("`{label}` imports `{function}` from `{PACKAGE}/host@{INTERFACE_VERSION}`, which docpipe does not provide: the host gives plugins only `log` and `read-resource`; build it with docpipe-plugin-sdk")]
    UnknownHostFunction {
        /// The plugin.
        label: String,
        /// The function (or type) docpipe does not have.
        function: String,
    },
    /// `describe` failed or returned an unusable manifest.
    #[error("`{label}` did not describe itself: {reason}")]
    Describe {
        /// The plugin.
        label: String,
        /// What went wrong.
        reason: String,
    },
}

/// The read-only resources a stage's pipeline declares, by name, each
/// already read and checked against its pinned sha256. Cheap to clone: every
/// instance of the stage shares the bytes.
#[derive(Debug, Clone, Default)]
pub struct StageResources(Arc<BTreeMap<String, Arc<Vec<u8>>>>);

impl StageResources {
    /// Resources by name.
    pub fn new(resources: BTreeMap<String, Arc<Vec<u8>>>) -> Self {
        StageResources(Arc::new(resources))
    }
}

/// Per-store state: limits, the stage's resources, and what the plugin
/// logged and read.
pub(crate) struct StoreState {
    memory_limit: u64,
    memory_limit_hit: bool,
    logs: Vec<LogRecord>,
    log_bytes: usize,
    logs_dropped: usize,
    resources: StageResources,
    resources_read: BTreeSet<String>,
}

impl StoreState {
    fn new(memory_limit: u64, resources: StageResources) -> Self {
        StoreState {
            memory_limit,
            memory_limit_hit: false,
            logs: Vec::new(),
            log_bytes: 0,
            logs_dropped: 0,
            resources,
            resources_read: BTreeSet::new(),
        }
    }
}

impl bindings::Host for StoreState {
    fn log(&mut self, level: LogLevel, message: String) {
        if self.logs.len() >= MAX_LOG_RECORDS || self.log_bytes + message.len() > MAX_LOG_BYTES {
            self.logs_dropped += 1;
            return;
        }
        self.log_bytes += message.len();
        let level = match level {
            LogLevel::Trace => "trace",
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        };
        self.logs.push(LogRecord { level, message });
    }

    fn read_resource(&mut self, name: String) -> Option<Vec<u8>> {
        // Copied into the instance's memory by the caller's allocator, so the
        // stage's memory limit holds the resource too.
        let bytes = self.resources.0.get(&name)?.to_vec();
        self.resources_read.insert(name);
        Some(bytes)
    }
}

// The types interface has no functions; the linker still asks for it.
impl bindings::TypesHost for StoreState {}

impl ResourceLimiter for StoreState {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired as u64 > self.memory_limit {
            self.memory_limit_hit = true;
            // A trap rather than a failed grow: the plugin stops here and the
            // document fails with a reason that names the limit.
            wasmtime::bail!("memory limit exceeded");
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 1 << 20)
    }
}

/// A compiled plugin whose interface and manifest have been checked.
#[derive(Clone)]
pub struct LoadedPlugin {
    label: String,
    manifest: PluginManifest,
    sha256: String,
    engine: Engine,
    pre: DocpipePluginPre<StoreState>,
}

impl std::fmt::Debug for LoadedPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedPlugin")
            .field("label", &self.label)
            .field("manifest", &self.manifest.name)
            .finish_non_exhaustive()
    }
}

impl LoadedPlugin {
    pub(crate) fn load(
        engine: &Engine,
        linker: &Linker<StoreState>,
        cache: Option<&CompileCache>,
        source: PluginSource,
    ) -> Result<Self, LoadError> {
        let component = match cache {
            Some(cache) => cache.load(engine, &source.sha256, || source.bytes()),
            None => source
                .bytes()
                .and_then(|bytes| Component::new(engine, &bytes)),
        };
        let PluginSource { label, sha256, .. } = source;
        let component = component.map_err(|e| LoadError::Compile {
            label: label.clone(),
            reason: format!("{e:#}"),
        })?;
        check_interface(engine, &component, &label)?;
        let instance_pre = linker
            .instantiate_pre(&component)
            .map_err(|e| LoadError::Compile {
                label: label.clone(),
                reason: format!("{e:#}"),
            })?;
        let pre = DocpipePluginPre::new(instance_pre).map_err(|e| LoadError::NotAPlugin {
            label: label.clone(),
            exports: format!("{e:#}"),
        })?;
        let manifest = describe(engine, &pre).map_err(|reason| LoadError::Describe {
            label: label.clone(),
            reason,
        })?;
        Ok(LoadedPlugin {
            label,
            manifest,
            sha256,
            engine: engine.clone(),
            pre,
        })
    }

    /// `builtin:clean` or the path the pipeline named.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// What the plugin said about itself.
    pub fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    /// sha256 of the component's bytes, as pinned in pipeline files.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// A fresh instance, configured with `config` (JSON text) and able to
    /// read `resources`, whose deadline runs from now. A plugin-reported
    /// config error comes back as `Ok(Err)`.
    pub fn instantiate(
        &self,
        config: &str,
        limits: StageLimits,
        resources: &StageResources,
    ) -> Result<Result<PluginInstance, PluginError>, StageFailure> {
        let mut store = Store::new(
            &self.engine,
            StoreState::new(limits.memory_bytes, resources.clone()),
        );
        store.limiter(|state| state);
        store.set_epoch_deadline(deadline_ticks(limits.timeout));
        let bindings = match self.pre.instantiate(&mut store) {
            Ok(bindings) => bindings,
            Err(e) => return Err(classify(&store, limits, e, "instantiating")),
        };
        match bindings
            .docpipe_plugin_plugin()
            .call_configure(&mut store, config)
        {
            Ok(Ok(())) => Ok(Ok(PluginInstance {
                store,
                bindings,
                limits,
                served: 0,
            })),
            Ok(Err(e)) => Ok(Err(to_contract_error(e))),
            Err(e) => Err(classify(&store, limits, e, "configuring")),
        }
    }
}

/// A configured instance, ready for its next document.
pub struct PluginInstance {
    store: Store<StoreState>,
    bindings: DocpipePlugin,
    limits: StageLimits,
    served: u64,
}

impl std::fmt::Debug for PluginInstance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginInstance").finish_non_exhaustive()
    }
}

impl PluginInstance {
    /// How many documents this instance has been given so far.
    pub fn served(&self) -> u64 {
        self.served
    }

    /// The names of the resources the plugin has read so far.
    pub fn resources_read(&self) -> &BTreeSet<String> {
        &self.store.data().resources_read
    }

    /// Process `document` (JSON text) under a deadline that starts now.
    /// Returns the outcome and what the plugin logged while processing it
    /// (with a count of dropped records). After a failure, drop the instance:
    /// a component that trapped cannot be entered again, and one that ran
    /// out of memory or time is in no state to trust.
    pub fn process(
        &mut self,
        document: &str,
    ) -> (Result<Outcome, StageFailure>, Vec<LogRecord>, usize) {
        self.served += 1;
        self.store
            .set_epoch_deadline(deadline_ticks(self.limits.timeout));
        let result = match self
            .bindings
            .docpipe_plugin_plugin()
            .call_process(&mut self.store, document)
        {
            Ok(Ok(outcome)) => check_outcome(outcome, self.limits),
            Ok(Err(e)) => {
                let e = to_contract_error(e);
                Err(StageFailure::new(FailureKind::PluginError, e.to_string()))
            }
            Err(e) => Err(classify(&self.store, self.limits, e, "processing")),
        };
        let state = self.store.data_mut();
        state.log_bytes = 0;
        let logs = std::mem::take(&mut state.logs);
        let dropped = std::mem::take(&mut state.logs_dropped);
        (result, logs, dropped)
    }
}

fn deadline_ticks(timeout: Duration) -> u64 {
    (timeout.as_nanos() / EPOCH_TICK.as_nanos()).max(1) as u64 + 1
}

fn to_contract_error(e: bindings::PluginError) -> PluginError {
    PluginError {
        code: e.code,
        message: e.message,
        pointer: e.pointer,
    }
}

/// Turn a host-side error (trap, limit, link failure) into a failure with a
/// reason a person can act on.
fn classify(
    store: &Store<StoreState>,
    limits: StageLimits,
    error: wasmtime::Error,
    doing: &str,
) -> StageFailure {
    if store.data().memory_limit_hit {
        return StageFailure::new(
            FailureKind::MemoryLimit,
            format!(
                "exceeded its memory limit of {} while {doing} (raise `limits.memory` for this stage if the document really needs more)",
                human_size(limits.memory_bytes)
            ),
        );
    }
    match error.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => StageFailure::new(
            FailureKind::Timeout,
            format!(
                "did not finish within its {} deadline while {doing} (raise `limits.timeout` for this stage if the document really needs longer)",
                humantime::format_duration(limits.timeout)
            ),
        ),
        Some(trap) => StageFailure::new(FailureKind::Trap, format!("trapped while {doing}: {trap}")),
        None if doing == "instantiating" => StageFailure::new(FailureKind::Instantiation, format!("could not be instantiated: {error:#}")),
        None => StageFailure::new(FailureKind::Trap, format!("failed while {doing}: {error:#}")),
    }
}

fn check_outcome(outcome: bindings::Outcome, limits: StageLimits) -> Result<Outcome, StageFailure> {
    match outcome {
        bindings::Outcome::Drop(reason) => Ok(Outcome::Drop { reason }),
        bindings::Outcome::Keep(kept) => {
            let size = kept.document.len() as u64
                + kept
                    .artifacts
                    .iter()
                    .map(|a| a.data.len() as u64)
                    .sum::<u64>();
            if size > limits.max_output_bytes {
                return Err(StageFailure::new(
                    FailureKind::OutputTooLarge,
                    format!(
                        "returned {} of output, over its limit of {} (`limits.max_output`)",
                        human_size(size),
                        human_size(limits.max_output_bytes)
                    ),
                ));
            }
            Ok(Outcome::Keep {
                document: kept.document,
                artifacts: kept
                    .artifacts
                    .into_iter()
                    .map(|a| Artifact {
                        name: a.name,
                        media_type: a.media_type,
                        mode: match a.mode {
                            bindings::ArtifactMode::File => ArtifactMode::File,
                            bindings::ArtifactMode::Append => ArtifactMode::Append,
                        },
                        data: a.data,
                        header: a.header,
                    })
                    .collect(),
            })
        }
    }
}

/// Everything `docpipe:plugin/host` has: a plugin may import no other name from it.
const HOST_EXPORTS: [&str; 3] = ["log", "log-level", "read-resource"];

/// Refuse components that do not speak our interface version, or that want
/// imports the sandbox does not give.
fn check_interface(engine: &Engine, component: &Component, label: &str) -> Result<(), LoadError> {
    let ty = component.component_type();
    let mut exports = Vec::new();
    let mut found = None;
    for (name, _) in ty.exports(engine) {
        if let Some(version) = name
            .strip_prefix(PLUGIN_EXPORT)
            .and_then(|rest| rest.strip_prefix('@'))
        {
            found = Some(version.to_string());
        }
        exports.push(format!("`{name}`"));
    }
    match found {
        None => {
            return Err(LoadError::NotAPlugin {
                label: label.to_string(),
                exports: if exports.is_empty() {
                    "none".into()
                } else {
                    exports.join(", ")
                },
            })
        }
        Some(version) if version != INTERFACE_VERSION => {
            return Err(LoadError::UnsupportedVersion {
                label: label.to_string(),
                found: version,
            })
        }
        Some(_) => {}
    }
    let allowed = [
        format!("{PACKAGE}/host@{INTERFACE_VERSION}"),
        format!("{PACKAGE}/types@{INTERFACE_VERSION}"),
    ];
    for (name, item) in ty.imports(engine) {
        if !allowed.iter().any(|a| a == name) {
            return Err(LoadError::ForbiddenImport {
                label: label.to_string(),
                import: name.to_string(),
            });
        }
        // The right interface name with a function the linker lacks would
        // otherwise surface as a bare linking error.
        if name == allowed[0] {
            if let ComponentItem::ComponentInstance(host) = item.ty {
                if let Some((function, _)) = host
                    .exports(engine)
                    .find(|(export, _)| !HOST_EXPORTS.contains(export))
                {
                    return Err(LoadError::UnknownHostFunction {
                        label: label.to_string(),
                        function: function.to_string(),
                    });
                }
            }
        }
    }
    Ok(())
}

fn describe(engine: &Engine, pre: &DocpipePluginPre<StoreState>) -> Result<PluginManifest, String> {
    let limits = StageLimits::default();
    let mut store = Store::new(
        engine,
        StoreState::new(limits.memory_bytes, StageResources::default()),
    );
    store.limiter(|state| state);
    store.set_epoch_deadline(deadline_ticks(limits.timeout));
    let bindings = pre.instantiate(&mut store).map_err(|e| format!("{e:#}"))?;
    let m = bindings
        .docpipe_plugin_plugin()
        .call_describe(&mut store)
        .map_err(|e| format!("{e:#}"))?;
    let schema = |which: &str, text: &str| {
        serde_json::from_str::<serde_json::Value>(text)
            .map_err(|e| format!("its {which} schema is not valid JSON: {e}"))
    };
    Ok(PluginManifest {
        config_schema: schema("config", &m.config_schema)?,
        input_schema: schema("input", &m.input_schema)?,
        output_schema: schema("output", &m.output_schema)?,
        name: m.name,
        version: m.version,
        kind: match m.kind {
            bindings::PluginKind::Transform => PluginKind::Transform,
            bindings::PluginKind::Exporter => PluginKind::Exporter,
        },
        description: m.description,
    })
}

//! The one wasmtime engine a process shares, its compile cache and the
//! epoch ticker that enforces per-document deadlines.

use super::bindings::DocpipePlugin;
use super::cache::CompileCache;
use super::plugin::{LoadError, LoadedPlugin, PluginSource, StoreState};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use wasmtime::component::{HasSelf, Linker};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, ProfilingStrategy,
};

/// How often the engine's epoch advances; deadlines are counted in ticks, so
/// this is the resolution of a stage's `timeout`.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(5);

/// `DOCPIPE_PERFMAP=1` makes the engine write a perf map for compiled wasm.
pub const PERF_MAP_VAR: &str = "DOCPIPE_PERFMAP";

/// `DOCPIPE_UNTIMED_BENCHMARK=1` compiles plugins without the epoch checks
/// that enforce `timeout`, so a stage can no longer be stopped: only for
/// measuring what those checks cost (docs/benchmarks.md). docpipe says so on
/// standard error whenever it is set.
pub const UNTIMED_VAR: &str = "DOCPIPE_UNTIMED_BENCHMARK";

/// What the engine must accommodate.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// The largest linear memory any stage may use.
    pub max_memory_bytes: u64,
    /// How many documents may be in flight at once.
    pub concurrency: usize,
    /// How many stages each document goes through: a stage that reuses
    /// instances keeps one alive per worker between documents.
    pub stages: usize,
    /// Where compiled plugins are cached; `None` compiles every time.
    pub cache_dir: Option<PathBuf>,
}

impl EngineOptions {
    /// The default cache directory: `$DOCPIPE_CACHE_DIR`, else the user's cache
    /// directory. `DOCPIPE_CACHE_DIR=off` disables the cache.
    pub fn default_cache_dir() -> Option<PathBuf> {
        match std::env::var_os("DOCPIPE_CACHE_DIR") {
            Some(dir) if dir == "off" || dir.is_empty() => None,
            Some(dir) => Some(PathBuf::from(dir)),
            None => {
                let base = std::env::var_os("XDG_CACHE_HOME")
                    .map(PathBuf::from)
                    .or_else(|| {
                        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache"))
                    })?;
                Some(base.join("docpipe"))
            }
        }
    }
}

/// The shared engine and linker. Cheap to clone.
#[derive(Clone)]
pub struct Runtime {
    engine: Engine,
    linker: Arc<Linker<StoreState>>,
    cache: Option<CompileCache>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime").finish_non_exhaustive()
    }
}

impl Runtime {
    /// Build the engine: pooling allocator sized for `concurrency`, epoch
    /// interruption, and the on-disk compile cache.
    pub fn new(options: &EngineOptions) -> anyhow::Result<Self> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        // Cranelift puts the epoch check at every function entry and loop
        // back-edge: about a sixth of a plugin's time (docs/benchmarks.md),
        // the price of being able to stop any stage.
        let untimed = std::env::var_os(UNTIMED_VAR).is_some_and(|value| value == "1");
        if untimed {
            eprintln!(
                "docpipe: warning: {UNTIMED_VAR}=1: plugins run without their timeout checks; \
                 a stage that never returns will hang this run (for benchmarks only)"
            );
        }
        config.epoch_interruption(!untimed);
        // For profiling plugins with `perf`: wasmtime writes
        // /tmp/perf-<pid>.map so samples in compiled wasm get function names
        // (docs/benchmarks.md, "Profiling"). Off by default: the map grows
        // with every component loaded.
        if std::env::var_os(PERF_MAP_VAR).is_some_and(|value| value == "1") {
            config.profiler(ProfilingStrategy::PerfMap);
        }

        // Instantiation is on the hot path whenever a stage gives each
        // document a fresh instance: the pooling allocator makes it a few slot
        // resets instead of mmap calls. Slots: one live instance per worker
        // and stage, one more per worker for a retry or a fresh instance
        // while the old one drops, and room for loading (`describe`) and the
        // configuration check. A component holds a handful of core instances.
        let slots = (options.concurrency as u32 + 2) * (options.stages as u32 + 1) + 8;
        let mut pool = PoolingAllocationConfig::new();
        pool.total_component_instances(slots)
            .total_core_instances(slots * 8)
            .total_memories(slots * 8)
            .total_tables(slots * 8)
            .max_memory_size(options.max_memory_bytes as usize);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));

        let engine = Engine::new(&config).map_err(|e| anyhow::anyhow!("{e:#}"))?;
        let cache = options
            .cache_dir
            .as_ref()
            .map(|dir| CompileCache::new(&dir.join("components"), &engine));
        let mut linker = Linker::new(&engine);
        DocpipePlugin::add_to_linker::<StoreState, HasSelf<StoreState>>(&mut linker, |state| state)
            .map_err(|e| anyhow::anyhow!("{e:#}"))?;
        spawn_epoch_ticker(&engine);
        Ok(Runtime {
            engine,
            linker: Arc::new(linker),
            cache,
        })
    }

    /// Compile (or fetch from cache) and check a plugin, and read its manifest.
    pub fn load(&self, source: PluginSource) -> Result<LoadedPlugin, LoadError> {
        LoadedPlugin::load(&self.engine, &self.linker, self.cache.as_ref(), source)
    }
}

/// Advance the epoch every tick for as long as the engine lives.
fn spawn_epoch_ticker(engine: &Engine) {
    let weak = engine.weak();
    std::thread::Builder::new()
        .name("docpipe-epoch".into())
        .spawn(move || loop {
            std::thread::sleep(EPOCH_TICK);
            match weak.upgrade() {
                Some(engine) => engine.increment_epoch(),
                None => return,
            }
        })
        .expect("spawning the epoch thread");
}

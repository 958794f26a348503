//! The sandbox: one shared wasmtime engine, plugins compiled once (and cached
//! on disk), configured instances under memory, time and output
//! limits. Nothing here knows about pipeline files or output directories.

mod bindings;
mod cache;
mod engine;
mod failure;
mod plugin;

pub use engine::{EngineOptions, Runtime};
pub use failure::{FailureKind, StageFailure};
pub use plugin::{
    ComponentBytes, LoadError, LoadedPlugin, LogRecord, PluginInstance, PluginSource, StageLimits,
    StageResources,
};

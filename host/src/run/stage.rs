//! A stage ready to run: its loaded plugin, its config as the plugin will
//! receive it, its limits and error policy.

use crate::runtime::{LoadedPlugin, StageLimits};
use crate::schema_check::SchemaCheck;
use docpipe_contract::pipeline::ErrorPolicy;
use std::sync::Arc;

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
    /// What a failure here does to the run.
    pub on_error: ErrorPolicy,
    /// The plugin's output schema, checked against what it returns (unless
    /// the pipeline turned contracts off).
    pub output_check: Option<Arc<SchemaCheck>>,
}

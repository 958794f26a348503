//! A stage ready to run: its loaded plugin, its config as the plugin will
//! receive it, its limits and error policy.

use crate::runtime::{LoadedPlugin, StageLimits};
use docpipe_contract::pipeline::ErrorPolicy;

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
}

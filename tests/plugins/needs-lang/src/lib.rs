//! Requires `lang.code` (a string) and changes nothing: a pipeline that
//! does not detect the language before it must fail `docpipe check`.

use docpipe_plugin_sdk::{
    export_plugin, JsonSchema, NoConfig, Plugin, PluginError, Unchanged, Verdict,
};
use serde::Deserialize;

#[derive(Debug, Default)]
pub struct NeedsLang;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Input {
    pub lang: Lang,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Lang {
    pub code: String,
}

impl Plugin for NeedsLang {
    const NAME: &'static str = "needs-lang";
    const DESCRIPTION: &'static str = "Requires lang.code (test fixture).";
    type Config = NoConfig;
    type Input = Input;
    type Output = Unchanged;

    fn new(_config: NoConfig) -> Result<Self, PluginError> {
        Ok(NeedsLang)
    }

    fn process(&mut self, _input: Input) -> Result<Verdict<Unchanged>, PluginError> {
        Ok(Verdict::keep(Unchanged {}))
    }
}

export_plugin!(NeedsLang);

//! Always writes `lang.code` as an integer, so a later stage that needs it
//! as a string must fail `docpipe check` with a type mismatch.

use docpipe_plugin_sdk::{export_plugin, JsonSchema, NoConfig, Plugin, PluginError, Verdict};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default)]
pub struct NumericLang;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Input {}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub lang: Lang,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Lang {
    pub code: u32,
}

impl Plugin for NumericLang {
    const NAME: &'static str = "numeric-lang";
    const DESCRIPTION: &'static str = "Writes lang.code as an integer (test fixture).";
    type Config = NoConfig;
    type Input = Input;
    type Output = Output;

    fn new(_config: NoConfig) -> Result<Self, PluginError> {
        Ok(NumericLang)
    }

    fn process(&mut self, _input: Input) -> Result<Verdict<Output>, PluginError> {
        Ok(Verdict::keep(Output {
            lang: Lang { code: 7 },
        }))
    }
}

export_plugin!(NumericLang);

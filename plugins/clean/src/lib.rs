use docpipe_plugin_sdk::{export_plugin, JsonSchema, NoConfig, Plugin, PluginError, Verdict};
use serde::{Deserialize, Serialize};

#[derive(Debug)]
pub struct Clean;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    pub text: String,
}

#[derive(Serialize, JsonSchema)]
pub struct Output {
    pub text: String,
}

impl Plugin for Clean {
    const NAME: &'static str = "clean";
    const DESCRIPTION: &'static str = "Cleans text.";
    type Config = NoConfig;
    type Input = Input;
    type Output = Output;
    fn new(_c: NoConfig) -> Result<Self, PluginError> {
        Ok(Clean)
    }
    fn process(&mut self, input: Input) -> Result<Verdict<Output>, PluginError> {
        Ok(Verdict::keep(Output { text: input.text.trim().to_string() }))
    }
}

export_plugin!(Clean);

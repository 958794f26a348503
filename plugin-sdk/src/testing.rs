//! Run a plugin natively, through the same JSON glue it uses in a component.

use crate::glue;
use crate::plugin::Plugin;
use docpipe_contract::{Outcome, PluginError, PluginManifest};
use serde_json::Value;

/// A configured plugin instance for unit tests.
#[derive(Debug)]
pub struct Harness<P> {
    plugin: P,
}

impl<P: Plugin> Harness<P> {
    /// Configure the plugin with a JSON config, as a pipeline stage would.
    pub fn new(config: Value) -> Result<Self, PluginError> {
        Ok(Harness {
            plugin: glue::configure_json::<P>(&config.to_string())?,
        })
    }

    /// Configure the plugin as a stage that declares `resources` (name and
    /// bytes) would: [`crate::resource::read`] finds them while it is
    /// configured.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn with_resources(config: Value, resources: &[(&str, &[u8])]) -> Result<Self, PluginError> {
        with_resources(resources, || Self::new(config))
    }

    /// The manifest the component would report.
    pub fn manifest() -> PluginManifest {
        glue::manifest::<P>("0.0.0-test")
    }

    /// Process a document given as JSON text.
    pub fn process(&mut self, document: &str) -> Result<Outcome, PluginError> {
        glue::process_json(&mut self.plugin, document)
    }

    /// Process a document given as a JSON value. Returns the kept document,
    /// or `None` when the plugin dropped it.
    pub fn process_value(&mut self, document: Value) -> Result<Option<Value>, PluginError> {
        match self.process(&document.to_string())? {
            Outcome::Keep { document, .. } => Ok(Some(
                serde_json::from_str(&document).expect("the glue writes valid JSON"),
            )),
            Outcome::Drop { .. } => Ok(None),
        }
    }
}

/// Run `f` (typically a plugin's `new`, or [`Harness::new`]) with
/// `resources` readable through [`crate::resource::read`] on this thread, as
/// the host offers a stage the resources its pipeline declares. Outside `f`
/// no resource is readable.
#[cfg(not(target_arch = "wasm32"))]
pub fn with_resources<R>(resources: &[(&str, &[u8])], f: impl FnOnce() -> R) -> R {
    crate::resource::native::with(resources, f)
}

/// For language detectors: run each `(expected code, text)` through a fresh
/// `P` configured with `config` and describe every case whose `lang.code`
/// differs, with the `lang` that came back. Empty when all are right.
pub fn misdetected<P: Plugin>(config: Value, cases: &[(&str, &str)]) -> Vec<String> {
    let mut harness = Harness::<P>::new(config).expect("the config is valid");
    cases
        .iter()
        .filter_map(|&(code, text)| {
            let out = harness
                .process_value(serde_json::json!({"id": code, "text": text}))
                .expect("the plugin accepts the document")
                .expect("the plugin keeps the document");
            (out["lang"]["code"] != code).then(|| format!("{code}: got {}", out["lang"]))
        })
        .collect()
}

/// Texts made of tricky pieces in random order, for tests that compare a
/// fast path with the general rules it stands in for. The generator is a
/// fixed linear congruential one: the same texts on every run.
///
/// `count` texts of `length` pieces each, chosen from `pieces`.
pub fn generated_texts(
    pieces: &'static [&'static str],
    count: usize,
    length: usize,
    seed: u64,
) -> impl Iterator<Item = String> {
    let mut state = seed;
    (0..count).map(move |_| {
        let mut text = String::new();
        for _ in 0..length {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            text.push_str(pieces[(state >> 33) as usize % pieces.len()]);
        }
        text
    })
}

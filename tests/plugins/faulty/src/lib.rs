//! A plugin that misbehaves when a document's text asks it to, so tests can
//! prove that one bad document fails alone while the others go on:
//! `trap` panics, `loop` never returns, `grow` allocates without bound,
//! `huge` returns a giant document, `fail` returns an error, `drop` drops,
//! `break` writes a `lang.code` of null where its schema promises an integer,
//! `escape` asks the host to write a file outside the output directory,
//! `recurse` recurses without bound until the stack runs out,
//! `remember` says how many documents this instance has been given,
//! `fresh-only` traps unless it is the instance's first document,
//! `resource` answers with the resource `fixture` it read when configured
//! (or `none`), as text.
//! Any other text passes through with `faulty.seen = true`.

use docpipe_plugin_sdk::{
    export_plugin, log, resource, Artifact, ArtifactMode, JsonSchema, NoConfig, Plugin,
    PluginError, Verdict,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default)]
pub struct Faulty {
    /// The resource `fixture`, if the stage declares one.
    fixture: Option<Vec<u8>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Input {
    pub text: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub faulty: Seen,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Declared as an integer code; `break` writes null to prove the host
    /// holds a plugin to its own output schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<NumericLang>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct NumericLang {
    #[schemars(with = "u32")]
    pub code: serde_json::Value,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Seen {
    pub seen: bool,
}

impl Plugin for Faulty {
    const NAME: &'static str = "faulty";
    const DESCRIPTION: &'static str = "Misbehaves on command (test fixture).";
    type Config = NoConfig;
    type Input = Input;
    type Output = Output;

    fn new(_config: NoConfig) -> Result<Self, PluginError> {
        Ok(Faulty {
            fixture: resource::read("fixture"),
        })
    }

    fn process(&mut self, input: Input) -> Result<Verdict<Output>, PluginError> {
        // Kept in a static, the one place a plugin could hide state from the
        // host: it counts the documents this instance has been given.
        static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let calls = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let mut text = None;
        let mut lang = None;
        match input.text.trim() {
            "trap" => panic!("asked to trap"),
            "loop" => {
                let mut n: u64 = 0;
                loop {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
            "grow" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1u8; 1 << 20]);
                    std::hint::black_box(&hoard);
                }
            }
            "huge" => text = Some("x".repeat(8 << 20)),
            "recurse" => text = Some(depth(0).to_string()),
            "fail" => {
                return Err(PluginError::new(
                    "asked-to-fail",
                    "the document asked for an error",
                ))
            }
            "drop" => return Ok(Verdict::drop("the document asked to be dropped")),
            "break" => {
                lang = Some(NumericLang {
                    code: serde_json::Value::Null,
                })
            }
            "escape" => {
                let artifact = Artifact {
                    name: "../escaped.txt".into(),
                    media_type: "text/plain".into(),
                    mode: ArtifactMode::File,
                    data: b"should never be written".to_vec(),
                    header: None,
                };
                let output = Output {
                    faulty: Seen { seen: true },
                    text: None,
                    lang: None,
                };
                return Ok(Verdict::keep_with(output, vec![artifact]));
            }
            "remember" => text = Some(format!("calls so far: {calls}")),
            "resource" => {
                text = Some(self.fixture.as_ref().map_or_else(
                    || "none".to_string(),
                    |bytes| String::from_utf8_lossy(bytes).into_owned(),
                ))
            }
            // A plugin whose leftovers break later documents.
            "fresh-only" if calls > 1 => panic!("not a fresh instance: call {calls}"),
            "log" => {
                for i in 0..10_000 {
                    log::warn(&format!("flood {i}"));
                }
            }
            _ => {}
        }
        Ok(Verdict::keep(Output {
            faulty: Seen { seen: true },
            text,
            lang,
        }))
    }
}

/// Recursion the optimizer cannot turn into a loop. Unbounded on purpose:
/// the test proves a plugin that runs out of stack fails only its document.
#[allow(unconditional_recursion)]
fn depth(n: u64) -> u64 {
    let mut frame = [n; 16];
    std::hint::black_box(&mut frame);
    1 + depth(frame[3] + 1) + frame[7]
}

export_plugin!(Faulty);

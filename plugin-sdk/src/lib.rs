//! Write a docpipe plugin: implement [`Plugin`] over typed serde structs and
//! call [`export_plugin!`]. Schemas in the manifest come from the `schemars`
//! derives on those types, so what the plugin declares is what it parses.
//!
//! ```
//! use docpipe_plugin_sdk::{export_plugin, JsonSchema, Plugin, PluginError, Verdict};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Default)]
//! struct Shout;
//!
//! #[derive(Deserialize, JsonSchema)]
//! struct Input { text: String }
//!
//! #[derive(Serialize, JsonSchema)]
//! struct Output { text: String }
//!
//! impl Plugin for Shout {
//!     const NAME: &'static str = "shout";
//!     const DESCRIPTION: &'static str = "Upper-cases the text.";
//!     type Config = docpipe_plugin_sdk::NoConfig;
//!     type Input = Input;
//!     type Output = Output;
//!
//!     fn new(_config: Self::Config) -> Result<Self, PluginError> {
//!         Ok(Shout)
//!     }
//!     fn process(&mut self, input: Input) -> Result<Verdict<Output>, PluginError> {
//!         Ok(Verdict::keep(Output { text: input.text.to_uppercase() }))
//!     }
//! }
//!
//! export_plugin!(Shout);
//!
//! // The same code runs natively, through the same JSON glue as in wasm:
//! let mut shout = docpipe_plugin_sdk::testing::Harness::<Shout>::new(serde_json::json!({})).unwrap();
//! let out = shout.process_value(serde_json::json!({"id": "a", "text": "hi"})).unwrap();
//! assert_eq!(out.unwrap()["text"], "HI");
//! ```
#![deny(missing_docs)]

extern crate self as docpipe_plugin_sdk;

pub mod chars;
#[allow(missing_docs)]
mod glue;
pub mod lang;
pub mod log;
mod plugin;
mod raw;
pub mod resource;
pub mod testing;
pub mod words;

pub use docpipe_contract::{
    Artifact, ArtifactMode, Document, PluginError, PluginKind, PluginManifest, INTERFACE_VERSION,
};
pub use plugin::{NoConfig, Plugin, Unchanged, Verdict};
pub use raw::RawDocument;
pub use schemars::{self, JsonSchema};

#[doc(hidden)]
pub mod __private {
    pub use crate::glue::*;

    #[cfg(target_arch = "wasm32")]
    pub use wit_bindgen;

    #[cfg(target_arch = "wasm32")]
    #[allow(unsafe_code, missing_docs, clippy::all)]
    pub mod bindings {
        wit_bindgen::generate!({
            world: "docpipe-plugin",
            path: "wit",
            pub_export_macro: true,
            export_macro_name: "__export_docpipe_bindings",
            default_bindings_module: "docpipe_plugin_sdk::__private::bindings",
            runtime_path: "docpipe_plugin_sdk::__private::wit_bindgen::rt",
        });
    }

    #[cfg(target_arch = "wasm32")]
    pub use bindings::exports::docpipe::plugin::plugin::Guest;
}

/// Export a type implementing [`Plugin`] as the component's plugin.
///
/// Call it once, at the top level of the plugin crate. Natively it expands to
/// nothing, so the crate still builds and tests on the host.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        #[cfg(target_arch = "wasm32")]
        #[allow(unsafe_code)]
        const _: () = {
            use $crate::__private::bindings::exports::docpipe::plugin::plugin as __wit;
            use $crate::__private::bindings::docpipe::plugin::types as __types;

            struct __DocpipeExport;

            impl $crate::__private::Guest for __DocpipeExport {
                fn describe() -> __types::Manifest {
                    $crate::__private::wit_manifest::<$plugin>(env!("CARGO_PKG_VERSION"))
                }
                fn configure(config: String) -> Result<(), __types::PluginError> {
                    $crate::__private::wit_configure::<$plugin>(&config)
                }
                fn process(document: String) -> Result<__types::Outcome, __types::PluginError> {
                    $crate::__private::wit_process::<$plugin>(&document)
                }
            }

            $crate::__private::bindings::__export_docpipe_bindings!(__DocpipeExport with_types_in $crate::__private::bindings);
        };
    };
}

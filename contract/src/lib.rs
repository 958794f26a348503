//! Plain data shared by the docpipe host and the plugin SDK.
//!
//! These types describe what crosses the plugin boundary: documents, plugin
//! manifests and the outcome of processing one document. They carry no
//! wasmtime or wit-bindgen types, so both sides (and tools) can use them.
#![deny(missing_docs)]

mod document;
mod manifest;
mod outcome;

pub use document::Document;
pub use manifest::{PluginKind, PluginManifest, INTERFACE_VERSION, SOURCE_DIGEST_SECTION};
pub use outcome::{Artifact, ArtifactMode, Outcome, PluginError};
pub mod members;
pub mod pipeline;

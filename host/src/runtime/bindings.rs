//! Generated host bindings for the `docpipe:plugin` world. Private to the
//! runtime: the rest of the host sees only `docpipe_contract` types.

wasmtime::component::bindgen!({
    path: "../plugin-sdk/wit",
    world: "docpipe-plugin",
});

pub use self::docpipe::plugin::host::{Host, LogLevel};
pub use self::docpipe::plugin::types::Host as TypesHost;
pub use self::docpipe::plugin::types::{ArtifactMode, Outcome, PluginError, PluginKind};

//! A plugin built against `docpipe:plugin@0.2.0`, an interface version no
//! docpipe supports yet, so tests can prove the host refuses it with a message
//! naming both versions. `wit/plugin.wit` is the SDK's contract with only the
//! package version changed; the implementation is the least that compiles,
//! because the host must never get as far as calling it.
//!
//! Natively the crate is empty: the bindings exist only for wasm32.

#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code, missing_docs, clippy::all)]
mod bindings {
    wit_bindgen::generate!({
        world: "docpipe-plugin",
        path: "wit",
    });
}

// The export macro expands to the `unsafe` ABI glue in this module.
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod plugin {
    use super::bindings::docpipe::plugin::types::{Kept, PluginKind};
    use super::bindings::exports::docpipe::plugin::plugin::Guest;
    use super::bindings::exports::docpipe::plugin::plugin::{Manifest, Outcome, PluginError};

    struct FutureVersion;

    impl Guest for FutureVersion {
        fn describe() -> Manifest {
            Manifest {
                name: "future-version".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                kind: PluginKind::Transform,
                description: "Built against docpipe:plugin@0.2.0.".into(),
                config_schema: "{}".into(),
                input_schema: "{}".into(),
                output_schema: "{}".into(),
            }
        }

        fn configure(_config: String) -> Result<(), PluginError> {
            Ok(())
        }

        fn process(document: String) -> Result<Outcome, PluginError> {
            Ok(Outcome::Keep(Kept {
                document,
                artifacts: Vec::new(),
            }))
        }
    }

    super::bindings::export!(FutureVersion with_types_in super::bindings);
}

//! A plugin that speaks the real interface but hands back a document that is
//! not JSON; the host must fail that document, not crash or pass it on.

#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code, missing_docs, clippy::all)]
mod bindings {
    wit_bindgen::generate!({ world: "plugin", path: "wit", generate_all });
}

#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod plugin {
    use super::bindings::docpipe::plugin::types::{Kept, PluginKind};
    use super::bindings::exports::docpipe::plugin::plugin::{
        Guest, Manifest, Outcome, PluginError,
    };

    struct Garbage;

    impl Guest for Garbage {
        fn describe() -> Manifest {
            Manifest {
                name: "invalid-json".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                kind: PluginKind::Transform,
                description: "Returns documents that are not JSON.".into(),
                config_schema: "{}".into(),
                input_schema: "{}".into(),
                output_schema: "{}".into(),
            }
        }

        fn configure(_config: String) -> Result<(), PluginError> {
            Ok(())
        }

        fn process(_document: String) -> Result<Outcome, PluginError> {
            Ok(Outcome::Keep(Kept {
                document: "{\"id\": \"truncated".into(),
                artifacts: Vec::new(),
            }))
        }
    }

    super::bindings::export!(Garbage with_types_in super::bindings);
}

//! A plugin that reads the environment through WASI. docpipe gives plugins
//! no WASI at all, so the host must refuse it at load, naming the import.
//! (The import is really used, so the componentizer keeps it.)

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
    use super::bindings::wasi::cli::environment::get_environment;

    struct Snoop;

    impl Guest for Snoop {
        fn describe() -> Manifest {
            Manifest {
                name: "wasi-import".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                kind: PluginKind::Transform,
                description: "Reads the environment through WASI.".into(),
                config_schema: "{}".into(),
                input_schema: "{}".into(),
                output_schema: "{}".into(),
            }
        }

        fn configure(_config: String) -> Result<(), PluginError> {
            Ok(())
        }

        fn process(document: String) -> Result<Outcome, PluginError> {
            let leaked = get_environment().len();
            Ok(Outcome::Keep(Kept {
                document: document.replace("}", &format!(",\"env\":{leaked}}}")),
                artifacts: Vec::new(),
            }))
        }
    }

    super::bindings::export!(Snoop with_types_in super::bindings);
}

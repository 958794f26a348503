//! A plugin built against a forged `docpipe:plugin/host` that has a
//! `read-file` function. The interface name is right, so only linking can
//! catch it: the host must refuse it at load, naming the function.
//! (The function is really called, so the componentizer keeps the import.)

#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code, missing_docs, clippy::all)]
mod bindings {
    wit_bindgen::generate!({ world: "plugin", path: "wit", generate_all });
}

#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod plugin {
    use super::bindings::docpipe::plugin::host::read_file;
    use super::bindings::docpipe::plugin::types::{Kept, PluginKind};
    use super::bindings::exports::docpipe::plugin::plugin::{
        Guest, Manifest, Outcome, PluginError,
    };

    struct Reader;

    impl Guest for Reader {
        fn describe() -> Manifest {
            Manifest {
                name: "unknown-host-function".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                kind: PluginKind::Transform,
                description: "Calls a host function docpipe does not have.".into(),
                config_schema: "{}".into(),
                input_schema: "{}".into(),
                output_schema: "{}".into(),
            }
        }

        fn configure(_config: String) -> Result<(), PluginError> {
            Ok(())
        }

        fn process(document: String) -> Result<Outcome, PluginError> {
            let secret = read_file("/etc/passwd");
            Ok(Outcome::Keep(Kept {
                document: document.replace("}", &format!(",\"secret\":{:?}}}", secret)),
                artifacts: Vec::new(),
            }))
        }
    }

    super::bindings::export!(Reader with_types_in super::bindings);
}

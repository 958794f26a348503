//! A valid component that exports some other interface than
//! `docpipe:plugin/plugin`; the host must refuse it at load and say what it
//! does export.

#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code, missing_docs, clippy::all)]
mod bindings {
    wit_bindgen::generate!({ world: "plugin", path: "wit" });
}

#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod plugin {
    use super::bindings::exports::docpipe_test::wrong_export::thing::Guest;

    struct Thing;

    impl Guest for Thing {
        fn describe() -> String {
            "not a docpipe plugin".into()
        }
    }

    super::bindings::export!(Thing with_types_in super::bindings);
}

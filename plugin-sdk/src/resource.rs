//! Read-only resources: data files a pipeline hands a stage by name (a larger
//! model, a word list), declared in the stage's `resources` table and pinned
//! by sha256 there. The plugin still has no filesystem: the host reads and
//! checks the file and copies its bytes into the instance when asked.
//!
//! Read a resource once, when the plugin is configured ([`Plugin::new`]),
//! and keep what is built from it: every call copies the whole resource.
//! A configured instance serves document after document unless the pipeline
//! says `instances = "per-document"`, where every document pays the copy.
//!
//! [`Plugin::new`]: crate::Plugin::new

/// The bytes of the resource `name` the pipeline declares for this stage, or
/// `None` when it declares none by that name. Natively (tests, benchmarks)
/// the resources are those given to [`crate::testing::with_resources`].
pub fn read(name: &str) -> Option<Vec<u8>> {
    #[cfg(target_arch = "wasm32")]
    {
        crate::__private::bindings::docpipe::plugin::host::read_resource(name)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        native::read(name)
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod native {
    use std::cell::RefCell;

    thread_local! {
        /// What `read` finds on this thread, while `with` runs.
        static PROVIDED: RefCell<Vec<(String, Vec<u8>)>> = const { RefCell::new(Vec::new()) };
    }

    pub(crate) fn read(name: &str) -> Option<Vec<u8>> {
        PROVIDED.with_borrow(|provided| {
            provided
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, bytes)| bytes.clone())
        })
    }

    /// Run `f` with `resources` readable on this thread, as the host would
    /// offer them to one stage; afterwards none are.
    pub(crate) fn with<R>(resources: &[(&str, &[u8])], f: impl FnOnce() -> R) -> R {
        struct Clear;
        impl Drop for Clear {
            fn drop(&mut self) {
                PROVIDED.with_borrow_mut(Vec::clear);
            }
        }
        PROVIDED.with_borrow_mut(|provided| {
            *provided = resources
                .iter()
                .map(|(name, bytes)| (name.to_string(), bytes.to_vec()))
                .collect();
        });
        let _clear = Clear;
        f()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resource_is_readable_only_while_it_is_provided() {
        assert_eq!(read("model"), None);
        let seen = native::with(&[("model", b"bytes"), ("words", b"a b")], || {
            (read("model"), read("words"), read("other"))
        });
        assert_eq!(seen, (Some(b"bytes".to_vec()), Some(b"a b".to_vec()), None));
        assert_eq!(read("model"), None);
    }
}

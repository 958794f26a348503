//! From the core module cargo produces to the component docpipe loads, stamped with the
//! digest of the sources it was built from.

use std::borrow::Cow;

use docpipe_contract::SOURCE_DIGEST_SECTION;
use wasm_encoder::{ComponentSection, CustomSection};
use wasmparser::{Parser, Payload};

/// Wrap a core module carrying wit-bindgen's component-type section into a validated
/// component, then append the `docpipe:source-digest` section holding `digest`.
pub(crate) fn componentize(module: &[u8], digest: &str) -> anyhow::Result<Vec<u8>> {
    let mut component = wit_component::ComponentEncoder::default()
        .module(module)?
        .validate(true)
        .encode()?;
    append_source_digest(&mut component, digest);
    Ok(component)
}

/// Append a top-level `docpipe:source-digest` custom section holding `digest` as text.
///
/// Custom sections may appear anywhere, so appending keeps the component valid.
pub fn append_source_digest(component: &mut Vec<u8>, digest: &str) {
    CustomSection {
        name: Cow::Borrowed(SOURCE_DIGEST_SECTION),
        data: Cow::Borrowed(digest.as_bytes()),
    }
    .append_to_component(component);
}

/// The source digest stamped on a component, if it has one.
///
/// Only the component's own top level counts, not modules or components nested in it; if the
/// section appears more than once, the last one wins.
pub fn read_source_digest(component: &[u8]) -> Option<String> {
    let mut depth = 0usize;
    let mut digest = None;
    for payload in Parser::new(0).parse_all(component) {
        match payload.ok()? {
            Payload::Version { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::CustomSection(section)
                if depth == 1 && section.name() == SOURCE_DIGEST_SECTION =>
            {
                digest = Some(String::from_utf8(section.data().to_vec()).ok()?);
            }
            _ => {}
        }
    }
    digest
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmparser::{Validator, WasmFeatures};

    const DIGEST: &str = "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

    fn validate_component(bytes: &[u8]) {
        Validator::new_with_features(WasmFeatures::all())
            .validate_all(bytes)
            .expect("a valid component");
        assert!(wasmparser::Parser::is_component(bytes));
    }

    #[test]
    fn digest_round_trips_through_a_component() {
        // An empty core module, wrapped by the same encoder real builds use.
        let module = wasm_encoder::Module::new().finish();
        let component = componentize(&module, DIGEST).unwrap();
        validate_component(&component);
        assert_eq!(read_source_digest(&component).as_deref(), Some(DIGEST));
    }

    #[test]
    fn digest_is_read_from_the_top_level_only() {
        let mut inner = wasm_encoder::Component::new().finish();
        append_source_digest(&mut inner, "inner");
        let mut outer = wasm_encoder::Component::new();
        outer.section(&wasm_encoder::RawSection {
            id: wasm_encoder::ComponentSectionId::Component.into(),
            data: &inner,
        });
        let mut outer = outer.finish();
        validate_component(&outer);
        assert_eq!(read_source_digest(&outer), None);

        append_source_digest(&mut outer, DIGEST);
        validate_component(&outer);
        assert_eq!(read_source_digest(&outer).as_deref(), Some(DIGEST));
    }

    #[test]
    fn long_digests_get_multi_byte_section_sizes() {
        let long = "ab".repeat(100);
        let mut component = wasm_encoder::Component::new().finish();
        append_source_digest(&mut component, &long);
        validate_component(&component);
        assert_eq!(read_source_digest(&component), Some(long));
    }

    #[test]
    fn garbage_has_no_digest() {
        assert_eq!(read_source_digest(b"not wasm"), None);
    }
}

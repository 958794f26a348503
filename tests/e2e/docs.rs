//! Docs include code from `examples/` instead of copying it; every include
//! must resolve, or the docs show nothing where code should be.

use crate::util::repo;

#[test]
fn every_include_in_the_docs_resolves() {
    let mut checked = 0;
    let mut broken = Vec::new();
    for entry in std::fs::read_dir(repo().join("docs")).unwrap() {
        let page = entry.unwrap().path();
        if page.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&page).unwrap();
        for (start, _) in text.match_indices("{{#include ") {
            let rest = &text[start + "{{#include ".len()..];
            let target = rest[..rest.find("}}").unwrap()].trim();
            let path = target.split(':').next().unwrap();
            checked += 1;
            if !page.parent().unwrap().join(path).is_file() {
                broken.push(format!("{}: {target}", page.display()));
            }
        }
    }
    assert!(
        checked > 0,
        "the plugin authoring guide includes the example plugin"
    );
    assert!(
        broken.is_empty(),
        "includes that point at nothing:\n{}",
        broken.join("\n")
    );
}

/// docs/sandbox.md proves each promise by naming a test; a renamed or
/// deleted test must not leave the page pointing at nothing.
#[test]
fn every_test_the_sandbox_page_names_exists() {
    let page = std::fs::read_to_string(repo().join("docs/sandbox.md")).unwrap();
    let mut sources = String::new();
    for root in ["tests/e2e", "host/src"] {
        for entry in walkdir::WalkDir::new(repo().join(root)) {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "rs") {
                sources.push_str(&std::fs::read_to_string(entry.path()).unwrap());
            }
        }
    }
    let mut named = 0;
    let mut missing = Vec::new();
    for (i, piece) in page.split('`').enumerate() {
        let is_test_path = i % 2 == 1
            && piece.contains("::")
            && piece
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == ':');
        if !is_test_path {
            continue;
        }
        named += 1;
        let function = piece.rsplit("::").next().unwrap();
        if !sources.contains(&format!("fn {function}(")) {
            missing.push(piece.to_string());
        }
    }
    assert!(named >= 30, "the page names its tests ({named} found)");
    assert!(missing.is_empty(), "tests named but not found: {missing:?}");
}

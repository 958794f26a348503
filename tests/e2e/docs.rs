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

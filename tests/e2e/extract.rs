//! `builtin:extract` over hand-made pages read with `format = "html"`: the
//! main text of an article, a page in a legacy encoding, a page with no main
//! content and a page whose bytes its encoding cannot decode.

use crate::util::{docpipe_expecting, repo, run_expecting, Dir};

/// A pipeline that extracts every `.html` page under `in/` and writes the
/// documents to `out/documents.jsonl`.
const PIPELINE: &str = "[input]\npaths = [\"in\"]\nformat = \"html\"\n\n\
    [[stages]]\nid = \"extract\"\nplugin = \"builtin:extract\"\n\n\
    [[stages]]\nid = \"all\"\nplugin = \"builtin:export\"\nconfig = { format = \"jsonl\" }\n";

/// A hand-made page: `examples/html/input/<name>`, else `tests/pages/<name>`.
fn page(name: &str) -> String {
    let example = repo().join("examples/html/input").join(name);
    let path = if example.exists() {
        example
    } else {
        repo().join("tests/pages").join(name)
    };
    std::fs::read_to_string(path).unwrap()
}

/// The documents `out/documents.jsonl` holds, as (id, document).
fn documents(dir: &Dir) -> Vec<(String, serde_json::Value)> {
    dir.jsonl("out/documents.jsonl")
        .into_iter()
        .map(|d| (d["id"].as_str().unwrap().to_string(), d))
        .collect()
}

/// Runs `pipeline` (as `p.toml`) over the article page in a new folder.
fn run_over_the_article(pipeline: &str) -> Dir {
    let dir = Dir::new();
    dir.write("in/article.html", page("article.html"));
    dir.write("p.toml", pipeline);
    run_expecting(&dir.join("p.toml"), 0);
    dir
}

#[test]
fn an_article_page_becomes_its_main_text_title_and_metadata() {
    let dir = run_over_the_article(PIPELINE);
    let documents = documents(&dir);
    assert_eq!(documents.len(), 1);
    let (id, document) = &documents[0];
    assert_eq!(id, "article.html");
    let text = document["text"].as_str().unwrap();
    assert!(
        text.contains(
            "What the water left behind\n\nIn the low fields south of Marden the receding water"
        ),
        "{text}"
    );
    assert!(
        text.contains("Three bridges need inspection before heavy traffic returns.\nEleven farms"),
        "{text}"
    );
    for boilerplate in [
        "Subscribe today",
        "Hydro 3000",
        "flood insurance",
        "Ten tips",
        "floodwatcher88",
        "All rights reserved",
    ] {
        assert!(
            !text.contains(boilerplate),
            "{boilerplate:?} kept in:\n{text}"
        );
    }
    assert_eq!(
        document["title"],
        "Rivers of the North Return to Their Beds"
    );
    // Every metadata field is checked by the plugin's own tests; here, that
    // they reach the output.
    assert_eq!(
        document["meta"]["extract"]["canonical_url"],
        "https://courier.example/news/2024/rivers-return"
    );
}

#[test]
fn the_page_html_is_released_after_extraction_unless_kept() {
    let dir = run_over_the_article(PIPELINE);
    assert_eq!(documents(&dir)[0].1["html"], serde_json::Value::Null);

    let kept = PIPELINE.replace(
        "plugin = \"builtin:extract\"\n",
        "plugin = \"builtin:extract\"\nconfig = { keep_html = true }\n",
    );
    let dir = run_over_the_article(&kept);
    assert_eq!(documents(&dir)[0].1["html"], page("article.html"));

    // A later stage that reads `html` is warned about, whatever the config:
    // the declared output says `html` may be null.
    let twice = kept.replace(
        "[[stages]]\nid = \"all\"",
        "[[stages]]\nid = \"again\"\nplugin = \"builtin:extract\"\n\n[[stages]]\nid = \"all\"",
    );
    dir.write("twice.toml", twice);
    let (_, stderr) = docpipe_expecting("check", &dir.join("twice.toml"), 0);
    assert!(
        stderr.contains("needs `html` (string) but the document may have it as null"),
        "{stderr}"
    );
}

#[test]
fn a_windows_1256_arabic_page_is_decoded_from_its_declared_charset() {
    let dir = Dir::new();
    let utf8 = page("arabic.html");
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1256.encode(&utf8);
    assert!(!unmappable, "the page is all windows-1256 characters");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "not UTF-8 by accident"
    );
    dir.write("in/arabic.html", &bytes);
    dir.write("p.toml", PIPELINE);
    run_expecting(&dir.join("p.toml"), 0);
    let documents = documents(&dir);
    let text = documents[0].1["text"].as_str().unwrap();
    assert!(
        text.contains("افتتحت البلدية صباح اليوم مكتبة عامة جديدة في وسط المدينة"),
        "{text}"
    );
    assert!(text.contains("\n\nوقال رئيس البلدية"), "{text}");
    assert!(!text.contains("اشترك الآن"), "the ad was kept:\n{text}");
    assert_eq!(documents[0].1["title"], "افتتاح مكتبة جديدة في المدينة");
}

#[test]
fn a_page_with_no_main_content_is_dropped_with_its_reason() {
    let dir = Dir::new();
    dir.write("in/article.html", page("article.html"));
    dir.write("in/sitemap.html", page("sitemap.html"));
    dir.write("p.toml", PIPELINE);
    run_expecting(&dir.join("p.toml"), 0);
    let ids: Vec<_> = documents(&dir).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["article.html"]);
    let dropped = dir.jsonl("out/dropped.jsonl");
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0]["id"], "sitemap.html");
    assert_eq!(dropped[0]["stage"], "extract");
    assert_eq!(dropped[0]["reason"], "no-main-content");
}

#[test]
fn an_undecodable_byte_fails_that_page_alone_naming_file_and_offset() {
    let dir = Dir::new();
    dir.write("in/article.html", page("article.html"));
    // Shift_JIS declared; 0x82 0x20 is a lead byte with no valid trail byte.
    let mut broken =
        b"<html><head><meta charset=\"shift_jis\"><title>t</title></head><body><p>".to_vec();
    let offset = broken.len();
    broken.extend_from_slice(b"\x82 broken</p></body></html>");
    dir.write("in/broken.html", &broken);
    dir.write("p.toml", PIPELINE);
    let stderr = run_expecting(&dir.join("p.toml"), 1);
    assert!(
        stderr.contains(&format!(
            "broken.html: invalid Shift_JIS at byte offset {offset}"
        )),
        "{stderr}"
    );
    let ids: Vec<_> = documents(&dir).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["article.html"]);
    let rejects = dir.jsonl("out/rejects.jsonl");
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0]["stage"], "input");
}

#[test]
fn the_html_example_extracts_cleans_detects_summarizes_and_exports() {
    let out = Dir::new();
    let output = crate::util::docpipe()
        .arg("run")
        .arg(repo().join("examples/html/pipeline.toml"))
        .arg("--output")
        .arg(out.path())
        .output()
        .unwrap();
    let (stdout, stderr) = crate::util::output_text(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("2 documents in: 1 completed, 1 dropped, 0 failed"),
        "{stdout}"
    );
    let documents = out.jsonl("documents.jsonl");
    assert_eq!(documents.len(), 1);
    let article = &documents[0];
    assert_eq!(article["lang"]["code"], "en");
    assert!(
        article["summary"]["text"]
            .as_str()
            .unwrap()
            .contains("river"),
        "{article}"
    );
    assert!(out
        .read("article.md")
        .contains("Three bridges need inspection"));
    assert_eq!(out.jsonl("dropped.jsonl")[0]["reason"], "no-main-content");
}

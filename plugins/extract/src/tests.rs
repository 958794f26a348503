//! The plugin over small hand-made pages, shared with the end-to-end tests
//! (`examples/html/input/`, and `tests/pages/` for the Arabic page).

use docpipe_contract::Outcome;
use docpipe_plugin_sdk::testing::Harness;
use serde_json::{json, Value};

use super::{Extract, NO_MAIN_CONTENT};

const ARTICLE: &str = include_str!("../../../examples/html/input/article.html");
const ARABIC: &str = include_str!("../../../tests/pages/arabic.html");
const NO_MAIN_CONTENT_PAGE: &str = include_str!("../../../examples/html/input/sitemap.html");

fn extract(config: Value, html: &str) -> Option<Value> {
    Harness::<Extract>::new(config)
        .unwrap()
        .process_value(json!({"id": "page.html", "text": "", "html": html}))
        .unwrap()
}

#[test]
fn an_article_keeps_its_body_and_loses_nav_ads_related_links_comments_and_footer() {
    let out = extract(json!({}), ARTICLE).expect("the article is kept");
    let text = out["text"].as_str().unwrap();
    for kept in [
        "After the wettest winter in forty years",
        "What the water left behind",
        "Three bridges need inspection before heavy traffic returns.",
        "raising the embankments along the most exposed stretch of the river.",
    ] {
        assert!(text.contains(kept), "{kept:?} missing from:\n{text}");
    }
    for dropped in [
        "Subscribe today",
        "Hydro 3000",
        "flood insurance",
        "Related stories",
        "Ten tips",
        "floodwatcher88",
        "Nobody ever mentions them",
        "All rights reserved",
        "Privacy policy",
        "window.analytics",
    ] {
        assert!(!text.contains(dropped), "{dropped:?} kept in:\n{text}");
    }
}

#[test]
fn paragraphs_are_separated_by_blank_lines_and_list_items_get_one_line_each() {
    let out = extract(json!({}), ARTICLE).unwrap();
    let text = out["text"].as_str().unwrap();
    assert!(
        text.contains(
            "\n\nWhat the water left behind\n\nIn the low fields south of Marden the receding water"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "Three bridges need inspection before heavy traffic returns.\n\
             Eleven farms lost part of their winter feed.\n\
             The river path between Marden and Holt stays closed until May."
        ),
        "{text}"
    );
}

#[test]
fn title_and_page_metadata_are_filled() {
    let out = extract(json!({}), ARTICLE).unwrap();
    assert_eq!(out["title"], "Rivers of the North Return to Their Beds");
    let meta = &out["meta"]["extract"];
    assert_eq!(meta["main_content"], true);
    assert_eq!(meta["author"], "Maria Lindqvist");
    assert_eq!(meta["date"], "2024-03-14");
    assert_eq!(meta["site_name"], "The Valley Courier");
    assert_eq!(
        meta["canonical_url"],
        "https://courier.example/news/2024/rivers-return"
    );
}

#[test]
fn an_arabic_article_is_extracted_without_its_menu_and_ad() {
    let out = extract(json!({}), ARABIC).unwrap();
    let text = out["text"].as_str().unwrap();
    assert!(
        text.contains("افتتحت البلدية صباح اليوم مكتبة عامة جديدة"),
        "{text}"
    );
    assert!(text.contains("\n\nوقال رئيس البلدية"), "{text}");
    assert!(!text.contains("اشترك الآن"), "{text}");
    assert!(!text.contains("رياضة"), "{text}");
    assert_eq!(out["title"], "افتتاح مكتبة جديدة في المدينة");
}

#[test]
fn a_page_without_main_content_is_dropped_with_a_named_reason() {
    let outcome = Harness::<Extract>::new(json!({}))
        .unwrap()
        .process(&json!({"id": "map.html", "text": "", "html": NO_MAIN_CONTENT_PAGE}).to_string())
        .unwrap();
    match outcome {
        Outcome::Drop { reason } => assert_eq!(reason, NO_MAIN_CONTENT),
        Outcome::Keep { document, .. } => panic!("kept as {document}"),
    }
}

#[test]
fn a_page_without_main_content_can_be_kept_empty_and_flagged() {
    let out = extract(json!({"no_main_content": "keep"}), NO_MAIN_CONTENT_PAGE)
        .expect("kept when asked to");
    assert_eq!(out["text"], "");
    assert_eq!(out["meta"]["extract"]["main_content"], false);
}

#[test]
fn unknown_config_keys_are_refused() {
    let error = Harness::<Extract>::new(json!({"min_chars": 10, "min_char": 5})).unwrap_err();
    assert_eq!(error.code, "invalid-config");
}

#[test]
fn lines_lose_trailing_spaces_and_runs_of_blank_lines() {
    assert_eq!(
        super::tidy_lines("\n\n  One  \n\n\n\nTwo\nThree \n\n"),
        "  One\n\nTwo\nThree"
    );
}

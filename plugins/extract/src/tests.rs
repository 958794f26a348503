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

fn assert_dropped(text: &str, dropped: &[&str]) {
    for dropped in dropped {
        assert!(!text.contains(dropped), "{dropped:?} kept in:\n{text}");
    }
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
    assert_dropped(
        text,
        &[
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
        ],
    );
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

/// The `.html` files of the folder `EXTRACT_PAGES` names, as (paths, pages).
fn pages_outside_the_repository() -> Option<(Vec<std::path::PathBuf>, Vec<String>)> {
    let Ok(dir) = std::env::var("EXTRACT_PAGES") else {
        eprintln!("set EXTRACT_PAGES to a folder of .html files");
        return None;
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "html"))
        .collect();
    paths.sort();
    let pages = paths
        .iter()
        .map(|path| String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned())
        .collect();
    Some((paths, pages))
}

/// Stripping over real pages: `EXTRACT_PAGES=dir cargo test --release -p
/// docpipe-extract -- --ignored stripping_real_pages`.
#[test]
#[ignore = "runs over pages outside the repository"]
fn stripping_real_pages_keeps_their_visible_text() {
    let Some((paths, pages)) = pages_outside_the_repository() else {
        return;
    };
    for (path, page) in paths.iter().zip(&pages) {
        let stripped = super::strip::strip_non_content(page);
        // Compared word by word: on one CleanEval page the whitespace at
        // the page's end (after `</body>`, among cut scripts and comments)
        // comes out differently, and whitespace is collapsed anyway.
        let words = |text: String| text.split_whitespace().collect::<Vec<_>>().join(" ");
        let (after, before) = (words(visible_text(&stripped)), words(visible_text(page)));
        if after != before {
            let at = after
                .char_indices()
                .zip(before.chars())
                .find(|((_, a), b)| a != b)
                .map_or(after.len().min(before.len()), |((at, _), _)| at);
            let from = after.floor_char_boundary(at.saturating_sub(200));
            let to = |s: &str| s.floor_char_boundary((at + 200).min(s.len()));
            panic!(
                "{} changed at {at}:\n{}\n----- was -----\n{}",
                path.display(),
                &after[from..to(&after)],
                &before[from..to(&before)]
            );
        }
    }
}

/// Where a page's time goes, natively: `EXTRACT_PAGES=dir cargo test --release
/// -p docpipe-extract -- --ignored --nocapture profile_pages` over a folder of
/// `.html` files. Prints per-phase totals; asserts nothing (speed is never
/// asserted in tests).
#[test]
#[ignore = "a measurement over pages outside the repository"]
fn profile_pages() {
    use std::time::{Duration, Instant};
    let Some((paths, pages)) = pages_outside_the_repository() else {
        return;
    };
    let mut harness = Harness::<Extract>::new(json!({"no_main_content": "keep"})).unwrap();
    let documents: Vec<String> = pages
        .iter()
        .map(|html| json!({"id": "p", "text": "", "html": html}).to_string())
        .collect();
    let rounds: usize = std::env::var("EXTRACT_ROUNDS").map_or(1, |n| n.parse().unwrap());
    let start = Instant::now();
    let mut output_bytes = 0;
    for document in documents.iter().cycle().take(documents.len() * rounds) {
        if let Outcome::Keep { document, .. } = harness.process(document).unwrap() {
            output_bytes += document.len();
        }
    }
    let whole: Duration = start.elapsed();
    // The texts as score.py reads them, ids being the file stems.
    if let Ok(predictions) = std::env::var("EXTRACT_OUT") {
        let lines: Vec<String> = paths
            .iter()
            .zip(&documents)
            .map(|(path, document)| {
                // Title and metadata too, so that a change meant to keep
                // the output can be checked against the previous build's.
                let (text, title, meta) = match harness.process(document).unwrap() {
                    Outcome::Keep { document, .. } => {
                        let mut document = serde_json::from_str::<Value>(&document).unwrap();
                        (
                            document["text"].take(),
                            document["title"].take(),
                            document["meta"]["extract"].take(),
                        )
                    }
                    Outcome::Drop { .. } => (json!(""), Value::Null, Value::Null),
                };
                let stem = path
                    .file_name()
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .split('.')
                    .next();
                json!({"id": stem, "text": text, "title": title, "meta": meta}).to_string()
            })
            .collect();
        std::fs::write(predictions, lines.join("\n") + "\n").unwrap();
    }
    let input_bytes: usize = documents.iter().map(String::len).sum();
    eprintln!(
        "{} pages, {:.1} pages/s through the SDK glue; {} KB in, {} KB out",
        pages.len(),
        (pages.len() * rounds) as f64 / whole.as_secs_f64(),
        input_bytes / 1000,
        output_bytes / 1000 / rounds
    );
}

/// The page's text outside scripts, styles, `noscript`s and SVGs, as the
/// HTML parser builds it: what stripping must leave exactly as it was.
fn visible_text(html: &str) -> String {
    let readability = dom_smoothie::Readability::new(html, None, None).unwrap();
    readability
        .doc
        .select(r#"script:not([type*="ld+json"]), style, noscript, svg"#)
        .remove();
    readability.doc.select("html").text().to_string()
}

fn assert_strips(html: &str, cut: &[&str], kept: &[&str]) {
    let stripped = super::strip::strip_non_content(html);
    assert_eq!(
        visible_text(&stripped),
        visible_text(html),
        "{html}\nbecame\n{stripped}"
    );
    for cut in cut {
        assert!(!stripped.contains(cut), "{cut:?} kept in {stripped:?}");
    }
    for kept in kept {
        assert!(stripped.contains(kept), "{kept:?} cut from {stripped:?}");
    }
}

#[test]
fn stripping_cuts_scripts_styles_noscripts_svgs_and_comments() {
    assert_strips(
        "<html><head><style>p { color: red }</style><script src=x.js></script></head>\
         <body><p>one</p><script>if (a<b) document.write('<p>x</p>')</script>\
         <noscript><p>enable scripts</p></noscript><!-- a note -->\
         <svg viewBox='0 0 1 1'><text>icon</text><path d='M0'/></svg><p>two</p></body></html>",
        &[
            "color",
            "x.js",
            "document.write",
            "enable scripts",
            "a note",
            "icon",
        ],
        &["<p>one</p>", "<p>two</p>"],
    );
}

#[test]
fn stripping_cuts_data_and_event_handler_attributes_and_keeps_the_others() {
    assert_strips(
        r#"<div data-track='{"a": "<b>"}' class="story" ONCLICK="go()" id=main data-x data-y=1>
           <a href="/next" data-id="7"onmouseover='f(">")'>Next</a>
           <p on="kept" data="kept" hidden>text</p><br data-z="2"/></div>"#,
        &[
            "data-track",
            "ONCLICK",
            "go()",
            "data-x",
            "data-y",
            "data-id",
            "onmouseover",
            "data-z",
        ],
        &[
            r#"<div  class="story"  id=main  >"#,
            r#"<a href="/next" >Next</a>"#,
            r#"<p on="kept" data="kept" hidden>"#,
            "<br />",
        ],
    );
    // Readability reads any attribute of an image or an embed for a URL.
    assert_strips(
        r#"<img data-lazy="a.jpg" onload="f()"><object data-v="y"><param data-x="1"></object>"#,
        &[],
        &[
            r#"data-lazy="a.jpg" onload="f()""#,
            r#"data-v="y""#,
            r#"data-x="1""#,
        ],
    );
    // Attributes of end tags, and markup inside raw text, are left alone.
    assert_strips(
        r#"<title><b data-x="1">T</b></title><p>a</p data-y="2">"#,
        &[],
        &[r#"<b data-x="1">"#, r#"</p data-y="2">"#],
    );
}

#[test]
fn stripping_keeps_json_ld_which_readability_reads_for_metadata() {
    assert_strips(
        r#"<script type="application/ld+json">{"author": "A. Writer"}</script><p>text</p>"#,
        &[],
        &["A. Writer"],
    );
}

#[test]
fn a_closing_script_tag_inside_a_javascript_string_ends_the_script_as_in_a_browser() {
    assert_strips(
        r#"<script>var s = "</script>"; var t = 1;</script><p>after</p>"#,
        &["var s"],
        &["var t = 1;", "<p>after</p>"],
    );
}

#[test]
fn a_script_written_inside_an_escaped_script_does_not_end_it() {
    assert_strips(
        "<script><!-- document.write('<script>f()</script>'); --></script><p>after</p>",
        &["f()", "document.write"],
        &["<p>after</p>"],
    );
    assert_strips(
        "<script><!--> var a; </script><p>after</p>",
        &["var a"],
        &["<p>after</p>"],
    );
}

#[test]
fn an_unclosed_script_or_comment_runs_to_the_end_as_the_parser_reads_it() {
    assert_strips(
        "<p>before</p><script>var x = '<p>';",
        &["var x"],
        &["before"],
    );
    assert_strips("<p>before</p><!-- <p>gone</p>", &["gone"], &["before"]);
}

#[test]
fn markup_inside_attributes_titles_textareas_and_cdata_is_not_cut() {
    assert_strips(
        r#"<title>A <!-- b --> c</title><p title="<script>">one</p><p>two</p>
           <textarea><script>x</script></textarea><p data-x='<!--'>three</p>
           <math><mi><![CDATA[ <script> ]]></mi></math><p>four</p>"#,
        &[],
        &[
            "A <!-- b --> c",
            "<script>x</script>",
            "<![CDATA[ <script> ]]>",
            "four",
        ],
    );
}

#[test]
fn bogus_and_abrupt_comments_end_where_the_parser_ends_them() {
    assert_strips(
        "<!-->one<!--->two<!-- x --!>three<? <script> ?>four</ <style>>five",
        &[" x "],
        &["one", "two", "three", "four", "five"],
    );
}

#[test]
fn upper_case_tags_and_end_tags_with_spaces_are_recognized() {
    assert_strips(
        "<SCRIPT>a()</SCRIPT ><Style>b{}</sTyle foo='>'><p>text</p>",
        &["a()", "b{}"],
        &["<p>text</p>"],
    );
}

#[test]
fn an_svg_is_kept_when_html_breaks_out_of_it_or_it_never_closes() {
    assert_strips(
        "<svg><circle/><p>breaks out</p></svg><p>after</p>",
        &[],
        &["breaks out", "after"],
    );
    assert_strips("<p>before</p><svg><g><text>label", &[], &["label"]);
    assert_strips(
        "<svg><svg><g/></svg><text>inner</text></svg><p>after</p>",
        &["inner"],
        &["<p>after</p>"],
    );
}

#[test]
fn the_page_html_is_released_unless_asked_to_keep_it() {
    let out = extract(json!({}), ARTICLE).unwrap();
    assert_eq!(out["html"], Value::Null);
    let out = extract(json!({"keep_html": true}), ARTICLE).unwrap();
    assert_eq!(out["html"], ARTICLE);
    let out = extract(json!({"no_main_content": "keep"}), NO_MAIN_CONTENT_PAGE).unwrap();
    assert_eq!(out["html"], Value::Null);
}

#[test]
fn the_declared_output_schema_allows_html_as_null_or_the_page() {
    let manifest = Harness::<Extract>::manifest();
    let html = &manifest.output_schema["properties"]["html"];
    assert_eq!(html["type"], json!(["string", "null"]), "{html}");
}

/// An article of `paragraphs` paragraphs of about 240 characters each.
fn paragraphs(count: usize) -> String {
    (1..=count)
        .map(|n| {
            format!(
                "<p>Paragraph {n} of the council's report says that the new bridge over the \
                 river will open in the spring, that traffic on the old one will be limited to \
                 buses and bicycles, and that the cost, shared with the county, stays within \
                 the budget set last year.</p>"
            )
        })
        .collect()
}

#[test]
fn figures_captions_and_related_links_inside_the_article_are_removed() {
    let page = format!(
        "<html><body><div class=\"post-body-with-related-links\"><article>\
         <h1>The new bridge</h1>{}\
         <figure><img src=\"bridge.jpg\"><figcaption>The bridge at dusk.</figcaption></figure>\
         <div class=\"imageCaption\">Photo: River Agency</div>\
         {}\
         <ul class=\"related-stories\"><li><a href=\"/a\">Ferry service to end</a></li>\
         <li><a href=\"/b\">Council elections next month</a></li></ul>\
         </article></div></body></html>",
        paragraphs(3),
        paragraphs(2)
    );
    let out = extract(json!({}), &page).expect("the article is kept");
    let text = out["text"].as_str().unwrap();
    assert_dropped(
        text,
        &[
            "The bridge at dusk",
            "River Agency",
            "Ferry service",
            "Council elections",
        ],
    );
    // The wrapper is named after the related links it also holds, but holds
    // far more text than a links block: it stays, with the article.
    assert!(text.contains("Paragraph 3 of the council"), "{text}");
    assert!(text.contains("Paragraph 2 of the council"), "{text}");
}

#[test]
fn names_match_in_any_case_and_ads_are_whole_tokens_of_class_or_id() {
    let page = format!(
        "<html><head><link rel=\"Alternate CANONICAL\" href=\" https://x.example/a \">\
         <link rel=\"canonical\" href=\"https://x.example/b\"></head>\
         <body><article><h1>The new bridge</h1>{}\
         <div class=\"Story-IMAGECAPTION\">Photo: River Agency</div>\
         <div id=\"AD_slot-3\">Buy a boat</div>\
         <p class=\"shadow loaded\">Kept: shadow is no ad</p>\
         <p class=\"download\">Kept: no ad word either</p>{}\
         </article></body></html>",
        paragraphs(3),
        paragraphs(2)
    );
    let out = extract(json!({}), &page).expect("the article is kept");
    let text = out["text"].as_str().unwrap();
    assert_dropped(text, &["River Agency", "Buy a boat"]);
    assert!(text.contains("Kept: shadow"), "{text}");
    assert!(text.contains("Kept: no ad word"), "{text}");
    // The first link whose `rel` has the token decides, trimmed.
    assert_eq!(
        out["meta"]["extract"]["canonical_url"],
        "https://x.example/a"
    );
}

#[test]
fn a_canonical_link_with_an_empty_href_gives_no_canonical_url() {
    let page = format!(
        "<html><head><link rel=\"canonical\" href=\"\">\
         <link rel=\"canonical\" href=\"https://x.example/b\"></head>\
         <body><article>{}</article></body></html>",
        paragraphs(3)
    );
    let out = extract(json!({}), &page).expect("the article is kept");
    assert_eq!(out["meta"]["extract"].get("canonical_url"), None);
}

#[test]
fn one_instance_serving_many_pages_gives_each_the_output_a_fresh_one_would() {
    let mut shared = Harness::<Extract>::new(json!({"no_main_content": "keep"})).unwrap();
    for (id, html) in [
        ("a", ARTICLE),
        ("b", NO_MAIN_CONTENT_PAGE),
        ("c", ARABIC),
        ("d", ARTICLE),
    ] {
        let document = json!({"id": id, "text": "", "html": html});
        let fresh = Harness::<Extract>::new(json!({"no_main_content": "keep"}))
            .unwrap()
            .process_value(document.clone())
            .unwrap();
        assert_eq!(shared.process_value(document).unwrap(), fresh, "page {id}");
    }
}

/// Pages built to make a careless scanner read to the end once per `<`: each
/// would take minutes if stripping were quadratic, and runs in milliseconds.
#[test]
fn stripping_reads_adversarial_pages_in_one_pass() {
    let repeated = |unit: &str| unit.repeat(200_000);
    for page in [
        format!("<p>text</p><div title=\"{}", repeated("<a ")),
        format!("<p>text</p>{}", repeated("<svg><g>")),
        format!("<p>text</p><svg>{}<p>out</p></svg>", repeated("<svg>")),
        format!("<p>text</p><script><!--{}", repeated("a<b ")),
        format!("<p>text</p>{}", repeated("<a<b")),
        format!("<p>text</p>{}", repeated("<!-- -- ")),
    ] {
        let stripped = super::strip::strip_non_content(&page);
        assert!(stripped.starts_with("<p>text</p>"), "{}", &stripped[..40]);
    }
}

#[test]
fn ad_words_are_found_as_the_unicode_split_finds_them() {
    // The split of every name before ASCII names were split as bytes.
    let by_chars = |names: &str| {
        names
            .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
            .any(|token| {
                super::AD_WORDS
                    .iter()
                    .any(|word| token.eq_ignore_ascii_case(word))
            })
    };
    let separators = [
        " ", "\t", "\n", "\u{b}", "\u{c}", "\r", "-", "_", "\u{a0}", "\u{2003}", "\u{3000}", ".",
        "é",
    ];
    let mut names_checked = 0;
    for word in super::AD_WORDS
        .iter()
        .chain(&["Ad", "ADS", "x", "pad", "spons", "header", "dfpx"])
    {
        for separator in separators {
            for names in [
                word.to_string(),
                format!("top{separator}{word}"),
                format!("{word}{separator}slot"),
                format!("{}{separator}{}", word.to_uppercase(), "wrapper"),
                format!("a{separator}{word}{separator}b"),
            ] {
                assert_eq!(super::has_ad_word(&names), by_chars(&names), "{names:?}");
                names_checked += 1;
            }
        }
    }
    assert!(names_checked > 1000);
    // Every ad word passes the first-letter filter.
    for word in super::AD_WORDS {
        assert!(
            super::AD_WORD_FIRST_LETTERS.contains(&word.as_bytes()[0]),
            "{word}"
        );
    }
}

//! The `clean` plugin run through the SDK's harness, the same JSON glue the
//! component uses: small scraped articles in six scripts, each with its
//! expected cleaned text in `fixtures/<lang>.expected.txt`
//! (`DOCPIPE_BLESS=1` rewrites them instead of failing), the news example's
//! Arabic article, and the config and meta contract.

use docpipe_clean::Clean;
use docpipe_plugin_sdk::testing::Harness;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn clean_with(config: Value, document: Value) -> Value {
    Harness::<Clean>::new(config)
        .unwrap()
        .process_value(document)
        .unwrap()
        .expect("no threshold is set, so nothing is dropped")
}

fn clean(document: Value) -> Value {
    clean_with(json!({}), document)
}

/// Cleans `fixtures/<lang>.txt` with the default config and compares the
/// text with `<lang>.expected.txt`. Returns the document.
fn check_fixture(lang: &str) -> Value {
    let input = std::fs::read_to_string(fixtures().join(format!("{lang}.txt"))).unwrap();
    let document = clean(json!({"id": format!("{lang}.txt"), "text": input}));
    let cleaned = document["text"].as_str().unwrap();
    let expected_path = fixtures().join(format!("{lang}.expected.txt"));
    if std::env::var_os("DOCPIPE_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&expected_path, cleaned).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    assert_eq!(
        cleaned,
        expected,
        "{} differs; if the change is intended, rerun with DOCPIPE_BLESS=1 and review the diff",
        expected_path.display()
    );
    document
}

fn listed(document: &Value, rule: &str) -> Vec<String> {
    serde_json::from_value(document["meta"]["clean"]["rules"][rule]["changed"].clone())
        .unwrap_or_default()
}

#[test]
fn arabic_article() {
    let document = check_fixture("ar");
    assert_eq!(listed(&document, "ad_markers"), ["[ad_1]", "[ad_2]"]);
    assert_eq!(
        listed(&document, "source_line"),
        ["المصدر: وكالات", "سعاد الحربي"]
    );
    assert_eq!(document["meta"]["clean"]["rules"]["tatweel"]["count"], 4);
}

#[test]
fn persian_article_keeps_its_zero_width_non_joiners() {
    let document = check_fixture("fa");
    let text = document["text"].as_str().unwrap();
    assert!(text.contains("می\u{200C}خوانند"), "{text}");
    assert!(text.contains("کتاب\u{200C}فروشی\u{200C}ها"), "{text}");
    assert_eq!(listed(&document, "repeated_lines").len(), 1);
}

#[test]
fn russian_article() {
    let document = check_fixture("ru");
    assert_eq!(document["meta"]["clean"]["rules"]["mojibake"]["count"], 10);
    assert_eq!(
        listed(&document, "source_line"),
        ["Источник: ТАСС", "Автор: Иван Петров"]
    );
}

#[test]
fn chinese_article() {
    let document = check_fixture("zh");
    assert_eq!(listed(&document, "title_line"), ["上海举办国际读书节"]);
    assert_eq!(listed(&document, "ad_markers"), ["广告"]);
}

#[test]
fn hindi_article() {
    let document = check_fixture("hi");
    assert_eq!(listed(&document, "title_line"), ["दिल्ली में नई मेट्रो लाइन शुरू"]);
    // Three sentences end in `।` or `॥`; the title line does not.
    assert_eq!(
        document["meta"]["clean"]["signals"]["terminal_punctuation_share"],
        0.75
    );
}

#[test]
fn english_article() {
    let document = check_fixture("en");
    assert_eq!(
        listed(&document, "source_line"),
        ["Source: Reuters", "By Jane Doe"]
    );
    assert_eq!(listed(&document, "repeated_lines").len(), 1);
}

/// The news example's article: ad markers, the repeated title and the
/// source trailer go, and every sentence of the body comes out intact.
#[test]
fn the_news_example_keeps_every_body_sentence() {
    let input = include_str!("../../../examples/news/input/news-ar-ecowas.txt");
    let document = clean(json!({"id": "news-ar-ecowas.txt", "text": input}));
    let text = document["text"].as_str().unwrap();

    let title = "شركاء الولايات المتحدة مع المجموعة الاقتصادية لدول غرب أفريقيا لتعزيز الأمن الإقليمي";
    assert!(text.starts_with(&format!("{title}\n\n")), "{text}");
    assert_eq!(text.matches(title).count(), 1, "{text}");
    assert!(!text.contains("[ad_"), "{text}");
    assert!(!text.contains("المصدر"), "{text}");

    let body: Vec<&str> = input
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .filter(|line| line.ends_with(['.', '”', '"', '؟']) || line.chars().count() > 80)
        .filter(|line| *line != title)
        .collect();
    assert_eq!(body.len(), 14, "the body has fourteen paragraphs");
    for paragraph in body {
        assert!(text.contains(paragraph), "lost or changed: {paragraph}");
    }
    assert_eq!(
        listed(&document, "source_line"),
        ["المصدر", "دومينيكا نوابوفو"]
    );
    assert!(document["meta"]["clean"]["held_back"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn meta_explains_every_change() {
    let document = clean(json!({
        "id": "en.txt",
        "title": "Rain  in Spain",
        "text": "  rain in spain \nThe rain [ad_12] falls\tmainly   on the plain.\n\nSource: Reuters",
        "meta": {"origin": "crawl"},
    }));
    assert_eq!(document["text"], "The rain falls mainly on the plain.");
    assert_eq!(
        document["meta"]["origin"], "crawl",
        "other meta keys survive"
    );
    let report = &document["meta"]["clean"];
    assert_eq!(
        report["rules"]["ad_markers"],
        json!({"count": 1, "changed": ["[ad_12]"]})
    );
    assert_eq!(
        report["rules"]["title_line"],
        json!({"count": 1, "changed": ["rain in spain"]})
    );
    assert_eq!(
        report["rules"]["source_line"],
        json!({"count": 1, "changed": ["Source: Reuters"]})
    );
    assert_eq!(report["rules"]["tatweel"], json!({"count": 0}));
    assert_eq!(report["signals"]["words"], 7);
    assert_eq!(report["signals"]["terminal_punctuation_share"], 1.0);
}

#[test]
fn a_rule_that_would_remove_too_much_reports_instead() {
    let text = "[ad_1] [ad_2] [ad_3] [ad_4] short";
    let document = clean(json!({"id": "a", "text": text}));
    assert_eq!(document["text"], text);
    let held_back = &document["meta"]["clean"]["held_back"];
    assert_eq!(held_back[0]["rule"], "ad_markers");
    assert_eq!(held_back[0]["share"], 0.828);
    assert_eq!(held_back[0]["would_change"]["count"], 4);
    assert_eq!(document["meta"]["clean"]["rules"]["ad_markers"]["count"], 0);

    let document = clean_with(
        json!({"max_removed_share": 1.0}),
        json!({"id": "a", "text": text}),
    );
    assert_eq!(document["text"], "short");
}

#[test]
fn quality_thresholds_drop_only_when_set_and_name_the_signal() {
    let document = json!({"id": "short.txt", "text": "Only three words"});
    assert!(clean(document.clone())["meta"]["clean"]["signals"]["words"] == 3);

    let mut harness = Harness::<Clean>::new(json!({"drop": {"min_words": 5}})).unwrap();
    match harness.process(&document.to_string()).unwrap() {
        docpipe_contract::Outcome::Drop { reason } => assert_eq!(
            reason,
            "quality signal `words` is 3, below the threshold drop.min_words = 5"
        ),
        other => panic!("expected a drop, got {other:?}"),
    }

    let mut harness =
        Harness::<Clean>::new(json!({"drop": {"min_terminal_punctuation_share": 0.5}})).unwrap();
    let kept = harness
        .process_value(json!({"id": "ok", "text": "这是一个句子。\n第二句！"}))
        .unwrap();
    assert!(
        kept.is_some(),
        "CJK sentence ends count as terminal punctuation"
    );
}

#[test]
fn rules_can_be_switched_off() {
    let text = "Same\nSame\n[ad_1]\nРеклама\nالســلام\u{200B}\nSource: x";
    let document = clean_with(
        json!({
            "ad_markers": [],
            "ad_lines": [],
            "strip_title_line": false,
            "strip_source_line": false,
            "remove_tatweel": false,
            "remove_invisible": false,
            "max_removed_share": 1.0,
        }),
        json!({"id": "a", "text": text}),
    );
    assert_eq!(document["text"], text);
}

#[test]
fn extra_markers_add_to_the_builtin_ones_and_ad_markers_replaces_them() {
    let text = "One <<AD>> two [ad_1] three four five six seven";
    let document = clean_with(
        json!({"extra_ad_markers": ["<<AD>>"]}),
        json!({"id": "a", "text": text}),
    );
    assert_eq!(document["text"], "One two three four five six seven");
    let document = clean_with(
        json!({"ad_markers": ["<<AD>>"]}),
        json!({"id": "a", "text": text}),
    );
    assert_eq!(document["text"], "One two [ad_1] three four five six seven");
}

#[test]
fn ad_labels_are_whole_lines_in_any_language() {
    let text =
        "Первый абзац статьи.\n\n  РЕКЛАМА \n\nВторой абзац, где реклама упомянута.\nAnuncio";
    let document = clean_with(
        json!({"ad_lines": ["Реклама", "anuncio"]}),
        json!({"id": "a", "text": text}),
    );
    assert_eq!(
        document["text"],
        "Первый абзац статьи.\n\nВторой абзац, где реклама упомянута."
    );
    assert_eq!(listed(&document, "ad_markers"), ["РЕКЛАМА", "Anuncio"]);
}

#[test]
fn nfkc_on_request() {
    let text = "ﻻ ２０２４ ﬁnal";
    assert_eq!(clean(json!({"id": "a", "text": text}))["text"], text);
    let document = clean_with(
        json!({"unicode_normalization": "nfkc"}),
        json!({"id": "a", "text": text}),
    );
    assert_eq!(document["text"], "لا 2024 final");
    assert_eq!(
        document["meta"]["clean"]["rules"]["unicode_normalization"]["count"],
        3
    );
}

#[test]
fn bad_configs_are_refused_at_the_key() {
    let error = Harness::<Clean>::new(json!({"ad_markers": ["ok", "(unclosed"]})).unwrap_err();
    assert_eq!(error.code, "invalid-config");
    assert_eq!(error.pointer.as_deref(), Some("/ad_markers/1"));

    let error = Harness::<Clean>::new(json!({"max_removed_share": 1.5})).unwrap_err();
    assert_eq!(error.pointer.as_deref(), Some("/max_removed_share"));

    let error = Harness::<Clean>::new(json!({"unicode_normalization": "nfd"})).unwrap_err();
    assert_eq!(error.code, "invalid-config");

    let error = Harness::<Clean>::new(json!({"ad_marker": []})).unwrap_err();
    assert_eq!(error.code, "invalid-config");

    let error = Harness::<Clean>::new(json!({"drop": {"min_word": 3}})).unwrap_err();
    assert_eq!(error.code, "invalid-config");
}

#[test]
fn the_output_schema_documents_meta_clean() {
    let schema = Harness::<Clean>::manifest().output_schema;
    let text = schema.to_string();
    for key in [
        "held_back",
        "signals",
        "terminal_punctuation_share",
        "repeated_lines",
    ] {
        assert!(text.contains(key), "output schema lacks {key}");
    }
    // The host checks every output against this schema: `changed` is left
    // out when empty, so it must not be required.
    assert_eq!(schema["$defs"]["Change"]["required"], json!(["count"]));
}

//! The plugin as a pipeline stage runs it: configured from JSON, fed JSON
//! documents, judged by the artifacts it hands the host.

use super::*;
use docpipe_contract::Outcome;
use docpipe_plugin_sdk::testing::Harness;
use serde_json::json;

/// The artifacts a kept document carries; panics if it was dropped.
fn artifacts_of(outcome: Outcome) -> (Value, Vec<Artifact>) {
    match outcome {
        Outcome::Keep {
            document,
            artifacts,
        } => (serde_json::from_str(&document).unwrap(), artifacts),
        Outcome::Drop { reason } => panic!("export dropped the document: {reason}"),
    }
}

/// The kept document and its one artifact.
fn export(config: Value, document: Value) -> (Value, Artifact) {
    let mut harness = Harness::<Export>::new(config).unwrap();
    let (kept, mut artifacts) = artifacts_of(harness.process(&document.to_string()).unwrap());
    assert_eq!(artifacts.len(), 1);
    (kept, artifacts.remove(0))
}

fn text_of(artifact: &Artifact) -> &str {
    std::str::from_utf8(&artifact.data).unwrap()
}

fn config_error(config: Value) -> PluginError {
    Harness::<Export>::new(config).unwrap_err()
}

fn arabic_document() -> Value {
    json!({
        "id": "news/ar/ecowas.txt",
        "title": "شركاء \"الأمن\" | <الإقليمي> & *الساحل*",
        "text": "قال المسؤول: \"نعمل مع إيكواس\"، و'الشركاء' <معاً> & بسرعة | *الآن*.\nسطر ثانٍ, بفاصلة.\n\nفقرة ثانية.",
        "meta": {"source": "crawl"},
        "lang": {"code": "ar", "name": "Arabic", "script": "Arab"},
        "summary": {"text": "نعمل مع \"إيكواس\" | معاً.", "sentences": []},
    })
}

fn chinese_document() -> Value {
    json!({
        "id": "news/zh/合作.txt",
        "title": "美国与\"西非\"合作 | <报告> & *要点*",
        "text": "他说：\"我们合作\"，'伙伴' <一起> & 快 | *现在*, 好。\n第二行。\n\n第二段。",
        "lang": {"code": "zh", "name": "Chinese", "script": "Hani"},
    })
}

fn english_document() -> Value {
    json!({
        "id": "news/en/partners.txt",
        "title": "Partners \"in\" <security> & 'trade' | *now*, again",
        "text": "He said: \"We work with ECOWAS\", 'partners' <together> & fast | *now*.\n- not a list\n1. not a list either\n\nSecond paragraph.",
        "lang": {"code": "en", "name": "English", "script": "Latn"},
        "summary": {"text": "They work \"together\", fast."},
    })
}

const FORMATS: [&str; 6] = ["json", "markdown", "html", "text", "jsonl", "csv"];

#[test]
fn json_writes_the_whole_document_pretty_and_changes_nothing() {
    for document in [arabic_document(), chinese_document(), english_document()] {
        let (kept, artifact) = export(json!({}), document.clone());
        assert_eq!(kept, document);
        assert_eq!(artifact.media_type, "application/json");
        assert_eq!(artifact.mode, ArtifactMode::File);
        assert_eq!(artifact.header, None);
        assert!(text_of(&artifact).starts_with("{\n  \"id\": \"news/"));
        assert!(text_of(&artifact).ends_with("\n}\n"));
        let written: Value = serde_json::from_slice(&artifact.data).unwrap();
        assert_eq!(written, document);
    }
    let (_, artifact) = export(json!({"format": "json"}), arabic_document());
    assert_eq!(artifact.name, "news/ar/ecowas.json");
}

#[test]
fn no_format_changes_the_document() {
    for format in FORMATS {
        let (kept, _) = export(json!({"format": format}), english_document());
        assert_eq!(kept, english_document(), "{format}");
    }
}

#[test]
fn markdown_escapes_markup_and_keeps_letters_and_paragraphs() {
    let (_, artifact) = export(json!({"format": "markdown"}), arabic_document());
    assert_eq!(artifact.name, "news/ar/ecowas.md");
    assert_eq!(artifact.media_type, "text/markdown");
    assert_eq!(artifact.mode, ArtifactMode::File);
    assert_eq!(
        text_of(&artifact),
        "# شركاء \"الأمن\" \\| \\<الإقليمي\\> \\& \\*الساحل\\*\n\
         \n\
         قال المسؤول: \"نعمل مع إيكواس\"، و'الشركاء' \\<معاً\\> \\& بسرعة \\| \\*الآن\\*.\n\
         سطر ثانٍ, بفاصلة.\n\
         \n\
         فقرة ثانية.\n\
         \n\
         ## Summary\n\
         \n\
         نعمل مع \"إيكواس\" \\| معاً.\n\
         \n\
         *Language: ar*\n"
    );

    let (_, artifact) = export(json!({"format": "markdown"}), chinese_document());
    assert_eq!(artifact.name, "news/zh/合作.md");
    assert_eq!(
        text_of(&artifact),
        "# 美国与\"西非\"合作 \\| \\<报告\\> \\& \\*要点\\*\n\
         \n\
         他说：\"我们合作\"，'伙伴' \\<一起\\> \\& 快 \\| \\*现在\\*, 好。\n\
         第二行。\n\
         \n\
         第二段。\n\
         \n\
         *Language: zh*\n"
    );

    let (_, artifact) = export(json!({"format": "markdown"}), english_document());
    assert_eq!(
        text_of(&artifact),
        "# Partners \"in\" \\<security\\> \\& 'trade' \\| \\*now\\*, again\n\
         \n\
         He said: \"We work with ECOWAS\", 'partners' \\<together\\> \\& fast \\| \\*now\\*.\n\
         \\- not a list\n\
         1\\. not a list either\n\
         \n\
         Second paragraph.\n\
         \n\
         ## Summary\n\
         \n\
         They work \"together\", fast.\n\
         \n\
         *Language: en*\n"
    );
}

#[test]
fn markdown_without_title_summary_or_language_is_just_the_text() {
    let (_, artifact) = export(
        json!({"format": "markdown"}),
        json!({"id": "zh.txt", "text": "美国与西非合作。\n"}),
    );
    assert_eq!(text_of(&artifact), "美国与西非合作。\n");
}

#[test]
fn html_is_a_complete_escaped_page_in_the_documents_language_and_direction() {
    let (_, artifact) = export(json!({"format": "html"}), english_document());
    assert_eq!(artifact.name, "news/en/partners.html");
    assert_eq!(artifact.media_type, "text/html");
    assert_eq!(artifact.mode, ArtifactMode::File);
    assert_eq!(
        text_of(&artifact),
        "<!DOCTYPE html>\n\
         <html lang=\"en\" dir=\"ltr\">\n\
         <head>\n\
         <meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Partners &quot;in&quot; &lt;security&gt; &amp; &#x27;trade&#x27; | *now*, again</title>\n\
         </head>\n\
         <body>\n\
         <h1>Partners &quot;in&quot; &lt;security&gt; &amp; &#x27;trade&#x27; | *now*, again</h1>\n\
         <p>He said: &quot;We work with ECOWAS&quot;, &#x27;partners&#x27; &lt;together&gt; &amp; fast | *now*.<br>\n\
         - not a list<br>\n\
         1. not a list either</p>\n\
         <p>Second paragraph.</p>\n\
         <section>\n\
         <h2>Summary</h2>\n\
         <p>They work &quot;together&quot;, fast.</p>\n\
         </section>\n\
         </body>\n\
         </html>\n"
    );

    let (_, artifact) = export(json!({"format": "html"}), arabic_document());
    let page = text_of(&artifact);
    assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">\n"), "{page}");
    assert!(page.contains(
        "<p>قال المسؤول: &quot;نعمل مع إيكواس&quot;، و&#x27;الشركاء&#x27; &lt;معاً&gt; &amp; بسرعة | *الآن*.<br>\n\
         سطر ثانٍ, بفاصلة.</p>\n\
         <p>فقرة ثانية.</p>\n"
    ));
    assert!(page.contains(
        "<section>\n<h2>Summary</h2>\n<p>نعمل مع &quot;إيكواس&quot; | معاً.</p>\n</section>\n"
    ));

    let (_, artifact) = export(json!({"format": "html"}), chinese_document());
    let page = text_of(&artifact);
    assert!(page.contains("<html lang=\"zh\" dir=\"ltr\">\n"), "{page}");
    assert!(page.contains("<title>美国与&quot;西非&quot;合作 | &lt;报告&gt; &amp; *要点*</title>"));
    assert!(!page.contains("<section>"), "no summary, no section");

    for document in [arabic_document(), chinese_document(), english_document()] {
        let (_, artifact) = export(json!({"format": "html"}), document);
        let page = text_of(&artifact);
        // The only `<` are the page's own tags.
        let tags = [
            "<!DOCTYPE",
            "<html",
            "<head>",
            "</head>",
            "<meta",
            "<title>",
            "</title>",
            "<body>",
            "</body>",
            "</html>",
            "<h1>",
            "</h1>",
            "<h2>",
            "</h2>",
            "<p>",
            "</p>",
            "<br>",
            "<section>",
            "</section>",
        ];
        let mut rest = page;
        while let Some(at) = rest.find('<') {
            rest = &rest[at..];
            assert!(
                tags.iter().any(|tag| rest.starts_with(tag)),
                "raw `<` in {page}"
            );
            rest = &rest[1..];
        }
        assert!(page.contains("&lt;") && page.contains("&amp;") && page.contains("<br>"));
    }
}

#[test]
fn html_direction_and_language_follow_lang() {
    let page = |lang: Value| {
        let document = json!({"id": "a.txt", "text": "x", "lang": lang});
        let (_, artifact) = export(json!({"format": "html"}), document);
        let page = text_of(&artifact).to_string();
        page.lines().nth(1).unwrap().to_string()
    };
    assert_eq!(
        page(json!({"code": "he"})),
        "<html lang=\"he\" dir=\"rtl\">"
    );
    assert_eq!(
        page(json!({"code": "fa-IR"})),
        "<html lang=\"fa-IR\" dir=\"rtl\">"
    );
    assert_eq!(
        page(json!({"code": "ckb", "script": "Arab"})),
        "<html lang=\"ckb\" dir=\"rtl\">"
    );
    // Kashmiri is not listed; its Arabic script decides.
    assert_eq!(
        page(json!({"code": "ks", "script": "Arab"})),
        "<html lang=\"ks\" dir=\"rtl\">"
    );
    assert_eq!(
        page(json!({"code": "und", "script": "Hebr"})),
        "<html dir=\"rtl\">"
    );
    assert_eq!(
        page(json!({"code": "und", "script": "Zyyy"})),
        "<html dir=\"ltr\">"
    );
    assert_eq!(
        page(json!({"code": "ru", "script": "Cyrl"})),
        "<html lang=\"ru\" dir=\"ltr\">"
    );
    assert_eq!(
        page(json!({"code": "x\"y"})),
        "<html lang=\"x&quot;y\" dir=\"ltr\">"
    );
    assert_eq!(page(Value::Null), "<html dir=\"ltr\">");
}

#[test]
fn html_without_a_title_is_titled_by_the_id() {
    let (_, artifact) = export(
        json!({"format": "html"}),
        json!({"id": "a<b>.txt", "text": ""}),
    );
    assert_eq!(artifact.name, "a_b_.html");
    let page = text_of(&artifact);
    assert!(
        page.contains("<title>a&lt;b&gt;.txt</title>\n</head>\n<body>\n</body>"),
        "{page}"
    );
}

#[test]
fn text_keeps_every_character_as_it_is() {
    let (_, artifact) = export(json!({"format": "text"}), arabic_document());
    assert_eq!(artifact.name, "news/ar/ecowas.txt");
    assert_eq!(artifact.media_type, "text/plain");
    assert_eq!(artifact.mode, ArtifactMode::File);
    assert_eq!(
        text_of(&artifact),
        "شركاء \"الأمن\" | <الإقليمي> & *الساحل*\n\
         \n\
         قال المسؤول: \"نعمل مع إيكواس\"، و'الشركاء' <معاً> & بسرعة | *الآن*.\n\
         سطر ثانٍ, بفاصلة.\n\
         \n\
         فقرة ثانية.\n\
         \n\
         Summary:\n\
         نعمل مع \"إيكواس\" | معاً.\n"
    );

    let (_, artifact) = export(json!({"format": "text"}), chinese_document());
    assert_eq!(
        text_of(&artifact),
        "美国与\"西非\"合作 | <报告> & *要点*\n\
         \n\
         他说：\"我们合作\"，'伙伴' <一起> & 快 | *现在*, 好。\n\
         第二行。\n\
         \n\
         第二段。\n"
    );

    let (_, artifact) = export(json!({"format": "text"}), english_document());
    assert_eq!(
        text_of(&artifact),
        "Partners \"in\" <security> & 'trade' | *now*, again\n\
         \n\
         He said: \"We work with ECOWAS\", 'partners' <together> & fast | *now*.\n\
         - not a list\n\
         1. not a list either\n\
         \n\
         Second paragraph.\n\
         \n\
         Summary:\n\
         They work \"together\", fast.\n"
    );
}

#[test]
fn jsonl_appends_one_compact_line_to_the_run_file() {
    let document = json!({"id": "3", "text": "Hello, world.", "meta": {"line": 3}});
    let (_, artifact) = export(json!({"format": "jsonl"}), document.clone());
    assert_eq!(artifact.name, "documents.jsonl");
    assert_eq!(artifact.media_type, "application/jsonl");
    assert_eq!(artifact.mode, ArtifactMode::Append);
    assert_eq!(artifact.header, None);
    assert_eq!(text_of(&artifact), format!("{document}\n"));

    let (_, artifact) = export(
        json!({"format": "jsonl", "name": "out/all.jsonl"}),
        document,
    );
    assert_eq!(artifact.name, "out/all.jsonl");
}

#[test]
fn jsonl_lines_are_what_printing_the_parsed_document_gave() {
    // The host sends a document as serde_json prints a `Document`, and the
    // glue merges outputs in place or at the end: for such text the line
    // written as is equals the line the document parsed and printed gave.
    for document in [arabic_document(), chinese_document(), english_document()] {
        let parsed: Document = serde_json::from_value(document).unwrap();
        let sent = serde_json::to_string(&parsed).unwrap();
        let mut harness = Harness::<Export>::new(json!({"format": "jsonl"})).unwrap();
        let (_, artifacts) = artifacts_of(harness.process(&sent).unwrap());
        let printed = serde_json::to_vec(&parsed).unwrap();
        assert_eq!(artifacts[0].data, [printed, b"\n".to_vec()].concat());
    }
}

#[test]
fn jsonl_writes_a_document_that_per_document_formats_refuse() {
    // A `meta` that is not an object is no `Document`: a page says where,
    // while the JSON Lines file takes the document as the pipeline has it.
    let document = json!({"id": "a", "text": "t", "meta": "not an object"});
    let (_, artifact) = export(json!({"format": "jsonl"}), document.clone());
    assert_eq!(text_of(&artifact), format!("{document}\n"));
    let mut harness = Harness::<Export>::new(json!({"format": "markdown"})).unwrap();
    let error = harness.process(&document.to_string()).unwrap_err();
    assert_eq!(error.pointer.as_deref(), Some("/meta"));
}

#[test]
fn csv_appends_rfc_4180_rows_under_one_header() {
    let mut harness = Harness::<Export>::new(json!({"format": "csv"})).unwrap();
    let mut rows = Vec::new();
    for document in [arabic_document(), chinese_document(), english_document()] {
        let (_, artifacts) = artifacts_of(harness.process(&document.to_string()).unwrap());
        let [artifact] = <[Artifact; 1]>::try_from(artifacts).unwrap();
        assert_eq!(artifact.name, "documents.csv");
        assert_eq!(artifact.media_type, "text/csv");
        assert_eq!(artifact.mode, ArtifactMode::Append);
        assert_eq!(artifact.header.as_deref(), Some(&b"id,title,text\r\n"[..]));
        rows.push(String::from_utf8(artifact.data).unwrap());
    }
    assert_eq!(
        rows,
        [
            "news/ar/ecowas.txt,\
             \"شركاء \"\"الأمن\"\" | <الإقليمي> & *الساحل*\",\
             \"قال المسؤول: \"\"نعمل مع إيكواس\"\"، و'الشركاء' <معاً> & بسرعة | *الآن*.\n\
             سطر ثانٍ, بفاصلة.\n\nفقرة ثانية.\"\r\n",
            "news/zh/合作.txt,\
             \"美国与\"\"西非\"\"合作 | <报告> & *要点*\",\
             \"他说：\"\"我们合作\"\"，'伙伴' <一起> & 快 | *现在*, 好。\n第二行。\n\n第二段。\"\r\n",
            "news/en/partners.txt,\
             \"Partners \"\"in\"\" <security> & 'trade' | *now*, again\",\
             \"He said: \"\"We work with ECOWAS\"\", 'partners' <together> & fast | *now*.\n\
             - not a list\n1. not a list either\n\nSecond paragraph.\"\r\n",
        ]
    );
}

#[test]
fn csv_columns_are_field_paths_missing_is_empty_and_non_strings_are_json() {
    let config = json!({
        "format": "csv",
        "name": "tables/news.csv",
        "columns": ["id", "lang.code", "summary.text", "meta.words", "meta.tags", "meta.ok", "nope.x"],
    });
    let document = json!({
        "id": "a,1",
        "text": "t",
        "lang": {"code": "ar"},
        "meta": {"words": 12, "tags": ["a", "b\"c"], "ok": true},
    });
    let (_, artifact) = export(config, document);
    assert_eq!(artifact.name, "tables/news.csv");
    assert_eq!(
        artifact.header.as_deref(),
        Some(&b"id,lang.code,summary.text,meta.words,meta.tags,meta.ok,nope.x\r\n"[..])
    );
    assert_eq!(
        text_of(&artifact),
        "\"a,1\",ar,,12,\"[\"\"a\"\",\"\"b\\\"\"c\"\"]\",true,\r\n"
    );
}

#[test]
fn path_template_places_files_by_field() {
    let config = json!({"format": "markdown", "path": "{lang.code}/{id}.md"});
    let (_, artifact) = export(config.clone(), arabic_document());
    assert_eq!(artifact.name, "ar/news/ar/ecowas.txt.md");
    let (_, artifact) = export(config, chinese_document());
    assert_eq!(artifact.name, "zh/news/zh/合作.txt.md");

    let (_, artifact) = export(
        json!({"format": "html", "path": "{lang.code}/{stem}.html"}),
        english_document(),
    );
    assert_eq!(artifact.name, "en/news/en/partners.html");

    let (_, artifact) = export(
        json!({"format": "text", "path": "by-title/{title}.txt"}),
        english_document(),
    );
    assert_eq!(
        artifact.name,
        "by-title/Partners _in_ _security_ & 'trade' _ _now_, again.txt"
    );
}

#[test]
fn path_template_writes_a_missing_field_as_an_underscore() {
    let document = json!({"id": "report.txt", "text": "x"});
    let (kept, artifact) = export(
        json!({"format": "json", "path": "{lang.code}/{meta.source.path}-{stem}.json"}),
        document.clone(),
    );
    assert_eq!(artifact.name, "_/_-report.json");
    assert_eq!(kept, document);
}

#[test]
fn default_names_are_unchanged_by_the_template() {
    for (format, name) in [
        ("json", "a/b.json"),
        ("markdown", "a/b.md"),
        ("html", "a/b.html"),
        ("text", "a/b.txt"),
        ("jsonl", "documents.jsonl"),
        ("csv", "documents.csv"),
    ] {
        let (_, artifact) = export(
            json!({"format": format}),
            json!({"id": "../a/b.txt", "text": ""}),
        );
        assert_eq!(artifact.name, name, "{format}");
    }
}

#[test]
fn config_errors_point_at_the_key() {
    let cases = [
        (
            json!({"format": "markdown", "path": "{lang.code/{stem}.md"}),
            "/path",
        ),
        (json!({"format": "markdown", "path": "{stem}}.md"}), "/path"),
        (json!({"format": "markdown", "path": "{}.md"}), "/path"),
        (json!({"format": "html", "path": "../{stem}.html"}), "/path"),
        (json!({"format": "jsonl", "path": "{stem}.jsonl"}), "/path"),
        (json!({"format": "csv", "path": "{stem}.csv"}), "/path"),
        (json!({"format": "csv", "columns": []}), "/columns"),
        (
            json!({"format": "csv", "columns": ["id", ""]}),
            "/columns/1",
        ),
        (
            json!({"format": "csv", "columns": ["id", "text", "lang..code"]}),
            "/columns/2",
        ),
        (json!({"format": "json", "columns": ["id"]}), "/columns"),
        (json!({"format": "markdown", "name": "all.md"}), "/name"),
        (json!({"format": "csv", "columns": "id"}), "/columns"),
        (json!({"format": "xml"}), "/format"),
    ];
    for (config, pointer) in cases {
        let error = config_error(config.clone());
        assert_eq!(error.code, "invalid-config", "{config}");
        assert_eq!(error.pointer.as_deref(), Some(pointer), "{config}: {error}");
    }
    let error = config_error(json!({"format": "csv", "colums": ["id"]}));
    assert_eq!(error.code, "invalid-config");
    assert!(error.message.contains("colums"), "{error}");
}

#[test]
fn unsafe_whole_run_names_are_config_errors() {
    for format in ["jsonl", "csv"] {
        for name in ["../escape", "/abs", "a/./b", "what?", ""] {
            let error = config_error(json!({"format": format, "name": name}));
            assert_eq!(error.pointer.as_deref(), Some("/name"), "{format} {name}");
        }
    }
}

#[test]
fn the_manifest_is_an_exporter_whose_config_schema_documents_every_key() {
    let manifest = Harness::<Export>::manifest();
    assert_eq!(manifest.kind, PluginKind::Exporter);
    let properties = &manifest.config_schema["properties"];
    for key in ["format", "name", "path", "columns"] {
        let description = properties[key]["description"].as_str().unwrap_or_default();
        assert!(!description.is_empty(), "{key} has no description");
    }
}

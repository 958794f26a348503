//! Writing results safely: names confined to the output directory, no
//! partial file after a kill, no silent overwrite, a manifest of it all.

use crate::util::{
    docpipe, faulty_plugin, interrupt, output_text, run_expecting, spawn_run_until, Dir,
};
use sha2::{Digest, Sha256};

fn jsonl_pipeline(dir: &Dir, texts: &[&str], stage: &str) -> std::path::PathBuf {
    dir.write_docs(texts);
    dir.write(
        "p.toml",
        format!("[input]\npaths = [\"in\"]\nformat = \"jsonl\"\n{stage}\n[[stages]]\nid = \"json\"\nplugin = \"builtin:export\"\n\n[[stages]]\nid = \"all\"\nplugin = \"builtin:export\"\nconfig = {{ format = \"jsonl\" }}\n"),
    )
}

fn faulty_stage(timeout: &str) -> String {
    format!(
        "\n[[stages]]\nid = \"faulty\"\nplugin = \"{}\"\nlimits = {{ timeout = \"{timeout}\" }}\n",
        faulty_plugin().display()
    )
}

#[test]
fn an_artifact_name_that_escapes_the_output_directory_is_refused() {
    let dir = Dir::new();
    let p = jsonl_pipeline(&dir, &["fine", "escape"], &faulty_stage("5s"));
    run_expecting(&p, 1);
    assert!(
        !dir.join("escaped.txt").exists(),
        "nothing is written outside the output directory"
    );
    let rejects = dir.jsonl("out/rejects.jsonl");
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0]["id"], "1-escape");
    assert_eq!(rejects[0]["kind"], "output");
    assert!(rejects[0]["message"]
        .as_str()
        .unwrap()
        .contains("refused artifact name `../escaped.txt`: it contains `..`"));
    assert!(
        !dir.join("out/1-escape.json").exists(),
        "a refused document writes none of its files"
    );
    assert!(dir.join("out/0-fine.json").exists());
}

#[test]
fn a_run_killed_mid_way_leaves_no_partial_file_and_the_next_run_sweeps_up() {
    let dir = Dir::new();
    // Two documents finish at once; then each `loop` holds the single worker
    // until its 30 s deadline, so the run is surely still going when killed.
    let p = jsonl_pipeline(
        &dir,
        &["fine", "also fine", "loop", "loop", "loop"],
        &faulty_stage("30s"),
    );
    let mut child = spawn_run_until(&p, &[], || dir.join("out/1-also fine.json").exists());
    child.kill().unwrap();
    child.wait().unwrap();

    let mut visible = Vec::new();
    for entry in walkdir::WalkDir::new(dir.join("out")).min_depth(1) {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().to_string();
        let resume_state = entry
            .path()
            .components()
            .any(|c| c.as_os_str() == ".docpipe-resume");
        if name.starts_with(".docpipe-tmp-") || resume_state {
            continue;
        }
        visible.push(name.clone());
        let text = std::fs::read_to_string(entry.path()).unwrap();
        serde_json::from_str::<serde_json::Value>(&text)
            .unwrap_or_else(|e| panic!("{name} is partial: {e}"));
    }
    visible.sort();
    assert_eq!(
        visible,
        ["0-fine.json", "1-also fine.json"],
        "whole-run files appear only when a run completes"
    );

    // The next run in the same directory removes what the killed one left.
    jsonl_pipeline(&dir, &["fine", "also fine"], &faulty_stage("30s"));
    docpipe().arg("run").arg(&p).assert().code(0);
    let leftovers: Vec<_> = walkdir::WalkDir::new(dir.join("out"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".docpipe-tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn existing_files_that_differ_are_kept_unless_overwrite_is_allowed() {
    let dir = Dir::new();
    let p = jsonl_pipeline(&dir, &["first text"], "");
    docpipe().arg("run").arg(&p).assert().code(0);
    // The same run again changes nothing and is not a conflict.
    docpipe().arg("run").arg(&p).assert().code(0);

    dir.write(
        "in/docs.jsonl",
        "{\"id\": \"0-first text\", \"text\": \"changed text\"}\n",
    );
    let stderr = run_expecting(&p, 1);
    assert!(
        stderr.contains("`0-first text.json` already exists with different contents"),
        "{stderr}"
    );
    assert!(
        dir.read("out/0-first text.json").contains("first text"),
        "the old file is kept"
    );
    assert_eq!(dir.jsonl("out/rejects.jsonl")[0]["kind"], "output");

    docpipe()
        .arg("run")
        .arg(&p)
        .arg("--overwrite")
        .assert()
        .code(0);
    assert!(dir.read("out/0-first text.json").contains("changed text"));
    assert!(dir.read("out/documents.jsonl").contains("changed text"));
}

#[test]
fn a_whole_run_file_that_would_replace_a_different_one_lands_beside_it() {
    let dir = Dir::new();
    dir.write("in/docs.jsonl", "{\"id\": \"a\", \"text\": \"first\"}\n");
    let p = dir.write(
        "p.toml",
        "[input]\npaths = [\"in\"]\nformat = \"jsonl\"\n\n[[stages]]\nid = \"all\"\nplugin = \"builtin:export\"\nconfig = { format = \"jsonl\" }\n",
    );
    docpipe().arg("run").arg(&p).assert().code(0);
    dir.write("in/docs.jsonl", "{\"id\": \"a\", \"text\": \"second\"}\n");
    let stderr = run_expecting(&p, 1);
    assert!(
        stderr.contains("kept beside it as `documents.jsonl.new`"),
        "{stderr}"
    );
    assert!(
        dir.read("out/documents.jsonl").contains("first"),
        "the old whole-run file is kept"
    );
    assert!(
        dir.read("out/documents.jsonl.new").contains("second"),
        "this run's is kept beside it"
    );
    assert_eq!(
        dir.json("out/run-summary.json")["conflicts"][0],
        "documents.jsonl"
    );
}

#[test]
fn the_manifest_lists_every_file_with_its_sha256() {
    let dir = Dir::new();
    let p = jsonl_pipeline(&dir, &["one", "two"], "");
    docpipe().arg("run").arg(&p).assert().code(0);
    let manifest = dir.json("out/manifest.json");
    let files = manifest["files"].as_array().unwrap();
    let mut paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    paths.sort();
    assert_eq!(paths, ["0-one.json", "1-two.json", "documents.jsonl"]);
    for file in files {
        let bytes =
            std::fs::read(dir.join(&format!("out/{}", file["path"].as_str().unwrap()))).unwrap();
        assert_eq!(file["bytes"], bytes.len());
        assert_eq!(
            file["sha256"].as_str().unwrap(),
            hex::encode(Sha256::digest(&bytes))
        );
    }
}

#[test]
fn every_format_writes_arabic_chinese_and_english_faithfully() {
    let dir = Dir::new();
    let docs = [
        (
            "ar",
            "مقال \"مهم\", عن <السوق> | و*النمو*",
            "السطر الأول، مع \"اقتباس\" و<وسم> | و*نجمة*.\nالسطر الثاني.",
        ),
        (
            "zh",
            "重要的\"文章\", <标题> | *星号*",
            "第一行，带有\"引号\"和<标签> | *星号*。\n第二行。",
        ),
        (
            "en",
            "An \"important\", <odd> | *title*",
            "First line, with \"quotes\", <tags> | and *stars*.\nSecond line.",
        ),
    ];
    let mut jsonl = String::new();
    for (lang, title, text) in docs {
        jsonl.push_str(
            &serde_json::json!({"id": format!("{lang}.txt"), "title": title, "text": text, "lang": {"code": lang}}).to_string(),
        );
        jsonl.push('\n');
    }
    dir.write("in/docs.jsonl", jsonl);
    let mut pipeline = String::from("[input]\npaths = [\"in\"]\nformat = \"jsonl\"\n");
    for (id, config) in [
        (
            "html",
            r#"{ format = "html", path = "{lang.code}/{stem}.html" }"#,
        ),
        ("md", r#"{ format = "markdown" }"#),
        ("text", r#"{ format = "text" }"#),
        ("json", r#"{ format = "json" }"#),
        (
            "csv",
            r#"{ format = "csv", columns = ["id", "lang.code", "title", "text"] }"#,
        ),
        ("jsonl", r#"{ format = "jsonl" }"#),
    ] {
        pipeline.push_str(&format!(
            "\n[[stages]]\nid = \"{id}\"\nplugin = \"builtin:export\"\nconfig = {config}\n"
        ));
    }
    let p = dir.write("p.toml", pipeline);
    run_expecting(&p, 0);

    for (lang, title, text) in docs {
        // HTML: escaped, in the document's language and direction.
        let html = dir.read(&format!("out/{lang}/{lang}.html"));
        let dir_attr = if lang == "ar" {
            "dir=\"rtl\""
        } else {
            "dir=\"ltr\""
        };
        assert!(
            html.contains(&format!("lang=\"{lang}\"")) && html.contains(dir_attr),
            "{html}"
        );
        assert!(
            !html.contains("<tags>") && !html.contains("<标签>") && !html.contains("<وسم>"),
            "raw markup leaked: {html}"
        );
        assert!(html.contains("&lt;"), "{html}");
        assert!(html.contains("<br>"), "single newlines become <br>: {html}");

        // Markdown: what would be markup is escaped, letters are untouched.
        let markdown = dir.read(&format!("out/{lang}.md"));
        assert!(
            markdown.contains("\\*") && markdown.contains("\\|") && markdown.contains("\\<"),
            "{markdown}"
        );
        assert!(
            !markdown.contains(" *"),
            "no unescaped emphasis marker: {markdown}"
        );

        // Text keeps every character as it is.
        let plain = dir.read(&format!("out/{lang}.txt"));
        assert!(plain.contains(title) && plain.contains(text), "{plain}");

        // JSON round-trips exactly.
        let json = dir.json(&format!("out/{lang}.json"));
        assert_eq!(json["title"], title);
        assert_eq!(json["text"], text);
    }

    // CSV: one header, RFC 4180 quoting, input order, rows that parse back.
    let csv = dir.read("out/documents.csv");
    assert!(csv.starts_with("id,lang.code,title,text\r\n"), "{csv}");
    assert_eq!(
        csv.matches("id,lang.code").count(),
        1,
        "the header is written once"
    );
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    for (row, (lang, title, text)) in rows.iter().zip(docs) {
        assert_eq!(&row[0], format!("{lang}.txt"));
        assert_eq!(&row[1], lang);
        assert_eq!(&row[2], title);
        assert_eq!(&row[3], text, "quotes, commas and newlines survive");
    }
    let ids: Vec<String> = dir
        .jsonl("out/documents.jsonl")
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["ar.txt", "zh.txt", "en.txt"]);
}

#[test]
fn sigint_stops_cleanly_with_complete_files_and_a_summary() {
    let dir = Dir::new();
    // The worker finishes the first two documents, then each `loop` holds it
    // for 3 s: the interrupt lands while the third runs, and nothing later
    // must start.
    let texts = ["fine", "also fine", "loop", "never", "reached"];
    let p = jsonl_pipeline(&dir, &texts, &faulty_stage("3s"));
    let child = spawn_run_until(&p, &[], || dir.join("out/1-also fine.json").exists());
    interrupt(&child);
    let output = child.wait_with_output().unwrap();
    let (stdout, stderr) = output_text(&output);
    assert_eq!(output.status.code(), Some(130), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("interrupted: finishing the documents in flight"),
        "{stderr}"
    );

    let summary = dir.json("out/run-summary.json");
    assert_eq!(summary["interrupted"], true);
    assert_eq!(summary["completed"], 2);
    let ids: Vec<String> = dir
        .jsonl("out/documents.jsonl")
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        ids,
        ["0-fine", "1-also fine"],
        "the whole-run file is complete for what was processed"
    );
    assert!(
        !dir.join("out/3-never.json").exists(),
        "nothing after the interrupt was started"
    );
    let leftovers = walkdir::WalkDir::new(dir.join("out"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".docpipe-tmp-"))
        .count();
    assert_eq!(leftovers, 0, "no temporary file is left behind");
}

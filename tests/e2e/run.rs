//! `docpipe run` over the built-in plugins.

use crate::util::{docpipe, output_text, repo, run_expecting, Dir};

#[test]
fn the_news_example_is_cleaned_detected_summarized_and_exported() {
    let out = Dir::new();
    let output = docpipe()
        .arg("run")
        .arg(repo().join("examples/news/pipeline.toml"))
        .arg("--output")
        .arg(out.path())
        .output()
        .unwrap();
    let (stdout, stderr) = output_text(&output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.contains("1 documents in: 1 completed, 0 dropped, 0 failed"),
        "{stdout}"
    );

    let doc = out.json("news-ar-ecowas.json");
    let text = doc["text"].as_str().unwrap();
    assert!(!text.contains("[ad_"), "ad markers survived cleaning");
    assert!(
        !text.trim_end().ends_with("المصدر"),
        "the source trailer survived cleaning"
    );
    let title = "شركاء الولايات المتحدة مع المجموعة الاقتصادية لدول غرب أفريقيا لتعزيز الأمن الإقليمي";
    assert_eq!(
        text.matches(title).count(),
        1,
        "the repeated title line survived"
    );
    assert_eq!(doc["lang"]["code"], "ar");
    assert_eq!(doc["lang"]["script"], "Arab");

    let sentences = doc["summary"]["sentences"].as_array().unwrap();
    assert_eq!(sentences.len(), 2, "the pipeline asks for two sentences");
    let chars: Vec<char> = text.chars().collect();
    for sentence in sentences {
        let start = sentence["start"].as_u64().unwrap() as usize;
        let end = sentence["end"].as_u64().unwrap() as usize;
        let at_offsets: String = chars[start..end].iter().collect();
        assert_eq!(
            at_offsets,
            sentence["text"].as_str().unwrap(),
            "summary sentence is not the text at its offsets"
        );
    }

    let markdown = out.read("news-ar-ecowas.md");
    assert!(markdown.contains("## Summary"));
    assert!(markdown.contains(sentences[0]["text"].as_str().unwrap()));
    let lines = out.jsonl("documents.jsonl");
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["id"], "news-ar-ecowas.txt");

    let summary = out.json("run-summary.json");
    assert_eq!(summary["completed"], 1);
    assert_eq!(summary["stages"].as_array().unwrap().len(), 6);
    let latency = &summary["latency"];
    assert_eq!(latency["documents"], 1);
    let stage_ms: f64 = summary["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["seconds"].as_f64().unwrap() * 1e3)
        .sum();
    let max = latency["max_ms"].as_f64().unwrap();
    assert!(
        (max - stage_ms).abs() <= stage_ms * 0.01 + 0.002,
        "one document's latency is its time through the stages: {max} ms vs {stage_ms} ms"
    );
}

fn corpus_pipeline(dir: &Dir, documents: usize) -> std::path::PathBuf {
    let mut jsonl = String::new();
    for i in 0..documents {
        let lang = ["en", "ar", "zh"][i % 3];
        let text = match lang {
            "en" => format!("Document {i} reports on the harbour. The council met on Tuesday to discuss the new bridge. Residents asked for more buses, and the mayor promised \"a plan\" by spring. Costs, she said, are | under * review."),
            "ar" => format!("الوثيقة {i} عن الميناء. اجتمع المجلس يوم الثلاثاء لمناقشة الجسر الجديد. وطلب السكان المزيد من الحافلات، ووعد رئيس البلدية بخطة بحلول الربيع."),
            _ => format!("文档{i}报道了港口的情况。市议会星期二开会讨论新桥。居民要求增加公共汽车，市长承诺春天前提出计划。"),
        };
        jsonl.push_str(&serde_json::json!({"id": format!("doc-{i:03}"), "text": text}).to_string());
        jsonl.push('\n');
    }
    dir.write("corpus/docs.jsonl", jsonl);
    dir.write(
        "pipeline.toml",
        r#"
[input]
paths = ["corpus"]
format = "jsonl"

[[stages]]
id = "clean"
plugin = "builtin:clean"

[[stages]]
id = "lang"
plugin = "builtin:langdetect"

[[stages]]
id = "summary"
plugin = "builtin:summarize"
config = { sentences = 1 }

[[stages]]
id = "md"
plugin = "builtin:export"
config = { format = "markdown" }

[[stages]]
id = "all"
plugin = "builtin:export"
config = { format = "jsonl" }
"#,
    )
}

#[test]
fn outputs_are_byte_identical_whatever_the_number_of_jobs() {
    let dir = Dir::new();
    let pipeline = corpus_pipeline(&dir, 24);
    let mut trees = Vec::new();
    for jobs in ["1", "3"] {
        let out = dir.join(&format!("out-{jobs}"));
        docpipe()
            .arg("run")
            .arg(&pipeline)
            .args(["--jobs", jobs, "--output"])
            .arg(&out)
            .assert()
            .code(0);
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(&out).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.file_type().is_file() && entry.file_name() != "run-summary.json" {
                let relative = entry.path().strip_prefix(&out).unwrap().to_path_buf();
                files.push((relative, std::fs::read(entry.path()).unwrap()));
            }
        }
        trees.push(files);
    }
    assert_eq!(
        trees[0].len(),
        26,
        "24 markdown files, one JSONL and the manifest"
    );
    assert!(
        trees[0] == trees[1],
        "outputs differ between --jobs 1 and --jobs 3"
    );
    let all = String::from_utf8(
        trees[0]
            .iter()
            .find(|(p, _)| p.ends_with("documents.jsonl"))
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    let ids: Vec<String> = all
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "the whole-run file keeps input order");
}

#[test]
fn unreadable_input_fails_alone_with_its_line_number() {
    let dir = Dir::new();
    dir.write(
        "in/a.jsonl",
        "{\"id\": \"one\", \"text\": \"The first document is fine and long enough.\"}\n{not json\n{\"id\": \"three\", \"text\": \"The third document is fine as well.\"}\n",
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(
        &mut gz,
        b"{\"id\": \"four\", \"text\": \"A gzipped document is read transparently.\"}\n",
    )
    .unwrap();
    dir.write("in/b.jsonl.gz", gz.finish().unwrap());
    dir.write(
        "p.toml",
        "[input]\npaths = [\"in\"]\nformat = \"jsonl\"\n\n[[stages]]\nid = \"all\"\nplugin = \"builtin:export\"\nconfig = { format = \"jsonl\" }\n",
    );
    // One unreadable line means exit 1.
    let stderr = run_expecting(&dir.join("p.toml"), 1);
    assert!(
        stderr.contains("a.jsonl:2"),
        "the error names file and line: {stderr}"
    );
    let line = stderr.lines().find(|l| l.contains("a.jsonl:2")).unwrap();
    assert_eq!(
        line.matches("a.jsonl").count(),
        1,
        "the file is named once: {line}"
    );
    let ids: Vec<_> = dir
        .jsonl("out/documents.jsonl")
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["one", "three", "four"]);
    let rejects = dir.jsonl("out/rejects.jsonl");
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0]["stage"], "input");
    assert!(rejects[0]["id"].as_str().unwrap().ends_with("a.jsonl:2"));
}

#[test]
fn a_document_whose_files_collide_writes_none_of_them() {
    let dir = Dir::new();
    dir.write(
        "in/a.jsonl",
        // Different ids, the same file names once the extension is dropped.
        "{\"id\": \"same.txt\", \"text\": \"The first document with this name.\"}\n{\"id\": \"same.md\", \"text\": \"The second document with this name.\"}\n",
    );
    dir.write(
        "p.toml",
        "[input]\npaths = [\"in\"]\nformat = \"jsonl\"\n\n[[stages]]\nid = \"json\"\nplugin = \"builtin:export\"\n\n[[stages]]\nid = \"md\"\nplugin = \"builtin:export\"\nconfig = { format = \"markdown\" }\n",
    );
    run_expecting(&dir.join("p.toml"), 1);
    assert!(dir.read("out/same.json").contains("The first document"));
    assert!(
        dir.read("out/same.md").contains("The first document"),
        "the second document wrote no file at all"
    );
    let rejects = dir.jsonl("out/rejects.jsonl");
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0]["kind"], "output");
    assert!(rejects[0]["message"]
        .as_str()
        .unwrap()
        .contains("already written for document `same.txt`"));
}

#[test]
fn a_clean_run_removes_the_rejects_of_an_earlier_run() {
    let dir = Dir::new();
    dir.write(
        "in/a.jsonl",
        "{\"id\": \"one\", \"text\": \"Fine.\"}\n{broken\n",
    );
    dir.write(
        "p.toml",
        "[input]\npaths = [\"in\"]\nformat = \"jsonl\"\n\n[[stages]]\nid = \"all\"\nplugin = \"builtin:export\"\nconfig = { format = \"jsonl\" }\n",
    );
    docpipe()
        .arg("run")
        .arg(dir.join("p.toml"))
        .assert()
        .code(1);
    assert!(dir.join("out/rejects.jsonl").exists());
    dir.write("in/a.jsonl", "{\"id\": \"one\", \"text\": \"Fine.\"}\n");
    docpipe()
        .arg("run")
        .arg(dir.join("p.toml"))
        .assert()
        .code(0);
    assert!(
        !dir.join("out/rejects.jsonl").exists(),
        "rejects.jsonl must describe the last run"
    );
}

#[test]
fn a_second_document_with_the_same_id_is_refused_and_says_where_it_came_from() {
    let dir = Dir::new();
    dir.write(
        "in/a.jsonl",
        "{\"id\": \"x\", \"text\": \"first\"}\n{\"id\": \"y\", \"text\": \"other\"}\n{\"id\": \"x\", \"text\": \"second\"}\n",
    );
    dir.write(
        "p.toml",
        "[input]\npaths = [\"in\"]\nformat = \"jsonl\"\n\n[[stages]]\nid = \"all\"\nplugin = \"builtin:export\"\nconfig = { format = \"jsonl\" }\n",
    );
    run_expecting(&dir.join("p.toml"), 1);
    let texts: Vec<String> = dir
        .jsonl("out/documents.jsonl")
        .iter()
        .map(|d| d["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(texts, ["first", "other"]);
    let rejects = dir.jsonl("out/rejects.jsonl");
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0]["kind"], "duplicate-id");
    assert!(
        rejects[0]["message"]
            .as_str()
            .unwrap()
            .contains("duplicate id `x` (from a.jsonl:3)"),
        "{}",
        rejects[0]["message"]
    );
}

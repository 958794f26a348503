//! The `export` plugin: turns each document into a file for the host to write,
//! as pretty JSON, Markdown, or one line of a whole-run JSON Lines file. It
//! changes no field, and names files only inside the output directory: ids
//! become relative paths with `..` and unsafe characters removed.

use docpipe_plugin_sdk::{
    export_plugin, Artifact, ArtifactMode, Document, JsonSchema, Plugin, PluginError, PluginKind,
    Unchanged, Verdict,
};
use serde::Deserialize;
use serde_json::Value;

/// Configuration of an `export` stage.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `json` writes `<id>.json` per document, `markdown` writes `<id>.md`,
    /// `jsonl` appends one line per document to a single file.
    pub format: Format,
    /// Name of the whole-run file for `jsonl`, relative to the output directory.
    pub name: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            format: Format::Json,
            name: "documents.jsonl".to_string(),
        }
    }
}

/// The file format written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One pretty-printed JSON file per document.
    Json,
    /// One Markdown file per document: title, text, summary, language.
    Markdown,
    /// One compact JSON line per document, appended to a single file.
    Jsonl,
}

/// A configured `export` stage.
#[derive(Debug)]
pub struct Export {
    format: Format,
    jsonl_name: String,
}

impl Plugin for Export {
    const NAME: &'static str = "export";
    const DESCRIPTION: &'static str = "Writes documents as JSON, Markdown or JSON Lines files.";
    const KIND: PluginKind = PluginKind::Exporter;
    type Config = Config;
    type Input = Document;
    type Output = Unchanged;

    fn new(config: Config) -> Result<Self, PluginError> {
        if config.format == Format::Jsonl && relative_path(&config.name) != config.name {
            return Err(PluginError::new(
                "invalid-config",
                format!(
                    "name {:?} must be a relative path without `..`, `.` or empty segments \
                     and without characters unsafe in file names",
                    config.name
                ),
            )
            .at("/name"));
        }
        Ok(Export {
            format: config.format,
            jsonl_name: config.name,
        })
    }

    fn process(&mut self, document: Document) -> Result<Verdict<Unchanged>, PluginError> {
        let artifact = match self.format {
            Format::Json => Artifact {
                name: format!("{}.json", file_stem(&document.id)),
                media_type: "application/json".to_string(),
                mode: ArtifactMode::File,
                data: json_bytes(&document, true)?,
                header: None,
            },
            Format::Markdown => Artifact {
                name: format!("{}.md", file_stem(&document.id)),
                media_type: "text/markdown".to_string(),
                mode: ArtifactMode::File,
                data: markdown(&document).into_bytes(),
                header: None,
            },
            Format::Jsonl => Artifact {
                name: self.jsonl_name.clone(),
                media_type: "application/jsonl".to_string(),
                mode: ArtifactMode::Append,
                data: json_bytes(&document, false)?,
                header: None,
            },
        };
        Ok(Verdict::keep_with(Unchanged {}, vec![artifact]))
    }
}

/// The document as JSON followed by a newline.
fn json_bytes(document: &Document, pretty: bool) -> Result<Vec<u8>, PluginError> {
    let serialized = if pretty {
        serde_json::to_vec_pretty(document)
    } else {
        serde_json::to_vec(document)
    };
    let mut bytes = serialized.map_err(|e| {
        PluginError::new("invalid-input", format!("document does not serialize: {e}"))
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn markdown(document: &Document) -> String {
    let mut page = String::new();
    if let Some(title) = document.title.as_deref().filter(|t| !t.trim().is_empty()) {
        page.push_str("# ");
        page.push_str(&escape_markdown(title));
        page.push_str("\n\n");
    }
    page.push_str(document.text.trim_end());
    page.push('\n');
    let summary = document
        .fields
        .get("summary")
        .and_then(|summary| summary.get("text"))
        .and_then(Value::as_str)
        .filter(|text| !text.trim().is_empty());
    if let Some(summary) = summary {
        page.push_str("\n## Summary\n\n");
        page.push_str(summary.trim());
        page.push('\n');
    }
    let lang = document
        .fields
        .get("lang")
        .and_then(|lang| lang.get("code"))
        .and_then(Value::as_str);
    if let Some(code) = lang {
        page.push_str(&format!("\n*Language: {}*\n", escape_markdown(code)));
    }
    page
}

/// Escapes what CommonMark (and GitHub tables/strikethrough) would read as
/// markup inside a heading; a heading is one line, so newlines become spaces.
fn escape_markdown(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '(' | ')' | '#' | '!'
            | '|' | '~' | '&' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\r' | '\n' => escaped.push(' '),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// The id as a relative path without its extension: `a/b.txt` is `a/b`.
fn file_stem(id: &str) -> String {
    let path = relative_path(id);
    let (directory, file) = match path.rsplit_once('/') {
        Some((directory, file)) => (Some(directory), file),
        None => (None, path.as_str()),
    };
    let file = match file.rsplit_once('.') {
        // `.bashrc` has no extension; `v1.2 final` has no short one.
        Some((stem, extension))
            if !stem.is_empty()
                && !extension.is_empty()
                && extension.len() <= 10
                && extension.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            stem
        }
        _ => file,
    };
    match directory {
        Some(directory) => format!("{directory}/{file}"),
        None => file.to_string(),
    }
}

/// `path` with `\` read as `/`, empty, `.` and `..` segments dropped (so no
/// leading `/` either) and characters unsafe in file names replaced by `_`.
/// Never empty: an id with nothing left becomes `document`.
fn relative_path(path: &str) -> String {
    let segments: Vec<String> = path
        .split(['/', '\\'])
        .filter(|segment| !matches!(*segment, "" | "." | ".."))
        .map(|segment| {
            segment
                .chars()
                .map(|c| match c {
                    '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
                    c if c.is_control() => '_',
                    c => c,
                })
                .collect()
        })
        .collect();
    if segments.is_empty() {
        "document".to_string()
    } else {
        segments.join("/")
    }
}

export_plugin!(Export);

#[cfg(test)]
mod tests {
    use super::*;
    use docpipe_contract::Outcome;
    use docpipe_plugin_sdk::testing::Harness;
    use serde_json::json;

    fn export(config: Value, document: Value) -> (Value, Artifact) {
        let mut harness = Harness::<Export>::new(config).unwrap();
        match harness.process(&document.to_string()).unwrap() {
            Outcome::Keep {
                document,
                mut artifacts,
            } => {
                assert_eq!(artifacts.len(), 1);
                (
                    serde_json::from_str(&document).unwrap(),
                    artifacts.remove(0),
                )
            }
            Outcome::Drop { reason } => panic!("export dropped the document: {reason}"),
        }
    }

    fn text_of(artifact: &Artifact) -> &str {
        std::str::from_utf8(&artifact.data).unwrap()
    }

    fn arabic_document() -> Value {
        json!({
            "id": "news/ar/ecowas.txt",
            "text": "تعمل الولايات المتحدة مع إيكواس.",
            "title": "شركاء [الأمن] *الإقليمي*",
            "meta": {"source": "crawl"},
            "lang": {"code": "ar", "name": "Arabic"},
            "summary": {"text": "تعمل الولايات المتحدة مع إيكواس.", "sentences": []},
        })
    }

    #[test]
    fn json_writes_the_whole_document_pretty_and_changes_nothing() {
        let document = arabic_document();
        let (kept, artifact) = export(json!({}), document.clone());
        assert_eq!(kept, document);
        assert_eq!(artifact.name, "news/ar/ecowas.json");
        assert_eq!(artifact.media_type, "application/json");
        assert_eq!(artifact.mode, ArtifactMode::File);
        assert!(text_of(&artifact).starts_with("{\n  \"id\": \"news/ar/ecowas.txt\""));
        assert!(text_of(&artifact).ends_with("}\n"));
        let written: Value = serde_json::from_slice(&artifact.data).unwrap();
        assert_eq!(written, document);
    }

    #[test]
    fn markdown_has_escaped_title_text_summary_and_language() {
        let (_, artifact) = export(json!({"format": "markdown"}), arabic_document());
        assert_eq!(artifact.name, "news/ar/ecowas.md");
        assert_eq!(artifact.media_type, "text/markdown");
        assert_eq!(
            text_of(&artifact),
            "# شركاء \\[الأمن\\] \\*الإقليمي\\*\n\n\
             تعمل الولايات المتحدة مع إيكواس.\n\n\
             ## Summary\n\n\
             تعمل الولايات المتحدة مع إيكواس.\n\n\
             *Language: ar*\n"
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
    fn jsonl_appends_one_compact_line_to_the_run_file() {
        let document = json!({"id": "3", "text": "Hello, world.", "meta": {"line": 3}});
        let (_, artifact) = export(json!({"format": "jsonl"}), document.clone());
        assert_eq!(artifact.name, "documents.jsonl");
        assert_eq!(artifact.mode, ArtifactMode::Append);
        assert_eq!(text_of(&artifact), format!("{document}\n"));

        let (_, artifact) = export(
            json!({"format": "jsonl", "name": "out/all.jsonl"}),
            document,
        );
        assert_eq!(artifact.name, "out/all.jsonl");
    }

    #[test]
    fn unsafe_jsonl_names_are_config_errors() {
        for name in [
            "../escape.jsonl",
            "/abs.jsonl",
            "a/./b.jsonl",
            "what?.jsonl",
            "",
        ] {
            let error =
                Harness::<Export>::new(json!({"format": "jsonl", "name": name})).unwrap_err();
            assert_eq!(error.pointer.as_deref(), Some("/name"), "{name}");
        }
    }

    #[test]
    fn ids_become_safe_relative_stems() {
        assert_eq!(file_stem("a/b.txt"), "a/b");
        assert_eq!(file_stem("/etc/passwd"), "etc/passwd");
        assert_eq!(file_stem("../../x/../y.html"), "x/y");
        assert_eq!(file_stem(r"C:\docs\report.v2.txt"), "C_/docs/report.v2");
        assert_eq!(file_stem("what?*<now>.txt"), "what___now_");
        assert_eq!(file_stem(".bashrc"), ".bashrc");
        assert_eq!(file_stem("report v1.2 final"), "report v1.2 final");
        assert_eq!(file_stem("أخبار/إيكواس.txt"), "أخبار/إيكواس");
        assert_eq!(file_stem("12"), "12");
        assert_eq!(file_stem(".."), "document");
    }

    #[test]
    fn unknown_formats_are_refused() {
        let error = Harness::<Export>::new(json!({"format": "xml"})).unwrap_err();
        assert_eq!(error.code, "invalid-config");
        assert_eq!(Harness::<Export>::manifest().kind, PluginKind::Exporter);
    }
}

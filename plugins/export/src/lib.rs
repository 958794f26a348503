//! The `export` plugin: turns each document into a file for the host to
//! write. Per document: pretty JSON, Markdown, HTML or plain text, named by a
//! `path` template; per run: one JSON Lines or CSV file that every document
//! appends a record to. It changes no field, and names files only inside the
//! output directory: names become relative paths with `..` and unsafe
//! characters removed.

mod csv_record;
mod field_path;
mod html;
mod markdown;
mod naming;
mod page;
mod plain_text;

use crate::field_path::FieldPath;
use crate::naming::{relative_path, NameTemplate};
use crate::page::Page;
use docpipe_plugin_sdk::{
    export_plugin, Artifact, ArtifactMode, Document, JsonSchema, Plugin, PluginError, PluginKind,
    RawDocument, Unchanged, Verdict,
};
use serde::Deserialize;
use serde_json::Value;

/// Configuration of an `export` stage.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// What to write. Per document (one file each, named by `path`): `json`,
    /// `markdown`, `html`, `text`. Per run (one file, named by `name`, one
    /// record per document): `jsonl`, `csv`.
    pub format: Format,
    /// For `jsonl` and `csv`: the whole-run file, relative to the output
    /// directory. Defaults to `documents.jsonl` or `documents.csv`.
    pub name: Option<String>,
    /// For per-document formats: the file name template, relative to the
    /// output directory, e.g. `{lang.code}/{stem}.md`. A placeholder is a
    /// dotted field path into the document (`{id}`, `{title}`, `{lang.code}`,
    /// `{meta.source.path}`); `{stem}` is the id without its extension.
    /// `{id}` and `{stem}` keep the id's folders; any other value becomes part
    /// of one path segment, with `/`, `\`, `<>:"|?*` and control characters
    /// replaced by `_`. A field the document lacks (or `null`) becomes `_`:
    /// the document is still written. Defaults to `{stem}.json`, `{stem}.md`,
    /// `{stem}.html` or `{stem}.txt`.
    pub path: Option<String>,
    /// For `csv`: the columns, as dotted field paths, e.g. `["id",
    /// "lang.code", "summary.text"]`; the header row names them. A field the
    /// document lacks (or `null`) is an empty cell; a value that is not a
    /// string is written as compact JSON (`3`, `true`, `["a","b"]`).
    /// Defaults to `["id", "title", "text"]`.
    pub columns: Option<Vec<String>>,
}

/// The file format written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One pretty-printed JSON file per document, every field included.
    #[default]
    Json,
    /// One Markdown file per document: title, text, summary, language, with
    /// markup characters escaped.
    Markdown,
    /// One HTML5 page per document: title, paragraphs, summary, in the
    /// document's language and writing direction.
    Html,
    /// One plain UTF-8 text file per document: title, text, summary.
    Text,
    /// One compact JSON line per document, the document as the pipeline
    /// holds it, appended to a single file.
    Jsonl,
    /// One RFC 4180 CSV row per document, appended to a single file under a
    /// header row.
    Csv,
}

impl Format {
    fn is_whole_run(self) -> bool {
        matches!(self, Format::Jsonl | Format::Csv)
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Text => "txt",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
        }
    }
}

/// A configured `export` stage.
#[derive(Debug)]
pub struct Export {
    output: Output,
}

/// What a validated config writes.
#[derive(Debug)]
enum Output {
    /// A file per document, named by the template.
    PerDocument {
        page: PageFormat,
        path: NameTemplate,
    },
    /// A line per document in the whole-run JSON Lines file `name`.
    Jsonl { name: String },
    /// A row per document in the whole-run CSV file `name`.
    Csv {
        name: String,
        columns: Vec<FieldPath>,
        header: Vec<u8>,
    },
}

/// The formats written one file per document.
#[derive(Debug, Clone, Copy)]
enum PageFormat {
    Json,
    Markdown,
    Html,
    Text,
}

const DEFAULT_COLUMNS: [&str; 3] = ["id", "title", "text"];

impl Plugin for Export {
    const NAME: &'static str = "export";
    const DESCRIPTION: &'static str =
        "Writes documents as JSON, Markdown, HTML or text files, or one JSON Lines or CSV file.";
    const KIND: PluginKind = PluginKind::Exporter;
    type Config = Config;
    type Input = RawDocument;
    type Output = Unchanged;

    fn new(config: Config) -> Result<Self, PluginError> {
        Ok(Export {
            output: Output::from_config(config)?,
        })
    }

    fn process(&mut self, raw: RawDocument) -> Result<Verdict<Unchanged>, PluginError> {
        let artifact = match &self.output {
            Output::PerDocument { page, path } => {
                let document = raw.parse()?;
                let fields = if path.reads_fields() {
                    document_value(&document)?
                } else {
                    Value::Null
                };
                let (media_type, data) = match page {
                    PageFormat::Json => ("application/json", json_bytes(&document)?),
                    PageFormat::Markdown => (
                        "text/markdown",
                        markdown::markdown(&Page::of(&document)).into_bytes(),
                    ),
                    PageFormat::Html => (
                        "text/html",
                        html::html(&Page::of(&document), &document.id).into_bytes(),
                    ),
                    PageFormat::Text => (
                        "text/plain",
                        plain_text::plain_text(&Page::of(&document)).into_bytes(),
                    ),
                };
                Artifact {
                    name: path.render(&document.id, &fields),
                    media_type: media_type.to_string(),
                    mode: ArtifactMode::File,
                    data,
                    header: None,
                }
            }
            // The line is the document as the host holds it, compact JSON,
            // not parsed and printed again: that was most of this stage's
            // time (docs/benchmarks.md, session 8).
            Output::Jsonl { name } => Artifact {
                name: name.clone(),
                media_type: "application/jsonl".to_string(),
                mode: ArtifactMode::Append,
                data: format!("{}\n", raw.json()).into_bytes(),
                header: None,
            },
            Output::Csv {
                name,
                columns,
                header,
            } => Artifact {
                name: name.clone(),
                media_type: "text/csv".to_string(),
                mode: ArtifactMode::Append,
                data: csv_record::document_row(columns, &document_value(&raw.parse()?)?)?,
                header: Some(header.clone()),
            },
        };
        Ok(Verdict::keep_with(Unchanged {}, vec![artifact]))
    }
}

impl Output {
    /// Validates the config: a key that does not apply to the format is an
    /// error rather than silently ignored.
    fn from_config(config: Config) -> Result<Output, PluginError> {
        let format = config.format;
        let invalid = |pointer: &str, message: String| {
            Err(PluginError::new("invalid-config", message).at(pointer))
        };
        if format.is_whole_run() && config.path.is_some() {
            return invalid(
                "/path",
                format!(
                    "`path` names per-document files; the whole-run `{}` file is named by `name`",
                    format.extension()
                ),
            );
        }
        if !format.is_whole_run() && config.name.is_some() {
            return invalid(
                "/name",
                "`name` names the whole-run file of `jsonl` and `csv`; per-document files are named by `path`"
                    .to_string(),
            );
        }
        if format != Format::Csv && config.columns.is_some() {
            return invalid("/columns", "`columns` applies only to `csv`".to_string());
        }
        let page = match format {
            Format::Json => Some(PageFormat::Json),
            Format::Markdown => Some(PageFormat::Markdown),
            Format::Html => Some(PageFormat::Html),
            Format::Text => Some(PageFormat::Text),
            Format::Jsonl | Format::Csv => None,
        };
        if let Some(page) = page {
            let template = config
                .path
                .unwrap_or_else(|| format!("{{stem}}.{}", format.extension()));
            return match NameTemplate::parse(&template) {
                Ok(path) => Ok(Output::PerDocument { page, path }),
                Err(message) => invalid("/path", message),
            };
        }
        let name = config
            .name
            .unwrap_or_else(|| format!("documents.{}", format.extension()));
        if relative_path(&name) != name {
            return invalid(
                "/name",
                format!(
                    "name {name:?} must be a relative path without `..`, `.` or empty segments \
                     and without characters unsafe in file names"
                ),
            );
        }
        if format == Format::Jsonl {
            return Ok(Output::Jsonl { name });
        }
        let paths = config
            .columns
            .unwrap_or_else(|| DEFAULT_COLUMNS.map(String::from).to_vec());
        if paths.is_empty() {
            return invalid(
                "/columns",
                "`columns` is empty: name at least one field, e.g. [\"id\", \"text\"]".to_string(),
            );
        }
        let mut columns = Vec::with_capacity(paths.len());
        for (index, path) in paths.iter().enumerate() {
            match FieldPath::parse(path) {
                Some(column) => columns.push(column),
                None => {
                    return invalid(
                        &format!("/columns/{index}"),
                        format!(
                            "column {path:?} is not a field path such as `lang.code` \
                             (no empty segments)"
                        ),
                    )
                }
            }
        }
        let header = csv_record::csv_row(paths.iter().map(String::as_str))?;
        Ok(Output::Csv {
            name,
            columns,
            header,
        })
    }
}

/// The document as pretty-printed JSON followed by a newline.
fn json_bytes(document: &Document) -> Result<Vec<u8>, PluginError> {
    let mut bytes = serde_json::to_vec_pretty(document).map_err(serialize_error)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The document as a JSON value, for field paths to read.
fn document_value(document: &Document) -> Result<Value, PluginError> {
    serde_json::to_value(document).map_err(serialize_error)
}

fn serialize_error(error: serde_json::Error) -> PluginError {
    PluginError::new(
        "invalid-input",
        format!("document does not serialize: {error}"),
    )
}

export_plugin!(Export);

#[cfg(test)]
mod tests;

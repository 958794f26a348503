//! Text to [`RawPipeline`]: syntax, then the shape of the document (every
//! unknown or missing key, read from the raw types' JSON Schema), then types,
//! one section at a time so that a mistake in one stage does not hide another.
//! Nothing here resolves paths or knows about plugins.

use std::sync::Arc;

use docpipe_contract::pipeline::{
    ErrorPolicy, RawInput, RawLimits, RawOutput, RawPipeline, RawStage,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

use super::diagnostic::{nearest, quoted_list, Anchor, DiagnosticKind, PipelineDiagnostic};
use super::source::{DocumentPath, PathSegment, SourceFile, SourceFormat};

/// Reads `source` into the raw pipeline types, reporting every problem found.
pub(crate) fn parse_raw(source: &Arc<SourceFile>) -> Result<RawPipeline, Vec<PipelineDiagnostic>> {
    let mut tree = document_tree(source).map_err(|syntax| vec![syntax])?;
    let root = DocumentPath::root();
    if !tree.is_object() {
        return Err(vec![PipelineDiagnostic::at(
            source,
            &root,
            Anchor::Value,
            DiagnosticKind::WrongType,
            format!(
                "the pipeline file must hold a table of sections, not {}",
                kind_of(&tree)
            ),
            "expected a table with `input`, `stages` and `output`",
        )
        .with_help("start from the example in the pipeline file reference")]);
    }

    let schema = schemars::schema_for!(RawPipeline);
    let schema = SchemaWalker {
        root: schema.as_value(),
    };
    let mut problems = Vec::new();
    schema.check_keys(source, schema.root, &mut tree, &root, &mut problems);

    let Value::Object(sections) = &tree else {
        unreachable!("checked above")
    };
    for (name, value) in sections {
        let path = root.join(name.as_str());
        let problem = match name.as_str() {
            "input" => check_type::<RawInput>(source, &schema, value, &path),
            "output" => check_type::<RawOutput>(source, &schema, value, &path),
            "limits" => check_type::<RawLimits>(source, &schema, value, &path),
            "on_error" => check_type::<ErrorPolicy>(source, &schema, value, &path),
            "stages" => match value {
                Value::Array(stages) => {
                    problems.extend(stages.iter().enumerate().filter_map(|(index, stage)| {
                        check_type::<RawStage>(source, &schema, stage, &path.join(index))
                    }));
                    None
                }
                _ => check_type::<Vec<RawStage>>(source, &schema, value, &path),
            },
            _ => None,
        };
        problems.extend(problem);
    }
    if problems.is_empty() {
        match serde_path_to_error::deserialize::<_, RawPipeline>(&tree) {
            Ok(raw) => return Ok(raw),
            Err(error) => problems.push(serde_problem(source, &schema, &root, error)),
        }
    }
    let mut seen = std::collections::HashSet::new();
    problems.retain(|problem| seen.insert((problem.kind(), problem.message().to_string())));
    Err(problems)
}

/// The document as a JSON value, or the syntax error that prevents it.
fn document_tree(source: &Arc<SourceFile>) -> Result<Value, PipelineDiagnostic> {
    let syntax_error = |offset: usize, message: &str| {
        let span = offset.min(source.text.len());
        PipelineDiagnostic::at_span(
            source,
            (span..span).into(),
            DiagnosticKind::Syntax,
            format!("invalid {}: {}", format_name(source.format), message.trim()),
            "here",
        )
        .with_help(format!(
            "fix the {} syntax first; nothing else was checked",
            format_name(source.format)
        ))
    };
    match source.format {
        SourceFormat::Toml => match toml_edit::Document::parse(source.text.as_str()) {
            Ok(document) => Ok(toml_item_to_json(document.as_item())),
            Err(error) => {
                let span = error.span().unwrap_or(0..0);
                Err(PipelineDiagnostic::at_span(
                    source,
                    span.into(),
                    DiagnosticKind::Syntax,
                    format!("invalid TOML: {}", error.message().trim()),
                    "here",
                )
                .with_help("fix the TOML syntax first; nothing else was checked"))
            }
        },
        SourceFormat::Json => serde_json::from_str(&source.text).map_err(|error| {
            let offset = source.offset_of(error.line(), error.column());
            syntax_error(offset, &without_position(&error.to_string()))
        }),
        SourceFormat::Yaml => serde_norway::from_str(&source.text).map_err(|error| {
            let offset = error.location().map_or(0, |location| {
                source.offset_of(location.line(), location.column())
            });
            syntax_error(offset, &without_position(&error.to_string()))
        }),
    }
}

fn format_name(format: SourceFormat) -> &'static str {
    match format {
        SourceFormat::Toml => "TOML",
        SourceFormat::Yaml => "YAML",
        SourceFormat::Json => "JSON",
    }
}

/// Drops the " at line 3 column 7" that serde_json and serde_norway append:
/// the snippet already shows where.
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

fn toml_item_to_json(item: &toml_edit::Item) -> Value {
    use toml_edit::Item;
    match item {
        Item::None => Value::Null,
        Item::Value(value) => toml_value_to_json(value),
        Item::Table(table) => Value::Object(
            table
                .iter()
                .map(|(key, item)| (key.to_string(), toml_item_to_json(item)))
                .collect(),
        ),
        Item::ArrayOfTables(tables) => Value::Array(
            tables
                .iter()
                .map(|table| {
                    Value::Object(
                        table
                            .iter()
                            .map(|(key, item)| (key.to_string(), toml_item_to_json(item)))
                            .collect(),
                    )
                })
                .collect(),
        ),
    }
}

fn toml_value_to_json(value: &toml_edit::Value) -> Value {
    use toml_edit::Value as Toml;
    match value {
        Toml::String(text) => Value::String(text.value().clone()),
        Toml::Integer(integer) => Value::from(*integer.value()),
        Toml::Float(float) => Number::from_f64(*float.value())
            .map_or_else(|| Value::String(float.value().to_string()), Value::Number),
        Toml::Boolean(boolean) => Value::Bool(*boolean.value()),
        Toml::Datetime(datetime) => Value::String(datetime.value().to_string()),
        Toml::Array(array) => Value::Array(array.iter().map(toml_value_to_json).collect()),
        Toml::InlineTable(table) => Value::Object(
            table
                .iter()
                .map(|(key, value)| (key.to_string(), toml_value_to_json(value)))
                .collect(),
        ),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "an empty document",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
    }
}

/// Reads the JSON Schema of [`RawPipeline`], so that the keys checked here
/// are always the keys the raw types accept.
struct SchemaWalker<'s> {
    root: &'s Value,
}

impl<'s> SchemaWalker<'s> {
    /// Follows `$ref` and picks the object alternative of an `anyOf`/`oneOf`.
    fn resolve(&self, mut node: &'s Value) -> &'s Value {
        for _ in 0..16 {
            if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
                let pointer = reference.trim_start_matches('#');
                match self.root.pointer(pointer) {
                    Some(target) => node = target,
                    None => return node,
                }
                continue;
            }
            let alternatives = ["anyOf", "oneOf", "allOf"]
                .iter()
                .find_map(|keyword| node.get(*keyword).and_then(Value::as_array));
            let object = alternatives.and_then(|alternatives| {
                alternatives.iter().find(|alternative| {
                    let alternative = self.resolve(alternative);
                    alternative.get("properties").is_some()
                })
            });
            match object {
                Some(object) => node = object,
                None => return node,
            }
        }
        node
    }

    /// The schema of the value at `path`, from `node`.
    fn child(&self, node: &'s Value, segment: &PathSegment) -> Option<&'s Value> {
        let node = self.resolve(node);
        match segment {
            PathSegment::Key(key) => node.get("properties")?.get(key),
            PathSegment::Index(_) => node.get("items"),
        }
    }

    /// The doc comment of the field at `path`, as a help line.
    fn description(&self, path: &[PathSegment]) -> Option<String> {
        let mut node = self.root;
        for segment in path {
            node = self.child(node, segment)?;
        }
        let text = node
            .get("description")
            .or_else(|| self.resolve(node).get("description"))?
            .as_str()?;
        let name = path.iter().rev().find_map(|segment| match segment {
            PathSegment::Key(key) => Some(key.as_str()),
            PathSegment::Index(_) => None,
        })?;
        Some(format!("`{name}`: {}", text.replace('\n', " ")))
    }

    /// Reports unknown and missing keys everywhere below `value`, and removes
    /// the unknown ones so that type checks do not report them again.
    fn check_keys(
        &self,
        source: &Arc<SourceFile>,
        node: &'s Value,
        value: &mut Value,
        path: &DocumentPath,
        problems: &mut Vec<PipelineDiagnostic>,
    ) {
        let node = self.resolve(node);
        match value {
            Value::Object(table) => {
                let Some(properties) = node.get("properties").and_then(Value::as_object) else {
                    return;
                };
                let closed = node.get("additionalProperties") == Some(&Value::Bool(false));
                let mut unknown = Vec::new();
                for (key, child) in table.iter_mut() {
                    match properties.get(key) {
                        Some(child_schema) => self.check_keys(
                            source,
                            child_schema,
                            child,
                            &path.join(key.as_str()),
                            problems,
                        ),
                        None if closed => unknown.push(key.clone()),
                        None => {}
                    }
                }
                for key in unknown {
                    table.remove(&key);
                    problems.push(unknown_key(source, path, &key, properties));
                }
                let required = node.get("required").and_then(Value::as_array);
                for key in required.into_iter().flatten().filter_map(Value::as_str) {
                    if !table.contains_key(key) {
                        problems.push(
                            PipelineDiagnostic::at(
                                source,
                                path,
                                Anchor::Key,
                                DiagnosticKind::MissingKey,
                                format!("missing key `{key}` {}", place(path)),
                                format!("`{key}` is required here"),
                            )
                            .with_optional_help(self.description(&path.join(key).0)),
                        );
                    }
                }
            }
            Value::Array(items) => {
                if let Some(items_schema) = node.get("items") {
                    for (index, item) in items.iter_mut().enumerate() {
                        self.check_keys(source, items_schema, item, &path.join(index), problems);
                    }
                }
            }
            _ => {}
        }
    }
}

fn place(path: &DocumentPath) -> String {
    if path.segments().is_empty() {
        "at the top level".to_string()
    } else {
        format!("in `{path}`")
    }
}

fn unknown_key(
    source: &Arc<SourceFile>,
    path: &DocumentPath,
    key: &str,
    properties: &Map<String, Value>,
) -> PipelineDiagnostic {
    let valid = properties.keys().map(String::as_str);
    let help = match nearest(key, valid.clone()) {
        Some(suggestion) => format!("did you mean `{suggestion}`?"),
        None => format!("valid keys here: {}", quoted_list(valid)),
    };
    PipelineDiagnostic::at(
        source,
        &path.join(key),
        Anchor::Key,
        DiagnosticKind::UnknownKey,
        format!("unknown key `{key}` {}", place(path)),
        "unknown key",
    )
    .with_help(help)
}

fn check_type<T: DeserializeOwned>(
    source: &Arc<SourceFile>,
    schema: &SchemaWalker<'_>,
    value: &Value,
    path: &DocumentPath,
) -> Option<PipelineDiagnostic> {
    serde_path_to_error::deserialize::<_, T>(value)
        .err()
        .map(|error| serde_problem(source, schema, path, error))
}

/// Turns a serde error (with the path where it happened, below `base`) into
/// a diagnostic at that place.
fn serde_problem(
    source: &Arc<SourceFile>,
    schema: &SchemaWalker<'_>,
    base: &DocumentPath,
    error: serde_path_to_error::Error<serde_json::Error>,
) -> PipelineDiagnostic {
    let mut path = base.clone();
    for segment in error.path().iter() {
        path = match segment {
            serde_path_to_error::Segment::Seq { index } => path.join(*index),
            serde_path_to_error::Segment::Map { key } => path.join(key.as_str()),
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {
                path
            }
        };
    }
    let detail = error.inner().to_string();
    let quoted: Vec<&str> = detail.split('`').skip(1).step_by(2).collect();
    let description = schema.description(path.segments());

    if let Some(rest) = detail.strip_prefix("missing field ") {
        let key = rest.trim_matches('`');
        return PipelineDiagnostic::at(
            source,
            &path,
            Anchor::Key,
            DiagnosticKind::MissingKey,
            format!("missing key `{key}` {}", place(&path)),
            format!("`{key}` is required here"),
        )
        .with_optional_help(schema.description(&path.join(key).0));
    }
    if detail.starts_with("unknown variant") || detail.starts_with("unknown field") {
        let (written, options) = quoted.split_first().map_or(("", &[][..]), |(w, o)| (*w, o));
        let help = nearest(written, options.iter().copied())
            .map(|suggestion| format!("did you mean `{suggestion}`?"))
            .unwrap_or_else(|| format!("expected one of {}", quoted_list(options.iter().copied())));
        return PipelineDiagnostic::at(
            source,
            &path,
            Anchor::Value,
            DiagnosticKind::InvalidValue,
            format!("invalid value for `{path}`: {detail}"),
            "not an allowed value",
        )
        .with_help(help);
    }
    if let Some(rest) = detail.strip_prefix("invalid type: ") {
        let expected = rest
            .rsplit_once(", expected ")
            .map_or("", |(_, expected)| expected);
        return PipelineDiagnostic::at(
            source,
            &path,
            Anchor::Value,
            DiagnosticKind::WrongType,
            format!("wrong type for `{path}`: {rest}"),
            format!("expected {expected}"),
        )
        .with_help(description.unwrap_or_else(|| format!("`{path}` must be {expected}")));
    }
    PipelineDiagnostic::at(
        source,
        &path,
        Anchor::Value,
        DiagnosticKind::InvalidValue,
        format!("invalid value for `{path}`: {detail}"),
        "invalid value",
    )
    .with_help(description.unwrap_or_else(|| "see the pipeline file reference".to_string()))
}

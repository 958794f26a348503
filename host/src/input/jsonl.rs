//! The `jsonl` format: one document per non-blank line, each a JSON object
//! with a string `text`. The file is read line by line, never whole, and a
//! bad line is reported while the lines after it are still read.

use std::io::BufRead;

use docpipe_contract::Document;
use serde_json::{Map, Value};

use super::source::SourceFile;
use super::InputError;

/// A line buffer grown past this by one long line is shrunk back afterwards.
const LINE_BUFFER_KEEP: usize = 1 << 20;

/// The documents of one JSONL file, one per non-blank line.
pub(super) struct JsonlLines {
    file: SourceFile,
    /// `None` once the file is exhausted or failed to read.
    reader: Option<Box<dyn BufRead + Send>>,
    line: u64,
    buffer: Vec<u8>,
}

impl JsonlLines {
    pub fn open(file: SourceFile) -> Result<Self, InputError> {
        let reader = file.open()?;
        Ok(JsonlLines {
            file,
            reader: Some(reader),
            line: 0,
            buffer: Vec::new(),
        })
    }

    fn parse(&self, bytes: &[u8]) -> Result<Document, InputError> {
        let text = std::str::from_utf8(bytes).map_err(|error| InputError::JsonlInvalidUtf8 {
            path: self.file.path.clone(),
            line: self.line,
            column: error.valid_up_to() as u64 + 1,
        })?;
        let value: Value = serde_json::from_str(text).map_err(|error| {
            // serde_json ends its message with the position, which we give
            // separately, relative to the file rather than to the line.
            let position = format!(" at line {} column {}", error.line(), error.column());
            let message = error.to_string();
            InputError::JsonlSyntax {
                path: self.file.path.clone(),
                line: self.line,
                column: error.column() as u64,
                message: message
                    .strip_suffix(&position)
                    .unwrap_or(&message)
                    .to_string(),
            }
        })?;
        let Value::Object(object) = value else {
            return Err(self.shape_error("expected a JSON object"));
        };
        self.document(object)
    }

    /// Turns a line's object into a document: `id`, `text`, `title` and
    /// `meta` go to their own places, every other field is kept as is.
    fn document(&self, mut object: Map<String, Value>) -> Result<Document, InputError> {
        let id = match object.shift_remove("id") {
            None | Some(Value::Null) => format!("{}:{}", self.file.id_path(), self.line),
            Some(Value::String(id)) => id,
            Some(Value::Number(id)) => id.to_string(),
            Some(_) => return Err(self.shape_error("`id` must be a string or a number")),
        };
        let text = match object.shift_remove("text") {
            Some(Value::String(text)) => text,
            Some(_) => return Err(self.shape_error("`text` must be a string")),
            None => return Err(self.shape_error("missing `text` field")),
        };
        let title = match object.shift_remove("title") {
            None | Some(Value::Null) => None,
            Some(Value::String(title)) => Some(title),
            Some(_) => return Err(self.shape_error("`title` must be a string")),
        };
        let mut meta = match object.shift_remove("meta") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(meta)) => meta,
            Some(_) => return Err(self.shape_error("`meta` must be an object")),
        };
        meta.entry("source")
            .or_insert_with(|| self.file.source_meta(Some(self.line)));
        Ok(Document {
            id,
            text,
            title,
            meta,
            fields: object,
        })
    }

    fn shape_error(&self, reason: &'static str) -> InputError {
        InputError::JsonlShape {
            path: self.file.path.clone(),
            line: self.line,
            reason,
        }
    }
}

impl Iterator for JsonlLines {
    type Item = Result<Document, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let reader = self.reader.as_mut()?;
            self.buffer.clear();
            if self.buffer.capacity() > LINE_BUFFER_KEEP {
                self.buffer.shrink_to(LINE_BUFFER_KEEP);
            }
            match reader.read_until(b'\n', &mut self.buffer) {
                Ok(0) => {
                    self.reader = None;
                    return None;
                }
                Ok(_) => {}
                Err(source) => {
                    // A read error (say, a truncated gzip stream) leaves no
                    // trustworthy place to resume: the rest of the file is lost.
                    self.reader = None;
                    return Some(Err(self.file.read_error(source)));
                }
            }
            self.line += 1;
            let mut bytes = self.buffer.as_slice();
            if self.line == 1 {
                bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(self.parse(bytes));
        }
    }
}

//! The `jsonl` format: one document per non-blank line, each a JSON object
//! with a string `text`. The file is read line by line, never whole, and a
//! bad line is reported while the lines after it are still read. A line over
//! `max_file_size` is skipped without being held.

use std::io::{self, BufRead};

use docpipe_contract::Document;
use serde_json::{Map, Value};

use super::content::BINARY_SNIFF_LENGTH;
use super::source::SourceFile;
use super::{utf8, InputError, ReadOptions};

/// A line buffer grown past this by one long line is shrunk back afterwards.
const LINE_BUFFER_KEEP: usize = 1 << 20;

/// The documents of one JSONL file, one per non-blank line.
pub(super) struct JsonlLines {
    file: SourceFile,
    options: ReadOptions,
    /// `None` once the file is exhausted, failed to read or looked binary.
    reader: Option<Box<dyn BufRead + Send>>,
    line: u64,
    /// Bytes of the (decompressed) file before the current line.
    line_start: u64,
    /// The current line, without its `\n`.
    buffer: Vec<u8>,
}

impl JsonlLines {
    pub fn open(file: SourceFile, options: ReadOptions) -> Result<Self, InputError> {
        let reader = file.open()?;
        Ok(JsonlLines {
            file,
            options,
            reader: Some(reader),
            line: 0,
            line_start: 0,
            buffer: Vec::new(),
        })
    }

    fn parse(&self, bytes: &[u8]) -> Result<Document, InputError> {
        if let Some(index) = bytes.iter().position(|&byte| byte == 0) {
            return Err(InputError::JsonlNul {
                path: self.file.path.clone(),
                line: self.line,
                column: index as u64 + 1,
            });
        }
        let decoded = utf8::decode(bytes, self.options.invalid_utf8).map_err(|offset| {
            InputError::JsonlInvalidUtf8 {
                path: self.file.path.clone(),
                line: self.line,
                column: offset as u64 + 1,
            }
        })?;
        let value: Value = serde_json::from_str(&decoded.text).map_err(|error| {
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
        self.document(object, decoded.replaced_bytes)
    }

    /// Turns a line's object into a document: `id`, `text`, `title` and
    /// `meta` go to their own places, every other field is kept as is.
    /// `replaced_bytes` joins `meta.source` when that is an object.
    fn document(
        &self,
        mut object: Map<String, Value>,
        replaced_bytes: u64,
    ) -> Result<Document, InputError> {
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
        let source = meta
            .entry("source")
            .or_insert_with(|| self.file.source_meta(Some(self.line), replaced_bytes));
        if let Value::Object(source) = source {
            if replaced_bytes > 0 {
                source.insert("replaced_bytes".into(), Value::from(replaced_bytes));
            }
        }
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
            let limit = usize::try_from(self.options.max_file_size).unwrap_or(usize::MAX);
            let read = match read_line(reader, &mut self.buffer, limit) {
                Ok(None) => {
                    self.reader = None;
                    return None;
                }
                Ok(Some(read)) => read,
                Err(source) => {
                    // A read error (say, a truncated gzip stream) leaves no
                    // trustworthy place to resume: the rest of the file is lost.
                    self.reader = None;
                    return Some(Err(self.file.read_error(source)));
                }
            };
            self.line += 1;
            let line_start = self.line_start;
            self.line_start += read.length;
            if read.too_long {
                return Some(Err(InputError::JsonlLineTooLong {
                    path: self.file.path.clone(),
                    line: self.line,
                    limit: self.options.max_file_size,
                }));
            }
            let mut bytes = self.buffer.as_slice();
            if self.line == 1 {
                bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            // A NUL early in the file means it is not text at all: one error
            // for the file rather than one per line of garbage.
            let nul = self.buffer.iter().position(|&byte| byte == 0);
            if let Some(offset) = nul.map(|index| line_start + index as u64) {
                if offset < BINARY_SNIFF_LENGTH as u64 {
                    self.reader = None;
                    return Some(Err(self.file.binary_error(offset as usize)));
                }
            }
            return Some(self.parse(bytes));
        }
    }
}

/// What [`read_line`] found.
struct LineRead {
    /// Bytes consumed, the `\n` included.
    length: u64,
    /// The line was longer than the limit; it was consumed, not kept.
    too_long: bool,
}

/// Reads one line into `buffer`, without its `\n`; `None` at the end of the
/// input. A line longer than `limit` bytes is read to its end but not kept,
/// so the buffer never holds more than `limit` bytes.
fn read_line(
    reader: &mut dyn BufRead,
    buffer: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Option<LineRead>> {
    let mut read = LineRead {
        length: 0,
        too_long: false,
    };
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            return Ok((read.length > 0).then_some(read));
        }
        let newline = available.iter().position(|&byte| byte == b'\n');
        let content = &available[..newline.unwrap_or(available.len())];
        if !read.too_long {
            if buffer.len() + content.len() > limit {
                read.too_long = true;
                buffer.clear();
            } else {
                buffer.extend_from_slice(content);
            }
        }
        let consumed = content.len() + usize::from(newline.is_some());
        reader.consume(consumed);
        read.length += consumed as u64;
        if newline.is_some() {
            return Ok(Some(read));
        }
    }
}

//! The `html` format: one page per file, decoded from the encoding it
//! declares, kept whole in the `html` field and rendered as plain text.

use docpipe_contract::Document;
use encoding_rs::{UTF_16BE, UTF_16LE};
use scraper::Html;
use serde_json::Value;

use super::source::SourceFile;
use super::{content, html_charset, html_text, InputError, ReadOptions};

pub(super) fn read(file: &SourceFile, options: ReadOptions) -> Result<Document, InputError> {
    let bytes = file.read_all(options.max_file_size)?;
    let (encoding, bom_length) = html_charset::sniff(&bytes);
    let nul = if encoding == UTF_16LE || encoding == UTF_16BE {
        content::find_nul_utf16(&bytes, bom_length)
    } else {
        content::find_nul(&bytes)
    };
    if let Some(offset) = nul {
        return Err(file.binary_error(offset));
    }
    let decoded = html_charset::decode(encoding, &bytes[bom_length..], options.invalid_utf8)
        .map_err(|offset| InputError::InvalidEncoding {
            path: file.path.clone(),
            encoding: encoding.name(),
            offset: (bom_length + offset) as u64,
        })?;
    drop(bytes); // Hold one copy of the page, not two, while parsing.
    let html = decoded.text;
    if content::is_blank(&html) {
        return Err(file.empty_error());
    }
    let page = Html::parse_document(&html);
    let mut document = Document::new(file.id_path(), html_text::render(&page));
    document.title = html_text::title(&page);
    document.meta.insert(
        "source".into(),
        file.source_meta(None, decoded.replaced_bytes),
    );
    document.fields.insert("html".into(), Value::String(html));
    Ok(document)
}

//! The `html` format: one page per file, decoded from the encoding it
//! declares, kept whole in the `html` field and rendered as plain text.

use docpipe_contract::Document;
use scraper::Html;
use serde_json::Value;

use super::source::SourceFile;
use super::{html_charset, html_text, InputError};

pub(super) fn read(file: &SourceFile) -> Result<Document, InputError> {
    let bytes = file.read_all()?;
    let (encoding, bom_length) = html_charset::sniff(&bytes);
    let html = html_charset::decode(encoding, &bytes[bom_length..]).map_err(|offset| {
        InputError::InvalidEncoding {
            path: file.path.clone(),
            encoding: encoding.name(),
            offset: (bom_length + offset) as u64,
        }
    })?;
    drop(bytes); // Hold one copy of the page, not two, while parsing.
    let page = Html::parse_document(&html);
    let mut document = Document::new(file.id_path(), html_text::render(&page));
    document.title = html_text::title(&page);
    document
        .meta
        .insert("source".into(), file.source_meta(None));
    document.fields.insert("html".into(), Value::String(html));
    Ok(document)
}

//! The `text` format: one document per file, the whole file as UTF-8.

use docpipe_contract::Document;

use super::source::SourceFile;
use super::InputError;

pub(super) fn read(file: &SourceFile) -> Result<Document, InputError> {
    let bytes = file.read_all()?;
    let mut text = String::from_utf8(bytes).map_err(|error| InputError::InvalidUtf8 {
        path: file.path.clone(),
        offset: error.utf8_error().valid_up_to() as u64,
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    let mut document = Document::new(file.id_path(), text);
    document
        .meta
        .insert("source".into(), file.source_meta(None));
    Ok(document)
}

//! The `text` format: one document per file, the whole file as UTF-8.

use docpipe_contract::Document;

use super::source::SourceFile;
use super::{content, utf8, InputError, ReadOptions};

pub(super) fn read(file: &SourceFile, options: ReadOptions) -> Result<Document, InputError> {
    let bytes = file.read_all(options.max_file_size)?;
    if let Some(offset) = content::find_nul(&bytes) {
        return Err(file.binary_error(offset));
    }
    let decoded = utf8::decode_owned(bytes, options.invalid_utf8).map_err(|offset| {
        InputError::InvalidUtf8 {
            path: file.path.clone(),
            offset: offset as u64,
        }
    })?;
    let mut text = decoded.text;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    if content::is_blank(&text) {
        return Err(file.empty_error());
    }
    let mut document = Document::new(file.id_path(), text);
    document.meta.insert(
        "source".into(),
        file.source_meta(None, decoded.replaced_bytes),
    );
    Ok(document)
}

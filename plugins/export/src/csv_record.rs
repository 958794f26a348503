//! RFC 4180 CSV: comma separated, CRLF line ends, a field quoted when it holds
//! a comma, a quote, CR or LF, embedded quotes doubled. The header row and
//! each document's row are encoded apart, as the host writes the header once.

use crate::field_path::{value_text, FieldPath};
use docpipe_plugin_sdk::PluginError;
use serde_json::Value;

/// One CSV row of `cells`, ending in CRLF.
pub(crate) fn csv_row<'a>(
    cells: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<u8>, PluginError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(cells).map_err(csv_error)?;
    writer.into_inner().map_err(|e| csv_error(e.into_error()))
}

/// The row for `document`: each column's value as text, a missing field (or
/// `null`) as an empty cell, non-strings as compact JSON.
pub(crate) fn document_row(
    columns: &[FieldPath],
    document: &Value,
) -> Result<Vec<u8>, PluginError> {
    let cells: Vec<String> = columns
        .iter()
        .map(|column| column.lookup(document).map(value_text).unwrap_or_default())
        .collect();
    csv_row(cells.iter().map(String::as_str))
}

fn csv_error(error: impl std::fmt::Display) -> PluginError {
    // Writing to memory does not fail; kept as an error rather than a panic.
    PluginError::new(
        "invalid-output",
        format!("CSV row does not encode: {error}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        let row = csv_row([
            "plain",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "cr\r",
            "",
            "'*|<>&",
        ])
        .unwrap();
        assert_eq!(
            String::from_utf8(row).unwrap(),
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",,'*|<>&\r\n"
        );
    }

    #[test]
    fn a_lone_empty_cell_is_quoted_so_the_row_is_not_blank() {
        assert_eq!(csv_row([""]).unwrap(), b"\"\"\r\n");
    }
}

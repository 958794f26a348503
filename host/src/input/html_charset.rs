//! Which encoding an HTML page is in, and decoding it.
//!
//! The encoding comes from a byte order mark, else from a `<meta charset>` or
//! `<meta http-equiv="content-type">` in the first 1024 bytes (the WHATWG
//! "prescan a byte stream" algorithm), else it is UTF-8 if the page is valid
//! UTF-8, else `chardetng`'s guess (as a browser guesses from its locale: an
//! old page with no declaration is in some legacy encoding, not broken).
//! Unlike a browser, bytes invalid in a declared encoding are an error unless
//! `input.invalid_utf8` asks for them to be replaced.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use docpipe_contract::pipeline::InvalidUtf8Policy;
use encoding_rs::{
    DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252, X_USER_DEFINED,
};

use super::utf8::Decoded;

/// How many leading bytes are searched for a `<meta>` declaring the charset.
const PRESCAN_LENGTH: usize = 1024;

/// The page's encoding and the length of its byte order mark (0 when none).
pub(super) fn sniff(bytes: &[u8]) -> (&'static Encoding, usize) {
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        return (encoding, bom_length);
    }
    let declared = prescan(&bytes[..bytes.len().min(PRESCAN_LENGTH)]);
    (declared.unwrap_or_else(|| undeclared(bytes)), 0)
}

/// The encoding of a page that declares none: UTF-8 when it is valid UTF-8,
/// else the legacy encoding its bytes look like (never UTF-8, which they are
/// not; the guess may fall back to windows-1252, which decodes every byte).
fn undeclared(bytes: &[u8]) -> &'static Encoding {
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    // ISO-2022-JP is left out, as browsers leave it out for pages.
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, Utf8Detection::Deny)
}

/// Decodes `bytes` (without their byte order mark) as `encoding`. Malformed
/// input is replaced with U+FFFD under [`InvalidUtf8Policy::Replace`], else
/// it fails with the offset of the first bad byte within `bytes`.
pub(super) fn decode(
    encoding: &'static Encoding,
    bytes: &[u8],
    policy: InvalidUtf8Policy,
) -> Result<Decoded<String>, usize> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::new();
    let mut replaced_bytes = 0;
    let mut read = 0;
    loop {
        let remaining = &bytes[read..];
        let needed = decoder
            .max_utf8_buffer_length_without_replacement(remaining.len())
            .unwrap_or(remaining.len());
        text.reserve(needed);
        let (result, just_read) =
            decoder.decode_to_string_without_replacement(remaining, &mut text, true);
        read += just_read;
        match result {
            DecoderResult::InputEmpty => {
                return Ok(Decoded {
                    text,
                    replaced_bytes,
                })
            }
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(bad, pending) => match policy {
                InvalidUtf8Policy::Reject => {
                    return Err(read - usize::from(bad) - usize::from(pending));
                }
                InvalidUtf8Policy::Replace => {
                    text.push(char::REPLACEMENT_CHARACTER);
                    replaced_bytes += u64::from(bad);
                }
            },
        }
    }
}

/// The encoding a `<meta>` in `head` declares, per the WHATWG prescan.
fn prescan(head: &[u8]) -> Option<&'static Encoding> {
    let mut position = 0;
    while position < head.len() {
        let rest = &head[position..];
        if rest.starts_with(b"<!--") {
            // To the `>` of the first `-->`, which may share dashes with `<!--`.
            position += 2 + find(&rest[2..], b"-->")? + 2;
        } else if starts_with_ignore_case(rest, b"<meta")
            && rest
                .get(5)
                .is_some_and(|&byte| is_space(byte) || byte == b'/')
        {
            position += 5;
            if let Some(encoding) = meta_encoding(head, &mut position) {
                return Some(encoding);
            }
        } else if (rest.starts_with(b"<") && rest.get(1).is_some_and(u8::is_ascii_alphabetic))
            || (rest.starts_with(b"</") && rest.get(2).is_some_and(u8::is_ascii_alphabetic))
        {
            position += rest
                .iter()
                .position(|&byte| is_space(byte) || byte == b'>')
                .unwrap_or(rest.len());
            while attribute(head, &mut position).is_some() {}
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            position += find(rest, b">")?;
        }
        position += 1;
    }
    None
}

/// Reads the attributes of a `<meta>` whose name was just consumed and
/// returns the encoding it declares, if it declares one usably.
fn meta_encoding(head: &[u8], position: &mut usize) -> Option<&'static Encoding> {
    let mut seen: Vec<Vec<u8>> = Vec::new();
    let mut got_pragma = false;
    // None: no charset seen; Some(false): from `charset`; Some(true): from `content`.
    let mut need_pragma = None;
    let mut charset = None;
    while let Some((name, value)) = attribute(head, position) {
        if seen.contains(&name) {
            continue;
        }
        match name.as_slice() {
            b"http-equiv" if value.eq_ignore_ascii_case(b"content-type") => got_pragma = true,
            b"content" if charset.is_none() => {
                if let Some(encoding) = charset_from_content(&value) {
                    charset = Some(encoding);
                    need_pragma = Some(true);
                }
            }
            b"charset" => {
                charset = Encoding::for_label(&value);
                need_pragma = Some(false);
            }
            _ => {}
        }
        seen.push(name);
    }
    match need_pragma {
        None => return None,
        Some(true) if !got_pragma => return None,
        _ => {}
    }
    let charset = charset?;
    Some(if charset == UTF_16BE || charset == UTF_16LE {
        UTF_8
    } else if charset == X_USER_DEFINED {
        WINDOWS_1252
    } else {
        charset
    })
}

/// The WHATWG "get an attribute" step: the next attribute's lowercased
/// name and value, or `None` at `>` or the end of `head`.
fn attribute(head: &[u8], position: &mut usize) -> Option<(Vec<u8>, Vec<u8>)> {
    let at = |position: usize| head.get(position).copied();
    while at(*position).is_some_and(|byte| is_space(byte) || byte == b'/') {
        *position += 1;
    }
    if at(*position)? == b'>' {
        return None;
    }
    let mut name = Vec::new();
    let mut value = Vec::new();
    loop {
        let byte = at(*position)?;
        if byte == b'=' && !name.is_empty() {
            *position += 1;
            break;
        } else if is_space(byte) {
            while at(*position).is_some_and(is_space) {
                *position += 1;
            }
            if at(*position)? != b'=' {
                return Some((name, value));
            }
            *position += 1;
            break;
        } else if byte == b'/' || byte == b'>' {
            return Some((name, value));
        }
        name.push(byte.to_ascii_lowercase());
        *position += 1;
    }
    while at(*position).is_some_and(is_space) {
        *position += 1;
    }
    let byte = at(*position)?;
    if byte == b'"' || byte == b'\'' {
        *position += 1;
        loop {
            let next = at(*position)?;
            *position += 1;
            if next == byte {
                return Some((name, value));
            }
            value.push(next.to_ascii_lowercase());
        }
    }
    if byte == b'>' {
        return Some((name, value));
    }
    loop {
        let next = at(*position)?;
        if is_space(next) || next == b'>' {
            return Some((name, value));
        }
        value.push(next.to_ascii_lowercase());
        *position += 1;
    }
}

/// The WHATWG "extract a character encoding from a meta element" algorithm
/// over a `content` value such as `text/html; charset=windows-1256`.
fn charset_from_content(content: &[u8]) -> Option<&'static Encoding> {
    let mut position = 0;
    loop {
        position += find_ignore_case(&content[position..], b"charset")? + b"charset".len();
        while content.get(position).copied().is_some_and(is_space) {
            position += 1;
        }
        if content.get(position) == Some(&b'=') {
            position += 1;
            break;
        }
    }
    while content.get(position).copied().is_some_and(is_space) {
        position += 1;
    }
    let rest = &content[position..];
    match rest.first() {
        Some(&quote @ (b'"' | b'\'')) => {
            let end = rest[1..].iter().position(|&byte| byte == quote)?;
            Encoding::for_label(&rest[1..1 + end])
        }
        Some(_) => {
            let end = rest
                .iter()
                .position(|&byte| is_space(byte) || byte == b';')
                .unwrap_or(rest.len());
            Encoding::for_label(&rest[..end])
        }
        None => None,
    }
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
}

fn starts_with_ignore_case(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes.len() >= prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix)
}

#[cfg(test)]
mod tests {
    use encoding_rs::{SHIFT_JIS, WINDOWS_1256};

    use super::*;

    #[test]
    fn a_meta_charset_names_the_encoding() {
        let page = b"<!doctype html><html><head><META Charset='windows-1256'>";
        assert_eq!(sniff(page), (WINDOWS_1256, 0));
    }

    #[test]
    fn an_http_equiv_content_type_names_the_encoding() {
        let page =
            br#"<head><meta content="text/html; charset=Shift_JIS" http-equiv="Content-Type">"#;
        assert_eq!(sniff(page), (SHIFT_JIS, 0));
    }

    #[test]
    fn a_content_charset_without_http_equiv_is_ignored() {
        let page = br#"<meta content="text/html; charset=Shift_JIS">"#;
        assert_eq!(sniff(page), (UTF_8, 0));
    }

    #[test]
    fn a_meta_inside_a_comment_is_ignored() {
        let page = br#"<!-- <meta charset="windows-1256"> --><p>"#;
        assert_eq!(sniff(page), (UTF_8, 0));
    }

    #[test]
    fn a_meta_past_the_first_1024_bytes_is_ignored() {
        let mut page = vec![b' '; PRESCAN_LENGTH];
        page.extend_from_slice(br#"<meta charset="windows-1256">"#);
        assert_eq!(sniff(&page), (UTF_8, 0));
    }

    #[test]
    fn an_undeclared_page_in_a_legacy_encoding_is_guessed() {
        let text = "<p>Une rivière déborde près de l'école; les élèves à la maison.</p>";
        let (latin, _, _) = WINDOWS_1252.encode(text);
        assert_eq!(sniff(&latin), (WINDOWS_1252, 0));
        let (arabic, _, _) =
            WINDOWS_1256.encode("<p>افتتحت البلدية صباح اليوم مكتبة عامة جديدة في وسط المدينة</p>");
        assert_eq!(sniff(&arabic), (WINDOWS_1256, 0));
        assert_eq!(sniff(text.as_bytes()), (UTF_8, 0));
    }

    #[test]
    fn a_byte_order_mark_wins_over_meta() {
        let page = b"\xEF\xBB\xBF<meta charset=windows-1256>";
        assert_eq!(sniff(page), (UTF_8, 3));
    }

    #[test]
    fn a_utf16_declaration_in_meta_means_utf8() {
        assert_eq!(sniff(b"<meta charset=utf-16le>"), (UTF_8, 0));
    }

    fn decoded(
        encoding: &'static Encoding,
        bytes: &[u8],
        policy: InvalidUtf8Policy,
    ) -> Result<(String, u64), usize> {
        decode(encoding, bytes, policy).map(|decoded| (decoded.text, decoded.replaced_bytes))
    }

    #[test]
    fn decoding_reports_the_offset_of_the_first_bad_byte() {
        let reject = InvalidUtf8Policy::Reject;
        assert_eq!(decoded(UTF_8, b"abc\xFFdef", reject), Err(3));
        assert_eq!(decoded(UTF_8, "é".as_bytes(), reject), Ok(("é".into(), 0)));
    }

    #[test]
    fn replacing_puts_one_replacement_character_per_bad_sequence_and_counts_bytes() {
        let replace = InvalidUtf8Policy::Replace;
        assert_eq!(
            decoded(UTF_8, b"a\xFF\xFEb\xE2\x82c", replace),
            Ok(("a\u{FFFD}\u{FFFD}b\u{FFFD}c".into(), 4))
        );
        assert_eq!(
            decoded(UTF_16LE, b"a\0\x00\xDCb\0", replace),
            Ok(("a\u{FFFD}b".into(), 2))
        );
    }
}

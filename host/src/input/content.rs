//! Refusals based on what a whole file holds, before it becomes a document:
//! content that looks binary, and no content at all. They keep a stray image
//! or an empty placeholder from turning into a document of garbage or nothing.

/// How much of the start of a file is searched for a NUL byte.
pub(super) const BINARY_SNIFF_LENGTH: usize = 8 * 1024;

/// The offset of the first NUL byte in the first 8 KiB of `bytes`, which no
/// text file holds (git and grep judge binary files the same way).
pub(super) fn find_nul(bytes: &[u8]) -> Option<usize> {
    bytes[..bytes.len().min(BINARY_SNIFF_LENGTH)]
        .iter()
        .position(|&byte| byte == 0)
}

/// As [`find_nul`] for UTF-16 from `start` (after the byte order mark), where
/// half of an ASCII character's bytes are zero and only a zero code unit is
/// a NUL; the offset is that of the code unit.
pub(super) fn find_nul_utf16(bytes: &[u8], start: usize) -> Option<usize> {
    let end = bytes.len().min(BINARY_SNIFF_LENGTH);
    (start..end.saturating_sub(1))
        .step_by(2)
        .find(|&offset| bytes[offset] == 0 && bytes[offset + 1] == 0)
}

/// Whether decoded content is nothing but whitespace.
pub(super) fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

//! `char::is_alphabetic` and `char::is_alphanumeric`, fast on any script,
//! and the blocks that have no case.
//!
//! The standard library answers a non-ASCII character with a search of its
//! Unicode tables. Plugins ask once or more per character of every document,
//! and on text in Cyrillic, Arabic or Devanagari that search was a fifth of a
//! language detector's time. Here the answers are remembered per block of 64
//! code points of the Basic Multilingual Plane: a block is looked up in the
//! standard library's tables the first time one of its characters is asked
//! about (once per instance, which serves many documents), and from then on
//! each character costs a bit test. The answers are the standard library's
//! by construction, and a test compares them on every character.

use std::sync::atomic::{AtomicU64, Ordering};

/// `c.is_alphabetic()`.
pub fn is_alphabetic(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    match classes(c) {
        Some(class) => class & ALPHABETIC != 0,
        None => c.is_alphabetic(),
    }
}

/// `c.is_alphanumeric()`.
pub fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    match classes(c) {
        Some(class) => class & (ALPHABETIC | NUMERIC) != 0,
        None => c.is_alphanumeric(),
    }
}

/// Whether `c` is in a block without a single cased letter: Hebrew to
/// Tibetan (Arabic, Syriac, Thaana, the Indic scripts, Thai, Lao), CJK
/// symbols, kana and ideographs, Hangul syllables. Such a character is its
/// own lower case, which a plugin folding text then knows without the
/// standard library's case tables (a test checks every one).
pub fn is_caseless(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{0FFF}' | '\u{3000}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}')
}

const ALPHABETIC: u8 = 1;
const NUMERIC: u8 = 2;

/// The classes of a BMP character (`None` outside the BMP).
fn classes(c: char) -> Option<u8> {
    let code = u32::from(c);
    if code >= 0x1_0000 {
        return None;
    }
    let block = (code / 64) as usize;
    let known = &KNOWN[block / 64];
    let known_bit = 1u64 << (block % 64);
    let bit = 1u64 << (code % 64);
    if known.load(Ordering::Acquire) & known_bit == 0 {
        let first = block as u32 * 64;
        let (mut alphabetic, mut numeric) = (0u64, 0u64);
        for offset in 0..64u32 {
            if let Some(c) = char::from_u32(first + offset) {
                alphabetic |= u64::from(c.is_alphabetic()) << offset;
                numeric |= u64::from(c.is_numeric()) << offset;
            }
        }
        // Racing writers store the same bits; a reader that sees the block
        // marked known (acquire) sees them (release).
        ALPHABETIC_BITS[block].store(alphabetic, Ordering::Relaxed);
        NUMERIC_BITS[block].store(numeric, Ordering::Relaxed);
        known.fetch_or(known_bit, Ordering::Release);
    }
    let alphabetic = ALPHABETIC_BITS[block].load(Ordering::Relaxed) & bit != 0;
    let numeric = NUMERIC_BITS[block].load(Ordering::Relaxed) & bit != 0;
    Some((u8::from(alphabetic) * ALPHABETIC) | (u8::from(numeric) * NUMERIC))
}

/// One bit per code point of the BMP, valid for the blocks marked in [`KNOWN`].
static ALPHABETIC_BITS: [AtomicU64; 1024] = [const { AtomicU64::new(0) }; 1024];
static NUMERIC_BITS: [AtomicU64; 1024] = [const { AtomicU64::new(0) }; 1024];
/// One bit per block of 64 code points: whether its bits have been filled.
static KNOWN: [AtomicU64; 16] = [const { AtomicU64::new(0) }; 16];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caseless_blocks_have_no_case() {
        for c in (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| is_caseless(c))
        {
            assert!(c.to_lowercase().eq([c]), "{c:?} has a lower case");
            assert!(!c.is_uppercase() && !c.is_lowercase(), "{c:?} is cased");
        }
    }

    #[test]
    fn the_answers_are_the_standard_librarys_for_every_character() {
        // Twice: the first pass fills the blocks, the second reads them.
        for _ in 0..2 {
            for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
                let code = u32::from(c);
                assert_eq!(is_alphabetic(c), c.is_alphabetic(), "U+{code:04X}");
                assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "U+{code:04X}");
            }
        }
    }
}

//! Which writing system a letter belongs to, for the scripts of the languages
//! the detector knows. Used twice: at build time to note each language's
//! scripts (from its unigram model) and at run time to keep only the languages
//! written in the text's dominant script, as lingua's rules do.

/// ISO 15924 codes, indexed by the value [`of`] returns.
pub const SCRIPTS: [&str; 19] = [
    "Latn", "Cyrl", "Arab", "Hebr", "Grek", "Armn", "Geor", "Deva", "Beng", "Gujr", "Guru", "Taml",
    "Telu", "Thai", "Hang", "Hani", "Hira", "Kana", "Ethi",
];

/// Index of Hiragana and Katakana in [`SCRIPTS`]: only Japanese writes them.
pub const KANA: [u8; 2] = [16, 17];

/// Index of Han ideographs in [`SCRIPTS`].
pub const HAN: u8 = 15;

/// Whether `c` is a letter (or a vowel sign: Unicode "Alphabetic"), with a
/// quick answer for ASCII, which most texts are mostly made of.
pub fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        c.is_alphabetic()
    }
}

/// Whether `c` is a Han ideograph or kana: each is a word of its own.
pub fn is_ideograph_or_kana(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0xFF66..=0xFF9F | 0x20000..=0x2FA1F)
}

/// The script of `c`, as an index into [`SCRIPTS`], if it is a letter of one.
#[allow(dead_code)] // build.rs notes each language's scripts with it
pub fn of(c: char) -> Option<u8> {
    // The blocks hold digits and punctuation too; only letters count.
    block_of(c).filter(|_| is_letter(c))
}

/// The script whose Unicode blocks hold `c`, letter or not: for text already
/// split into words of letters.
pub fn block_of(c: char) -> Option<u8> {
    let index = match c as u32 {
        0x0041..=0x024F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF => 0,
        0x0370..=0x03FF | 0x1F00..=0x1FFF => 4,
        0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => 1,
        0x0530..=0x058F => 5,
        0x0590..=0x05FF | 0xFB1D..=0xFB4F => 3,
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            2
        }
        0x0900..=0x097F => 7,
        0x0980..=0x09FF => 8,
        0x0A00..=0x0A7F => 10,
        0x0A80..=0x0AFF => 9,
        0x0B80..=0x0BFF => 11,
        0x0C00..=0x0C7F => 12,
        0x0E00..=0x0E7F => 13,
        0x10A0..=0x10FF | 0x1C90..=0x1CBF => 6,
        0x1200..=0x139F => 18,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => 14,
        0x3040..=0x309F => 16,
        0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => 17,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F => 15,
        _ => return None,
    };
    Some(index)
}

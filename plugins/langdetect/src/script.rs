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

/// Whether `c` belongs inside a word: a letter as lingua's models count
/// them (`\p{L}`), and the vowel signs of the Brahmic scripts, which they
/// hold. Arabic and Hebrew vowel points are alphabetic to Unicode but not
/// letters, and the models hold none, so they split words; so do viramas
/// (lingua's own tokenizer keeps those in the word, but its models hold no
/// n-gram with one, and keeping them cost Hindi and Marathi word pairs two
/// points each on the dev set). Quick for ASCII, which most texts are made of.
pub fn is_letter(c: char) -> bool {
    is_letter_by(c, char::is_alphabetic)
}

/// [`is_letter`], asking `is_alphabetic` for what `char::is_alphabetic`
/// answers: at run time the SDK's `chars::is_alphabetic`, which gives the
/// same answers without a table search per character (the model crate,
/// which shares this file, has no SDK).
pub fn is_letter_by(c: char, is_alphabetic: impl Fn(char) -> bool) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    match c as u32 {
        0x0345 | 0x05B0..=0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 => false,
        0x06D6..=0x06E4 | 0x06E7..=0x06ED => false,
        _ => is_alphabetic(c),
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

//! UAX #29 words, as `unicode-segmentation`'s `unicode_words` gives them,
//! with two quick paths. In ASCII text the word rules reduce to runs of
//! letters, digits and `_`, joined across one `.` `'` `:` between letters or
//! one `.` `'` `,` `;` between digits (`U.S`, `don't`, `3.5`, `1,200`).
//! Text whose characters all lie in Latin to N'Ko (Latin-1, Greek, Cyrillic,
//! Armenian, Arabic, Syriac, Thaana) or General Punctuation, Hebrew letters
//! and the zero-width joiner aside, goes through the same rules written out
//! for the classes found there, read from a table copied from
//! unicode-segmentation's (`table.rs`): 7 ns a character on Arabic news
//! against 16 for the general iterator (natively, `examples/words_speed.rs`),
//! and the ASCII path less than either. Other text goes through the general
//! rules, with the SDK's [`chars`](crate::chars) for the letter test.

mod table;

use crate::chars;
use unicode_segmentation::{UWordBounds, UnicodeSegmentation};

/// The words of `text`, in order.
pub fn words(text: &str) -> Words<'_> {
    if text.is_ascii() {
        Words::Ascii(AsciiWords { text, at: 0 })
    } else if text.chars().all(|c| class(c) != Class::Unsupported) {
        Words::Table(TableWords { text, at: 0 })
    } else {
        Words::Unicode(text.split_word_bounds().filter(has_letter_or_digit))
    }
}

/// `unicode_words` is `split_word_bounds` keeping the pieces with a letter or
/// digit, which it asks the standard library about (its own tables are for
/// other Unicode versions); the SDK's `chars` gives the same answers
/// without a table search per character.
fn has_letter_or_digit(piece: &&str) -> bool {
    piece.chars().any(chars::is_alphanumeric)
}

/// The words of a text, from [`words`].
pub enum Words<'a> {
    /// ASCII text, split by the reduced rules.
    Ascii(AsciiWords<'a>),
    /// Text in the scripts `table.rs` covers, split by the rules written out
    /// for their classes.
    Table(TableWords<'a>),
    /// Any other text, by the general rules.
    Unicode(std::iter::Filter<UWordBounds<'a>, fn(&&'a str) -> bool>),
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match self {
            Words::Ascii(words) => words.next(),
            Words::Table(words) => words.next(),
            Words::Unicode(words) => words.next(),
        }
    }
}

/// A character's word-break class (UAX #29's `Word_Break` property), as far
/// as the table path needs to tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Class {
    Other,
    Letter,
    Numeric,
    MidLetter,
    MidNum,
    /// MidNumLet and Single_Quote, which without Hebrew letters act alike.
    MidNumLet,
    ExtendNumLet,
    /// Extend and Format, which rule WB4 skips alike.
    Extend,
    /// WSegSpace.
    Space,
    Cr,
    Lf,
    Newline,
    /// Outside the table, or a class whose rules the table path leaves to
    /// the general iterator (Hebrew letters, ZWJ, Katakana, regional
    /// indicators).
    Unsupported,
}

/// One class per code point of a window, built at compile time.
const fn window<const N: usize>(start: u32) -> [Class; N] {
    let mut classes = [Class::Other; N];
    let mut row = 0;
    while row < table::RANGES.len() {
        let (low, high, class) = table::RANGES[row];
        let mut code = low;
        while code <= high {
            if code >= start && code < start + N as u32 {
                classes[(code - start) as usize] = class;
            }
            code += 1;
        }
        row += 1;
    }
    classes
}

const LOW: (u32, u32) = table::WINDOWS[0];
const PUNCTUATION: (u32, u32) = table::WINDOWS[1];
static LOW_CLASSES: [Class; (LOW.1 - LOW.0) as usize] = window(LOW.0);
static PUNCTUATION_CLASSES: [Class; (PUNCTUATION.1 - PUNCTUATION.0) as usize] =
    window(PUNCTUATION.0);

fn class(c: char) -> Class {
    let code = u32::from(c);
    if code < LOW.1 {
        LOW_CLASSES[(code - LOW.0) as usize]
    } else if (PUNCTUATION.0..PUNCTUATION.1).contains(&code) {
        PUNCTUATION_CLASSES[(code - PUNCTUATION.0) as usize]
    } else {
        Class::Unsupported
    }
}

/// The words of a text whose every character has a class other than
/// `Unsupported`: the pieces between UAX #29 word boundaries (rules WB3 to
/// WB13b for the classes of [`Class`]) that hold a letter or digit.
pub struct TableWords<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Iterator for TableWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            let piece = self.piece()?;
            if has_letter_or_digit(&piece) {
                return Some(piece);
            }
        }
    }
}

impl<'a> TableWords<'a> {
    /// The text from `at` to the next word boundary.
    fn piece(&mut self) -> Option<&'a str> {
        use Class::*;
        let text = self.text;
        let start = self.at;
        let first = text[start..].chars().next()?;
        let mut end = start + first.len_utf8();
        let first_class = class(first);
        // WB3, WB3a: a line break is a piece of its own, CR LF one piece.
        if matches!(first_class, Cr | Lf | Newline) {
            if first_class == Cr && text.as_bytes().get(end) == Some(&b'\n') {
                end += 1;
            }
            self.at = end;
            return Some(&text[start..end]);
        }
        // The class the rules see before the next character (WB4: Extend and
        // Format take the class of what they follow), and the class of the
        // character itself (WB3d looks at adjacent characters).
        let mut before = first_class;
        let mut adjacent = first_class;
        while let Some(c) = text[end..].chars().next() {
            let next = class(c);
            let after = end + c.len_utf8();
            let joins = match next {
                Cr | Lf | Newline => false,         // WB3b
                Space if adjacent == Space => true, // WB3d
                Extend => true,                     // WB4
                _ => match (before, next) {
                    (Letter | Numeric, Letter | Numeric) => true, // WB5, WB8, WB9, WB10
                    (Letter | Numeric | ExtendNumLet, ExtendNumLet) => true, // WB13a
                    (ExtendNumLet, Letter | Numeric) => true,     // WB13b
                    // WB6 and WB7; WB11 and WB12. `before` stays the letter
                    // or digit, so the one after the middle joins by WB5/WB8.
                    (Letter, MidLetter | MidNumLet) => effective(text, after) == Some(Letter),
                    (Numeric, MidNum | MidNumLet) => effective(text, after) == Some(Numeric),
                    _ => false,
                },
            };
            if !joins {
                break;
            }
            end = after;
            adjacent = next;
            if next != Extend && !matches!(next, MidLetter | MidNum | MidNumLet) {
                before = next;
            }
        }
        self.at = end;
        Some(&text[start..end])
    }
}

/// The class of the first character from `at` that is not Extend or Format
/// (WB4), if any.
fn effective(text: &str, at: usize) -> Option<Class> {
    text[at..]
        .chars()
        .map(class)
        .find(|&class| class != Class::Extend)
}

/// The words of an ASCII text (see the module's rules).
pub struct AsciiWords<'a> {
    text: &'a str,
    at: usize,
}

fn in_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

impl<'a> Iterator for AsciiWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        loop {
            while self.at < bytes.len() && !in_word(bytes[self.at]) {
                self.at += 1;
            }
            if self.at >= bytes.len() {
                return None;
            }
            let start = self.at;
            while self.at < bytes.len() {
                let byte = bytes[self.at];
                if in_word(byte) {
                    self.at += 1;
                    continue;
                }
                let (Some(&before), Some(&after)) =
                    (bytes.get(self.at.wrapping_sub(1)), bytes.get(self.at + 1))
                else {
                    break;
                };
                let between_letters = before.is_ascii_alphabetic()
                    && after.is_ascii_alphabetic()
                    && matches!(byte, b'.' | b'\'' | b':');
                let between_digits = before.is_ascii_digit()
                    && after.is_ascii_digit()
                    && matches!(byte, b'.' | b'\'' | b',' | b';');
                if between_letters || between_digits {
                    self.at += 2;
                } else {
                    break;
                }
            }
            let word = &self.text[start..self.at];
            // A run of underscores is not a word: it has no letter or digit.
            if word.bytes().any(|b| b.is_ascii_alphanumeric()) {
                return Some(word);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::generated_texts;

    /// `words` gives `unicode_words`'s words on each generated text.
    fn assert_words_are_unicode_words(pieces: &'static [&'static str], count: usize, seed: u64) {
        for text in generated_texts(pieces, count, 10, seed) {
            let ours: Vec<&str> = words(&text).collect();
            let theirs: Vec<&str> = text.unicode_words().collect();
            assert_eq!(ours, theirs, "text: {text:?}");
        }
    }

    #[test]
    fn ascii_words_are_the_unicode_words() {
        const PIECES: &[&str] = &[
            "a",
            "Bc",
            "word",
            "3",
            "42",
            " ",
            ".",
            "'",
            ":",
            ",",
            ";",
            "_",
            "-",
            "?",
            "\"",
            "\n",
            "U.S.",
            "don't",
            "3.5",
            "1,200",
            "e.g.",
            "a_b",
            "__",
            "x:y",
            "http://a.b/c",
        ];
        assert_words_are_unicode_words(PIECES, 5000, 0x9e37_79b9_7f4a_7c15);
    }

    #[test]
    fn other_words_are_the_unicode_words() {
        // unicode-segmentation uses the standard library's classes only
        // when both are of one Unicode version; `words` always does.
        let (major, minor, update) = char::UNICODE_VERSION;
        assert_eq!(
            unicode_segmentation::UNICODE_VERSION,
            (major.into(), minor.into(), update.into())
        );
        const PIECES: &[&str] = &[
            "Été",
            "3.5",
            "مرحبا",
            "١٢٣",
            "Ⅻ",
            "½",
            " ",
            "\u{200B}",
            "-",
            "'",
            "日本語",
            "東京",
            "ऩ",
            "क्ष",
            "،",
            "۔",
            "«",
            "»",
            "\n",
            "a",
            "é",
            "_",
            "😀",
            "x.y",
        ];
        assert_words_are_unicode_words(PIECES, 3000, 0x2545_f491_4f6c_dd1d);
    }

    /// Pieces of text the table path covers: letters, digits, marks and
    /// punctuation of Latin, Greek, Cyrillic, Arabic and Persian, the middle
    /// classes, spaces, direction marks and line breaks.
    const TABLE_PIECES: &[&str] = &[
        "Été",
        "a",
        "Z",
        "3",
        "٣",
        "۴",
        "مرحبا",
        "كتاب",
        "\u{064E}",
        "\u{0651}",
        "\u{0301}",
        "\u{200C}",
        "\u{200E}",
        "\u{061C}",
        "\u{00AD}",
        "\u{0600}",
        "ـ",
        "Ωμέγα",
        "привет",
        "Երևան",
        "ދިވެހި",
        "ܫܠܡܐ",
        " ",
        "  ",
        "\u{00A0}",
        "\u{2003}",
        "\u{202F}",
        "\n",
        "\r\n",
        "\r",
        "\u{2028}",
        "\u{0085}",
        ".",
        "'",
        "’",
        "‘",
        ":",
        "·",
        ",",
        ";",
        "،",
        "٫",
        "٬",
        "\u{2024}",
        "_",
        "\u{203F}",
        "-",
        "—",
        "\"",
        "“",
        "”",
        "«",
        "»",
        "؟",
        "!",
        "½",
        "²",
        "…",
    ];

    #[test]
    fn table_words_are_the_unicode_words() {
        const SEED: u64 = 0x5851_f42d_4c95_7f2d;
        // Every text of these pieces takes the table path (or the ASCII
        // one), so the comparison below is of the table path.
        for text in generated_texts(TABLE_PIECES, 20_000, 10, SEED) {
            assert!(
                matches!(words(&text), Words::Table(_) | Words::Ascii(_)),
                "text: {text:?}"
            );
        }
        assert_words_are_unicode_words(TABLE_PIECES, 20_000, SEED);
        assert!(matches!(words("مرحبا، Été’s"), Words::Table(_)));
    }

    /// Every character the table covers, alone and between letters, digits,
    /// spaces, marks and line breaks: each context that gives its class a
    /// different part in the rules.
    #[test]
    fn every_covered_character_splits_as_unicode_words_does() {
        let covered = table::WINDOWS
            .iter()
            .flat_map(|&(start, end)| start..end)
            .filter_map(char::from_u32)
            .filter(|&c| class(c) != Class::Unsupported);
        let mut checked = 0;
        for c in covered {
            for context in [
                format!("{c}"),
                format!("{c}{c}"),
                format!("a{c}b"),
                format!("ب{c}ت"),
                format!("1{c}2"),
                format!("a{c}1"),
                format!("1{c}a"),
                format!("a{c}"),
                format!("{c}a"),
                format!(" {c} "),
                format!("  {c}"),
                format!("{c}  a"),
                format!("\n{c}a"),
                format!("a\u{0301}{c}\u{0301}b"),
                format!("a{c}\u{0301}{c}b"),
                format!("a_{c}_1"),
                format!("{c}\r\n{c}"),
                format!("é.{c}.é"),
            ] {
                let ours: Vec<&str> = words(&context).collect();
                let theirs: Vec<&str> = context.unicode_words().collect();
                assert_eq!(ours, theirs, "text: {context:?} (U+{:04X})", u32::from(c));
            }
            checked += 1;
        }
        assert!(checked > 2000, "only {checked} characters covered");
    }

    #[test]
    fn the_table_covers_only_what_its_rules_handle() {
        for unsupported in ['א', '\u{200D}', 'カ', '🇫', '日', 'क'] {
            assert_eq!(class(unsupported), Class::Unsupported, "{unsupported:?}");
        }
        assert!(matches!(words("שלום world"), Words::Unicode(_)));
    }

    #[test]
    fn other_text_goes_through_the_general_rules() {
        let text = "Été 3.5 مرحبا 東京";
        assert!(matches!(words(text), Words::Unicode(_)));
        let found: Vec<&str> = words(text).collect();
        assert_eq!(found, ["Été", "3.5", "مرحبا", "東", "京"]);
    }
}

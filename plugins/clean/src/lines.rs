//! How the rules look at lines and words: what counts as blank, how two
//! lines are compared, whether a line ends like a sentence, how text splits
//! into words and spaces. All of it is script-neutral: nothing here assumes
//! ASCII letters or punctuation.

/// A set of bytes, one `bool` per byte value, read with one load. The
/// scans here test every byte of a text against a handful of scattered
/// values; written as a `matches!`, that compiles for wasm32 to a jump
/// table, whose indirect jump Cranelift's code takes on every byte and the
/// CPU mispredicts on mixed text (16% of `comparable`'s time in a profile).
pub type ByteSet = [bool; 256];

/// The [`ByteSet`] of the bytes a `const fn(u8) -> bool` accepts, built at
/// compile time.
macro_rules! lead_bytes {
    ($member:path) => {{
        const SET: $crate::lines::ByteSet = {
            let mut set = [false; 256];
            let mut byte = 0;
            while byte < 256 {
                set[byte] = $member(byte as u8);
                byte += 1;
            }
            set
        };
        &SET
    }};
}
pub(crate) use lead_bytes;

use docpipe_plugin_sdk::chars;

/// Sentence-ending punctuation in the scripts docpipe meets: Latin, Arabic
/// (`؟`), Urdu (`۔`), CJK (`。`, `！`, `？`, `｡`), Devanagari (`।`, `॥`),
/// Armenian, Ethiopic, Syriac and the ellipsis.
const TERMINAL_PUNCTUATION: &[char] = &[
    '.', '!', '?', '…', '‼', '⁇', '⁈', '⁉', '؟', '۔', '؞', '。', '！', '？', '｡', '।', '॥', '։',
    '።', '፧', '܀', '܁', '܂',
];

/// Closing quotes and brackets that may follow the terminal punctuation:
/// `."`, `.»`, `。」`, `؟)`.
const CLOSERS: &[char] = &[
    '"', '\'', '”', '’', '»', '›', ')', ']', '}', '」', '』', '》', '〉', '）', '】',
];

/// `text.split('\n')`, found with the memchr crate: its wasm32 build, with
/// SIMD, tests 16 bytes a step where the standard library's tests 8,
/// and the rules split every text into lines several times.
pub fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut breaks = memchr::memchr_iter(b'\n', text.as_bytes());
    let mut start = Some(0);
    std::iter::from_fn(move || {
        let from = start?;
        match breaks.next() {
            Some(at) => {
                start = Some(at + 1);
                Some(&text[from..at])
            }
            None => {
                start = None;
                Some(&text[from..])
            }
        }
    })
}

/// `text.lines()` by [`split_lines`]: without the line break, a `\r` before
/// it too, and no empty line after a final break.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut pieces = split_lines(text).peekable();
    std::iter::from_fn(move || {
        let piece = pieces.next()?;
        if pieces.peek().is_none() {
            // After the last break: a line without a break of its own, or
            // nothing, which is no line.
            return (!piece.is_empty()).then_some(piece);
        }
        Some(piece.strip_suffix('\r').unwrap_or(piece))
    })
}

/// Whether a line holds nothing visible.
pub fn is_blank(line: &str) -> bool {
    line.chars()
        .all(|c| c.is_whitespace() || is_invisible_format(c))
}

/// Direction marks, isolates and the byte-order mark: invisible, common in
/// scraped Arabic and Hebrew text, and irrelevant when comparing lines.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2060}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// A line reduced to what matters when comparing it with a title, a prefix
/// or another line: no invisible marks, whitespace collapsed, lower case
/// (Unicode-aware, so Cyrillic and Greek fold too).
pub fn comparable(line: &str) -> String {
    // Called on every line by several rules and the signals: one pass into
    // one buffer that copies the text between spaces and marks whole, then
    // lower case, rather than a filtered copy, a list of words and a joined
    // string.
    let mut collapsed = String::with_capacity(line.len());
    let mut copied_to = 0;
    let mut space_pending = false;
    for (at, c) in chars_led_by(line, lead_bytes!(may_start_space_or_mark)) {
        let space = c.is_whitespace();
        if !space && !is_invisible_format(c) {
            continue;
        }
        push_word(&mut collapsed, &line[copied_to..at], &mut space_pending);
        copied_to = at + c.len_utf8();
        space_pending |= space;
    }
    push_word(&mut collapsed, &line[copied_to..], &mut space_pending);
    to_lowercase(collapsed)
}

/// Appends the text between two spaces or marks, after one space if a
/// space came since the last word.
fn push_word(collapsed: &mut String, word: &str, space_pending: &mut bool) {
    if word.is_empty() {
        return;
    }
    if *space_pending && !collapsed.is_empty() {
        collapsed.push(' ');
    }
    *space_pending = false;
    collapsed.push_str(word);
}

/// Lead bytes of whitespace and of `is_invisible_format` chars (U+061C,
/// U+200B-U+2069, U+FEFF).
const fn may_start_space_or_mark(byte: u8) -> bool {
    may_start_whitespace(byte) || matches!(byte, 0xD8 | 0xEF)
}

/// `str::to_lowercase`, without its table lookup for the scripts that have
/// no case (Arabic, Indic, CJK, Hangul), which make up much of the text,
/// and without a copy when nothing changes.
fn to_lowercase(mut text: String) -> String {
    // ASCII, and chars whose lead byte is 0xD7-0xE0 (U+05C0-U+0FFF: Hebrew,
    // Arabic, Syriac, Thaana, N'Ko, the Indic scripts, Thai to Tibetan), all
    // caseless: found by the bytes alone, as most Arabic lines are.
    if text
        .bytes()
        .all(|byte| byte < 0xC0 || matches!(byte, 0xD7..=0xE0))
    {
        text.make_ascii_lowercase();
        return text;
    }
    // A capital sigma lowers to `σ` or `ς` depending on its neighbours,
    // which only `str::to_lowercase` looks at.
    if text.contains('Σ') {
        return text.to_lowercase();
    }
    let mut lower = String::new();
    let mut copied_to = 0;
    for (at, c) in text.char_indices() {
        let unchanged = if c.is_ascii() {
            !c.is_ascii_uppercase()
        } else {
            chars::is_caseless(c) || c.to_lowercase().eq([c])
        };
        if unchanged {
            continue;
        }
        lower.push_str(&text[copied_to..at]);
        lower.extend(c.to_lowercase());
        copied_to = at + c.len_utf8();
    }
    if copied_to == 0 {
        return text;
    }
    lower.push_str(&text[copied_to..]);
    lower
}

/// Whether a line ends in terminal punctuation, possibly followed by closing
/// quotes or brackets.
pub fn ends_sentence(line: &str) -> bool {
    line.trim_end()
        .trim_end_matches(CLOSERS)
        .ends_with(TERMINAL_PUNCTUATION)
}

/// The number of characters that are neither whitespace nor invisible: what
/// a reader would miss if they were removed.
pub fn visible_len(text: &str) -> usize {
    // Called by the removal guard on the whole text, so it reads bytes, in
    // one pass, and decodes nothing: every byte that starts a char counts,
    // except ASCII whitespace, U+061C (whose lead byte 0xD8 starts half the
    // Arabic letters, so it is checked without a branch) and the chars of
    // the lead bytes checked below, rare in text.
    let bytes = text.as_bytes();
    let mut count = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        let next = bytes.get(at + 1).copied().unwrap_or(0);
        let starts_char = byte & 0xC0 != 0x80;
        let ascii_space = matches!(byte, b' ' | b'\t'..=b'\r');
        let arabic_letter_mark = (byte == 0xD8) & (next == 0x9C);
        count += usize::from(starts_char & !ascii_space & !arabic_letter_mark);
        if lead_bytes!(may_start_rare_space_or_mark)[usize::from(byte)]
            && is_space_or_mark(&bytes[at..])
        {
            count -= 1;
        }
    }
    count
}

/// Whether `text` has more than `limit` chars that are neither whitespace
/// nor invisible, decoding no more of it than it takes to know.
pub fn has_more_visible_than(text: &str, limit: usize) -> bool {
    text.chars()
        .filter(|&c| !c.is_whitespace() && !is_invisible_format(c))
        .nth(limit)
        .is_some()
}

/// Whether `bytes` starts with a non-ASCII whitespace char or invisible mark
/// other than U+061C: U+0085, U+00A0; U+1680; U+2000-U+200B, U+200E,
/// U+200F, U+2028-U+202F; U+205F, U+2060, U+2066-U+2069; U+3000; U+FEFF.
fn is_space_or_mark(bytes: &[u8]) -> bool {
    matches!(
        bytes,
        [0xC2, 0x85 | 0xA0, ..]
            | [0xE1, 0x9A, 0x80, ..]
            | [0xE2, 0x80, 0x80..=0x8B | 0x8E | 0x8F | 0xA8..=0xAF, ..]
            | [0xE2, 0x81, 0x9F | 0xA0 | 0xA6..=0xA9, ..]
            | [0xE3, 0x80, 0x80, ..]
            | [0xEF, 0xBB, 0xBF, ..]
    )
}

/// The chars of `text` whose UTF-8 lead byte `may_start` accepts, with their
/// byte offsets; the others are skipped without being decoded. A rule that
/// acts on a few special chars walks only those, and copies the text between
/// them whole. `may_start` must reject continuation bytes (0x80-0xBF).
///
/// Of the chars led by 0xD8 (U+0600-U+063F) only U+061C, the Arabic letter
/// mark, comes out: it is the one the rules look for, and the others are
/// half the letters of Arabic text, which would each be decoded for nothing.
pub fn chars_led_by<'a>(
    text: &'a str,
    may_start: &'static ByteSet,
) -> impl Iterator<Item = (usize, char)> + 'a {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .filter(move |&(at, &byte)| {
            may_start[usize::from(byte)] && (byte != 0xD8 || bytes.get(at + 1) == Some(&0x9C))
        })
        .map(|(at, _)| {
            let c = text[at..].chars().next();
            (at, c.expect("`may_start` accepts lead bytes only"))
        })
}

/// Whether `byte` may start a whitespace char: ASCII whitespace, or the lead
/// byte of U+0085, U+00A0, U+1680, U+2000-U+205F or U+3000.
pub const fn may_start_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t'..=b'\r' | 0xC2 | 0xE1 | 0xE2 | 0xE3)
}

/// The lead bytes of the non-ASCII chars `visible_len` does not count.
const fn may_start_rare_space_or_mark(byte: u8) -> bool {
    matches!(byte, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF)
}

/// Splits `text` into alternating runs of spaces and of anything else, as
/// `is_space` tells them apart; joined back they give `text`.
pub fn split_keeping_spaces(text: &str, is_space: fn(char) -> bool) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let space = is_space(rest.chars().next()?);
        let end = rest
            .find(|c: char| is_space(c) != space)
            .unwrap_or(rest.len());
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Text that exercises every fast path: ASCII and its whitespace, every
    /// script the corpus holds, every non-ASCII space and invisible mark,
    /// chars sharing their lead byte with those, capital sigma in each
    /// position, and the chars whose lower case is longer or shorter.
    const TRICKY: &[&str] = &[
        "",
        " ",
        "plain ASCII, with\ttabs\r\nand\x0bvertical\x0ctabs",
        "عربي\u{200F} مع\u{00A0}مسافات\u{2028}و\u{FEFF}",
        "mixed ąćę — 中文\u{3000}text\u{0085}end",
        "\u{1680}\u{2000}\u{200A}\u{200B}\u{200C}\u{200D}\u{200E}\u{202F}\u{205F}\u{2060}\u{2066}\u{2069}",
        "\u{061B}\u{061C}\u{061D}\u{00A1}\u{0084}\u{0086}\u{1681}\u{3001}\u{FEFE}\u{FF01}",
        "  ΣΑΣ ΟΔΟΣ  σΣ Σ. ΑΣ\u{200B} ",
        "İSTANBUL ẞ Straße KELVIN \u{212A} Ⱥ ǅ",
        "Заголовок\u{200F}  Новости \u{202A}क्\u{200D}ष ไทย 한국어 ひらがな",
        "\u{10A0}\u{13A0}\u{1C90}\u{1E00} \u{1F600}\u{10FFFF}",
    ];

    #[test]
    fn visible_len_counts_what_chars_would() {
        let by_chars = |text: &str| {
            text.chars()
                .filter(|&c| !c.is_whitespace() && !is_invisible_format(c))
                .count()
        };
        for text in TRICKY {
            assert_eq!(visible_len(text), by_chars(text), "{text:?}");
        }
        // Every char, alone and between others: proves the list of lead
        // bytes that are decoded.
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let text = format!("a{c}\u{0628}{c}");
            assert_eq!(visible_len(&text), by_chars(&text), "{c:?}");
            let alone = c.to_string();
            assert_eq!(visible_len(&alone), by_chars(&alone), "{c:?}");
            assert_eq!(has_more_visible_than(&text, 2), by_chars(&text) > 2);
        }
    }

    #[test]
    fn comparable_equals_filtering_splitting_and_lowering() {
        let straightforward = |line: &str| {
            let visible: String = line.chars().filter(|&c| !is_invisible_format(c)).collect();
            visible
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        for line in TRICKY
            .iter()
            .copied()
            .chain(TRICKY.iter().flat_map(|t| t.split('\n')))
        {
            assert_eq!(comparable(line), straightforward(line), "{line:?}");
        }
        // Every char, inside a word, alone, and next to a space and a mark,
        // 256 chars to a line; and without the mark, whose lead byte keeps
        // a line off the path that lowers caseless scripts by their bytes.
        for block in 0..=0x10FF {
            for context in ["Ab{c}C {c} \u{200B}{c}", "Ab{c}C {c} "] {
                let line: String = (block * 256..(block + 1) * 256)
                    .filter_map(char::from_u32)
                    .map(|c| context.replace("{c}", &c.to_string()))
                    .collect();
                assert_eq!(
                    comparable(&line),
                    straightforward(&line),
                    "block {block:#x}, {context}"
                );
            }
        }
        // Each char alone with ASCII capitals, so that every lead byte
        // meets the bytes-only path on its own.
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let line = format!("X{c}Y");
            assert_eq!(comparable(&line), straightforward(&line), "{c:?}");
        }
    }

    /// Texts of line breaks, carriage returns and a few other chars, every
    /// arrangement up to length 6, and longer ones past memchr's 16 bytes.
    pub(crate) fn break_texts() -> Vec<String> {
        let alphabet = ["\n", "\r", "a", "…", ".", "#", " "];
        let mut texts = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..6 {
            last = last
                .iter()
                .flat_map(|text| alphabet.iter().map(move |c| format!("{text}{c}")))
                .collect();
            texts.extend(last.iter().cloned());
        }
        for text in TRICKY {
            texts.push(text.repeat(7));
            texts.push(format!("{}\n", text.repeat(3)));
        }
        texts
    }

    #[test]
    fn lines_are_split_as_the_standard_library_splits_them() {
        for text in break_texts() {
            assert_eq!(
                split_lines(&text).collect::<Vec<_>>(),
                text.split('\n').collect::<Vec<_>>(),
                "{text:?}"
            );
            assert_eq!(
                lines(&text).collect::<Vec<_>>(),
                text.lines().collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn of_the_chars_led_by_0xd8_only_the_arabic_letter_mark_comes_out() {
        const WITH_D8: &ByteSet = &{
            let mut set = [false; 256];
            set[0xD8] = true;
            set[b' ' as usize] = true;
            set
        };
        let text = "\u{0600}بت\u{061C}ث \u{063F}\u{061C}";
        let found: Vec<(usize, char)> = chars_led_by(text, WITH_D8).collect();
        assert_eq!(found, [(6, '\u{061C}'), (10, ' '), (13, '\u{061C}')]);
    }

    #[test]
    fn sentence_ends_in_every_script() {
        for line in [
            "Done.",
            "Done.\"",
            "هل انتهى؟",
            "یہ ختم ہوا۔",
            "完成了。",
            "好！",
            "यह खत्म हुआ।",
            "«Конец.»",
            "一句话。」",
        ] {
            assert!(ends_sentence(line), "{line}");
        }
        for line in ["By John Smith", "المصدر", "来源：新华社", "Источник: ТАСС"]
        {
            assert!(!ends_sentence(line), "{line}");
        }
    }

    #[test]
    fn comparison_ignores_case_spacing_and_direction_marks() {
        assert_eq!(
            comparable("\u{200F}  Заголовок  Новости "),
            "заголовок новости"
        );
    }

    #[test]
    fn every_whitespace_char_is_found_by_its_lead_byte() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let text = format!("x{c}\u{0628}");
            let found: Vec<(usize, char)> = chars_led_by(&text, lead_bytes!(may_start_whitespace))
                .filter(|&(_, c)| c.is_whitespace())
                .collect();
            let expected: Vec<(usize, char)> = text
                .char_indices()
                .filter(|&(_, c)| c.is_whitespace())
                .collect();
            assert_eq!(found, expected, "{c:?}");
        }
    }
}

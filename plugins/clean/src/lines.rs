//! How the rules look at lines and words: what counts as blank, how two
//! lines are compared, whether a line ends like a sentence, how text splits
//! into words and spaces. All of it is script-neutral: nothing here assumes
//! ASCII letters or punctuation.

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
    let visible: String = line.chars().filter(|&c| !is_invisible_format(c)).collect();
    visible
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
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
    // Called twice per removing rule on the whole text: ASCII bytes are
    // counted without decoding (char::is_whitespace's ASCII members are
    // exactly these), so only the rest pays for a char and a table lookup.
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if byte.is_ascii() {
            count += usize::from(!matches!(byte, b' ' | b'\t'..=b'\r'));
            at += 1;
        } else {
            let c = text[at..].chars().next().expect("at is a char boundary");
            count += usize::from(!c.is_whitespace() && !is_invisible_format(c));
            at += c.len_utf8();
        }
    }
    count
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
mod tests {
    use super::*;

    #[test]
    fn visible_len_counts_what_chars_would() {
        for text in [
            "",
            "plain ASCII, with\ttabs\r\nand\x0bvertical\x0ctabs",
            "عربي\u{200F} مع\u{00A0}مسافات\u{2028}و\u{FEFF}",
            "mixed ąćę — 中文\u{3000}text\u{0085}end",
        ] {
            let expected = text
                .chars()
                .filter(|&c| !c.is_whitespace() && !is_invisible_format(c))
                .count();
            assert_eq!(visible_len(text), expected, "{text:?}");
        }
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
}

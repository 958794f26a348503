//! Splits a text into sentences with their exact place in it. Offsets must
//! round-trip: a sentence's text is always the text between its offsets, so
//! splitting only ever trims and joins neighbouring spans, never rewrites.
//!
//! The Unicode sentence rules (UAX #29) do most of the work, in every script.
//! On top of them: the sentence marks some scripts use without a following
//! space always end a sentence, blank lines always do, and a few places where
//! UAX #29 breaks too eagerly are joined back (titles such as `Dr.`, initials,
//! `No. 5`, a quoted question going on in lower case, a line wrapped in the
//! middle of a sentence). A news dateline opening the text (`DUBAI (CNN) --`)
//! is left out: it is not part of the first sentence.

use crate::sentence_bounds::sentence_segments;
use docpipe_plugin_sdk::chars;
use docpipe_plugin_sdk::words;
use unicode_segmentation::UnicodeSegmentation;

/// One sentence, trimmed, located in the text by offsets in Unicode scalar
/// values (chars), as the plugin reports them.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence<'a> {
    pub text: &'a str,
    pub char_start: usize,
    pub char_end: usize,
    /// A line of its own with no closing mark and few words: a headline or
    /// a section heading, which names a topic rather than saying something.
    pub heading: bool,
}

/// Most words a heading line has.
const HEADING_MAX_WORDS: usize = 20;

/// Sentence marks after which a sentence always ends, even where UAX #29
/// would go on (e.g. `。` directly followed by a quote mark and more text):
/// Arabic question mark and full stop, CJK full stop, exclamation and
/// question marks, Devanagari danda and double danda.
const HARD_TERMINATORS: &[char] = &['؟', '۔', '。', '！', '？', '।', '॥'];

/// Words that, followed by a full stop, almost never end a sentence, as
/// written: titles and months (capitalized) and the Latin abbreviations used
/// mid-sentence. Abbreviations that often do end one (`etc.`, `Inc.`,
/// `U.S.`) are left out: a wrong join hurts a summary more than a wrong split.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Mt", "Gen", "Col", "Lt", "Sgt", "Capt",
    "Cmdr", "Adm", "Gov", "Sen", "Rep", "Rev", "Hon", "Pres", "Mme", "Mlle", "Jan", "Feb", "Mar",
    "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "e.g", "i.e", "cf", "vs",
    "approx", "ca", "bzw", "vgl", "z.B",
];

/// Abbreviations that do not end a sentence when a number follows (`No. 5`,
/// `p. 12`), compared without case; elsewhere they are words (`Say no.`).
const NUMBER_ABBREVIATIONS: &[&str] = &["no", "nos", "nr", "vol", "p", "pp", "fig", "art", "sec"];

/// Punctuation that closes a sentence together with its terminator, as in
/// `。」` or `؟"`: the split goes after it, not before.
fn is_closing(c: char) -> bool {
    HARD_TERMINATORS.contains(&c)
        || matches!(
            c,
            '"' | '\''
                | ')'
                | ']'
                | '}'
                | '»'
                | '”'
                | '’'
                | '」'
                | '』'
                | '）'
                | '】'
                | '》'
                | '〉'
        )
}

/// The sentences of `text`, in order. Segments with no letter or digit
/// (stray quotes, rules of dashes) are not sentences.
pub fn split(text: &str) -> Vec<Sentence<'_>> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (index, (mut paragraph_start, mut paragraph_text)) in
        paragraphs(text).into_iter().enumerate()
    {
        if index == 0 {
            let skip = dateline_len(paragraph_text);
            paragraph_start += skip;
            paragraph_text = &paragraph_text[skip..];
        }
        let mut pieces: Vec<(usize, usize)> = Vec::new();
        for (segment_start, segment) in sentence_segments(paragraph_text) {
            for (piece_start, piece) in split_after_hard_terminators(segment) {
                let start = paragraph_start + segment_start + piece_start;
                pieces.push((start, start + piece.len()));
            }
        }
        for (start, end) in join_false_breaks(text, pieces) {
            spans.extend(trimmed_span(text, start, end));
        }
    }
    locate_in_chars(text, spans)
}

/// Paragraphs with their byte offsets: runs of lines between blank lines.
fn paragraphs(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            if let Some(paragraph_start) = start.take() {
                found.push((paragraph_start, &text[paragraph_start..end]));
            }
        } else {
            start.get_or_insert(offset);
            end = offset + line.len();
        }
        offset += line.len();
    }
    if let Some(paragraph_start) = start {
        found.push((paragraph_start, &text[paragraph_start..end]));
    }
    found
}

/// Longest a dateline may be, in words.
const DATELINE_MAX_WORDS: usize = 12;
/// Where the dash after a dateline must come by, in bytes.
const DATELINE_MAX_BYTES: usize = 200;

/// The byte length of a news dateline opening `paragraph`, with the dash and
/// the spaces that follow it, or 0. A dateline is a place and an agency in
/// parentheses followed by a dash (`LONDON (Reuters) - `, `دبي، الإمارات
/// العربية المتحدة (CNN)-- `), or a place in capitals followed by a spaced
/// dash (`WASHINGTON — `), all on the first line, in a few words.
fn dateline_len(paragraph: &str) -> usize {
    let head = &paragraph[..paragraph.floor_char_boundary(DATELINE_MAX_BYTES)];
    let Some(dash) = head.find(['-', '–', '—']) else {
        return 0;
    };
    let before = &paragraph[..dash];
    if before.contains('\n') || before.unicode_words().count() > DATELINE_MAX_WORDS {
        return 0;
    }
    let place = before.trim_end();
    let agency = place
        .strip_suffix(')')
        .and_then(|p| p.rsplit_once('('))
        .is_some_and(|(where_, who)| {
            // A name in parentheses after words that are all names: each
            // word of a cased script starts with a capital.
            who.unicode_words().count() <= 3
                && !who.starts_with(char::is_lowercase)
                && where_
                    .unicode_words()
                    .all(|word| !word.starts_with(char::is_lowercase))
        });
    let capitals = place.len() < before.len()
        && place.chars().filter(|&c| chars::is_alphabetic(c)).count() >= 3
        && place
            .chars()
            .all(|c| c.is_uppercase() || matches!(c, ' ' | ',' | '.' | '\''));
    if !(agency || capitals) {
        return 0;
    }
    let after = paragraph[dash..].trim_start_matches(['-', '–', '—']);
    if capitals && !after.starts_with(char::is_whitespace) {
        return 0;
    }
    let rest = after.trim_start();
    // The first sentence starts after it, so not in lower case.
    let starts_sentence = rest.starts_with(|c: char| {
        (chars::is_alphanumeric(c) && !c.is_lowercase()) || is_closing(c) || "«“„".contains(c)
    });
    if !starts_sentence {
        return 0;
    }
    paragraph.len() - rest.len()
}

/// Splits `segment` after each hard terminator and the closing marks that
/// follow it, returning pieces with their byte offsets in `segment`.
fn split_after_hard_terminators(segment: &str) -> Vec<(usize, &str)> {
    let mut pieces = Vec::new();
    let mut piece_start = 0;
    let mut chars = segment.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if !HARD_TERMINATORS.contains(&c) {
            continue;
        }
        while chars.next_if(|&(_, next)| is_closing(next)).is_some() {}
        let piece_end = chars.peek().map_or(segment.len(), |&(index, _)| index);
        if piece_end < segment.len() {
            pieces.push((piece_start, &segment[piece_start..piece_end]));
            piece_start = piece_end;
        }
    }
    pieces.push((piece_start, &segment[piece_start..]));
    pieces
}

/// Joins each piece to the next where the break between them is not the end
/// of a sentence. Pieces are contiguous byte spans of one paragraph.
fn join_false_breaks(text: &str, pieces: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    let mut joined: Vec<(usize, usize)> = Vec::with_capacity(pieces.len());
    for (start, end) in pieces {
        match joined.last_mut() {
            Some(last) if goes_on(&text[last.0..last.1], &text[start..end]) => last.1 = end,
            _ => joined.push((start, end)),
        }
    }
    joined
}

/// Whether the sentence that `before` ends goes on in `after`.
fn goes_on(before: &str, after: &str) -> bool {
    let ended_line = before.ends_with('\n') || before.ends_with('\r');
    let before = before.trim_end();
    let Some(next) = after.trim_start().chars().next() else {
        return false;
    };
    let last = before.chars().next_back();
    if ended_line {
        // A line break inside a paragraph ends a sentence (a heading, a list
        // item, a line of verse), unless the line was wrapped mid-sentence:
        // no closing mark before, a lower-case letter after.
        return next.is_lowercase()
            && last.is_some_and(|c| chars::is_alphanumeric(c) || matches!(c, ',' | ';' | '-'));
    }
    if let Some(word) = before.strip_suffix('.') {
        let word = last_word(word);
        if is_initial(word) {
            return true;
        }
        if NUMBER_ABBREVIATIONS
            .iter()
            .any(|a| a.eq_ignore_ascii_case(word))
        {
            return next.is_ascii_digit();
        }
        if ABBREVIATIONS.contains(&word) {
            return true;
        }
    }
    // `"Why?" he asked.`: a quoted question or exclamation followed by
    // lower case is one sentence; UAX #29 breaks after `?` whatever follows.
    let mut tail = before
        .chars()
        .rev()
        .skip_while(|&c| is_closing(c) && c != '?' && c != '!');
    let closed_by_quote = before.chars().next_back().is_some_and(is_closing)
        && matches!(tail.next(), Some('?' | '!'));
    closed_by_quote && next.is_lowercase()
}

/// The word just before the end of `text`: letters and inner dots (`e.g`).
fn last_word(text: &str) -> &str {
    let start = text
        .char_indices()
        .rev()
        .take_while(|&(_, c)| chars::is_alphabetic(c) || c == '.')
        .last()
        .map_or(text.len(), |(index, _)| index);
    &text[start..]
}

/// A single capital letter, as in `J. K. Rowling`.
fn is_initial(word: &str) -> bool {
    let mut chars = word.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
}

/// The byte span of `text[start..end]` without surrounding whitespace, or
/// `None` when nothing in it is a letter or digit.
fn trimmed_span(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let piece = &text[start..end];
    if !piece.chars().any(chars::is_alphanumeric) {
        return None;
    }
    let leading = piece.len() - piece.trim_start().len();
    Some((start + leading, start + piece.trim_end().len()))
}

/// Whether `text[start..end]` is a whole line without a closing mark, in a
/// few words.
fn is_heading(text: &str, start: usize, end: usize) -> bool {
    let horizontal = [' ', '\t'];
    let before = text[..start].trim_end_matches(horizontal);
    let after = text[end..].trim_start_matches(horizontal);
    let whole_line = (before.is_empty() || before.ends_with('\n'))
        && (after.is_empty() || after.starts_with(['\n', '\r']));
    let sentence = &text[start..end];
    let unclosed = sentence
        .trim_end_matches(|c| is_closing(c) && !HARD_TERMINATORS.contains(&c))
        .ends_with(chars::is_alphanumeric);
    whole_line && unclosed && words::words(sentence).count() <= HEADING_MAX_WORDS
}

/// Adds char offsets to ordered byte spans in one pass over the text.
fn locate_in_chars(text: &str, spans: Vec<(usize, usize)>) -> Vec<Sentence<'_>> {
    let mut chars_before = 0;
    let mut counted_up_to = 0;
    spans
        .into_iter()
        .map(|(byte_start, byte_end)| {
            chars_before += text[counted_up_to..byte_start].chars().count();
            let char_start = chars_before;
            chars_before += text[byte_start..byte_end].chars().count();
            counted_up_to = byte_end;
            Sentence {
                text: &text[byte_start..byte_end],
                char_start,
                char_end: chars_before,
                heading: is_heading(text, byte_start, byte_end),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        let sentences = split(text);
        let chars: Vec<char> = text.chars().collect();
        for sentence in &sentences {
            let by_chars: String = chars[sentence.char_start..sentence.char_end]
                .iter()
                .collect();
            assert_eq!(by_chars, sentence.text, "offsets must slice back");
        }
        sentences.into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn english_sentences_and_paragraphs() {
        assert_eq!(
            texts("  One. Two?  Three!\n\nA heading\n\nLast line"),
            ["One.", "Two?", "Three!", "A heading", "Last line"]
        );
    }

    #[test]
    fn english_abbreviations_initials_and_decimals_do_not_split() {
        assert_eq!(
            texts(
                "Dr. Smith met Mrs. Jones at 3.30 p.m. on Friday. Prices rose 2.5% \
                 to $1,200.50, e.g. for bread. J. K. Rowling wrote it. \
                 Room No. 5 was free. Say no. Then leave. He studied art. Then law."
            ),
            [
                "Dr. Smith met Mrs. Jones at 3.30 p.m. on Friday.",
                "Prices rose 2.5% to $1,200.50, e.g. for bread.",
                "J. K. Rowling wrote it.",
                "Room No. 5 was free.",
                "Say no.",
                "Then leave.",
                "He studied art.",
                "Then law.",
            ]
        );
    }

    #[test]
    fn english_quotes_stay_with_their_sentence() {
        assert_eq!(
            texts("\"Why now?\" he asked. She said: \"Because.\" Then they left!"),
            [
                "\"Why now?\" he asked.",
                "She said: \"Because.\"",
                "Then they left!",
            ]
        );
    }

    #[test]
    fn line_breaks_end_sentences_unless_a_line_was_wrapped() {
        assert_eq!(
            texts("Breaking news\nThe minister said the plan\nwould go ahead. It did."),
            [
                "Breaking news",
                "The minister said the plan\nwould go ahead.",
                "It did.",
            ]
        );
    }

    #[test]
    fn arabic_question_mark_full_stop_and_decimals() {
        assert_eq!(
            texts("هل أنت هنا؟نعم أنا هنا۔ ارتفع السعر 3.5 في المئة. «هل هذا صحيح؟» شكرا"),
            [
                "هل أنت هنا؟",
                "نعم أنا هنا۔",
                "ارتفع السعر 3.5 في المئة.",
                "«هل هذا صحيح؟»",
                "شكرا"
            ]
        );
    }

    #[test]
    fn arabic_lines_are_paragraphs() {
        assert_eq!(
            texts("قال الوزير إن الخطة ستنفذ\nوأضاف أن الحكومة مستعدة."),
            ["قال الوزير إن الخطة ستنفذ", "وأضاف أن الحكومة مستعدة."]
        );
    }

    #[test]
    fn chinese_marks_keep_their_closing_quote_and_decimals_stay() {
        assert_eq!(
            texts("他说：「今天很好。」我们走吧！价格上涨了3.5%。好？"),
            [
                "他说：「今天很好。」",
                "我们走吧！",
                "价格上涨了3.5%。",
                "好？"
            ]
        );
    }

    #[test]
    fn hindi_danda_double_danda_and_abbreviated_numbers() {
        assert_eq!(
            texts("यह एक वाक्य है। क्या यह दूसरा है? हाँ, कीमत 2.5 प्रतिशत बढ़ी॥ अंत"),
            [
                "यह एक वाक्य है।",
                "क्या यह दूसरा है?",
                "हाँ, कीमत 2.5 प्रतिशत बढ़ी॥",
                "अंत"
            ]
        );
    }

    #[test]
    fn punctuation_only_segments_are_not_sentences() {
        assert_eq!(texts("Yes.\n\n---\n\n“ ”"), ["Yes."]);
    }

    #[test]
    fn a_dateline_opening_the_text_is_not_part_of_the_first_sentence() {
        assert_eq!(
            texts("LONDON (Reuters) - Prices rose. They fell."),
            ["Prices rose.", "They fell."]
        );
        assert_eq!(
            texts("WASHINGTON — The vote passed.\n\nMORE — not a dateline here."),
            ["The vote passed.", "MORE — not a dateline here."]
        );
        assert_eq!(
            texts("القاهرة، مصر (CNN)-- قال الوزير إن الخطة ستنفذ."),
            ["قال الوزير إن الخطة ستنفذ."]
        );
        // Not datelines: a hyphenated word, a long clause, a lower-case start.
        assert_eq!(texts("Well-known faces came."), ["Well-known faces came."]);
        assert_eq!(
            texts("The minister said (on Monday) - in public - that it would rain."),
            ["The minister said (on Monday) - in public - that it would rain."]
        );
        assert_eq!(texts("A SALE - ends today."), ["A SALE - ends today."]);
    }

    #[test]
    fn headings_are_lines_without_a_closing_mark() {
        let headings: Vec<(&str, bool)> =
            split("Port strike enters second week\n\nWorkers stayed out. Talks failed\nMore talks: Friday")
                .into_iter()
                .map(|s| (s.text, s.heading))
                .collect();
        assert_eq!(
            headings,
            [
                ("Port strike enters second week", true),
                ("Workers stayed out.", false),
                ("Talks failed", false),
                ("More talks: Friday", true),
            ]
        );
    }

    #[test]
    fn a_blank_line_ends_a_sentence_whatever_precedes_it() {
        assert_eq!(
            texts(
                "The talks went on

for hours, Dr.

Smith said."
            ),
            ["The talks went on", "for hours, Dr.", "Smith said."]
        );
    }

    #[test]
    fn char_offsets_round_trip() {
        texts("  مرحبا بكم. 你好。\n\nÉté — déjà vu!  ");
    }
}

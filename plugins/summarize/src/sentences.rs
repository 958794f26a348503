//! Splits a text into sentences with their exact place in it. Offsets must
//! round-trip: a sentence's text is always the text between its offsets, so
//! splitting only ever trims, never rewrites.

use unicode_segmentation::UnicodeSegmentation;

/// One sentence, trimmed, located in the text by offsets in Unicode scalar
/// values (chars), as the plugin reports them.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence<'a> {
    pub text: &'a str,
    pub char_start: usize,
    pub char_end: usize,
}

/// Sentence terminators after which a sentence always ends, even where the
/// UAX #29 rules would go on (e.g. `。` directly followed by a quote mark).
const HARD_TERMINATORS: &[char] = &['؟', '۔', '。', '！', '？', '।', '॥'];

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

/// The sentences of `text`, in order. Blank lines end a sentence whatever
/// precedes them; segments with no letter or digit (stray quotes, rules of
/// dashes) are not sentences.
pub fn split(text: &str) -> Vec<Sentence<'_>> {
    let mut byte_spans = Vec::new();
    for (paragraph_start, paragraph) in paragraphs(text) {
        for (segment_start, segment) in paragraph.split_sentence_bound_indices() {
            for (piece_start, piece) in split_after_hard_terminators(segment) {
                let start = paragraph_start + segment_start + piece_start;
                if let Some(span) = trimmed_span(text, start, start + piece.len()) {
                    byte_spans.push(span);
                }
            }
        }
    }
    locate_in_chars(text, byte_spans)
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

/// The byte span of `text[start..end]` without surrounding whitespace, or
/// `None` when nothing in it is a letter or digit.
fn trimmed_span(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let piece = &text[start..end];
    if !piece.chars().any(char::is_alphanumeric) {
        return None;
    }
    let leading = piece.len() - piece.trim_start().len();
    Some((start + leading, start + piece.trim_end().len()))
}

/// Adds char offsets to ordered byte spans in one pass over the text.
fn locate_in_chars(text: &str, byte_spans: Vec<(usize, usize)>) -> Vec<Sentence<'_>> {
    let mut chars_before = 0;
    let mut counted_up_to = 0;
    byte_spans
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
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn english_sentences_and_paragraphs() {
        assert_eq!(
            texts("  One. Two?  Three!\n\nA heading\n\nLast line"),
            ["One.", "Two?", "Three!", "A heading", "Last line"]
        );
    }

    #[test]
    fn arabic_question_mark_and_full_stop() {
        assert_eq!(
            texts("هل أنت هنا؟نعم أنا هنا۔ شكرا"),
            ["هل أنت هنا؟", "نعم أنا هنا۔", "شكرا"]
        );
    }

    #[test]
    fn cjk_terminators_keep_their_closing_quote() {
        assert_eq!(
            texts("他说：「今天很好。」我们走吧！好？"),
            ["他说：「今天很好。」", "我们走吧！", "好？"]
        );
    }

    #[test]
    fn devanagari_danda() {
        assert_eq!(
            texts("यह एक वाक्य है। यह दूसरा है।"),
            ["यह एक वाक्य है।", "यह दूसरा है।"]
        );
    }

    #[test]
    fn punctuation_only_segments_are_not_sentences() {
        assert_eq!(texts("Yes.\n\n---\n\n“ ”"), ["Yes."]);
    }

    #[test]
    fn char_offsets_round_trip() {
        let text = "  مرحبا بكم. 你好。\n\nÉté — déjà vu!  ";
        let chars: Vec<char> = text.chars().collect();
        for sentence in split(text) {
            let by_chars: String = chars[sentence.char_start..sentence.char_end]
                .iter()
                .collect();
            assert_eq!(by_chars, sentence.text);
        }
    }
}

//! Repairs UTF-8 text that was decoded as Latin-1 or Windows-1252 somewhere
//! upstream (`CafÃ©`, `Ø§Ù„Ø³Ù„Ø§Ù…`, `ÐŸÑ€Ð¸Ð²ÐµÑ‚`). A word is repaired
//! only when it maps back to bytes that form valid UTF-8 and that repair
//! shortens it: real Latin-1 words (`café`, `naïve`, `Größe`) never do.

use crate::lines::split_keeping_spaces;
use crate::report::Change;
use encoding_rs::WINDOWS_1252;
use std::borrow::Cow;

/// Double-encoded text (mojibake of mojibake) takes one pass per layer;
/// three layers is already far past what scrapers produce.
const MAX_PASSES: usize = 3;

/// Maps characters back to the single bytes a Latin-1 or Windows-1252
/// decoder made them from.
#[derive(Debug)]
pub struct MojibakeRepair {
    /// The characters Windows-1252 decodes bytes 0x80-0x9F to (`€`, `‚`,
    /// `„`, ...), indexed by byte - 0x80. Taken from encoding_rs so the table
    /// is the WHATWG one, not a copy.
    windows_1252_high: Vec<char>,
}

impl MojibakeRepair {
    pub fn new() -> Self {
        let bytes: Vec<u8> = (0x80..=0x9F).collect();
        let (decoded, _) = WINDOWS_1252.decode_without_bom_handling(&bytes);
        MojibakeRepair {
            windows_1252_high: decoded.chars().collect(),
        }
    }

    /// The byte `c` was decoded from, by Latin-1 (any char below U+0100) or
    /// by Windows-1252 (its 0x80-0x9F characters).
    fn byte_of(&self, c: char) -> Option<u8> {
        if let Ok(byte) = u8::try_from(u32::from(c)) {
            return Some(byte);
        }
        let index = self.windows_1252_high.iter().position(|&high| high == c)?;
        u8::try_from(0x80 + index).ok()
    }

    /// The repaired word, if it is confidently mojibake.
    fn repair_word(&self, word: &str) -> Option<String> {
        if word.is_ascii() {
            return None;
        }
        let bytes = word
            .chars()
            .map(|c| self.byte_of(c))
            .collect::<Option<Vec<u8>>>()?;
        let repaired = String::from_utf8(bytes).ok()?;
        // Valid UTF-8 made of at least one multi-byte sequence is always
        // shorter; a repair that yields control characters is not one.
        let plausible = repaired.chars().count() < word.chars().count()
            && !repaired
                .chars()
                .any(|c| c.is_control() && !c.is_whitespace());
        plausible.then_some(repaired)
    }

    /// Repairs every mojibake word of `text`. Words are split at ASCII
    /// whitespace only: Windows-1252 turns the byte 0xA0 of `à` (C3 A0) into
    /// a no-break space, which must stay inside the word.
    pub fn apply<'t>(&self, text: &'t str) -> (Cow<'t, str>, Change) {
        let mut change = Change::default();
        let mut text = Cow::Borrowed(text);
        for _ in 0..MAX_PASSES {
            // Repaired bytes form valid UTF-8 with a multi-byte sequence,
            // whose lead byte (0xC2-0xF4) only a char U+00C2-U+00F4 maps
            // back to; those chars are encoded with the byte 0xC3. Text
            // without it (most text not in a Latin script) has no mojibake.
            if !text.as_bytes().contains(&0xC3) {
                break;
            }
            let mut repaired_any = false;
            let mut out = String::with_capacity(text.len());
            for piece in split_keeping_spaces(&text, |c| c.is_ascii_whitespace()) {
                match self.repair_word(piece) {
                    Some(repaired) => {
                        change.record(format!("{piece} → {repaired}"));
                        out.push_str(&repaired);
                        repaired_any = true;
                    }
                    None => out.push_str(piece),
                }
            }
            if !repaired_any {
                break;
            }
            text = Cow::Owned(out);
        }
        (text, change)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repair(text: &str) -> String {
        MojibakeRepair::new().apply(text).0.into_owned()
    }

    #[test]
    fn utf8_read_as_windows_1252_is_repaired_in_every_script() {
        assert_eq!(repair("CafÃ© au lait"), "Café au lait");
        assert_eq!(repair("Ø§Ù„Ø³Ù„Ø§Ù… Ø¹Ù„ÙŠÙƒÙ…"), "السلام عليكم");
        assert_eq!(repair("ÐŸÑ€Ð¸Ð²ÐµÑ‚"), "Привет");
        assert_eq!(repair("â€œquotedâ€\u{9d}"), "\u{201c}quoted\u{201d}");
        assert_eq!(repair("ä¸\u{AD}æ–‡"), "中文");
        assert_eq!(repair("voilÃ\u{a0}"), "voilà");
    }

    #[test]
    fn utf8_read_as_latin1_is_repaired() {
        // Latin-1 keeps 0x84 as the C1 control U+0084 instead of `„`.
        assert_eq!(repair("Ø§Ù\u{84}Ø³"), "الس");
    }

    #[test]
    fn double_encoding_takes_two_passes() {
        assert_eq!(repair("CafÃƒÂ©"), "Café");
    }

    #[test]
    fn real_latin1_and_other_scripts_are_left_alone() {
        for text in [
            "café naïve Größe São Paulo Ærøskøbing",
            "Â¿Qué? is odd but not mojibake: Â alone",
            "مرحبا بالعالم",
            "中文",
            "Привет",
        ] {
            assert_eq!(repair(text), text);
        }
    }

    #[test]
    fn repairs_are_listed() {
        let (_, change) = MojibakeRepair::new().apply("CafÃ© ok");
        assert_eq!(change.count, 1);
        assert_eq!(change.changed, ["CafÃ© → Café"]);
    }

    #[test]
    fn every_repairable_word_holds_the_byte_the_pass_looks_for() {
        // Every pair of chars that map back to bytes: a repair needs a lead
        // byte, and so a char encoded with 0xC3.
        let repair = MojibakeRepair::new();
        let mapped: Vec<char> = (0x80..=0xFF)
            .filter_map(char::from_u32)
            .chain(repair.windows_1252_high.iter().copied())
            .collect();
        let mut repaired = 0;
        for &first in &mapped {
            for &second in &mapped {
                let word = format!("{first}{second}");
                if repair.repair_word(&word).is_some() {
                    repaired += 1;
                    assert!(word.as_bytes().contains(&0xC3), "{word:?}");
                }
            }
        }
        assert!(repaired > 1000, "only {repaired} pairs were repairable");
    }
}

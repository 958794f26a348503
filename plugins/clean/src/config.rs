//! The `clean` stage's configuration: one switch (and its settings) per rule,
//! the removal guard, and the quality thresholds that may drop a document.
//! Every key is optional; the keys of the first version keep their meaning.

use docpipe_plugin_sdk::JsonSchema;
use serde::Deserialize;

/// Configuration of a `clean` stage.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Repair mojibake: UTF-8 text that was decoded as Latin-1 or
    /// Windows-1252 (`CafÃ©` for `Café`, `Ø§Ù„` for `ال`). A word is repaired
    /// only when its characters re-encode to bytes that are valid UTF-8.
    pub repair_mojibake: bool,
    /// Remove leftover HTML tags (known element names only, so `a <b` in
    /// prose survives; `script` and `style` go with their content; block
    /// tags become line breaks) and decode HTML entities (`&amp;`, `&#1605;`).
    pub strip_html: bool,
    /// Unicode normalization form applied to the whole text.
    pub unicode_normalization: NormalizationForm,
    /// Remove invisible characters: zero-width spaces, word joiners, soft
    /// hyphens, byte-order marks, bidirectional controls and control
    /// characters. Zero-width (non-)joiners are kept inside words, where
    /// they shape Persian and Indic writing.
    pub remove_invisible: bool,
    /// Remove Arabic tatweel (U+0640) stretching a word between two letters
    /// (`الســـلام` to `السلام`); a tatweel marking an abbreviation (`هـ`)
    /// is kept.
    pub remove_tatweel: bool,
    /// Regular expressions (Rust `regex` syntax) of ad-slot and template
    /// markers to remove wherever they appear. The default is the built-in
    /// list; setting this key replaces it, and `[]` turns the patterns off
    /// (whole-line labels are `ad_lines`).
    pub ad_markers: Vec<String>,
    /// More marker patterns, removed in addition to `ad_markers`.
    pub extra_ad_markers: Vec<String>,
    /// Ad labels removed when they are a whole line ("Advertisement",
    /// "إعلان", "Реклама", "广告"), compared case-insensitively. Plain
    /// words rather than regexes: a user adds their language's label as is.
    pub ad_lines: Vec<String>,
    /// Remove a first line that repeats the title: the document's `title` if
    /// it has one, else a first line repeated as the next non-empty line.
    pub strip_title_line: bool,
    /// Remove a paragraph or line that repeats an earlier one of the same
    /// document, if it has at least `min_repeated_chars` characters.
    pub remove_repeated_lines: bool,
    /// Shorter lines may repeat on purpose (list items, "Yes.", a refrain's
    /// short line) and are kept.
    pub min_repeated_chars: usize,
    /// Remove trailing source, credit and byline lines: the last non-empty
    /// lines that start with one of `source_prefixes` or `byline_prefixes`.
    pub strip_source_line: bool,
    /// Prefixes that mark a trailing source or credit line, compared
    /// case-insensitively. A prefix must be followed by the end of the line
    /// or by a character that is not a letter or digit, so "Source" does not
    /// match "Sourced".
    pub source_prefixes: Vec<String>,
    /// Prefixes that mark a trailing byline ("By", "بقلم", "Автор"). What
    /// follows must read like a name (at most `max_byline_words` words of
    /// letters), so a closing sentence starting with "By" stays.
    pub byline_prefixes: Vec<String>,
    /// The most words of a name in a trailing byline. A line of two to this
    /// many words of letters, directly above a removed source line, is taken
    /// for the author's name and removed with it; `0` keeps bylines and
    /// names.
    pub max_byline_words: usize,
    /// Turn each run of spaces and tabs inside a line into one space, trim
    /// lines, turn CR LF, CR and Unicode line separators into LF, keep at
    /// most one blank line between paragraphs and trim the text.
    pub normalize_whitespace: bool,
    /// The largest share (0 to 1) of a document's visible characters one
    /// rule may remove. A rule that would remove more changes nothing and
    /// reports what it held back in `meta.clean.held_back`.
    pub max_removed_share: f64,
    /// Quality thresholds: a document whose signals fail a set threshold is
    /// dropped, and the reason names the signal. None is set by default.
    pub drop: DropThresholds,
}

/// Which Unicode normalization form to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NormalizationForm {
    /// Canonical composition: changes no character's meaning.
    Nfc,
    /// Compatibility composition: also folds presentation forms, full-width
    /// Latin, ligatures and superscripts into their plain characters.
    Nfkc,
    /// Leave the text as it is.
    None,
}

/// Thresholds on the quality signals of `meta.clean.signals`. A document is
/// dropped by the first threshold it fails, in the order listed here.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DropThresholds {
    /// Drop documents with fewer words.
    pub min_words: Option<usize>,
    /// Drop documents with more words.
    pub max_words: Option<usize>,
    /// Drop documents whose mean word length (in characters) is smaller.
    pub min_mean_word_length: Option<f64>,
    /// Drop documents whose mean word length (in characters) is larger.
    pub max_mean_word_length: Option<f64>,
    /// Drop documents with a larger symbol-to-word ratio.
    pub max_symbol_ratio: Option<f64>,
    /// Drop documents with a larger share of duplicate lines.
    pub max_duplicate_line_fraction: Option<f64>,
    /// Drop documents with a smaller share of lines ending in terminal
    /// punctuation.
    pub min_terminal_punctuation_share: Option<f64>,
}

/// Ad-slot and template markers removed by default. Each is compiled once
/// per document (a plugin instance serves one), so they avoid what makes a
/// regex slow to build: Unicode `\b` and `\d`, counted repetition of large
/// classes.
pub const BUILTIN_MARKERS: &[&str] = &[
    // WordPress ad-inserter slots: `[ad_1]`.
    r"\[ad_[0-9]+\]",
    // Shortcodes left by CMS exports: `[caption id="x"]`, `[/embed]`.
    r"\[/?(?:caption|embed|gallery|video|audio|playlist|tweet|contact-form-7)(?:[ \t][^\]\n]*)?\]",
    // Unrendered template placeholders: `{{ author }}`, `%%title%%`.
    r"\{\{[^{}\n]+\}\}",
    r"%%[A-Za-z_]{1,40}%%",
];

impl Default for Config {
    fn default() -> Self {
        Config {
            repair_mojibake: true,
            strip_html: true,
            unicode_normalization: NormalizationForm::Nfc,
            remove_invisible: true,
            remove_tatweel: true,
            ad_markers: BUILTIN_MARKERS.iter().map(|m| m.to_string()).collect(),
            extra_ad_markers: Vec::new(),
            ad_lines: [
                "Advertisement",
                "Advertisements",
                "Sponsored",
                "إعلان",
                "اعلان",
                "تبلیغات",
                "Реклама",
                "广告",
                "廣告",
                "広告",
                "विज्ञापन",
                "Publicidad",
                "Anuncio",
                "Publicité",
                "Werbung",
                "Anzeige",
            ]
            .map(String::from)
            .to_vec(),
            strip_title_line: true,
            remove_repeated_lines: true,
            min_repeated_chars: 30,
            strip_source_line: true,
            source_prefixes: [
                "المصدر",
                "المصادر",
                "مصدر:",
                "منبع",
                "منابع",
                "ماخذ",
                "Source:",
                "Sources:",
                "Source :",
                "Sources :",
                "Credit:",
                "Credits:",
                "Photo credit:",
                "Image credit:",
                "Fuente:",
                "Fuentes:",
                "Fonte:",
                "Quelle:",
                "Quellen:",
                "Kaynak:",
                "Sumber:",
                "Источник:",
                "Источники:",
                "Джерело:",
                "स्रोत",
                "来源",
                "來源",
                "出典",
                "출처",
                "מקור:",
            ]
            .map(String::from)
            .to_vec(),
            byline_prefixes: [
                "By",
                "Written by",
                "Reporting by",
                "بقلم",
                "كتب",
                "نویسنده",
                "Автор",
                "Por",
                "Von",
                "Par",
                "लेखक",
                "作者",
                "记者",
                "記者",
            ]
            .map(String::from)
            .to_vec(),
            max_byline_words: 4,
            normalize_whitespace: true,
            max_removed_share: 0.5,
            drop: DropThresholds::default(),
        }
    }
}

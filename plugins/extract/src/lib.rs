//! The `extract` plugin: turns a web page into its main text (the article,
//! without navigation, menus, ads, comments, related links or footers) plus
//! its title, author, date, site name and canonical URL.
//!
//! The extraction itself is the `dom_smoothie` crate (Mozilla's Readability
//! in Rust), chosen by measurement (docs/benchmarks.md), asked for
//! its formatted text (a blank line between paragraphs, one line per list
//! item); this plugin cuts scripts and styles before the parse (`strip`),
//! removes ad slots, figures, captions and related links it would keep,
//! reads the canonical URL and decides what a page with no main content
//! becomes. It never fetches anything: relative URLs stay as the page wrote
//! them. One instance serves many pages: `process` keeps nothing between them.

use docpipe_plugin_sdk::{export_plugin, JsonSchema, Plugin, PluginError, Verdict};
use dom_query::{local_name, Document, LocalName, NodeRef};
use dom_smoothie::{Readability, ReadabilityError, TextMode};
use serde::{Deserialize, Serialize};

/// The drop reason of a page in which no main content was found.
pub const NO_MAIN_CONTENT: &str = "no-main-content";

/// Configuration of an `extract` stage.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// What a page with no main content becomes: `"drop"` stops it with the
    /// reason `no-main-content`; `"keep"` passes it on with an empty `text`
    /// and `meta.extract.main_content = false`.
    pub no_main_content: NoMainContent,
    /// A page whose main text has fewer letters and digits than this has no
    /// main content: what is left of a menu or a cookie banner is shorter.
    pub min_chars: usize,
    /// Whether the document keeps the page's `html` after extraction. By
    /// default it is set to `null`: the stages after `extract` (`clean`,
    /// `langdetect`, ...) read `text`, and every one of them would otherwise
    /// receive and return the whole page, and exporters write it. A later
    /// stage that reads `html` needs `keep_html = true` (`docpipe check`
    /// warns about it).
    pub keep_html: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            no_main_content: NoMainContent::Drop,
            min_chars: 100,
            keep_html: false,
        }
    }
}

/// What a page with no main content becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NoMainContent {
    /// Stop the document with the reason `no-main-content`.
    Drop,
    /// Keep it with an empty text and `meta.extract.main_content = false`.
    Keep,
}

/// The fields `extract` reads.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Input {
    /// The whole page, as the `html` input format fills it (or a JSONL
    /// line's `html` field).
    pub html: String,
}

/// The fields `extract` writes.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    /// The main text: paragraphs and headings separated by a blank line,
    /// list items and table rows one a line.
    pub text: String,
    /// The page's title, when it has one; otherwise the document keeps the
    /// title it came with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What was found about the page, under `meta.extract`.
    pub meta: OutputMeta,
    /// `null` once the page is extracted; left as it was (not written) with
    /// `keep_html = true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub html: Option<ReleasedHtml>,
}

/// Serializes as `null`: the value `html` takes when the document no
/// longer carries the page (a plugin's output can replace a field, not
/// remove it).
#[derive(Debug)]
pub struct ReleasedHtml;

impl Serialize for ReleasedHtml {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

/// The `meta` keys `extract` adds.
#[derive(Debug, Serialize, JsonSchema)]
pub struct OutputMeta {
    /// The page's metadata.
    pub extract: PageMeta,
}

/// Metadata of one page; each field is present only when the page states it.
#[derive(Debug, Default, PartialEq, Serialize, JsonSchema)]
pub struct PageMeta {
    /// Whether main content was found (false only with
    /// `no_main_content = "keep"`).
    pub main_content: bool,
    /// The author or authors, as the page names them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The publication date, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The site's name (`og:site_name`, JSON-LD publisher and the like).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_name: Option<String>,
    /// The canonical URL (`<link rel="canonical">`, else `og:url`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canonical_url: Option<String>,
    /// The page's own description (`<meta name="description">`, `og:description`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A configured `extract` stage.
pub struct Extract {
    no_main_content: NoMainContent,
    min_chars: usize,
    keep_html: bool,
}

impl std::fmt::Debug for Extract {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extract")
            .field("no_main_content", &self.no_main_content)
            .field("min_chars", &self.min_chars)
            .field("keep_html", &self.keep_html)
            .finish_non_exhaustive()
    }
}

impl Plugin for Extract {
    const NAME: &'static str = "extract";
    const DESCRIPTION: &'static str =
        "Extracts a web page's main text, title, author, date, site name and canonical URL.";
    type Config = Config;
    type Input = Input;
    type Output = Output;

    fn new(config: Config) -> Result<Self, PluginError> {
        Ok(Extract {
            no_main_content: config.no_main_content,
            min_chars: config.min_chars,
            keep_html: config.keep_html,
        })
    }

    fn process(&mut self, input: Input) -> Result<Verdict<Output>, PluginError> {
        let config = dom_smoothie::Config {
            text_mode: TextMode::Formatted,
            ..Default::default()
        };
        let html = strip::strip_non_content(&input.html);
        let mut readability = Readability::new(html, None, Some(config))
            .map_err(|error| PluginError::new("extract-failed", error.to_string()))?;
        // Read before `parse`, which rewrites the document it works on.
        let found = Found::in_page(&readability.doc);
        let canonical_url = found.canonical_url;
        remove_ads(&found.ads);
        remove_asides(&found.asides);
        let article = match readability.parse() {
            Ok(article) => article,
            Err(ReadabilityError::GrabFailed) => return Ok(self.no_content()),
            Err(error) => return Err(PluginError::new("extract-failed", error.to_string())),
        };
        let text = tidy_lines(&article.text_content);
        // Counted only as far as the limit: most texts pass it early.
        let enough_letters = text
            .chars()
            .filter(|c| c.is_alphanumeric())
            .nth(self.min_chars.max(1) - 1)
            .is_some();
        if !enough_letters {
            return Ok(self.no_content());
        }
        Ok(Verdict::keep(Output {
            text,
            title: non_empty(article.title),
            meta: OutputMeta {
                extract: PageMeta {
                    main_content: true,
                    author: article.byline.and_then(non_empty),
                    date: article.published_time.and_then(non_empty).map(date_part),
                    site_name: article.site_name.and_then(non_empty),
                    canonical_url: canonical_url.or(article.url.and_then(non_empty)),
                    description: article.excerpt.and_then(non_empty),
                },
            },
            html: self.released_html(),
        }))
    }
}

impl Extract {
    fn no_content(&self) -> Verdict<Output> {
        match self.no_main_content {
            NoMainContent::Drop => Verdict::drop(NO_MAIN_CONTENT),
            NoMainContent::Keep => Verdict::keep(Output {
                text: String::new(),
                title: None,
                meta: OutputMeta {
                    extract: PageMeta::default(),
                },
                html: self.released_html(),
            }),
        }
    }

    fn released_html(&self) -> Option<ReleasedHtml> {
        (!self.keep_html).then_some(ReleasedHtml)
    }
}

/// `text` with trailing spaces cut from each line, at most one blank line
/// between paragraphs (nested blocks can leave several) and no blank lines
/// at either end.
fn tidy_lines(text: &str) -> String {
    let mut tidy = String::with_capacity(text.len());
    let mut blank_lines = 0;
    for line in text.lines().map(str::trim_end) {
        if line.trim_start().is_empty() {
            blank_lines += 1;
            continue;
        }
        if !tidy.is_empty() {
            tidy.push_str(if blank_lines > 0 { "\n\n" } else { "\n" });
        }
        tidy.push_str(line);
        blank_lines = 0;
    }
    tidy
}

/// What one walk over the parsed page finds, before anything is removed.
/// Three CSS selector matches did this before, at 8% of the plugin's time
/// in the sandbox (docs/benchmarks.md, "Speed").
struct Found<'a> {
    /// The `href` of the first `<link rel="canonical">`, as written.
    canonical_url: Option<String>,
    /// Elements inside `<body>` whose `class` or `id` has an [`AD_WORDS`]
    /// token, in document order.
    ads: Vec<NodeRef<'a>>,
    /// Elements that are [asides](is_aside), in document order.
    asides: Vec<NodeRef<'a>>,
}

impl<'a> Found<'a> {
    fn in_page(doc: &'a Document) -> Self {
        let mut found = Found {
            canonical_url: None,
            ads: Vec::new(),
            asides: Vec::new(),
        };
        let body = doc.body().map(|body| body.id);
        // The first canonical link decides, even when its `href` is empty.
        let mut canonical = None;
        for node in doc.root().descendants_it() {
            let Some(element) = node.element_ref() else {
                continue;
            };
            // Names compared as atoms: integers, not strings.
            let name = &element.name.local;
            let (mut class, mut id, mut rel, mut href) = (None, None, None, None);
            for attribute in &element.attrs {
                let value = Some(&*attribute.value);
                match attribute.name.local {
                    local_name!("class") => class = value,
                    local_name!("id") => id = value,
                    local_name!("rel") => rel = value,
                    local_name!("href") => href = value,
                    _ => {}
                }
            }
            if *name == local_name!("link") && canonical.is_none() {
                let is_canonical = rel.is_some_and(|rel| {
                    rel.split_ascii_whitespace()
                        .any(|token| token.eq_ignore_ascii_case("canonical"))
                });
                if let Some(href) = href.filter(|_| is_canonical) {
                    canonical = Some(non_empty(href.to_string()));
                }
            }
            let names = [class, id];
            if is_aside(name, &names) {
                found.asides.push(node);
            }
            if names.iter().flatten().any(|names| has_ad_word(names))
                && node
                    .ancestors_it(None)
                    .any(|ancestor| Some(ancestor.id) == body)
            {
                found.ads.push(node);
            }
        }
        found.canonical_url = canonical.flatten();
        found
    }
}

/// Words that, as a whole `class` or `id` token (split at spaces, `-` and
/// `_`), mark an advertisement. Readability only catches ad blocks whose
/// names contain `-ad-`, so an ad slot inside the article body (`inline-ad`,
/// `ad_slot`) would otherwise stay in the text. Whole tokens only: `header`,
/// `load` or `shadow` are not ads.
///
/// Sites also name wrappers after the ads they hold (`article--with-ads`),
/// so an element holding more text than an ad does is kept whatever its name.
const AD_WORDS: &[&str] = &[
    "ad",
    "ads",
    "adv",
    "advert",
    "adverts",
    "advertisement",
    "advertising",
    "adslot",
    "adsense",
    "adunit",
    "dfp",
    "sponsored",
    "sponsor",
    "promo",
    "promoted",
];

/// The most text an element named as an ad may hold and still be removed.
const MAX_AD_CHARS: usize = 300;

/// Whether a `class` or `id` value has an [`AD_WORDS`] token.
/// Every `class` and `id` of the page is split, so ASCII names (nearly all)
/// are split as bytes, where `char::is_whitespace` is ASCII's whitespace
/// with U+000B; and only a token that starts as an ad word can be one.
fn has_ad_word(names: &str) -> bool {
    let is_ad_word = |token: &[u8]| {
        token
            .first()
            .is_some_and(|first| AD_WORD_FIRST_LETTERS.contains(&first.to_ascii_lowercase()))
            && AD_WORDS
                .iter()
                .any(|word| token.eq_ignore_ascii_case(word.as_bytes()))
    };
    if names.is_ascii() {
        names
            .as_bytes()
            .split(|&b| {
                matches!(
                    b,
                    b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' | b' ' | b'-' | b'_'
                )
            })
            .any(is_ad_word)
    } else {
        names
            .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
            .any(|token| is_ad_word(token.as_bytes()))
    }
}

/// The first letters of [`AD_WORDS`].
const AD_WORD_FIRST_LETTERS: &[u8] = b"adsp";

/// Removes the ads that hold at most [`MAX_AD_CHARS`] characters.
fn remove_ads(ads: &[NodeRef]) {
    for element in ads {
        if element.text().chars().count() <= MAX_AD_CHARS {
            element.remove_from_parent();
        }
    }
}

/// What sits inside an article without being its text: figures and their
/// captions and credits, and blocks of links to related articles, which
/// Readability keeps when they are inside the article's container. Names are
/// matched as substrings, ASCII case aside (`imageCaption`, `caption-text`,
/// `relatedLinks`), which is safe for these two words, unlike for `ad`.
fn is_aside(element: &LocalName, names: &[Option<&str>; 2]) -> bool {
    matches!(*element, local_name!("figure") | local_name!("figcaption"))
        || names.iter().flatten().any(|names| {
            contains_ignore_ascii_case(names, "caption")
                || contains_ignore_ascii_case(names, "related")
        })
}

/// Whether `haystack` contains `needle` (lower case), ASCII case aside.
/// Every `class` and `id` of the page is searched, so this looks for the
/// needle's first letter before comparing.
fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    memchr::memchr2_iter(needle[0], needle[0].to_ascii_uppercase(), haystack).any(|at| {
        haystack[at..]
            .get(..needle.len())
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(needle))
    })
}

/// The most text an aside may hold and still be removed: more is a wrapper
/// named after what it also holds (`article-with-related`).
const MAX_ASIDE_CHARS: usize = 1000;

/// Removes the asides holding at most [`MAX_ASIDE_CHARS`] characters, after
/// the ads (an aside's length is counted without them).
fn remove_asides(asides: &[NodeRef]) {
    for element in asides {
        if element.text().chars().count() <= MAX_ASIDE_CHARS {
            element.remove_from_parent();
        }
    }
}

/// `2024-03-14` from `2024-03-14T08:30:00Z`; a date in any other form is kept
/// as the page wrote it, since guessing at `03/04/2024` would be wrong half
/// the time.
fn date_part(date: String) -> String {
    let bytes = date.as_bytes();
    let iso = bytes.len() >= 10
        && bytes[..10]
            .iter()
            .enumerate()
            .all(|(index, byte)| match index {
                4 | 7 => *byte == b'-',
                _ => byte.is_ascii_digit(),
            })
        && bytes.get(10).is_none_or(|byte| !byte.is_ascii_digit());
    if iso {
        date[..10].to_string()
    } else {
        date
    }
}

fn non_empty(value: String) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

export_plugin!(Extract);

// talc in place of std's dlmalloc: 2% faster in the sandbox, measured
// (docs/benchmarks.md, "Speed"). An instance runs one document at a time, on
// one thread, so the allocator needs no atomics.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

mod strip;

#[cfg(test)]
mod tests;

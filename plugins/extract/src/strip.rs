//! A byte-level pass that cuts out of a page what can never be main text
//! (`<script>`, `<style>`, `<noscript>`, `<svg>` and comments) before the
//! HTML parser sees it: on the benchmark pages they are about two thirds of
//! the bytes, and parsing them into nodes that Readability then deletes is
//! most of the work.
//!
//! It follows the HTML tokenizer's rules for where each of these ends (raw
//! text up to the matching end tag, the script "escaped" states, quoted
//! attribute values, bogus comments) and must never cut what the parser
//! would have made text: where it cannot be sure (an `<svg>` that HTML
//! breaks out of, or that never closes), it copies the bytes through.
//!
//! It also cuts the attributes that nothing after it reads (`data-*` and
//! `on*` event handlers, except on images and embeds): a tenth of what is
//! left of a page, each byte of which the tokenizer would otherwise copy
//! into the DOM.

/// `html` without its scripts (JSON-LD metadata excepted), styles,
/// `noscript`s, inline SVGs and comments.
pub fn strip_non_content(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut kept = String::with_capacity(html.len() / 2);
    // `bytes[copied..at]` is waiting to be copied; a cut skips it.
    let mut copied = 0;
    let mut at = 0;
    let mut svgs = Svgs::Cut;
    while let Some(offset) = find_byte(bytes, at, b'<') {
        let start = at + offset;
        let markup = Markup::at(bytes, start, &mut svgs);
        if let Some(end) = markup.cut_end {
            kept.push_str(&html[copied..start]);
            copied = end;
        }
        // The tag was read whole already, so its attributes all parse.
        let mut next = markup.first_unread_attribute;
        while let Some(Some(Next::Attribute(attribute))) = next.map(|at| next_attribute(bytes, at))
        {
            if attribute.is_unread(bytes) {
                kept.push_str(&html[copied..attribute.name_start]);
                copied = attribute.end;
            }
            next = Some(attribute.end);
        }
        at = markup.end;
    }
    kept.push_str(&html[copied..]);
    kept
}

/// Whether `<svg>`s are still cut: after one that could not be (it never
/// closes, or HTML breaks out of it), the rest of the page's are copied, so
/// that a page of unclosed `<svg>`s is not read to its end once for each.
#[derive(PartialEq)]
enum Svgs {
    Cut,
    Copy,
}

/// One construct starting with `<`: where it ends, and where the cut ends
/// when it is to be cut.
struct Markup {
    end: usize,
    cut_end: Option<usize>,
    /// For a start tag that is copied: where its first attribute that
    /// [nothing reads](Attribute::is_unread) starts.
    first_unread_attribute: Option<usize>,
}

impl Markup {
    fn copy(end: usize) -> Self {
        Markup {
            end,
            cut_end: None,
            first_unread_attribute: None,
        }
    }

    fn cut(end: usize) -> Self {
        Markup {
            end,
            cut_end: Some(end),
            first_unread_attribute: None,
        }
    }

    fn copy_tag(tag: &Tag) -> Self {
        Markup {
            end: tag.end,
            cut_end: None,
            first_unread_attribute: tag.first_unread_attribute,
        }
    }

    fn at(bytes: &[u8], start: usize, svgs: &mut Svgs) -> Self {
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            return Markup::cut(comment_end(bytes, start + 4));
        }
        if rest.starts_with(b"<![CDATA[") {
            // Text in MathML; a bogus comment in HTML, which ends earlier,
            // at the first `>`: copying through to `]]>` is right either way.
            return Markup::copy(find(bytes, start, b"]]>").map_or(bytes.len(), |at| at + 3));
        }
        let bogus_end_tag =
            rest.starts_with(b"</") && rest.get(2).is_some_and(|b| !b.is_ascii_alphabetic());
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") || bogus_end_tag {
            // A doctype or a bogus comment: both end at the first `>`.
            return Markup::copy(
                find_byte(bytes, start, b'>').map_or(bytes.len(), |at| start + at + 1),
            );
        }
        let name_start = start + 1 + usize::from(rest.starts_with(b"</"));
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            // A `<` that starts no tag is text.
            return Markup::copy(start + 1);
        }
        let Some(tag) = Tag::at(bytes, start) else {
            // A tag the page ends inside: the tokenizer drops it, and there
            // is nothing after it.
            return Markup::copy(bytes.len());
        };
        if tag.closing {
            return Markup::copy(tag.end);
        }
        match tag.name(bytes).as_slice() {
            b"script" if !tag.is_json_ld(bytes) => Markup::cut(script_end(bytes, tag.end)),
            name @ (b"style" | b"noscript") => Markup::cut(raw_text_end(bytes, tag.end, name)),
            // Their content is text up to their end tag: a `<script>` or a
            // comment inside is not one.
            name @ (b"title" | b"textarea" | b"xmp" | b"iframe" | b"noembed" | b"noframes") => {
                Markup::copy(raw_text_end(bytes, tag.end, name))
            }
            b"plaintext" => Markup::copy(bytes.len()),
            b"svg" if *svgs == Svgs::Cut => match svg_end(bytes, tag.end) {
                Some(end) => Markup::cut(end),
                None => {
                    *svgs = Svgs::Copy;
                    Markup::copy(tag.end)
                }
            },
            // Readability reads every attribute value of these, whatever
            // its name: an image URL in any attribute keeps an `<img>` (and
            // lazy images get their `src` from one), a video URL keeps an
            // embed, and an `<object>`'s inner HTML is searched for one.
            // The number of images and embeds decides whether a block is
            // cleaned away, so their attributes all stay.
            b"img" | b"picture" | b"figure" | b"source" | b"video" | b"audio" | b"embed"
            | b"object" | b"param" => Markup::copy(tag.end),
            _ => Markup::copy_tag(&tag),
        }
    }
}

/// A start or end tag: `bytes[start..end]`, name at `name_start..name_end`.
struct Tag {
    name_start: usize,
    name_end: usize,
    closing: bool,
    end: usize,
    /// The value of the `type` attribute, when the tag has one.
    type_value: Option<(usize, usize)>,
    /// Where its first attribute that nothing reads starts.
    first_unread_attribute: Option<usize>,
}

/// What follows inside a tag.
enum Next {
    Attribute(Attribute),
    /// The tag's `>`, at this index.
    TagEnd(usize),
}

/// One attribute of a tag: `bytes[name_start..end]`.
struct Attribute {
    name_start: usize,
    name_end: usize,
    /// Without its quotes; `None` for an attribute without `=`.
    value: Option<(usize, usize)>,
    end: usize,
}

impl Attribute {
    /// Whether nothing after the cut reads this attribute, outside images
    /// and embeds: `data-*` and `on*` event handlers.
    fn is_unread(&self, bytes: &[u8]) -> bool {
        let name = &bytes[self.name_start..self.name_end];
        let starts = |prefix: &[u8]| {
            name.len() > prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix)
        };
        starts(b"data-") || starts(b"on")
    }
}

/// The attribute or the end of the tag at or after `at` (past whitespace
/// and `/`), by the tokenizer's attribute states; `None` when the page ends
/// inside the tag.
fn next_attribute(bytes: &[u8], mut at: usize) -> Option<Next> {
    while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b'/') {
        at += 1;
    }
    if *bytes.get(at)? == b'>' {
        return Some(Next::TagEnd(at));
    }
    // A name: its first byte may be `=`.
    let name_start = at;
    at += 1;
    while at < bytes.len() && !is_tag_name_end(bytes[at]) && bytes[at] != b'=' {
        at += 1;
    }
    let name_end = at;
    while at < bytes.len() && bytes[at].is_ascii_whitespace() {
        at += 1;
    }
    if bytes.get(at) != Some(&b'=') {
        return Some(Next::Attribute(Attribute {
            name_start,
            name_end,
            value: None,
            end: name_end,
        }));
    }
    at += 1;
    while at < bytes.len() && bytes[at].is_ascii_whitespace() {
        at += 1;
    }
    let value = match bytes.get(at)? {
        quote @ (b'"' | b'\'') => {
            let value_start = at + 1;
            let value_end = value_start + find_byte(bytes, value_start, *quote)?;
            at = value_end + 1;
            (value_start, value_end)
        }
        _ => {
            let value_start = at;
            while at < bytes.len() && !bytes[at].is_ascii_whitespace() && bytes[at] != b'>' {
                at += 1;
            }
            (value_start, at)
        }
    };
    Some(Next::Attribute(Attribute {
        name_start,
        name_end,
        value: Some(value),
        end: at,
    }))
}

impl Tag {
    /// The tag starting at `bytes[start]` (a `<`), or `None` when what
    /// starts there is not a tag (the tokenizer makes it text or a bogus
    /// comment) or runs to the end of the page (the tokenizer drops it).
    fn at(bytes: &[u8], start: usize) -> Option<Tag> {
        let closing = bytes.get(start + 1) == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        if !bytes.get(name_start)?.is_ascii_alphabetic() {
            return None;
        }
        let mut at = name_start;
        while at < bytes.len() && !is_tag_name_end(bytes[at]) {
            at += 1;
        }
        let name_end = at;
        let mut type_value = None;
        let mut first_unread_attribute = None;
        loop {
            match next_attribute(bytes, at)? {
                Next::TagEnd(close) => {
                    at = close;
                    break;
                }
                Next::Attribute(attribute) => {
                    let name = &bytes[attribute.name_start..attribute.name_end];
                    if name.eq_ignore_ascii_case(b"type") && type_value.is_none() {
                        type_value = attribute.value;
                    }
                    if first_unread_attribute.is_none() && attribute.is_unread(bytes) {
                        first_unread_attribute = Some(attribute.name_start);
                    }
                    at = attribute.end;
                }
            }
        }
        Some(Tag {
            name_start,
            name_end,
            closing,
            end: at + 1,
            type_value,
            first_unread_attribute,
        })
    }

    /// The name in lower case, without allocating (every tag of the page
    /// is named); empty when it is longer than any name this file looks for.
    fn name(&self, bytes: &[u8]) -> TagName {
        let name = &bytes[self.name_start..self.name_end];
        let mut lower = TagName {
            bytes: [0; TagName::MAX_LEN],
            len: 0,
        };
        if name.len() <= TagName::MAX_LEN {
            lower.bytes[..name.len()].copy_from_slice(name);
            lower.bytes.make_ascii_lowercase();
            lower.len = name.len();
        }
        lower
    }

    /// Readability reads the page's JSON-LD for its title, author and date.
    fn is_json_ld(&self, bytes: &[u8]) -> bool {
        self.type_value.is_some_and(|(start, end)| {
            bytes[start..end]
                .to_ascii_lowercase()
                .windows(7)
                .any(|window| window == b"ld+json")
        })
    }
}

/// A tag name in lower case, on the stack.
struct TagName {
    bytes: [u8; TagName::MAX_LEN],
    len: usize,
}

impl TagName {
    /// The longest name looked for: `blockquote`.
    const MAX_LEN: usize = 10;

    fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

fn is_tag_name_end(byte: u8) -> bool {
    byte.is_ascii_whitespace() || byte == b'/' || byte == b'>'
}

/// Where a comment whose text starts at `at` ends: after `-->` or `--!>`,
/// or right away for the abrupt `<!-->` and `<!--->`; an unclosed comment
/// runs to the end of the page.
fn comment_end(bytes: &[u8], at: usize) -> usize {
    let rest = &bytes[at..];
    if rest.starts_with(b">") {
        return at + 1;
    }
    if rest.starts_with(b"->") {
        return at + 2;
    }
    let mut from = at;
    while let Some(dashes) = find(bytes, from, b"--") {
        match bytes.get(dashes + 2) {
            Some(b'>') => return dashes + 3,
            Some(b'!') if bytes.get(dashes + 3) == Some(&b'>') => return dashes + 4,
            _ => from = dashes + 1,
        }
    }
    bytes.len()
}

/// Whether `bytes[at..]` starts with `</name` followed by what ends a tag
/// name (an end tag the tokenizer takes as `name`'s).
fn is_end_tag(bytes: &[u8], at: usize, name: &[u8]) -> bool {
    let after = at + 2 + name.len();
    bytes[at..].starts_with(b"</")
        && bytes.len() > after
        && bytes[at + 2..after].eq_ignore_ascii_case(name)
        && is_tag_name_end(bytes[after])
}

/// Whether `bytes[at..]` starts a `<script` start tag (the script data
/// double-escape rule).
fn is_script_start(bytes: &[u8], at: usize) -> bool {
    bytes.len() > at + 7
        && bytes[at + 1..at + 7].eq_ignore_ascii_case(b"script")
        && is_tag_name_end(bytes[at + 7])
}

/// After the end tag starting at `at`: its `>`, or the end of the page.
fn end_tag_end(bytes: &[u8], at: usize) -> usize {
    Tag::at(bytes, at).map_or(bytes.len(), |tag| tag.end)
}

/// The end of raw text (style, noscript, title...) whose content starts at
/// `at`: after the first end tag named `name`, else the end of the page
/// (the tokenizer makes the rest text).
fn raw_text_end(bytes: &[u8], mut at: usize, name: &[u8]) -> usize {
    while let Some(close) = find(bytes, at, b"</") {
        if is_end_tag(bytes, close, name) {
            return end_tag_end(bytes, close);
        }
        at = close + 2;
    }
    bytes.len()
}

/// The end of a script whose content starts at `at`, by the tokenizer's
/// script data states: `</script>` ends it, except inside `<!-- <script>`
/// ... `</script>` (the double-escaped state old pages use around
/// `document.write`); a `</script>` inside a JavaScript string does end it,
/// as in a browser.
fn script_end(bytes: &[u8], mut at: usize) -> usize {
    #[derive(PartialEq)]
    enum State {
        Data,
        Escaped,
        DoubleEscaped,
    }
    let mut state = State::Data;
    while let Some(offset) = find_byte(bytes, at, b'<').or_else(|| {
        // `-->` leaves the escaped states without a `<`.
        (state != State::Data).then_some(bytes.len() - at)
    }) {
        let next_lt = at + offset;
        if state != State::Data {
            // Searched only up to the next `<`, so that a script with many
            // `<` and no `-->` is not read to its end once per `<`.
            if let Some(close) = find(&bytes[..next_lt], at, b"-->") {
                state = State::Data;
                at = close + 3;
                continue;
            }
        }
        if next_lt >= bytes.len() {
            break;
        }
        match state {
            State::Data if bytes[next_lt..].starts_with(b"<!--") => {
                state = State::Escaped;
                // `<!-->` closes at once: the `--` may be shared.
                at = next_lt + 2;
            }
            State::Data | State::Escaped if is_end_tag(bytes, next_lt, b"script") => {
                return end_tag_end(bytes, next_lt);
            }
            State::Escaped if is_script_start(bytes, next_lt) => {
                state = State::DoubleEscaped;
                at = next_lt + 7;
            }
            State::DoubleEscaped if is_end_tag(bytes, next_lt, b"script") => {
                state = State::Escaped;
                at = next_lt + 8;
            }
            _ => at = next_lt + 1,
        }
    }
    bytes.len()
}

/// Start tags that make the parser leave SVG for HTML ("breakout" tags):
/// an `<svg>` holding one is not cut.
const SVG_BREAKOUT: &[&[u8]] = &[
    b"b",
    b"big",
    b"blockquote",
    b"body",
    b"br",
    b"center",
    b"code",
    b"dd",
    b"div",
    b"dl",
    b"dt",
    b"em",
    b"embed",
    b"font",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"head",
    b"hr",
    b"i",
    b"img",
    b"li",
    b"listing",
    b"menu",
    b"meta",
    b"nobr",
    b"ol",
    b"p",
    b"pre",
    b"ruby",
    b"s",
    b"small",
    b"span",
    b"strong",
    b"strike",
    b"sub",
    b"sup",
    b"table",
    b"tt",
    b"ul",
    b"var",
];

/// The end of an `<svg>` whose content starts at `at`: after its matching
/// `</svg>`, or `None` when it never closes or holds a tag that breaks out
/// of SVG (its text would then be the page's).
fn svg_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    let mut depth = 1;
    while let Some(offset) = find_byte(bytes, at, b'<') {
        let start = at + offset;
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            at = comment_end(bytes, start + 4);
            continue;
        }
        if rest.starts_with(b"<![CDATA[") {
            at = find(bytes, start, b"]]>")? + 3;
            continue;
        }
        let Some(tag) = Tag::at(bytes, start) else {
            at = start + 1;
            continue;
        };
        let name = tag.name(bytes);
        let name = name.as_slice();
        at = tag.end;
        if name == b"svg" {
            if tag.closing {
                depth -= 1;
                if depth == 0 {
                    return Some(tag.end);
                }
            } else if !bytes[..tag.end].ends_with(b"/>") {
                depth += 1;
            }
        } else if SVG_BREAKOUT.contains(&name) || (tag.closing && (name == b"br" || name == b"p")) {
            return None;
        }
    }
    None
}

// The searches below run over every byte of a page, most of them inside
// scripts and styles: memchr does them 16 bytes at a time (wasm SIMD).

/// The offset, from `from`, of the first `byte` in `bytes[from..]`.
fn find_byte(bytes: &[u8], from: usize, byte: u8) -> Option<usize> {
    memchr::memchr(byte, bytes.get(from..)?)
}

/// The index of the first `needle` in `bytes[from..]`. The needles are a
/// few bytes long and searched for many times a page, so this looks for
/// their first byte rather than building a substring searcher each time.
fn find(bytes: &[u8], mut from: usize, needle: &[u8]) -> Option<usize> {
    loop {
        let at = from + find_byte(bytes, from, needle[0])?;
        if bytes[at..].starts_with(needle) {
            return Some(at);
        }
        from = at + 1;
    }
}

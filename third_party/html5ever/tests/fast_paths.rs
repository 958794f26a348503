//! docpipe's vendored copy: the tokenizer's fast paths give what the
//! byte-by-byte path gives, token for token and in the tree built from them.
//!
//! The tokenizer takes the byte-by-byte path when `exact_errors` is on, so
//! one input parsed both ways compares the two. Checked on every target: the
//! tag and attribute names appended a run at a time (`append_name_run`).
//! On x86 and aarch64, upstream's SSE2 or NEON text scan, with the newline
//! docpipe lets into it and in quoted attribute values too; built for
//! wasm32 with `+simd128` (docpipe's plugins are), the simd128 scan docpipe
//! added, which a native run does not reach.
//! The code around each scan is shared: the bytes after the last 16-byte
//! chunk, the newline count and the split of the buffer.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use html5ever::interface::{ElementFlags, NodeOrText, QuirksMode};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tokenizer::{
    BufferQueue, CharacterTokens, NullCharacterToken, ParseError, Token, TokenSink,
    TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::TreeSink;
use html5ever::{
    driver, expanded_name, local_name, ns, Attribute, ExpandedName, ParseOpts, QualName,
};

/// What a tokenizer emitted, in a form both paths must agree on: runs of
/// characters joined (the fast path emits a run the byte-by-byte path emits
/// in pieces, one per newline), parse errors dropped (`exact_errors` words
/// them differently and reports more), every other token with its line.
#[derive(Default)]
struct Emitted {
    tokens: RefCell<Vec<(String, u64)>>,
    text: RefCell<String>,
}

impl Emitted {
    fn end_text(&self) {
        let text = self.text.take();
        if !text.is_empty() {
            self.tokens.borrow_mut().push((format!("{text:?}"), 0));
        }
    }
}

impl TokenSink for Emitted {
    type Handle = ();

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<()> {
        match token {
            CharacterTokens(text) => self.text.borrow_mut().push_str(&text),
            NullCharacterToken => self.text.borrow_mut().push('\0'),
            ParseError(_) => {},
            other => {
                self.end_text();
                self.tokens
                    .borrow_mut()
                    .push((without_storage(format!("{other:?}")), line_number));
            },
        }
        TokenSinkResult::Continue
    }
}

/// A token's `Debug` without how each tendril stores its text (inline,
/// owned or sharing the input's buffer), which is no part of what it says.
fn without_storage(token: String) -> String {
    ["(inline: ", "(owned: ", "(shared: "]
        .iter()
        .fold(token, |token, storage| token.replace(storage, "("))
}

/// Tokenizes `chunks` (fed one after the other, as a streaming parser gets
/// them) with the fast path on or off.
fn tokenize(chunks: &[&str], fast_path: bool) -> Vec<(String, u64)> {
    let opts = TokenizerOpts {
        exact_errors: !fast_path,
        ..TokenizerOpts::default()
    };
    let tokenizer = Tokenizer::new(Emitted::default(), opts);
    let queue = BufferQueue::default();
    for chunk in chunks {
        queue.push_back(StrTendril::from_slice(chunk));
        let _ = tokenizer.feed(&queue);
    }
    tokenizer.end();
    tokenizer.sink.end_text();
    tokenizer.sink.tokens.take()
}

/// What the tree builder asked of its sink, in order: the tree it built.
/// A text appended right after another to the same place is joined to it,
/// as a document's text node grows (the paths split runs differently).
#[derive(Default)]
struct TreeLog {
    next_id: Cell<usize>,
    names: RefCell<HashMap<usize, &'static QualName>>,
    log: RefCell<Vec<(String, String)>>,
}

impl TreeLog {
    fn new_id(&self) -> usize {
        // Every other id, so that a template's contents are the next one.
        let id = self.next_id.get() + 2;
        self.next_id.set(id);
        id
    }

    fn record(&self, operation: String, place: usize, node: NodeOrText<usize>) {
        let mut log = self.log.borrow_mut();
        let key = format!("{operation} {place}");
        match node {
            NodeOrText::AppendNode(id) => log.push((key, format!("node {id}"))),
            NodeOrText::AppendText(text) => match log.last_mut() {
                Some((last_key, last)) if *last_key == key && last.starts_with("text ") => {
                    last.push_str(&text)
                },
                _ => log.push((key, format!("text {text}"))),
            },
        }
    }

    fn note(&self, entry: String) {
        self.log.borrow_mut().push((entry, String::new()));
    }
}

impl TreeSink for TreeLog {
    type Handle = usize;
    type Output = Vec<(String, String)>;
    type ElemName<'a> = ExpandedName<'a>;

    fn finish(self) -> Self::Output {
        self.log.into_inner()
    }

    fn parse_error(&self, _: Cow<'static, str>) {}

    fn get_document(&self) -> usize {
        0
    }

    fn elem_name<'a>(&'a self, target: &'a usize) -> ExpandedName<'a> {
        self.names
            .borrow()
            .get(target)
            .expect("not an element")
            .expanded()
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _: ElementFlags) -> usize {
        let id = self.new_id();
        let attrs: Vec<_> = attrs
            .iter()
            .map(|attribute| (&*attribute.name.local, &*attribute.value))
            .collect();
        self.note(format!("element {id} {:?} {attrs:?}", name.local));
        // Leaked, as in driver.rs: a few names per test page.
        self.names
            .borrow_mut()
            .insert(id, Box::leak(Box::new(name)));
        id
    }

    fn create_comment(&self, text: StrTendril) -> usize {
        let id = self.new_id();
        self.note(format!("comment {id} {text:?}"));
        id
    }

    fn create_pi(&self, _: StrTendril, _: StrTendril) -> usize {
        unreachable!("HTML has no processing instructions")
    }

    fn append(&self, parent: &usize, child: NodeOrText<usize>) {
        self.record("append to".into(), *parent, child);
    }

    fn append_before_sibling(&self, sibling: &usize, child: NodeOrText<usize>) {
        self.record("insert before".into(), *sibling, child);
    }

    fn append_based_on_parent_node(
        &self,
        element: &usize,
        prev_element: &usize,
        child: NodeOrText<usize>,
    ) {
        self.record(format!("foster {prev_element} or"), *element, child);
    }

    fn append_doctype_to_document(&self, name: StrTendril, public: StrTendril, system: StrTendril) {
        self.note(format!("doctype {name:?} {public:?} {system:?}"));
    }

    fn get_template_contents(&self, target: &usize) -> usize {
        if let Some(expanded_name!(html "template")) =
            self.names.borrow().get(target).map(|name| name.expanded())
        {
            target + 1
        } else {
            panic!("not a template element")
        }
    }

    fn same_node(&self, x: &usize, y: &usize) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.note(format!("quirks {mode:?}"));
    }

    fn add_attrs_if_missing(&self, target: &usize, attrs: Vec<Attribute>) {
        let attrs: Vec<_> = attrs
            .iter()
            .map(|attribute| (&*attribute.name.local, &*attribute.value))
            .collect();
        self.note(format!("attributes of {target} {attrs:?}"));
    }

    fn remove_from_parent(&self, target: &usize) {
        self.note(format!("remove {target}"));
    }

    fn reparent_children(&self, node: &usize, new_parent: &usize) {
        self.note(format!("reparent {node} to {new_parent}"));
    }
}

/// The tree the parser builds from `chunks`, with the fast paths on or off.
fn build_tree(chunks: &[&str], fast_path: bool) -> Vec<(String, String)> {
    let mut opts = ParseOpts::default();
    opts.tokenizer.exact_errors = !fast_path;
    let mut parser = driver::parse_document(TreeLog::default(), opts);
    for chunk in chunks {
        parser.process(StrTendril::from_slice(chunk));
    }
    parser.finish()
}

/// Both paths give the same tokens, and the tree builder builds the same
/// tree from them.
fn assert_paths_agree(chunks: &[&str]) {
    assert_eq!(
        tokenize(chunks, true),
        tokenize(chunks, false),
        "tokens of {chunks:?}"
    );
    assert_eq!(
        build_tree(chunks, true),
        build_tree(chunks, false),
        "tree of {chunks:?}"
    );
}

/// Every byte the scan stops at or counts, and bytes it must run past
/// (multi-byte characters, whose bytes are all above 0x7F).
const PIECES: &[&str] = &[
    "a",
    "b",
    " ",
    "\n",
    "\r",
    "\r\n",
    "<",
    "&",
    "\0",
    "é",
    "😁",
    "<p>",
    "</p>",
    "&amp;",
    "&am",
    "<!-- c -->",
    "\t",
    ">",
    "x\ny",
    "<DiV",
    "<a href=x>",
    "<svg:rect",
    " CLass",
    "=",
    "\"",
    "'",
    "/",
    "data-é",
    "<sÉction",
    "</Span >",
    "\x0C",
    "<p id='a'",
    "<x\0y",
    "<a b\0c",
    // Places where the tree builder treats whitespace apart from other text.
    "<table>",
    "<tr>",
    "<td>",
    "</table>",
    "<pre>",
    "<textarea>",
    "<head>",
    "<title>",
    "</head>",
    "<body>",
    "<html>",
    "<select>",
    "<frameset>",
    "\n  ",
    "\n\n",
];

/// A small deterministic generator (xorshift), so that failures repeat.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn a_stop_byte_at_every_offset_of_a_chunk() {
    // Runs of 0 to 40 plain bytes (the scan reads 16 at a time) before and
    // after each byte that ends a run or is counted, in text and in quoted
    // attribute values.
    let stops = [
        "<b>", "&amp;", "\r", "\r\n", "\0", "\n", "é", "\"", "'", "<", ">",
    ];
    for stop in stops {
        for before in 0..40 {
            for after in [0, 1, 15, 16, 17, 33] {
                let run = format!("{}{stop}{}", "x".repeat(before), "y".repeat(after));
                assert_paths_agree(&[&run]);
                assert_paths_agree(&[&format!("<p title=\"{run}\" id=a>z")]);
                assert_paths_agree(&[&format!("<p title='{run}' id=a>z")]);
            }
        }
    }
}

#[test]
fn names_end_at_every_byte_that_ends_them() {
    let names = ["p", "div", "data-long-attribute-name", "é", "Ab", "aB"];
    let ends = [
        "\t", "\n", "\r", "\r\n", "\x0C", " ", "/", ">", "=", "\0", "\"", "'", "<", "A", "Z", "@",
        "[", "é",
    ];
    for name in names {
        for end in ends {
            for page in [
                format!("<{name}{end}x>"),
                format!("</{name}{end}x>"),
                format!("<p {name}{end}x>"),
                format!("<p {name}{end}=v {name}>"),
            ] {
                assert_paths_agree(&[&page]);
                // A chunk that ends inside the name, or right after it.
                for cut in 1..page.len() {
                    if page.is_char_boundary(cut) {
                        assert_paths_agree(&[&page[..cut], &page[cut..]]);
                    }
                }
            }
        }
    }
}

#[test]
fn newlines_counted_before_and_after_the_stop() {
    for newlines in 0..20 {
        for at in 0..34 {
            let mut text: Vec<char> = "abcdefghijklmnopqrstuvwxyz0123456789".chars().collect();
            for k in 0..newlines {
                text[(at + 7 * k) % 34] = '\n';
            }
            let text: String = text.into_iter().collect();
            let page = format!("{text}<i class=\"{text}\">{text}</i>\n{text}<b id='{text}'>");
            assert_paths_agree(&[&page]);
        }
    }
}

#[test]
fn random_pages_in_random_chunks() {
    let mut random = Xorshift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let mut page = String::new();
        for _ in 0..random.below(60) {
            // Mostly plain text, so that long runs reach the 16-byte loop.
            if random.below(3) == 0 {
                page.push_str(PIECES[random.below(PIECES.len())]);
            } else {
                page.push_str(&"lorem ipsum "[..1 + random.below(12)]);
            }
        }
        // Split at character boundaries, as the html reader's chunks are.
        let mut chunks = Vec::new();
        let mut rest = page.as_str();
        while !rest.is_empty() {
            let mut cut = (1 + random.below(40)).min(rest.len());
            while !rest.is_char_boundary(cut) {
                cut += 1;
            }
            let (chunk, tail) = rest.split_at(cut);
            chunks.push(chunk);
            rest = tail;
        }
        assert_paths_agree(&chunks);
        assert_paths_agree(&[&page]);
    }
}

/// Real pages, from a folder outside the repository (the evaluation pages'
/// licences keep them out of it):
/// `HTML5EVER_PAGES=dir cargo test -p html5ever --test fast_paths -- --ignored`.
#[test]
#[ignore = "needs HTML5EVER_PAGES, a folder of .html files"]
fn real_pages() {
    let folder = std::env::var("HTML5EVER_PAGES").expect("HTML5EVER_PAGES names a folder");
    let mut checked = 0;
    for entry in std::fs::read_dir(&folder).expect("HTML5EVER_PAGES is readable") {
        let path = entry.unwrap().path();
        if path
            .extension()
            .is_some_and(|extension| extension == "html")
        {
            let page = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            assert_paths_agree(&[&page]);
            checked += 1;
        }
    }
    assert!(checked > 0, "no .html file in {folder}");
}

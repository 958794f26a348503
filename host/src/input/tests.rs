use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use docpipe_contract::pipeline::{InputFormat, InvalidUtf8Policy};
use docpipe_contract::Document;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::json;
use tempfile::TempDir;

use super::{InputError, InputReader, InputSpec};

fn write(root: &Path, relative: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, bytes).unwrap();
    path
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

const MIB: u64 = 1024 * 1024;

fn spec(roots: &[&Path], glob: Option<&str>, format: InputFormat) -> InputSpec {
    InputSpec {
        roots: roots.iter().map(|root| root.to_path_buf()).collect(),
        glob: glob.map(str::to_string),
        format,
        invalid_utf8: InvalidUtf8Policy::Reject,
        max_file_size: 64 * MIB,
    }
}

fn reader(roots: &[&Path], glob: Option<&str>, format: InputFormat) -> InputReader {
    InputReader::new(spec(roots, glob, format)).unwrap()
}

fn read(
    roots: &[&Path],
    glob: Option<&str>,
    format: InputFormat,
) -> Vec<Result<Document, InputError>> {
    reader(roots, glob, format).collect()
}

fn ids(items: &[Result<Document, InputError>]) -> Vec<String> {
    items
        .iter()
        .map(|item| match item {
            Ok(document) => document.id.clone(),
            Err(error) => format!("error: {error}"),
        })
        .collect()
}

fn only_document(mut items: Vec<Result<Document, InputError>>) -> Document {
    assert_eq!(items.len(), 1, "{:?}", ids(&items));
    items.remove(0).unwrap()
}

#[test]
fn a_directory_tree_is_read_in_sorted_order_with_relative_ids() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "c.txt", "c");
    write(dir.path(), "b.txt", "b");
    write(dir.path(), "a/z.txt", "z");
    write(dir.path(), "a/b/c.txt", "nested");
    write(dir.path(), ".hidden/secret.txt", "no");
    write(dir.path(), "a/.dotfile", "no");

    let mut reader = reader(&[dir.path()], None, InputFormat::Text);
    let items: Vec<_> = reader.by_ref().collect();

    assert_eq!(ids(&items), ["a/b/c.txt", "a/z.txt", "b.txt", "c.txt"]);
    let nested = items[0].as_ref().unwrap();
    assert_eq!(nested.text, "nested");
    assert_eq!(nested.meta["source"], json!({ "path": "a/b/c.txt" }));
    assert_eq!(reader.files_seen(), 4);
}

#[test]
fn a_root_that_is_a_file_is_named_by_its_file_name_and_never_globbed() {
    let dir = TempDir::new().unwrap();
    let file = write(dir.path(), "deep/notes.md", "hello");

    let items = read(&[&file], Some("**/*.txt"), InputFormat::Text);

    assert_eq!(ids(&items), ["notes.md"]);
}

#[test]
fn roots_are_read_in_the_order_given() {
    let dir = TempDir::new().unwrap();
    let second = write(dir.path(), "z/second.txt", "2");
    let first = write(dir.path(), "a/first.txt", "1");

    let items = read(&[&second, &first], None, InputFormat::Text);

    assert_eq!(ids(&items), ["second.txt", "first.txt"]);
}

#[test]
fn the_glob_selects_files_by_path_relative_to_the_walked_directory() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "top.md", "x");
    write(dir.path(), "top.txt", "x");
    write(dir.path(), "sub/inner.md", "x");
    write(dir.path(), "sub/inner.txt", "x");

    let anywhere = read(&[dir.path()], Some("**/*.md"), InputFormat::Text);
    let top_level = read(&[dir.path()], Some("*.md"), InputFormat::Text);
    let under_sub = read(&[dir.path()], Some("sub/*"), InputFormat::Text);

    assert_eq!(ids(&anywhere), ["sub/inner.md", "top.md"]);
    assert_eq!(ids(&top_level), ["top.md"]);
    assert_eq!(ids(&under_sub), ["sub/inner.md", "sub/inner.txt"]);
}

#[test]
fn an_invalid_glob_is_refused_up_front() {
    let error = InputReader::new(spec(&[], Some("a["), InputFormat::Text))
        .err()
        .unwrap();

    assert!(matches!(error, InputError::InvalidGlob { .. }), "{error}");
}

#[test]
fn gzip_text_is_decompressed_and_named_without_gz() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.txt.gz", gzip("compressed text".as_bytes()));

    let document = only_document(read(&[dir.path()], Some("**/*.txt"), InputFormat::Text));

    assert_eq!(document.id, "a.txt");
    assert_eq!(document.text, "compressed text");
    assert_eq!(document.meta["source"], json!({ "path": "a.txt.gz" }));
}

#[test]
fn gzip_jsonl_is_decompressed_line_by_line() {
    let dir = TempDir::new().unwrap();
    let lines = "{\"text\":\"one\"}\n{\"text\":\"two\"}\n";
    write(dir.path(), "part.jsonl.gz", gzip(lines.as_bytes()));

    let items = read(&[dir.path()], Some("**/*.jsonl"), InputFormat::Jsonl);

    assert_eq!(ids(&items), ["part.jsonl:1", "part.jsonl:2"]);
    assert_eq!(items[1].as_ref().unwrap().text, "two");
}

#[test]
fn a_corrupt_gzip_file_is_an_error_and_the_next_file_is_still_read() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.txt.gz", b"not gzip at all");
    write(dir.path(), "b.txt", "fine");

    let items = read(&[dir.path()], None, InputFormat::Text);

    assert!(matches!(&items[0], Err(InputError::Read { path, .. }) if path.ends_with("a.txt.gz")));
    assert_eq!(items[1].as_ref().unwrap().id, "b.txt");
}

#[test]
fn jsonl_ids_come_from_the_id_field_or_the_line_number() {
    let dir = TempDir::new().unwrap();
    let lines = [
        r#"{"id": "first", "text": "one", "title": "One", "lang": "en", "meta": {"k": 1}}"#,
        r#"{"id": 42, "text": "two"}"#,
        "",
        r#"{"text": "three", "meta": {"source": "upstream"}}"#,
    ];
    write(dir.path(), "data.jsonl", lines.join("\n"));

    let items = read(&[dir.path()], None, InputFormat::Jsonl);

    assert_eq!(ids(&items), ["first", "42", "data.jsonl:4"]);
    let first = items[0].as_ref().unwrap();
    assert_eq!(first.text, "one");
    assert_eq!(first.title.as_deref(), Some("One"));
    assert_eq!(
        first.fields,
        json!({ "lang": "en" }).as_object().unwrap().clone()
    );
    assert_eq!(first.meta["k"], json!(1));
    assert_eq!(
        first.meta["source"],
        json!({ "path": "data.jsonl", "line": 1 })
    );
    let third = items[2].as_ref().unwrap();
    assert_eq!(third.meta["source"], json!("upstream"));
}

#[test]
fn a_malformed_jsonl_line_is_reported_and_the_lines_after_it_are_read() {
    let dir = TempDir::new().unwrap();
    let lines = "{\"text\": \"one\"}\n{\"text\": oops}\r\n{\"text\": \"three\"}\n";
    let path = write(dir.path(), "data.jsonl", lines);

    let items = read(&[dir.path()], None, InputFormat::Jsonl);

    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().unwrap().id, "data.jsonl:1");
    match &items[1] {
        Err(error @ InputError::JsonlSyntax { line, column, .. }) => {
            assert_eq!((*line, *column), (2, 10));
            assert_eq!(error.line(), Some(2));
            assert_eq!(
                error.to_string(),
                format!("{}:2:10: malformed JSON: expected value", path.display())
            );
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    assert_eq!(items[2].as_ref().unwrap().text, "three");
}

#[test]
fn jsonl_lines_that_are_not_documents_are_reported_by_line() {
    let dir = TempDir::new().unwrap();
    let lines =
        "[1, 2]\n{\"title\": \"no text\"}\n{\"id\": true, \"text\": \"x\"}\n{\"text\": \"ok\"}";
    write(dir.path(), "data.jsonl", lines);

    let items = read(&[dir.path()], None, InputFormat::Jsonl);

    let lines: Vec<_> = items[..3]
        .iter()
        .map(|item| item.as_ref().unwrap_err().line())
        .collect();
    assert_eq!(lines, [Some(1), Some(2), Some(3)]);
    assert!(items[..3]
        .iter()
        .all(|item| matches!(item, Err(InputError::JsonlShape { .. }))));
    assert_eq!(items[3].as_ref().unwrap().id, "data.jsonl:4");
}

#[test]
fn invalid_utf8_in_a_text_file_is_reported_with_its_byte_offset() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "bad.txt", b"h\xC3\xA9llo \xFF world");
    write(dir.path(), "good.txt", "fine");

    let items = read(&[dir.path()], None, InputFormat::Text);

    match &items[0] {
        Err(error @ InputError::InvalidUtf8 { path, offset }) => {
            assert!(path.ends_with("bad.txt"));
            assert_eq!(*offset, 7);
            assert!(error
                .to_string()
                .ends_with("bad.txt: invalid UTF-8 at byte offset 7"));
        }
        other => panic!("expected invalid UTF-8, got {other:?}"),
    }
    assert_eq!(items[1].as_ref().unwrap().text, "fine");
}

#[test]
fn a_utf8_byte_order_mark_is_stripped_from_text() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "bom.txt", b"\xEF\xBB\xBFhello");

    let document = only_document(read(&[dir.path()], None, InputFormat::Text));

    assert_eq!(document.text, "hello");
}

#[test]
fn an_html_page_in_windows_1256_declared_by_meta_is_decoded() {
    let dir = TempDir::new().unwrap();
    let page = "<html><head><meta charset=\"windows-1256\"><title>مرحبا بالعالم</title></head>\
                <body><p>السلام عليكم</p></body></html>";
    let (bytes, _, had_errors) = encoding_rs::WINDOWS_1256.encode(page);
    assert!(!had_errors);
    assert_ne!(&*bytes, page.as_bytes());
    write(dir.path(), "ar.html", &bytes);

    let document = only_document(read(&[dir.path()], None, InputFormat::Html));

    assert_eq!(document.id, "ar.html");
    assert_eq!(document.title.as_deref(), Some("مرحبا بالعالم"));
    assert_eq!(document.text, "السلام عليكم");
    assert_eq!(document.fields["html"], json!(page));
}

#[test]
fn html_title_and_text_are_extracted_without_script_or_style() {
    let dir = TempDir::new().unwrap();
    let page = "<!doctype html><html><head><title>Fish &amp; Chips</title>\
                <style>body { color: red }</style><script>var hidden = 1;</script></head>\
                <body><h1>Menu</h1><p>Cod,\n   chips <b>&amp;</b> peas.</p>\
                <script>track()</script><ul><li>Tea</li><li>Coffee</li></ul></body></html>";
    write(dir.path(), "menu.html.gz", gzip(page.as_bytes()));

    let document = only_document(read(&[dir.path()], None, InputFormat::Html));

    assert_eq!(document.id, "menu.html");
    assert_eq!(document.title.as_deref(), Some("Fish & Chips"));
    assert_eq!(document.text, "Menu\nCod, chips & peas.\nTea\nCoffee");
    assert_eq!(document.meta["source"], json!({ "path": "menu.html.gz" }));
}

#[test]
fn bytes_invalid_in_an_html_pages_encoding_are_reported_with_their_offset() {
    let dir = TempDir::new().unwrap();
    // Declared: an undeclared page that is not UTF-8 is decoded as the
    // legacy encoding it looks like instead.
    write(
        dir.path(),
        "bad.html",
        b"<meta charset=utf-8><p>ok \xFF</p>",
    );

    let items = read(&[dir.path()], None, InputFormat::Html);

    assert!(
        matches!(
            &items[0],
            Err(InputError::InvalidEncoding {
                encoding: "UTF-8",
                offset: 26,
                ..
            })
        ),
        "{:?}",
        items[0]
    );
}

#[test]
fn a_missing_root_is_reported_and_the_other_roots_are_read() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("nowhere");
    let present = write(dir.path(), "here.txt", "here");

    let items = read(&[&missing, &present], None, InputFormat::Text);

    match &items[0] {
        Err(error @ InputError::MissingRoot { path }) => {
            assert_eq!(path, &missing);
            assert!(error.to_string().contains("nowhere"));
        }
        other => panic!("expected a missing root, got {other:?}"),
    }
    assert_eq!(items[1].as_ref().unwrap().id, "here.txt");
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_an_error_item_not_a_crash() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a/file.txt", "x");
    std::os::unix::fs::symlink(dir.path().join("a"), dir.path().join("a/loop")).unwrap();

    let items = read(&[dir.path()], None, InputFormat::Text);

    assert_eq!(items[0].as_ref().unwrap().id, "a/file.txt");
    assert!(
        matches!(&items[1], Err(InputError::Walk { .. })),
        "{:?}",
        ids(&items)
    );
    assert_eq!(items.len(), 2);
}

fn read_spec(spec: InputSpec) -> Vec<Result<Document, InputError>> {
    InputReader::new(spec).unwrap().collect()
}

fn replacing(mut spec: InputSpec) -> InputSpec {
    spec.invalid_utf8 = InvalidUtf8Policy::Replace;
    spec
}

fn limited(mut spec: InputSpec, max_file_size: u64) -> InputSpec {
    spec.max_file_size = max_file_size;
    spec
}

#[test]
fn replacing_invalid_utf8_in_text_counts_the_bytes_replaced() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "bad.txt",
        b"h\xC3\xA9llo \xFF\xFE world \xE2\x82",
    );
    write(dir.path(), "good.txt", "fine");

    let items = read_spec(replacing(spec(&[dir.path()], None, InputFormat::Text)));

    let bad = items[0].as_ref().unwrap();
    assert_eq!(bad.text, "héllo \u{FFFD}\u{FFFD} world \u{FFFD}");
    assert_eq!(
        bad.meta["source"],
        json!({ "path": "bad.txt", "replaced_bytes": 4 })
    );
    let good = items[1].as_ref().unwrap();
    assert_eq!(good.meta["source"], json!({ "path": "good.txt" }));
}

#[test]
fn invalid_utf8_in_a_jsonl_line_is_rejected_by_default_and_replaced_on_request() {
    let dir = TempDir::new().unwrap();
    let lines = b"{\"text\": \"caf\xE9\"}\n{\"text\": \"ok\"}\n";
    let path = write(dir.path(), "data.jsonl", lines);

    let rejected = read(&[dir.path()], None, InputFormat::Jsonl);
    let replaced = read_spec(replacing(spec(&[dir.path()], None, InputFormat::Jsonl)));

    match &rejected[0] {
        Err(
            error @ InputError::JsonlInvalidUtf8 {
                line: 1, column, ..
            },
        ) => {
            assert_eq!(*column, 14);
            assert_eq!(
                error.to_string(),
                format!("{}:1:14: invalid UTF-8", path.display())
            );
        }
        other => panic!("expected invalid UTF-8, got {other:?}"),
    }
    assert_eq!(rejected[1].as_ref().unwrap().text, "ok");
    let first = replaced[0].as_ref().unwrap();
    assert_eq!(first.text, "caf\u{FFFD}");
    assert_eq!(
        first.meta["source"],
        json!({ "path": "data.jsonl", "line": 1, "replaced_bytes": 1 })
    );
    assert_eq!(
        replaced[1].as_ref().unwrap().meta["source"],
        json!({ "path": "data.jsonl", "line": 2 })
    );
}

#[test]
fn replacing_bytes_invalid_in_an_html_pages_encoding_counts_them() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "bad.html",
        b"<meta charset=utf-8><p>ok \xFF\xFF</p>",
    );

    let document = only_document(read_spec(replacing(spec(
        &[dir.path()],
        None,
        InputFormat::Html,
    ))));

    assert_eq!(document.text, "ok \u{FFFD}\u{FFFD}");
    assert_eq!(
        document.meta["source"],
        json!({ "path": "bad.html", "replaced_bytes": 2 })
    );
}

#[test]
fn a_text_or_html_file_with_a_nul_byte_is_refused_as_binary() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "image.html", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    write(dir.path(), "image.txt", b"GIF89a\x01\0\x01\0");
    write(dir.path(), "text.txt", "fine");

    let text = read(&[dir.path()], Some("*.txt"), InputFormat::Text);
    let html = read(&[dir.path()], Some("*.html"), InputFormat::Html);

    match &text[0] {
        Err(error @ InputError::Binary { offset: 7, .. }) => {
            assert!(
                error
                    .to_string()
                    .ends_with("image.txt: looks binary (a NUL byte at offset 7)"),
                "{error}"
            );
        }
        other => panic!("expected a binary file, got {other:?}"),
    }
    assert_eq!(text[1].as_ref().unwrap().text, "fine");
    assert!(
        matches!(&html[0], Err(InputError::Binary { offset: 8, .. })),
        "{:?}",
        html[0]
    );
}

#[test]
fn a_nul_byte_past_the_first_8_kib_does_not_make_a_file_binary() {
    let dir = TempDir::new().unwrap();
    let mut bytes = vec![b'a'; 8 * 1024];
    bytes.push(0);
    write(dir.path(), "late.txt", &bytes);

    let document = only_document(read(&[dir.path()], None, InputFormat::Text));

    assert_eq!(document.text.len(), 8 * 1024 + 1);
}

#[test]
fn a_utf16_html_page_is_not_taken_for_binary() {
    let dir = TempDir::new().unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "<title>Hi</title><p>there</p>".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    write(dir.path(), "wide.html", &bytes);

    let document = only_document(read(&[dir.path()], None, InputFormat::Html));

    assert_eq!(document.title.as_deref(), Some("Hi"));
    assert_eq!(document.text, "there");
}

#[test]
fn a_jsonl_file_with_a_nul_near_its_start_is_refused_once_as_binary() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "blob.jsonl", b"\x1f\x8b\x08\0\n\0\0\n\0\n");
    write(dir.path(), "ok.jsonl", "{\"text\": \"ok\"}\n");

    let items = read(&[dir.path()], None, InputFormat::Jsonl);

    assert_eq!(items.len(), 2, "{:?}", ids(&items));
    match &items[0] {
        Err(error @ InputError::Binary { offset: 3, .. }) => {
            assert!(error.to_string().contains("looks binary"), "{error}");
        }
        other => panic!("expected a binary file, got {other:?}"),
    }
    assert_eq!(items[1].as_ref().unwrap().id, "ok.jsonl:1");
}

#[test]
fn a_jsonl_line_with_a_nul_far_into_the_file_is_a_clear_line_error() {
    let dir = TempDir::new().unwrap();
    let mut lines = String::new();
    for _ in 0..200 {
        lines.push_str("{\"text\": \"padding padding padding padding\"}\n");
    }
    lines.push_str("{\"text\": \"a\0b\"}\n{\"text\": \"after\"}\n");
    let path = write(dir.path(), "data.jsonl", lines);

    let items = read(&[dir.path()], None, InputFormat::Jsonl);

    assert_eq!(items.len(), 202);
    let error = items[200].as_ref().unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}:201:12: a NUL byte, never found in JSON text (is the file binary?)",
            path.display()
        )
    );
    assert_eq!(items[201].as_ref().unwrap().text, "after");
}

#[test]
fn an_empty_or_blank_text_or_html_file_is_refused() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a-empty.txt", "");
    write(dir.path(), "b-blank.txt", " \n\t\r\n");
    write(dir.path(), "c-bom.txt", b"\xEF\xBB\xBF\n");
    write(dir.path(), "d-empty.html", "");
    write(dir.path(), "e-blank.html.gz", gzip(b"\n\n"));

    let text = read(&[dir.path()], Some("*.txt"), InputFormat::Text);
    let html = read(&[dir.path()], Some("*.html"), InputFormat::Html);

    for item in text.iter().chain(&html) {
        match item {
            Err(error @ InputError::Empty { .. }) => {
                assert!(error.to_string().ends_with(": empty file"), "{error}");
            }
            other => panic!("expected an empty file, got {other:?}"),
        }
    }
    assert_eq!((text.len(), html.len()), (3, 2));
}

#[test]
fn an_empty_or_blank_jsonl_file_yields_nothing_and_no_error() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "empty.jsonl", "");
    write(dir.path(), "blank.jsonl", "\n  \n\r\n");

    let mut reader = reader(&[dir.path()], None, InputFormat::Jsonl);
    let items: Vec<_> = reader.by_ref().collect();

    assert!(items.is_empty(), "{:?}", ids(&items));
    assert_eq!(reader.files_seen(), 2);
}

#[test]
fn a_file_over_max_file_size_is_refused_from_its_size_on_disk() {
    let dir = TempDir::new().unwrap();
    let huge = dir.path().join("huge.txt");
    fs::File::create(&huge).unwrap().set_len(200 << 20).unwrap();
    write(dir.path(), "small.txt", "small");

    let text = read(&[dir.path()], None, InputFormat::Text);
    let html = read(&[&huge], None, InputFormat::Html);

    match &text[0] {
        Err(error @ InputError::TooLarge { size, limit, .. }) => {
            assert_eq!((*size, *limit), (200 * MIB, 64 * MIB));
            assert_eq!(
                error.to_string(),
                format!(
                    "{}: is 200 MiB, over input.max_file_size of 64 MiB",
                    huge.display()
                )
            );
        }
        other => panic!("expected a file too large, got {other:?}"),
    }
    assert_eq!(text[1].as_ref().unwrap().text, "small");
    assert!(matches!(&html[0], Err(InputError::TooLarge { .. })));
}

#[test]
fn a_gzip_file_that_decompresses_past_max_file_size_is_refused() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "bomb.txt.gz",
        gzip(&vec![b'a'; 2 * MIB as usize]),
    );
    write(dir.path(), "fits.txt.gz", gzip(&vec![b'a'; MIB as usize]));

    let items = read_spec(limited(spec(&[dir.path()], None, InputFormat::Text), MIB));

    match &items[0] {
        Err(error @ InputError::DecompressedTooLarge { limit, .. }) => {
            assert_eq!(*limit, MIB);
            assert!(
                error.to_string().ends_with(
                    "bomb.txt.gz: decompresses to more than input.max_file_size of 1 MiB"
                ),
                "{error}"
            );
        }
        other => panic!("expected a file too large, got {other:?}"),
    }
    assert_eq!(items[1].as_ref().unwrap().text.len(), MIB as usize);
}

#[test]
fn a_jsonl_line_over_max_file_size_is_skipped_and_the_next_line_is_read() {
    let dir = TempDir::new().unwrap();
    let long = format!("{{\"text\": \"{}\"}}", "x".repeat(5000));
    let lines = format!("{{\"text\": \"one\"}}\n{long}\n{{\"text\": \"three\"}}\n{long}");
    let path = write(dir.path(), "data.jsonl.gz", gzip(lines.as_bytes()));

    let items = read_spec(limited(spec(&[dir.path()], None, InputFormat::Jsonl), 4096));

    assert_eq!(items.len(), 4, "{:?}", ids(&items));
    assert_eq!(items[0].as_ref().unwrap().text, "one");
    match &items[1] {
        Err(error @ InputError::JsonlLineTooLong { line: 2, .. }) => {
            assert_eq!(error.line(), Some(2));
            assert_eq!(
                error.to_string(),
                format!(
                    "{}:2: line is longer than input.max_file_size of 4 KiB",
                    path.display()
                )
            );
        }
        other => panic!("expected a line too long, got {other:?}"),
    }
    let third = items[2].as_ref().unwrap();
    assert_eq!(
        (third.text.as_str(), third.id.as_str()),
        ("three", "data.jsonl:3")
    );
    assert!(matches!(
        &items[3],
        Err(InputError::JsonlLineTooLong { line: 4, .. })
    ));
}

#[cfg(unix)]
#[test]
fn a_directory_linked_to_its_parent_is_an_error_item_not_a_crash() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a/b/file.txt", "x");
    std::os::unix::fs::symlink(dir.path().join("a"), dir.path().join("a/b/up")).unwrap();
    write(dir.path(), "c.txt", "after");

    let items = read(&[dir.path()], None, InputFormat::Text);

    assert_eq!(items.len(), 3, "{:?}", ids(&items));
    assert_eq!(items[0].as_ref().unwrap().id, "a/b/file.txt");
    assert!(
        matches!(&items[1], Err(InputError::Walk { .. })),
        "{:?}",
        ids(&items)
    );
    assert_eq!(items[2].as_ref().unwrap().id, "c.txt");
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_an_error_item_and_the_next_file_is_still_read() {
    use std::os::unix::fs::PermissionsExt;

    let dir = TempDir::new().unwrap();
    let locked = write(dir.path(), "a.txt", "secret");
    write(dir.path(), "b.txt", "fine");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&locked).is_ok() {
        // Running as root: permissions do not stop reading, nothing to prove.
        return;
    }

    let items = read(&[dir.path()], None, InputFormat::Text);

    match &items[0] {
        Err(error @ InputError::Read { path, .. }) => {
            assert_eq!(path, &locked);
            assert!(error.to_string().ends_with("a.txt: cannot read file"));
        }
        other => panic!("expected a read error, got {other:?}"),
    }
    assert_eq!(items[1].as_ref().unwrap().text, "fine");
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_whose_read_fails_is_an_error_item_even_for_root() {
    // Reading /proc/self/mem at offset 0 fails (EIO) whoever the user is.
    let dir = TempDir::new().unwrap();
    let good = write(dir.path(), "good.txt", "fine");
    let mem = Path::new("/proc/self/mem");

    let text = read(&[mem, &good], None, InputFormat::Text);
    let jsonl = read(&[mem], None, InputFormat::Jsonl);

    assert!(
        matches!(&text[0], Err(InputError::Read { path, .. }) if path == mem),
        "{:?}",
        ids(&text)
    );
    assert_eq!(text[1].as_ref().unwrap().text, "fine");
    assert!(
        matches!(&jsonl[..], [Err(InputError::Read { .. })]),
        "{:?}",
        ids(&jsonl)
    );
}

//! How fast `words` splits text that takes its table path, against
//! unicode-segmentation's `unicode_words`, natively (docs/benchmarks.md):
//!
//!     python3 bench/corpus.py --count 2000 --min-kb 3 --max-kb 5 --out /tmp/corpus.jsonl
//!     cargo run --release -p docpipe-plugin-sdk --example words_speed -- /tmp/corpus.jsonl
//!
//! Takes the corpus's texts that hold Arabic and take the table path, and
//! times both over them, three rounds.

use docpipe_plugin_sdk::words::{words, Words};
use std::time::Instant;
use unicode_segmentation::UnicodeSegmentation;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: words_speed CORPUS.jsonl");
    let corpus = std::fs::read_to_string(&path).expect("reading the corpus");
    let texts: Vec<String> = corpus
        .lines()
        .map(|line| {
            let document: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            document["text"].as_str().unwrap_or_default().to_string()
        })
        .filter(|text| {
            text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
                && matches!(words(text), Words::Table(_))
        })
        .collect();
    let chars: usize = texts.iter().map(|text| text.chars().count()).sum();
    for round in 1..=3 {
        let started = Instant::now();
        let ours: usize = texts.iter().map(|text| words(text).count()).sum();
        let table = started.elapsed();
        let started = Instant::now();
        let theirs: usize = texts.iter().map(|text| text.unicode_words().count()).sum();
        let general = started.elapsed();
        assert_eq!(ours, theirs, "the two disagree");
        println!(
            "round {round}: {} texts, {chars} chars: words {:.1} ns/char, unicode_words {:.1} ns/char",
            texts.len(),
            table.as_nanos() as f64 / chars as f64,
            general.as_nanos() as f64 / chars as f64,
        );
    }
}

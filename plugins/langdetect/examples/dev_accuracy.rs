//! The plugin's accuracy on lingua's dev set, natively: the quick loop for
//! trying a model table before building a component (docs/benchmarks.md).
//!
//!     cargo run --release -p docpipe-langdetect --example dev_accuracy -- \
//!         ../shared/eval/langid/lingua-dev.jsonl [MODEL_TABLE]
//!
//! Scores as `score.py langid` does: per kind, the mean over languages of the
//! share of texts whose code is the gold one, thresholds off. With
//! MODEL_TABLE (written by `docpipe-langdetect-model`) the plugin reads it as
//! its `model` resource, else it uses its built-in table.

use docpipe_langdetect::LangDetect;
use docpipe_plugin_sdk::testing::{with_resources, Harness};
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn main() {
    let mut args = std::env::args().skip(1);
    let gold = args
        .next()
        .expect("usage: dev_accuracy LINGUA_DEV_JSONL [MODEL_TABLE]");
    let model = args
        .next()
        .map(|path| std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}")));
    let config = json!({"min_chars": 0, "min_confidence": 0.0});
    let mut detector = match &model {
        Some(bytes) => with_resources(&[("model", bytes)], || Harness::<LangDetect>::new(config)),
        None => Harness::<LangDetect>::new(config),
    }
    .expect("the plugin accepts the config and the table");

    // (kind, language) -> (right, total)
    let mut tally: BTreeMap<(String, String), (u32, u32)> = BTreeMap::new();
    let text = std::fs::read_to_string(&gold).unwrap_or_else(|e| panic!("cannot read {gold}: {e}"));
    let start = std::time::Instant::now();
    for line in text.lines() {
        let item: Value = serde_json::from_str(line).expect("a JSON line");
        let out = detector
            .process_value(item.clone())
            .expect("the plugin accepts the document")
            .expect("the plugin keeps the document");
        let counts = tally
            .entry((
                item["kind"].as_str().unwrap().into(),
                item["gold"].as_str().unwrap().into(),
            ))
            .or_default();
        counts.0 += u32::from(out["lang"]["code"] == item["gold"]);
        counts.1 += 1;
    }
    let seconds = start.elapsed().as_secs_f64();
    let mut by_kind: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for ((kind, _), (right, total)) in &tally {
        by_kind
            .entry(kind)
            .or_default()
            .push(f64::from(*right) / f64::from(*total));
    }
    for (kind, shares) in by_kind {
        let mean = shares.iter().sum::<f64>() / shares.len() as f64;
        println!(
            "{kind}: {:.2}% over {} languages",
            mean * 100.0,
            shares.len()
        );
    }
    println!("{} texts in {seconds:.2} s", text.lines().count());
}

//! lingua 1.8 (high-accuracy mode, every language, models preloaded) and
//! whatlang 0.18 (`Detector::new`, as lingua's accuracy reports call it) run
//! natively over `langid/lingua-dev.jsonl`, scored as `score.py langid`
//! scores docpipe's output: accuracy per language, then the mean over
//! languages per kind; whatlang over the languages it has published figures
//! for, as in run.py.
//!
//!     cargo run --release -- [EVAL_DIR]      (default ../../../../shared/eval)

use lingua::LanguageDetectorBuilder;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

/// (kind, gold code) -> (right, total).
type Tally = BTreeMap<(String, String), (u32, u32)>;

fn main() {
    let eval = std::env::args().nth(1).map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../../shared/eval"),
        PathBuf::from,
    );
    let gold_path = eval.join("langid/lingua-dev.jsonl");
    let text = std::fs::read_to_string(&gold_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", gold_path.display()));
    let items: Vec<(String, String, String)> = text
        .lines()
        .map(|line| {
            let item: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            let field = |name: &str| item[name].as_str().expect("a string field").to_string();
            (field("text"), field("gold"), field("kind"))
        })
        .collect();

    let lingua = LanguageDetectorBuilder::from_all_languages()
        .with_preloaded_language_models()
        .build();
    let start = Instant::now();
    let lingua_tally = tally(&items, |text| {
        lingua
            .detect_language_of(text)
            .map(|language| language.iso_code_639_1().to_string())
    });
    let lingua_seconds = start.elapsed().as_secs_f64();

    let whatlang = whatlang::Detector::new();
    let start = Instant::now();
    let whatlang_tally = tally(&items, |text| whatlang.detect_lang(text).map(iso639_1));
    let whatlang_seconds = start.elapsed().as_secs_f64();

    let whatlang_languages = published_languages(&eval, "whatlang");
    println!("| detector (native, this data) | sentences | word pairs | texts/s |");
    println!("|---|---|---|---|");
    for (label, tally, only, seconds) in [
        (
            "lingua 1.8 high accuracy",
            &lingua_tally,
            None,
            lingua_seconds,
        ),
        (
            "whatlang 0.18",
            &whatlang_tally,
            Some(&whatlang_languages),
            whatlang_seconds,
        ),
    ] {
        let cell = |kind: &str| {
            let (mean, count) = mean(tally, kind, only);
            format!("{:.1}% ({count})", mean * 100.0)
        };
        println!(
            "| {label} | {} | {} | {:.0} |",
            cell("sentences"),
            cell("word-pairs"),
            items.len() as f64 / seconds
        );
    }
}

fn tally(items: &[(String, String, String)], detect: impl Fn(&str) -> Option<String>) -> Tally {
    let mut tally = Tally::new();
    for (text, gold, kind) in items {
        let entry = tally.entry((kind.clone(), gold.clone())).or_default();
        entry.1 += 1;
        if detect(text).as_deref() == Some(gold.as_str()) {
            entry.0 += 1;
        }
    }
    tally
}

/// Mean accuracy over the languages of `kind` (those in `only`, if given),
/// and how many languages that is.
fn mean(tally: &Tally, kind: &str, only: Option<&BTreeSet<String>>) -> (f64, usize) {
    let values: Vec<f64> = tally
        .iter()
        .filter(|((k, gold), _)| k == kind && only.is_none_or(|only| only.contains(gold)))
        .map(|(_, &(right, total))| f64::from(right) / f64::from(total))
        .collect();
    (
        values.iter().sum::<f64>() / values.len() as f64,
        values.len(),
    )
}

/// ISO 639-1 codes of the languages with a published figure for `detector`
/// in `peer-accuracy/sentences-accuracy-values.csv`, by the names in
/// `languages.tsv`.
fn published_languages(eval: &std::path::Path, detector: &str) -> BTreeSet<String> {
    let read = |path: &str| {
        std::fs::read_to_string(eval.join(path))
            .unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
    };
    let codes: BTreeMap<String, String> = read("langid/languages.tsv")
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let code = fields.next()?;
            Some((fields.next()?.to_lowercase(), code.to_string()))
        })
        .collect();
    let table = read("langid/peer-accuracy/sentences-accuracy-values.csv");
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let column = header
        .iter()
        .position(|name| *name == detector)
        .unwrap_or_else(|| panic!("no column {detector}"));
    lines
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            let value = fields.get(column)?.parse::<f64>().ok()?;
            (!value.is_nan()).then(|| codes.get(&fields[0].to_lowercase()).cloned())?
        })
        .collect()
}

/// whatlang's ISO 639-3 code as ISO 639-1 where the dev set uses one.
fn iso639_1(lang: whatlang::Lang) -> String {
    match lang.code() {
        "cmn" => "zh".to_string(),
        "pes" => "fa".to_string(),
        code => code.parse::<lingua::IsoCode639_3>().map_or_else(
            |_| code.to_string(),
            |iso| {
                lingua::Language::from_iso_code_639_3(&iso)
                    .iso_code_639_1()
                    .to_string()
            },
        ),
    }
}

//! Scores sentences by how central they are to the document: the cosine
//! between a sentence's TF-IDF vector and the whole document's (a centroid
//! summarizer), plus a small bonus for coming early, as news leads do. Needs no
//! per-language word lists, and is deterministic: terms live in ordered maps.

use std::collections::BTreeMap;
use unicode_segmentation::UnicodeSegmentation;

/// Bonus of the first sentence; the i-th (from 0) gets `LEAD_BONUS / (i + 1)`.
const LEAD_BONUS: f64 = 0.1;

/// Sentences with fewer words than this are scaled down in proportion: a
/// three-word line that shares one rare word with the document is a caption,
/// not a summary.
const FULL_WEIGHT_WORDS: usize = 6;

type TermCounts = BTreeMap<String, f64>;

/// One score per sentence, in the order given.
pub fn score(sentences: &[&str]) -> Vec<f64> {
    let counts: Vec<(TermCounts, usize)> = sentences.iter().map(|s| term_counts(s)).collect();

    let mut sentences_with_term: BTreeMap<&str, f64> = BTreeMap::new();
    let mut document: TermCounts = BTreeMap::new();
    for (terms, _) in &counts {
        for (term, count) in terms {
            *sentences_with_term.entry(term).or_default() += 1.0;
            *document.entry(term.clone()).or_default() += count;
        }
    }
    // Smoothed IDF, always positive so a term in every sentence still counts a little.
    let sentence_count = sentences.len() as f64;
    let idf = |term: &str| ((1.0 + sentence_count) / (1.0 + sentences_with_term[term])).ln() + 1.0;
    let weigh = |terms: &TermCounts| -> TermCounts {
        terms
            .iter()
            .map(|(term, count)| (term.clone(), count * idf(term)))
            .collect()
    };
    let centroid = weigh(&document);
    let centroid_norm = norm(&centroid);

    counts
        .iter()
        .enumerate()
        .map(|(position, (terms, words))| {
            let vector = weigh(terms);
            let norms = norm(&vector) * centroid_norm;
            let similarity = if norms > 0.0 {
                dot(&vector, &centroid) / norms
            } else {
                0.0
            };
            let length_factor = (*words as f64 / FULL_WEIGHT_WORDS as f64).min(1.0);
            similarity * length_factor + LEAD_BONUS / (position as f64 + 1.0)
        })
        .collect()
}

/// Lower-cased UAX #29 words and their counts, and the number of words. Han
/// and kana text has no spaces, so UAX #29 gives one word per character; this
/// first version scores those characters as terms.
fn term_counts(sentence: &str) -> (TermCounts, usize) {
    let mut terms = TermCounts::new();
    let mut words = 0;
    for word in sentence.unicode_words() {
        *terms.entry(word.to_lowercase()).or_default() += 1.0;
        words += 1;
    }
    (terms, words)
}

fn dot(a: &TermCounts, b: &TermCounts) -> f64 {
    a.iter()
        .filter_map(|(term, weight)| b.get(term).map(|other| weight * other))
        .sum()
}

fn norm(vector: &TermCounts) -> f64 {
    vector
        .values()
        .map(|weight| weight * weight)
        .sum::<f64>()
        .sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentence_sharing_the_documents_vocabulary_wins() {
        let scores = score(&[
            "The weather was nice that day.",
            "Security forces in the Lake Chad region face insecurity.",
            "The region's security forces are trained to face insecurity in Lake Chad.",
            "Security in the Lake Chad region is a shared concern.",
        ]);
        let best = (0..scores.len())
            .max_by(|&a, &b| scores[a].total_cmp(&scores[b]))
            .unwrap();
        assert_ne!(best, 0, "{scores:?}");
        assert!(scores[0] < scores[1], "{scores:?}");
    }

    #[test]
    fn scores_do_not_depend_on_anything_but_the_input() {
        let sentences = ["b a c.", "c a.", "d e f g h i j.", "a b."];
        assert_eq!(score(&sentences), score(&sentences));
    }

    #[test]
    fn empty_and_wordless_input() {
        assert!(score(&[]).is_empty());
        assert_eq!(score(&["…"]), [LEAD_BONUS]);
    }
}

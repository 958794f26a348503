//! Scores sentences by how much they should be in a summary. Three signals:
//! centrality in the graph of sentences that share words (TextRank's edge
//! weight, ranked with PageRank as LexRank and TextRank do), position (news
//! and reports put the gist in their first sentence) and similarity to the
//! title. Deterministic: no randomness, no map iteration, fixed iterations.

use crate::terms::SentenceTerms;

/// Weight of centrality, which is scaled so the most central sentence has 1.
const CENTRALITY_WEIGHT: f64 = 1.0;
/// Bonus of the lead, the first sentence that is not a heading. As large as
/// the top centrality: the lead is the single best predictor of what an
/// editor keeps, but a short or off-topic lead still loses to a long central
/// sentence.
const LEAD_WEIGHT: f64 = 1.0;
/// Weight of the cosine between a sentence and the title, when there is one.
const TITLE_WEIGHT: f64 = 0.5;

/// Sentences with fewer words than this are scaled down in proportion: a
/// three-word line that shares one rare word with the document is a caption
/// or a dateline, not a summary.
const FULL_WEIGHT_WORDS: f64 = 8.0;
/// Under a sentence budget each pick should carry as much as it can, so a
/// sentence's score grows with the square root of its length relative to the
/// document's mean, up to this factor (a run-on "sentence" of a whole page
/// must not win on length alone).
const MAX_LENGTH_FACTOR: f64 = 2.0;

/// PageRank damping, as in TextRank and LexRank.
const DAMPING: f64 = 0.85;
const MAX_ITERATIONS: usize = 100;
const CONVERGED: f64 = 1e-5;
/// Above this many sentences the quadratic graph is not built; centrality is
/// then the cosine with the whole document's term vector (the centroid
/// summarizer), linear in the text's length.
const MAX_GRAPH_SENTENCES: usize = 400;

/// Sentence scores and the vectors the selection compares sentences with.
#[derive(Debug)]
pub struct Ranking {
    /// One score per sentence, in text order, from 0 to 1 (the best).
    pub scores: Vec<f64>,
    /// TF-IDF vectors of unit length, ids ascending, one per sentence.
    pub vectors: Vec<Vec<(u32, f64)>>,
}

/// Ranks `sentences` (in text order). `vocabulary` is the number of distinct
/// term ids; `lead` is the index of the first sentence that is not a
/// heading; `prefer_long` is set under a sentence budget.
pub fn rank(
    sentences: &[SentenceTerms],
    title: Option<&SentenceTerms>,
    vocabulary: usize,
    lead: Option<usize>,
    prefer_long: bool,
) -> Ranking {
    let count = sentences.len();
    let mut sentences_with_term = vec![0u32; vocabulary];
    for sentence in sentences {
        for &(id, _) in &sentence.counts {
            sentences_with_term[id as usize] += 1;
        }
    }
    // Smoothed inverse sentence frequency, always positive so a term in every
    // sentence still counts a little.
    let idf: Vec<f64> = sentences_with_term
        .iter()
        .map(|&with| ((1.0 + count as f64) / (1.0 + f64::from(with))).ln() + 1.0)
        .collect();
    let vectors: Vec<Vec<(u32, f64)>> = sentences
        .iter()
        .map(|sentence| unit_vector(&sentence.counts, &idf))
        .collect();

    let centrality = if count <= MAX_GRAPH_SENTENCES {
        graph_centrality(sentences, vocabulary)
    } else {
        centroid_similarity(&vectors, vocabulary)
    };
    let top = centrality.iter().copied().fold(0.0, f64::max);
    let title_vector = title.map(|title| unit_vector(&title.counts, &idf));
    let mean_words = sentences.iter().map(|s| s.words as f64).sum::<f64>() / (count.max(1) as f64);

    let mut scores: Vec<f64> = (0..count)
        .map(|index| {
            let central = if top > 0.0 {
                centrality[index] / top
            } else {
                0.0
            };
            let lead = if Some(index) == lead { 1.0 } else { 0.0 };
            let on_title = title_vector
                .as_ref()
                .map_or(0.0, |title| cosine(&vectors[index], title));
            let words = sentences[index].words as f64;
            let short = (words / FULL_WEIGHT_WORDS).min(1.0);
            // The lead bonus is for being first, not for being long: only
            // the content signals grow with length.
            let long = if prefer_long && mean_words > 0.0 {
                (words / mean_words).sqrt().min(MAX_LENGTH_FACTOR)
            } else {
                1.0
            };
            let content = CENTRALITY_WEIGHT * central + TITLE_WEIGHT * on_title;
            (content * long + LEAD_WEIGHT * lead) * short
        })
        .collect();
    let best = scores.iter().copied().fold(0.0, f64::max);
    if best > 0.0 {
        scores.iter_mut().for_each(|score| *score /= best);
    }
    Ranking { scores, vectors }
}

/// PageRank over the sentence graph, with TextRank's edge weight: the number
/// of terms two sentences share over the sum of the logs of their sizes.
fn graph_centrality(sentences: &[SentenceTerms], vocabulary: usize) -> Vec<f64> {
    let count = sentences.len();
    if count == 0 {
        return Vec::new();
    }
    let log_sizes: Vec<f64> = sentences
        .iter()
        .map(|s| (1.0 + s.counts.len() as f64).ln())
        .collect();
    // weights[from * count + to]; the edges are read out of it below.
    let mut weights = vec![0.0; count * count];
    // The sentences holding each term, ascending (term by term, as one
    // list): two sentences share as many terms as there are lists holding
    // both, so each pair that shares anything is counted once per term in
    // common, and the many pairs that share nothing cost nothing.
    let mut list_ends = vec![0usize; vocabulary + 1];
    for sentence in sentences {
        for &(id, _) in &sentence.counts {
            list_ends[id as usize + 1] += 1;
        }
    }
    for id in 0..vocabulary {
        list_ends[id + 1] += list_ends[id];
    }
    // Where the next sentence of each term goes while filling, and then,
    // as sentence a is reached, where a sits in the term's list: the
    // sentences after it in the list are the later ones sharing the term.
    let mut cursor: Vec<usize> = list_ends[..vocabulary].to_vec();
    let mut holders = vec![0u32; list_ends[vocabulary]];
    for (index, sentence) in sentences.iter().enumerate() {
        for &(id, _) in &sentence.counts {
            holders[cursor[id as usize]] = index as u32;
            cursor[id as usize] += 1;
        }
    }
    cursor.copy_from_slice(&list_ends[..vocabulary]);
    let mut shared = vec![0u32; count];
    let mut sharing: Vec<usize> = Vec::new();
    for a in 0..count {
        for &(id, _) in &sentences[a].counts {
            let at = cursor[id as usize];
            cursor[id as usize] += 1;
            for &b in &holders[at + 1..list_ends[id as usize + 1]] {
                let b = b as usize;
                if shared[b] == 0 {
                    sharing.push(b);
                }
                shared[b] += 1;
            }
        }
        for b in sharing.drain(..) {
            let weight = f64::from(shared[b]) / (log_sizes[a] + log_sizes[b]);
            weights[a * count + b] = weight;
            weights[b * count + a] = weight;
            shared[b] = 0;
        }
    }
    // Each row scaled to sum 1, and only its edges kept: sentences that
    // share no term are most pairs in a long text, and the power iteration
    // below runs up to 100 times over the rows. Skipping a zero weight
    // leaves every sum as it was (adding 0.0 changes no float here), so the
    // ranks are the same to the bit as over the dense matrix.
    let mut edges: Vec<(u32, f64)> = Vec::new();
    let mut row_ends: Vec<usize> = Vec::with_capacity(count);
    for row in weights.chunks(count) {
        let sum: f64 = row.iter().sum();
        edges.extend(
            row.iter()
                .enumerate()
                .filter(|&(_, &w)| w != 0.0)
                .map(|(to, &w)| (to as u32, w / sum)),
        );
        row_ends.push(edges.len());
    }

    let teleport = (1.0 - DAMPING) / count as f64;
    let mut rank = vec![1.0 / count as f64; count];
    let mut next = vec![0.0; count];
    for _ in 0..MAX_ITERATIONS {
        next.iter_mut().for_each(|r| *r = teleport);
        let mut row_start = 0;
        for (from, &row_end) in row_ends.iter().enumerate() {
            let flow = DAMPING * rank[from];
            for &(to, weight) in &edges[row_start..row_end] {
                next[to as usize] += flow * weight;
            }
            row_start = row_end;
        }
        let change: f64 = rank.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut rank, &mut next);
        if change < CONVERGED {
            break;
        }
    }
    rank
}

/// Cosine of each sentence with the sum of all sentence vectors.
fn centroid_similarity(vectors: &[Vec<(u32, f64)>], vocabulary: usize) -> Vec<f64> {
    let mut centroid = vec![0.0; vocabulary];
    for vector in vectors {
        for &(id, weight) in vector {
            centroid[id as usize] += weight;
        }
    }
    let norm = centroid.iter().map(|w| w * w).sum::<f64>().sqrt();
    vectors
        .iter()
        .map(|vector| {
            if norm == 0.0 {
                return 0.0;
            }
            vector
                .iter()
                .map(|&(id, weight)| weight * centroid[id as usize])
                .sum::<f64>()
                / norm
        })
        .collect()
}

/// TF-IDF weights of `counts`, scaled to unit length (empty stays empty).
fn unit_vector(counts: &[(u32, f64)], idf: &[f64]) -> Vec<(u32, f64)> {
    let weighted: Vec<(u32, f64)> = counts
        .iter()
        .map(|&(id, count)| (id, count * idf.get(id as usize).copied().unwrap_or(1.0)))
        .collect();
    let norm = weighted.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
    if norm == 0.0 {
        return Vec::new();
    }
    weighted.into_iter().map(|(id, w)| (id, w / norm)).collect()
}

/// Cosine of two unit vectors with ascending ids.
pub fn cosine(a: &[(u32, f64)], b: &[(u32, f64)]) -> f64 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terms::{StopWords, Vocabulary};

    /// English sentence terms, and the vocabulary size.
    fn english_terms(texts: &[&str]) -> (Vec<SentenceTerms>, Vocabulary) {
        let mut vocabulary = Vocabulary::default();
        let stop_words = StopWords::for_language("en");
        let sentences = texts
            .iter()
            .map(|t| vocabulary.terms(t, &stop_words))
            .collect();
        (sentences, vocabulary)
    }

    fn ranked(texts: &[&str], title: Option<&str>) -> Vec<f64> {
        let (sentences, mut vocabulary) = english_terms(texts);
        let title = title.map(|t| vocabulary.terms(t, &StopWords::for_language("en")));
        rank(&sentences, title.as_ref(), vocabulary.len(), Some(0), false).scores
    }

    const TEXTS: [&str; 5] = [
        "Officials met on a warm Tuesday morning in the capital city.",
        "Security forces in the Lake Chad region face growing insecurity from armed groups.",
        "The weather was nice and lunch was served on the terrace of the hotel.",
        "The region's security forces are trained to face insecurity around Lake Chad.",
        "Security in the Lake Chad region is a concern shared by the armed forces.",
    ];

    #[test]
    fn central_sentences_outrank_off_topic_ones() {
        let scores = ranked(&TEXTS, None);
        assert!(scores[1] > scores[2], "{scores:?}");
        assert!(scores[3] > scores[2], "{scores:?}");
        assert!(scores.iter().all(|s| (0.0..=1.0).contains(s)), "{scores:?}");
    }

    #[test]
    fn the_title_lifts_the_sentence_that_matches_it() {
        let without = ranked(&TEXTS, None);
        let with = ranked(&TEXTS, Some("Lunch on the hotel terrace"));
        assert!(with[2] > without[2], "{with:?} {without:?}");
    }

    #[test]
    fn the_lead_sentence_gets_a_bonus() {
        let scores = ranked(&TEXTS, None);
        let mut moved = TEXTS;
        moved.swap(0, 2);
        let moved_scores = ranked(&moved, None);
        // The weather sentence scores more in first place than in third.
        assert!(moved_scores[0] > scores[2], "{moved_scores:?} {scores:?}");
    }

    #[test]
    fn the_centroid_fallback_agrees_on_the_obvious() {
        let (sentences, vocabulary) = english_terms(&TEXTS);
        let idf = vec![1.0; vocabulary.len()];
        let vectors: Vec<_> = sentences
            .iter()
            .map(|s| unit_vector(&s.counts, &idf))
            .collect();
        let similarity = centroid_similarity(&vectors, vocabulary.len());
        assert!(similarity[1] > similarity[2], "{similarity:?}");
    }

    /// The graph as it was ranked before edges were kept sparse: a dense
    /// matrix, every weight visited.
    fn dense_graph_centrality(sentences: &[SentenceTerms]) -> Vec<f64> {
        let count = sentences.len();
        let log_sizes: Vec<f64> = sentences
            .iter()
            .map(|s| (1.0 + s.counts.len() as f64).ln())
            .collect();
        let mut weights = vec![0.0; count * count];
        for a in 0..count {
            for b in (a + 1)..count {
                let shared = sentences[b]
                    .counts
                    .iter()
                    .filter(|(id, _)| sentences[a].counts.iter().any(|(other, _)| other == id))
                    .count();
                if shared > 0 {
                    let weight = shared as f64 / (log_sizes[a] + log_sizes[b]);
                    weights[a * count + b] = weight;
                    weights[b * count + a] = weight;
                }
            }
        }
        for row in weights.chunks_mut(count) {
            let sum: f64 = row.iter().sum();
            if sum > 0.0 {
                row.iter_mut().for_each(|w| *w /= sum);
            }
        }
        let teleport = (1.0 - DAMPING) / count as f64;
        let mut rank = vec![1.0 / count as f64; count];
        let mut next = vec![0.0; count];
        for _ in 0..MAX_ITERATIONS {
            next.iter_mut().for_each(|r| *r = teleport);
            for (from, row) in weights.chunks(count).enumerate() {
                let flow = DAMPING * rank[from];
                for (to, weight) in row.iter().enumerate() {
                    next[to] += flow * weight;
                }
            }
            let change: f64 = rank.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
            std::mem::swap(&mut rank, &mut next);
            if change < CONVERGED {
                break;
            }
        }
        rank
    }

    #[test]
    fn sparse_ranks_are_the_dense_ranks_to_the_bit() {
        // Sentences of 0 to 11 terms drawn from a vocabulary of 300 by a
        // fixed linear congruential sequence: some share many terms, many
        // share none, a few have none at all.
        let mut state = 7u64;
        let mut draw = |below: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % below
        };
        for count in [1, 2, 17, 120, MAX_GRAPH_SENTENCES] {
            let sentences: Vec<SentenceTerms> = (0..count)
                .map(|_| {
                    let mut ids: Vec<u32> = (0..draw(12)).map(|_| draw(300) as u32).collect();
                    ids.sort_unstable();
                    ids.dedup();
                    SentenceTerms {
                        words: ids.len() * 2,
                        counts: ids.into_iter().map(|id| (id, 1.0)).collect(),
                    }
                })
                .collect();
            let sparse = graph_centrality(&sentences, 300);
            let dense = dense_graph_centrality(&sentences);
            let bits = |ranks: &[f64]| ranks.iter().map(|r| r.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&sparse), bits(&dense), "{count} sentences");
        }
    }

    #[test]
    fn empty_and_wordless_input() {
        assert!(ranked(&[], None).is_empty());
        assert_eq!(ranked(&["…"], None), [0.0]);
    }
}

//! Picks the summary's sentences: maximal marginal relevance (MMR), each pick
//! the sentence whose score, less its similarity to what is already chosen,
//! is highest, until the budget is spent. So a summary does not say the same
//! thing twice, and a near copy of a chosen sentence is never added.

use crate::ranking::{cosine, Ranking};

/// How much a pick weighs its own score against its overlap with the
/// sentences already chosen (1 would ignore overlap).
const RELEVANCE: f64 = 0.85;
/// Cosine at or above which a sentence repeats one already chosen.
const DUPLICATE: f64 = 0.8;
/// How much more than an earlier sentence's value a later sentence needs to
/// win; less is a tie, which the earlier sentence wins. Copies of one
/// sentence score the same in exact arithmetic but not in floating point,
/// and which copy came out ahead in the last bits differed between the wasm32
/// build and a native one (their `ln` comes from different math libraries):
/// the sandbox and the native benchmark summarized 16 of 1,000 documents
/// with different copies. Scores are between 0 and 1.
const TIE: f64 = 1e-12;

/// Whether `value` beats the `earlier` sentence's.
fn beats(value: f64, earlier: f64) -> bool {
    value > earlier + TIE
}

/// How long the summary may be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Budget {
    /// At most this many sentences.
    Sentences(usize),
    /// At most this many words (UAX #29 words).
    Words(usize),
}

/// The chosen sentences' indexes, ascending, among the `eligible` ones. Never
/// empty when an eligible sentence has a word: if none fits a word budget,
/// the best one is taken alone.
pub fn select(ranking: &Ranking, words: &[usize], eligible: &[bool], budget: Budget) -> Vec<usize> {
    let count = ranking.scores.len();
    let mut chosen: Vec<usize> = Vec::new();
    let mut closest_chosen = vec![0.0f64; count];
    let mut available: Vec<bool> = (0..count).map(|i| eligible[i] && words[i] > 0).collect();
    let mut words_left = match budget {
        Budget::Words(limit) => limit,
        Budget::Sentences(_) => usize::MAX,
    };
    loop {
        if let Budget::Sentences(limit) = budget {
            if chosen.len() >= limit {
                break;
            }
        }
        let mut best: Option<(usize, f64)> = None;
        for index in 0..count {
            if !available[index] {
                continue;
            }
            if words[index] > words_left || closest_chosen[index] >= DUPLICATE {
                available[index] = false;
                continue;
            }
            let marginal =
                RELEVANCE * ranking.scores[index] - (1.0 - RELEVANCE) * closest_chosen[index];
            if best.is_none_or(|(_, value)| beats(marginal, value)) {
                best = Some((index, marginal));
            }
        }
        let Some((pick, _)) = best else { break };
        chosen.push(pick);
        available[pick] = false;
        words_left -= words[pick];
        for index in 0..count {
            if available[index] {
                let similarity = cosine(&ranking.vectors[index], &ranking.vectors[pick]);
                closest_chosen[index] = closest_chosen[index].max(similarity);
            }
        }
    }
    if chosen.is_empty() {
        // Nothing fits the word budget: a summary of one too-long sentence
        // beats an empty one.
        let best = (0..count)
            .filter(|&index| eligible[index] && words[index] > 0)
            .reduce(|best, index| {
                if beats(ranking.scores[index], ranking.scores[best]) {
                    index
                } else {
                    best
                }
            });
        chosen.extend(best);
    }
    chosen.sort_unstable();
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranking(scores: &[f64], vectors: &[&[(u32, f64)]]) -> Ranking {
        Ranking {
            scores: scores.to_vec(),
            vectors: vectors.iter().map(|v| v.to_vec()).collect(),
        }
    }

    #[test]
    fn a_near_copy_of_a_chosen_sentence_is_skipped() {
        let ranking = ranking(&[1.0, 0.99, 0.5], &[&[(0, 1.0)], &[(0, 1.0)], &[(1, 1.0)]]);
        assert_eq!(
            select(&ranking, &[10, 10, 10], &[true; 3], Budget::Sentences(2)),
            [0, 2]
        );
    }

    #[test]
    fn word_budgets_take_what_fits() {
        let ranking = ranking(&[1.0, 0.9, 0.8], &[&[(0, 1.0)], &[(1, 1.0)], &[(2, 1.0)]]);
        assert_eq!(
            select(&ranking, &[10, 30, 5], &[true; 3], Budget::Words(20)),
            [0, 2]
        );
        // Nothing fits: the best sentence alone.
        assert_eq!(
            select(&ranking, &[10, 30, 5], &[true; 3], Budget::Words(3)),
            [0]
        );
    }

    #[test]
    fn equal_scores_go_to_the_earlier_sentence() {
        let ranking = ranking(&[0.5, 0.5, 0.5], &[&[(0, 1.0)], &[(1, 1.0)], &[(2, 1.0)]]);
        assert_eq!(
            select(&ranking, &[5, 5, 5], &[true; 3], Budget::Sentences(1)),
            [0]
        );
    }

    #[test]
    fn copies_whose_scores_differ_in_the_last_bits_go_to_the_earlier_one() {
        // Two copies of a sentence, the later one ahead by the rounding of
        // a sum: the earlier is chosen, as on every platform.
        let copy = 0.5 + f64::EPSILON;
        assert!(copy > 0.5);
        let copies = ranking(&[0.5, copy, 0.1], &[&[(0, 1.0)], &[(0, 1.0)], &[(2, 1.0)]]);
        assert_eq!(
            select(&copies, &[5, 5, 5], &[true; 3], Budget::Sentences(2)),
            [0, 2]
        );
        // And when nothing fits the word budget.
        assert_eq!(
            select(&copies, &[5, 5, 5], &[true; 3], Budget::Words(1)),
            [0]
        );
        // A real difference still wins.
        let distinct = ranking(&[0.5, 0.5001], &[&[(0, 1.0)], &[(1, 1.0)]]);
        assert_eq!(
            select(&distinct, &[5, 5], &[true; 2], Budget::Sentences(1)),
            [1]
        );
    }
}

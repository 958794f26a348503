//! Texts made of tricky pieces in random order, for tests that compare a
//! fast path with the general rules it stands in for. The generator is a
//! fixed linear congruential one: the same texts on every run.

/// `count` texts of `length` pieces each, chosen from `pieces`.
pub fn generated_texts(
    pieces: &'static [&'static str],
    count: usize,
    length: usize,
    seed: u64,
) -> impl Iterator<Item = String> {
    let mut state = seed;
    (0..count).map(move |_| {
        let mut text = String::new();
        for _ in 0..length {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            text.push_str(pieces[(state >> 33) as usize % pieces.len()]);
        }
        text
    })
}

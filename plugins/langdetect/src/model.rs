//! The n-gram table: lingua's per-language n-gram log-probabilities (1- to
//! 5-grams), packed by `build.rs` into one static byte array so that nothing
//! is parsed or allocated when the plugin starts or per document.
//!
//! Layout (little-endian u32 words): a header of one script mask per language,
//! then for each n-gram length 1 to 5 a table: its entry count `E`, `BUCKETS +
//! 1` bucket starts, then `E` entries. An n-gram's 32-bit fingerprint picks
//! its bucket by the high 16 bits; each entry is `low 16 bits << 16 | language
//! << 8 | quantized cost`, sorted, so one binary search finds every language
//! that has the n-gram. An n-gram absent from a table can share a fingerprint
//! with one present (chance: the table's distinct n-grams over 2^32, about 1
//! in 4,000 for the 5-grams, 1 in 12,000 for trigrams) and borrow its
//! probability: a small error, for a table several times smaller than one
//! holding the n-grams themselves.

/// Buckets per table: one per value of the fingerprint's high 16 bits.
pub const BUCKETS: usize = 1 << 16;

/// Stored cost is `-ln(p) * COST_SCALE`, rounded and capped at 255.
pub const COST_SCALE: f64 = 10.0;

/// The longest n-gram the table holds.
pub const MAX_ORDER: usize = 5;

/// The fingerprint of the empty string, which [`extend`] grows.
pub const EMPTY_FINGERPRINT: u32 = 0x811c_9dc5;

/// FNV-1a over the n-gram's UTF-8 bytes.
#[allow(dead_code)] // build.rs fingerprints whole n-grams; the detector extends
pub fn fingerprint(ngram: &str) -> u32 {
    extend(EMPTY_FINGERPRINT, ngram)
}

/// The fingerprint of `prefix + more`, given `prefix`'s: FNV-1a runs left to
/// right, so a pass over an n-gram yields its prefixes' fingerprints too.
pub fn extend(mut hash: u32, more: &str) -> u32 {
    for &byte in more.as_bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// The table of one n-gram length inside the model bytes.
#[derive(Debug, Clone, Copy)]
pub struct Table<'a> {
    buckets: &'a [u8],
    entries: &'a [u8],
}

/// The model: script masks and one table per n-gram length.
#[derive(Debug, Clone, Copy)]
pub struct Model<'a> {
    masks: &'a [u8],
    tables: [Table<'a>; MAX_ORDER],
}

fn word(bytes: &[u8], index: usize) -> u32 {
    let at = index * 4;
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

impl<'a> Model<'a> {
    /// Read the layout of `bytes`, written by `build.rs` for `languages`
    /// languages. Only slices it; panics if the bytes are not such a table,
    /// which the build guarantees.
    pub fn new(bytes: &'a [u8], languages: usize) -> Model<'a> {
        let (masks, mut rest) = bytes.split_at(languages * 4);
        let tables = std::array::from_fn(|_| {
            let count = word(rest, 0) as usize;
            let (buckets, after) = rest[4..].split_at((BUCKETS + 1) * 4);
            let (entries, after) = after.split_at(count * 4);
            rest = after;
            Table { buckets, entries }
        });
        assert!(rest.is_empty(), "model table has trailing bytes");
        Model { masks, tables }
    }

    /// Bit `s` is set when the language writes script `s` (see `script`).
    pub fn script_mask(&self, language: usize) -> u32 {
        word(self.masks, language)
    }

    /// The table of n-grams of `order` characters (1 to 5).
    pub fn table(&self, order: usize) -> Table<'a> {
        self.tables[order - 1]
    }
}

impl Table<'_> {
    /// Every (language, cost) stored for the n-gram with `fingerprint`, in
    /// language order.
    pub fn lookup(&self, fingerprint: u32) -> impl Iterator<Item = (usize, u8)> + '_ {
        let bucket = (fingerprint >> 16) as usize;
        let (start, end) = (
            word(self.buckets, bucket) as usize,
            word(self.buckets, bucket + 1) as usize,
        );
        let low = fingerprint & 0xffff;
        // Entries are sorted, so the ones for `low` are contiguous.
        let (mut lo, mut hi) = (start, end);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if word(self.entries, mid) >> 16 < low {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo..end)
            .map(|index| word(self.entries, index))
            .take_while(move |entry| entry >> 16 == low)
            .map(|entry| (((entry >> 8) & 0xff) as usize, (entry & 0xff) as u8))
    }
}

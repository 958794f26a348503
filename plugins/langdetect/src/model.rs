//! The n-gram table: lingua's per-language n-gram log-probabilities (1- to
//! 5-grams), packed by `build.rs` into one static byte array so that nothing
//! is parsed or allocated when the plugin starts or per document. Both the
//! writer ([`write_table`], run by `build.rs`) and the reader live here, so
//! the layout is defined once.
//!
//! Layout (little-endian): a header of one u32 script mask per language, then
//! for each n-gram length 1 to 5 a table: `b` (u32, the bucket bits), `W`
//! (u32, the table's u16 words), `2^b + 1` u32 bucket starts (in words), then
//! `W` u16 words. An n-gram's 32-bit fingerprint picks its bucket by its high
//! `b` bits. A bucket holds one record per distinct fingerprint: the
//! fingerprint's low 16 bits, then one word per language that has the n-gram,
//! `language << 8 | cost`, with the top bit set on the record's last word.
//!
//! Storing each n-gram once with its languages, rather than once per
//! language, is what lets the 32 MB component hold many more 4- and 5-grams:
//! languages of one script share most of their frequent n-grams (2.9 languages
//! per 4-gram kept, on average), and a language word costs 2 bytes where a
//! (fingerprint, language, cost) entry cost 4. Buckets hold about
//! [`NGRAMS_PER_BUCKET`] n-grams, so a lookup scans one or two cache lines.
//!
//! An n-gram absent from a table can share a fingerprint with one present
//! (chance: the table's distinct n-grams over 2^32, at most about 1 in 2,000)
//! and borrow its probability: a small error, for a table several times
//! smaller than one holding the n-grams themselves.

/// Stored cost is `-ln(p) * COST_SCALE`, rounded and capped at 255.
pub const COST_SCALE: f64 = 10.0;

/// The longest n-gram the table holds.
pub const MAX_ORDER: usize = 5;

/// The fingerprint of the empty string, which [`extend`] grows.
pub const EMPTY_FINGERPRINT: u32 = 0x811c_9dc5;

/// About how many distinct n-grams share a bucket: fewer cost 4 bytes of
/// bucket start per few n-grams, more cost longer scans.
#[allow(dead_code)] // only the writer sizes the buckets
pub const NGRAMS_PER_BUCKET: usize = 8;

/// Marks the last language word of a record.
const LAST: u16 = 0x8000;

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

/// Append the table of one n-gram length to `out`, from its entries
/// `fingerprint << 16 | language << 8 | cost` (any order; languages below
/// 128). Where one language has two n-grams of one fingerprint, the likelier
/// one's cost is kept.
#[allow(dead_code)] // run by build.rs
pub fn write_table(mut entries: Vec<u64>, out: &mut Vec<u8>) {
    entries.sort_unstable();
    entries.dedup_by_key(|entry| *entry >> 8);
    let mut distinct = entries.len();
    for pair in entries.windows(2) {
        if pair[0] >> 16 == pair[1] >> 16 {
            distinct -= 1;
        }
    }
    let bits = (distinct / NGRAMS_PER_BUCKET)
        .next_power_of_two()
        .trailing_zeros()
        .clamp(1, 24);
    let mut words: Vec<u16> = Vec::with_capacity(entries.len() + distinct);
    let mut starts = vec![0u32; (1 << bits) + 1];
    let mut previous: Option<u64> = None;
    for (index, &entry) in entries.iter().enumerate() {
        let fingerprint = entry >> 16;
        if previous != Some(fingerprint) {
            starts[(fingerprint >> (32 - bits)) as usize + 1] += 1 + entries[index..]
                .iter()
                .take_while(|e| *e >> 16 == fingerprint)
                .count()
                as u32;
            words.push(fingerprint as u16);
            previous = Some(fingerprint);
        }
        let language = (entry >> 8) & 0xff;
        assert!(language < 128, "a language index must fit in 7 bits");
        let last = entries
            .get(index + 1)
            .is_none_or(|next| next >> 16 != fingerprint);
        words.push((entry & 0x7fff) as u16 | if last { LAST } else { 0 });
    }
    for bucket in 0..1 << bits {
        starts[bucket + 1] += starts[bucket];
    }
    out.extend_from_slice(&bits.to_le_bytes());
    out.extend_from_slice(&(words.len() as u32).to_le_bytes());
    for start in starts {
        out.extend_from_slice(&start.to_le_bytes());
    }
    for word in words {
        out.extend_from_slice(&word.to_le_bytes());
    }
}

/// The table of one n-gram length inside the model bytes.
#[derive(Debug, Clone, Copy)]
pub struct Table<'a> {
    bits: u32,
    starts: &'a [u8],
    words: &'a [u8],
}

/// The model: script masks and one table per n-gram length.
#[derive(Debug, Clone, Copy)]
pub struct Model<'a> {
    masks: &'a [u8],
    tables: [Table<'a>; MAX_ORDER],
}

fn u32_at(bytes: &[u8], index: usize) -> u32 {
    let at = index * 4;
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn u16_at(bytes: &[u8], index: usize) -> u16 {
    u16::from_le_bytes([bytes[index * 2], bytes[index * 2 + 1]])
}

impl<'a> Table<'a> {
    /// Read one table from the front of `bytes`; return it and the rest.
    fn read(bytes: &'a [u8]) -> (Table<'a>, &'a [u8]) {
        let bits = u32_at(bytes, 0);
        let words = u32_at(bytes, 1) as usize;
        let (starts, after) = bytes[8..].split_at(((1 << bits) + 1) * 4);
        let (words, rest) = after.split_at(words * 2);
        (
            Table {
                bits,
                starts,
                words,
            },
            rest,
        )
    }

    /// Every (language, cost) stored for the n-gram with `fingerprint`, in
    /// language order.
    pub fn lookup(&self, fingerprint: u32) -> impl Iterator<Item = (usize, u8)> + '_ {
        let bucket = (fingerprint >> (32 - self.bits)) as usize;
        let (mut at, end) = (
            u32_at(self.starts, bucket) as usize,
            u32_at(self.starts, bucket + 1) as usize,
        );
        let low = fingerprint as u16;
        let mut found = None;
        while at < end {
            let key = u16_at(self.words, at);
            at += 1;
            if key == low {
                found = Some(at);
                break;
            }
            // Skip this record's language words.
            while u16_at(self.words, at) & LAST == 0 {
                at += 1;
            }
            at += 1;
        }
        let mut next = found;
        std::iter::from_fn(move || {
            let at = next?;
            let word = u16_at(self.words, at);
            next = (word & LAST == 0).then_some(at + 1);
            Some((usize::from((word >> 8) & 0x7f), word as u8))
        })
    }
}

impl<'a> Model<'a> {
    /// Read the layout of `bytes`, written by `build.rs` for `languages`
    /// languages. Only slices it; panics if the bytes are not such a table,
    /// which the build guarantees.
    pub fn new(bytes: &'a [u8], languages: usize) -> Model<'a> {
        let (masks, mut rest) = bytes.split_at(languages * 4);
        let tables = std::array::from_fn(|_| {
            let (table, after) = Table::read(rest);
            rest = after;
            table
        });
        assert!(rest.is_empty(), "model table has trailing bytes");
        Model { masks, tables }
    }

    /// Bit `s` is set when the language writes script `s` (see `script`).
    pub fn script_mask(&self, language: usize) -> u32 {
        u32_at(self.masks, language)
    }

    /// The table of n-grams of `order` characters (1 to 5).
    pub fn table(&self, order: usize) -> Table<'a> {
        self.tables[order - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(ngram: &str, language: u64, cost: u64) -> u64 {
        u64::from(fingerprint(ngram)) << 16 | language << 8 | cost
    }

    #[test]
    fn a_written_table_reads_back_each_ngrams_languages() {
        let mut entries = vec![
            entry("the", 17, 12),
            entry("the", 3, 40),
            entry("der", 24, 9),
            entry("the", 74, 255),
            // The same n-gram twice for one language: the likelier stays.
            entry("der", 24, 30),
        ];
        // Enough n-grams that the table has many buckets and records share them.
        for i in 0..5_000u64 {
            entries.push(entry(&format!("n{i}"), i % 75, i % 256));
        }
        let mut bytes = Vec::new();
        write_table(entries, &mut bytes);
        let (table, rest) = Table::read(&bytes);
        assert!(rest.is_empty());
        let found = |ngram: &str| table.lookup(fingerprint(ngram)).collect::<Vec<_>>();
        assert_eq!(found("the"), [(3, 40), (17, 12), (74, 255)]);
        assert_eq!(found("der"), [(24, 9)]);
        assert_eq!(found("n4321"), [(4321 % 75, (4321 % 256) as u8)]);
        assert!(found("absent").is_empty());
    }
}

//! The n-gram table: lingua's per-language n-gram log-probabilities (1- to
//! 5-grams), packed by `build.rs` into one static byte array so that nothing
//! is parsed or allocated when the plugin starts or per document. Both the
//! writer ([`write_table`], run by `build.rs`) and the reader live here, so
//! the layout is defined once.
//!
//! The same bytes can come from outside the component: a pipeline may hand
//! the plugin a larger table as the read-only resource `model` (built by
//! `docpipe-langdetect-model`, in `model/`), which [`Model::parse`] checks
//! before use, since it is not the one the plugin was built with.
//!
//! Layout (little-endian): [`MAGIC`], the u32 [`FORMAT`] version, the u32
//! byte length of the language codes that follow (comma-separated, in table
//! order), then one u32 script mask per language, then
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

/// The first bytes of a model table.
pub const MAGIC: &[u8; 8] = b"DPLANGID";

/// The layout's version; a reader refuses any other.
pub const FORMAT: u32 = 1;

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

/// Append the header for a table of `languages` (codes, in table order) to
/// `out`: what [`Model::parse`] checks before trusting the rest.
#[allow(dead_code)] // run by build.rs
pub fn write_header(languages: &[&str], out: &mut Vec<u8>) {
    let codes = languages.join(",");
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&(codes.len() as u32).to_le_bytes());
    out.extend_from_slice(codes.as_bytes());
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

/// Where one table lies in the model bytes.
#[derive(Debug, Clone)]
struct TableAt {
    bits: u32,
    starts: std::ops::Range<usize>,
    words: std::ops::Range<usize>,
}

/// The model: script masks and one table per n-gram length, over bytes it
/// owns (a resource) or borrows (the table built into the component).
#[derive(Debug)]
pub struct Model {
    bytes: std::borrow::Cow<'static, [u8]>,
    masks: std::ops::Range<usize>,
    tables: [TableAt; MAX_ORDER],
}

// Inlined, with one bounds check each: LLVM left `u32_at` an out-of-line
// call with four checks in the wasm build, 2% of a pipeline's time.
#[inline(always)]
fn u32_at(bytes: &[u8], index: usize) -> u32 {
    let at = index * 4;
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("four bytes"))
}

#[inline(always)]
fn u16_at(bytes: &[u8], index: usize) -> u16 {
    let at = index * 2;
    u16::from_le_bytes(bytes[at..at + 2].try_into().expect("two bytes"))
}

impl Table<'_> {
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

/// Reads the layout front to back, refusing what does not fit.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    /// The next `len` bytes' place, if there are that many.
    fn take(&mut self, len: usize, what: &str) -> Result<std::ops::Range<usize>, String> {
        let end = self
            .at
            .checked_add(len)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| format!("it ends inside {what}"))?;
        let range = self.at..end;
        self.at = end;
        Ok(range)
    }

    fn u32(&mut self, what: &str) -> Result<u32, String> {
        let range = self.take(4, what)?;
        Ok(u32_at(&self.bytes[range], 0))
    }

    /// One n-gram table. With `check`, every bucket start is checked to lie
    /// in order inside its words and the last word to close a record, so a
    /// lookup never reads past the table.
    fn table(&mut self, order: usize, check: bool) -> Result<TableAt, String> {
        let what = format!("the {order}-gram table");
        let bits = self.u32(&what)?;
        if !(1..=24).contains(&bits) {
            return Err(format!("{what} has {bits} bucket bits (1 to 24 expected)"));
        }
        let words = self.u32(&what)? as usize;
        let starts = self.take(((1usize << bits) + 1) * 4, &what)?;
        let words_at = self.take(words * 2, &what)?;
        if !check {
            return Ok(TableAt {
                bits,
                starts,
                words: words_at,
            });
        }
        let starts_bytes = &self.bytes[starts.clone()];
        let mut previous = 0;
        for bucket in 0..=1usize << bits {
            let start = u32_at(starts_bytes, bucket) as usize;
            if start < previous || start > words {
                return Err(format!("{what} has a bucket outside its words"));
            }
            previous = start;
        }
        if words > 0 && u16_at(&self.bytes[words_at.clone()], words - 1) & LAST == 0 {
            return Err(format!("{what} does not end with a whole record"));
        }
        Ok(TableAt {
            bits,
            starts,
            words: words_at,
        })
    }
}

impl Model {
    /// The table `build.rs` wrote into the component: trusted, as the build
    /// that made it also made this code, so its buckets are not walked (that
    /// would cost every fresh instance a pass over millions of them).
    pub fn built_in(bytes: &'static [u8], languages: &[&str]) -> Model {
        Model::read(bytes.into(), languages, false)
            .expect("build.rs writes a table this code reads")
    }

    /// Check that `bytes` are a model table for exactly `languages` (codes,
    /// in table order) and read its layout. The error says what is wrong.
    pub fn parse(
        bytes: std::borrow::Cow<'static, [u8]>,
        languages: &[&str],
    ) -> Result<Model, String> {
        Model::read(bytes, languages, true)
    }

    fn read(
        bytes: std::borrow::Cow<'static, [u8]>,
        languages: &[&str],
        check: bool,
    ) -> Result<Model, String> {
        let mut reader = Reader {
            bytes: &bytes,
            at: 0,
        };
        let magic = reader.take(MAGIC.len(), "the header")?;
        if &reader.bytes[magic] != MAGIC {
            return Err("it is not a langdetect model table (no DPLANGID header)".to_string());
        }
        let format = reader.u32("the header")?;
        if format != FORMAT {
            return Err(format!(
                "it is a model table of format {format}; this plugin reads format {FORMAT}"
            ));
        }
        let codes_len = reader.u32("the header")? as usize;
        let codes = reader.take(codes_len, "the language list")?;
        let expected = languages.join(",");
        if reader.bytes[codes] != *expected.as_bytes() {
            return Err(
                "its languages are not this plugin's (a table built for another version)"
                    .to_string(),
            );
        }
        let masks = reader.take(languages.len() * 4, "the script masks")?;
        let mut tables = Vec::with_capacity(MAX_ORDER);
        for order in 1..=MAX_ORDER {
            tables.push(reader.table(order, check)?);
        }
        if reader.at != reader.bytes.len() {
            return Err(format!(
                "it has {} bytes after its last table",
                reader.bytes.len() - reader.at
            ));
        }
        let tables = tables.try_into().expect("one table per order");
        Ok(Model {
            bytes,
            masks,
            tables,
        })
    }

    /// Bit `s` is set when the language writes script `s` (see `script`).
    pub fn script_mask(&self, language: usize) -> u32 {
        u32_at(&self.bytes[self.masks.clone()], language)
    }

    /// The table of n-grams of `order` characters (1 to 5).
    pub fn table(&self, order: usize) -> Table<'_> {
        let at = &self.tables[order - 1];
        Table {
            bits: at.bits,
            starts: &self.bytes[at.starts.clone()],
            words: &self.bytes[at.words.clone()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(ngram: &str, language: u64, cost: u64) -> u64 {
        u64::from(fingerprint(ngram)) << 16 | language << 8 | cost
    }

    /// 75 made-up language codes, as many as the indexes the entries use.
    fn codes() -> Vec<String> {
        (0..75).map(|i| format!("l{i}")).collect()
    }

    /// A whole model whose trigram table holds `trigrams`; the others are empty.
    fn model_bytes(trigrams: Vec<u64>) -> Vec<u8> {
        let codes = codes();
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        let mut bytes = Vec::new();
        write_header(&codes, &mut bytes);
        for language in 0..codes.len() as u32 {
            bytes.extend_from_slice(&language.to_le_bytes());
        }
        for order in 1..=MAX_ORDER {
            let entries = if order == 3 {
                trigrams.clone()
            } else {
                Vec::new()
            };
            write_table(entries, &mut bytes);
        }
        bytes
    }

    fn parse(bytes: Vec<u8>) -> Result<Model, String> {
        let codes = codes();
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        Model::parse(bytes.into(), &codes)
    }

    fn sample_entries() -> Vec<u64> {
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
        entries
    }

    #[test]
    fn a_written_table_reads_back_each_ngrams_languages() {
        let model = parse(model_bytes(sample_entries())).unwrap();
        let table = model.table(3);
        let found = |ngram: &str| table.lookup(fingerprint(ngram)).collect::<Vec<_>>();
        assert_eq!(found("the"), [(3, 40), (17, 12), (74, 255)]);
        assert_eq!(found("der"), [(24, 9)]);
        assert_eq!(found("n4321"), [(4321 % 75, (4321 % 256) as u8)]);
        assert!(found("absent").is_empty());
        assert!(model.table(4).lookup(fingerprint("the ")).next().is_none());
        assert_eq!(model.script_mask(42), 42);
    }

    #[test]
    fn parse_refuses_bytes_that_are_not_this_plugins_table_saying_why() {
        let good = model_bytes(sample_entries());
        let refused = |bytes: Vec<u8>| parse(bytes).expect_err("refused");
        assert!(refused(b"PK\x03\x04 a zip file".to_vec()).contains("not a langdetect model"));

        let mut other_format = good.clone();
        other_format[8] = 9;
        assert!(refused(other_format).contains("format 9; this plugin reads format 1"));

        let mut other_languages = good.clone();
        let codes_at = 16;
        other_languages[codes_at + 1] = b'x';
        assert!(refused(other_languages).contains("its languages are not this plugin's"));

        for cut in [20, 400, good.len() - 1] {
            let mut short = good.clone();
            short.truncate(cut);
            assert!(refused(short).contains("it ends inside"), "cut at {cut}");
        }

        let mut longer = good.clone();
        longer.extend_from_slice(b"junk");
        assert!(refused(longer).contains("4 bytes after its last table"));

        // The unigram table comes right after the masks: push its last
        // bucket start past its words.
        let table_at = 16 + codes().join(",").len() + 75 * 4;
        let mut corrupt = good;
        corrupt[table_at + 8 + 4 * 2..table_at + 8 + 4 * 3].copy_from_slice(&7u32.to_le_bytes());
        assert!(refused(corrupt).contains("1-gram table has a bucket outside its words"));
    }
}

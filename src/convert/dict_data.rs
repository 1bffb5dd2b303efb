/*!
One OpenCC text dictionary as a compiled, serializable lookup structure.

This file is shared, through `#[path]`, by `build.rs` (which compiles the
bundled dictionaries into blobs embedded in the binary) and by the library
(which loads those blobs, and compiles users' own dictionaries at run time).
It must therefore depend on nothing but `std`, `crawdad`, `daachorse` and
`simdutf8`.

The parser follows OpenCC 1.4.2's `Lexicon` rules: lines starting with `#`
and empty lines are skipped, a trailing `\r` is dropped, the key runs up to
the first tab, the values are the rest split on single spaces, and the first
value is the one conversion uses. Duplicate keys are an error, as upstream.

Two lookup structures answer for the same keys, each loaded on first use:
a character-wise double-array trie (crawdad), which answers "the longest key
at this position" for dictionary groups, and a character-wise double-array
Aho-Corasick automaton with leftmost-longest semantics (daachorse), which
scans a whole text in one pass. Leftmost-longest matching *is* forward
maximum matching: at the first position where some key starts it takes the
longest such key, then goes on after it; positions where no key starts are
passed. Both structures' values are indices into an entry table that records
each key and its default value in two string blobs.
*/

use std::fmt;
use std::sync::OnceLock;

/// The scanning automaton.
type Automaton = daachorse::CharwiseDoubleArrayAhoCorasick<u32>;

/// Magic bytes and format version at the start of a serialized dictionary.
const MAGIC: &[u8; 8] = b"ZHTDICT3";

/// What went wrong while parsing a text dictionary, with its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number in the dictionary text.
    pub line: usize,
    /// What is wrong with that line.
    pub reason: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// One parsed line: a key and its values (the first is the default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEntry {
    /// The text to match.
    pub key: String,
    /// Every candidate, in file order; conversion uses the first.
    pub values: Vec<String>,
    /// 1-based line number, kept for error messages.
    pub line: usize,
}

/// Parses OpenCC's tab-separated dictionary format.
pub fn parse_text(text: &str) -> Result<Vec<TextEntry>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut entries = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let line = index + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.is_empty() || raw.starts_with('#') {
            continue;
        }
        let Some((key, rest)) = raw.split_once('\t') else {
            return Err(ParseError {
                line,
                reason: format!("no tab between key and value in {raw:?}"),
            });
        };
        if key.is_empty() {
            return Err(ParseError {
                line,
                reason: "empty key".to_string(),
            });
        }
        let values: Vec<String> = rest.split(' ').map(str::to_string).collect();
        entries.push(TextEntry {
            key: key.to_string(),
            values,
            line,
        });
    }
    Ok(entries)
}

/// Where one key's default value lies, and how long the key is in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    key_start: u32,
    key_len: u32,
    value_start: u32,
    value_len: u32,
}

/// A compiled dictionary: longest-prefix lookup from text to default value.
pub struct DictData {
    trie: OnceLock<crawdad::Trie>,
    /// The serialized trie, when it comes from an embedded blob.
    trie_section: &'static [u8],
    automaton: OnceLock<Option<Automaton>>,
    /// The serialized automaton (empty for a dictionary without keys).
    automaton_section: &'static [u8],
    /// For one-character dictionaries: value index by code point over the
    /// Basic Multilingual Plane (`u32::MAX`: no key), built on first use.
    bmp: OnceLock<Box<[u32]>>,
    /// Whether `automaton_section` is known to be well formed (written by
    /// this build), so that reading it may skip the checks.
    trusted: bool,
    entries: Vec<Entry>,
    keys: String,
    values: String,
    /// Characters that begin at least one key; see [`DictData::starts_key`].
    first_chars: CharSet,
    /// Characters that occur anywhere in a key.
    key_chars: CharSet,
    max_key_chars: usize,
    /// Whether a value holds an ideographic description operator.
    values_have_ids: bool,
}

impl fmt::Debug for DictData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DictData")
            .field("entries", &self.entries.len())
            .field("max_key_chars", &self.max_key_chars)
            .finish()
    }
}

impl DictData {
    /// Compiles parsed entries. Duplicate keys are rejected, like OpenCC's
    /// `TextDict`, because which of two values would win is undefined there.
    pub fn from_entries(entries: &[TextEntry]) -> Result<Self, ParseError> {
        let mut sorted: Vec<&TextEntry> = entries.iter().collect();
        sorted.sort_by(|a, b| a.key.as_bytes().cmp(b.key.as_bytes()));
        for pair in sorted.windows(2) {
            if pair[0].key == pair[1].key {
                return Err(ParseError {
                    line: pair[1].line.max(pair[0].line),
                    reason: format!("duplicated key {:?}", pair[1].key),
                });
            }
        }
        let pairs = sorted.iter().map(|e| {
            let default = e.values.first().map(String::as_str).unwrap_or("");
            (e.key.as_str(), default)
        });
        Self::from_sorted_pairs(pairs)
    }

    /// One dictionary holding the keys of all of `dicts`; on a key present
    /// in several, the earliest dictionary's value is kept (see `plan.rs`
    /// for when this equals a group's answer).
    pub fn merge(dicts: &[&DictData]) -> Result<Self, ParseError> {
        let mut all: Vec<(&str, &str, usize)> = Vec::new();
        for (rank, dict) in dicts.iter().enumerate() {
            all.extend(
                dict.entries
                    .iter()
                    .map(|e| (dict.key_of(e), dict.value_of(e), rank)),
            );
        }
        // Stable by key then rank: the first of equal keys is the earliest.
        all.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()).then(a.2.cmp(&b.2)));
        all.dedup_by(|later, earlier| later.0 == earlier.0);
        Self::from_sorted_pairs(all.into_iter().map(|(k, v, _)| (k, v)))
    }

    /// Compiles unique keys in byte order with their values.
    fn from_sorted_pairs<'a>(
        pairs: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ParseError> {
        let mut table = Vec::new();
        let mut keys = String::new();
        let mut values = String::new();
        let mut records = Vec::new();
        let mut first_chars = CharSet::default();
        let mut key_chars = CharSet::default();
        let mut max_key_chars = 0;
        let mut values_have_ids = false;
        for (index, (key, value)) in pairs.enumerate() {
            values_have_ids |= value
                .chars()
                .any(|c| ('\u{2FF0}'..='\u{2FFF}').contains(&c));
            table.push(Entry {
                key_start: to_u32(keys.len()),
                key_len: to_u32(key.len()),
                value_start: to_u32(values.len()),
                value_len: to_u32(value.len()),
            });
            keys.push_str(key);
            values.push_str(value);
            records.push((key, to_u32(index)));
            if let Some(c) = key.chars().next() {
                first_chars.insert(c);
            }
            key.chars().for_each(|c| key_chars.insert(c));
            max_key_chars = max_key_chars.max(key.chars().count());
        }
        let automaton = if records.is_empty() {
            None
        } else {
            Some(
                daachorse::CharwiseDoubleArrayAhoCorasickBuilder::new()
                    .match_kind(daachorse::MatchKind::LeftmostLongest)
                    .build_with_values(records.iter().copied())
                    .map_err(|e| ParseError {
                        line: 0,
                        reason: format!("cannot build automaton: {e}"),
                    })?,
            )
        };
        let trie = if records.is_empty() {
            // crawdad cannot build an empty trie. A placeholder key whose
            // value indexes no entry keeps lookups uniform: a hit on it finds
            // no entry and so counts as no match.
            crawdad::Trie::from_records([("\u{10FFFF}", 0)])
        } else {
            crawdad::Trie::from_records(records)
        }
        .map_err(|e| ParseError {
            line: 0,
            reason: format!("cannot build trie: {e}"),
        })?;
        Ok(Self {
            trie: OnceLock::from(trie),
            trie_section: &[],
            automaton: OnceLock::from(automaton),
            automaton_section: &[],
            bmp: OnceLock::new(),
            trusted: false,
            entries: table,
            keys,
            values,
            first_chars,
            key_chars,
            max_key_chars,
            values_have_ids,
        })
    }

    /// Parses and compiles OpenCC dictionary text in one step.
    pub fn from_text(text: &str) -> Result<Self, ParseError> {
        Self::from_entries(&parse_text(text)?)
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the dictionary has no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Length in characters of the longest key.
    pub fn max_key_chars(&self) -> usize {
        self.max_key_chars
    }

    /// Whether some key begins with `c`. A character that begins no key can
    /// be copied through without a lookup.
    #[inline]
    pub fn starts_key(&self, c: char) -> bool {
        self.first_chars.contains(c)
    }

    /// The characters that begin some key.
    pub fn first_chars(&self) -> &CharSet {
        &self.first_chars
    }

    /// The characters that occur anywhere in some key.
    pub fn key_chars(&self) -> &CharSet {
        &self.key_chars
    }

    /// Whether some value contains an ideographic description operator
    /// (U+2FF0–U+2FFF), which matters for where a stream may be cut.
    pub fn values_have_ids(&self) -> bool {
        self.values_have_ids
    }

    fn key_of(&self, e: &Entry) -> &str {
        let start = e.key_start as usize;
        &self.keys[start..start + e.key_len as usize]
    }

    #[inline]
    fn value_of(&self, e: &Entry) -> &str {
        let start = e.value_start as usize;
        &self.values[start..start + e.value_len as usize]
    }

    /// The longest key that is a prefix of `text`: its byte length and the
    /// default value.
    #[inline]
    pub fn longest_prefix<'a>(&'a self, text: &str) -> Option<(usize, &'a str)> {
        self.longest_prefix_entry(text)
            .map(|(len, value, _)| (len, value))
    }

    /// For a dictionary whose keys are all one character: the value of `c`.
    #[inline]
    pub fn char_value(&self, c: char) -> Option<&str> {
        let cp = c as usize;
        let index = if cp < 0x1_0000 {
            let table = self.bmp.get_or_init(|| {
                let mut table = vec![u32::MAX; 0x1_0000].into_boxed_slice();
                for (index, e) in self.entries.iter().enumerate() {
                    if let Some(c) = self
                        .key_of(e)
                        .chars()
                        .next()
                        .filter(|c| (*c as usize) < 0x1_0000)
                    {
                        table[c as usize] = to_u32(index);
                    }
                }
                table
            });
            Some(table[cp]).filter(|&i| i != u32::MAX)?
        } else {
            self.trie().exact_match([c])?
        };
        Some(self.value_of(&self.entries[index as usize]))
    }

    /// [`DictData::longest_prefix`], plus the key's index (below
    /// [`DictData::len`]).
    #[inline]
    pub fn longest_prefix_entry<'a>(&'a self, text: &str) -> Option<(usize, &'a str, u32)> {
        let index = if self.max_key_chars == 1 {
            // One-character keys: a single exact lookup, no prefix walk.
            self.trie().exact_match([text.chars().next()?])?
        } else {
            let mut best: Option<u32> = None;
            for (index, _end_chars) in self.trie().common_prefix_search(text.chars()) {
                best = Some(index);
            }
            best?
        };
        let entry = self.entries.get(index as usize)?;
        Some((entry.key_len as usize, self.value_of(entry), index))
    }

    fn trie(&self) -> &crawdad::Trie {
        self.trie
            .get_or_init(|| crawdad::Trie::deserialize_from_slice(self.trie_section).0)
    }

    fn automaton(&self) -> Option<&Automaton> {
        self.automaton
            .get_or_init(|| {
                if self.automaton_section.is_empty() {
                    return None;
                }
                let section = self.automaton_section;
                let automaton = if self.trusted {
                    // SAFETY: `trusted` is set only by `deserialize_trusted`,
                    // whose caller guarantees the blob came from `serialize`
                    // in this build (the same pinned daachorse). Skipping the
                    // checks saves most of a one-line run's start-up (16 of
                    // 27 million instructions for s2t); the test
                    // `every_embedded_blob_passes_the_checked_reader` checks
                    // every embedded blob with the checked reader.
                    unsafe { Automaton::deserialize_unchecked(section) }.0
                } else {
                    Automaton::deserialize(section)
                        .expect("dictionary automaton is well formed")
                        .0
                };
                Some(automaton)
            })
            .as_ref()
    }

    /// Whether some key occurs anywhere in `text`.
    #[inline]
    pub fn occurs_in(&self, text: &str) -> bool {
        self.automaton()
            .is_some_and(|a| a.leftmost_find_iter(text).next().is_some())
    }

    /// Reads the automaton now, with the checks (for tests of embedded data).
    pub fn check_automaton(&self) -> Result<(), String> {
        if self.automaton_section.is_empty() {
            return Ok(());
        }
        Automaton::deserialize(self.automaton_section)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Forward maximum matching over all of `text` (no ideographic
    /// description sequence in it: those need the position-by-position
    /// loop): calls `f(start, end, value, key index)` for each match in
    /// order.
    #[inline]
    pub fn for_each_match<'a>(&'a self, text: &str, mut f: impl FnMut(usize, usize, &'a str, u32)) {
        let Some(automaton) = self.automaton() else {
            return;
        };
        for m in automaton.leftmost_find_iter(text) {
            let entry = &self.entries[m.value() as usize];
            f(m.start(), m.end(), self.value_of(entry), m.value());
        }
    }

    /// Serializes into a self-describing blob (see [`DictData::deserialize`]).
    pub fn serialize(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        let trie = self.trie().serialize_to_vec();
        push_u32(&mut out, to_u32(trie.len()));
        out.extend_from_slice(&trie);
        let automaton = self.automaton().map(|a| a.serialize()).unwrap_or_default();
        push_u32(&mut out, to_u32(automaton.len()));
        out.extend_from_slice(&automaton);
        push_u32(&mut out, to_u32(self.entries.len()));
        for e in &self.entries {
            push_u32(&mut out, e.key_start);
            push_u32(&mut out, e.key_len);
            push_u32(&mut out, e.value_start);
            push_u32(&mut out, e.value_len);
        }
        push_u32(&mut out, to_u32(self.keys.len()));
        out.extend_from_slice(self.keys.as_bytes());
        push_u32(&mut out, to_u32(self.values.len()));
        out.extend_from_slice(self.values.as_bytes());
        self.first_chars.serialize(&mut out);
        self.key_chars.serialize(&mut out);
        push_u32(&mut out, to_u32(self.max_key_chars));
        push_u32(&mut out, u32::from(self.values_have_ids));
        out
    }

    /// Reads a blob written by [`DictData::serialize`] without checking the
    /// automaton (its layout and tables are otherwise checked as usual).
    ///
    /// # Safety
    ///
    /// `blob` must have been produced by [`DictData::serialize`] of this
    /// very build (same source, same pinned `daachorse`), as the blobs that
    /// `build.rs` embeds are.
    pub unsafe fn deserialize_trusted(blob: &'static [u8]) -> Result<Self, String> {
        let mut dict = Self::deserialize(blob)?;
        dict.trusted = true;
        Ok(dict)
    }

    /// Reads a blob written by [`DictData::serialize`], checking its shape.
    /// The trie and the automaton are read on first use.
    pub fn deserialize(blob: &'static [u8]) -> Result<Self, String> {
        let mut r = Reader(blob);
        if r.take(MAGIC.len())? != MAGIC {
            return Err("not a zhtidy dictionary blob".into());
        }
        let trie_len = r.u32()? as usize;
        let trie_section = r.take(trie_len)?;
        let automaton_len = r.u32()? as usize;
        let automaton_section = r.take(automaton_len)?;
        let count = r.u32()? as usize;
        let mut entries = Vec::with_capacity(count);
        for _ in 0..count {
            entries.push(Entry {
                key_start: r.u32()?,
                key_len: r.u32()?,
                value_start: r.u32()?,
                value_len: r.u32()?,
            });
        }
        let keys = r.utf8()?;
        let values = r.utf8()?;
        let inside = |blob: &str, start: u32, len: u32| {
            let (start, end) = (start as usize, start as usize + len as usize);
            end <= blob.len() && blob.is_char_boundary(start) && blob.is_char_boundary(end)
        };
        for e in &entries {
            if !inside(&keys, e.key_start, e.key_len)
                || !inside(&values, e.value_start, e.value_len)
            {
                return Err("entry points outside the keys or values".into());
            }
        }
        let first_chars = CharSet::deserialize(&mut r)?;
        let key_chars = CharSet::deserialize(&mut r)?;
        let max_key_chars = r.u32()? as usize;
        let values_have_ids = r.u32()? != 0;
        if !r.0.is_empty() {
            return Err("trailing bytes after dictionary".into());
        }
        Ok(Self {
            trie: OnceLock::new(),
            trie_section,
            automaton: OnceLock::new(),
            automaton_section,
            bmp: OnceLock::new(),
            trusted: false,
            entries,
            keys,
            values,
            first_chars,
            key_chars,
            max_key_chars,
            values_have_ids,
        })
    }
}

/// A set of characters: a bitmap over the Basic and Supplementary
/// Ideographic planes, plus a sorted list for anything above.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CharSet {
    bits: Vec<u64>,
    high: Vec<u32>,
}

impl fmt::Debug for CharSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let members: u32 = self.bits.iter().map(|w| w.count_ones()).sum();
        write!(f, "CharSet({} members)", members as usize + self.high.len())
    }
}

/// Code points below this are kept in the bitmap (planes 0–2).
const BITMAP_LIMIT: u32 = 0x3_0000;

impl CharSet {
    /// Adds `c`.
    pub fn insert(&mut self, c: char) {
        let cp = c as u32;
        if cp < BITMAP_LIMIT {
            let word = (cp / 64) as usize;
            if self.bits.len() <= word {
                self.bits.resize(word + 1, 0);
            }
            self.bits[word] |= 1 << (cp % 64);
        } else if let Err(at) = self.high.binary_search(&cp) {
            self.high.insert(at, cp);
        }
    }

    /// Whether `c` is in the set.
    #[inline]
    pub fn contains(&self, c: char) -> bool {
        let cp = c as u32;
        if cp < BITMAP_LIMIT {
            self.bits
                .get((cp / 64) as usize)
                .is_some_and(|w| w & (1 << (cp % 64)) != 0)
        } else {
            self.high.binary_search(&cp).is_ok()
        }
    }

    /// Calls `f` with every member.
    pub fn for_each(&self, mut f: impl FnMut(char)) {
        for (w, &word) in self.bits.iter().enumerate() {
            let mut rest = word;
            while rest != 0 {
                let bit = rest.trailing_zeros();
                rest &= rest - 1;
                if let Some(c) = char::from_u32(w as u32 * 64 + bit) {
                    f(c);
                }
            }
        }
        self.high
            .iter()
            .filter_map(|&cp| char::from_u32(cp))
            .for_each(f);
    }

    /// Adds every member of `other`.
    pub fn union_with(&mut self, other: &CharSet) {
        if self.bits.len() < other.bits.len() {
            self.bits.resize(other.bits.len(), 0);
        }
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a |= b;
        }
        for &cp in &other.high {
            if let Err(at) = self.high.binary_search(&cp) {
                self.high.insert(at, cp);
            }
        }
    }

    fn serialize(&self, out: &mut Vec<u8>) {
        push_u32(out, to_u32(self.bits.len()));
        for w in &self.bits {
            out.extend_from_slice(&w.to_le_bytes());
        }
        push_u32(out, to_u32(self.high.len()));
        for &cp in &self.high {
            push_u32(out, cp);
        }
    }

    fn deserialize(r: &mut Reader<'_>) -> Result<Self, String> {
        let words = r.u32()? as usize;
        let mut bits = Vec::with_capacity(words);
        for _ in 0..words {
            let b = r.take(8)?;
            bits.push(u64::from_le_bytes(b.try_into().expect("8 bytes")));
        }
        let n = r.u32()? as usize;
        let mut high = Vec::with_capacity(n);
        for _ in 0..n {
            high.push(r.u32()?);
        }
        Ok(Self { bits, high })
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("dictionary larger than 4 GiB")
}

fn push_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.0.len() < n {
            return Err("truncated dictionary blob".into());
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    fn utf8(&mut self) -> Result<String, String> {
        let len = self.u32()? as usize;
        simdutf8::basic::from_utf8(self.take(len)?)
            .map(str::to_string)
            .map_err(|_| "text blob is not UTF-8".to_string())
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes(b.try_into().expect("4 bytes")))
    }
}

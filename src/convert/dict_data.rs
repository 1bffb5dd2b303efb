/*!
One OpenCC text dictionary as a compiled, serializable lookup structure.

This file is shared, through `#[path]`, by `build.rs` (which compiles the
bundled dictionaries into blobs embedded in the binary) and by the library
(which loads those blobs, and compiles users' own dictionaries at run time).
It must therefore depend on nothing but `std`, `double_array.rs` (beside it) and
`simdutf8`.

The parser follows OpenCC 1.4.2's `Lexicon` rules: lines starting with `#`
and empty lines are skipped, a trailing `\r` is dropped, the key runs up to
the first tab, the values are the rest split on single spaces, and the first
value is the one conversion uses. Duplicate keys are an error, as upstream.

Lookups go through a character-wise double-array trie of our own
(`double_array.rs`, which says why), read from the blob on first use. It answers
"the longest key at this position" for dictionary groups, and scans a whole
text by forward maximum matching: at each position it takes the longest key
starting there, then goes on after it; positions where no key starts are
passed. Its values are indices into an entry table that records each key and
its default value in two string blobs.

Whole texts are converted by one loop, [`DictData::replace_into`] (which
[`DictData::scan_segments_converting`] shares), written for the branch predictor as much
as for instruction counts: on Chinese text a mispredicted branch costs more
than the dozen instructions a branch-free step adds. Its doc says how; the
loop and the small types that hold its `unsafe` are in `dict_data/replace.rs`.
*/

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use super::double_array::{self, DoubleArrayTrie};

#[path = "dict_data/replace.rs"]
mod replace;

/// Magic bytes and format version at the start of a serialized dictionary.
const MAGIC: &[u8; 8] = b"ZHTDICT5";

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
    /// Whether the value equals the key (serialized as the top bit of
    /// `value_len`, so that loading needs no string comparisons).
    same: bool,
    /// For a merged dictionary, which of its parts the key (and value)
    /// came from, 0 for the first (serialized in the top byte of
    /// `key_len`).
    rank: u32,
}

/// Where a serialized `key_len` keeps [`Entry::rank`].
const RANK_SHIFT: u32 = 24;

/// The bit of a serialized `value_len` that carries [`Entry::same`].
const SAME_BIT: u32 = 1 << 31;

/// Where an entry's value lies, for the scanning loops.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    /// [`SAME`] when the value equals the key.
    len: u32,
    rank: u32,
    /// For `replace_into`'s block copies: `len` when at most [`BLOCK`]
    /// and `BLOCK` bytes can be read from `start` in the values, [`SAME`]
    /// when the value equals the key, else [`LONG`].
    block: u32,
}

/// Bytes copied at once by `replace_into`'s main loop.
const BLOCK: usize = 16;

/// Input bytes between two checks of the output's room in that loop.
const STRIDE: usize = 256;

/// Output room made at each check: a block for each step of a stride.
const ROOM: usize = (STRIDE + 1) * BLOCK;

/// [`Span::block`] of a value that cannot be copied as one block.
const LONG: u32 = u32::MAX - 1;

/// The span length that marks a value equal to its key.
const SAME: u32 = u32::MAX;

/// Bytes of one serialized [`Entry`]: four little-endian `u32`s.
const ENTRY_BYTES: usize = 16;

/// The entry table: built, or read in place from an embedded blob.
enum Entries {
    Owned(Vec<Entry>),
    Static(&'static [u8]),
}

impl Entries {
    fn len(&self) -> usize {
        match self {
            Entries::Owned(v) => v.len(),
            Entries::Static(b) => b.len() / ENTRY_BYTES,
        }
    }

    #[inline]
    fn get(&self, index: usize) -> Option<Entry> {
        match self {
            Entries::Owned(v) => v.get(index).copied(),
            Entries::Static(b) => {
                let raw = b.get(index * ENTRY_BYTES..(index + 1) * ENTRY_BYTES)?;
                let word = |i: usize| {
                    u32::from_le_bytes(raw[i * 4..i * 4 + 4].try_into().expect("4 bytes"))
                };
                Some(Entry {
                    key_start: word(0),
                    key_len: word(1) & ((1 << RANK_SHIFT) - 1),
                    rank: word(1) >> RANK_SHIFT,
                    value_start: word(2),
                    value_len: word(3) & !SAME_BIT,
                    same: word(3) & SAME_BIT != 0,
                })
            }
        }
    }

    fn iter(&self) -> impl Iterator<Item = Entry> + '_ {
        (0..self.len()).map(|i| self.get(i).expect("index below len"))
    }
}

/// A compiled dictionary: longest-prefix lookup from text to default value.
pub struct DictData {
    trie: OnceLock<DoubleArrayTrie>,
    /// The serialized trie, when it comes from an embedded blob.
    trie_section: &'static [u8],
    /// Whether the blob is known to be well formed (written by this very
    /// build), so that reading it may skip the checks.
    trusted: bool,
    /// Each entry's value as `(start, len)` in `values`, with `len ==
    /// SAME` when the value equals the key; built on first use, because
    /// reading the entry table in place costs more than a scan step.
    spans: OnceLock<Box<[Span]>>,
    /// The [`Span`] of each character code's one-character key (the "no
    /// key" span when it has none), indexed by code: the replacing loop's
    /// common step reads it straight from the code, with no test of the
    /// trie's slot. Built on first use, like `spans`.
    ones: OnceLock<Box<[Span]>>,
    entries: Entries,
    keys: Cow<'static, str>,
    values: Cow<'static, str>,
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
            (e.key.as_str(), default, 0)
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
                    .map(|e| (dict.key_of(&e), dict.value_of(&e), rank)),
            );
        }
        // Stable by key then rank: the first of equal keys is the earliest.
        all.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()).then(a.2.cmp(&b.2)));
        all.dedup_by(|later, earlier| later.0 == earlier.0);
        Self::from_sorted_pairs(all.into_iter().map(|(k, v, rank)| (k, v, to_u32(rank))))
    }

    /// Compiles unique keys in byte order with their values.
    fn from_sorted_pairs<'a>(
        pairs: impl Iterator<Item = (&'a str, &'a str, u32)>,
    ) -> Result<Self, ParseError> {
        let mut table = Vec::new();
        let mut keys = String::new();
        let mut values = String::new();
        let mut records = Vec::new();
        let mut first_chars = CharSet::default();
        let mut key_chars = CharSet::default();
        let mut max_key_chars = 0;
        let mut values_have_ids = false;
        for (index, (key, value, rank)) in pairs.enumerate() {
            if key.len() >= 1 << RANK_SHIFT
                || value.len() >= SAME_BIT as usize
                || rank >= 1 << (32 - RANK_SHIFT)
            {
                return Err(ParseError {
                    line: 0,
                    reason: format!("key longer than 16 MiB or too many merged parts: {key:.20}"),
                });
            }
            values_have_ids |= value
                .chars()
                .any(|c| ('\u{2FF0}'..='\u{2FFF}').contains(&c));
            table.push(Entry {
                key_start: to_u32(keys.len()),
                key_len: to_u32(key.len()),
                value_start: to_u32(values.len()),
                value_len: to_u32(value.len()),
                same: key == value,
                rank,
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
        let trie = DoubleArrayTrie::build(records);
        Ok(Self {
            trie: OnceLock::from(trie),
            trie_section: &[],
            trusted: false,
            spans: OnceLock::new(),
            ones: OnceLock::new(),
            entries: Entries::Owned(table),
            keys: Cow::Owned(keys),
            values: Cow::Owned(values),
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
        self.entries.len() == 0
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

    /// Whether some key of `self` has a key of `earlier` as a proper
    /// prefix (what `plan.rs` must know before merging the two).
    pub fn extends_a_key_of(&self, earlier: &DictData) -> bool {
        let trie = earlier.trie();
        self.entries.iter().any(|e| {
            let key = self.key_of(&e);
            let last = key.chars().next_back().map_or(0, char::len_utf8);
            trie.longest_at(&key[..key.len() - last], 0).is_some()
        })
    }

    /// The most code points of a key per code point of its value (rounded
    /// up; 1 for an empty dictionary), or `None` if some value is empty:
    /// how much converting a text with this dictionary can shrink it.
    pub fn max_shrink(&self) -> Option<usize> {
        let mut most = 1;
        for e in self.entries.iter() {
            let value = self.value_of(&e).chars().count();
            if value == 0 {
                return None;
            }
            most = most.max(self.key_of(&e).chars().count().div_ceil(value));
        }
        Some(most)
    }

    /// Calls `f` with every key, in byte order.
    pub fn for_each_key(&self, mut f: impl FnMut(&str)) {
        self.entries.iter().for_each(|e| f(self.key_of(&e)));
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

    /// Every key, in entry order.
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.entries.iter().map(move |e| self.key_of(&e))
    }

    /// Every (key, default value), in entry order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.entries
            .iter()
            .map(move |e| (self.key_of(&e), self.value_of(&e)))
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

    /// [`DictData::longest_prefix`], plus the key's index (below
    /// [`DictData::len`]).
    #[inline]
    pub fn longest_prefix_entry<'a>(&'a self, text: &str) -> Option<(usize, &'a str, u32)> {
        let (_, index) = self.trie().longest_at(text, 0)?;
        let entry = self.entries.get(index as usize)?;
        let entry = &entry;
        Some((entry.key_len as usize, self.value_of(entry), index))
    }

    fn trie(&self) -> &DoubleArrayTrie {
        self.trie.get_or_init(|| {
            let values = to_u32(self.entries.len());
            let read = if self.trusted {
                // SAFETY: `trusted` is set only by `deserialize_trusted`,
                // whose caller guarantees the blob was written by
                // `serialize` in this build, where `DoubleArrayTrie::build` checked it.
                unsafe { DoubleArrayTrie::deserialize_unchecked(self.trie_section) }
            } else {
                DoubleArrayTrie::deserialize(self.trie_section, values)
            };
            read.expect("bundled dictionary trie is well formed").0
        })
    }

    /// Whether some key occurs anywhere in `text`.
    #[inline]
    pub fn occurs_in(&self, text: &str) -> bool {
        self.trie().occurs_in(text)
    }

    /// Forward maximum matching over all of `text` (no ideographic
    /// description sequence in it: those need the position-by-position
    /// loop): calls `f(start, end, value, key index)` for each match in
    /// order.
    #[inline]
    pub fn for_each_match<'a>(&'a self, text: &str, mut f: impl FnMut(usize, usize, &'a str, u32)) {
        self.trie().for_each_match(text, |start, end, index| {
            let entry = self
                .entries
                .get(index as usize)
                .expect("trie values index entries");
            f(start, end, self.value_of(&entry), index);
        });
    }

    /// One [`Span`] per entry, plus one more (the last) marking "no key":
    /// the character is copied, as for a key whose value is itself.
    fn spans(&self) -> &[Span] {
        self.spans.get_or_init(|| {
            let none = Span {
                start: 0,
                len: SAME,
                // From no part: never a segmentation key.
                rank: u32::MAX,
                block: SAME,
            };
            let values = self.values.len();
            self.entries
                .iter()
                .map(|e| {
                    let (start, len) = (e.value_start as usize, e.value_len as usize);
                    let block = if e.same {
                        SAME
                    } else if len <= BLOCK && start + BLOCK <= values {
                        e.value_len
                    } else {
                        LONG
                    };
                    Span {
                        start: e.value_start,
                        len: if e.same { SAME } else { e.value_len },
                        rank: e.rank,
                        block,
                    }
                })
                .chain([none])
                .collect()
        })
    }

    /// One [`Span`] per character code (see the field's doc).
    fn ones(&self) -> &[Span] {
        self.ones.get_or_init(|| {
            let spans = self.spans();
            let none = spans[spans.len() - 1];
            let trie = self.trie();
            (0..=trie.max_code())
                .map(|code| match trie.root_value(code) {
                    Some(value) => spans[value as usize],
                    None => none,
                })
                .collect()
        })
    }

    /// Forward maximum matching over all of `text` (no ideographic
    /// description sequence in it), appending `text` with every match
    /// replaced by its value to `out`: [`DictData::for_each_match`] with the
    /// copying done here, where it is cheapest. This is the hot loop of a
    /// whole-text conversion (s2t, t2s), written to take few
    /// data-dependent branches, which cost more than its instructions
    /// (whether a character begins a key, and whether it converts, are
    /// coin flips to the branch predictor):
    ///
    /// * at each position, the next character's code is decoded (it is the
    ///   next position's when no key longer than one character starts
    ///   here) and the two slots read unconditionally: the character's
    ///   child of the root, and that slot's child for the next character;
    ///   only when both exist can a longer key start here, and only then
    ///   does the full walk run;
    /// * otherwise the position's output is its one-character key's value,
    ///   or the character itself, chosen without a branch (a table indexed
    ///   by the character's code gives the key's value entry, or a last,
    ///   "no key" entry) and copied as one 16-byte block of which the
    ///   output keeps the length of the value;
    /// * the step's only other test is of a limit that stands for both the
    ///   end of the text and the output's room, which is checked once per
    ///   256 bytes of input.
    ///
    /// The last 16 bytes, where blocks would read past the text, go
    /// through [`DictData::for_each_match`].
    #[inline(never)]
    pub fn replace_into(&self, text: &str, out: &mut String) {
        if self.trie().ascii_starts() {
            self.replace_loop::<false>(text, out, 0, |_, _, _, _| {});
        } else {
            self.replace_loop::<true>(text, out, 0, |_, _, _, _| {});
        }
    }

    /// Segmentation fused with the first conversion, for a merged
    /// dictionary whose first `seg_parts` parts are the segmentation's
    /// dictionaries and the rest one-character ones (see `engine::OneScan`
    /// for why one scan gives both): a match from the first parts is a
    /// segment, `on_key(run, index, value)` is called for it with `run`
    /// holding the converted text since the previous segment (which
    /// `on_key` takes and clears); other matches convert characters of the
    /// run. What is left in `run` at the end is the last run. `text` must
    /// hold no ideographic description operator.
    pub fn scan_segments_converting(
        &self,
        text: &str,
        seg_parts: u32,
        run: &mut String,
        mut on_key: impl FnMut(&mut String, u32, &str),
    ) {
        let spans = self.spans();
        let on_match = |run: &mut String, start: usize, end: usize, index: u32| {
            let span = spans[index as usize];
            let value = if span.len == SAME {
                &text[start..end]
            } else {
                &self.values[span.start as usize..][..span.len as usize]
            };
            on_key(run, index, value);
        };
        if self.trie().ascii_starts() {
            self.replace_loop::<false>(text, run, seg_parts, on_match);
        } else {
            self.replace_loop::<true>(text, run, seg_parts, on_match);
        }
    }

    /// Serializes into a self-describing blob (see [`DictData::deserialize`]).
    pub fn serialize(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        let mut trie = Vec::new();
        self.trie().serialize(&mut trie);
        push_u32(&mut out, to_u32(trie.len()));
        out.extend_from_slice(&trie);
        push_u32(&mut out, to_u32(self.entries.len()));
        for e in self.entries.iter() {
            push_u32(&mut out, e.key_start);
            push_u32(&mut out, e.key_len | (e.rank << RANK_SHIFT));
            push_u32(&mut out, e.value_start);
            push_u32(&mut out, e.value_len | if e.same { SAME_BIT } else { 0 });
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

    /// Reads a blob written by [`DictData::serialize`] without the checks
    /// of its entries, strings and trie: most of a one-line run's
    /// start-up.
    ///
    /// # Safety
    ///
    /// `blob` must have been produced by [`DictData::serialize`] of this
    /// very build, as the blobs that `build.rs` embeds are (a test reads
    /// every one of them with the checks): the scanning loop's unchecked
    /// lookups and `replace_into`'s byte appends rely on what they check.
    pub unsafe fn deserialize_trusted(blob: &'static [u8]) -> Result<Self, String> {
        let mut dict = Self::read(blob, false)?;
        dict.trusted = true;
        Ok(dict)
    }

    /// Reads a blob written by [`DictData::serialize`], checking its shape.
    /// The trie is read (and checked) on first use; the entry table, keys
    /// and values are used in place, not copied.
    pub fn deserialize(blob: &'static [u8]) -> Result<Self, String> {
        Self::read(blob, true)
    }

    /// Reads the trie now, with its checks (for tests of embedded data).
    pub fn check_trie(&self) -> Result<(), String> {
        if self.trie_section.is_empty() {
            return Ok(());
        }
        DoubleArrayTrie::deserialize(self.trie_section, to_u32(self.entries.len())).map(|_| ())
    }

    /// `checked`: verify that the keys and values are UTF-8 and that every
    /// entry lies inside them (an entry that does not would make a lookup
    /// panic, never misbehave, since every slice is bounds-checked).
    /// Unchecked, the strings are not even read: a one-line run then never
    /// touches the pages of the dictionaries' megabytes of text it does not
    /// use (validating them was a quarter of its instructions).
    fn read(blob: &'static [u8], checked: bool) -> Result<Self, String> {
        let mut r = Reader(blob);
        if r.take(MAGIC.len())? != MAGIC {
            return Err("not a zhtidy dictionary blob".into());
        }
        let dart_len = r.u32()? as usize;
        let trie_section = r.take(dart_len)?;
        let count = r.u32()? as usize;
        let entries = Entries::Static(
            r.take(
                count
                    .checked_mul(ENTRY_BYTES)
                    .ok_or("entry count overflows")?,
            )?,
        );
        // SAFETY: unchecked reads happen only in `deserialize_trusted`,
        // whose caller guarantees a blob that `serialize` wrote, from
        // `str`s.
        let keys = unsafe { r.utf8(checked) }?;
        // SAFETY: as for `keys`.
        let values = unsafe { r.utf8(checked) }?;
        let inside = |blob: &str, start: u32, len: u32| {
            let (start, end) = (start as usize, start as usize + len as usize);
            end <= blob.len() && blob.is_char_boundary(start) && blob.is_char_boundary(end)
        };
        if checked {
            for e in entries.iter() {
                if !inside(&keys, e.key_start, e.key_len)
                    || !inside(&values, e.value_start, e.value_len)
                {
                    return Err("entry points outside the keys or values".into());
                }
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
            trusted: false,
            spans: OnceLock::new(),
            ones: OnceLock::new(),
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

/// Appends `s` to `out`; an `s` of 4 to 16 bytes (a converted phrase of
/// two to five characters) with two overlapping fixed-size moves rather
/// than a `memcpy` call.
#[inline(always)]
pub fn push_small(out: &mut String, s: &str) {
    let (src, len) = (s.as_bytes(), s.len());
    // SAFETY: all of `s`, which is UTF-8, is appended, and nothing else.
    let buf = unsafe { out.as_mut_vec() };
    if !(4..=16).contains(&len) {
        buf.extend_from_slice(src);
        return;
    }
    buf.reserve(len);
    // SAFETY: `reserve` made room for `len` bytes after the end. Each move
    // reads inside `src` (`4 <= len`, and 8 bytes only when `8 <= len`)
    // and writes inside that room; the two moves of a pair together cover
    // bytes `0..len` (they overlap when `len` is not twice their size), so
    // `set_len` exposes only bytes copied from `src`.
    unsafe {
        let (from, to) = (src.as_ptr(), buf.as_mut_ptr().add(buf.len()));
        if len >= 8 {
            let head = from.cast::<u64>().read_unaligned();
            let tail = from.add(len - 8).cast::<u64>().read_unaligned();
            to.cast::<u64>().write_unaligned(head);
            to.add(len - 8).cast::<u64>().write_unaligned(tail);
        } else {
            let head = from.cast::<u32>().read_unaligned();
            let tail = from.add(len - 4).cast::<u32>().read_unaligned();
            to.cast::<u32>().write_unaligned(head);
            to.add(len - 4).cast::<u32>().write_unaligned(tail);
        }
        buf.set_len(buf.len() + len);
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

    /// A length-prefixed string, validated if `checked`.
    ///
    /// # Safety
    ///
    /// Unless `checked`, the bytes must be UTF-8.
    unsafe fn utf8(&mut self, checked: bool) -> Result<Cow<'a, str>, String> {
        let len = self.u32()? as usize;
        let bytes = self.take(len)?;
        if !checked {
            // SAFETY: as the caller promises.
            return Ok(Cow::Borrowed(unsafe {
                std::str::from_utf8_unchecked(bytes)
            }));
        }
        simdutf8::basic::from_utf8(bytes)
            .map(Cow::Borrowed)
            .map_err(|_| "text blob is not UTF-8".to_string())
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes(b.try_into().expect("4 bytes")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Forward maximum matching done the slow way, for comparison.
    fn naive_replace(dict: &DictData, text: &str) -> String {
        let mut out = String::new();
        let mut pos = 0;
        while pos < text.len() {
            match dict.longest_prefix(&text[pos..]) {
                Some((len, value)) => {
                    out.push_str(value);
                    pos += len;
                }
                None => {
                    let c = text[pos..].chars().next().unwrap();
                    out.push(c);
                    pos += c.len_utf8();
                }
            }
        }
        out
    }

    #[test]
    fn replace_into_agrees_with_naive_matching() {
        let keys = concat!(
            "中\t仲\n中国\t中國\n中国人民\t中國人民\n国\t國\n人\t人\n",
            "长\t長\n长长长长长长长长\t一個比十六個位元組更長的值，很長很長\n",
            "𠀀\t𠀁\n𠀀中\tX\né\tE\n",
        );
        // With a key that starts with ASCII, and without (ASCII runs are
        // then copied whole).
        for extra in ["ab\tAB\n", ""] {
            let dict = DictData::from_text(&format!("{keys}{extra}")).unwrap();
            check_replace_into(&dict);
        }
    }

    fn check_replace_into(dict: &DictData) {
        let pieces = [
            "中", "国", "人", "民", "长", "𠀀", "é", "a", "b", "x", " ", "，", "\n",
        ];
        // A deterministic walk over many mixes and lengths, so that keys
        // fall across the 16-byte blocks and the tail.
        let mut seed = 7u32;
        for len in 0..200 {
            let mut text = String::new();
            for _ in 0..len {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                text.push_str(pieces[(seed >> 16) as usize % pieces.len()]);
            }
            let mut out = String::from("前");
            dict.replace_into(&text, &mut out);
            assert_eq!(out, format!("前{}", naive_replace(dict, &text)), "{text:?}");
        }
        let long = "中国人民长长长长长长长长长ab中国".repeat(40);
        let mut out = String::new();
        dict.replace_into(&long, &mut out);
        assert_eq!(out, naive_replace(dict, &long));
    }

    #[test]
    fn max_shrink_is_the_worst_key_to_value_ratio() {
        let dict = DictData::from_text("的士\t計程車\n計程車\t的士\n一二三四五\t甲乙\n").unwrap();
        // Five code points to two: rounded up, 3.
        assert_eq!(dict.max_shrink(), Some(3));
        let deleting = DictData::from_text("的士\t計程車\n的\t\n").unwrap();
        assert_eq!(deleting.max_shrink(), None);
    }

    #[test]
    fn small_appends_copy_exactly_their_bytes() {
        use super::replace::append_range;
        let text = "中文abc，轉換測試文字🀄x".repeat(3);
        for from in 0..text.len() {
            for to in from..text.len().min(from + 40) {
                if !text.is_char_boundary(from) || !text.is_char_boundary(to) {
                    continue;
                }
                let piece = &text[from..to];
                let mut out = String::from("前");
                push_small(&mut out, piece);
                assert_eq!(out, format!("前{piece}"));
                let mut bytes = b"x".to_vec();
                bytes.reserve(1);
                append_range(&mut bytes, text.as_bytes(), from, to - from);
                assert_eq!(&bytes[1..], piece.as_bytes());
            }
        }
    }
}

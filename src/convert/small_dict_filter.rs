/*!
Forward maximum matching for small dictionaries, which rarely match.

The regional steps (TWPhrases + TWVariants of s2twp, HKVariants of s2hk,
the variant steps of t2tw, tw2t, t2jp, …) hold a few hundred keys, and on
ordinary text almost no position begins one; but the whole-text loop of
`DictData::replace_into` still walks the trie at every character, and the
s2twp family calls it once per segment, tens of thousands of times per
megabyte, on segments mostly shorter than its 16-byte blocks. Measured
with callgrind on 2 MB of People's Daily text, that step was a third of
s2twp's instructions.

[`SmallDictFilter`] answers "can a key start here?" from the character and the one
after it, with two bit tests in two 4 KiB tables (in the first-level
cache): one for the one-character keys (by the character's low bits) and
one for the first two characters of the longer keys (hashed pair). A position that passes
is looked up in the trie; a false positive costs one lookup, never a wrong
result. Every position before the first that passes begins no key, so
forward maximum matching copies them unchanged: matching resumes exactly
there, which is what [`SmallDictFilter::replace`] and [`SmallDictFilter::convert_tail`] rely
on. `convert_tail` converts the end of an output buffer in place and, in
the usual case of no match, copies nothing at all.

Most characters begin no key at all: a third table, of every key's first
character, rejects them before the next character is decoded. Measured
with callgrind on 300 short articles through `--to tw` (TWVariants with
its phrases, 51 keys): the filter took 20.8M instructions with the pair
test at every character, 13.2M with this table first; an Aho-Corasick
automaton of the keys, leftmost-longest with its vectorized prefilter,
took 10.3M in its search but more in all (169.4M against 166.8M for the
whole run), so it is not used.

Like the trie's whole-text loop, this does not step over ideographic
description sequences; callers use it only on text without an operator.
*/

use aho_corasick::packed;

use super::dict_data::{push_small, DictData};
use super::utf8::decode_at;

/// Bits of each of the filter's two tables: 2^15 bits, 4 KiB.
const LOG_BITS: u32 = 15;

/// Dictionaries with more keys than this are not worth a filter: its bits
/// would be mostly set.
pub const MAX_KEYS: usize = 2048;

/// Text that [`SmallDictFilter::replace`] scans before judging how dense matches are.
const DENSE_PROBE: usize = 4096;

/// Distinct first characters of keys up to which a dictionary also gets a
/// vectorized search for them (Teddy, from `aho-corasick`'s `packed`
/// module, whose fingerprints suit a few dozen patterns).
const MAX_FINDER_CHARS: usize = 64;

/// Text shorter than this is scanned by the bit tests alone: starting the
/// vectorized search costs more than it saves there (the s2tw family scans
/// each short segment's conversion).
const FINDER_MIN_BYTES: usize = 64;

/// Bytes per match below which [`SmallDictFilter::replace`] hands over to the trie's
/// loop (break-even measured on t2jp and s2twp's regional step: a match
/// costs the filter a trie lookup, a few times its per-character cost).
const DENSE_BYTES: usize = 24;

/// The filter of one dictionary (see the module doc).
#[derive(Debug, Clone)]
pub struct SmallDictFilter {
    /// One-character keys, by the low bits of the code point (exact for
    /// the Unified Ideographs block, U+4E00 to U+9FFF).
    ones: Box<[u64]>,
    /// The first two characters of longer keys, hashed.
    pairs: Box<[u64]>,
    /// `ones` and the first characters of longer keys, by the same low
    /// bits: a character that is neither begins no key, known without
    /// decoding the one after it.
    starts: Box<[u64]>,
    /// With at most [`MAX_FINDER_CHARS`] first characters: a search for
    /// their encodings, which skips the text between them many bytes at a
    /// time.
    finder: Option<packed::Searcher>,
}

#[inline(always)]
fn index_one(a: u32) -> usize {
    a as usize & ((1 << LOG_BITS) - 1)
}

#[inline(always)]
fn index_pair(a: u32, b: u32) -> usize {
    let key = u64::from(a) << 21 | u64::from(b);
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - LOG_BITS)) as usize
}

#[inline(always)]
fn test(bits: &[u64], i: usize) -> bool {
    // SAFETY: both indexes are below 2^LOG_BITS, the tables' bit count.
    let word = unsafe { *bits.get_unchecked(i / 64) };
    word & (1 << (i % 64)) != 0
}

impl SmallDictFilter {
    /// The filter of `dict`, if it has at most [`MAX_KEYS`] keys.
    pub fn new(dict: &DictData) -> Option<Self> {
        if dict.len() > MAX_KEYS {
            return None;
        }
        let table = || vec![0u64; (1 << LOG_BITS) / 64].into_boxed_slice();
        let (mut ones, mut pairs, mut starts) = (table(), table(), table());
        let set = |bits: &mut [u64], i: usize| bits[i / 64] |= 1 << (i % 64);
        let mut firsts = std::collections::BTreeSet::new();
        dict.for_each_key(|key| {
            firsts.extend(key.chars().next());
            let mut chars = key.chars().map(u32::from);
            match (chars.next(), chars.next()) {
                (Some(a), None) => set(&mut ones, index_one(a)),
                (Some(a), Some(b)) => set(&mut pairs, index_pair(a, b)),
                (None, _) => {}
            }
            if let Some(a) = key.chars().next() {
                set(&mut starts, index_one(u32::from(a)));
            }
        });
        let finder = (firsts.len() <= MAX_FINDER_CHARS)
            .then(|| packed::Searcher::new(firsts.iter().map(|c| c.to_string())))
            .flatten();
        Some(Self {
            ones,
            pairs,
            starts,
            finder,
        })
    }

    /// Whether a key may begin with `a` followed by `b` (`b` is 0 at the
    /// end of the text; a false positive there is harmless).
    #[inline(always)]
    fn may_start(&self, a: u32, b: u32) -> bool {
        test(&self.ones, index_one(a)) | test(&self.pairs, index_pair(a, b))
    }

    /// The first match of forward maximum matching over `text`: its start,
    /// end and value.
    #[inline]
    pub fn first_match<'d>(
        &self,
        dict: &'d DictData,
        text: &str,
    ) -> Option<(usize, usize, &'d str)> {
        let bytes = text.as_bytes();
        let n = bytes.len();
        if n == 0 {
            return None;
        }
        // `pos` starts at 0 and moves by whole decoded characters of the
        // `&str`, so it is a character boundary wherever it is decoded.
        let mut pos = 0;
        if let Some(finder) = &self.finder {
            // The finder stops only at characters that begin some key; a
            // match of a whole character's encoding in UTF-8 text starts
            // at a character boundary. The bit tests take the rest of the
            // text once it is too short for the finder.
            while n - pos >= FINDER_MIN_BYTES.max(finder.minimum_len()) {
                let at = finder
                    .find_in(bytes, aho_corasick::Span::from(pos..n))?
                    .start();
                // SAFETY: a match starts at a character boundary (above),
                // below `n`.
                let (a, len) = unsafe { decode_at(bytes, at) };
                if let Some(hit) = self.key_at(dict, text, at, a, at + len) {
                    return Some(hit);
                }
                pos = at + len;
            }
        }
        while pos < n {
            // SAFETY: `pos` is a character boundary (above), below `n`.
            let (a, len) = unsafe { decode_at(bytes, pos) };
            if test(&self.starts, index_one(a)) {
                if let Some(hit) = self.key_at(dict, text, pos, a, pos + len) {
                    return Some(hit);
                }
            }
            pos += len;
        }
        None
    }

    /// The key of `dict` that begins at `at` in `text` (character `a`,
    /// the next one at `next`), as [`SmallDictFilter::first_match`] gives it: the
    /// pair test first, then the trie.
    #[inline(always)]
    fn key_at<'d>(
        &self,
        dict: &'d DictData,
        text: &str,
        at: usize,
        a: u32,
        next: usize,
    ) -> Option<(usize, usize, &'d str)> {
        let bytes = text.as_bytes();
        let b = if next < bytes.len() {
            // SAFETY: `next` is the character boundary after `at`, below
            // the length.
            unsafe { decode_at(bytes, next) }.0
        } else {
            0
        };
        if !self.may_start(a, b) {
            return None;
        }
        let (key_len, value, _) = dict.longest_prefix_entry(&text[at..])?;
        Some((at, at + key_len, value))
    }

    /// Forward maximum matching over `text` with `dict` (this filter's),
    /// appending `text` with every match replaced by its value to `out`.
    ///
    /// A dictionary that is small but matches often in this text (t2jp's
    /// JPShinjitaiCharactersRev on Traditional Chinese: a key every few
    /// characters) is slower this way than with the trie's own loop, which
    /// takes over, from the current position, once matches are denser than
    /// one per [`DENSE_BYTES`] bytes after the first [`DENSE_PROBE`].
    pub fn replace(&self, dict: &DictData, text: &str, out: &mut String) {
        let mut done = 0;
        let mut matches = 0;
        while let Some((start, end, value)) = self.first_match(dict, &text[done..]) {
            out.push_str(&text[done..done + start]);
            push_small(out, value);
            done += end;
            matches += 1;
            if done >= DENSE_PROBE && matches * DENSE_BYTES > done {
                // `done` is a position of the matching (just after a match).
                dict.replace_into(&text[done..], out);
                return;
            }
        }
        out.push_str(&text[done..]);
    }

    /// Converts `out[from..]` (a character boundary) in place, as
    /// [`SmallDictFilter::replace`] would; `scratch` holds the text after the first
    /// match while the rest is converted.
    #[inline]
    pub fn convert_tail(
        &self,
        dict: &DictData,
        out: &mut String,
        from: usize,
        scratch: &mut String,
    ) {
        let Some((start, end, value)) = self.first_match(dict, &out[from..]) else {
            return;
        };
        scratch.clear();
        scratch.push_str(&out[from + end..]);
        out.truncate(from + start);
        push_small(out, value);
        self.replace(dict, scratch, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Forward maximum matching done the slow way.
    fn naive(dict: &DictData, text: &str) -> String {
        let mut out = String::new();
        let mut pos = 0;
        while let Some(c) = text[pos..].chars().next() {
            match dict.longest_prefix(&text[pos..]) {
                Some((len, value)) => {
                    out.push_str(value);
                    pos += len;
                }
                None => {
                    out.push(c);
                    pos += c.len_utf8();
                }
            }
        }
        out
    }

    #[test]
    fn agrees_with_naive_matching_in_place_and_not() {
        let dict = DictData::from_text(concat!(
            "爲\t為\n裏\t裡\n的士\t計程車\n的士高\t迪斯可\n鼠標\t滑鼠\n",
            "ab\tAB\né\tE\n𠀀\t𠀁\n𠀀中\tX\n",
        ))
        .unwrap();
        let sparse = SmallDictFilter::new(&dict).unwrap();
        assert!(sparse.finder.is_some());
        let pieces = [
            "的", "士", "高", "爲", "裏", "鼠", "標", "中", "a", "b", "é", "𠀀", "，", "\n",
        ];
        let mut seed = 11u32;
        // Up to 160 pieces: texts shorter and longer than FINDER_MIN_BYTES,
        // so both the bit tests and the finder search.
        for len in 0..800 {
            let mut text = String::new();
            for _ in 0..len % 160 {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                text.push_str(pieces[(seed >> 16) as usize % pieces.len()]);
            }
            let expected = naive(&dict, &text);
            let mut out = String::from("前");
            sparse.replace(&dict, &text, &mut out);
            assert_eq!(out, format!("前{expected}"), "{text:?}");
            let mut out = format!("前{text}");
            sparse.convert_tail(&dict, &mut out, "前".len(), &mut String::new());
            assert_eq!(out, format!("前{expected}"), "{text:?}");
        }
    }

    #[test]
    fn dense_matches_hand_over_to_the_trie_loop_exactly() {
        let dict = DictData::from_text("國\t国\n學\t学\n國學\t国学院\n").unwrap();
        let sparse = SmallDictFilter::new(&dict).unwrap();
        // Far denser than one match per DENSE_BYTES, and long enough to
        // switch, with phrases across every possible switching point.
        for tail in ["", "國", "學", "中"] {
            let text = format!("{}{tail}", "國學中國學學國中".repeat(DENSE_PROBE / 8));
            let mut out = String::new();
            sparse.replace(&dict, &text, &mut out);
            assert_eq!(out, naive(&dict, &text));
        }
    }

    #[test]
    fn large_dictionaries_get_no_filter() {
        let text: String = (0..=MAX_KEYS as u32)
            .map(|i| format!("{}\tx\n", char::from_u32(0x4E00 + i).unwrap()))
            .collect();
        assert!(SmallDictFilter::new(&DictData::from_text(&text).unwrap()).is_none());
    }
}

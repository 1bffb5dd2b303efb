/*!
A filter of the first two characters of a dictionary's keys.

The stray-glyph step matches phrases at nearly every Han character of a
line that needs a look, and nearly every Han character begins some phrase
key, so the one-character filter ([`DictData::starts_key`]) lets most
positions through to a trie walk. The walk reads scattered memory (the
phrase tries are megabytes) and was the largest single cost of fixing a
line. Few positions begin a key of two or more characters, though: a bit
per hashed pair of leading characters rejects most of them with one read
of a 64 KiB table. It never rejects a pair that begins a key (no false
negatives), so matching through it finds exactly what matching without
it finds.
*/

use crate::convert::DictData;

/// log2 of the number of bits: 2^19 bits is 64 KiB, about a tenth set for
/// STPhrases' ~50,000 keys.
const BITS: u32 = 19;

/// The hashed leading pairs of a dictionary's multi-character keys.
#[derive(Debug)]
pub(super) struct PairFilter {
    bits: Box<[u64]>,
}

impl PairFilter {
    pub(super) fn of(dict: &DictData) -> Self {
        let mut bits = vec![0u64; (1 << BITS) / 64].into_boxed_slice();
        for key in dict.keys() {
            let mut chars = key.chars();
            if let (Some(a), Some(b)) = (chars.next(), chars.next()) {
                let i = slot(a, b);
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        PairFilter { bits }
    }

    /// False when no key of two or more characters begins with `a` `b`.
    #[inline]
    pub(super) fn may_begin(&self, a: char, b: char) -> bool {
        let i = slot(a, b);
        self.bits[i / 64] & (1 << (i % 64)) != 0
    }
}

#[inline]
fn slot(a: char, b: char) -> usize {
    let pair = (u64::from(a) << 21) | u64::from(b);
    (pair.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BITS)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::builtin_dict;

    /// Every multi-character key's leading pair passes, and most pairs of
    /// common characters that begin no key are rejected.
    #[test]
    fn no_key_is_rejected_and_most_other_pairs_are() {
        let dict = builtin_dict("STPhrases.txt").unwrap();
        let filter = PairFilter::of(&dict);
        let mut keys = 0;
        for key in dict.keys() {
            let mut chars = key.chars();
            if let (Some(a), Some(b)) = (chars.next(), chars.next()) {
                assert!(filter.may_begin(a, b), "{key}");
                keys += 1;
            }
        }
        assert!(keys > 40_000);
        let common: Vec<char> = "的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年"
            .chars()
            .collect();
        let (mut absent, mut passed) = (0, 0);
        for &a in &common {
            for &b in &common {
                let begins = dict.keys().any(|k| {
                    let mut c = k.chars();
                    c.next() == Some(a) && c.next() == Some(b)
                });
                if !begins {
                    absent += 1;
                    passed += usize::from(filter.may_begin(a, b));
                }
            }
        }
        assert!(absent > 500);
        assert!(
            passed * 5 < absent,
            "{passed} of {absent} absent pairs passed"
        );
    }
}

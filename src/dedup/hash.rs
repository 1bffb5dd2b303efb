/*!
Signatures: the folded text's exact hash, its script and its MinHash.

All hashing here is fixed arithmetic on code points (no randomly seeded
hasher, no platform-dependent hash), so a signature depends on nothing but
the text and the [`Params`](super::Params).
*/

use crate::strip::fold::fold_char;

use super::{ParamError, Params};

/// The script a document is written in, as far as deduplication needs to
/// know: whether two copies are the same text in two scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// At least one ideograph in twenty changes when folded to Simplified.
    Traditional,
    /// At most one ideograph in a hundred changes (characters such as 著
    /// are both Simplified and a Traditional form of another).
    Simplified,
    /// Too few ideographs to tell, or in between.
    Unknown,
}

impl Script {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Script::Traditional => "traditional",
            Script::Simplified => "simplified",
            Script::Unknown => "unknown",
        }
    }

    /// Whether two documents are known to be in different scripts.
    pub fn differs_from(self, other: Script) -> bool {
        self != other && self != Script::Unknown && other != Script::Unknown
    }

    fn from_counts(ideographs: usize, folded: usize) -> Script {
        if ideographs < 10 {
            Script::Unknown
        } else if folded * 20 >= ideographs {
            Script::Traditional
        } else if folded * 100 <= ideographs {
            Script::Simplified
        } else {
            Script::Unknown
        }
    }
}

/// What deduplication keeps of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Hash of the folded text without whitespace: equal for exact
    /// duplicates (up to script, punctuation width and layout).
    pub exact: u64,
    /// The script of the text before folding.
    pub script: Script,
    /// Characters of the folded text without whitespace.
    pub chars: u32,
    /// The minimum of each hash function over the shingles; all
    /// `u32::MAX` for a text without characters.
    pub mins: Box<[u32]>,
}

impl Signature {
    /// Whether the document had no character to compare (only whitespace).
    pub fn is_empty(&self) -> bool {
        self.chars == 0
    }

    /// The estimated Jaccard similarity of two documents' shingle sets:
    /// the fraction of hash functions whose minima agree.
    pub fn similarity(&self, other: &Signature) -> f64 {
        let n = self.mins.len().min(other.mins.len());
        if n == 0 {
            return 0.0;
        }
        let equal = self
            .mins
            .iter()
            .zip(other.mins.iter())
            .filter(|(a, b)| a == b)
            .count();
        equal as f64 / n as f64
    }
}

/// Makes [`Signature`]s; built once, shared by threads.
#[derive(Debug, Clone)]
pub struct MinHasher {
    shingle: usize,
    /// One (multiplier, addend) pair per hash function: the top 32 bits
    /// of `a·x + b` over 64-bit words, a multiply-shift universal family
    /// (`a` odd).
    coeffs: Box<[(u64, u64)]>,
}

/// The seed of the hash functions. Changing it changes every signature,
/// so signatures stored by an earlier version would no longer compare.
const SEED: u64 = 0x7A68_7469_6479_2D31;

impl MinHasher {
    /// A hasher for `params.shingle` and `params.permutations`.
    pub fn new(params: Params) -> Result<Self, ParamError> {
        params.validate()?;
        let mut state = SEED;
        let coeffs = (0..params.permutations)
            .map(|_| (splitmix64(&mut state) | 1, splitmix64(&mut state)))
            .collect();
        Ok(MinHasher {
            shingle: params.shingle,
            coeffs,
        })
    }

    /// Number of hash functions (the length of every signature).
    pub fn permutations(&self) -> usize {
        self.coeffs.len()
    }

    /// The signature of `text`.
    pub fn sign(&self, text: &str) -> Signature {
        let (chars, script) = folded_chars(text);
        let mut mins = vec![u32::MAX; self.coeffs.len()].into_boxed_slice();
        for x in self.shingle_hashes(&chars) {
            for (m, &(a, b)) in mins.iter_mut().zip(self.coeffs.iter()) {
                let h = (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32;
                if h < *m {
                    *m = h;
                }
            }
        }
        Signature {
            exact: finish(chars.iter().fold(SEED, |h, &c| step(h, c)), chars.len()),
            script,
            chars: u32::try_from(chars.len()).unwrap_or(u32::MAX),
            mins,
        }
    }

    /// The distinct hashes of the `shingle`-character windows of `chars`
    /// (one window, the whole text, when it is shorter), sorted: a shingle
    /// repeated in the text costs the hash functions nothing more.
    fn shingle_hashes(&self, chars: &[u32]) -> Vec<u64> {
        if chars.is_empty() {
            return Vec::new();
        }
        let k = self.shingle.min(chars.len());
        let mut hashes: Vec<u64> = chars
            .windows(k)
            .map(|w| finish(w.iter().fold(SEED, |h, &c| step(h, c)), k))
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        hashes
    }
}

/// The text's characters folded (see the module doc of [`super`]) with
/// whitespace removed, and the script it was written in.
fn folded_chars(text: &str) -> (Vec<u32>, Script) {
    let mut out = Vec::with_capacity(text.len() / 3 + 1);
    let (mut ideographs, mut folded) = (0usize, 0usize);
    for c in text.chars() {
        let f = fold_char(c);
        if f.is_whitespace() {
            continue;
        }
        if is_ideograph(c) {
            ideographs += 1;
            if f != c {
                folded += 1;
            }
        }
        out.push(f as u32);
    }
    (out, Script::from_counts(ideographs, folded))
}

fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// One step of the code-point hash: mixes `c` into `h`.
fn step(h: u64, c: u32) -> u64 {
    (h.rotate_left(23) ^ u64::from(c)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The final mix of a code-point hash (the splitmix64 finaliser), with the
/// length so that prefixes differ.
fn finish(h: u64, len: usize) -> u64 {
    let mut z = h ^ (len as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The next number of the splitmix64 sequence from `state`.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    finish(*state, 0)
}

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
///
/// Each shingle is hashed once to 32 bits (`x`); hash function `i` is then
/// the top 32 bits of `a[i]·x + b[i]` over 64-bit words, the
/// multiply-add-shift family, which is 2-independent for 32-bit keys and
/// costs one multiply-add per function: no division, no modulus, and a
/// loop over functions that compiles to vector instructions.
#[derive(Debug, Clone)]
pub struct MinHasher {
    shingle: usize,
    /// Multipliers, one per hash function, padded with copies of the last
    /// to a whole number of [`LANES`] (the padding's minima are dropped).
    a: Box<[u64]>,
    /// Addends, padded like `a`.
    b: Box<[u64]>,
    permutations: usize,
}

/// Hash functions computed together, their minima kept in registers
/// while every shingle goes by.
const LANES: usize = 16;

/// The seed of the hash functions. Changing it changes every signature,
/// so signatures stored by an earlier version would no longer compare.
const SEED: u64 = 0x7A68_7469_6479_2D31;

impl MinHasher {
    /// A hasher for `params.shingle` and `params.permutations`.
    pub fn new(params: Params) -> Result<Self, ParamError> {
        params.validate()?;
        let mut state = SEED;
        let (mut a, mut b): (Vec<u64>, Vec<u64>) = (0..params.permutations)
            .map(|_| (splitmix64(&mut state), splitmix64(&mut state)))
            .unzip();
        let padded = params.permutations.div_ceil(LANES) * LANES;
        a.resize(padded, a[a.len() - 1]);
        b.resize(padded, b[b.len() - 1]);
        Ok(MinHasher {
            shingle: params.shingle,
            a: a.into(),
            b: b.into(),
            permutations: params.permutations,
        })
    }

    /// Number of hash functions (the length of every signature).
    pub fn permutations(&self) -> usize {
        self.permutations
    }

    /// The signature of `text`.
    pub fn sign(&self, text: &str) -> Signature {
        let (chars, script) = folded_chars(text);
        let mut mins = vec![u32::MAX; self.a.len()];
        self.minima(&self.shingle_hashes(&chars), &mut mins);
        mins.truncate(self.permutations);
        let mins = mins.into_boxed_slice();
        Signature {
            exact: finish(chars.iter().fold(SEED, |h, &c| step(h, c)), chars.len()),
            script,
            chars: u32::try_from(chars.len()).unwrap_or(u32::MAX),
            mins,
        }
    }

    /// The 32-bit hashes of the `shingle`-character windows of `chars`
    /// (one window, the whole text, when it is shorter). A shingle that
    /// recurs is hashed again rather than removed: a minimum is the same
    /// either way, and prose repeats few shingles, so sorting them out
    /// would cost more than it saves.
    fn shingle_hashes(&self, chars: &[u32]) -> Vec<u32> {
        if chars.is_empty() {
            return Vec::new();
        }
        let k = self.shingle.min(chars.len());
        chars
            .windows(k)
            .map(|w| (finish(w.iter().fold(SEED, |h, &c| step(h, c)), k) >> 32) as u32)
            .collect()
    }

    /// Lowers each of `mins` to its hash function's minimum over `xs`.
    fn minima(&self, xs: &[u32], mins: &mut [u32]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, just checked.
            return unsafe { self.minima_avx2(xs, mins) };
        }
        self.minima_in(xs, mins);
    }

    /// [`MinHasher::minima`] compiled for AVX2: four 64-bit products per
    /// instruction instead of two.
    ///
    /// # Safety
    ///
    /// The CPU must support AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn minima_avx2(&self, xs: &[u32], mins: &mut [u32]) {
        self.minima_in(xs, mins);
    }

    /// [`MinHasher::minima`], [`LANES`] hash functions at a time: their
    /// multipliers, addends and minima stay in registers while the
    /// shingles go by.
    #[inline(always)]
    fn minima_in(&self, xs: &[u32], mins: &mut [u32]) {
        let lanes = mins
            .chunks_exact_mut(LANES)
            .zip(self.a.chunks_exact(LANES).zip(self.b.chunks_exact(LANES)));
        for (m, (a, b)) in lanes {
            let a: [u64; LANES] = a.try_into().expect("a whole chunk");
            let b: [u64; LANES] = b.try_into().expect("a whole chunk");
            let mut low = [u32::MAX; LANES];
            for &x in xs {
                let x = u64::from(x);
                for j in 0..LANES {
                    let h = (a[j].wrapping_mul(x).wrapping_add(b[j]) >> 32) as u32;
                    low[j] = low[j].min(h);
                }
            }
            for j in 0..LANES {
                m[j] = m[j].min(low[j]);
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The vector build and the plain loop compute the same minima, for
    /// counts of hash functions that do and do not fill whole lanes.
    #[test]
    fn every_build_of_the_loop_gives_the_same_minima() {
        for permutations in [2, 16, 100, 128] {
            let params = Params {
                permutations,
                ..Params::default()
            };
            let hasher = MinHasher::new(params).unwrap();
            let xs = hasher
                .shingle_hashes(&folded_chars("今年春天，江南多地的茶农比往年更早开始采摘。").0);
            let mut plain = vec![u32::MAX; hasher.a.len()];
            hasher.minima_in(&xs, &mut plain);
            let mut dispatched = vec![u32::MAX; hasher.a.len()];
            hasher.minima(&xs, &mut dispatched);
            assert_eq!(plain, dispatched);
            let sig = hasher.sign("今年春天，江南多地的茶农比往年更早开始采摘。");
            assert_eq!(sig.mins.len(), permutations);
            assert_eq!(&sig.mins[..], &plain[..permutations]);
        }
    }
}

/*!
Near-duplicate detection across a corpus: the same article reposted by
other sites, trimmed or lightly edited, and often converted to the other
script.

Every document is first brought to one form, so that what differs only by
script or punctuation width compares equal: the strip stage's
[`fold`](crate::strip::fold::fold) (Traditional → Simplified one character
at a time, fullwidth → halfwidth), then every whitespace character
removed (line breaks and indentation are layout, not content).

Then, per document, a [`Signature`]:
- a 64-bit hash of the folded text, which finds exact duplicates;
- a MinHash over the folded text's character shingles (`k` characters
  each), one minimum per hash function. The hash functions are fixed by
  a seed, so a signature is the same on every run and every machine, and
  signatures computed apart (in threads, in another process) compare.

An [`Index`] takes signatures in input order. Exact duplicates join the
first document with the same hash. The others go through LSH banding:
the signature is cut into `bands` bands of `rows` minima, chosen for the
Jaccard threshold, and two documents that share a whole band are
candidates; a candidate pair is kept when the fraction of equal minima
(the estimated Jaccard similarity of their shingle sets) reaches the
threshold. Kept pairs are merged with union-find into clusters whose
representative is the document that came first.

The index keeps signatures and band buckets, never texts: memory grows by
a few hundred bytes per document (see [`Index::heap_bytes`]).
*/

mod hash;
pub mod index;

pub use hash::{MinHasher, Script, Signature};
pub use index::{band_hash, band_hashes, bands_for, is_near, Cluster, Index, Member, Why};

use thiserror::Error;

/// How similar is similar enough, and how signatures are made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Estimated Jaccard similarity of the shingle sets at or above which
    /// two documents are near-duplicates (0 < threshold ≤ 1).
    pub threshold: f64,
    /// Characters per shingle.
    pub shingle: usize,
    /// Hash functions (minima) per signature.
    pub permutations: usize,
}

impl Default for Params {
    /// Jaccard 0.8 over 5-character shingles with 128 hash functions: the
    /// usual settings of corpus deduplication pipelines, which makes the
    /// results comparable with theirs.
    fn default() -> Self {
        Params {
            threshold: 0.8,
            shingle: 5,
            permutations: 128,
        }
    }
}

/// Parameters that cannot make a signature or an index.
#[derive(Debug, Error, PartialEq)]
pub enum ParamError {
    /// The threshold must lie in (0, 1].
    #[error("the similarity threshold must be above 0 and at most 1, not {0}")]
    Threshold(f64),
    /// A shingle has at least one character.
    #[error("the shingle size must be at least 1 character")]
    Shingle,
    /// Banding needs at least two hash functions; more than 1024 only costs time.
    #[error("the number of permutations must be between 2 and 1024, not {0}")]
    Permutations(usize),
}

impl Params {
    /// Checks that the parameters are usable.
    pub fn validate(&self) -> Result<(), ParamError> {
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(ParamError::Threshold(self.threshold));
        }
        if self.shingle == 0 {
            return Err(ParamError::Shingle);
        }
        if !(2..=1024).contains(&self.permutations) {
            return Err(ParamError::Permutations(self.permutations));
        }
        Ok(())
    }
}

/// Clusters of near-duplicates among `texts`, in input order: the
/// convenience form of [`MinHasher`] + [`Index`] for texts held in memory.
pub fn clusters<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    params: Params,
) -> Result<Vec<Cluster>, ParamError> {
    let hasher = MinHasher::new(params)?;
    let mut index = Index::new(params)?;
    for text in texts {
        index.add(hasher.sign(text));
    }
    Ok(index.clusters())
}

#[cfg(test)]
mod tests;

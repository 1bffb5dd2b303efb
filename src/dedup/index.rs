/*!
The LSH index: signatures in, clusters out.

Each band has a hash table from the band's hash (32 bits: a collision
only costs one needless comparison, since every candidate is verified)
to the last document that had it, and each document links to the one
before it in the same bucket, so a bucket costs one table entry and one
link per document, never a list of its own.
*/

use std::collections::HashMap;

use super::hash::{Script, Signature};
use super::{ParamError, Params};

/// Why a member belongs to its cluster, compared with the representative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// The same text once folded, in the same script (it may differ in
    /// punctuation width or whitespace).
    Exact,
    /// A near-duplicate in the same script.
    Near,
    /// The same text or a near-duplicate, in the other script.
    CrossScript,
}

impl Why {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Why::Exact => "exact",
            Why::Near => "near",
            Why::CrossScript => "cross-script",
        }
    }
}

/// A document of a cluster other than its representative.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Its position in input order (0 for the first document added).
    pub doc: usize,
    /// Estimated Jaccard similarity with the representative. It can be
    /// below the threshold when the member joined through another member.
    pub similarity: f64,
    /// How it relates to the representative.
    pub why: Why,
}

/// Documents found to be copies of one another.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// The first of them in input order.
    pub representative: usize,
    /// The others, in input order.
    pub members: Vec<Member>,
}

/// Marks the end of a bucket's chain.
const NONE: u32 = u32::MAX;

/// Clusters near-duplicate documents from their signatures, added in
/// input order.
#[derive(Debug)]
pub struct Index {
    threshold: f64,
    permutations: usize,
    bands: usize,
    rows: usize,
    /// Every document's minima, `permutations` each.
    mins: Vec<u32>,
    exact: Vec<u64>,
    script: Vec<Script>,
    /// Union-find parents; a root is the smallest document of its set.
    parent: Vec<u32>,
    /// The first document of each exact hash.
    first_exact: HashMap<u64, u32>,
    /// Per band: band hash → last document in that bucket.
    heads: Vec<HashMap<u32, u32>>,
    /// Per document and band: the previous document in the same bucket.
    next: Vec<u32>,
}

impl Index {
    /// An empty index for signatures made with the same `params`.
    pub fn new(params: Params) -> Result<Self, ParamError> {
        params.validate()?;
        let (bands, rows) = bands_for(params.threshold, params.permutations);
        Ok(Index {
            threshold: params.threshold,
            permutations: params.permutations,
            bands,
            rows,
            mins: Vec::new(),
            exact: Vec::new(),
            script: Vec::new(),
            parent: Vec::new(),
            first_exact: HashMap::new(),
            heads: vec![HashMap::new(); bands],
            next: Vec::new(),
        })
    }

    /// Bands and rows per band in use.
    pub fn banding(&self) -> (usize, usize) {
        (self.bands, self.rows)
    }

    /// Number of documents added.
    pub fn len(&self) -> usize {
        self.parent.len()
    }

    /// Whether no document was added.
    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// Adds the next document's signature; returns its position. A
    /// signature of another length than the index's permutations (made
    /// with other parameters) is a caller bug and panics.
    pub fn add(&mut self, sig: Signature) -> usize {
        assert_eq!(
            sig.mins.len(),
            self.permutations,
            "signature made with other parameters"
        );
        let doc = u32::try_from(self.len()).expect("fewer than 2^32 documents");
        self.mins.extend_from_slice(&sig.mins);
        self.exact.push(sig.exact);
        self.script.push(sig.script);
        self.parent.push(doc);
        self.next.extend(std::iter::repeat_n(NONE, self.bands));
        if sig.is_empty() {
            return doc as usize;
        }
        if let Some(&first) = self.first_exact.get(&sig.exact) {
            // Same folded text: the same minima, nothing more to learn
            // from the buckets.
            self.union(first, doc);
            return doc as usize;
        }
        self.first_exact.insert(sig.exact, doc);
        for band in 0..self.bands {
            let key = self.band_key(doc, band);
            let head = self.heads[band].insert(key, doc).unwrap_or(NONE);
            self.next[doc as usize * self.bands + band] = head;
            let mut other = head;
            while other != NONE {
                if self.find(other) != self.find(doc) && self.passes(other, doc) {
                    self.union(other, doc);
                }
                other = self.next[other as usize * self.bands + band];
            }
        }
        doc as usize
    }

    /// The first document in input order of the cluster `doc` is in, as
    /// known so far (`doc` itself if it has no earlier copy).
    pub fn representative(&mut self, doc: usize) -> usize {
        self.find(doc as u32) as usize
    }

    /// How `doc` relates to the first document of its cluster as known
    /// so far: `None` when it is that document. A stream that keeps only
    /// the documents for which this is `None`, right after adding each,
    /// keeps exactly one per cluster: the first in input order, since a
    /// cluster's root is its smallest document, which was its own root
    /// when it was added.
    pub fn copy_of(&mut self, doc: usize) -> Option<(usize, Member)> {
        let root = self.find(doc as u32) as usize;
        (root != doc).then(|| (root, self.member(root, doc)))
    }

    /// The clusters of two documents or more, by representative.
    pub fn clusters(&mut self) -> Vec<Cluster> {
        let mut by_root: Vec<Option<usize>> = vec![None; self.len()];
        let mut clusters: Vec<Cluster> = Vec::new();
        for doc in 0..self.len() {
            let root = self.find(doc as u32) as usize;
            if root == doc {
                continue;
            }
            let slot = *by_root[root].get_or_insert_with(|| {
                clusters.push(Cluster {
                    representative: root,
                    members: Vec::new(),
                });
                clusters.len() - 1
            });
            let member = self.member(root, doc);
            clusters[slot].members.push(member);
        }
        clusters.sort_by_key(|c| c.representative);
        clusters
    }

    /// Estimated Jaccard similarity of two documents added.
    pub fn similarity(&self, a: usize, b: usize) -> f64 {
        let (x, y) = (self.doc_mins(a), self.doc_mins(b));
        x.iter().zip(y).filter(|(p, q)| p == q).count() as f64 / self.permutations as f64
    }

    /// Approximate heap memory held, in bytes.
    pub fn heap_bytes(&self) -> usize {
        // A hashbrown entry plus its control byte, at the usual load.
        let table = |entry: usize, cap: usize| cap * (entry + 1);
        self.mins.capacity() * 4
            + self.exact.capacity() * 8
            + self.script.capacity()
            + self.parent.capacity() * 4
            + self.next.capacity() * 4
            + table(12, self.first_exact.capacity())
            + self
                .heads
                .iter()
                .map(|h| table(8, h.capacity()))
                .sum::<usize>()
    }

    fn member(&self, root: usize, doc: usize) -> Member {
        let why = if self.script[root].differs_from(self.script[doc]) {
            Why::CrossScript
        } else if self.exact[root] == self.exact[doc] {
            Why::Exact
        } else {
            Why::Near
        };
        Member {
            doc,
            similarity: self.similarity(root, doc),
            why,
        }
    }

    fn doc_mins(&self, doc: usize) -> &[u32] {
        &self.mins[doc * self.permutations..(doc + 1) * self.permutations]
    }

    fn band_key(&self, doc: u32, band: usize) -> u32 {
        let rows = &self.doc_mins(doc as usize)[band * self.rows..(band + 1) * self.rows];
        let h = band_hash(band, rows);
        (h ^ (h >> 32)) as u32
    }

    fn passes(&self, a: u32, b: u32) -> bool {
        is_near(
            self.threshold,
            self.doc_mins(a as usize),
            self.doc_mins(b as usize),
        )
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        let (low, high) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[high as usize] = low;
    }
}

/// The hash of band number `band` of a signature, whose minima are
/// `rows`: two documents are candidates when one of their band hashes is
/// equal. The index keeps 32 bits of it; a grouping elsewhere (a
/// DataFrame's `groupBy` on band hashes) can keep all 64 and find the
/// same candidates, or fewer spurious ones.
pub fn band_hash(band: usize, rows: &[u32]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325 ^ band as u64;
    for &m in rows {
        h = (h ^ u64::from(m)).wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// The band hashes of a signature's minima, `bands` × `rows` (see
/// [`bands_for`]); none for a document without characters, which is
/// never a near-duplicate.
pub fn band_hashes(sig: &Signature, bands: usize, rows: usize) -> Vec<u64> {
    if sig.is_empty() {
        return Vec::new();
    }
    (0..bands)
        .map(|band| band_hash(band, &sig.mins[band * rows..(band + 1) * rows]))
        .collect()
}

/// Whether two signatures' minima agree in at least `threshold` of their
/// places: the test every candidate pair goes through.
pub fn is_near(threshold: f64, a: &[u32], b: &[u32]) -> bool {
    let n = a.len().min(b.len());
    let equal = a.iter().zip(b).filter(|(p, q)| p == q).count();
    // Integer comparison: `equal / n >= threshold` without rounding
    // surprises at the boundary.
    n > 0 && equal as f64 >= (threshold * n as f64 - 1e-9).ceil()
}

/// Bands × rows for `threshold` with `permutations` hash functions: the
/// pair that minimises the weighted area of false positives (below the
/// threshold) and false negatives (above it) of the banding curve
/// `1 − (1 − s^rows)^bands`, as datasketch chooses, but weighting a
/// missed pair 19 times a spurious one: every candidate is verified by
/// its estimated similarity, so a spurious candidate costs one comparison
/// while a missed one is lost. For 0.8 and 128 this is 16 × 8, which
/// makes a pair at similarity 0.8 a candidate 95% of the time (datasketch's
/// equal weights give 9 × 13 and 40%).
pub fn bands_for(threshold: f64, permutations: usize) -> (usize, usize) {
    const FALSE_POSITIVE_WEIGHT: f64 = 0.05;
    const FALSE_NEGATIVE_WEIGHT: f64 = 0.95;
    let mut best = (f64::INFINITY, 1, 1);
    for bands in 1..=permutations {
        for rows in 1..=permutations / bands {
            let candidate = |s: f64| 1.0 - (1.0 - s.powi(rows as i32)).powi(bands as i32);
            let fp = integrate(candidate, 0.0, threshold);
            let fn_ = integrate(|s| 1.0 - candidate(s), threshold, 1.0);
            let error = fp * FALSE_POSITIVE_WEIGHT + fn_ * FALSE_NEGATIVE_WEIGHT;
            if error < best.0 {
                best = (error, bands, rows);
            }
        }
    }
    (best.1, best.2)
}

/// Midpoint rule with 200 steps: the curves are smooth and only compared.
fn integrate(f: impl Fn(f64) -> f64, from: f64, to: f64) -> f64 {
    const STEPS: usize = 200;
    let h = (to - from) / STEPS as f64;
    (0..STEPS)
        .map(|i| f(from + (i as f64 + 0.5) * h))
        .sum::<f64>()
        * h
}

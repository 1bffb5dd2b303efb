/*!
`zhtidy.MinHasher` and `zhtidy.minhash`: the signatures `zhtidy dedup`
compares, for pipelines that group documents themselves (a DataFrame's
`groupBy` on band hashes, then the pairs checked with `near`).

The signatures and band hashes are the command line's, bit for bit: the
same folding (script and punctuation width), shingles, hash functions and
banding, so clusters found by grouping on `band_hashes`, keeping the pairs
that are `near` and joining them transitively are `zhtidy dedup`'s.
Values are Python ints: minima below 2^32, band hashes as signed 64-bit
numbers so that they fit a Spark `LongType` column.
*/

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use rayon::prelude::*;
use zhtidy::dedup::{band_hashes, bands_for, is_near, MinHasher as LibHasher, Params, Signature};

use crate::errors;

/// Makes MinHash signatures and LSH band hashes of texts.
#[pyclass(frozen, module = "zhtidy")]
pub struct MinHasher {
    hasher: LibHasher,
    params: Params,
    bands: usize,
    rows: usize,
}

fn params(threshold: f64, shingle: usize, permutations: usize) -> PyResult<Params> {
    let p = Params {
        threshold,
        shingle,
        permutations,
    };
    p.validate()
        .map_err(|e| errors::ConfigError::new_err(e.to_string()))?;
    Ok(p)
}

impl MinHasher {
    fn bands_of(&self, sig: &Signature) -> Vec<i64> {
        band_hashes(sig, self.bands, self.rows)
            .into_iter()
            .map(|h| h as i64)
            .collect()
    }

    fn pool(threads: Option<usize>) -> PyResult<Option<rayon::ThreadPool>> {
        match threads {
            None => Ok(None),
            Some(0) => Err(errors::ConfigError::new_err("threads must be at least 1")),
            Some(n) => rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map(Some)
                .map_err(|e| errors::ConfigError::new_err(e.to_string())),
        }
    }

    fn sign_all(&self, texts: &[PyBackedStr], threads: Option<usize>) -> PyResult<Vec<Signature>> {
        let pool = Self::pool(threads)?;
        let work = || texts.par_iter().map(|t| self.hasher.sign(t)).collect();
        Ok(match &pool {
            Some(p) => p.install(work),
            None => work(),
        })
    }
}

#[pymethods]
impl MinHasher {
    /// `threshold`: the estimated Jaccard similarity at which two texts
    /// are near-duplicates (it chooses the banding); `shingle`: characters
    /// per shingle; `permutations`: minima per signature.
    #[new]
    #[pyo3(signature = (threshold=0.8, shingle=5, permutations=128))]
    fn new(threshold: f64, shingle: usize, permutations: usize) -> PyResult<Self> {
        let params = params(threshold, shingle, permutations)?;
        let hasher =
            LibHasher::new(params).map_err(|e| errors::ConfigError::new_err(e.to_string()))?;
        let (bands, rows) = bands_for(threshold, permutations);
        Ok(MinHasher {
            hasher,
            params,
            bands,
            rows,
        })
    }

    #[getter]
    fn threshold(&self) -> f64 {
        self.params.threshold
    }

    #[getter]
    fn shingle(&self) -> usize {
        self.params.shingle
    }

    #[getter]
    fn permutations(&self) -> usize {
        self.params.permutations
    }

    /// Bands of the LSH index.
    #[getter]
    fn bands(&self) -> usize {
        self.bands
    }

    /// Minima per band.
    #[getter]
    fn rows(&self) -> usize {
        self.rows
    }

    /// The text's signature: `permutations` minima.
    fn minhash(&self, py: Python<'_>, text: PyBackedStr) -> Vec<u32> {
        py.detach(|| self.hasher.sign(&text).mins.into_vec())
    }

    /// The text's band hashes, one per band (none for a text without
    /// characters: it is never a near-duplicate).
    fn band_hashes(&self, py: Python<'_>, text: PyBackedStr) -> Vec<i64> {
        py.detach(|| self.bands_of(&self.hasher.sign(&text)))
    }

    /// `(minhash, band_hashes)` of each text, in input order, signed on
    /// rayon's threads (or a pool of `threads`).
    #[pyo3(signature = (texts, threads=None))]
    #[allow(clippy::type_complexity)]
    fn sign_many(
        &self,
        py: Python<'_>,
        texts: Vec<PyBackedStr>,
        threads: Option<usize>,
    ) -> PyResult<Vec<(Vec<u32>, Vec<i64>)>> {
        let sigs = py.detach(|| self.sign_all(&texts, threads))?;
        Ok(sigs
            .into_iter()
            .map(|s| {
                let bands = self.bands_of(&s);
                (s.mins.into_vec(), bands)
            })
            .collect())
    }

    /// The estimated Jaccard similarity of two signatures: the fraction of
    /// equal minima.
    fn similarity(&self, a: Vec<u32>, b: Vec<u32>) -> f64 {
        let n = a.len().min(b.len());
        if n == 0 {
            return 0.0;
        }
        a.iter().zip(&b).filter(|(p, q)| p == q).count() as f64 / n as f64
    }

    /// Whether two signatures are near-duplicates at the threshold: the
    /// check `zhtidy dedup` makes of every candidate pair.
    fn near(&self, a: Vec<u32>, b: Vec<u32>) -> bool {
        is_near(self.params.threshold, &a, &b)
    }

    /// Pickled as its arguments (Spark and Dask ship it to their workers).
    fn __getnewargs__(&self) -> (f64, usize, usize) {
        (
            self.params.threshold,
            self.params.shingle,
            self.params.permutations,
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "MinHasher(threshold={}, shingle={}, permutations={})",
            self.params.threshold, self.params.shingle, self.params.permutations
        )
    }
}

/// The text's MinHash signature with `zhtidy dedup`'s defaults (or the
/// given shingle size and permutations).
#[pyfunction]
#[pyo3(signature = (text, shingle=5, permutations=128))]
pub fn minhash(
    py: Python<'_>,
    text: PyBackedStr,
    shingle: usize,
    permutations: usize,
) -> PyResult<Vec<u32>> {
    let p = params(0.8, shingle, permutations)?;
    let hasher = LibHasher::new(p).map_err(|e| errors::ConfigError::new_err(e.to_string()))?;
    Ok(py.detach(|| hasher.sign(&text).mins.into_vec()))
}

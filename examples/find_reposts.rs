//! Finds the same article reposted among text files, in either script,
//! with the library's MinHash index (what `zhtidy dedup` does).
//!
//! ```text
//! cargo run --example find_reposts -- FILE...
//! ```
//!
//! Each file is one document. The files' texts are signed one at a time and
//! only the signatures are kept, so the index grows by a few hundred bytes
//! per document however long the documents are.

use std::process::ExitCode;

use zhtidy::dedup::{Index, MinHasher, Params};

fn main() -> ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: find_reposts FILE...");
        return ExitCode::from(2);
    }
    // Jaccard 0.8 over 5-character shingles, 128 hash functions.
    let params = Params::default();
    let hasher = MinHasher::new(params).expect("the default parameters are valid");
    let mut index = Index::new(params).expect("the default parameters are valid");
    for path in &paths {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                index.add(hasher.sign(&text));
            }
            Err(e) => {
                eprintln!("find_reposts: cannot read {path}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let clusters = index.clusters();
    for cluster in &clusters {
        println!("{}", paths[cluster.representative]);
        for member in &cluster.members {
            println!(
                "  {} ({}, similarity {:.2})",
                paths[member.doc],
                member.why.as_str(),
                member.similarity
            );
        }
    }
    eprintln!(
        "{} file(s), {} group(s) of reposts",
        paths.len(),
        clusters.len()
    );
    ExitCode::SUCCESS
}

/*!
`--dedup report|drop` in bulk (`-o`, `--check`, `-l`, `--diff`) and
`--jsonl` runs: near-duplicates among the cleaned texts
([`zhtidy::dedup`]), found while the run goes.

Each worker signs the text it has just cleaned ([`Signer`]); the calling
thread, which sees the documents in input order whatever `-j`, adds the
signatures to the index and asks whether the new document copies an
earlier one ([`Deduper::add`]). A document is a duplicate when it joins a
cluster that already has a document: it then names that cluster's first
document, which was kept. So `drop` keeps the first document of every
cluster in input order, and which documents are dropped does not depend
on the thread count. Only signatures are kept, never texts.

With `drop`, `-o` copies are written by the calling thread once it has
decided (a worker cannot know yet), and `--jsonl` leaves the line out.
`--write` refuses `drop`: dropping would mean deleting input files.

`--learn-boilerplate` (or `learn-boilerplate = true` in a configuration
file) adds a first pass: every document the setting covers is read,
cleaned and its edge lines counted ([`zhtidy::edge_lines`]); the counts,
taken on the calling thread in input order, are the same whatever `-j`.
Then the cleaning pass removes the repeated edge lines of each document
after the pipeline ([`remove_edge_lines`]), before the document is
signed for `--dedup`, written or compared.
*/

use std::borrow::Cow;

use zhtidy::dedup::{Index, MinHasher, Params, Signature};
use zhtidy::edge_lines::Verdicts;
use zhtidy::pipeline::Tidied;
use zhtidy::strip::{Removal, RemovalKind};

use crate::changes::{ChangeRecord, Stage};

/// The rule id of a repeated edge line's removal.
pub const EDGE_RULE: &str = "corpus-repeated-line";

/// What `--dedup` does with a duplicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DedupMode {
    /// Name it and the document it copies in the reports.
    Report,
    /// Also leave it out of `-o` copies and `--jsonl` output.
    Drop,
}

/// The corpus options of the cleaning command.
#[derive(Debug, Clone, clap::Args)]
pub struct CorpusArgs {
    /// Find documents that copy an earlier one (the same article reposted,
    /// trimmed, edited or in the other script) among the cleaned texts:
    /// `report` names each copy and the document it copies; `drop` also
    /// leaves it out of -o copies and --jsonl output (the first document
    /// of each group is kept, whatever -j).
    #[arg(long, value_enum, value_name = "WHAT", help_heading = "Corpus")]
    pub dedup: Option<DedupMode>,

    /// Estimated Jaccard similarity of 5-character shingle sets at which
    /// --dedup takes two documents for copies (see `zhtidy dedup`).
    #[arg(
        long,
        value_name = "J",
        default_value_t = 0.8,
        requires = "dedup",
        help_heading = "Corpus",
        hide_short_help = true
    )]
    pub dedup_threshold: f64,

    /// Learn the lines each site repeats above and below its articles from
    /// the run's own documents, and remove them (rule corpus-repeated-line:
    /// a line at the edge of at least --boilerplate-min-docs documents,
    /// digits, dates and URLs aside); reads every input twice
    #[arg(long, help_heading = "Corpus")]
    pub learn_boilerplate: bool,

    /// With --learn-boilerplate: the documents a line must stand at the
    /// edge of to go [default: 10].
    #[arg(
        long,
        value_name = "N",
        help_heading = "Corpus",
        hide_short_help = true
    )]
    pub boilerplate_min_docs: Option<u32>,
}

impl CorpusArgs {
    fn params(&self) -> Params {
        Params {
            threshold: self.dedup_threshold,
            ..Params::default()
        }
    }

    /// The workers' part, when `--dedup` is on.
    pub fn signer(&self) -> anyhow::Result<Option<Signer>> {
        let Some(mode) = self.dedup else {
            return Ok(None);
        };
        Ok(Some(Signer {
            hasher: MinHasher::new(self.params())?,
            drop: mode == DedupMode::Drop,
        }))
    }

    /// The calling thread's part, when `--dedup` is on.
    pub fn deduper<N>(&self) -> anyhow::Result<Option<Deduper<N>>> {
        let Some(mode) = self.dedup else {
            return Ok(None);
        };
        Ok(Some(Deduper {
            index: Index::new(self.params())?,
            names: Vec::new(),
            drop: mode == DedupMode::Drop,
            duplicates: 0,
        }))
    }
}

/// Signs cleaned texts; shared by the workers.
#[derive(Debug)]
pub struct Signer {
    hasher: MinHasher,
    drop: bool,
}

impl Signer {
    pub fn sign(&self, text: &str) -> Signature {
        self.hasher.sign(text)
    }

    /// Whether `-o` copies must wait for the calling thread's decision.
    pub fn defers_copies(&self) -> bool {
        self.drop
    }
}

/// A document found to copy an earlier one.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicate<N> {
    /// The first document of its group (kept), by its name in reports.
    pub of: N,
    /// Estimated Jaccard similarity with it (below the threshold when the
    /// document joined the group through another copy).
    pub similarity: f64,
    /// `exact`, `near` or `cross-script`.
    pub why: &'static str,
    /// Left out of the output (`drop`).
    pub dropped: bool,
}

impl<N> Duplicate<N> {
    /// The similarity as reported: three decimals.
    pub fn rounded_similarity(&self) -> f64 {
        (self.similarity * 1000.0).round() / 1000.0
    }
}

/// The index, fed in input order on the calling thread, and the names of
/// the documents in it (a path, or a line number: only what reports need).
#[derive(Debug)]
pub struct Deduper<N> {
    index: Index,
    names: Vec<N>,
    drop: bool,
    duplicates: usize,
}

impl<N: Clone> Deduper<N> {
    /// Adds the next document; what it copies, if anything.
    pub fn add(&mut self, sig: Signature, name: N) -> Option<Duplicate<N>> {
        let doc = self.index.add(sig);
        self.names.push(name);
        let (of, member) = self.index.copy_of(doc)?;
        self.duplicates += 1;
        Some(Duplicate {
            of: self.names[of].clone(),
            similarity: member.similarity,
            why: member.why.as_str(),
            dropped: self.drop,
        })
    }

    /// The summary line: documents compared, copies found and what became
    /// of them.
    pub fn summary(&self) -> String {
        let fate = if self.drop { "dropped" } else { "kept" };
        format!(
            "zhtidy: dedup: {} document(s) compared, {} copied an earlier one ({fate})",
            self.index.len(),
            self.duplicates
        )
    }
}

/// Settles one file of a bulk run, in input order: adds its signature,
/// notes what it copies, and writes its deferred `-o` copy unless it is
/// dropped (a write that fails makes the file's report a failure).
pub fn settle_file(
    dedup: &mut Deduper<String>,
    o: &mut crate::outcome::FileOutcome,
    dir_syncs: &zhtidy::write::DirSyncs,
) {
    if let Some(sig) = o.signature.take() {
        o.duplicate = dedup.add(*sig, o.path.clone()).map(Box::new);
    }
    let dropped = o.duplicate.as_ref().is_some_and(|d| d.dropped);
    if let Some(copy) = o.copy.take() {
        if !dropped {
            if let Err(reason) = copy.write(dir_syncs) {
                o.status = crate::outcome::Status::Failed(reason);
            }
        }
    }
}

/// One duplicate as a text report says it: `copies PREFIX+NAME (near,
/// similarity 0.93)`, then what became of it (`fate`, possibly empty).
pub fn describe<N: std::fmt::Display>(d: &Duplicate<N>, prefix: &str, fate: &str) -> String {
    format!(
        "copies {prefix}{} ({}, similarity {:.2}){fate}",
        d.of,
        d.why,
        d.rounded_similarity()
    )
}

/// What became of a dropped file in a bulk run, as [`describe`] ends.
pub fn file_fate(d: &Duplicate<String>, mode: &crate::args::Mode) -> &'static str {
    match (d.dropped, mode) {
        (false, _) => "",
        (true, crate::args::Mode::OutDir(_)) => "; not written",
        (true, _) => "; would be dropped",
    }
}

/// One duplicate in a JSON report.
pub fn to_json<N: serde::Serialize>(d: &Duplicate<N>) -> serde_json::Value {
    serde_json::json!({
        "of": d.of,
        "similarity": d.rounded_similarity(),
        "why": d.why,
        "dropped": d.dropped,
    })
}

/// Removes the repeated edge lines of a cleaned text (`tidied`, the
/// pipeline's output for `input`): the lines whose keys stand at the edge
/// of at least `min_docs` documents. Returns a record per line, located
/// in `input`, with the count as its cue.
pub fn remove_edge_lines(
    verdicts: &Verdicts,
    min_docs: u32,
    input: &str,
    tidied: &mut Tidied<'_>,
) -> Vec<ChangeRecord> {
    let Some((text, removed)) = verdicts.remove(&tidied.text, min_docs) else {
        return Vec::new();
    };
    let lines = input_line_numbers(input, &tidied.removals);
    tidied.text = Cow::Owned(text);
    removed
        .into_iter()
        .map(|r| ChangeRecord {
            stage: Stage::Strip,
            rule: EDGE_RULE.to_string(),
            family: "corpus".to_string(),
            line: Some(lines.get(r.line).copied().unwrap_or(r.line + 1)),
            column: Some(1),
            before: r.text,
            after: String::new(),
            cues: vec![format!("seen at the edge of {} documents", r.documents)],
        })
        .collect()
}

/// The 1-based input line of each line of the pipeline's output: the
/// input's lines but those strip removed whole (fix and convert keep
/// lines as they are).
fn input_line_numbers(input: &str, removals: &[Removal]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(memchr::memchr_iter(b'\n', input.as_bytes()).map(|i| i + 1));
    if starts.last() == Some(&input.len()) && !input.is_empty() {
        starts.pop();
    }
    let whole: Vec<(usize, usize)> = removals
        .iter()
        .filter(|r| r.kind == RemovalKind::Line)
        .map(|r| (r.at, r.at + r.deleted.len()))
        .collect();
    let end_of = |i: usize| starts.get(i + 1).copied().unwrap_or(input.len());
    (0..starts.len())
        .filter(|&i| {
            !whole
                .iter()
                .any(|&(from, to)| starts[i] >= from && end_of(i) <= to)
        })
        .map(|i| i + 1)
        .collect()
}

/// The summary line of a run that learnt boilerplate.
pub fn edge_summary(
    documents: usize,
    verdicts: &Verdicts,
    min_docs: u32,
    removed: usize,
) -> String {
    format!(
        "zhtidy: learn-boilerplate: {documents} document(s) counted, {} line(s) at the edge of at least {min_docs}, {removed} removed",
        verdicts.count(min_docs)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_lines_map_to_input_lines_past_strip_removals() {
        let input = "a\n来源：x\n\nb\nc\n";
        let removal = Removal {
            rule: "r".into(),
            family: "f".into(),
            line: 2,
            text: "来源：x".into(),
            kind: RemovalKind::Line,
            at: 2,
            deleted: "来源：x\n\n".into(),
            cues: Vec::new(),
        };
        assert_eq!(input_line_numbers(input, &[removal]), [1, 4, 5]);
        assert_eq!(input_line_numbers("a\nb", &[]), [1, 2]);
    }
}

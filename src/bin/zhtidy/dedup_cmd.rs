/*!
`zhtidy dedup`: which documents are the same article, reposted, trimmed
or converted to the other script ([`zhtidy::dedup`]).

Documents are files (folders walked as the cleaning command walks them,
the same default include and exclude lists) or, with `--jsonl`, the
`--field` of each line of JSON Lines files or standard input. They are
read and signed in parallel a batch at a time and added to the index in
input order, so the clusters — and which document represents each — are
the same whatever the number of threads. Only signatures are kept.

Output: one JSON line per cluster of two documents or more, by
representative. A document is `{"path": …}` for a file, `{"line": N}`
(plus `"path"` unless read from standard input, and `"id"` with
`--id-field`) for a JSON line. A summary goes to standard error.
*/

use std::cell::Cell;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde_json::{json, Map, Value};
use zhtidy::decode::{decode, DecodeOptions, Outcome};
use zhtidy::dedup::{Index, MinHasher, Params, Signature};

use crate::args::DedupArgs;
use crate::settings::{matches, path_globs, DEFAULT_EXCLUDE, DEFAULT_INCLUDE};
use crate::walk::expand_with;

/// Documents read and signed together: enough to keep the threads busy,
/// few enough that their texts never weigh much.
const BATCH: usize = 512;

/// Where a document came from, as reported.
#[derive(Debug, Clone)]
enum Origin {
    File(PathBuf),
    Line {
        path: Option<PathBuf>,
        line: usize,
        id: Option<Value>,
    },
}

impl Origin {
    fn to_json(&self) -> Value {
        match self {
            Origin::File(p) => json!({ "path": p.to_string_lossy() }),
            Origin::Line { path, line, id } => {
                let mut m = Map::new();
                if let Some(p) = path {
                    m.insert("path".into(), p.to_string_lossy().into());
                }
                m.insert("line".into(), (*line).into());
                if let Some(id) = id {
                    m.insert("id".into(), id.clone());
                }
                Value::Object(m)
            }
        }
    }
}

pub fn run(args: &DedupArgs) -> Result<()> {
    let params = Params {
        threshold: args.threshold,
        shingle: args.shingle,
        permutations: args.permutations,
    };
    let hasher = MinHasher::new(params)?;
    let mut index = Index::new(params)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()?;
    let mut origins: Vec<Origin> = Vec::new();
    // Counted by the batch closure and by the walk.
    let failed = Cell::new(0usize);
    let mut add = |batch: Vec<(Origin, Job)>| -> Result<()> {
        let signed: Vec<(Origin, Result<Signature>)> = pool.install(|| {
            batch
                .into_par_iter()
                .map(|(origin, job)| {
                    let sig = job.text().map(|t| hasher.sign(&t));
                    (origin, sig)
                })
                .collect()
        });
        for (origin, sig) in signed {
            match sig {
                Ok(sig) => {
                    index.add(sig);
                    origins.push(origin);
                }
                Err(e) => {
                    failed.set(failed.get() + 1);
                    eprintln!("zhtidy: error: {}", crate::render(&e));
                }
            }
        }
        Ok(())
    };
    if args.jsonl {
        read_jsonl(args, &mut add)?;
    } else {
        read_files(args, &mut add, &failed)?;
    }
    let clusters = index.clusters();
    let mut out = BufWriter::new(io::stdout().lock());
    let mut duplicates = 0usize;
    for c in &clusters {
        duplicates += c.members.len();
        let members: Vec<Value> = c
            .members
            .iter()
            .map(|m| {
                let mut doc = origins[m.doc].to_json();
                doc["similarity"] = json!((m.similarity * 1000.0).round() / 1000.0);
                doc["why"] = m.why.as_str().into();
                doc
            })
            .collect();
        let record = json!({
            "representative": origins[c.representative].to_json(),
            "members": members,
        });
        serde_json::to_writer(&mut out, &record)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    if !args.quiet {
        eprintln!(
            "zhtidy: {} documents, {} clusters, {} duplicates",
            origins.len(),
            clusters.len(),
            duplicates
        );
    }
    let failed = failed.get();
    if failed > 0 {
        bail!("{failed} document(s) could not be read");
    }
    Ok(())
}

/// What a worker does to get a document's text.
enum Job {
    /// Read and decode a file.
    File(PathBuf),
    /// A JSON line: pick the field.
    Line {
        json: String,
        field: String,
        /// `PATH:LINE` for messages.
        at: String,
    },
}

impl Job {
    fn text(self) -> Result<String> {
        match self {
            Job::File(path) => file_text(&path),
            Job::Line { json, field, at } => Ok(field_text(&json, &field)
                .with_context(|| at)?
                .unwrap_or_default()),
        }
    }
}

fn file_text(path: &Path) -> Result<String> {
    let bytes = zhtidy::decode::read_file(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let opts = DecodeOptions {
        lossy: true,
        ..Default::default()
    };
    match decode(&bytes, &opts).with_context(|| format!("cannot decode {}", path.display()))? {
        Outcome::Text(d) => Ok(d.text),
        // Not text: nothing to compare (an empty document is never
        // clustered).
        Outcome::Binary(_) => Ok(String::new()),
    }
}

/// The string in `field` of the JSON object `json`; `None` when the field
/// is missing or null.
fn field_text(json: &str, field: &str) -> Result<Option<String>> {
    let mut object: Map<String, Value> = serde_json::from_str(json).context("not a JSON object")?;
    match object.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => bail!("the field {field:?} is not a string"),
    }
}

fn read_files(
    args: &DedupArgs,
    add: &mut impl FnMut(Vec<(Origin, Job)>) -> Result<()>,
    failed: &Cell<usize>,
) -> Result<()> {
    if args.paths.is_empty() || args.paths.iter().any(|p| p.as_os_str() == "-") {
        bail!("dedup needs files or folders (or --jsonl to read standard input)");
    }
    let owned = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let include = path_globs(&owned(DEFAULT_INCLUDE))?;
    let prune = path_globs(&owned(DEFAULT_EXCLUDE))?;
    let found = expand_with(&args.paths, args.hidden, args.no_ignore, &prune, None);
    for (path, err) in &found.errors {
        failed.set(failed.get() + 1);
        eprintln!("zhtidy: error: {}: {err}", path.display());
    }
    let mut batch = Vec::with_capacity(BATCH);
    let mut seen = crate::walk::Seen::default();
    for c in found.candidates {
        if !seen.first(&c.path) {
            continue;
        }
        let name = c.rel.file_name().map(Path::new).unwrap_or(&c.rel);
        if !(c.explicit || matches(&include, &c.rel) || matches(&include, name)) {
            continue;
        }
        batch.push((Origin::File(c.path.clone()), Job::File(c.path)));
        if batch.len() == BATCH {
            add(std::mem::take(&mut batch))?;
        }
    }
    add(batch)
}

fn read_jsonl(
    args: &DedupArgs,
    add: &mut impl FnMut(Vec<(Origin, Job)>) -> Result<()>,
) -> Result<()> {
    let stdin = [PathBuf::from("-")];
    let paths = if args.paths.is_empty() {
        &stdin[..]
    } else {
        &args.paths[..]
    };
    for path in paths {
        let (reader, name): (Box<dyn BufRead>, Option<PathBuf>) = if path.as_os_str() == "-" {
            (Box::new(BufReader::new(io::stdin().lock())), None)
        } else {
            let f = std::fs::File::open(path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            (Box::new(BufReader::new(f)), Some(path.clone()))
        };
        read_lines(reader, name, args, add)?;
    }
    Ok(())
}

fn read_lines(
    mut reader: Box<dyn BufRead>,
    path: Option<PathBuf>,
    args: &DedupArgs,
    add: &mut impl FnMut(Vec<(Origin, Job)>) -> Result<()>,
) -> Result<()> {
    let label = path
        .as_deref()
        .map_or_else(|| "<stdin>".to_string(), |p| p.display().to_string());
    let mut batch = Vec::with_capacity(BATCH);
    let mut buf = Vec::new();
    let mut line = 0usize;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        line += 1;
        let text = std::str::from_utf8(&buf)
            .with_context(|| format!("{label}:{line}: not UTF-8"))?
            .trim_end_matches(['\n', '\r']);
        if text.trim().is_empty() {
            continue;
        }
        // The id is read here (it is small); the text is left to a worker.
        let id = match &args.id_field {
            Some(f) => {
                Some(id_value(text, f).with_context(|| format!("{label}:{line}: malformed line"))?)
            }
            None => {
                // Malformed lines are reported with their number, not later.
                serde_json::from_str::<serde::de::IgnoredAny>(text)
                    .with_context(|| format!("{label}:{line}: malformed line"))?;
                None
            }
        };
        let origin = Origin::Line {
            path: path.clone(),
            line,
            id,
        };
        let job = Job::Line {
            json: text.to_string(),
            field: args.field.clone(),
            at: format!("{label}:{line}"),
        };
        batch.push((origin, job));
        if batch.len() == BATCH {
            add(std::mem::take(&mut batch))?;
        }
    }
    add(batch)
}

fn id_value(json: &str, field: &str) -> Result<Value> {
    let mut object: Map<String, Value> = serde_json::from_str(json)?;
    Ok(object.remove(field).unwrap_or(Value::Null))
}

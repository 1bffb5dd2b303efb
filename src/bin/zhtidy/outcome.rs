/*!
One file through the pipeline in a bulk run, and what became of it
([`FileOutcome`]).

The worker does everything for its file — read, decode, clean, encode
back to the file's own encoding (BOM kept), and write when the mode says
so — and returns only a small record (plus the diff text for `--diff`).
A file that cannot be decoded without loss (or was decoded with
replacement characters, `--lossy`) is reported and never rewritten; a
character the file's encoding cannot hold is an error, never an `&#…;`.
*/

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use zhtidy::decode::{decode, DecodeOptions, Outcome};
use zhtidy::pipeline::Pipeline;
use zhtidy::write::{encode, replace_file, AtomicFile, DirSyncs, ReplaceOptions};

use crate::args::Mode;

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Cleaning changes nothing.
    Unchanged,
    /// Cleaning changes it (written with --write/--out-dir; would be
    /// otherwise).
    Changed,
    /// Not cleaned, on purpose (binary).
    Skipped(String),
    /// Not cleaned: an error.
    Failed(String),
}

/// One file's report.
#[derive(Debug, Clone)]
pub struct FileOutcome {
    /// The path as the user sees it (escaped: see [`crate::report::shown`]).
    pub path: String,
    /// The path exactly, when the input is a file: what `-l -0` prints
    /// and JSON gives.
    pub raw: Option<PathBuf>,
    /// The encoding it was decoded from.
    pub encoding: Option<&'static str>,
    pub status: Status,
    /// Lines strip removed.
    pub removals: usize,
    /// Changes fix made.
    pub fixes: usize,
    /// Bytes read.
    pub bytes: u64,
    /// The unified diff (only with --diff, only when changed).
    pub diff: Option<String>,
    /// Warnings worth showing (strip's safety limit, mojibake).
    pub notes: Vec<String>,
}

impl FileOutcome {
    /// A failure of the file at `path`.
    pub fn failed_at(path: &Path, reason: String) -> Self {
        let mut o = Self::failed(crate::report::shown(path), reason);
        o.raw = Some(path.to_path_buf());
        o
    }

    pub fn failed(path: String, reason: String) -> Self {
        FileOutcome {
            path,
            raw: None,
            encoding: None,
            status: Status::Failed(reason),
            removals: 0,
            fixes: 0,
            bytes: 0,
            diff: None,
            notes: Vec::new(),
        }
    }
}

/// A file ready to be processed.
#[derive(Debug, Clone)]
pub struct Job {
    /// Display name.
    pub name: String,
    /// Where to read (None: the bytes are in `stdin`).
    pub path: Option<PathBuf>,
    /// Standard input's bytes, for `-`.
    pub stdin: Option<Arc<Vec<u8>>>,
    /// Where --out-dir writes the copy.
    pub out: Option<PathBuf>,
    pub pipeline: Arc<Pipeline>,
}

/// Runs one job. Folders of files written are noted in `dir_syncs`, for
/// the caller to flush once at the end.
pub fn process(
    job: &Job,
    mode: &Mode,
    opts: &DecodeOptions,
    keep_encoding: bool,
    dir_syncs: &DirSyncs,
) -> FileOutcome {
    let mut o = FileOutcome::failed(job.name.clone(), String::new());
    o.raw = job.path.clone();
    o.status = match run(job, mode, opts, keep_encoding, dir_syncs, &mut o) {
        Ok(s) => s,
        Err(reason) => Status::Failed(reason),
    };
    o
}

/// `keep_encoding`: write back in the input's encoding (BOM kept) instead
/// of UTF-8 without a BOM (`--output-encoding source`).
fn run(
    job: &Job,
    mode: &Mode,
    opts: &DecodeOptions,
    keep_encoding: bool,
    dir_syncs: &DirSyncs,
    o: &mut FileOutcome,
) -> Result<Status, String> {
    let owned;
    let bytes: &[u8] = match (&job.stdin, &job.path) {
        (Some(b), _) => b,
        (None, Some(p)) => {
            owned = zhtidy::decode::read_file(p).map_err(|e| match e {
                zhtidy::decode::ReadError::NotAFile { kind, .. } => {
                    format!("is {kind}, not a regular file")
                }
                zhtidy::decode::ReadError::Io { reason, .. } => format!("cannot read: {reason}"),
            })?;
            &owned
        }
        (None, None) => return Err("nothing to read".into()),
    };
    o.bytes = bytes.len() as u64;
    let decoded = match decode(bytes, opts).map_err(|e| e.to_string())? {
        Outcome::Text(d) => d,
        Outcome::Binary(reason) => return Ok(Status::Skipped(format!("binary ({reason})"))),
    };
    o.encoding = Some(decoded.encoding.name());
    if decoded.replacements > 0 {
        return Err(format!(
            "{} malformed byte sequence(s): cannot be decoded without loss; not cleaned",
            decoded.replacements
        ));
    }
    let mut text_changed = false;
    if let Some(m) = &decoded.mojibake {
        if m.fixed {
            text_changed = true;
            o.notes.push(format!(
                "mojibake reversed (UTF-8 once read as {})",
                m.from.name()
            ));
        } else {
            o.notes.push(format!(
                "looks like mojibake (UTF-8 once read as {}); cleaned as it is",
                m.from.name()
            ));
        }
    }
    let tidied = job.pipeline.run(&decoded.text);
    o.removals = tidied.removals.len();
    o.fixes = tidied.fix_changes.len();
    if let Some(refusal) = &tidied.strip_refused {
        o.notes.push(format!("strip: {refusal}"));
    }
    let (target, bom) = if keep_encoding {
        (decoded.encoding, decoded.bom)
    } else {
        (encoding_rs::UTF_8, false)
    };
    // Text that changed, or an encoding that does: a GBK file comes out as
    // UTF-8 by default, so it is a change to write (and to report).
    text_changed |= tidied.text != decoded.text.as_str();
    text_changed |= target != decoded.encoding || bom != decoded.bom;
    let new_bytes = if text_changed {
        Some(encode(&tidied.text, target, bom).map_err(|e| e.to_string())?)
    } else {
        None
    };
    let changed = new_bytes.as_deref().is_some_and(|b| b != bytes);
    match mode {
        Mode::Write if changed => {
            let path = job
                .path
                .as_deref()
                .ok_or("standard input cannot be written in place")?;
            let new = new_bytes.as_deref().unwrap_or(bytes);
            let opts = ReplaceOptions {
                read_before: Some(bytes),
                dir_syncs: Some(dir_syncs),
                ..ReplaceOptions::default()
            };
            replace_file(path, new, opts).map_err(|e| without_path(e.to_string(), path))?;
        }
        Mode::OutDir(_) => {
            let out = job.out.as_deref().ok_or("no output path")?;
            write_copy(
                out,
                new_bytes.as_deref().unwrap_or(bytes),
                job.path.as_deref(),
                dir_syncs,
            )?;
        }
        Mode::Diff if changed => {
            let old_name = format!("a/{}", job.name);
            let new_name = format!("b/{}", job.name);
            let diff = similar::TextDiff::from_lines(decoded.text.as_str(), &*tidied.text);
            o.diff = Some(
                diff.unified_diff()
                    .context_radius(3)
                    .header(&old_name, &new_name)
                    .to_string(),
            );
        }
        _ => {}
    }
    Ok(if changed {
        Status::Changed
    } else {
        Status::Unchanged
    })
}

/// WriteError messages start with the path; the report names it already.
fn without_path(msg: String, path: &Path) -> String {
    let prefix = format!("{}: ", path.display());
    msg.strip_prefix(&prefix).map(str::to_string).unwrap_or(msg)
}

/// Writes a cleaned copy (atomically), creating folders as needed.
fn write_copy(
    out: &Path,
    bytes: &[u8],
    source: Option<&Path>,
    dir_syncs: &DirSyncs,
) -> Result<(), String> {
    if let (Some(src), Ok(dst)) = (source, fs::canonicalize(out)) {
        if fs::canonicalize(src).is_ok_and(|s| s == dst) {
            return Err(format!(
                "{} is the input itself; not overwriting it",
                out.display()
            ));
        }
    }
    if let Some(dir) = out.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", out.display());
    let mut f = AtomicFile::create(out).map_err(fail)?;
    f.write_all(bytes).map_err(fail)?;
    f.commit_deferring_dir_sync(dir_syncs).map_err(fail)
}

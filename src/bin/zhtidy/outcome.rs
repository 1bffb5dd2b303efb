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

use std::borrow::Cow;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use zhtidy::budget::Budget;
use zhtidy::decode::{
    decode, Damage, DecodeError, DecodeOptions, Decoded, Mojibake, Outcome, WRITE_CONFIDENCE,
};
use zhtidy::pipeline::Pipeline;
use zhtidy::write::{
    encode, output_below, replace_file, AtomicFile, DirSyncs, FileStamp, ReplaceOptions,
};

use crate::args::Mode;
use crate::changes::{encoding_label, records_of, ChangeRecord};

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
    /// Of those, lines `--learn-boilerplate` removed as repeated edge lines.
    pub edge_removals: usize,
    /// Changes fix made.
    pub fixes: usize,
    /// Bytes read.
    pub bytes: u64,
    /// The unified diff (only with --diff, only when changed).
    pub diff: Option<String>,
    /// Warnings worth showing (strip's safety limit, mojibake).
    pub notes: Vec<String>,
    /// Every change, whole-file ones (encoding, conversion) first (only
    /// when the file changes; removals and fixes only when [`Job::records`]
    /// asks for them).
    pub changes: Vec<ChangeRecord>,
    /// The text held mojibake (reversed or not).
    pub mojibake: bool,
    /// Characters already lost before the text reached us (U+FFFD,
    /// 锟斤拷, 烫烫烫, runs of `?`), counted by the decode stage.
    pub lost: usize,
    /// The cleaned text's signature, with `--dedup`.
    pub signature: Option<Box<zhtidy::dedup::Signature>>,
    /// With `--dedup drop`: the `-o` copy, written once the calling
    /// thread knows the file copies no earlier one.
    pub copy: Option<Box<PendingCopy>>,
    /// The earlier document this one copies, with `--dedup`.
    pub duplicate: Option<Box<crate::corpus::Duplicate<String>>>,
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
            edge_removals: 0,
            fixes: 0,
            bytes: 0,
            diff: None,
            notes: Vec::new(),
            changes: Vec::new(),
            mojibake: false,
            lost: 0,
            signature: None,
            copy: None,
            duplicate: None,
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
    pub out: Option<OutPath>,
    pub pipeline: Arc<Pipeline>,
    /// With `learn-boilerplate`: the documents a line must stand at the
    /// edge of to go (see `corpus`).
    pub edge_lines: Option<u32>,
    /// What cleaning it may take.
    pub budget: Budget,
    /// Whether the report needs a record per removal and fix (see
    /// [`FileOutcome::changes`]); without it only the counts and the
    /// whole-file changes are kept, since a file with a change every few
    /// bytes would need many times its size for records nobody reads.
    pub records: bool,
}

/// Where `--out-dir` puts one file's copy: `rel` below `root`, no symbolic
/// link followed below `root` (see `zhtidy::write::output_below`).
#[derive(Debug, Clone)]
pub struct OutPath {
    pub root: PathBuf,
    pub rel: PathBuf,
}

impl OutPath {
    /// The copy's path (for messages and duplicate checks).
    pub fn path(&self) -> PathBuf {
        self.root.join(&self.rel)
    }
}

/// What the corpus options give each worker: the `--dedup` signer and
/// the repeated edge lines learnt by the first pass.
#[derive(Debug, Clone, Copy, Default)]
pub struct Corpus<'a> {
    pub signer: Option<&'a crate::corpus::Signer>,
    pub edges: Option<&'a zhtidy::edge_lines::Verdicts>,
}

/// Runs one job. Folders of files written are noted in `dir_syncs`, for
/// the caller to flush once at the end.
pub fn process(
    job: &Job,
    mode: &Mode,
    opts: &DecodeOptions,
    keep_encoding: bool,
    dir_syncs: &DirSyncs,
    corpus: Corpus<'_>,
) -> FileOutcome {
    let mut o = FileOutcome::failed(job.name.clone(), String::new());
    o.raw = job.path.clone();
    o.status = match run(job, mode, opts, keep_encoding, dir_syncs, corpus, &mut o) {
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
    corpus: Corpus<'_>,
    o: &mut FileOutcome,
) -> Result<Status, String> {
    let (bytes, read_meta) = read_input(job)?;
    let bytes: &[u8] = &bytes;
    o.bytes = bytes.len() as u64;
    let decoded = match decode(bytes, opts).map_err(|e| decode_error(&e))? {
        Outcome::Text(d) => d,
        Outcome::Binary(reason) => return Ok(Status::Skipped(format!("binary ({reason})"))),
    };
    check_decoded(&decoded, mode, opts, o)?;
    let mut tidied = job
        .pipeline
        .run_within(&decoded.text, job.budget)
        .map_err(over_budget)?;
    let edge_records = match (corpus.edges, job.edge_lines) {
        (Some(v), Some(min_docs)) => {
            crate::corpus::remove_edge_lines(v, min_docs, &decoded.text, &mut tidied)
        }
        _ => Vec::new(),
    };
    o.edge_removals = edge_records.len();
    o.removals = tidied.removals.len() + edge_records.len();
    o.fixes = tidied.fix_changes.len();
    o.signature = corpus.signer.map(|s| Box::new(s.sign(&tidied.text)));
    if let Some(refusal) = &tidied.strip_refused {
        o.notes.push(format!("strip: {refusal}"));
    }
    let (new_bytes, whole_file) = output_bytes(bytes, &decoded, &tidied, keep_encoding)?;
    let changed = new_bytes.as_deref().is_some_and(|b| b != bytes);
    if changed {
        o.changes = whole_file;
        if job.records {
            o.changes.extend(records_of(&decoded.text, &tidied));
            o.changes.extend(edge_records);
        }
    }
    let new = new_bytes.as_deref().unwrap_or(bytes);
    match mode {
        Mode::Write if changed => {
            let path = job
                .path
                .as_deref()
                .ok_or("standard input cannot be written in place")?;
            let opts = ReplaceOptions {
                read_before: Some(bytes),
                read_stamp: read_meta.as_ref().map(FileStamp::of),
                dir_syncs: Some(dir_syncs),
                ..ReplaceOptions::default()
            };
            replace_file(path, new, opts).map_err(|e| without_path(e.to_string(), path))?;
        }
        Mode::OutDir(_) => {
            let mode = read_meta.as_ref().map(zhtidy::write::permission_bits);
            copy_out(job, new, mode, corpus, dir_syncs, o)?;
        }
        Mode::Diff if changed => {
            o.diff = Some(crate::paths::unified_diff(
                &job.name,
                &decoded.text,
                &tidied.text,
                &o.changes,
            ));
        }
        _ => {}
    }
    Ok(if changed {
        Status::Changed
    } else {
        Status::Unchanged
    })
}

/// A job's bytes (borrowed for standard input), and the file's metadata
/// as it was read.
fn read_input(job: &Job) -> Result<(Cow<'_, [u8]>, Option<fs::Metadata>), String> {
    match (&job.stdin, &job.path) {
        (Some(b), _) => Ok((Cow::Borrowed(b.as_slice()), None)),
        (None, Some(p)) => {
            let (b, meta) = read_job_file(p)?;
            Ok((Cow::Owned(b), Some(meta)))
        }
        (None, None) => Err("nothing to read".into()),
    }
}

/// What decoding found that the report must say, and the refusals:
/// bytes that could not be decoded without loss, and (for modes that
/// write) an encoding that was only a guess.
fn check_decoded(
    decoded: &Decoded,
    mode: &Mode,
    opts: &DecodeOptions,
    o: &mut FileOutcome,
) -> Result<(), String> {
    o.encoding = Some(decoded.encoding.name());
    if decoded.replacements > 0 {
        return Err(format!(
            "{} malformed byte sequence(s): cannot be decoded without loss; not cleaned",
            decoded.replacements
        ));
    }
    if matches!(mode, Mode::Write | Mode::OutDir(_)) {
        refuse_unsure_guess(decoded, opts)?;
    }
    if let Some(m) = &decoded.mojibake {
        o.notes.push(mojibake_note(m, opts.fix_mojibake));
        o.mojibake = true;
    }
    if let Some(note) = damage_note(&decoded.damage) {
        o.notes.push(note);
        o.lost = decoded.damage.total();
    }
    Ok(())
}

/// The bytes to write when anything changed (the text, the mojibake
/// reversed at decoding, or the encoding: a GBK file comes out as UTF-8
/// by default), with the whole-file change records that say so.
fn output_bytes(
    bytes: &[u8],
    decoded: &Decoded,
    tidied: &zhtidy::pipeline::Tidied<'_>,
    keep_encoding: bool,
) -> Result<(Option<Vec<u8>>, Vec<ChangeRecord>), String> {
    let mut whole_file = Vec::new();
    let mut text_changed = false;
    if let Some(m) = decoded.mojibake.as_ref().filter(|m| m.fixed) {
        text_changed = true;
        whole_file.push(ChangeRecord::mojibake(&m.kind(), m.source.name()));
    }
    let (target, bom) = if keep_encoding {
        (decoded.encoding, decoded.bom)
    } else {
        (encoding_rs::UTF_8, false)
    };
    text_changed |= tidied.text != decoded.text.as_str();
    let recoded = target != decoded.encoding || bom != decoded.bom;
    text_changed |= recoded;
    // ASCII bytes read as another ASCII-compatible encoding are the same
    // bytes in UTF-8: no change of encoding to name.
    if recoded && !(bytes.is_ascii() && !decoded.bom && target.is_ascii_compatible()) {
        whole_file.push(ChangeRecord::encoding(
            encoding_label(decoded.encoding, decoded.bom),
            encoding_label(target, bom),
        ));
    }
    if tidied.converted {
        whole_file.push(ChangeRecord::convert(&tidied.converted_with));
    }
    let new_bytes = if text_changed {
        Some(encode(&tidied.text, target, bom).map_err(|e| e.to_string())?)
    } else {
        None
    };
    Ok((new_bytes, whole_file))
}

/// Writes the `--out-dir` copy, or with `--dedup drop` hands it to the
/// calling thread, which writes only the first of each group.
fn copy_out(
    job: &Job,
    new: &[u8],
    mode: Option<u32>,
    corpus: Corpus<'_>,
    dir_syncs: &DirSyncs,
    o: &mut FileOutcome,
) -> Result<(), String> {
    let out = job.out.as_ref().ok_or("no output path")?;
    if corpus.signer.is_some_and(|s| s.defers_copies()) {
        o.copy = Some(Box::new(PendingCopy {
            out: out.clone(),
            bytes: new.to_vec(),
            source: job.path.clone(),
            mode,
        }));
        Ok(())
    } else {
        write_copy(out, new, job.path.as_deref(), mode, dir_syncs)
    }
}

/// Reads a job's file, with what the report says when it cannot.
fn read_job_file(p: &Path) -> Result<(Vec<u8>, fs::Metadata), String> {
    zhtidy::decode::read_file_with_metadata(p).map_err(|e| match e {
        zhtidy::decode::ReadError::NotAFile { kind, .. } => {
            format!("is {kind}, not a regular file")
        }
        zhtidy::decode::ReadError::Io { reason, .. } => format!("cannot read: {reason}"),
    })
}

/// The first pass of `--learn-boilerplate` over one job: the edge and
/// body keys of its cleaned text. A file that cannot be read or decoded
/// without loss counts nothing (the cleaning pass reports it).
pub fn learn(job: &Job, opts: &DecodeOptions) -> Option<zhtidy::edge_lines::DocKeys> {
    job.edge_lines?;
    let owned;
    let bytes: &[u8] = match (&job.stdin, &job.path) {
        (Some(b), _) => b,
        (None, Some(p)) => {
            owned = read_job_file(p).ok()?.0;
            &owned
        }
        (None, None) => return None,
    };
    let decoded = match decode(bytes, opts).ok()? {
        Outcome::Text(d) if d.replacements == 0 => d,
        _ => return None,
    };
    let tidied = job.pipeline.run_within(&decoded.text, job.budget).ok()?;
    Some(zhtidy::edge_lines::DocKeys::of(&tidied.text))
}

/// A file that went past its budget: left as it was, the run goes on.
pub fn over_budget(e: zhtidy::budget::Exceeded) -> String {
    let hint = match e {
        zhtidy::budget::Exceeded::Time(_) => " (--file-timeout SECONDS changes the limit)",
        zhtidy::budget::Exceeded::Memory(_) => " (--file-memory-limit MIB changes the limit)",
        zhtidy::budget::Exceeded::Ticks(_) => "",
    };
    format!("{e} to clean; not cleaned{hint}")
}

/// What to tell the user about mojibake found in a file.
pub fn mojibake_note(m: &Mojibake, asked_to_fix: bool) -> String {
    if m.fixed {
        format!("mojibake reversed (mojibake:{})", m.kind())
    } else if asked_to_fix {
        format!(
            "looks like mojibake (mojibake:{}); it cannot be reversed exactly, cleaned as it is",
            m.kind()
        )
    } else {
        format!(
            "looks like mojibake (mojibake:{}); cleaned as it is (--fix-mojibake reverses it)",
            m.kind()
        )
    }
}

/// What to tell the user about irreversible damage, if any.
pub fn damage_note(d: &Damage) -> Option<String> {
    let kind = d.kind()?;
    let lines: Vec<String> = d.lines.iter().take(10).map(usize::to_string).collect();
    let more = if d.lines.len() > 10 { ", …" } else { "" };
    Some(format!(
        "characters already lost ({kind}) on line(s) {}{more}; they cannot be restored",
        lines.join(", ")
    ))
}

/// A decode error with what the user can do about it.
pub fn decode_error(e: &DecodeError) -> String {
    let hint = match e {
        DecodeError::DamagedUtf8 { .. } => {
            "; --lossy replaces them with U+FFFD (a file decoded so is never written back), --encoding names another encoding"
        }
        DecodeError::Undecodable { .. } => "; --encoding names the encoding, --lossy replaces the bad bytes with U+FFFD",
        DecodeError::Malformed { .. } => "; --lossy replaces them with U+FFFD",
    };
    format!("{e}{hint}")
}

/// Refuses to write a file (in place or mirrored) whose encoding was
/// guessed with less confidence than [`WRITE_CONFIDENCE`]: a wrong guess
/// would be written back as mojibake. `--encoding` (which gives
/// confidence 1) is the way out.
fn refuse_unsure_guess(decoded: &Decoded, opts: &DecodeOptions) -> Result<(), String> {
    if opts.encoding.is_some() || decoded.confidence >= WRITE_CONFIDENCE {
        return Ok(());
    }
    let name = decoded.encoding.name();
    Err(format!(
        "detected as {name} with confidence {:.2}, below the {WRITE_CONFIDENCE:.2} needed to write it back; not written (pass --encoding {} if {name} is right)",
        decoded.confidence,
        name.to_ascii_lowercase()
    ))
}

/// WriteError messages start with the path; the report names it already.
fn without_path(msg: String, path: &Path) -> String {
    let prefix = format!("{}: ", path.display());
    msg.strip_prefix(&prefix).map(str::to_string).unwrap_or(msg)
}

/// An `-o` copy not written yet.
#[derive(Debug, Clone)]
pub struct PendingCopy {
    out: OutPath,
    bytes: Vec<u8>,
    source: Option<PathBuf>,
    mode: Option<u32>,
}

impl PendingCopy {
    /// Writes it (see [`write_copy`]).
    pub fn write(&self, dir_syncs: &DirSyncs) -> Result<(), String> {
        write_copy(
            &self.out,
            &self.bytes,
            self.source.as_deref(),
            self.mode,
            dir_syncs,
        )
    }
}

/// Writes a cleaned copy (atomically) with the source's permission bits
/// (`mode`; the umask applies, as for `cp`), creating folders as needed
/// and never following a symbolic link below the output folder.
fn write_copy(
    out: &OutPath,
    bytes: &[u8],
    source: Option<&Path>,
    mode: Option<u32>,
    dir_syncs: &DirSyncs,
) -> Result<(), String> {
    let path = output_below(&out.root, &out.rel).map_err(|e| e.to_string())?;
    if let (Some(src), Ok(dst)) = (source, fs::canonicalize(&path)) {
        if fs::canonicalize(src).is_ok_and(|s| s == dst) {
            return Err(format!(
                "{} is the input itself; not overwriting it",
                path.display()
            ));
        }
    }
    let mut f = AtomicFile::create_with_mode(&path, mode.unwrap_or(0o666))
        .map_err(|e| format!("cannot write {e}"))?;
    f.write_all(bytes)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    f.commit_deferring_dir_sync(dir_syncs)
        .map_err(|e| format!("cannot write {e}"))
}

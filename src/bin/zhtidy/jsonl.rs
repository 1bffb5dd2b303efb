/*!
`--jsonl`: JSON Lines in, the same lines out with the `--field`s cleaned
(default `text`).

Input is standard input, or the files named (each read as JSON Lines, in
the order given; `-` is standard input). Where the lines go depends on the
mode: with none, to standard output (several files one after another, as
`cat` would join them); `--write` rewrites each changed file in place
(atomically, as the default command does, and only once the whole file
was read without a fatal error); `--out-dir DIR` writes a cleaned copy of
each as `DIR/NAME`; `--check` and `-l` write nothing and name the files
that would change (exit 1 if any). `--diff` has no JSON Lines form and is
refused, as are folders: a folder holds more than JSON Lines.

A `--field` is a key of the object, or a dotted path into nested objects
(`meta.text` is the `text` key of the object under `meta`; `\.` is a
literal dot in a key). Everything but the cleaned fields is passed through
as it was written: each object is read as a list of (key, raw JSON) pairs,
so key order, duplicate keys, number spellings and other nested values
come out byte for byte (only the whitespace between a key and its value is
dropped in the objects on a field's path). A field that is missing or
`null` is left alone: one missing from some lines is counted in a warning,
one that no line has (a mistyped `--field`) is an error. A field that is
not a string, or a path through something that is not an object, is an
error, like a malformed line. Blank lines are passed through, so line N
out is always line N in, unless `--dedup drop` leaves out the lines that
copy an earlier one (see `corpus`). A field whose text did not end with a line break
does not gain one when its last line is removed.

Lines are read on the main thread and cleaned in a local rayon pool, each
worker taking the next line as soon as it is free; the main thread writes
them in input order as they come back (see `ordered`). At most a window
of lines (bounded in number and bytes) is in flight, so memory stays
bounded on endless input and the output streams. A bad line is reported
with its file and line number; `--on-error fail` (the default) stops the
run there with exit 2 after writing the lines before it (a file being
rewritten in place is left untouched), `skip` drops it, `keep` passes it
through unchanged (both warn on standard error and go on). `skip` would
delete lines from a file rewritten in place, so `--write` refuses it.

`--dedup` compares the lines of all the inputs as one corpus, in the order
the inputs are given (as a bulk run compares its files, whatever `-j`): a
line that copies an earlier line, of its own input or of an earlier one,
names it in a note and in `--report-field`; with `drop` it is left out of
standard output and of the `--out-dir` copy (`--check` and `-l` say it
would be, and count only changed lines as changes, as a bulk run does).
`--write` refuses `drop`, which would delete lines from the inputs.

`--learn-boilerplate` reads every input it covers twice: a first pass
cleans each line's fields and counts their edge lines (each field is a
document), the second cleans and removes the repeated ones (see
`corpus`). Standard input can be read only once, so it is refused then,
with a message saying to save the lines to a file: spilling it to a
temporary file would hide a copy of an endless stream on disk.
*/

use std::fmt;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use zhtidy::budget::Budget;
use zhtidy::pipeline::Pipeline;
use zhtidy::write::{output_below, AtomicFile, FileStamp, ReplaceOptions};

use crate::args::{Mode, OnError, TidyArgs};
use crate::ordered::{for_each_ordered, Window};
use crate::settings::Resolver;

/// Lines read ahead of the last one written, at most: the memory bound on
/// endless input.
const WINDOW_LINES: usize = 2048;
const WINDOW_BYTES: usize = 16 << 20;

/// One JSON object as (key, raw value) pairs, in the order written.
struct Record(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Record;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Record, A::Error> {
                let mut pairs = Vec::with_capacity(m.size_hint().unwrap_or(4));
                while let Some(pair) = m.next_entry::<String, Box<RawValue>>()? {
                    pairs.push(pair);
                }
                Ok(Record(pairs))
            }
        }
        d.deserialize_map(V)
    }
}

/// The `--field`s as a tree of keys: `meta.text` and `meta.title` share
/// the `meta` node, so each object is walked once whatever the number of
/// fields.
#[derive(Debug, Default)]
struct Fields {
    /// Each key with what is under it, in the order first named.
    keys: Vec<(String, Node)>,
}

#[derive(Debug)]
enum Node {
    /// A field to clean: its index in the list the user gave.
    Leaf(usize),
    /// An object holding fields to clean.
    Object(Fields),
}

impl Fields {
    /// The tree of `names` (each a dotted path); a path that is empty,
    /// given twice or both a field and the object holding another is an
    /// error.
    fn parse(names: &[String]) -> Result<Fields> {
        let mut root = Fields::default();
        for (index, name) in names.iter().enumerate() {
            let path = split_path(name)?;
            root.insert(&path, index, name, names)?;
        }
        Ok(root)
    }

    fn insert(
        &mut self,
        path: &[String],
        index: usize,
        name: &str,
        names: &[String],
    ) -> Result<()> {
        let (first, rest) = path.split_first().expect("paths are not empty");
        let at = self.keys.iter().position(|(k, _)| k == first);
        match (at, rest.is_empty()) {
            (None, true) => self.keys.push((first.clone(), Node::Leaf(index))),
            (None, false) => {
                let mut sub = Fields::default();
                sub.insert(rest, index, name, names)?;
                self.keys.push((first.clone(), Node::Object(sub)));
            }
            (Some(i), false) if matches!(self.keys[i].1, Node::Object(_)) => {
                let Node::Object(sub) = &mut self.keys[i].1 else {
                    unreachable!()
                };
                sub.insert(rest, index, name, names)?;
            }
            (Some(i), _) => {
                let other = match &self.keys[i].1 {
                    Node::Leaf(j) => names[*j].as_str(),
                    Node::Object(_) => "a field inside it",
                };
                if other == name {
                    bail!("--field {name} is given twice");
                }
                bail!("--field {name} overlaps --field {other}: a field is a string, and cannot hold another field");
            }
        }
        Ok(())
    }

    fn get(&self, key: &str) -> Option<&Node> {
        self.keys.iter().find(|(k, _)| k == key).map(|(_, n)| n)
    }
}

/// `meta.text` → [`meta`, `text`]; `\.` is a dot inside a key, `\\` a
/// backslash.
fn split_path(name: &str) -> Result<Vec<String>> {
    let mut parts = vec![String::new()];
    let mut chars = name.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('.' | '\\')) => parts.last_mut().unwrap().push(e),
                _ => bail!("--field {name:?}: `\\` must be followed by `.` or `\\`"),
            },
            '.' => parts.push(String::new()),
            c => parts.last_mut().unwrap().push(c),
        }
    }
    if parts.iter().any(String::is_empty) {
        bail!("--field {name:?} has an empty key (write a nested field as `meta.text`, a dot inside a key as `\\.`)");
    }
    Ok(parts)
}

/// What cleaning one line did.
#[derive(Debug, Default)]
struct LineReport {
    changed: bool,
    removals: usize,
    fixes: usize,
    /// Each change, with the field it is in (for `--explain`).
    changes: Vec<(String, crate::changes::ChangeRecord)>,
    /// The indexes of the fields the object holds (even `null`).
    present: Vec<usize>,
    /// The line is blank: no object.
    blank: bool,
    /// With `--dedup`: the signature of the cleaned fields (joined by a
    /// line break), when the object has one as a string.
    signature: Option<zhtidy::dedup::Signature>,
    /// In the first pass of `--learn-boilerplate`: the edge and body keys
    /// of each cleaned field (each field is a document).
    edge_keys: Vec<zhtidy::edge_lines::DocKeys>,
    /// Repeated edge lines removed.
    edge_removed: usize,
}

/// The counts of a run (or of one input).
#[derive(Debug, Default)]
struct Tally {
    lines: usize,
    written: usize,
    objects: usize,
    changed: usize,
    bad: usize,
    /// Lines left out as copies of an earlier one (`--dedup drop`).
    dropped: usize,
    /// Repeated edge lines removed (`--learn-boilerplate`).
    edge_removed: usize,
    bytes: u64,
    /// Per field, the objects holding it.
    present: Vec<usize>,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.lines += other.lines;
        self.written += other.written;
        self.objects += other.objects;
        self.changed += other.changed;
        self.bad += other.bad;
        self.dropped += other.dropped;
        self.edge_removed += other.edge_removed;
        self.bytes += other.bytes;
        if self.present.len() < other.present.len() {
            self.present.resize(other.present.len(), 0);
        }
        for (a, b) in self.present.iter_mut().zip(&other.present) {
            *a += b;
        }
    }
}

/// Where one input's cleaned lines go.
enum Sink {
    Stdout,
    InPlace,
    Copy(PathBuf),
    /// Nothing is written (`--check`, `-l`).
    Nowhere,
}

/// What stays the same for every line of the run.
struct Ctx<'a> {
    args: &'a TidyArgs,
    names: Vec<String>,
    fields: Fields,
    pool: rayon::ThreadPool,
    /// Lines are written somewhere (not `--check` or `-l`).
    writes: bool,
    /// Signs the cleaned fields, with `--dedup`.
    signer: Option<crate::corpus::Signer>,
    /// The repeated edge lines learnt by the first pass, with
    /// `--learn-boilerplate`.
    edges: Option<Learnt>,
    /// What cleaning one field may take.
    budget: Budget,
}

/// What the first pass of `--learn-boilerplate` learnt.
struct Learnt {
    verdicts: zhtidy::edge_lines::Verdicts,
    documents: usize,
    min_docs: u32,
}

/// How one input's fields are cleaned: its pipeline, what one field may
/// take (`--file-timeout` holds per field, so one hostile record is a
/// per-line error), and what to do about repeated edge lines.
#[derive(Clone, Copy)]
struct How<'a> {
    pipeline: &'a Pipeline,
    budget: Budget,
    edge: EdgePass<'a>,
}

/// What cleaning a field does about repeated edge lines.
#[derive(Debug, Clone, Copy)]
enum EdgePass<'a> {
    /// Nothing.
    Off,
    /// Collect the field's keys (the first pass).
    Learn,
    /// Remove the lines that stand at the edge of at least this many
    /// documents.
    Remove(&'a zhtidy::edge_lines::Verdicts, u32),
}

/// A line of the run, as `--dedup` names the line a copy copies.
#[derive(Debug, Clone)]
struct LineRef {
    /// The input, as reports name it.
    input: String,
    line: usize,
}

/// The `--dedup` index of the run, across its inputs.
type Deduper = crate::corpus::Deduper<LineRef>;

pub fn run(args: &TidyArgs, resolver: &mut Resolver<'_>) -> Result<ExitCode> {
    let mode = args.mode();
    let sink = sink_of(args, &mode)?;
    let inputs = inputs(args, &sink)?;
    let mut ctx = Ctx::new(args, &sink)?;
    ctx.edges = learn_edge_lines(&ctx, &inputs, resolver)?;
    // One index for all the inputs: copies are judged in the order given.
    let mut dedup = args.corpus.deduper::<LineRef>()?;
    let started = Instant::now();
    let mut total = Tally::default();
    let mut changed_files = 0usize;
    let mut ignore_files = crate::ignored::IgnoreFiles::default();
    let mut stdout = BufWriter::new(io::stdout().lock());
    let mut failed = false;
    for input in &inputs {
        let as_path = input.clone().unwrap_or_else(|| {
            args.stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("."))
        });
        let resolved = resolver.resolve(&as_path)?;
        if force_excluded(
            args,
            input.is_some(),
            &as_path,
            &resolved,
            &mut ignore_files,
        ) {
            continue;
        }
        let name = input_name(args, input.as_deref());
        let how = How {
            pipeline: &resolved.pipeline,
            budget: ctx.budget,
            edge: match (&ctx.edges, resolved.edge_lines) {
                (Some(l), Some(min_docs)) => EdgePass::Remove(&l.verdicts, min_docs),
                _ => EdgePass::Off,
            },
        };
        let mut tally = Tally::default();
        let mut to = Output {
            sink: &sink,
            stdout: &mut stdout,
            dedup: &mut dedup,
        };
        let result = clean_input(&ctx, &mut to, input.as_deref(), &name, how, &mut tally);
        total.add(&tally);
        match result {
            Ok(ControlFlow::Continue(())) => {}
            Ok(ControlFlow::Break(())) => {
                failed = true;
                break;
            }
            Err(e) if is_broken_pipe(&e) => return Err(e),
            Err(e) => {
                stdout.flush()?;
                eprintln!("zhtidy: error: {}", crate::render(&e));
                failed = true;
                continue;
            }
        }
        if tally.changed > 0 || (ctx.writes && tally.dropped > 0) {
            changed_files += usize::from(tally.changed > 0);
            report_file(args, &sink, &mode, &name, &tally);
        }
    }
    stdout.flush()?;
    if failed {
        return Ok(ExitCode::from(2));
    }
    check_fields_found(&ctx, &total)?;
    if !args.quiet {
        summaries(&ctx, &total, inputs.len(), started, dedup.as_ref());
    }
    Ok(exit_code(args, &mode, changed_files))
}

/// 1 when files changed (or would) and the mode or
/// `--exit-non-zero-on-fix` makes that a failure; 0 otherwise.
fn exit_code(args: &TidyArgs, mode: &Option<Mode>, changed_files: usize) -> ExitCode {
    let fails_on_change = matches!(mode, Some(Mode::Check | Mode::List))
        || (args.exit_non_zero_on_fix && matches!(mode, Some(Mode::Write | Mode::OutDir(_))));
    if fails_on_change && changed_files > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

impl<'a> Ctx<'a> {
    /// The run's fields (`text` unless `--field` names others), checked
    /// with `--report-field`, and what cleaning them takes.
    fn new(args: &'a TidyArgs, sink: &Sink) -> Result<Self> {
        let names: Vec<String> = if args.fields.is_empty() {
            vec!["text".to_string()]
        } else {
            args.fields.clone()
        };
        let fields = Fields::parse(&names)?;
        if let Some(name) = args.report_field.as_deref() {
            check_report_field(name, &fields)?;
        }
        Ok(Ctx {
            args,
            names,
            fields,
            pool: crate::bulk::thread_pool(args.threads)?,
            writes: !matches!(sink, Sink::Nowhere),
            signer: args.corpus.signer()?,
            edges: None,
            budget: args.budget()?,
        })
    }
}

/// How an input is named in messages: its path, or `<stdin>` unless
/// `--stdin-filename` names it.
fn input_name(args: &TidyArgs, input: Option<&Path>) -> String {
    match input {
        Some(p) => crate::report::shown(p),
        None => args
            .stdin_filename
            .as_ref()
            .map_or("<stdin>".to_string(), |p| crate::paths::display_name(p)),
    }
}

/// Where the cleaned lines go in `mode`, refusing the combinations that
/// would lose lines.
fn sink_of(args: &TidyArgs, mode: &Option<Mode>) -> Result<Sink> {
    let sink = match mode {
        None => Sink::Stdout,
        Some(Mode::Write) => Sink::InPlace,
        Some(Mode::OutDir(d)) => Sink::Copy(d.clone()),
        Some(Mode::Check | Mode::List) => Sink::Nowhere,
        Some(Mode::Diff) => {
            bail!("--diff has no JSON Lines form; --check names the files that would change, and --jsonl without a mode prints the cleaned lines")
        }
    };
    if matches!(sink, Sink::InPlace) && args.on_error == OnError::Skip {
        bail!("--on-error skip with --write would delete lines from the files; use --out-dir, or --on-error keep");
    }
    if matches!(sink, Sink::InPlace) && args.corpus.dedup == Some(crate::corpus::DedupMode::Drop) {
        bail!("--dedup drop with --write would delete lines from the files; use --out-dir DIR to write the kept lines, or --dedup report");
    }
    Ok(sink)
}

/// Whether `--force-exclude` leaves out an input that was named (a file,
/// or standard input given a name by `--stdin-filename`); said at `-vv`.
fn force_excluded(
    args: &TidyArgs,
    is_file: bool,
    as_path: &Path,
    resolved: &crate::settings::Resolved,
    ignore_files: &mut crate::ignored::IgnoreFiles,
) -> bool {
    let named = is_file || args.stdin_filename.is_some();
    let excluded = ignore_files.force_excludes(args, named, as_path, &resolved.selection.1);
    if excluded && args.verbose > 1 {
        eprintln!("excluded: {}", crate::report::shown(as_path));
    }
    excluded
}

/// Where one input's cleaned lines go, and the copies index they are
/// judged against.
struct Output<'a, 'w> {
    sink: &'a Sink,
    stdout: &'a mut BufWriter<io::StdoutLock<'w>>,
    dedup: &'a mut Option<Deduper>,
}

/// Cleans one input (`None`: standard input) into its sink.
fn clean_input(
    ctx: &Ctx<'_>,
    to: &mut Output<'_, '_>,
    input: Option<&Path>,
    name: &str,
    how: How<'_>,
    tally: &mut Tally,
) -> Result<ControlFlow<()>> {
    match (to.sink, input) {
        (Sink::Stdout, _) => with_reader(input, |r| {
            clean_stream(ctx, r, &mut *to.stdout, name, how, tally, to.dedup)
        }),
        (Sink::Nowhere, _) => with_reader(input, |r| {
            clean_stream(ctx, r, &mut io::sink(), name, how, tally, to.dedup)
        }),
        (Sink::InPlace, Some(path)) => rewrite_in_place(ctx, path, name, how, tally, to.dedup),
        (Sink::Copy(root), Some(path)) => write_copy(ctx, root, path, name, how, tally, to.dedup),
        (_, None) => unreachable!("standard input is refused with --write and --out-dir"),
    }
}

/// The run's summary lines on standard error: lines and objects, then
/// what `--learn-boilerplate` and `--dedup` did.
fn summaries(
    ctx: &Ctx<'_>,
    total: &Tally,
    inputs: usize,
    started: Instant,
    dedup: Option<&Deduper>,
) {
    summary(ctx, total, inputs, started);
    if let Some(l) = &ctx.edges {
        eprintln!(
            "{}",
            crate::corpus::edge_summary(l.documents, &l.verdicts, l.min_docs, total.edge_removed)
        );
    }
    if let Some(d) = dedup {
        eprintln!("{}", d.summary());
    }
}

/// The first pass of `--learn-boilerplate` (`None` when no input's
/// settings ask for it): the inputs it covers are read and their fields
/// cleaned, each field's edge lines counted in input order. Standard
/// input can be read only once, so it is refused here.
fn learn_edge_lines(
    ctx: &Ctx<'_>,
    inputs: &[Option<PathBuf>],
    resolver: &mut Resolver<'_>,
) -> Result<Option<Learnt>> {
    let mut counter = zhtidy::edge_lines::Counter::new(zhtidy::edge_lines::DEFAULT_MAX_KEYS);
    let mut min_docs: Option<u32> = None;
    for input in inputs {
        let as_path = input.clone().unwrap_or_else(|| {
            ctx.args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("."))
        });
        let resolved = resolver.resolve(&as_path)?;
        let Some(n) = resolved.edge_lines else {
            continue;
        };
        let Some(path) = input else {
            bail!("--learn-boilerplate reads its inputs twice, and standard input can be read only once: save the lines to a file and name it");
        };
        min_docs = Some(min_docs.map_or(n, |m| m.min(n)));
        with_reader(Some(path), |r| {
            learn_stream(
                ctx,
                r,
                &crate::report::shown(path),
                How {
                    pipeline: &resolved.pipeline,
                    budget: ctx.budget,
                    edge: EdgePass::Learn,
                },
                &mut counter,
            )
        })?;
    }
    Ok(min_docs.map(|min_docs| Learnt {
        verdicts: counter.verdicts(),
        documents: counter.documents(),
        min_docs,
    }))
}

/// Counts the edge lines of one input's fields. Lines that are not
/// objects count nothing (the cleaning pass reports them).
fn learn_stream(
    ctx: &Ctx<'_>,
    input: &mut dyn BufRead,
    name: &str,
    how: How<'_>,
    counter: &mut zhtidy::edge_lines::Counter,
) -> Result<()> {
    let lines = std::iter::from_fn(|| {
        let mut line = Vec::new();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => None,
            Ok(_) => Some(Ok(line)),
            Err(e) => Some(Err(
                anyhow::Error::new(e).context(format!("cannot read {name}"))
            )),
        }
    });
    let window = Window {
        items: WINDOW_LINES,
        bytes: WINDOW_BYTES,
    };
    let _: ControlFlow<()> = for_each_ordered(
        &ctx.pool,
        lines,
        window,
        Vec::len,
        |line| {
            clean_line(&line, &ctx.fields, &ctx.names, None, how, None)
                .map(|(_, report)| report.edge_keys)
                .unwrap_or_default()
        },
        |keys| {
            for k in &keys {
                counter.add(k);
            }
            Ok(ControlFlow::Continue(()))
        },
    )?;
    Ok(())
}

/// The inputs: `None` for standard input. Folders are refused (they hold
/// more than JSON Lines), and so is standard input where a file must be
/// written.
fn inputs(args: &TidyArgs, sink: &Sink) -> Result<Vec<Option<PathBuf>>> {
    let paths = crate::walk::named_paths(args)?;
    if paths.is_empty() {
        if matches!(sink, Sink::InPlace | Sink::Copy(_)) {
            bail!("--jsonl with --write or --out-dir needs the files to write: name them");
        }
        return Ok(vec![None]);
    }
    let mut seen = std::collections::HashSet::new();
    let mut names = std::collections::HashMap::new();
    let mut inputs = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            if matches!(sink, Sink::InPlace | Sink::Copy(_)) {
                bail!("standard input cannot be written in place or mirrored; drop --write/--out-dir to print the result");
            }
            inputs.push(None);
            continue;
        }
        if p.is_dir() {
            bail!(
                "{} is a folder: --jsonl reads JSON Lines files; name them (e.g. {}/*.jsonl)",
                crate::report::shown(&p),
                crate::report::shown(&p)
            );
        }
        if !seen.insert(crate::paths::normalized(&p)) {
            continue;
        }
        if let Sink::Copy(_) = sink {
            let file_name = p.file_name().map(|n| n.to_os_string());
            if let Some(other) = names.insert(file_name, p.clone()) {
                bail!(
                    "{} and {} would both be written to the same name in --out-dir",
                    crate::report::shown(&other),
                    crate::report::shown(&p)
                );
            }
        }
        inputs.push(Some(p));
    }
    Ok(inputs)
}

/// Runs `f` on a buffered reader of the file (standard input for `None`).
fn with_reader<T>(path: Option<&Path>, f: impl FnOnce(&mut dyn BufRead) -> Result<T>) -> Result<T> {
    match path {
        None => f(&mut io::stdin().lock()),
        Some(p) => f(&mut BufReader::with_capacity(
            1 << 16,
            zhtidy::decode::open_file(p)?,
        )),
    }
}

/// `--write`: the cleaned lines go to a temporary file beside `path`,
/// which replaces it only if a line changed and the whole file was read
/// (and only if the file did not change meanwhile).
fn rewrite_in_place(
    ctx: &Ctx<'_>,
    path: &Path,
    name: &str,
    how: How<'_>,
    tally: &mut Tally,
    dedup: &mut Option<Deduper>,
) -> Result<ControlFlow<()>> {
    let file = zhtidy::decode::open_file(path)?;
    let meta = file
        .metadata()
        .with_context(|| format!("cannot read {name}"))?;
    if meta.permissions().readonly() {
        // Refused only when a line would change: a read-only file that
        // is already clean is not an error.
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let flow = clean_stream(ctx, &mut reader, &mut io::sink(), name, how, tally, dedup)?;
        if flow.is_break() || tally.changed == 0 {
            return Ok(flow);
        }
        return Err(zhtidy::write::WriteError::ReadOnly(path.to_path_buf()).into());
    }
    let stamp = FileStamp::of(&meta);
    let target = AtomicFile::replace(
        path,
        ReplaceOptions {
            read_stamp: Some(stamp),
            ..ReplaceOptions::default()
        },
    )?;
    let mut out = BufWriter::with_capacity(1 << 16, target);
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let flow = clean_stream(ctx, &mut reader, &mut out, name, how, tally, dedup)?;
    if flow.is_break() || tally.changed == 0 {
        // Dropped unwritten: the temporary file is removed.
        return Ok(flow);
    }
    let target = out
        .into_inner()
        .map_err(|e| anyhow::Error::new(e.into_error()).context(format!("cannot write {name}")))?;
    target.commit()?;
    Ok(flow)
}

/// `--out-dir DIR`: the cleaned lines go to `DIR/NAME` (the file's name),
/// never through a symbolic link below DIR and never over the input.
fn write_copy(
    ctx: &Ctx<'_>,
    root: &Path,
    path: &Path,
    name: &str,
    how: How<'_>,
    tally: &mut Tally,
    dedup: &mut Option<Deduper>,
) -> Result<ControlFlow<()>> {
    let file = zhtidy::decode::open_file(path)?;
    let meta = file
        .metadata()
        .with_context(|| format!("cannot read {name}"))?;
    let file_name = path
        .file_name()
        .with_context(|| format!("{name} has no file name to write below --out-dir"))?;
    let target_path = output_below(root, Path::new(file_name))?;
    if let (Ok(src), Ok(dst)) = (
        std::fs::canonicalize(path),
        std::fs::canonicalize(&target_path),
    ) {
        if src == dst {
            bail!(
                "{} is the input itself; not overwriting it",
                crate::report::shown(&target_path)
            );
        }
    }
    let target = AtomicFile::create_with_mode(&target_path, zhtidy::write::permission_bits(&meta))?;
    let mut out = BufWriter::with_capacity(1 << 16, target);
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let flow = clean_stream(ctx, &mut reader, &mut out, name, how, tally, dedup)?;
    if flow.is_break() {
        return Ok(flow);
    }
    let target = out.into_inner().map_err(|e| {
        anyhow::Error::new(e.into_error()).context(format!(
            "cannot write {}",
            crate::report::shown(&target_path)
        ))
    })?;
    target.commit()?;
    Ok(flow)
}

/// Cleans the lines of one input into `out`, in order; `Break` when a bad
/// line stopped the run (`--on-error fail`).
fn clean_stream(
    ctx: &Ctx<'_>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    name: &str,
    how: How<'_>,
    tally: &mut Tally,
    dedup: &mut Option<Deduper>,
) -> Result<ControlFlow<()>> {
    let args = ctx.args;
    tally.present.resize(ctx.names.len(), 0);
    let mut line_no = 0usize;
    let mut bytes = 0u64;
    let lines = std::iter::from_fn(|| {
        let mut line = Vec::new();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => None,
            Ok(n) => {
                line_no += 1;
                bytes += n as u64;
                Some(Ok((line_no, line)))
            }
            Err(e) => Some(Err(
                anyhow::Error::new(e).context(format!("cannot read {name}"))
            )),
        }
    });
    let window = Window {
        items: WINDOW_LINES,
        bytes: WINDOW_BYTES,
    };
    let (mut counted, mut bad_seen) = (Tally::default(), 0usize);
    counted.present.resize(ctx.names.len(), 0);
    let flow = for_each_ordered(
        &ctx.pool,
        lines,
        window,
        |(_, line)| line.len(),
        |(no, line)| {
            let result = clean_line(
                &line,
                &ctx.fields,
                &ctx.names,
                args.report_field.as_deref(),
                how,
                ctx.signer.as_ref(),
            );
            (no, line, result)
        },
        |(no, line, result)| {
            counted.lines += 1;
            match result {
                Ok((mut text, mut report)) => {
                    if args.explain {
                        explain(name, no, &report);
                    }
                    counted.objects += usize::from(!report.blank);
                    counted.changed += usize::from(report.changed);
                    counted.edge_removed += report.edge_removed;
                    for &i in &report.present {
                        counted.present[i] += 1;
                    }
                    if let Some(c) = settle_line(ctx, dedup, &mut report, name, no) {
                        if c.dropped {
                            counted.dropped += 1;
                            return Ok(ControlFlow::Continue(()));
                        }
                        if args.report_field.is_some() {
                            add_to_report(&mut text, &duplicate_json(&c, name));
                        }
                    }
                    out.write_all(&text)?;
                    out.write_all(b"\n")?;
                    counted.written += 1;
                }
                Err(reason) => {
                    bad_seen += 1;
                    let what = format!("{name}:{no}: {reason}");
                    match args.on_error {
                        OnError::Fail => {
                            out.flush()?;
                            eprintln!("zhtidy: error: {what}");
                            return Ok(ControlFlow::Break(()));
                        }
                        OnError::Skip => eprintln!("zhtidy: warning: {what}; line dropped"),
                        OnError::Keep => {
                            eprintln!("zhtidy: warning: {what}; line kept as it was");
                            out.write_all(trim_newline(&line))?;
                            out.write_all(b"\n")?;
                            counted.written += 1;
                        }
                    }
                }
            }
            Ok(ControlFlow::Continue(()))
        },
    )?;
    out.flush()
        .with_context(|| format!("cannot write the lines of {name}"))?;
    counted.bad = bad_seen;
    counted.bytes = bytes;
    tally.add(&counted);
    Ok(flow)
}

/// The line `--check`, `--write` and `--out-dir` print for a changed file
/// (`-l`: the name alone, on standard output).
fn report_file(args: &TidyArgs, sink: &Sink, mode: &Option<Mode>, name: &str, t: &Tally) {
    let dropped = match t.dropped {
        0 => String::new(),
        n => format!(", {n} dropped as copies"),
    };
    let counts = format!("{} of {} object(s) changed{dropped}", t.changed, t.objects);
    match (sink, mode) {
        (Sink::Nowhere, Some(Mode::List)) => {
            let mut out = io::stdout().lock();
            let sep = if args.null { '\0' } else { '\n' };
            let _ = write!(out, "{name}{sep}");
            let _ = out.flush();
        }
        (Sink::Nowhere, _) if !args.quiet => println!("would change: {name} ({counts})"),
        (Sink::InPlace, _) if !args.quiet => eprintln!("fixed: {name} ({counts})"),
        (Sink::Copy(_), _) if !args.quiet => eprintln!("wrote: {name} ({counts})"),
        _ => {}
    }
}

/// A field no object has is a mistyped `--field` (an error); one that
/// some objects lack is counted in a warning.
fn check_fields_found(ctx: &Ctx<'_>, t: &Tally) -> Result<()> {
    if t.objects == 0 {
        return Ok(());
    }
    let (never, sometimes): (Vec<_>, Vec<_>) = ctx
        .names
        .iter()
        .zip(&t.present)
        .filter(|(_, &n)| n < t.objects)
        .partition(|(_, &n)| n == 0);
    if !never.is_empty() {
        let list: Vec<&str> = never.iter().map(|(n, _)| n.as_str()).collect();
        bail!(
            "no line has the field{} {} (mistyped? a nested field is written `meta.text`)",
            if list.len() > 1 { "s" } else { "" },
            list.join(", "),
        );
    }
    if !ctx.args.quiet {
        for (field, n) in sometimes {
            eprintln!(
                "zhtidy: warning: {} of {} line(s) lack the field {field}; passed through unchanged",
                t.objects - n,
                t.objects
            );
        }
    }
    Ok(())
}

fn summary(ctx: &Ctx<'_>, t: &Tally, inputs: usize, started: Instant) {
    let secs = started.elapsed().as_secs_f64();
    let mb = t.bytes as f64 / 1e6;
    let files = if inputs > 1 {
        format!(" from {inputs} inputs")
    } else {
        String::new()
    };
    let bad = match (t.bad, ctx.args.on_error) {
        (0, _) => String::new(),
        (n, OnError::Skip) => format!(", {n} bad (dropped)"),
        (n, _) => format!(", {n} bad (kept as they were)"),
    };
    let bad = match (t.dropped, ctx.writes) {
        (0, _) => bad,
        (n, true) => format!("{bad}, {n} copies dropped"),
        (n, false) => format!("{bad}, {n} copies would be dropped"),
    };
    // --check and -l write no line.
    let written = if ctx.writes {
        format!(", {} written", t.written)
    } else {
        String::new()
    };
    eprintln!(
        "zhtidy: {} line(s) read{files}{written}: {} object(s), {} changed{bad} ({mb:.2} MB in {secs:.2} s, {:.1} MB/s)",
        t.lines,
        t.objects,
        t.changed,
        if secs > 0.0 { mb / secs } else { 0.0 }
    );
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// The report is added beside the cleaned fields, never in place of one
/// or of an object holding one: that would replace the text with the
/// report.
fn check_report_field(name: &str, fields: &Fields) -> Result<()> {
    if fields.get(name).is_some() {
        anyhow::bail!(
            "--report-field {name:?} names a field being cleaned, or one holding it (--field); pick another name"
        );
    }
    Ok(())
}

/// `--explain` for one line: `NAME:NO[FIELD]:LINE: rule-id: text`, LINE
/// counting within the field's text.
fn explain(name: &str, no: usize, report: &LineReport) {
    let mut err = io::stderr().lock();
    for (field, c) in &report.changes {
        let _ = writeln!(err, "{}", c.explain_line(&format!("{name}:{no}[{field}]")));
    }
}

fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Cleans one line; the output has no newline.
fn clean_line(
    line: &[u8],
    fields: &Fields,
    names: &[String],
    report_field: Option<&str>,
    how: How<'_>,
    signer: Option<&crate::corpus::Signer>,
) -> Result<(Vec<u8>, LineReport), String> {
    let line = trim_newline(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        let report = LineReport {
            blank: true,
            ..LineReport::default()
        };
        return Ok((line.to_vec(), report));
    }
    let record: Record =
        serde_json::from_slice(line).map_err(|e| format!("not a JSON object: {e}"))?;
    if let Some(name) = report_field {
        if record.0.iter().any(|(key, _)| key == name) {
            return Err(format!(
                "field {name:?} already exists; --report-field never overwrites a field"
            ));
        }
    }
    let mut report = LineReport::default();
    let mut out = Vec::with_capacity(line.len() + 64);
    let mut tail = Vec::new();
    if let Some(name) = report_field {
        // Written after the report is known.
        serde_json::to_writer(&mut tail, name).map_err(|e| e.to_string())?;
        tail.push(b':');
    }
    // The cleaned fields, for the signature: stays `None` without
    // `--dedup`, or when the object has no field as a string.
    let mut document = Document {
        wanted: signer.is_some(),
        text: None,
        edge: how.edge,
    };
    clean_object(
        &record,
        fields,
        names,
        how,
        &mut report,
        &mut out,
        &mut document,
    )?;
    if let (Some(signer), Some(doc)) = (signer, &document.text) {
        report.signature = Some(signer.sign(doc));
    }
    if report_field.is_some() {
        out.pop();
        if record.0.is_empty() {
            out.extend_from_slice(&tail);
        } else {
            out.push(b',');
            out.extend_from_slice(&tail);
        }
        write_report(&mut out, &report);
        out.push(b'}');
    }
    Ok((out, report))
}

/// Writes `record` with its fields in `fields` cleaned, and nested objects
/// on a field's path rewritten the same way.
fn clean_object(
    record: &Record,
    fields: &Fields,
    names: &[String],
    how: How<'_>,
    report: &mut LineReport,
    out: &mut Vec<u8>,
    document: &mut Document<'_>,
) -> Result<(), String> {
    out.push(b'{');
    for (i, (key, raw)) in record.0.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut *out, key).map_err(|e| e.to_string())?;
        out.push(b':');
        match fields.get(key) {
            None => out.extend_from_slice(raw.get().as_bytes()),
            Some(Node::Leaf(index)) => {
                report.present.push(*index);
                clean_field(raw, &names[*index], how, report, out, document)?;
            }
            Some(Node::Object(sub)) => {
                let value = raw.get();
                if value == "null" {
                    out.extend_from_slice(value.as_bytes());
                } else if value.starts_with('{') {
                    let inner: Record = serde_json::from_str(value).map_err(|e| e.to_string())?;
                    clean_object(&inner, sub, names, how, report, out, document)?;
                } else {
                    let v: serde_json::Value =
                        serde_json::from_str(value).map_err(|e| e.to_string())?;
                    return Err(format!(
                        "field {key:?} is {}, not an object holding a --field",
                        kind(&v)
                    ));
                }
            }
        }
    }
    out.push(b'}');
    Ok(())
}

/// One field's value, cleaned if it is a string (`null` stays).
fn clean_field(
    raw: &RawValue,
    name: &str,
    how: How<'_>,
    report: &mut LineReport,
    out: &mut Vec<u8>,
    document: &mut Document<'_>,
) -> Result<(), String> {
    let value: serde_json::Value = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
    let s = match value {
        serde_json::Value::Null => {
            out.extend_from_slice(raw.get().as_bytes());
            return Ok(());
        }
        serde_json::Value::String(s) => s,
        other => return Err(format!("field {name:?} is {}, not a string", kind(&other))),
    };
    let mut tidied = how
        .pipeline
        .run_within(&s, how.budget)
        .map_err(|e| format!("field {name:?}: {}", crate::outcome::over_budget(e)))?;
    let edge_records = match document.edge {
        EdgePass::Off => Vec::new(),
        EdgePass::Learn => {
            report
                .edge_keys
                .push(zhtidy::edge_lines::DocKeys::of(&tidied.text));
            Vec::new()
        }
        EdgePass::Remove(verdicts, min_docs) => {
            crate::corpus::remove_edge_lines(verdicts, min_docs, &s, &mut tidied)
        }
    };
    report.edge_removed += edge_records.len();
    report.removals += tidied.removals.len() + edge_records.len();
    report.fixes += tidied.fix_changes.len();
    if tidied.converted {
        let c = crate::changes::ChangeRecord::convert(&tidied.converted_with);
        report.changes.push((name.to_string(), c));
    }
    let records = crate::changes::records_of(&s, &tidied);
    report.changes.extend(
        records
            .into_iter()
            .chain(edge_records)
            .map(|c| (name.to_string(), c)),
    );
    let text = keep_unterminated(&s, &tidied.text);
    document.add(text);
    if text != s.as_str() {
        report.changed = true;
        serde_json::to_writer(&mut *out, text).map_err(|e| e.to_string())?;
    } else {
        out.extend_from_slice(raw.get().as_bytes());
    }
    Ok(())
}

/// The cleaned fields of one object, joined by a line break in the order
/// they are written: what `--dedup` signs; and what to do about
/// repeated edge lines in each.
struct Document<'e> {
    /// `--dedup` is on.
    wanted: bool,
    text: Option<String>,
    edge: EdgePass<'e>,
}

impl Document<'_> {
    fn add(&mut self, field: &str) {
        if !self.wanted {
            return;
        }
        let text = self.text.get_or_insert_with(String::new);
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(field);
    }
}

/// Adds `"duplicate": VALUE` to the report that ends the cleaned line
/// (`clean_line` writes it last: the line ends with its closing brace and
/// the object's).
fn add_to_report(line: &mut Vec<u8>, value: &serde_json::Value) {
    debug_assert!(line.ends_with(b"}}"));
    line.truncate(line.len() - 2);
    line.extend_from_slice(b",\"duplicate\":");
    line.extend_from_slice(value.to_string().as_bytes());
    line.extend_from_slice(b"}}");
}

/// With `--dedup`: adds the line's signature to the run's index (in input
/// order) and notes what it copies, if anything.
fn settle_line(
    ctx: &Ctx<'_>,
    dedup: &mut Option<Deduper>,
    report: &mut LineReport,
    name: &str,
    no: usize,
) -> Option<crate::corpus::Duplicate<LineRef>> {
    let d = dedup.as_mut()?;
    let sig = report.signature.take()?;
    let here = LineRef {
        input: name.to_string(),
        line: no,
    };
    let copy = d.add(sig, here)?;
    if !ctx.args.quiet {
        let fate = match (copy.dropped, ctx.writes) {
            (false, _) => "",
            (true, true) => "; dropped",
            (true, false) => "; would be dropped",
        };
        let of = if copy.of.input == name {
            format!("line {}", copy.of.line)
        } else {
            format!("{}:{}", copy.of.input, copy.of.line)
        };
        let shown = crate::corpus::Duplicate {
            of,
            similarity: copy.similarity,
            why: copy.why,
            dropped: copy.dropped,
        };
        eprintln!(
            "zhtidy: note: {name}:{no}: {}",
            crate::corpus::describe(&shown, "", fate)
        );
    }
    Some(copy)
}

/// The `duplicate` object of `--report-field`: `of` is the line copied,
/// and `in` its input when that is another one.
fn duplicate_json(c: &crate::corpus::Duplicate<LineRef>, name: &str) -> serde_json::Value {
    let line = crate::corpus::Duplicate {
        of: c.of.line,
        similarity: c.similarity,
        why: c.why,
        dropped: c.dropped,
    };
    let mut v = crate::corpus::to_json(&line);
    if c.of.input != name {
        v["in"] = serde_json::json!(c.of.input);
    }
    v
}

/// A text that did not end with a line break ends without one after
/// cleaning too: removing its last line leaves the break of the line
/// before, which was a separator, not an ending.
fn keep_unterminated<'t>(before: &str, after: &'t str) -> &'t str {
    if before.ends_with('\n') || !after.ends_with('\n') {
        after
    } else {
        after.trim_end_matches(['\n', '\r'])
    }
}

fn report_json(r: &LineReport) -> String {
    format!(
        "{{\"changed\":{},\"removals\":{},\"fixes\":{}}}",
        r.changed, r.removals, r.fixes
    )
}

fn write_report(out: &mut Vec<u8>, r: &LineReport) {
    out.extend_from_slice(report_json(r).as_bytes());
}

fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipeline() -> Pipeline {
        Pipeline::builder()
            .fix(zhtidy::fix::FixOptions::default())
            .build()
            .unwrap()
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn clean(
        line: &[u8],
        fields: &[&str],
        report: Option<&str>,
    ) -> Result<(String, LineReport), String> {
        let names = names(fields);
        let tree = Fields::parse(&names).unwrap();
        let pipeline = pipeline();
        let how = How {
            pipeline: &pipeline,
            budget: Budget::default(),
            edge: EdgePass::Off,
        };
        clean_line(line, &tree, &names, report, how, None)
            .map(|(out, r)| (String::from_utf8(out).unwrap(), r))
    }

    #[test]
    fn other_fields_pass_through_byte_for_byte() {
        let line = br#"{"id": 1.50, "big": 123456789012345678901234567890, "text": "a\u200bb", "z": {"k": [1, 2]}}"#;
        let (out, report) = clean(line, &["text"], None).unwrap();
        assert_eq!(
            out,
            r#"{"id":1.50,"big":123456789012345678901234567890,"text":"ab","z":{"k": [1, 2]}}"#
        );
        assert!(report.changed);
    }

    #[test]
    fn dotted_fields_reach_into_nested_objects() {
        let line =
            br#"{"id":1,"meta":{"n": 2, "text":"a\u200bb","title":"c\u200bd"},"text":"x\u200by"}"#;
        let (out, report) = clean(line, &["meta.text", "meta.title"], None).unwrap();
        assert_eq!(
            out,
            r#"{"id":1,"meta":{"n":2,"text":"ab","title":"cd"},"text":"x\u200by"}"#
        );
        assert_eq!(report.present, [0, 1]);
        // A null on the way is a missing field; anything else is an error.
        let (out, report) = clean(br#"{"meta":null}"#, &["meta.text"], None).unwrap();
        assert_eq!(
            (out.as_str(), report.present.len()),
            (r#"{"meta":null}"#, 0)
        );
        let err = clean(br#"{"meta":[1]}"#, &["meta.text"], None).unwrap_err();
        assert!(err.contains("an array, not an object"), "{err}");
    }

    #[test]
    fn field_paths_are_split_on_unescaped_dots() {
        assert_eq!(split_path("meta.text").unwrap(), ["meta", "text"]);
        assert_eq!(split_path(r"a\.b.c").unwrap(), ["a.b", "c"]);
        assert_eq!(split_path(r"a\\").unwrap(), [r"a\"]);
        assert!(split_path("a..b").is_err());
        assert!(split_path(".a").is_err());
        assert!(split_path(r"a\b").is_err());
    }

    #[test]
    fn overlapping_or_repeated_fields_are_refused() {
        for list in [
            &["meta", "meta.text"][..],
            &["meta.text", "meta"],
            &["a", "a"],
        ] {
            assert!(Fields::parse(&names(list)).is_err(), "{list:?}");
        }
        assert!(Fields::parse(&names(&["meta.text", "meta.title", "text"])).is_ok());
    }

    #[test]
    fn a_removed_last_line_leaves_no_new_line_break() {
        assert_eq!(keep_unterminated("a\n\nfooter", "a\n"), "a");
        assert_eq!(keep_unterminated("a\n\nfooter", "a\r\n\n"), "a");
        assert_eq!(keep_unterminated("a\nfooter\n", "a\n"), "a\n");
        assert_eq!(keep_unterminated("a b", "a b"), "a b");
    }

    #[test]
    fn report_field_is_added_at_the_end() {
        let (out, _) = clean(br#"{"text":"ok"}"#, &["text"], Some("zt")).unwrap();
        assert_eq!(
            out,
            r#"{"text":"ok","zt":{"changed":false,"removals":0,"fixes":0}}"#
        );
        let (out, _) = clean(b"{}", &["text"], Some("zt")).unwrap();
        assert_eq!(out, r#"{"zt":{"changed":false,"removals":0,"fixes":0}}"#);
    }

    #[test]
    fn report_field_never_overwrites_an_existing_field() {
        // Any value, including one shaped like a report, is kept: the line
        // is refused instead of having a field replaced.
        for line in [
            &br#"{"zt":1,"text":"a\u200bb"}"#[..],
            br#"{"text":"a","zt":{"changed":false,"removals":18446744073709551615,"fixes":18446744073709551615}}"#,
        ] {
            let err = clean(line, &["text"], Some("zt")).unwrap_err();
            assert!(err.contains("already exists"), "{err}");
        }
    }

    #[test]
    fn report_field_naming_a_cleaned_field_is_refused_for_the_run() {
        let fields = Fields::parse(&names(&["title", "text", "meta.body"])).unwrap();
        for name in ["text", "meta"] {
            let err = check_report_field(name, &fields).unwrap_err().to_string();
            assert!(err.contains("--field"), "{err}");
        }
        assert!(check_report_field("zt", &fields).is_ok());
    }

    #[test]
    fn bad_lines_and_fields_are_errors() {
        assert!(clean(b"{\"text\": ", &["text"], None).is_err());
        assert!(clean(b"[1]", &["text"], None).is_err());
        let err = clean(br#"{"text": 3}"#, &["text"], None).unwrap_err();
        assert!(err.contains("a number"), "{err}");
        let (out, report) = clean(b"  \r\n", &["text"], None).unwrap();
        assert_eq!((out.as_str(), report.blank), ("  ", true));
    }
}

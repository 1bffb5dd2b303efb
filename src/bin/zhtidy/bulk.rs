/*!
Bulk runs: `--write`, `--check`, `--diff`, `-l` and `--out-dir` over files
and folders.

First, sequentially, the plan: paths are expanded (see `walk`), each file
gets its settings and pipeline (see `settings`), excluded files drop out,
and every remaining file becomes a `Job`, in a fixed order. Then the jobs
run in a local rayon pool (`-j`), each worker taking the next job as soon
as it is free (see `ordered`); outcomes are reported in input order on the
main thread while the workers go on, so the output is the same whatever
the thread count, and a bounded window of jobs in flight keeps memory
bounded whatever the number of files. A failing file is reported and the
run goes on; the exit code is decided at the end (2 beats 1). A long run
on a terminal shows a progress bar on standard error (see `progress`).
*/

use std::collections::HashSet;
use std::io::{self, IsTerminal, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use zhtidy::decode::DecodeOptions;
use zhtidy::write::DirSyncs;

use crate::args::{Mode, OutputEncoding, TidyArgs};
use crate::ordered::{for_each_ordered, Window};
use crate::outcome::{process, FileOutcome, Job, OutPath};
use crate::progress::Progress;
use crate::report::Reporter;
use crate::settings::{matches, path_globs, Resolver};
use crate::walk::{expand, named_paths, FolderId};

/// Files read ahead of the last one reported (at least; 16 per thread):
/// enough to keep every thread busy, few enough that pending outcomes
/// (diffs included) stay small.
const AHEAD: usize = 256;

/// Outcomes are reported in batches, so a progress bar is cleared and
/// redrawn once per batch rather than once per file.
const REPORT_EVERY: usize = 64;

enum Item {
    Job(Job),
    Fail(FileOutcome),
}

pub fn run(
    args: &TidyArgs,
    mode: Mode,
    resolver: &mut Resolver<'_>,
    decode_opts: DecodeOptions,
) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let keep_encoding = args.decode.output_encoding == OutputEncoding::Source;
    if args.corpus.dedup == Some(crate::corpus::DedupMode::Drop) && mode == Mode::Write {
        bail!("--dedup drop with --write would delete input files; use -o DIR to write the kept copies, or --dedup report");
    }
    let signer = args.corpus.signer()?;
    let mut dedup = args.corpus.deduper::<String>()?;
    let items = plan(args, &mode, resolver)?;
    let pool = thread_pool(args.threads)?;
    let learnt = learn_edge_lines(&items, &pool, &decode_opts)?;
    let edges = learnt.as_ref().map(|l| &l.verdicts);
    let mut reporter = Reporter::new(
        args.output_format,
        mode.clone(),
        args.quiet,
        args.verbose,
        started,
    )
    .explain(args.explain)
    .print0(args.null)
    .statistics(args.statistics);
    let progress = Progress::new(args.quiet, items.len());
    let window = Window {
        items: AHEAD.max(16 * pool.current_num_threads()),
        bytes: usize::MAX,
    };
    let mut done: Vec<FileOutcome> = Vec::with_capacity(REPORT_EVERY);
    let mut report = |done: &mut Vec<FileOutcome>| {
        progress.suspend(|| -> Result<()> {
            for o in done.drain(..) {
                reporter.file(&o)?;
            }
            Ok(reporter.flush()?)
        })?;
        progress.show_if_due();
        anyhow::Ok(())
    };
    let dir_syncs = DirSyncs::default();
    let mut edge_removed = 0usize;
    // The sink never breaks: every file is reported.
    let run = for_each_ordered(
        &pool,
        items.iter().map(anyhow::Ok),
        window,
        |_| 0,
        |item| {
            let o = match item {
                Item::Job(job) => process(
                    job,
                    &mode,
                    &decode_opts,
                    keep_encoding,
                    &dir_syncs,
                    crate::outcome::Corpus {
                        signer: signer.as_ref(),
                        edges,
                    },
                ),
                Item::Fail(o) => o.clone(),
            };
            progress.tick();
            o
        },
        |mut o| {
            edge_removed += o.edge_removals;
            if let Some(d) = &mut dedup {
                crate::corpus::settle_file(d, &mut o, &dir_syncs);
            }
            done.push(o);
            if done.len() == REPORT_EVERY {
                report(&mut done)?;
            }
            Ok(ControlFlow::Continue(()))
        },
    );
    // The renames are made durable before the summary says they are done.
    dir_syncs.sync();
    let _: ControlFlow<()> = run?;
    report(&mut done)?;
    progress.finish();
    let counts = reporter.finish()?;
    if let Some(l) = learnt.as_ref().filter(|_| !args.quiet) {
        eprintln!(
            "{}",
            crate::corpus::edge_summary(l.documents, &l.verdicts, l.min_docs, edge_removed)
        );
    }
    if let Some(d) = dedup.as_ref().filter(|_| !args.quiet) {
        eprintln!("{}", d.summary());
    }
    Ok(if counts.failed > 0 {
        ExitCode::from(2)
    } else if counts.changed > 0
        && (args.exit_non_zero_on_fix || matches!(mode, Mode::Check | Mode::Diff | Mode::List))
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What the first pass of `--learn-boilerplate` learnt.
struct Learnt {
    verdicts: zhtidy::edge_lines::Verdicts,
    /// Documents counted.
    documents: usize,
    /// The smallest edge count that removes a line in this run (for the
    /// summary).
    min_docs: u32,
}

/// The first pass of `--learn-boilerplate` (`None` when no file asks
/// for it): every file it covers is read and cleaned, and its edge lines
/// counted in input order on this thread, so the counts do not depend on
/// `-j`.
fn learn_edge_lines(
    items: &[Item],
    pool: &rayon::ThreadPool,
    decode_opts: &DecodeOptions,
) -> Result<Option<Learnt>> {
    let jobs = items.iter().filter_map(|i| match i {
        Item::Job(j) if j.edge_lines.is_some() => Some(j),
        _ => None,
    });
    let Some(min_docs) = jobs.clone().filter_map(|j| j.edge_lines).min() else {
        return Ok(None);
    };
    let mut counter = zhtidy::edge_lines::Counter::new(zhtidy::edge_lines::DEFAULT_MAX_KEYS);
    let window = Window {
        items: AHEAD.max(16 * pool.current_num_threads()),
        bytes: usize::MAX,
    };
    let _: ControlFlow<()> = for_each_ordered(
        pool,
        jobs.map(anyhow::Ok),
        window,
        |_| 0,
        |job| crate::outcome::learn(job, decode_opts),
        |keys| {
            if let Some(k) = keys {
                counter.add(&k);
            }
            Ok(ControlFlow::Continue(()))
        },
    )?;
    Ok(Some(Learnt {
        verdicts: counter.verdicts(),
        documents: counter.documents(),
        min_docs,
    }))
}

/// The files to clean, in order, each with its pipeline.
/// A local rayon pool of `threads` workers (default: all cores), so that an
/// embedding program's global pool is left alone.
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    let threads = threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    if threads == 0 {
        bail!("--threads must be at least 1");
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")
}

fn plan(args: &TidyArgs, mode: &Mode, resolver: &mut Resolver<'_>) -> Result<Vec<Item>> {
    let mut paths = named_paths(args)?;
    if paths.is_empty() {
        if io::stdin().is_terminal() {
            bail!("no input: give files or folders, or `-` / a pipe for standard input (zhtidy --help)");
        }
        paths.push(PathBuf::from("-"));
    }
    let mut planner = Planner::new(args, mode)?;
    for path in &paths {
        if path.as_os_str() == "-" {
            planner.stdin_job(resolver)?;
        } else {
            planner.walk(path, resolver)?;
        }
    }
    Ok(planner.items)
}

/// The jobs of a bulk run, gathered path by path.
struct Planner<'a> {
    args: &'a TidyArgs,
    mode: &'a Mode,
    budget: zhtidy::budget::Budget,
    /// Whether jobs keep a record of each removal and fix.
    records: bool,
    /// `--out-dir`, absolute, and the folder it names however it is
    /// spelled (`..`, a symbolic link): a walk must not clean its own
    /// output, which would nest deeper on every run.
    out_dir: Option<PathBuf>,
    out_id: Option<FolderId>,
    /// Copies planned, so that two inputs never go to one output.
    outputs: HashSet<PathBuf>,
    ignore_files: crate::ignored::IgnoreFiles,
    /// A file named twice (`zhtidy -w a.txt ./a.txt`, or named and inside
    /// a folder given too) is cleaned once.
    seen: crate::walk::Seen,
    items: Vec<Item>,
}

impl<'a> Planner<'a> {
    fn new(args: &'a TidyArgs, mode: &'a Mode) -> Result<Self> {
        let out_dir = match mode {
            Mode::OutDir(d) => Some(std::path::absolute(d)?),
            _ => None,
        };
        Ok(Planner {
            args,
            mode,
            budget: args.budget()?,
            // Records of each removal and fix: for --explain,
            // --statistics, the diff's preamble and the JSON and GitHub
            // reports; the text reports of the other modes print counts.
            records: args.explain
                || args.statistics
                || *mode == Mode::Diff
                || args.output_format != crate::args::TidyFormat::Text,
            out_id: out_dir.as_deref().and_then(FolderId::of),
            out_dir,
            outputs: HashSet::new(),
            ignore_files: crate::ignored::IgnoreFiles::default(),
            seen: crate::walk::Seen::default(),
            items: Vec::new(),
        })
    }

    /// Standard input as one job (`-`), unless `--force-exclude` leaves
    /// out the name `--stdin-filename` gives it.
    fn stdin_job(&mut self, resolver: &mut Resolver<'_>) -> Result<()> {
        let args = self.args;
        if matches!(self.mode, Mode::Write | Mode::OutDir(_)) {
            bail!("standard input cannot be written in place or mirrored; drop --write/--out-dir to print the result");
        }
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .context("cannot read <stdin>")?;
        let as_path = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from("."));
        let r = resolver.resolve(&as_path)?;
        let named = args.stdin_filename.is_some();
        if self
            .ignore_files
            .force_excludes(args, named, &as_path, &r.selection.1)
        {
            return Ok(());
        }
        self.items.push(Item::Job(Job {
            name: args
                .stdin_filename
                .as_ref()
                .map_or("<stdin>".to_string(), |p| p.display().to_string()),
            path: None,
            stdin: Some(Arc::new(bytes)),
            out: None,
            pipeline: r.pipeline,
            edge_lines: r.edge_lines,
            budget: self.budget,
            records: self.records,
        }));
        Ok(())
    }

    /// The files of a named path (a folder walked), each a job or a
    /// failure to report.
    fn walk(&mut self, path: &Path, resolver: &mut Resolver<'_>) -> Result<()> {
        if self.out_id.as_ref().is_some_and(|id| id.is(path)) {
            bail!(
                "{} is the output folder itself: --out-dir must name another folder (or use --write to rewrite in place)",
                path.display()
            );
        }
        let prune = if path.is_dir() {
            path_globs(&resolver.settings_for(path)?.0.exclude)?
        } else {
            globset::GlobSet::empty()
        };
        let args = self.args;
        let found = expand(&[path.to_path_buf()], args, &prune, self.out_id.as_ref());
        for (p, reason) in found.errors {
            self.items
                .push(Item::Fail(FileOutcome::failed_at(&p, reason)));
        }
        if args.verbose > 0 && !args.quiet {
            for (p, what) in &found.skipped {
                eprintln!("skipped: {} ({what})", crate::report::shown(p));
            }
        }
        for c in found.candidates {
            if self.seen.first(&c.path) {
                self.candidate(c, resolver)?;
            }
        }
        Ok(())
    }

    /// One file found: a job, unless excluded, inside the output folder,
    /// missing, or going to an output another input already takes.
    fn candidate(&mut self, c: crate::walk::Candidate, resolver: &mut Resolver<'_>) -> Result<()> {
        let args = self.args;
        let resolved = resolver.resolve(&c.path)?;
        if !c.explicit || args.force_exclude {
            let (include, exclude) = &*resolved.selection;
            let subject: &Path = if c.explicit { &c.path } else { &c.rel };
            let ignored = c.explicit && !args.no_ignore && self.ignore_files.excludes(&c.path);
            if ignored || matches(exclude, subject) || !matches(include, subject) {
                if args.verbose > 1 {
                    eprintln!("excluded: {}", c.path.display());
                }
                return Ok(());
            }
        }
        if let Some(out) = &self.out_dir {
            if std::path::absolute(&c.path).is_ok_and(|p| p.starts_with(out)) {
                return Ok(());
            }
        }
        if c.explicit {
            if let Err(reason) = std::fs::metadata(&c.path) {
                let fail = FileOutcome::failed_at(&c.path, missing(&reason));
                self.items.push(Item::Fail(fail));
                return Ok(());
            }
        }
        let out = self.out_dir.as_ref().map(|d| OutPath {
            root: d.clone(),
            rel: c.rel.clone(),
        });
        if let Some(o) = &out {
            if !self.outputs.insert(o.path()) {
                let reason = format!(
                    "another input already goes to {}; not written",
                    crate::report::shown(&o.path())
                );
                self.items
                    .push(Item::Fail(FileOutcome::failed_at(&c.path, reason)));
                return Ok(());
            }
        }
        self.items.push(Item::Job(Job {
            name: crate::report::shown(&c.path),
            path: Some(c.path),
            stdin: None,
            out,
            pipeline: resolved.pipeline,
            edge_lines: resolved.edge_lines,
            budget: self.budget,
            records: self.records,
        }));
        Ok(())
    }
}

/// Why a path given on the command line cannot be cleaned: "no such file
/// or folder" only when that is the reason (a symlink loop or a
/// permission problem says so).
fn missing(reason: &std::io::Error) -> String {
    #[cfg(unix)]
    if reason.raw_os_error() == Some(libc::ELOOP) {
        return "a symbolic link loop (too many levels of symbolic links)".into();
    }
    if reason.kind() == std::io::ErrorKind::NotFound {
        "no such file or folder".into()
    } else {
        reason.to_string()
    }
}

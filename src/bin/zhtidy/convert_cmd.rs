/*!
`zhtidy convert`: OpenCC-compatible conversion.

Input is standard input, `-i FILE`, or the PATHs given: files, and folders
walked as the cleaning command walks them (.gitignore, .ignore and
.zhtidyignore respected, hidden files skipped; every file is converted,
so name folders of text only). Each input is converted to standard output
(several one after another), to `-o FILE` (one input only), or to
`--out-dir DIR` as `DIR/NAME` (a file named on the command line) or
`DIR/REL` (a file found in a folder, REL its path below it), written
there as the default command's `--out-dir` writes: atomically, never
through a symbolic link below DIR, never over the input. A file that
cannot be converted is reported and the others go on (exit 2 at the end).

Input in any encoding the decode stage knows is decoded first; output is
UTF-8 without a BOM unless `--output-encoding source` asks for the input's
own encoding (BOM kept; a character it cannot hold is an error, never a
numeric character reference). Large BOM-less UTF-8 input (the usual case) is streamed
in bounded memory: when the first [`PEEK`] bytes are valid UTF-8 and the
input goes on, the rest is streamed and checked as UTF-8 (an invalid byte
later on is an error with its offset, and the output file is left
untouched). Everything else is read whole and goes through detection.

Standard input that is a pipe or a terminal (`tail -f log | zhtidy
convert`) is passed through as it comes, as `opencc` does: when what the
first read returns is BOM-less UTF-8 (or `--encoding utf-8` says so),
each complete line is converted and standard output flushed as soon as no
more input is waiting, so a line shows up when it arrives. Input that
starts otherwise is read whole and detected as above.

Streamed input (both ways above) cannot be repaired once written, but it
is looked at for mojibake as it goes (every line at first, then a sample
of lines: see [`MojibakeWatch`]), and the first garbled line found is
warned about with its byte offset.

An existing output file is replaced as `--write` replaces a file
(`zhtidy::write::AtomicFile::create_or_replace`): it keeps its owner, mode
and extended attributes, a read-only file or one with other hard links is
refused, and a symbolic link is written through, as a shell's `>` would.
So `convert -i f -o f` behaves like `--write` on `f`, down to leaving an
edit made while it runs in place (the file must be as it was when the
input was opened).
*/

use std::collections::HashSet;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use zhtidy::convert::stream::{convert_stream_inspecting, StreamError};
use zhtidy::convert::{Converter, ConverterBuilder};
use zhtidy::decode::{decode, Outcome};
use zhtidy::write::{output_below, AtomicFile, FileStamp, ReplaceOptions};

/// How much input is looked at before deciding to stream it as UTF-8.
const PEEK: usize = 1 << 20;

/// Bytes of a line without a line break held before converting what is
/// safe of it anyway (line mode; see the module's doc).
const LONG_LINE: usize = 1 << 20;

use crate::args::{ConvertArgs, Engine, OutputEncoding};

/// Where one input's conversion goes.
enum Target {
    Stdout,
    /// `-o FILE`.
    File(PathBuf),
    /// `--out-dir`: the output's root and the path below it.
    Copy {
        root: PathBuf,
        rel: PathBuf,
    },
}

/// One input: `None` is standard input.
struct Input {
    path: Option<PathBuf>,
    /// The path below `--out-dir` it is written to.
    rel: PathBuf,
}

pub fn run(args: &ConvertArgs) -> Result<ExitCode> {
    if args.engine == Engine::Libopencc {
        return libopencc(args).map(|()| ExitCode::SUCCESS);
    }
    let inputs = inputs(args)?;
    let mut builder = ConverterBuilder::new().include_tofu_risk(!args.no_tofu_risk);
    for dict in &args.dicts {
        builder = builder.user_dict_file(dict)?;
    }
    let converter = builder.build(&args.config)?;
    if inputs.errors.is_empty() {
        if let [one] = inputs.items.as_slice() {
            let target = match (&args.output, &args.out_dir) {
                (Some(f), _) => Target::File(f.clone()),
                (None, Some(root)) => Target::Copy {
                    root: root.clone(),
                    rel: one.rel.clone(),
                },
                (None, None) => Target::Stdout,
            };
            convert_one(args, &converter, one.path.as_deref(), target)?;
            return Ok(ExitCode::SUCCESS);
        }
    }
    let mut failed = 0usize;
    for (path, reason) in &inputs.errors {
        eprintln!("zhtidy: error: {}: {reason}", crate::report::shown(path));
        failed += 1;
    }
    let mut outputs = HashSet::new();
    for input in &inputs.items {
        let target = match &args.out_dir {
            Some(root) => Target::Copy {
                root: root.clone(),
                rel: input.rel.clone(),
            },
            None => Target::Stdout,
        };
        if args.out_dir.is_some() && !outputs.insert(input.rel.clone()) {
            eprintln!(
                "zhtidy: error: {}: another input already goes to {}; not written",
                name_of(input.path.as_deref()),
                input.rel.display()
            );
            failed += 1;
            continue;
        }
        match convert_one(args, &converter, input.path.as_deref(), target) {
            Ok(()) => {}
            Err(e) if crate::is_broken_pipe(&e) => return Err(e),
            Err(e) => {
                eprintln!("zhtidy: error: {}", crate::render(&e));
                failed += 1;
            }
        }
    }
    if failed > 0 {
        eprintln!(
            "zhtidy: {failed} of {} input(s) not converted",
            inputs.items.len() + inputs.errors.len()
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// The inputs named (`-i`, or the PATHs with folders walked), each once,
/// and the paths that could not be walked.
struct Inputs {
    items: Vec<Input>,
    errors: Vec<(PathBuf, String)>,
}

fn inputs(args: &ConvertArgs) -> Result<Inputs> {
    if let Some(o) = &args.output {
        if o.is_dir() {
            bail!(
                "-o/--output {} is a folder; --out-dir DIR writes the output below a folder",
                crate::report::shown(o)
            );
        }
    }
    if let Some(i) = &args.input {
        if !args.paths.is_empty() {
            bail!("-i/--input and PATHs both name the input; give one of them");
        }
        // A file, never walked (a folder is refused when it is opened).
        let rel = i.file_name().map_or_else(|| i.clone(), PathBuf::from);
        return Ok(Inputs {
            items: vec![Input {
                path: Some(i.clone()),
                rel,
            }],
            errors: Vec::new(),
        });
    }
    let mut paths = args.paths.clone();
    if paths.is_empty() {
        paths.push(PathBuf::from("-"));
    }
    if args.output.is_some() && (paths.len() > 1 || paths[0].is_dir()) {
        bail!("-o/--output names one output file; with several inputs or a folder, pass --out-dir DIR");
    }
    let mut found = Inputs {
        items: Vec::new(),
        errors: Vec::new(),
    };
    let mut seen = crate::walk::Seen::default();
    let skip = args.out_dir.as_deref().and_then(crate::walk::FolderId::of);
    for path in paths {
        if path.as_os_str() == "-" {
            if args.out_dir.is_some() {
                bail!("standard input has no name to write below --out-dir; use -o FILE or standard output");
            }
            found.items.push(Input {
                path: None,
                rel: PathBuf::new(),
            });
            continue;
        }
        let walked = crate::walk::expand_with(
            std::slice::from_ref(&path),
            false,
            false,
            &globset::GlobSet::empty(),
            skip.as_ref(),
        );
        found.errors.extend(walked.errors);
        for c in walked.candidates {
            if seen.first(&c.path) {
                found.items.push(Input {
                    path: Some(c.path),
                    rel: c.rel,
                });
            }
        }
    }
    Ok(found)
}

fn name_of(path: Option<&Path>) -> String {
    path.map_or_else(|| "<stdin>".to_string(), crate::report::shown)
}

/// Whether standard input is a pipe, a terminal or a socket (anything but
/// a regular file): input that may arrive a line at a time.
fn stdin_may_trickle() -> bool {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let Ok(fd) = io::stdin().as_fd().try_clone_to_owned() else {
            return false;
        };
        std::fs::File::from(fd)
            .metadata()
            .is_ok_and(|m| !m.is_file())
    }
    #[cfg(not(unix))]
    {
        false
    }
}

fn convert_one(
    args: &ConvertArgs,
    converter: &Converter,
    input: Option<&Path>,
    target: Target,
) -> Result<()> {
    let input_name = name_of(input);
    let mut input_stamp = None;
    let mut mode = None;
    let mut reader: Box<dyn Read> = match input {
        Some(path) => {
            let file = zhtidy::decode::open_file(path)?;
            let meta = file.metadata().ok();
            input_stamp = meta.as_ref().map(FileStamp::of);
            mode = meta.as_ref().map(zhtidy::write::permission_bits);
            Box::new(file)
        }
        None => Box::new(io::stdin().lock()),
    };
    let target = Resolved::of(target, input, input_stamp, mode)?;
    let opts = args.decode.options()?;
    let forced = opts.encoding;
    let plain_flags = !args.decode.fix_mojibake
        && !args.decode.lossy
        && args.decode.output_encoding == OutputEncoding::Utf8
        && forced.is_none_or(|e| e == encoding_rs::UTF_8);
    if input.is_none() && plain_flags && matches!(target, Resolved::Stdout) && stdin_may_trickle() {
        let mut buffered = BufReader::with_capacity(1 << 16, reader);
        let head = buffered
            .fill_buf()
            .with_context(|| format!("cannot read {input_name}"))?;
        let utf8 = match forced {
            Some(_) => encoding_rs::Encoding::for_bom(head).is_none(),
            None => looks_like_plain_utf8(head),
        };
        if utf8 {
            return convert_lines(converter, buffered, &input_name);
        }
        reader = Box::new(buffered);
    }
    let mut head = Vec::new();
    (&mut reader)
        .take(PEEK as u64 + 1)
        .read_to_end(&mut head)
        .with_context(|| format!("cannot read {input_name}"))?;
    let more = head.len() > PEEK;
    let streamable = plain_flags
        && match forced {
            Some(_) => encoding_rs::Encoding::for_bom(&head).is_none(),
            None => more && looks_like_plain_utf8(&head),
        };
    if streamable {
        let reader = io::Cursor::new(head).chain(reader);
        return convert_to_output(&target, converter, reader, &input_name);
    }
    let mut bytes = head;
    reader
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {input_name}"))?;
    let decoded = match decode(&bytes, &opts)
        .map_err(|e| anyhow!("{input_name}: {}", crate::outcome::decode_error(&e)))?
    {
        Outcome::Text(d) => d,
        Outcome::Binary(reason) => bail!("{input_name}: looks binary ({reason}); not converted"),
    };
    if decoded.replacements > 0 {
        eprintln!(
            "zhtidy: warning: {input_name}: {} malformed byte sequence(s) replaced by U+FFFD",
            decoded.replacements
        );
    }
    if let Some(m) = &decoded.mojibake {
        let note = crate::outcome::mojibake_note(m, args.decode.fix_mojibake);
        let level = if m.fixed { "note" } else { "warning" };
        eprintln!("zhtidy: {level}: {input_name}: {note}");
    }
    let text = converter.convert(&decoded.text);
    let bytes = match args.decode.output_encoding {
        OutputEncoding::Utf8 => text.as_bytes().to_vec(),
        OutputEncoding::Source => zhtidy::write::encode(&text, decoded.encoding, decoded.bom)
            .map_err(|e| {
                anyhow!(
                    "{input_name}: cannot write the result back as {}: {e}",
                    decoded.encoding.name()
                )
            })?,
    };
    write_output(&target, &bytes)
}

/// Line mode (see the module's doc): converts what one read brought, up to
/// its last complete line, writes it and flushes before the next read,
/// which may wait.
fn convert_lines(converter: &Converter, mut input: impl BufRead, name: &str) -> Result<()> {
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut pending: Vec<u8> = Vec::new();
    // Offset of pending[0] in the input, for error messages.
    let mut base = 0u64;
    let mut converted = String::new();
    let mut watch = MojibakeWatch::new(name);
    loop {
        let chunk = input
            .fill_buf()
            .with_context(|| format!("cannot read {name}"))?;
        let eof = chunk.is_empty();
        pending.extend_from_slice(chunk);
        let n = chunk.len();
        input.consume(n);
        let valid = match std::str::from_utf8(&pending) {
            Ok(_) => pending.len(),
            Err(e) if e.error_len().is_none() && !eof => e.valid_up_to(),
            Err(e) => bail!(
                "{name}: invalid UTF-8 at byte offset {} (--encoding names the input's encoding)",
                base + e.valid_up_to() as u64
            ),
        };
        let end = if eof || valid > LONG_LINE {
            valid
        } else {
            memchr::memrchr(b'\n', &pending[..valid]).map_or(0, |i| i + 1)
        };
        let text = std::str::from_utf8(&pending[..end]).expect("validated above");
        let cut = if eof {
            Some(end)
        } else {
            converter.safe_cut(text)
        };
        if let Some(cut) = cut.filter(|&c| c > 0) {
            watch.look(&text[..cut]);
            converted.clear();
            converter.convert_into(&text[..cut], &mut converted);
            out.write_all(converted.as_bytes())
                .context("cannot write <stdout>")?;
            pending.drain(..cut);
            base += cut as u64;
        }
        // All that was read is consumed: the next read may wait.
        out.flush().context("cannot write <stdout>")?;
        if eof {
            return Ok(());
        }
    }
}

/// A [`Target`] checked and ready to open, with what writing it needs.
enum Resolved {
    Stdout,
    /// `-o FILE`, with the input's stamp when it is the input itself.
    File {
        path: PathBuf,
        input: Option<FileStamp>,
    },
    /// `--out-dir`: the output path and the input's permission bits.
    Copy {
        path: PathBuf,
        mode: u32,
    },
}

impl Resolved {
    fn of(
        target: Target,
        input: Option<&Path>,
        stamp: Option<FileStamp>,
        mode: Option<u32>,
    ) -> Result<Self> {
        Ok(match target {
            Target::Stdout => Resolved::Stdout,
            Target::File(path) => Resolved::File { path, input: stamp },
            Target::Copy { root, rel } => {
                let path = output_below(&root, &rel)?;
                if let (Some(src), Ok(dst)) = (input, std::fs::canonicalize(&path)) {
                    if std::fs::canonicalize(src).is_ok_and(|s| s == dst) {
                        bail!(
                            "{} is the input itself; not overwriting it",
                            crate::report::shown(&path)
                        );
                    }
                }
                Resolved::Copy {
                    path,
                    mode: mode.unwrap_or(0o666),
                }
            }
        })
    }

    fn name(&self) -> String {
        match self {
            Resolved::Stdout => "<stdout>".to_string(),
            Resolved::File { path, .. } | Resolved::Copy { path, .. } => crate::report::shown(path),
        }
    }

    /// The file to write (`None`: standard output).
    fn open(&self) -> Result<Option<AtomicFile>> {
        Ok(match self {
            Resolved::Stdout => None,
            Resolved::File { path, input } => Some(open_output(path, *input)?),
            Resolved::Copy { path, mode } => Some(AtomicFile::create_with_mode(path, *mode)?),
        })
    }
}

/// The output file, replacing an existing one as `--write` would. When it
/// is the input itself (`-i f -o f`), it must still be as it was when the
/// input was opened: an edit made while it was read is kept.
fn open_output(path: &Path, input: Option<FileStamp>) -> Result<AtomicFile> {
    let same = input.filter(|i| {
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && i.same_file(&FileStamp::of(&m)))
    });
    Ok(match same {
        Some(stamp) => AtomicFile::replace(
            path,
            ReplaceOptions {
                follow_symlinks: true,
                read_stamp: Some(stamp),
                ..ReplaceOptions::default()
            },
        )?,
        None => AtomicFile::create_or_replace(path)?,
    })
}

fn write_output(target: &Resolved, bytes: &[u8]) -> Result<()> {
    match target.open()? {
        None => {
            let mut out = io::stdout().lock();
            out.write_all(bytes).context("cannot write <stdout>")?;
            out.flush().context("cannot write <stdout>")
        }
        Some(mut file) => {
            file.write_all(bytes)
                .with_context(|| format!("cannot write {}", target.name()))?;
            Ok(file.commit()?)
        }
    }
}

/// Mojibake in input converted as it streams: pieces are looked at line
/// by line before they are converted, and the first garbled line is warned
/// about with its byte offset. One warning says what to do about the whole
/// input (read it whole with --fix-mojibake), so nothing after it is
/// looked at.
///
/// Every line of the first [`WATCH_ALL`] bytes is looked at, then every
/// [`WATCH_STRIDE`]th line: looking at a line costs about half as much as
/// converting it, and garbled text comes as a whole input or in runs of
/// lines pasted from elsewhere, which a stride still finds. A single
/// garbled line deep in a long stream can be missed.
struct MojibakeWatch<'a> {
    name: &'a str,
    /// Where the next piece starts in the input, in bytes.
    offset: u64,
    /// Lines seen so far.
    lines: u64,
    warned: bool,
}

/// Bytes at the start of a stream whose every line is looked at for
/// mojibake (see [`MojibakeWatch`]).
const WATCH_ALL: u64 = 1 << 16;

/// Past [`WATCH_ALL`], every this many lines are looked at.
const WATCH_STRIDE: u64 = 16;

impl<'a> MojibakeWatch<'a> {
    fn new(name: &'a str) -> Self {
        MojibakeWatch {
            name,
            offset: 0,
            lines: 0,
            warned: false,
        }
    }

    fn look(&mut self, piece: &str) {
        if self.warned {
            return;
        }
        let mut start = 0;
        let ends = memchr::memchr_iter(b'\n', piece.as_bytes()).map(|i| i + 1);
        for end in ends.chain((!piece.is_empty()).then_some(piece.len())) {
            if end <= start {
                continue;
            }
            let line = &piece[start..end];
            let due = self.offset < WATCH_ALL || self.lines.is_multiple_of(WATCH_STRIDE);
            if let Some(m) = due
                .then(|| zhtidy::decode::mojibake::in_line(line))
                .flatten()
            {
                self.warned = true;
                let note = crate::outcome::mojibake_note(&m, false);
                eprintln!(
                    "zhtidy: warning: {}: a line at byte offset {} {note}",
                    self.name, self.offset
                );
                return;
            }
            self.offset += line.len() as u64;
            self.lines += u64::from(line.ends_with('\n'));
            start = end;
        }
    }
}

/// BOM-less UTF-8 without NULs (the last character may be cut off).
fn looks_like_plain_utf8(head: &[u8]) -> bool {
    if encoding_rs::Encoding::for_bom(head).is_some() || head.contains(&0) {
        return false;
    }
    // simdutf8's `compat` validator says where and how the text stops
    // being valid at SIMD speed (std's would re-read the whole megabyte
    // whenever the peek ends inside a character, as it usually does).
    match simdutf8::compat::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

fn convert_to_output(
    target: &Resolved,
    converter: &Converter,
    reader: impl Read,
    input_name: &str,
) -> Result<()> {
    let mut watch = MojibakeWatch::new(input_name);
    let look = |piece: &str| watch.look(piece);
    match target.open()? {
        None => {
            let stdout = io::stdout().lock();
            let out = BufWriter::with_capacity(1 << 16, stdout);
            let result = convert_stream_inspecting(converter, reader, out, look);
            finish(result, input_name, "<stdout>")
        }
        Some(file) => {
            let mut writer = BufWriter::with_capacity(1 << 16, file);
            let result = convert_stream_inspecting(converter, reader, &mut writer, look);
            finish(result, input_name, &target.name())?;
            let file = writer.into_inner().map_err(|e| e.into_error())?;
            Ok(file.commit()?)
        }
    }
}

fn finish(
    result: std::result::Result<zhtidy::convert::stream::StreamStats, StreamError>,
    input: &str,
    output: &str,
) -> Result<()> {
    match result {
        Ok(_) => Ok(()),
        Err(StreamError::Read(e)) => Err(e).context(format!("cannot read {input}")),
        Err(StreamError::Write(e)) => Err(e).context(format!("cannot write {output}")),
        Err(StreamError::Input(e)) => bail!("{input}: {e}"),
    }
}

#[cfg(feature = "libopencc")]
fn libopencc(args: &ConvertArgs) -> Result<()> {
    if !args.paths.is_empty() || args.out_dir.is_some() {
        bail!("PATHs and --out-dir need the builtin engine; use -i FILE and -o FILE");
    }
    if !args.dicts.is_empty() || args.no_tofu_risk {
        bail!("--dict and --no-tofu-risk need the builtin engine");
    }
    let config = if args.config.ends_with(".json") || args.config.contains('/') {
        args.config.clone()
    } else {
        format!("{}.json", args.config)
    };
    let cc = opencc_rust::OpenCC::new(&config)
        .map_err(|e| anyhow::anyhow!("libopencc cannot load {config}: {e}"))?;
    let mut input = Vec::new();
    match &args.input {
        Some(p) => zhtidy::decode::open_file(p)?
            .read_to_end(&mut input)
            .with_context(|| format!("cannot read {}", p.display()))?,
        None => io::stdin()
            .read_to_end(&mut input)
            .context("cannot read <stdin>")?,
    };
    let text = String::from_utf8(input).map_err(|e| {
        anyhow::anyhow!(
            "invalid UTF-8 at byte offset {}",
            e.utf8_error().valid_up_to()
        )
    })?;
    let out = cc.convert(&text);
    match &args.output {
        None => io::stdout()
            .lock()
            .write_all(out.as_bytes())
            .context("cannot write <stdout>"),
        Some(path) => {
            let mut f = AtomicFile::create_or_replace(path)?;
            f.write_all(out.as_bytes())?;
            Ok(f.commit()?)
        }
    }
}

#[cfg(not(feature = "libopencc"))]
fn libopencc(_: &ConvertArgs) -> Result<()> {
    bail!("this zhtidy was built without the `libopencc` feature; rebuild with `cargo build --features libopencc`")
}

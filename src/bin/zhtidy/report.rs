/*!
How a bulk run reports: per file in the order the files were given (text,
a JSON array, JSON Lines or GitHub workflow annotations), then a summary
line on standard error.

Standard output carries what was asked for (`--check`'s list, `-l`'s
paths, `--diff`'s diffs, the JSON); errors, warnings and the summary go to
standard error. Diffs are coloured when standard output is a terminal (or
`--color always`); `anstream` drops the colour codes otherwise and honours
NO_COLOR and CLICOLOR_FORCE.
*/

use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use serde_json::json;

use crate::args::{Mode, TidyFormat};
use crate::outcome::{FileOutcome, Status};

/// Counts for the summary and the exit code.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub seen: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub failed: usize,
    pub bytes: u64,
    /// Files whose text held mojibake (reversed or not).
    pub mojibake: usize,
    /// Files with characters already lost, and how many.
    pub damaged: usize,
    pub lost: usize,
}

pub struct Reporter {
    format: TidyFormat,
    mode: Mode,
    quiet: bool,
    verbose: u8,
    out: BufWriter<anstream::AutoStream<io::StdoutLock<'static>>>,
    json: Vec<serde_json::Value>,
    pub counts: Counts,
    started: Instant,
    /// `--explain`: every change on standard error.
    explain: bool,
    /// `-l -0`: each path exactly, followed by a NUL.
    print0: bool,
    /// `--statistics`: changes counted per rule (with its family).
    statistics: Option<crate::statistics::Statistics>,
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

impl Reporter {
    /// `started`: when the run began (for the summary's MB/s).
    pub fn new(format: TidyFormat, mode: Mode, quiet: bool, verbose: u8, started: Instant) -> Self {
        Reporter {
            format,
            mode,
            quiet,
            verbose,
            out: BufWriter::new(anstream::stdout().lock()),
            json: Vec::new(),
            counts: Counts::default(),
            started,
            explain: false,
            print0: false,
            statistics: None,
        }
    }

    /// With `--statistics`: a table of changes per rule and per family on
    /// standard error at the end.
    pub fn statistics(mut self, on: bool) -> Self {
        self.statistics = on.then(Default::default);
        self
    }

    /// With `--explain`: each change on standard error, as
    /// `PATH:LINE: rule-id: text` (see [`crate::changes::ChangeRecord::explain_line`]).
    pub fn explain(mut self, on: bool) -> Self {
        self.explain = on;
        self
    }

    /// `-l` prints each path exactly, followed by a NUL instead of a
    /// newline (for `xargs -0`, `--files-from - -0`).
    pub fn print0(mut self, on: bool) -> Self {
        self.print0 = on;
        self
    }

    /// Reports one file.
    pub fn file(&mut self, o: &FileOutcome) -> io::Result<()> {
        let c = &mut self.counts;
        c.seen += 1;
        c.bytes += o.bytes;
        c.mojibake += usize::from(o.mojibake);
        c.damaged += usize::from(o.lost > 0);
        c.lost += o.lost;
        match o.status {
            Status::Unchanged => c.unchanged += 1,
            Status::Changed => c.changed += 1,
            Status::Skipped(_) => c.skipped += 1,
            Status::Failed(_) => c.failed += 1,
        }
        if let Status::Failed(reason) = &o.status {
            eprintln!("zhtidy: error: {}: {reason}", o.path);
        }
        if !self.quiet {
            for n in &o.notes {
                eprintln!("zhtidy: warning: {}: {n}", o.path);
            }
            if let Some(d) = &o.duplicate {
                eprintln!(
                    "zhtidy: note: {}: {}",
                    o.path,
                    crate::corpus::describe(d, "", crate::corpus::file_fate(d, &self.mode))
                );
            }
        }
        if let Some(stats) = &mut self.statistics {
            stats.add(&o.changes);
        }
        if self.explain && !o.changes.is_empty() {
            let mut err = io::stderr().lock();
            for c in &o.changes {
                writeln!(err, "{}", c.explain_line(&o.path))?;
            }
        }
        match self.format {
            TidyFormat::Text => self.text(o),
            TidyFormat::Json => {
                self.json.push(to_json(o));
                Ok(())
            }
            TidyFormat::Jsonl => {
                serde_json::to_writer(&mut self.out, &to_json(o))?;
                self.out.write_all(b"\n")
            }
            TidyFormat::Github => self.github(o),
        }
    }

    fn text(&mut self, o: &FileOutcome) -> io::Result<()> {
        let counts = reasons(o);
        match (&o.status, &self.mode) {
            (Status::Changed, Mode::Check) => {
                writeln!(self.out, "would change: {} ({counts})", o.path)
            }
            (Status::Changed, Mode::List) if self.print0 => {
                // Past anstream, which would drop the NUL and the bytes
                // that are not UTF-8; stdout's lock is reentrant.
                self.out.flush()?;
                let mut raw = io::stdout().lock();
                match &o.raw {
                    Some(p) => raw.write_all(p.as_os_str().as_encoded_bytes())?,
                    None => raw.write_all(o.path.as_bytes())?,
                }
                raw.write_all(b"\0")
            }
            (Status::Changed, Mode::List) => writeln!(self.out, "{}", o.path),
            (Status::Changed, Mode::Diff) => {
                if let Some(d) = &o.diff {
                    write_coloured_diff(&mut self.out, d)?;
                }
                Ok(())
            }
            (Status::Changed, Mode::Write) if self.verbose > 0 => {
                eprintln!("fixed: {} ({counts})", o.path);
                Ok(())
            }
            (Status::Changed | Status::Unchanged, Mode::OutDir(_))
                if self.verbose > 0 && !o.duplicate.as_ref().is_some_and(|d| d.dropped) =>
            {
                eprintln!("wrote: {} ({counts})", o.path);
                Ok(())
            }
            (Status::Unchanged, _) if self.verbose > 0 => {
                eprintln!("unchanged: {}", o.path);
                Ok(())
            }
            (Status::Skipped(why), _) if self.verbose > 0 => {
                eprintln!("skipped: {}: {why}", o.path);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn github(&mut self, o: &FileOutcome) -> io::Result<()> {
        let file = escape_property(&o.path);
        match &o.status {
            Status::Changed => {
                let verb = match self.mode {
                    Mode::Write => "cleaned",
                    Mode::OutDir(_) => "cleaned copy written",
                    _ => "would change",
                };
                if o.changes.is_empty() {
                    return writeln!(
                        self.out,
                        "::warning file={file},title=zhtidy::{}",
                        escape_data(&format!("{verb}: {}", reasons(o)))
                    );
                }
                for c in &o.changes {
                    let place = match (c.line, c.column) {
                        (Some(l), Some(col)) => format!(",line={l},col={col}"),
                        (Some(l), None) => format!(",line={l}"),
                        _ => String::new(),
                    };
                    writeln!(
                        self.out,
                        "::warning file={file}{place},title={}::{}",
                        escape_property(&format!("zhtidy {}", c.rule)),
                        escape_data(&format!("{verb}: {}", c.summary()))
                    )?;
                }
                Ok(())
            }
            Status::Failed(reason) => {
                writeln!(
                    self.out,
                    "::error file={file},title=zhtidy::{}",
                    escape_data(reason)
                )
            }
            _ => Ok(()),
        }
    }

    /// Prints what is still buffered and the summary; returns the counts.
    pub fn finish(mut self) -> io::Result<Counts> {
        if self.format == TidyFormat::Json {
            serde_json::to_writer_pretty(&mut self.out, &self.json)?;
            self.out.write_all(b"\n")?;
        }
        self.out.flush()?;
        if let Some(stats) = &self.statistics {
            eprint!("{}", stats.table());
        }
        let c = self.counts;
        if !self.quiet {
            let secs = self.started.elapsed().as_secs_f64();
            let mb = c.bytes as f64 / 1e6;
            let verb = match self.mode {
                Mode::Write => "changed",
                Mode::OutDir(_) => "changed (copies written)",
                _ => "would change",
            };
            eprintln!(
                "zhtidy: {} file(s): {} {verb}, {} unchanged, {} skipped, {} failed ({mb:.2} MB in {secs:.2} s, {:.1} MB/s)",
                c.seen,
                c.changed,
                c.unchanged,
                c.skipped,
                c.failed,
                if secs > 0.0 { mb / secs } else { 0.0 }
            );
            if c.mojibake + c.damaged > 0 {
                eprintln!(
                    "zhtidy: {} file(s) with mojibake, {} with characters already lost ({} in all); each is named above",
                    c.mojibake, c.damaged, c.lost
                );
            }
            if c.seen == 0 {
                eprintln!(
                    "zhtidy: hint: no file matched; in folders only *.txt, *.text, *.md and *.markdown are cleaned by default (--include GLOB chooses others; -vv lists what was excluded)"
                );
            }
        }
        Ok(c)
    }

    /// Flushes standard output (between chunks, so output streams).
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn to_json(o: &FileOutcome) -> serde_json::Value {
    let (status, error, skipped) = match &o.status {
        Status::Unchanged => ("unchanged", None, None),
        Status::Changed => ("changed", None, None),
        Status::Skipped(w) => ("skipped", None, Some(w.as_str())),
        Status::Failed(w) => ("failed", Some(w.as_str()), None),
    };
    let mut v = json!({
        "path": o.path,
        "encoding": o.encoding,
        "status": status,
        "changed": o.status == Status::Changed,
        "removals": o.removals,
        "fixes": o.fixes,
        "error": error,
        "skipped": skipped,
        "notes": o.notes,
        "changes": o.changes,
    });
    if let Some(raw) = &o.raw {
        // Exactly (but for `./` components, as in every report): a string
        // when the name is UTF-8, else its bytes too.
        let raw = crate::paths::normalized(raw);
        match raw.to_str() {
            Some(exact) => v["path"] = json!(exact),
            None => v["path_bytes"] = json!(raw.as_os_str().as_encoded_bytes()),
        }
    }
    if let Some(d) = &o.diff {
        v["diff"] = json!(d);
    }
    if let Some(d) = &o.duplicate {
        v["duplicate"] = crate::corpus::to_json(d);
    }
    v
}

/// Why a file changes, for `--check`: the counts, then each whole-file
/// change (`1 removal(s), 0 fix(es), encoding: GBK → UTF-8`).
fn reasons(o: &FileOutcome) -> String {
    let mut s = format!("{} removal(s), {} fix(es)", o.removals, o.fixes);
    for c in o.changes.iter().filter(|c| c.is_whole_file()) {
        s.push_str(", ");
        s.push_str(&c.summary());
    }
    s
}

fn write_coloured_diff(out: &mut impl Write, diff: &str) -> io::Result<()> {
    for line in diff.split_inclusive('\n') {
        let colour = if line.starts_with("+++") || line.starts_with("---") {
            BOLD
        } else if line.starts_with("@@") {
            CYAN
        } else if line.starts_with('+') {
            GREEN
        } else if line.starts_with('-') {
            RED
        } else {
            ""
        };
        if colour.is_empty() {
            out.write_all(line.as_bytes())?;
        } else {
            let body = line.strip_suffix('\n').unwrap_or(line);
            write!(out, "{colour}{body}{RESET}")?;
            if line.ends_with('\n') {
                out.write_all(b"\n")?;
            }
        }
    }
    if !diff.ends_with('\n') && !diff.is_empty() {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// GitHub workflow command escaping for the message.
/// A path as printed in text, without `./` components
/// ([`crate::paths::normalized`]): control characters escaped (`\n`, `\t`,
/// `\r`, else `\xNN`) and bytes that are not UTF-8 as `\xNN`, so one
/// name is one line and nothing is lost silently. Other characters,
/// backslash included, are printed as they are.
pub fn shown(path: &Path) -> String {
    let path = crate::paths::normalized(path);
    let mut out = String::new();
    for chunk in path.as_os_str().as_encoded_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if c.is_control() => {
                    for b in c.to_string().bytes() {
                        out.push_str(&format!("\\x{b:02x}"));
                    }
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub workflow command escaping for a property value.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn names_are_shown_escaped() {
        use std::os::unix::ffi::OsStrExt;
        let p = Path::new(std::ffi::OsStr::from_bytes(
            b"a\nb\tc\x1b\xff\xfe\xe4\xb8\xad.txt",
        ));
        assert_eq!(shown(p), "a\\nb\\tc\\x1b\\xff\\xfe中.txt");
        assert_eq!(shown(Path::new("目录/文件 1.txt")), "目录/文件 1.txt");
    }

    #[test]
    fn github_escaping() {
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
        assert_eq!(escape_data("x: y\r\n"), "x: y%0D%0A");
    }

    #[test]
    fn diff_colours_by_line_kind() {
        let mut out = Vec::new();
        write_coloured_diff(
            &mut out,
            "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n same\n",
        )
        .unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("\x1b[31m-old\x1b[0m\n"));
        assert!(s.contains("\x1b[32m+new\x1b[0m\n"));
        assert!(s.ends_with(" same\n"));
    }
}

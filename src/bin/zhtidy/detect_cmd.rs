/*!
`zhtidy detect`: report each input's encoding, or with `--script` the
script it is written in (the fix stage's
[`detect_script`](zhtidy::fix::detect_script), per file and per
paragraph), without changing anything.

Folders are walked as the cleaning command walks them (ignore files
honoured, hidden entries skipped unless `--hidden`), and every file found
is reported; `--output-format jsonl` prints each record as soon as its
file is read, `json` one array at the end.

Detection runs the decode stage with replacement allowed, so that even a
damaged file gets its most likely encoding (the replacements are counted
in the report). An input that cannot be read is reported on standard
error, the others are still reported, and the exit code is 2.
*/

use std::io::{self, Read, Write};
use std::path::PathBuf;

use anyhow::{bail, Result};
use serde_json::{json, Value};
use zhtidy::decode::{decode, DecodeOptions, Outcome};
use zhtidy::fix::{detect_script, Script};

use crate::args::{DetectArgs, DetectFormat};

pub fn run(args: &DetectArgs) -> Result<()> {
    let opts = DecodeOptions {
        lossy: true,
        ..Default::default()
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut records = Vec::new();
    let mut failed = 0usize;
    for input in inputs(args) {
        let record = match input {
            Input::Unwalkable(name, reason) => read_failure(&name, &reason),
            Input::Path(path) => {
                let name = crate::report::shown(&path);
                let bytes = if path.as_os_str() == "-" {
                    let mut buf = Vec::new();
                    io::stdin().lock().read_to_end(&mut buf).map(|_| buf)
                } else {
                    zhtidy::decode::read_file(&path).map_err(|e| match e {
                        zhtidy::decode::ReadError::Io { reason, .. } => reason,
                        other => std::io::Error::other(other.to_string()),
                    })
                };
                match bytes {
                    Err(e) => read_failure(&name, &e.to_string()),
                    Ok(bytes) => describe(&name, &bytes, &opts, args.script),
                }
            }
        };
        if record.get("error").is_some() {
            failed += 1;
        }
        print_record(&mut out, &record, args)?;
        if args.output_format == DetectFormat::Json {
            records.push(record);
        }
    }
    if args.output_format == DetectFormat::Json {
        serde_json::to_writer_pretty(&mut out, &Value::Array(records))?;
        writeln!(out)?;
    }
    out.flush()?;
    if failed > 0 {
        bail!("{failed} input(s) could not be read");
    }
    Ok(())
}

/// One thing to report on: a file (or `-`), or a path a walk could not
/// read.
enum Input {
    Path(PathBuf),
    Unwalkable(String, String),
}

/// The paths given, with folders walked into the files under them (the
/// cleaning command's walk: ignore files, hidden entries skipped).
fn inputs(args: &DetectArgs) -> Vec<Input> {
    if args.paths.is_empty() {
        return vec![Input::Path(PathBuf::from("-"))];
    }
    let mut inputs = Vec::new();
    let mut seen = crate::walk::Seen::default();
    for path in args.paths.iter().map(PathBuf::from) {
        if !path.is_dir() {
            if path.as_os_str() == "-" || seen.first(&path) {
                inputs.push(Input::Path(path));
            }
            continue;
        }
        let found = crate::walk::expand_with(
            std::slice::from_ref(&path),
            args.hidden,
            args.no_ignore,
            &globset::GlobSet::empty(),
            None,
        );
        for (p, reason) in found.errors {
            inputs.push(Input::Unwalkable(crate::report::shown(&p), reason));
        }
        inputs.extend(
            found
                .candidates
                .into_iter()
                .filter(|c| seen.first(&c.path))
                .map(|c| Input::Path(c.path)),
        );
    }
    inputs
}

fn read_failure(name: &str, reason: &str) -> Value {
    eprintln!("zhtidy: error: cannot read {name}: {reason}");
    json!({ "path": name, "error": reason })
}

/// Prints one record as the format says; JSON arrays are printed whole at
/// the end instead.
fn print_record(out: &mut impl Write, record: &Value, args: &DetectArgs) -> Result<()> {
    match args.output_format {
        DetectFormat::Json => {}
        DetectFormat::Jsonl => {
            serde_json::to_writer(&mut *out, record)?;
            writeln!(out)?;
        }
        DetectFormat::Text if record.get("error").is_some() => {}
        DetectFormat::Text if args.script => {
            for line in script_lines(record) {
                writeln!(out, "{line}")?;
            }
        }
        DetectFormat::Text => writeln!(out, "{}", text_line(record))?,
    }
    Ok(())
}

fn describe(name: &str, bytes: &[u8], opts: &DecodeOptions, script: bool) -> Value {
    match decode(bytes, opts) {
        Ok(Outcome::Text(d)) => {
            let mut record = json!({
                "path": name,
                "encoding": d.encoding.name(),
                "confidence": (f64::from(d.confidence) * 100.0).round() / 100.0,
                "bom": d.bom,
                "mojibake": d.mojibake.as_ref().map(|m| m.kind()),
                "damaged": d.damage.kind().map(|k| k.trim_start_matches("damaged:").to_owned()),
                "replacements": d.replacements,
            });
            if script {
                record["script"] = detect_script(&d.text).to_json(true);
            }
            record
        }
        Ok(Outcome::Binary(reason)) => json!({
            "path": name,
            "encoding": "binary",
            "binary": reason.to_string(),
        }),
        // Lossy decoding does not fail; keep the error visible if it ever does.
        Err(e) => json!({ "path": name, "encoding": "unknown", "problem": e.to_string() }),
    }
}

fn text_line(r: &Value) -> String {
    let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("");
    let mut line = format!("{}\t{}", s("path"), s("encoding"));
    match r.get("confidence").and_then(Value::as_f64) {
        Some(c) => line.push_str(&format!("\t{c:.2}")),
        None => line.push_str("\t-"),
    }
    if let Some(kind) = r.get("mojibake").and_then(Value::as_str) {
        line.push_str(&format!("\tmojibake:{kind}"));
    }
    if let Some(kind) = r.get("damaged").and_then(Value::as_str) {
        line.push_str(&format!("\tdamaged:{kind}"));
    }
    if let Some(n) = r
        .get("replacements")
        .and_then(Value::as_u64)
        .filter(|&n| n > 0)
    {
        line.push_str(&format!("\treplacements:{n}"));
    }
    if let Some(why) = r.get("binary").and_then(Value::as_str) {
        line.push_str(&format!("\t{why}"));
    }
    line
}

/// The `--script` text lines of one record: the file's verdict, then its
/// paragraphs when the file is mixed (all of them) or when a paragraph is
/// written in another script than the file (only those).
fn script_lines(r: &Value) -> Vec<String> {
    let path = r.get("path").and_then(Value::as_str).unwrap_or("");
    let Some(report) = r.get("script") else {
        // Binary input: no text to look at.
        let why = r.get("binary").and_then(Value::as_str).unwrap_or("");
        return vec![format!("{path}\tbinary\t{why}")];
    };
    let verdict = |v: &Value| {
        v.get("script")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let evidence = |v: &Value| {
        let n = |k: &str| v["counts"][k].as_u64().unwrap_or(0);
        format!(
            "traditional-only:{}\tsimplified-only:{}",
            n("traditional_only"),
            n("simplified_only")
        )
    };
    let document = verdict(report);
    let mut lines = vec![format!("{path}\t{document}\t{}", evidence(report))];
    let mixed = document == Script::Mixed.as_str();
    for p in report["paragraphs"].as_array().into_iter().flatten() {
        let own = verdict(p);
        if mixed || (own != document && own != Script::Unknown.as_str()) {
            let line = p.get("line").and_then(Value::as_u64).unwrap_or(0);
            lines.push(format!("{path}:{line}\t{own}\t{}", evidence(p)));
        }
    }
    lines
}

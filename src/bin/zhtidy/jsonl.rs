/*!
`--jsonl`: JSON Lines in on standard input, the same lines out on standard
output with the `--field`s cleaned (default `text`).

Everything but the cleaned fields is passed through as it was written:
each object is read as a list of (key, raw JSON) pairs, so key order,
duplicate keys, number spellings and nested values come out byte for
byte (only the whitespace between a key and its value is dropped). A
field that is missing or `null` is left alone (lines lacking every field
are counted in a warning, and a field no line has — a mistyped `--field` —
is an error); one that is not a string is an error, like a malformed
line. Blank lines are passed through, so line
N out is always line N in, unless `--dedup drop` leaves out the lines that
copy an earlier one (see `corpus`).

Lines are read on the main thread and cleaned in a local rayon pool, each
worker taking the next line as soon as it is free; the main thread writes
them in input order as they come back (see `ordered`). At most a window
of lines (bounded in number and bytes) is in flight, so memory stays
bounded on endless input and the output streams. A bad line is reported
with its line number; `--on-error fail` (the default) stops there with
exit 2 after writing the lines before it, `skip` drops it, `keep` passes
it through unchanged (both warn on standard error and go on).
*/

use std::fmt;
use std::io::{self, BufRead, BufWriter, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use zhtidy::pipeline::Pipeline;

use crate::args::{OnError, TidyArgs};
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

/// What cleaning one line did.
#[derive(Debug, Default)]
struct LineReport {
    changed: bool,
    removals: usize,
    fixes: usize,
    /// Each change, with the field it is in (for `--explain`).
    changes: Vec<(String, crate::changes::ChangeRecord)>,
    /// The object holds one of the fields (even `null`).
    has_field: bool,
    /// With `--dedup`: the signature of the cleaned fields (joined by a
    /// line break), when the object has one as a string.
    signature: Option<zhtidy::dedup::Signature>,
}

pub fn run(args: &TidyArgs, resolver: &mut Resolver<'_>) -> Result<ExitCode> {
    let fields: Vec<String> = if args.fields.is_empty() {
        vec!["text".to_string()]
    } else {
        args.fields.clone()
    };
    if let Some(name) = args.report_field.as_deref() {
        check_report_field(name, &fields)?;
    }
    let as_path = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| PathBuf::from("."));
    let pipeline = resolver.resolve(&as_path)?.pipeline;
    let stdin_name = args
        .stdin_filename
        .as_ref()
        .map_or("<stdin>".to_string(), |p| crate::paths::display_name(p));
    let pool = crate::bulk::thread_pool(args.threads)?;
    let signer = args.corpus.signer()?;
    // Documents by line number.
    let mut dedup = args.corpus.deduper::<usize>()?;
    let started = Instant::now();
    let mut input = io::stdin().lock();
    let mut out = BufWriter::new(io::stdout().lock());
    let (mut records, mut changed, mut bad, mut bytes) = (0usize, 0usize, 0usize, 0u64);
    let mut line_no = 0usize;
    // Objects read, and those holding none of the fields: a mistyped
    // --field matches no line and would otherwise change nothing silently.
    let (mut objects, mut without_field) = (0usize, 0usize);
    let lines = std::iter::from_fn(|| {
        let mut line = Vec::new();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => None,
            Ok(n) => {
                line_no += 1;
                bytes += n as u64;
                Some(Ok((line_no, line)))
            }
            Err(e) => Some(Err(anyhow::Error::new(e).context("cannot read <stdin>"))),
        }
    });
    let window = Window {
        items: WINDOW_LINES,
        bytes: WINDOW_BYTES,
    };
    let flow = for_each_ordered(
        &pool,
        lines,
        window,
        |(_, line)| line.len(),
        |(no, line)| {
            let result = clean_line(
                &line,
                &fields,
                args.report_field.as_deref(),
                &pipeline,
                signer.as_ref(),
            );
            (no, line, result)
        },
        |(no, line, result)| {
            match result {
                Ok((mut text, mut report)) => {
                    if args.explain {
                        explain(&stdin_name, no, &report);
                    }
                    let object = !trim_newline(&line).trim_ascii().is_empty();
                    objects += usize::from(object);
                    without_field += usize::from(object && !report.has_field);
                    let copy = match (&mut dedup, report.signature.take()) {
                        (Some(d), Some(sig)) => d.add(sig, no),
                        _ => None,
                    };
                    if let Some(c) = &copy {
                        if !args.quiet {
                            let fate = if c.dropped { "; dropped" } else { "" };
                            let what = crate::corpus::describe(c, "line ", fate);
                            eprintln!("zhtidy: note: {stdin_name}:{no}: {what}");
                        }
                        if c.dropped {
                            return Ok(ControlFlow::Continue(()));
                        }
                        if args.report_field.is_some() {
                            add_to_report(&mut text, &crate::corpus::to_json(c));
                        }
                    }
                    records += 1;
                    changed += usize::from(report.changed);
                    out.write_all(&text)?;
                    out.write_all(b"\n")?;
                }
                Err(reason) => {
                    bad += 1;
                    let what = format!("<stdin>:{no}: {reason}");
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
                        }
                    }
                }
            }
            Ok(ControlFlow::Continue(()))
        },
    )?;
    if flow.is_break() {
        return Ok(ExitCode::from(2));
    }
    out.flush()?;
    if objects > 0 && without_field == objects {
        anyhow::bail!(
            "no line has the field{} {}: nothing was cleaned (a nested field is not looked into)",
            if fields.len() > 1 { "s" } else { "" },
            fields.join(", ")
        );
    }
    if without_field > 0 && !args.quiet {
        eprintln!(
            "zhtidy: warning: {without_field} of {objects} line(s) lack the field(s) {}; passed through unchanged",
            fields.join(", ")
        );
    }
    if !args.quiet {
        let secs = started.elapsed().as_secs_f64();
        let mb = bytes as f64 / 1e6;
        eprintln!(
            "zhtidy: {line_no} line(s): {records} record(s) written, {changed} changed, {bad} bad ({mb:.2} MB in {secs:.2} s, {:.1} MB/s)",
            if secs > 0.0 { mb / secs } else { 0.0 }
        );
        if let Some(d) = &dedup {
            eprintln!("{}", d.summary());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The report is added beside the cleaned fields, never in place of one:
/// naming a cleaned field would replace the text with the report.
fn check_report_field(name: &str, fields: &[String]) -> Result<()> {
    if fields.iter().any(|f| f == name) {
        anyhow::bail!(
            "--report-field {name:?} names a field being cleaned (--field); pick another name"
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
    fields: &[String],
    report_field: Option<&str>,
    pipeline: &Pipeline,
    signer: Option<&crate::corpus::Signer>,
) -> Result<(Vec<u8>, LineReport), String> {
    let line = trim_newline(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return Ok((line.to_vec(), LineReport::default()));
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
    // The cleaned fields, for the signature.
    let mut document: Option<String> = None;
    let mut out = Vec::with_capacity(line.len() + 64);
    out.push(b'{');
    let mut first = true;
    for (key, raw) in &record.0 {
        if !first {
            out.push(b',');
        }
        first = false;
        serde_json::to_writer(&mut out, key).map_err(|e| e.to_string())?;
        out.push(b':');
        if fields.iter().any(|f| f == key) {
            report.has_field = true;
            let value: serde_json::Value =
                serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
            match value {
                serde_json::Value::Null => out.extend_from_slice(raw.get().as_bytes()),
                serde_json::Value::String(s) => {
                    let tidied = pipeline.run(&s);
                    if signer.is_some() {
                        let doc = document.get_or_insert_with(String::new);
                        if !doc.is_empty() {
                            doc.push('\n');
                        }
                        doc.push_str(&tidied.text);
                    }
                    report.removals += tidied.removals.len();
                    report.fixes += tidied.fix_changes.len();
                    if tidied.converted {
                        let c = crate::changes::ChangeRecord::convert(&tidied.converted_with);
                        report.changes.push((key.clone(), c));
                    }
                    let records = crate::changes::records_of(&s, &tidied);
                    report
                        .changes
                        .extend(records.into_iter().map(|c| (key.clone(), c)));
                    if tidied.text != s.as_str() {
                        report.changed = true;
                        serde_json::to_writer(&mut out, &*tidied.text)
                            .map_err(|e| e.to_string())?;
                    } else {
                        out.extend_from_slice(raw.get().as_bytes());
                    }
                }
                other => return Err(format!("field {key:?} is {}, not a string", kind(&other))),
            }
        } else {
            out.extend_from_slice(raw.get().as_bytes());
        }
    }
    if let Some(name) = report_field {
        if !first {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, name).map_err(|e| e.to_string())?;
        out.push(b':');
        write_report(&mut out, &report);
    }
    out.push(b'}');
    if let (Some(signer), Some(doc)) = (signer, &document) {
        report.signature = Some(signer.sign(doc));
    }
    Ok((out, report))
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

    #[test]
    fn other_fields_pass_through_byte_for_byte() {
        let line = br#"{"id": 1.50, "big": 123456789012345678901234567890, "text": "a\u200bb", "z": {"k": [1, 2]}}"#;
        let (out, report) = clean_line(line, &["text".into()], None, &pipeline(), None).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"id":1.50,"big":123456789012345678901234567890,"text":"ab","z":{"k": [1, 2]}}"#
        );
        assert!(report.changed);
    }

    #[test]
    fn report_field_is_added_at_the_end() {
        let p = pipeline();
        let (out, _) =
            clean_line(br#"{"text":"ok"}"#, &["text".into()], Some("zt"), &p, None).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"text":"ok","zt":{"changed":false,"removals":0,"fixes":0}}"#
        );
    }

    #[test]
    fn report_field_never_overwrites_an_existing_field() {
        let p = pipeline();
        // Any value, including one shaped like a report, is kept: the line
        // is refused instead of having a field replaced.
        for line in [
            &br#"{"zt":1,"text":"a\u200bb"}"#[..],
            br#"{"text":"a","zt":{"changed":false,"removals":18446744073709551615,"fixes":18446744073709551615}}"#,
        ] {
            let err = clean_line(line, &["text".into()], Some("zt"), &p, None).unwrap_err();
            assert!(err.contains("already exists"), "{err}");
        }
    }

    #[test]
    fn report_field_naming_a_cleaned_field_is_refused_for_the_run() {
        let fields = ["title".to_string(), "text".to_string()];
        let err = check_report_field("text", &fields).unwrap_err().to_string();
        assert!(err.contains("--field"), "{err}");
        assert!(check_report_field("zt", &fields).is_ok());
    }

    #[test]
    fn bad_lines_and_fields_are_errors() {
        let p = pipeline();
        assert!(clean_line(b"{\"text\": ", &["text".into()], None, &p, None).is_err());
        assert!(clean_line(b"[1]", &["text".into()], None, &p, None).is_err());
        let err = clean_line(br#"{"text": 3}"#, &["text".into()], None, &p, None).unwrap_err();
        assert!(err.contains("a number"), "{err}");
        assert_eq!(
            clean_line(b"  \r\n", &["text".into()], None, &p, None)
                .unwrap()
                .0,
            b"  "
        );
    }
}

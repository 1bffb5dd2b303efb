/*!
The default command, `zhtidy [OPTIONS] [PATH|-]`: reads one article, runs
the pipeline (decode → strip → fix → convert), prints
the result to standard output and, with `--explain`, every removal to
standard error as `PATH:LINE: rule-id: text` and every fix as
`PATH:LINE:COLUMN: rule-id: from → to` (positions in the input file).

The input's encoding is detected by the decode stage (or forced with
`--encoding`); bytes it cannot decode are an error naming the file and the
byte offset, binary input is refused. The output is UTF-8. Several paths at
once are a usage error for now (bulk mode is its own issue).
*/

use std::fs;
use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};
use serde_json::json;
use zhtidy::decode::{decode, encoding_for_name, DecodeOptions, Decoded, Outcome};
use zhtidy::fix::FixOptions;
use zhtidy::pipeline::{Pipeline, Source, Target, Tidied};
use zhtidy::strip::StripOptions;

use crate::args::{OutputFormat, SourceArg, TargetArg, TidyArgs};

/// Where the text came from.
enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_string(),
            Input::File(p) => p.display().to_string(),
        }
    }
}

pub fn run(args: &TidyArgs) -> Result<()> {
    let input = match args.paths.as_slice() {
        [] if io::stdin().is_terminal() => {
            bail!("no input: give a PATH, or `-` / a pipe for standard input (zhtidy --help)")
        }
        [] => Input::Stdin,
        [p] if p.as_os_str() == "-" => Input::Stdin,
        [p] => Input::File(p.clone()),
        _ => bail!(
            "{} paths given: this zhtidy cleans one article at a time (PATH or -); bulk mode is not built yet",
            args.paths.len()
        ),
    };
    let pipeline = build_pipeline(args)?;

    let name = input.name();
    let bytes = match &input {
        Input::Stdin => {
            let mut buf = Vec::new();
            io::stdin()
                .lock()
                .read_to_end(&mut buf)
                .context("cannot read <stdin>")?;
            buf
        }
        Input::File(p) => fs::read(p).with_context(|| format!("cannot read {}", p.display()))?,
    };
    let forced = match &args.encoding {
        Some(name) => {
            Some(encoding_for_name(name).ok_or_else(|| anyhow!("unknown encoding {name:?}"))?)
        }
        None => None,
    };
    let opts = DecodeOptions {
        encoding: forced,
        lossy: args.lossy,
        fix_mojibake: args.fix_mojibake,
    };
    let decoded = match decode(&bytes, &opts).map_err(|e| anyhow!("{name}: {e}"))? {
        Outcome::Text(d) => d,
        Outcome::Binary(reason) => bail!("{name}: looks binary ({reason}); not cleaned"),
    };
    if decoded.replacements > 0 {
        eprintln!(
            "zhtidy: warning: {name}: {} malformed byte sequence(s) replaced by U+FFFD",
            decoded.replacements
        );
    }
    match &decoded.mojibake {
        Some(m) if m.fixed => eprintln!(
            "zhtidy: note: {name}: mojibake reversed (UTF-8 once read as {})",
            m.from.name()
        ),
        Some(m) => eprintln!(
            "zhtidy: warning: {name}: looks like mojibake (UTF-8 once read as {}); cleaned as it is{}",
            m.from.name(),
            if args.fix_mojibake { " (it cannot be reversed exactly)" } else { " (--fix-mojibake reverses it)" }
        ),
        None => {}
    }
    let text = decoded.text.as_str();

    let tidied = pipeline.run(text);
    if let Some(refusal) = &tidied.strip_refused {
        eprintln!("zhtidy: {name}: strip: {refusal}");
    }
    if args.explain {
        let mut err = io::stderr().lock();
        for r in &tidied.removals {
            writeln!(err, "{name}:{}: {}: {}", r.line, r.rule, r.text)?;
        }
        for c in &tidied.fix_changes {
            writeln!(
                err,
                "{name}:{}:{}: {}: {} → {}",
                c.line, c.column, c.rule, c.from, c.to
            )?;
        }
    }
    let mut out = io::stdout().lock();
    match args.output_format {
        OutputFormat::Text => out
            .write_all(tidied.text.as_bytes())
            .context("cannot write <stdout>")?,
        OutputFormat::Json => {
            let mut json = serde_json::to_string_pretty(&to_json(&name, &decoded, &tidied))?;
            json.push('\n');
            out.write_all(json.as_bytes())
                .context("cannot write <stdout>")?;
        }
    }
    out.flush().context("cannot write <stdout>")
}

fn build_pipeline(args: &TidyArgs) -> Result<Pipeline> {
    let mut builder = Pipeline::builder();
    if !args.no_strip {
        builder = builder.strip(StripOptions {
            disable: args.disable.clone(),
            enable: args.enable.clone(),
            rule_files: args.strip_rules.clone(),
            max_removed_share: args.max_removed_share,
            no_builtin_rules: false,
        });
    } else if !args.disable.is_empty() || !args.enable.is_empty() || !args.strip_rules.is_empty() {
        bail!("--disable, --enable and --strip-rules configure strip, which --no-strip turns off");
    }
    if !args.no_fix {
        builder = builder.fix(FixOptions::default());
    }
    if let Some(to) = args.to {
        builder = builder.convert(target(to), args.from.map(source));
    }
    Ok(builder.build()?)
}

fn target(t: TargetArg) -> Target {
    match t {
        TargetArg::S => Target::S,
        TargetArg::T => Target::T,
        TargetArg::Tw => Target::Tw,
        TargetArg::Twp => Target::Twp,
        TargetArg::Hk => Target::Hk,
        TargetArg::Hkp => Target::Hkp,
        TargetArg::Jp => Target::Jp,
    }
}

fn source(s: SourceArg) -> Source {
    match s {
        SourceArg::S => Source::S,
        SourceArg::T => Source::T,
        SourceArg::Tw => Source::Tw,
        SourceArg::Hk => Source::Hk,
        SourceArg::Jp => Source::Jp,
    }
}

fn to_json(name: &str, d: &Decoded, t: &Tidied<'_>) -> serde_json::Value {
    json!({
        "path": name,
        "encoding": d.encoding.name(),
        "encoding_confidence": d.confidence,
        "text": t.text,
        "removals": t.removals,
        "strip_refused": t.strip_refused.as_ref().map(|r| json!({
            "would_remove": r.would_remove,
            "lines": r.lines,
            "max_share": r.max_share,
            "message": r.to_string(),
        })),
        "fix": {
            "changes": t.fix_changes.iter().map(|c| c.to_json()).collect::<Vec<_>>(),
            "notes": t.fix_notes.iter().map(|n| n.to_json()).collect::<Vec<_>>(),
        },
        "script": t.script.map(|s| s.as_str()),
        "converted_with": t.converted_with,
    })
}

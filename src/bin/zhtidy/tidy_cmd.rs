/*!
The default command, `zhtidy [OPTIONS] [PATH|-]...`: picks what to do —
`--print-config`, `--jsonl` (module `jsonl`), a bulk run with a mode
(module `bulk`), or one article printed to standard output, handled here.

For one article: reads it, runs the pipeline (decode → strip → fix →
convert), prints the result and, with `--explain`, every removal to
standard error as `PATH:LINE: rule-id: text` and every fix as
`PATH:LINE:COLUMN: rule-id: from → to` (positions in the input file).
The input's encoding is detected by the decode stage (or forced with
`--encoding`); bytes it cannot decode are an error naming the file and the
byte offset, binary input is refused. The output is UTF-8. Several paths
or a folder with no mode are a usage error: nothing is written without
`--write` or `--out-dir`.
*/

use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use serde_json::json;
use zhtidy::decode::{decode, DecodeOptions, Decoded, Outcome};
use zhtidy::pipeline::{Pipeline, Tidied};

use crate::args::{TidyArgs, TidyFormat};
use crate::settings::{matches, Resolver};
use crate::{bulk, jsonl};

/// Where the text came from.
enum Input {
    Stdin,
    /// Standard input, named by --stdin-filename.
    Named(PathBuf),
    File(PathBuf),
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_string(),
            Input::File(p) | Input::Named(p) => p.display().to_string(),
        }
    }
}

pub fn run(args: &TidyArgs) -> Result<ExitCode> {
    if args.null && args.files_from.is_none() && !args.list_different {
        bail!("-0 (--null, --print0) separates the paths of --files-from or -l; give one of them");
    }
    let mut resolver = Resolver::new(args)?;
    if args.print_config {
        return print_config(args, &mut resolver);
    }
    let opts = args.decode.options()?;
    if args.jsonl {
        return jsonl::run(args, &mut resolver);
    }
    if let Some(mode) = args.mode() {
        return bulk::run(args, mode, &mut resolver, opts);
    }
    if args.corpus.dedup.is_some() {
        bail!("--dedup compares the documents of a run: give a mode (-o DIR, --check, -l, --diff) or --jsonl");
    }
    if args.corpus.learn_boilerplate {
        bail!("--learn-boilerplate learns from the documents of a run: give a mode (-w, -o DIR, --check, -l, --diff) or --jsonl");
    }
    let stdin = match &args.stdin_filename {
        Some(p) => Input::Named(p.clone()),
        None => Input::Stdin,
    };
    let input = match args.paths.as_slice() {
        _ if args.files_from.is_some() => bail!(
            "--files-from with no mode: pass --write, --check, --diff, -l or --out-dir (nothing is written without --write or --out-dir)"
        ),
        [] if io::stdin().is_terminal() => {
            bail!("no input: give a PATH, or `-` / a pipe for standard input (zhtidy --help)")
        }
        [] => stdin,
        [p] if p.as_os_str() == "-" => stdin,
        [p] if p.is_dir() => bail!(
            "{} is a folder: pass --write, --check, --diff, -l or --out-dir (nothing is written without --write or --out-dir)",
            p.display()
        ),
        [p] => Input::File(p.clone()),
        _ => bail!(
            "{} paths given and no mode: pass --write, --check, --diff, -l or --out-dir (nothing is written without --write or --out-dir)",
            args.paths.len()
        ),
    };
    let config_path = match &input {
        Input::Stdin => PathBuf::from("."),
        Input::File(p) | Input::Named(p) => p.clone(),
    };
    let resolved = resolver.resolve(&config_path)?;
    let excluded = args.force_exclude
        && !matches!(input, Input::Stdin)
        && (matches(&resolved.selection.1, &config_path)
            || !matches(&resolved.selection.0, &config_path)
            || (!args.no_ignore && crate::ignored::IgnoreFiles::default().excludes(&config_path)));
    let pipeline = resolved.pipeline;
    run_single(args, &input, &pipeline, &opts, excluded)?;
    Ok(ExitCode::SUCCESS)
}

/// One article to standard output (the default with one PATH or `-`).
fn run_single(
    args: &TidyArgs,
    input: &Input,
    pipeline: &Pipeline,
    opts: &DecodeOptions,
    excluded: bool,
) -> Result<()> {
    let name = input.name();
    let bytes = match &input {
        Input::Stdin | Input::Named(_) => {
            let mut buf = Vec::new();
            io::stdin()
                .lock()
                .read_to_end(&mut buf)
                .context("cannot read <stdin>")?;
            buf
        }
        Input::File(p) => zhtidy::decode::read_file(p)?,
    };
    if excluded {
        // --force-exclude and an excluded path: pass the input through.
        let mut out = io::stdout().lock();
        out.write_all(&bytes).context("cannot write <stdout>")?;
        return out.flush().context("cannot write <stdout>");
    }
    let decoded = match decode(&bytes, opts)
        .map_err(|e| anyhow!("{name}: {}", crate::outcome::decode_error(&e)))?
    {
        Outcome::Text(d) => d,
        Outcome::Binary(reason) => bail!("{name}: looks binary ({reason}); not cleaned"),
    };
    if decoded.replacements > 0 {
        eprintln!(
            "zhtidy: warning: {name}: {} malformed byte sequence(s) replaced by U+FFFD",
            decoded.replacements
        );
    }
    if let Some(m) = &decoded.mojibake {
        let note = crate::outcome::mojibake_note(m, args.decode.fix_mojibake);
        let level = if m.fixed { "note" } else { "warning" };
        eprintln!("zhtidy: {level}: {name}: {note}");
    }
    if let Some(note) = crate::outcome::damage_note(&decoded.damage) {
        eprintln!("zhtidy: warning: {name}: {note}");
    }
    let text = decoded.text.as_str();

    let tidied = pipeline
        .run_within(text, args.budget()?)
        .map_err(|e| anyhow!("{name}: {}", crate::outcome::over_budget(e)))?;
    if let Some(refusal) = &tidied.strip_refused {
        eprintln!("zhtidy: {name}: strip: {refusal}");
    }
    if args.explain {
        let mut err = io::stderr().lock();
        // Each damaged line with its own kind and counts.
        for (i, line) in decoded.text.lines().enumerate() {
            if decoded.damage.lines.binary_search(&(i + 1)).is_ok() {
                if let Some(kind) = zhtidy::decode::Damage::find(line).kind() {
                    writeln!(err, "{name}:{}: {kind}", i + 1)?;
                }
            }
        }
        if tidied.converted {
            let c = crate::changes::ChangeRecord::convert(&tidied.converted_with);
            writeln!(err, "{}", c.explain_line(&name))?;
        }
        for c in crate::changes::records_of(text, &tidied) {
            writeln!(err, "{}", c.explain_line(&name))?;
        }
    }
    let mut out = io::stdout().lock();
    match args.output_format {
        TidyFormat::Text | TidyFormat::Github => out
            .write_all(tidied.text.as_bytes())
            .context("cannot write <stdout>")?,
        TidyFormat::Json | TidyFormat::Jsonl => {
            let value = to_json(&name, &decoded, &tidied);
            let mut json = if args.output_format == TidyFormat::Json {
                serde_json::to_string_pretty(&value)?
            } else {
                serde_json::to_string(&value)?
            };
            json.push('\n');
            out.write_all(json.as_bytes())
                .context("cannot write <stdout>")?;
        }
    }
    out.flush().context("cannot write <stdout>")
}

fn print_config(args: &TidyArgs, resolver: &mut Resolver<'_>) -> Result<ExitCode> {
    let path = match args.paths.as_slice() {
        [] => args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from(".")),
        [p] => p.clone(),
        _ => bail!("--print-config takes at most one PATH"),
    };
    let (settings, config) = resolver.settings_for(&path)?;
    let mut out = io::stdout().lock();
    match &config {
        Some(c) => writeln!(
            out,
            "# settings for {} from {}",
            path.display(),
            c.path.display()
        )?,
        None => writeln!(
            out,
            "# settings for {} (no configuration file)",
            path.display()
        )?,
    }
    out.write_all(toml::to_string(&settings)?.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn to_json(name: &str, d: &Decoded, t: &Tidied<'_>) -> serde_json::Value {
    json!({
        "path": name,
        "encoding": d.encoding.name(),
        "encoding_confidence": d.confidence,
        "mojibake": d.mojibake.as_ref().map(|m| json!({
            "kind": m.kind(),
            "fixed": m.fixed,
            "lines": m.lines,
        })),
        "damage": d.damage.kind().map(|kind| json!({
            "kind": kind,
            "fffd": d.damage.fffd,
            "kunkao": d.damage.kunkao,
            "tang": d.damage.tang,
            "tun": d.damage.tun,
            "question": d.damage.question,
            "lines": d.damage.lines,
        })),
        "text": t.text,
        // Family ids in the one style reports use (kebab-case).
        "removals": t.removals.iter().map(|r| {
            let mut v = json!(r);
            v["family"] = json!(crate::rules_cmd::kebab(&r.family));
            v
        }).collect::<Vec<_>>(),
        "strip_refused": t.strip_refused.as_ref().map(|r| json!({
            "would_remove": r.would_remove,
            "lines": r.lines,
            "would_remove_chars": r.would_remove_chars,
            "prose_chars": r.prose_chars,
            "max_share": r.max_share,
            "message": r.to_string(),
        })),
        "fix": {
            // The script of the input and of its paragraphs that differ
            // from it, as `zhtidy detect --script` decides it.
            "script": zhtidy::fix::detect_script(&d.text).to_json(false),
            "changes": t.fix_changes.iter().map(|c| c.to_json()).collect::<Vec<_>>(),
            "notes": t.fix_notes.iter().map(|n| n.to_json()).collect::<Vec<_>>(),
        },
        "script": t.script.map(|s| s.as_str()),
        "converted_with": t.converted_with,
    })
}

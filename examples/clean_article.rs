//! Cleans one article with the library, as the `zhtidy` command does for a
//! file: decode the bytes, run the pipeline, explain every removal and
//! every glyph change, and (with `--write`) replace the file safely.
//!
//! ```text
//! cargo run --example clean_article                   # the bundled sample
//! cargo run --example clean_article -- FILE [--to tw] [--write]
//! ```
//!
//! The cleaned text goes to standard output and the explanations to
//! standard error. `--write` puts the text back in the file's own encoding
//! instead, and only when the encoding was detected with enough confidence
//! to be sure of it.

use std::path::PathBuf;
use std::process::ExitCode;

use zhtidy::decode::{self, DecodeOptions, Outcome, WRITE_CONFIDENCE};
use zhtidy::fix::FixOptions;
use zhtidy::pipeline::{Pipeline, Target};
use zhtidy::strip::StripOptions;
use zhtidy::write::{self, ReplaceOptions, Replaced};

/// What the command line asked for.
struct Args {
    path: PathBuf,
    target: Option<Target>,
    write: bool,
}

fn main() -> ExitCode {
    match parse_args().and_then(|args| clean(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("clean_article: {message}");
            ExitCode::from(2)
        }
    }
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        path: PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/reposted-article.zh-Hant.txt"
        )),
        target: None,
        write: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--write" => args.write = true,
            "--to" => {
                let name = it.next().ok_or("--to needs a target (s, t, tw, hk…)")?;
                args.target = Some(name.parse().map_err(|e| format!("--to {name}: {e}"))?);
            }
            _ if arg.starts_with('-') => return Err(format!("unknown option {arg}")),
            _ => args.path = PathBuf::from(arg),
        }
    }
    Ok(args)
}

fn clean(args: &Args) -> Result<(), String> {
    let name = args.path.display();
    let bytes = std::fs::read(&args.path).map_err(|e| format!("cannot read {name}: {e}"))?;
    let decoded = match decode::decode(&bytes, &DecodeOptions::default()) {
        Ok(Outcome::Text(decoded)) => decoded,
        Ok(Outcome::Binary(why)) => return Err(format!("{name} is not text ({why:?})")),
        Err(e) => return Err(format!("{name}: {e}")),
    };

    // Building validates every rule and conversion config once; a program
    // that cleans many documents builds one pipeline and shares it.
    let mut builder = Pipeline::builder()
        .strip(StripOptions::default())
        .fix(FixOptions::default());
    if let Some(target) = args.target {
        builder = builder.convert(target, None);
    }
    let pipeline = builder.build().map_err(|e| e.to_string())?;
    let tidied = pipeline.run(&decoded.text);

    for removal in &tidied.removals {
        eprintln!(
            "{name}:{}: removed ({}): {}",
            removal.line, removal.rule, removal.text
        );
    }
    for change in &tidied.fix_changes {
        eprintln!(
            "{name}:{}:{}: {} → {} ({})",
            change.line, change.column, change.from, change.to, change.rule
        );
    }
    if !tidied.converted_with.is_empty() {
        eprintln!(
            "{name}: converted with {}",
            tidied.converted_with.join(" + ")
        );
    }

    if !args.write {
        print!("{}", tidied.text);
        return Ok(());
    }
    // A guessed encoding below this confidence could be wrong, and writing
    // the text back in a wrong encoding would garble the whole file.
    if decoded.confidence < WRITE_CONFIDENCE {
        return Err(format!(
            "{name}: the encoding ({}) is a guess of confidence {:.2}; not rewriting it",
            decoded.encoding.name(),
            decoded.confidence
        ));
    }
    let out = write::encode(&tidied.text, decoded.encoding, decoded.bom)
        .map_err(|e| format!("{name}: {e}"))?;
    // The replacement keeps the file's owner, mode and extended attributes,
    // and is refused if the file changed since it was read.
    let opts = ReplaceOptions {
        read_before: Some(&bytes),
        ..ReplaceOptions::default()
    };
    match write::replace_file(&args.path, &out, opts).map_err(|e| e.to_string())? {
        Replaced::Unchanged => eprintln!("{name}: already clean"),
        Replaced::Written => eprintln!("{name}: rewritten"),
    }
    Ok(())
}

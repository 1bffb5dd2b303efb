/*!
`zhtidy convert`: OpenCC-compatible conversion.

Input in any encoding the decode stage knows is decoded first; output is
UTF-8 without a BOM unless `--output-encoding source` asks for the input's
own encoding (BOM kept; a character it cannot hold is an error, never a
numeric character reference). Large BOM-less UTF-8 input (the usual case) is streamed
in bounded memory: when the first [`PEEK`] bytes are valid UTF-8 and the
input goes on, the rest is streamed and checked as UTF-8 (an invalid byte
later on is an error with its offset, and the output file is left
untouched). Everything else is read whole and goes through detection.

An existing output file is replaced as `--write` replaces a file
(`zhtidy::write::AtomicFile::create_or_replace`): it keeps its owner, mode
and extended attributes, a read-only file or one with other hard links is
refused, and a symbolic link is written through, as a shell's `>` would.
So `convert -i f -o f` behaves like `--write` on `f`, down to leaving an
edit made while it runs in place (the file must be as it was when the
input was opened).
*/

use std::io::{self, BufWriter, Read, Write};

use anyhow::{anyhow, bail, Context, Result};
use zhtidy::convert::stream::{convert_stream, StreamError};
use zhtidy::convert::{Converter, ConverterBuilder};
use zhtidy::decode::{decode, Outcome};
use zhtidy::write::{AtomicFile, FileStamp, ReplaceOptions};

/// How much input is looked at before deciding to stream it as UTF-8.
const PEEK: usize = 1 << 20;

use crate::args::{ConvertArgs, Engine, OutputEncoding};

pub fn run(args: &ConvertArgs) -> Result<()> {
    if args.engine == Engine::Libopencc {
        return libopencc(args);
    }
    let mut builder = ConverterBuilder::new().include_tofu_risk(!args.no_tofu_risk);
    for dict in &args.dicts {
        builder = builder.user_dict_file(dict)?;
    }
    let converter = builder.build(&args.config)?;

    let input_name = args
        .input
        .as_ref()
        .map_or_else(|| "<stdin>".to_string(), |p| p.display().to_string());
    let mut input_stamp = None;
    let mut reader: Box<dyn Read> = match &args.input {
        Some(path) => {
            let file = zhtidy::decode::open_file(path)?;
            input_stamp = file.metadata().ok().map(|m| FileStamp::of(&m));
            Box::new(file)
        }
        None => Box::new(io::stdin().lock()),
    };
    let opts = args.decode.options()?;
    let forced = opts.encoding;
    let mut head = Vec::new();
    (&mut reader)
        .take(PEEK as u64 + 1)
        .read_to_end(&mut head)
        .with_context(|| format!("cannot read {input_name}"))?;
    let more = head.len() > PEEK;
    let streamable = !args.decode.fix_mojibake
        && args.decode.output_encoding == OutputEncoding::Utf8
        && match forced {
            Some(enc) => {
                enc == encoding_rs::UTF_8
                    && !args.decode.lossy
                    && encoding_rs::Encoding::for_bom(&head).is_none()
            }
            None => more && !args.decode.lossy && looks_like_plain_utf8(&head),
        };
    if streamable {
        let reader = io::Cursor::new(head).chain(reader);
        return convert_to_output(args, &converter, reader, &input_name, input_stamp);
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
    write_output(args, &bytes, input_stamp)
}

/// The output file, replacing an existing one as `--write` would. When it
/// is the input itself (`-i f -o f`), it must still be as it was when the
/// input was opened: an edit made while it was read is kept.
fn open_output(path: &std::path::Path, input: Option<FileStamp>) -> Result<AtomicFile> {
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

fn write_output(args: &ConvertArgs, bytes: &[u8], input: Option<FileStamp>) -> Result<()> {
    match &args.output {
        None => io::stdout()
            .lock()
            .write_all(bytes)
            .context("cannot write <stdout>"),
        Some(path) => {
            let mut file = open_output(path, input)?;
            file.write_all(bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(file.commit()?)
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
    args: &ConvertArgs,
    converter: &Converter,
    reader: impl Read,
    input_name: &str,
    input: Option<FileStamp>,
) -> Result<()> {
    match &args.output {
        None => {
            let stdout = io::stdout().lock();
            let result =
                convert_stream(converter, reader, BufWriter::with_capacity(1 << 16, stdout));
            finish(result, input_name, "<stdout>")
        }
        Some(path) => {
            let file = open_output(path, input)?;
            let mut writer = BufWriter::with_capacity(1 << 16, file);
            let result = convert_stream(converter, reader, &mut writer);
            finish(result, input_name, &path.display().to_string())?;
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

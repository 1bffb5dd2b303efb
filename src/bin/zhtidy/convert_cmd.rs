/*!
`zhtidy convert`: OpenCC-compatible conversion, streamed.
*/

use std::fs::File;
#[cfg(feature = "libopencc")]
use std::io::Write;
use std::io::{self, BufWriter, Read};

use anyhow::{bail, Context, Result};
use zhtidy::convert::stream::{convert_stream, StreamError};
use zhtidy::convert::ConverterBuilder;
use zhtidy::write::AtomicFile;

use crate::args::{ConvertArgs, Engine};

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
    let reader: Box<dyn Read> = match &args.input {
        Some(path) => {
            Box::new(File::open(path).with_context(|| format!("cannot open {}", path.display()))?)
        }
        None => Box::new(io::stdin().lock()),
    };
    match &args.output {
        None => {
            let stdout = io::stdout().lock();
            let result = convert_stream(
                &converter,
                reader,
                BufWriter::with_capacity(1 << 16, stdout),
            );
            finish(result, &input_name, "<stdout>")
        }
        Some(path) => {
            let file = AtomicFile::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut writer = BufWriter::with_capacity(1 << 16, file);
            let result = convert_stream(&converter, reader, &mut writer);
            finish(result, &input_name, &path.display().to_string())?;
            let file = writer.into_inner().map_err(|e| e.into_error())?;
            file.commit()
                .with_context(|| format!("cannot replace {}", path.display()))
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
        Some(p) => File::open(p)
            .and_then(|mut f| f.read_to_end(&mut input))
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
            let mut f = AtomicFile::create(path)?;
            f.write_all(out.as_bytes())?;
            f.commit()
                .with_context(|| format!("cannot replace {}", path.display()))
        }
    }
}

#[cfg(not(feature = "libopencc"))]
fn libopencc(_: &ConvertArgs) -> Result<()> {
    bail!("this zhtidy was built without the `libopencc` feature; rebuild with `cargo build --features libopencc`")
}

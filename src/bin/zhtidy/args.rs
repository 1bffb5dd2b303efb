/*!
Command-line definitions (clap derive). No I/O happens here.
*/

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Turns scraped Chinese articles into clean text.
#[derive(Debug, Parser)]
#[command(name = "zhtidy", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert between Traditional and Simplified Chinese exactly as OpenCC
    /// 1.4.2 does (a drop-in for `opencc -c`).
    Convert(ConvertArgs),
    /// Detect the encoding of files: one `PATH<TAB>ENCODING<TAB>CONFIDENCE`
    /// line each (plus `<TAB>mojibake:FROM` when UTF-8 text holds
    /// mojibake). Exit 2 if a file cannot be read.
    Detect(DetectArgs),
}

#[derive(Debug, clap::Args)]
pub struct DetectArgs {
    /// Files to inspect; `-` is standard input (the default).
    #[arg(value_name = "PATH|-")]
    pub paths: Vec<std::ffi::OsString>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Tab-separated lines.
    Text,
    /// One JSON array.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// A bundled config (s2t t2s s2tw tw2s s2hk hk2s s2twp tw2sp s2hkp
    /// hk2sp t2tw tw2t t2hk hk2t t2jp jp2t, with or without `.json`) or the
    /// path of an OpenCC JSON config whose dictionaries are text files.
    #[arg(short, long, value_name = "NAME|PATH", default_value = "s2t")]
    pub config: String,

    /// Input file (default: standard input).
    #[arg(short, long, value_name = "FILE")]
    pub input: Option<PathBuf>,

    /// Output file, replaced atomically (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// A dictionary of your own (`from<TAB>to` per line) whose matches win
    /// over the config: what it maps is emitted as given and not converted
    /// further. Repeatable; earlier files win.
    #[arg(long = "dict", value_name = "FILE")]
    pub dicts: Vec<PathBuf>,

    /// Leave out dictionaries marked `may_output_tofu` (characters many
    /// fonts lack), as the `opencc` Python command line does by default.
    #[arg(long)]
    pub no_tofu_risk: bool,

    /// Decode the input with this encoding (utf-8, gbk, gb18030, big5,
    /// utf-16le, utf-16be, windows-1252, …) instead of detecting it. Bytes
    /// malformed for it are an error naming the byte offset.
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,

    /// Accept malformed input bytes, replacing each by U+FFFD (the count is
    /// reported on standard error).
    #[arg(long)]
    pub lossy: bool,

    /// Reverse mojibake (UTF-8 text once decoded as GBK, Big5 or
    /// windows-1252) when the reversal round-trips exactly.
    #[arg(long)]
    pub fix_mojibake: bool,

    /// Encoding of the output: UTF-8 without BOM, or the input's own
    /// encoding (BOM kept); a character it cannot hold is an error.
    #[arg(long, value_enum, default_value_t = OutputEncoding::Utf8)]
    pub output_encoding: OutputEncoding,

    /// Which conversion engine to use.
    #[arg(long, value_enum, default_value_t = Engine::Builtin)]
    pub engine: Engine,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputEncoding {
    /// UTF-8 without a byte order mark.
    #[value(name = "utf-8")]
    Utf8,
    /// The encoding the input was detected (or forced) in.
    Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// Pure Rust, OpenCC 1.4.2 dictionaries compiled in.
    Builtin,
    /// The system's C++ libopencc (needs the `libopencc` cargo feature);
    /// its dictionaries are those of the installed version, not 1.4.2.
    Libopencc,
}

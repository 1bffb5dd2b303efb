/*!
Command-line definitions (clap derive). No I/O happens here.
*/

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Turns scraped Chinese articles into clean text.
///
/// Without a subcommand, cleans one article: decode → strip → fix
/// (→ convert with --to) and prints the result.
#[derive(Debug, Parser)]
#[command(
    name = "zhtidy",
    version,
    about,
    propagate_version = true,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub tidy: TidyArgs,
}

/// The default command: the cleaning pipeline.
#[derive(Debug, clap::Args)]
pub struct TidyArgs {
    /// The article to clean; `-` or nothing (with piped input) reads
    /// standard input. The result goes to standard output.
    #[arg(value_name = "PATH|-")]
    pub paths: Vec<PathBuf>,

    /// Decode the input with this encoding (utf-8, gbk, gb18030, big5,
    /// utf-16le, …) instead of detecting it.
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

    /// Do not remove boilerplate.
    #[arg(long)]
    pub no_strip: bool,

    /// Do not repair stray glyphs, scraping artifacts and punctuation (the
    /// fix stage).
    #[arg(long)]
    pub no_fix: bool,

    /// Convert to this script after cleaning; the OpenCC config is chosen
    /// from the script the text is written in (see --from).
    #[arg(long, value_enum, value_name = "TARGET")]
    pub to: Option<TargetArg>,

    /// What the input is written in, instead of detecting it.
    #[arg(long, value_enum, value_name = "SCRIPT", requires = "to")]
    pub from: Option<SourceArg>,

    /// Print every removal to standard error as `PATH:LINE: rule-id: text`,
    /// and every fix as `PATH:LINE:COLUMN: rule-id: from → to`.
    #[arg(long)]
    pub explain: bool,

    /// `text` prints the cleaned text; `json` prints one object with the
    /// text, the removals and what was detected.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,

    /// An extra boilerplate rule file (TOML, same schema as the shipped
    /// ones). Repeatable.
    #[arg(long = "strip-rules", value_name = "FILE")]
    pub strip_rules: Vec<PathBuf>,

    /// Turn off a boilerplate rule or a whole family, by id. Repeatable.
    #[arg(long, value_name = "RULE")]
    pub disable: Vec<String>,

    /// Turn on a rule or family that is off by default (e.g.
    /// header-editor-note). Repeatable.
    #[arg(long, value_name = "RULE")]
    pub enable: Vec<String>,

    /// If strip would remove more than this share of the non-blank lines,
    /// it keeps the document unchanged and says so.
    #[arg(long, value_name = "SHARE", default_value_t = 0.5)]
    pub max_removed_share: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    /// Simplified.
    S,
    /// Traditional (OpenCC standard).
    T,
    /// Taiwan standard.
    Tw,
    /// Taiwan standard with Taiwanese phrases.
    Twp,
    /// Hong Kong standard.
    Hk,
    /// Hong Kong standard with phrases.
    Hkp,
    /// Japanese Shinjitai.
    Jp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceArg {
    /// Simplified.
    S,
    /// Traditional (OpenCC standard).
    T,
    /// Taiwan standard.
    Tw,
    /// Hong Kong standard.
    Hk,
    /// Japanese Shinjitai.
    Jp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Plain text: the cleaned text (for `detect`, tab-separated lines).
    Text,
    /// JSON: the text with removals, fixes and what was detected (for
    /// `detect`, one array).
    Json,
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

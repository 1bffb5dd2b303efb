/*!
Command-line definitions (clap derive). No I/O happens here.
*/

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Turns scraped Chinese articles into clean text.
///
/// Without a subcommand, cleans articles: decode → strip → fix (→ convert
/// with --to). One file (or standard input) with no mode prints the result;
/// folders and several files need a mode: --write, --check, --diff, -l or
/// --out-dir. Exit status: 0 fine, 1 changes found (--check, --diff, -l),
/// 2 usage, configuration, read, decode or write error.
#[derive(Debug, Parser)]
#[command(
    name = "zhtidy",
    version,
    about,
    propagate_version = true,
    args_conflicts_with_subcommands = true,
    after_help = EXAMPLES,
    after_long_help = EXAMPLES_LONG
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub tidy: TidyArgs,

    /// Print a completion script for this shell and exit.
    #[arg(
        long,
        value_name = "SHELL",
        help_heading = "Other",
        hide_short_help = true
    )]
    pub generate_shell_completion: Option<clap_complete::Shell>,

    /// Print the man page (roff) and exit.
    #[arg(long, help_heading = "Other", hide_short_help = true)]
    pub generate_man: bool,

    /// Print the command reference (Markdown, as in docs/cli.md) and exit.
    #[arg(long, hide = true)]
    pub generate_cli_reference: bool,
}

/// Shown after `-h`.
const EXAMPLES: &str = "\
Examples:
  zhtidy article.txt                        print the cleaned article
  zhtidy -w corpus/                         clean every text file under corpus/ in place
  zhtidy --check .                          list the files that would change (exit 1 if any)
  zhtidy --diff --explain .                 show each change and the rule that made it
  zhtidy --jsonl --field text < data.jsonl  clean the `text` field of every line
  zhtidy rules                              list the rule ids --disable and --enable take

-h shows the common options; --help shows every option.";

/// Shown after `--help`.
const EXAMPLES_LONG: &str = "\
Examples:
  zhtidy article.txt                        print the cleaned article
  zhtidy -w corpus/                         clean every text file under corpus/ in place
  zhtidy --check .                          list the files that would change (exit 1 if any)
  zhtidy --diff --explain .                 show each change and the rule that made it
  zhtidy --jsonl --field text < data.jsonl  clean the `text` field of every line
  zhtidy --jsonl --field meta.text -w *.jsonl
                                            clean a nested field of JSON Lines files in place
  zhtidy --to tw -o out/ corpus/            cleaned Taiwan-standard copies in out/
  zhtidy rules                              list the rule ids --disable and --enable take
  zhtidy convert -c s2t < in.txt            convert exactly as OpenCC does
  tail -f log | zhtidy convert -c s2t       convert each line as it arrives
  zhtidy detect --script *.txt              the encoding and script of each file

Exit status: 0 fine, 1 changes found (--check, --diff, -l), 2 error.";

/// The default command: the cleaning pipeline.
#[derive(Debug, clap::Args)]
pub struct TidyArgs {
    /// Files or folders to clean; `-` or nothing (with piped input) reads
    /// standard input. Folders are walked (.gitignore, .ignore and
    /// .zhtidyignore respected).
    #[arg(value_name = "PATH|-")]
    pub paths: Vec<PathBuf>,

    /// Rewrite changed files in place (atomically, permissions kept;
    /// unchanged files are not touched).
    #[arg(short, long, group = "mode", help_heading = "Mode")]
    pub write: bool,

    /// Write nothing; list the files that would change and exit 1 if any.
    #[arg(long, group = "mode", help_heading = "Mode")]
    pub check: bool,

    /// Write nothing; print a unified diff of each file that would change
    /// and exit 1 if any.
    #[arg(long, group = "mode", help_heading = "Mode")]
    pub diff: bool,

    /// Write nothing; print only the paths of files that would change and
    /// exit 1 if any.
    #[arg(short = 'l', long, group = "mode", help_heading = "Mode")]
    pub list_different: bool,

    /// Write a cleaned copy of every text file into DIR, mirroring the
    /// input tree; the inputs are left alone.
    #[arg(
        short = 'o',
        long,
        value_name = "DIR",
        group = "mode",
        help_heading = "Mode"
    )]
    pub out_dir: Option<PathBuf>,

    /// Input is JSON Lines (standard input, or the files named): clean the
    /// --field(s) of each object, keep everything else, one line out per
    /// line in, same order. Without a mode the lines go to standard
    /// output; --write rewrites changed files in place, --out-dir writes
    /// DIR/NAME, --check and -l name the files that would change.
    #[arg(long, help_heading = "JSON Lines")]
    pub jsonl: bool,

    /// A field to clean in --jsonl mode (repeatable; default `text`); a
    /// dotted path reaches into nested objects (`meta.text`; `\.` is a
    /// dot inside a key).
    #[arg(
        long = "field",
        value_name = "NAME",
        requires = "jsonl",
        help_heading = "JSON Lines"
    )]
    pub fields: Vec<String>,

    /// What a malformed line does in --jsonl mode: `fail` stops with exit
    /// 2, `skip` drops it, `keep` passes it through unchanged (both warn).
    #[arg(long, value_enum, default_value_t = OnError::Fail, help_heading = "JSON Lines", hide_short_help = true)]
    pub on_error: OnError,

    /// In --jsonl mode, add to each object a field NAME holding what was
    /// done: {"changed", "removals", "fixes"}. An object that already has
    /// NAME is an error, and NAME may not be a --field.
    #[arg(
        hide_short_help = true,
        long,
        value_name = "NAME",
        requires = "jsonl",
        help_heading = "JSON Lines"
    )]
    pub report_field: Option<String>,

    /// The path standard input stands for: picks its configuration and
    /// exclusions, and names it in messages.
    #[arg(
        hide_short_help = true,
        long,
        value_name = "PATH",
        alias = "stdin-filepath",
        help_heading = "Files"
    )]
    pub stdin_filename: Option<PathBuf>,

    /// Read the paths to clean from FILE (`-`: standard input), one per
    /// line (NUL-separated with -0).
    #[arg(
        long,
        value_name = "FILE|-",
        help_heading = "Files",
        hide_short_help = true
    )]
    pub files_from: Option<PathBuf>,

    /// Paths are NUL-separated: those read by --files-from (as `find
    /// -print0` writes) and those -l prints (exactly, as bytes).
    #[arg(
        short = '0',
        long,
        alias = "print0",
        help_heading = "Files",
        hide_short_help = true
    )]
    pub null: bool,

    /// Which files in folders are cleaned (glob on the file name or
    /// relative path; repeatable). Replaces the default: *.txt *.text *.md
    /// *.markdown.
    #[arg(long, value_name = "GLOB", help_heading = "Files")]
    pub include: Vec<String>,

    /// Paths never cleaned (gitignore-style globs; repeatable). Replaces the
    /// default list (.git, node_modules, target, .venv, …).
    #[arg(long, value_name = "GLOB", help_heading = "Files")]
    pub exclude: Vec<String>,

    /// Like --exclude, but adds to the default list.
    #[arg(
        long,
        value_name = "GLOB",
        help_heading = "Files",
        hide_short_help = true
    )]
    pub extend_exclude: Vec<String>,

    /// Apply --include/--exclude (and the config's) to paths named on the
    /// command line too, as pre-commit hooks need.
    #[arg(long, help_heading = "Files")]
    pub force_exclude: bool,

    /// Walk hidden files and folders too.
    #[arg(long, help_heading = "Files", hide_short_help = true)]
    pub hidden: bool,

    /// Do not read .gitignore, .ignore or .zhtidyignore files.
    #[arg(long, help_heading = "Files", hide_short_help = true)]
    pub no_ignore: bool,

    /// Use this configuration file for every file (instead of the closest
    /// zhtidy.toml, .zhtidy.toml or pyproject.toml [tool.zhtidy]).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "isolated",
        help_heading = "Configuration"
    )]
    pub config: Option<PathBuf>,

    /// Ignore all configuration files.
    #[arg(long, help_heading = "Configuration", hide_short_help = true)]
    pub isolated: bool,

    /// Print the settings that apply to PATH (default: the current folder)
    /// and the file they come from, then exit.
    #[arg(long, help_heading = "Configuration", hide_short_help = true)]
    pub print_config: bool,

    /// Give up on a file (with --jsonl, a record) that takes longer than
    /// this to clean: it becomes an error naming it, is left as it was, and
    /// the run goes on (0: no limit).
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 60.0,
        help_heading = "Files",
        hide_short_help = true
    )]
    pub file_timeout: f64,

    /// Give up on a file (with --jsonl, a record) whose cleaning holds more
    /// than this much memory at once, in MiB: it becomes an error naming
    /// it, is left as it was, and the run goes on (0: no limit).
    #[arg(
        long,
        value_name = "MIB",
        default_value_t = 2048,
        help_heading = "Files",
        hide_short_help = true
    )]
    pub file_memory_limit: u64,

    /// Give up on a file after this many steps of work (a machine-independent
    /// stand-in for --file-timeout, for tests).
    #[arg(long, value_name = "N", hide = true)]
    pub file_work_limit: Option<u64>,

    /// Worker threads (default: all cores).
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        help_heading = "Output",
        hide_short_help = true
    )]
    pub threads: Option<usize>,

    /// When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured
    /// with `auto`).
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, help_heading = "Output", hide_short_help = true)]
    pub color: ColorArg,

    /// After a bulk run, print on standard error how many changes each
    /// rule and each family made (most first).
    #[arg(long, help_heading = "Output")]
    pub statistics: bool,

    /// With --write or --out-dir, exit 1 when any file changed (as --check
    /// does), so that CI fails on a fix.
    #[arg(long, help_heading = "Mode")]
    pub exit_non_zero_on_fix: bool,

    /// Print only errors.
    #[arg(short, long, conflicts_with = "verbose", help_heading = "Output")]
    pub quiet: bool,

    /// Also report unchanged and skipped files (repeatable).
    #[arg(short, long, action = clap::ArgAction::Count, help_heading = "Output")]
    pub verbose: u8,

    /// How input is decoded and output encoded.
    #[command(flatten)]
    pub decode: DecodeArgs,

    /// Near-duplicates across the documents of a run.
    #[command(flatten)]
    pub corpus: crate::corpus::CorpusArgs,

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
    #[arg(
        long,
        value_enum,
        value_name = "SCRIPT",
        requires = "to",
        hide_short_help = true
    )]
    pub from: Option<SourceArg>,

    /// Print every removal to standard error as `PATH:LINE: rule-id: text`,
    /// and every fix as `PATH:LINE:COLUMN: rule-id: from → to`.
    #[arg(long)]
    pub explain: bool,

    /// For one file printed to standard output: `text` is the cleaned
    /// text, `json` one object with the text, the removals and what was
    /// detected. With a mode: one report per file (path, encoding, changed,
    /// removals, fixes, error) as text, a JSON array, JSON Lines, or GitHub
    /// workflow annotations.
    #[arg(long, value_enum, default_value_t = TidyFormat::Text, help_heading = "Output")]
    pub output_format: TidyFormat,

    /// An extra boilerplate rule file (TOML, same schema as the shipped
    /// ones). Repeatable.
    #[arg(long = "strip-rules", value_name = "FILE", hide_short_help = true)]
    pub strip_rules: Vec<PathBuf>,

    /// Turn off a boilerplate rule or family, or a fix rule (zero-width,
    /// stray-glyph, …), by id. Repeatable.
    #[arg(long, value_name = "RULE")]
    pub disable: Vec<String>,

    /// Normalize Traditional variant characters to this standard (fix
    /// stage).
    #[arg(long, value_enum, value_name = "STANDARD", hide_short_help = true)]
    pub variants: Option<VariantsArg>,

    /// A term no fix rule touches (a name, a brand). Repeatable.
    #[arg(long, value_name = "TERM", hide_short_help = true)]
    pub protect: Vec<String>,

    /// Turn on a rule or family that is off by default (e.g.
    /// header-editor-note). Repeatable.
    #[arg(long, value_name = "RULE")]
    pub enable: Vec<String>,

    /// If strip would remove more than this share of the article's prose
    /// characters (or every line), it keeps the document unchanged and
    /// says so.
    #[arg(long, value_name = "SHARE", hide_short_help = true)]
    pub max_removed_share: Option<f64>,
}

impl TidyArgs {
    /// What one file may take (`--file-timeout`, `--file-memory-limit`,
    /// `--file-work-limit`).
    pub fn budget(&self) -> anyhow::Result<zhtidy::budget::Budget> {
        let secs = self.file_timeout;
        if !secs.is_finite() || secs < 0.0 {
            anyhow::bail!("--file-timeout takes a number of seconds, 0 or more (0: no limit)");
        }
        let mib = self.file_memory_limit;
        Ok(zhtidy::budget::Budget {
            time: (secs > 0.0).then(|| std::time::Duration::from_secs_f64(secs)),
            ticks: self.file_work_limit,
            memory: (mib > 0).then(|| mib.saturating_mul(1 << 20)),
        })
    }

    /// The mode chosen, if any.
    pub fn mode(&self) -> Option<Mode> {
        if self.write {
            Some(Mode::Write)
        } else if self.check {
            Some(Mode::Check)
        } else if self.diff {
            Some(Mode::Diff)
        } else if self.list_different {
            Some(Mode::List)
        } else {
            self.out_dir.clone().map(Mode::OutDir)
        }
    }
}

/// What a bulk run does with each file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
    Diff,
    List,
    OutDir(PathBuf),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TidyFormat {
    /// Human-readable (or the cleaned text, for one file to stdout).
    Text,
    /// JSON.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// GitHub Actions workflow annotations.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnError {
    Fail,
    Skip,
    Keep,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VariantsArg {
    /// Taiwan (爲 → 為, 裏 → 裡).
    Tw,
    /// Hong Kong (爲 → 為, 裏 stays).
    Hk,
    /// OpenCC's own standard.
    Opencc,
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
    /// Lines for people.
    Text,
    /// One JSON document.
    Json,
}

/// `detect`'s output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DetectFormat {
    /// One tab-separated line per file: `PATH ENCODING CONFIDENCE` (with
    /// --script: `PATH SCRIPT traditional-only:N simplified-only:M`).
    Text,
    /// One JSON array with a record per file.
    Json,
    /// One JSON record per line, each printed as soon as its file is read.
    Jsonl,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert between Traditional and Simplified Chinese exactly as OpenCC
    /// 1.4.2 does.
    ///
    /// A drop-in for `opencc -c`: the same configs, the same output.
    Convert(ConvertArgs),
    /// Detect the encoding of files (with --script, the script they are
    /// written in).
    ///
    /// One line per file: PATH, ENCODING and CONFIDENCE separated by tabs,
    /// plus a tab and `mojibake:KIND` when UTF-8 text holds mojibake
    /// (`utf-8>latin-1`, `utf-8>gbk:lines=3`) and `damaged:KIND=N` for
    /// characters already lost (`fffd=12`); with --script, the script they
    /// are written in. Exit 2 if a file cannot be read.
    Detect(DetectArgs),
    /// List every rule and family: id, family, zones, on or off by
    /// default, and an example (the ids --disable and --enable take).
    Rules(RulesArgs),
    /// Find the same article reposted, trimmed or converted to the other
    /// script: one JSON line per cluster of near-duplicates (MinHash over
    /// script-folded character shingles). Exit 2 if a document cannot be
    /// read.
    Dedup(DedupArgs),
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// `text`: one line per family, then its rules; `json`: an object with
    /// `families` and `rules` arrays.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,

    /// Also list the rules of this rule file (as --strip-rules loads it).
    /// Repeatable.
    #[arg(long = "strip-rules", value_name = "FILE", hide_short_help = true)]
    pub strip_rules: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct DedupArgs {
    /// Files or folders (walked like the cleaning command's); with
    /// --jsonl, JSON Lines files, `-` or nothing for standard input.
    #[arg(value_name = "PATH|-")]
    pub paths: Vec<PathBuf>,

    /// Documents are the lines of JSON Lines input: the --field of each.
    #[arg(long)]
    pub jsonl: bool,

    /// The field holding a line's text in --jsonl mode.
    #[arg(long, default_value = "text", requires = "jsonl")]
    pub field: String,

    /// A field identifying a line in --jsonl mode, copied into the output.
    #[arg(long, value_name = "NAME", requires = "jsonl")]
    pub id_field: Option<String>,

    /// Estimated Jaccard similarity of shingle sets at which two documents
    /// are near-duplicates.
    #[arg(long, default_value_t = 0.8)]
    pub threshold: f64,

    /// Characters per shingle.
    #[arg(long, default_value_t = 5)]
    pub shingle: usize,

    /// Hash functions per MinHash signature.
    #[arg(long, default_value_t = 128)]
    pub permutations: usize,

    /// Walk hidden files and folders too.
    #[arg(long)]
    pub hidden: bool,

    /// Do not read .gitignore, .ignore or .zhtidyignore files.
    #[arg(long)]
    pub no_ignore: bool,

    /// Worker threads (default: all cores). The output does not depend on it.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// No summary on standard error.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct DetectArgs {
    /// Files or folders to inspect (a folder is walked as the cleaning
    /// command walks it, every file it holds reported); `-` is standard
    /// input (the default).
    #[arg(value_name = "PATH|-")]
    pub paths: Vec<std::ffi::OsString>,

    /// Walk hidden files and folders too.
    #[arg(long, hide_short_help = true)]
    pub hidden: bool,

    /// Do not read .gitignore, .ignore or .zhtidyignore files in walks.
    #[arg(long, hide_short_help = true)]
    pub no_ignore: bool,

    /// What is printed: tab-separated lines, or one JSON array (each
    /// record: path, encoding, confidence, mojibake; with --script the
    /// script and its evidence).
    #[arg(long, value_enum, default_value_t = DetectFormat::Text)]
    pub output_format: DetectFormat,

    /// Report the script instead of the encoding: Traditional, Simplified,
    /// mixed or unknown, decided by the characters only one script uses.
    /// Text output: PATH, SCRIPT, traditional-only:N and simplified-only:M
    /// separated by tabs,
    /// then one `PATH:LINE<TAB>…` line per paragraph for a mixed file, or
    /// for each paragraph in another script than the file's. JSON adds a
    /// `script` object with every paragraph to each record.
    #[arg(long)]
    pub script: bool,
}

#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// Files or folders to convert (folders walked as the cleaning command
    /// walks them, every file converted); `-` or nothing is standard
    /// input. Without -o or --out-dir, each is printed in turn.
    #[arg(value_name = "PATH|-")]
    pub paths: Vec<PathBuf>,

    /// A bundled config (s2t t2s s2tw tw2s s2hk hk2s s2twp tw2sp s2hkp
    /// hk2sp t2tw tw2t t2hk hk2t t2jp jp2t, with or without `.json`) or the
    /// path of an OpenCC JSON config whose dictionaries are text files.
    #[arg(short, long, value_name = "NAME|PATH", default_value = "s2t")]
    pub config: String,

    /// Input file (default: standard input); the same as one PATH.
    #[arg(short, long, value_name = "FILE")]
    pub input: Option<PathBuf>,

    /// Output file, replaced atomically (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write each input's conversion below DIR: a file named as NAME, a
    /// file found in a folder at its path below that folder (atomically,
    /// never over the input).
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub out_dir: Option<PathBuf>,

    /// A dictionary of your own (`from<TAB>to` per line) whose matches win
    /// over the config: what it maps is emitted as given and not converted
    /// further. Repeatable; earlier files win.
    #[arg(long = "dict", value_name = "FILE")]
    pub dicts: Vec<PathBuf>,

    /// Leave out dictionaries marked `may_output_tofu` (characters many
    /// fonts lack), as the `opencc` Python command line does by default.
    #[arg(long)]
    pub no_tofu_risk: bool,

    /// How input is decoded and output encoded.
    #[command(flatten)]
    pub decode: DecodeArgs,

    /// Which conversion engine to use.
    #[arg(long, value_enum, default_value_t = Engine::Builtin)]
    pub engine: Engine,
}

/// Decoding and output-encoding flags, shared by the default command and
/// `convert`.
#[derive(Debug, clap::Args)]
pub struct DecodeArgs {
    /// Decode the input with this encoding (utf-8, gbk, gb18030, big5,
    /// utf-16le, utf-16be, windows-1252, …) instead of detecting it. Bytes
    /// malformed for it are an error naming the byte offset.
    #[arg(long, value_name = "NAME", hide_short_help = true)]
    pub encoding: Option<String>,

    /// Accept malformed input bytes, replacing each by U+FFFD (the count is
    /// reported on standard error).
    #[arg(long, hide_short_help = true)]
    pub lossy: bool,

    /// Reverse mojibake (UTF-8 once decoded as GBK, Big5, windows-1252 or
    /// Latin-1, GBK or Big5 once decoded as Latin-1, double encoding, or
    /// only some lines so garbled) when the reversal round-trips exactly.
    #[arg(long, hide_short_help = true)]
    pub fix_mojibake: bool,

    /// Encoding of what is written (`convert`'s output; the default
    /// command's `--write` and `--out-dir` files, its standard output being
    /// UTF-8): UTF-8 without BOM, or the input's own encoding (BOM kept); a
    /// character it cannot hold is an error, and a file is then left
    /// untouched.
    #[arg(long, value_enum, default_value_t = OutputEncoding::Utf8, hide_short_help = true)]
    pub output_encoding: OutputEncoding,
}

impl DecodeArgs {
    /// The library's decode options (an unknown `--encoding` is an error).
    pub fn options(&self) -> anyhow::Result<zhtidy::decode::DecodeOptions> {
        let encoding = match &self.encoding {
            Some(name) => Some(
                zhtidy::decode::encoding_for_name(name)
                    .ok_or_else(|| anyhow::anyhow!("unknown encoding {name:?}"))?,
            ),
            None => None,
        };
        Ok(zhtidy::decode::DecodeOptions {
            encoding,
            lossy: self.lossy,
            fix_mojibake: self.fix_mojibake,
        })
    }
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

/*!
Reading the small files that configure a run: `zhtidy.toml` and strip
rule files.

Such a file may be named by another file inside the tree being cleaned,
so a hostile one must end in a clear error, never a hang, an exhausted
memory or a leak. Only a regular file is read (a FIFO blocks until a
writer comes, `/dev/zero` never ends), and at most a size limit: checked
on the metadata first, then enforced by the read itself in case the file
grows meanwhile. A TOML error is reported by line and column with the
parser's short description only (see [`toml_error_summary`]), never with
the text around it: a `strip-rules` entry that points at a file of
secrets must not get them printed.
*/

use std::io::{self, Read};
use std::path::Path;

/// The most a configuration file (`zhtidy.toml`, `pyproject.toml`) may
/// hold; real ones are a few hundred bytes.
pub const SETTINGS_LIMIT: u64 = 1 << 20;

/// The most a strip rule file may hold; the shipped ones together are
/// under 100 KiB.
pub const RULES_LIMIT: u64 = 4 << 20;

/// The longest excerpt of a parser message or a pattern put in an error,
/// in characters.
pub const EXCERPT_CHARS: usize = 80;

/// Why a configuration file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigFileError {
    /// A directory, FIFO, socket or device.
    #[error("is {0}, not a regular file")]
    NotAFile(&'static str),
    /// Larger than the limit for its kind.
    #[error("is larger than {} KiB, the most a {what} may hold", limit >> 10)]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
        /// What the file is ("configuration file", "rule file").
        what: &'static str,
    },
    /// Not UTF-8 text.
    #[error("is not UTF-8 text")]
    NotUtf8,
    /// Opening or reading failed.
    // The OS error alone: the caller names the file, and printing the
    // error's source as well would say it twice.
    #[error("{0}")]
    Io(io::Error),
}

/// Reads the regular file at `path` as UTF-8 text of at most `limit`
/// bytes; `what` names its kind in the error.
pub fn read_config_file(
    path: &Path,
    limit: u64,
    what: &'static str,
) -> Result<String, ConfigFileError> {
    let file = crate::decode::open_file(path).map_err(|e| match e {
        crate::decode::ReadError::NotAFile { kind, .. } => ConfigFileError::NotAFile(kind),
        crate::decode::ReadError::Io { reason, .. } => ConfigFileError::Io(reason),
    })?;
    let too_large = ConfigFileError::TooLarge { limit, what };
    let size = file.metadata().map_err(ConfigFileError::Io)?.len();
    if size > limit {
        return Err(too_large);
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ConfigFileError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large);
    }
    String::from_utf8(bytes).map_err(|_| ConfigFileError::NotUtf8)
}

/// `line L, column C: [`KEY`: ]DESCRIPTION` for a TOML error in `text`:
/// the location, the key being read if known, and the parser's
/// description (its first line, at most [`EXCERPT_CHARS`] characters),
/// without the excerpt of the text that the error's own `Display` shows.
pub fn toml_error_summary(text: &str, error: &toml::de::Error) -> String {
    let description = truncate(error.message().lines().next().unwrap_or(""));
    // Without its input the error displays its key path instead of the
    // excerpt: "MESSAGE\nin `rule.zone`".
    let mut bare = error.clone();
    bare.set_input(None);
    let key = bare
        .to_string()
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("in `")?.strip_suffix('`').map(truncate))
        .map(|k| format!("`{k}`: "))
        .unwrap_or_default();
    match error.span() {
        Some(span) => {
            let (line, column) = line_and_column(text, span.start);
            format!("line {line}, column {column}: {key}{description}")
        }
        None => format!("{key}{description}"),
    }
}

/// One-based line and column (in characters) of byte `at` of `text`.
fn line_and_column(text: &str, at: usize) -> (usize, usize) {
    let at = (0..=at.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..at].chars().count() + 1)
}

/// `s` cut to [`EXCERPT_CHARS`] characters, with `…` when cut.
pub fn truncate(s: &str) -> String {
    match s.char_indices().nth(EXCERPT_CHARS) {
        None => s.to_string(),
        Some((end, _)) => format!("{}…", &s[..end]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_give_the_place_and_never_the_text() {
        let secret = "password hunter2-very-secret";
        let err = toml::from_str::<toml::Table>(secret).unwrap_err();
        let summary = toml_error_summary(secret, &err);
        assert!(summary.starts_with("line 1, column "), "{summary}");
        assert!(!summary.contains("hunter2"), "{summary}");
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Zone {
            zone: Vec<String>,
        }
        let text = "zone = 5";
        let err = toml::from_str::<Zone>(text).unwrap_err();
        assert_eq!(
            toml_error_summary(text, &err),
            "line 1, column 8: `zone`: invalid type: integer `5`, expected a sequence"
        );
        let text = "a = 1\n中文 = [\n";
        let err = toml::from_str::<toml::Table>(text).unwrap_err();
        assert!(
            toml_error_summary(text, &err).starts_with("line 2,"),
            "{}",
            toml_error_summary(text, &err)
        );
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(line_and_column("ab\n中文x", 9), (2, 3));
        assert_eq!(line_and_column("ab", 99), (1, 3));
    }

    #[test]
    fn long_descriptions_are_cut() {
        let long = "x".repeat(500);
        assert_eq!(truncate(&long).chars().count(), EXCERPT_CHARS + 1);
        assert_eq!(truncate("short"), "short");
    }

    #[cfg(unix)]
    #[test]
    fn only_small_regular_files_are_read() {
        let dir = std::env::temp_dir().join(format!("zhtidy-cfgread-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("a.toml");
        std::fs::write(&f, "a = 1\n").unwrap();
        assert_eq!(read_config_file(&f, 100, "rule file").unwrap(), "a = 1\n");
        let err = read_config_file(&f, 3, "rule file").unwrap_err();
        assert!(matches!(err, ConfigFileError::TooLarge { .. }), "{err}");
        let err = read_config_file(Path::new("/dev/zero"), 100, "rule file").unwrap_err();
        assert!(err.to_string().contains("a device"), "{err}");
        let err = read_config_file(&dir, 100, "rule file").unwrap_err();
        assert!(err.to_string().contains("a directory"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

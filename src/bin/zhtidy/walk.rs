/*!
Which files a bulk run cleans: the paths given (or read with
`--files-from`), folders walked with the `ignore` crate.

A walk respects `.gitignore` (inside a git repository or not), `.ignore`,
`.git/info/exclude`, the global gitignore and `.zhtidyignore`, skips hidden
entries (unless `--hidden`) and prunes folders the exclude globs match
(the command line's or the defaults; a configuration file's excludes are
applied per file afterwards, see `plan`). It is sequential and sorted by
name, so the list — and hence the output — is the same on every run.
Symbolic links are not followed. The output folder of `--out-dir`, when
it lies inside a folder walked, is skipped (recognised by identity, not
by how its path is spelled: see [`FolderId`]); so are the temporary files
of a write in progress (`.zhtidy-PID-N.tmp`, visible with `--hidden`).
*/

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use globset::GlobSet;

use crate::args::TidyArgs;
use crate::settings::matches;

/// One path to clean.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The path as given or found.
    pub path: PathBuf,
    /// Named on the command line (or in --files-from), not found by a walk.
    pub explicit: bool,
    /// The path relative to the folder that was walked (for an explicit
    /// file: its name); where --out-dir puts the copy.
    pub rel: PathBuf,
}

/// What the walk found, in order, and the errors it met.
pub struct Found {
    pub candidates: Vec<Candidate>,
    /// Paths that could not be walked or read, with the reason.
    pub errors: Vec<(PathBuf, String)>,
    /// Entries passed over because they are neither files nor folders
    /// (a symbolic link is never followed in a walk; a FIFO or a device
    /// could block or never end), with what they are: a run that skips a
    /// path says so at `-v`.
    pub skipped: Vec<(PathBuf, &'static str)>,
}

/// The paths the user named: arguments plus `--files-from`.
pub fn named_paths(args: &TidyArgs) -> Result<Vec<PathBuf>> {
    let mut paths = args.paths.clone();
    if let Some(list) = &args.files_from {
        let mut bytes = Vec::new();
        if list.as_os_str() == "-" {
            io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .context("cannot read the path list from <stdin>")?;
        } else {
            bytes = fs::read(list)
                .with_context(|| format!("cannot read the path list {}", list.display()))?;
        }
        let sep = if args.null { b'\0' } else { b'\n' };
        for item in bytes.split(|&b| b == sep) {
            let item = if args.null {
                item
            } else {
                item.strip_suffix(b"\r").unwrap_or(item)
            };
            if item.is_empty() {
                continue;
            }
            paths.push(path_from_bytes(item)?);
        }
    }
    Ok(paths)
}

#[cfg(unix)]
fn path_from_bytes(b: &[u8]) -> Result<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    Ok(PathBuf::from(std::ffi::OsStr::from_bytes(b)))
}

#[cfg(not(unix))]
fn path_from_bytes(b: &[u8]) -> Result<PathBuf> {
    Ok(PathBuf::from(
        std::str::from_utf8(b).context("a path in the list is not UTF-8")?,
    ))
}

/// A folder, recognised whatever path leads to it (`t/sub/../out`, a
/// symbolic link, a relative or absolute spelling): its device and inode
/// on Unix, its canonical path elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderId {
    #[cfg(unix)]
    id: (u64, u64),
    #[cfg(not(unix))]
    id: PathBuf,
}

impl FolderId {
    /// The folder at `path` (following links); `None` if there is none.
    pub fn of(path: &Path) -> Option<Self> {
        let meta = fs::metadata(path).ok()?;
        if !meta.is_dir() {
            return None;
        }
        Self::from_meta(path, &meta)
    }

    #[cfg(unix)]
    fn from_meta(_: &Path, meta: &fs::Metadata) -> Option<Self> {
        use std::os::unix::fs::MetadataExt;
        Some(FolderId {
            id: (meta.dev(), meta.ino()),
        })
    }

    #[cfg(not(unix))]
    fn from_meta(path: &Path, _: &fs::Metadata) -> Option<Self> {
        Some(FolderId {
            id: fs::canonicalize(path).ok()?,
        })
    }

    /// Whether `path` is this folder.
    pub fn is(&self, path: &Path) -> bool {
        Self::of(path).is_some_and(|other| other == *self)
    }
}

/// Expands folders into the files under them. `prune` holds the exclude
/// globs folders are pruned by; `skip` a folder never walked into (the
/// output folder).
pub fn expand(
    paths: &[PathBuf],
    args: &TidyArgs,
    prune: &GlobSet,
    skip: Option<&FolderId>,
) -> Found {
    expand_with(paths, args.hidden, args.no_ignore, prune, skip)
}

/// The files taken so far, so that a file named twice (`a.txt ./a.txt`,
/// or named and inside a folder given too) is processed once.
#[derive(Default)]
pub struct Seen(std::collections::HashSet<PathBuf>);

impl Seen {
    /// Whether `path` is new (and now taken).
    pub fn first(&mut self, path: &Path) -> bool {
        self.0.insert(crate::paths::normalized(path))
    }
}

/// [`expand`] for commands other than the cleaning one: `hidden` and
/// `no_ignore` as `--hidden` and `--no-ignore` say.
pub fn expand_with(
    paths: &[PathBuf],
    hidden: bool,
    no_ignore: bool,
    prune: &GlobSet,
    skip: Option<&FolderId>,
) -> Found {
    let mut found = Found {
        candidates: Vec::new(),
        errors: Vec::new(),
        skipped: Vec::new(),
    };
    for path in paths {
        if !path.is_dir() {
            let rel = path
                .file_name()
                .map(PathBuf::from)
                .unwrap_or_else(|| path.clone());
            found.candidates.push(Candidate {
                path: path.clone(),
                explicit: true,
                rel,
            });
            continue;
        }
        let mut walker = ignore::WalkBuilder::new(path);
        walker
            .hidden(!hidden)
            .ignore(!no_ignore)
            .git_ignore(!no_ignore)
            .git_global(!no_ignore)
            .git_exclude(!no_ignore)
            .parents(!no_ignore)
            .require_git(false)
            .follow_links(false)
            .sort_by_file_name(|a, b| a.cmp(b));
        if !no_ignore {
            walker.add_custom_ignore_filename(".zhtidyignore");
        }
        let root = path.clone();
        let prune = prune.clone();
        let walk_root = root.clone();
        let skip = skip.cloned();
        let temp_files = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let temp_seen = temp_files.clone();
        walker.filter_entry(move |e| {
            if e.depth() == 0 {
                return true;
            }
            // Another run's half-written file (seen with --hidden), or one
            // a killed run left (the next write in its folder removes it).
            if zhtidy::write::is_temp_file_name(e.file_name()) {
                if let Ok(mut seen) = temp_seen.lock() {
                    seen.push(e.path().to_path_buf());
                }
                return false;
            }
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if is_dir && skip.as_ref().is_some_and(|s| s.is(e.path())) {
                return false;
            }
            // Only the part below the root counts: walking `target/corpus`
            // is fine even though `target` is excluded by default.
            e.path()
                .strip_prefix(&walk_root)
                .map_or(true, |rel| !matches(&prune, rel))
        });
        for entry in walker.build() {
            match entry {
                Ok(e) => {
                    match e.file_type() {
                        Some(t) if t.is_file() => {}
                        Some(t) if t.is_dir() => continue,
                        t => {
                            found.skipped.push((e.into_path(), special_kind(t)));
                            continue;
                        }
                    }
                    let rel = e
                        .path()
                        .strip_prefix(&root)
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|_| e.path().to_path_buf());
                    found.candidates.push(Candidate {
                        path: e.into_path(),
                        explicit: false,
                        rel,
                    });
                }
                Err(err) => {
                    let p = error_path(&err).unwrap_or_else(|| root.clone());
                    found.errors.push((p, without_path(&err)));
                }
            }
        }
        let temp_files = std::mem::take(&mut *temp_files.lock().unwrap_or_else(|e| e.into_inner()));
        found.skipped.extend(
            temp_files
                .into_iter()
                .map(|p| (p, "a temporary file of another or an interrupted run")),
        );
    }
    found
}

/// What a walk entry that is neither a file nor a folder is.
fn special_kind(t: Option<std::fs::FileType>) -> &'static str {
    #[cfg(unix)]
    use std::os::unix::fs::FileTypeExt;
    match t {
        Some(t) if t.is_symlink() => "a symbolic link, not followed",
        #[cfg(unix)]
        Some(t) if t.is_fifo() => "a FIFO",
        #[cfg(unix)]
        Some(t) if t.is_socket() => "a socket",
        #[cfg(unix)]
        Some(t) if t.is_block_device() || t.is_char_device() => "a device",
        _ => "not a regular file",
    }
}

/// The reason of a walk error without the path, which the report prints
/// already: `ignore` puts it in front of the reason (`PATH: Permission
/// denied`), and a report of it named the path twice.
fn without_path(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            without_path(err)
        }
        ignore::Error::WithLineNumber { line, err } => {
            format!("line {line}: {}", without_path(err))
        }
        other => other.to_string(),
    }
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_walk_error_names_its_path_once() {
        let err = ignore::Error::WithPath {
            path: PathBuf::from("corpus/locked"),
            err: Box::new(ignore::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "Permission denied",
            ))),
        };
        assert_eq!(error_path(&err), Some(PathBuf::from("corpus/locked")));
        assert_eq!(without_path(&err), "Permission denied");
    }
}

/*!
Stage 5, **write**: put text where it belongs without ever leaving a
half-written file, and without the file losing anything it had.

A file is replaced atomically: the new content goes to a temporary file in
the same folder (named `.zhtidy-PID-N.tmp`, see `temp`), is flushed to
disk, and is renamed over the target; on any error the temporary file is
removed and the target is left as it was. [`replace_file`] (and
[`AtomicFile::replace`] for streamed output) adds the rules for rewriting
an existing file:

- the replacement keeps the file's owner and group (when the process may
  give them: root always), its mode, and its extended attributes and POSIX
  ACLs (Linux); set-user-ID and set-group-ID are kept only along with the
  owner (see `keep`). The temporary file is created with the file's
  permission bits from the start, never wider.
- a read-only file (no write permission bit at all) is refused: the
  rename would otherwise replace it regardless.
- a file with several hard links is refused: a rename gives one name a
  new file and leaves the others with the old content, silently. zhtidy
  does not write such a file in place either (a crash midway would leave
  it half-written); the user decides (break the link with `cp`, or
  convert to standard output).
- a symbolic link is refused unless following is asked for.
- a file that changed on disk since it was read (size, modification or
  change time, or a different file at the path; see [`FileStamp`]) is
  not overwritten: checked just before the rename, after the flush.
- a file whose content would not change is not touched (its mtime stays).

[`output_below`] confines `--out-dir` copies to their folder (no symbolic
link followed below it, no FIFO or device written to).

A process killed by SIGINT, SIGTERM or SIGHUP while writing would leave its
temporary files behind; a program that calls
[`remove_temp_files_on_signal`] once at start-up has them removed first
(every live [`AtomicFile`] is registered), then dies of the signal as it
would have. One killed outright (SIGKILL) leaves them; a later process
writing in the same folder removes them and lists them for
[`take_left_behind`].

[`encode`] turns text back into bytes in the source encoding (BOM kept on
request), refusing characters the encoding cannot hold. Line endings are
never rewritten by any stage, so they come out as they went in.
*/

mod below;
mod encode;
mod keep;
mod replace;
mod temp;
#[cfg(target_os = "linux")]
mod xattr;

pub use below::output_below;
pub use encode::{encode, Unencodable};
pub use replace::{replace_file, FileStamp, ReplaceOptions, Replaced, WriteError};
pub use temp::{is_temp_file_name, take_left_behind, LeftBehind};

use replace::{io_err, resolve};

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Temporary files of every live [`AtomicFile`] in this process.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    // A panic while holding the lock leaves a valid list.
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

fn forget(live: &mut Vec<PathBuf>, temp: &Path) {
    if let Some(i) = live.iter().position(|p| p == temp) {
        live.swap_remove(i);
    }
}

/// From now on, SIGINT, SIGTERM and SIGHUP first remove the temporary file
/// of every [`AtomicFile`] not yet committed, then end the process as the
/// signal would have (so the exit status still says which signal). The
/// targets are untouched: each is either old or, if its rename happened
/// before the signal, complete and new. Call once, early (it starts a
/// thread that waits for the signals); Unix only, a no-op elsewhere.
pub fn remove_temp_files_on_signal() -> io::Result<()> {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
        std::thread::Builder::new()
            .name("zhtidy-signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    // Held until the process ends: no commit can rename a
                    // file after its temporary file was removed.
                    let live = live();
                    for temp in live.iter() {
                        let _ = fs::remove_file(temp);
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    std::process::exit(128 + signal);
                }
            })?;
    }
    Ok(())
}

/// A file being written that replaces `target` only when committed.
///
/// A target that exists and is neither a regular file nor a folder (a
/// device such as `/dev/null`, a FIFO, a socket, or `/dev/stdout` leading
/// to one) is written directly by [`AtomicFile::create`] instead: renaming
/// over it would replace the device node with a regular file, and it holds
/// no content to protect.
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    /// `None` when writing directly to a special file.
    temp: Option<PathBuf>,
    file: Option<File>,
    /// Set when an existing file is replaced: what it must keep and be.
    replacing: Option<Replacing>,
}

/// The file an [`AtomicFile`] replaces, as it was when the replacement
/// started.
#[derive(Debug)]
struct Replacing {
    /// Owner, mode: given to the replacement.
    old: fs::Metadata,
    /// The target must still have this stamp just before the rename.
    stamp: FileStamp,
}

/// Permission bits of a new file that replaces nothing (the umask applies).
const NEW_FILE_MODE: u32 = 0o666;

impl AtomicFile {
    /// Creates a temporary file beside `target` (or opens `target` itself
    /// when it is a special file, see the type's doc). An existing regular
    /// file at `target` is replaced as a new file would be (owned by the
    /// process, default mode); [`AtomicFile::replace`] keeps what it had.
    pub fn create(target: &Path) -> Result<Self, WriteError> {
        if fs::metadata(target).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let file = File::options()
                .write(true)
                .open(target)
                .map_err(io_err(target))?;
            return Ok(Self {
                target: target.to_path_buf(),
                temp: None,
                file: Some(file),
                replacing: None,
            });
        }
        Self::with_temp(target, NEW_FILE_MODE, None)
    }

    /// Creates a temporary file beside `target` that will have the
    /// permission bits `mode` (Unix; the umask applies, as for `cp`),
    /// never a special file: the caller has made sure (see
    /// [`output_below`]) that `target` is absent or a regular file.
    pub fn create_with_mode(target: &Path, mode: u32) -> Result<Self, WriteError> {
        Self::with_temp(target, mode, None)
    }

    /// Starts replacing the existing regular file `path` (the file a
    /// symbolic link leads to, when `opts.follow_symlinks`), with the
    /// rules of [`replace_file`]: a read-only file, a file with other hard
    /// links and (without `follow_symlinks`) a symbolic link are refused;
    /// the result keeps the file's owner, mode and extended attributes;
    /// the commit fails with [`WriteError::Changed`] if the file is no
    /// longer as `opts.read_stamp` says (or, without it, as it is now).
    pub fn replace(path: &Path, opts: ReplaceOptions<'_>) -> Result<Self, WriteError> {
        let target = resolve(path, opts.follow_symlinks)?;
        Self::replacing(&target, opts.read_stamp)
    }

    /// [`AtomicFile::replace`] (following a symbolic link, as a shell's `>`
    /// does) when `target` is an existing regular file, else
    /// [`AtomicFile::create`]: what a command's `-o FILE` needs.
    pub fn create_or_replace(target: &Path) -> Result<Self, WriteError> {
        if fs::metadata(target).is_ok_and(|m| m.is_file()) {
            let opts = ReplaceOptions {
                follow_symlinks: true,
                ..ReplaceOptions::default()
            };
            Self::replace(target, opts)
        } else {
            Self::create(target)
        }
    }

    /// [`AtomicFile::replace`] for a target already resolved.
    fn replacing(target: &Path, stamp: Option<FileStamp>) -> Result<Self, WriteError> {
        let old = fs::symlink_metadata(target).map_err(io_err(target))?;
        if !old.is_file() {
            return Err(WriteError::NotAFile {
                path: target.to_path_buf(),
                kind: below::file_kind(&old),
            });
        }
        if old.permissions().readonly() {
            return Err(WriteError::ReadOnly(target.to_path_buf()));
        }
        let links = hard_links(&old);
        if links > 1 {
            return Err(WriteError::HardLinks {
                path: target.to_path_buf(),
                links,
            });
        }
        let now = FileStamp::of(&old);
        let stamp = stamp.unwrap_or(now);
        if stamp != now {
            return Err(WriteError::Changed(target.to_path_buf()));
        }
        let mode = permission_bits(&old);
        Self::with_temp(target, mode, Some(Replacing { old, stamp }))
    }

    /// Creates the temporary file beside `target`, registered for removal
    /// on a signal.
    fn with_temp(
        target: &Path,
        mode: u32,
        replacing: Option<Replacing>,
    ) -> Result<Self, WriteError> {
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        temp::remove_left_behind_once(&dir);
        // The list stays locked from before the file exists until it is
        // listed: a signal in between would otherwise find it unlisted and
        // leave it behind.
        let mut live = live();
        let (temp, file) = temp::create_in(&dir, mode).map_err(|source| WriteError::TempFile {
            path: target.to_path_buf(),
            dir: dir.clone(),
            source,
        })?;
        live.push(temp.clone());
        Ok(Self {
            target: target.to_path_buf(),
            temp: Some(temp),
            file: Some(file),
            replacing,
        })
    }

    /// Gives the temporary file (hence the result) these permissions; a
    /// special file written directly keeps its own.
    pub fn set_permissions(&self, perms: fs::Permissions) -> io::Result<()> {
        if self.temp.is_none() {
            return Ok(());
        }
        self.file
            .as_ref()
            .expect("not yet committed")
            .set_permissions(perms)
    }

    /// Flushes to disk and renames over the target, then flushes the
    /// folder so that the rename itself survives a crash.
    pub fn commit(self) -> Result<(), WriteError> {
        if let Some(dir) = self.commit_data()? {
            sync_dir(&dir);
        }
        Ok(())
    }

    /// As [`AtomicFile::commit`], but the folder is only noted in `later`,
    /// to be flushed once by [`DirSyncs::sync`] whatever the number of
    /// files renamed in it. The file's content is on disk before the
    /// rename either way, so the target is never left half-written; until
    /// `later` is synced, a crash may only undo the rename (the old
    /// content stays).
    pub fn commit_deferring_dir_sync(self, later: &DirSyncs) -> Result<(), WriteError> {
        if let Some(dir) = self.commit_data()? {
            later.note(dir);
        }
        Ok(())
    }

    /// Gives the replacement what the old file had, flushes it to disk,
    /// checks that the target did not change meanwhile and renames over
    /// it; the folder to flush after, if any.
    fn commit_data(mut self) -> Result<Option<PathBuf>, WriteError> {
        let mut file = self.file.take().expect("not yet committed");
        let Some(temp) = self.temp.take() else {
            // A special file: written in place, nothing to sync or rename.
            file.flush().map_err(io_err(&self.target))?;
            return Ok(None);
        };
        let prepared = self.keep_and_sync(&file);
        drop(file);
        let mut live = live();
        let renamed = prepared
            .and_then(|()| self.check_unchanged())
            .and_then(|()| fs::rename(&temp, &self.target).map_err(io_err(&self.target)));
        if renamed.is_err() {
            let _ = fs::remove_file(&temp);
        }
        forget(&mut live, &temp);
        drop(live);
        renamed?;
        Ok(temp.parent().map(|dir| {
            if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir.to_path_buf()
            }
        }))
    }

    /// Owner, extended attributes and mode of the replaced file (after the
    /// bytes: writing clears set-user-ID), then the flush.
    fn keep_and_sync(&self, file: &File) -> Result<(), WriteError> {
        if let Some(r) = &self.replacing {
            keep::apply(file, &r.old, &self.target).map_err(|lost| match lost {
                keep::Lost::Io(source) => WriteError::Io {
                    path: self.target.clone(),
                    source,
                },
                keep::Lost::Xattr { name, source } => WriteError::Xattr {
                    path: self.target.clone(),
                    name,
                    source,
                },
            })?;
        }
        file.sync_all().map_err(io_err(&self.target))
    }

    /// The replaced file is still the one the replacement was made from.
    fn check_unchanged(&self) -> Result<(), WriteError> {
        let Some(r) = &self.replacing else {
            return Ok(());
        };
        let now = fs::symlink_metadata(&self.target).map_err(io_err(&self.target))?;
        if FileStamp::of(&now) == r.stamp {
            Ok(())
        } else {
            Err(WriteError::Changed(self.target.clone()))
        }
    }
}

#[cfg(unix)]
fn hard_links(meta: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

#[cfg(not(unix))]
fn hard_links(_: &fs::Metadata) -> u64 {
    1
}

/// The permission bits of a file (rwx for owner, group, others; no set-ID
/// bits): what a temporary file replacing it starts with, and what a copy
/// of it (`--out-dir`) gets. Elsewhere than Unix, a new file's default.
#[cfg(unix)]
pub fn permission_bits(meta: &fs::Metadata) -> u32 {
    std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o777
}

#[cfg(not(unix))]
pub fn permission_bits(_: &fs::Metadata) -> u32 {
    NEW_FILE_MODE
}

/// Flushes a folder, making the renames in it durable (best effort: not
/// every platform can open a folder).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Folders holding renamed files whose flush is left for the end of a run
/// (see [`AtomicFile::commit_deferring_dir_sync`]): one flush per folder
/// instead of one per file. A bulk `--write` of 10,000 files spent about a
/// third of its system time opening and flushing their folders.
#[derive(Debug, Default)]
pub struct DirSyncs {
    dirs: Mutex<HashSet<PathBuf>>,
}

impl DirSyncs {
    fn note(&self, dir: PathBuf) {
        self.dirs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(dir);
    }

    /// Flushes every folder noted so far, once each.
    pub fn sync(&self) {
        let dirs = std::mem::take(&mut *self.dirs.lock().unwrap_or_else(|e| e.into_inner()));
        for dir in dirs {
            sync_dir(&dir);
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.as_mut().expect("not yet committed").write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().expect("not yet committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let (Some(_), Some(temp)) = (self.file.take(), &self.temp) {
            let mut live = live();
            let _ = fs::remove_file(temp);
            forget(&mut live, temp);
        }
    }
}

#[cfg(test)]
mod tests;

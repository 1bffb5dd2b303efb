/*!
Stage 5, **write**: put text where it belongs without ever leaving a
half-written file.

A file is replaced atomically: the new content goes to a temporary file in
the same folder, is flushed to disk, and is renamed over the target; on any
error the temporary file is removed and the target is left as it was.
[`replace_file`] adds the rules for rewriting a file in place: keep its
permissions, refuse to write through a symbolic link unless asked, and do
not touch a file whose content would not change (its mtime stays).

A process killed by SIGINT, SIGTERM or SIGHUP while writing would leave its
temporary files behind; a program that calls
[`remove_temp_files_on_signal`] once at start-up has them removed first
(every live [`AtomicFile`] is registered), then dies of the signal as it
would have. A read-only file (no write permission bit at all) is refused
by [`replace_file`]: the rename would otherwise replace it regardless.

[`encode`] turns text back into bytes in the source encoding (BOM kept on
request), refusing characters the encoding cannot hold. Line endings are
never rewritten by any stage, so they come out as they went in.
*/

mod encode;

pub use encode::{encode, Unencodable};

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
/// to one) is written directly instead: renaming over it would replace the
/// device node with a regular file, and it holds no content to protect.
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    /// `None` when writing directly to a special file.
    temp: Option<PathBuf>,
    file: Option<File>,
}

impl AtomicFile {
    /// Creates a temporary file beside `target` (or opens `target` itself
    /// when it is a special file, see the type's doc).
    pub fn create(target: &Path) -> io::Result<Self> {
        if fs::metadata(target).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let file = File::options().write(true).open(target)?;
            return Ok(Self {
                target: target.to_path_buf(),
                temp: None,
                file: Some(file),
            });
        }
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".to_string());
        // The list stays locked from before the file exists until it is
        // listed: a signal in between would otherwise find it unlisted and
        // leave it behind.
        let mut live = live();
        for attempt in 0..100u32 {
            let temp = dir.join(format!(
                ".{name}.zhtidy-{}-{attempt}.tmp",
                std::process::id()
            ));
            match File::options().write(true).create_new(true).open(&temp) {
                Ok(file) => {
                    live.push(temp.clone());
                    return Ok(Self {
                        target: target.to_path_buf(),
                        temp: Some(temp),
                        file: Some(file),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "cannot create a temporary file",
        ))
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
    pub fn commit(self) -> io::Result<()> {
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
    pub fn commit_deferring_dir_sync(self, later: &DirSyncs) -> io::Result<()> {
        if let Some(dir) = self.commit_data()? {
            later.note(dir);
        }
        Ok(())
    }

    /// Flushes to disk and renames over the target; the folder to flush
    /// after, if any.
    fn commit_data(mut self) -> io::Result<Option<PathBuf>> {
        let mut file = self.file.take().expect("not yet committed");
        let Some(temp) = self.temp.take() else {
            // A special file: written in place, nothing to sync or rename.
            file.flush()?;
            return Ok(None);
        };
        let synced = file.sync_all();
        drop(file);
        let mut live = live();
        let renamed = synced.and_then(|()| fs::rename(&temp, &self.target));
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

/// How [`replace_file`] treats the file it replaces.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReplaceOptions<'a> {
    /// Write to the file a symbolic link points to (the link stays a link).
    /// Without it, a symbolic link is an error.
    pub follow_symlinks: bool,
    /// The file's bytes as the caller last read them: compared with the new
    /// bytes instead of reading the file again.
    pub read_before: Option<&'a [u8]>,
    /// Leave the folder's flush to these (see
    /// [`AtomicFile::commit_deferring_dir_sync`]); without it, each file's
    /// folder is flushed at once.
    pub dir_syncs: Option<&'a DirSyncs>,
}

/// What [`replace_file`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replaced {
    /// The file already held these bytes and was not touched.
    Unchanged,
    /// The file was replaced.
    Written,
}

/// Why a file could not be replaced (it is then left as it was).
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file has no write permission (for anyone); it is not replaced.
    #[error("{}: is read-only; not replacing it", .0.display())]
    ReadOnly(PathBuf),
    /// The path is a symbolic link and following was not allowed.
    #[error("{}: is a symbolic link; not writing through it (allow it explicitly)", .0.display())]
    Symlink(PathBuf),
    /// Reading, writing or renaming failed.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: io::Error,
    },
}

/// Replaces the content of the existing file `path` with `bytes`,
/// atomically, keeping its permissions; does nothing when the content is
/// already `bytes`.
pub fn replace_file(
    path: &Path,
    bytes: &[u8],
    opts: ReplaceOptions<'_>,
) -> Result<Replaced, WriteError> {
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| WriteError::Io { path, source }
    };
    let link = fs::symlink_metadata(path).map_err(io_err(path))?;
    let target = if link.file_type().is_symlink() {
        if !opts.follow_symlinks {
            return Err(WriteError::Symlink(path.to_path_buf()));
        }
        fs::canonicalize(path).map_err(io_err(path))?
    } else {
        path.to_path_buf()
    };
    let unchanged = match opts.read_before {
        Some(old) => old == bytes,
        None => fs::read(&target).map_err(io_err(&target))? == bytes,
    };
    if unchanged {
        return Ok(Replaced::Unchanged);
    }
    let perms = fs::metadata(&target)
        .map_err(io_err(&target))?
        .permissions();
    if perms.readonly() {
        return Err(WriteError::ReadOnly(target));
    }
    let mut file = AtomicFile::create(&target).map_err(io_err(&target))?;
    file.write_all(bytes).map_err(io_err(&target))?;
    file.set_permissions(perms).map_err(io_err(&target))?;
    match opts.dir_syncs {
        Some(later) => file.commit_deferring_dir_sync(later),
        None => file.commit(),
    }
    .map_err(io_err(&target))?;
    Ok(Replaced::Written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("zhtidy-write-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn read_before_stands_for_the_file_on_disk() {
        let dir = scratch("read-before");
        let target = dir.join("a.txt");
        fs::write(&target, "disk").unwrap();
        // The caller's bytes are trusted: equal to the new ones, nothing
        // is written, whatever the disk holds now.
        let opts = ReplaceOptions {
            read_before: Some(b"new"),
            ..ReplaceOptions::default()
        };
        assert_eq!(
            replace_file(&target, b"new", opts).unwrap(),
            Replaced::Unchanged
        );
        assert_eq!(fs::read(&target).unwrap(), b"disk");
        let opts = ReplaceOptions {
            read_before: Some(b"disk"),
            ..ReplaceOptions::default()
        };
        assert_eq!(
            replace_file(&target, b"new", opts).unwrap(),
            Replaced::Written
        );
        assert_eq!(fs::read(&target).unwrap(), b"new");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn deferred_folder_flushes_are_noted_once_per_folder() {
        let dir = scratch("dir-syncs");
        fs::create_dir_all(dir.join("sub")).unwrap();
        let later = DirSyncs::default();
        for name in ["a.txt", "b.txt", "sub/c.txt"] {
            let target = dir.join(name);
            fs::write(&target, "old").unwrap();
            let opts = ReplaceOptions {
                dir_syncs: Some(&later),
                ..ReplaceOptions::default()
            };
            assert_eq!(
                replace_file(&target, b"new", opts).unwrap(),
                Replaced::Written
            );
            assert_eq!(fs::read(&target).unwrap(), b"new");
        }
        let noted = later.dirs.lock().unwrap().clone();
        assert_eq!(noted, HashSet::from([dir.clone(), dir.join("sub")]));
        later.sync();
        assert!(later.dirs.lock().unwrap().is_empty());
        // No temporary file is left beside the targets.
        let left: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unchanged_content_leaves_the_file_untouched() {
        let dir = scratch("same");
        let target = dir.join("a.txt");
        fs::write(&target, "中文\r\n").unwrap();
        let before = fs::metadata(&target).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let got = replace_file(&target, "中文\r\n".as_bytes(), ReplaceOptions::default()).unwrap();
        assert_eq!(got, Replaced::Unchanged);
        assert_eq!(fs::metadata(&target).unwrap().modified().unwrap(), before);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept_and_symlinks_refused_unless_allowed() {
        use std::os::unix::fs::{symlink, PermissionsExt};
        let dir = scratch("perm");
        let target = dir.join("a.txt");
        fs::write(&target, "old").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
        assert_eq!(
            replace_file(&target, b"new", ReplaceOptions::default()).unwrap(),
            Replaced::Written
        );
        assert_eq!(fs::read(&target).unwrap(), b"new");
        assert_eq!(
            fs::metadata(&target).unwrap().permissions().mode() & 0o777,
            0o640
        );

        let link = dir.join("link.txt");
        symlink(&target, &link).unwrap();
        let err = replace_file(&link, b"via link", ReplaceOptions::default()).unwrap_err();
        assert!(matches!(err, WriteError::Symlink(_)), "{err}");
        assert_eq!(fs::read(&target).unwrap(), b"new");
        let follow = ReplaceOptions {
            follow_symlinks: true,
            ..ReplaceOptions::default()
        };
        replace_file(&link, b"via link", follow).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"via link");
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            2,
            "no temporary file left"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_read_only_file_is_refused_and_left_alone() {
        let dir = scratch("ro");
        let target = dir.join("a.txt");
        fs::write(&target, "old").unwrap();
        let mut perms = fs::metadata(&target).unwrap().permissions();
        perms.set_readonly(true);
        fs::set_permissions(&target, perms).unwrap();
        let err = replace_file(&target, b"new", ReplaceOptions::default()).unwrap_err();
        assert!(matches!(err, WriteError::ReadOnly(_)), "{err}");
        assert!(err.to_string().contains("a.txt"), "{err}");
        assert_eq!(fs::read(&target).unwrap(), b"old");
        // Same content: nothing to write, so no error either.
        assert_eq!(
            replace_file(&target, b"old", ReplaceOptions::default()).unwrap(),
            Replaced::Unchanged
        );
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn live_temporary_files_are_registered_until_committed_or_dropped() {
        let dir = scratch("live");
        let target = dir.join("a.txt");
        let a = AtomicFile::create(&target).unwrap();
        let b = AtomicFile::create(&target).unwrap();
        let (ta, tb) = (a.temp.clone().unwrap(), b.temp.clone().unwrap());
        assert!(live().contains(&ta) && live().contains(&tb));
        a.commit().unwrap();
        assert!(!live().contains(&ta) && live().contains(&tb));
        drop(b);
        assert!(!live().contains(&tb));
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    /// `-o /dev/null` once replaced the device with a regular file (the
    /// rename of the temporary file went over it).
    #[cfg(unix)]
    #[test]
    fn a_special_file_is_written_in_place_never_replaced() {
        use std::os::unix::fs::{FileTypeExt, PermissionsExt};
        let null = Path::new("/dev/null");
        let mode = fs::metadata(null).unwrap().permissions().mode();
        let mut f = AtomicFile::create(null).unwrap();
        assert!(f.temp.is_none());
        f.write_all(b"discarded").unwrap();
        f.set_permissions(fs::Permissions::from_mode(0o600))
            .unwrap();
        f.commit().unwrap();
        let meta = fs::metadata(null).unwrap();
        assert!(meta.file_type().is_char_device());
        assert_eq!(meta.permissions().mode(), mode);
    }

    #[test]
    fn an_uncommitted_file_leaves_the_target_alone() {
        let dir = std::env::temp_dir().join(format!("zhtidy-write-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let target = dir.join("a.txt");
        fs::write(&target, "old").unwrap();
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.write_all(b"new").unwrap();
        }
        assert_eq!(fs::read_to_string(&target).unwrap(), "old");
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"new").unwrap();
        f.commit().unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "no temporary file left"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}

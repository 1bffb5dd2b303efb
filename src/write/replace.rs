/*!
Rewriting an existing file in place ([`replace_file`]) and the errors of
the write stage ([`WriteError`]).
*/

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{AtomicFile, DirSyncs};

/// How [`replace_file`] treats the file it replaces.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReplaceOptions<'a> {
    /// Write to the file a symbolic link points to (the link stays a link).
    /// Without it, a symbolic link is an error.
    pub follow_symlinks: bool,
    /// The file's bytes as the caller last read them: compared with the new
    /// bytes instead of reading the file again.
    pub read_before: Option<&'a [u8]>,
    /// The file as it was when the caller read it (taken before reading,
    /// from the open file: see [`FileStamp`]). The file is replaced only if
    /// it is still so just before the rename; without it, the file must
    /// be as it was when the replacement was started.
    pub read_stamp: Option<FileStamp>,
    /// Leave the folder's flush to these (see
    /// [`AtomicFile::commit_deferring_dir_sync`]); without it, each file's
    /// folder is flushed at once.
    pub dir_syncs: Option<&'a DirSyncs>,
}

/// What identifies one state of a file cheaply: which file it is (device
/// and inode) and its size, modification and change times. An edit, an
/// append, a file swapped for another, a `chmod` or a restored mtime
/// (`touch -r`, which still moves the change time) all give a different
/// stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    id: (u64, u64),
    #[cfg(unix)]
    changed: (i64, i64),
}

impl FileStamp {
    /// The stamp of a file's metadata (from `File::metadata` on the file
    /// opened for reading, or `fs::symlink_metadata`).
    pub fn of(meta: &fs::Metadata) -> Self {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            id: (meta.dev(), meta.ino()),
            #[cfg(unix)]
            changed: (meta.ctime(), meta.ctime_nsec()),
        }
    }

    /// Whether both stamps are of the same file (device and inode on Unix;
    /// elsewhere, always false: there is no cheap way to tell).
    pub fn same_file(&self, other: &FileStamp) -> bool {
        #[cfg(unix)]
        return self.id == other.id;
        #[cfg(not(unix))]
        {
            let _ = other;
            false
        }
    }

    /// The size the file had.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the file was empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// What [`replace_file`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replaced {
    /// The file already held these bytes and was not touched.
    Unchanged,
    /// The file was replaced.
    Written,
}

/// Why a file could not be written (it is then left as it was).
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file has no write permission (for anyone); it is not replaced.
    #[error("{}: is read-only; not replacing it", .0.display())]
    ReadOnly(PathBuf),
    /// The path is a symbolic link and following was not allowed.
    #[error("{}: is a symbolic link; not writing through it", .0.display())]
    Symlink(PathBuf),
    /// The file has other names (hard links). Replacing it would give this
    /// name a new file and leave the others with the old content.
    #[error("{}: has {links} hard links; rewriting would break them, so it is not replaced", .path.display())]
    HardLinks {
        /// The file.
        path: PathBuf,
        /// How many names it has.
        links: u64,
    },
    /// The file changed on disk after it was read (an edit meanwhile); the
    /// edit is kept.
    #[error("{}: changed while being processed; not overwritten", .0.display())]
    Changed(PathBuf),
    /// The temporary file could not be created beside the file (a
    /// read-only or full folder, no permission to create files there).
    #[error("{}: cannot create a temporary file in {}: {source}", .path.display(), .dir.display())]
    TempFile {
        /// The file to write.
        path: PathBuf,
        /// The folder the temporary file was to go in.
        dir: PathBuf,
        /// The error.
        #[source]
        source: io::Error,
    },
    /// An extended attribute (an ACL, a security label) of the file could
    /// not be given to its replacement.
    #[error("{}: cannot keep its extended attribute {name}: {source}; not replaced", .path.display())]
    Xattr {
        /// The file.
        path: PathBuf,
        /// The attribute.
        name: String,
        /// The error.
        #[source]
        source: io::Error,
    },
    /// A symbolic link inside an output folder, which would lead the
    /// write out of it.
    #[error("{}: is a symbolic link inside the output folder; not writing through it", .0.display())]
    SymlinkInOutput(PathBuf),
    /// Something other than a folder where an output folder must be.
    #[error("{}: is not a folder; cannot write files under it", .0.display())]
    NotAFolder(PathBuf),
    /// An existing output that is not a regular file (a FIFO, a device).
    #[error("{}: is {kind}, not a regular file; not written", .path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is.
        kind: &'static str,
    },
    /// An output path that would leave its output folder (`..`, a root).
    #[error("{}: is outside the output folder; not written", .0.display())]
    OutsideOutput(PathBuf),
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

/// A closure turning an `io::Error` into [`WriteError::Io`] for `path`.
pub(super) fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError {
    let path = path.to_path_buf();
    move |source| WriteError::Io { path, source }
}

/// Replaces the content of the existing file `path` with `bytes`,
/// atomically, keeping its owner, mode and extended attributes (see
/// [`AtomicFile::replace`]); does nothing when the content is already
/// `bytes`.
pub fn replace_file(
    path: &Path,
    bytes: &[u8],
    opts: ReplaceOptions<'_>,
) -> Result<Replaced, WriteError> {
    let target = resolve(path, opts.follow_symlinks)?;
    let unchanged = match opts.read_before {
        Some(old) => old == bytes,
        None => fs::read(&target).map_err(io_err(&target))? == bytes,
    };
    if unchanged {
        return Ok(Replaced::Unchanged);
    }
    // Bytes read and size stamped differ: the file grew or shrank while
    // it was being read.
    if let (Some(old), Some(stamp)) = (opts.read_before, opts.read_stamp) {
        if old.len() as u64 != stamp.len() {
            return Err(WriteError::Changed(target));
        }
    }
    let mut file = AtomicFile::replacing(&target, opts.read_stamp)?;
    file.write_all(bytes).map_err(io_err(&target))?;
    match opts.dir_syncs {
        Some(later) => file.commit_deferring_dir_sync(later),
        None => file.commit(),
    }?;
    Ok(Replaced::Written)
}

/// The file to replace for `path`: itself, or the file its symbolic link
/// leads to when following is allowed.
pub(super) fn resolve(path: &Path, follow_symlinks: bool) -> Result<PathBuf, WriteError> {
    let link = fs::symlink_metadata(path).map_err(io_err(path))?;
    if !link.file_type().is_symlink() {
        return Ok(path.to_path_buf());
    }
    if !follow_symlinks {
        return Err(WriteError::Symlink(path.to_path_buf()));
    }
    fs::canonicalize(path).map_err(io_err(path))
}

/*!
Output paths confined to an output folder (`--out-dir`).

A mirrored copy goes to `ROOT/REL`. A symbolic link already inside `ROOT`
— a folder `ROOT/sub` that is a link to `../elsewhere`, or a file
`ROOT/sub/a.txt` that is one — would carry the write out of `ROOT`, so
[`output_below`] checks every component below `ROOT` without following
links (`symlink_metadata`) and refuses a link, creating the missing
folders as it goes. An existing output that is not a regular file (a FIFO
would block the run, a device would receive the text) is refused too.
`ROOT` itself is what the user named, and may be a link.

The check and the write are separate steps: a folder swapped for a link in
between by another process is not caught. The threat it stops is a tree
that already holds such links.
*/

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::WriteError;

/// The path of `rel` below `root`, with its folders (and `root`) created, after making
/// sure that writing there stays inside `root`: no component below
/// `root` is a symbolic link, every folder on the way is a folder, and the
/// file itself, if it exists, is a regular file.
pub fn output_below(root: &Path, rel: &Path) -> Result<PathBuf, WriteError> {
    fs::create_dir_all(root).map_err(|source| WriteError::Io {
        path: root.to_path_buf(),
        source,
    })?;
    let mut path = root.to_path_buf();
    let mut parts = rel.components().peekable();
    while let Some(part) = parts.next() {
        let Component::Normal(name) = part else {
            return Err(WriteError::OutsideOutput(root.join(rel)));
        };
        path.push(name);
        if parts.peek().is_some() {
            ensure_folder(&path)?;
        } else {
            check_output_file(&path)?;
        }
    }
    Ok(path)
}

/// `path` is a folder (not a link to one), created if missing.
fn ensure_folder(path: &Path) -> Result<(), WriteError> {
    let io_err = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => match fs::create_dir(path) {
            Ok(()) => return Ok(()),
            // Another worker made it first; look at what is there now.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                fs::symlink_metadata(path).map_err(io_err)?
            }
            Err(e) => return Err(io_err(e)),
        },
        other => other.map_err(io_err)?,
    };
    if meta.file_type().is_symlink() {
        Err(WriteError::SymlinkInOutput(path.to_path_buf()))
    } else if !meta.is_dir() {
        Err(WriteError::NotAFolder(path.to_path_buf()))
    } else {
        Ok(())
    }
}

/// `path` is absent or a regular file (not a link).
fn check_output_file(path: &Path) -> Result<(), WriteError> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(WriteError::Io {
            path: path.to_path_buf(),
            source,
        }),
        Ok(m) if m.file_type().is_symlink() => Err(WriteError::SymlinkInOutput(path.to_path_buf())),
        Ok(m) if !m.is_file() => Err(WriteError::NotAFile {
            path: path.to_path_buf(),
            kind: file_kind(&m),
        }),
        Ok(_) => Ok(()),
    }
}

/// What a non-regular file is, for a message.
pub(super) fn file_kind(meta: &fs::Metadata) -> &'static str {
    let ft = meta.file_type();
    if ft.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        } else if ft.is_socket() {
            return "a socket";
        } else if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    "not a regular file"
}

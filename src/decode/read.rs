/*!
Reading a file for decoding, refusing what is not a regular file.

A FIFO (named pipe) blocks `open` and `read` until some other process
writes to it, a directory cannot be read, and a device may never end: a
tool run over a tree must skip them with a reason instead of hanging or
failing obscurely. [`read_file`] (and [`open_file`], for streaming) opens without blocking, checks the opened
file itself (so a file swapped for a FIFO between a check and the open is
still caught) and only then reads it.
*/

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Why a path could not be read as a file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A directory, FIFO, socket or device: skipped.
    #[error("{}: is {kind}, not a regular file; skipped", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is instead ("a directory", "a FIFO (named pipe)", …).
        kind: &'static str,
    },
    /// Opening or reading failed (missing, no permission, I/O error).
    // The OS error is part of the message and deliberately not the error's
    // `source`: a caller printing the chain would say it twice.
    #[error("cannot read {}: {reason}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        reason: io::Error,
    },
}

/// Reads the whole regular file at `path` (following symbolic links).
pub fn read_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    read_file_with_metadata(path).map(|(bytes, _)| bytes)
}

/// [`read_file`], plus the file's metadata as it was just before the
/// read (taken from the opened file). A writer compares it with the file
/// on disk before replacing it, so an edit made after this moment is
/// noticed (`write::FileStamp`); taken after the read, it would describe
/// an edit made during the read as the state that was read.
pub fn read_file_with_metadata(path: &Path) -> Result<(Vec<u8>, fs::Metadata), ReadError> {
    let io_err = |reason| ReadError::Io {
        path: path.to_path_buf(),
        reason,
    };
    let mut file = open_file(path)?;
    let meta = file.metadata().map_err(io_err)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.read_to_end(&mut bytes).map_err(io_err)?;
    Ok((bytes, meta))
}

/// Opens the regular file at `path` for reading (to stream it), refusing
/// anything else without blocking.
pub fn open_file(path: &Path) -> Result<File, ReadError> {
    let io_err = |reason| ReadError::Io {
        path: path.to_path_buf(),
        reason,
    };
    // A directory cannot be opened for reading on every platform; look
    // first, then check the opened file again.
    let meta = fs::metadata(path).map_err(io_err)?;
    if !meta.is_file() {
        return Err(not_a_file(path, &meta));
    }
    let file = open_nonblocking(path).map_err(io_err)?;
    let meta = file.metadata().map_err(io_err)?;
    if !meta.is_file() {
        return Err(not_a_file(path, &meta));
    }
    Ok(file)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO without a writer returns at once. It has
    // no effect on reading a regular file.
    File::options()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    File::open(path)
}

fn not_a_file(path: &Path, meta: &fs::Metadata) -> ReadError {
    let ft = meta.file_type();
    let kind = if ft.is_dir() {
        "a directory"
    } else {
        kind_unix(&ft)
    };
    ReadError::NotAFile {
        path: path.to_path_buf(),
        kind,
    }
}

#[cfg(unix)]
fn kind_unix(ft: &fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "a FIFO (named pipe)"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn kind_unix(_: &fs::FileType) -> &'static str {
    "not a regular file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_files_and_refuses_directories() {
        let dir = std::env::temp_dir().join(format!("zhtidy-read-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let f = dir.join("a.txt");
        fs::write(&f, "中文").unwrap();
        assert_eq!(read_file(&f).unwrap(), "中文".as_bytes());
        let err = read_file(&dir).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::NotAFile {
                    kind: "a directory",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains(&dir.display().to_string()));
        let missing = read_file(&dir.join("none")).unwrap_err();
        assert!(matches!(missing, ReadError::Io { .. }), "{missing}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = std::env::temp_dir().join(format!("zhtidy-read-fifo-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let err = read_file(&fifo).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::NotAFile {
                    kind: "a FIFO (named pipe)",
                    ..
                }
            ),
            "{err}"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}

/*!
Temporary files beside a target: their names, how they are created, and
what a later run does with the ones a killed process left behind.

A name is `.zhtidy-PID-N.tmp`: short and the same length whatever the
target is called, so a target whose own name is near the file system's
limit (255 bytes, about 85 Chinese characters in UTF-8) can still be
replaced, and a reader of the folder can tell whose file it is. `N` counts
up in the process, so threads writing to one folder never collide.

A temporary file is opened with the permission bits it will end with (at
most; the umask may clear more), never wider first and narrowed later: a
process killed between the two would leave a readable copy of a private
file.
*/

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Counts temporary files created by this process.
static NEXT: AtomicU64 = AtomicU64::new(0);

/// How a temporary file's name starts and ends.
const PREFIX: &str = ".zhtidy-";
const SUFFIX: &str = ".tmp";

/// Creates a new temporary file in `dir` with permission bits `mode` (Unix;
/// `umask` applies as for any new file); its path and the open file.
pub(super) fn create_in(dir: &Path, mode: u32) -> io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    let mut last = None;
    for _ in 0..100 {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!("{PREFIX}{pid}-{n}{SUFFIX}"));
        match open_new(&temp, mode) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::from(io::ErrorKind::AlreadyExists)))
}

#[cfg(unix)]
fn open_new(path: &Path, mode: u32) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    File::options()
        .write(true)
        .create_new(true)
        .mode(mode & 0o777)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(not(unix))]
fn open_new(path: &Path, _mode: u32) -> io::Result<File> {
    File::options().write(true).create_new(true).open(path)
}

/// The process id in a temporary file's name, if `name` is one of ours.
pub(super) fn owner_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (pid, n) = rest.split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_and_recognised() {
        let dir = std::env::temp_dir().join(format!("zhtidy-temp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (a, _fa) = create_in(&dir, 0o600).unwrap();
        let (b, _fb) = create_in(&dir, 0o600).unwrap();
        assert_ne!(a, b);
        let name = a.file_name().unwrap().to_str().unwrap();
        assert!(name.len() <= PREFIX.len() + 10 + 1 + 20 + SUFFIX.len());
        assert_eq!(owner_pid(name), Some(std::process::id()));
        assert_eq!(owner_pid(".a.txt.zhtidy-1-0.tmp"), None);
        assert_eq!(owner_pid(".zhtidy-x-0.tmp"), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_temporary_file_never_has_more_permission_than_asked() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("zhtidy-temp-mode-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (_, f) = create_in(&dir, 0o600).unwrap();
        assert_eq!(f.metadata().unwrap().permissions().mode() & 0o777, 0o600);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

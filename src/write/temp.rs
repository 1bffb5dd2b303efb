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

A process killed with SIGKILL (or by a crash) cannot remove its temporary
files. The first time a process creates a temporary file in a folder, it
looks there for ours left behind: named `.zhtidy-PID-N.tmp`, PID not a
running process, not modified for a minute (a process of another PID
namespace sharing the folder is still writing to its file). Those are
removed and listed for [`take_left_behind`], so that the program can say
what it removed; a target is never touched, since the rename never
happened.
*/

use std::collections::HashSet;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

/// Counts temporary files created by this process.
static NEXT: AtomicU64 = AtomicU64::new(0);

/// How a temporary file's name starts and ends.
const PREFIX: &str = ".zhtidy-";
const SUFFIX: &str = ".tmp";

/// How long a temporary file of a process that no longer runs must have
/// been left alone before it counts as left behind.
const LEFT_FOR: Duration = Duration::from_secs(60);

/// A temporary file an earlier, interrupted process left behind, found
/// beside a file being written.
#[derive(Debug)]
pub struct LeftBehind {
    /// The temporary file.
    pub path: PathBuf,
    /// The process that created it (no longer running).
    pub pid: u32,
    /// Why it could not be removed (`None`: it was).
    pub error: Option<io::Error>,
}

/// Folders already searched for temporary files left behind.
fn searched() -> MutexGuard<'static, HashSet<PathBuf>> {
    static SEARCHED: OnceLock<Mutex<HashSet<PathBuf>>> = OnceLock::new();
    let m = SEARCHED.get_or_init(|| Mutex::new(HashSet::new()));
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Left-behind temporary files found so far, not yet taken.
static FOUND: Mutex<Vec<LeftBehind>> = Mutex::new(Vec::new());

/// The temporary files of interrupted runs found (and removed, unless
/// `error` says otherwise) since the last call, in the order found.
pub fn take_left_behind() -> Vec<LeftBehind> {
    std::mem::take(&mut *FOUND.lock().unwrap_or_else(|e| e.into_inner()))
}

/// Removes the temporary files left behind in `dir`, once per folder and
/// process (see the module doc). Best effort: a folder that cannot be
/// listed is simply not cleaned.
pub(super) fn remove_left_behind_once(dir: &Path) {
    if !searched().insert(dir.to_path_buf()) {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let own = std::process::id();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(owner_pid) else {
            continue;
        };
        if pid == own || is_running(pid) || !left_alone(&entry) {
            continue;
        }
        let path = entry.path();
        let error = fs::remove_file(&path).err();
        let found = LeftBehind { path, pid, error };
        FOUND.lock().unwrap_or_else(|e| e.into_inner()).push(found);
    }
}

/// A regular file (never a link or folder) not modified for [`LEFT_FOR`].
fn left_alone(entry: &fs::DirEntry) -> bool {
    entry.metadata().is_ok_and(|m| {
        m.is_file()
            && m.modified()
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age >= LEFT_FOR)
    })
}

#[cfg(unix)]
fn is_running(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 only checks that the process exists.
    if unsafe { libc::kill(pid, 0) } == 0 {
        return true;
    }
    // EPERM: it exists, owned by someone else.
    io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Without a way to ask, every process counts as running: nothing is
/// removed.
#[cfg(not(unix))]
fn is_running(_: u32) -> bool {
    true
}

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

/// Whether `name` is the name of a temporary file of this module (a walk
/// over a tree must not take another run's half-written file for input).
pub fn is_temp_file_name(name: &std::ffi::OsStr) -> bool {
    name.to_str().and_then(owner_pid).is_some()
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

    /// A process that was SIGKILLed: its PID is gone, its file is old.
    #[cfg(unix)]
    #[test]
    fn files_left_by_a_dead_process_are_removed_and_reported() {
        let dir = std::env::temp_dir().join(format!("zhtidy-temp-left-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let old = dir.join(format!(".zhtidy-{dead}-0.tmp"));
        let fresh = dir.join(format!(".zhtidy-{dead}-1.tmp"));
        let alive = dir.join(format!(".zhtidy-{}-999999.tmp", std::process::id()));
        let other = dir.join(format!(".a.txt.zhtidy-{dead}-0.tmp"));
        for p in [&old, &fresh, &alive, &other] {
            fs::write(p, "partial").unwrap();
        }
        let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
        for p in [&old, &alive, &other] {
            File::options()
                .write(true)
                .open(p)
                .unwrap()
                .set_modified(hour_ago)
                .unwrap();
        }
        remove_left_behind_once(&dir);
        let (temp, _f) = create_in(&dir, 0o600).unwrap();
        let found: Vec<_> = take_left_behind()
            .into_iter()
            .filter(|l| l.path.starts_with(&dir))
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((&found[0].path, found[0].pid), (&old, dead));
        assert!(found[0].error.is_none());
        assert!(!old.exists());
        assert!(fresh.exists() && alive.exists() && other.exists() && temp.exists());
        fs::remove_dir_all(&dir).unwrap();
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

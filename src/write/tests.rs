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

#[cfg(unix)]
fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(unix)]
#[test]
fn a_file_with_other_hard_links_is_refused() {
    let dir = scratch("hardlink");
    let target = dir.join("a.txt");
    fs::write(&target, "old").unwrap();
    fs::hard_link(&target, dir.join("b.txt")).unwrap();
    let err = replace_file(&target, b"new", ReplaceOptions::default()).unwrap_err();
    assert!(
        matches!(err, WriteError::HardLinks { links: 2, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("has 2 hard links"), "{err}");
    assert_eq!(fs::read(dir.join("b.txt")).unwrap(), b"old");
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 2);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_changed_after_it_was_read_is_not_overwritten() {
    let dir = scratch("changed");
    let target = dir.join("a.txt");
    fs::write(&target, "old\n").unwrap();
    let (read, meta) = crate::decode::read_file_with_metadata(&target).unwrap();
    // An edit lands between the read and the write.
    fs::OpenOptions::new()
        .append(true)
        .open(&target)
        .unwrap()
        .write_all(b"appended\n")
        .unwrap();
    let opts = ReplaceOptions {
        read_before: Some(&read),
        read_stamp: Some(FileStamp::of(&meta)),
        ..ReplaceOptions::default()
    };
    let err = replace_file(&target, b"new\n", opts).unwrap_err();
    assert!(matches!(err, WriteError::Changed(_)), "{err}");
    assert!(
        err.to_string()
            .contains("changed while being processed; not overwritten"),
        "{err}"
    );
    assert_eq!(fs::read(&target).unwrap(), b"old\nappended\n");
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
    fs::remove_dir_all(&dir).unwrap();
}

/// The edit comes after the temporary file was written, just before the
/// commit: the check sits at the rename, not at the start.
#[test]
fn a_file_changed_while_its_replacement_is_written_is_not_overwritten() {
    let dir = scratch("changed-late");
    let target = dir.join("a.txt");
    fs::write(&target, "old\n").unwrap();
    let mut f = AtomicFile::replace(&target, ReplaceOptions::default()).unwrap();
    f.write_all(b"new\n").unwrap();
    fs::write(&target, "edited\n").unwrap();
    let err = f.commit().unwrap_err();
    assert!(matches!(err, WriteError::Changed(_)), "{err}");
    assert_eq!(fs::read(&target).unwrap(), b"edited\n");
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
    fs::remove_dir_all(&dir).unwrap();
}

/// A private file's replacement is never readable by others, not even
/// while it is being written.
#[cfg(unix)]
#[test]
fn the_temporary_file_starts_with_the_targets_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("temp-mode");
    let target = dir.join("a.txt");
    fs::write(&target, "old").unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).unwrap();
    let mut f = AtomicFile::replace(&target, ReplaceOptions::default()).unwrap();
    let temp = f.temp.clone().unwrap();
    assert_eq!(
        fs::metadata(&temp).unwrap().permissions().mode() & 0o777,
        0o600
    );
    f.write_all(b"new").unwrap();
    f.commit().unwrap();
    assert_eq!(
        fs::metadata(&target).unwrap().permissions().mode() & 0o7777,
        0o600
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
#[allow(clippy::print_stderr)] // says why it is skipped
fn owner_group_and_setuid_are_kept_when_root() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    if !is_root() {
        eprintln!("skipped: needs root (chown to another user)");
        return;
    }
    let dir = scratch("owner");
    let target = dir.join("a.txt");
    fs::write(&target, "old").unwrap();
    std::os::unix::fs::chown(&target, Some(65534), Some(65534)).unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o4755)).unwrap();
    replace_file(&target, b"new", ReplaceOptions::default()).unwrap();
    let meta = fs::metadata(&target).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (65534, 65534));
    assert_eq!(meta.mode() & 0o7777, 0o4755);
    fs::remove_dir_all(&dir).unwrap();
}

#[cfg(target_os = "linux")]
#[test]
#[allow(clippy::print_stderr)] // says why it is skipped
fn extended_attributes_are_copied() {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let dir = scratch("xattr");
    let target = dir.join("a.txt");
    fs::write(&target, "old").unwrap();
    let path = CString::new(target.as_os_str().as_bytes()).unwrap();
    let value = b"kept \0 binary";
    // SAFETY: valid C strings and a live buffer.
    let set = unsafe {
        libc::setxattr(
            path.as_ptr(),
            c"user.zhtidy-test".as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        )
    };
    if set != 0 {
        eprintln!(
            "skipped: no user extended attributes here: {}",
            io::Error::last_os_error()
        );
        fs::remove_dir_all(&dir).unwrap();
        return;
    }
    replace_file(&target, b"new", ReplaceOptions::default()).unwrap();
    assert_eq!(fs::read(&target).unwrap(), b"new");
    let mut buf = [0u8; 64];
    // SAFETY: valid C strings and a buffer of the length given.
    let n = unsafe {
        libc::getxattr(
            path.as_ptr(),
            c"user.zhtidy-test".as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    };
    assert!(n >= 0, "{}", io::Error::last_os_error());
    assert_eq!(&buf[..n as usize], value);
    fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn outputs_stay_below_their_folder() {
    use std::os::unix::fs::symlink;
    let dir = scratch("below");
    let (out, away) = (dir.join("o"), dir.join("v"));
    fs::create_dir_all(&away).unwrap();
    fs::write(away.join("b.txt"), "keep").unwrap();
    // Missing folders are made, `out` included.
    let p = output_below(&out, Path::new("x/y/a.txt")).unwrap();
    assert_eq!(p, out.join("x/y/a.txt"));
    assert!(out.join("x/y").is_dir());
    // A linked folder, a linked file.
    symlink("../v", out.join("sub")).unwrap();
    let err = output_below(&out, Path::new("sub/b.txt")).unwrap_err();
    assert!(matches!(err, WriteError::SymlinkInOutput(_)), "{err}");
    symlink("../v/b.txt", out.join("c.txt")).unwrap();
    let err = output_below(&out, Path::new("c.txt")).unwrap_err();
    assert!(matches!(err, WriteError::SymlinkInOutput(_)), "{err}");
    // A file where a folder is needed; `..`.
    fs::write(out.join("f"), "").unwrap();
    let err = output_below(&out, Path::new("f/a.txt")).unwrap_err();
    assert!(matches!(err, WriteError::NotAFolder(_)), "{err}");
    let err = output_below(&out, Path::new("../v/b.txt")).unwrap_err();
    assert!(matches!(err, WriteError::OutsideOutput(_)), "{err}");
    // A FIFO at the output path.
    let fifo = std::ffi::CString::new(out.join("p.txt").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let err = output_below(&out, Path::new("p.txt")).unwrap_err();
    assert!(
        matches!(
            err,
            WriteError::NotAFile {
                kind: "a FIFO (named pipe)",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(fs::read(away.join("b.txt")).unwrap(), b"keep");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn names_near_the_file_system_limit_can_be_replaced() {
    let dir = scratch("long-name");
    // 83 characters of 3 bytes and `.txt`: 253 bytes, the limit is 255.
    let target = dir.join(format!("{}.txt", "标".repeat(83)));
    assert_eq!(target.file_name().unwrap().len(), 253);
    fs::write(&target, "old").unwrap();
    replace_file(&target, b"new", ReplaceOptions::default()).unwrap();
    assert_eq!(fs::read(&target).unwrap(), b"new");
    fs::remove_dir_all(&dir).unwrap();
}

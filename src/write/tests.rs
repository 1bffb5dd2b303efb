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

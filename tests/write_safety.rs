/*!
Writing files safely, through the command: each test reproduces one way a
rewrite (`--write`), a mirror (`--out-dir`) or `convert -o` could lose
something the file had, write outside its target, or kill the run.

`f.txt` holds `这是正文,测试内容。`, which the default pipeline changes (the
comma), so every run below really rewrites it.

Tests that need root (giving a file to another user, running zhtidy as
`nobody`) run when the tests run as root, as in CI, and print a skip line
otherwise. The ACL test needs `setfacl`/`getfacl` (Debian package `acl`)
and says so when they are missing.
*/

mod support;

use std::fs;
use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use support::{bin, scratch};

const TEXT: &str = "这是正文,测试内容。\n";
const TIDIED: &str = "这是正文，测试内容。\n";

fn zhtidy<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(bin())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().mode() & 0o7777
}

fn set_mode(p: &Path, mode: u32) {
    fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
}

/// Names in `dir` that look like temporary files.
fn temp_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

fn f_txt(dir: &Path) -> PathBuf {
    let f = dir.join("f.txt");
    fs::write(&f, TEXT).unwrap();
    f
}

fn has(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

#[test]
fn write_as_root_keeps_owner_group_and_setuid() {
    if !is_root() {
        eprintln!("skipped: needs root (chown to nobody)");
        return;
    }
    let dir = scratch("owner");
    let f = f_txt(&dir);
    std::os::unix::fs::chown(&f, Some(65534), Some(65534)).unwrap();
    set_mode(&f, 0o4755);
    let private = dir.join("private.txt");
    fs::write(&private, TEXT).unwrap();
    std::os::unix::fs::chown(&private, Some(65534), Some(65534)).unwrap();
    set_mode(&private, 0o600);
    let out = zhtidy(&["-w".as_ref(), f.as_os_str(), private.as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for (p, m) in [(&f, 0o4755), (&private, 0o600)] {
        assert_eq!(fs::read_to_string(p).unwrap(), TIDIED);
        let meta = fs::metadata(p).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (65534, 65534), "{}", p.display());
        assert_eq!(mode(p), m, "{}", p.display());
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// Someone who may write a file but not give it back to its owner makes
/// a file of their own: without the set-ID bits.
#[test]
fn write_by_another_user_drops_setuid_and_setgid() {
    if !is_root() || !has("setpriv") {
        eprintln!("skipped: needs root and setpriv (to run as nobody)");
        return;
    }
    let dir = scratch("setuid-other");
    set_mode(&dir, 0o777);
    let f = f_txt(&dir);
    set_mode(&f, 0o6777);
    let out = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            bin(),
            "-w",
        ])
        .arg(&f)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&f).unwrap(), TIDIED);
    assert_eq!(fs::metadata(&f).unwrap().uid(), 65534);
    assert_eq!(mode(&f), 0o777, "set-ID bits must not follow a new owner");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn write_keeps_acls_and_extended_attributes() {
    if !has("setfacl") || !has("getfacl") || !has("setfattr") || !has("getfattr") {
        eprintln!("skipped: needs setfacl/getfacl (package acl) and setfattr/getfattr (attr)");
        return;
    }
    let dir = scratch("acl");
    let f = f_txt(&dir);
    let ok = |c: &mut Command| c.status().unwrap().success();
    let acl_set = ok(Command::new("setfacl").args(["-m", "u:nobody:rw"]).arg(&f));
    let attr_set = ok(Command::new("setfattr")
        .args(["-n", "user.origin", "-v", "crawler-7"])
        .arg(&f));
    if !acl_set || !attr_set {
        eprintln!("skipped: this file system has no ACLs or user attributes");
        return;
    }
    let dump = |f: &Path| {
        let out = Command::new("getfattr")
            .args(["-d", "-m", "-", "--absolute-names"])
            .arg(f)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let before = dump(&f);
    assert!(before.contains("system.posix_acl_access"), "{before}");
    let out = zhtidy(&["-w".as_ref(), f.as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&f).unwrap(), TIDIED);
    assert_eq!(dump(&f), before);
    let acl = Command::new("getfacl").arg("-c").arg(&f).output().unwrap();
    assert!(
        String::from_utf8_lossy(&acl.stdout).contains("user:nobody:rw-"),
        "{}",
        String::from_utf8_lossy(&acl.stdout)
    );
    // A folder's default ACL must not be added to a file that had none
    // (its temporary file inherits it).
    let sub = dir.join("sub");
    fs::create_dir(&sub).unwrap();
    assert!(ok(Command::new("setfacl")
        .args(["-d", "-m", "u:nobody:rwx"])
        .arg(&sub)));
    let g = f_txt(&sub);
    assert!(ok(Command::new("setfacl").arg("-b").arg(&g)));
    let before = dump(&g);
    assert!(!before.contains("posix_acl"), "{before}");
    let out = zhtidy(&["-w".as_ref(), g.as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&g).unwrap(), TIDIED);
    assert_eq!(dump(&g), before);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn write_refuses_a_file_with_hard_links() {
    let dir = scratch("hardlinks");
    let f = f_txt(&dir);
    let other = dir.join("other-name.txt");
    fs::hard_link(&f, &other).unwrap();
    let out = zhtidy(&["-w".as_ref(), f.as_os_str()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("has 2 hard links"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_to_string(&f).unwrap(), TEXT);
    assert_eq!(
        fs::metadata(&f).unwrap().ino(),
        fs::metadata(&other).unwrap().ino()
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn copies_and_convert_output_keep_the_mode() {
    let dir = scratch("modes");
    let t = dir.join("t");
    fs::create_dir(&t).unwrap();
    let f = f_txt(&t);
    set_mode(&f, 0o600);
    let o = dir.join("o");
    let out = zhtidy(&["-o".as_ref(), o.as_os_str(), t.as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(o.join("f.txt")).unwrap(), TIDIED);
    assert_eq!(mode(&o.join("f.txt")), 0o600);

    // convert -i f -o f: the same file, replaced as --write would.
    let s = dir.join("s.txt");
    fs::write(&s, "简体中文\n").unwrap();
    set_mode(&s, 0o600);
    let out = zhtidy(&[
        "convert".as_ref(),
        "-i".as_ref(),
        s.as_os_str(),
        "-o".as_ref(),
        s.as_os_str(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&s).unwrap(), "簡體中文\n");
    assert_eq!(mode(&s), 0o600);
    // Read-only: refused, as --write refuses it.
    set_mode(&s, 0o444);
    fs::write(&s, "简体中文\n").unwrap();
    let out = zhtidy(&[
        "convert".as_ref(),
        "-i".as_ref(),
        s.as_os_str(),
        "-o".as_ref(),
        s.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&s).unwrap(), "简体中文\n");
    assert!(temp_files(&dir).is_empty());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn out_dir_never_writes_through_a_symlink_inside_it() {
    // mkdir -p t/sub o v; cp f.txt t/sub/b.txt; echo keep > v/b.txt;
    // ln -s ../v o/sub; zhtidy -o o t
    let dir = scratch("outdir-symlink");
    for d in ["t/sub", "o", "v"] {
        fs::create_dir_all(dir.join(d)).unwrap();
    }
    fs::write(dir.join("t/sub/b.txt"), TEXT).unwrap();
    fs::write(dir.join("t/c.txt"), TEXT).unwrap();
    fs::write(dir.join("v/b.txt"), "keep\n").unwrap();
    fs::write(dir.join("v/c.txt"), "keep\n").unwrap();
    symlink("../v", dir.join("o/sub")).unwrap();
    symlink("../v/c.txt", dir.join("o/c.txt")).unwrap();
    let out = zhtidy(&[
        "-o".as_ref(),
        dir.join("o").as_os_str(),
        dir.join("t").as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("symbolic link inside the output folder"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_to_string(dir.join("v/b.txt")).unwrap(), "keep\n");
    assert_eq!(fs::read_to_string(dir.join("v/c.txt")).unwrap(), "keep\n");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn out_dir_does_not_block_on_a_fifo_at_an_output_path() {
    let dir = scratch("outdir-fifo");
    let t = dir.join("t");
    fs::create_dir(&t).unwrap();
    f_txt(&t);
    fs::write(t.join("g.txt"), TEXT).unwrap();
    let o = dir.join("o");
    fs::create_dir(&o).unwrap();
    let fifo = std::ffi::CString::new(o.join("f.txt").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let mut child = Command::new(bin())
        .args(["-o".as_ref(), o.as_os_str(), t.as_os_str()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("zhtidy blocked on a FIFO at an output path");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("FIFO"), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(o.join("g.txt")).unwrap(), TIDIED);
    fs::remove_dir_all(&dir).unwrap();
}

/// An append made while `--write` (or `convert -i f -o f`) works on a
/// large file survives: the file is either rewritten before the edit
/// (which then lands in the new file) or, edited meanwhile, skipped with
/// an error.
#[test]
fn an_edit_during_write_is_never_lost() {
    let dir = scratch("concurrent-edit");
    let f = dir.join("big.txt");
    let write: &[&std::ffi::OsStr] = &["-w".as_ref(), f.as_os_str()];
    let convert: &[&std::ffi::OsStr] = &[
        "convert".as_ref(),
        "-i".as_ref(),
        f.as_os_str(),
        "-o".as_ref(),
        f.as_os_str(),
    ];
    for args in [write, convert] {
        fs::write(&f, TEXT.repeat(400_000)).unwrap(); // ~12 MB
        let mut child = Command::new(bin())
            .args(args)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Edit as soon as the replacement is being written.
        let start = Instant::now();
        while temp_files(&dir).is_empty() && child.try_wait().unwrap().is_none() {
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "no temporary file seen"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        fs::OpenOptions::new()
            .append(true)
            .open(&f)
            .and_then(|mut h| std::io::Write::write_all(&mut h, "追加的一行\n".as_bytes()))
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let got = fs::read_to_string(&f).unwrap();
        assert!(got.ends_with("追加的一行\n"), "{args:?}: the edit was lost");
        if stderr(&out).contains("changed while being processed") {
            assert_eq!(out.status.code(), Some(2));
            assert!(got.starts_with(TEXT), "skipped, so left as it was");
            eprintln!("{args:?}: the edit came before the rename: the file was skipped");
        } else {
            eprintln!("{args:?}: the edit came after the rename: it is in the new file");
        }
        assert!(temp_files(&dir).is_empty());
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_size_limit_fails_one_file_not_the_run() {
    let dir = scratch("ulimit");
    let big = dir.join("big.txt");
    fs::write(&big, TEXT.repeat(1_000)).unwrap(); // ~31 KB
    let small = f_txt(&dir);
    // `ulimit -f 16`: 16 blocks of 1024 bytes.
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 16 && exec \"$0\" -w \"$1\" \"$2\"")
        .arg(bin())
        .arg(&big)
        .arg(&small)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("big.txt"), "{}", stderr(&out));
    assert!(stderr(&out).contains("too large"), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&big).unwrap(), TEXT.repeat(1_000));
    assert_eq!(fs::read_to_string(&small).unwrap(), TIDIED);
    assert!(temp_files(&dir).is_empty(), "{:?}", temp_files(&dir));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn long_file_names_can_be_rewritten_mirrored_and_converted() {
    let dir = scratch("long-names");
    let t = dir.join("t");
    fs::create_dir(&t).unwrap();
    // 83 Chinese characters and `.txt`: 253 bytes, under the 255 limit.
    let name = format!(
        "{}.txt",
        "标题".repeat(42).chars().take(83).collect::<String>()
    );
    assert_eq!(name.len(), 253);
    let f = t.join(&name);
    fs::write(&f, TEXT).unwrap();
    let o = dir.join("o");
    let out = zhtidy(&["-o".as_ref(), o.as_os_str(), t.as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(o.join(&name)).unwrap(), TIDIED);
    let out = zhtidy(&["-w".as_ref(), f.as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&f).unwrap(), TIDIED);
    let out = zhtidy(&[
        "convert".as_ref(),
        "-i".as_ref(),
        f.as_os_str(),
        "-o".as_ref(),
        f.as_os_str(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_folder_that_cannot_hold_a_temporary_file_is_named_as_the_cause() {
    if is_root() && !has("setpriv") {
        eprintln!("skipped: root ignores folder permissions and setpriv is missing");
        return;
    }
    let dir = scratch("no-temp");
    set_mode(&dir, 0o755);
    let sub = dir.join("locked");
    fs::create_dir(&sub).unwrap();
    let f = f_txt(&sub);
    set_mode(&f, 0o666);
    set_mode(&sub, 0o555);
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin()]);
        c
    } else {
        Command::new(bin())
    };
    let out = cmd.arg("-w").arg(&f).output().unwrap();
    set_mode(&sub, 0o755);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot create a temporary file in"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_to_string(&f).unwrap(), TEXT);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_out_dir_inside_the_input_is_skipped_however_it_is_spelled() {
    let dir = scratch("outdir-inside");
    let t = dir.join("t");
    fs::create_dir_all(t.join("sub")).unwrap();
    f_txt(&t);
    let spelled = t.join("sub/../out");
    for _ in 0..2 {
        let out = zhtidy(&["-o".as_ref(), spelled.as_os_str(), t.as_os_str()]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(fs::read_to_string(t.join("out/f.txt")).unwrap(), TIDIED);
    assert!(
        !t.join("out/out").exists(),
        "the output was cleaned into itself"
    );
    // Through a symbolic link to the input.
    symlink(&t, dir.join("link")).unwrap();
    let via_link = dir.join("link/out");
    let out = zhtidy(&["-o".as_ref(), via_link.as_os_str(), t.as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!t.join("out/out").exists());
    // The same folder as input and output.
    let out = zhtidy(&["-o".as_ref(), t.as_os_str(), t.as_os_str()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("output folder itself"),
        "{}",
        stderr(&out)
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// A run killed with SIGKILL leaves its temporary file; the next run that
/// writes in that folder removes it and says so.
#[test]
fn temporary_files_of_a_killed_run_are_removed_and_reported() {
    let dir = scratch("left-behind");
    let f = f_txt(&dir);
    let mut child = Command::new(bin())
        .arg("-w")
        .arg(dir.join("absent.txt"))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let left = dir.join(format!(".zhtidy-{dead}-0.tmp"));
    fs::write(&left, "half of a file").unwrap();
    let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(&left)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
    let out = zhtidy(&["-w".as_ref(), f.as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!left.exists());
    assert!(
        stderr(&out).contains(&format!("removed {}", left.display())),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_to_string(&f).unwrap(), TIDIED);
    fs::remove_dir_all(&dir).unwrap();
}

/// Another run's temporary file is never taken for input, even by a walk
/// that includes hidden files.
#[test]
fn a_walk_skips_temporary_files_of_a_write_in_progress() {
    let dir = scratch("walk-temp");
    f_txt(&dir);
    fs::write(dir.join(".zhtidy-1-0.tmp"), TEXT).unwrap();
    fs::write(dir.join(".other.txt"), TEXT).unwrap();
    let out = zhtidy(&["-l".as_ref(), "--hidden".as_ref(), dir.as_os_str()]);
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        listed.contains("f.txt") && listed.contains(".other.txt"),
        "{listed}"
    );
    assert!(!listed.contains(".zhtidy-"), "{listed}");
    fs::remove_dir_all(&dir).unwrap();
}

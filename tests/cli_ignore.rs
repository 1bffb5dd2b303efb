/*!
`--force-exclude` applies the ignore files (`.zhtidyignore`, `.ignore`,
`.gitignore`) to paths named on the command line exactly as a walk does:
a listed file, or a file under a listed folder, is left alone in every
mode, also when it comes from `--files-from` or stands for standard input
(`--stdin-filename`); without `--force-exclude`, or with `--no-ignore`,
a named file is cleaned.
*/

mod support;

use std::fs;

use support::{Tree, DIRTY, FIXED};

/// A tree with an ignore file, a nested `.gitignore` and the files they
/// name, beside one file every walk sees.
fn fixture(name: &str) -> Tree {
    let t = Tree::new(name);
    for (rel, content) in [
        (".zhtidyignore", "vendor/\n*.gen.txt\n"),
        ("sub/.gitignore", "local.txt\n"),
        ("a.txt", DIRTY),
        ("vendor/third.txt", DIRTY),
        ("vendor/deep/x.txt", DIRTY),
        ("b.gen.txt", DIRTY),
        ("sub/local.txt", DIRTY),
    ] {
        t.file(rel, content);
    }
    t
}

const IGNORED: [&str; 4] = [
    "vendor/third.txt",
    "vendor/deep/x.txt",
    "b.gen.txt",
    "sub/local.txt",
];

#[test]
fn named_paths_honour_ignore_files_under_force_exclude() {
    let t = fixture("force");
    let args = [&["--write", "--force-exclude", "a.txt"][..], &IGNORED].concat();
    let o = t.run_stdin(&args, None);
    assert!(o.status.success(), "{}", support::utf8(&o.stderr));
    assert_eq!(t.read("a.txt"), FIXED);
    for rel in IGNORED {
        assert_eq!(t.read(rel), DIRTY, "{rel} is ignored");
    }
    // The same list through --files-from, and -l, which lists nothing
    // ignored.
    let list = format!("./a.txt\n{}\n", IGNORED.join("\n"));
    fs::write(t.0.join("a.txt"), DIRTY).unwrap();
    let o = t.run_stdin(
        &["-l", "--force-exclude", "--files-from", "-"],
        Some(list.as_bytes()),
    );
    assert_eq!(support::utf8(&o.stdout), "a.txt\n");
}

#[test]
fn one_named_file_or_stdin_is_passed_through_when_ignored() {
    let t = fixture("single");
    let o = t.run_stdin(&["--force-exclude", "vendor/third.txt"], None);
    assert_eq!(support::utf8(&o.stdout), DIRTY);
    let o = t.run_stdin(
        &["--force-exclude", "--stdin-filename", "vendor/new.txt", "-"],
        Some(DIRTY.as_bytes()),
    );
    assert_eq!(support::utf8(&o.stdout), DIRTY);
    let o = t.run_stdin(
        &[
            "--check",
            "--force-exclude",
            "--stdin-filename",
            "vendor/new.txt",
            "-",
        ],
        Some(DIRTY.as_bytes()),
    );
    assert_eq!(o.status.code(), Some(0), "{}", support::utf8(&o.stdout));
}

#[test]
fn without_force_exclude_or_with_no_ignore_named_files_are_cleaned() {
    let t = fixture("plain");
    assert_eq!(
        support::utf8(&t.run_stdin(&["vendor/third.txt"], None).stdout),
        FIXED
    );
    let o = t.run_stdin(
        &["--force-exclude", "--no-ignore", "vendor/third.txt"],
        None,
    );
    assert_eq!(support::utf8(&o.stdout), FIXED);
}

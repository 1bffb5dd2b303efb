/*!
Bulk runs end to end, each in its own temporary folder: every mode and its
exit code, what is (and is never) written, the walk's ignore rules and
globs, --force-exclude, --files-from, parallel output equal to sequential
output, report formats, JSON Lines, configuration files (and their
errors), an empty environment, completions and the man page.

The fixture tree mixes a dirty file (a stray Simplified 开 in Traditional
text, which fix repairs), a clean one, a binary file, one no encoding
decodes, and files the walk must not see (.gitignore'd, node_modules,
hidden).
*/

mod support;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use support::{Tree, CLEAN, DIRTY, FIXED};

/// The standard corpus under `c/`.
fn corpus(name: &str) -> Tree {
    let t = Tree::new(name);
    t.file("c/a-dirty.txt", DIRTY)
        .file("c/sub/b-clean.md", CLEAN)
        .file("c/sub/c-dirty.md", DIRTY)
        .file("c/d.bin.txt", b"bin\0\0\x01data")
        .file("c/ignored.txt", DIRTY)
        .file("c/.gitignore", "ignored.txt\n")
        .file("c/node_modules/x.txt", DIRTY)
        .file("c/.hidden/y.txt", DIRTY)
        .file("c/image.png", DIRTY);
    t
}

fn out(o: &Output) -> String {
    support::utf8(&o.stdout)
}

fn err(o: &Output) -> String {
    support::utf8(&o.stderr)
}

fn mtime(p: &Path) -> std::time::SystemTime {
    fs::metadata(p).unwrap().modified().unwrap()
}

#[test]
fn check_lists_what_would_change_and_writes_nothing() {
    let t = corpus("check");
    let o = t.run(&["--check", "c"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert_eq!(
        out(&o),
        "would change: c/a-dirty.txt (0 removal(s), 1 fix(es))\nwould change: c/sub/c-dirty.md (0 removal(s), 1 fix(es))\n"
    );
    assert!(err(&o).contains("4 file(s): 2 would change, 1 unchanged, 1 skipped, 0 failed"));
    assert_eq!(t.read("c/a-dirty.txt"), DIRTY);
    assert_eq!(t.read("c/ignored.txt"), DIRTY);
}

#[test]
fn the_summary_counts_files_with_mojibake_and_lost_characters() {
    let t = Tree::new("damage-summary");
    t.file("d/lost.txt", "这是正文，测试内容。锟斤拷锟斤拷的文字。\n")
        .file("d/holes.txt", "这是正文\u{FFFD}\u{FFFD}测试内容。\n")
        .file("d/clean.txt", CLEAN);
    let o = t.run(&["--check", "d"]);
    let e = err(&o);
    assert!(
        e.contains("0 file(s) with mojibake, 2 with characters already lost (4 in all)"),
        "{e}"
    );
    let clean = Tree::new("damage-summary-clean");
    clean.file("d/clean.txt", CLEAN);
    let e = err(&clean.run(&["--check", "d"]));
    assert!(!e.contains("with mojibake"), "{e}");
}

#[test]
fn list_different_prints_paths_only() {
    let t = corpus("list");
    let o = t.run(&["-l", "-q", "c"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(out(&o), "c/a-dirty.txt\nc/sub/c-dirty.md\n");
    assert_eq!(err(&o), "", "-q prints no summary");
}

#[test]
fn diff_is_unified_and_uncoloured_in_a_pipe() {
    let t = corpus("diff");
    let o = t.run(&["--diff", "c/sub"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        out(&o),
        format!("--- a/c/sub/c-dirty.md\n+++ b/c/sub/c-dirty.md\n@@ -1 +1 @@\n-{DIRTY}+{FIXED}")
    );
    let coloured = t.run(&["--diff", "--color", "always", "c/sub"]);
    assert!(out(&coloured).contains("\x1b[32m+他們離開了"));
}

#[test]
fn write_fixes_in_place_and_leaves_clean_and_excluded_files_alone() {
    let t = corpus("write");
    let clean = t.0.join("c/sub/b-clean.md");
    let before = mtime(&clean);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let o = t.run(&["--write", "c"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(t.read("c/a-dirty.txt"), FIXED);
    assert_eq!(t.read("c/sub/c-dirty.md"), FIXED);
    assert_eq!(mtime(&clean), before, "an unchanged file is not touched");
    for untouched in [
        "c/ignored.txt",
        "c/node_modules/x.txt",
        "c/.hidden/y.txt",
        "c/image.png",
    ] {
        assert_eq!(t.read(untouched), DIRTY, "{untouched}");
    }
    // Idempotent: a second check finds nothing.
    assert_eq!(t.run(&["--check", "c"]).status.code(), Some(0));
}

#[test]
fn walk_switches_hidden_no_ignore_include_exclude() {
    let t = corpus("walk");
    let o = t.run(&["-l", "--hidden", "--no-ignore", "c"]);
    assert_eq!(
        out(&o),
        "c/.hidden/y.txt\nc/a-dirty.txt\nc/ignored.txt\nc/sub/c-dirty.md\n"
    );
    let o = t.run(&["-l", "--include", "*.png", "c"]);
    assert_eq!(out(&o), "c/image.png\n");
    let o = t.run(&["-l", "--extend-exclude", "sub", "c"]);
    assert_eq!(out(&o), "c/a-dirty.txt\n");
    let o = t.run(&["-l", "--exclude", "sub", "c"]);
    assert_eq!(out(&o), "c/a-dirty.txt\nc/node_modules/x.txt\n");
    t.file("c/.zhtidyignore", "a-*.txt\n");
    assert_eq!(out(&t.run(&["-l", "c"])), "c/sub/c-dirty.md\n");
}

#[test]
fn explicit_paths_are_cleaned_unless_force_exclude() {
    let t = corpus("force");
    let o = t.run(&["-l", "c/node_modules/x.txt", "c/image.png"]);
    assert_eq!(out(&o), "c/node_modules/x.txt\nc/image.png\n");
    let o = t.run(&[
        "-l",
        "--force-exclude",
        "c/node_modules/x.txt",
        "c/image.png",
        "c/a-dirty.txt",
    ]);
    assert_eq!(out(&o), "c/a-dirty.txt\n");
    // stdin named by an excluded path passes through untouched.
    let o = t.run_stdin(
        &[
            "--force-exclude",
            "--stdin-filename",
            "node_modules/z.txt",
            "-",
        ],
        Some(DIRTY.as_bytes()),
    );
    assert_eq!(out(&o), DIRTY);
    let o = t.run_stdin(&["--stdin-filename", "z.txt", "-"], Some(DIRTY.as_bytes()));
    assert_eq!(out(&o), FIXED);
}

#[test]
fn files_from_with_newlines_or_nuls() {
    let t = corpus("filesfrom");
    t.file("list", "c/a-dirty.txt\nc/sub/b-clean.md\n");
    let o = t.run(&["-l", "--files-from", "list"]);
    assert_eq!(out(&o), "c/a-dirty.txt\n");
    let o = t.run_stdin(
        &["-l", "--files-from", "-", "-0"],
        Some(b"c/sub/c-dirty.md\0c/a-dirty.txt\0"),
    );
    // -0 separates the paths printed too.
    assert_eq!(out(&o), "c/sub/c-dirty.md\0c/a-dirty.txt\0");
}

#[test]
fn out_dir_mirrors_the_tree_and_leaves_inputs_alone() {
    let t = corpus("outdir");
    let o = t.run(&["--out-dir", "clean", "c"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(t.read("clean/a-dirty.txt"), FIXED);
    assert_eq!(t.read("clean/sub/c-dirty.md"), FIXED);
    assert_eq!(t.read("clean/sub/b-clean.md"), CLEAN);
    assert!(
        !t.0.join("clean/d.bin.txt").exists(),
        "binary files are not copied"
    );
    assert_eq!(t.read("c/a-dirty.txt"), DIRTY);
}

#[test]
fn usage_errors_exit_2_and_write_nothing() {
    let t = corpus("usage");
    for args in [
        &["c"][..],
        &["c/a-dirty.txt", "c/sub/c-dirty.md"],
        &["--check", "--write", "c"],
        &["--write", "-"],
    ] {
        let o = t.run_stdin(args, Some(DIRTY.as_bytes()));
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
    }
    assert!(err(&t.run(&["c"])).contains("c is a folder: pass --write"));
    assert_eq!(t.read("c/a-dirty.txt"), DIRTY);
}

#[test]
fn one_bad_file_is_reported_and_the_rest_processed_and_2_beats_1() {
    let t = corpus("bad");
    t.file("c/e-bad.txt", b"\xff\xfe\xfd abc");
    let o = t.run(&["--check", "c", "c/missing.txt"]);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(
        e.contains("zhtidy: error: c/e-bad.txt: no encoding decodes this without loss"),
        "{e}"
    );
    assert!(
        e.contains("zhtidy: error: c/missing.txt: no such file"),
        "{e}"
    );
    assert!(out(&o).contains("would change: c/sub/c-dirty.md"));

    let w = t.run(&["--write", "c"]);
    assert_eq!(w.status.code(), Some(2));
    assert_eq!(t.read("c/sub/c-dirty.md"), FIXED, "the others are written");
    assert_eq!(
        fs::read(t.0.join("c/e-bad.txt")).unwrap(),
        b"\xff\xfe\xfd abc"
    );

    // Forced lossy decoding is never written back.
    t.file("c/f-lossy.txt", b"\xe4\xbb\x96\xff\xe4\xbb\xac\n");
    let l = t.run(&["--write", "--lossy", "--encoding", "utf-8", "c/f-lossy.txt"]);
    assert_eq!(l.status.code(), Some(2));
    assert!(
        err(&l).contains("cannot be decoded without loss"),
        "{}",
        err(&l)
    );
    assert_eq!(
        fs::read(t.0.join("c/f-lossy.txt")).unwrap(),
        b"\xe4\xbb\x96\xff\xe4\xbb\xac\n"
    );
}

#[test]
fn legacy_encodings_are_written_as_utf8_or_in_their_own_encoding() {
    let t = Tree::new("legacy");
    let dirty = DIRTY.repeat(4);
    let (big5, _, _) = encoding_rs::BIG5.encode(&dirty);
    t.file("a.txt", &big5);
    t.file("b.txt", &big5);
    // Default: UTF-8 without BOM.
    let o = t.run(&["--write", "--output-format", "jsonl", "a.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains(r#""encoding":"Big5""#), "{}", out(&o));
    let fixed = FIXED.repeat(4);
    assert_eq!(fs::read(t.0.join("a.txt")).unwrap(), fixed.as_bytes());
    // --output-encoding source: back in Big5.
    let o = t.run(&["--write", "--output-encoding", "source", "b.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let (fixed_big5, _, _) = encoding_rs::BIG5.encode(&fixed);
    assert_eq!(fs::read(t.0.join("b.txt")).unwrap(), fixed_big5.to_vec());
    // A clean file in a legacy encoding is a change under the UTF-8 default
    // (its bytes would change), and none with `source`.
    let (clean_big5, _, _) = encoding_rs::BIG5.encode(FIXED);
    t.file("c.txt", &clean_big5);
    assert_eq!(t.run(&["--check", "c.txt"]).status.code(), Some(1));
    let o = t.run(&["--check", "--output-encoding", "source", "c.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
}

#[test]
fn parallel_output_equals_sequential_output() {
    let t = Tree::new("parallel");
    for i in 0..300 {
        let body = if i % 3 == 0 { DIRTY } else { CLEAN };
        t.file(&format!("d{}/f{i:03}.txt", i % 7), body.repeat(1 + i % 5));
    }
    let one = t.run(&["--diff", "-j", "1", "--output-format", "jsonl", "."]);
    let four = t.run(&["--diff", "-j", "4", "--output-format", "jsonl", "."]);
    assert_eq!(one.status.code(), Some(1));
    assert_eq!(out(&one), out(&four));
    assert_eq!(out(&one).lines().count(), 300);
    assert_eq!(out(&one).matches(r#""changed":true"#).count(), 100);
}

#[test]
fn report_formats() {
    let t = corpus("formats");
    let json = t.run(&["--check", "--output-format", "json", "c"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let files = v.as_array().unwrap();
    assert_eq!(files.len(), 4);
    let bin = files.iter().find(|f| f["path"] == "c/d.bin.txt").unwrap();
    assert_eq!(bin["status"], "skipped");
    let dirty = files.iter().find(|f| f["path"] == "c/a-dirty.txt").unwrap();
    assert_eq!(
        (&dirty["changed"], &dirty["fixes"], &dirty["encoding"]),
        (
            &serde_json::json!(true),
            &serde_json::json!(1),
            &serde_json::json!("UTF-8")
        )
    );
    t.file("c/e-bad.txt", b"\xff\xfe\xfd abc");
    let gh = t.run(&["--check", "--output-format", "github", "c"]);
    let s = out(&gh);
    assert!(
        s.contains(
            "::warning file=c/a-dirty.txt,line=1,col=4,title=zhtidy stray-glyph::would change: stray-glyph: 开 → 開\n"
        ),
        "{s}"
    );
    assert!(
        s.contains("::error file=c/e-bad.txt,title=zhtidy::no encoding decodes"),
        "{s}"
    );
}

#[test]
fn closed_stdout_ends_quietly() {
    let t = Tree::new("pipe");
    for i in 0..400 {
        t.file(&format!("f{i:03}.txt"), DIRTY);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhtidy"))
        .args(["--diff", "."])
        .current_dir(&t.0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 10];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(!err(&o).contains("panicked"));
}

#[test]
fn jsonl_cleans_fields_and_keeps_the_rest() {
    let t = Tree::new("jsonl");
    let input = format!(
        "{{\"id\": 7, \"text\": {}, \"title\": {}, \"n\": 1.50}}\n{{\"text\": null}}\n",
        serde_json::to_string(DIRTY).unwrap(),
        serde_json::to_string(DIRTY).unwrap()
    );
    let o = t.run_stdin(&["--jsonl", "--report-field", "zt"], Some(input.as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let lines: Vec<&str> = std::str::from_utf8(&o.stdout).unwrap().lines().collect();
    assert_eq!(
        lines,
        [
            format!(
                "{{\"id\":7,\"text\":{},\"title\":{},\"n\":1.50,\"zt\":{{\"changed\":true,\"removals\":0,\"fixes\":1}}}}",
                serde_json::to_string(FIXED).unwrap(),
                serde_json::to_string(DIRTY).unwrap()
            ),
            "{\"text\":null,\"zt\":{\"changed\":false,\"removals\":0,\"fixes\":0}}".to_string(),
        ]
    );
    let both = t.run_stdin(
        &["--jsonl", "--field", "text", "--field", "title"],
        Some(input.as_bytes()),
    );
    assert_eq!(out(&both).matches("離開").count(), 2);
}

#[test]
fn jsonl_bad_lines_fail_skip_or_keep() {
    let t = Tree::new("jsonlbad");
    let input = b"{\"text\":\"a\"}\n{broken\n{\"text\":\"b\"}\n";
    let fail = t.run_stdin(&["--jsonl"], Some(input));
    assert_eq!(fail.status.code(), Some(2));
    assert_eq!(out(&fail), "{\"text\":\"a\"}\n");
    assert!(
        err(&fail).contains("<stdin>:2: not a JSON object"),
        "{}",
        err(&fail)
    );
    let skip = t.run_stdin(&["--jsonl", "--on-error", "skip"], Some(input));
    assert_eq!(
        (skip.status.code(), out(&skip).as_str()),
        (Some(0), "{\"text\":\"a\"}\n{\"text\":\"b\"}\n")
    );
    let keep = t.run_stdin(&["--jsonl", "--on-error", "keep"], Some(input));
    assert_eq!(out(&keep), std::str::from_utf8(input).unwrap());
}

#[test]
fn jsonl_parallel_batches_keep_order() {
    let t = Tree::new("jsonlorder");
    let mut input = String::new();
    for i in 0..5000 {
        let text = if i % 2 == 0 { DIRTY } else { CLEAN };
        input.push_str(&format!(
            "{{\"i\":{i},\"text\":{}}}\n",
            serde_json::to_string(text).unwrap()
        ));
    }
    let a = t.run_stdin(&["--jsonl", "-j", "1"], Some(input.as_bytes()));
    let b = t.run_stdin(&["--jsonl", "-j", "3"], Some(input.as_bytes()));
    assert_eq!(a.stdout, b.stdout);
    let s = out(&a);
    assert_eq!(s.lines().count(), 5000);
    assert!(s
        .lines()
        .enumerate()
        .all(|(i, l)| l.starts_with(&format!("{{\"i\":{i},"))));
}

#[test]
fn config_files_are_found_per_file_and_overridden_by_flags() {
    let t = corpus("config");
    // No fixing anywhere under c/, but fixing again in c/sub (closest wins).
    t.file("c/zhtidy.toml", "fix = false\n");
    assert_eq!(out(&t.run(&["-l", "c"])), "");
    t.file("c/sub/.zhtidy.toml", "fix = true\n");
    assert_eq!(out(&t.run(&["-l", "c"])), "c/sub/c-dirty.md\n");
    // pyproject.toml's [tool.zhtidy] and overrides.
    fs::remove_file(t.0.join("c/zhtidy.toml")).unwrap();
    fs::remove_file(t.0.join("c/sub/.zhtidy.toml")).unwrap();
    t.file(
        "pyproject.toml",
        "[project]\nname = \"x\"\n[tool.zhtidy]\nto = \"s\"\n[[tool.zhtidy.overrides]]\npaths = [\"c/sub/**\"]\nfix = false\n",
    );
    let o = t.run(&["--diff", "c"]);
    let d = out(&o);
    assert!(d.contains("+他们离开了会场"), "{d}");
    assert!(d.contains("+他们离开了会场"), "{d}");
    assert!(
        d.contains("+++ b/c/sub/c-dirty.md\n@@ -1 +1 @@\n-他們離开了會場"),
        "{d}"
    );
    let printed = out(&t.run(&["--print-config", "c/sub/c-dirty.md"]));
    assert!(printed.contains("pyproject.toml"), "{printed}");
    assert!(
        printed.contains("fix = false") && printed.contains("to = \"s\""),
        "{printed}"
    );
    // --isolated ignores it; --config names one.
    let iso = out(&t.run(&["-l", "--isolated", "c"]));
    assert_eq!(iso, "c/a-dirty.txt\nc/sub/c-dirty.md\n");
    t.file("other.toml", "extend-exclude = [\"sub\"]\n");
    let cfg = out(&t.run(&["-l", "--config", "other.toml", "c"]));
    assert_eq!(cfg, "c/a-dirty.txt\n");
    // A flag beats the file.
    t.file("c/zhtidy.toml", "fix = false\n");
    assert_eq!(out(&t.run(&["-l", "--no-strip", "c/a-dirty.txt"])), "");
    assert_eq!(
        out(&t.run(&["-l", "--to", "s", "c/a-dirty.txt"])),
        "c/a-dirty.txt\n"
    );
}

#[test]
fn config_errors_name_the_file_and_key() {
    let t = corpus("configerr");
    t.file("c/zhtidy.toml", "fix = false\nstirp = true\n");
    let o = t.run(&["--check", "c"]);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(e.contains("zhtidy.toml") && e.contains("stirp"), "{e}");
    t.file("c/zhtidy.toml", "to = \"martian\"\n");
    let e = err(&t.run(&["--check", "c"]));
    assert!(e.contains("zhtidy.toml") && e.contains("martian"), "{e}");
    t.file(
        "c/zhtidy.toml",
        "[[overrides]]\npaths = [\"x\"]\nfixx = 1\n",
    );
    let e = err(&t.run(&["--check", "c"]));
    assert!(e.contains("fixx"), "{e}");
    // `convert --config` keeps OpenCC's meaning.
    let conv = t.run_stdin(&["convert", "--config", "s2t"], Some("开".as_bytes()));
    assert_eq!(out(&conv), "開");
}

#[test]
fn works_with_an_empty_environment() {
    let t = corpus("envi");
    let o = Command::new(env!("CARGO_BIN_EXE_zhtidy"))
        .args(["--check", "c"])
        .current_dir(&t.0)
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert_eq!(out(&o).lines().count(), 2);
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhtidy"))
        .args(["--jsonl"])
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{{\"text\":{}}}\n", serde_json::to_string(DIRTY).unwrap()).as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(out(&o).contains("離開"));
}

#[test]
fn completions_and_man_page_come_from_the_definitions() {
    let t = Tree::new("gen");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = Command::new(env!("CARGO_BIN_EXE_zhtidy"))
            .args(["--generate-shell-completion", shell])
            .env_clear()
            .output()
            .unwrap();
        assert!(o.status.success(), "{shell}");
        assert!(out(&o).contains("list-different"), "{shell}");
    }
    let man = t.run(&["--generate-man"]);
    assert!(man.status.success());
    let m = out(&man);
    assert!(m.starts_with(".ie") && m.contains(".TH zhtidy 1"));
    assert!(m.contains(r"\-\-force\-exclude"), "{m}");
}

/// A tree of `n` small dirty files, enough for a run the progress bar
/// counts as long.
fn many_files(name: &str, n: usize) -> Tree {
    let t = Tree::new(name);
    for i in 0..n {
        t.file(&format!("m/d{}/f{i:04}.txt", i % 10), DIRTY);
    }
    t
}

/// The progress bar is drawn on standard error only when it is a
/// terminal: a pipe (a script, CI, `2>log`) gets the summary line and
/// nothing else, however many files there are.
#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let t = many_files("progress-pipe", 600);
    let o = t.run(&["--check", "m"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(!err.contains('\r') && !err.contains('\x1b'), "{err:?}");
    assert!(!err.contains("files  "), "{err:?}");
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(
        err.starts_with("zhtidy: 600 file(s): 600 would change"),
        "{err:?}"
    );
}

/// The other side, so that the test above can fail: under a pseudo
/// terminal (util-linux `script`, from Debian's essential bsdutils) the bar
/// is drawn, and `-q` hides it.
#[test]
fn progress_bar_on_a_terminal_unless_quiet() {
    let t = many_files("progress-tty", 600);
    let bin = env!("CARGO_BIN_EXE_zhtidy");
    let under_pty = |extra: &str| {
        let o = Command::new("script")
            .args([
                "-qec",
                &format!("{bin} --check {extra} m >/dev/null"),
                "/dev/null",
            ])
            .current_dir(&t.0)
            .env("TERM", "xterm")
            .stdin(Stdio::null())
            .output()
            .expect("util-linux script runs");
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let shown = under_pty("");
    assert!(shown.contains("/600 files"), "{shown:?}");
    assert!(shown.contains("600 would change"), "{shown:?}");
    let quiet = under_pty("-q");
    assert!(!quiet.contains("files"), "{quiet:?}");
}

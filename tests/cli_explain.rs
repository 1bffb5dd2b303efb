/*!
Every change explained, in every mode: `--explain` lines on standard error
in `--check`, `--diff`, `-l`, `--write`, `--out-dir` and `--jsonl`;
per-change records in the JSON reports and GitHub annotations; a new
encoding, a dropped byte order mark and a script conversion named as
changes; paths shown without `./`; and diffs that the real `git apply` and
`patch -p1` accept.

The fixture tree holds a file fix repairs (a stray Simplified 开 in
Traditional text, line 1 column 4), one strip shortens (an editor's byline
on line 3) and one whose only change is its byte order mark.
*/

mod support;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use support::{Tree, CLEAN, DIRTY, FIXED};

/// The byline strip removes (rule `header-byline`).
const BYLINE: &str = "责任编辑：张三\n";

/// A tree with a file fix changes, one strip changes and one with a BOM.
fn fixture(name: &str) -> Tree {
    let t = Tree::new(name);
    t.file("a.txt", DIRTY)
        .file("b.txt", format!("{CLEAN}\n{BYLINE}"))
        .file(
            "bom.txt",
            [b"\xef\xbb\xbf".as_slice(), CLEAN.as_bytes()].concat(),
        );
    t
}

fn stdout(o: &Output) -> String {
    support::utf8(&o.stdout)
}

fn stderr(o: &Output) -> String {
    support::utf8(&o.stderr)
}

const FIX_LINE: &str = "a.txt:1:4: stray-glyph: 开 → 開\n";
const REMOVAL_LINE: &str = "b.txt:3: header-byline: 责任编辑：张三\n";
const BOM_LINE: &str = "bom.txt: encoding: UTF-8 with BOM → UTF-8\n";

#[test]
fn explain_works_in_every_bulk_mode() {
    for mode in [
        &["--check"][..],
        &["--diff"],
        &["-l"],
        &["--write"],
        &["-o", "out"],
    ] {
        let t = fixture("modes");
        let args = [mode, &["--explain", "."]].concat();
        let o = t.run(&args);
        let err = stderr(&o);
        for line in [FIX_LINE, REMOVAL_LINE, BOM_LINE] {
            assert!(err.contains(line), "{mode:?}: no {line:?} in\n{err}");
        }
    }
}

#[test]
fn explain_is_off_by_default() {
    let t = fixture("quiet");
    let err = stderr(&t.run(&["--check", "."]));
    assert!(!err.contains("stray-glyph"), "{err}");
}

#[test]
fn explain_in_jsonl_names_the_line_and_field() {
    let t = fixture("jsonl");
    let input = format!(
        "{{\"id\":1}}\n{}\n",
        serde_json::json!({ "text": DIRTY.trim_end() })
    );
    let o = t.run_stdin(&["--jsonl", "--explain"], Some(input.as_bytes()));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("<stdin>:2[text]:1:4: stray-glyph: 开 → 開\n"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn json_reports_carry_per_change_records() {
    let t = fixture("json");
    let o = t.run(&["--check", "--output-format", "json", "."]);
    let files: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let by_path = |p: &str| {
        files
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == p)
            .unwrap_or_else(|| panic!("{p} in {files}"))
            .clone()
    };
    assert_eq!(
        by_path("a.txt")["changes"],
        serde_json::json!([{
            "stage": "fix", "rule": "stray-glyph", "family": "fix",
            "line": 1, "column": 4, "before": "开", "after": "開"
        }])
    );
    let removal = &by_path("b.txt")["changes"][0];
    assert_eq!(
        (
            &removal["rule"],
            &removal["line"],
            &removal["before"],
            &removal["after"]
        ),
        (
            &serde_json::json!("header-byline"),
            &serde_json::json!(3),
            &serde_json::json!(BYLINE.trim_end()),
            &serde_json::json!("")
        )
    );
    // Family ids are kebab-case, here and in the one-file JSON.
    let family = removal["family"].as_str().unwrap();
    assert!(!family.contains('_'), "{removal}");
    let one = t.run(&["--output-format", "json", "b.txt"]);
    let one: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(one["removals"][0]["family"], family);
    assert_eq!(
        by_path("bom.txt")["changes"],
        serde_json::json!([{
            "stage": "decode", "rule": "encoding", "family": "encoding",
            "line": null, "column": null,
            "before": "UTF-8 with BOM", "after": "UTF-8"
        }])
    );
    // JSON Lines reports carry the same records.
    let o = t.run(&["--check", "--output-format", "jsonl", "a.txt"]);
    let rec: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rec["changes"][0]["rule"], "stray-glyph");
}

#[test]
fn github_annotations_carry_file_line_and_rule() {
    let t = fixture("github");
    let s = stdout(&t.run(&["--check", "--output-format", "github", "."]));
    for want in [
        "::warning file=a.txt,line=1,col=4,title=zhtidy stray-glyph::would change: stray-glyph: 开 → 開\n",
        "::warning file=b.txt,line=3,col=1,title=zhtidy header-byline::would change: header-byline: 责任编辑：张三\n",
        "::warning file=bom.txt,title=zhtidy encoding::would change: encoding: UTF-8 with BOM → UTF-8\n",
    ] {
        assert!(s.contains(want), "no {want:?} in\n{s}");
    }
}

#[test]
fn a_new_encoding_is_a_named_change() {
    let t = fixture("gbk");
    let (gbk, _, _) = encoding_rs::GBK.encode(CLEAN);
    t.file("g.txt", &gbk);
    let check = t.run(&["--check", "--encoding", "gbk", "g.txt"]);
    assert_eq!(
        stdout(&check),
        "would change: g.txt (0 removal(s), 0 fix(es), encoding: GBK → UTF-8)\n"
    );
    let diff = t.run(&["--diff", "--encoding", "gbk", "g.txt"]);
    assert_eq!(diff.status.code(), Some(1));
    assert_eq!(
        stdout(&diff),
        "# zhtidy: g.txt: encoding: GBK → UTF-8\n# zhtidy: g.txt: the text is the same; only the bytes written change\n"
    );
    // Kept in its own encoding, the file does not change at all.
    let kept = t.run(&[
        "--check",
        "--encoding",
        "gbk",
        "--output-encoding",
        "source",
        "g.txt",
    ]);
    assert_eq!(kept.status.code(), Some(0), "{}", stdout(&kept));
}

#[test]
fn a_conversion_is_a_named_change() {
    let t = fixture("convert");
    t.file("s.txt", CLEAN);
    let check = t.run(&["--check", "--to", "tw", "--explain", "s.txt"]);
    assert_eq!(
        stdout(&check),
        "would change: s.txt (0 removal(s), 0 fix(es), convert: s2tw)\n"
    );
    assert!(stderr(&check).contains("s.txt: convert: s2tw\n"));
    let diff = stdout(&t.run(&["--diff", "--to", "tw", "s.txt"]));
    assert!(
        diff.starts_with("# zhtidy: s.txt: convert: s2tw\n--- a/s.txt\n+++ b/s.txt\n"),
        "{diff}"
    );
    // Text already in the target script names no conversion.
    t.file("t.txt", FIXED);
    let check = t.run(&["--check", "--to", "tw", "t.txt"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
}

#[test]
fn paths_are_shown_without_a_leading_dot_slash() {
    let t = fixture("dot");
    let list = stdout(&t.run(&["-l", "."]));
    assert_eq!(list, "a.txt\nb.txt\nbom.txt\n");
    let list = stdout(&t.run(&["-l", "./a.txt", "./b.txt"]));
    assert_eq!(list, "a.txt\nb.txt\n");
    let diff = stdout(&t.run(&["--diff", "."]));
    assert!(diff.contains("--- a/a.txt\n+++ b/a.txt\n"), "{diff}");
    assert!(!diff.contains("a/./") && !diff.contains("a//"), "{diff}");
}

/// Runs a tool, or returns `None` when it is not installed (the caller
/// then says so and skips).
fn tool(dir: &Path, name: &str, args: &[&str], stdin: Option<&[u8]>) -> Option<Output> {
    let mut cmd = Command::new(name);
    cmd.args(args).current_dir(dir);
    if Command::new(name).arg("--version").output().is_err() {
        eprintln!("{name} is not installed: skipping its half of the test");
        return None;
    }
    Some(support::run_with_input(&mut cmd, stdin))
}

/// `--diff` output, applied by `tool`, gives what `--write` writes.
fn diff_applies_with(tool_name: &str, apply: &[&str]) {
    let t = fixture(&format!("apply-{tool_name}"));
    // Only text changes: the byte order mark is not something a diff
    // carries.
    fs::remove_file(t.0.join("bom.txt")).unwrap();
    t.file("sub/c.md", DIRTY);
    let diff = t.run(&["--diff", "."]);
    assert_eq!(diff.status.code(), Some(1));
    // An absolute path under the current folder gives the same headers.
    let abs = t.0.join("a.txt");
    let abs_diff = stdout(&t.run(&["--diff", abs.to_str().unwrap()]));
    assert!(abs_diff.starts_with("--- a/a.txt\n"), "{abs_diff}");
    let Some(applied) = tool(&t.0, tool_name, apply, Some(&diff.stdout)) else {
        return;
    };
    assert!(
        applied.status.success(),
        "{tool_name} refused the diff:\n{}\n{}",
        stderr(&applied),
        stdout(&diff)
    );
    for (rel, want) in [
        ("a.txt", FIXED.to_string()),
        ("b.txt", CLEAN.to_string()),
        ("sub/c.md", FIXED.to_string()),
    ] {
        assert_eq!(
            fs::read_to_string(t.0.join(rel)).unwrap(),
            want,
            "{tool_name} applied {rel}"
        );
    }
    // Nothing is left to change.
    assert_eq!(t.run(&["--check", "."]).status.code(), Some(0));
}

#[test]
fn diffs_apply_with_git_apply() {
    diff_applies_with("git", &["apply", "-"]);
}

#[test]
fn diffs_apply_with_patch_p1() {
    diff_applies_with("patch", &["-p1"]);
}

#[test]
fn statistics_count_changes_per_rule_and_family() {
    let t = fixture("stats");
    t.file("a2.txt", DIRTY);
    let o = t.run(&["--check", "--statistics", "."]);
    let err = stderr(&o);
    let by_rule = err.split("statistics by family:\n").next().unwrap();
    // Two stray glyphs (a.txt, a2.txt) come first, then one each.
    assert!(
        by_rule.contains("statistics by rule:\n2  stray-glyph    fix\n"),
        "{err}"
    );
    assert!(by_rule.contains("1  header-byline  "), "{err}");
    assert!(by_rule.contains("1  encoding       encoding\n"), "{err}");
    assert!(err.contains("statistics by family:\n2  fix\n"), "{err}");
    // Standard output is unchanged by it.
    assert_eq!(stdout(&o), stdout(&t.run(&["--check", "."])));
}

#[test]
fn exit_non_zero_on_fix_fails_a_run_that_wrote() {
    let t = fixture("exitfix");
    let first = t.run(&["--write", "--exit-non-zero-on-fix", "."]);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    assert_eq!(fs::read_to_string(t.0.join("a.txt")).unwrap(), FIXED);
    let again = t.run(&["--write", "--exit-non-zero-on-fix", "."]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let plain = fixture("exitfix-plain");
    assert_eq!(plain.run(&["--write", "."]).status.code(), Some(0));
}

#[test]
fn a_run_that_matches_nothing_says_why() {
    let t = fixture("nomatch");
    t.file("pages/x.html", DIRTY);
    let o = t.run(&["--check", "pages"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("zhtidy: hint: no file matched"),
        "{}",
        stderr(&o)
    );
    let o = t.run(&["--check", "."]);
    assert!(!stderr(&o).contains("hint"), "{}", stderr(&o));
}

#[test]
fn a_jsonl_field_no_line_has_is_an_error() {
    let t = fixture("jsonl-field");
    let typo = t.run_stdin(
        &["--jsonl", "--field", "txt"],
        Some(b"{\"text\":\"a\"}\n\n"),
    );
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        stderr(&typo).contains("no line has the field txt"),
        "{}",
        stderr(&typo)
    );
    let some = t.run_stdin(&["--jsonl"], Some(b"{\"text\":\"a\"}\n\n{\"id\":2}\n"));
    assert_eq!(some.status.code(), Some(0));
    assert!(
        stderr(&some).contains("1 of 2 line(s) lack the field text"),
        "{}",
        stderr(&some)
    );
}

#[test]
fn a_path_named_twice_is_processed_once() {
    let t = fixture("twice");
    let o = t.run(&["-l", "a.txt", "./a.txt", "a.txt"]);
    assert_eq!(stdout(&o), "a.txt\n");
    let o = t.run(&["-l", ".", "a.txt"]);
    assert_eq!(stdout(&o), "a.txt\nb.txt\nbom.txt\n");
}

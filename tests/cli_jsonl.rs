/*!
`--jsonl` end to end: JSON Lines files named on the command line (printed,
rewritten in place, copied to `--out-dir`, checked), dotted field paths,
fields missing from some or every line, and the line break a field's text
ends with.
*/

mod support;

use std::fs;
use std::process::Output;

use support::{Tree, CLEAN, DIRTY, FIXED};

fn out(o: &Output) -> String {
    support::utf8(&o.stdout)
}

fn err(o: &Output) -> String {
    support::utf8(&o.stderr)
}

/// One JSON Lines line with `text` as the field `key` (dotted: nested).
fn line(key: &str, text: &str) -> String {
    let mut value = serde_json::to_string(text).unwrap();
    for part in key.rsplit('.') {
        value = format!("{{{}:{value}}}", serde_json::to_string(part).unwrap());
    }
    value + "\n"
}

#[test]
fn named_files_are_printed_in_order() {
    let t = Tree::new("jsonl-files");
    t.file("a.jsonl", line("text", DIRTY))
        .file("b.jsonl", line("text", CLEAN));
    let o = t.run_stdin(&["--jsonl", "a.jsonl", "b.jsonl"], None);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), line("text", FIXED) + &line("text", CLEAN));
    assert!(
        err(&o).contains("2 line(s) read from 2 inputs, 2 written: 2 object(s), 1 changed"),
        "{}",
        err(&o)
    );
    // The files are left alone without a mode.
    assert_eq!(t.read("a.jsonl"), line("text", DIRTY));
    // Standard input among them, as `-`.
    let o = t.run_stdin(
        &["--jsonl", "b.jsonl", "-"],
        Some(line("text", DIRTY).as_bytes()),
    );
    assert_eq!(out(&o), line("text", CLEAN) + &line("text", FIXED));
}

#[test]
fn write_rewrites_only_changed_files() {
    let t = Tree::new("jsonl-write");
    t.file("a.jsonl", line("text", DIRTY))
        .file("b.jsonl", line("text", CLEAN));
    let before = fs::metadata(t.0.join("b.jsonl"))
        .unwrap()
        .modified()
        .unwrap();
    let o = t.run_stdin(&["--jsonl", "-w", "a.jsonl", "b.jsonl"], None);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), "");
    assert!(
        err(&o).contains("fixed: a.jsonl (1 of 1 object(s) changed)"),
        "{}",
        err(&o)
    );
    assert_eq!(t.read("a.jsonl"), line("text", FIXED));
    assert_eq!(t.read("b.jsonl"), line("text", CLEAN));
    let after = fs::metadata(t.0.join("b.jsonl"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after);
    // Twice equals once.
    let again = t.run_stdin(
        &["--jsonl", "-w", "--exit-non-zero-on-fix", "a.jsonl"],
        None,
    );
    assert_eq!(again.status.code(), Some(0), "{}", err(&again));
    assert_eq!(t.read("a.jsonl"), line("text", FIXED));
}

#[test]
fn a_bad_line_leaves_the_file_untouched_under_write() {
    let t = Tree::new("jsonl-write-bad");
    let content = line("text", DIRTY) + "{broken\n";
    t.file("a.jsonl", &content);
    let o = t.run_stdin(&["--jsonl", "-w", "a.jsonl"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("a.jsonl:2: not a JSON object"),
        "{}",
        err(&o)
    );
    assert_eq!(t.read("a.jsonl"), content);
    // `skip` would delete the line from the file.
    let o = t.run_stdin(&["--jsonl", "-w", "--on-error", "skip", "a.jsonl"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("--on-error skip with --write"),
        "{}",
        err(&o)
    );
    assert_eq!(t.read("a.jsonl"), content);
    // `keep` writes the fixed line and keeps the bad one as it was.
    let o = t.run_stdin(&["--jsonl", "-w", "--on-error", "keep", "a.jsonl"], None);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(t.read("a.jsonl"), line("text", FIXED) + "{broken\n");
}

#[test]
fn out_dir_gets_a_cleaned_copy_of_each_file() {
    let t = Tree::new("jsonl-outdir");
    t.file("a.jsonl", line("text", DIRTY));
    let o = t.run_stdin(&["--jsonl", "-o", "out", "a.jsonl"], None);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(t.read("out/a.jsonl"), line("text", FIXED));
    assert_eq!(t.read("a.jsonl"), line("text", DIRTY));
    // The input itself is never the output.
    let o = t.run_stdin(&["--jsonl", "-o", ".", "a.jsonl"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("is the input itself"), "{}", err(&o));
    assert_eq!(t.read("a.jsonl"), line("text", DIRTY));
    let o = t.run_stdin(&["--jsonl", "-o", "out"], Some(b"{}\n"));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn check_and_list_name_the_files_that_would_change() {
    let t = Tree::new("jsonl-check");
    t.file("a.jsonl", line("text", DIRTY))
        .file("b.jsonl", line("text", CLEAN));
    let o = t.run_stdin(&["--jsonl", "--check", "a.jsonl", "b.jsonl"], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        out(&o),
        "would change: a.jsonl (1 of 1 object(s) changed)\n"
    );
    let o = t.run_stdin(&["--jsonl", "-l", "a.jsonl", "b.jsonl"], None);
    assert_eq!((o.status.code(), out(&o).as_str()), (Some(1), "a.jsonl\n"));
    let o = t.run_stdin(&["--jsonl", "--check", "b.jsonl"], None);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(t.read("a.jsonl"), line("text", DIRTY));
    // No JSON Lines diff, and no folders.
    for args in [&["--jsonl", "--diff", "a.jsonl"][..], &["--jsonl", "."]] {
        let o = t.run_stdin(args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn dotted_fields_are_cleaned_inside_nested_objects() {
    let t = Tree::new("jsonl-dotted");
    let input = line("meta.text", DIRTY) + &line("meta.other", DIRTY);
    let o = t.run_stdin(&["--jsonl", "--field", "meta.text"], Some(input.as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        out(&o),
        line("meta.text", FIXED) + &line("meta.other", DIRTY)
    );
    assert!(
        err(&o).contains("1 of 2 line(s) lack the field meta.text"),
        "{}",
        err(&o)
    );
    // A key that holds a dot, escaped.
    let o = t.run_stdin(
        &["--jsonl", "--field", r"a\.b"],
        Some(line("a.b", DIRTY).as_bytes()),
    );
    assert_eq!(o.status.code(), Some(2), "`a.b` is nested here, not a key");
    let flat = format!("{{\"a.b\":{}}}\n", serde_json::to_string(DIRTY).unwrap());
    let o = t.run_stdin(&["--jsonl", "--field", r"a\.b"], Some(flat.as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("離開"));
}

#[test]
fn a_field_no_line_has_is_an_error_naming_it() {
    let t = Tree::new("jsonl-missing");
    let input = line("text", DIRTY);
    let o = t.run_stdin(
        &["--jsonl", "--field", "text", "--field", "titel"],
        Some(input.as_bytes()),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("no line has the field titel"),
        "{}",
        err(&o)
    );
    assert!(!err(&o).contains("field text"), "{}", err(&o));
}

#[test]
fn a_removed_last_line_leaves_no_trailing_line_break() {
    let t = Tree::new("jsonl-last-line");
    let body = "这是一篇很长的新闻正文，讲述了今天发生的事情。";
    let input = line("text", &format!("{body}\n\n（责任编辑：张三）"))
        + &line("text", &format!("{body}\n（责任编辑：张三）\n"));
    let o = t.run_stdin(&["--jsonl"], Some(input.as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        out(&o),
        line("text", body) + &line("text", &format!("{body}\n"))
    );
    assert!(
        err(&o).contains("2 line(s) read, 2 written: 2 object(s), 2 changed"),
        "{}",
        err(&o)
    );
}

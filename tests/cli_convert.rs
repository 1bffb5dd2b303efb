/*!
`zhtidy convert` with PATH arguments (printed in turn, or written below
`--out-dir`) and on a pipe: each line comes out as soon as it comes in,
as `tail -f log | zhtidy convert -c s2t` needs.
*/

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use support::Tree;

fn err(o: &Output) -> String {
    support::utf8(&o.stderr)
}

#[test]
fn paths_are_converted_to_standard_output_in_turn() {
    let t = Tree::new("convert-paths");
    t.file("a.txt", "汉字\n").file("b.txt", "转换\n");
    let o = t.run(&["convert", "a.txt", "b.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(support::utf8(&o.stdout), "漢字\n轉換\n");
    assert_eq!(t.read("a.txt"), "汉字\n");
}

#[test]
fn out_dir_mirrors_files_and_folders() {
    let t = Tree::new("convert-outdir");
    t.file("a.txt", "汉字\n").file("d/sub/b.txt", "转换\n");
    let o = t.run(&["convert", "-c", "s2tw", "--out-dir", "out", "a.txt", "d"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(o.stdout, b"");
    assert_eq!(t.read("out/a.txt"), "漢字\n");
    assert_eq!(t.read("out/sub/b.txt"), "轉換\n");
    // Never over the input.
    let o = t.run(&["convert", "--out-dir", ".", "a.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("is the input itself"), "{}", err(&o));
    assert_eq!(t.read("a.txt"), "汉字\n");
}

#[test]
fn one_output_file_takes_one_input() {
    let t = Tree::new("convert-one-output");
    t.file("a.txt", "汉字\n").file("b.txt", "转换\n");
    let o = t.run(&["convert", "-o", "x.txt", "a.txt", "b.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--out-dir"), "{}", err(&o));
    assert!(!t.0.join("x.txt").exists());
    let o = t.run(&["convert", "-o", "x.txt", "a.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(t.read("x.txt"), "漢字\n");
    let o = t.run(&["convert", "-i", "a.txt", "b.txt"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_missing_input_fails_alone() {
    let t = Tree::new("convert-missing");
    t.file("a.txt", "汉字\n");
    let o = t.run(&["convert", "missing.txt", "a.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(support::utf8(&o.stdout), "漢字\n");
    assert!(err(&o).contains("missing.txt"), "{}", err(&o));
}

#[test]
fn a_pipe_is_converted_line_by_line() {
    let mut child = Command::new(support::bin())
        .args(["convert", "-c", "s2t"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    // Each line must come out while the pipe is still open.
    for (input, expected) in [("汉字", "漢字"), ("转换", "轉換")] {
        writeln!(stdin, "{input}").unwrap();
        stdin.flush().unwrap();
        let got = rx.recv_timeout(Duration::from_secs(30));
        assert_eq!(
            got.as_deref(),
            Ok(expected),
            "line held back until end of input"
        );
    }
    drop(stdin);
    let status = child.wait().unwrap();
    reader.join().unwrap();
    assert!(status.success());
}

/// Input streamed rather than read whole (a pipe, converted line by line;
/// a file over a megabyte, converted block by block) is looked at for
/// mojibake all the way, not only in its first read: garbled lines deep
/// inside are warned about once, with a byte offset, and the output is
/// still the whole input converted. Past the first 64 KB every 16th line
/// is looked at, which a run of garbled lines cannot slip through.
#[test]
fn mojibake_deep_in_a_stream_is_warned_about() {
    let clean = "这是一段干净的中文文字，用来填满前面的部分。\n".repeat(40_001);
    let (garbled, _, _) =
        encoding_rs::GBK.decode("中文的编码问题真是让人头疼，我们一起来看看怎么解决\n".as_bytes());
    let input = format!("{clean}{}尾巴\n", garbled.repeat(20));
    let t = Tree::new("convert-stream-mojibake");
    t.file("big.txt", &input);

    let piped = support::run_with_input(
        Command::new(support::bin()).args(["convert", "-c", "s2t"]),
        Some(input.as_bytes()),
    );
    let file = t.run(&["convert", "-c", "s2t", "-i", "big.txt", "-o", "out.txt"]);
    let at = |o: &Output| -> usize {
        let e = err(o);
        assert_eq!(o.status.code(), Some(0), "{e}");
        assert_eq!(e.matches("warning:").count(), 1, "one warning: {e}");
        assert!(e.contains("looks like mojibake (mojibake:utf-8>gbk"), "{e}");
        let tail = e.split("a line at byte offset ").nth(1).expect("an offset");
        tail.split(' ').next().unwrap().parse().unwrap()
    };
    assert!(err(&piped).contains("<stdin>") && err(&file).contains("big.txt"));
    for o in [&piped, &file] {
        let in_block = at(o) - clean.len();
        assert!(
            in_block.is_multiple_of(garbled.len()) && in_block / garbled.len() < 16,
            "{}",
            err(o)
        );
    }
    assert!(support::utf8(&piped.stdout).ends_with("尾巴\n"));
    assert_eq!(t.read("out.txt"), support::utf8(&piped.stdout));

    // Clean input gives no warning either way.
    let o = support::run_with_input(
        Command::new(support::bin()).args(["convert", "-c", "s2t"]),
        Some(clean.as_bytes()),
    );
    assert_eq!(err(&o), "");
}

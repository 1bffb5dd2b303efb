/*!
`zhtidy detect` and the decoding side of `zhtidy convert`, run as a user
would: the built binary on files in a scratch folder. The fixtures are made
here from UTF-8 text with encoding_rs, so each one's true encoding is known
by construction.
*/

mod support;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use encoding_rs::{Encoding, BIG5, GBK, WINDOWS_1252};
use support::scratch;

const SIMPLIFIED: &str = "这是一篇关于编码的文章，我们来看看检测的结果是否正确。\n";
const TRADITIONAL: &str = "這是一篇關於編碼的文章，我們來看看檢測的結果是否正確。\n";

fn zhtidy(args: &[&str], stdin: Option<&[u8]>) -> Output {
    support::run_with_input(Command::new(support::bin()).args(args), stdin)
}

fn legacy(text: &str, encoding: &'static Encoding) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn put(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn detect_prints_one_line_per_file() {
    let dir = scratch("lines");
    let utf16: Vec<u8> = SIMPLIFIED
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(TRADITIONAL.as_bytes());
    let (garbled, lossy) = GBK.decode_without_bom_handling(
        "中文的编码问题真是让人头疼，我们一起来看看怎么解决".as_bytes(),
    );
    assert!(!lossy);
    let files = [
        (put(&dir, "gbk.txt", &legacy(SIMPLIFIED, GBK)), "GBK"),
        (put(&dir, "big5.txt", &legacy(TRADITIONAL, BIG5)), "Big5"),
        (put(&dir, "utf16le.txt", &utf16), "UTF-16LE"),
        (put(&dir, "bom.txt", &bom), "UTF-8"),
        (
            put(
                &dir,
                "latin.txt",
                &legacy("Café, crème brûlée et là-bas.\n", WINDOWS_1252),
            ),
            "windows-1252",
        ),
        (put(&dir, "mojibake.txt", garbled.as_bytes()), "UTF-8"),
        (
            put(&dir, "image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            "binary",
        ),
    ];
    let args: Vec<&str> = std::iter::once("detect")
        .chain(files.iter().map(|(p, _)| p.as_str()))
        .collect();
    let out = zhtidy(&args, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), files.len(), "{stdout}");
    for (line, (path, encoding)) in lines.iter().zip(&files) {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!((fields[0], fields[1]), (path.as_str(), *encoding), "{line}");
        if *encoding != "binary" {
            let confidence: f64 = fields[2].parse().unwrap();
            assert!((0.0..=1.0).contains(&confidence), "{line}");
        }
    }
    assert!(lines[5].ends_with("\tmojibake:utf-8>gbk"), "{}", lines[5]);
    assert!(lines[6].contains("NUL byte at offset 8"), "{}", lines[6]);
    assert_eq!(
        lines[0].split('\t').count(),
        3,
        "no extra field on clean files"
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// A file named twice, or named and inside a folder given too, is one
/// line.
#[test]
fn a_file_named_twice_is_reported_once() {
    let dir = scratch("twice");
    let a = put(&dir, "a.txt", SIMPLIFIED.as_bytes());
    put(&dir, "b.txt", TRADITIONAL.as_bytes());
    let dotted = format!("{}/./a.txt", dir.to_str().unwrap());
    let out = zhtidy(&["detect", &a, &dotted, &a, dir.to_str().unwrap()], None);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let names: Vec<&str> = stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(names, ["a.txt", "b.txt"], "{stdout}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unreadable_files_exit_2_and_the_rest_are_still_reported() {
    let dir = scratch("missing");
    let good = put(&dir, "gbk.txt", &legacy(SIMPLIFIED, GBK));
    let missing = dir.join("missing.txt");
    let out = zhtidy(&["detect", missing.to_str().unwrap(), &good], None);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("missing.txt"), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.starts_with(&format!("{good}\tGBK\t")), "{stdout}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn detect_walks_folders_and_streams_json_lines() {
    let dir = scratch("walk");
    fs::create_dir_all(dir.join("sub")).unwrap();
    fs::create_dir_all(dir.join(".hidden")).unwrap();
    put(&dir, "a.txt", SIMPLIFIED.as_bytes());
    put(&dir, "sub/b.txt", &legacy(TRADITIONAL, BIG5));
    put(&dir, ".hidden/c.txt", SIMPLIFIED.as_bytes());
    put(&dir, "ignored.txt", &legacy(SIMPLIFIED, GBK));
    put(&dir, ".zhtidyignore", b"ignored.txt\n");
    let root = dir.to_str().unwrap();
    let out = zhtidy(&["detect", root], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let files: Vec<(&str, &str)> = stdout
        .lines()
        .map(|l| {
            let mut f = l.split('\t');
            (f.next().unwrap(), f.next().unwrap())
        })
        .collect();
    // Hidden entries and ignored files are not walked into, as in a
    // cleaning run.
    assert_eq!(
        files,
        [
            (format!("{root}/a.txt").as_str(), "UTF-8"),
            (format!("{root}/sub/b.txt").as_str(), "Big5"),
        ],
        "{stdout}"
    );
    let out = zhtidy(
        &["detect", "--output-format", "jsonl", "--hidden", root],
        None,
    );
    assert!(out.status.success());
    let records: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let paths: Vec<&str> = records
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            format!("{root}/.hidden/c.txt"),
            format!("{root}/.zhtidyignore"),
            format!("{root}/a.txt"),
            format!("{root}/sub/b.txt"),
        ]
    );
    assert_eq!(records[3]["encoding"], "Big5");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn stdin_and_json() {
    let out = zhtidy(
        &["detect", "-", "--output-format", "json"],
        Some(&legacy(TRADITIONAL, BIG5)),
    );
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let record = &v.as_array().unwrap()[0];
    assert_eq!(record["path"], "-");
    assert_eq!(record["encoding"], "Big5");
    assert_eq!(record["bom"], false);
    assert!(record["mojibake"].is_null());
    assert!(record["confidence"].as_f64().unwrap() > 0.5);
}

#[test]
fn convert_reads_legacy_encodings_and_writes_utf8() {
    let dir = scratch("convert");
    let input = put(
        &dir,
        "in.txt",
        &legacy("這是一篇關於編碼的文章。\r\n第二行\r\n", BIG5),
    );
    let out = zhtidy(&["convert", "-c", "t2s", "-i", &input], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "这是一篇关于编码的文章。\r\n第二行\r\n"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn convert_with_a_wrong_forced_encoding_fails_at_the_byte_offset_and_writes_nothing() {
    let dir = scratch("forced");
    // GBK bytes forced as UTF-8: the very first byte (0xD5) is malformed.
    let bytes = legacy(SIMPLIFIED, GBK);
    let input = put(&dir, "in.txt", &bytes);
    let output = dir.join("out.txt");
    fs::write(&output, "previous").unwrap();
    let out = zhtidy(
        &[
            "convert",
            "-c",
            "s2t",
            "--encoding",
            "utf-8",
            "-i",
            &input,
            "-o",
            output.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("in.txt") && stderr.contains("byte offset 0"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&output).unwrap(), "previous");

    let mut bad = legacy(SIMPLIFIED, GBK);
    bad.insert(4, 0xFF);
    let input = put(&dir, "bad.txt", &bad);
    let out = zhtidy(
        &["convert", "-c", "s2t", "--encoding", "gbk", "-i", &input],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.txt") && stderr.contains("byte offset 4"),
        "{stderr}"
    );

    let out = zhtidy(
        &[
            "convert",
            "-c",
            "t2s",
            "--encoding",
            "gbk",
            "--lossy",
            "-i",
            &input,
        ],
        None,
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 malformed"));
    assert_eq!(
        String::from_utf8(out.stdout)
            .unwrap()
            .matches('\u{FFFD}')
            .count(),
        1
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn convert_can_write_back_in_the_source_encoding_or_refuse() {
    let dir = scratch("source");
    // Big5 with CRLF: t2tw keeps it Traditional, so Big5 can hold the result.
    let input = put(
        &dir,
        "in.txt",
        &legacy("這是一篇關於編碼的文章。\r\n", BIG5),
    );
    let out = zhtidy(
        &[
            "convert",
            "-c",
            "t2tw",
            "--output-encoding",
            "source",
            "-i",
            &input,
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, legacy("這是一篇關於編碼的文章。\r\n", BIG5));

    // To Simplified: Big5 cannot hold 这, so it is an error naming it, and
    // the output file keeps its old content (no &#NNNN; ever written).
    let output = dir.join("out.txt");
    fs::write(&output, "previous").unwrap();
    let out = zhtidy(
        &[
            "convert",
            "-c",
            "t2s",
            "--output-encoding",
            "source",
            "-i",
            &input,
            "-o",
            output.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Big5") && stderr.contains("'这'") && stderr.contains("line 1, column 1"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&output).unwrap(), "previous");

    // A UTF-16 input with a BOM comes back as UTF-16 with its BOM.
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend("简体".encode_utf16().flat_map(u16::to_le_bytes));
    let input = put(&dir, "utf16.txt", &utf16);
    let out = zhtidy(
        &[
            "convert",
            "-c",
            "s2t",
            "--output-encoding",
            "source",
            "-i",
            &input,
        ],
        None,
    );
    let mut expected = vec![0xFF, 0xFE];
    expected.extend("簡體".encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(out.stdout, expected);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn convert_reverses_mojibake_only_when_asked() {
    let original = "中文的编码问题真是让人头疼，我们一起来看看怎么解决";
    let (garbled, lossy) = GBK.decode_without_bom_handling(original.as_bytes());
    assert!(!lossy);
    let out = zhtidy(&["convert", "-c", "s2t"], Some(garbled.as_bytes()));
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("mojibake"));
    assert_ne!(
        String::from_utf8(out.stdout).unwrap(),
        "中文的編碼問題真是讓人頭疼，我們一起來看看怎麼解決"
    );
    let out = zhtidy(
        &["convert", "-c", "s2t", "--fix-mojibake"],
        Some(garbled.as_bytes()),
    );
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "中文的編碼問題真是讓人頭疼，我們一起來看看怎麼解決"
    );
}

#[test]
fn large_inputs_stream_as_utf8_or_go_through_detection() {
    let dir = scratch("large");
    // 1.3 MB of UTF-8 (past the 1 MiB look-ahead), then a bad byte: the
    // stream reports its offset and the output file is left alone.
    let line = "这是一段用来测试流式转换的简体中文文字。\n";
    let mut bytes = line.repeat(1_300_000 / line.len()).into_bytes();
    let bad_at = bytes.len();
    bytes.push(0xFF);
    let input = put(&dir, "big-utf8.txt", &bytes);
    let output = dir.join("out.txt");
    fs::write(&output, "previous").unwrap();
    let out = zhtidy(
        &[
            "convert",
            "-c",
            "s2t",
            "-i",
            &input,
            "-o",
            output.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("byte offset {bad_at}")),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&output).unwrap(), "previous");

    // The same size in GBK is detected and converted whole.
    let text = line.repeat(1_300_000 / line.len());
    let input = put(&dir, "big-gbk.txt", &legacy(&text, GBK));
    let out = zhtidy(&["convert", "-c", "s2t", "-i", &input], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let converted = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        converted,
        "這是一段用來測試流式轉換的簡體中文文字。\n".repeat(1_300_000 / line.len())
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// [`support::sample`] as an argument.
fn sample_path() -> String {
    support::sample().to_str().unwrap().to_owned()
}

/// `traditional-only:N` → N.
fn count_field(field: &str, name: &str) -> usize {
    field
        .strip_prefix(name)
        .and_then(|n| n.strip_prefix(':'))
        .unwrap_or_else(|| panic!("{field:?} is not {name}:N"))
        .parse()
        .unwrap()
}

#[test]
fn detect_script_finds_the_real_samples_strays() {
    let sample = sample_path();
    let out = zhtidy(&["detect", "--script", &sample], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    let fields: Vec<&str> = lines[0].split('\t').collect();
    assert_eq!((fields[0], fields[1]), (sample.as_str(), "traditional"));
    // The issue counts 开 ×18, 线 ×5, 战 and 账 among the strays (the
    // others, 么 愿 准, are valid in both scripts and are no evidence).
    let text = fs::read_to_string(&sample).unwrap();
    let strays = text.chars().filter(|c| "开线战账".contains(*c)).count();
    assert_eq!(strays, 25);
    assert_eq!(count_field(fields[3], "simplified-only"), strays);
    let traditional = count_field(fields[2], "traditional-only");
    assert!(traditional >= 4 * strays, "{}", lines[0]);
    // Its only paragraph whose evidence is Simplified: `展开全文`, line 33.
    assert_eq!(text.lines().nth(32), Some("展开全文"));
    assert_eq!(
        &lines[1..],
        [format!(
            "{sample}:33\tsimplified\ttraditional-only:0\tsimplified-only:1"
        )]
    );
}

#[test]
fn detect_script_of_simplified_and_unknown_files() {
    let dir = scratch("script");
    // GBK bytes: the script is read from the decoded text. Of its
    // characters, 这关编码们来检测结 are Simplified-only (确 is valid in
    // both scripts).
    let simplified = put(&dir, "simplified.txt", &legacy(SIMPLIFIED, GBK));
    let latin = put(
        &dir,
        "latin.txt",
        b"hello world, nothing Chinese but \xe7\x9a\x84\n",
    );
    // A binary file has no script: it is named as binary, with the reason.
    let image = put(&dir, "image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let out = zhtidy(&["detect", "--script", &simplified, &latin, &image], None);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "{simplified}\tsimplified\ttraditional-only:0\tsimplified-only:9\n\
             {latin}\tunknown\ttraditional-only:0\tsimplified-only:0\n\
             {image}\tbinary\tNUL byte at offset 8\n"
        )
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn detect_script_reports_each_paragraph_of_a_mixed_file() {
    let dir = scratch("mixed");
    let text = "這是繁體的一段話，們說這個開會。\n\n\
                这是简体的一段话，们说这个开会。\r\n\
                Latin only.\n\
                的是\n";
    let mixed = put(&dir, "mixed.txt", text.as_bytes());
    let out = zhtidy(&["detect", "--script", &mixed], None);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "{mixed}\tmixed\ttraditional-only:9\tsimplified-only:10\n\
             {mixed}:1\ttraditional\ttraditional-only:9\tsimplified-only:0\n\
             {mixed}:3\tsimplified\ttraditional-only:0\tsimplified-only:10\n\
             {mixed}:5\tunknown\ttraditional-only:0\tsimplified-only:0\n"
        )
    );

    let out = zhtidy(
        &["detect", "--script", "--output-format", "json", &mixed],
        None,
    );
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let record = &v[0];
    assert_eq!(record["encoding"], "UTF-8");
    let script = &record["script"];
    assert_eq!(script["script"], "mixed");
    assert_eq!(script["counts"]["han"], 30);
    let paragraphs = script["paragraphs"].as_array().unwrap();
    let summary: Vec<(u64, &str, u64, u64)> = paragraphs
        .iter()
        .map(|p| {
            (
                p["line"].as_u64().unwrap(),
                p["script"].as_str().unwrap(),
                p["counts"]["traditional_only"].as_u64().unwrap(),
                p["counts"]["simplified_only"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, "traditional", 9, 0),
            (3, "simplified", 0, 10),
            (5, "unknown", 0, 0)
        ]
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_json_report_of_a_tidy_run_has_the_script() {
    let sample = sample_path();
    let out = zhtidy(&["--output-format", "json", &sample], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let script = &v["fix"]["script"];
    assert_eq!(script["script"], "traditional");
    assert_eq!(script["counts"]["simplified_only"], 25);
    // Only the paragraphs in another script than the file's are listed.
    let lines: Vec<u64> = script["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["script"] != "unknown")
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [33]);
}

#[test]
fn detect_names_the_kind_of_mojibake_and_of_damage() {
    let dir = scratch("kinds");
    let original = "中文的编码问题真是让人头疼，我们一起来看看怎么解决\n";
    let latin1: String = original.bytes().map(char::from).collect();
    let double: String = latin1.bytes().map(char::from).collect();
    let (garbled_line, lossy) = GBK.decode_without_bom_handling(original.as_bytes());
    assert!(!lossy);
    let some_lines = format!("{SIMPLIFIED}{garbled_line}{SIMPLIFIED}");
    let files = [
        (
            put(&dir, "latin1.txt", latin1.as_bytes()),
            "mojibake:utf-8>latin-1",
        ),
        (
            put(&dir, "double.txt", double.as_bytes()),
            "mojibake:utf-8>latin-1>utf-8>latin-1",
        ),
        (
            put(&dir, "lines.txt", some_lines.as_bytes()),
            "mojibake:utf-8>gbk:lines=1",
        ),
        (
            put(
                &dir,
                "damaged.txt",
                "正文\u{FFFD}\u{FFFD}内容\n锟斤拷\n".as_bytes(),
            ),
            "damaged:fffd=2,kunkao=1",
        ),
    ];
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let mut args = vec!["detect"];
    args.extend(&paths);
    let out = zhtidy(&args, None);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    for ((path, kind), line) in files.iter().zip(stdout.lines()) {
        assert!(
            line.starts_with(path.as_str()) && line.ends_with(kind),
            "{line}"
        );
    }
    // The reversible ones come back exactly with --fix-mojibake.
    for (path, expected) in [
        (paths[0], original.to_owned()),
        (paths[1], original.to_owned()),
        (paths[2], format!("{SIMPLIFIED}{original}{SIMPLIFIED}")),
    ] {
        let out = zhtidy(&["--fix-mojibake", "--no-strip", "--no-fix", path], None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8(out.stdout).unwrap(), expected, "{path}");
    }
    // --explain names each damaged line and its kind.
    let out = zhtidy(&["--explain", paths[3]], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:1: damaged:fffd=2", paths[3])),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{}:2: damaged:kunkao=1", paths[3])),
        "{stderr}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

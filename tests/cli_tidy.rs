/*!
The default command (`zhtidy [OPTIONS] [PATH|-]`) end to end: the real
sample against its golden output, `--explain`, JSON output, stdin, stage
switches, conversion choice and usage errors.
*/

mod support;

use std::process::{Command, Output};

use support::{repo_root, sample, utf8};

/// zhtidy run in the repository's root.
fn zhtidy(args: &[&str], stdin: Option<&[u8]>) -> Output {
    support::run_with_input(
        Command::new(support::bin())
            .args(args)
            .current_dir(repo_root()),
        stdin,
    )
}

#[test]
fn sample_file_gives_the_golden_output_and_explains_each_removal() {
    let out = zhtidy(
        &[
            "examples/reposted-article.zh-Hant.txt",
            "--no-fix",
            "--explain",
        ],
        None,
    );
    assert!(out.status.success(), "{}", utf8(&out.stderr));
    let golden = std::fs::read_to_string(
        repo_root().join("tests/fixtures/pipeline/reposted-article.strip.txt"),
    )
    .unwrap();
    assert_eq!(utf8(&out.stdout), golden);
    let stderr = utf8(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 10, "{stderr}");
    assert_eq!(lines[0], "examples/reposted-article.zh-Hant.txt:3: header-meta-line: 來源: 編輯:匿名 發表時間:2024-10-01 00:53:48 熱度:1");
    assert_eq!(
        lines[5],
        "examples/reposted-article.zh-Hant.txt:87: caption-credit-suffix: 圖源:胡潤百富"
    );
    assert!(lines[9]
        .starts_with("examples/reposted-article.zh-Hant.txt:161: disclaimer-labelled: 鄭重聲明"));
}

#[test]
fn stdin_with_dash_or_a_pipe() {
    let input = std::fs::read(sample()).unwrap();
    let a = zhtidy(&["-"], Some(&input));
    let b = zhtidy(&[], Some(&input));
    assert!(a.status.success() && b.status.success());
    assert_eq!(a.stdout, b.stdout);
    assert!(a.stdout.len() < input.len());
}

#[test]
fn json_output_holds_text_and_removals() {
    let out = zhtidy(
        &[
            "--no-fix",
            "--output-format",
            "json",
            &sample().display().to_string(),
        ],
        None,
    );
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let removals = v["removals"].as_array().unwrap();
    assert_eq!(removals.len(), 10);
    assert_eq!(removals[1]["rule"], "header-lead-excerpt");
    assert_eq!(removals[1]["line"], 5);
    // The removals put back into the text give the input again.
    let input = std::fs::read_to_string(sample()).unwrap();
    assert_eq!(rebuild(v["text"].as_str().unwrap(), removals), input);
}

/// Independent of the library: lay each `deleted` back at its input offset.
fn rebuild(output: &str, removals: &[serde_json::Value]) -> String {
    let mut input = String::new();
    let mut out_pos = 0;
    for r in removals {
        let at = r["at"].as_u64().unwrap() as usize;
        let piece = r["deleted"].as_str().unwrap();
        let take = at - input.len();
        input.push_str(&output[out_pos..out_pos + take]);
        out_pos += take;
        input.push_str(piece);
    }
    input.push_str(&output[out_pos..]);
    input
}

#[test]
fn no_strip_keeps_the_text() {
    let input = std::fs::read(sample()).unwrap();
    let out = zhtidy(&["--no-strip", "--no-fix", "-"], Some(&input));
    assert!(out.status.success());
    assert_eq!(out.stdout, input);
}

#[test]
fn disable_a_rule_or_family() {
    let out = zhtidy(
        &[
            "--no-fix",
            "--disable",
            "inline_expand_fulltext",
            "--disable",
            "caption-credit-suffix",
            &sample().display().to_string(),
        ],
        None,
    );
    assert!(out.status.success());
    let s = utf8(&out.stdout);
    assert!(s.contains("\n展开全文\n"));
    assert!(s.contains("位列第三 圖源:胡潤百富"));
    let bad = zhtidy(
        &["--disable", "nope", &sample().display().to_string()],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(utf8(&bad.stderr).contains("no rule or family is called \"nope\""));
}

#[test]
fn to_chooses_the_config_from_the_input_script() {
    let out = zhtidy(
        &["--to", "s", "--output-format", "json", "-"],
        Some("這是一篇繁體中文的文章。\n".as_bytes()),
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["script"], "traditional");
    assert_eq!(v["converted_with"], serde_json::json!(["t2s"]));
    assert_eq!(v["text"], "这是一篇繁体中文的文章。\n");

    let out = zhtidy(
        &["--to", "tw", "-"],
        Some("软件开发需要耐心。\n".as_bytes()),
    );
    assert_eq!(utf8(&out.stdout), "軟件開發需要耐心。\n");
    let out = zhtidy(
        &["--to", "twp", "-"],
        Some("软件开发需要耐心。\n".as_bytes()),
    );
    assert_eq!(utf8(&out.stdout), "軟體開發需要耐心。\n");

    let out = zhtidy(
        &["--to", "s", "--from", "tw", "--output-format", "json", "-"],
        Some("軟體\n".as_bytes()),
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["converted_with"], serde_json::json!(["tw2s"]));
}

#[test]
fn usage_errors() {
    let two = zhtidy(&["a.txt", "b.txt"], None);
    assert_eq!(two.status.code(), Some(2));
    assert!(utf8(&two.stderr).contains("2 paths given"));

    let missing = zhtidy(&["no-such-file.txt"], None);
    assert_eq!(missing.status.code(), Some(2));
    assert!(utf8(&missing.stderr).contains("no-such-file.txt"));

    let bad = zhtidy(&["--encoding", "utf-8", "-"], Some(b"abc\xff\xfe"));
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        utf8(&bad.stderr).contains("<stdin>: not valid UTF-8: malformed bytes at byte offset 3"),
        "{}",
        utf8(&bad.stderr)
    );

    let from_alone = zhtidy(&["--from", "s", "-"], Some(b"x"));
    assert_eq!(from_alone.status.code(), Some(2));

    // The reason a rule file cannot be read is given once, not twice.
    let no_rules = zhtidy(&["--strip-rules", "no-such-rules.toml", "-"], Some(b"x"));
    assert_eq!(no_rules.status.code(), Some(2));
    let err = utf8(&no_rules.stderr);
    assert!(
        err.contains("cannot read rule file no-such-rules.toml"),
        "{err}"
    );
    assert_eq!(err.matches("os error").count(), 1, "{err}");
}

#[test]
fn safety_limit_is_reported() {
    let out = zhtidy(
        &["-"],
        Some("来源：晨光日报\n作者：李小满\n展开全文\n正文只有这一句话而已。\n".as_bytes()),
    );
    assert!(out.status.success());
    assert_eq!(
        utf8(&out.stdout),
        "来源：晨光日报\n作者：李小满\n展开全文\n正文只有这一句话而已。\n"
    );
    assert!(
        utf8(&out.stderr).contains("<stdin>: strip: rules matched 3 of 4 non-blank lines"),
        "{}",
        utf8(&out.stderr)
    );
}

#[test]
fn convert_subcommand_still_works() {
    let out = zhtidy(&["convert", "--config", "s2t"], Some("简体".as_bytes()));
    assert!(out.status.success());
    assert_eq!(utf8(&out.stdout), "簡體");
}

#[test]
fn default_pipeline_is_strip_then_fix() {
    // The default command = strip, then fix on what strip left (checked
    // against the library's own stages), with fixes explained at their
    // position in the input file.
    let out = zhtidy(&["--explain", &sample().display().to_string()], None);
    assert!(out.status.success(), "{}", utf8(&out.stderr));
    let strip_golden = std::fs::read_to_string(
        repo_root().join("tests/fixtures/pipeline/reposted-article.strip.txt"),
    )
    .unwrap();
    let fixer = zhtidy::fix::Fixer::new(zhtidy::fix::FixOptions::default());
    let fixed = fixer.fix(&strip_golden);
    assert!(fixed.changes.len() > 20);
    assert_eq!(utf8(&out.stdout), fixed.text);

    let stderr = utf8(&out.stderr);
    let input = std::fs::read_to_string(sample()).unwrap();
    let mut fixes = 0;
    for line in stderr.lines().filter(|l| l.contains(" → ")) {
        // PATH:LINE:COLUMN: rule: from → to
        let mut parts = line.splitn(4, ':');
        let _path = parts.next();
        let line_no: usize = parts.next().unwrap().parse().unwrap();
        let col: usize = parts.next().unwrap().parse().unwrap();
        let (_rule, change) = parts.next().unwrap().trim_start().split_once(": ").unwrap();
        let (from, _to) = change.rsplit_once(" → ").unwrap();
        let source_line = input.lines().nth(line_no - 1).unwrap();
        let at: String = source_line.chars().skip(col - 1).collect();
        assert!(at.starts_with(from), "{line}: input has {at:?}");
        fixes += 1;
    }
    assert_eq!(fixes, fixed.changes.len());
}

#[test]
fn user_rules_from_the_command_line() {
    let dir = std::env::temp_dir().join(format!("zhtidy-cli-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rules = dir.join("mine.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nid = 'my-banner'\nfamily = 'mine'\nzone = 'anywhere'\npatterns = ['本站广告位招租']\nmatch = ['本站广告位招租']\nno_match = ['招租']\n",
    )
    .unwrap();
    let input = "第一段正文很長很長，講了一件事情，足足有五十多個字那麼長的一段話呢。\n本站廣告位招租\n第二段正文也很長，講了另一件事情，也有五十多個字那麼長的一段話呢。\n";
    let rules_arg = rules.display().to_string();
    let out = zhtidy(
        &["--no-fix", "--strip-rules", &rules_arg, "--explain", "-"],
        Some(input.as_bytes()),
    );
    assert!(out.status.success(), "{}", utf8(&out.stderr));
    assert!(!utf8(&out.stdout).contains("招租"));
    assert_eq!(utf8(&out.stderr), "<stdin>:2: my-banner: 本站廣告位招租\n");

    std::fs::write(
        &rules,
        "[[rule]]\nid = 'x'\nfamily = 'f'\nzone = 'sideways'\npatterns = ['a']\n",
    )
    .unwrap();
    let bad = zhtidy(&["--strip-rules", &rules_arg, "-"], Some(b"x"));
    assert_eq!(bad.status.code(), Some(2));
    let err = utf8(&bad.stderr);
    assert!(
        err.contains("mine.toml") && err.contains("sideways"),
        "{err}"
    );

    let share = zhtidy(&["--max-removed-share", "1.5", "-"], Some(b"x"));
    assert_eq!(share.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn legacy_encodings_are_decoded_first() {
    // The sample encoded as GB18030 is decoded, then stripped as usual.
    let input = std::fs::read_to_string(sample()).unwrap();
    let (gb, _, unmappable) = encoding_rs::GB18030.encode(&input);
    assert!(!unmappable);
    let out = zhtidy(&["--no-fix", "--output-format", "json", "-"], Some(&gb));
    assert!(out.status.success(), "{}", utf8(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // No four-byte sequences: GBK and GB18030 read it the same way.
    assert!(
        matches!(v["encoding"].as_str(), Some("GBK" | "gb18030")),
        "{}",
        v["encoding"]
    );
    let golden = std::fs::read_to_string(
        repo_root().join("tests/fixtures/pipeline/reposted-article.strip.txt"),
    )
    .unwrap();
    assert_eq!(v["text"], golden);
}

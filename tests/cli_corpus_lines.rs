/*!
`--learn-boilerplate` run as a user would: the built binary on a folder of
articles from two made-up sites, each framing every article in its own
header and footer lines (wording no strip rule knows, with dates and view
counts that change per article), and a proverb that stands inside many
articles' bodies. What is frame and what is body is known by
construction.
*/

mod support;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use support::scratch;

/// Prose sentences (written for these tests), combined per article.
const SENTENCES: [&str; 6] = [
    "今年春天，江南多地的茶农比往年更早开始采摘，第一批明前茶的产量也随之增加。",
    "老茶农告诉记者，他家的茶园今年比去年多收了两成鲜叶，价格反而略有上涨。",
    "这几年来买茶的客人越来越多是年轻人，他们更愿意通过网络直播下单。",
    "村里成立了合作社，统一收购鲜叶，统一请检测机构抽检，方便消费者查询。",
    "合作社的负责人表示，统一管理以后，茶叶的品质更加稳定，收购价格也更透明。",
    "也有专家提醒，气候变化让发芽时间越来越难以预测，茶农仍需做好防寒准备。",
];

const PROVERB: &str = "千里之行，始于足下";

fn zhtidy(args: &[&str], stdin: Option<&[u8]>) -> Output {
    support::run_with_input(Command::new(support::bin()).args(args), stdin)
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// Article `n` of a site: its frame around two body paragraphs with the
/// proverb between them.
fn article(site: &str, n: usize) -> String {
    let a = SENTENCES[n % 6];
    let b = SENTENCES[(n + 1) % 6];
    let c = SENTENCES[(n + 3) % 6];
    format!(
        "{site}首页 / 地方频道\n{site}｜有温度的新闻 · 2024-03-{:02} · {}人读过\n茶乡纪事之{}\n\n{a}{b}\n\n{PROVERB}\n\n{c}{a}\n\n扫一扫，把{site}装进口袋\n",
        n % 28 + 1,
        100 + 37 * n,
        char::from_u32(0x4E00 + 11 * n as u32).unwrap(),
    )
}

/// Twelve articles from each of two sites under `dir`.
fn corpus(dir: &Path) {
    for site in ["晨曦", "远山"] {
        fs::create_dir_all(dir.join(site)).unwrap();
        for n in 0..12 {
            fs::write(dir.join(site).join(format!("{n:02}.txt")), article(site, n)).unwrap();
        }
    }
}

fn frame_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.contains("首页 /") || l.contains("人读过") || l.contains("扫一扫"))
        .collect()
}

#[test]
fn frame_lines_go_and_body_lines_stay_whatever_the_thread_count() {
    let dir = scratch("corpus-lines-o");
    corpus(&dir.join("in"));
    let input = dir.join("in");
    let mut copies = Vec::new();
    for threads in ["1", "2"] {
        let out_dir = dir.join(format!("out{threads}"));
        let out = zhtidy(
            &[
                "--isolated",
                "--learn-boilerplate",
                "-j",
                threads,
                "-o",
                out_dir.to_str().unwrap(),
                input.to_str().unwrap(),
            ],
            None,
        );
        assert!(out.status.success(), "{}", text(&out));
        assert!(
            text(&out).contains(
                "24 document(s) counted, 6 line(s) at the edge of at least 10, 72 removed"
            ),
            "{}",
            text(&out)
        );
        let cleaned = fs::read_to_string(out_dir.join("晨曦/05.txt")).unwrap();
        assert!(frame_lines(&cleaned).is_empty(), "{cleaned}");
        assert!(cleaned.contains(PROVERB), "{cleaned}");
        assert!(cleaned.starts_with("茶乡纪事之"), "{cleaned}");
        copies.push(cleaned);
    }
    assert_eq!(copies[0], copies[1]);
}

#[test]
fn explain_gives_the_count_and_the_input_line() {
    let dir = scratch("corpus-lines-explain");
    corpus(&dir);
    let out = zhtidy(
        &[
            "--isolated",
            "--learn-boilerplate",
            "--check",
            "--explain",
            dir.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let all = text(&out);
    let line = all
        .lines()
        .find(|l| l.contains("远山/03.txt:11:"))
        .unwrap_or_else(|| panic!("{all}"));
    assert!(
        line.ends_with(
            "corpus-repeated-line (seen at the edge of 12 documents): 扫一扫，把远山装进口袋"
        ),
        "{line}"
    );
    // The dated line differs per article, its key does not.
    assert!(all.contains("远山/03.txt:2: corpus-repeated-line (seen at the edge of 12 documents): 远山｜有温度的新闻 · 2024-03-04 · 211人读过"), "{all}");
    assert!(!all.contains(&format!(
        "corpus-repeated-line (seen at the edge of 12 documents): {PROVERB}"
    )));
}

#[test]
fn a_second_run_over_the_written_corpus_changes_nothing() {
    let dir = scratch("corpus-lines-twice");
    corpus(&dir);
    let d = dir.to_str().unwrap();
    let first = zhtidy(&["--isolated", "--learn-boilerplate", "-w", d], None);
    assert!(first.status.success(), "{}", text(&first));
    let cleaned = fs::read_to_string(dir.join("晨曦/00.txt")).unwrap();
    assert!(frame_lines(&cleaned).is_empty(), "{cleaned}");
    let again = zhtidy(&["--isolated", "--learn-boilerplate", "--check", d], None);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
}

#[test]
fn too_few_documents_keep_their_lines() {
    let dir = scratch("corpus-lines-few");
    corpus(&dir);
    let out = zhtidy(
        &[
            "--isolated",
            "--learn-boilerplate",
            "--boilerplate-min-docs",
            "13",
            "--check",
            dir.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = zhtidy(
        &[
            "--isolated",
            "--learn-boilerplate",
            "--boilerplate-min-docs",
            "1",
            "--check",
            dir.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("at least 2"), "{}", text(&out));
}

#[test]
fn the_configuration_key_turns_it_on() {
    let dir = scratch("corpus-lines-config");
    corpus(&dir);
    fs::write(
        dir.join("zhtidy.toml"),
        "learn-boilerplate = true\nboilerplate-min-docs = 12\n",
    )
    .unwrap();
    let out = zhtidy(&["--check", "--explain", dir.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("corpus-repeated-line"),
        "{}",
        text(&out)
    );
}

/// The rule is named like every other: listed by `zhtidy rules`, turned
/// on by `--enable` and off by `--disable`, even where the configuration
/// turns it on.
#[test]
fn the_rule_is_listed_enabled_and_disabled_by_name() {
    let listed = zhtidy(&["rules"], None);
    assert!(
        text(&listed).contains("corpus-repeated-line (strip, off)"),
        "{}",
        text(&listed)
    );
    let dir = scratch("corpus-lines-names");
    corpus(&dir);
    let d = dir.to_str().unwrap();
    let enabled = zhtidy(
        &[
            "--isolated",
            "--check",
            "--explain",
            "--enable",
            "corpus-repeated-line",
            d,
        ],
        None,
    );
    assert!(
        text(&enabled).contains("corpus-repeated-line"),
        "{}",
        text(&enabled)
    );
    fs::write(dir.join("zhtidy.toml"), "learn-boilerplate = true\n").unwrap();
    let disabled = zhtidy(
        &[
            "--check",
            "--explain",
            "--disable",
            "corpus-repeated-line",
            d,
        ],
        None,
    );
    let said = text(&disabled);
    assert!(
        !said.contains("corpus-repeated-line") && !said.contains("counted"),
        "{said}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn json_lines_files_learn_across_lines_and_standard_input_is_refused() {
    let dir = scratch("corpus-lines-jsonl");
    let mut lines = String::new();
    for n in 0..12 {
        let doc = serde_json::json!({"id": n, "text": article("晨曦", n)});
        lines.push_str(&format!("{doc}\n"));
    }
    let file = dir.join("a.jsonl");
    fs::write(&file, &lines).unwrap();
    let out = zhtidy(
        &[
            "--isolated",
            "--jsonl",
            "--learn-boilerplate",
            file.to_str().unwrap(),
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 12);
    for line in stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let t = v["text"].as_str().unwrap();
        assert!(frame_lines(t).is_empty(), "{t}");
        assert!(t.contains(PROVERB), "{t}");
    }
    let out = zhtidy(
        &["--isolated", "--jsonl", "--learn-boilerplate"],
        Some(lines.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("standard input can be read only once"),
        "{}",
        text(&out)
    );
}

#[test]
fn one_document_cannot_learn() {
    let out = zhtidy(
        &["--isolated", "--learn-boilerplate", "-"],
        Some(article("晨曦", 1).as_bytes()),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("learns from the documents of a run"));
}

/*!
`zhtidy dedup` run as a user would: the built binary on a folder of
articles and on JSON Lines. The reposts are made here from one article
(a trimmed copy with another site's boilerplate, and a Traditional copy
made by `zhtidy convert`), so which documents belong together is known by
construction.
*/

mod support;

use std::fs;
use std::process::{Command, Output};

use serde_json::Value;
use support::scratch;

/// An article (written for these tests).
const ARTICLE: &str = "\
今年春天，江南多地的茶农比往年更早开始采摘。由于二月气温偏高，茶树发芽提前了将近十天，第一批明前茶的产量也随之增加。
在杭州西湖附近的一个村子里，老茶农王师傅告诉记者，他家的茶园今年比去年多收了两成鲜叶，但价格并没有因此下降，反而略有上涨。
王师傅说，这几年来买茶的客人越来越多是年轻人，他们更愿意通过网络直播下单，也更在意茶叶是不是当天炒制、有没有使用农药。
为了满足这些要求，村里成立了合作社，统一收购鲜叶，统一请检测机构抽检，并在包装上印上二维码，方便消费者查询产地和炒制日期。
合作社的负责人表示，统一管理以后，茶叶的品质更加稳定，收购价格也更透明，茶农不用再担心被中间商压价，收入比过去明显提高。
不过也有专家提醒，气候变化让发芽时间越来越难以预测，一旦遇到倒春寒，提前发芽的嫩芽很容易冻伤，茶农仍需做好防寒准备。
";

/// An unrelated article (written for these tests).
const OTHER: &str = "\
城市地铁的新线路将在下个月开通试运营，全长约二十三公里，共设十六座车站，连接老城区和北部的高新技术开发区。
据介绍，新线路采用全自动驾驶系统，列车最高时速可达一百公里，高峰时段的发车间隔将缩短到两分半钟左右。
沿线居民普遍对开通表示期待，有人说以前上班要换乘两次公交车，路上花一个多小时，以后坐地铁半小时就能到公司。
";

fn zhtidy(args: &[&str], stdin: Option<&[u8]>) -> Output {
    support::run_with_input(Command::new(support::bin()).args(args), stdin)
}

fn repost() -> String {
    let body = ARTICLE
        .trim_end()
        .trim_end_matches("茶农仍需做好防寒准备。");
    format!("来源：晨光日报\n{body}\n责任编辑：张三\n")
}

fn traditional() -> String {
    let out = zhtidy(&["convert", "-c", "s2t"], Some(ARTICLE.as_bytes()));
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn clusters(out: &Output) -> Vec<Value> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn name(doc: &Value) -> String {
    let p = doc["path"].as_str().unwrap();
    p.rsplit('/').next().unwrap().to_string()
}

#[test]
fn a_folder_of_reposts_gives_one_cluster() {
    let dir = scratch("folder");
    fs::create_dir_all(dir.join("site-b")).unwrap();
    fs::write(dir.join("a-original.txt"), ARTICLE).unwrap();
    fs::write(dir.join("b-other.txt"), OTHER).unwrap();
    fs::write(dir.join("site-b/repost.txt"), repost()).unwrap();
    fs::write(dir.join("site-b/traditional.txt"), traditional()).unwrap();
    // Not a text file by the default include list: not read.
    fs::write(dir.join("copy.html"), ARTICLE).unwrap();
    let dir_arg = dir.to_str().unwrap();
    for threads in ["1", "2"] {
        let found = clusters(&zhtidy(&["dedup", "-j", threads, dir_arg], None));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(name(&found[0]["representative"]), "a-original.txt");
        let members = found[0]["members"].as_array().unwrap();
        let got: Vec<(String, &str)> = members
            .iter()
            .map(|m| (name(m), m["why"].as_str().unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("repost.txt".to_string(), "near"),
                ("traditional.txt".to_string(), "cross-script")
            ]
        );
        for m in members {
            assert!(m["similarity"].as_f64().unwrap() >= 0.8, "{m}");
        }
    }
}

/// A file named twice is one document, not a duplicate of itself.
#[test]
fn a_file_named_twice_is_one_document() {
    let dir = scratch("twice");
    fs::write(dir.join("a.txt"), ARTICLE).unwrap();
    fs::write(dir.join("b.txt"), OTHER).unwrap();
    let a = dir.join("a.txt");
    let a = a.to_str().unwrap();
    let dotted = format!("{}/./a.txt", dir.to_str().unwrap());
    let out = zhtidy(&["dedup", a, &dotted, dir.to_str().unwrap()], None);
    assert_eq!(clusters(&out), Vec::<Value>::new());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 documents"), "{err}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn jsonl_lines_are_documents() {
    let line = |id: &str, text: &str| {
        serde_json::json!({ "id": id, "body": text, "text": "ignored" }).to_string() + "\n"
    };
    let input = [
        line("x1", ARTICLE),
        line("x2", OTHER),
        "\n".to_string(),
        line("x3", &traditional()),
        line("x4", ARTICLE),
    ]
    .concat();
    let out = zhtidy(
        &["dedup", "--jsonl", "--field", "body", "--id-field", "id"],
        Some(input.as_bytes()),
    );
    let found = clusters(&out);
    assert_eq!(found.len(), 1, "{found:?}");
    let rep = &found[0]["representative"];
    assert_eq!(
        (rep["line"].as_u64(), rep["id"].as_str()),
        (Some(1), Some("x1"))
    );
    assert!(rep.get("path").is_none());
    let members: Vec<(u64, &str)> = found[0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["line"].as_u64().unwrap(), m["why"].as_str().unwrap()))
        .collect();
    assert_eq!(members, [(4, "cross-script"), (5, "exact")]);
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(
        summary.contains("4 documents, 1 clusters, 2 duplicates"),
        "{summary}"
    );
}

#[test]
fn a_lower_threshold_and_other_shingles_are_honoured() {
    let dir = scratch("threshold");
    let half: String = ARTICLE.lines().take(3).collect::<Vec<_>>().join("\n");
    fs::write(dir.join("full.txt"), ARTICLE).unwrap();
    fs::write(dir.join("half.txt"), &half).unwrap();
    let dir_arg = dir.to_str().unwrap();
    assert!(clusters(&zhtidy(&["dedup", dir_arg], None)).is_empty());
    let loose = clusters(&zhtidy(
        &[
            "dedup",
            "--threshold",
            "0.3",
            "--shingle",
            "3",
            "--permutations",
            "64",
            dir_arg,
        ],
        None,
    ));
    assert_eq!(loose.len(), 1);
}

#[test]
fn bad_input_and_parameters_exit_2() {
    let out = zhtidy(
        &["dedup", "--jsonl"],
        Some(b"{\"text\": \"a\"}\nnot json\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("<stdin>:2"));
    let out = zhtidy(&["dedup", "--jsonl"], Some(b"{\"text\": 5}\n"));
    assert_eq!(out.status.code(), Some(2));
    let out = zhtidy(&["dedup", "--jsonl", "--threshold", "1.5"], Some(b""));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("threshold"));
    let dir = scratch("missing");
    let out = zhtidy(&["dedup", dir.join("nope.txt").to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
}

/// More documents than one batch: the output is the same with one thread
/// and two, and every copy lands in its source's cluster.
#[test]
fn several_batches_give_the_same_clusters_with_any_thread_count() {
    let converted = traditional();
    let mut input = String::new();
    for i in 0..700 {
        let text = match i % 3 {
            0 => format!("第{i}号文件：{OTHER}{}", "数".repeat(i % 50)),
            1 => ARTICLE.to_string(),
            _ => converted.clone(),
        };
        input += &(serde_json::json!({ "text": text }).to_string() + "\n");
    }
    let runs: Vec<Output> = ["1", "2"]
        .iter()
        .map(|j| zhtidy(&["dedup", "--jsonl", "-j", j], Some(input.as_bytes())))
        .collect();
    assert_eq!(runs[0].stdout, runs[1].stdout);
    let found = clusters(&runs[0]);
    let article = found
        .iter()
        .find(|c| c["representative"]["line"] == 2)
        .expect("the article's cluster");
    // Lines 2, 5, 8, … are the article, 3, 6, 9, … its conversion.
    let expected = (1..700).filter(|i| i % 3 != 0).count() - 1;
    assert_eq!(article["members"].as_array().unwrap().len(), expected);
}

/// A text of its own for `seed`: 30 sentences of 12 characters drawn from
/// [`ARTICLE`] and [`OTHER`] by a fixed generator, so that no two seeds
/// share more than chance 5-character shingles.
fn distinct_text(seed: u64) -> String {
    let pool: Vec<char> = ARTICLE
        .chars()
        .chain(OTHER.chars())
        .filter(|c| !c.is_whitespace() && !"，。、".contains(*c))
        .collect();
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut text = String::new();
    for _ in 0..30 {
        for _ in 0..12 {
            text.push(pool[next() as usize % pool.len()]);
        }
        text.push_str("。\n");
    }
    text
}

/// What a document of the corpus below is: the article (kept the first
/// time), a repost or a Traditional copy of it (copies), or a text of its
/// own.
fn corpus_document(i: usize, converted: &str) -> (String, bool) {
    match i % 10 {
        _ if i == 4 => (ARTICLE.to_string(), true),
        3 if i > 4 => (repost(), false),
        7 if i > 4 => (converted.to_string(), false),
        9 if i > 4 => (ARTICLE.to_string(), false),
        _ => (distinct_text(i as u64), true),
    }
}

/// Every file below `dir`, by relative path, with its bytes.
fn tree(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                files.push((rel, fs::read(&p).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// `-o DIR --dedup drop` writes the first document of every group and no
/// copy, and says why each copy was left out; the copies written, the
/// reports and the notes are the same with one thread and two.
#[test]
fn bulk_drop_writes_only_the_first_of_each_group_whatever_the_threads() {
    let dir = scratch("bulk-drop");
    let src = dir.join("src");
    fs::create_dir_all(&src).unwrap();
    let converted = traditional();
    let mut expected_kept = Vec::new();
    // More files than a run reads ahead, so decisions span its window.
    for i in 0..300 {
        let (text, kept) = corpus_document(i, &converted);
        let name = format!("d{i:03}.txt");
        fs::write(src.join(&name), text).unwrap();
        if kept {
            expected_kept.push(name);
        }
    }
    let mut runs = Vec::new();
    for threads in ["1", "2"] {
        let out_dir = dir.join(format!("out-{threads}"));
        let out = zhtidy(
            &[
                "-o",
                out_dir.to_str().unwrap(),
                "--dedup",
                "drop",
                "--output-format",
                "jsonl",
                "-j",
                threads,
                src.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let written = tree(&out_dir);
        let names: Vec<&str> = written.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, expected_kept);
        runs.push((written, out.stdout, out.stderr));
    }
    assert_eq!(
        runs[0].0, runs[1].0,
        "the copies differ between -j1 and -j2"
    );
    assert_eq!(
        runs[0].1, runs[1].1,
        "the reports differ between -j1 and -j2"
    );
    let reports: Vec<Value> = support::utf8(&runs[0].1)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), 300);
    let dropped: Vec<&Value> = reports
        .iter()
        .filter(|r| r.get("duplicate").is_some())
        .collect();
    assert_eq!(dropped.len(), 300 - expected_kept.len());
    for r in &dropped {
        let d = &r["duplicate"];
        assert_eq!(
            name(&serde_json::json!({"path": d["of"]})),
            "d004.txt",
            "{r}"
        );
        assert_eq!(d["dropped"], true);
        let file = name(r);
        let why = match file[1..4].parse::<usize>().unwrap() % 10 {
            3 => "near",
            7 => "cross-script",
            _ => "exact",
        };
        assert_eq!(d["why"], why, "{r}");
    }
    let notes = support::utf8(&runs[0].2);
    assert!(
        notes.contains("d013.txt: copies ") && notes.contains("; not written"),
        "{notes}"
    );
    assert!(
        notes.contains(&format!(
            "{} copied an earlier one (dropped)",
            300 - expected_kept.len()
        )),
        "{notes}"
    );
}

/// `--check --dedup report` names each copy in the reports and changes
/// nothing else: the exit code still says whether a file would change.
#[test]
fn bulk_report_names_copies_in_the_reports() {
    let dir = scratch("bulk-report");
    fs::write(dir.join("a.txt"), ARTICLE).unwrap();
    fs::write(dir.join("b.txt"), OTHER).unwrap();
    fs::write(dir.join("c.txt"), traditional()).unwrap();
    let dir_arg = dir.to_str().unwrap();
    let out = zhtidy(
        &[
            "--check",
            "--dedup",
            "report",
            "--output-format",
            "json",
            dir_arg,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let reports: Value = serde_json::from_slice(&out.stdout).unwrap();
    let dups: Vec<(String, &Value)> = reports
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (name(r), &r["duplicate"]))
        .collect();
    assert_eq!(dups[0], ("a.txt".to_string(), &Value::Null));
    assert_eq!(dups[1], ("b.txt".to_string(), &Value::Null));
    assert_eq!(dups[2].1["why"], "cross-script");
    assert_eq!(dups[2].1["dropped"], false);
    // Text reports say it on standard error.
    let out = zhtidy(&["-l", "--dedup", "report", dir_arg], None);
    assert_eq!(out.status.code(), Some(0));
    let err = support::utf8(&out.stderr);
    assert!(
        err.contains("c.txt: copies ") && err.contains("a.txt (cross-script, similarity 1.00)"),
        "{err}"
    );
}

/// JSON Lines: `drop` leaves the copies out and says so; `report` keeps
/// every line and adds the copy to `--report-field`; both the same with
/// one thread and two.
#[test]
fn jsonl_drop_and_report_whatever_the_threads() {
    let converted = traditional();
    let mut input = String::new();
    let mut expected_kept = Vec::new();
    for i in 0..600 {
        let (text, kept) = corpus_document(i, &converted);
        input += &(serde_json::json!({ "id": i, "text": text }).to_string() + "\n");
        if kept {
            expected_kept.push(i as u64);
        }
    }
    let run = |args: &[&str]| {
        let outs: Vec<Output> = ["1", "2"]
            .iter()
            .map(|j| {
                let mut all = vec!["--jsonl", "-j", j];
                all.extend_from_slice(args);
                zhtidy(&all, Some(input.as_bytes()))
            })
            .collect();
        assert_eq!(outs[0].status.code(), Some(0));
        assert_eq!(outs[0].stdout, outs[1].stdout);
        assert_eq!(outs[0].stderr.len(), outs[1].stderr.len());
        outs.into_iter().next().unwrap()
    };
    let lines = |out: &Output| -> Vec<Value> {
        support::utf8(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let dropped = run(&["--dedup", "drop"]);
    let ids: Vec<u64> = lines(&dropped)
        .iter()
        .map(|l| l["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, expected_kept);
    let err = support::utf8(&dropped.stderr);
    assert!(
        err.contains("<stdin>:14: copies line 5 (near, similarity"),
        "{err}"
    );
    assert!(err.contains("; dropped"), "{err}");

    let reported = run(&["--dedup", "report", "--report-field", "zt"]);
    let all = lines(&reported);
    assert_eq!(all.len(), 600);
    for (i, l) in all.iter().enumerate() {
        let dup = &l["zt"]["duplicate"];
        if expected_kept.contains(&(i as u64)) {
            assert!(dup.is_null(), "{l}");
        } else {
            assert_eq!(
                (dup["of"].as_u64(), &dup["dropped"]),
                (Some(5), &Value::Bool(false))
            );
        }
    }
}

/// Dropping with `--write` would delete files, and one article printed to
/// standard output has nothing to compare with: both are refused.
#[test]
fn dedup_without_a_corpus_run_is_refused() {
    let dir = scratch("dedup-refused");
    fs::write(dir.join("a.txt"), ARTICLE).unwrap();
    let dir_arg = dir.to_str().unwrap();
    let out = zhtidy(&["-w", "--dedup", "drop", dir_arg], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(support::utf8(&out.stderr).contains("--dedup report"));
    let file = dir.join("a.txt");
    let out = zhtidy(&["--dedup", "report", file.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(support::utf8(&out.stderr).contains("--jsonl"));
    assert_eq!(fs::read_to_string(&file).unwrap(), ARTICLE);
}

/// JSON Lines files are one corpus, judged in the order given: a line of
/// the second file that copies one of the first is left out of its
/// `--out-dir` copy and named with the file it copies; `--write` refuses
/// `drop` and leaves the files as they were.
#[test]
fn jsonl_files_are_one_corpus_in_the_order_given() {
    let dir = scratch("dedup-jsonl-files");
    let line = |id: u32| serde_json::json!({ "id": id, "text": ARTICLE }).to_string() + "\n";
    let (a, b) = (dir.join("a.jsonl"), dir.join("b.jsonl"));
    fs::write(&a, line(1)).unwrap();
    fs::write(&b, line(2) + "\n").unwrap();
    let out_dir = dir.join("out");
    let (a_arg, b_arg) = (a.to_str().unwrap(), b.to_str().unwrap());
    let out = zhtidy(
        &[
            "--jsonl",
            "--dedup",
            "drop",
            "-o",
            out_dir.to_str().unwrap(),
            a_arg,
            b_arg,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", support::utf8(&out.stderr));
    let err = support::utf8(&out.stderr);
    assert!(
        err.contains("b.jsonl:1: copies ") && err.contains("a.jsonl:1 (exact"),
        "{err}"
    );
    let kept = fs::read_to_string(out_dir.join("a.jsonl")).unwrap();
    assert_eq!(kept.lines().count(), 1);
    // The blank line stays; the copy is gone.
    assert_eq!(fs::read_to_string(out_dir.join("b.jsonl")).unwrap(), "\n");

    let out = zhtidy(&["--jsonl", "-w", "--dedup", "drop", a_arg, b_arg], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(support::utf8(&out.stderr).contains("--dedup report"));
    assert_eq!(fs::read_to_string(&b).unwrap(), line(2) + "\n");
}

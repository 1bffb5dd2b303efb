/*!
Builds the labelled encoding set used by `scripts/eval-detect` (run through
`scripts/make-encoding-set`, which fetches the source text).

Input: a folder of real text prepared by the script, one sub-folder per
kind (`modern-hans`, `modern-hant`: Chinese man pages; `classical-hans`:
Tang and Song poems; `html-hans`, `html-hant`: the Debian Reference in
HTML; `english`: licence texts). Classical Traditional is the Simplified
poems put through zhtidy's own OpenCC s2t. "English with a few Chinese
words" is English with one to three Chinese words of two to four
characters put between words.

Output, in the given folder: `files/ID` (the bytes), `expected/ID` (the text
those bytes must decode to, UTF-8), `original/ID` (for mojibake: the text
before it was garbled) and `labels.tsv` (`ID<TAB>LABEL<TAB>KIND<TAB>BYTES`).
Lengths are log-uniform between 16 and 4,096 bytes; the set is
deterministic for a given seed.

Usage: make_encoding_set SRC_DIR OUT_DIR [PER_LABEL]
*/

use std::fs;
use std::path::Path;

use encoding_rs::{Encoding, BIG5, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// splitmix64: small, deterministic, good enough to pick samples.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Corpus {
    kind: &'static str,
    /// Lines of text, each non-empty.
    lines: Vec<String>,
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Man page source to plain text: drop requests, keep text lines, remove
/// font escapes.
fn troff_to_text(s: &str) -> String {
    let mut out = String::new();
    for line in s.lines() {
        if line.starts_with('.') || line.starts_with('\'') {
            continue;
        }
        let mut l = String::new();
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('f') => {
                        chars.next();
                    }
                    Some('-') => l.push('-'),
                    Some('(') => {
                        chars.next();
                        chars.next();
                    }
                    Some('&') | Some('/') | Some(',') => {}
                    Some(other) => l.push(other),
                    None => {}
                }
            } else {
                l.push(c);
            }
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

fn load(src: &Path, kind: &'static str, convert: fn(&str) -> String) -> Corpus {
    let mut lines = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(src.join(kind))
        .unwrap_or_else(|e| panic!("{}: {e}", src.join(kind).display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let Ok(text) = fs::read_to_string(&path) else {
            continue; // not UTF-8: not usable as ground truth
        };
        for line in convert(&text).lines() {
            let line = line.trim_end();
            if !line.trim().is_empty() {
                lines.push(line.to_owned());
            }
        }
    }
    assert!(!lines.is_empty(), "no text for {kind}");
    Corpus { kind, lines }
}

/// The bytes of `text` in the labelled encoding, or None if it cannot hold it.
fn encode(text: &str, label: &str) -> Option<Vec<u8>> {
    let (encoding, bom) = encoding_of(label);
    zhtidy::write::encode(text, encoding, bom).ok()
}

fn encoding_of(label: &str) -> (&'static Encoding, bool) {
    match label {
        "UTF-8" | "ASCII" => (UTF_8, false),
        "UTF-8-BOM" => (UTF_8, true),
        "UTF-16LE" => (UTF_16LE, false),
        "UTF-16BE" => (UTF_16BE, false),
        "UTF-16LE-BOM" => (UTF_16LE, true),
        "UTF-16BE-BOM" => (UTF_16BE, true),
        "GBK" => (GBK, false),
        "gb18030" => (GB18030, false),
        "Big5" | "Big5-HKSCS" => (BIG5, false),
        other => panic!("unknown label {other}"),
    }
}

/// A piece of `corpus` starting at a random line, `target` bytes or less
/// once encoded with `label` (and at least 16), or None.
fn sample(rng: &mut Rng, corpus: &Corpus, target: usize, label: &str) -> Option<String> {
    let start = rng.below(corpus.lines.len());
    let mut text = String::new();
    for line in &corpus.lines[start..] {
        text.push_str(line);
        text.push('\n');
        if text.len() > target * 2 {
            break;
        }
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    // Largest prefix (in characters) whose encoding fits.
    let (mut lo, mut hi) = (0usize, chars.len());
    let end_of = |n: usize| {
        if n == chars.len() {
            text.len()
        } else {
            chars[n].0
        }
    };
    encode(&text[..end_of(chars.len().min(4))], label)?;
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        match encode(&text[..end_of(mid)], label) {
            Some(b) if b.len() <= target => lo = mid,
            Some(_) => hi = mid - 1,
            None => return None,
        }
    }
    let piece = text[..end_of(lo)].to_owned();
    (encode(&piece, label)?.len() >= 16).then_some(piece)
}

fn target_length(rng: &mut Rng) -> usize {
    let (lo, hi) = (16f64.ln(), 4096f64.ln());
    (lo + rng.unit() * (hi - lo)).exp().round() as usize
}

/// Inserts `count` items at random character positions of `text`.
fn insert_chars(rng: &mut Rng, text: &str, items: &[String], count: usize) -> String {
    let mut chars: Vec<String> = text.chars().map(String::from).collect();
    for _ in 0..count {
        let at = rng.below(chars.len() + 1);
        chars.insert(at, items[rng.below(items.len())].clone());
    }
    chars.concat()
}

/// Chinese words (runs of 2–4 ideographs) from a corpus.
fn words(rng: &mut Rng, corpus: &Corpus, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    while out.len() < n {
        let line: Vec<char> = corpus.lines[rng.below(corpus.lines.len())]
            .chars()
            .collect();
        let len = 2 + rng.below(3);
        if line.len() < len {
            continue;
        }
        let at = rng.below(line.len() - len + 1);
        let w: String = line[at..at + len].iter().collect();
        if w.chars().all(is_cjk) {
            out.push(w);
        }
    }
    out
}

fn english_with_words(
    rng: &mut Rng,
    english: &Corpus,
    words: &[String],
    target: usize,
    label: &str,
) -> Option<String> {
    // Leave room for the words (at most 3 × 4 characters × 3 bytes).
    let base = sample(rng, english, target.saturating_sub(36).max(16), "UTF-8")?;
    let mut spaces: Vec<usize> = base.match_indices(' ').map(|(i, _)| i).collect();
    if spaces.is_empty() {
        spaces.push(base.len());
    }
    let count = 1 + rng.below(3);
    let mut picks: Vec<usize> = (0..count)
        .map(|_| spaces[rng.below(spaces.len())])
        .collect();
    picks.sort_unstable();
    picks.dedup();
    let mut out = base.clone();
    for &at in picks.iter().rev() {
        out.insert_str(at, &format!(" {}", words[rng.below(words.len())]));
    }
    let bytes = encode(&out, label)?;
    (bytes.len() >= 16 && bytes.len() <= 4096).then_some(out)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (src, out) = (Path::new(&args[1]), Path::new(&args[2]));
    let per_label: usize = args.get(3).map_or(150, |n| n.parse().expect("PER_LABEL"));
    let s2t = zhtidy::convert::Converter::new("s2t").expect("s2t");
    let hans = load(src, "modern-hans", troff_to_text);
    let hant = load(src, "modern-hant", troff_to_text);
    let classical_hans = load(src, "classical-hans", |s| strip_ansi(s).replace("%\n", ""));
    let classical_hant = Corpus {
        kind: "classical-hant",
        lines: classical_hans
            .lines
            .iter()
            .map(|l| s2t.convert(l).into_owned())
            .collect(),
    };
    let html_hans = load(src, "html-hans", |s| s.to_owned());
    let html_hant = load(src, "html-hant", |s| s.to_owned());
    let english = load(src, "english", |s| s.to_owned());

    let mut rng = Rng(0x5eed_2026);
    let hans_words = words(&mut rng, &hans, 400);
    let hant_words = words(&mut rng, &hant, 400);
    let gb4: Vec<String> = ["𠮷", "😀", "𡈽", "𪚥", "䶮", "𠀾"]
        .iter()
        .filter(|c| encode(c, "GBK").is_none() && encode(c, "gb18030").is_some())
        .map(|c| c.to_string())
        .collect();
    let hkscs: Vec<String> = [
        "嘅", "咗", "啲", "冇", "嚟", "佢", "哋", "喺", "𨋢", "嘢", "乜",
    ]
    .iter()
    .filter(|c| BIG5.encode(c).2 && encode(c, "Big5").is_some())
    .map(|c| c.to_string())
    .collect();
    assert!(!gb4.is_empty() && !hkscs.is_empty());

    let chinese: [&Corpus; 6] = [
        &hans,
        &hant,
        &classical_hans,
        &classical_hant,
        &html_hans,
        &html_hant,
    ];
    let traditional: [&Corpus; 3] = [&hant, &classical_hant, &html_hant];
    let simplified: [&Corpus; 3] = [&hans, &classical_hans, &html_hans];

    let files = out.join("files");
    let expected = out.join("expected");
    let original = out.join("original");
    for d in [&files, &expected, &original] {
        let _ = fs::remove_dir_all(d);
        fs::create_dir_all(d).unwrap();
    }
    let mut labels = String::new();
    let mut id = 0usize;
    let mut emit = |label: &str, kind: &str, bytes: &[u8], text: &str, orig: Option<&str>| {
        id += 1;
        let name = format!("{id:05}");
        fs::write(files.join(&name), bytes).unwrap();
        fs::write(expected.join(&name), text).unwrap();
        if let Some(o) = orig {
            fs::write(original.join(&name), o).unwrap();
        }
        labels.push_str(&format!("{name}\t{label}\t{kind}\t{}\n", bytes.len()));
    };

    let unicode = [
        "UTF-8",
        "UTF-8-BOM",
        "UTF-16LE-BOM",
        "UTF-16BE-BOM",
        "UTF-16LE",
        "UTF-16BE",
    ];
    for label in unicode
        .iter()
        .chain(&["GBK", "gb18030", "Big5", "Big5-HKSCS", "ASCII"])
    {
        let mut made = 0;
        let mut attempt = 0;
        while made < per_label {
            attempt += 1;
            assert!(attempt < per_label * 50, "cannot make {label} samples");
            let target = target_length(&mut rng);
            // One sample in six is English with a few Chinese words, except
            // for ASCII and the rows that need special characters.
            let few_words =
                !matches!(*label, "ASCII" | "gb18030" | "Big5-HKSCS") && attempt % 6 == 0;
            let (kind, text) = if *label == "ASCII" {
                ("english", sample(&mut rng, &english, target, "UTF-8"))
            } else if few_words {
                let (kind, ws) = if *label == "Big5" || rng.below(2) == 0 {
                    ("english-few-hant", &hant_words)
                } else {
                    ("english-few-hans", &hans_words)
                };
                (
                    kind,
                    english_with_words(&mut rng, &english, ws, target, label),
                )
            } else {
                let corpus = match *label {
                    "Big5" | "Big5-HKSCS" => traditional[rng.below(3)],
                    "gb18030" => simplified[rng.below(3)],
                    _ => chinese[rng.below(6)],
                };
                let extra = match *label {
                    "gb18030" => Some(&gb4),
                    "Big5-HKSCS" => Some(&hkscs),
                    _ => None,
                };
                let room = if extra.is_some() { 12 } else { 0 };
                let text = sample(&mut rng, corpus, target.saturating_sub(room).max(16), label);
                let text = match (text, extra) {
                    // The special characters go into Chinese text, not into
                    // a piece of pure ASCII (code, markup) of the source.
                    (Some(t), Some(_)) if t.is_ascii() => None,
                    (Some(t), Some(items)) => {
                        let n = 1 + rng.below(3);
                        Some(insert_chars(&mut rng, &t, items, n))
                    }
                    (t, _) => t,
                };
                (corpus.kind, text)
            };
            let Some(text) = text else { continue };
            if *label == "ASCII" && !text.is_ascii() {
                continue;
            }
            if *label != "ASCII" && text.is_ascii() {
                continue;
            }
            let Some(bytes) = encode(&text, label) else {
                continue;
            };
            if bytes.len() < 16 || bytes.len() > 4096 {
                continue;
            }
            emit(label, kind, &bytes, &text, None);
            made += 1;
        }
    }

    // Mojibake: UTF-8 bytes decoded with the wrong encoding, saved as UTF-8.
    for from in [GBK, BIG5, WINDOWS_1252] {
        let label = format!("mojibake:{}", from.name());
        let mut made = 0;
        while made < per_label * 2 / 3 {
            let target = target_length(&mut rng) / 2 + 16;
            let corpus = chinese[rng.below(6)];
            let Some(orig) = sample(&mut rng, corpus, target, "UTF-8") else {
                continue;
            };
            if orig.is_ascii() {
                continue;
            }
            let (garbled, _lossy) = from.decode_without_bom_handling(orig.as_bytes());
            if garbled.len() > 4096 {
                continue;
            }
            emit(
                &label,
                corpus.kind,
                garbled.as_bytes(),
                &garbled,
                Some(&orig),
            );
            made += 1;
        }
    }
    fs::write(out.join("labels.tsv"), labels).unwrap();
    println!("{} files in {}", id, out.display());
}

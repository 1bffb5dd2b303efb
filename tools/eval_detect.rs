/*!
Scores encoding detectors on the set made by `scripts/make-encoding-set`
and prints Markdown tables (run through `scripts/eval-detect`).

A detection is correct when decoding the file's bytes with it gives exactly
the expected text. zhtidy is scored through its own decode stage;
chardetng alone, uchardet and charset-normalizer through their label,
decoded with encoding_rs's `decode` (BOM sniffing included, as any caller
would do), so all three get credit for BOM files whatever they answer.
Labels encoding_rs does not know (e.g. `EUC-TW`) count as wrong.

Also reported: mojibake flagged and repaired, false mojibake flags on clean
UTF-8, and detection throughput on one core.

Usage: eval_detect SET_DIR [EXTERNAL_TSV]
*/

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::Instant;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::Encoding;
use zhtidy::decode::{decode, encoding_for_name, DecodeOptions, Outcome};

struct Case {
    id: String,
    label: String,
    kind: String,
    bytes: Vec<u8>,
    expected: String,
    original: Option<String>,
}

#[derive(Default, Clone)]
struct Tally {
    n: usize,
    ok: [usize; 4],
}

impl Tally {
    fn add(&mut self, ok: [bool; 4]) {
        self.n += 1;
        for (t, o) in self.ok.iter_mut().zip(ok) {
            *t += usize::from(o);
        }
    }
    fn row(&self, name: &str, external: bool) -> String {
        let mut row = format!("| {name} | {} |", self.n);
        for (i, &ok) in self.ok.iter().enumerate() {
            if i >= 2 && !external {
                row.push_str(" – |");
            } else {
                row.push_str(&format!(
                    " {:.1} |",
                    100.0 * ok as f64 / self.n.max(1) as f64
                ));
            }
        }
        row
    }
}

fn bucket(len: usize) -> &'static str {
    match len {
        0..=31 => "16–31 B",
        32..=63 => "32–63 B",
        64..=127 => "64–127 B",
        128..=255 => "128–255 B",
        256..=511 => "256–511 B",
        512..=1023 => "512–1023 B",
        1024..=2047 => "1–2 KiB",
        _ => "2–4 KiB",
    }
}

fn label_decodes(label: &str, bytes: &[u8], expected: &str) -> bool {
    let enc = match label.trim() {
        "" | "unknown" | "None" => return false,
        l => match encoding_for_name(l) {
            Some(e) => e,
            None => return false,
        },
    };
    decodes(enc, bytes, expected)
}

fn decodes(enc: &'static Encoding, bytes: &[u8], expected: &str) -> bool {
    let (text, _, had_errors) = enc.decode(bytes);
    !had_errors && text == expected
}

fn chardetng_alone(bytes: &[u8]) -> &'static Encoding {
    let mut det = EncodingDetector::new(Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    det.guess(None, Utf8Detection::Allow)
}

fn zhtidy_text(bytes: &[u8], opts: &DecodeOptions) -> Option<zhtidy::decode::Decoded> {
    match decode(bytes, opts) {
        Ok(Outcome::Text(d)) => Some(d),
        _ => None,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root = Path::new(&args[1]);
    let external: BTreeMap<String, (String, String)> = args
        .get(2)
        .map(|p| fs::read_to_string(p).expect("external labels"))
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (
                f[0].to_owned(),
                (f[1].to_owned(), f.get(2).copied().unwrap_or("").to_owned()),
            )
        })
        .collect();
    let has_external = !external.is_empty();

    let mut cases = Vec::new();
    for line in fs::read_to_string(root.join("labels.tsv")).unwrap().lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let id = f[0].to_owned();
        cases.push(Case {
            bytes: fs::read(root.join("files").join(&id)).unwrap(),
            expected: fs::read_to_string(root.join("expected").join(&id)).unwrap(),
            original: fs::read_to_string(root.join("original").join(&id)).ok(),
            label: f[1].to_owned(),
            kind: f[2].to_owned(),
            id,
        });
    }

    let opts = DecodeOptions::default();
    let fix = DecodeOptions {
        fix_mojibake: true,
        ..Default::default()
    };
    let mut by_label: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_bucket: BTreeMap<usize, (String, Tally)> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, Tally> = BTreeMap::new();
    let mut legacy_buckets: BTreeMap<(String, usize), (String, Tally)> = BTreeMap::new();
    let (mut overall, mut long, mut few, mut utf16_nobom_32) = (
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
    );
    let (mut moj_n, mut moj_flagged, mut moj_right_from, mut moj_reversible, mut moj_fixed) =
        (0, 0, 0, 0, 0);
    let (mut clean_n, mut clean_flagged) = (0, 0);
    let mut failures = Vec::new();
    // (confidence, right) of every answer, for the write threshold.
    let mut confidences: Vec<(f32, bool)> = Vec::new();

    for c in &cases {
        let z = zhtidy_text(&c.bytes, &opts);
        let ok_z = z.as_ref().is_some_and(|d| d.text == c.expected);
        let ok_c = decodes(chardetng_alone(&c.bytes), &c.bytes, &c.expected);
        let (u, n) = external.get(&c.id).cloned().unwrap_or_default();
        let ok = [
            ok_z,
            ok_c,
            label_decodes(&u, &c.bytes, &c.expected),
            label_decodes(&n, &c.bytes, &c.expected),
        ];
        if let Some(d) = &z {
            confidences.push((d.confidence, ok_z));
        }
        if !ok_z {
            failures.push(format!(
                "{} {} {} {}B -> {:?}",
                c.id,
                c.label,
                c.kind,
                c.bytes.len(),
                z.as_ref().map(|d| d.encoding.name())
            ));
        }
        let len = c.bytes.len();
        let b = bucket(len);
        let bucket_key = (len.max(16).ilog2()) as usize;
        overall.add(ok);
        if len >= 64 {
            long.add(ok);
        }
        if c.kind.starts_with("english-few") {
            few.add(ok);
        }
        if (c.label == "UTF-16LE" || c.label == "UTF-16BE") && len >= 32 {
            utf16_nobom_32.add(ok);
        }
        by_label.entry(c.label.clone()).or_default().add(ok);
        by_kind.entry(c.kind.clone()).or_default().add(ok);
        by_bucket
            .entry(bucket_key)
            .or_insert_with(|| (b.to_owned(), Tally::default()))
            .1
            .add(ok);
        if ["GBK", "gb18030", "Big5", "Big5-HKSCS"].contains(&c.label.as_str()) {
            legacy_buckets
                .entry((c.label.clone(), bucket_key))
                .or_insert_with(|| (format!("{} {b}", c.label), Tally::default()))
                .1
                .add(ok);
        }
        if let Some(orig) = &c.original {
            moj_n += 1;
            let from = c.label.trim_start_matches("mojibake:");
            if let Some(m) = z.as_ref().and_then(|d| d.mojibake.as_ref()) {
                moj_flagged += 1;
                if m.from.name() == from {
                    moj_right_from += 1;
                }
            }
            if !c.expected.contains('\u{FFFD}') {
                moj_reversible += 1;
                if zhtidy_text(&c.bytes, &fix).is_some_and(|d| &d.text == orig) {
                    moj_fixed += 1;
                }
            }
        } else {
            // Every other file's text is clean: as UTF-8, it must not be
            // flagged (for UTF-8 files this is the file itself).
            clean_n += 1;
            if zhtidy_text(c.expected.as_bytes(), &opts).is_some_and(|d| d.mojibake.is_some()) {
                clean_flagged += 1;
            }
        }
    }

    let head = "| | files | zhtidy % | chardetng alone % | uchardet % | charset-normalizer % |\n|---|---:|---:|---:|---:|---:|";
    println!("## Accuracy by encoding\n\n{head}");
    for (k, t) in &by_label {
        println!("{}", t.row(k, has_external));
    }
    println!("{}", overall.row("**all**", has_external));
    println!("{}", long.row("**≥ 64 bytes**", has_external));
    println!("\n## Accuracy by length\n\n{head}");
    for (name, t) in by_bucket.values() {
        println!("{}", t.row(name, has_external));
    }
    println!("\n## Accuracy by kind of text\n\n{head}");
    for (k, t) in &by_kind {
        println!("{}", t.row(k, has_external));
    }
    println!(
        "{}",
        few.row("**English with a few Chinese words**", has_external)
    );
    println!(
        "{}",
        utf16_nobom_32.row("**UTF-16 without BOM, ≥ 32 bytes**", has_external)
    );
    println!("\n## Legacy CJK by length (zhtidy must never be below chardetng)\n\n{head}");
    let mut worse = Vec::new();
    for (name, t) in legacy_buckets.values() {
        println!("{}", t.row(name, has_external));
        if t.ok[0] < t.ok[1] {
            worse.push(name.clone());
        }
    }
    println!(
        "\nBuckets where zhtidy is below chardetng: {}",
        if worse.is_empty() {
            "none".to_owned()
        } else {
            worse.join(", ")
        }
    );
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!("\n## Mojibake\n");
    println!("| measure | value |\n|---|---:|");
    println!(
        "| mojibake files flagged | {moj_flagged}/{moj_n} ({:.1}%) |",
        pct(moj_flagged, moj_n)
    );
    println!(
        "| … with the right source encoding | {moj_right_from}/{moj_n} ({:.1}%) |",
        pct(moj_right_from, moj_n)
    );
    println!(
        "| reversible ones (no U+FFFD) repaired exactly by --fix-mojibake | {moj_fixed}/{moj_reversible} ({:.1}%) |",
        pct(moj_fixed, moj_reversible)
    );
    println!(
        "| clean texts (every non-mojibake file's text, as UTF-8) falsely flagged | {clean_flagged}/{clean_n} ({:.2}%) |",
        pct(clean_flagged, clean_n)
    );

    println!("\n## Confidence and the write threshold\n");
    println!(
        "`--write` and `--out-dir` refuse a guess below `WRITE_CONFIDENCE` ({:.2}) unless `--encoding` is given.\n",
        zhtidy::decode::WRITE_CONFIDENCE
    );
    println!("| threshold | wrong answers at or above it | right answers refused below it |\n|---|---:|---:|");
    let wrong_total = confidences.iter().filter(|c| !c.1).count();
    let right_total = confidences.len() - wrong_total;
    for t in [0.5f32, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95] {
        let wrong = confidences.iter().filter(|c| !c.1 && c.0 >= t).count();
        let refused = confidences.iter().filter(|c| c.1 && c.0 < t).count();
        println!("| {t:.2} | {wrong}/{wrong_total} | {refused}/{right_total} |");
    }
    let worst = confidences
        .iter()
        .filter(|c| !c.1)
        .map(|c| c.0)
        .fold(0.0f32, f32::max);
    println!("\nHighest confidence of a wrong answer: {worst:.3}");

    // Throughput, one thread: the whole set, then large documents.
    println!("\n## Detection throughput (one core, CPU time)\n");
    println!("| input | MB/s |\n|---|---:|");
    let set_bytes: usize = cases.iter().map(|c| c.bytes.len()).sum();
    let rate = measure(set_bytes, || {
        for c in &cases {
            std::hint::black_box(decode(&c.bytes, &opts).ok());
        }
    });
    println!(
        "| the set ({} files, {:.1} MB, decode included) | {rate:.1} |",
        cases.len(),
        set_bytes as f64 / 1e6
    );
    for (name, labels) in [
        (
            "the set's UTF-8 files (BOM or not, ASCII, mojibake)",
            &[
                "UTF-8",
                "UTF-8-BOM",
                "ASCII",
                "mojibake:GBK",
                "mojibake:Big5",
                "mojibake:windows-1252",
            ][..],
        ),
        (
            "the set's legacy CJK files",
            &["GBK", "gb18030", "Big5", "Big5-HKSCS"][..],
        ),
        (
            "the set's UTF-16 files",
            &["UTF-16LE", "UTF-16BE", "UTF-16LE-BOM", "UTF-16BE-BOM"][..],
        ),
    ] {
        let group: Vec<&Case> = cases
            .iter()
            .filter(|c| labels.contains(&c.label.as_str()))
            .collect();
        let group_bytes: usize = group.iter().map(|c| c.bytes.len()).sum();
        let rate = measure(group_bytes, || {
            for c in &group {
                std::hint::black_box(decode(&c.bytes, &opts).ok());
            }
        });
        println!(
            "| {name}: {} files, {:.2} MB | {rate:.1} |",
            group.len(),
            group_bytes as f64 / 1e6
        );
    }
    for label in ["UTF-8", "GBK", "Big5", "UTF-16LE"] {
        let mut doc = Vec::new();
        let enc = encoding_for_name(label).unwrap();
        while doc.len() < 4_000_000 {
            for c in cases.iter().filter(|c| c.label == label) {
                doc.extend_from_slice(&zhtidy::write::encode(&c.expected, enc, false).unwrap());
            }
        }
        let rate = measure(doc.len(), || {
            std::hint::black_box(decode(&doc, &opts).ok());
        });
        println!(
            "| one {:.1} MB {label} document (decode included) | {rate:.1} |",
            doc.len() as f64 / 1e6
        );
    }

    if std::env::var_os("EVAL_SHOW_FAILURES").is_some() {
        eprintln!("zhtidy failures:");
        for f in &failures {
            eprintln!("  {f}");
        }
    }
}

/// MB/s of `f` over `bytes` bytes on one core, best of three runs of at
/// least 0.3 s each. Time is this thread's CPU time where Linux reports it
/// (`/proc/thread-self/schedstat`), so that other processes competing for
/// the cores do not count; wall time elsewhere.
fn measure(bytes: usize, mut f: impl FnMut()) -> f64 {
    let mut best = 0.0f64;
    for _ in 0..3 {
        let start = Instant::now();
        let cpu_start = thread_cpu_ns();
        let mut runs = 0;
        while start.elapsed().as_secs_f64() < 0.3 {
            f();
            runs += 1;
        }
        let secs = match (cpu_start, thread_cpu_ns()) {
            (Some(a), Some(b)) if b > a => (b - a) as f64 / 1e9,
            _ => start.elapsed().as_secs_f64(),
        };
        best = best.max((bytes * runs) as f64 / secs / 1e6);
    }
    best
}

fn thread_cpu_ns() -> Option<u64> {
    fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/*!
CI smoke run of the encoding evaluation (the full one is
`scripts/eval-detect`, see docs/eval-detect.md): a small labelled set is
built here, in memory, from text that ships with the repository — the
scraped article `examples/reposted-article.zh-Hant.txt` (Traditional), its
Simplified version made by zhtidy's own t2s, and the English of the OpenCC
licence — and each accuracy floor of the issue is checked on it.

Every sample is encoded from known UTF-8 text, so a detection is correct
exactly when decoding gives that text back.
*/

use encoding_rs::{Encoding, BIG5, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use zhtidy::decode::{decode, DecodeOptions, Outcome};

const ARTICLE: &str = include_str!("../examples/reposted-article.zh-Hant.txt");
const LICENSE: &str = include_str!("../dictionaries/opencc/LICENSE");

/// splitmix64, so that the set is the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    }
}

struct Sample {
    label: &'static str,
    bytes: Vec<u8>,
    text: String,
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.trim().is_empty()).collect()
}

/// Up to `target` bytes of `source` lines from a random line, encoded.
fn piece(
    rng: &mut Rng,
    source: &[&str],
    target: usize,
    encoding: &'static Encoding,
    bom: bool,
) -> Option<(Vec<u8>, String)> {
    let start = rng.below(source.len());
    let mut text = String::new();
    for line in source[start..].iter().take(40) {
        text.push_str(line);
        text.push('\n');
    }
    let mut chars: Vec<char> = text.chars().collect();
    loop {
        let candidate: String = chars.iter().collect();
        let bytes = zhtidy::write::encode(&candidate, encoding, bom).ok()?;
        if bytes.len() <= target {
            return (bytes.len() >= 16).then_some((bytes, candidate));
        }
        let keep = chars.len() * target / bytes.len();
        chars.truncate(keep.min(chars.len() - 1));
    }
}

fn build() -> Vec<Sample> {
    let t2s = zhtidy::convert::Converter::new("t2s").unwrap();
    let simplified_text = t2s.convert(ARTICLE).into_owned();
    let traditional = lines(ARTICLE);
    let simplified = lines(&simplified_text);
    let english = lines(LICENSE);
    let mut rng = Rng(2026);
    let mut out = Vec::new();
    let specs: [(&'static str, &'static Encoding, bool); 9] = [
        ("UTF-8", UTF_8, false),
        ("UTF-8-BOM", UTF_8, true),
        ("UTF-16LE-BOM", UTF_16LE, true),
        ("UTF-16BE-BOM", UTF_16BE, true),
        ("UTF-16LE", UTF_16LE, false),
        ("UTF-16BE", UTF_16BE, false),
        ("GBK", GBK, false),
        ("gb18030", GB18030, false),
        ("Big5", BIG5, false),
    ];
    let lengths = [16, 24, 40, 64, 100, 200, 400, 800, 1600, 3000, 4096];
    for (label, encoding, bom) in specs {
        for &target in &lengths {
            for round in 0..3 {
                let source = match (label, round) {
                    ("Big5", _) | (_, 0) => &traditional,
                    _ => &simplified,
                };
                let Some((mut bytes, mut text)) = piece(&mut rng, source, target, encoding, bom)
                else {
                    continue;
                };
                if label == "gb18030" {
                    text.push('𠮷'); // a four-byte sequence
                    bytes = zhtidy::write::encode(&text, encoding, false).unwrap();
                }
                out.push(Sample { label, bytes, text });
            }
        }
    }
    // English with a few Chinese words, in every encoding that holds them.
    for i in 0..30 {
        let (words, encodings): (&[&str], &[&'static Encoding]) = if i % 2 == 0 {
            (&["资本", "投资人", "融资"], &[UTF_8, GBK, UTF_16LE])
        } else {
            (&["權力", "遊戲", "營收"], &[UTF_8, BIG5, GBK])
        };
        let (_, base) = piece(&mut rng, &english, 60 + i * 40, UTF_8, false).unwrap();
        let text = base.replacen(' ', &format!(" {} ", words[i % 3]), 1);
        for &encoding in encodings {
            out.push(Sample {
                label: "english-few",
                bytes: zhtidy::write::encode(&text, encoding, false).unwrap(),
                text: text.clone(),
            });
        }
    }
    for &target in &lengths {
        if let Some((bytes, text)) = piece(&mut rng, &english, target, UTF_8, false) {
            out.push(Sample {
                label: "ASCII",
                bytes,
                text,
            });
        }
    }
    out
}

fn zhtidy_text(bytes: &[u8], opts: &DecodeOptions) -> Option<zhtidy::decode::Decoded> {
    match decode(bytes, opts) {
        Ok(Outcome::Text(d)) => Some(d),
        _ => None,
    }
}

fn chardetng_right(s: &Sample) -> bool {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(&s.bytes, true);
    let (text, _, bad) = det
        .guess(None, chardetng::Utf8Detection::Allow)
        .decode(&s.bytes);
    !bad && text == s.text
}

#[test]
fn accuracy_floors_hold_on_the_smoke_set() {
    let set = build();
    assert!(set.len() > 300, "{}", set.len());
    let rate = |filter: &dyn Fn(&Sample) -> bool| {
        let chosen: Vec<&Sample> = set.iter().filter(|s| filter(s)).collect();
        let right = chosen
            .iter()
            .filter(|s| {
                zhtidy_text(&s.bytes, &DecodeOptions::default()).is_some_and(|d| d.text == s.text)
            })
            .count();
        (right, chosen.len())
    };
    for label in [
        "UTF-8",
        "UTF-8-BOM",
        "UTF-16LE-BOM",
        "UTF-16BE-BOM",
        "ASCII",
    ] {
        let (right, n) = rate(&|s| s.label == label);
        assert_eq!(right, n, "{label}: every file must be right");
    }
    let (right, n) = rate(&|s| {
        s.label.starts_with("UTF-16") && !s.label.ends_with("BOM") && s.bytes.len() >= 32
    });
    assert!(right * 100 >= n * 99, "UTF-16 without BOM: {right}/{n}");
    let (right, n) = rate(&|s| s.label == "english-few");
    assert!(
        right * 100 >= n * 97,
        "English with a few Chinese words: {right}/{n}"
    );
    let (right, n) = rate(&|s| s.bytes.len() >= 64);
    assert!(
        right * 1000 >= n * 995,
        "inputs of 64 bytes or more: {right}/{n}"
    );
    let (right, n) = rate(&|_| true);
    eprintln!("smoke set: {right}/{n} right");
    assert!(right * 100 >= n * 99, "all: {right}/{n}");
    for label in ["GBK", "gb18030", "Big5"] {
        let (right, n) = rate(&|s| s.label == label);
        let base = set
            .iter()
            .filter(|s| s.label == label && chardetng_right(s))
            .count();
        assert!(
            right >= base,
            "{label}: zhtidy {right}/{n} below chardetng {base}/{n}"
        );
    }
}

#[test]
fn mojibake_is_flagged_and_clean_utf8_is_not() {
    let set = build();
    let clean: Vec<&Sample> = set
        .iter()
        .filter(|s| s.label == "UTF-8" || s.label == "ASCII")
        .collect();
    let false_flags = clean
        .iter()
        .filter(|s| {
            zhtidy_text(&s.bytes, &DecodeOptions::default()).is_some_and(|d| d.mojibake.is_some())
        })
        .count();
    assert_eq!(false_flags, 0, "clean UTF-8 flagged as mojibake");

    let (mut n, mut flagged, mut reversible, mut fixed) = (0, 0, 0, 0);
    for s in clean.iter().filter(|s| !s.text.is_ascii()) {
        for from in [GBK, BIG5, WINDOWS_1252] {
            let (garbled, lossy) = from.decode_without_bom_handling(s.text.as_bytes());
            n += 1;
            let d = zhtidy_text(garbled.as_bytes(), &DecodeOptions::default()).unwrap();
            assert_eq!(d.text, garbled, "mojibake is still read as the UTF-8 it is");
            if d.mojibake.is_some_and(|m| m.from == from) {
                flagged += 1;
            }
            if !lossy {
                reversible += 1;
                let opts = DecodeOptions {
                    fix_mojibake: true,
                    ..Default::default()
                };
                if zhtidy_text(garbled.as_bytes(), &opts).is_some_and(|d| d.text == s.text) {
                    fixed += 1;
                }
            }
        }
    }
    assert!(flagged * 10 >= n * 9, "mojibake flagged: {flagged}/{n}");
    assert!(
        reversible > 0 && fixed == reversible,
        "reversed exactly: {fixed}/{reversible}"
    );
}

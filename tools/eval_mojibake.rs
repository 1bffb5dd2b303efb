/*!
Scores mojibake and damage detection on the set made by
`scripts/mojibake_set.py` (run through `scripts/eval-detect`), with ftfy's
results from the same run beside zhtidy's, and prints Markdown tables.

For each garbled file: flagged (any mojibake or damage reported), the
right kind (as `zhtidy detect` names it; Latin-1 and windows-1252 count as
one where the text has no C1 control, as the two readings are then the
same), and for reversible kinds whether `--fix-mojibake` restores the
original exactly. Clean files must not be flagged at all. The held-out
half is the result; the tuning half is shown for comparison only.

Usage: eval_mojibake SET_DIR [FTFY_TSV]
*/

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use zhtidy::decode::{decode, DecodeOptions, Decoded, Outcome};

struct Case {
    id: String,
    kind: String,
    half: String,
    reversible: bool,
    bytes: Vec<u8>,
    original: Option<String>,
    /// ftfy's fix_text (changed, restored), then fix_encoding's.
    ftfy: Option<[bool; 4]>,
}

#[derive(Default)]
struct Tally {
    n: usize,
    flagged: usize,
    right_kind: usize,
    reversible: usize,
    reversed: usize,
    ftfy_changed: usize,
    ftfy_restored: usize,
    enc_changed: usize,
    enc_restored: usize,
}

impl Tally {
    fn row(&self, name: &str, clean: bool) -> String {
        let pct = |a: usize, b: usize| {
            if b == 0 {
                "–".to_owned()
            } else {
                format!("{:.1}", 100.0 * a as f64 / b as f64)
            }
        };
        if clean {
            format!(
                "| {name} | {} | {} | – | – | {} | – | {} | – |",
                self.n, self.flagged, self.ftfy_changed, self.enc_changed
            )
        } else {
            format!(
                "| {name} | {} | {} | {} | {} | {} | {} | {} | {} |",
                self.n,
                pct(self.flagged, self.n),
                pct(self.right_kind, self.n),
                pct(self.reversed, self.reversible),
                pct(self.ftfy_changed, self.n),
                pct(self.ftfy_restored, self.reversible),
                pct(self.enc_changed, self.n),
                pct(self.enc_restored, self.reversible),
            )
        }
    }
}

fn decoded(bytes: &[u8], fix: bool) -> Option<Decoded> {
    let opts = DecodeOptions {
        fix_mojibake: fix,
        ..Default::default()
    };
    match decode(bytes, &opts) {
        Ok(Outcome::Text(d)) => Some(d),
        _ => None,
    }
}

/// The kinds zhtidy reports for a file, as `zhtidy detect` prints them.
fn reported(d: &Decoded) -> Vec<String> {
    let mut kinds = Vec::new();
    if let Some(m) = &d.mojibake {
        kinds.push(m.kind());
    }
    if let Some(k) = d.damage.kind() {
        kinds.extend(
            k.trim_start_matches("damaged:")
                .split(',')
                .map(|part| format!("damaged:{}", part.split('=').next().unwrap_or(""))),
        );
    }
    kinds
}

fn right_kind(expected: &str, reported: &[String], text: &str) -> bool {
    let no_c1 = !text.chars().any(|c| ('\u{80}'..='\u{9F}').contains(&c));
    let norm = |k: &str| {
        let k = k.split(":lines").next().unwrap_or(k);
        if no_c1 {
            k.replace("latin-1", "windows-1252")
        } else {
            k.to_owned()
        }
    };
    let lines = expected.ends_with(":lines");
    reported.iter().any(|r| {
        norm(r) == norm(expected) && (!lines || r.contains(":lines="))
            || (expected.starts_with("damaged:") && r == expected)
    })
}

fn bucket(len: usize) -> (usize, &'static str) {
    match len {
        0..=255 => (0, "32–255 B"),
        256..=4095 => (1, "256 B–4 KiB"),
        _ => (2, "4–64 KiB"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root = Path::new(&args[1]);
    let ftfy: BTreeMap<String, [bool; 4]> = args
        .get(2)
        .map(|p| fs::read_to_string(p).expect("ftfy results"))
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (
                f[0].to_owned(),
                [f[1] == "1", f[2] == "1", f[3] == "1", f[4] == "1"],
            )
        })
        .collect();
    let mut cases = Vec::new();
    for line in fs::read_to_string(root.join("labels.tsv")).unwrap().lines() {
        let f: Vec<&str> = line.split('\t').collect();
        cases.push(Case {
            id: f[0].to_owned(),
            kind: f[1].to_owned(),
            half: f[2].to_owned(),
            reversible: f[4] == "1",
            bytes: fs::read(root.join("files").join(f[0])).unwrap(),
            original: fs::read_to_string(root.join("original").join(f[0])).ok(),
            ftfy: ftfy.get(f[0]).copied(),
        });
    }
    for half in ["held", "tune"] {
        let title = if half == "held" {
            "held-out half (the result)"
        } else {
            "tuning half (for comparison)"
        };
        println!("\n## Mojibake and damage, {title}\n");
        println!("| kind | files | flagged % | right kind % | reversed exactly % | ftfy fix_text changed % | fix_text reversed % | ftfy fix_encoding changed % | fix_encoding reversed % |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        let mut by_kind: BTreeMap<&str, Tally> = BTreeMap::new();
        let mut by_len: BTreeMap<(usize, &str), Tally> = BTreeMap::new();
        let (mut garbled, mut reversible) = (Tally::default(), Tally::default());
        let mut clean = Tally::default();
        let mut misses = Vec::new();
        for c in cases.iter().filter(|c| c.half == half) {
            let d = decoded(&c.bytes, false).expect("UTF-8 text");
            let kinds = reported(&d);
            let is_clean = c.kind.starts_with("clean:");
            let flagged = !kinds.is_empty();
            let right = !is_clean && right_kind(&c.kind, &kinds, &d.text);
            let reversed = c.reversible
                && !is_clean
                && decoded(&c.bytes, true).is_some_and(|f| Some(&f.text) == c.original.as_ref());
            let [ftfy_changed, ftfy_restored, enc_changed, enc_restored] =
                c.ftfy.unwrap_or([false; 4]);
            let add = |t: &mut Tally| {
                t.n += 1;
                t.flagged += usize::from(flagged);
                t.right_kind += usize::from(right);
                if c.reversible && !is_clean {
                    t.reversible += 1;
                    t.reversed += usize::from(reversed);
                    t.ftfy_restored += usize::from(ftfy_restored);
                    t.enc_restored += usize::from(enc_restored);
                }
                t.ftfy_changed += usize::from(ftfy_changed);
                t.enc_changed += usize::from(enc_changed);
            };
            add(by_kind.entry(&c.kind).or_default());
            if is_clean {
                add(&mut clean);
                if flagged {
                    misses.push(format!("{} clean flagged: {} {:?}", c.id, c.kind, kinds));
                }
            } else {
                add(&mut garbled);
                if c.reversible {
                    add(&mut reversible);
                }
                let len = c.bytes.len();
                add(by_len.entry(bucket(len)).or_default());
                if !flagged || !right {
                    misses.push(format!(
                        "{} {} {}B -> {:?}",
                        c.id,
                        c.kind,
                        c.bytes.len(),
                        kinds
                    ));
                }
            }
        }
        for (k, t) in &by_kind {
            println!("{}", t.row(k, k.starts_with("clean:")));
        }
        println!("{}", garbled.row("**all garbled**", false));
        println!("{}", reversible.row("**reversible**", false));
        println!(
            "\n| clean text | files | flagged by zhtidy | changed by ftfy fix_text | changed by ftfy fix_encoding |\n|---|---:|---:|---:|---:|\n| all clean kinds | {} | {} | {} | {} |",
            clean.n, clean.flagged, clean.ftfy_changed, clean.enc_changed
        );
        println!("\n| garbled, by length | files | flagged % | right kind % | reversed exactly % | ftfy fix_text changed % | fix_text reversed % | ftfy fix_encoding changed % | fix_encoding reversed % |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for ((_, name), t) in &by_len {
            println!("{}", t.row(name, false));
        }
        if half == "tune" && std::env::var_os("EVAL_SHOW_FAILURES").is_some() {
            eprintln!("zhtidy misses on the tuning half:");
            for m in &misses {
                eprintln!("  {m}");
            }
        }
    }
}

/*!
Scores the fix stage on the set made by `scripts/make-fix-set`; run through
`scripts/eval-fix [SET_DIR]`, which prints a Markdown table.

Paragraphs are fixed in documents of 20 consecutive paragraphs of the same
file (one per line), as a scraped article would be, with the default
options (every rule on, no variant target) except for the Taiwan variant
set, which uses `variants: Some(Tw)`. Scores are per character: an
injected character counts as restored when the output has the original
character at its place; every other Han character that differs from the
original is a false change. A paragraph whose output has another character
count (a rule removed or added characters) cannot be aligned: it is counted
and shown, not scored.

Environment: `EVAL_FIX_DEBUG=1` prints every miss, false change and
unaligned paragraph on standard error; `EVAL_FIX_ONLY=TEXT` scores only the
rows whose name contains TEXT (`trad`, `5%`, `Taiwan`), for quick runs
while working on one script.
*/

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use zhtidy::convert::Converter;
use zhtidy::fix::{FixOptions, Fixer, VariantTarget};

const DOC_PARAGRAPHS: usize = 20;

/// Documents fixed, and those that a second run would change again.
static DOCUMENTS: AtomicUsize = AtomicUsize::new(0);
static NOT_IDEMPOTENT: AtomicUsize = AtomicUsize::new(0);

/// Fixes a document: (output, changes as (1-based line, rule id)).
type FixFn<'a> = &'a dyn Fn(&str) -> (String, Vec<(usize, &'static str)>);

/// One paragraph: original text, input, and the places to restore with
/// their class (`unambiguous`, `contextual` or `variant`).
struct Case {
    original: Vec<char>,
    input: String,
    targets: Vec<(usize, String)>,
}

#[derive(Default)]
struct Score {
    paragraphs: usize,
    misaligned: usize,
    han_untouched: usize,
    false_changes: usize,
    lines_changed: usize,
    lines_changed_glyph: usize,
    /// (class, total, restored)
    classes: Vec<(String, usize, usize)>,
    /// Lines changed per rule id.
    per_rule: std::collections::BTreeMap<&'static str, usize>,
}

impl Score {
    fn class(&mut self, name: &str) -> &mut (String, usize, usize) {
        if let Some(i) = self.classes.iter().position(|c| c.0 == name) {
            return &mut self.classes[i];
        }
        self.classes.push((name.to_string(), 0, 0));
        self.classes.last_mut().expect("just pushed")
    }

    fn recall(&self, name: &str) -> String {
        match self.classes.iter().find(|c| c.0 == name) {
            Some((_, total, restored)) if *total > 0 => {
                format!(
                    "{:.2}% ({restored}/{total})",
                    100.0 * *restored as f64 / *total as f64
                )
            }
            _ => "–".to_string(),
        }
    }

    fn false_rate(&self) -> String {
        format!(
            "{:.4}% ({}/{})",
            100.0 * self.false_changes as f64 / self.han_untouched.max(1) as f64,
            self.false_changes,
            self.han_untouched
        )
    }

    fn lines(&self, glyph_only: bool) -> String {
        let n = if glyph_only {
            self.lines_changed_glyph
        } else {
            self.lines_changed
        };
        format!(
            "{:.3}% ({n}/{})",
            100.0 * n as f64 / self.paragraphs.max(1) as f64,
            self.paragraphs
        )
    }
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

fn read_cases(path: &Path) -> Result<Vec<Case>, Box<dyn Error>> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut cases = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let v: Value =
            serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        let get = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let (original, input) = match (get("original"), get("input"), get("text")) {
            (Some(o), Some(i), _) => (o, i),
            (_, _, Some(t)) => (t.clone(), t),
            _ => return Err(format!("{}:{}: no text", path.display(), n + 1).into()),
        };
        let mut targets = Vec::new();
        for key in ["injections", "swaps"] {
            for item in v.get(key).and_then(Value::as_array).into_iter().flatten() {
                let index = item[0].as_u64().ok_or("bad index")? as usize;
                let class = item.get(3).and_then(Value::as_str).unwrap_or("variant");
                targets.push((index, class.to_string()));
            }
        }
        cases.push(Case {
            original: original.chars().collect(),
            input,
            targets,
        });
    }
    Ok(cases)
}

fn score(cases: &[Case], fix: FixFn<'_>) -> Score {
    let mut s = Score::default();
    for doc in cases.chunks(DOC_PARAGRAPHS) {
        let input: Vec<&str> = doc.iter().map(|c| c.input.as_str()).collect();
        let document = input.join("\n");
        let (output, changed_lines) = fix(&document);
        let out_lines: Vec<&str> = output.split('\n').collect();
        assert_eq!(
            out_lines.len(),
            doc.len(),
            "the fixer changed the line count"
        );
        for (i, (case, out)) in doc.iter().zip(out_lines).enumerate() {
            s.paragraphs += 1;
            let here: std::collections::BTreeSet<&'static str> = changed_lines
                .iter()
                .filter(|(l, _)| *l == i + 1)
                .map(|(_, r)| *r)
                .collect();
            let glyph = here.iter().any(|r| r.starts_with("stray-glyph"));
            if !here.is_empty() {
                s.lines_changed += 1;
            }
            for r in here {
                *s.per_rule.entry(r).or_default() += 1;
            }
            if glyph {
                s.lines_changed_glyph += 1;
            }
            let out: Vec<char> = out.chars().collect();
            if out.len() != case.original.len() {
                if std::env::var_os("EVAL_FIX_DEBUG").is_some() {
                    eprintln!(
                        "UNALIGNED {} => {}",
                        case.input,
                        out.iter().collect::<String>()
                    );
                }
                s.misaligned += 1;
                continue;
            }
            let mut is_target = vec![false; out.len()];
            for (index, class) in &case.targets {
                is_target[*index] = true;
                let restored = out[*index] == case.original[*index];
                if !restored && std::env::var_os("EVAL_FIX_DEBUG").is_some() {
                    let lo = index.saturating_sub(6);
                    let hi = (index + 7).min(out.len());
                    let ctx: String = case.original[lo..hi].iter().collect();
                    let got: String = out[lo..hi].iter().collect();
                    let injected = case.input.chars().nth(*index).unwrap_or('?');
                    let original = case.original[*index];
                    let count = |c: char| document.chars().filter(|d| *d == c).count();
                    eprintln!(
                        "MISS {class} {injected} -> {original} (got {}) {ctx} | {got} (document: {original}×{} {injected}×{})",
                        out[*index],
                        count(original),
                        count(injected),
                    );
                }
                let entry = s.class(class);
                entry.1 += 1;
                entry.2 += usize::from(restored);
            }
            for (k, (&o, &c)) in case.original.iter().zip(&out).enumerate() {
                if is_han(o) && !is_target[k] {
                    s.han_untouched += 1;
                    s.false_changes += usize::from(o != c);
                    if o != c && std::env::var_os("EVAL_FIX_DEBUG").is_some() {
                        let lo = k.saturating_sub(6);
                        let hi = (k + 7).min(out.len());
                        let ctx: String = case.original[lo..hi].iter().collect();
                        eprintln!("FALSE {o} -> {c} {ctx}");
                    }
                }
            }
        }
    }
    s
}

fn fixer_fn(fixer: Fixer) -> impl Fn(&str) -> (String, Vec<(usize, &'static str)>) {
    move |text| {
        let fixed = fixer.fix(text);
        DOCUMENTS.fetch_add(1, Ordering::Relaxed);
        let again = fixer.fix(&fixed.text);
        if !again.changes.is_empty() {
            NOT_IDEMPOTENT.fetch_add(1, Ordering::Relaxed);
            if std::env::var_os("EVAL_FIX_DEBUG").is_some() {
                eprintln!("NOT IDEMPOTENT {:?}", again.changes);
            }
        }
        let lines = fixed
            .changes
            .iter()
            .map(|c| (c.line, c.rule.id()))
            .collect();
        (fixed.text.into_owned(), lines)
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: eval_fix SET_DIR (made by scripts/make-fix-set)")?,
    );
    let default = fixer_fn(Fixer::new(FixOptions::default()));
    let taiwan = fixer_fn(Fixer::new(
        FixOptions::default().variants(Some(VariantTarget::Tw)),
    ));
    let s2t = Converter::new("s2t")?;
    let blanket = move |text: &str| {
        let out = s2t.convert(text).into_owned();
        let lines = text
            .split('\n')
            .zip(out.split('\n'))
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(i, _)| (i + 1, "stray-glyph (s2t)"))
            .collect();
        (out, lines)
    };

    println!("| set | paragraphs | recall unambiguous | recall contextual | false changes (untouched Han) | lines changed (any rule) | lines changed (glyph rules) | unaligned |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut rows: Vec<(String, PathBuf, FixFn<'_>)> = Vec::new();
    for script in ["trad", "simp"] {
        rows.push((
            format!("{script} clean"),
            dir.join(format!("{script}-clean.jsonl")),
            &default,
        ));
        for rate in ["0.5", "2", "5"] {
            rows.push((
                format!("{script} + {rate}% strays"),
                dir.join(format!("{script}-inject-{rate}.jsonl")),
                &default,
            ));
        }
    }
    rows.push((
        "trad clean, blanket s2t (baseline)".to_string(),
        dir.join("trad-clean.jsonl"),
        &blanket,
    ));
    let only = std::env::var("EVAL_FIX_ONLY").unwrap_or_default();
    let mut clean_rules = Vec::new();
    for (name, path, fix) in rows {
        if !name.contains(&only) {
            continue;
        }
        if std::env::var_os("EVAL_FIX_DEBUG").is_some() {
            eprintln!("== {name}");
        }
        let s = score(&read_cases(&path)?, fix);
        if name.ends_with("clean") {
            clean_rules.push((name.clone(), s.per_rule.clone()));
        }
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} |",
            s.paragraphs,
            s.recall("unambiguous"),
            s.recall("contextual"),
            s.false_rate(),
            s.lines(false),
            s.lines(true),
            s.misaligned
        );
    }
    let taiwan_name = "Taiwan text, 為啟裡著 → 爲啓裏着, `variants: Tw`";
    let s = if taiwan_name.contains(&only) {
        score(&read_cases(&dir.join("tw-variants.jsonl"))?, &taiwan)
    } else {
        Score::default()
    };
    println!();
    println!("| set | paragraphs | variant restoration | false changes (untouched Han) | lines changed | unaligned |");
    println!("|---|---:|---:|---:|---:|---:|");
    println!(
        "| {taiwan_name} | {} | {} | {} | {} | {} |",
        s.paragraphs,
        s.recall("variant"),
        s.false_rate(),
        s.lines(false),
        s.misaligned
    );
    println!();
    println!("Lines of clean text changed, per rule:");
    println!();
    println!("| set | rule | lines |");
    println!("|---|---|---:|");
    for (name, rules) in clean_rules {
        for (rule, lines) in rules {
            println!("| {name} | `{rule}` | {lines} |");
        }
    }
    println!();
    println!(
        "Idempotence: fixing the output again changed {} of {} documents.",
        NOT_IDEMPOTENT.load(Ordering::Relaxed),
        DOCUMENTS.load(Ordering::Relaxed)
    );
    Ok(())
}

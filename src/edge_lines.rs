/*!
Repeated edge lines: the boilerplate a site puts around every article it
publishes (its name and menu above, its notices below), learnt from the
corpus itself. No per-document rule can know a site's own wording, but a
line that stands at the edge of hundreds of documents is boilerplate
whatever its words.

Zones. A document's **body** runs from its first prose line to its last
(prose as the strip stage's safety limit reads it: a long line, or a full
sentence; see [`is_prose`]); the **edges** are the lines above the first
prose line and below the last one. A document without a prose line has no
body and no edges: it is neither counted nor changed. Prose lines are
never removed, so removing edge lines moves no zone boundary: this is what
makes a second run change nothing (see below).

Keys. Each non-blank line that is not prose is brought to a key
([`normalize`]): folded to one script and one width (the strip stage's
[`fold`](crate::strip::fold::fold)), ASCII letters lowercased, whitespace
and invisible characters dropped, every URL masked as `U` and every run of
digits (with the separators inside it: `2024-03-05 10:22`, `1,234`, `1.2`)
as `#`. So `发布时间：2024-03-05 阅读 1234` and `發佈時間：2024-03-06 閱讀 98`
are one key. Only a 64-bit hash of the key is kept.

Counting ([`Counter`]): per key, the documents it stands at an edge of, and
the documents it stands in the body of (each document counts once per key
and zone). A key is **boilerplate** ([`Verdicts`]) when it stands at the
edge of at least `min_docs` documents and in the body of at most one in
[`BODY_SHARE`] of that many: a proverb or a standard sentence that also
appears inside articles is not a site's frame.

Removal ([`Verdicts::remove`]): a line whose key is boilerplate goes when
it stands at an edge; never a body line, never a prose line, and never
the last non-blank line (a document has a prose line, which stays).

Why a second run changes nothing: removals take edge lines only, so every
document keeps its prose lines and its body; a key's body count is the
same on the cleaned corpus and its edge count can only drop, so a key that
was not boilerplate stays so; and the edge lines of a boilerplate key are
gone wherever they could go.

Memory: counts of hashed keys in a map capped at [`Counter::new`]'s
`max_keys` entries (a capped hash map, not a sketch: counts below the cap
are exact, and a sketch's overestimates would remove lines that are not
repeated). When it is full, the keys seen in fewest documents are
forgotten (lossy counting): a forgotten key starts again from zero, so the
error only ever undercounts, which removes less.
*/

use std::collections::HashMap;
use std::hash::BuildHasher;

use foldhash::fast::FixedState;

/// A key's body documents may be at most one in this many of its edge
/// documents for it to count as boilerplate.
pub const BODY_SHARE: u32 = 10;

/// The default `min_docs`: a line must stand at the edge of this many
/// documents (see `docs/eval-corpus-lines.md` for how it was chosen).
pub const DEFAULT_MIN_DOCS: u32 = 10;

/// The default cap on keys counted: about 50 MB of counts.
pub const DEFAULT_MAX_KEYS: usize = 2 << 20;

/// The hasher of keys: fixed, so a run is reproducible.
const HASHER: FixedState = FixedState::with_seed(0x7a68_7469_6479_6564);

/// Whether a trimmed line reads as body prose (the strip stage's notion).
pub fn is_prose(line: &str) -> bool {
    crate::strip::is_prose(line, line.chars().count())
}

/// The key of a line (see the module doc): folded, lowercased, without
/// whitespace or invisible characters, URLs as `U`, digit runs as `#`.
pub fn normalize(line: &str) -> String {
    let folded = crate::strip::fold::fold(line.trim());
    let chars: Vec<char> = folded
        .chars()
        .filter(|c| !c.is_whitespace() && !is_invisible(*c))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let mut out = String::with_capacity(folded.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(end) = url_end(&chars, i) {
            out.push('U');
            i = end;
        } else if chars[i].is_ascii_digit() {
            out.push('#');
            i = digits_end(&chars, i);
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Format characters that show nothing (zero-width spaces and joiners,
/// the byte order mark, soft hyphens).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Where a URL starting at `i` ends (`http://`, `https://`, `www.`).
fn url_end(chars: &[char], i: usize) -> Option<usize> {
    let starts = |p: &str| {
        p.chars()
            .enumerate()
            .all(|(k, c)| chars.get(i + k) == Some(&c))
    };
    if !(starts("http://") || starts("https://") || starts("www.")) {
        return None;
    }
    let end = (i..chars.len())
        .find(|&k| !is_url_char(chars[k]))
        .unwrap_or(chars.len());
    Some(end)
}

fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'*+,;=%".contains(c)
}

/// The end of a run of digits starting at `i`, separators between digits
/// included (`2024-03-05`, `10:22`, `1,234.5`, `3/12`).
fn digits_end(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            i += 1;
        } else if "-:.,/".contains(chars[i]) && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
            i += 2;
        } else {
            break;
        }
    }
    i
}

/// The hash of a line's key.
pub fn key(line: &str) -> u64 {
    HASHER.hash_one(normalize(line))
}

/// Where a line stands in its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// Above the first prose line or below the last.
    Edge,
    /// Between the first prose line and the last (prose lines included).
    Body,
}

/// The zone of every line of `text` (split at `\n`; `None` for a blank
/// line or a prose line), or `None` when the document has no prose line.
pub fn zones(text: &str) -> Option<Vec<Option<Zone>>> {
    let lines: Vec<&str> = text.split('\n').map(str::trim).collect();
    let first = lines.iter().position(|l| is_prose(l))?;
    let last = lines.iter().rposition(|l| is_prose(l))?;
    Some(
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                if l.is_empty() || is_prose(l) {
                    None
                } else if i < first || i > last {
                    Some(Zone::Edge)
                } else {
                    Some(Zone::Body)
                }
            })
            .collect(),
    )
}

/// The distinct keys of one document's edge and body lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocKeys {
    /// Keys of its non-prose lines at an edge.
    pub edge: Vec<u64>,
    /// Keys of its non-prose lines in the body.
    pub body: Vec<u64>,
}

impl DocKeys {
    /// The keys of `text` (empty for a document without a prose line).
    pub fn of(text: &str) -> DocKeys {
        let mut keys = DocKeys::default();
        let Some(zones) = zones(text) else {
            return keys;
        };
        for (line, zone) in text.split('\n').zip(zones) {
            match zone {
                Some(Zone::Edge) => keys.edge.push(key(line)),
                Some(Zone::Body) => keys.body.push(key(line)),
                None => {}
            }
        }
        for list in [&mut keys.edge, &mut keys.body] {
            list.sort_unstable();
            list.dedup();
        }
        keys
    }
}

/// Edge and body document counts of one key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    edge: u32,
    body: u32,
}

/// The first pass: counts per key over the corpus (see the module doc).
#[derive(Debug)]
pub struct Counter {
    counts: HashMap<u64, Counts, FixedState>,
    max_keys: usize,
    documents: usize,
    forgotten: usize,
}

impl Counter {
    /// A counter that keeps at most `max_keys` keys (at least 1,024).
    pub fn new(max_keys: usize) -> Counter {
        Counter {
            counts: HashMap::with_hasher(HASHER),
            max_keys: max_keys.max(1024),
            documents: 0,
            forgotten: 0,
        }
    }

    /// Counts one document.
    pub fn add(&mut self, doc: &DocKeys) {
        self.documents += 1;
        for &k in &doc.edge {
            let c = self.counts.entry(k).or_default();
            c.edge = c.edge.saturating_add(1);
        }
        for &k in &doc.body {
            let c = self.counts.entry(k).or_default();
            c.body = c.body.saturating_add(1);
        }
        if self.counts.len() > self.max_keys {
            self.forget_rarest();
        }
    }

    /// Forgets the keys seen in fewest documents until a quarter of the
    /// cap is free.
    fn forget_rarest(&mut self) {
        let target = self.max_keys - self.max_keys / 4;
        let mut floor = 1;
        while self.counts.len() > target {
            let before = self.counts.len();
            self.counts.retain(|_, c| c.edge + c.body > floor);
            self.forgotten += before - self.counts.len();
            floor += 1;
        }
    }

    /// Documents counted.
    pub fn documents(&self) -> usize {
        self.documents
    }

    /// Keys forgotten because the map was full.
    pub fn forgotten(&self) -> usize {
        self.forgotten
    }

    /// The keys that may be boilerplate: at the edge of at least two
    /// documents, in the body of at most one in [`BODY_SHARE`] of those.
    /// Which of them are is decided per document by [`Verdicts::remove`]'s
    /// `min_docs` (a configuration can set it per folder).
    pub fn verdicts(&self) -> Verdicts {
        let boilerplate = self
            .counts
            .iter()
            .filter(|(_, c)| c.edge >= 2 && c.body.saturating_mul(BODY_SHARE) <= c.edge)
            .map(|(&k, c)| (k, c.edge))
            .collect();
        Verdicts { boilerplate }
    }
}

/// The boilerplate keys of a corpus, with their edge counts; shared by the
/// workers of the second pass.
#[derive(Debug, Clone, Default)]
pub struct Verdicts {
    boilerplate: HashMap<u64, u32, FixedState>,
}

/// One line [`Verdicts::remove`] took out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeRemoval {
    /// 0-based line of the text it was removed from.
    pub line: usize,
    /// The line, trimmed.
    pub text: String,
    /// The documents it stands at the edge of.
    pub documents: u32,
}

impl Verdicts {
    /// The keys that stand at the edge of at least `min_docs` documents
    /// (and pass the body test).
    pub fn count(&self, min_docs: u32) -> usize {
        self.boilerplate
            .values()
            .filter(|&&n| n >= min_docs)
            .count()
    }

    /// `text` without its edge lines whose keys stand at the edge of at
    /// least `min_docs` documents (at least 2), and what went; `None` when
    /// nothing goes. Blank lines around a removed line are kept as
    /// if it had never been there: none above the first remaining line,
    /// none below the last, and between two remaining lines the longest
    /// blank run that separated them.
    pub fn remove(&self, text: &str, min_docs: u32) -> Option<(String, Vec<EdgeRemoval>)> {
        if self.boilerplate.is_empty() {
            return None;
        }
        let min_docs = min_docs.max(2);
        let zones = zones(text)?;
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let mut removed = Vec::new();
        for (i, (line, zone)) in lines.iter().zip(&zones).enumerate() {
            if *zone != Some(Zone::Edge) {
                continue;
            }
            let found = self.boilerplate.get(&key(line));
            if let Some(&documents) = found.filter(|&&n| n >= min_docs) {
                removed.push(EdgeRemoval {
                    line: i,
                    text: line.trim().to_string(),
                    documents,
                });
            }
        }
        if removed.is_empty() {
            return None;
        }
        let gone: Vec<usize> = removed.iter().map(|r| r.line).collect();
        Some((rejoin(&lines, &gone), removed))
    }
}

/// The lines but those at the indexes `gone` (sorted), blank lines settled
/// as [`Verdicts::remove`] says.
fn rejoin(lines: &[&str], gone: &[usize]) -> String {
    let blank = |l: &str| l.trim().is_empty();
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        if blank(lines[i]) || gone.binary_search(&i).is_ok() {
            // A stretch of blank and removed lines.
            let start = i;
            while i < lines.len() && (blank(lines[i]) || gone.binary_search(&i).is_ok()) {
                i += 1;
            }
            out.push_str(&settle_blanks(
                &lines[start..i],
                start,
                i == lines.len(),
                |k| gone.binary_search(&(start + k)).is_ok(),
            ));
        } else {
            out.push_str(lines[i]);
            i += 1;
        }
    }
    out
}

/// The blank lines kept of a stretch of blank and removed lines: with no
/// removed line, all of them; at the text's start, the blank lines above
/// the first removed one; at its end, those below the last; else the
/// longest run between them.
fn settle_blanks(
    stretch: &[&str],
    start: usize,
    at_end: bool,
    is_gone: impl Fn(usize) -> bool,
) -> String {
    let gone: Vec<usize> = (0..stretch.len()).filter(|&k| is_gone(k)).collect();
    let (Some(&first), Some(&last)) = (gone.first(), gone.last()) else {
        return stretch.concat();
    };
    let kept: &[&str] = if start == 0 {
        &stretch[..first]
    } else if at_end {
        &stretch[last + 1..]
    } else {
        longest_blank_run(stretch, &gone)
    };
    kept.concat()
}

/// The longest run of blank lines in `stretch` between removed lines (the
/// first when two are as long).
fn longest_blank_run<'s, 'l>(stretch: &'s [&'l str], gone: &[usize]) -> &'s [&'l str] {
    let mut best: &[&str] = &[];
    let mut run_start = 0;
    for k in 0..=stretch.len() {
        if k == stretch.len() || gone.contains(&k) {
            if k - run_start > best.len() {
                best = &stretch[run_start..k];
            }
            run_start = k + 1;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROSE: &str = "这是一段很长的正文，讲述了一件发生在小城里的事情，足够长也有句号。";

    fn counter_of(docs: &[String]) -> Counter {
        let mut c = Counter::new(1 << 16);
        for d in docs {
            c.add(&DocKeys::of(d));
        }
        c
    }

    fn site_doc(n: usize) -> String {
        format!(
            "晨光网 > 新闻 > 本地\n标题{}\n发布时间：2024-03-{:02} 阅读 {}\n\n{PROSE}\n\n千里之行，始于足下\n\n{PROSE}\n\n关注晨光网微信公众号\nhttps://chenguang.example/{n}\n",
            char::from_u32(0x4E00 + 7 * n as u32).unwrap(),
            n % 28 + 1,
            n * 37
        )
    }

    #[test]
    fn keys_mask_digits_urls_script_and_width() {
        assert_eq!(
            normalize("发布时间：2024-03-05 10:22 阅读 1,234"),
            normalize("發佈時間:2025-12-31 9:01  閱讀 98")
        );
        assert_eq!(
            normalize("见 https://a.example/x?id=3 或 www.b.example"),
            "见U或U"
        );
        assert_eq!(normalize("Ａｂ\u{200b}Ｃ 12"), "abc#");
        assert_ne!(normalize("关注我们"), normalize("关注他们"));
    }

    #[test]
    fn zones_are_bounded_by_the_first_and_last_prose_line() {
        let text = format!("头\n\n{PROSE}\n中\n{PROSE}\n尾");
        let z = zones(&text).unwrap();
        assert_eq!(
            z,
            [
                Some(Zone::Edge),
                None,
                None,
                Some(Zone::Body),
                None,
                Some(Zone::Edge)
            ]
        );
        assert_eq!(zones("只有短行\n另一行"), None);
    }

    #[test]
    fn edge_lines_of_many_documents_go_and_body_lines_stay() {
        let docs: Vec<String> = (0..12).map(site_doc).collect();
        let v = counter_of(&docs).verdicts();
        let (out, removed) = v.remove(&docs[3], 10).unwrap();
        let gone: Vec<&str> = removed.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            gone,
            [
                "晨光网 > 新闻 > 本地",
                "发布时间：2024-03-04 阅读 111",
                "关注晨光网微信公众号",
                "https://chenguang.example/3"
            ]
        );
        assert!(removed.iter().all(|r| r.documents == 12));
        assert_eq!(
            out,
            format!(
                "标题{}\n\n{PROSE}\n\n千里之行，始于足下\n\n{PROSE}\n",
                char::from_u32(0x4E00 + 21).unwrap()
            )
        );
    }

    #[test]
    fn too_few_documents_or_body_use_keep_a_line() {
        let docs: Vec<String> = (0..9).map(site_doc).collect();
        assert_eq!(counter_of(&docs).verdicts().count(10), 0);
        // A proverb at the end of twelve documents but in the body of two:
        // a proverb, not a frame.
        let mut docs: Vec<String> = (0..20)
            .map(|_| format!("{PROSE}\n千里之行，始于足下"))
            .collect();
        docs.push(format!("{PROSE}\n千里之行，始于足下\n{PROSE}"));
        docs.push(format!("{PROSE}\n千里之行，始于足下\n{PROSE}"));
        docs.push(format!("{PROSE}\n千里之行，始于足下\n{PROSE}"));
        assert_eq!(counter_of(&docs).verdicts().count(2), 0);
    }

    #[test]
    fn a_second_run_over_the_cleaned_corpus_removes_nothing() {
        let mut docs: Vec<String> = (0..30).map(site_doc).collect();
        // Documents where a frame line also stands in the body, and one
        // with no prose at all.
        docs.push(format!("{PROSE}\n关注晨光网微信公众号\n{PROSE}"));
        docs.push("关注晨光网微信公众号\n晨光网 > 新闻 > 本地".to_string());
        let v = counter_of(&docs).verdicts();
        let cleaned: Vec<String> = docs
            .iter()
            .map(|d| v.remove(d, 10).map_or(d.clone(), |(t, _)| t))
            .collect();
        assert_ne!(cleaned, docs);
        let again = counter_of(&cleaned).verdicts();
        for d in &cleaned {
            assert_eq!(again.remove(d, 10), None, "{d}");
        }
    }

    #[test]
    fn blank_lines_settle_as_if_the_line_had_never_been_there() {
        let lines = ["a\n", "\n", "x\n", "\n", "\n", "b\n", "\n", "y\n"];
        assert_eq!(rejoin(&lines, &[2, 7]), "a\n\n\nb\n");
        let lines = ["\n", "x\n", "\n", "b\n"];
        assert_eq!(rejoin(&lines, &[1]), "\nb\n");
        let lines = ["a\r\n", "x\r\n", "b"];
        assert_eq!(rejoin(&lines, &[1]), "a\r\nb");
    }

    #[test]
    fn the_counter_forgets_the_rarest_keys_when_full() {
        let mut c = Counter::new(1024);
        let frame = DocKeys {
            edge: vec![1],
            body: vec![],
        };
        for i in 0..5000u64 {
            c.add(&frame);
            c.add(&DocKeys {
                edge: vec![1000 + i],
                body: vec![],
            });
        }
        assert!(c.counts.len() <= 1025);
        assert!(c.forgotten() > 0);
        assert_eq!(c.verdicts().boilerplate.get(&1), Some(&5000));
    }
}

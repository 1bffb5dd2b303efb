/*!
Script detection: is a document (and each of its paragraphs) Traditional,
Simplified, mixed, or unknown?

Only characters that one script alone uses count as evidence (see
[`tables`](super::tables)): 這 says Traditional, 这 says Simplified, and 的,
台 or 后 say nothing. A paragraph is one line; blank lines have no report.

A text is [`Script::Traditional`] when Simplified-only characters are at
most a fifth of the evidence (a Traditional article with a few stray 开 is
still Traditional), [`Script::Simplified`] likewise, [`Script::Mixed`] when
both are present beyond that, and [`Script::Unknown`] with no evidence.
*/

use std::ops::Range;

use super::tables::{Tables, TABLES};
use crate::convert::utf8::decode_three;

/// Which script a text is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    /// Traditional Chinese, possibly with a few stray Simplified glyphs.
    Traditional,
    /// Simplified Chinese, possibly with a few stray Traditional glyphs.
    Simplified,
    /// Both scripts in substantial amounts.
    Mixed,
    /// No character that only one script uses (no Chinese, or only shared
    /// characters).
    Unknown,
}

impl Script {
    /// A short lowercase name: `traditional`, `simplified`, `mixed`,
    /// `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Script::Traditional => "traditional",
            Script::Simplified => "simplified",
            Script::Mixed => "mixed",
            Script::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for Script {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The evidence counted in a text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScriptCounts {
    /// Characters only Traditional text uses (這, 們).
    pub traditional_only: usize,
    /// Characters only Simplified text uses (这, 们).
    pub simplified_only: usize,
    /// All Han ideographs, evidence or not.
    pub han: usize,
}

impl ScriptCounts {
    /// Counts the evidence in `text`.
    pub fn of(text: &str) -> Self {
        line_evidence(text).0
    }

    /// The verdict for these counts (see the module doc).
    pub fn script(&self) -> Script {
        let (t, s) = (self.traditional_only, self.simplified_only);
        if t + s == 0 {
            Script::Unknown
        } else if s * 4 <= t {
            Script::Traditional
        } else if t * 4 <= s {
            Script::Simplified
        } else {
            Script::Mixed
        }
    }

    /// The script with more evidence, if one has more.
    pub fn majority(&self) -> Option<Script> {
        use std::cmp::Ordering::*;
        match self.traditional_only.cmp(&self.simplified_only) {
            Greater => Some(Script::Traditional),
            Less => Some(Script::Simplified),
            Equal => None,
        }
    }

    /// Adds `other`'s evidence (the counts of a concatenation are the sum).
    pub(crate) fn add(&mut self, other: &ScriptCounts) {
        self.traditional_only += other.traditional_only;
        self.simplified_only += other.simplified_only;
        self.han += other.han;
    }

    /// Takes out `other`'s evidence, which must be part of this count (a
    /// piece of the counted text).
    pub(crate) fn subtract(&mut self, other: &ScriptCounts) {
        self.traditional_only -= other.traditional_only;
        self.simplified_only -= other.simplified_only;
        self.han -= other.han;
    }
}

/// The evidence on `text` and the union of its characters' class bits
/// (which of fix's character sets they are in, [`super::tables::OUTSIDE`] for one
/// above the class table): one table read per character gives both, and
/// the union tells the stray-glyph step that no character of a line needs
/// a look without another pass over it.
pub(crate) fn line_evidence(text: &str) -> (ScriptCounts, u16) {
    let t = &*TABLES;
    let bytes = text.as_bytes();
    let mut counts = ScriptCounts::default();
    let mut classes = 0;
    let mut i = 0;
    // The evidence is summed packed (see `Tables::packed_evidence`) over
    // stretches of at most 2^20 bytes, so at most 2^20 characters: no
    // field of the sum overflows.
    while i < bytes.len() {
        let stretch_end = bytes.len().min(i + (1 << 20));
        let mut sum = 0u64;
        // Characters of one and three bytes (ASCII, and Chinese text with
        // its punctuation) are decoded here; the others, rare, by `chars`.
        while i < stretch_end {
            let b0 = bytes[i];
            let bits = if b0 < 0x80 {
                i += 1;
                t.classes_of_bmp(u32::from(b0))
            } else if b0 & 0xF0 == 0xE0 {
                // SAFETY: `bytes` is a `str`'s and `b0` at `i` starts a
                // three-byte character.
                let cp = unsafe { decode_three(bytes, i) };
                i += 3;
                t.classes_of_bmp(cp)
            } else {
                let c = text[i..].chars().next().expect("a character starts here");
                i += c.len_utf8();
                t.classes_of(c)
            };
            classes |= bits;
            sum += Tables::packed_evidence(bits);
        }
        let (han, traditional, simplified) = Tables::unpack_evidence(sum);
        counts.han += han;
        counts.traditional_only += traditional;
        counts.simplified_only += simplified;
    }
    (counts, classes)
}

/// The verdict for one paragraph (one non-blank line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParagraphScript {
    /// 1-based line number.
    pub line: usize,
    /// Byte range of the line in the text, without its line ending.
    pub range: Range<usize>,
    /// The verdict for this line alone.
    pub script: Script,
    /// The evidence on this line.
    pub counts: ScriptCounts,
    /// The union of the line's class bits (see [`line_evidence`]).
    pub(crate) classes: u16,
}

/// Script of a whole text and of each of its paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptReport {
    /// The verdict for the whole text.
    pub script: Script,
    /// The evidence in the whole text.
    pub counts: ScriptCounts,
    /// One entry per non-blank line that has Han characters.
    pub paragraphs: Vec<ParagraphScript>,
    /// The union of every line's class bits (see [`line_evidence`]).
    pub(crate) classes: u16,
}

impl ScriptReport {
    /// The script that stray glyphs of this line are fixed toward: the
    /// line's own verdict when it has enough evidence (at least 3
    /// characters and a clear verdict), else the document's majority.
    /// `None` when neither decides.
    pub fn target_for(&self, paragraph: &ParagraphScript) -> Option<Script> {
        let c = &paragraph.counts;
        let own = paragraph.script;
        if c.traditional_only + c.simplified_only >= MIN_PARAGRAPH_EVIDENCE
            && matches!(own, Script::Traditional | Script::Simplified)
        {
            return Some(own);
        }
        self.counts.majority().or_else(|| c.majority())
    }
}

impl ScriptReport {
    /// This report without the Simplified evidence of every line that
    /// also writes Traditional-only characters and whose Simplified-only
    /// characters are all ones for which `neutral` holds (and without it in
    /// the whole text), or `None` when that changes no count. A character
    /// valid in both scripts in some standard (Cantonese 晒, Hong Kong 揾)
    /// says nothing against the Traditional characters beside it; beside a
    /// Simplified character no Traditional standard writes (点), it is
    /// Simplified text's own (个).
    pub(crate) fn discounting(
        &self,
        text: &str,
        neutral: impl Fn(char) -> bool,
    ) -> Option<ScriptReport> {
        if self.counts.traditional_only == 0 || self.counts.simplified_only == 0 {
            return None;
        }
        let mut report = self.clone();
        let mut changed = false;
        for paragraph in &mut report.paragraphs {
            let c = &mut paragraph.counts;
            if c.traditional_only == 0 || c.simplified_only == 0 {
                continue;
            }
            let n = text[paragraph.range.clone()]
                .chars()
                .filter(|&ch| neutral(ch))
                .count();
            if n == c.simplified_only {
                c.simplified_only -= n;
                report.counts.simplified_only -= n;
                paragraph.script = c.script();
                changed = true;
            }
        }
        report.script = report.counts.script();
        changed.then_some(report)
    }
}

/// Fewer script-only characters than this and a line follows the document.
const MIN_PARAGRAPH_EVIDENCE: usize = 3;

/// Decides the script of `text` and of each of its lines.
///
/// ```
/// use zhtidy::fix::{detect_script, Script};
///
/// let report = detect_script("這是繁體字。\n这是简体字，这些们。\n");
/// assert_eq!(report.paragraphs[0].script, Script::Traditional);
/// assert_eq!(report.paragraphs[1].script, Script::Simplified);
/// assert_eq!(detect_script("展開全文，离开").script, Script::Mixed);
/// assert_eq!(detect_script("hello 的").script, Script::Unknown);
/// ```
pub fn detect_script(text: &str) -> ScriptReport {
    detect_script_with(text, &mut line_evidence)
}

/// [`detect_script`] with the counting of each line left to `count_line`
/// (which may remember lines it has counted), giving what
/// [`line_evidence`] gives.
pub(crate) fn detect_script_with(
    text: &str,
    count_line: &mut dyn FnMut(&str) -> (ScriptCounts, u16),
) -> ScriptReport {
    let mut counts = ScriptCounts::default();
    let mut paragraphs = Vec::new();
    let mut all = 0;
    for (index, range) in line_ranges(text).enumerate() {
        let (line_counts, classes) = count_line(&text[range.clone()]);
        counts.add(&line_counts);
        all |= classes;
        if line_counts.han > 0 {
            paragraphs.push(ParagraphScript {
                line: index + 1,
                range,
                script: line_counts.script(),
                counts: line_counts,
                classes,
            });
        }
    }
    ScriptReport {
        script: counts.script(),
        counts,
        paragraphs,
        classes: all,
    }
}

/// Byte ranges of the lines of `text`, without `\n` or `\r\n`.
pub(crate) fn line_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let rest = &text[start..];
        let (len, next) = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(i) => (i, start + i + 1),
            None => {
                done = true;
                (rest.len(), text.len())
            }
        };
        let line = &rest[..len];
        let end = start + line.strip_suffix('\r').map_or(len, str::len);
        let range = start..end;
        start = next;
        Some(range)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-wise evidence equals reading each character's class bits,
    /// on text mixing characters of every UTF-8 length, Simplified-only,
    /// Traditional-only and shared ones, artifacts and characters above the
    /// class table (a pseudo-random walk over a fixed alphabet).
    #[test]
    fn byte_wise_evidence_equals_reading_each_character() {
        let alphabet: Vec<char> = "a&( ,:é這这的们們說说开開（）\u{200B}\u{F900}\u{2F00}丨𠮷\u{2A6D6}\u{E0100}\u{3000}，。"
            .chars()
            .collect();
        let t = &*TABLES;
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        // Short lines, and lines of several packed stretches (2^20 bytes
        // each) whose fields would overflow if one stretch held more.
        let lens = (0..300).chain([(1 << 20) + 7, 3 << 20]);
        for len in lens {
            let s = crate::test_text::random_text(&alphabet, len, &mut state);
            let mut counts = ScriptCounts::default();
            let mut classes = 0;
            for c in s.chars() {
                let bits = t.classes_of(c);
                classes |= bits;
                let (han, traditional, simplified) = Tables::evidence_of(bits);
                counts.han += han;
                counts.traditional_only += traditional;
                counts.simplified_only += simplified;
            }
            assert_eq!(line_evidence(&s), (counts, classes), "{len} characters");
        }
        // All-Han lines of more than 2^21 characters: each field's sum
        // passes its width unless stretches are summed apart.
        let han = "這".repeat((1 << 21) + 5);
        let counts = line_evidence(&han).0;
        assert_eq!(
            (counts.han, counts.traditional_only),
            ((1 << 21) + 5, (1 << 21) + 5)
        );
    }

    #[test]
    fn verdicts_follow_the_evidence() {
        let cases = [
            ("這些人們說", Script::Traditional),
            ("这些人们说", Script::Simplified),
            ("這些人們說話時離开", Script::Traditional),
            ("這們說这们说", Script::Mixed),
            ("的是台后", Script::Unknown),
            ("abc", Script::Unknown),
        ];
        for (text, expected) in cases {
            assert_eq!(detect_script(text).script, expected, "{text}");
        }
    }

    #[test]
    fn paragraphs_are_lines_with_han() {
        let report = detect_script("這是繁體\r\n\nabc\n这是简体");
        let lines: Vec<usize> = report.paragraphs.iter().map(|p| p.line).collect();
        assert_eq!(lines, [1, 4]);
        assert_eq!(report.paragraphs[0].range, 0..12);
        assert_eq!(report.script, Script::Mixed);
    }

    #[test]
    fn discounted_characters_leave_the_simplified_evidence() {
        let text = "揾晒間\n揾晒\n揾晒点間\n";
        let report = detect_script(text);
        assert_eq!(report.paragraphs[0].script, Script::Mixed);
        let discounted = report.discounting(text, |c| "揾晒".contains(c)).unwrap();
        assert_eq!(discounted.paragraphs[0].script, Script::Traditional);
        // A line without Traditional-only characters keeps its evidence,
        // and so does one with a Simplified character not discounted.
        assert_eq!(discounted.paragraphs[1].counts.simplified_only, 2);
        assert_eq!(discounted.paragraphs[2].counts.simplified_only, 3);
        assert_eq!(discounted.counts.simplified_only, 5);
        assert!(report.discounting(text, |c| c == '这').is_none());
    }

    #[test]
    fn short_lines_follow_the_document() {
        let text = "這是繁體字，們說這個開會。\n展开全文\n";
        let report = detect_script(text);
        let short = &report.paragraphs[1];
        assert_eq!(short.script, Script::Simplified);
        assert_eq!(report.target_for(short), Some(Script::Traditional));
    }
}

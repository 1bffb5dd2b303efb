/*!
The safety limit: strip may not take the article's prose.

What must survive is the prose, measured in characters: a short article
often has more short boilerplate lines (source, editor, a 展開全文 button)
than long paragraphs, so counting lines refused exactly the documents that
needed stripping. The limit counts the letters (Han characters, letters
and digits) of the document's *prose lines* (see [`is_prose`]) and refuses
(leaves the document unchanged and says why) when the removal would take
more than the configured share of them, or when it would leave no
non-blank line. A document without a single prose line (a list, a short
notice) is measured on all its letters instead.

The verdict reads only the removed lines and the input, so a run of passes
is judged on all its removals together, against the input (see
`src/strip/passes.rs`).
*/

use super::{Refusal, Removal, RemovalKind};

/// Fewest characters of a line without a sentence mark that make it
/// prose.
pub const PROSE_LONG: usize = 50;
/// Fewest characters of a line with a sentence mark that make it prose.
pub const PROSE_SENTENCE: usize = 15;

/// Sentence marks, both widths.
const SENTENCE_MARKS: [char; 8] = ['。', '!', '?', ';', '…', '！', '？', '；'];

/// Whether the trimmed line `line` of `chars` characters reads as body
/// prose: long, or a full sentence. Folding keeps the number of characters
/// and the only characters that fold to `! ? ;` are their fullwidth forms,
/// so the verdict is the same on the folded line.
pub fn is_prose(line: &str, chars: usize) -> bool {
    chars >= PROSE_LONG || (chars >= PROSE_SENTENCE && line.contains(SENTENCE_MARKS))
}

/// Letters and digits of `line` (Han characters count as letters).
pub fn letters(line: &str) -> usize {
    line.chars().filter(|&c| is_letter(c)).count()
}

/// [`char::is_alphanumeric`], answered without the Unicode table for ASCII
/// and the common Han block: the limit counts every character of every
/// document, and the table lookup is slow for exactly the characters a
/// Chinese text is made of.
pub fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        true
    } else if let Some(bit) = punctuation_bit(c) {
        PUNCTUATION_LETTERS[bit / 64] & (1 << (bit % 64)) != 0
    } else {
        c.is_alphanumeric()
    }
}

/// The blocks of punctuation a Chinese text is full of besides ASCII:
/// General Punctuation (“ ” …), CJK Symbols and Punctuation (。、「」)
/// and Halfwidth and Fullwidth Forms (，：！). Nearly every character of
/// them is no letter, which the Unicode table answers slowly.
const PUNCTUATION_BLOCKS: [(u32, u32); 3] = [(0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF)];

/// Characters in [`PUNCTUATION_BLOCKS`], all blocks together.
const PUNCTUATION_CHARS: usize = 0x70 + 0x40 + 0xF0;

/// Bit `i` tells whether the `i`-th character of [`PUNCTUATION_BLOCKS`]
/// is alphanumeric (々, 〇 and the fullwidth letters and digits are), as
/// [`char::is_alphanumeric`] says: read once from it, so the answers agree
/// by construction.
static PUNCTUATION_LETTERS: std::sync::LazyLock<[u64; PUNCTUATION_CHARS.div_ceil(64)]> =
    std::sync::LazyLock::new(|| {
        let mut bits = [0u64; PUNCTUATION_CHARS.div_ceil(64)];
        let all = PUNCTUATION_BLOCKS.iter().flat_map(|&(a, b)| a..=b);
        for (i, cp) in all.enumerate() {
            if char::from_u32(cp).is_some_and(char::is_alphanumeric) {
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        bits
    });

/// Where `c` is in [`PUNCTUATION_BLOCKS`], counted over all of them.
fn punctuation_bit(c: char) -> Option<usize> {
    let cp = c as u32;
    let mut before = 0;
    for (a, b) in PUNCTUATION_BLOCKS {
        if (a..=b).contains(&cp) {
            return Some(before + (cp - a) as usize);
        }
        before += (b - a + 1) as usize;
    }
    None
}

/// What a document holds that the limit protects.
#[derive(Debug, Clone, Copy, Default)]
struct Measure {
    /// Non-blank lines.
    lines: usize,
    /// Letters of the prose lines.
    prose: usize,
    /// Letters of all lines.
    all: usize,
}

impl Measure {
    fn add(&mut self, line: &str) {
        if line.is_empty() {
            return;
        }
        let n = letters(line);
        self.lines += 1;
        self.all += n;
        if is_prose(line, line.chars().count()) {
            self.prose += n;
        }
    }

    fn of(text: &str) -> Measure {
        let mut m = Measure::default();
        for line in text.lines() {
            m.add(line.trim());
        }
        m
    }
}

/// The measure of the last document judged, kept for the next verdict
/// on the same text: in the pipeline the first pass and the run of passes
/// are both judged on the first pass's view, and measuring a whole
/// document is a walk over every character of it.
#[derive(Default)]
pub(crate) struct Measured(Option<(String, Measure)>);

impl Measured {
    /// The measure of `text`, from the last one when `text` is the same.
    fn of(&mut self, text: &str) -> Measure {
        match &self.0 {
            Some((seen, m)) if seen == text => *m,
            _ => {
                let m = Measure::of(text);
                self.0 = Some((text.to_owned(), m));
                m
            }
        }
    }
}

/// The refusal for removing `removals` (records against `input`) with
/// `max_share`, or `None` when the removal may go ahead.
pub fn judge(
    input: &str,
    removals: &[Removal],
    max_share: f64,
    measured: &mut Measured,
) -> Option<Refusal> {
    judge_lines(
        input,
        whole_lines(removals).map(|r| r.text.trim()),
        max_share,
        measured,
    )
}

/// [`judge`] as `view` reads: `view` has the lines of the text the
/// removals are records against one for one (a repaired copy of it, see
/// `src/strip/view.rs`), and each removed line is measured as the view
/// writes it. The next run reads the repaired text, so a limit measured
/// on the view gives it the same verdict (an `&amp;` repaired to `&`
/// counts three letters fewer).
pub fn judge_in_view(
    view: &str,
    removals: &[Removal],
    max_share: f64,
    measured: &mut Measured,
) -> Option<Refusal> {
    // Nothing to judge without a whole line removed.
    whole_lines(removals).next()?;
    let lines: Vec<&str> = view.split('\n').collect();
    judge_lines(
        view,
        whole_lines(removals).map(|r| {
            r.line
                .checked_sub(1)
                .and_then(|i| lines.get(i))
                .map_or(r.text.trim(), |l| l.trim())
        }),
        max_share,
        measured,
    )
}

/// The whole-line removals: a cut credit takes no line.
fn whole_lines(removals: &[Removal]) -> impl Iterator<Item = &Removal> {
    removals.iter().filter(|r| r.kind == RemovalKind::Line)
}

/// The verdict on removing the trimmed lines `gone` from `input`.
fn judge_lines<'a>(
    input: &str,
    gone: impl Iterator<Item = &'a str>,
    max_share: f64,
    measured: &mut Measured,
) -> Option<Refusal> {
    let mut taken_lines = Measure::default();
    for line in gone {
        taken_lines.add(line);
    }
    if taken_lines.lines == 0 {
        return None;
    }
    let doc = measured.of(input);
    let gone = taken_lines;
    let (total, taken) = if doc.prose > 0 {
        (doc.prose, gone.prose)
    } else {
        (doc.all, gone.all)
    };
    let empties = gone.lines >= doc.lines;
    let too_much = taken as f64 > max_share * total as f64;
    (empties || too_much).then_some(Refusal {
        would_remove: gone.lines,
        lines: doc.lines,
        would_remove_chars: taken,
        prose_chars: total,
        max_share,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn is_letter_agrees_with_the_unicode_table() {
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            assert_eq!(super::is_letter(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    use super::*;

    fn line(text: &str) -> Removal {
        Removal {
            rule: "r".into(),
            family: "f".into(),
            line: 1,
            text: text.into(),
            kind: RemovalKind::Line,
            at: 0,
            deleted: format!("{text}\n"),
            cues: Vec::new(),
        }
    }

    const PARA: &str =
        "今年夏天，这座城市经历了有气象记录以来最长的一次高温，连续二十多天最高气温超过三十八度。";

    #[test]
    fn many_short_lines_may_go_when_the_prose_stays() {
        let input = format!("来源：晨光日报\n作者：李小满\n展开全文\n{PARA}\n");
        let removals = [
            line("来源：晨光日报"),
            line("作者：李小满"),
            line("展开全文"),
        ];
        assert!(judge(&input, &removals, 0.5, &mut Measured::default()).is_none());
    }

    #[test]
    fn most_of_the_prose_may_not_go() {
        let input = format!("{PARA}\n{PARA}\n短的一行\n");
        let refusal = judge(
            &input,
            &[line(PARA), line(PARA)],
            0.5,
            &mut Measured::default(),
        )
        .expect("refused");
        assert_eq!(refusal.prose_chars, refusal.would_remove_chars);
        assert!(refusal.to_string().contains("prose"), "{refusal}");
    }

    #[test]
    fn nothing_may_be_left() {
        let refusal = judge(
            "展开全文\n",
            &[line("展开全文")],
            0.5,
            &mut Measured::default(),
        )
        .expect("refused");
        assert!(refusal.to_string().contains("all 1"), "{refusal}");
    }

    #[test]
    fn without_prose_all_letters_count() {
        let input = "【打印本页】\n图片来源于网络\n正文\n";
        let r = [line("【打印本页】"), line("图片来源于网络")];
        assert!(judge(input, &r, 0.5, &mut Measured::default()).is_some());
        assert!(judge(input, &r[..1], 0.5, &mut Measured::default()).is_none());
    }

    #[test]
    fn prose_verdict() {
        assert!(is_prose(PARA, PARA.chars().count()));
        assert!(is_prose("這是一個完整的句子，有十五個字以上！", 18));
        assert!(!is_prose("沒有標點的一行字但是也有十五個以上的字數吧", 21));
        assert!(!is_prose("短句。", 3));
    }
}

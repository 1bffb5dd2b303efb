/*!
How plausible a piece of decoded text is as Chinese (or English) prose.

Each character gets a [`Rank`]; the penalty of a text is the sum of its
characters' penalties. Two decodings of the same bytes are compared by
penalty: the right one is made of common characters and punctuation, the
wrong ones of rare ideographs, private-use code points, kana, box drawing
and the like.

"Common" is taken from the encodings themselves, which were laid out by
frequency: GB 2312 level 1 (3,755 characters, GBK rows 0xB0–0xD7) and Big5's
frequently used characters (5,401, rows 0xA4–0xC6). A character in either
list is common whatever the script, so Traditional text stored as GBK and
Simplified characters shared with Big5 score the same. Level 2 of both is
"uncommon"; every other ideograph is "rare".
*/

use std::sync::LazyLock;

use encoding_rs::{Encoding, BIG5, GBK};

/// How likely a character is in real Chinese or English text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rank {
    /// ASCII, frequent ideographs, CJK and general punctuation.
    Common,
    /// Level-2 ideographs, Latin letters with diacritics, bopomofo, symbols.
    Uncommon,
    /// Rare ideographs and unusual symbols.
    Rare,
    /// Control characters, private use, replacement characters, scripts that
    /// a misdecoding of Chinese bytes typically produces (kana, Hangul,
    /// Cyrillic, Greek, box drawing).
    Bad,
}

impl Rank {
    /// Penalty in rough log-odds units.
    pub(crate) fn penalty(self) -> u32 {
        match self {
            Rank::Common => 0,
            Rank::Uncommon => 2,
            Rank::Rare => 5,
            Rank::Bad => 9,
        }
    }
}

const CJK_START: u32 = 0x4E00;
const CJK_END: u32 = 0x9FFF;

/// Rank of every unified ideograph U+4E00..=U+9FFF, built once from the
/// GBK and Big5 tables of encoding_rs.
static IDEOGRAPHS: LazyLock<Vec<Rank>> = LazyLock::new(|| {
    let mut table = vec![Rank::Rare; (CJK_END - CJK_START + 1) as usize];
    let mut mark =
        |encoding: &'static Encoding, leads: std::ops::RangeInclusive<u8>, rank: Rank| {
            for lead in leads {
                for trail in (0x40..=0x7Eu8).chain(0xA1..=0xFE) {
                    if encoding == GBK && trail < 0xA1 {
                        continue; // GB 2312 proper uses 0xA1..=0xFE only
                    }
                    if let Some(text) =
                        encoding.decode_without_bom_handling_and_without_replacement(&[lead, trail])
                    {
                        let mut chars = text.chars();
                        if let (Some(c), None) = (chars.next(), chars.next()) {
                            let cp = c as u32;
                            if (CJK_START..=CJK_END).contains(&cp) {
                                let slot = &mut table[(cp - CJK_START) as usize];
                                *slot = (*slot).min(rank);
                            }
                        }
                    }
                }
            }
        };
    mark(GBK, 0xD8..=0xF7, Rank::Uncommon);
    mark(BIG5, 0xC9..=0xF9, Rank::Uncommon);
    mark(GBK, 0xB0..=0xD7, Rank::Common);
    mark(BIG5, 0xA4..=0xC5, Rank::Common);
    // Row 0xC6 holds frequent characters only below 0xC67F.
    for trail in 0x40..=0x7Eu8 {
        if let Some(text) = BIG5.decode_without_bom_handling_and_without_replacement(&[0xC6, trail])
        {
            if let Some(c) = text.chars().next() {
                let cp = c as u32;
                if (CJK_START..=CJK_END).contains(&cp) {
                    table[(cp - CJK_START) as usize] = Rank::Common;
                }
            }
        }
    }
    table
});

/// Whether every character of `line` is ASCII or [`Rank::Common`]:
/// [`rank`] asked of every character of every line of a document, with
/// the ideographs (nearly all of a Chinese line) answered by one read of
/// their table.
pub(crate) fn all_ascii_or_common(line: &str) -> bool {
    let ideographs = &**IDEOGRAPHS;
    line.chars().all(|c| {
        let cp = c as u32;
        if c.is_ascii() {
            true
        } else if (CJK_START..=CJK_END).contains(&cp) {
            ideographs[(cp - CJK_START) as usize] == Rank::Common
        } else {
            rank(c) == Rank::Common
        }
    })
}

/// Rank of one character.
pub(crate) fn rank(c: char) -> Rank {
    let cp = c as u32;
    match cp {
        0x09 | 0x0A | 0x0D | 0x20..=0x7E => Rank::Common,
        0x1B => Rank::Uncommon, // terminal colour codes in fortunes and logs
        0x00..=0x1F | 0x7F..=0x9F => Rank::Bad,
        CJK_START..=CJK_END => IDEOGRAPHS[(cp - CJK_START) as usize],
        // CJK punctuation, fullwidth forms, general punctuation (— … “ ” •).
        0x3000..=0x3011 | 0x3014..=0x301F | 0xFF01..=0xFF5E | 0x2010..=0x2027 => Rank::Common,
        0x00A0 | 0x00B7 | 0x00D7 | 0x00F7 | 0x2030..=0x203B | 0xFE30..=0xFE4F => Rank::Uncommon,
        // Latin-1 and Latin Extended-A letters.
        0x00C0..=0x00D6 | 0x00D8..=0x00F6 | 0x00F8..=0x017F => Rank::Uncommon,
        0x3100..=0x312F | 0x2460..=0x24FF | 0x2160..=0x217F => Rank::Uncommon,
        0x3400..=0x4DBF | 0x20000..=0x3FFFF | 0xF900..=0xFAFF => Rank::Rare,
        0x00A1..=0x00BF | 0x2000..=0x200F | 0x20A0..=0x20CF | 0x2100..=0x215F | 0x2190..=0x22FF => {
            Rank::Rare
        }
        0xFFFD | 0xE000..=0xF8FF | 0xF0000.. => Rank::Bad,
        0x0370..=0x04FF | 0x2500..=0x259F | 0x3040..=0x30FF | 0xAC00..=0xD7AF | 0x3130..=0x318F => {
            Rank::Bad
        }
        _ => Rank::Rare,
    }
}

/// Sum of penalties and number of non-ASCII characters of `text`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Score {
    /// Sum of [`Rank::penalty`] over all characters.
    pub penalty: u64,
    /// Characters outside ASCII.
    pub non_ascii: u64,
    /// Characters ranked [`Rank::Common`] outside ASCII.
    pub common: u64,
}

impl Score {
    /// Mean penalty per non-ASCII character (0 for ASCII text).
    pub(crate) fn mean(&self) -> f64 {
        if self.non_ascii == 0 {
            0.0
        } else {
            self.penalty as f64 / self.non_ascii as f64
        }
    }
}

/// Scores `text`.
pub(crate) fn score(text: &str) -> Score {
    let mut s = Score::default();
    for c in text.chars() {
        let r = rank(c);
        s.penalty += u64::from(r.penalty());
        if !c.is_ascii() {
            s.non_ascii += 1;
            if r == Rank::Common {
                s.common += 1;
            }
        }
    }
    s
}

/// Scores `text` as the output of a single-byte encoding (Latin, Cyrillic,
/// Greek…): letters of any alphabet are [`Rank::Uncommon`], C1 controls
/// [`Rank::Bad`], other symbols [`Rank::Rare`].
pub(crate) fn score_single_byte(text: &str) -> Score {
    let mut s = Score::default();
    for c in text.chars().filter(|c| !c.is_ascii()) {
        let r = if c.is_alphabetic() {
            Rank::Uncommon
        } else if c.is_control() {
            Rank::Bad
        } else {
            Rank::Rare
        };
        s.penalty += u64::from(r.penalty());
        s.non_ascii += 1;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line test answers as `rank` does, character by character.
    #[test]
    fn all_ascii_or_common_agrees_with_rank() {
        for cp in (0..0x3_0000u32).step_by(7).chain(CJK_START..=CJK_END) {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let mut buf = [0u8; 4];
            let line = c.encode_utf8(&mut buf);
            assert_eq!(
                all_ascii_or_common(line),
                c.is_ascii() || rank(c) == Rank::Common,
                "U+{cp:04X}"
            );
        }
    }

    #[test]
    fn frequent_characters_of_both_scripts_are_common() {
        for c in "的是一了在人有我他这个中國們說為這會學".chars() {
            assert_eq!(rank(c), Rank::Common, "{c}");
        }
        // GB 2312 level 2 / Big5 level 2.
        assert_eq!(rank('亍'), Rank::Uncommon);
        assert_eq!(rank('ア'), Rank::Bad);
        assert_eq!(rank('\u{E000}'), Rank::Bad);
        assert_eq!(rank('，'), Rank::Common);
    }

    #[test]
    fn a_misdecoding_scores_worse_than_the_right_decoding() {
        // "中文编码的问题" as GBK, decoded right (GBK) and wrong (Big5).
        let (bytes, _, _) = GBK.encode("中文编码的问题");
        let right = GBK.decode_without_bom_handling(&bytes).0;
        let wrong = BIG5.decode_without_bom_handling(&bytes).0;
        assert!(score(&right).penalty < score(&wrong).penalty, "{wrong}");
    }
}

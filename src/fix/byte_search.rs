/*!
Where in a text the artifact rules must look, found by searching for the
UTF-8 encodings of the characters they act on.

Each rule's characters begin with bytes that Chinese text is full of: EF
leads every fullwidth mark (，is EF BC 8C), E2 the curly quotes and the
ellipsis. A search for one such byte stopped at nearly every comma and
checked the bytes after it. These
automata search for two or three bytes at once, with aho-corasick's
vectorized prefilters, and stop only where a rule's character may be.
*/

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

/// Builds a leftmost-first automaton over byte strings.
fn searcher(needles: &[Vec<u8>]) -> AhoCorasick {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(needles)
        .expect("a few short needles fit an automaton")
}

/// U+200B–200D, U+2060 and U+FEFF, the characters of `zero-width`.
pub(super) static ZERO_WIDTH: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let chars = ['\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}'];
    searcher(&chars.map(|c| c.to_string().into_bytes()))
});

/// The first two bytes of the CJK compatibility ideographs: U+F900–FAFF
/// are EF A4 80 – EF AB BF, U+2F800–2FA1F are F0 AF A0 80 – F0 AF A8 9F.
pub(super) static COMPAT_START: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let mut needles: Vec<Vec<u8>> = (0xA4..=0xAB).map(|b| vec![0xEF, b]).collect();
    needles.push(vec![0xF0, 0xAF]);
    searcher(&needles)
});

/// The first two bytes of the radicals U+2E80–2FDF (E2 BA 80 – E2 BF 9F).
pub(super) static RADICAL_START: LazyLock<AhoCorasick> =
    LazyLock::new(|| searcher(&(0xBA..=0xBF).map(|b| vec![0xE2, b]).collect::<Vec<_>>()));

/// Byte offsets where a needle of `searcher` starts, in order (the
/// needles cannot overlap: each begins with a UTF-8 lead byte).
pub(super) fn starts<'a>(
    searcher: &'a AhoCorasick,
    text: &'a str,
) -> impl Iterator<Item = usize> + 'a {
    searcher.find_iter(text).map(|m| m.start())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each searcher finds exactly the characters whose encodings begin
    /// with its needles: the rules' ranges, rounded out to what two
    /// leading bytes can tell (F0 AF leads all of U+2F000–2FFFF, E2 BF also
    /// U+2FE0–2FFF; the rules check the character itself).
    #[test]
    fn searchers_find_their_characters_and_nothing_else() {
        let in_range = |c: char, ranges: &[(u32, u32)]| {
            ranges.iter().any(|&(a, b)| (a..=b).contains(&(c as u32)))
        };
        let cases: [(&AhoCorasick, &[(u32, u32)]); 3] = [
            (
                &ZERO_WIDTH,
                &[(0x200B, 0x200D), (0x2060, 0x2060), (0xFEFF, 0xFEFF)],
            ),
            (&COMPAT_START, &[(0xF900, 0xFAFF), (0x2F000, 0x2FFFF)]),
            (&RADICAL_START, &[(0x2E80, 0x2FFF)]),
        ];
        let sample: String = (0x20..0x3_0000u32)
            .step_by(7)
            .chain([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x2FA1F])
            .filter_map(char::from_u32)
            .collect();
        for (searcher, ranges) in cases {
            let expected: Vec<usize> = sample
                .char_indices()
                .filter(|&(_, c)| in_range(c, ranges))
                .map(|(i, _)| i)
                .collect();
            assert!(!expected.is_empty());
            assert_eq!(starts(searcher, &sample).collect::<Vec<_>>(), expected);
        }
    }

    /// The class bits that let fix skip a step (`tables::ZERO_WIDTH` …)
    /// mark exactly the characters the step's search stops at: a text
    /// with none of them gives the step nothing to do.
    #[test]
    fn class_bits_mark_what_each_search_stops_at() {
        use crate::fix::tables::{self, TABLES};
        let sample: String = (0x20..0x3_0000u32)
            .step_by(3)
            .chain([
                0x26, 0x28, 0xFF08, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x2FA1F,
            ])
            .chain(",:;?!()".chars().map(u32::from))
            .filter_map(char::from_u32)
            .collect();
        let marked = |bit: u16| -> Vec<usize> {
            sample
                .char_indices()
                .filter(|&(_, c)| TABLES.classes_of(c) & bit != 0)
                .map(|(i, _)| i)
                .collect()
        };
        for (searcher, bit) in [
            (&*ZERO_WIDTH, tables::ZERO_WIDTH),
            (&*COMPAT_START, tables::COMPAT),
            (&*RADICAL_START, tables::RADICAL),
        ] {
            assert_eq!(starts(searcher, &sample).collect::<Vec<_>>(), marked(bit));
        }
        let bytes_of = |pick: &dyn Fn(char) -> bool| -> Vec<usize> {
            sample
                .char_indices()
                .filter(|&(_, c)| pick(c))
                .map(|(i, _)| i)
                .collect()
        };
        assert_eq!(marked(tables::AMPERSAND), bytes_of(&|c| c == '&'));
        assert_eq!(marked(tables::PAREN), bytes_of(&|c| c == '(' || c == '（'));
        let marks = bytes_of(&|c| ",:;?!()".contains(c));
        assert_eq!(marked(tables::HALFWIDTH_MARK), marks);
    }
}

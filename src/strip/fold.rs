/*!
Folding for matching: rules and lines are compared after both went through
the same one-character-to-one-character map, so one rule written once in
Simplified with halfwidth punctuation also matches Traditional text and
fullwidth punctuation.

The map keeps the number of characters, so a match found in the folded
line points at the same characters of the original line (needed to trim a
credit off the end of a caption).

What folds:
- Traditional characters to their first Simplified candidate in OpenCC's
  `TSCharacters.txt` (one character at a time, never phrases: phrase
  conversion could change lengths and would treat a rule's text
  differently from a line's);
- Japanese Shinjitai (関, the output of `--to jp`) to Traditional by
  `JPShinjitaiCharacters.txt`, then on to Simplified, so that strip reads
  `--to jp` output as it read the text before conversion;
- fullwidth ASCII (U+FF01–FF5E) to ASCII, and the other colon forms
  `︰ ﹕ ∶` to `:`, `﹐ 、`-free comma forms `﹐` to `,`;
- every kind of space (ideographic space, no-break space, U+2000–200A) to
  a plain space;
- `丨` (a CJK stroke scraped pages use as a separator: `文丨张三`) to `|`.
*/

use std::sync::{Arc, LazyLock};

use crate::convert::builtin;
use crate::convert::DictData;

static TS_CHARACTERS: LazyLock<Arc<DictData>> = LazyLock::new(|| {
    // A bundled dictionary, pinned and compiled in by build.rs; its absence
    // is a build bug, not an input error.
    builtin::dict("TSCharacters.txt").expect("TSCharacters.txt is bundled")
});

static JP_CHARACTERS: LazyLock<Arc<DictData>> = LazyLock::new(|| {
    builtin::dict("JPShinjitaiCharacters.txt").expect("JPShinjitaiCharacters.txt is bundled")
});

/// The first candidate `dict` gives the single character `c`, if any.
fn lookup(dict: &DictData, c: char) -> Option<char> {
    let mut buf = [0u8; 4];
    let s = c.encode_utf8(&mut buf);
    match dict.longest_prefix(s) {
        Some((len, value)) if len == s.len() => value.chars().next(),
        _ => None,
    }
}

/// Folds one punctuation or space character; `None` if it is not one.
fn fold_punct(c: char) -> Option<char> {
    Some(match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21)?,
        '︰' | '﹕' | '∶' => ':',
        '﹐' => ',',
        '\u{3000}' | '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' => ' ',
        '丨' => '|',
        _ => return None,
    })
}

/// First and last code point of [`FOLD_BMP`]: the BMP ideographs
/// (Extension A, the unified block and the compatibility block).
const BMP_FIRST: u32 = 0x3400;
const BMP_LAST: u32 = 0xFAFF;

/// The fold of every code point from [`BMP_FIRST`] to [`BMP_LAST`], looked
/// up once: folding is a per-character question on every line strip reads,
/// and an index is many times cheaper than a dictionary lookup.
static FOLD_BMP: LazyLock<Box<[char]>> = LazyLock::new(|| {
    (BMP_FIRST..=BMP_LAST)
        .map(|cp| char::from_u32(cp).map_or('\u{FFFD}', fold_char_slow))
        .collect()
});

/// Builds the folding table if not built yet.
pub(crate) fn prepare() {
    LazyLock::force(&FOLD_BMP);
}

/// Folds one character (see the module doc).
pub fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    match c as u32 {
        cp @ BMP_FIRST..=BMP_LAST => FOLD_BMP[(cp - BMP_FIRST) as usize],
        _ => fold_char_slow(c),
    }
}

/// [`fold_char`] without the table.
fn fold_char_slow(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    if let Some(p) = fold_punct(c) {
        return p;
    }
    // CJK ideographs only: everything else stays as it is.
    if !matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F) {
        return c;
    }
    if let Some(s) = lookup(&TS_CHARACTERS, c) {
        return s;
    }
    match lookup(&JP_CHARACTERS, c) {
        Some(t) => lookup(&TS_CHARACTERS, t).unwrap_or(t),
        None => c,
    }
}

/// The folded form of `text`, with exactly as many characters.
pub fn fold(text: &str) -> String {
    // Folding keeps the characters' count and almost always their UTF-8
    // lengths (fullwidth forms become ASCII, so never longer). Runs of
    // characters that fold to themselves are copied whole.
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (i, c) in text.char_indices() {
        let f = fold_char(c);
        if f != c {
            out.push_str(&text[copied..i]);
            out.push(f);
            copied = i + c.len_utf8();
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Folds a regular expression written by a rule author. Characters that
/// fold to an ASCII regex metacharacter (`｜` `（` `）` …) are escaped so
/// that they stay literal, as the author meant.
pub fn fold_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    for c in pattern.chars() {
        let f = fold_char(c);
        if !c.is_ascii() && f.is_ascii() && regex_syntax_meta(f) {
            out.push('\\');
        }
        out.push(f);
    }
    out
}

fn regex_syntax_meta(c: char) -> bool {
    matches!(
        c,
        '\\' | '.'
            | '+'
            | '*'
            | '?'
            | '('
            | ')'
            | '|'
            | '['
            | ']'
            | '{'
            | '}'
            | '^'
            | '$'
            | '#'
            | '&'
            | '-'
            | '~'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_script_width_and_spaces() {
        assert_eq!(fold("來源：晨光日報"), "来源:晨光日报");
        assert_eq!(fold("編輯︰王一粟，校對"), "编辑:王一粟,校对");
        assert_eq!(fold("文丨张三\u{3000}作者"), "文|张三 作者");
        assert_eq!(fold("ＡＰＰ"), "APP");
        assert_eq!(fold("相関閲読"), "相关阅读");
    }

    /// The table gives what the dictionary gives, for every code point it
    /// covers (surrogates cannot occur in a `str`).
    #[test]
    fn table_agrees_with_the_dictionary() {
        for cp in BMP_FIRST..=BMP_LAST {
            if let Some(c) = char::from_u32(cp) {
                assert_eq!(fold_char(c), fold_char_slow(c), "U+{cp:04X}");
            }
        }
    }

    /// Copying unchanged runs whole gives what folding every character
    /// gives, with changes at the start, the end, between runs and none.
    #[test]
    fn run_copying_equals_folding_each_character() {
        for s in [
            "",
            "abc",
            "這是一段正文，来源：晨光日報。",
            "來",
            "来源ＡＰＰ",
            "正文\u{3000}結束 end",
        ] {
            assert_eq!(
                fold(s),
                s.chars().map(fold_char).collect::<String>(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn keeps_length() {
        let s = "鄭重聲明：本文版權歸原作者所有，如有侵權請聯絡刪除。";
        assert_eq!(fold(s).chars().count(), s.chars().count());
    }

    #[test]
    fn patterns_keep_fullwidth_metacharacters_literal() {
        assert_eq!(fold_pattern("（圖／張三）"), r"\(图/张三\)");
        assert_eq!(fold_pattern("文｜"), r"文\|");
        assert_eq!(fold_pattern(r"來源\s*:"), r"来源\s*:");
    }
}

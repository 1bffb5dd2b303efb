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

[`fold_view`] first undoes the Taiwan and Hong Kong phrasings that
`--to twp` and `--to hkp` write (列印 for 打印, 網路 for 網絡), by OpenCC's
`TWPhrasesRev.txt` and `HKPhrasesRev.txt`, where the two phrases have as
many characters: so strip reads converted output as it read the text
before conversion, and a second run decides what the first decided.
*/

use std::sync::{Arc, LazyLock};

use crate::convert::builtin;
use crate::convert::utf8::decode_three;
use crate::convert::DictData;

static TS_CHARACTERS: LazyLock<Arc<DictData>> = LazyLock::new(|| {
    // A bundled dictionary, pinned and compiled in by build.rs; its absence
    // is a build bug, not an input error.
    builtin::dict("TSCharacters.txt").expect("TSCharacters.txt is bundled")
});

static TW_PHRASES_REV: LazyLock<Arc<DictData>> =
    LazyLock::new(|| builtin::dict("TWPhrasesRev.txt").expect("TWPhrasesRev.txt is bundled"));

static HK_PHRASES_REV: LazyLock<Arc<DictData>> =
    LazyLock::new(|| builtin::dict("HKPhrasesRev.txt").expect("HKPhrasesRev.txt is bundled"));

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

/// First and last code point of [`FOLD3`]: every character that takes
/// three bytes in UTF-8, which is where Chinese text lives (the BMP
/// ideographs, CJK punctuation, fullwidth forms).
const THREE_FIRST: u32 = 0x0800;
const THREE_LAST: u32 = 0xFFFF;

/// The fold of every three-byte character, looked up once: folding is a
/// per-character question on every line strip reads, and an index is many
/// times cheaper than a dictionary lookup. An entry is 0 when the
/// character folds to itself, [`FOUR_BYTES`] when its fold takes four
/// bytes (a compatibility ideograph whose form is outside the BMP), else
/// the UTF-8 bytes of its fold (low bytes first) with their count in the
/// top byte, ready to copy.
static FOLD3: LazyLock<Box<[u32]>> = LazyLock::new(|| {
    (THREE_FIRST..=THREE_LAST)
        .map(|cp| match char::from_u32(cp) {
            // Surrogates cannot occur in a `str`.
            None => 0,
            Some(c) => packed_fold(c),
        })
        .collect()
});

/// A [`FOLD3`] entry for `c`.
fn packed_fold(c: char) -> u32 {
    let f = fold_char_slow(c);
    if f == c {
        return 0;
    }
    let mut buf = [0u8; 4];
    let len = f.encode_utf8(&mut buf).len();
    if len == 4 {
        return FOUR_BYTES;
    }
    u32::from_le_bytes([buf[0], buf[1], buf[2], 0]) | (len as u32) << 24
}

/// A [`FOLD3`] entry: the fold takes four bytes, ask [`fold_char_slow`].
const FOUR_BYTES: u32 = u32::MAX;

/// Builds the folding table if not built yet.
pub(crate) fn prepare() {
    LazyLock::force(&FOLD3);
    LazyLock::force(&TW_PHRASES_REV);
    LazyLock::force(&HK_PHRASES_REV);
}

/// `text` with the regional phrasings of conversion undone, then folded
/// (see the module doc), as many characters as `text`; `None` when no
/// phrasing was undone (the view is `fold(text)`).
pub fn fold_view(text: &str) -> Option<String> {
    match unphrase(text) {
        std::borrow::Cow::Borrowed(_) => None,
        std::borrow::Cow::Owned(s) => Some(fold(&s)),
    }
}

/// `text` with every phrase of the reverse regional dictionaries replaced
/// by its first candidate when that has as many characters (longest match
/// first, left to right).
fn unphrase(text: &str) -> std::borrow::Cow<'_, str> {
    let dicts: [&DictData; 2] = [&TW_PHRASES_REV, &HK_PHRASES_REV];
    if !text
        .chars()
        .any(|c| dicts.iter().any(|d| d.first_chars().contains(c)))
    {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut pos = 0;
    while pos < text.len() {
        let rest = &text[pos..];
        let c = rest.chars().next().expect("a character starts here");
        let found = dicts
            .iter()
            .filter(|d| d.first_chars().contains(c))
            .filter_map(|d| d.longest_prefix(rest))
            .filter_map(|(len, value)| {
                let first = value.split(' ').next()?;
                (first.chars().count() == rest[..len].chars().count()).then_some((len, first))
            })
            .max_by_key(|&(len, _)| len);
        match found {
            Some((len, value)) => {
                changed |= value != &rest[..len];
                out.push_str(value);
                pos += len;
            }
            None => {
                out.push(c);
                pos += c.len_utf8();
            }
        }
    }
    if changed {
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Folds one character (see the module doc).
pub fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    match c as u32 {
        cp @ THREE_FIRST..=THREE_LAST => match FOLD3[(cp - THREE_FIRST) as usize] {
            0 => c,
            FOUR_BYTES => fold_char_slow(c),
            packed => {
                let len = (packed >> 24) as usize;
                let bytes = packed.to_le_bytes();
                std::str::from_utf8(&bytes[..len])
                    .ok()
                    .and_then(|s| s.chars().next())
                    .expect("FOLD3 holds one UTF-8 character")
            }
        },
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
    jp_to_simplified(c).unwrap_or(c)
}

/// The Traditional candidates of each Shinjitai character with more than
/// one (挙: 擧 舉), from the bundled text of `JPShinjitaiCharacters.txt`
/// (the compiled dictionary keeps only the first candidate).
static JP_ALTERNATIVES: LazyLock<std::collections::HashMap<char, Vec<char>>> =
    LazyLock::new(|| {
        include_str!("../../dictionaries/opencc/JPShinjitaiCharacters.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (key, values) = l.split_once('\t')?;
                let key = key.chars().next()?;
                let all: Vec<char> = values.split(' ').filter_map(|v| v.chars().next()).collect();
                (all.len() > 1).then_some((key, all))
            })
            .collect()
    });

/// A Shinjitai character's Simplified form: of its Traditional candidates
/// (挙 has 擧 and 舉), the first that has one, else the first candidate.
fn jp_to_simplified(c: char) -> Option<char> {
    let first = lookup(&JP_CHARACTERS, c)?;
    let all = JP_ALTERNATIVES.get(&c).map_or(&[][..], Vec::as_slice);
    std::iter::once(first)
        .chain(all.iter().copied())
        .find_map(|t| lookup(&TS_CHARACTERS, t))
        .or(Some(first))
}

/// The folded form of `text`, with exactly as many characters.
pub fn fold(text: &str) -> String {
    // Folding keeps the characters' count and almost always their UTF-8
    // lengths (fullwidth forms become ASCII, so never longer). Runs of
    // characters that fold to themselves are copied whole; three-byte
    // characters, nearly all of a Chinese line, are decoded and looked up
    // in place (the packed table gives the fold's bytes to copy).
    let bytes = text.as_bytes();
    let table = &**FOLD3;
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b0 = bytes[i];
        if b0 < 0x80 {
            i += 1;
            continue;
        }
        if b0 & 0xF0 == 0xE0 {
            // SAFETY: `text` is valid UTF-8 and `b0` starts a three-byte
            // character, so bytes `i + 1` and `i + 2` exist and the code
            // point is in THREE_FIRST..=THREE_LAST (no overlong forms),
            // which the table covers. (The bounds checks cost a quarter of
            // this loop.)
            let packed = unsafe {
                let cp = decode_three(bytes, i);
                debug_assert!((THREE_FIRST..=THREE_LAST).contains(&cp));
                *table.get_unchecked((cp - THREE_FIRST) as usize)
            };
            if packed != 0 && packed != FOUR_BYTES {
                if copied < i {
                    out.extend_from_slice(&bytes[copied..i]);
                }
                let len = (packed >> 24) as usize;
                out.extend_from_slice(&packed.to_le_bytes()[..len]);
                copied = i + 3;
            }
            if packed != FOUR_BYTES {
                i += 3;
                continue;
            }
        }
        // Two- and four-byte characters, and the rare three-byte one
        // whose fold takes four: the general path.
        let c = text[i..].chars().next().expect("a character starts here");
        let n = c.len_utf8();
        let f = fold_char(c);
        if f != c {
            out.extend_from_slice(&bytes[copied..i]);
            let mut buf = [0u8; 4];
            out.extend_from_slice(f.encode_utf8(&mut buf).as_bytes());
            copied = i + n;
        }
        i += n;
    }
    out.extend_from_slice(&bytes[copied..]);
    debug_assert!(std::str::from_utf8(&out).is_ok());
    // SAFETY: `out` is runs of whole characters copied from `text` and
    // whole characters' UTF-8 (from the table or `encode_utf8`), in order:
    // valid UTF-8. Checking it again cost a third of folding.
    unsafe { String::from_utf8_unchecked(out) }
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
    fn shinjitai_folds_through_any_traditional_candidate() {
        assert_eq!(fold("分享収蔵挙報"), "分享收藏举报");
        assert_eq!(fold("閲読"), "阅读");
    }

    #[test]
    fn the_view_undoes_regional_phrasings_of_the_same_length() {
        assert_eq!(fold_view("【列印本頁】").unwrap(), "【打印本页】");
        assert_eq!(fold_view("圖片來源於網路").unwrap(), "图片来源于网络");
        assert_eq!(fold_view("打印本页"), None);
        for s in ["部落格", "計程車上的資訊"] {
            let n = fold_view(s).map_or(0, |v| v.chars().count());
            assert!(n == 0 || n == s.chars().count(), "{s}");
        }
    }

    #[test]
    fn folds_script_width_and_spaces() {
        assert_eq!(fold("來源：晨光日報"), "来源:晨光日报");
        assert_eq!(fold("編輯︰王一粟，校對"), "编辑:王一粟,校对");
        assert_eq!(fold("文丨张三\u{3000}作者"), "文|张三 作者");
        assert_eq!(fold("ＡＰＰ"), "APP");
        assert_eq!(fold("相関閲読"), "相关阅读");
    }

    /// The table gives what the dictionary gives, for every code point it
    /// covers (surrogates cannot occur in a `str`), and `fold` of each
    /// character alone gives the same.
    #[test]
    fn table_agrees_with_the_dictionary() {
        for cp in THREE_FIRST..=THREE_LAST {
            if let Some(c) = char::from_u32(cp) {
                assert_eq!(fold_char(c), fold_char_slow(c), "U+{cp:04X}");
                assert_eq!(
                    fold(&c.to_string()),
                    fold_char_slow(c).to_string(),
                    "U+{cp:04X}"
                );
            }
        }
    }

    /// The byte-wise fold equals folding every character, on text mixing
    /// one-, two-, three- and four-byte characters that fold and that do
    /// not, in every order (a pseudo-random walk over a fixed alphabet).
    #[test]
    fn byte_wise_fold_equals_folding_each_character() {
        let alphabet: Vec<char> = "a:，\u{3000}\u{00A0}é來来ＡＰ丨\u{20000}\u{2A6D6}\u{4E28}関閲。！？︰﹕∶﹐\u{FFFD}\u{0800}\u{07FF}\u{2028}𠮷"
            .chars()
            .collect();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for len in 0..200 {
            let s = crate::test_text::random_text(&alphabet, len, &mut state);
            assert_eq!(
                fold(&s),
                s.chars().map(fold_char_slow).collect::<String>(),
                "{s:?}"
            );
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

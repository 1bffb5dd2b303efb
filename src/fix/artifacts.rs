/*!
Scraping artifacts, one rule each: HTML entities, zero-width characters,
compatibility ideographs, radical characters, pinyin annotations and
halfwidth punctuation between CJK characters.

Each function plans edits on the text it is given (see
[`Edit`](super::Edit)); the caller filters, applies and records them.
*/

use std::sync::{Arc, LazyLock};

use super::byte_search::{starts, COMPAT_START, RADICAL_START, ZERO_WIDTH};
use super::chars::{is_han, HALFWIDTH_MARK, PUNCT};
use super::memo::{placed, LineEdit, LineMemo};
use super::radical_table::RADICALS;
use super::{Edit, FixOptions, PlannedNote, Rule, Text};
use crate::convert::{builtin_dict, DictData};

/// Rule `html-entity`: decodes `&name;`, `&#NNN;` and `&#xHHH;`, unless the
/// result would begin a new entity with the text after it (`&amp;lt;` stays,
/// so that a second run changes nothing).
pub(super) fn html_entities(
    text: &str,
    _: &FixOptions,
    _: &mut Vec<PlannedNote>,
    _: &mut LineMemo,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    for (at, _) in text.match_indices('&') {
        let Some((len, decoded)) = parse_entity(&text[at..]) else {
            continue;
        };
        let after: String = text[at + len..].chars().take(12).collect();
        if decoded == '&' && parse_entity(&format!("&{after}")).is_some() {
            continue;
        }
        if edits.last().is_some_and(|e: &Edit| e.range.end > at) {
            continue;
        }
        edits.push(Edit {
            range: at..at + len,
            to: decoded.into(),
            rule: Rule::HtmlEntity,
        });
    }
    edits
}

/// Named entities decoded (the ones scraped Chinese text carries).
const NAMED_ENTITIES: [(&str, char); 26] = [
    ("nbsp", '\u{a0}'),
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("middot", '·'),
    ("hellip", '…'),
    ("mdash", '—'),
    ("ndash", '–'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("copy", '©'),
    ("reg", '®'),
    ("trade", '™'),
    ("times", '×'),
    ("divide", '÷'),
    ("yen", '¥'),
    ("deg", '°'),
];

/// An entity at the start of `s` (which starts with `&`): its byte length
/// and the character it stands for.
fn parse_entity(s: &str) -> Option<(usize, char)> {
    let body = s.strip_prefix('&')?;
    let end = body.char_indices().take(12).find(|(_, c)| *c == ';')?.0;
    let name = &body[..end];
    let c = if let Some(num) = name.strip_prefix('#') {
        let value = match num.strip_prefix(['x', 'X']) {
            Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                u32::from_str_radix(hex, 16).ok()?
            }
            Some(_) => return None,
            None if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) => {
                num.parse().ok()?
            }
            None => return None,
        };
        char::from_u32(value).filter(|c| *c != '\0')?
    } else {
        NAMED_ENTITIES.iter().find(|(n, _)| *n == name)?.1
    };
    Some((end + 2, c))
}

/// Rule `zero-width`: removes U+200B, U+2060 and U+FEFF (except a BOM at
/// the very start, which is the decoder's business), and U+200C/U+200D
/// when both neighbours are CJK, ASCII or a line edge, so that joiners in
/// emoji and other scripts stay.
pub(super) fn zero_width(
    text: &str,
    _: &FixOptions,
    _: &mut Vec<PlannedNote>,
    _: &mut LineMemo,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    // Most texts have none of these characters, and need no char list.
    if !ZERO_WIDTH.is_match(text) {
        return edits;
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        let remove = match c {
            '\u{200b}' | '\u{2060}' => true,
            '\u{feff}' => at > 0,
            '\u{200c}' | '\u{200d}' => {
                let plain = |n: Option<&(usize, char)>| {
                    n.is_none_or(|&(_, c)| c.is_ascii() || is_cjk(c) || is_zero_width(c))
                };
                plain(i.checked_sub(1).and_then(|j| chars.get(j))) && plain(chars.get(i + 1))
            }
            _ => false,
        };
        if remove {
            edits.push(Edit {
                range: at..at + c.len_utf8(),
                to: Text::EMPTY,
                rule: Rule::ZeroWidth,
            });
        }
    }
    edits
}

fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
}

/// Han, CJK symbols and punctuation, kana, fullwidth forms, radicals.
fn is_cjk(c: char) -> bool {
    is_han(c)
        || matches!(c as u32, 0x2E80..=0x2FDF | 0x3000..=0x30FF | 0x3100..=0x312F | 0xFF00..=0xFFEF)
}

static COMPAT: LazyLock<Arc<DictData>> = LazyLock::new(|| {
    builtin_dict("CJK_Compatibility_Ideographs.txt")
        .expect("bundled dictionary CJK_Compatibility_Ideographs.txt is missing")
});

/// Rule `compat-ideograph`: CJK compatibility ideographs → unified ones, by
/// OpenCC's normalization table.
pub(super) fn compat_ideographs(
    text: &str,
    _: &FixOptions,
    _: &mut Vec<PlannedNote>,
    _: &mut LineMemo,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    // Look at the text only from where the first one may start.
    let Some(first) = starts(&COMPAT_START, text).next() else {
        return edits;
    };
    for (at, c) in text[first..].char_indices() {
        let at = first + at;
        if !matches!(c as u32, 0xF900..=0xFAFF | 0x2F800..=0x2FA1F) {
            continue;
        }
        let end = at + c.len_utf8();
        if let Some((len, to)) = COMPAT.longest_prefix(&text[at..end]) {
            if len == c.len_utf8() && to != &text[at..end] {
                edits.push(Edit {
                    range: at..end,
                    to: to.into(),
                    rule: Rule::CompatIdeograph,
                });
            }
        }
    }
    edits
}

/// Rule `kangxi-radical`: a radical character next to Han text (or another
/// radical) → its equivalent unified ideograph. A radical standing alone (a
/// list of radicals, a glyph table) is left as written.
pub(super) fn radicals(
    text: &str,
    _: &FixOptions,
    _: &mut Vec<PlannedNote>,
    _: &mut LineMemo,
) -> Vec<Edit> {
    // Radicals are U+2E80–2FDF: E2 BA 80 – E2 BF 9F in UTF-8, so only
    // the places of those bytes are looked at, with their neighbours.
    let lookup = |c: char| {
        RADICALS
            .binary_search_by_key(&c, |(r, _)| *r)
            .ok()
            .map(|i| RADICALS[i].1)
    };
    let han_or_radical = |n: Option<char>| n.is_some_and(|n| is_han(n) || lookup(n).is_some());
    let mut edits = Vec::new();
    for at in starts(&RADICAL_START, text) {
        let Some(c) = text[at..].chars().next() else {
            continue;
        };
        let Some(to) = lookup(c) else { continue };
        let end = at + c.len_utf8();
        if han_or_radical(text[..at].chars().next_back())
            || han_or_radical(text[end..].chars().next())
        {
            edits.push(Edit {
                range: at..end,
                to: to.into(),
                rule: Rule::KangxiRadical,
            });
        }
    }
    edits
}

/// Vowels with tone marks (and ü), which mark a parenthesis as pinyin.
const TONE_VOWELS: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ";

/// Rule `pinyin-annotation`: `當(dāng)前` → `當前`. The parenthesis must
/// follow a Han character and hold at most as many syllables as there are
/// Han characters right before it (and at most four), each syllable Latin
/// letters with a tone mark or a tone digit 1–5, so an English gloss such
/// as `(app)` is never taken for pinyin.
pub(super) fn pinyin(
    text: &str,
    _: &FixOptions,
    _: &mut Vec<PlannedNote>,
    _: &mut LineMemo,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    // Opening parentheses, ( and （ (EF BC 88), each found by its own
    // vectorized search (a search for either lead byte stops at every
    // fullwidth mark).
    let b = text.as_bytes();
    let mut opens: Vec<(usize, char)> = memchr::memchr_iter(b'(', b)
        .map(|i| (i, '('))
        .chain(memchr::memmem::find_iter(b, "（").map(|i| (i, '（')))
        .collect();
    opens.sort_unstable();
    for (at, open) in opens {
        let before = &text[..at];
        // At most four syllables are taken, so four characters tell.
        let han_before = before
            .chars()
            .rev()
            .take(4)
            .take_while(|c| is_han(*c))
            .count();
        if han_before == 0 {
            continue;
        }
        let inner_start = at + open.len_utf8();
        let rest = &text[inner_start..];
        // The content runs up to the first character that cannot be in an
        // annotation: it must be the closing parenthesis. Searching for
        // the closer instead went to the end of the text from every `(`
        // that has none (quadratic), and that content could never be
        // pinyin anyway. A run stops at the next `(`, so the runs read
        // from all the parentheses are disjoint.
        let close = rest
            .find(|c: char| !may_be_in_pinyin(c))
            .unwrap_or(rest.len());
        if !rest[close..].starts_with([')', '）']) {
            continue;
        }
        let inner = &rest[..close];
        let close_len = rest[close..].chars().next().map_or(1, char::len_utf8);
        let syllables: Vec<&str> = inner.split([' ', '\'']).filter(|s| !s.is_empty()).collect();
        if syllables.is_empty()
            || syllables.len() > han_before.min(4)
            || !syllables.iter().all(|s| is_pinyin_syllable(s))
        {
            continue;
        }
        edits.push(Edit {
            range: at..inner_start + close + close_len,
            to: Text::EMPTY,
            rule: Rule::PinyinAnnotation,
        });
    }
    edits
}

/// Whether `c` may stand in a pinyin annotation: a letter or tone digit
/// of [`is_pinyin_syllable`] or a separator. Nothing else passes there.
fn may_be_in_pinyin(c: char) -> bool {
    c.is_ascii_lowercase()
        || ('1'..='5').contains(&c)
        || c == ' '
        || c == '\''
        || c == 'ü'
        || TONE_VOWELS.contains(c)
}

fn is_pinyin_syllable(s: &str) -> bool {
    let (letters, digit) = match s.strip_suffix(|c: char| ('1'..='5').contains(&c)) {
        Some(l) => (l, true),
        None => (s, false),
    };
    let lower = |c: char| c.is_ascii_lowercase() || c == 'ü' || TONE_VOWELS.contains(c);
    let marked = letters.chars().filter(|c| TONE_VOWELS.contains(*c)).count();
    !letters.is_empty()
        && letters.chars().count() <= 6
        && letters.chars().all(lower)
        && letters
            .chars()
            .any(|c| "aeiouü".contains(c) || TONE_VOWELS.contains(c))
        && (digit && marked == 0 || !digit && marked == 1)
}

/// The first byte of `b` at or after `from` that is a halfwidth mark of
/// [`PUNCT`]. Eight bytes at a time: the marks are ASCII and Chinese text
/// is mostly bytes of 0x80 and above, so a word without an ASCII byte is
/// passed over whole.
fn next_mark(b: &[u8], from: usize) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(chunk) = b.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        if word & HIGH != HIGH {
            if let Some(j) = chunk.iter().position(|&x| HALFWIDTH_MARK[usize::from(x)]) {
                return Some(i + j);
            }
        }
        i += 8;
    }
    b[i.min(b.len())..]
        .iter()
        .position(|&x| HALFWIDTH_MARK[usize::from(x)])
        .map(|j| i + j)
}

/// Closing CJK marks that may stand left of a converted mark.
fn is_cjk_closer(c: char) -> bool {
    matches!(c, '」' | '』' | '）' | '》' | '】' | '〉' | '”' | '’')
}

/// Opening CJK marks that may stand right of a converted mark.
fn is_cjk_opener(c: char) -> bool {
    matches!(c, '「' | '『' | '（' | '《' | '【' | '〈' | '“' | '‘')
}

/// Rule `fullwidth-punct`: halfwidth `, : ; ? !` with a Han character (or a
/// CJK closing mark) right before and a Han character (or CJK opening mark)
/// right after → fullwidth; a `( … )` pair on one line whose content has Han
/// text and with Han text right outside → `（ … ）`. Marks inside a URL are
/// never touched. A comma between two runs of at most three Han characters
/// may be an enumeration comma `、`: it is left alone and reported.
pub(super) fn fullwidth_punct(
    text: &str,
    _: &FixOptions,
    notes: &mut Vec<PlannedNote>,
    memo: &mut LineMemo,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    let b = text.as_bytes();
    // Only lines holding a halfwidth mark need a look: find the marks by a
    // byte scan and plan each line that holds one (once per line text).
    let mut from = 0;
    while let Some(hit) = next_mark(b, from) {
        let start = memchr::memrchr(b'\n', &b[..hit]).map_or(0, |i| i + 1);
        let next = memchr::memchr(b'\n', &b[hit..]).map_or(b.len(), |i| hit + i + 1);
        let mut end = next;
        if end > start && b[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && b[end - 1] == b'\r' {
            end -= 1;
        }
        from = next;
        let line = &text[start..end];
        let planned;
        let (line_edits, line_notes) = match memo.punct(line) {
            Some(known) => known,
            None => {
                planned = plan_punct_line(line);
                memo.keep_punct(line, planned.clone());
                (&planned.0[..], &planned.1[..])
            }
        };
        edits.extend(placed(line_edits, start));
        notes.extend(line_notes.iter().map(|&at| PlannedNote {
            range: start + at..start + at + 1,
            id: "enumeration-comma",
            message: "comma between short items: may be an enumeration comma 、 (left halfwidth, or made `，` where its sentence has one)",
        }));
    }
    edits
}

/// The fullwidth edits of one line (offset in the line, length, new
/// character, rule) and the offsets of the commas it reports.
pub(super) fn plan_punct_line(line: &str) -> (Vec<LineEdit>, Vec<usize>) {
    let mut edits = Vec::new();
    let mut notes = Vec::new();
    // In source code or a configuration line the marks are syntax.
    if is_code_like(line) {
        return (edits, notes);
    }
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut in_url = url_mask(&chars);
    for (masked, in_path) in in_url.iter_mut().zip(path_mask(&chars)) {
        *masked |= in_path;
    }
    let mut now: Vec<char> = chars.iter().map(|(_, c)| *c).collect();
    let mut reported = vec![false; now.len()];
    // Repeat until nothing more converts, so that a mark next to one
    // converted in this run is decided as a second run would decide it.
    loop {
        let mut changed = false;
        for i in 0..now.len() {
            if in_url[i] || reported[i] {
                continue;
            }
            let c = now[i];
            match c {
                ',' | ':' | ';' | '?' | '!' => {
                    let left = i > 0 && (is_han(now[i - 1]) || is_cjk_closer(now[i - 1]));
                    let right = now
                        .get(i + 1)
                        .is_some_and(|n| is_han(*n) || is_cjk_opener(*n));
                    if !(left && right) {
                        continue;
                    }
                    if c == ',' && maybe_enumeration(&now, i) {
                        reported[i] = true;
                        notes.push(chars[i].0);
                        continue;
                    }
                    now[i] = fullwidth(c);
                    changed = true;
                }
                '(' => {
                    let Some(len) = now[i + 1..].iter().position(|c| *c == ')' || *c == '(') else {
                        continue;
                    };
                    let j = i + 1 + len;
                    if now[j] != ')' || in_url[j] {
                        continue;
                    }
                    let inner_han = now[i + 1..j].iter().any(|c| is_han(*c));
                    let outside_han =
                        (i > 0 && is_han(now[i - 1])) || now.get(j + 1).is_some_and(|c| is_han(*c));
                    if inner_han && outside_han {
                        now[i] = '（';
                        now[j] = '）';
                        changed = true;
                    }
                }
                _ => {}
            }
        }
        if !changed {
            break;
        }
    }
    one_comma_per_sentence(&mut now, &reported);
    for (i, &(at, old)) in chars.iter().enumerate() {
        if now[i] != old {
            edits.push((at, old.len_utf8(), now[i], Rule::FullwidthPunct));
        }
    }
    (edits, notes)
}

/// Sentence ends: a sentence runs from after one to the next.
fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '…')
}

/// Makes one choice of comma per sentence: where a sentence ends up with
/// both `，` and a `,` between CJK characters that was left as a possible
/// enumeration comma (紅,黃,藍 beside 買了，), that comma becomes `，` too
/// (still reported: it may be a `、`), so no sentence mixes the two.
fn one_comma_per_sentence(now: &mut [char], reported: &[bool]) {
    let mut start = 0;
    while start < now.len() {
        let end = now[start..]
            .iter()
            .position(|c| is_sentence_end(*c))
            .map_or(now.len(), |k| start + k + 1);
        if now[start..end].contains(&'，') {
            for i in start..end {
                if reported[i] && now[i] == ',' {
                    now[i] = '，';
                }
            }
        }
        start = end;
    }
}

/// Whether `line` reads as source code or configuration, where halfwidth
/// marks are syntax: a comment (`//`, `/*`), a preprocessor line
/// (`#include`), a statement end (`;`, `{` or `}` ending the line), an
/// assignment (`a = b`, `a=1`) or a call (`printf("%d", n)`, `f(x,y)`:
/// an ASCII name right before `(`, and ASCII letters inside, no Han).
fn is_code_like(line: &str) -> bool {
    let trimmed = line.trim();
    let ascii_word_before = |i: usize| trimmed[..i].chars().next_back().is_some_and(is_ascii_word);
    trimmed.contains("//")
        || trimmed.contains("/*")
        || trimmed.ends_with([';', '{', '}'])
        || trimmed.starts_with('}')
        || ["#include", "#define", "#!"]
            .iter()
            .any(|p| trimmed.starts_with(p))
        || trimmed
            .match_indices('=')
            .any(|(i, _)| ascii_word_before(i) || trimmed[..i].ends_with(' '))
        || has_call(trimmed)
}

fn is_ascii_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether some `(` in `line` opens a call: an ASCII name right before it,
/// a `)` after it, and between the two nothing or ASCII letters, no Han.
///
/// One pass from the end, which knows at each `(` what lies between it
/// and the next `)`: a line of many `(` and no `)` (scraped text can hold
/// thousands) must not be scanned to its end once per `(`.
fn has_call(line: &str) -> bool {
    // What lies between the current position and the nearest `)` to its
    // right (`closed`: there is one).
    let (mut closed, mut empty, mut letter, mut han) = (false, true, false, false);
    // The `(` just passed opens a call if the character before it (the
    // next one in this backward walk) is a name's.
    let mut pending = false;
    for c in line.chars().rev() {
        if pending && is_ascii_word(c) {
            return true;
        }
        pending = false;
        if c == ')' {
            (closed, empty, letter, han) = (true, true, false, false);
            continue;
        }
        if c == '(' {
            pending = closed && !han && (empty || letter);
        }
        empty = false;
        letter |= c.is_ascii_alphabetic();
        han |= is_han(c);
    }
    false
}

/// Marks the characters of a line that belong to a file path: a run
/// without whitespace or CJK punctuation that holds two separators (`/`,
/// `\\`), one of them beside an ASCII letter or digit (`/home/用戶/文件`,
/// `C:\\Users\\me`). A single slash (我們/他們) is no path.
fn path_mask(chars: &[(usize, char)]) -> Vec<bool> {
    let text: Vec<char> = chars.iter().map(|(_, c)| *c).collect();
    let mut mask = vec![false; text.len()];
    let ends_run = |c: char| {
        c.is_whitespace() || matches!(c as u32, 0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20)
    };
    let separator = |c: char| matches!(c, '/' | '\\');
    let mut i = 0;
    while i < text.len() {
        let start = i;
        while i < text.len() && !ends_run(text[i]) {
            i += 1;
        }
        let run = &text[start..i];
        let separators = run.iter().filter(|c| separator(**c)).count();
        let beside_ascii = (0..run.len()).any(|k| {
            separator(run[k])
                && [k.checked_sub(1), Some(k + 1)]
                    .into_iter()
                    .flatten()
                    .any(|j| run.get(j).is_some_and(char::is_ascii_alphanumeric))
        });
        if separators >= 2 && beside_ascii {
            mask[start..i].fill(true);
        }
        i = i.max(start + 1);
    }
    mask
}

fn fullwidth(c: char) -> char {
    PUNCT.iter().find(|(h, _)| *h == c).map_or(c, |(_, f)| *f)
}

/// Whether the comma at `i` may separate list items: it stands between two
/// runs of one to three Han characters, each bounded by punctuation, space
/// or the line's edge; or one of its runs is that short and bounded by
/// another comma or 、, continuing a list (紅,黃,藍三種: the second comma
/// follows the one-character item 黃).
fn maybe_enumeration(line: &[char], i: usize) -> bool {
    let left = line[..i].iter().rev().take_while(|c| is_han(**c)).count();
    let right = line[i + 1..].iter().take_while(|c| is_han(**c)).count();
    let before = i.checked_sub(left + 1).map(|j| line[j]);
    let after = line.get(i + 1 + right).copied();
    let short = |n: usize| (1..=3).contains(&n);
    let bounded = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    let list_mark = |c: Option<char>| matches!(c, Some(',' | '、'));
    (short(left) && short(right) && bounded(before) && bounded(after))
        || (short(left) && list_mark(before))
        || (short(right) && list_mark(after))
}

/// Marks the characters of a line that belong to a URL: from `http://`,
/// `https://` or `www.` up to the next whitespace or CJK punctuation.
fn url_mask(chars: &[(usize, char)]) -> Vec<bool> {
    let text: Vec<char> = chars.iter().map(|(_, c)| *c).collect();
    let mut mask = vec![false; text.len()];
    let starts_with = |i: usize, p: &str| {
        (i..)
            .zip(p.chars())
            .all(|(k, pc)| text.get(k).map(char::to_ascii_lowercase) == Some(pc))
    };
    let mut i = 0;
    while i < text.len() {
        // Only an `h` or a `w` may start one: most characters ask nothing.
        let may_start = matches!(text[i], 'h' | 'H' | 'w' | 'W');
        if may_start
            && (starts_with(i, "http://") || starts_with(i, "https://") || starts_with(i, "www."))
        {
            let mut j = i;
            while j < text.len()
                && !text[j].is_whitespace()
                && !matches!(text[j] as u32, 0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20)
            {
                mask[j] = true;
                j += 1;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    mask
}

#[cfg(test)]
mod next_mark_tests {
    use super::*;

    /// The word-at-a-time search finds what a byte-by-byte one finds, at
    /// every start and alignment.
    #[test]
    fn finds_the_first_mark_like_a_plain_scan() {
        let text = "中文,句子。這是「引號」:还有?English words! 以及(括号)结束\n第二行;完";
        let b = text.as_bytes();
        for from in 0..=b.len() {
            let plain = b[from..]
                .iter()
                .position(|&x| HALFWIDTH_MARK[usize::from(x)])
                .map(|j| from + j);
            assert_eq!(next_mark(b, from), plain, "from {from}");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use super::super::{FixOptions, Fixer, Rule};
    use super::{has_call, is_ascii_word, is_han, is_pinyin_syllable, pinyin, LineMemo};

    /// The byte-level prefilters of `zero-width` and `kangxi-radical` see
    /// every character those rules act on.
    #[test]
    fn prefilters_cover_what_the_rules_change() {
        for (cp, _) in super::RADICALS {
            let text = format!("中{cp}文");
            assert_eq!(
                super::starts(&super::RADICAL_START, &text).collect::<Vec<_>>(),
                [3],
                "{cp}"
            );
        }
        for c in ['\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}'] {
            assert_eq!(
                fix_with(Rule::ZeroWidth, &format!("中{c}文")),
                "中文",
                "{c:?}"
            );
        }
        assert_eq!(fix_with(Rule::KangxiRadical, "\u{2F08}們"), "人們");
    }

    fn fix_with(rule: Rule, text: &str) -> String {
        Fixer::new(FixOptions::default().only(&[rule]))
            .fix(text)
            .text
            .into_owned()
    }

    #[test]
    fn html_entities_are_decoded_once() {
        let cases = [
            ("中&nbsp;文&amp;字&#x4E2D;&#20013;", "中\u{a0}文&字中中"),
            ("&amp;lt; stays one level", "&amp;lt; stays one level"),
            (
                "a=1&b=2 &unknown; &#xZZ; &#;",
                "a=1&b=2 &unknown; &#xZZ; &#;",
            ),
            ("&ldquo;好&rdquo;", "“好”"),
        ];
        for (input, expected) in cases {
            assert_eq!(fix_with(Rule::HtmlEntity, input), expected, "{input}");
        }
    }

    #[test]
    fn zero_width_characters_are_removed_not_spaced() {
        let cases = [
            ("中\u{200b}文\u{2060}字\u{feff}", "中文字"),
            ("\u{feff}開頭", "\u{feff}開頭"),
            ("中\u{200d}文", "中文"),
            ("👨\u{200d}👩", "👨\u{200d}👩"),
        ];
        for (input, expected) in cases {
            assert_eq!(fix_with(Rule::ZeroWidth, input), expected, "{input:?}");
        }
    }

    #[test]
    fn compatibility_ideographs_become_unified() {
        // U+F900 豈 and U+2F800 丽 are compatibility ideographs.
        assert_eq!(
            fix_with(Rule::CompatIdeograph, "\u{f900}\u{2f800}字"),
            "豈丽字"
        );
        let s2t = crate::convert::Converter::new("s2t").unwrap();
        // Agrees with OpenCC's own normalization.
        assert_eq!(
            fix_with(Rule::CompatIdeograph, "\u{f91f}"),
            s2t.convert("\u{f91f}").as_ref()
        );
    }

    #[test]
    fn radicals_among_han_become_ideographs() {
        let cases = [
            ("\u{2F08}們", "人們"),     // ⼈ KANGXI RADICAL MAN
            ("中\u{2EA0}國", "中民國"), // ⺠ CJK RADICAL CIVILIAN
            ("radical \u{2F08} alone", "radical \u{2F08} alone"),
        ];
        for (input, expected) in cases {
            assert_eq!(fix_with(Rule::KangxiRadical, input), expected, "{input}");
        }
    }

    #[test]
    fn pinyin_annotations_are_removed() {
        let cases = [
            ("當(dāng)前", "當前"),
            ("銀行（yín háng）", "銀行"),
            ("行(hang2)業", "行業"),
            ("應用(app)程序", "應用(app)程序"),
            ("說(see below)", "說(see below)"),
            ("(dāng)開頭", "(dāng)開頭"),
        ];
        for (input, expected) in cases {
            assert_eq!(fix_with(Rule::PinyinAnnotation, input), expected, "{input}");
        }
    }

    /// What `pinyin` planned when it searched for the closing parenthesis
    /// from each opening one (time quadratic without a closer): the
    /// oracle that the bounded scan must agree with.
    fn pinyin_by_search(text: &str) -> Vec<Range<usize>> {
        let mut ranges = Vec::new();
        let b = text.as_bytes();
        let mut opens: Vec<(usize, char)> = memchr::memchr_iter(b'(', b)
            .map(|i| (i, '('))
            .chain(memchr::memmem::find_iter(b, "（").map(|i| (i, '（')))
            .collect();
        opens.sort_unstable();
        for (at, open) in opens {
            let han_before = text[..at].chars().rev().take_while(|c| is_han(*c)).count();
            if han_before == 0 {
                continue;
            }
            let inner_start = at + open.len_utf8();
            let rest = &text[inner_start..];
            let Some(close) = rest.find([')', '）']) else {
                continue;
            };
            let inner = &rest[..close];
            let close_len = rest[close..].chars().next().map_or(1, char::len_utf8);
            let syllables: Vec<&str> = inner.split([' ', '\'']).filter(|s| !s.is_empty()).collect();
            if syllables.is_empty()
                || syllables.len() > han_before.min(4)
                || !syllables.iter().all(|s| is_pinyin_syllable(s))
            {
                continue;
            }
            ranges.push(at..inner_start + close + close_len);
        }
        ranges
    }

    /// The scan that stops at the first character no annotation holds
    /// plans what the search for the closer planned, on texts dense in
    /// parentheses, pinyin letters, separators and Han characters.
    #[test]
    fn pinyin_scan_plans_what_the_search_for_the_closer_planned() {
        let alphabet = [
            "當", "前", "中文", "(", "（", ")", "）", "dāng", "hang2", "qián", "ü", " ", "'",
            "an5", "x", "A", "1", ",", "\n",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut planned = 0;
        for _ in 0..20_000 {
            let len = (state >> 59) as usize + 1;
            let text: String = (0..len)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    alphabet[(state >> 33) as usize % alphabet.len()]
                })
                .collect();
            let ranges: Vec<Range<usize>> = pinyin(
                &text,
                &FixOptions::default(),
                &mut Vec::new(),
                &mut LineMemo::default(),
            )
            .into_iter()
            .map(|e| e.range)
            .collect();
            assert_eq!(ranges, pinyin_by_search(&text), "{text:?}");
            planned += ranges.len();
        }
        assert!(planned > 100, "only {planned} annotations planned");
    }

    #[test]
    fn halfwidth_punctuation_between_cjk_becomes_fullwidth() {
        let cases = [
            ("光錐智能,作者說:好嗎?好!", "光錐智能，作者說：好嗎？好!"),
            ("資本永不停,Open AI", "資本永不停,Open AI"),
            ("數字3,000和1:2", "數字3,000和1:2"),
            ("他說(大意)如此", "他說（大意）如此"),
            ("見https://例子.com/a,中文頁", "見https://例子.com/a,中文頁"),
            ("English, text: here", "English, text: here"),
        ];
        for (input, expected) in cases {
            assert_eq!(fix_with(Rule::FullwidthPunct, input), expected, "{input}");
        }
    }

    #[test]
    fn code_urls_and_paths_keep_their_marks() {
        let stay = [
            "printf(\"結果,%d\", 數值);",
            "int 長度=計算(a,b);",
            "// 註解:這裡,那裡",
            "/* 說明:開始 */",
            "if (條件) {",
            "變數 = 值,另一個",
            "call(x,中文)",
            "見https://例子.com/a,中文頁",
            "放在/home/用戶,資料夾裡",
            "路徑C:\\使用者\\文件,備份",
        ];
        for input in stay {
            assert_eq!(fix_with(Rule::FullwidthPunct, input), input);
        }
        // Prose with an English name before a parenthesis, or one slash,
        // is no code or path.
        let change = [
            (
                "他們用ChatGPT(聊天機器人)寫了文章,大家很喜歡",
                "他們用ChatGPT（聊天機器人）寫了文章，大家很喜歡",
            ),
            ("我們/他們都來了,然後走了", "我們/他們都來了，然後走了"),
        ];
        for (input, expected) in change {
            assert_eq!(fix_with(Rule::FullwidthPunct, input), expected, "{input}");
        }
    }

    /// The one-pass call test agrees with the plain definition (a scan
    /// from each `(` to the next `)`) on every line of up to six
    /// characters over a small alphabet.
    #[test]
    fn the_one_pass_call_test_agrees_with_a_scan_per_parenthesis() {
        let scan = |t: &str| {
            t.match_indices('(').any(|(i, _)| {
                let inside = t[i + 1..].split(')').next().unwrap_or("");
                t[..i].chars().next_back().is_some_and(is_ascii_word)
                    && t[i + 1..].contains(')')
                    && (inside.is_empty() || inside.chars().any(|c| c.is_ascii_alphabetic()))
                    && !inside.chars().any(is_han)
            })
        };
        let alphabet = ['a', '1', '中', '(', ')', ' '];
        let mut lines = vec![String::new()];
        for _ in 0..6 {
            let longer: Vec<String> = lines
                .iter()
                .flat_map(|l| alphabet.iter().map(move |&c| format!("{l}{c}")))
                .collect();
            for line in &longer {
                assert_eq!(has_call(line), scan(line), "{line:?}");
            }
            lines = longer;
        }
    }

    /// A sentence never keeps both `，` and a halfwidth comma between CJK
    /// characters: a possible enumeration comma beside a converted one
    /// becomes `，` too (and is still reported).
    #[test]
    fn one_comma_per_sentence() {
        let fixer = Fixer::new(FixOptions::default().only(&[Rule::FullwidthPunct]));
        let fixed = fixer.fix("買了很多水果,大家都很喜歡,紅,黃,藍都有。紅,黃,藍都有");
        assert_eq!(
            fixed.text,
            "買了很多水果，大家都很喜歡，紅，黃，藍都有。紅,黃,藍都有"
        );
        assert_eq!(fixed.notes.len(), 5);
        let fixed = fixer.fix("他說：紅,黃,藍都有，好看。");
        assert_eq!(fixed.text, "他說：紅，黃，藍都有，好看。");
    }

    #[test]
    fn a_possible_enumeration_comma_is_reported_not_guessed() {
        let fixer = Fixer::new(FixOptions::default().only(&[Rule::FullwidthPunct]));
        let fixed = fixer.fix("買了蘋果。紅,黃,藍都有");
        assert_eq!(fixed.text, "買了蘋果。紅,黃,藍都有");
        assert_eq!(fixed.notes.len(), 2);
        assert_eq!(fixed.notes[0].id, "enumeration-comma");
        assert_eq!((fixed.notes[0].line, fixed.notes[0].column), (1, 7));
    }
}

/*!
Mojibake: text whose bytes were once decoded with the wrong encoding and
saved again as UTF-8, so that `中文` became `涓枃` (UTF-8 read as GBK),
`ä¸­æ–‡` (UTF-8 read as windows-1252 or Latin-1), `ÖÐÎÄ` (GBK read as
Latin-1) — possibly twice over (double encoding), possibly in only some
lines of an otherwise clean document.

The test is exact, not statistical at first: encode the text back with the
suspected wrong encoding; the bytes must decode cleanly with a source
encoding (UTF-8, which is itself strong evidence, or GBK / Big5), and
garbling the result again must give the text back exactly (the reversal
round-trips). Only then is plausibility compared, and the repaired text
must be clearly more plausible. A text that fails any step is left alone:
nothing is reversed on a guess. When the whole text does not reverse, each
line is tried on its own, with stricter evidence required.

Mojibake that went through a lossy decoding (U+FFFD where the wrong decoder
met bytes it could not map, which is usual for Big5 and frequent for GBK)
cannot be reversed, but it is still recognised: the pieces between the
replacement characters, encoded back, must be UTF-8 broken only at the
holes.
*/

use std::collections::BTreeMap;
use std::sync::LazyLock;

use encoding_rs::{Encoding, BIG5, GB18030, GBK, UTF_8, WINDOWS_1252};

use super::plausible::{score, Score};

/// Mojibake found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mojibake {
    /// The encoding the bytes were wrongly decoded with (windows-1252 also
    /// stands for Latin-1: see `latin1`).
    pub from: &'static Encoding,
    /// What the bytes really were: UTF-8, GBK or Big5.
    pub source: &'static Encoding,
    /// The wrong decoding was Latin-1 proper (C1 controls kept), not
    /// windows-1252.
    pub latin1: bool,
    /// How many times the text went through the wrong decoding: 2 for
    /// double encoding (UTF-8 read as Latin-1, saved as UTF-8, read as
    /// Latin-1 again).
    pub layers: u8,
    /// When only some lines are garbled: how many (each is repaired on its
    /// own).
    pub lines: Option<usize>,
    /// Whether the decoded text was replaced by the repaired one.
    pub fixed: bool,
}

impl Mojibake {
    /// The kind as `zhtidy detect` names it: the chain of encodings from
    /// the true one to the last wrong one, then the garbled line count
    /// when not the whole text is garbled (`utf-8>latin-1`,
    /// `gbk>windows-1252`, `utf-8>latin-1>utf-8>latin-1`,
    /// `utf-8>gbk:lines=3`).
    pub fn kind(&self) -> String {
        let wrong = if self.latin1 {
            "latin-1".to_owned()
        } else {
            self.from.name().to_ascii_lowercase()
        };
        let mut kind = self.source.name().to_ascii_lowercase();
        for layer in 0..self.layers.max(1) {
            if layer > 0 {
                kind.push_str(">utf-8");
            }
            kind.push('>');
            kind.push_str(&wrong);
        }
        if let Some(n) = self.lines {
            kind.push_str(&format!(":lines={n}"));
        }
        kind
    }
}

/// A detected mojibake and the text it hides (when it can be recovered).
#[derive(Debug)]
pub(crate) struct Found {
    /// What was found (`fixed` is false; the caller decides).
    pub mojibake: Mojibake,
    /// The original text; `None` when the wrong decoding lost bytes.
    pub repaired: Option<String>,
}

/// Encodes `text` with `encoding`, failing on any unmappable character.
fn encode_strict(encoding: &'static Encoding, text: &str) -> Option<Vec<u8>> {
    crate::write::encode(text, encoding, false).ok()
}

/// One way to undo the garbling of a text, checked to round-trip.
#[derive(Debug)]
struct Reversal {
    from: &'static Encoding,
    source: &'static Encoding,
    latin1: bool,
    layers: u8,
    repaired: String,
    penalty: u64,
}

impl Reversal {
    fn mojibake(&self, lines: Option<usize>) -> Mojibake {
        Mojibake {
            from: self.from,
            source: self.source,
            latin1: self.latin1,
            layers: self.layers,
            lines,
            fixed: false,
        }
    }
}

/// Looks for mojibake in `text` (valid UTF-8 already decoded).
pub(crate) fn find(text: &str) -> Option<Found> {
    if text.is_ascii() {
        return None;
    }
    if !text.contains('\u{FFFD}') {
        if let Some(r) = reverse(text, false) {
            return Some(Found {
                mojibake: r.mojibake(None),
                repaired: Some(r.repaired),
            });
        }
        return find_lines(text);
    }
    // Lossy: garbled lines among clean ones are told apart line by line;
    // when every line with non-ASCII text is garbled (or lines are too
    // short to tell), the whole is judged at once.
    match find_lines(text) {
        Some(found) if found.mojibake.lines < Some(non_ascii_lines(text)) => Some(found),
        _ => find_lossy(text),
    }
}

fn non_ascii_lines(text: &str) -> usize {
    text.lines().filter(|l| !l.is_ascii()).count()
}

/// Mojibake confined to some lines: each line with non-ASCII characters
/// is tried on its own (a reversal must be structurally strong there, as
/// a line is little evidence), and the lines that reverse are repaired.
/// Lines garbled through a lossy decoding are counted, not repaired.
fn find_lines(text: &str) -> Option<Found> {
    if !text.contains('\n') {
        return None;
    }
    let mut repaired = String::with_capacity(text.len());
    let mut kinds: BTreeMap<(&'static str, &'static str, bool, u8), (usize, Mojibake)> =
        BTreeMap::new();
    let (mut garbled, mut reversed) = (0usize, 0usize);
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        let found = if all_common(body) {
            None
        } else if body.contains('\u{FFFD}') {
            find_lossy(body).map(|f| (f.mojibake, None))
        } else {
            reverse(body, true).map(|r| (r.mojibake(None), Some(r.repaired)))
        };
        let Some((m, fixed)) = found else {
            repaired.push_str(line);
            continue;
        };
        garbled += 1;
        let key = (m.source.name(), m.from.name(), m.latin1, m.layers);
        kinds.entry(key).or_insert((0, m)).0 += 1;
        match fixed {
            Some(f) => {
                reversed += 1;
                repaired.push_str(&f);
                repaired.push_str(ending);
            }
            None => repaired.push_str(line),
        }
    }
    // The commonest kind names the whole.
    let (_, mut mojibake) = kinds.into_values().max_by_key(|(n, _)| *n)?;
    mojibake.lines = Some(garbled);
    Some(Found {
        mojibake,
        repaired: (reversed > 0).then_some(repaired),
    })
}

/// Whether every character of `line` is ASCII or a common one. Such a line
/// is no mojibake, and this cheap test spares most clean lines the
/// encoders: a UTF-8 Chinese character read as GBK or Big5 always yields a
/// level-2 or rarer ideograph (its lead byte 0xE3–0xE9 is in their level-2
/// rows), and a Latin reading yields Latin-1 symbols and letters, none of
/// them common.
fn all_common(line: &str) -> bool {
    super::plausible::all_ascii_or_common(line)
}

/// The best round-tripping, plausible reversal of `text`, if any.
/// `line`: `text` is one line of a longer text, so stronger structural
/// evidence is required.
fn reverse(text: &str, line: bool) -> Option<Reversal> {
    // Scored only once a candidate needs it: clean text never does.
    let before = Before::new(text);
    let mut best: Option<Reversal> = None;
    let mut consider = |r: Reversal| {
        if best.as_ref().is_none_or(|b| r.penalty < b.penalty) {
            best = Some(r);
        }
    };
    if let Some(r) = reverse_latin(text, &before, line) {
        consider(r);
    }
    let (mut gbk_holds_it, mut gbk_prefix_fails) = (false, false);
    for from in [GBK, BIG5, GB18030] {
        if from == GB18030 && (gbk_holds_it || gbk_prefix_fails) {
            // GB18030 only differs where GBK cannot hold the text, and
            // encodes what GBK holds the same way.
            break;
        }
        if !prefix_could_be_utf8(from, text) {
            gbk_prefix_fails |= from == GBK;
            continue;
        }
        let Some(bytes) = encode_strict(from, text) else {
            continue;
        };
        gbk_holds_it |= from == GBK;
        let Ok(repaired) = String::from_utf8(bytes) else {
            continue;
        };
        if repaired.is_ascii() || repaired == text {
            continue;
        }
        // The reversal must round-trip exactly.
        let round = from.decode_without_bom_handling_and_without_replacement(repaired.as_bytes());
        if round.as_deref() != Some(text) {
            continue;
        }
        if let Some(penalty) = accept_utf8(&before, &repaired, line) {
            consider(Reversal {
                from,
                source: UTF_8,
                latin1: false,
                layers: 1,
                repaired,
                penalty,
            });
        }
    }
    best
}

/// The score of the garbled text, computed on first use.
struct Before<'a> {
    text: &'a str,
    score: std::cell::OnceCell<Score>,
}

impl<'a> Before<'a> {
    fn new(text: &'a str) -> Self {
        Before {
            text,
            score: std::cell::OnceCell::new(),
        }
    }

    fn get(&self) -> &Score {
        self.score.get_or_init(|| score(self.text))
    }
}

/// Whether `repaired` (valid UTF-8 that the garbled text encodes back to)
/// is plausible enough to replace the garbled text scored `before`; its
/// penalty if so.
fn accept_utf8(before: &Before, repaired: &str, line: bool) -> Option<u64> {
    let after = score(repaired);
    let before = before.get();
    // Two or more repaired three-byte sequences (or three non-ASCII
    // characters) are structural evidence enough that "not less
    // plausible" suffices: clean text almost never re-encodes into valid
    // UTF-8 like that. Below that, a clear margin is required, and a
    // single line must have the structural evidence.
    let strong = repaired
        .chars()
        .filter(|&c| c >= '\u{800}')
        .nth(1)
        .is_some()
        || after.non_ascii >= 3;
    if line && !strong {
        return None;
    }
    let margin = if strong { 0 } else { 4 };
    (after.penalty + margin <= before.penalty && after.mean() <= 3.0).then_some(after.penalty)
}

/// Whether `repaired` (Chinese from GBK or Big5 bytes that a Latin
/// reading garbled) is plausible enough. Any byte string of a Latin text
/// is nearly valid GBK, so the evidence must come from the characters:
/// mostly common ones, and clearly better than the Latin reading.
///
/// Latin prose that happens to decode (`déclarées` → `d閏lar閑s`) leaves
/// ideographs inside words: many more ASCII letters than ideographs, and
/// single ideographs between letters. Real Chinese has few of either (a
/// line none of the second).
fn accept_legacy(before: &Before, repaired: &str, line: bool) -> Option<u64> {
    let after = score(repaired);
    let before = before.get();
    let needed = if line { 3 } else { 2 };
    let letters = repaired.chars().filter(char::is_ascii_alphabetic).count() as u64;
    let inside = inside_words(repaired);
    let allowed = if line { 0 } else { after.non_ascii / 20 };
    (after.non_ascii >= needed
        && after.common * 10 >= after.non_ascii * 8
        && after.non_ascii * 4 >= letters
        && inside <= allowed
        && after.penalty + 4 <= before.penalty
        && after.mean() <= 1.5)
        .then_some(after.penalty)
}

/// How many single non-ASCII characters sit between two ASCII letters.
fn inside_words(text: &str) -> u64 {
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(3)
        .filter(|w| w[0].is_ascii_alphabetic() && !w[1].is_ascii() && w[2].is_ascii_alphabetic())
        .count() as u64
}

/// windows-1252's characters for bytes 0x80..=0x9F (C1 controls where
/// WHATWG's windows-1252 leaves a byte unassigned).
static CP1252_HIGH: LazyLock<[char; 32]> = LazyLock::new(|| {
    let mut table = ['\0'; 32];
    for (i, slot) in table.iter_mut().enumerate() {
        let byte = [0x80 + i as u8];
        *slot = WINDOWS_1252
            .decode_without_bom_handling(&byte)
            .0
            .chars()
            .next()
            .unwrap_or('\u{FFFD}');
    }
    table
});

/// The bytes a Latin reading turned into `text`, and whether that reading
/// was Latin-1 proper (C1 controls for 0x80..=0x9F) rather than
/// windows-1252. `None` when some character is neither, or when both
/// readings would be needed.
fn latin_bytes(text: &str) -> Option<(Vec<u8>, bool)> {
    // Cheap first: clean Chinese fails at its first non-ASCII character.
    let first = text.chars().find(|c| !c.is_ascii())?;
    if first > '\u{FF}' && !CP1252_HIGH.contains(&first) {
        return None;
    }
    let (mut c1, mut cp1252) = (false, false);
    let mut bytes = Vec::with_capacity(text.len());
    for c in text.chars() {
        let cp = c as u32;
        if cp < 0x80 || (0xA0..=0xFF).contains(&cp) {
            bytes.push(cp as u8);
        } else if cp < 0xA0 {
            // Unassigned in windows-1252 too for these five.
            c1 |= !matches!(cp, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D);
            bytes.push(cp as u8);
        } else {
            let i = CP1252_HIGH.iter().position(|&h| h == c)?;
            cp1252 = true;
            bytes.push(0x80 + i as u8);
        }
    }
    (!(c1 && cp1252)).then_some((bytes, c1))
}

/// The text a Latin reading (Latin-1 proper when `latin1`) makes of
/// `bytes`.
fn latin_text(bytes: &[u8], latin1: bool) -> String {
    if latin1 {
        bytes.iter().map(|&b| b as char).collect()
    } else {
        WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned()
    }
}

/// Reverses a Latin reading (windows-1252 or Latin-1) of UTF-8 bytes —
/// peeling up to three layers of double encoding — or of GBK or Big5
/// bytes.
fn reverse_latin(text: &str, before: &Before, line: bool) -> Option<Reversal> {
    // Cheap: clean Chinese fails at its first ideograph.
    let (mut bytes, outer_latin1) = latin_bytes(text)?;
    if bytes.is_ascii() {
        return None;
    }
    let mut flavours = vec![outer_latin1];
    let mut current: Option<String> = None;
    while let Ok(s) = String::from_utf8(bytes.clone()) {
        if s.is_ascii() {
            break;
        }
        let next = if flavours.len() < 3 {
            latin_bytes(&s).filter(|(b, _)| !b.is_ascii() && std::str::from_utf8(b).is_ok())
        } else {
            None
        };
        current = Some(s);
        match next {
            Some((b, flavour)) => {
                bytes = b;
                flavours.push(flavour);
            }
            None => break,
        }
    }
    if let Some(repaired) = current {
        let layers = flavours.len().min(3);
        let flavours = &flavours[..layers];
        // Garbling it again, layer by layer, must give the text back.
        let mut again = repaired.clone();
        for &latin1 in flavours.iter().rev() {
            again = latin_text(again.as_bytes(), latin1);
        }
        if again != text {
            return None;
        }
        let penalty = accept_utf8(before, &repaired, line)?;
        return Some(Reversal {
            from: WINDOWS_1252,
            source: UTF_8,
            latin1: flavours.iter().any(|&f| f),
            layers: layers as u8,
            repaired,
            penalty,
        });
    }
    // Not UTF-8: GBK or Big5 bytes, read as Latin.
    let mut best: Option<Reversal> = None;
    for source in [GBK, BIG5] {
        let Some(repaired) = source.decode_without_bom_handling_and_without_replacement(&bytes)
        else {
            continue;
        };
        if encode_strict(source, &repaired).as_deref() != Some(&bytes[..])
            || latin_text(&bytes, outer_latin1) != text
        {
            continue;
        }
        let Some(penalty) = accept_legacy(before, &repaired, line) else {
            continue;
        };
        if best.as_ref().is_none_or(|b| penalty < b.penalty) {
            best = Some(Reversal {
                from: WINDOWS_1252,
                source,
                latin1: outer_latin1,
                layers: 1,
                repaired: repaired.into_owned(),
                penalty,
            });
        }
    }
    best
}

/// Cheap early test: whether the start of `text`, encoded with `from`, is
/// (a prefix of) valid UTF-8. Most clean text fails here within a few
/// characters, before the whole text is encoded.
fn prefix_could_be_utf8(from: &'static Encoding, text: &str) -> bool {
    // First the first 16 characters, with the encoder's own tables only:
    // ordinary Chinese text fails here at once (一 is A4 40 in Big5, not a
    // UTF-8 lead byte), before `write::encode` would build its HKSCS table
    // (millions of instructions, most of a one-line run's start-up).
    let head_end = text.char_indices().nth(16).map_or(text.len(), |(i, _)| i);
    let mut encoder = from.new_encoder();
    // 16 characters take at most 64 bytes in any of these encodings; on
    // the stack, as this runs on every line of every UTF-8 text.
    let mut head = [0u8; 64];
    // Whatever stops the encoder (an HKSCS character, a full buffer), the
    // bytes before it are what the full encoding would begin with.
    let (_, _, written) =
        encoder.encode_from_utf8_without_replacement(&text[..head_end], &mut head, false);
    if std::str::from_utf8(&head[..written]).is_err_and(|e| e.error_len().is_some()) {
        return false;
    }
    let Some((end, _)) = text.char_indices().nth(256) else {
        return true; // short: the full test is as cheap
    };
    match encode_strict(from, &text[..end]) {
        None => false,
        Some(bytes) => match std::str::from_utf8(&bytes) {
            Ok(_) => true,
            Err(e) => e.error_len().is_none(),
        },
    }
}

/// Recognises mojibake whose wrong decoding replaced bytes by U+FFFD.
///
/// Each character is encoded back on its own; U+FFFD and characters the
/// encoder cannot map back (Big5 pairs that decode to two code points) are
/// holes. The bytes between holes must be UTF-8 except at their edges,
/// with at most one broken sequence per four good ones (Big5 has duplicate
/// pairs whose re-encoding differs). Only the first 64 KiB are examined.
fn find_lossy(text: &str) -> Option<Found> {
    let text = match text.char_indices().find(|&(i, _)| i >= 64 * 1024) {
        Some((end, _)) => &text[..end],
        None => text,
    };
    let before = score(text);
    for from in [GBK, BIG5] {
        let mut pieces: Vec<Vec<u8>> = vec![Vec::new()];
        let mut buf = [0u8; 4];
        for c in text.chars() {
            let bytes = if c == '\u{FFFD}' {
                None
            } else if c.is_ascii() {
                Some(vec![c as u8])
            } else {
                encode_strict(from, c.encode_utf8(&mut buf))
            };
            match bytes {
                Some(b) => pieces.last_mut().expect("one piece").extend_from_slice(&b),
                None => pieces.push(Vec::new()),
            }
        }
        let mut good = 0usize;
        let mut broken = 0usize;
        let mut recovered = String::new();
        for piece in &pieces {
            let (g, b) = utf8_with_ragged_edges(piece, &mut recovered);
            good += g;
            broken += b;
        }
        let after = score(&recovered);
        if good >= 3 && broken * 4 <= good && after.mean() < 2.0 && after.penalty < before.penalty {
            return Some(Found {
                mojibake: Mojibake {
                    from,
                    source: UTF_8,
                    latin1: false,
                    layers: 1,
                    lines: None,
                    fixed: false,
                },
                repaired: None,
            });
        }
    }
    None
}

/// Decodes `piece` as UTF-8 whose first and last sequences may have been
/// cut by a hole; returns (multi-byte characters, interior errors) and
/// appends what decodes to `out`.
fn utf8_with_ragged_edges(piece: &[u8], out: &mut String) -> (usize, usize) {
    let start = piece
        .iter()
        .take(3)
        .take_while(|&&b| (0x80..0xC0).contains(&b))
        .count();
    let mut rest = &piece[start..];
    let (mut good, mut broken) = (0, 0);
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                good += s.chars().filter(|c| !c.is_ascii()).count();
                out.push_str(s);
                break;
            }
            Err(e) => {
                let (ok, tail) = rest.split_at(e.valid_up_to());
                let s = std::str::from_utf8(ok).expect("valid prefix");
                good += s.chars().filter(|c| !c.is_ascii()).count();
                out.push_str(s);
                match e.error_len() {
                    None => break, // cut at the end by a hole
                    Some(n) => {
                        broken += 1;
                        rest = &tail[n..];
                    }
                }
            }
        }
    }
    (good, broken)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn garble(text: &str, via: &'static Encoding) -> (String, bool) {
        let (t, lossy) = via.decode_without_bom_handling(text.as_bytes());
        (t.into_owned(), lossy)
    }

    #[test]
    fn reverses_lossless_mojibake() {
        // Chosen so that the wrong decodings lose nothing.
        let original = "中文的编码问题真是让人头疼，我们一起来看看怎么解决";
        for via in [WINDOWS_1252, GBK] {
            let (bad, lossy) = garble(original, via);
            assert!(!lossy);
            let found = find(&bad).unwrap_or_else(|| panic!("{} not found: {bad}", via.name()));
            assert_eq!(found.mojibake.from, via);
            assert_eq!(found.repaired.as_deref(), Some(original));
        }
    }

    #[test]
    fn recognises_lossy_mojibake_without_reversing_it() {
        let original = "這篇文章說明了編碼的問題，我們一起來看看。";
        for via in [GBK, BIG5] {
            let (bad, lossy) = garble(original, via);
            assert!(lossy);
            let found = find(&bad).unwrap_or_else(|| panic!("{} not found: {bad}", via.name()));
            assert_eq!((found.mojibake.from, found.repaired), (via, None));
        }
    }

    #[test]
    fn damaged_clean_text_is_not_mojibake() {
        assert!(find("這篇文章說明了\u{FFFD}編碼的問題，我們一起來看看。").is_none());
    }

    #[test]
    fn clean_text_is_not_flagged() {
        for text in [
            "中文的编码问题真是让人头疼，我们一起来看看怎么解决。",
            "這篇文章說明了編碼的問題。",
            "Le café est très bon, à bientôt.",
            "naïve Ünïcödé façade",
            "价格：€100，约合人民币780元。",
        ] {
            assert!(find(text).is_none(), "{text}");
        }
    }

    const ORIGINAL: &str = "中文的编码问题真是让人头疼，我们一起来看看怎么解决";

    fn latin1(bytes: &[u8]) -> String {
        bytes.iter().map(|&b| b as char).collect()
    }

    #[test]
    fn utf8_read_as_latin1_with_c1_controls_is_reversed() {
        let bad = latin1(ORIGINAL.as_bytes());
        assert!(bad.chars().any(|c| ('\u{80}'..='\u{9F}').contains(&c)));
        let found = find(&bad).expect("found");
        assert_eq!(found.mojibake.kind(), "utf-8>latin-1");
        assert_eq!(found.repaired.as_deref(), Some(ORIGINAL));
    }

    #[test]
    fn gbk_and_big5_read_as_latin_are_reversed() {
        let (gbk, _, _) = GBK.encode(ORIGINAL);
        // Without bytes 0x80..=0x9F both Latin readings are the same.
        for bad in [
            latin1(&gbk),
            WINDOWS_1252
                .decode_without_bom_handling(&gbk)
                .0
                .into_owned(),
        ] {
            let found = find(&bad).unwrap_or_else(|| panic!("{bad}"));
            assert_eq!(found.mojibake.source, GBK);
            assert_eq!(found.repaired.as_deref(), Some(ORIGINAL));
        }
        let traditional = "這篇文章說明了編碼的問題，我們一起來看看。";
        let (big5, _, _) = BIG5.encode(traditional);
        let bad = WINDOWS_1252
            .decode_without_bom_handling(&big5)
            .0
            .into_owned();
        let found = find(&bad).expect("big5");
        assert_eq!(found.mojibake.kind(), "big5>windows-1252");
        assert_eq!(found.repaired.as_deref(), Some(traditional));
    }

    #[test]
    fn double_and_triple_encoding_are_peeled() {
        let once = latin1(ORIGINAL.as_bytes());
        let twice = latin1(once.as_bytes());
        let thrice = WINDOWS_1252
            .decode_without_bom_handling(twice.as_bytes())
            .0
            .into_owned();
        let found = find(&twice).expect("twice");
        assert_eq!(found.mojibake.kind(), "utf-8>latin-1>utf-8>latin-1");
        assert_eq!(found.repaired.as_deref(), Some(ORIGINAL));
        let found = find(&thrice).expect("thrice");
        assert_eq!(found.mojibake.layers, 3);
        assert_eq!(found.repaired.as_deref(), Some(ORIGINAL));
    }

    #[test]
    fn garbled_lines_in_a_clean_text_are_repaired_one_by_one() {
        let title = ORIGINAL;
        let (garbled, lossy) = GBK.decode_without_bom_handling(title.as_bytes());
        assert!(!lossy);
        let clean = "正文第一段，没有问题。\nCafé Müller in São Paulo: ½ © 2024 × 3\n";
        let text = format!("{garbled}\n{clean}{garbled}\r\n");
        let found = find(&text).expect("found");
        assert_eq!(found.mojibake.kind(), "utf-8>gbk:lines=2");
        assert_eq!(
            found.repaired.as_deref(),
            Some(format!("{title}\n{clean}{title}\r\n").as_str())
        );
    }

    #[test]
    fn clean_latin_emoji_and_rare_cjk_are_not_flagged() {
        for text in [
            "Café Müller, São Paulo, ½ cup, © 2024, 3 × 4, naïve résumé.",
            "Ñandú, Ærø, Øresund, Œuvre — “quoted” ‘text’ … €5",
            "今天天气很好😀，我们去𠮷野家吃饭吧。",
            "龘靐齉爩，罕见字也是正常的文字。\n第二行也是正常的。",
            "We met at 北京 last week; the café was great.\nSecond line, résumé.",
        ] {
            assert!(find(text).is_none(), "{text}");
        }
    }
}

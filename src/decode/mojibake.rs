/*!
Mojibake: UTF-8 text that was once decoded with the wrong encoding (GBK,
GB18030, Big5 or windows-1252) and saved again as UTF-8, so that `中文`
became `涓枃` or `ä¸­æ–‡`.

The test is exact, not statistical at first: encode the text back with the
suspected encoding; the result must be valid UTF-8 holding multi-byte
sequences, and decoding those bytes with the suspected encoding must give
the text again (the reversal round-trips). Only then is plausibility
compared, and the repaired text must be clearly more plausible. A text
that fails any step is left alone: nothing is reversed on a guess.

Mojibake that went through a lossy decoding (U+FFFD where the wrong decoder
met bytes it could not map, which is usual for Big5 and frequent for GBK)
cannot be reversed, but it is still recognised: the pieces between the
replacement characters, encoded back, must be UTF-8 broken only at the
holes.
*/

use encoding_rs::{Encoding, BIG5, GB18030, GBK, WINDOWS_1252};

use super::plausible::score;

/// Mojibake found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mojibake {
    /// The encoding the UTF-8 bytes were wrongly decoded with.
    pub from: &'static Encoding,
    /// Whether the decoded text was replaced by the repaired one.
    pub fixed: bool,
}

/// A detected mojibake and the text it hides (when it can be recovered).
#[derive(Debug)]
pub(crate) struct Found {
    pub from: &'static Encoding,
    /// The original text; `None` when the wrong decoding lost bytes.
    pub repaired: Option<String>,
}

/// Encodes `text` with `encoding`, failing on any unmappable character.
fn encode_strict(encoding: &'static Encoding, text: &str) -> Option<Vec<u8>> {
    crate::write::encode(text, encoding, false).ok()
}

/// Looks for mojibake in `text` (valid UTF-8 already decoded).
pub(crate) fn find(text: &str) -> Option<Found> {
    if text.is_ascii() {
        return None;
    }
    if text.contains('\u{FFFD}') {
        return find_lossy(text);
    }
    let mut before = None;
    let mut best: Option<(Found, u64)> = None;
    let mut gbk_holds_it = false;
    for from in [WINDOWS_1252, GBK, BIG5, GB18030] {
        if from == GB18030 && gbk_holds_it {
            break; // GB18030 only differs where GBK cannot hold the text
        }
        if !prefix_could_be_utf8(from, text) {
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
        let after = score(&repaired);
        let before = *before.get_or_insert_with(|| score(text));
        // The repaired text must be more plausible. Two or more repaired
        // three-byte sequences (or three non-ASCII characters) are
        // structural evidence enough that "not less plausible" suffices:
        // clean text almost never re-encodes into valid UTF-8 like that.
        // Below that, a clear margin is required.
        let strong = repaired
            .chars()
            .filter(|&c| c >= '\u{800}')
            .nth(1)
            .is_some()
            || after.non_ascii >= 3;
        let margin = if strong { 0 } else { 4 };
        if after.penalty + margin > before.penalty || after.mean() > 3.0 {
            continue;
        }
        if best.as_ref().is_none_or(|(_, p)| after.penalty < *p) {
            best = Some((
                Found {
                    from,
                    repaired: Some(repaired),
                },
                after.penalty,
            ));
        }
    }
    best.map(|(f, _)| f)
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
    let mut head = Vec::with_capacity(head_end * 2 + 8);
    // Whatever stops the encoder (an HKSCS character, a full buffer), the
    // bytes before it are what the full encoding would begin with.
    let _ =
        encoder.encode_from_utf8_to_vec_without_replacement(&text[..head_end], &mut head, false);
    if std::str::from_utf8(&head).is_err_and(|e| e.error_len().is_some()) {
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
                from,
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
            assert_eq!(found.from, via);
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
            assert_eq!((found.from, found.repaired), (via, None));
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
}

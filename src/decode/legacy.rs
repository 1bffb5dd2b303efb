/*!
Choosing a legacy encoding for bytes that are neither UTF-8 nor UTF-16.

chardetng (Firefox's detector) gives the first guess. It is strong on long
Chinese text but weak where the evidence is thin: short inputs, and English
or markup with a handful of Chinese words, which it may call windows-1252.
On top of it:

- every candidate must decode the bytes without a single error;
- GBK and Big5, when both decode cleanly, are compared by the plausibility
  of the characters they yield ([`super::plausible`]), chardetng's choice
  breaking ties;
- a single-byte guess is replaced by a CJK reading when that reading is
  made of common characters and beats the single-byte reading (the
  "English with a few Chinese words" case), or holds GB18030 four-byte
  sequences;
- Japanese and Korean guesses stand, except on short inputs whose Chinese
  reading is clearly better;
- GBK is reported as gb18030 when four-byte sequences occur.

chardetng is the costly part (some thirty models run on every byte), so it
sees at most the first [`CHARDETNG_PREFIX`] bytes, and is not asked at all
when the CJK readings settle the matter by themselves ([`decisive`]) and
nothing looks Japanese or Korean. `scripts/eval-detect` measures every
rule against chardetng alone (docs/eval-detect.md).

No top-level-domain hint is ever passed to chardetng.
*/

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, BIG5, EUC_JP, EUC_KR, GB18030, GBK, SHIFT_JIS};

use super::plausible::{score, score_single_byte, Score};

/// The chosen legacy encoding and a confidence in 0..=1.
#[derive(Debug, Clone)]
pub(crate) struct LegacyGuess {
    pub encoding: &'static Encoding,
    pub confidence: f32,
    /// The bytes decoded with `encoding`, when that was already done.
    pub text: Option<String>,
}

/// chardetng looks at no more than this many bytes: beyond a few
/// kilobytes its verdict no longer changes, while its cost grows
/// linearly (it runs some thirty candidate models on every byte).
const CHARDETNG_PREFIX: usize = 1024;

/// chardetng's guess from at most [`CHARDETNG_PREFIX`] bytes.
fn chardetng_prefix_guess(bytes: &[u8]) -> &'static Encoding {
    let mut det = EncodingDetector::new(Iso2022JpDetection::Deny);
    if bytes.len() <= CHARDETNG_PREFIX {
        det.feed(bytes, true);
    } else {
        // Not the end of the stream: a sequence cut at the end is no error.
        det.feed(&bytes[..CHARDETNG_PREFIX], false);
    }
    det.guess(None, Utf8Detection::Deny)
}

fn decoded_score(encoding: &'static Encoding, bytes: &[u8]) -> Option<(String, Score)> {
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| {
            let s = score(&t);
            (t.into_owned(), s)
        })
}

/// Penalty lead a GBK or Big5 reading needs over the other to win without
/// chardetng's say.
const MARGIN: u64 = 2;

/// Penalty lead needed to overrule chardetng when it chose GBK or Big5.
const OVERRULE: u64 = 6;

/// Picks a legacy encoding for `bytes`. The result may still fail to decode
/// them when no candidate does; the caller checks.
pub(crate) fn guess(bytes: &[u8]) -> LegacyGuess {
    let (gbk_text, gbk) = decoded_score(GBK, bytes).unzip();
    let (big5_text, big5) = decoded_score(BIG5, bytes).unzip();
    let base = if decisive(gbk.as_ref(), big5.as_ref()) && !looks_japanese_or_korean(bytes) {
        // chardetng could only agree (or be overruled): skip its cost,
        // which is most of the time spent on legacy text.
        if gbk.as_ref().map_or(u64::MAX, |s| s.penalty)
            <= big5.as_ref().map_or(u64::MAX, |s| s.penalty)
        {
            GBK
        } else {
            BIG5
        }
    } else {
        chardetng_prefix_guess(bytes)
    };

    // The better clean CJK reading, with its lead over the other one.
    let cjk = match (gbk, big5) {
        (Some(g), Some(b)) => {
            let (gp, bp) = (g.penalty, b.penalty);
            let lead = gp.abs_diff(bp) as f64;
            // Overruling chardetng's own choice between the two takes a
            // larger lead than breaking a tie does.
            let needed =
                |against: &'static Encoding| if base == against { OVERRULE } else { MARGIN };
            let tie = gp + needed(BIG5) >= bp && bp + needed(GBK) >= gp;
            Some(if gp + needed(BIG5) < bp {
                (GBK, g, lead)
            } else if bp + needed(GBK) < gp || (tie && (base == BIG5 || (base != GBK && bp < gp))) {
                (BIG5, b, lead)
            } else {
                (GBK, g, lead)
            })
        }
        (Some(g), None) => Some((GBK, g, 8.0)),
        (None, Some(b)) => Some((BIG5, b, 8.0)),
        (None, None) => None,
    };
    let chosen = match cjk {
        Some((encoding, s, lead))
            if base == GBK || base == BIG5 || prefer_cjk(base, encoding, &s, bytes) =>
        {
            LegacyGuess {
                encoding,
                confidence: confidence(&s, lead),
                text: if encoding == GBK { gbk_text } else { big5_text },
            }
        }
        _ => single(base, bytes),
    };
    if chosen.encoding == GBK && has_four_byte_sequence(bytes) {
        return LegacyGuess {
            encoding: GB18030,
            ..chosen
        };
    }
    chosen
}

/// Whether the CJK readings alone settle the question: the better one is
/// clearly Chinese (at least 12 non-ASCII characters, nine in ten of them
/// common) and the other is malformed or behind by more than [`OVERRULE`],
/// so that no chardetng verdict between GBK and Big5 or for a single-byte
/// encoding could change the outcome.
fn decisive(gbk: Option<&Score>, big5: Option<&Score>) -> bool {
    let clearly_chinese = |s: &Score| s.non_ascii >= 12 && s.common * 10 >= s.non_ascii * 9;
    match (gbk, big5) {
        (Some(s), None) | (None, Some(s)) => clearly_chinese(s),
        (Some(g), Some(b)) => {
            let best = if g.penalty <= b.penalty { g } else { b };
            clearly_chinese(best) && g.penalty.abs_diff(b.penalty) > OVERRULE
        }
        (None, None) => false,
    }
}

/// Whether the bytes read cleanly as Korean or Japanese with a fair share
/// of Hangul or kana: then chardetng, which models those languages, must
/// have its say. Chinese text read as EUC-KR or Shift_JIS yields Hanja,
/// kanji and half-width katakana, not these.
fn looks_japanese_or_korean(bytes: &[u8]) -> bool {
    [EUC_KR, SHIFT_JIS, EUC_JP].into_iter().any(|encoding| {
        let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes) else {
            return false;
        };
        let (mut native, mut non_ascii) = (0usize, 0usize);
        for c in text.chars().filter(|c| !c.is_ascii()) {
            non_ascii += 1;
            if matches!(c as u32, 0xAC00..=0xD7A3 | 0x3040..=0x30FF) {
                native += 1;
            }
        }
        native * 10 >= non_ascii * 3
    })
}

/// Whether a clean CJK reading (`encoding`, scored `s`) should replace
/// chardetng's non-Chinese guess `base`.
fn prefer_cjk(
    base: &'static Encoding,
    encoding: &'static Encoding,
    s: &Score,
    bytes: &[u8],
) -> bool {
    let Some(base_text) = base.decode_without_bom_handling_and_without_replacement(bytes) else {
        return true; // chardetng's guess does not even decode the bytes
    };
    if encoding == GBK && has_four_byte_sequence(bytes) {
        // [0x81-0xFE][0x30-0x39][0x81-0xFE][0x30-0x39] that decodes cleanly
        // is GB18030's signature, not an accident of a single-byte text.
        return true;
    }
    if base == SHIFT_JIS || base == EUC_JP || base == EUC_KR {
        // Their byte ranges overlap GBK's and this module has no model of
        // Japanese or Korean: only short, clearly Chinese readings win.
        return s.non_ascii < 16 && s.common * 10 >= s.non_ascii * 9;
    }
    // A single-byte reading: Chinese wins when it is mostly common
    // characters and more plausible than the letters and symbols of the
    // single-byte reading (English with a few Chinese words, short texts).
    // A handful of rare characters (an HKSCS word in English) still counts
    // when the single-byte reading is clearly worse.
    let single = score_single_byte(&base_text);
    (s.common * 10 >= s.non_ascii * 6 && s.penalty < single.penalty)
        || (s.non_ascii <= 4 && s.penalty + 4 < single.penalty)
}

fn single(base: &'static Encoding, bytes: &[u8]) -> LegacyGuess {
    let confidence = match decoded_score(base, bytes) {
        Some((_, s)) => (1.0 - s.mean() / 10.0).clamp(0.1, 0.9) as f32,
        None => 0.0,
    };
    LegacyGuess {
        encoding: base,
        confidence,
        text: None,
    }
}

/// Confidence from the chosen reading's mean penalty and its lead over
/// the runner-up (in penalty units).
fn confidence(s: &Score, lead: f64) -> f32 {
    let quality = (1.0 - s.mean() / 9.0).clamp(0.0, 1.0);
    let separation = 1.0 - (-lead / 8.0).exp();
    (0.5 + 0.5 * quality * separation).clamp(0.0, 0.99) as f32
}

/// Whether GBK-looking bytes contain a GB18030 four-byte sequence
/// (lead 0x81–0xFE, then a digit 0x30–0x39).
pub(crate) fn has_four_byte_sequence(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b <= 0x80 || b == 0xFF {
            i += 1;
        } else if bytes.get(i + 1).is_some_and(|n| (0x30..=0x39).contains(n)) {
            return true;
        } else {
            i += 2;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(e: &'static Encoding, s: &str) -> Vec<u8> {
        let (b, _, unmappable) = e.encode(s);
        assert!(!unmappable, "{s} in {}", e.name());
        b.into_owned()
    }

    #[test]
    fn simplified_gbk_and_traditional_big5() {
        let gbk = enc(GBK, "这是一个简单的测试，看看编码检测是否正确。");
        assert_eq!(guess(&gbk).encoding, GBK);
        let big5 = enc(BIG5, "這是一個簡單的測試，看看編碼檢測是否正確。");
        assert_eq!(guess(&big5).encoding, BIG5);
    }

    #[test]
    fn short_inputs() {
        assert_eq!(guess(&enc(GBK, "我们的中文")).encoding, GBK);
        assert_eq!(guess(&enc(BIG5, "我們的中文")).encoding, BIG5);
    }

    #[test]
    fn english_with_a_few_chinese_words() {
        let text =
            "The word for tea is 茶 and the word for China is 中国; see the glossary for more.";
        assert_eq!(guess(&enc(GBK, text)).encoding, GBK);
        let text = "Our office in Taipei (臺北) opens on Monday, please bring your passport.";
        assert_eq!(guess(&enc(BIG5, text)).encoding, BIG5);
    }

    #[test]
    fn four_byte_sequences_make_it_gb18030() {
        let bytes = enc(GB18030, "中文𠮷字");
        assert_eq!(guess(&bytes).encoding, GB18030);
    }

    #[test]
    fn latin_text_stays_windows_1252() {
        let bytes = enc(
            encoding_rs::WINDOWS_1252,
            "Le café est très bon, à bientôt à Zürich.",
        );
        assert_eq!(guess(&bytes).encoding, encoding_rs::WINDOWS_1252);
    }
}

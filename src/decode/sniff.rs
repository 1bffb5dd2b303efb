/*!
Cheap structural checks that run before any statistics: byte order marks,
UTF-16 without a BOM, and binary content.

UTF-16 without a BOM is judged by what its 16-bit units would be. English in
UTF-16 has a NUL in every other byte, but Chinese has none (U+4E2D is
`2D 4E`), so the units themselves are ranked: a real UTF-16 text is made of
ASCII, common ideographs and punctuation in one byte order, and of rare or
impossible code points (lone surrogates, private use, unassigned) in the
other.
*/

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

use super::plausible::{rank, Rank};

/// Why bytes were judged binary rather than text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BinaryReason {
    /// A NUL byte where no UTF-16 reading explains it.
    Nul {
        /// Byte offset of the first NUL.
        offset: usize,
    },
    /// Too many control characters for text.
    ControlCharacters {
        /// How many there were.
        count: usize,
        /// Out of how many bytes.
        of: usize,
    },
}

impl std::fmt::Display for BinaryReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BinaryReason::Nul { offset } => write!(f, "NUL byte at offset {offset}"),
            BinaryReason::ControlCharacters { count, of } => {
                write!(f, "{count} control bytes in {of}")
            }
        }
    }
}

/// Whether `b` is a C0 control (or DEL) that text does not normally hold.
/// Tab, newlines, form feed and ESC (colour codes) are allowed.
fn is_odd_control(b: u8) -> bool {
    matches!(b, 0x01..=0x08 | 0x0B | 0x0E..=0x1A | 0x1C..=0x1F | 0x7F)
}

/// Binary verdict for bytes that are not UTF-16.
pub(crate) fn binary_reason(bytes: &[u8]) -> Option<BinaryReason> {
    if let Some(offset) = memchr_nul(bytes) {
        return Some(BinaryReason::Nul { offset });
    }
    let count = bytes.iter().filter(|&&b| is_odd_control(b)).count();
    // One stray control character is a typo; a few percent is a format.
    if count > 2 && count * 50 > bytes.len() {
        return Some(BinaryReason::ControlCharacters {
            count,
            of: bytes.len(),
        });
    }
    None
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

/// Whether the bytes contain anything that makes plain UTF-8 or a legacy
/// reading suspect: NULs or odd control characters.
pub(crate) fn has_nul_or_controls(bytes: &[u8]) -> bool {
    // Eight bytes at a time: a word without a byte below 0x20 and
    // without 0x7F holds none of them (text is mostly such words; a line
    // feed sends its word to the byte test).
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let suspect = |b: &u8| *b == 0 || is_odd_control(*b);
    let mut words = bytes.chunks_exact(8);
    for chunk in &mut words {
        let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        // Some byte below 0x20, or some byte 0x7F (the classic test for
        // a byte below n, n at most 0x80, and for a zero byte).
        let low = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        let del = (w ^ (ONES * 0x7F)).wrapping_sub(ONES) & !(w ^ (ONES * 0x7F)) & HIGH;
        if (low | del) != 0 && chunk.iter().any(suspect) {
            return true;
        }
    }
    words.remainder().iter().any(suspect)
}

/// A UTF-16 reading of BOM-less bytes and how plausible it is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Utf16Guess {
    pub encoding: &'static Encoding,
    /// Weighted share of plausible units, 0..=1.
    pub plausibility: f32,
}

/// Weight of one UTF-16 unit (or pair) as evidence for the reading.
fn unit_weight(c: char) -> f32 {
    match rank(c) {
        Rank::Common => 1.0,
        Rank::Uncommon => 0.7,
        Rank::Rare => 0.25,
        Rank::Bad => match c as u32 {
            // Kana and Hangul are real text, only not Chinese.
            0x3040..=0x30FF | 0xAC00..=0xD7AF => 0.6,
            _ => 0.0,
        },
    }
}

/// Best UTF-16 reading of `bytes` (no BOM) if one is plausible enough.
pub(crate) fn guess_utf16(bytes: &[u8]) -> Option<Utf16Guess> {
    if bytes.len() < 2 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let le = plausibility(bytes, false);
    let be = plausibility(bytes, true);
    let (encoding, p) = if le >= be {
        (UTF_16LE, le)
    } else {
        (UTF_16BE, be)
    };
    // Short inputs need a cleaner reading.
    let units = bytes.len() / 2;
    let needed = if units < 16 { 0.95 } else { 0.9 };
    (p >= needed).then_some(Utf16Guess {
        encoding,
        plausibility: p,
    })
}

/// Weighted share of plausible units; 0 when the reading is malformed
/// (a lone surrogate) or has a NUL unit.
fn plausibility(bytes: &[u8], big_endian: bool) -> f32 {
    let units = bytes.chunks_exact(2).map(|p| {
        if big_endian {
            u16::from_be_bytes([p[0], p[1]])
        } else {
            u16::from_le_bytes([p[0], p[1]])
        }
    });
    let mut total = 0.0f32;
    let mut n = 0u32;
    for c in char::decode_utf16(units) {
        match c {
            Ok('\0') | Err(_) => return 0.0,
            Ok(c) => {
                total += unit_weight(c);
                n += 1;
            }
        }
    }
    if n == 0 {
        0.0
    } else {
        total / n as f32
    }
}

#[cfg(test)]
mod word_tests {
    /// The word-at-a-time test answers as the byte test, for every byte
    /// value at every position of words and tails.
    #[test]
    fn finds_what_the_byte_test_finds() {
        let plain = |bytes: &[u8]| bytes.iter().any(|&b| b == 0 || super::is_odd_control(b));
        let base = "中文,English\ttext\n\r\x1b[0m 一二三".as_bytes().to_vec();
        assert!(!plain(&base));
        for len in [0, 5, 8, 16, base.len()] {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = base[..len].to_vec();
                    bytes[at] = b;
                    assert_eq!(
                        super::has_nul_or_controls(&bytes),
                        plain(&bytes),
                        "{b:#x} at {at} of {len}"
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, be: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() })
            .collect()
    }

    #[test]
    fn chinese_utf16_without_nul_bytes_is_recognised_in_both_orders() {
        let text = "中文的编码问题，我们来看看。";
        let le = utf16(text, false);
        assert!(!le.contains(&0));
        assert_eq!(guess_utf16(&le).unwrap().encoding, UTF_16LE);
        assert_eq!(guess_utf16(&utf16(text, true)).unwrap().encoding, UTF_16BE);
    }

    #[test]
    fn english_utf16_is_recognised_by_its_units() {
        let be = utf16("Hello, world! 你好", true);
        assert_eq!(guess_utf16(&be).unwrap().encoding, UTF_16BE);
        let le = utf16("Hello, world!\r\n", false);
        assert_eq!(guess_utf16(&le).unwrap().encoding, UTF_16LE);
    }

    #[test]
    fn gbk_bytes_are_not_taken_for_utf16() {
        let (gbk, _, _) = encoding_rs::GBK.encode("中文的编码问题，我们来看看吧。");
        assert!(guess_utf16(&gbk).is_none());
    }

    #[test]
    fn nul_bytes_and_control_runs_are_binary() {
        assert_eq!(
            binary_reason(b"ab\0c"),
            Some(BinaryReason::Nul { offset: 2 })
        );
        assert!(binary_reason(b"\x01\x02\x03\x04abc").is_some());
        assert_eq!(binary_reason(b"tab\tand\r\nnewline\x0c\x1b[0m"), None);
    }
}

/*!
Text back to bytes in a given encoding, refusing what the encoding cannot
hold.

encoding_rs's encoders write an HTML numeric character reference (`&#NNNN;`)
for an unmappable character; here that is an [`Unencodable`] error naming
the character and where it is, so no file ever gets an NCR. UTF-16 (which
encoding_rs only decodes) is encoded here, and Big5 is made HKSCS-aware:
encoding_rs's Big5 encoder leaves out the HKSCS rows its decoder reads, so
those characters are found in a reverse table built from the decoder.
*/

use std::collections::HashMap;
use std::sync::LazyLock;

use encoding_rs::{EncoderResult, Encoding, BIG5, UTF_16BE, UTF_16LE, UTF_8};

/// A character the target encoding cannot hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{encoding} cannot hold {ch:?} (U+{:04X}) at line {line}, column {column}", u32::from(*.ch))]
pub struct Unencodable {
    /// The character.
    pub ch: char,
    /// The target encoding's name.
    pub encoding: &'static str,
    /// Byte offset of the character in the text.
    pub offset: usize,
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Unencodable {
    fn at(text: &str, offset: usize, ch: char, encoding: &'static Encoding) -> Self {
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Unencodable {
            ch,
            encoding: encoding.name(),
            offset,
            line,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

/// Encodes `text` in `encoding`, with a byte order mark first if `bom`
/// (for UTF-8 and UTF-16 only; ignored for other encodings).
pub fn encode(text: &str, encoding: &'static Encoding, bom: bool) -> Result<Vec<u8>, Unencodable> {
    if encoding == UTF_8 {
        let mut out = Vec::with_capacity(text.len() + 3);
        if bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        out.extend_from_slice(text.as_bytes());
        return Ok(out);
    }
    if encoding == UTF_16LE || encoding == UTF_16BE {
        let le = encoding == UTF_16LE;
        let mut out = Vec::with_capacity(text.len() * 2 + 2);
        let units = bom
            .then_some(0xFEFFu16)
            .into_iter()
            .chain(text.encode_utf16());
        for u in units {
            out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        return Ok(out);
    }
    encode_legacy(text, encoding)
}

fn encode_legacy(text: &str, encoding: &'static Encoding) -> Result<Vec<u8>, Unencodable> {
    let mut encoder = encoding.new_encoder();
    let mut out = Vec::with_capacity(text.len() + 16);
    let mut pos = 0;
    loop {
        let need = encoder
            .max_buffer_length_from_utf8_without_replacement(text.len() - pos)
            .unwrap_or(text.len() * 4 + 16);
        out.reserve(need);
        let (result, read) =
            encoder.encode_from_utf8_to_vec_without_replacement(&text[pos..], &mut out, true);
        pos += read;
        match result {
            EncoderResult::InputEmpty => return Ok(out),
            EncoderResult::OutputFull => continue,
            EncoderResult::Unmappable(ch) => {
                match (encoding == BIG5).then(|| HKSCS.get(&ch)).flatten() {
                    Some(pair) => out.extend_from_slice(pair),
                    None => return Err(Unencodable::at(text, pos - ch.len_utf8(), ch, encoding)),
                }
            }
        }
    }
}

/// HKSCS characters (Big5 rows the encoder of encoding_rs leaves out) and
/// their byte pairs, from the decoder's own table.
static HKSCS: LazyLock<HashMap<char, [u8; 2]>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for lead in 0x87..=0xFEu8 {
        for trail in (0x40..=0x7Eu8).chain(0xA1..=0xFE) {
            let pair = [lead, trail];
            if let Some(text) = BIG5.decode_without_bom_handling_and_without_replacement(&pair) {
                let mut chars = text.chars();
                if let (Some(c), None) = (chars.next(), chars.next()) {
                    map.entry(c).or_insert(pair);
                }
            }
        }
    }
    map
});

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{GB18030, GBK};

    #[test]
    fn unmappable_characters_are_errors_never_ncrs() {
        let err = encode("繁體\n简体字", BIG5, false).unwrap_err();
        assert_eq!((err.ch, err.line, err.column, err.offset), ('简', 2, 1, 7));
        assert!(err.to_string().contains("U+7B80"), "{err}");
        assert!(encode("中文😀", GBK, false).is_err());
        assert!(encode("中文😀", GB18030, false).is_ok());
    }

    #[test]
    fn utf16_and_boms() {
        assert_eq!(
            encode("a中", UTF_16LE, true).unwrap(),
            b"\xff\xfea\x00\x2d\x4e"
        );
        assert_eq!(encode("a中", UTF_16BE, false).unwrap(), b"\x00a\x4e\x2d");
        assert_eq!(encode("a", UTF_8, true).unwrap(), b"\xef\xbb\xbfa");
    }

    #[test]
    fn hkscs_characters_round_trip_through_big5() {
        let bytes = [0x8Fu8, 0x69, 0x96, 0x73, 0xA4, 0xA4];
        let (text, lossy) = BIG5.decode_without_bom_handling(&bytes);
        assert!(!lossy);
        let back = encode(&text, BIG5, false).unwrap();
        // 0x8F69 is a duplicate of a standard Big5 character, which the
        // encoder prefers; 0x9673 exists only in HKSCS.
        assert_eq!(BIG5.decode_without_bom_handling(&back).0, text);
        assert_eq!(&back[2..], &bytes[2..]);
    }
}

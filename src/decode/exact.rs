/*!
Decoding with one known encoding, either strictly (the first malformed byte
sequence is an error carrying its byte offset) or lossily (each malformed
sequence becomes U+FFFD and is counted), so that no replacement ever
happens without the caller knowing how many.
*/

use encoding_rs::{DecoderResult, Encoding, UTF_8};

/// Text decoded with one encoding, and how many U+FFFD were put in.
#[derive(Debug)]
pub(crate) struct Exact {
    pub text: String,
    pub replacements: usize,
}

/// Decodes `bytes` (BOM already removed) with `encoding`. Without `lossy`,
/// returns the byte offset of the first malformed sequence as the error.
pub(crate) fn decode_exact(
    encoding: &'static Encoding,
    bytes: &[u8],
    lossy: bool,
) -> Result<Exact, usize> {
    if encoding == UTF_8 {
        match super::utf8(bytes) {
            Ok(s) => {
                return Ok(Exact {
                    text: s.to_owned(),
                    replacements: 0,
                })
            }
            Err(e) if !lossy => return Err(e.valid_up_to()),
            Err(_) => {}
        }
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut text = String::with_capacity(capacity);
    let mut pos = 0;
    let mut replacements = 0;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[pos..], &mut text, true);
        pos += read;
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => {
                let more = decoder
                    .max_utf8_buffer_length_without_replacement(bytes.len() - pos)
                    .unwrap_or(1024)
                    .max(16);
                text.reserve(more);
            }
            DecoderResult::Malformed(bad, extra) => {
                if !lossy {
                    return Err(pos - usize::from(extra) - usize::from(bad));
                }
                text.push('\u{FFFD}');
                replacements += 1;
            }
        }
    }
    Ok(Exact { text, replacements })
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{BIG5, GBK, UTF_16LE};

    #[test]
    fn strict_decoding_reports_the_offset_of_the_first_bad_sequence() {
        // "中文" in GBK, then a lone lead byte 0x81 followed by ASCII.
        let bytes = b"ab\xd6\xd0\xce\xc4\x81!";
        assert_eq!(decode_exact(GBK, bytes, false).unwrap_err(), 6);
        assert_eq!(decode_exact(UTF_8, b"ok\xffno", false).unwrap_err(), 2);
        // A lone surrogate in UTF-16LE at byte 2.
        assert_eq!(
            decode_exact(UTF_16LE, b"a\0\x00\xd8b\0", false).unwrap_err(),
            2
        );
    }

    #[test]
    fn lossy_decoding_counts_every_replacement() {
        let got = decode_exact(GBK, b"\x81!\xd6\xd0\xff", true).unwrap();
        assert_eq!(got.text, "\u{FFFD}!中\u{FFFD}");
        assert_eq!(got.replacements, 2);
        let got = decode_exact(UTF_8, b"a\xffb\xfe", true).unwrap();
        assert_eq!(
            (got.text.as_str(), got.replacements),
            ("a\u{FFFD}b\u{FFFD}", 2)
        );
    }

    #[test]
    fn big5_hkscs_pairs_decode_cleanly() {
        // Lead byte 0x88 belongs to HKSCS, not to plain Big5: encoding_rs's
        // Big5 decodes it, so HKSCS files need no separate encoding.
        let (text, bad) = BIG5.decode_without_bom_handling(b"\x88\x40");
        assert!(!bad, "{text}");
    }
}

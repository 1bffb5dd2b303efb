/*!
Stage 1, **decode**: turn the bytes of a file into text and say how sure we
are of the encoding.

The checks run from the most certain to the least:

1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE) decides alone;
2. bytes with NULs or odd control characters are tried as UTF-16 without a
   BOM, and are otherwise binary ([`Outcome::Binary`]): skipped, never
   mangled;
3. strict UTF-8 (ASCII included) — then checked for mojibake
   ([`mojibake`]) and for characters already lost ([`damage`]); UTF-8
   with a few malformed bytes among many good ones is damaged UTF-8
   ([`DecodeError::DamagedUtf8`]), never a legacy encoding;
4. UTF-16 without a BOM, judged by the ranges its 16-bit units fall in
   ([`sniff`]): Chinese UTF-16 has no zero bytes at all;
5. legacy encodings: chardetng's guess, improved for GBK/Big5 and for text
   that is mostly English or markup (module `legacy`); GBK is reported as
   gb18030 when four-byte sequences occur.

[`read_file`] reads a path for decoding and refuses, with a reason, what is
not a regular file (a FIFO would block forever).

Whatever is chosen must decode the bytes without a single error; when
nothing does, the result is an error naming the byte offset, unless
[`DecodeOptions::lossy`] allows replacement characters, which are counted.

```
use zhtidy::decode::{decode, DecodeOptions, Outcome};

let (gbk, _, _) = encoding_rs::GBK.encode("这是一段简体中文的文字。");
let Outcome::Text(d) = decode(&gbk, &DecodeOptions::default()).unwrap() else { panic!() };
assert_eq!(d.encoding, encoding_rs::GBK);
assert_eq!(d.text, "这是一段简体中文的文字。");
```
*/

pub mod damage;
mod exact;
mod legacy;
pub mod mojibake;
mod newlines;
mod plausible;
pub mod read;
pub mod sniff;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

pub use damage::Damage;
pub use mojibake::Mojibake;
pub use newlines::Newlines;
pub use read::{open_file, read_file, read_file_with_metadata, ReadError};
pub use sniff::BinaryReason;

/// How to decode.
#[derive(Debug, Clone, Copy, Default)]
pub struct DecodeOptions {
    /// Decode with this encoding instead of detecting one. A BOM of the
    /// same encoding is still removed (and recorded).
    pub encoding: Option<&'static Encoding>,
    /// Allow malformed bytes, each replaced by U+FFFD and counted in
    /// [`Decoded::replacements`], instead of failing.
    pub lossy: bool,
    /// Reverse mojibake found in UTF-8 text (see [`mojibake`]).
    pub fix_mojibake: bool,
}

/// Text decoded from bytes, with what is needed to write it back.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text, without any BOM.
    pub text: String,
    /// The encoding the bytes were in (for UTF-8 that held mojibake, still
    /// UTF-8).
    pub encoding: &'static Encoding,
    /// Whether the bytes started with a byte order mark.
    pub bom: bool,
    /// How sure the detection is, 0..=1 (1 for a BOM or a forced encoding).
    pub confidence: f32,
    /// Mojibake found in the text, and whether it was reversed.
    pub mojibake: Option<Mojibake>,
    /// U+FFFD put in for malformed bytes (only ever non-zero when lossy).
    pub replacements: usize,
    /// Irreversible damage in the text (U+FFFD, 锟斤拷, 烫烫烫, lost
    /// characters), counted by kind, never repaired.
    pub damage: Damage,
    /// Line endings of the text as decoded.
    pub newlines: Newlines,
}

/// What became of the bytes.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// They are text.
    Text(Decoded),
    /// They are not text; skip them.
    Binary(BinaryReason),
}

/// Bytes that could not be decoded without loss.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Malformed for the encoding the caller forced.
    #[error("not valid {}: malformed bytes at byte offset {offset}", .encoding.name())]
    Malformed {
        /// The forced encoding.
        encoding: &'static Encoding,
        /// Byte offset of the first malformed sequence.
        offset: usize,
    },
    /// No encoding decodes the bytes cleanly; `guess` came closest.
    #[error("no encoding decodes this without loss (best guess {}: malformed bytes at byte offset {offset})", .guess.name())]
    Undecodable {
        /// The most likely encoding.
        guess: &'static Encoding,
        /// Byte offset of its first malformed sequence.
        offset: usize,
    },
    /// UTF-8 with a few malformed sequences among many good ones: damaged
    /// UTF-8, which no legacy encoding explains (a single-byte encoding
    /// would "decode" it without an error, into mojibake).
    #[error("UTF-8 with {count} malformed byte sequence(s) at byte offset(s) {}", offset_list(.offsets, *.count))]
    DamagedUtf8 {
        /// Byte offsets of the first malformed sequences (at most
        /// [`MAX_OFFSETS`]).
        offsets: Vec<usize>,
        /// How many malformed sequences there are in all.
        count: usize,
    },
}

/// How many byte offsets a [`DecodeError::DamagedUtf8`] lists.
pub const MAX_OFFSETS: usize = 8;

fn offset_list(offsets: &[usize], count: usize) -> String {
    let mut list = offsets
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if count > offsets.len() {
        list.push_str(&format!(" and {} more", count - offsets.len()));
    }
    list
}

/// Offsets of the malformed sequences of `bytes` as UTF-8 (the first
/// [`MAX_OFFSETS`]) and their number, as a lossy decoder would count
/// its replacements.
fn malformed_utf8(bytes: &[u8]) -> (Vec<usize>, usize) {
    let (mut offsets, mut count, mut at) = (Vec::new(), 0usize, 0usize);
    while at < bytes.len() {
        let Err(e) = std::str::from_utf8(&bytes[at..]) else {
            break;
        };
        let bad = at + e.valid_up_to();
        count += 1;
        if offsets.len() < MAX_OFFSETS {
            offsets.push(bad);
        }
        at = bad + e.error_len().unwrap_or(bytes.len() - bad);
    }
    (offsets, count)
}

/// The least [`Decoded::confidence`] at which a guessed encoding is safe to
/// write back: `scripts/eval-detect` finds no wrong guess at or above it,
/// with a margin (its table of wrong answers and refused right ones by
/// threshold is in docs/eval-detect.md). Below it, a file is cleaned only
/// to standard output unless the caller names the encoding.
pub const WRITE_CONFIDENCE: f32 = 0.8;

/// Finds an encoding by name: any WHATWG label encoding_rs knows (`gbk`,
/// `gb18030`, `big5`, `big5-hkscs`, `utf-16le`, `latin1`…) plus `utf-16`
/// (little-endian) and the spellings with underscores.
pub fn encoding_for_name(name: &str) -> Option<&'static Encoding> {
    let label = name.trim().to_ascii_lowercase().replace('_', "-");
    match label.as_str() {
        "utf-16" | "utf16" => Some(UTF_16LE),
        "utf16le" => Some(UTF_16LE),
        "utf16be" => Some(UTF_16BE),
        "utf8" | "utf-8-sig" => Some(UTF_8),
        "utf-16-le" => Some(UTF_16LE),
        "utf-16-be" => Some(UTF_16BE),
        "big5hkscs" | "cp950" => Some(encoding_rs::BIG5),
        "cp936" | "gb2312-80" => Some(encoding_rs::GBK),
        _ => Encoding::for_label(label.as_bytes()),
    }
}

/// Decodes `bytes`: detects the encoding (or uses the forced one) and
/// returns the text, or says the bytes are binary.
///
/// The tests run from the surest evidence to the weakest: a forced
/// encoding, a byte order mark, NULs and controls (UTF-16 or binary),
/// valid UTF-8, UTF-16 without a mark, and last the statistics of the
/// legacy Chinese encodings.
pub fn decode(bytes: &[u8], opts: &DecodeOptions) -> Result<Outcome, DecodeError> {
    if let Some(encoding) = opts.encoding {
        return forced(bytes, encoding, opts).map(Outcome::Text);
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return after_bom(bytes, encoding, bom_len, opts).map(Outcome::Text);
    }
    if sniff::has_nul_or_controls(bytes) {
        if let Some(text) = unmarked_utf16(bytes, opts) {
            return Ok(Outcome::Text(text));
        }
        if let Some(reason) = sniff::binary_reason(bytes) {
            return Ok(Outcome::Binary(reason));
        }
    }
    if let Ok(text) = utf8(bytes) {
        let found = exact::Exact {
            text: text.to_owned(),
            replacements: 0,
        };
        let confidence = utf8_confidence(text);
        return Ok(Outcome::Text(finish(found, UTF_8, false, confidence, opts)));
    }
    if let Some(text) = unmarked_utf16(bytes, opts) {
        return Ok(Outcome::Text(text));
    }
    decode_legacy(bytes, opts).map(Outcome::Text)
}

/// Text after a byte order mark `bom_len` bytes long, in the encoding the
/// mark names.
fn after_bom(
    bytes: &[u8],
    encoding: &'static Encoding,
    bom_len: usize,
    opts: &DecodeOptions,
) -> Result<Decoded, DecodeError> {
    let found = exact::decode_exact(encoding, &bytes[bom_len..], opts.lossy).map_err(|offset| {
        DecodeError::Undecodable {
            guess: encoding,
            offset: offset + bom_len,
        }
    })?;
    Ok(finish(found, encoding, true, 1.0, opts))
}

/// Text in UTF-16 without a byte order mark, when the bytes look like it
/// and decode cleanly.
fn unmarked_utf16(bytes: &[u8], opts: &DecodeOptions) -> Option<Decoded> {
    let g = sniff::guess_utf16(bytes)?;
    let found = exact::decode_exact(g.encoding, bytes, false).ok()?;
    Some(finish(found, g.encoding, false, g.plausibility, opts))
}

/// Text in the legacy encoding the statistics guess. Statistics on a
/// large input run on its first part only; the whole must still decode
/// cleanly with the result, or the whole is analysed.
fn decode_legacy(bytes: &[u8], opts: &DecodeOptions) -> Result<Decoded, DecodeError> {
    let sample = analysis_sample(bytes);
    let mut guess = legacy_guess(sample);
    let mut decoded = match guess.text.take() {
        Some(text) if sample.len() == bytes.len() => Ok(exact::Exact {
            text,
            replacements: 0,
        }),
        _ => exact::decode_exact(guess.encoding, bytes, false),
    };
    if decoded.is_err() && sample.len() < bytes.len() {
        guess = legacy_guess(bytes);
        decoded = exact::decode_exact(guess.encoding, bytes, false);
    }
    if guess.encoding == encoding_rs::GBK
        && sample.len() < bytes.len()
        && legacy::has_four_byte_sequence(bytes)
    {
        guess.encoding = encoding_rs::GB18030; // past the sample
    }
    match decoded {
        Ok(found) => Ok(finish(found, guess.encoding, false, guess.confidence, opts)),
        Err(offset) => undecodable(bytes, guess.encoding, offset, opts),
    }
}

/// Bytes that do not decode in the encoding guessed for them: an error
/// saying where, or with `lossy`, the text with replacement characters.
fn undecodable(
    bytes: &[u8],
    encoding: &'static Encoding,
    offset: usize,
    opts: &DecodeOptions,
) -> Result<Decoded, DecodeError> {
    if !opts.lossy && encoding == UTF_8 {
        let (offsets, count) = malformed_utf8(bytes);
        return Err(DecodeError::DamagedUtf8 { offsets, count });
    }
    if !opts.lossy {
        return Err(DecodeError::Undecodable {
            guess: encoding,
            offset,
        });
    }
    let found = exact::decode_exact(encoding, bytes, true).expect("lossy decoding cannot fail");
    Ok(finish(found, encoding, false, 0.0, opts))
}

fn forced(
    bytes: &[u8],
    encoding: &'static Encoding,
    opts: &DecodeOptions,
) -> Result<Decoded, DecodeError> {
    let bom_len = match Encoding::for_bom(bytes) {
        Some((e, len)) if e == encoding => len,
        _ => 0,
    };
    let found = exact::decode_exact(encoding, &bytes[bom_len..], opts.lossy).map_err(|offset| {
        DecodeError::Malformed {
            encoding,
            offset: offset + bom_len,
        }
    })?;
    Ok(finish(found, encoding, bom_len > 0, 1.0, opts))
}

fn finish(
    found: exact::Exact,
    encoding: &'static Encoding,
    bom: bool,
    confidence: f32,
    opts: &DecodeOptions,
) -> Decoded {
    let mut text = found.text;
    let mut mojibake_found = None;
    if encoding == UTF_8 {
        if let Some(m) = mojibake::find(&text) {
            let fixed = match m.repaired {
                Some(repaired) if opts.fix_mojibake => {
                    text = repaired;
                    true
                }
                _ => false,
            };
            mojibake_found = Some(Mojibake {
                fixed,
                ..m.mojibake
            });
        }
    }
    let damage = Damage::find(&text);
    let newlines = Newlines::count(&text);
    Decoded {
        text,
        encoding,
        bom,
        confidence,
        mojibake: mojibake_found,
        replacements: found.replacements,
        damage,
        newlines,
    }
}

/// Bytes analysed statistically: all of a small input; of a large one,
/// [`SAMPLE`] bytes or so from the line holding the first non-ASCII byte
/// (ASCII carries no evidence), cut after a newline: a byte that is never
/// part of a multi-byte sequence in any of the legacy encodings.
fn analysis_sample(bytes: &[u8]) -> &[u8] {
    if bytes.len() <= SAMPLE * 3 / 2 {
        return bytes;
    }
    let first = bytes.iter().position(|&b| b >= 0x80).unwrap_or(0);
    let start = bytes[..first]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let rest = &bytes[start..];
    if rest.len() <= SAMPLE * 3 / 2 {
        return rest;
    }
    match rest[SAMPLE..SAMPLE * 3 / 2]
        .iter()
        .position(|&b| b == b'\n')
    {
        Some(i) => &rest[..SAMPLE + i + 1],
        None => rest,
    }
}

/// See [`analysis_sample`].
const SAMPLE: usize = 64 * 1024;

/// The legacy guess, or UTF-8 for damaged UTF-8: a few bad bytes among
/// many good multi-byte sequences is far more common than legacy text that
/// is mostly valid UTF-8 by chance, and windows-1252 would "decode" it
/// without an error, wrongly.
fn legacy_guess(bytes: &[u8]) -> legacy::LegacyGuess {
    if mostly_utf8(bytes) {
        legacy::LegacyGuess {
            encoding: UTF_8,
            confidence: 0.0,
            text: None,
        }
    } else {
        legacy::guess(bytes)
    }
}

/// Confidence that valid UTF-8 is UTF-8: certain for ASCII, and the more
/// multi-byte sequences, the less likely a legacy text is valid by chance.
fn utf8_confidence(text: &str) -> f32 {
    match text.chars().filter(|c| !c.is_ascii()).take(8).count() {
        0 => 1.0,
        n => 1.0 - 0.2f32.powi(n as i32),
    }
}

/// Whether invalid UTF-8 still looks like UTF-8 with a few damaged bytes:
/// at least 4 good multi-byte characters and at least two of them per bad
/// sequence. Legacy CJK text is nowhere near: a GBK or Big5 character
/// starts a valid UTF-8 sequence by chance about once in seven, and a
/// single-byte text almost never does, so the scan stops as soon as bad
/// sequences clearly dominate.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    let mut rest = bytes;
    loop {
        let (valid, error) = match std::str::from_utf8(rest) {
            Ok(s) => (s, None),
            Err(e) => (
                std::str::from_utf8(&rest[..e.valid_up_to()]).expect("valid prefix"),
                Some(e),
            ),
        };
        good += valid.bytes().filter(|&b| b >= 0xC0).count();
        let Some(e) = error else { break };
        bad += 1;
        if bad > 8 && bad > good {
            return false;
        }
        match e.error_len() {
            Some(n) => rest = &rest[e.valid_up_to() + n..],
            None => break,
        }
    }
    good >= 4 && bad * 2 <= good
}

/// `std::str::from_utf8` with a SIMD validator in front: valid text (the
/// common case) is checked several times faster, and only invalid text pays
/// for std's validator, which says where it goes wrong.
pub fn utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(_) => std::str::from_utf8(bytes),
    }
}

#[cfg(test)]
mod tests;

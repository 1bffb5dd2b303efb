/*!
Decoding one character of UTF-8 text without checks, for the scanning loops
that step through text character by character (the trie's, the small
dictionaries' filter, the script and fold tables' lookups).

`str::chars` checks nothing either, but it decodes for an iterator: its
lead-byte tests come in the order of the byte values (ASCII first) and its
loop cannot keep a position that the caller also moves by whole matches.
Here three-byte characters, where nearly all Chinese text lies, are tested
first, and the caller says where to decode.

Shared, through `#[path]`, by `build.rs` (which compiles the dictionaries'
tries with `dart.rs`); it depends on nothing.
*/

/// The code point and byte length of the character starting at `at`.
/// Three-byte characters are tested first.
///
/// # Safety
///
/// `bytes` must be valid UTF-8 (a `str`'s bytes) and `at` a character
/// boundary below its length: then the lead byte says how many
/// continuation bytes follow, and they are in bounds.
#[inline(always)]
pub unsafe fn decode_at(bytes: &[u8], at: usize) -> (u32, usize) {
    debug_assert!(at < bytes.len() && is_lead(bytes[at]));
    // SAFETY: as the caller promises.
    unsafe {
        let b = |i: usize| u32::from(*bytes.get_unchecked(at + i));
        let b0 = b(0);
        if b0.wrapping_sub(0xE0) < 0x10 {
            let cp = ((b0 & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
            (cp, 3)
        } else if b0 < 0x80 {
            (b0, 1)
        } else if b0 < 0xE0 {
            (((b0 & 0x1F) << 6) | (b(1) & 0x3F), 2)
        } else {
            let cp = ((b0 & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6);
            (cp | (b(3) & 0x3F), 4)
        }
    }
}

/// The code point of the three-byte character starting at `at`, for loops
/// that have already tested the lead byte (`bytes[at] & 0xF0 == 0xE0`).
///
/// # Safety
///
/// As for [`decode_at`], and the character at `at` must be three bytes
/// long.
#[inline(always)]
pub unsafe fn decode_three(bytes: &[u8], at: usize) -> u32 {
    debug_assert!(at + 2 < bytes.len() && bytes[at] & 0xF0 == 0xE0);
    // SAFETY: as the caller promises.
    unsafe {
        let b = |i: usize| u32::from(*bytes.get_unchecked(at + i));
        ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F)
    }
}

/// Whether `b` starts a character (is not a continuation byte).
#[inline(always)]
fn is_lead(b: u8) -> bool {
    (b as i8) >= -0x40
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character's code point and length, of each length and at
    /// both ends of each length's range, after other characters.
    #[test]
    fn decodes_every_length_like_chars() {
        let mut text = String::new();
        for c in [
            '\0',
            'a',
            '\u{7F}',
            '\u{80}',
            'é',
            '\u{7FF}',
            '\u{800}',
            '中',
            '。',
            '\u{FFFF}',
            '\u{10000}',
            '𠀀',
            '🀄',
            '\u{10FFFF}',
        ] {
            text.push(c);
            text.push('x');
        }
        let bytes = text.as_bytes();
        for (at, c) in text.char_indices() {
            // SAFETY: `at` comes from `char_indices` of a `str`.
            let (cp, len) = unsafe { decode_at(bytes, at) };
            assert_eq!((cp, len), (c as u32, c.len_utf8()), "{c:?}");
            if len == 3 {
                // SAFETY: as above, and the character is three bytes.
                assert_eq!(unsafe { decode_three(bytes, at) }, c as u32);
            }
        }
    }

    /// All of the Basic Multilingual Plane's three-byte characters.
    #[test]
    fn decodes_all_three_byte_characters() {
        for c in ('\u{800}'..='\u{FFFF}').filter(|c| c.len_utf8() == 3) {
            let s = c.to_string();
            // SAFETY: position 0 of a one-character `str`.
            assert_eq!(unsafe { decode_at(s.as_bytes(), 0) }, (c as u32, 3));
            // SAFETY: as above; the character is three bytes.
            assert_eq!(unsafe { decode_three(s.as_bytes(), 0) }, c as u32);
        }
    }
}

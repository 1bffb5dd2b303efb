/*!
Fuzz target: the decode stage on arbitrary bytes. The first byte picks the
options (lossy, mojibake reversal, a forced encoding); the rest is the
input. Must not panic or hang; decoded text is at most three bytes of UTF-8
per input byte (U+FFFD for a malformed byte is three), and UTF-8 input
decoded without replacements is the input exactly (BOM aside).
*/
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhtidy::decode::{decode, DecodeOptions, Outcome};

const FORCED: [Option<&str>; 6] = [
    None,
    Some("utf-8"),
    Some("gbk"),
    Some("big5"),
    Some("utf-16le"),
    Some("gb18030"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let opts = DecodeOptions {
        encoding: FORCED[(flags >> 2) as usize % FORCED.len()]
            .map(|n| zhtidy::decode::encoding_for_name(n).unwrap()),
        lossy: flags & 1 != 0,
        fix_mojibake: flags & 2 != 0,
    };
    let Ok(Outcome::Text(d)) = decode(bytes, &opts) else {
        return;
    };
    assert!(
        d.text.len() <= 3 * bytes.len() + 3,
        "{} bytes decoded to {} bytes of text",
        bytes.len(),
        d.text.len()
    );
    if !opts.lossy {
        assert_eq!(d.replacements, 0, "replacements without --lossy");
    }
    let mojibake_fixed = d.mojibake.as_ref().is_some_and(|m| m.fixed);
    if d.encoding == encoding_rs::UTF_8 && d.replacements == 0 && !mojibake_fixed {
        let body = if d.bom { &bytes[3..] } else { bytes };
        assert_eq!(
            d.text.as_bytes(),
            body,
            "UTF-8 input not kept byte for byte"
        );
    }
});

/*!
Fuzz target: OpenCC conversion on arbitrary text. The first byte picks one
of the bundled configs; the rest, decoded lossily, is converted. Must not
panic or hang; the output is at most a small multiple of the input (the
longest dictionary value against its key), and text without a single
character any dictionary touches comes back unchanged.
*/
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use zhtidy::convert::Converter;

const CONFIGS: [&str; 16] = [
    "s2t", "t2s", "s2tw", "tw2s", "s2hk", "hk2s", "s2twp", "tw2sp", "s2hkp", "hk2sp", "t2tw",
    "tw2t", "t2hk", "hk2t", "t2jp", "jp2t",
];

fuzz_target!(|data: &[u8]| {
    static C: OnceLock<Vec<Converter>> = OnceLock::new();
    let converters = C.get_or_init(|| CONFIGS.iter().map(|c| Converter::new(c).unwrap()).collect());
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let conv = &converters[pick as usize % converters.len()];
    let text = String::from_utf8_lossy(bytes);
    let out = conv.convert(&text);
    assert!(
        out.len() <= 8 * text.len() + 64,
        "{}: {} bytes converted into {}",
        conv.name(),
        text.len(),
        out.len()
    );
    if text.is_ascii() {
        assert_eq!(out, text, "{} changed ASCII text", conv.name());
    }
});

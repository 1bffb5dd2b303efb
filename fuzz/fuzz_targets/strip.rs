/*!
Fuzz target: the strip stage on arbitrary text (bytes decoded lossily).
Must not panic or hang; the output is never longer than the input, and the
output plus the recorded removals is the input again.
*/
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use zhtidy::strip::{reconstruct, StripOptions, Stripper};

fuzz_target!(|data: &[u8]| {
    static S: OnceLock<Stripper> = OnceLock::new();
    let stripper = S.get_or_init(|| Stripper::new(&StripOptions::default()).unwrap());
    let text = String::from_utf8_lossy(data);
    let out = stripper.strip(&text);
    assert!(out.text.len() <= text.len());
    assert_eq!(reconstruct(&out.text, &out.removals), text);
});

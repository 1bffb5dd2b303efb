/*!
Fuzz target: the fix stage on arbitrary text (bytes decoded lossily).
Must not panic or hang; the output is at most three times the input (a
halfwidth comma becoming a fullwidth one is the largest growth) and every
change's recorded position lies inside the input.
*/
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use zhtidy::fix::{FixOptions, Fixer};

fuzz_target!(|data: &[u8]| {
    static F: OnceLock<Fixer> = OnceLock::new();
    let fixer = F.get_or_init(|| Fixer::new(FixOptions::default()));
    let text = String::from_utf8_lossy(data);
    let out = fixer.fix(&text);
    assert!(
        out.text.len() <= 3 * text.len() + 16,
        "{} bytes fixed into {}",
        text.len(),
        out.text.len()
    );
    for c in &out.changes {
        assert!(
            c.offset <= text.len() && text.is_char_boundary(c.offset),
            "{c:?}"
        );
    }
});

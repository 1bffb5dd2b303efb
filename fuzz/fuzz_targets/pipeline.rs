/*!
Fuzz target: the whole pipeline on bytes, as the command runs it: decode
(lossy, so every input gets through), then strip → fix → convert. The
first byte picks the conversion target (or none). Must not panic or hang,
and the output is at most a small multiple of the input.
*/
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use zhtidy::decode::{decode, DecodeOptions, Outcome};
use zhtidy::fix::FixOptions;
use zhtidy::pipeline::{Pipeline, Target};
use zhtidy::strip::StripOptions;

const TARGETS: [Option<Target>; 8] = [
    None,
    Some(Target::S),
    Some(Target::T),
    Some(Target::Tw),
    Some(Target::Twp),
    Some(Target::Hk),
    Some(Target::Hkp),
    Some(Target::Jp),
];

fn pipelines() -> &'static [Pipeline] {
    static P: OnceLock<Vec<Pipeline>> = OnceLock::new();
    P.get_or_init(|| {
        TARGETS
            .iter()
            .map(|t| {
                let mut b = Pipeline::builder()
                    .strip(StripOptions::default())
                    .fix(FixOptions::default());
                if let Some(t) = t {
                    b = b.convert(*t, None);
                }
                b.build().unwrap()
            })
            .collect()
    })
}

fuzz_target!(
    init: {
        // Build every pipeline and load the tables they read lazily before
        // the first timed input (under AddressSanitizer this takes seconds,
        // which -timeout would otherwise report as a hang).
        for p in pipelines() {
            p.run("這是繁體中文，这是简体中文。\n");
        }
    },
    |data: &[u8]| {
    let pipelines = pipelines();
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let opts = DecodeOptions {
        lossy: true,
        fix_mojibake: pick & 0x80 != 0,
        ..DecodeOptions::default()
    };
    let Ok(Outcome::Text(d)) = decode(bytes, &opts) else {
        return;
    };
    let p = &pipelines[pick as usize % pipelines.len()];
    let out = p.run(&d.text);
    assert!(
        out.text.len() <= 3 * 8 * bytes.len() + 64,
        "{} bytes tidied into {}",
        bytes.len(),
        out.text.len()
    );
});

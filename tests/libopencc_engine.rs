/*!
Gate 3: the optional `libopencc` engine (Debian's C++ libopencc 1.1 through
the `opencc-rust` binding) runs and converts the bundled sample.

Its dictionaries are OpenCC 1.1's, not 1.4.2's, so its output is not
compared with the built-in engine's byte for byte; only that it converts
(the Traditional sample comes out Simplified) is checked. Built and run by
`.ci/run` with `--features libopencc`.
*/
#![cfg(feature = "libopencc")]

use std::process::Command;

#[test]
fn libopencc_engine_converts_the_sample() {
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/reposted-article.zh-Hant.txt"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_zhtidy"))
        .args([
            "convert",
            "--engine",
            "libopencc",
            "--config",
            "t2s",
            "-i",
            sample,
        ])
        .output()
        .expect("run zhtidy");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8 output");
    let input = std::fs::read_to_string(sample).unwrap();
    assert_eq!(text.lines().count(), input.lines().count());
    assert!(
        input.contains("權力的遊戲") && text.contains("权力的游戏"),
        "{text}"
    );
    assert!(!text.contains("權力"), "Traditional left over");
}

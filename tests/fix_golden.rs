/*!
Golden tests of the fix stage on real text: `tests/fixtures/fix/NAME.in.txt`
must become `NAME.out.txt` (see the README there for how each expected file
was made), and fixing the output again must change nothing.
*/

use std::path::PathBuf;

use zhtidy::fix::{FixOptions, Fixer, Rule, Script, VariantTarget};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fix")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn reposted_article_gets_exactly_its_37_stray_glyphs_fixed() {
    let input = fixture("reposted-article.in.txt");
    let expected = fixture("reposted-article.out.txt");
    let fixer = Fixer::new(FixOptions::default().disable(Rule::FullwidthPunct));
    let fixed = fixer.fix(&input);
    assert_eq!(fixed.script.script, Script::Traditional);
    assert_eq!(fixed.changes.len(), 37, "{:#?}", fixed.changes);
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
    assert_eq!(glyphs, 37);
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

#[test]
fn taiwan_target_normalizes_the_articles_variants_idempotently() {
    let expected = fixture("reposted-article.out.txt");
    let input = fixture("reposted-article.in.txt");
    let options = FixOptions::default()
        .disable(Rule::FullwidthPunct)
        .variants(Some(VariantTarget::Tw));
    let fixer = Fixer::new(options);
    let fixed = fixer.fix(&input);
    // The hand-made golden file keeps the article's OpenCC-standard forms;
    // with a Taiwan target every one of them must go.
    let opencc_forms = ['爲', '啓', '裏', '着'];
    let before: usize = opencc_forms
        .iter()
        .map(|c| expected.matches(*c).count())
        .sum();
    assert!(before > 0, "the article has OpenCC-standard variants");
    for c in opencc_forms {
        assert!(!fixed.text.contains(c), "{c} left in Taiwan mode");
    }
    let variants: Vec<_> = fixed
        .changes
        .iter()
        .filter(|c| c.rule == Rule::Variant)
        .collect();
    assert!(variants.len() >= before, "{} < {before}", variants.len());
    // Outside the variant changes, the text is the golden one.
    let glyph_changes = fixed.changes.len() - variants.len();
    assert_eq!(glyph_changes, 37);
    let again = fixer.fix(&fixed.text);
    assert!(
        again.changes.is_empty(),
        "not idempotent: {:#?}",
        again.changes
    );
}

#[test]
fn scraped_artifacts_are_repaired_and_ambiguous_commas_reported() {
    let input = fixture("scraped-artifacts.in.txt");
    let expected = fixture("scraped-artifacts.out.txt");
    let fixer = Fixer::new(FixOptions::default());
    let fixed = fixer.fix(&input);
    assert_eq!(fixed.text, expected);
    let rules: std::collections::BTreeSet<&str> =
        fixed.changes.iter().map(|c| c.rule.id()).collect();
    let expected_rules = [
        "fullwidth-punct",
        "html-entity",
        "kangxi-radical",
        "pinyin-annotation",
        "zero-width",
    ];
    assert_eq!(rules.into_iter().collect::<Vec<_>>(), expected_rules);
    let notes: Vec<(usize, usize)> = fixed.notes.iter().map(|n| (n.line, n.column)).collect();
    assert_eq!(notes, [(5, 2), (5, 4)]);
    let again = fixer.fix(&fixed.text);
    assert!(
        again.changes.is_empty(),
        "not idempotent: {:#?}",
        again.changes
    );
}

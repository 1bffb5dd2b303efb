/*!
Golden test on a real reposted article (`examples/reposted-article.zh-Hant.txt`).

The expected output `tests/fixtures/pipeline/reposted-article.strip.txt` was
written by reading the sample, not by running zhtidy: it drops the header
meta line (3), the 導讀 excerpt that repeats the lead with the byline glued
in (5), the byline (7), the 制圖/轉載請注明 credit (19), 展开全文 (33), the
來源/標題/地址 footer lines (153, 157, 159) and the 鄭重聲明 disclaimer
(161), each with the blank line(s) after it (at the end, everything after
the last paragraph); it cuts ` 圖源:胡潤百富` off the chart caption (87) and
keeps the headline, the subheadings and the captions naming people.
*/

use std::path::Path;

use zhtidy::strip::{reconstruct, RemovalKind, StripOptions, Stripper};

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn reposted_article_matches_golden_output() {
    let input = read("examples/reposted-article.zh-Hant.txt");
    let expected = read("tests/fixtures/pipeline/reposted-article.strip.txt");
    let stripper = Stripper::new(&StripOptions::default()).unwrap();
    let out = stripper.strip(&input);
    assert!(out.refused.is_none());

    let lines: Vec<(usize, RemovalKind)> = out.removals.iter().map(|r| (r.line, r.kind)).collect();
    use RemovalKind::{Line, Suffix};
    assert_eq!(
        lines,
        [
            (3, Line),
            (5, Line),
            (7, Line),
            (19, Line),
            (33, Line),
            (87, Suffix),
            (153, Line),
            (157, Line),
            (159, Line),
            (161, Line)
        ],
        "{:#?}",
        out.removals
    );
    assert_eq!(out.removals[5].text, "圖源:胡潤百富");
    if out.text != expected {
        for (i, (a, b)) in out.text.lines().zip(expected.lines()).enumerate() {
            assert_eq!(a, b, "first difference at output line {}", i + 1);
        }
        assert_eq!(out.text, expected);
    }

    // Output + removals give the input back, byte for byte.
    assert_eq!(reconstruct(&out.text, &out.removals), input);
    // Stripping the output again changes nothing.
    let again = stripper.strip(&out.text);
    assert!(again.removals.is_empty(), "{:#?}", again.removals);
    assert_eq!(again.text, out.text);
}

/// Strip then fix (glyphs only, as the fix stage's own golden was made):
/// every line left must be that golden's line for the same input line,
/// except the chart caption, whose credit strip cut off. Two goldens
/// written independently agree.
#[test]
fn strip_then_fix_agrees_with_the_fix_golden() {
    use zhtidy::fix::{FixOptions, Rule};
    use zhtidy::pipeline::Pipeline;

    let input = read("examples/reposted-article.zh-Hant.txt");
    let fix_golden = read("tests/fixtures/fix/reposted-article.out.txt");
    let golden_lines: Vec<&str> = fix_golden.lines().collect();
    let pipeline = Pipeline::builder()
        .strip(StripOptions::default())
        .fix(FixOptions::default().disable(Rule::FullwidthPunct))
        .build()
        .unwrap();
    let out = pipeline.run(&input);
    let removed: Vec<usize> = out
        .removals
        .iter()
        .filter(|r| r.kind == RemovalKind::Line)
        .map(|r| r.line)
        .collect();
    // Input line numbers of the kept non-blank lines, in order.
    let kept: Vec<usize> = input
        .lines()
        .enumerate()
        .filter(|(i, l)| !l.trim().is_empty() && !removed.contains(&(i + 1)))
        .map(|(i, _)| i + 1)
        .collect();
    let lines: Vec<&str> = out.text.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), kept.len());
    for (line, n) in lines.iter().zip(&kept) {
        let want = golden_lines[n - 1];
        if *n == 87 {
            assert_eq!(format!("{line} 圖源:胡潤百富"), want);
        } else {
            assert_eq!(*line, want, "input line {n}");
        }
    }
    // 37 glyph fixes in the whole article; strip removed the lines of
    // three: the 开 of 展开全文 (line 33) and the 制圖, 注明 of the image
    // credit (line 19).
    assert_eq!(out.fix_changes.len(), 34);
    assert!(out.fix_changes.iter().all(|c| c.line != 19));
    assert!(out.fix_changes.iter().all(|c| c.line != 33));
}

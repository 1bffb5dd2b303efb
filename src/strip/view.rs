/*!
Deciding on a repaired view of the text.

In the pipeline, fix runs after strip and repairs things strip looks at:
`&amp;` reads as a sentence end (`;`), a zero-width space or an `&nbsp;`
line is not blank, an entity lengthens a line. If strip decided on the raw
text, the next run (on repaired text) could decide differently. So the
pipeline lets strip decide on fix's output (the *view*) and carry the
decision over to the raw text: the same lines go, blank lines as the view
sees them, and a caption credit is cut where the view cuts it.

This needs the view to have the raw text's lines one for one; when it has
not (an entity that decodes to a line break), strip decides on the raw
text.
*/

use super::blocks::{split_lines, Plan};
use super::fold::fold;

/// Whether `view` has the lines of `text` one for one.
pub fn lines_match(text: &str, view: &str) -> bool {
    let breaks = |s: &str| memchr::memchr_iter(b'\n', s.as_bytes()).count();
    breaks(text) == breaks(view)
}

/// A plan made on `view` as a plan for `text` (see the module doc; the
/// caller checked [`lines_match`]).
pub fn retarget(view_plan: Plan, view: &str, text: &str) -> Plan {
    let mut lines = split_lines(text);
    for (line, seen) in lines.iter_mut().zip(&view_plan.lines) {
        line.blank = seen.blank;
    }
    let suffixes = view_plan
        .suffixes
        .iter()
        .filter_map(|&(i, k, view_at)| {
            let seen = &view_plan.lines[i];
            let line = &lines[i];
            let raw = &text[line.trim_start..line.trim_end];
            let kept = &view[seen.trim_start..view_at];
            let credit = &view[view_at..seen.trim_end];
            // The part before the credit, or the credit itself, reads the
            // same in both: cut there. When the credit reads like the raw
            // line's last characters (conversion wrote the credit in
            // other glyphs and lengthened the caption: 用户 → 使用者), cut
            // before those. When the two lines fold alike (fix only
            // unified glyphs, one for one), cut at the same character.
            // Otherwise (repairs on both sides of the cut) the credit
            // stays.
            let at = if raw.starts_with(kept) && raw.len() > kept.len() {
                line.trim_start + kept.len()
            } else if raw.ends_with(credit) && raw.len() > credit.len() {
                line.trim_end - credit.len()
            } else if let Some(at) = tail_reading_like(raw, credit) {
                line.trim_start + at
            } else if reads_alike(raw, &view[seen.trim_start..seen.trim_end]) {
                let n = kept.chars().count();
                line.trim_start + raw.char_indices().nth(n).map_or(raw.len(), |(b, _)| b)
            } else {
                return None;
            };
            Some((i, k, at))
        })
        .collect();
    Plan {
        lines,
        judged: view_plan.judged,
        line_removals: view_plan.line_removals,
        suffixes,
    }
}

/// Where the last characters of `raw` that read like `credit` (see
/// [`reads_alike`]) begin, when they do and something stays before them.
fn tail_reading_like(raw: &str, credit: &str) -> Option<usize> {
    let n = credit.chars().count();
    let at = raw.char_indices().rev().nth(n.checked_sub(1)?)?.0;
    (at > 0 && reads_alike(&raw[at..], credit)).then_some(at)
}

/// Whether the raw line and its view are the same characters, one for
/// one, but for ideographs written another way: fix only unified glyphs,
/// or conversion wrote other characters or a regional phrase of as many
/// characters (`--to twp` writes 相簿 for 图库). A cut then falls on the
/// same character of both.
fn reads_alike(raw: &str, seen: &str) -> bool {
    let (raw, seen) = (fold(raw), fold(seen));
    let mut pairs = raw.chars().zip(seen.chars());
    raw.chars().count() == seen.chars().count()
        && pairs.all(|(a, b)| a == b || (is_ideograph(a) && is_ideograph(b)))
}

/// A CJK unified or compatibility ideograph.
fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/*!
Where rules may act (header, body, footer), which lines go, and which blank
lines go with them.

[`plan`] decides; [`removals`] turns the decision into [`Removal`]s whose
deleted bytes are contiguous and, laid back into the output, give the input.
*/

use std::borrow::Cow;
use std::collections::HashMap;

use super::fold::fold;
use super::lead::is_lead_duplicate;
use super::rule_set::RuleSet;
use super::rules::{Action, Rule, Zone};
use super::{Removal, RemovalKind};

/// A map from a line's text, with a fast seeded hash.
type LineMap<V> = HashMap<Box<str>, V, foldhash::fast::RandomState>;

/// Non-blank lines looked at from the top when searching for the header.
pub const HEADER_WINDOW: usize = 12;
/// Non-blank lines looked at from the end when searching for the footer.
pub const FOOTER_WINDOW: usize = 30;

pub struct LineInfo {
    /// Byte range of the line in the input, line ending included.
    pub start: usize,
    pub end: usize,
    /// Byte range of the trimmed content.
    pub trim_start: usize,
    pub trim_end: usize,
    pub blank: bool,
    /// Characters in the trimmed content: 0 from [`split_lines`], counted
    /// by [`plan`] (once per line text, in its memo).
    pub chars: usize,
}

impl LineInfo {
    /// Whether `folded` holds the line: only lines that some rule could
    /// match (at most `limit` characters) are folded up front.
    fn is_folded(&self, limit: usize) -> bool {
        self.chars <= limit
    }
}

pub struct Plan {
    pub lines: Vec<LineInfo>,
    /// (line index, rule index), in line order: whole lines to remove.
    pub line_removals: Vec<(usize, usize)>,
    /// (line index, rule index, byte offset where the credit starts).
    pub suffixes: Vec<(usize, usize, usize)>,
}

/// Splits `text` into lines (their characters not counted yet).
pub fn split_lines(text: &str) -> Vec<LineInfo> {
    let mut lines = Vec::new();
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
    let last = (!text.is_empty() && !text.ends_with('\n')).then_some(text.len());
    for end in ends.chain(last) {
        let piece = &text[start..end];
        let content = piece.trim_end_matches(['\n', '\r']);
        let lead = content.len() - content.trim_start().len();
        let trimmed = content.trim();
        lines.push(LineInfo {
            start,
            end,
            trim_start: start + lead,
            trim_end: start + lead + trimmed.len(),
            blank: trimmed.is_empty(),
            chars: 0,
        });
        start = end;
    }
    lines
}

/// A line that reads as body prose: long (50 characters or more), or a
/// full sentence (15 or more with a sentence mark). Decided on the
/// unfolded content: folding keeps the number of characters, and the only
/// characters that fold to the sentence marks `! ? ;` are their fullwidth
/// forms, so this is the same verdict as on the folded line.
fn is_prose_line(line: &LineInfo, text: &str) -> bool {
    let n = line.chars;
    n >= 50
        || (n >= 15
            && text[line.trim_start..line.trim_end]
                .contains(['。', '!', '?', ';', '…', '！', '？', '；']))
}

/// Where a line is, for deciding which rules may act on it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Region {
    Header,
    Body,
    Footer,
}

fn may_act(rule: &Rule, region: Region) -> bool {
    let z = &rule.zones;
    let everywhere = z.contains(&Zone::Inline) || z.contains(&Zone::Anywhere);
    everywhere
        || match region {
            Region::Header => z.contains(&Zone::Header),
            Region::Footer => z.contains(&Zone::Footer),
            Region::Body => false,
        }
}

/// Rules that define the header or footer block (inline rules act on
/// whole lines but do not make a block).
fn defines(rule: &Rule, region: Region) -> bool {
    let z = &rule.zones;
    z.contains(&Zone::Anywhere)
        || match region {
            Region::Header => z.contains(&Zone::Header),
            Region::Footer => z.contains(&Zone::Footer),
            Region::Body => false,
        }
}

/// The text of the non-blank lines after `index`, for lead comparison;
/// `folded(j)` is line `j` folded.
fn following_text<'f>(
    lines: &[LineInfo],
    index: usize,
    folded: impl Fn(usize) -> Cow<'f, str>,
) -> String {
    let mut s = String::new();
    for j in (index + 1..lines.len()).filter(|&j| !lines[j].blank) {
        s.push_str(&folded(j));
        s.push('\n');
        if s.len() > 4000 {
            break;
        }
    }
    s
}

/// What [`plan`] learnt about a line from its trimmed content alone, kept
/// by [`LineMemo`].
struct LineFacts {
    chars: usize,
    /// Empty for lines longer than any rule may match.
    folded: String,
    /// The whole-line rules that match the folded content.
    matches: Vec<usize>,
    /// The earliest caption credit (start in `folded`, rule).
    suffix: Option<(usize, usize)>,
}

/// Per-line facts of one rule set over the passes of one document: a later
/// pass (strip repeats until nothing more goes, issue 7) sees nearly the
/// same lines, and folding a line and running the rules' patterns on it
/// are pure functions of its trimmed content and the rules.
#[derive(Default)]
pub(crate) struct LineMemo {
    /// Where each line's facts are in `facts`.
    index: LineMap<usize>,
    facts: Vec<LineFacts>,
}

impl LineMemo {
    /// Where the facts of the trimmed line `content` are, found now if new.
    fn find(&mut self, rules: &RuleSet, limit: usize, content: &str) -> usize {
        if let Some(&at) = self.index.get(content) {
            return at;
        }
        let chars = content.chars().count();
        let facts = if chars <= limit && !content.is_empty() {
            let folded = fold(content);
            let (matches, suffix) = rules.line_verdicts(&folded, chars);
            LineFacts {
                chars,
                folded,
                matches,
                suffix,
            }
        } else {
            LineFacts {
                chars,
                folded: String::new(),
                matches: Vec::new(),
                suffix: None,
            }
        };
        self.facts.push(facts);
        self.index.insert(content.into(), self.facts.len() - 1);
        self.facts.len() - 1
    }
}

pub fn plan(rules: &RuleSet, text: &str, memo: &mut LineMemo) -> Plan {
    // No rule matches a line longer than this: such lines are not folded
    // and no pattern runs on them.
    let limit = rules.iter().map(|r| r.max_chars).max().unwrap_or(0);
    let mut lines = split_lines(text);
    let mut at = Vec::with_capacity(lines.len());
    for l in &mut lines {
        let i = memo.find(rules, limit, &text[l.trim_start..l.trim_end]);
        l.chars = memo.facts[i].chars;
        at.push(i);
    }
    let facts = |i: usize| &memo.facts[at[i]];
    let matches = |i: usize| &facts(i).matches[..];
    // Lines longer than any rule may match were not folded up front.
    let folded = |j: usize| -> Cow<'_, str> {
        let l = &lines[j];
        if l.is_folded(limit) {
            Cow::Borrowed(&facts(j).folded)
        } else {
            Cow::Owned(fold(&text[l.trim_start..l.trim_end]))
        }
    };
    let n = lines.len();
    let is_dup = |i: usize, k: usize| {
        rules[k]
            .excerpt(&facts(i).folded)
            .is_some_and(|ex| is_lead_duplicate(ex, &following_text(&lines, i, folded)))
    };
    // A rule's verdict on a line in a block region: Some(k) if it hits.
    let block_hit = |i: usize, region: Region| -> Option<usize> {
        matches(i).iter().copied().find(|&k| {
            defines(&rules[k], region) && (rules[k].action != Action::LeadDuplicate || is_dup(i, k))
        })
    };
    let mut hits: Vec<Option<usize>> = vec![None; n];

    // Header: scan down.
    let mut header_end = 0; // lines [0, header_end) are the header
    let mut seen = 0;
    for i in (0..n).filter(|&i| !lines[i].blank) {
        seen += 1;
        if seen > HEADER_WINDOW {
            break;
        }
        if let Some(k) = block_hit(i, Region::Header) {
            if rules[k].action != Action::ListToEnd {
                hits[i] = Some(k);
                header_end = i + 1;
                continue;
            }
        }
        let excerpt_like = matches(i)
            .iter()
            .any(|&k| rules[k].action == Action::LeadDuplicate);
        if !excerpt_like && is_prose_line(&lines[i], text) {
            break;
        }
    }

    // Footer: scan up, never into the header.
    let mut footer_start = n; // lines [footer_start, n) are the footer
    let mut seen = 0;
    for i in (header_end..n).rev().filter(|&i| !lines[i].blank) {
        seen += 1;
        if seen > FOOTER_WINDOW {
            break;
        }
        if let Some(k) = block_hit(i, Region::Footer) {
            if rules[k].action != Action::LeadDuplicate {
                hits[i] = Some(k);
                footer_start = i;
                continue;
            }
        }
        if is_prose_line(&lines[i], text) {
            break;
        }
    }
    // A list heading takes the short unmatched lines after it.
    if let Some(h) =
        (footer_start..n).find(|&i| hits[i].is_some_and(|k| rules[k].action == Action::ListToEnd))
    {
        let k = hits[h].unwrap();
        for i in h + 1..n {
            if !lines[i].blank && hits[i].is_none() {
                hits[i] = Some(k);
            }
        }
    }

    // Weak matches need a strong one in the same block, and never take
    // the first line (the title).
    if let Some(first) = (0..n).find(|&i| !lines[i].blank) {
        if hits[first].is_some_and(|k| rules[k].weak) {
            hits[first] = None;
        }
    }
    for range in [0..header_end, footer_start..n] {
        let strong = range
            .clone()
            .any(|i| hits[i].is_some_and(|k| !rules[k].weak));
        if !strong {
            for i in range {
                if hits[i].is_some_and(|k| rules[k].weak) {
                    hits[i] = None;
                }
            }
        }
    }

    // Whole-line rules everywhere else.
    for i in 0..n {
        if lines[i].blank || hits[i].is_some() {
            continue;
        }
        let region = if i < header_end {
            Region::Header
        } else if i >= footer_start {
            Region::Footer
        } else {
            Region::Body
        };
        hits[i] = matches(i).iter().copied().find(|&k| {
            let r = &rules[k];
            !r.weak
                && may_act(r, region)
                && r.action == Action::Remove
                && (region != Region::Body
                    || r.zones.contains(&Zone::Inline)
                    || r.zones.contains(&Zone::Anywhere))
        });
    }

    // Credits at the end of kept lines.
    let mut suffixes = Vec::new();
    for i in 0..n {
        if lines[i].blank || hits[i].is_some() || !lines[i].is_folded(limit) {
            continue;
        }
        let folded = &facts(i).folded;
        let found = facts(i).suffix;
        let Some((s, k)) = found else { continue };
        if folded[..s].trim().is_empty() {
            hits[i] = Some(k);
            continue;
        }
        // Same characters in the folded and the original line.
        let chars_before = folded[..s].chars().count();
        let original = &text[lines[i].trim_start..lines[i].trim_end];
        let mut at = original
            .char_indices()
            .nth(chars_before)
            .map_or(original.len(), |(b, _)| b);
        at = original[..at].trim_end().len();
        suffixes.push((i, k, lines[i].trim_start + at));
    }

    let line_removals = (0..n).filter_map(|i| hits[i].map(|k| (i, k))).collect();
    Plan {
        lines,
        line_removals,
        suffixes,
    }
}

/// Turns a plan into removal records, blank lines attached.
pub fn removals(rules: &[Rule], text: &str, plan: &Plan) -> Vec<Removal> {
    let lines = &plan.lines;
    let n = lines.len();
    let mut removed: Vec<Option<usize>> = vec![None; n]; // rule index
    for &(i, k) in &plan.line_removals {
        removed[i] = Some(k);
    }
    // owner[i] = the removed line whose record deletes line i.
    let mut owner: Vec<Option<usize>> = (0..n).map(|i| removed[i].map(|_| i)).collect();
    let mut i = 0;
    while i < n {
        if !(removed[i].is_some() || lines[i].blank) {
            i += 1;
            continue;
        }
        let s = i;
        while i < n && (removed[i].is_some() || lines[i].blank) {
            i += 1;
        }
        let e = i;
        let rm: Vec<usize> = (s..e).filter(|&k| removed[k].is_some()).collect();
        let (Some(&first), Some(&last)) = (rm.first(), rm.last()) else {
            continue;
        };
        let has_prev = s > 0;
        let has_next = e < n;
        let prev_removed = |k: usize| rm.iter().rev().copied().find(|&r| r < k);
        let next_removed = |k: usize| rm.iter().copied().find(|&r| r > k);
        for k in (s..e).filter(|&k| removed[k].is_none()) {
            owner[k] = if !has_next {
                // At the end: everything from the last kept line goes.
                if has_prev {
                    next_removed(k).or(Some(last))
                } else if k > first {
                    prev_removed(k)
                } else {
                    None
                }
            } else if !has_prev || lines[s].blank {
                // Blank lines before the first removal stay; each removed
                // line takes the blank lines after it.
                if k > first {
                    prev_removed(k)
                } else {
                    None
                }
            } else if k < last {
                // Removal right after a kept line: the blank lines after
                // the last removal stay as the separator.
                prev_removed(k)
            } else {
                None
            };
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let Some(o) = owner[i] else {
            i += 1;
            continue;
        };
        let s = i;
        while i < n && owner[i] == Some(o) {
            i += 1;
        }
        let k = removed[o].expect("owner is a removed line");
        out.push(Removal {
            rule: rules[k].id.clone(),
            family: rules[k].family.clone(),
            line: o + 1,
            text: text[lines[o].trim_start..lines[o].trim_end].to_string(),
            kind: RemovalKind::Line,
            at: lines[s].start,
            deleted: text[lines[s].start..lines[i - 1].end].to_string(),
        });
    }
    for &(i, k, at) in &plan.suffixes {
        let l = &lines[i];
        out.push(Removal {
            rule: rules[k].id.clone(),
            family: rules[k].family.clone(),
            line: i + 1,
            text: text[at..l.trim_end].trim().to_string(),
            kind: RemovalKind::Suffix,
            at,
            deleted: text[at..l.trim_end].to_string(),
        });
    }
    out.sort_by_key(|r| r.at);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The verdict on the folded line, as the rules see it.
    fn is_prose_folded(folded: &str) -> bool {
        let n = folded.chars().count();
        let sentence = folded.contains(['。', '!', '?', ';', '…']);
        n >= 50 || (n >= 15 && sentence)
    }

    #[test]
    fn prose_verdict_is_the_same_unfolded() {
        let text = "短標題\n  這是一個完整的句子，有十五個字以上。\n這是一個完整的句子，有十五個字以上！\n這是一個完整的句子，有十五個字以上？\n這是一個完整的句子，有十五個字以上；\n這是一個完整的句子，有十五個字以上︰\nThis line is long enough to be prose in any language at all, surely\n沒有標點的一行字但是也有十五個以上的字數吧\n";
        let mut lines = split_lines(text);
        for l in &mut lines {
            l.chars = text[l.trim_start..l.trim_end].chars().count();
        }
        assert_eq!(lines.len(), 8);
        let verdicts: Vec<bool> = lines.iter().map(|l| is_prose_line(l, text)).collect();
        for (l, v) in lines.iter().zip(&verdicts) {
            assert_eq!(*v, is_prose_folded(&fold(&text[l.trim_start..l.trim_end])));
        }
        assert_eq!(
            verdicts,
            [false, true, true, true, true, false, true, false]
        );
    }

    #[test]
    fn only_lines_a_rule_could_match_are_folded() {
        let rules = RuleSet::new(crate::strip::rules::builtin_rules().unwrap());
        let mut memo = LineMemo::default();
        let short = memo.find(&rules, 8, "來源：晨光日報");
        let long = memo.find(&rules, 8, "來源：這一行比上限長得多得多得多");
        let facts = &memo.facts[short];
        assert_eq!((facts.chars, facts.folded.as_str()), (7, "来源:晨光日报"));
        assert!(!facts.matches.is_empty(), "a source line matches a rule");
        let facts = &memo.facts[long];
        assert_eq!((facts.chars, facts.folded.as_str()), (16, ""));
        assert!(facts.matches.is_empty());
        assert_eq!(memo.find(&rules, 8, "來源：晨光日報"), short, "found again");
    }
}

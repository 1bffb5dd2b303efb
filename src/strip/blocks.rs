/*!
Where rules may act (header, body, footer), which lines go, and which blank
lines go with them.

[`plan`] decides; [`removals`] turns the decision into [`Removal`]s whose
deleted bytes are contiguous and, laid back into the output, give the input.
*/

use std::borrow::Cow;
use std::collections::HashMap;

use super::fold::{fold, fold_view};
use super::lead::is_lead_duplicate;
use super::model;
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
    /// The lines the line model judged: their cues, and whether a rule
    /// had taken the line already (what `scripts/train-strip-model`
    /// learns from).
    pub judged: Vec<Judged>,
    /// (line index, rule index), in line order: whole lines to remove.
    pub line_removals: Vec<(usize, usize)>,
    /// (line index, rule index, byte offset where the credit starts).
    pub suffixes: Vec<(usize, usize, usize)>,
}

/// A line the line model looked at (see [`model`]).
pub struct Judged {
    /// Index of the line.
    pub line: usize,
    pub features: Vec<String>,
    /// A rule took the line before the model looked.
    pub ruled: bool,
    /// The model's verdict, when it judged a line no rule took.
    pub verdict: Option<model::Verdict>,
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

/// A line that reads as body prose (see [`super::safety::is_prose`]).
fn is_prose_line(line: &LineInfo, text: &str) -> bool {
    super::safety::is_prose(&text[line.trim_start..line.trim_end], line.chars)
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

/// Fewest menu items in a row that make a menu.
pub const MENU_MIN: usize = 4;

/// Marks the runs of at least [`MENU_MIN`] consecutive unmarked non-blank
/// lines in `range` that `item` finds a menu rule for, when one of them is
/// a menu word (a rule that is not weak) or half of them carry a list
/// bullet (`bulleted`). Returns the end of the last run marked.
fn menu_runs(
    nonblank: &[usize],
    hits: &mut [Option<usize>],
    range: std::ops::Range<usize>,
    item: impl Fn(usize) -> Option<usize>,
    rules: &[Rule],
    bulleted: &dyn Fn(usize) -> bool,
) -> Option<usize> {
    let lines: Vec<usize> = nonblank
        .iter()
        .copied()
        .filter(|i| range.contains(i))
        .collect();
    let mut last_end = None;
    let mut p = 0;
    while p < lines.len() {
        let start = p;
        while p < lines.len() && hits[lines[p]].is_none() && item(lines[p]).is_some() {
            p += 1;
        }
        let run = &lines[start..p];
        if p == start {
            p += 1;
            continue;
        }
        // A plain short line at the end of a run is more likely the
        // title than a menu item: the run stops at its last menu word or
        // bulleted item.
        let strong = |i: usize| bulleted(i) || item(i).is_some_and(|k| !rules[k].weak);
        let keep = run.iter().rposition(|&i| strong(i)).map_or(0, |q| q + 1);
        let run = &run[..keep];
        let word = run.iter().any(|&i| item(i).is_some_and(|k| !rules[k].weak));
        let bullets = run.iter().filter(|&&i| bulleted(i)).count();
        if run.len() >= MENU_MIN && (word || bullets * 2 >= run.len()) {
            // A list known by its bullets alone takes its bulleted lines:
            // a plain line among them (a headline between a column's
            // bookmarks) is not one of its items.
            for &i in run.iter().filter(|&&i| word || bulleted(i)) {
                hits[i] = item(i);
            }
            last_end = run.last().map(|&i| i + 1);
        }
    }
    last_end
}

/// A paragraph: prose with a full stop, or a long line. Short exclamations
/// and questions (`欢迎来到某某网!`) are how chrome greets and teases as
/// often as how an article speaks, so they do not mark where the body
/// begins; menus are looked for up to the first paragraph.
fn is_paragraph(line: &LineInfo, text: &str) -> bool {
    let content = &text[line.trim_start..line.trim_end];
    line.chars >= super::safety::PROSE_LONG
        || (line.chars >= super::safety::PROSE_SENTENCE && content.contains(['。', '；', ';']))
}

/// A teaser: a long line cut off with an ellipsis (a related list's
/// summary of another article), which does not end the footer.
fn is_teaser(line: &LineInfo, text: &str) -> bool {
    let content = &text[line.trim_start..line.trim_end];
    content.ends_with('…') || content.ends_with("...")
}

/// Longest line also read with regional phrasings undone (see
/// `fold_view`): the short lines chrome and meta rules judge; a paragraph
/// is not worth the second reading.
pub const VIEW_MAX_CHARS: usize = 160;

/// Most lines an absorbed run may have between two boilerplate lines at
/// the top edge, and at the bottom edge.
pub const HEADER_GAP: usize = 2;
pub const FOOTER_GAP: usize = 3;

/// Marks the lines that absorb rules match (`absorber`) and that sit in a
/// run of boilerplate at an edge: in the header (lines before
/// `header_end`), between two removed lines with at most [`HEADER_GAP`]
/// lines between them; in the footer (from `footer_start`), between two
/// removed lines with at most [`FOOTER_GAP`] between them, or after the
/// last removed line up to the end. Never the first line (the title).
/// `nonblank` lists the non-blank lines in order.
fn absorb_runs(
    nonblank: &[usize],
    hits: &mut [Option<usize>],
    header_end: usize,
    footer_start: usize,
    absorber: impl Fn(usize, Region) -> Option<usize>,
) {
    let zones = [
        (0, header_end, HEADER_GAP, false, Region::Header),
        (footer_start, usize::MAX, FOOTER_GAP, true, Region::Footer),
    ];
    for (from, to, gap, open_end, region) in zones {
        let zone: Vec<usize> = nonblank
            .iter()
            .copied()
            .filter(|&i| i >= from && i < to)
            .collect();
        let mut p = 0;
        let title_first = zone.first().is_some_and(|&i| Some(&i) == nonblank.first());
        while p < zone.len() {
            if hits[zone[p]].is_some() {
                p += 1;
                continue;
            }
            let run_start = p;
            while p < zone.len() && hits[zone[p]].is_none() {
                p += 1;
            }
            let run = &zone[run_start..p];
            // The title bounds the top run like a removed line: what sits
            // between it and the header's boilerplate is the header's.
            let after_hit = run_start > 0 || (region == Region::Header && title_first);
            let before_hit = p < zone.len();
            let bounded = after_hit && (before_hit || open_end);
            let title = run.first() == nonblank.first();
            let run = match (title, region) {
                (false, _) => run,
                (true, Region::Header) => &run[1..],
                (true, _) => continue,
            };
            if !bounded || run.is_empty() || run.len() > gap {
                continue;
            }
            let found: Option<Vec<usize>> = run.iter().map(|&i| absorber(i, region)).collect();
            if let Some(found) = found {
                for (&i, k) in run.iter().zip(found) {
                    hits[i] = Some(k);
                }
            }
        }
    }
}

/// [`RuleSet::line_verdicts`] on the folded line `folded` of `chars`
/// characters, a list bullet in front left out.
fn verdicts(rules: &RuleSet, folded: &str, chars: usize) -> (Vec<usize>, Option<(usize, usize)>) {
    let (skip, skipped) = bullet_len(folded);
    let (matches, suffix) = rules.line_verdicts(&folded[skip..], chars - skipped);
    (matches, suffix.map(|(s, k)| (s + skip, k)))
}

/// Bytes and characters of a list bullet (`•`, `·`, `-`, `*`, `▪` and
/// the like, with the spaces after it) at the start of the folded line
/// `folded`, when a word follows.
fn bullet_len(folded: &str) -> (usize, usize) {
    let mut chars = folded.char_indices();
    let Some((_, c)) = chars.next() else {
        return (0, 0);
    };
    if !matches!(
        c,
        '•' | '·'
            | '▪'
            | '◦'
            | '‣'
            | '∙'
            | '●'
            | '○'
            | '■'
            | '□'
            | '◆'
            | '◇'
            | '-'
            | '*'
            | '►'
            | '▶'
            | '→'
    ) {
        return (0, 0);
    }
    let mut n = 1;
    for (b, c) in chars {
        if c == ' ' {
            n += 1;
            continue;
        }
        return if n > 1 || !c.is_ascii_punctuation() {
            (b, n)
        } else {
            (0, 0)
        };
    }
    (0, 0)
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
/// pass (strip repeats until nothing more goes) sees nearly the
/// same lines, and folding a line and running the rules' patterns on it
/// are pure functions of its trimmed content and the rules.
#[derive(Default)]
pub(crate) struct LineMemo {
    /// Where each line's facts are in `facts`.
    index: LineMap<usize>,
    facts: Vec<LineFacts>,
    /// The safety limit's measure of the last text it judged.
    pub(crate) measured: super::safety::Measured,
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
            let (mut matches, mut suffix) = verdicts(rules, &folded, chars);
            // What a rule finds in the line with regional phrasings undone
            // (see `fold_view`), it finds in the line.
            if let Some(view) = (chars <= VIEW_MAX_CHARS)
                .then(|| fold_view(content))
                .flatten()
            {
                let (more, credit) = verdicts(rules, &view, chars);
                matches.extend(more);
                matches.sort_unstable();
                matches.dedup();
                suffix = suffix.into_iter().chain(credit).min();
            }
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
    plan_judging(rules, text, memo, false)
}

/// [`plan`], recording the line model's cues of every line it looks at
/// when `record` is set; otherwise the model looks only when its rule is
/// enabled.
pub fn plan_judging(rules: &RuleSet, text: &str, memo: &mut LineMemo, record: bool) -> Plan {
    let mut page = Page::new(rules, text, memo);
    let mut zones = page.scan_header();
    page.scan_footer(&mut zones);
    page.take_list_tails(&zones);
    page.spare_title();
    page.keep_lone_weak_matches(&zones);
    page.find_menus(&zones);
    page.take_label_values(&zones);
    page.absorb_chrome(&zones);
    page.apply_whole_line_rules(&zones);
    page.keep_dates_under_labels();
    page.remove_repeated_titles(&zones);
    page.remove_repeated_captions();
    page.spare_title();
    page.keep_cue_headings();
    let modelled = record || rules.iter().any(|r| r.action == Action::Model);
    let judged = if modelled { page.judge() } else { Vec::new() };
    let suffixes = page.credits();
    let line_removals = (0..page.lines.len())
        .filter_map(|i| page.hits[i].map(|k| (i, k)))
        .collect();
    Plan {
        lines: page.lines,
        judged,
        line_removals,
        suffixes,
    }
}

/// One document as [`plan`] sees it: its lines, what the memo learnt
/// about each, and the verdicts so far (`hits[i]`: the rule that removes
/// line `i`). Each step of the plan is a method, in the order `plan`
/// calls them.
struct Page<'a> {
    rules: &'a RuleSet,
    text: &'a str,
    lines: Vec<LineInfo>,
    facts: Vec<&'a LineFacts>,
    /// No rule matches a line longer than this: such lines are not folded
    /// and no pattern runs on them.
    limit: usize,
    nonblank: Vec<usize>,
    hits: Vec<Option<usize>>,
    /// Lines a rule matched and the engine then kept on purpose: the line
    /// model leaves them as they are.
    spared: Vec<bool>,
}

/// Where the edge scans stopped and where the paragraphs are.
struct Zones {
    /// Lines `[0, header_end)` are the header, `[footer_start, n)` the
    /// footer.
    header_end: usize,
    footer_start: usize,
    /// The scans passed over `[0, top_scanned)` and `[bottom_scanned, n)`.
    top_scanned: usize,
    bottom_scanned: usize,
    /// The first paragraph no rule matches (`n` when none), and the line
    /// after the last one (0 when none).
    first_paragraph: usize,
    after_last_paragraph: usize,
}

impl<'a> Page<'a> {
    fn new(rules: &'a RuleSet, text: &'a str, memo: &'a mut LineMemo) -> Page<'a> {
        let limit = rules.iter().map(|r| r.max_chars).max().unwrap_or(0);
        let mut lines = split_lines(text);
        let mut at = Vec::with_capacity(lines.len());
        for l in &mut lines {
            let i = memo.find(rules, limit, &text[l.trim_start..l.trim_end]);
            l.chars = memo.facts[i].chars;
            at.push(i);
        }
        let memo: &'a LineMemo = memo;
        let n = lines.len();
        Page {
            rules,
            text,
            facts: at.iter().map(|&i| &memo.facts[i]).collect(),
            limit,
            nonblank: (0..n).filter(|&i| !lines[i].blank).collect(),
            lines,
            hits: vec![None; n],
            spared: vec![false; n],
        }
    }

    fn matches(&self, i: usize) -> &'a [usize] {
        &self.facts[i].matches
    }

    fn content(&self, i: usize) -> &'a str {
        &self.text[self.lines[i].trim_start..self.lines[i].trim_end]
    }

    /// Line `i` folded (lines longer than any rule may match were not
    /// folded up front).
    fn folded(&self, i: usize) -> Cow<'a, str> {
        if self.lines[i].is_folded(self.limit) {
            Cow::Borrowed(&self.facts[i].folded)
        } else {
            Cow::Owned(fold(self.content(i)))
        }
    }

    /// The folded line without its list bullet.
    fn item_text(&self, i: usize) -> String {
        let folded = &self.facts[i].folded;
        folded[bullet_len(folded).0..].trim().to_string()
    }

    fn is_title(&self, i: usize) -> bool {
        self.nonblank.first() == Some(&i)
    }

    /// The first line is the title however long it is, unless it holds a
    /// full stop: it does not end the header.
    fn is_long_title(&self, i: usize) -> bool {
        self.is_title(i) && !self.content(i).contains('。')
    }

    fn is_prose(&self, i: usize) -> bool {
        is_prose_line(&self.lines[i], self.text)
    }

    /// A rule's verdict on a line in a block region: `Some(k)` if it hits
    /// (excerpts are judged after the scan, chrome shapes by
    /// `absorb_runs`).
    fn block_hit(&self, i: usize, region: Region) -> Option<usize> {
        let rules = self.rules;
        self.matches(i).iter().copied().find(|&k| {
            defines(&rules[k], region)
                && !matches!(
                    rules[k].action,
                    Action::LeadDuplicate | Action::Absorb | Action::Menu
                )
        })
    }

    /// The first rule of `action` that defines `region` and matches line
    /// `i`: an absorb rule (a chrome shape: a separator list, a lone short
    /// word, free in the zone scans and removed inside a run of other
    /// boilerplate) or a menu item (free in the scans too, see
    /// `menu_runs`).
    fn shaped(&self, i: usize, region: Region, action: Action) -> Option<usize> {
        let rules = self.rules;
        self.matches(i)
            .iter()
            .copied()
            .find(|&k| rules[k].action == action && defines(&rules[k], region))
    }

    /// Whether the zone scans pass over line `i` freely: a chrome shape or
    /// a known menu word.
    fn passes_freely(&self, i: usize, region: Region) -> bool {
        self.shaped(i, region, Action::Absorb).is_some()
            || self
                .shaped(i, region, Action::Menu)
                .is_some_and(|k| !self.rules[k].weak)
    }

    /// Header: scan down. Known boilerplate and chrome-shaped lines are
    /// free; only other lines (a title, a subheading) count against the
    /// window, so a long run of boilerplate is one header however long,
    /// and removing part of it leaves the scan where it was. An excerpt
    /// goes when it repeats the lead (the text after it, a byline the
    /// excerpt folded in included).
    fn scan_header(&mut self) -> Zones {
        let rules = self.rules;
        let n = self.lines.len();
        let mut header_end = 0;
        let mut top_scanned = 0;
        let mut unknown = 0;
        let mut excerpts = Vec::new();
        for p in 0..self.nonblank.len() {
            let i = self.nonblank[p];
            top_scanned = i + 1;
            if let Some(k) = self.block_hit(i, Region::Header) {
                if !matches!(rules[k].action, Action::ListToEnd | Action::LeadDuplicate) {
                    self.hits[i] = Some(k);
                    header_end = i + 1;
                    continue;
                }
            }
            if let Some(&k) = self
                .matches(i)
                .iter()
                .find(|&&k| rules[k].action == Action::LeadDuplicate)
            {
                excerpts.push((i, k));
                continue;
            }
            if is_paragraph(&self.lines[i], self.text) && !self.is_long_title(i) {
                break;
            }
            if self.passes_freely(i, Region::Header) {
                continue;
            }
            unknown += 1;
            if unknown > HEADER_WINDOW {
                break;
            }
        }
        for (i, k) in excerpts {
            let following = following_text(&self.lines, i, |j| self.folded(j));
            let dup = rules[k]
                .excerpt(&self.facts[i].folded)
                .is_some_and(|ex| is_lead_duplicate(ex, &following));
            if dup {
                self.hits[i] = Some(k);
                header_end = header_end.max(i + 1);
            }
        }
        // Menus and repeated titles are looked for up to the first
        // paragraph, and from the last one.
        let paragraph = |i: usize| {
            is_paragraph(&self.lines[i], self.text)
                && !self.is_long_title(i)
                && self.matches(i).is_empty()
        };
        let first_paragraph = self.nonblank.iter().copied().find(|&i| paragraph(i));
        let last_paragraph = self.nonblank.iter().rev().copied().find(|&i| paragraph(i));
        Zones {
            header_end,
            footer_start: n,
            top_scanned,
            bottom_scanned: n,
            first_paragraph: first_paragraph.unwrap_or(n),
            after_last_paragraph: last_paragraph.map_or(0, |i| i + 1),
        }
    }

    /// Footer: scan up, never into the header, the same way (a teaser cut
    /// off with `…` does not end it).
    fn scan_footer(&mut self, zones: &mut Zones) {
        let mut unknown = 0;
        for p in (0..self.nonblank.len()).rev() {
            let i = self.nonblank[p];
            if i < zones.header_end {
                break;
            }
            zones.bottom_scanned = i;
            if let Some(k) = self.block_hit(i, Region::Footer) {
                if self.rules[k].action != Action::LeadDuplicate {
                    self.hits[i] = Some(k);
                    zones.footer_start = i;
                    continue;
                }
            }
            if self.is_prose(i) && !is_teaser(&self.lines[i], self.text) {
                break;
            }
            if self.passes_freely(i, Region::Footer) {
                continue;
            }
            unknown += 1;
            if unknown > FOOTER_WINDOW {
                break;
            }
        }
    }

    /// A list heading in the footer takes the short unmatched lines after
    /// it.
    fn take_list_tails(&mut self, zones: &Zones) {
        let n = self.lines.len();
        let rules = self.rules;
        let heading = (zones.footer_start..n)
            .find(|&i| self.hits[i].is_some_and(|k| rules[k].action == Action::ListToEnd));
        let Some(h) = heading else { return };
        let k = self.hits[h];
        for i in h + 1..n {
            if !self.lines[i].blank && self.hits[i].is_none() {
                self.hits[i] = k;
            }
        }
    }

    /// The first line (the title) stays when the rule that took it is weak
    /// or spares the title.
    fn spare_title(&mut self) {
        let Some(&first) = self.nonblank.first() else {
            return;
        };
        let rules = self.rules;
        if self.hits[first].is_some_and(|k| rules[k].weak || rules[k].spares_title) {
            self.hits[first] = None;
        }
    }

    /// Weak matches need a strong one in the same block. Site chrome (a
    /// skip link, a menu) is the page's, not the article's header: it does
    /// not vouch for a bare date, which may be a value of the document's
    /// own.
    fn keep_lone_weak_matches(&mut self, zones: &Zones) {
        let rules = self.rules;
        let n = self.lines.len();
        for range in [0..zones.header_end, zones.footer_start..n] {
            let strong = range
                .clone()
                .any(|i| self.hits[i].is_some_and(|k| !rules[k].weak && !rules[k].is_chrome()));
            if strong {
                continue;
            }
            for i in range {
                if self.hits[i].is_some_and(|k| rules[k].weak) {
                    self.hits[i] = None;
                    self.spared[i] = true;
                }
            }
        }
    }

    /// Menus: runs of menu items at the edges, before the first and after
    /// the last paragraph (a menu item is weak, but a menu is a block of
    /// its own).
    fn find_menus(&mut self, zones: &Zones) {
        let n = self.lines.len();
        let edges = [
            (
                0..zones.top_scanned.max(zones.first_paragraph),
                Region::Header,
            ),
            (
                zones
                    .bottom_scanned
                    .min(zones.after_last_paragraph)
                    .max(zones.header_end)..n,
                Region::Footer,
            ),
        ];
        let mut hits = std::mem::take(&mut self.hits);
        for (range, region) in edges {
            menu_runs(
                &self.nonblank,
                &mut hits,
                range,
                |i| self.shaped(i, region, Action::Menu),
                self.rules,
                &|i| bullet_len(&self.facts[i].folded).0 > 0,
            );
        }
        self.hits = hits;
    }

    /// A label alone on its line at an edge (`索引号:`) takes the value on
    /// the next.
    fn take_label_values(&mut self, zones: &Zones) {
        for p in 1..self.nonblank.len() {
            let (i, j) = (self.nonblank[p - 1], self.nonblank[p]);
            let edge = i < zones.header_end || i >= zones.footer_start;
            let (true, Some(k), None) = (edge, self.hits[i], self.hits[j]) else {
                continue;
            };
            // A label is a word and a colon (`索引号:`); a row of colons
            // (`:::`, a skip anchor) names nothing.
            let head = self.facts[i].folded.trim_end();
            let label = head.ends_with(':')
                && head
                    .trim_end_matches(':')
                    .chars()
                    .any(char::is_alphanumeric);
            // A value: short, or with digits (a number, a date, a code).
            let value = &self.facts[j].folded;
            let chars = self.lines[j].chars;
            let value_like =
                chars <= 10 || (chars <= 40 && value.contains(|c: char| c.is_ascii_digit()));
            if label && value_like && !self.is_prose(j) {
                self.hits[j] = Some(k);
            }
        }
    }

    /// Chrome-shaped lines inside runs of boilerplate at the edges.
    fn absorb_chrome(&mut self, zones: &Zones) {
        let mut hits = std::mem::take(&mut self.hits);
        absorb_runs(
            &self.nonblank,
            &mut hits,
            zones.header_end,
            zones.footer_start,
            |i, region| self.shaped(i, region, Action::Absorb),
        );
        self.hits = hits;
    }

    /// Whole-line rules on every line not taken yet, each where its zones
    /// let it act.
    fn apply_whole_line_rules(&mut self, zones: &Zones) {
        let rules = self.rules;
        for i in 0..self.lines.len() {
            if self.lines[i].blank || self.hits[i].is_some() {
                continue;
            }
            let region = if i < zones.header_end {
                Region::Header
            } else if i >= zones.footer_start {
                Region::Footer
            } else {
                Region::Body
            };
            self.hits[i] = self.matches(i).iter().copied().find(|&k| {
                let r = &rules[k];
                !r.weak
                    && may_act(r, region)
                    && r.action == Action::Remove
                    && (region != Region::Body
                        || r.zones.contains(&Zone::Inline)
                        || r.zones.contains(&Zone::Anywhere))
            });
        }
    }

    /// A date under a kept label that names it (开会日期, 发布时间) is that
    /// label's value: it stays with it.
    fn keep_dates_under_labels(&mut self) {
        for p in 1..self.nonblank.len() {
            let (j, i) = (self.nonblank[p - 1], self.nonblank[p]);
            let date = self.hits[i].is_some_and(|k| self.rules[k].family == DATE_FAMILY);
            if date
                && self.hits[j].is_none()
                && names_a_date(&self.facts[j].folded, self.lines[j].chars)
            {
                self.hits[i] = None;
                self.spared[i] = true;
                self.spared[j] = true;
            }
        }
    }

    /// The enabled repeat rule of `zone`, if any.
    fn repeat_rule(&self, zone: Zone) -> Option<usize> {
        self.rules
            .iter()
            .position(|r| r.action == Action::Repeat && r.zones.contains(&zone))
    }

    /// The title again, just under it, above the page's text.
    fn remove_repeated_titles(&mut self, zones: &Zones) {
        let Some(k) = self.repeat_rule(Zone::Header) else {
            return;
        };
        let rules = self.rules;
        let mut hits = std::mem::take(&mut self.hits);
        let top = zones
            .top_scanned
            .max(zones.first_paragraph)
            .min(self.lines.len());
        let key = |i: usize| -> Option<String> {
            let l = &self.lines[i];
            if !l.is_folded(self.limit) || l.chars > rules[k].max_chars {
                return None;
            }
            let t: String = self
                .item_text(i)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            // A line with a full stop is a sentence, not a title: prose
            // may say the same thing twice.
            (t.chars().count() >= REPEAT_MIN_CHARS && !t.contains(['。', '．'])).then_some(t)
        };
        // The first line stays when the rule that matched it spares the
        // title: it is the title then.
        let kept = |i: usize, hits: &[Option<usize>]| {
            hits[i].is_none_or(|r| self.is_title(i) && (rules[r].weak || rules[r].spares_title))
        };
        let site_key = |i: usize| -> Option<String> {
            key(i)?;
            let text = self.item_text(i);
            let head = without_site_suffix(&text)?;
            Some(head.chars().filter(|c| !c.is_whitespace()).collect())
        };
        repeated_title(&self.nonblank, &mut hits, top, &key, &site_key, kept, k);
        self.hits = hits;
    }

    /// A caption printed twice in a row (the figure's caption and the
    /// image's alternative text): the copy goes.
    fn remove_repeated_captions(&mut self) {
        let Some(k) = self.repeat_rule(Zone::Inline) else {
            return;
        };
        let credited =
            |j: usize| self.lines[j].is_folded(self.limit) && self.facts[j].suffix.is_some();
        let mut copies = Vec::new();
        let mut previous: Option<usize> = None;
        for &i in &self.nonblank {
            if self.hits[i].is_some() {
                continue;
            }
            if let Some(j) = previous {
                let chars = self.lines[i].chars;
                let same = chars >= CAPTION_REPEAT_MIN_CHARS
                    && chars <= self.rules[k].max_chars
                    && (credited(i) || credited(j))
                    && self.item_text(i) == self.item_text(j);
                if same {
                    copies.push(i);
                    continue;
                }
            }
            previous = Some(i);
        }
        for i in copies {
            self.hits[i] = Some(k);
        }
    }

    /// A cue rule weighs a trigger and the line's shape; when a credit
    /// rule finds the trigger's part at the line's end, after a heading
    /// (`世代不同 / 文.某某`), the credit goes and the heading stays.
    fn keep_cue_headings(&mut self) {
        for i in 0..self.lines.len() {
            let Some(k) = self.hits[i] else { continue };
            if !self.rules[k].is_cue_rule() || !self.lines[i].is_folded(self.limit) {
                continue;
            }
            let folded = &self.facts[i].folded;
            let head = self.facts[i].suffix.map(|(s, _)| folded[..s].trim());
            if head.is_some_and(|h| h.chars().count() >= SUFFIX_HEAD_MIN_CHARS) {
                self.hits[i] = None;
            }
        }
    }

    /// The line model's verdicts on the short, non-prose lines below the
    /// title (see [`model`]): every such line's cues are recorded, and a line
    /// no rule took goes when the model says so and its rule is enabled.
    fn judge(&mut self) -> Vec<Judged> {
        let (rules, lines, text, limit) = (self.rules, &self.lines, self.text, self.limit);
        let (nonblank, spared, hits) = (&self.nonblank, &self.spared, &mut self.hits);
        let facts = |i: usize| self.facts[i];
        let model_rule = rules.iter().position(|r| r.action == Action::Model);
        let prose: Vec<bool> = nonblank
            .iter()
            .map(|&i| is_prose_line(&lines[i], text))
            .collect();
        let first_prose = prose.iter().position(|&p| p);
        let last_prose = prose.iter().rposition(|&p| p);
        let ruled = |q: usize| {
            let j = nonblank[q];
            lines[j].is_folded(limit) && !facts(j).matches.is_empty()
        };
        let near = |q: Option<usize>| match q.filter(|&q| q < nonblank.len()) {
            None => model::neighbour(false, false, false, 0),
            Some(q) => model::neighbour(true, prose[q], ruled(q), lines[nonblank[q]].chars),
        };
        let short: Vec<bool> = (0..nonblank.len())
            .map(|q| !prose[q] && lines[nonblank[q]].chars <= 20)
            .collect();
        let runs = run_lengths(&short);
        let prose_distance = distances_to(&prose);
        let mut judged = Vec::new();
        for (p, &i) in nonblank.iter().enumerate().skip(1) {
            let l = &lines[i];
            if prose[p]
                || spared[i]
                || l.chars > model::MAX_CHARS
                || !l.is_folded(limit)
                || facts(i).suffix.is_some()
            {
                continue;
            }
            let zone = match (first_prose, last_prose) {
                (Some(f), _) if p < f => "header",
                (_, Some(e)) if p > e => "footer",
                (Some(_), Some(_)) => "body",
                _ => "noprose",
            };
            let window = p.saturating_sub(3)..(p + 4).min(nonblank.len());
            let ruled_near = window.filter(|&q| q != p && ruled(q)).count();
            let place = model::Place {
                zone,
                above: p,
                below: nonblank.len() - 1 - p,
                prev: near(p.checked_sub(1)),
                next: near(Some(p + 1)),
                ruled_near,
                run: runs[p],
                prose_distance: prose_distance[p],
            };
            let f = facts(i);
            let families = f.matches.iter().map(|&k| rules[k].family.as_str());
            let features = model::features(&f.folded, l.chars, families, &place);
            let ruled = hits[i].is_some();
            let verdict = match model_rule {
                Some(k) if !ruled => {
                    let v = model::LineModel::shipped().judge(&features);
                    if v.remove {
                        hits[i] = Some(k);
                    }
                    Some(v)
                }
                _ => None,
            };
            judged.push(Judged {
                line: i,
                features,
                ruled,
                verdict,
            });
        }
        judged
    }

    /// Credits at the end of kept lines: `(line, rule, byte offset where
    /// the credit starts)`; a line that is all credit goes whole.
    fn credits(&mut self) -> Vec<(usize, usize, usize)> {
        let mut suffixes = Vec::new();
        for i in 0..self.lines.len() {
            let l = &self.lines[i];
            if l.blank || self.hits[i].is_some() || !l.is_folded(self.limit) {
                continue;
            }
            let folded = &self.facts[i].folded;
            let Some((s, k)) = self.facts[i].suffix else {
                continue;
            };
            if folded[..s].trim().is_empty() {
                self.hits[i] = Some(k);
                continue;
            }
            // Same characters in the folded and the original line.
            let chars_before = folded[..s].chars().count();
            let original = self.content(i);
            let mut at = original
                .char_indices()
                .nth(chars_before)
                .map_or(original.len(), |(b, _)| b);
            at = original[..at].trim_end().len();
            suffixes.push((i, k, l.trim_start + at));
        }
        suffixes
    }
}

/// For each item, the length of the run of `true` items it is in
/// (0 for a `false` one).
fn run_lengths(flags: &[bool]) -> Vec<usize> {
    let mut out = vec![0; flags.len()];
    let mut start = 0;
    for end in 0..=flags.len() {
        if end == flags.len() || !flags[end] {
            for slot in &mut out[start..end] {
                *slot = end - start;
            }
            start = end + 1;
        }
    }
    out
}

/// For each item, how far the nearest `true` item is (0 when there is
/// none).
fn distances_to(flags: &[bool]) -> Vec<usize> {
    let mut out = vec![usize::MAX; flags.len()];
    let mut last = None;
    for (q, &f) in flags.iter().enumerate() {
        if f {
            last = Some(q);
        }
        if let Some(l) = last {
            out[q] = q - l;
        }
    }
    last = None;
    for (q, &f) in flags.iter().enumerate().rev() {
        if f {
            last = Some(q);
        }
        if let Some(l) = last {
            out[q] = out[q].min(l - q);
        }
    }
    out.iter()
        .map(|&d| if d == usize::MAX { 0 } else { d })
        .collect()
}

/// Fewest characters (spaces left out) of a line a repeat rule compares:
/// shorter lines (`港聞`, `1`) repeat by chance.
pub const REPEAT_MIN_CHARS: usize = 4;

/// Fewest characters before a credit for a cue rule's line to keep them
/// (see the credit cut in [`plan`]).
pub const SUFFIX_HEAD_MIN_CHARS: usize = 4;

/// The family of the rules that take a page's dateline.
const DATE_FAMILY: &str = "header_site_url_date_line";

/// A label that names a date or a time, alone on its line (`開會日期`,
/// `发布时间:`): the date under it is its value.
fn names_a_date(folded: &str, chars: usize) -> bool {
    let label = folded.trim().trim_end_matches(':').trim_end();
    chars <= 10 && !label.is_empty() && ["日期", "时间"].iter().any(|w| label.ends_with(w))
}

/// Fewest characters of a caption whose copy on the next line goes.
pub const CAPTION_REPEAT_MIN_CHARS: usize = 8;

/// Title lines whose copies a repeat rule looks for: the first two lines
/// that stay (a site name or a kicker often stands above the title, a
/// subtitle under it).
pub const REPEAT_TITLES: usize = 2;

/// Fewest characters (spaces left out) of the second title line a repeat
/// rule compares: a short second line (an author, a refrain) may be said
/// again by the text itself.
pub const REPEAT_SECOND_MIN_CHARS: usize = 10;

/// The title without the site name a page title ends with
/// (`標題 - 某某網`, `標題 | SITE`, `標題_某某新聞`): the part before the
/// last ` - `, ` | ` or `_` when what follows is one short word.
fn without_site_suffix(title: &str) -> Option<&str> {
    let cut = [" - ", " | ", " — ", "_"]
        .iter()
        .filter_map(|sep| title.rfind(sep).map(|at| (at, at + sep.len())))
        .max()?;
    let (head, tail) = (title[..cut.0].trim(), title[cut.1..].trim());
    let short_word = !tail.is_empty() && tail.chars().count() <= 12 && !tail.contains(' ');
    (short_word && head.chars().count() >= 2 * REPEAT_MIN_CHARS).then_some(head)
}

/// Most lines that stay between the title and a copy of it that a repeat
/// rule takes: further down, the same words start the document itself
/// (a notice's own title under its metadata block) or a list of titles.
pub const REPEAT_WINDOW: usize = 8;

/// Marks with the repeat rule `k` each unmarked line before `top` whose
/// `key` (its folded text, spaces and a list bullet left out) is a
/// title's, until [`REPEAT_WINDOW`] other lines that stay lie under that
/// title. The titles are the first [`REPEAT_TITLES`] non-blank lines that
/// stay (see `kept`; they stay); a later one counts only when it is long
/// and has no comma, and its copies go only when the first title's did
/// or when there are two or more. A copy may also be the title without
/// its site name (`site_key`, see [`without_site_suffix`]).
///
/// The window counts lines that stay, not lines: the next pass, and the
/// next run, see only those, so they find the same copies and no more. A
/// window of raw lines would take the next copies on every pass, and a
/// page of one repeated line would need a pass per window of it.
fn repeated_title(
    nonblank: &[usize],
    hits: &mut [Option<usize>],
    top: usize,
    key: &dyn Fn(usize) -> Option<String>,
    site_key: &dyn Fn(usize) -> Option<String>,
    kept: impl Fn(usize, &[Option<usize>]) -> bool,
    k: usize,
) {
    let mut from = 0;
    let mut copied_first = false;
    for nth in 0..REPEAT_TITLES {
        let Some(p) = nonblank[from..]
            .iter()
            .position(|&i| kept(i, hits))
            .map(|q| q + from)
        else {
            return;
        };
        if nonblank[p] >= top {
            return;
        }
        from = p + 1;
        let Some(title) = key(nonblank[p]) else {
            continue;
        };
        if nth > 0 && (title.chars().count() < REPEAT_SECOND_MIN_CHARS || title.contains(',')) {
            continue;
        }
        let bare = site_key(nonblank[p]);
        let mut staying = 0;
        let mut copies = Vec::new();
        for &i in &nonblank[p + 1..] {
            if i >= top || staying == REPEAT_WINDOW {
                break;
            }
            if hits[i].is_some() {
                continue;
            }
            let copy = key(i);
            if copy.is_some() && (copy == Some(title.clone()) || copy == bare) {
                copies.push(i);
            } else {
                staying += 1;
            }
        }
        // A later line said once more may be the text's own heading
        // opening it; the template's copy comes with a copy of the first
        // title line, or more than once.
        if nth == 0 || copied_first || copies.len() > 1 {
            copied_first |= nth == 0 && !copies.is_empty();
            for i in copies {
                hits[i] = Some(k);
            }
        }
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
        let content = &text[lines[o].trim_start..lines[o].trim_end];
        let model_cues = || {
            plan.judged
                .iter()
                .find(|j| j.line == o)
                .and_then(|j| Some(j.verdict.as_ref()?.cues.clone()))
        };
        let cues = if rules[k].action == Action::Model {
            model_cues().unwrap_or_default()
        } else if rules[k].is_cue_rule() {
            let folded = fold(content);
            let chars = folded.chars().count();
            let view = fold_view(content);
            rules[k]
                .cues(&folded, chars)
                .or_else(|| rules[k].cues(view.as_deref()?, chars))
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        out.push(Removal {
            rule: rules[k].id.clone(),
            family: rules[k].family.clone(),
            line: o + 1,
            text: text[lines[o].trim_start..lines[o].trim_end].to_string(),
            kind: RemovalKind::Line,
            at: lines[s].start,
            deleted: text[lines[s].start..lines[i - 1].end].to_string(),
            cues,
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
            cues: Vec::new(),
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
    fn runs_and_distances_count_in_one_pass() {
        let flags = [true, true, false, true, false, false];
        assert_eq!(run_lengths(&flags), [2, 2, 0, 1, 0, 0]);
        assert_eq!(distances_to(&flags), [0, 0, 1, 0, 1, 2]);
        assert_eq!(distances_to(&[false, false]), [0, 0]);
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

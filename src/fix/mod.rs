/*!
Stage 3, **fix**: repair what scraping and poor conversion tools leave in a
Chinese text, without touching correct text, and explain every change.

```
use zhtidy::fix::{Fixer, FixOptions, Rule, Script};

let fixer = Fixer::new(FixOptions::default());
let fixed = fixer.fix("他們離开了會場，展开全文。這是標准做法。");
assert_eq!(fixed.text, "他們離開了會場，展開全文。這是標準做法。");
// Two stray glyphs against five Traditional-only ones: mixed, mostly
// Traditional, so the strays are fixed toward Traditional.
assert_eq!(fixed.script.script, Script::Mixed);
assert_eq!(fixed.script.counts.majority(), Some(Script::Traditional));
let first = &fixed.changes[0];
assert_eq!((first.rule, first.line, first.column), (Rule::StrayGlyph, 1, 4));
assert_eq!((first.from.as_str(), first.to.as_str()), ("开", "開"));
// Correct text comes back borrowed, byte for byte.
assert!(matches!(fixer.fix("台灣的平台"), fixed if fixed.changes.is_empty()));
```

# What it does, in order

Each step is a rule with an id ([`Rule`]); every one can be turned off
([`FixOptions::disable`]), and none touches a protected term
([`FixOptions::protect`], e.g. a brand such as `Whoo 后`).

1. `html-entity`: `&nbsp;`, `&amp;`, `&#x4E2D;` … decoded (never into a new
   entity, so the rule is idempotent).
2. `zero-width`: U+200B, U+2060 and a BOM inside the text are removed (never
   turned into spaces); U+200C/U+200D only between CJK or ASCII characters,
   so emoji sequences keep their joiners.
3. `compat-ideograph`: CJK compatibility ideographs → unified ones, with
   OpenCC's own `CJK_Compatibility_Ideographs` table (what every bundled
   OpenCC config normalizes first, so the two agree).
4. `kangxi-radical`: Kangxi radicals and CJK radicals-supplement characters
   next to Han text → the unified ideograph Unicode declares equivalent.
5. `pinyin-annotation`: `當(dāng)前` → `當前`.
6. `stray-glyph` / `stray-glyph-context`: glyphs of the minority script are
   fixed toward each line's script (see [`detect_script`]): a character
   never valid in that script (开 in Traditional text, 這 in Simplified
   text) is always replaced, the candidate chosen by OpenCC's phrase
   dictionaries in context (开發 → 開發); a character valid in both (准, 愿,
   么) changes only inside a dictionary phrase that says so (標准 → 標準,
   那么 → 那麼). Two exceptions, both read from OpenCC's data: the few
   shared characters its phrases nearly always convert (挂, 后) take their
   default outside phrases too, and those whose default is themselves or a
   regional form (系, 周, 台) change in a text without a certain stray only
   inside a phrase written in no Traditional standard (關系 → 關係, 制作 →
   製作), and in one with strays (a *damaged* text) also where a phrase
   says so *and* the document writes that character elsewhere (so 周末
   stays, 台灣 stays); in a damaged text a shared character outside any
   phrase also takes its default where the document writes the default
   more often (推荐 → 推薦 beside 推薦). Valid is regional: a Taiwan or
   Hong Kong form (群, 台, 裡), a character those regions write in most
   words (了, 周, 借) and, in a written Cantonese or Taiwanese text, that
   vernacular's own characters (晒, 吓, 个) are no evidence of damage and
   change only inside a phrase that holds a certain stray; a phrase that
   is a word as written (不准, 游動) stays. A text too short to tell (one
   sentence without Mandarin's 們, 他, 說) may be in a vernacular: there
   its words (係 "is", 干焦 "only") are held the same way, so
   `我外太公係個滿人。` stays. A short text (at most 100 Han characters)
   without a certain stray shows no sign of a converter: there a
   Traditional character s2t keeps (系, 合, 注) or one beside its sibling
   (隻, 沖) changes only inside phrase residue no standard writes (關系,
   隻需), and is otherwise reported as a [`Note`] (`ambiguous-glyph`) and
   left as written (合眼, 我隻狗); its regional forms (揾, 晒, 个) do not
   count as Simplified in a line that writes Traditional-only characters
   and no other Simplified one. Isolated
   other-script bigrams, three or more to a line (` 这们 … 说对 … 还进 ` in
   Traditional text: what some sites insert against scraping), are
   reported (`script-noise`) and left.
   Replacements follow the document's variant system: in a text that
   writes 裡, 这里 becomes 這裡, not 這裏. Accuracy: `docs/eval-fix.md`.
7. `variant`: only with [`FixOptions::variants`] set: Traditional lines are
   normalized to Taiwan, Hong Kong or OpenCC standard forms (爲 → 為,
   啓 → 啟, 裏 → 裡, 着 → 著) with OpenCC's variant dictionaries.
8. `fullwidth-punct`: halfwidth `, : ; ? ! ( )` between CJK characters →
   `，：；？！（）` (never the reverse; never in URLs, file paths, numbers
   or Latin text, nor on a line that reads as code: `//` or a block comment, a `;`,
   `{` or `}` at its end, an assignment, a call such as `f(x,y)`). A
   comma between short items that could be an enumeration comma `、` is
   reported as a [`Note`] (rule `enumeration-comma`) and left alone,
   unless its sentence has a `，`: a sentence never mixes the two.

Everything else stays byte for byte, and `fix(fix(x)) == fix(x)`.

# Using it

Build one [`Fixer`] and share it: it is `Clone + Send + Sync` and cloning
bumps a reference count. [`Fixer::fix`] returns a [`Fixed`]: the text
(borrowed when nothing changed), the [`Change`]s with their rule, position
in the *input* (1-based line and column in characters, and byte offset),
old and new text, the [`Note`]s, and the input's [`ScriptReport`].
[`detect_script`] is also usable on its own (for `zhtidy detect --script`).
[`Fixed::to_json`], [`Change::to_json`] and [`ScriptReport::to_json`]
render results for JSON reports.

The OpenCC tables are read on first use (about 60 ms, once per process:
the character classes and STPhrases statistics); after that a fix runs
at a few megabytes per second.

# Plugging it into a pipeline

```
use zhtidy::fix::{FixOptions, Fixer, Rule, VariantTarget};

// From configuration: rules turned off, a variant target, protected terms.
let options = FixOptions::default()
    .disable("fullwidth-punct".parse::<Rule>().unwrap())
    .variants(Some(VariantTarget::Tw))
    .protect("Whoo 后");
let fixer = Fixer::new(options); // once; clone it into worker threads
let fixed = fixer.fix("這裏爲何開启？Whoo 后的面霜");
assert_eq!(fixed.text, "這裡為何開啟？Whoo 后的面霜");
for c in &fixed.changes {
    // --explain: "1:3 variant 裏 → 裡" …
    let _line = format!("{}:{} {} {} → {}", c.line, c.column, c.rule, c.from, c.to);
}
```
*/

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::Arc;

mod artifacts;
mod byte_search;
mod chars;
mod glyphs;
mod json;
mod memo;
mod names;
#[rustfmt::skip]
mod radical_table;
mod pairs;
mod script;
mod tables;
mod text;
mod variants;

pub(crate) use memo::LineMemo;
pub use script::{detect_script, ParagraphScript, Script, ScriptCounts, ScriptReport};
pub use text::Text;

/// One fix rule, named by a stable id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// `html-entity`: HTML character references decoded.
    HtmlEntity,
    /// `zero-width`: zero-width characters removed.
    ZeroWidth,
    /// `compat-ideograph`: CJK compatibility ideographs → unified.
    CompatIdeograph,
    /// `kangxi-radical`: radical characters → unified ideographs.
    KangxiRadical,
    /// `pinyin-annotation`: `字(zì)` → `字`.
    PinyinAnnotation,
    /// `stray-glyph`: a character never valid in the line's script.
    StrayGlyph,
    /// `stray-glyph-context`: a character valid in both scripts, changed
    /// because a dictionary phrase around it says so.
    StrayGlyphContext,
    /// `variant`: a variant form normalized to the requested standard.
    Variant,
    /// `fullwidth-punct`: halfwidth punctuation between CJK → fullwidth.
    FullwidthPunct,
}

impl Rule {
    /// Every rule, in the order they run.
    pub const ALL: [Rule; 9] = [
        Rule::HtmlEntity,
        Rule::ZeroWidth,
        Rule::CompatIdeograph,
        Rule::KangxiRadical,
        Rule::PinyinAnnotation,
        Rule::StrayGlyph,
        Rule::StrayGlyphContext,
        Rule::Variant,
        Rule::FullwidthPunct,
    ];

    /// Whether the rule changes one Han character into another (a stray
    /// glyph or a variant), as opposed to removing an artifact.
    pub fn is_glyph_edit(self) -> bool {
        matches!(
            self,
            Rule::StrayGlyph | Rule::StrayGlyphContext | Rule::Variant
        )
    }

    /// The rule's id, as used in reports and configuration.
    pub fn id(self) -> &'static str {
        match self {
            Rule::ZeroWidth => "zero-width",
            Rule::HtmlEntity => "html-entity",
            Rule::CompatIdeograph => "compat-ideograph",
            Rule::KangxiRadical => "kangxi-radical",
            Rule::PinyinAnnotation => "pinyin-annotation",
            Rule::StrayGlyph => "stray-glyph",
            Rule::StrayGlyphContext => "stray-glyph-context",
            Rule::Variant => "variant",
            Rule::FullwidthPunct => "fullwidth-punct",
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// A rule id that names no rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown fix rule {0:?}; known rules: zero-width, html-entity, compat-ideograph, kangxi-radical, pinyin-annotation, stray-glyph, stray-glyph-context, variant, fullwidth-punct")]
pub struct UnknownRule(pub String);

impl std::str::FromStr for Rule {
    type Err = UnknownRule;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rule::ALL
            .into_iter()
            .find(|r| r.id() == s)
            .ok_or_else(|| UnknownRule(s.to_string()))
    }
}

/// The standard Traditional variants are normalized to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VariantTarget {
    /// Taiwan (OpenCC `t2tw`): 爲 → 為, 裏 → 裡, 着 → 著.
    Tw,
    /// Hong Kong (OpenCC `t2hk`): 爲 → 為, 裏 → 裏.
    Hk,
    /// OpenCC's own standard (`tw2t`, then `hk2t`): 為 → 爲, 著 → 着 where
    /// the word means 着.
    Opencc,
}

/// What the fixer does; the default runs every rule except `variant`
/// (which needs a target) and protects nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FixOptions {
    /// Rules that do not run.
    pub disabled: BTreeSet<Rule>,
    /// Normalize Traditional variants to this standard; `None` keeps the
    /// document's own variant system.
    pub variants: Option<VariantTarget>,
    /// Terms no rule touches (names, brands such as `Whoo 后`).
    pub protected: Vec<String>,
}

impl FixOptions {
    /// Turns `rule` off.
    pub fn disable(mut self, rule: Rule) -> Self {
        self.disabled.insert(rule);
        self
    }

    /// Runs only `rules`.
    pub fn only(mut self, rules: &[Rule]) -> Self {
        self.disabled = Rule::ALL
            .into_iter()
            .filter(|r| !rules.contains(r))
            .collect();
        self
    }

    /// Sets the variant target.
    pub fn variants(mut self, target: Option<VariantTarget>) -> Self {
        self.variants = target;
        self
    }

    /// Adds a protected term (empty terms are ignored).
    pub fn protect(mut self, term: impl Into<String>) -> Self {
        self.protected.push(term.into());
        self
    }

    /// Whether `rule` runs.
    pub fn enabled(&self, rule: Rule) -> bool {
        !self.disabled.contains(&rule)
    }

    /// Whether `rule` can change anything: it is enabled and, for
    /// variants, a target standard is set (without one the step would plan
    /// nothing, after detecting the script of a changed text for nothing).
    fn applies(&self, rule: Rule) -> bool {
        self.enabled(rule) && (rule != Rule::Variant || self.variants.is_some())
    }
}

/// One change made to the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The rule that made it.
    pub rule: Rule,
    /// 1-based line in the input.
    pub line: usize,
    /// 1-based column in the input, in characters.
    pub column: usize,
    /// Byte offset in the input.
    pub offset: usize,
    /// The text replaced (as the rule saw it).
    pub from: Text,
    /// The replacement (empty for a removal).
    pub to: Text,
}

/// Something worth a look that no rule changed (e.g. a comma that may be
/// an enumeration comma).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// A rule-like id: `enumeration-comma`, `ambiguous-glyph`,
    /// `script-noise`.
    pub id: &'static str,
    /// 1-based line in the input.
    pub line: usize,
    /// 1-based column in the input, in characters.
    pub column: usize,
    /// Byte offset in the input.
    pub offset: usize,
    /// The text the note is about.
    pub text: Text,
    /// What to check (one fixed message per id).
    pub message: &'static str,
}

/// The result of [`Fixer::fix`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed<'a> {
    /// The fixed text; borrowed when nothing changed.
    pub text: Cow<'a, str>,
    /// Every change, in the order the rules ran (and in text order within
    /// one rule).
    pub changes: Vec<Change>,
    /// Reports that changed nothing.
    pub notes: Vec<Note>,
    /// The script of the input.
    pub script: ScriptReport,
    /// Whether the last round of steps planned no edit at all, so that
    /// fixing `text` again plans none either and gives it back unchanged
    /// (see [`Fixer::fix`]; not so when the rounds ran out, or when a
    /// planned edit was only dropped, by a protected term or a disabled
    /// rule).
    pub(crate) settled: bool,
}

/// The fix stage, built once from [`FixOptions`] and shared.
#[derive(Debug, Clone)]
pub struct Fixer {
    inner: Arc<FixOptions>,
}

/// A replacement planned by a rule, in the coordinates of the text the rule
/// saw: `range` becomes `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Edit {
    pub range: Range<usize>,
    pub to: Text,
    pub rule: Rule,
}

/// A note planned by a rule, in the coordinates of the text it saw.
#[derive(Debug, Clone)]
pub(crate) struct PlannedNote {
    pub range: Range<usize>,
    pub id: &'static str,
    pub message: &'static str,
}

/// The edits applied so far, one list per step, to map positions back to
/// the input.
#[derive(Default)]
struct History(Vec<Vec<Mapped>>);

/// One applied edit: where it was in the step's input and where its
/// replacement is in the step's output. `delta_after` is the output
/// length minus the input length of the text up to its end.
struct Mapped {
    input: Range<usize>,
    output: Range<usize>,
    delta_after: isize,
}

impl History {
    /// Records a step's edits (sorted, in the step's input coordinates).
    fn push(&mut self, edits: &[Edit]) {
        let mut delta: isize = 0;
        let mut step = Vec::with_capacity(edits.len());
        for e in edits {
            let out_start = (e.range.start as isize + delta) as usize;
            delta += e.to.len() as isize - e.range.len() as isize;
            step.push(Mapped {
                input: e.range.clone(),
                output: out_start..out_start + e.to.len(),
                delta_after: delta,
            });
        }
        self.0.push(step);
    }

    /// Maps a position in the current text back to the input. A position
    /// inside replaced text maps to the start (or, for an end, the end) of
    /// what was replaced; a start right after a removal maps past it.
    fn to_input(&self, mut pos: usize, is_end: bool) -> usize {
        for step in self.0.iter().rev() {
            // Edits wholly before `pos` (a removal exactly at `pos` counts
            // as before a start, after an end).
            let before = step.partition_point(|m| {
                pos > m.output.start || (pos == m.output.start && !is_end && m.output.is_empty())
            });
            let prev = before.checked_sub(1).map(|i| &step[i]);
            pos = match prev {
                Some(m) if pos < m.output.end => {
                    if is_end {
                        m.input.end
                    } else {
                        m.input.start
                    }
                }
                Some(m) => (pos as isize - m.delta_after) as usize,
                None => pos,
            };
        }
        pos
    }
}

/// Line starts of the input, for line and column numbers.
struct Lines<'a> {
    text: &'a str,
    /// Where each line starts, found on the first question (most runs
    /// have no note to place).
    starts: std::cell::OnceCell<Vec<usize>>,
    /// The last position answered, as (offset, column). A step's changes
    /// and notes come in order, so the next one on the same line counts
    /// on from there: counting each from its line's start took time
    /// quadratic in the length of a line with many changes.
    last: std::cell::Cell<(usize, usize)>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            starts: std::cell::OnceCell::new(),
            last: std::cell::Cell::new((0, 1)),
        }
    }

    /// (1-based line, 1-based column in characters) of byte `offset`.
    fn position(&self, offset: usize) -> (usize, usize) {
        crate::budget::tick();
        let starts = self.starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            starts
        });
        let line = starts.partition_point(|&s| s <= offset);
        let start = starts[line - 1];
        let (last_offset, last_column) = self.last.get();
        let column = if (start..=offset).contains(&last_offset) {
            last_column + self.text[last_offset..offset].chars().count()
        } else {
            self.text[start..offset].chars().count() + 1
        };
        self.last.set((offset, column));
        (line, column)
    }
}

impl Fixer {
    /// Builds a fixer. The OpenCC tables it needs are bundled and loaded on
    /// first use, so this cannot fail.
    pub fn new(options: FixOptions) -> Self {
        let mut options = options;
        options.protected.retain(|t| !t.is_empty());
        Self {
            inner: Arc::new(options),
        }
    }

    /// Builds now the character tables and phrase dictionaries that the
    /// first document would otherwise build (about 40 ms of CPU); see
    /// [`crate::pipeline::Pipeline::prepare`].
    pub fn prepare(&self) {
        tables::prepare();
        glyphs::prepare();
    }

    /// The options this fixer was built with.
    pub fn options(&self) -> &FixOptions {
        &self.inner
    }

    /// Fixes `text`; see the module doc for what changes.
    pub fn fix<'a>(&self, text: &'a str) -> Fixed<'a> {
        self.fix_with(text, &mut LineMemo::default())
    }

    /// [`Fixer::fix`], reusing (and adding to) the line plans in `memo`,
    /// which must come from this fixer: the pipeline fixes nearly the same
    /// text several times (once per strip pass, again when conversion
    /// settles), and only lines it has not planned before cost anything.
    pub(crate) fn fix_with<'a>(&self, text: &'a str, memo: &mut LineMemo) -> Fixed<'a> {
        let script = script::detect_script_with(text, &mut |line| memo.counts(line));
        let mut run = Run::new(text, &self.inner);
        let settled = run.until_settled(&script, memo);
        run.finish(script, settled)
    }
}

/// What a step may act on and how it is called: the rules it plans, the
/// function, and the characters it acts on (class bits, see
/// `tables::AMPERSAND`): a text without any gives it nothing to do.
type StepEntry = (&'static [Rule], Step, u16);

/// The steps in the order they run.
const STEPS: [StepEntry; 8] = [
    (
        &[Rule::HtmlEntity],
        Step::Plain(artifacts::html_entities),
        tables::AMPERSAND,
    ),
    (
        &[Rule::ZeroWidth],
        Step::Plain(artifacts::zero_width),
        tables::ZERO_WIDTH,
    ),
    (
        &[Rule::CompatIdeograph],
        Step::Plain(artifacts::compat_ideographs),
        tables::COMPAT,
    ),
    (
        &[Rule::KangxiRadical],
        Step::Plain(artifacts::radicals),
        tables::RADICAL,
    ),
    (
        &[Rule::PinyinAnnotation],
        Step::Plain(artifacts::pinyin),
        tables::PAREN,
    ),
    (
        &[Rule::StrayGlyph, Rule::StrayGlyphContext],
        Step::Scripted(glyphs::stray),
        ANY,
    ),
    (&[Rule::Variant], Step::Scripted(variants::normalize), ANY),
    (
        &[Rule::FullwidthPunct],
        Step::Plain(artifacts::fullwidth_punct),
        tables::HALFWIDTH_MARK,
    ),
];

/// One fix of one text: the text as the steps have left it, and what
/// they did, in the input's coordinates.
struct Run<'a, 'o> {
    input: &'a str,
    options: &'o FixOptions,
    /// Occurrences of protected terms in the input: no edit touches them.
    protected: Vec<Range<usize>>,
    /// Lines of the input with irreversible damage: no glyph edit there.
    damaged: Vec<Range<usize>>,
    lines: Lines<'a>,
    history: History,
    current: Cow<'a, str>,
    changes: Vec<Change>,
    notes: Vec<Note>,
    /// Whether a step has changed the text.
    changed: bool,
    /// The script report of `current` once it differs from the input:
    /// detecting it is a pass over the text, so the steps that need it
    /// share one while the text is unchanged.
    changed_report: Option<ScriptReport>,
}

impl<'a, 'o> Run<'a, 'o> {
    fn new(input: &'a str, options: &'o FixOptions) -> Self {
        Run {
            input,
            options,
            protected: protected_ranges(input, &options.protected),
            damaged: damaged_lines(input),
            lines: Lines::new(input),
            history: History::default(),
            current: Cow::Borrowed(input),
            changes: Vec::new(),
            notes: Vec::new(),
            changed: false,
            changed_report: None,
        }
    }

    /// Runs every step in rounds until a round changes nothing, and says
    /// whether the text settled (see [`Fixed`]).
    ///
    /// A repair can make another one possible on the next run: glyph and
    /// variant repairs change the counts that choose each line's script,
    /// removing a pinyin annotation puts a radical next to a Han
    /// character. So after a round that changed anything, every step runs
    /// again on the result, until a round changes nothing: a second run of
    /// the fixer must change nothing. This settles in a round or two; the
    /// bound is a guard.
    fn until_settled(&mut self, script: &ScriptReport, memo: &mut LineMemo) -> bool {
        if crate::budget::exhausted() {
            return false;
        }
        let mut rounds = 1;
        loop {
            let Some((changed, planned)) = self.round(rounds, script, memo) else {
                return false;
            };
            if crate::budget::exhausted() {
                return false;
            }
            if !changed || rounds == MAX_ROUNDS {
                return !changed && !planned;
            }
            rounds += 1;
        }
    }

    /// Runs every step once (round number `round`): whether a step changed
    /// the text and whether one planned any edit, kept or not; `None` when
    /// the budget ran out between two steps (the caller looks before the
    /// first and after the last).
    fn round(
        &mut self,
        round: usize,
        script: &ScriptReport,
        memo: &mut LineMemo,
    ) -> Option<(bool, bool)> {
        let (mut changed, mut planned) = (false, false);
        for (i, step) in STEPS.iter().enumerate() {
            if i > 0 && crate::budget::exhausted() {
                return None;
            }
            if let Some((step_planned, step_changed)) = self.step(step, round, script, memo) {
                planned |= step_planned;
                changed |= step_changed;
            }
        }
        Some((changed, planned))
    }

    /// Runs one step, unless none of its rules applies or the text has
    /// none of the characters it acts on: whether it planned any edit and
    /// whether it changed the text.
    fn step(
        &mut self,
        &(rules, step, acts_on): &StepEntry,
        round: usize,
        script: &ScriptReport,
        memo: &mut LineMemo,
    ) -> Option<(bool, bool)> {
        if !rules.iter().any(|r| self.options.applies(*r)) {
            return None;
        }
        if self.changed && self.changed_report.is_none() {
            let current = &self.current;
            self.changed_report = Some(script::detect_script_with(current, &mut |line| {
                memo.counts(line)
            }));
        }
        let report = self.changed_report.as_ref().unwrap_or(script);
        if acts_on != ANY && report.classes & (acts_on | tables::OUTSIDE) == 0 {
            return None;
        }
        let mut planned_notes = Vec::new();
        let planned = match step {
            Step::Plain(f) => f(&self.current, self.options, &mut planned_notes, memo),
            Step::Scripted(f) => f(
                &self.current,
                self.options,
                &mut planned_notes,
                report,
                memo,
            ),
        };
        let any_planned = !planned.is_empty();
        let edits = self.kept(planned);
        self.record_notes(planned_notes, round);
        if edits.is_empty() {
            return Some((any_planned, false));
        }
        self.apply(&edits);
        Some((any_planned, true))
    }

    /// The planned edits that are made: of an enabled rule, and touching
    /// no protected term (nor, for a glyph edit, a damaged line).
    fn kept(&self, planned: Vec<Edit>) -> Vec<Edit> {
        planned
            .into_iter()
            .filter(|e| self.options.enabled(e.rule))
            .filter(|e| {
                let start = self.history.to_input(e.range.start, false);
                let end = self.history.to_input(e.range.end, true);
                let overlaps = |p: &Range<usize>| p.start < end && start < p.end;
                let held = self.protected.iter().any(overlaps)
                    || (e.rule.is_glyph_edit() && self.damaged.iter().any(overlaps));
                !held
            })
            .collect()
    }

    /// Places a step's notes in the input, but none on a protected term
    /// and none a former round already made at the same place.
    fn record_notes(&mut self, planned: Vec<PlannedNote>, round: usize) {
        for n in planned {
            let offset = self.history.to_input(n.range.start, false);
            let end = self.history.to_input(n.range.end, true);
            if self
                .protected
                .iter()
                .any(|p| p.start < end && offset < p.end)
            {
                continue;
            }
            if round > 1
                && self
                    .notes
                    .iter()
                    .any(|m: &Note| m.id == n.id && m.offset == offset)
            {
                continue;
            }
            let (line, column) = self.lines.position(offset);
            self.notes.push(Note {
                id: n.id,
                line,
                column,
                offset,
                text: Text::from(&self.current[n.range]),
                message: n.message,
            });
        }
    }

    /// Makes `edits` (sorted, not overlapping) on the current text and
    /// records each as a change at its place in the input.
    fn apply(&mut self, edits: &[Edit]) {
        let current = &self.current;
        let mut out = String::with_capacity(current.len());
        let mut last = 0;
        for e in edits {
            debug_assert!(e.range.start >= last, "overlapping edits from {}", e.rule);
            let offset = self.history.to_input(e.range.start, false);
            let (line, column) = self.lines.position(offset);
            self.changes.push(Change {
                rule: e.rule,
                line,
                column,
                offset,
                from: Text::from(&current[e.range.clone()]),
                to: e.to.clone(),
            });
            out.push_str(&current[last..e.range.start]);
            out.push_str(&e.to);
            last = e.range.end;
        }
        out.push_str(&current[last..]);
        self.history.push(edits);
        self.current = Cow::Owned(out);
        self.changed = true;
        self.changed_report = None;
    }

    /// The result: the input itself when the steps gave it back.
    fn finish(self, script: ScriptReport, settled: bool) -> Fixed<'a> {
        let text = match self.current {
            Cow::Owned(s) if s == self.input => Cow::Borrowed(self.input),
            current => current,
        };
        Fixed {
            text,
            changes: self.changes,
            notes: self.notes,
            script,
            settled,
        }
    }
}

/// Stands for the class bits of a step that may act on any text: it
/// always runs.
const ANY: u16 = u16::MAX;

/// Rounds of all steps at most (see [`Fixer::fix`]).
const MAX_ROUNDS: usize = 4;

/// One step of [`Fixer::fix`]: it plans edits over the current text; a
/// scripted step also reads the text's [`ScriptReport`].
#[derive(Clone, Copy)]
enum Step {
    Plain(fn(&str, &FixOptions, &mut Vec<PlannedNote>, &mut LineMemo) -> Vec<Edit>),
    Scripted(
        fn(&str, &FixOptions, &mut Vec<PlannedNote>, &ScriptReport, &mut LineMemo) -> Vec<Edit>,
    ),
}

/// Byte ranges of every occurrence of every protected term.
/// The byte ranges of the lines that carry irreversible damage (U+FFFD,
/// 锟斤拷, 烫烫烫, runs of `?` for lost characters): a glyph edit next to
/// a hole would be a guess, so none is made there (the decode stage
/// reports the damage instead).
fn damaged_lines(text: &str) -> Vec<Range<usize>> {
    let damage = crate::decode::Damage::find(text);
    if damage.lines.is_empty() {
        return Vec::new();
    }
    let mut ranges = Vec::with_capacity(damage.lines.len());
    let mut wanted = damage.lines.iter().peekable();
    let mut start = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if wanted.peek() == Some(&&(i + 1)) {
            ranges.push(start..start + line.len());
            wanted.next();
        }
        start += line.len();
    }
    ranges
}

fn protected_ranges(text: &str, terms: &[String]) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = terms
        .iter()
        .flat_map(|t| text.match_indices(t.as_str()).map(|(i, m)| i..i + m.len()))
        .collect();
    ranges.sort_by_key(|r| r.start);
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}

    #[test]
    fn no_glyph_edit_in_a_line_with_lost_characters() {
        let fixer = Fixer::new(FixOptions::default());
        // 开 is never valid Traditional: repaired in the clean line, left
        // in the line whose other characters were lost (U+FFFD, 锟斤拷).
        let text = "這是開會的時間，我們开會討論。\n這是\u{FFFD}\u{FFFD}的时間，我們开會討論。\n锟斤拷锟斤拷，我們开會。\n";
        let fixed = fixer.fix(text);
        let lines: Vec<&str> = fixed.text.lines().collect();
        assert_eq!(lines[0], "這是開會的時間，我們開會討論。");
        assert_eq!(lines[1], "這是\u{FFFD}\u{FFFD}的时間，我們开會討論。");
        assert_eq!(lines[2], "锟斤拷锟斤拷，我們开會。");
        assert!(
            fixed.changes.iter().all(|c| c.line == 1),
            "{:?}",
            fixed.changes
        );
    }

    #[test]
    fn fixer_is_shareable() {
        assert_send_sync_clone::<Fixer>();
    }

    /// `settled` promises that fixing the output again gives it back; it
    /// is not promised when an edit was planned and only dropped.
    #[test]
    fn settled_output_fixes_to_itself() {
        let fixer = Fixer::new(FixOptions::default());
        for text in [
            "他們離开了會場,展开全文。",
            "這是標准。",
            "这是简体。",
            "abc",
        ] {
            let once = fixer.fix(text);
            assert!(once.settled, "{text}");
            let again = fixer.fix(&once.text);
            assert_eq!(again.text, once.text);
            assert!(again.changes.is_empty(), "{text}");
        }
        // 开 is protected: its fix is planned in every round and dropped.
        let protecting = Fixer::new(FixOptions::default().protect("开"));
        let fixed = protecting.fix("他們離开了會場");
        assert_eq!(fixed.text, "他們離开了會場");
        assert!(!fixed.settled);
    }

    /// Positions asked in any order equal counting from the line's start.
    #[test]
    fn line_positions_count_on_or_afresh() {
        let text = "ab中\n文字x\n\nyz";
        let lines = Lines::new(text);
        let fresh = |offset: usize| {
            let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            (
                text[..offset].matches('\n').count() + 1,
                text[start..offset].chars().count() + 1,
            )
        };
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for &offset in offsets.iter().chain(offsets.iter().rev()).chain(&offsets) {
            assert_eq!(lines.position(offset), fresh(offset), "offset {offset}");
        }
    }

    #[test]
    fn rule_ids_round_trip() {
        for rule in Rule::ALL {
            assert_eq!(rule.id().parse::<Rule>(), Ok(rule));
        }
        let err = "no-such".parse::<Rule>().unwrap_err();
        assert!(err.to_string().contains("no-such"));
    }

    #[test]
    fn positions_map_back_through_earlier_steps() {
        // The zero-width space is removed first; the stray 开 after it is
        // reported where it is in the input.
        let fixer = Fixer::new(FixOptions::default());
        let input = "這個\u{200b}們說，\n離开會場";
        let fixed = fixer.fix(input);
        assert_eq!(fixed.text, "這個們說，\n離開會場");
        let kinds: Vec<_> = fixed
            .changes
            .iter()
            .map(|c| (c.rule, c.line, c.column, c.offset))
            .collect();
        assert_eq!(
            kinds,
            [(Rule::ZeroWidth, 1, 3, 6), (Rule::StrayGlyph, 2, 2, 22)]
        );
        assert_eq!(&input[22..25], "开");
    }

    #[test]
    fn history_maps_positions_through_replacements_and_removals() {
        // Input "ab&amp;cd\u{200b}ef": one step decodes the entity (5 bytes
        // → 1), a second removes the zero-width space (3 bytes → 0).
        let mut h = History::default();
        let edit = |range: Range<usize>, to: &str| Edit {
            range,
            to: Text::from(to),
            rule: Rule::HtmlEntity,
        };
        h.push(&[edit(2..7, "&")]);
        h.push(&[edit(5..8, "")]);
        // Current text "ab&cdef".
        assert_eq!(h.to_input(0, false), 0);
        assert_eq!(h.to_input(2, false), 2); // the decoded '&'
        assert_eq!(h.to_input(3, true), 7); // end of the decoded '&'
        assert_eq!(h.to_input(3, false), 7); // 'c'
        assert_eq!(h.to_input(5, false), 12); // 'e', after the removed space
        assert_eq!(h.to_input(5, true), 9); // end of 'd'
        assert_eq!(h.to_input(7, true), 14);
    }

    #[test]
    fn protected_terms_are_never_touched() {
        let text = "我們買了Whoo 后的面霜，離开時說這個后來的事。";
        let options = FixOptions::default().protect("Whoo 后");
        let fixed = Fixer::new(options).fix(text);
        assert!(fixed.text.contains("Whoo 后"), "{}", fixed.text);
        assert!(fixed.text.contains("離開"), "{}", fixed.text);
    }

    #[test]
    fn each_rule_can_be_turned_off() {
        let text = "他們離开了，標准";
        let off = FixOptions::default().disable(Rule::StrayGlyph);
        assert_eq!(Fixer::new(off).fix(text).text, "他們離开了，標準");
        let off = FixOptions::default().disable(Rule::StrayGlyphContext);
        assert_eq!(Fixer::new(off).fix(text).text, "他們離開了，標准");
    }

    #[test]
    fn fixing_twice_changes_nothing_more() {
        let inputs = [
            "他們離开了會場,展开全文。當(dāng)前&amp;lt;標准\u{200b}，\u{2F08}們",
            "我们这些人說这個问题,(大意)如此；這裏爲何开啓",
            "紅,黃,藍都有。這是後台與後臺，周末與週末。",
        ];
        for variants in [None, Some(VariantTarget::Tw), Some(VariantTarget::Opencc)] {
            let fixer = Fixer::new(FixOptions::default().variants(variants));
            for input in inputs {
                let once = fixer.fix(input);
                let twice = fixer.fix(&once.text);
                assert_eq!(twice.text, once.text, "{input} ({variants:?})");
                assert!(twice.changes.is_empty(), "{input}: {:?}", twice.changes);
            }
        }
    }

    #[test]
    fn empty_text_and_crlf_lines() {
        let fixer = Fixer::new(FixOptions::default());
        let empty = fixer.fix("");
        assert!(matches!(empty.text, Cow::Borrowed("")));
        assert_eq!(empty.script.script, Script::Unknown);
        let fixed = fixer.fix("們說離开\r\n展开全文\r\n");
        assert_eq!(fixed.text, "們說離開\r\n展開全文\r\n");
        let at: Vec<_> = fixed.changes.iter().map(|c| (c.line, c.column)).collect();
        assert_eq!(at, [(1, 4), (2, 2)]);
    }

    #[test]
    fn unchanged_text_is_borrowed() {
        let fixer = Fixer::new(FixOptions::default());
        let text = "台灣的平台上，周末與鄰里一起。";
        let fixed = fixer.fix(text);
        assert!(matches!(fixed.text, Cow::Borrowed(_)));
        assert!(fixed.changes.is_empty(), "{:?}", fixed.changes);
    }
}

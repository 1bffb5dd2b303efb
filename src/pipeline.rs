/*!
The pipeline: decode → strip → fix → convert, built once and shared.

A [`Pipeline`] holds each stage's struct as an `Option` (a stage that is
off is `None`); building it validates everything (rule files, conversion
configs) before any file is read. It is `Clone + Send + Sync`, and cloning
only bumps reference counts, so a thread pool can share one.

Stages in [`Pipeline::run`], in this order:

1. **decode** — before `run`: [`crate::decode::decode`] turns the bytes
   into the `&str` that `run` takes (the command line does this, with
   `--encoding`, `--lossy` and `--fix-mojibake`).
2. **strip** — [`crate::strip::Stripper`], removals recorded in
   [`Tidied::removals`]. Each pass decides on the text as the next run
   would read it (fixed, and converted when a target is set), so that a
   second run changes nothing.
3. **fix** — [`crate::fix::Fixer`]: stray glyphs, artifacts, punctuation;
   its changes are in [`Tidied::fix_changes`], with lines, columns and
   offsets mapped back to the *input* (before strip).
4. **convert** — when a target is set: the OpenCC config is chosen from the
   script the text is written in (the fix stage's
   [`detect_script`](crate::fix::detect_script): the script with more
   characters of its own), or `from` when the caller knows: Simplified text
   with target `tw` goes through `s2tw`, Traditional text through `t2tw`.

```
use zhtidy::pipeline::{Pipeline, Target};
use zhtidy::strip::StripOptions;

let p = Pipeline::builder()
    .strip(StripOptions::default())
    .convert(Target::Tw, None)
    .build()
    .unwrap();
let out = p.run("展开全文\n软件开发的第一步是理解需求，这一点所有人都同意。\n");
assert_eq!(out.text, "軟件開發的第一步是理解需求，這一點所有人都同意。\n");
assert_eq!(out.converted_with, ["s2tw"]);
```
*/

use std::borrow::Cow;
use std::sync::Arc;

use crate::budget::{self, Budget, Exceeded};
use crate::convert::{self, Converter};
use crate::fix::{self, Change, FixOptions, Fixer, Note};
use crate::strip::{self, Refusal, Removal, Step, StripError, StripOptions, Stripper};

pub use crate::fix::Script;

/// What to convert to (`--to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Simplified Chinese.
    S,
    /// Traditional Chinese (OpenCC standard).
    T,
    /// Taiwan standard characters.
    Tw,
    /// Taiwan standard with Taiwanese phrases (from Simplified text only;
    /// OpenCC has no Traditional-to-Taiwan-phrases config, so Traditional
    /// input gets `t2tw`).
    Twp,
    /// Hong Kong standard characters.
    Hk,
    /// Hong Kong standard with phrases (from Simplified text only, as for
    /// `Twp`).
    Hkp,
    /// Japanese Shinjitai.
    Jp,
}

/// What the input is written in, when the caller knows (`--from`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Simplified Chinese.
    S,
    /// Traditional Chinese (OpenCC standard).
    T,
    /// Taiwan standard.
    Tw,
    /// Hong Kong standard.
    Hk,
    /// Japanese Shinjitai.
    Jp,
}

impl Target {
    /// Every target, in the order `--to` lists them.
    pub const ALL: [Target; 7] = [
        Target::S,
        Target::T,
        Target::Tw,
        Target::Twp,
        Target::Hk,
        Target::Hkp,
        Target::Jp,
    ];

    /// The name `--to` and the Python module take (`tw`).
    pub fn name(self) -> &'static str {
        match self {
            Target::S => "s",
            Target::T => "t",
            Target::Tw => "tw",
            Target::Twp => "twp",
            Target::Hk => "hk",
            Target::Hkp => "hkp",
            Target::Jp => "jp",
        }
    }
}

impl Source {
    /// Every source, in the order `--from` lists them.
    pub const ALL: [Source; 5] = [Source::S, Source::T, Source::Tw, Source::Hk, Source::Jp];

    /// The name `--from` and the Python module take (`tw`).
    pub fn name(self) -> &'static str {
        match self {
            Source::S => "s",
            Source::T => "t",
            Source::Tw => "tw",
            Source::Hk => "hk",
            Source::Jp => "jp",
        }
    }
}

/// A name that is no [`Target`] or [`Source`]; its message lists the
/// names there are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {name:?}: one of {known}")]
pub struct UnknownName {
    what: &'static str,
    name: String,
    known: String,
}

/// The item of `all` whose name is `name` (ASCII case ignored).
fn by_name<T: Copy>(
    all: &[T],
    name_of: fn(T) -> &'static str,
    what: &'static str,
    name: &str,
) -> Result<T, UnknownName> {
    all.iter()
        .copied()
        .find(|&item| name_of(item).eq_ignore_ascii_case(name))
        .ok_or_else(|| UnknownName {
            what,
            name: name.to_string(),
            known: all
                .iter()
                .map(|&item| name_of(item))
                .collect::<Vec<_>>()
                .join(", "),
        })
}

impl std::str::FromStr for Target {
    type Err = UnknownName;

    fn from_str(name: &str) -> Result<Self, UnknownName> {
        by_name(&Target::ALL, Target::name, "target", name)
    }
}

impl std::str::FromStr for Source {
    type Err = UnknownName;

    fn from_str(name: &str) -> Result<Self, UnknownName> {
        by_name(&Source::ALL, Source::name, "source", name)
    }
}

/// The OpenCC configs that take `source` text to `target`, applied in
/// order (empty: nothing to do).
pub fn chain(source: Source, target: Target) -> &'static [&'static str] {
    use Source as F;
    use Target as T;
    match (source, target) {
        (F::S, T::S)
        | (F::T, T::T)
        | (F::Tw, T::Tw | T::Twp)
        | (F::Hk, T::Hk | T::Hkp)
        | (F::Jp, T::Jp) => &[],
        (F::S, T::T) => &["s2t"],
        (F::S, T::Tw) => &["s2tw"],
        (F::S, T::Twp) => &["s2twp"],
        (F::S, T::Hk) => &["s2hk"],
        (F::S, T::Hkp) => &["s2hkp"],
        (F::S, T::Jp) => &["s2t", "t2jp"],
        (F::T, T::S) => &["t2s"],
        (F::T, T::Tw | T::Twp) => &["t2tw"],
        (F::T, T::Hk | T::Hkp) => &["t2hk"],
        (F::T, T::Jp) => &["t2jp"],
        (F::Tw, T::S) => &["tw2s"],
        (F::Tw, T::T) => &["tw2t"],
        (F::Tw, T::Hk | T::Hkp) => &["tw2t", "t2hk"],
        (F::Tw, T::Jp) => &["tw2t", "t2jp"],
        (F::Hk, T::S) => &["hk2s"],
        (F::Hk, T::T) => &["hk2t"],
        (F::Hk, T::Tw | T::Twp) => &["hk2t", "t2tw"],
        (F::Hk, T::Jp) => &["hk2t", "t2jp"],
        (F::Jp, T::S) => &["jp2t", "t2s"],
        (F::Jp, T::T) => &["jp2t"],
        (F::Jp, T::Tw | T::Twp) => &["jp2t", "t2tw"],
        (F::Jp, T::Hk | T::Hkp) => &["jp2t", "t2hk"],
    }
}

/// The script to convert from: the one with more characters of its own
/// (the fix stage's evidence), `None` when neither has more.
pub fn majority_script(text: &str) -> Option<Script> {
    // The whole text's counts are the sum of detect_script's per-line
    // counts; without the per-line report.
    fix::ScriptCounts::of(text).majority()
}

/// The convert stage: converters for each possible input script, built up
/// front.
#[derive(Debug, Clone)]
pub struct ConvertStage {
    target: Target,
    /// Fixed source (`--from`): one chain.
    fixed: Option<Arc<Vec<Converter>>>,
    from_simplified: Arc<Vec<Converter>>,
    from_traditional: Arc<Vec<Converter>>,
}

fn build_chain(source: Source, target: Target) -> Result<Arc<Vec<Converter>>, convert::Error> {
    Ok(Arc::new(
        chain(source, target)
            .iter()
            .map(|n| Converter::builtin(n))
            .collect::<Result<_, _>>()?,
    ))
}

impl ConvertStage {
    /// Builds the converters for `target`; `from` fixes the input script.
    pub fn new(target: Target, from: Option<Source>) -> Result<Self, convert::Error> {
        Ok(ConvertStage {
            target,
            fixed: from.map(|f| build_chain(f, target)).transpose()?,
            from_simplified: build_chain(Source::S, target)?,
            from_traditional: build_chain(Source::T, target)?,
        })
    }

    /// The target.
    pub fn target(&self) -> Target {
        self.target
    }

    fn chain_for(&self, script: Option<Script>) -> &[Converter] {
        match (&self.fixed, script) {
            (Some(c), _) => c,
            (None, Some(Script::Traditional)) => &self.from_traditional,
            (None, _) => &self.from_simplified,
        }
    }
}

/// Why a pipeline cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The strip stage's rules.
    #[error(transparent)]
    Strip(#[from] StripError),
    /// The convert stage's configs.
    #[error(transparent)]
    Convert(#[from] convert::Error),
}

/// Builds a [`Pipeline`]; every stage starts off.
#[derive(Debug, Default)]
pub struct PipelineBuilder {
    strip: Option<StripOptions>,
    fix: Option<FixOptions>,
    convert: Option<(Target, Option<Source>)>,
}

impl PipelineBuilder {
    /// Turns strip on with these options.
    pub fn strip(mut self, options: StripOptions) -> Self {
        self.strip = Some(options);
        self
    }

    /// Turns fix on with these options.
    pub fn fix(mut self, options: FixOptions) -> Self {
        self.fix = Some(options);
        self
    }

    /// Turns convert on.
    pub fn convert(mut self, target: Target, from: Option<Source>) -> Self {
        self.convert = Some((target, from));
        self
    }

    /// Builds every stage that is on.
    pub fn build(self) -> Result<Pipeline, PipelineError> {
        // Japanese output is no Chinese script: a second run would take
        // its Shinjitai (戯) for stray glyphs. So with `--to jp` fix leaves
        // glyphs and variants to the conversion (a second run
        // changes nothing).
        let to_japanese = matches!(self.convert, Some((Target::Jp, _)));
        let fix = self.fix.map(|o| {
            if to_japanese {
                o.disable(fix::Rule::StrayGlyph)
                    .disable(fix::Rule::StrayGlyphContext)
                    .disable(fix::Rule::Variant)
            } else {
                o
            }
        });
        Ok(Pipeline {
            strip: self.strip.map(|o| Stripper::new(&o)).transpose()?,
            fix: fix.map(Fixer::new),
            convert: self
                .convert
                .map(|(t, f)| ConvertStage::new(t, f))
                .transpose()?,
        })
    }
}

/// The stages, built and ready.
#[derive(Debug, Clone)]
pub struct Pipeline {
    strip: Option<Stripper>,
    fix: Option<Fixer>,
    convert: Option<ConvertStage>,
}

/// What [`Pipeline::run`] returns.
#[derive(Debug, Clone)]
pub struct Tidied<'a> {
    /// The cleaned text (borrowed when no stage changed anything).
    pub text: Cow<'a, str>,
    /// What strip removed.
    pub removals: Vec<Removal>,
    /// Set when strip's safety limit kept the text unchanged.
    pub strip_refused: Option<Refusal>,
    /// What fix changed; `line`, `column` and `offset` are positions in the
    /// pipeline's input (mapped back through strip's removals).
    pub fix_changes: Vec<Change>,
    /// What fix noticed but left alone (positions as for `fix_changes`).
    pub fix_notes: Vec<Note>,
    /// The script the text was detected in (only when converting without
    /// `from`; `None` when neither script has more evidence).
    pub script: Option<Script>,
    /// The OpenCC configs applied, in order.
    pub converted_with: Vec<String>,
    /// Whether conversion changed the text (the configs above can leave
    /// text already in the target script alone).
    pub converted: bool,
}

impl Pipeline {
    /// A builder with every stage off.
    pub fn builder() -> PipelineBuilder {
        PipelineBuilder::default()
    }

    /// Does now the one-time work that runs otherwise do when a document
    /// first needs it: compiles every strip pattern, builds fix's tables
    /// and runs a short document in each script through the stages (which
    /// loads the conversion dictionaries they touch). Worth it for a
    /// pipeline that cleans many documents, so that the first ones do not
    /// pay for everything (the Python module's `Pipeline` calls it); a
    /// one-file command-line run is faster without it, since most
    /// patterns never see a line their prefilters let through.
    pub fn prepare(&self) {
        if let Some(stripper) = &self.strip {
            stripper.prepare();
        }
        if let Some(fixer) = &self.fix {
            fixer.prepare();
        }
        for sample in PREPARE_SAMPLES {
            self.run(sample);
        }
    }

    /// The strip stage, if on.
    pub fn stripper(&self) -> Option<&Stripper> {
        self.strip.as_ref()
    }

    /// Runs the stages that are on over `text`.
    ///
    /// Strip decides on what the next run would read of the text: fix's
    /// output, converted when a target is set (see `Pipeline::read`).
    /// So a second run, which reads the output, sees the lines, the
    /// limit and the verdicts the first run saw, and changes nothing.
    pub fn run<'a>(&self, text: &'a str) -> Tidied<'a> {
        let mut tidied = Tidied {
            text: Cow::Borrowed(text),
            removals: Vec::new(),
            strip_refused: None,
            fix_changes: Vec::new(),
            fix_notes: Vec::new(),
            script: None,
            converted_with: Vec::new(),
            converted: false,
        };
        // Every fix below sees nearly the same lines: plan each line once.
        let mut memo = fix::LineMemo::default();
        let reading = match &self.strip {
            Some(stripper) => self.strip_reading(stripper, text, &mut tidied, &mut memo),
            None => None,
        };
        let reading = reading.unwrap_or_else(|| self.read(&tidied.text, &mut memo));
        let Reading { fixed, converted } = reading;
        // Whether fixing the text again would give it back (without fix,
        // nothing changes it).
        let fix_settled = fixed.is_none_or(|f| self.take_fix(text, f, &mut tidied));
        if let (Some(stage), Some(conversion)) = (&self.convert, converted) {
            self.take_conversion(stage, conversion, fix_settled, &mut tidied, &mut memo);
        }
        tidied
    }

    /// [`Pipeline::run`] within `budget`: a document that goes past it is
    /// an [`Exceeded`] error and its result, cut short, is dropped (see
    /// [`crate::budget`]). A bulk run uses it so that one hostile file
    /// becomes a per-file error instead of a stalled run.
    pub fn run_within<'a>(&self, text: &'a str, budget: Budget) -> Result<Tidied<'a>, Exceeded> {
        budget::within(budget, || self.run(text))
    }

    /// Strips `text` pass by pass, each pass deciding on the reading of
    /// the text so far, until a pass removes nothing or the safety limit
    /// keeps the input. Fills in the text, removals and refusal of
    /// `tidied`; returns the reading of the result when the last pass
    /// made it (`None` after a refusal: the input is read again).
    fn strip_reading<'a>(
        &self,
        stripper: &Stripper,
        text: &'a str,
        tidied: &mut Tidied<'a>,
        memo: &mut fix::LineMemo,
    ) -> Option<Reading> {
        if self.fix.is_none() && self.convert.is_none() {
            let out = stripper.strip(text);
            (tidied.text, tidied.removals, tidied.strip_refused) =
                (out.text, out.removals, out.refused);
            return Some(Reading::default());
        }
        let mut passes = stripper.passes(text);
        let mut strip_memo = strip::LineMemo::default();
        let mut first = true;
        let reading = loop {
            if budget::exhausted() {
                break None;
            }
            let reading = self.read(passes.current(), memo);
            let pass = stripper.pass(passes.current(), reading.view(), &mut strip_memo);
            if std::mem::take(&mut first) {
                if let Some(view) = reading.view() {
                    passes.judge_on(view);
                }
            }
            match passes.apply(pass, &mut strip_memo) {
                Step::Again => continue,
                Step::Stable => break Some(reading),
                Step::Refused => break None,
            }
        };
        (tidied.text, tidied.removals, tidied.strip_refused) = passes.finish();
        reading
    }

    /// What a run reads of `text` after strip: fix's output (when fix is
    /// on), converted (when a target is set).
    fn read(&self, text: &str, memo: &mut fix::LineMemo) -> Reading {
        let fixed = self
            .fix
            .as_ref()
            .map(|fixer| owned(fixer.fix_with(text, memo)));
        let converted = self.convert.as_ref().map(|stage| {
            let base = fixed
                .as_ref()
                .and_then(|f| f.text.as_deref())
                .unwrap_or(text);
            let script = match (&stage.fixed, &fixed) {
                (Some(_), _) => None,
                (None, Some(f)) => counts_after(f.counts, &f.changes).majority(),
                (None, None) => majority_script(base),
            };
            let mut out: Cow<str> = Cow::Borrowed(base);
            let mut names = Vec::new();
            for converter in stage.chain_for(script) {
                if let Cow::Owned(s) = converter.convert(&out) {
                    out = Cow::Owned(s);
                }
                names.push(converter.name().to_string());
            }
            Conversion {
                script,
                text: match out {
                    Cow::Owned(s) => Some(s),
                    Cow::Borrowed(_) => None,
                },
                names,
            }
        });
        Reading { fixed, converted }
    }

    /// Puts fix's result into `tidied`, its positions mapped back to the
    /// pipeline's `input` through strip's removals; returns whether fix
    /// settled.
    fn take_fix(&self, input: &str, fixed: Owned, tidied: &mut Tidied<'_>) -> bool {
        let Owned {
            text: changed,
            changes,
            notes,
            settled,
            ..
        } = fixed;
        if let Some(s) = changed {
            tidied.text = Cow::Owned(s);
        }
        let lines = LineStarts::new(input, &tidied.removals, changes.len() + notes.len());
        let to_input = |offset: usize| to_input_position(&lines, offset);
        tidied.fix_changes = changes
            .into_iter()
            .map(|mut c| {
                (c.offset, c.line, c.column) = to_input(c.offset);
                c
            })
            .collect();
        tidied.fix_notes = notes
            .into_iter()
            .map(|mut n| {
                (n.offset, n.line, n.column) = to_input(n.offset);
                n
            })
            .collect();
        settled
    }

    /// Puts the conversion of the fixed text into `tidied`, then settles
    /// it.
    ///
    /// The next run would fix the converted text and convert it again:
    /// text that mixes both scripts about evenly can count as the other
    /// script once converted (t2hk leaves a stray 这), and fix can make a
    /// converted document agree with itself (s2t writes 週末 in one phrase
    /// and leaves 周末 in another). So the output settles here: fix and
    /// convert again until that changes nothing, and a second run changes
    /// nothing. These rounds are part of conversion (their configs are in
    /// `converted_with`; fix's changes in them are not in `fix_changes`,
    /// which point into the input). The bound is a guard.
    fn take_conversion(
        &self,
        stage: &ConvertStage,
        conversion: Conversion,
        fix_settled: bool,
        tidied: &mut Tidied<'_>,
        memo: &mut fix::LineMemo,
    ) {
        tidied.script = conversion.script;
        tidied.converted_with = conversion.names;
        if let Some(s) = conversion.text {
            tidied.text = Cow::Owned(s);
            tidied.converted = true;
        }
        // When conversion changed nothing and fix settled, a round is
        // known to change nothing: fix gives the text back, its script
        // counts (so the chain) are those chosen above, and that chain
        // just gave the text back. So it is skipped (a Traditional text
        // that `t2tw` leaves alone, most of them), except in debug builds,
        // which run it to check that claim.
        let known_settled = !tidied.converted && fix_settled;
        if stage.fixed.is_some() || (known_settled && !cfg!(debug_assertions)) {
            return;
        }
        for _ in 0..MAX_CONVERT_ROUNDS {
            if budget::exhausted() {
                break;
            }
            let again = self.read(&tidied.text, memo);
            let Some(again_text) = again.view() else {
                break;
            };
            if again_text == &*tidied.text {
                break;
            }
            debug_assert!(!known_settled, "a settled text changed: {again_text}");
            let again_text = again_text.to_owned();
            if let Some(c) = again.converted {
                tidied.converted_with.extend(c.names);
            }
            tidied.text = Cow::Owned(again_text);
            tidied.converted = true;
        }
    }
}

/// What a run reads of a text: fix's output and its conversion (each
/// `None` when the stage is off).
#[derive(Default)]
struct Reading {
    fixed: Option<Owned>,
    converted: Option<Conversion>,
}

impl Reading {
    /// The text as read, when a stage changed it.
    fn view(&self) -> Option<&str> {
        self.converted
            .as_ref()
            .and_then(|c| c.text.as_deref())
            .or_else(|| self.fixed.as_ref().and_then(|f| f.text.as_deref()))
    }
}

/// A conversion of fix's output: the script it was detected in (`None`
/// with a fixed source), the converted text (`None` when the chain left it
/// alone) and the configs applied.
struct Conversion {
    script: Option<Script>,
    text: Option<String>,
    names: Vec<String>,
}

/// Documents [`Pipeline::prepare`] runs: a header, Simplified and
/// Traditional prose with a stray glyph each, a footer.
const PREPARE_SAMPLES: [&str; 2] = [
    "来源：新华网\n\n这是一段正文，记者昨天在现场看到了很多人，大家都說很好。\n\n责任编辑：张三\n",
    "來源：中央社\n\n這是一段正文，記者昨天在現場看到了很多人，大家都说很好。\n\n責任編輯：張三\n",
];

/// The script counts of fix's output, from those of its input (`counts`)
/// and its `changes`: the counts are sums over characters, so adding what
/// each change put in and subtracting what it took out equals a recount of
/// the output, without another pass over it.
fn counts_after(counts: fix::ScriptCounts, changes: &[Change]) -> fix::ScriptCounts {
    let mut c = counts;
    for change in changes {
        c.subtract(&fix::ScriptCounts::of(&change.from));
        c.add(&fix::ScriptCounts::of(&change.to));
    }
    c
}

/// Extra conversion rounds at most (see [`Pipeline::run`]).
const MAX_CONVERT_ROUNDS: usize = 3;

/// What fix did, without a borrow of the text it fixed: the new text
/// (`None` when unchanged), the changes, the notes, the script counts of
/// its input and whether it settled.
fn owned(fixed: fix::Fixed<'_>) -> Owned {
    let text = match fixed.text {
        Cow::Owned(s) => Some(s),
        Cow::Borrowed(_) => None,
    };
    Owned {
        text,
        changes: fixed.changes,
        notes: fixed.notes,
        counts: fixed.script.counts,
        settled: fixed.settled,
    }
}

/// [`fix::Fixed`] without the borrow (see [`owned`]).
struct Owned {
    text: Option<String>,
    changes: Vec<Change>,
    notes: Vec<Note>,
    counts: fix::ScriptCounts,
    settled: bool,
}

/// Where the lines of the pipeline's input start, for line and column
/// numbers of fix changes.
struct LineStarts<'a> {
    input: &'a str,
    starts: Vec<usize>,
    /// For each removal, in order: where it sits in strip's output, and
    /// the bytes removed up to and including it (both non-decreasing, so
    /// an output offset finds the removals before it by binary search).
    removed: Vec<(usize, usize)>,
    /// The last position answered, as (input offset, column): the next
    /// one on the same line counts on from there (see
    /// [`to_input_position`]).
    last: std::cell::Cell<(usize, usize)>,
}

impl<'a> LineStarts<'a> {
    /// Indexes `input` and `removals` only when there is something to
    /// locate.
    fn new(input: &'a str, removals: &[Removal], positions: usize) -> Self {
        let mut starts = vec![0];
        let mut removed = Vec::new();
        if positions > 0 {
            starts.extend(memchr::memchr_iter(b'\n', input.as_bytes()).map(|i| i + 1));
            let mut deleted = 0;
            for r in removals {
                let out_at = r.at - deleted;
                deleted += r.deleted.len();
                removed.push((out_at, deleted));
            }
        }
        LineStarts {
            input,
            starts,
            removed,
            last: std::cell::Cell::new((0, 1)),
        }
    }
}

/// A byte offset in strip's output as (offset, 1-based line, 1-based
/// column in characters) in strip's input. Fix's changes come in order
/// within each of its steps, so a column is counted on from the last
/// position answered when that is earlier on the same line: counting
/// each from its line's start, and walking the removals from the first
/// for each, took time quadratic in a long line's changes or in the
/// number of removals.
fn to_input_position(lines: &LineStarts, offset: usize) -> (usize, usize, usize) {
    budget::tick();
    let before = lines
        .removed
        .partition_point(|&(out_at, _)| out_at <= offset);
    let at = offset + before.checked_sub(1).map_or(0, |k| lines.removed[k].1);
    let end = at.min(lines.input.len());
    // Lines that start at or before `end`: every `\n` before it, plus one.
    let line = lines.starts.partition_point(|&s| s <= end);
    let line_start = lines.starts[line - 1];
    let (last_end, last_column) = lines.last.get();
    let column = if (line_start..=end).contains(&last_end) {
        last_column + lines.input[last_end..end].chars().count()
    } else {
        lines.input[line_start..end].chars().count() + 1
    };
    lines.last.set((end, column));
    (at, line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_and_source_parses_from_its_name() {
        for target in Target::ALL {
            assert_eq!(target.name().parse(), Ok(target));
            assert_eq!(target.name().to_uppercase().parse(), Ok(target));
        }
        for source in Source::ALL {
            assert_eq!(source.name().parse(), Ok(source));
        }
        let err = "tw2".parse::<Target>().unwrap_err().to_string();
        assert_eq!(
            err,
            r#"unknown target "tw2": one of s, t, tw, twp, hk, hkp, jp"#
        );
        assert!("twp".parse::<Source>().is_err());
    }

    #[test]
    fn pipeline_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone>() {}
        check::<Pipeline>();
    }

    #[test]
    fn majority_script_decides_the_config() {
        assert_eq!(
            majority_script("这是简体中文的句子。"),
            Some(Script::Simplified)
        );
        assert_eq!(
            majority_script("這是繁體中文的句子。"),
            Some(Script::Traditional)
        );
        assert_eq!(majority_script("hello"), None);
    }

    #[test]
    fn fix_positions_point_into_the_input() {
        let p = Pipeline::builder()
            .strip(StripOptions::default())
            .fix(FixOptions::default())
            .build()
            .unwrap();
        let input = "來源：晨光日報\n\n這是一段很長的正文，講述了一件發生在城市裡的事情，足足有五十個字那麼長的一段話。\n\n他們離开了會場，這是第二段很長的正文，也有很多很多字。\n";
        let out = p.run(input);
        assert_eq!(out.removals.len(), 1);
        let c = &out.fix_changes[0];
        assert_eq!((c.from.as_str(), c.to.as_str()), ("开", "開"));
        assert_eq!((c.line, c.column), (5, 4));
        assert_eq!(&input[c.offset..c.offset + "开".len()], "开");
        assert!(out.text.contains("他們離開了會場"));
    }

    /// Every change and note, of several steps and rounds on lines after
    /// several removals, has the line and column of its input offset.
    #[test]
    fn fix_positions_count_columns_like_a_fresh_count() {
        let p = Pipeline::builder()
            .strip(StripOptions::default())
            .fix(FixOptions::default())
            .build()
            .unwrap();
        let body = "這是一段很長的正文&amp;講述了一件發生在城市裡的事情,足足有五十個字那麼長的一段話。\n\n他們離开了會場,這是(第)二段很長的正文&nbsp;也有很多很多字,紅,黃,藍。\n";
        let input = format!("來源：晨光日報\n責任編輯：張三\n\n{body}\n{body}");
        let out = p.run(&input);
        assert!(!out.removals.is_empty());
        let positions: Vec<(usize, usize, usize)> = out
            .fix_changes
            .iter()
            .map(|c| (c.offset, c.line, c.column))
            .chain(out.fix_notes.iter().map(|n| (n.offset, n.line, n.column)))
            .collect();
        assert!(positions.len() > 10, "{positions:?}");
        for (offset, line, column) in positions {
            let start = input[..offset].rfind('\n').map_or(0, |i| i + 1);
            assert_eq!(
                (line, column),
                (
                    input[..offset].matches('\n').count() + 1,
                    input[start..offset].chars().count() + 1
                ),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn chooses_the_config_from_the_detected_script() {
        let p = Pipeline::builder()
            .convert(Target::Tw, None)
            .build()
            .unwrap();
        let s = p.run("软件的发展");
        assert_eq!(
            (s.script, s.converted_with.as_slice()),
            (Some(Script::Simplified), &["s2tw".to_string()][..])
        );
        let t = p.run("軟體的發展");
        assert_eq!(
            (t.script, t.converted_with.as_slice()),
            (Some(Script::Traditional), &["t2tw".to_string()][..])
        );

        let to_s = Pipeline::builder()
            .convert(Target::S, None)
            .build()
            .unwrap();
        let out = to_s.run("這是繁體中文");
        assert_eq!(out.text, "这是繁体中文");
        assert_eq!(out.converted_with, ["t2s"]);
        // Already Simplified: nothing to run.
        let out = to_s.run("这是简体中文");
        assert!(matches!(out.text, Cow::Borrowed(_)));
        assert!(out.converted_with.is_empty());
    }

    #[test]
    fn from_overrides_detection() {
        let p = Pipeline::builder()
            .convert(Target::S, Some(Source::Tw))
            .build()
            .unwrap();
        let out = p.run("軟體");
        assert_eq!(out.converted_with, ["tw2s"]);
        assert_eq!(out.script, None);
    }

    /// A Traditional text that t2tw leaves alone, after a fix that
    /// settled: no conversion round follows (a debug build runs it anyway
    /// and asserts it changes nothing), and a second run changes nothing.
    #[test]
    fn text_conversion_leaves_alone_settles_at_once() {
        let p = Pipeline::builder()
            .fix(FixOptions::default())
            .convert(Target::Tw, None)
            .build()
            .unwrap();
        let fixed = "他們離開了會場，這是標準。\n";
        let out = p.run("他們離开了會場，這是標准。\n");
        assert_eq!(out.text, fixed);
        assert_eq!(out.converted_with, ["t2tw"]);
        assert_eq!(p.run(fixed).text, fixed);
        // 爲 is converted (爲 → 為): the settling round runs.
        let out = p.run("他們爲此離开了會場。\n");
        assert_eq!(out.text, "他們為此離開了會場。\n");
    }

    #[test]
    fn strip_then_convert() {
        let p = Pipeline::builder()
            .strip(StripOptions::default())
            .convert(Target::S, None)
            .build()
            .unwrap();
        let input = "來源：晨光日報\n\n這是一段很長的正文，講述了一件發生在城市裡的事情，足足有五十個字那麼長的一段話。\n";
        let out = p.run(input);
        assert_eq!(out.removals.len(), 1);
        assert_eq!(
            out.text,
            "这是一段很长的正文，讲述了一件发生在城市里的事情，足足有五十个字那么长的一段话。\n"
        );
    }
}

/*!
Stage 2, **strip**: remove reposting boilerplate (source and editor header
lines, bylines, 導讀 summaries that repeat the lead, 展開全文 buttons, image
credits, source/title/address footers, disclaimers) and record every
removal.

The rules are data (TOML files in `dictionaries/boilerplate/`, see [`rules`]); this
module decides *where* they may act:

- the **header** is the stretch before the body starts: scanning down from
  the top, every header-rule match extends the header, chrome shapes and
  menu words are passed over freely, other short lines (a title, a
  subheading) are passed over up to a window; the first line of prose that
  no rule matches ends the scan. Boilerplate comes in runs: a chrome-shaped
  line no rule knows goes when it sits between removed lines (an `absorb`
  rule), a run of menu items goes as a menu, a label alone on its line
  (`索引号:`) takes its value on the next;
- the **footer** is found the same way, scanning up from the end (a
  teaser cut off with `…` does not end it);
- **cue** rules (`src/strip/cues.rs`) weigh a trigger phrase and the
  line's shape, for phrasings no pattern was written for;
- **inline** rules act on whole lines wherever they are, **anywhere**
  rules too and they also count when the header and footer are searched
  for; **caption-suffix** rules cut a credit off the end of a short line;
- a **weak** rule (标题: in a footer, a bare date in a header) acts only
  when a strong rule matched in the same block, and never on the first
  line (the title).

A rule only ever matches a whole line (or a caption's tail), and every rule
has a length limit, so prose that merely contains a trigger word (收入来源,
编辑 as a subject, a paragraph quoting a disclaimer) is never removed.

Every removal is a [`Removal`] that carries the exact bytes it took out,
blank lines included, so that [`reconstruct`] gives the input back from
the output. If the rules would remove more than a share of the
article's prose characters (default 50 %) or every line, nothing is
removed and [`StripOutcome::refused`] says why (`src/strip/safety.rs`).

Removed lines do not count against the scan windows, so one pass
decides what later passes would (a run of 200,000 boilerplate lines is
judged at once); [`Stripper::strip`] still repeats passes until one
removes nothing (`src/strip/passes.rs`), for the rare line a removal
changes, so that stripping the output again changes nothing. In the
pipeline each pass decides on fix's repaired view of the text
(`src/strip/view.rs`), and rules read every line folded (script, width,
Shinjitai) and, where conversion wrote a regional phrasing, with it undone
too (`src/strip/fold.rs`), so a converted output is judged as its input
was.

```
use zhtidy::strip::{Stripper, StripOptions};

let stripper = Stripper::new(&StripOptions::default()).unwrap();
let text = "標題\n\n來源：晨光日報\n\n正文第一段，講了一件很長很長的事情，足夠長的一段話。\n\n展開全文\n\n第二段也是正文，寫得同樣很長很長。\n";
let out = stripper.strip(text);
assert_eq!(out.text, "標題\n\n正文第一段，講了一件很長很長的事情，足夠長的一段話。\n\n第二段也是正文，寫得同樣很長很長。\n");
assert_eq!(out.removals.len(), 2);
assert_eq!(zhtidy::strip::reconstruct(&out.text, &out.removals), text);
```
*/

mod blocks;
mod cues;
pub mod fold;
pub mod lead;
mod model;
mod passes;
mod rule_set;
pub mod rules;
mod safety;
mod view;

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use rule_set::RuleSet;

pub(crate) use blocks::LineMemo;
pub(crate) use passes::{Pass, Passes, Step};
pub use rules::{Action, Rule, RuleError, Zone};
pub(crate) use safety::is_prose;

/// How a [`Stripper`] is configured.
#[derive(Debug, Clone)]
pub struct StripOptions {
    /// Rule ids or family ids to turn off.
    pub disable: Vec<String>,
    /// Rule ids or family ids to turn on (rules shipped with
    /// `enabled = false`).
    pub enable: Vec<String>,
    /// Extra rule files, added after the shipped ones.
    pub rule_files: Vec<PathBuf>,
    /// If the rules would remove more than this share of the document's
    /// prose characters (see `src/strip/safety.rs`), the document is left
    /// as it is.
    pub max_removed_share: f64,
    /// Leave out the shipped rules (only `rule_files` are used).
    pub no_builtin_rules: bool,
}

impl Default for StripOptions {
    fn default() -> Self {
        StripOptions {
            disable: Vec::new(),
            enable: Vec::new(),
            rule_files: Vec::new(),
            max_removed_share: 0.5,
            no_builtin_rules: false,
        }
    }
}

/// Why a [`Stripper`] cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum StripError {
    /// A rule file with a problem.
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// A rule file that cannot be read.
    // The reason is part of the message and deliberately not the error's
    // `source`: a caller printing the chain would say it twice.
    #[error("cannot read rule file {}: {reason}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: crate::config_file::ConfigFileError,
    },
    /// `--disable`/`--enable` named something that is neither a rule id
    /// nor a family id.
    #[error("no rule or family is called {0:?}")]
    UnknownRule(String),
    /// The same rule id in two files.
    #[error("rule id {0:?} is defined twice")]
    DuplicateId(String),
    /// A share outside 0..=1.
    #[error("max removed share must be between 0 and 1, not {0}")]
    BadShare(f64),
}

/// Whether a removal took a whole line or cut the end of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemovalKind {
    /// The whole line went (with blank lines next to it, see
    /// [`Removal::deleted`]).
    Line,
    /// The end of the line (a credit) went; the rest stays.
    Suffix,
}

/// One thing strip took out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removal {
    /// Id of the rule that matched.
    pub rule: String,
    /// Its family.
    pub family: String,
    /// 1-based line number in the input.
    pub line: usize,
    /// What went, as a reader sees it: the line or the credit, trimmed.
    pub text: String,
    /// Whole line or suffix.
    pub kind: RemovalKind,
    /// Byte offset in the input where `deleted` started.
    pub at: usize,
    /// The exact bytes deleted: the line with its line ending and the
    /// blank lines that went with it, or the credit with the spaces before
    /// it.
    pub deleted: String,
    /// For a cue rule: the trigger and the shape cues that decided (see
    /// `src/strip/cues.rs`); empty for a pattern rule.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cues: Vec<String>,
}

/// A line the line model looks at: its 1-based number, its cues, and
/// whether a rule took it first.
#[doc(hidden)]
#[derive(Debug, Serialize)]
pub struct ModelRow {
    pub line: usize,
    pub features: Vec<String>,
    pub ruled: bool,
}

/// Why strip left a document unchanged although rules matched (see
/// `src/strip/safety.rs`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refusal {
    /// Lines the rules matched.
    pub would_remove: usize,
    /// Non-blank lines in the document.
    pub lines: usize,
    /// Letters of prose lines the removal would take (of all lines when
    /// the document has no prose line).
    pub would_remove_chars: usize,
    /// Letters of the document's prose lines (of all lines when it has
    /// none).
    pub prose_chars: usize,
    /// The configured limit: the share of `prose_chars` that may go.
    pub max_share: f64,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.would_remove >= self.lines {
            write!(
                f,
                "rules matched all {} non-blank lines; kept the document unchanged",
                self.lines
            )
        } else {
            write!(
                f,
                "rules matched {} of {} non-blank lines, {} of {} prose characters (more than {:.0}%); kept the document unchanged",
                self.would_remove,
                self.lines,
                self.would_remove_chars,
                self.prose_chars,
                self.max_share * 100.0
            )
        }
    }
}

/// The result of [`Stripper::strip`].
#[derive(Debug, Clone)]
pub struct StripOutcome<'a> {
    /// The text without boilerplate (borrowed when nothing changed).
    pub text: Cow<'a, str>,
    /// Every removal, in input order.
    pub removals: Vec<Removal>,
    /// Set when the safety limit kept the document unchanged.
    pub refused: Option<Refusal>,
}

/// The strip stage: built once from rules, then shared (`Clone` only bumps
/// a reference count; `Send + Sync`).
#[derive(Debug, Clone)]
pub struct Stripper {
    rules: Arc<RuleSet>,
    max_removed_share: f64,
}

impl Stripper {
    /// Builds from the shipped rules plus `options`.
    pub fn new(options: &StripOptions) -> Result<Self, StripError> {
        if !(0.0..=1.0).contains(&options.max_removed_share) {
            return Err(StripError::BadShare(options.max_removed_share));
        }
        let mut all = if options.no_builtin_rules {
            Vec::new()
        } else {
            rules::builtin_rules()?
        };
        let mut budget = rules::PatternBudget::default();
        for path in &options.rule_files {
            all.extend(read_rule_file(path, &mut budget)?);
        }
        let mut seen = std::collections::HashSet::new();
        for r in &all {
            if !seen.insert(r.id.as_str()) {
                return Err(StripError::DuplicateId(r.id.clone()));
            }
        }
        for name in options.disable.iter().chain(&options.enable) {
            if !all.iter().any(|r| &r.id == name || &r.family == name) {
                return Err(StripError::UnknownRule(name.clone()));
            }
        }
        let named = |list: &[String], r: &Rule| list.iter().any(|n| *n == r.id || *n == r.family);
        for r in &mut all {
            if named(&options.enable, r) {
                r.enabled = true;
            }
            if named(&options.disable, r) {
                r.enabled = false;
            }
        }
        all.retain(|r| r.enabled);
        Ok(Stripper {
            rules: Arc::new(RuleSet::new(all)),
            max_removed_share: options.max_removed_share,
        })
    }

    /// Compiles every rule's patterns and builds the folding table now;
    /// otherwise each is built when a line first needs it. See
    /// [`crate::pipeline::Pipeline::prepare`].
    pub fn prepare(&self) {
        self.rules.compile();
        fold::prepare();
    }

    /// The rules in use (enabled ones only).
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Removes boilerplate from `text`, repeating until nothing more
    /// goes, so that stripping the output again changes nothing (see
    /// `src/strip/passes.rs`).
    pub fn strip<'a>(&self, text: &'a str) -> StripOutcome<'a> {
        let mut passes = self.passes(text);
        let mut memo = LineMemo::default();
        while passes.apply(self.pass(passes.current(), None, &mut memo), &mut memo) == Step::Again {
        }
        let (text, removals, refused) = passes.finish();
        StripOutcome {
            text,
            removals,
            refused,
        }
    }

    /// The cues the line model reads on each line of `text` it looks at,
    /// on the first pass: what `scripts/train-strip-model` learns from
    /// (see `src/strip/model.rs`).
    #[doc(hidden)]
    pub fn model_rows(&self, text: &str) -> Vec<ModelRow> {
        let plan = blocks::plan_judging(&self.rules, text, &mut LineMemo::default(), true);
        plan.judged
            .into_iter()
            .map(|j| ModelRow {
                line: j.line + 1,
                features: j.features,
                ruled: j.ruled,
            })
            .collect()
    }

    /// A run of passes over `input` (the pipeline drives it, deciding each
    /// pass on fix's view of the text).
    pub(crate) fn passes<'a>(&self, input: &'a str) -> Passes<'a> {
        Passes::new(input, self.max_removed_share)
    }

    /// One pass over `text`: what goes, decided on `view` (a repaired
    /// copy of `text`, see `src/strip/view.rs`) when given and line for
    /// line the same, else on `text` itself.
    /// `memo` keeps what was learnt about each line for later passes of
    /// this stripper over this document.
    pub(crate) fn pass(&self, text: &str, view: Option<&str>, memo: &mut LineMemo) -> Pass {
        let seen = view.filter(|&v| v != text && view::lines_match(text, v));
        let plan = match seen {
            Some(v) => view::retarget(blocks::plan(&self.rules, v, memo), v, text),
            None => blocks::plan(&self.rules, text, memo),
        };
        let removals = blocks::removals(&self.rules, text, &plan);
        let refused = match seen {
            Some(v) => {
                safety::judge_in_view(v, &removals, self.max_removed_share, &mut memo.measured)
            }
            None => safety::judge(text, &removals, self.max_removed_share, &mut memo.measured),
        };
        if let Some(refusal) = refused {
            return Pass {
                removals: Vec::new(),
                refused: Some(refusal),
            };
        }
        Pass {
            removals,
            refused: None,
        }
    }
}

/// Reads a user rule file: a regular file within the size limit (see
/// [`crate::config_file`]), its patterns compiled within `budget`.
fn read_rule_file(path: &Path, budget: &mut rules::PatternBudget) -> Result<Vec<Rule>, StripError> {
    let text =
        crate::config_file::read_config_file(path, crate::config_file::RULES_LIMIT, "rule file")
            .map_err(|reason| StripError::Read {
                path: path.to_path_buf(),
                reason,
            })?;
    Ok(rules::parse_rules_within(
        &path.display().to_string(),
        &text,
        budget,
    )?)
}

/// Puts the removed bytes back into `output`: the exact input again.
pub fn reconstruct(output: &str, removals: &[Removal]) -> String {
    let mut sorted: Vec<&Removal> = removals.iter().collect();
    sorted.sort_by_key(|r| r.at);
    let mut input =
        String::with_capacity(output.len() + sorted.iter().map(|r| r.deleted.len()).sum::<usize>());
    let mut out_pos = 0;
    for r in sorted {
        // Where this removal sits in the output: its input offset minus
        // what was deleted before it.
        let here = r.at - (input.len() - out_pos);
        input.push_str(&output[out_pos..here]);
        input.push_str(&r.deleted);
        out_pos = here;
    }
    input.push_str(&output[out_pos..]);
    input
}

#[cfg(test)]
mod tests;

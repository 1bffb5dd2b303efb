/*!
Boilerplate rules as data: the TOML schema, its parser and the compiled
form.

A rule file holds `[[rule]]` tables:

```toml
[[rule]]
id = "header-source-line"          # unique; what --explain prints
family = "header_source_line"      # a family groups rules; disable either
zone = ["header", "footer"]        # header | footer | inline | caption-suffix | anywhere
patterns = ['(?:文章)?来源\s*[:|]\s*\S.{0,30}']
max_chars = 60                     # optional: longer lines never match
weak = false                       # optional: needs a strong match in its block
action = "remove"                  # remove | lead-duplicate | list-to-end | absorb | menu | repeat
enabled = true                     # optional; false = only with --enable
match = ["来源：晨光日报"]          # must match (tested)
no_match = ["收入来源主要是广告。"]  # must not match (tested)
```

Patterns are regular expressions (the `regex` crate) matched against the
*whole* line after [`fold`](super::fold) and trimming, so they are written
without `^`/`$`, in either script, with halfwidth `:` `,` and spaces. A
`caption-suffix` pattern instead matches the end of a line: it names the
credit to cut off. A `lead-duplicate` pattern may have a named group
`text`: the part compared with the start of the article body.
*/

use std::collections::HashSet;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use super::fold::{fold, fold_pattern};

/// Where in a document a rule may act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Zone {
    /// Before the article body starts (title, meta lines, bylines…).
    Header,
    /// After the article body ends (source footers, disclaimers…).
    Footer,
    /// Any whole line, wherever it is (UI buttons, image credits); such a
    /// line does not by itself make a header or a footer.
    Inline,
    /// The end of a line anywhere: a credit glued to a caption is cut off,
    /// the caption stays.
    CaptionSuffix,
    /// Any whole line, wherever it is, and it counts as a header or
    /// footer line when those are searched for.
    Anywhere,
}

/// What a matching rule does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Remove the line.
    #[default]
    Remove,
    /// Remove the line only if it nearly repeats the start of the body
    /// (導讀/摘要 excerpts).
    LeadDuplicate,
    /// A heading (相关阅读, 推荐阅读): remove it and the list of short
    /// title lines after it, up to the end of the document.
    ListToEnd,
    /// A chrome-shaped line (a separator list, a lone short word) that no
    /// other rule knows: removed only inside a run of other boilerplate
    /// at the top or bottom edge of the page.
    Absorb,
    /// A menu item (a short word, one a line): a run of at least four at
    /// the top or bottom edge goes when one of them is a known menu word
    /// (a rule that is not `weak`) or they carry list bullets.
    Menu,
    /// A line that repeats an earlier line above the page's text (the
    /// title again under the breadcrumb, a heading the template prints
    /// twice): the later copy goes, the first stays. Such a rule has no
    /// patterns: what it matches is decided by the lines above.
    Repeat,
    /// A line the line model (`src/strip/model.rs`) scores as boilerplate:
    /// a short line no other rule took. Such a rule has no patterns: its
    /// weights are data of their own.
    Model,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    family: String,
    #[serde(deserialize_with = "one_or_many")]
    zone: Vec<Zone>,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    max_chars: Option<usize>,
    #[serde(default)]
    weak: bool,
    #[serde(default)]
    action: Action,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    triggers: Vec<String>,
    #[serde(default)]
    min_cues: Option<usize>,
    #[serde(default)]
    spares_title: bool,
    #[serde(default, rename = "match")]
    must_match: Vec<String>,
    #[serde(default)]
    no_match: Vec<String>,
}

fn yes() -> bool {
    true
}

/// One zone name or a list of them. The names are checked after the
/// shape, so that an unknown one is an error naming it (an untagged enum
/// of zones would only say that nothing matched).
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Zone>, D::Error> {
    use serde::de::{Error, IntoDeserializer};
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    let names = match OneOrMany::deserialize(d)
        .map_err(|_| D::Error::custom("expected a zone name or a list of them"))?
    {
        OneOrMany::One(z) => vec![z],
        OneOrMany::Many(v) => v,
    };
    names
        .into_iter()
        .map(|name| {
            Zone::deserialize(name.into_deserializer())
                .map_err(|e: serde::de::value::Error| D::Error::custom(e))
        })
        .collect()
}

/// Lines longer than this never match a rule that does not set
/// `max_chars`: boilerplate lines are short, prose is not.
pub const DEFAULT_MAX_CHARS: usize = 80;

/// A rule ready to match.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Unique id, e.g. `header-source-line`.
    pub id: String,
    /// Family id, e.g. `header_source_line`.
    pub family: String,
    /// Where it acts.
    pub zones: Vec<Zone>,
    /// What it does.
    pub action: Action,
    /// Longest line (in characters, trimmed) it may match.
    pub max_chars: usize,
    /// A weak rule's match is removed only when the same header or footer
    /// block also holds a strong (non-weak) match.
    pub weak: bool,
    /// On unless the file says `enabled = false`.
    pub enabled: bool,
    /// Trigger phrases (folded) of a cue rule (see `src/strip/cues.rs`);
    /// empty for a pattern rule.
    pub triggers: Vec<String>,
    /// Shape cues a cue rule needs besides its trigger.
    pub min_cues: usize,
    /// Never takes the first line (the title); cue rules never do.
    pub spares_title: bool,
    /// Optional human description.
    pub description: Option<String>,
    /// Examples that must match.
    pub must_match: Vec<String>,
    /// Examples that must not match.
    pub no_match: Vec<String>,
    regexes: Vec<LazyRegex>,
    /// For each of `regexes`: the literals every match starts with (see
    /// [`line_prefixes`]), `None` when there is no such list.
    prefixes: Vec<Option<Prefixes>>,
    /// For each of `regexes` without prefixes: literals one of which every
    /// match contains (see [`required_literals`]), `None` when unknown.
    required: Vec<Option<Vec<String>>>,
}

/// A rule's compiled pattern, built on first use: compiling the ~250
/// shipped patterns cost about 150 ms per process, and most are never
/// needed because their prefix prefilter rejects every line. A rule file
/// given by the user is compiled up front (so a pattern the regex crate
/// refuses is an error naming the file); the shipped ones, which the tests
/// compile, on demand.
#[derive(Debug, Clone)]
struct LazyRegex {
    /// The anchored, folded pattern.
    pattern: String,
    regex: OnceLock<Regex>,
}

impl LazyRegex {
    fn get(&self) -> &Regex {
        self.regex.get_or_init(|| {
            Regex::new(&self.pattern)
                .unwrap_or_else(|e| panic!("shipped pattern {:?}: {e}", self.pattern))
        })
    }
}

/// The literals every match of a pattern starts with, and their first
/// characters (sorted): most lines are rejected on their first character.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Prefixes {
    firsts: Vec<char>,
    literals: Vec<String>,
}

impl Prefixes {
    /// Whether `line` starts with one of the literals.
    fn admit(&self, line: &str) -> bool {
        line.chars()
            .next()
            .is_some_and(|c| self.firsts.binary_search(&c).is_ok())
            && self.literals.iter().any(|l| line.starts_with(l.as_str()))
    }
}

/// The literals every match of an anchored whole-line pattern starts
/// with, or `None` if it can start in too many ways (a class such as `\s*`
/// or `.`). Many patterns start with a word (来源, 责任编辑, 展开全文), so a
/// line that starts with none of them is rejected with a few comparisons
/// instead of a regex search, which has a fixed cost that, over all
/// patterns and lines, was most of strip's time.
fn line_prefixes(pattern: &str) -> Option<Prefixes> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let seq = regex_syntax::hir::literal::Extractor::new().extract(&hir);
    let mut all = Vec::new();
    for lit in seq.literals()? {
        all.push(String::from_utf8(lit.as_bytes().to_vec()).ok()?);
    }
    if all.iter().any(String::is_empty) {
        return None;
    }
    all.sort();
    all.dedup();
    let mut firsts: Vec<char> = all.iter().filter_map(|l| l.chars().next()).collect();
    firsts.sort_unstable();
    firsts.dedup();
    Some(Prefixes {
        firsts,
        literals: all,
    })
}

/// Literals one of which every match of `pattern` contains, or `None`:
/// taken from the top-level part of the pattern that must match a
/// non-empty string and whose matches start with the fewest, longest
/// literals (`仅代表` or `只代表` in `(?:本文)?(?:仅代表|只代表).{0,150}`).
/// Patterns that start in many ways (`.{0,20}`, an optional bracket) get
/// no [`line_prefixes`], and a substring test rejects most lines before a
/// regex search, whose fixed cost per line and pattern dominated strip on
/// short lines.
fn required_literals(pattern: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::HirKind;
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let items = match hir.kind() {
        HirKind::Concat(items) => items.as_slice(),
        _ => std::slice::from_ref(&hir),
    };
    let mut best: Option<Vec<String>> = None;
    for item in items {
        if item.properties().minimum_len().is_none_or(|n| n == 0) {
            continue;
        }
        let seq = regex_syntax::hir::literal::Extractor::new().extract(item);
        let Some(literals) = seq.literals() else {
            continue;
        };
        let Some(mut all) = literals
            .iter()
            .map(|l| String::from_utf8(l.as_bytes().to_vec()).ok())
            .collect::<Option<Vec<String>>>()
        else {
            continue;
        };
        if all.is_empty() || all.len() > 32 || all.iter().any(String::is_empty) {
            continue;
        }
        all.sort();
        all.dedup();
        let shortest = |v: &[String]| v.iter().map(String::len).min().unwrap_or(0);
        if best.as_ref().is_none_or(|b| shortest(&all) > shortest(b)) {
            best = Some(all);
        }
    }
    best
}

/// A rule file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// Not valid TOML or not the schema.
    #[error("{source_name}: {message}")]
    Parse {
        /// File name or `<builtin:NAME>`.
        source_name: String,
        /// What the TOML parser said.
        message: String,
    },
    /// A pattern that does not compile.
    #[error("{source_name}: rule {id}: bad pattern {pattern:?}: {message}")]
    Pattern {
        /// File name.
        source_name: String,
        /// Rule id.
        id: String,
        /// The pattern as written.
        pattern: String,
        /// The regex error.
        message: String,
    },
    /// A rule that is not self-consistent (no patterns, bad zone/action
    /// combination, duplicate id).
    #[error("{source_name}: rule {id}: {message}")]
    Invalid {
        /// File name.
        source_name: String,
        /// Rule id.
        id: String,
        /// What is wrong.
        message: String,
    },
}

impl Rule {
    /// Whether the whole (folded, trimmed) line matches; for a
    /// `caption-suffix` rule, whether its end does. Ignores zones.
    pub fn matches_folded(&self, folded: &str) -> bool {
        self.matches_folded_counted(folded, folded.chars().count())
    }

    /// [`Rule::matches_folded`] for a line whose characters were counted
    /// already (`chars`).
    pub(crate) fn matches_folded_counted(&self, folded: &str, chars: usize) -> bool {
        if chars > self.max_chars {
            return false;
        }
        if self.is_suffix() {
            return self.suffix_start(folded).is_some();
        }
        if self.is_cue_rule() {
            return self.cues(folded, chars).is_some();
        }
        (0..self.regexes.len()).any(|p| {
            self.required[p]
                .as_ref()
                .is_none_or(|q| q.iter().any(|l| folded.contains(l.as_str())))
                && self.pattern_matches(p, folded)
        })
    }

    /// The characters every match of pattern `p` starts with (sorted), or
    /// `None` when it may start with many.
    pub(crate) fn pattern_firsts(&self, p: usize) -> Option<&[char]> {
        self.prefixes[p].as_ref().map(|pre| &pre.firsts[..])
    }

    /// Whether whole-line pattern `p` matches `folded` (a line its
    /// required literals, if any, were found in).
    pub(crate) fn pattern_matches(&self, p: usize, folded: &str) -> bool {
        self.prefixes[p]
            .as_ref()
            .is_none_or(|pre| pre.admit(folded))
            && self.regexes[p].get().is_match(folded)
    }

    /// For each pattern: the literals one of which each of its matches
    /// contains, when known (see [`required_literals`]).
    pub(crate) fn required_literals(&self) -> &[Option<Vec<String>>] {
        &self.required
    }

    /// Compiles every pattern not compiled yet.
    pub(crate) fn compile(&self) {
        for r in &self.regexes {
            r.get();
        }
    }

    /// Convenience for tests and examples: folds and trims `line` first.
    pub fn matches_line(&self, line: &str) -> bool {
        let view = super::fold::fold_view(line);
        self.matches_folded(fold(line).trim())
            || view.is_some_and(|v| self.matches_folded(v.trim()))
    }

    /// The text a `lead-duplicate` rule compares with the body: its `text`
    /// group, or the whole line.
    pub fn excerpt<'a>(&self, folded: &'a str) -> Option<&'a str> {
        self.regexes.iter().find_map(|r| {
            let caps = r.get().captures(folded)?;
            Some(
                caps.name("text")
                    .unwrap_or_else(|| caps.get(0).unwrap())
                    .as_str(),
            )
        })
    }

    /// Whether the rule removes site chrome (a `chrome-*` family) rather
    /// than reposting boilerplate.
    pub fn is_chrome(&self) -> bool {
        self.family.starts_with("chrome-")
    }

    /// Whether this is a cue rule (triggers and shape, no patterns).
    pub fn is_cue_rule(&self) -> bool {
        !self.triggers.is_empty()
    }

    /// For a cue rule: the cues that decide for the folded line `folded`
    /// of `chars` characters (the trigger first, as `trigger 记者`), or
    /// `None` when it does not match. The earliest trigger that decides
    /// wins.
    pub fn cues(&self, folded: &str, chars: usize) -> Option<Vec<String>> {
        if !super::cues::may_judge(folded, chars, self.max_chars) {
            return None;
        }
        self.triggers.iter().find_map(|t| {
            folded
                .match_indices(t.as_str())
                .find_map(|(at, _)| self.cues_at(folded, at, t))
        })
    }

    /// [`Rule::cues`] for trigger `trigger` found at byte `at`.
    pub(crate) fn cues_at(&self, folded: &str, at: usize, trigger: &str) -> Option<Vec<String>> {
        if super::cues::trigger_in_prose(folded, at, trigger) {
            return None;
        }
        let cues = super::cues::cues_of(folded, at, trigger);
        super::cues::decide(&cues, self.min_cues).then(|| {
            std::iter::once(format!("trigger {trigger}"))
                .chain(cues.iter().map(|c| c.to_string()))
                .collect()
        })
    }

    /// Whether this is a suffix-trimming rule.
    pub fn is_suffix(&self) -> bool {
        self.zones.contains(&Zone::CaptionSuffix)
    }

    /// For a suffix rule: the byte offset in `folded` where the credit
    /// starts (its `cut` group if it has one; the earliest of all
    /// patterns).
    pub fn suffix_start(&self, folded: &str) -> Option<usize> {
        (0..self.regexes.len())
            .filter_map(|p| self.suffix_start_of(p, folded))
            .min()
    }

    /// [`Rule::suffix_start`] for pattern `p` alone.
    pub(crate) fn suffix_start_of(&self, p: usize, folded: &str) -> Option<usize> {
        // A capture search is many times the cost of a yes/no one, and
        // almost every line is a no.
        let r = self.regexes[p].get();
        if !r.is_match(folded) {
            return None;
        }
        let caps = r.captures(folded)?;
        Some(
            caps.name("cut")
                .unwrap_or_else(|| caps.get(0).unwrap())
                .start(),
        )
    }
}

/// The most one user pattern's compiled NFA may take: ten times the
/// largest shipped pattern's (the regex crate allows 10 MiB).
pub const PATTERN_NFA_LIMIT: usize = 2 << 20;

/// The most the NFAs of all user patterns of a run may take together:
/// five times all shipped patterns' together.
pub const USER_NFA_BUDGET: usize = 16 << 20;

/// The lazy DFA cache of one user pattern (the regex crate's default is
/// twice this; a file of many patterns would multiply it).
const PATTERN_DFA_LIMIT: usize = 1 << 20;

/// What is left of [`USER_NFA_BUDGET`] while user rule files are
/// compiled: a file of many patterns, each within its own limit, must
/// still not take gigabytes and minutes.
#[derive(Debug)]
pub struct PatternBudget {
    left: usize,
}

impl Default for PatternBudget {
    fn default() -> Self {
        PatternBudget {
            left: USER_NFA_BUDGET,
        }
    }
}

/// Parses and compiles one rule file. `source_name` names it in errors.
pub fn parse_rules(source_name: &str, text: &str) -> Result<Vec<Rule>, RuleError> {
    parse_rules_within(source_name, text, &mut PatternBudget::default())
}

/// [`parse_rules`], charging the compiled patterns to `budget` (shared by
/// all the rule files of a run).
pub fn parse_rules_within(
    source_name: &str,
    text: &str,
    budget: &mut PatternBudget,
) -> Result<Vec<Rule>, RuleError> {
    parse_rules_with(source_name, text, Some(budget))
}

/// [`parse_rules`], compiling the patterns now within `budget`, or on
/// first use without one (the shipped rules).
fn parse_rules_with(
    source_name: &str,
    text: &str,
    mut budget: Option<&mut PatternBudget>,
) -> Result<Vec<Rule>, RuleError> {
    let file: RuleFile = toml::from_str(text).map_err(|e| RuleError::Parse {
        source_name: source_name.to_string(),
        message: format!(
            "not a valid rules file: {}",
            crate::config_file::toml_error_summary(text, &e)
        ),
    })?;
    let mut seen = HashSet::new();
    let mut rules = Vec::with_capacity(file.rule.len());
    for raw in file.rule {
        let invalid = |message: &str| RuleError::Invalid {
            source_name: source_name.to_string(),
            id: raw.id.clone(),
            message: message.to_string(),
        };
        if !seen.insert(raw.id.clone()) {
            return Err(invalid("duplicate rule id"));
        }
        if matches!(raw.action, Action::Repeat | Action::Model) {
            if !raw.patterns.is_empty() || !raw.triggers.is_empty() {
                return Err(invalid(
                    "a repeat or model rule has no patterns and no triggers",
                ));
            }
        } else if raw.patterns.is_empty() && raw.triggers.is_empty() {
            return Err(invalid("no patterns and no triggers"));
        }
        if !raw.triggers.is_empty() && (!raw.patterns.is_empty() || raw.action != Action::Remove) {
            return Err(invalid(
                "a cue rule has triggers, no patterns and action = \"remove\"",
            ));
        }
        if raw.zone.is_empty() {
            return Err(invalid("no zone"));
        }
        let suffix = raw.zone.contains(&Zone::CaptionSuffix);
        if suffix && (raw.zone.len() > 1 || raw.action != Action::Remove) {
            return Err(invalid(
                "a caption-suffix rule has only that zone and action = \"remove\"",
            ));
        }
        let mut regexes = Vec::with_capacity(raw.patterns.len());
        for pattern in &raw.patterns {
            let folded = fold_pattern(pattern);
            let anchored = if suffix {
                format!(r"(?:{folded})\s*$")
            } else {
                format!("^(?:{folded})$")
            };
            let regex = OnceLock::new();
            if let Some(budget) = budget.as_deref_mut() {
                let compiled = compile_within(pattern, &anchored, budget).map_err(|message| {
                    RuleError::Pattern {
                        source_name: source_name.to_string(),
                        id: raw.id.clone(),
                        pattern: crate::config_file::truncate(pattern),
                        message,
                    }
                })?;
                let _ = regex.set(compiled);
            }
            regexes.push(LazyRegex {
                pattern: anchored,
                regex,
            });
        }
        let prefixes: Vec<Option<Prefixes>> = regexes
            .iter()
            .map(|r| {
                if suffix {
                    None
                } else {
                    line_prefixes(&r.pattern)
                }
            })
            .collect();
        rules.push(Rule {
            id: raw.id,
            family: raw.family,
            zones: raw.zone,
            action: raw.action,
            max_chars: raw.max_chars.unwrap_or(DEFAULT_MAX_CHARS),
            weak: raw.weak,
            enabled: raw.enabled,
            spares_title: raw.spares_title || !raw.triggers.is_empty(),
            triggers: raw.triggers.iter().map(|t| fold(t)).collect(),
            min_cues: raw.min_cues.unwrap_or(1),
            description: raw.description,
            must_match: raw.must_match,
            no_match: raw.no_match,
            required: regexes
                .iter()
                .zip(&prefixes)
                .map(|(r, p)| {
                    if p.is_some() {
                        None
                    } else {
                        required_literals(&r.pattern)
                    }
                })
                .collect(),
            prefixes,
            regexes,
        });
    }
    Ok(rules)
}

/// Compiles the anchored form of the user pattern `written` within its
/// own limit and what is left of `budget`, which it is charged; the error
/// is short whatever the pattern's length (the regex crate's own
/// messages quote the whole pattern).
fn compile_within(
    written: &str,
    anchored: &str,
    budget: &mut PatternBudget,
) -> Result<Regex, String> {
    use regex_automata::nfa::thompson;
    if let Err(e) = regex_syntax::Parser::new().parse(written) {
        return Err(syntax_error_summary(&e));
    }
    let limit = PATTERN_NFA_LIMIT.min(budget.left);
    let too_big = |limit: usize| {
        if limit < PATTERN_NFA_LIMIT {
            format!(
                "the user rules' patterns together compile to more than {} MiB",
                USER_NFA_BUDGET >> 20
            )
        } else {
            format!(
                "compiles to more than {} KiB, the most one pattern may take",
                PATTERN_NFA_LIMIT >> 10
            )
        }
    };
    let nfa = thompson::Compiler::new()
        .configure(thompson::Config::new().nfa_size_limit(Some(limit)))
        .build(anchored)
        .map_err(|e| match e.size_limit() {
            Some(_) => too_big(limit),
            None => "not a valid pattern".to_string(),
        })?;
    budget.left -= nfa.memory_usage().min(budget.left);
    regex::RegexBuilder::new(anchored)
        .size_limit(PATTERN_NFA_LIMIT)
        .dfa_size_limit(PATTERN_DFA_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => too_big(PATTERN_NFA_LIMIT),
            _ => "not a valid pattern".to_string(),
        })
}

/// `KIND at column C` for a pattern that does not parse: the regex
/// crate's message would quote the whole pattern.
fn syntax_error_summary(e: &regex_syntax::Error) -> String {
    let (kind, span) = match e {
        regex_syntax::Error::Parse(e) => (e.kind().to_string(), e.span()),
        regex_syntax::Error::Translate(e) => (e.kind().to_string(), e.span()),
        _ => return "not a valid pattern".to_string(),
    };
    crate::config_file::truncate(&format!("{kind} at column {}", span.start.column))
}

/// The rule files shipped with zhtidy, by name.
pub const BUILTIN_RULE_FILES: &[(&str, &str)] = &[
    (
        "header.toml",
        include_str!("../../dictionaries/boilerplate/header.toml"),
    ),
    (
        "inline.toml",
        include_str!("../../dictionaries/boilerplate/inline.toml"),
    ),
    (
        "captions.toml",
        include_str!("../../dictionaries/boilerplate/captions.toml"),
    ),
    (
        "footer.toml",
        include_str!("../../dictionaries/boilerplate/footer.toml"),
    ),
    (
        "disclaimers.toml",
        include_str!("../../dictionaries/boilerplate/disclaimers.toml"),
    ),
    (
        "chrome.toml",
        include_str!("../../dictionaries/boilerplate/chrome.toml"),
    ),
    (
        "cues.toml",
        include_str!("../../dictionaries/boilerplate/cues.toml"),
    ),
];

/// Parses every shipped rule file.
pub fn builtin_rules() -> Result<Vec<Rule>, RuleError> {
    let mut all = Vec::new();
    for (name, text) in BUILTIN_RULE_FILES {
        all.extend(parse_rules_with(&format!("<builtin:{name}>"), text, None)?);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped patterns compile on first use, not when parsed: every
    /// one must compile (else a line passing its prefilter would panic).
    #[test]
    fn every_builtin_pattern_compiles() {
        let rules = builtin_rules().unwrap();
        assert!(rules
            .iter()
            .flat_map(|r| &r.regexes)
            .all(|r| r.regex.get().is_none()));
        for rule in &rules {
            for r in &rule.regexes {
                assert!(Regex::new(&r.pattern).is_ok(), "{}: {}", rule.id, r.pattern);
                assert_eq!(r.get().as_str(), r.pattern);
            }
        }
    }

    /// Every example of every shipped rule, run through the rule's own
    /// pattern (zones are tested in the engine).
    #[test]
    fn every_builtin_example_behaves() {
        let rules = builtin_rules().expect("shipped rules parse");
        let mut ids = HashSet::new();
        let mut failures = Vec::new();
        let mut examples = 0;
        for rule in &rules {
            assert!(
                ids.insert(rule.id.clone()),
                "duplicate id {} across files",
                rule.id
            );
            assert!(
                !rule.must_match.is_empty(),
                "rule {} has no match example",
                rule.id
            );
            assert!(
                !rule.no_match.is_empty(),
                "rule {} has no no_match example",
                rule.id
            );
            // A repeat rule is judged by the lines above its line (its
            // examples run through the engine in src/strip/tests.rs).
            if matches!(rule.action, Action::Repeat | Action::Model) {
                continue;
            }
            for ex in &rule.must_match {
                examples += 1;
                if !rule.matches_line(ex) {
                    failures.push(format!("{}: should match: {ex}", rule.id));
                }
            }
            for ex in &rule.no_match {
                examples += 1;
                if rule.matches_line(ex) {
                    failures.push(format!("{}: should not match: {ex}", rule.id));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {examples} examples fail:\n{}",
            failures.len(),
            failures.join("\n")
        );
        assert!(examples > 100, "only {examples} examples");
    }

    /// The prefix prefilter is a pure shortcut: with or without it, every
    /// example gives the same verdict, and many shipped whole-line patterns
    /// have one.
    #[test]
    fn prefix_prefilter_changes_no_verdict() {
        let rules = builtin_rules().unwrap();
        let line: Vec<&Rule> = rules
            .iter()
            .filter(|r| !r.is_suffix() && !r.is_cue_rule())
            .collect();
        let patterns: Vec<&Option<Prefixes>> = line.iter().flat_map(|r| &r.prefixes).collect();
        let with = patterns.iter().filter(|p| p.is_some()).count();
        assert!(with * 3 > patterns.len(), "{with} of {}", patterns.len());
        for rule in &line {
            for ex in rule.must_match.iter().chain(&rule.no_match) {
                let folded = fold(ex.trim());
                let full = rule.regexes.iter().any(|r| r.get().is_match(&folded));
                let chars = folded.chars().count();
                assert_eq!(
                    rule.matches_folded(&folded),
                    full && chars <= rule.max_chars,
                    "{}: {ex}",
                    rule.id
                );
            }
        }
        let r = parse_rules(
            "x.toml",
            "[[rule]]\nid='a'\nfamily='f'\nzone='header'\npatterns=['(?:文章)?来源:\\s*\\S{1,20}', '[图圖]片']\n",
        )
        .unwrap();
        let literals: Vec<Option<Vec<String>>> = r[0]
            .prefixes
            .iter()
            .map(|p| p.as_ref().map(|p| p.literals.clone()))
            .collect();
        assert_eq!(
            literals,
            [
                Some(vec!["文章来源:".to_string(), "来源:".to_string()]),
                Some(vec!["图片".to_string()])
            ]
        );
        assert_eq!(r[0].prefixes[0].as_ref().unwrap().firsts, ['文', '来']);
        // Patterns without prefixes: a literal every match contains.
        let with_required = line.iter().flat_map(|r| &r.required).flatten().count();
        assert!(with_required > 5, "{with_required}");
        assert_eq!(
            required_literals("^(?:(?:本文|文章)?(?:仅代表|只代表).{0,150})$"),
            Some(vec!["仅代表".to_string(), "只代表".to_string()])
        );
        assert_eq!(required_literals("^(?:.{0,20}(?:a)?)$"), None);
        assert!(r[0].matches_line("來源：晨光日報"));
        assert!(!r[0].matches_line("收入來源：廣告"));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = parse_rules(
            "x.toml",
            "[[rule]]\nid='a'\nfamily='f'\nzone='inline'\npatterns=['x']\ncolour='red'\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
    }

    #[test]
    fn bad_patterns_name_the_rule() {
        let err = parse_rules(
            "x.toml",
            "[[rule]]\nid='a'\nfamily='f'\nzone='inline'\npatterns=['(']\n",
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with("x.toml: rule a: bad pattern"),
            "{err}"
        );
    }

    #[test]
    fn one_rule_matches_both_scripts_and_widths() {
        let rules = parse_rules(
            "x.toml",
            "[[rule]]\nid='a'\nfamily='f'\nzone='header'\npatterns=['来源:\\s*\\S{1,20}']\n",
        )
        .unwrap();
        for line in [
            "来源:晨光日报",
            "來源：晨光日報",
            "來源︰ 晨光日報",
            "来源\u{FF1A}晨光日报",
        ] {
            assert!(rules[0].matches_line(line), "{line}");
        }
        assert!(!rules[0]
            .matches_line("他的收入來源：主要是廣告和訂閱，還有一部分來自政府補貼的各種專案。"));
    }
}

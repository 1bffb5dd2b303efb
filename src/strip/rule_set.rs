/*!
The rules a stripper uses, with one scan per line for all their required
literals.

Most patterns that do not start with a fixed word still need one (`仅代表`
or `只代表` in `(?:本文)?(?:仅代表|只代表).{0,150}`), and a line holding
none of a pattern's literals cannot match it (see
`rules::required_literals`). Testing each pattern's literals with a
substring search walked every line once per literal and pattern, a fifth of
a pipeline run on short articles. Here one Aho-Corasick automaton over all
those literals reports, in a single overlapping scan, which of them the
line contains; each pattern then reads its answer from a bit set. The
verdicts are the same: an overlapping scan reports every occurrence of
every literal.

Patterns whose matches start with a known word (来源, 责任编辑) are filed
under their possible first characters, so a line meets only those of its
own first character, plus the patterns that may start anywhere: walking
all ~120 patterns per line cost more than the few searches that follow.
*/

use std::cell::OnceCell;
use std::collections::HashMap;
use std::ops::Deref;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::rules::Rule;

/// Enabled rules, in order, and the automaton of their required literals.
#[derive(Debug)]
pub(crate) struct RuleSet {
    rules: Vec<Rule>,
    /// All distinct required literals; `None` when no pattern has any.
    literals: Option<AhoCorasick>,
    /// `ids[k][p]`: the literals of pattern `p` of rule `k`, as a bit set
    /// over the literal numbers (one of them must occur in a match): a
    /// few word tests against a line's found literals, where a list of
    /// numbers took a loop per pattern and line.
    ids: Vec<Vec<Option<Box<[u64]>>>>,
    /// Literals in the automaton (the bit set's length).
    count: usize,
    /// Whole-line patterns `(rule, pattern)` that may start with many
    /// characters, in order.
    open: Vec<(usize, usize)>,
    /// The other whole-line patterns, under each character their matches
    /// may start with: a line is tried only against those of its first
    /// character (most patterns start with a word such as 来源).
    by_first: HashMap<char, Vec<(usize, usize)>>,
    /// The caption-suffix rules, in order.
    suffix_rules: Vec<usize>,
    /// All cue rules' triggers, and for each the rules it belongs to.
    triggers: Option<AhoCorasick>,
    trigger_rules: Vec<Vec<usize>>,
    /// The longest line any cue rule may judge: a line that
    /// [`super::cues::may_judge`] refuses at this length is refused by
    /// every cue rule, and its triggers are not searched for.
    trigger_max_chars: usize,
}

impl RuleSet {
    pub(crate) fn new(rules: Vec<Rule>) -> Self {
        let mut number: HashMap<&str, u32> = HashMap::new();
        let mut all: Vec<&str> = Vec::new();
        let numbers: Vec<Vec<Option<Vec<u32>>>> = rules
            .iter()
            .map(|rule| {
                rule.required_literals()
                    .iter()
                    .map(|required| {
                        required.as_ref().map(|list| {
                            list.iter()
                                .map(|l| {
                                    *number.entry(l.as_str()).or_insert_with(|| {
                                        all.push(l.as_str());
                                        (all.len() - 1) as u32
                                    })
                                })
                                .collect()
                        })
                    })
                    .collect()
            })
            .collect();
        let words = all.len().div_ceil(64);
        let ids = numbers
            .into_iter()
            .map(|patterns| {
                patterns
                    .into_iter()
                    .map(|required| {
                        required.map(|list| {
                            let mut set = vec![0u64; words].into_boxed_slice();
                            for i in list {
                                set[i as usize / 64] |= 1 << (i % 64);
                            }
                            set
                        })
                    })
                    .collect()
            })
            .collect();
        // A DFA for the shipped literals (a few hundred short ones); user
        // rule files may bring more than a DFA may hold, then an NFA.
        let literals = (!all.is_empty()).then(|| {
            let build = |kind| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(kind))
                    .build(&all)
            };
            build(AhoCorasickKind::DFA)
                .or_else(|_| build(AhoCorasickKind::ContiguousNFA))
                .or_else(|_| build(AhoCorasickKind::NoncontiguousNFA))
                .expect("the literals of patterns within the compile budget fit an NFA")
        });
        let count = all.len();
        let mut open = Vec::new();
        let mut by_first: HashMap<char, Vec<(usize, usize)>> = HashMap::new();
        for (k, rule) in rules.iter().enumerate().filter(|(_, r)| !r.is_suffix()) {
            for p in 0..rule.required_literals().len() {
                match rule.pattern_firsts(p) {
                    None => open.push((k, p)),
                    Some(firsts) => {
                        for &c in firsts {
                            by_first.entry(c).or_default().push((k, p));
                        }
                    }
                }
            }
        }
        let suffix_rules = (0..rules.len()).filter(|&k| rules[k].is_suffix()).collect();
        let mut trigger_number: HashMap<&str, usize> = HashMap::new();
        let mut trigger_words: Vec<&str> = Vec::new();
        let mut trigger_rules: Vec<Vec<usize>> = Vec::new();
        for (k, rule) in rules.iter().enumerate() {
            for t in &rule.triggers {
                let i = *trigger_number.entry(t.as_str()).or_insert_with(|| {
                    trigger_words.push(t.as_str());
                    trigger_rules.push(Vec::new());
                    trigger_words.len() - 1
                });
                if !trigger_rules[i].contains(&k) {
                    trigger_rules[i].push(k);
                }
            }
        }
        let trigger_max_chars = trigger_rules
            .iter()
            .flatten()
            .map(|&k| rules[k].max_chars)
            .max()
            .unwrap_or(0);
        let triggers = (!trigger_words.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&trigger_words)
                .expect("a few hundred short triggers fit an automaton")
        });
        RuleSet {
            triggers,
            trigger_rules,
            trigger_max_chars,
            suffix_rules,
            literals,
            ids,
            count,
            open,
            by_first,
            rules,
        }
    }

    /// What the rules say about the folded, trimmed line `folded` of
    /// `chars` characters: the whole-line rules (not caption-suffix ones)
    /// that match it, in rule order, and the earliest caption credit at its
    /// end as (start in `folded`, rule), the least of what each suffix
    /// rule's [`Rule::suffix_start`] gives. Patterns whose required
    /// literals the line lacks are not run.
    pub(crate) fn line_verdicts(
        &self,
        folded: &str,
        chars: usize,
    ) -> (Vec<usize>, Option<(usize, usize)>) {
        // Scanned on the first pattern that asks, once per line.
        let found: OnceCell<Vec<u64>> = OnceCell::new();
        let scan = || {
            let mut bits = vec![0u64; self.count.div_ceil(64)];
            if let Some(ac) = &self.literals {
                for m in ac.find_overlapping_iter(folded) {
                    let i = m.pattern().as_usize();
                    bits[i / 64] |= 1 << (i % 64);
                }
            }
            bits
        };
        let has_required = |k: usize, p: usize| match &self.ids[k][p] {
            None => true,
            Some(set) => {
                let bits = found.get_or_init(scan);
                set.iter().zip(bits).any(|(s, b)| s & b != 0)
            }
        };
        let listed = folded
            .chars()
            .next()
            .and_then(|c| self.by_first.get(&c))
            .map_or(&[][..], Vec::as_slice);
        let mut hits: Vec<usize> = Vec::new();
        for &(k, p) in self.open.iter().chain(listed) {
            let rule = &self.rules[k];
            if chars > rule.max_chars || hits.contains(&k) {
                continue;
            }
            if has_required(k, p) && rule.pattern_matches(p, folded) {
                hits.push(k);
            }
        }
        // `may_judge` asks the same of every rule but the length limit: a
        // line it refuses at the longest limit (a sentence, most prose) no
        // cue rule judges.
        let triggers = self
            .triggers
            .as_ref()
            .filter(|_| super::cues::may_judge(folded, chars, self.trigger_max_chars));
        if let Some(ac) = triggers {
            for m in ac.find_overlapping_iter(folded) {
                let trigger = &folded[m.start()..m.end()];
                for &k in &self.trigger_rules[m.pattern().as_usize()] {
                    let rule = &self.rules[k];
                    if !hits.contains(&k)
                        && super::cues::may_judge(folded, chars, rule.max_chars)
                        && rule.cues_at(folded, m.start(), trigger).is_some()
                    {
                        hits.push(k);
                    }
                }
            }
        }
        hits.sort_unstable();
        let suffix = self
            .suffix_rules
            .iter()
            .filter(|&&k| chars <= self.rules[k].max_chars)
            .filter_map(|&k| {
                (0..self.ids[k].len())
                    .filter(|&p| has_required(k, p))
                    .filter_map(|p| self.rules[k].suffix_start_of(p, folded))
                    .min()
                    .map(|s| (s, k))
            })
            .min();
        (hits, suffix)
    }

    /// Compiles every rule's patterns now rather than on first use.
    pub(crate) fn compile(&self) {
        for rule in &self.rules {
            rule.compile();
        }
    }
}

impl Deref for RuleSet {
    type Target = [Rule];

    fn deref(&self) -> &[Rule] {
        &self.rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strip::fold::fold;
    use crate::strip::rules::builtin_rules;

    /// The set's verdicts (whole-line matches and caption credits) equal
    /// each rule's own on lines that contain
    /// required literals, lines that nearly do, and prose.
    #[test]
    fn same_verdicts_as_each_rule_alone() {
        let set = RuleSet::new(builtin_rules().unwrap());
        assert!(set.count > 10, "the shipped rules have required literals");
        let mut lines: Vec<String> = set
            .iter()
            .flat_map(|r| r.must_match.iter().chain(&r.no_match).cloned())
            .collect();
        lines.extend(
            [
                "本文仅代表作者本人观点，与本网无关。",
                "本文只代表作者观点",
                "仅代",
                "這是一段正文，记者昨天在现场看到了很多人。",
                "街头的人群（图片来源：网络）",
                "街头的人群（摄影 张三）",
                "他说：“好。”展开全文",
                "",
            ]
            .map(String::from),
        );
        let mut matched = 0;
        let mut credits = 0;
        for line in &lines {
            let folded = fold(line.trim());
            let chars = folded.chars().count();
            let alone: Vec<usize> = (0..set.len())
                .filter(|&k| !set[k].is_suffix() && set[k].matches_folded_counted(&folded, chars))
                .collect();
            let suffix = (0..set.len())
                .filter(|&k| set[k].is_suffix() && chars <= set[k].max_chars)
                .filter_map(|k| set[k].suffix_start(&folded).map(|s| (s, k)))
                .min();
            assert_eq!(
                set.line_verdicts(&folded, chars),
                (alone.clone(), suffix),
                "line {line:?}"
            );
            matched += usize::from(!alone.is_empty());
            credits += usize::from(suffix.is_some());
        }
        assert!(matched > 100, "only {matched} lines matched a rule");
        assert!(credits > 10, "only {credits} lines ended in a credit");
    }
}

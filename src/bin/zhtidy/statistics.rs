/*!
`--statistics`: how many changes each rule and each family made in a run,
most first (ties by id), as ruff's `--statistics` counts its rules. It is
printed on standard error, so standard output stays what the mode and
`--output-format` promise.
*/

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::changes::ChangeRecord;

/// Counts per rule (with its family) and per family.
#[derive(Debug, Default)]
pub struct Statistics {
    rules: BTreeMap<(String, String), usize>,
    families: BTreeMap<String, usize>,
}

impl Statistics {
    /// Counts one file's changes.
    pub fn add(&mut self, changes: &[ChangeRecord]) {
        for c in changes {
            *self
                .rules
                .entry((c.rule.clone(), c.family.clone()))
                .or_default() += 1;
            *self.families.entry(c.family.clone()).or_default() += 1;
        }
    }

    /// The table: `COUNT RULE FAMILY` per rule, then `COUNT FAMILY` per
    /// family, each most first.
    pub fn table(&self) -> String {
        let mut out = String::new();
        if self.rules.is_empty() {
            out.push_str("statistics: no changes\n");
            return out;
        }
        let mut rules: Vec<_> = self.rules.iter().collect();
        rules.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let width = rules.iter().map(|((r, _), _)| r.len()).max().unwrap_or(0);
        let count_w = rules[0].1.to_string().len();
        out.push_str("statistics by rule:\n");
        for ((rule, family), n) in rules {
            let _ = writeln!(out, "{n:>count_w$}  {rule:<width$}  {family}");
        }
        let mut families: Vec<_> = self.families.iter().collect();
        families.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        out.push_str("statistics by family:\n");
        for (family, n) in families {
            let _ = writeln!(out, "{n:>count_w$}  {family}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_sorted_most_first() {
        let fix = ChangeRecord::encoding("GBK".into(), "UTF-8".into());
        let conv = ChangeRecord::convert(&["s2tw".into()]);
        let mut s = Statistics::default();
        s.add(&[fix.clone(), conv.clone()]);
        s.add(&[fix]);
        assert_eq!(
            s.table(),
            "statistics by rule:\n2  encoding  encoding\n1  convert   convert\nstatistics by family:\n2  encoding\n1  convert\n"
        );
        assert_eq!(Statistics::default().table(), "statistics: no changes\n");
    }
}

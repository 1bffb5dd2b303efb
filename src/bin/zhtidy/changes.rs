/*!
What changed in one document, as records a user can read and a program can
parse: one [`ChangeRecord`] per removal (strip), per fix, and per change
that touches the whole file (its encoding, a dropped byte order mark,
reversed mojibake, a script conversion).

Every report format is built from these records, so `--explain` on
standard error, the JSON reports, GitHub annotations, `--check`'s reasons
and `--diff`'s preamble all name the same rules: a user can see every
change and why it was made, whatever the mode.
*/

use serde::Serialize;
use zhtidy::fix::Change;
use zhtidy::pipeline::Tidied;
use zhtidy::strip::Removal;

/// The stage a change comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// A line or a credit removed.
    Strip,
    /// A glyph, artifact or punctuation repaired.
    Fix,
    /// How the bytes are written: encoding, byte order mark, mojibake.
    Decode,
    /// A script conversion (`--to`).
    Convert,
}

/// One change, located in the input when it has a place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeRecord {
    pub stage: Stage,
    /// The rule id (`zero-width`, `disclaimer-repost-notice`, `encoding`,
    /// `convert`).
    pub rule: String,
    /// The rule's family (strip); the stage's name otherwise.
    pub family: String,
    /// 1-based line in the input; `None` for a change to the whole file.
    pub line: Option<usize>,
    /// 1-based column in the input, in characters.
    pub column: Option<usize>,
    /// What was there (the removed line, the replaced text, the old
    /// encoding).
    pub before: String,
    /// What is there now (empty for a removal).
    pub after: String,
    /// The cues that decided a removal by a cue rule (its trigger phrase
    /// and the line's shape); empty when a rule's pattern matched.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cues: Vec<String>,
}

impl ChangeRecord {
    /// A removal; `input` is the text strip ran on (for the column).
    pub fn removal(r: &Removal, input: &str) -> Self {
        ChangeRecord {
            stage: Stage::Strip,
            rule: r.rule.clone(),
            family: crate::rules_cmd::kebab(&r.family),
            line: Some(r.line),
            column: Some(column_at(input, r.at)),
            before: r.text.clone(),
            after: String::new(),
            cues: r.cues.clone(),
        }
    }

    /// A fix (its positions are already in the input).
    pub fn fix(c: &Change) -> Self {
        ChangeRecord {
            stage: Stage::Fix,
            rule: c.rule.id().to_string(),
            family: "fix".to_string(),
            line: Some(c.line),
            column: Some(c.column),
            before: c.from.to_string(),
            after: c.to.to_string(),
            cues: Vec::new(),
        }
    }

    /// The file is written in another encoding than it was read in
    /// (names such as `GBK`, `UTF-8 with BOM`).
    pub fn encoding(from: String, to: String) -> Self {
        Self::whole_file(Stage::Decode, "encoding", from, to)
    }

    /// UTF-8 text once decoded as `from`, reversed.
    pub fn mojibake(kind: &str, source: &str) -> Self {
        Self::whole_file(
            Stage::Decode,
            "mojibake",
            format!("mojibake:{kind}"),
            source.into(),
        )
    }

    /// A script conversion through these OpenCC configs.
    pub fn convert(configs: &[String]) -> Self {
        let mut names: Vec<&str> = Vec::new();
        for c in configs {
            if names.last() != Some(&c.as_str()) {
                names.push(c);
            }
        }
        Self::whole_file(Stage::Convert, "convert", String::new(), names.join(" + "))
    }

    fn whole_file(stage: Stage, rule: &str, before: String, after: String) -> Self {
        ChangeRecord {
            stage,
            rule: rule.to_string(),
            family: rule.to_string(),
            line: None,
            column: None,
            before,
            after,
            cues: Vec::new(),
        }
    }

    /// Whether it changes the whole file rather than one place in it.
    pub fn is_whole_file(&self) -> bool {
        self.line.is_none()
    }

    /// What it did, without the place: `GBK → UTF-8`, `s2tw`, a removed
    /// line's text, `开 → 開`.
    pub fn what(&self) -> String {
        match self.stage {
            Stage::Strip => self.before.clone(),
            Stage::Decode | Stage::Convert if self.before.is_empty() => self.after.clone(),
            _ => format!("{} → {}", self.before, self.after),
        }
    }

    /// `rule: what`, as `--check` and `--diff` name whole-file changes.
    pub fn summary(&self) -> String {
        if self.cues.is_empty() {
            format!("{}: {}", self.rule, self.what())
        } else {
            format!("{} ({}): {}", self.rule, self.cues.join(", "), self.what())
        }
    }

    /// The `--explain` line: `PATH:LINE: rule: text` for a removal,
    /// `PATH:LINE:COLUMN: rule: from → to` for a fix, `PATH: rule: what`
    /// for a change to the whole file.
    pub fn explain_line(&self, path: &str) -> String {
        match (self.stage, self.line, self.column) {
            (Stage::Strip, Some(line), _) => format!("{path}:{line}: {}", self.summary()),
            (_, Some(line), Some(col)) => format!("{path}:{line}:{col}: {}", self.summary()),
            (_, Some(line), None) => format!("{path}:{line}: {}", self.summary()),
            (_, None, _) => format!("{path}: {}", self.summary()),
        }
    }
}

/// The place-bound records of one pipeline run over `input`: removals,
/// then fixes (each in input order).
pub fn records_of(input: &str, tidied: &Tidied<'_>) -> Vec<ChangeRecord> {
    tidied
        .removals
        .iter()
        .map(|r| ChangeRecord::removal(r, input))
        .chain(tidied.fix_changes.iter().map(ChangeRecord::fix))
        .collect()
}

/// The 1-based character column of byte `at` in `text`.
fn column_at(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text.get(start..at).map_or(1, |s| s.chars().count() + 1)
}

/// An encoding's name as a user knows it, with its byte order mark.
pub fn encoding_label(encoding: &'static encoding_rs::Encoding, bom: bool) -> String {
    if bom {
        format!("{} with BOM", encoding.name())
    } else {
        encoding.name().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_from_the_line_start() {
        let t = "一二\n三四五 版权\n";
        let at = t.find(" 版").unwrap();
        assert_eq!(column_at(t, at), 4);
        assert_eq!(column_at(t, 0), 1);
        assert_eq!(column_at(t, t.find('三').unwrap()), 1);
    }

    #[test]
    fn explain_lines_follow_the_documented_shapes() {
        let enc = ChangeRecord::encoding("GBK".into(), "UTF-8".into());
        assert_eq!(enc.explain_line("a.txt"), "a.txt: encoding: GBK → UTF-8");
        let conv = ChangeRecord::convert(&["s2t".into(), "t2jp".into(), "t2jp".into()]);
        assert_eq!(conv.summary(), "convert: s2t + t2jp");
        let fix = ChangeRecord {
            stage: Stage::Fix,
            rule: "stray-glyph".into(),
            family: "fix".into(),
            line: Some(3),
            column: Some(5),
            before: "开".into(),
            after: "開".into(),
            cues: Vec::new(),
        };
        assert_eq!(fix.explain_line("p"), "p:3:5: stray-glyph: 开 → 開");
        let zw = ChangeRecord {
            after: String::new(),
            rule: "zero-width".into(),
            before: "\u{200b}".into(),
            ..fix
        };
        assert_eq!(zw.explain_line("p"), "p:3:5: zero-width: \u{200b} → ");
    }
}

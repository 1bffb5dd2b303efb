/*!
Rule `variant`: with an explicit target standard, Traditional lines are
normalized to its variant forms with OpenCC's own variant dictionaries,
matched as OpenCC's configs match them (phrases first, then characters):

- Taiwan: `t2tw` (TWVariantsPhrases, TWVariants): 爲 → 為, 啓 → 啟,
  裏 → 裡, 着 → 著;
- Hong Kong: `t2hk` (HKVariantsPhrases, HKVariants): 爲 → 為, 着 → 着;
- OpenCC: `tw2t` then `hk2t` (the `*Rev*` dictionaries): 為 → 爲, and
  著 → 着 only in words where it means 着.

Lines that are not Traditional are left alone; without a target the rule
does nothing, so a document keeps its own variant system. Only matches that
keep the character count are applied, so every change is one character
wide and its position is exact.
*/

use std::sync::{Arc, LazyLock};

use super::memo::{placed, LineEdit, LineMemo};
use super::script::{Script, ScriptReport};
use super::{Edit, FixOptions, PlannedNote, Rule, VariantTarget};
use crate::convert::{builtin_dict, DictData};

/// One OpenCC conversion step: a phrase dictionary, then a character one
/// (`short_circuit`: the phrase dictionary wins whenever it matches).
type Step = [Arc<DictData>; 2];

fn step(phrases: &str, characters: &str) -> Step {
    let load = |name: &str| {
        builtin_dict(name).unwrap_or_else(|| panic!("bundled dictionary {name} is missing"))
    };
    [load(phrases), load(characters)]
}

static TW: LazyLock<Vec<Step>> =
    LazyLock::new(|| vec![step("TWVariantsPhrases.txt", "TWVariants.txt")]);
static HK: LazyLock<Vec<Step>> =
    LazyLock::new(|| vec![step("HKVariantsPhrases.txt", "HKVariants.txt")]);
static OPENCC: LazyLock<Vec<Step>> = LazyLock::new(|| {
    vec![
        step("TWVariantsRevPhrases.txt", "TWVariantsRev.txt"),
        step("HKVariantsRevPhrases.txt", "HKVariantsRev.txt"),
    ]
});

/// Plans the variant edits for `text` (none without a target).
pub(super) fn normalize(
    text: &str,
    options: &FixOptions,
    _notes: &mut Vec<PlannedNote>,
    report: &ScriptReport,
    memo: &mut LineMemo,
) -> Vec<Edit> {
    let steps: &[Step] = match options.variants {
        None => return Vec::new(),
        Some(VariantTarget::Tw) => &TW,
        Some(VariantTarget::Hk) => &HK,
        Some(VariantTarget::Opencc) => &OPENCC,
    };
    let mut edits = Vec::new();
    for paragraph in &report.paragraphs {
        if report.target_for(paragraph) != Some(Script::Traditional) {
            continue;
        }
        let line = &text[paragraph.range.clone()];
        let planned;
        let line_edits = match memo.variants(line) {
            Some(known) => known,
            None => {
                planned = plan_line(line, steps);
                memo.keep_variants(line, planned.clone());
                &planned
            }
        };
        edits.extend(placed(line_edits, paragraph.range.start));
    }
    edits
}

/// The variant edits of one Traditional line: (offset in the line, length,
/// new character, rule).
fn plan_line(line: &str, steps: &[Step]) -> Vec<LineEdit> {
    let mut chars: Vec<char> = line.chars().collect();
    for s in steps {
        chars = run_step(&chars, s);
    }
    line.char_indices()
        .zip(chars)
        .filter(|((_, old), new)| old != new)
        .map(|((at, old), new)| (at, old.len_utf8(), new, Rule::Variant))
        .collect()
}

fn run_step(chars: &[char], step: &Step) -> Vec<char> {
    let text: String = chars.iter().collect();
    let offsets: Vec<usize> = chars
        .iter()
        .scan(0, |at, c| {
            let here = *at;
            *at += c.len_utf8();
            Some(here)
        })
        .collect();
    let mut out = chars.to_vec();
    let mut i = 0;
    while i < chars.len() {
        let rest = &text[offsets[i]..];
        let hit = step[0]
            .longest_prefix(rest)
            .or_else(|| step[1].longest_prefix(rest));
        match hit {
            Some((len, value)) => {
                let n = rest[..len].chars().count();
                if value.chars().count() == n {
                    for (k, v) in value.chars().enumerate() {
                        out[i + k] = v;
                    }
                }
                i += n.max(1);
            }
            None => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{FixOptions, Fixer, Rule, VariantTarget};

    fn fix(text: &str, target: Option<VariantTarget>) -> String {
        let options = FixOptions::default().variants(target);
        Fixer::new(options).fix(text).text.into_owned()
    }

    #[test]
    fn taiwan_target_normalizes_variants() {
        let text = "這裏爲何開啓？他隨着大家，著作很多。";
        assert_eq!(
            fix(text, Some(VariantTarget::Tw)),
            "這裡為何開啟？他隨著大家，著作很多。"
        );
        assert_eq!(fix(text, None), text, "no target keeps the variants");
    }

    #[test]
    fn opencc_target_restores_zhe_by_context() {
        let text = "這裡為何開啟？他隨著大家，著作很多。";
        assert_eq!(
            fix(text, Some(VariantTarget::Opencc)),
            "這裏爲何開啓？他隨着大家，著作很多。"
        );
    }

    #[test]
    fn simplified_lines_are_left_alone() {
        let text = "这里为什么开启？们说着";
        assert_eq!(fix(text, Some(VariantTarget::Tw)), text);
    }

    #[test]
    fn variant_changes_are_recorded() {
        let options = FixOptions::default().variants(Some(VariantTarget::Hk));
        let fixed = Fixer::new(options).fix("這是爲了他們");
        assert_eq!(fixed.text, "這是為了他們");
        assert_eq!(fixed.changes.len(), 1);
        assert_eq!(fixed.changes[0].rule, Rule::Variant);
    }
}

/*!
What the line-by-line steps of fix planned for each line, kept so that a
line seen again is not planned again.

Idempotence makes fix see the same lines many times: after a round that
changed anything every step runs again on the whole text, the
pipeline fixes the text once per strip pass and again in conversion's
settling rounds, and each time nearly every line is one it has already
planned. Planning a line for stray glyphs is a dictionary scan of it
(forward maximum matching over the phrase tables) and dominated fix's cost.

A memo entry holds exactly what planning depended on, so a hit gives what
planning again would give:

- stray glyphs ([`super::glyphs`]): the line's text, the script it is
  fixed toward and whether the document is damaged (the key), plus every
  count of a character in the *document* that planning read and every
  verdict on whether the document writes a vernacular (checked against
  the current document before the entry is used);
- variants ([`super::variants`]): the line's text (only Traditional lines
  are planned, and the target standard is an option of the fixer);
- script evidence ([`super::ScriptCounts`]) and halfwidth marks
  ([`super::artifacts::fullwidth_punct`]): the line's text.

A memo belongs to one [`super::Fixer`] (its options are part of what the
entries mean) and to one run over one document; [`super::Fixer::fix`]
makes a fresh one, the pipeline keeps one across its calls.
*/

use std::collections::HashMap;

use super::ScriptCounts;

/// A map from a line's text, with a fast seeded hash.
type LineMap<V> = HashMap<Box<str>, V, foldhash::fast::RandomState>;

/// A planned change within a line: byte offset in the line, the original
/// character's length in bytes, the new character and which rule.
pub(super) type LineEdit = (usize, usize, char, super::Rule);

/// `line_edits` of a line that starts at byte `start` of the text, as
/// edits of the text.
pub(super) fn placed(
    line_edits: &[LineEdit],
    start: usize,
) -> impl Iterator<Item = super::Edit> + '_ {
    line_edits
        .iter()
        .map(move |&(at, len, to, rule)| super::Edit {
            range: start + at..start + at + len,
            to: to.into(),
            rule,
        })
}

/// The stray-glyph plan of one line, the document counts it read and
/// its verdicts on whether the document writes a vernacular (per marker
/// list).
pub(super) struct StrayPlan {
    pub edits: Vec<LineEdit>,
    pub reads: Vec<(char, usize)>,
    pub writes: Vec<(&'static str, bool)>,
}

/// Per-line plans of one fixer over one document (see the module doc).
#[derive(Default)]
pub(crate) struct LineMemo {
    /// Indexed by [`stray_slot`].
    stray: [LineMap<StrayPlan>; 4],
    variants: LineMap<Vec<LineEdit>>,
    counts: LineMap<(ScriptCounts, u16)>,
    punct: LineMap<PunctPlan>,
}

/// The halfwidth-mark edits of a line and the offsets of the commas it
/// reports (see [`super::artifacts::fullwidth_punct`]).
pub(super) type PunctPlan = (Vec<LineEdit>, Vec<usize>);

/// Which of the stray maps holds plans for this target and damage.
fn stray_slot(to_traditional: bool, damaged: bool) -> usize {
    usize::from(to_traditional) * 2 + usize::from(damaged)
}

impl LineMemo {
    pub(super) fn stray(
        &self,
        line: &str,
        to_traditional: bool,
        damaged: bool,
    ) -> Option<&StrayPlan> {
        self.stray[stray_slot(to_traditional, damaged)].get(line)
    }

    pub(super) fn keep_stray(
        &mut self,
        line: &str,
        to_traditional: bool,
        damaged: bool,
        plan: StrayPlan,
    ) {
        self.stray[stray_slot(to_traditional, damaged)].insert(line.into(), plan);
    }

    pub(super) fn variants(&self, line: &str) -> Option<&[LineEdit]> {
        self.variants.get(line).map(Vec::as_slice)
    }

    /// The script evidence on `line` and its class bits (a pure
    /// function of the line, see [`super::script::line_evidence`]).
    pub(super) fn counts(&mut self, line: &str) -> (ScriptCounts, u16) {
        if let Some(c) = self.counts.get(line) {
            return *c;
        }
        let c = super::script::line_evidence(line);
        self.counts.insert(line.into(), c);
        c
    }

    pub(super) fn punct(&self, line: &str) -> Option<(&[LineEdit], &[usize])> {
        self.punct.get(line).map(|(e, n)| (&e[..], &n[..]))
    }

    pub(super) fn keep_punct(&mut self, line: &str, plan: PunctPlan) {
        self.punct.insert(line.into(), plan);
    }

    pub(super) fn keep_variants(&mut self, line: &str, edits: Vec<LineEdit>) {
        self.variants.insert(line.into(), edits);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{FixOptions, Fixer};
    use super::LineMemo;

    #[test]
    fn a_plan_is_reused_only_while_the_document_counts_it_read_hold() {
        // In a damaged document, 荐 outside any phrase follows the
        // document's spelling: the same line fixes differently in a text
        // that writes 薦 and in one that writes 荐.
        let fixer = Fixer::new(FixOptions::default());
        let line = "也推荐它，展开。";
        let writes_traditional = format!("我們推薦這個，推薦那個。\n{line}\n");
        let writes_simplified = format!("他們推荐這個，推荐那個。\n{line}\n");
        let mut memo = LineMemo::default();
        let first = fixer
            .fix_with(&writes_traditional, &mut memo)
            .text
            .into_owned();
        let second = fixer
            .fix_with(&writes_simplified, &mut memo)
            .text
            .into_owned();
        assert!(first.contains("也推薦它，展開。"), "{first}");
        assert!(second.contains("也推荐它，展開。"), "{second}");
        assert_eq!(first, fixer.fix(&writes_traditional).text);
        assert_eq!(second, fixer.fix(&writes_simplified).text);
    }

    #[test]
    fn fixing_again_with_the_memo_gives_what_a_fresh_fixer_gives() {
        let fixer =
            Fixer::new(FixOptions::default().variants(Some(super::super::VariantTarget::Tw)));
        let text = "這裏很好,我們在这里說話(dāng)。\n標准與精准，那么意愿。\n";
        let mut memo = LineMemo::default();
        let once = fixer.fix_with(text, &mut memo);
        let again = fixer.fix_with(text, &mut memo);
        let fresh = fixer.fix(text);
        assert_eq!(once.text, fresh.text);
        assert_eq!(again.text, fresh.text);
        assert_eq!(again.changes.len(), fresh.changes.len());
        assert_eq!(again.notes.len(), fresh.notes.len());
    }
}

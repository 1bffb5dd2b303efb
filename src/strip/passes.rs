/*!
Strip until nothing more goes, so that stripping twice gives what
stripping once gave (a formatter must be idempotent).

One pass decides on the whole document: removing a line can move the
header or footer boundary, bring a line into the footer window or change
what a weak rule may take, and a second pass would then remove more.
[`Passes`] repeats single passes on the previous pass's output until a pass
removes nothing (or refuses), composing every pass's removals into records
against the *original* input, so [`super::reconstruct`] still gives the
input back.

The safety limit judges all passes together: if the removals of all
passes would take too much of the input's prose, the input is kept
unchanged and the refusal reported, exactly as when a single pass does.
*/

use std::borrow::Cow;

use super::{Refusal, Removal};

/// What one pass decided on its text.
pub(crate) struct Pass {
    /// Removals in that text's coordinates, in order.
    pub removals: Vec<Removal>,
    /// Set when the pass's own safety limit kept its text unchanged.
    pub refused: Option<Refusal>,
}

/// Whether to run another pass.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// The text changed: decide again on [`Passes::current`].
    Again,
    /// Nothing more to remove: [`Passes::current`] is the result.
    Stable,
    /// All passes together went over the limit: the input is kept.
    Refused,
}

/// The state of a run of passes over one input.
pub(crate) struct Passes<'a> {
    input: &'a str,
    current: Cow<'a, str>,
    removals: Vec<Removal>,
    refused: Option<Refusal>,
    max_share: f64,
    /// The repaired view of `input` the first pass decided on, when it has
    /// `input`'s lines one for one: all passes together are judged as it
    /// reads (see [`super::safety::judge_in_view`]).
    view: Option<String>,
}

impl<'a> Passes<'a> {
    pub fn new(input: &'a str, max_share: f64) -> Self {
        Passes {
            input,
            current: Cow::Borrowed(input),
            removals: Vec::new(),
            refused: None,
            max_share,
            view: None,
        }
    }

    /// Judges all passes on `view`, the repaired copy of the input the
    /// first pass decides on (called before that pass is applied; a view
    /// without the input's lines one for one is not used).
    pub fn judge_on(&mut self, view: &str) {
        if self.removals.is_empty()
            && view != self.input
            && super::view::lines_match(self.input, view)
        {
            self.view = Some(view.to_owned());
        }
    }

    /// The text the next pass decides on.
    pub fn current(&self) -> &str {
        &self.current
    }

    /// Takes the decision of a pass over [`Self::current`].
    /// `memo` is the one the pass was decided with (the safety limit's
    /// measure of the text is shared).
    pub fn apply(&mut self, pass: Pass, memo: &mut super::LineMemo) -> Step {
        if let Some(refusal) = pass.refused {
            if self.removals.is_empty() {
                self.refused = Some(refusal);
            }
            return Step::Stable;
        }
        if pass.removals.is_empty() {
            return Step::Stable;
        }
        let mut out = String::with_capacity(self.current.len());
        let mut pos = 0;
        for r in &pass.removals {
            out.push_str(&self.current[pos..r.at]);
            pos = r.at + r.deleted.len();
        }
        out.push_str(&self.current[pos..]);
        let earlier = std::mem::take(&mut self.removals);
        let all = compose(self.input, &self.current, earlier, pass.removals);
        let refused = match &self.view {
            Some(v) => super::safety::judge_in_view(v, &all, self.max_share, &mut memo.measured),
            None => super::safety::judge(self.input, &all, self.max_share, &mut memo.measured),
        };
        if let Some(refusal) = refused {
            self.refused = Some(refusal);
            self.current = Cow::Borrowed(self.input);
            return Step::Refused;
        }
        self.removals = all;
        self.current = Cow::Owned(out);
        Step::Again
    }

    /// The result: text, removals against the input, refusal.
    pub fn finish(self) -> (Cow<'a, str>, Vec<Removal>, Option<Refusal>) {
        (self.current, self.removals, self.refused)
    }
}

/// Removals of a later pass (`later`, in the coordinates of `middle`, the
/// text `earlier` left of `input`) as records against `input`, merged with
/// `earlier`. A later removal that spans the place of an earlier one is
/// split there, so that every record's bytes are contiguous in `input`.
fn compose(input: &str, middle: &str, earlier: Vec<Removal>, later: Vec<Removal>) -> Vec<Removal> {
    if earlier.is_empty() {
        return later;
    }
    // Where each earlier removal sits in `middle`, and how much was
    // deleted up to and including it: a sorted list, searched in
    // logarithmic time so that composing stays linear in the removals.
    let mut gone = 0;
    let places: Vec<(usize, usize)> = earlier
        .iter()
        .map(|e| {
            let at = e.at - gone;
            gone += e.deleted.len();
            (at, gone)
        })
        .collect();
    // An offset of `middle` in `input` (after the removals at that place).
    let to_input = |q: usize| -> usize {
        let n = places.partition_point(|(p, _)| *p <= q);
        q + if n == 0 { 0 } else { places[n - 1].1 }
    };
    let middle_starts = line_starts(middle);
    let input_starts = line_starts(input);
    let mut out = earlier;
    for r in later {
        let line_start = middle_starts[r.line.saturating_sub(1).min(middle_starts.len() - 1)];
        let line = input_starts.partition_point(|&s| s <= to_input(line_start));
        let end = r.at + r.deleted.len();
        let first_cut = places.partition_point(|(p, _)| *p <= r.at);
        let cuts = places[first_cut..]
            .iter()
            .map(|(p, _)| *p)
            .take_while(|&p| p < end);
        let mut a = r.at;
        for b in cuts.chain([end]) {
            if b > a {
                out.push(Removal {
                    line,
                    at: to_input(a),
                    deleted: r.deleted[a - r.at..b - r.at].to_string(),
                    ..r.clone()
                });
            }
            a = b;
        }
    }
    out.sort_by_key(|r| r.at);
    out
}

/// Byte offsets where the lines of `text` start.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{reconstruct, RemovalKind};
    use super::*;

    fn removal(line: usize, at: usize, deleted: &str) -> Removal {
        Removal {
            rule: "r".into(),
            family: "f".into(),
            line,
            text: deleted.trim().into(),
            kind: RemovalKind::Line,
            at,
            deleted: deleted.into(),
            cues: Vec::new(),
        }
    }

    #[test]
    fn a_later_removal_around_an_earlier_one_is_split_and_maps_back() {
        let input = "A\nB\nC\nD\n";
        // First pass takes B, the second A and C (one run in "A\nC\nD\n").
        let earlier = vec![removal(2, 2, "B\n")];
        let middle = "A\nC\nD\n";
        let later = vec![removal(1, 0, "A\nC\n")];
        let all = compose(input, middle, earlier, later);
        let at: Vec<(usize, &str, usize)> = all
            .iter()
            .map(|r| (r.at, r.deleted.as_str(), r.line))
            .collect();
        assert_eq!(at, [(0, "A\n", 1), (2, "B\n", 2), (4, "C\n", 1)]);
        assert_eq!(reconstruct("D\n", &all), input);
    }

    #[test]
    fn later_line_numbers_count_the_lines_of_the_input() {
        let input = "A\nB\nC\nD\n";
        let earlier = vec![removal(1, 0, "A\n")];
        let middle = "B\nC\nD\n";
        // "C" is line 2 of the middle text and line 3 of the input.
        let later = vec![removal(2, 2, "C\n")];
        let all = compose(input, middle, earlier, later);
        assert_eq!((all[1].at, all[1].line), (4, 3));
        assert_eq!(reconstruct("B\nD\n", &all), input);
    }
}

/*!
Rules `stray-glyph` and `stray-glyph-context`: glyphs of the minority
script, fixed toward each line's script.

How a candidate is chosen in context: the line is first brought entirely
into the *source* script character by character (for a Traditional target:
every Traditional character → its TSCharacters default, so 標准 reads
标准), then OpenCC's phrase dictionaries are matched over it by forward
maximum matching, as `s2t` (or `t2s`) would: STPhrases with its generated
regional supplement, or TSPhrases. A phrase with as many characters as its
key gives each position its candidate (标准 → 標準). Only positions whose
*original* character needs fixing are then changed:

- a character never valid in the target script takes the phrase
  candidate, or else its character-table default (开 → 開);
- a shared character that [`tables`](super::tables) allows to change does
  so when a phrase covers it with another character (or, for the few that
  phrases nearly always convert, such as 挂, by default outside phrases);
- anything else is left alone, whatever the phrase says (a Traditional 後
  is never touched, nor is 周 in 周末) — unless the document is *damaged*.

A document is damaged when its lines fixed toward one script hold at least
one character never valid in that script (a certain stray: 开 in
Traditional text). A Hong Kong or Taiwan standard form (群, 床, 揾) is valid
Traditional in its region, though OpenCC's Traditional writes another (羣),
so it is no such evidence. A text without any is most likely correct, and a
shared character in it is far more likely meant than a stray, so only the
rules above apply. In a damaged text, strays valid in both scripts come
along with the certain ones, and two more rules follow the document's own
spelling:

- a shared character that may change, outside any phrase, takes its
  default when the document writes the default more often than the
  character (推荐 → 推薦 in a text that writes 薦 more often than 荐);
- any other shared character (周, 系, 台) changes where a phrase covers it
  and the document writes the phrase's character elsewhere (關系 → 關係 in
  a text that writes 係 elsewhere, 後台 → 後臺 in one that writes 臺).

Valid is regional (see [`Tables::is_regional_standard`] and
[`Tables::vernacular_markers`]): a character some Traditional standard
writes where it stands (群, 台, 了; 晒 in written Cantonese) is no evidence
of damage, and in an undamaged document it changes only inside a phrase
that still holds a certain stray. A phrase that is a word as written (不准
beside 不準) stays. Phrase residue, a phrase written in no standard
(關系, 制作; 幹脆, a converter's default pick where the phrase needs 乾),
is repaired in any document that is not in a vernacular. A vernacular's
text keeps its own spellings even when damaged: a regional form valid in
Simplified too (台 in 上台) changes only inside a phrase written in no
standard and never into the character it is the form of, and a shared
character follows the document's spelling only where the document writes
the other character at least as often (Cantonese writes 系 and 係).

Toward Traditional, a candidate that has a Taiwan or Hong Kong form (裏 →
裡) takes that form when the document uses it and never the OpenCC one, so
a fix does not bring a second variant system into the text.
*/

use std::cell::{OnceCell, RefCell};
use std::collections::HashSet;
use std::sync::{Arc, LazyLock};

use super::chars::is_han;
use super::memo::{placed, LineEdit, LineMemo, StrayPlan};
use super::pairs::PairFilter;
use super::script::{Script, ScriptReport};
use super::tables::{CharHash, Tables, OUTSIDE, TABLES};
use super::{Edit, FixOptions, PlannedNote, Rule, VariantTarget};
use crate::convert::{builtin_dict, DictData};

/// Phrase dictionaries toward Traditional and toward Simplified, each with
/// the filter of its keys' leading pairs.
struct Phrases {
    to_traditional: Vec<(Arc<DictData>, PairFilter)>,
    to_simplified: Vec<(Arc<DictData>, PairFilter)>,
    /// The adjacent character pairs, in the source script, of the keys
    /// toward Traditional around each position a phrase may change (see
    /// [`changing_bigrams`]).
    changing_bigrams: HashSet<(char, char), CharHash>,
}

static PHRASES: LazyLock<Phrases> = LazyLock::new(|| {
    let load = |name: &str| {
        let dict =
            builtin_dict(name).unwrap_or_else(|| panic!("bundled dictionary {name} is missing"));
        let pairs = PairFilter::of(&dict);
        (dict, pairs)
    };
    let to_traditional = vec![
        load("STPhrases.txt"),
        load("STPhrases_GeneratedFromRegionalPhrases.txt"),
        modern_phrases(),
    ];
    Phrases {
        changing_bigrams: changing_bigrams(&to_traditional, &TABLES),
        to_traditional,
        to_simplified: vec![load("TSPhrases.txt")],
    }
});

/// Words newer than OpenCC's phrase dictionaries (手游 → 手遊), from the
/// fix stage's own list; like the regional supplement, they match only where
/// STPhrases would not cut inside them.
fn modern_phrases() -> (Arc<DictData>, PairFilter) {
    const MODERN_PHRASES: &str = include_str!("../../dictionaries/fix/ModernPhrases.txt");
    let dict = DictData::from_text(MODERN_PHRASES)
        .unwrap_or_else(|e| panic!("dictionaries/fix/ModernPhrases.txt does not parse: {e}"));
    let pairs = PairFilter::of(&dict);
    (Arc::new(dict), pairs)
}

/// For each key toward Traditional whose value has its length, the pairs
/// (key character, its neighbour) around every position `k` where the
/// phrase may change a written character: one whose default value differs
/// from the key's character, or whose key character has another
/// Traditional form than the value's (written 係 of 系 where the phrase
/// keeps 系). A phrase changes a character only at such a position, and
/// the forward matching reads keys over the source script, so a character
/// in none of these pairs with its neighbours is changed by no phrase.
fn changing_bigrams(
    dicts: &[(Arc<DictData>, PairFilter)],
    t: &Tables,
) -> HashSet<(char, char), CharHash> {
    let mut bigrams = HashSet::default();
    for (dict, _) in dicts {
        for (key, value) in dict.pairs() {
            let key: Vec<char> = key.chars().collect();
            if key.len() < 2 || value.chars().count() != key.len() {
                continue;
            }
            for (k, v) in value.chars().enumerate() {
                if v == key[k] && !t.has_other_traditional_form(key[k], v) {
                    continue;
                }
                if k > 0 {
                    bigrams.insert((key[k - 1], key[k]));
                }
                if k + 1 < key.len() {
                    bigrams.insert((key[k], key[k + 1]));
                }
            }
        }
    }
    bigrams
}

/// Whether character `i` of a line forms, with a neighbour and both in the
/// source script toward Traditional, a pair of [`changing_bigrams`].
fn in_changing_bigram(chars: &[(usize, char)], i: usize, t: &Tables) -> bool {
    let source = |j: usize| source_form(chars[j].1, true, t);
    let c = source(i);
    let bigrams = &PHRASES.changing_bigrams;
    i.checked_sub(1)
        .is_some_and(|j| bigrams.contains(&(source(j), c)))
        || (i + 1 < chars.len() && bigrams.contains(&(c, source(i + 1))))
}

/// Loads the phrase dictionaries if not loaded yet.
pub(super) fn prepare() {
    LazyLock::force(&PHRASES);
}

/// Plans the stray-glyph edits for `text`; lines planned before (with the
/// same target, damage and document counts) come from `memo`.
pub(super) fn stray(
    text: &str,
    options: &FixOptions,
    notes: &mut Vec<PlannedNote>,
    report: &ScriptReport,
    memo: &mut LineMemo,
) -> Vec<Edit> {
    // With a Taiwan or Hong Kong target, a character that is the target's
    // own form of its candidate (群 for 羣 in Taiwan) is no stray.
    let standard = match options.variants {
        Some(VariantTarget::Tw) => Some(false),
        Some(VariantTarget::Hk) => Some(true),
        Some(VariantTarget::Opencc) | None => None,
    };
    // In a short text, a line's regional forms (揾, 晒, 个) do not outvote
    // the Traditional-only characters beside it: they are valid there.
    let discounted;
    let report = match short_text_evidence(text, report) {
        Some(r) => {
            discounted = r;
            &discounted
        }
        None => report,
    };
    let document = CharCounts::of(text).with_han(report.counts.han);
    let (damaged_traditional, damaged_simplified) = damage(text, report, &document);
    let mut edits = Vec::new();
    for paragraph in &report.paragraphs {
        let line = &text[paragraph.range.clone()];
        let to_traditional = match report.target_for(paragraph) {
            Some(Script::Traditional) => true,
            Some(Script::Simplified) => false,
            Some(Script::Mixed | Script::Unknown) | None => continue,
        };
        let damaged = if to_traditional {
            damaged_traditional
        } else {
            damaged_simplified
        };
        // No character of the line needs a look (see `plan_line`): no
        // edit, known without planning.
        if paragraph.classes & (Tables::line_look_mask(to_traditional, damaged) | OUTSIDE) == 0 {
            continue;
        }
        let known = memo.stray(line, to_traditional, damaged).filter(|plan| {
            plan.reads.iter().all(|&(c, n)| document.count(c) == n)
                && plan.writes.iter().all(|&(m, w)| document.written(m) == w)
        });
        let planned;
        let line_edits = match known {
            Some(plan) => &plan.edits,
            None => {
                let first_read = document.reads.borrow().len();
                let first_verdict = document.verdicts.borrow().len();
                let line_edits = plan_line(line, to_traditional, damaged, standard, &document);
                let mut reads = document.reads.borrow()[first_read..].to_vec();
                reads.sort_unstable();
                reads.dedup();
                let mut writes = document.verdicts.borrow()[first_verdict..].to_vec();
                writes.sort_unstable();
                writes.dedup();
                memo.keep_stray(
                    line,
                    to_traditional,
                    damaged,
                    StrayPlan {
                        edits: line_edits.clone(),
                        reads,
                        writes,
                    },
                );
                planned = line_edits;
                &planned
            }
        };
        let other_script = if to_traditional {
            paragraph.counts.simplified_only
        } else {
            paragraph.counts.traditional_only
        };
        let noise = if other_script >= NOISE_BIGRAMS * 2 {
            noise_bigrams(line, paragraph.range.start, to_traditional)
        } else {
            Vec::new()
        };
        if options.enabled(Rule::StrayGlyph) {
            notes.extend(noise.iter().map(|range| PlannedNote {
                range: range.clone(),
                id: SCRIPT_NOISE,
                message: SCRIPT_NOISE_MESSAGE,
            }));
        }
        // A planned edit to the character it replaces stands for an
        // ambiguous one, reported rather than made (see `plan_line`).
        for edit in placed(line_edits, paragraph.range.start) {
            if noise
                .iter()
                .any(|n| n.start < edit.range.end && edit.range.start < n.end)
            {
                continue;
            }
            if text[edit.range.clone()] == *edit.to {
                if options.enabled(edit.rule) {
                    notes.push(PlannedNote {
                        range: edit.range,
                        id: AMBIGUOUS_GLYPH,
                        message: AMBIGUOUS_GLYPH_MESSAGE,
                    });
                }
            } else {
                edits.push(edit);
            }
        }
    }
    keep_names(text, &mut edits);
    edits
}

/// How many isolated other-script bigrams make a line's noise (see
/// [`noise_bigrams`]): one or two may be a quoted word.
const NOISE_BIGRAMS: usize = 3;

/// The note for a bigram of [`noise_bigrams`].
const SCRIPT_NOISE: &str = "script-noise";
const SCRIPT_NOISE_MESSAGE: &str = "two characters of the other script standing alone among several such pairs: may be anti-scraping noise (left as written)";

/// The byte ranges (in the text; the line starts at `start`) of the
/// isolated other-script bigrams of a line, if it holds at least
/// [`NOISE_BIGRAMS`] of them, else none. Such a bigram is a run of exactly
/// two Han characters between non-Han characters, both never valid in the
/// line's script (这们 in a Traditional line). A converter's strays sit
/// inside words; pairs standing alone, several to a line, are what some
/// sites insert against scraping. Fixing them would make the noise read as
/// text, so they are reported and left.
fn noise_bigrams(line: &str, start: usize, to_traditional: bool) -> Vec<std::ops::Range<usize>> {
    let t = &*TABLES;
    let other = |c: char| {
        if to_traditional {
            t.is_simplified_only(c)
        } else {
            t.is_traditional_only(c)
        }
    };
    let mut found = Vec::new();
    let mut run: Vec<(usize, char)> = Vec::new();
    let close = |run: &mut Vec<(usize, char)>, found: &mut Vec<std::ops::Range<usize>>| {
        if let [(a, x), (b, y)] = run[..] {
            if other(x) && other(y) {
                found.push(start + a..start + b + y.len_utf8());
            }
        }
        run.clear();
    };
    for (at, c) in line.char_indices() {
        if is_han(c) {
            run.push((at, c));
        } else {
            close(&mut run, &mut found);
        }
    }
    close(&mut run, &mut found);
    if found.len() < NOISE_BIGRAMS {
        found.clear();
    }
    found
}

/// The note for a character OpenCC's phrases write otherwise in a short
/// text that shows no other sign of conversion: it may be residue, or the
/// writer's word, and is left as written.
const AMBIGUOUS_GLYPH: &str = "ambiguous-glyph";
const AMBIGUOUS_GLYPH_MESSAGE: &str = "OpenCC's phrases write this character otherwise, but a short text with no other sign of conversion may mean it (left as written)";

/// For a short text (at most [`SHORT_TEXT`] Han characters), its script
/// report without the Simplified evidence of lines that write
/// Traditional-only characters and no Simplified one but those some
/// Traditional standard writes (see [`Tables::is_simplified_in_opencc_only`]),
/// if there are such lines: a Taiwanese sentence writing 一个剃頭 or a
/// Cantonese one writing 揾 beside 係 is Traditional, not Simplified with
/// strays; 有个色点 beside a stray 邊 is Simplified. A longer text's
/// majority is evidence enough.
fn short_text_evidence(text: &str, report: &ScriptReport) -> Option<ScriptReport> {
    if report.counts.han > SHORT_TEXT {
        return None;
    }
    let t = &*TABLES;
    report.discounting(text, |c| t.is_simplified_in_opencc_only(c))
}

/// Drops the edits made on ambiguous evidence (`stray-glyph-context`)
/// inside a name-like context (see [`super::names`]): a brand or a
/// person keeps the spelling chosen for it.
fn keep_names(text: &str, edits: &mut Vec<Edit>) {
    if !edits.iter().any(|e| e.rule == Rule::StrayGlyphContext) {
        return;
    }
    let context = edits.iter().filter(|e| e.rule == Rule::StrayGlyphContext);
    let names = super::names::name_spans_at(text, context.map(|e| e.range.start));
    if names.is_empty() {
        return;
    }
    edits.retain(|e| {
        e.rule != Rule::StrayGlyphContext
            || !names
                .iter()
                .any(|n| n.start < e.range.end && e.range.start < n.end)
    });
}

/// The stray-glyph edits of one line fixed toward Traditional (or
/// Simplified), as (offset in the line, length, new character, rule).
/// `document` counts characters in the whole text (and logs each read).
fn plan_line(
    line: &str,
    to_traditional: bool,
    damaged: bool,
    standard: Option<bool>,
    document: &CharCounts,
) -> Vec<LineEdit> {
    let plan = LinePlan {
        line,
        to_traditional,
        damaged,
        standard,
        document,
        t: &TABLES,
        mask: Tables::look_mask(to_traditional, damaged),
        line_counts: OnceCell::new(),
        vernacular_text: OnceCell::new(),
    };
    // Only characters that need a look can change, and only their phrase
    // candidates are read: the forward maximum matching runs from the line
    // start (its segmentation depends on that) up to the last of them, not
    // over the rest of the line.
    let Some(from_end) = line.chars().rev().position(|c| plan.needs_look(c)) else {
        return Vec::new();
    };
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let look: Vec<bool> = (0..chars.len()).map(|i| plan.looks_at(&chars, i)).collect();
    let Some(last) = look.iter().rposition(|&l| l) else {
        return Vec::new();
    };
    debug_assert!(last < chars.len() - from_end);
    let phrase = phrase_candidates(&chars, last + 1, &look, to_traditional, plan.t);
    let in_ids = inside_ids(line, &chars);
    // A character that needs no look takes none of the branches of
    // `edit_at` (a shared one only changes in a damaged document).
    (0..chars.len())
        .filter(|&i| look[i] && !in_ids[i])
        .filter_map(|i| plan.edit_at(&chars, &phrase, i))
        .collect()
}

/// One line's stray-glyph planning (see [`plan_line`]): the line, the
/// direction and the document's evidence, with what is worked out once
/// per line at most.
struct LinePlan<'l, 'd> {
    line: &'l str,
    to_traditional: bool,
    damaged: bool,
    standard: Option<bool>,
    /// Counts of the whole text (each read is logged).
    document: &'l CharCounts<'d>,
    t: &'static Tables,
    /// The classes of character that need a look (see
    /// [`Tables::look_mask`]).
    mask: u16,
    line_counts: OnceCell<CharCounts<'l>>,
    /// Whether the text is in a vernacular: asked once per line at most,
    /// it reads a dozen counts.
    vernacular_text: OnceCell<bool>,
}

/// What [`LinePlan::edit_at`] learnt about one character before choosing
/// its rule.
struct Glyph {
    c: char,
    unambiguous: bool,
    shared: bool,
    contextual: bool,
    mostly: bool,
    /// The phrase's character here and its verdict, when a phrase covers
    /// the character.
    verdict: Option<(char, Verdict)>,
    /// The phrase's character where the verdict lets it stand.
    candidate: Option<char>,
    /// The conversion's character for it alone.
    default: Option<char>,
    /// The regional form of its own target (群 of 羣).
    own_form: bool,
    /// A regional form (valid Traditional in some region), or the regional
    /// form of its own target.
    regional: bool,
}

impl LinePlan<'_, '_> {
    #[inline]
    fn in_vernacular(&self) -> bool {
        *self
            .vernacular_text
            .get_or_init(|| vernacular(self.document, self.t))
    }

    /// The characters that can change: strays always, shared characters
    /// that a phrase may change, and in a damaged document any shared
    /// character.
    #[inline(always)]
    fn needs_look(&self, c: char) -> bool {
        let t = self.t;
        // In an undamaged document, a regional character changes only in
        // a phrase with a certain stray, which it has none of.
        if self.to_traditional && !self.damaged && t.is_regional_shared(c) {
            return false;
        }
        // One table read; the sets answer above the table.
        if let Some(bits) = t.class_of(c) {
            return bits & self.mask != 0 || self.to_traditional && t.is_sibling(c);
        }
        if self.to_traditional {
            t.is_simplified_only(c)
                || t.is_contextual_to_traditional(c)
                || t.is_shared_to_traditional(c)
                || t.is_sibling(c)
        } else {
            t.is_traditional_only(c)
                || t.is_contextual_to_simplified(c)
                || self.damaged && t.is_shared_to_simplified(c)
        }
    }

    /// Whether character `i` needs a look. In an undamaged document toward
    /// Traditional, a shared character that s2t keeps by default (系, 面,
    /// 只) and a sibling (係, 乾) change only where a phrase gives them
    /// another character, and every such phrase holds the character beside
    /// a neighbour in one of the bigrams of `PHRASES.changing_bigrams`:
    /// elsewhere they need no look, which spares most lines of native text
    /// the phrase matching.
    #[inline(always)]
    fn looks_at(&self, chars: &[(usize, char)], i: usize) -> bool {
        let (t, c) = (self.t, chars[i].1);
        let phrase_only = || {
            self.to_traditional
                && !self.damaged
                && (t.is_shared_to_traditional(c) && !t.is_contextual_to_traditional(c)
                    || t.is_sibling(c))
        };
        self.needs_look(c) && (!phrase_only() || in_changing_bigram(chars, i, t))
    }

    /// What the tables and the phrase covering it say of character `i`.
    fn glyph(&self, chars: &[(usize, char)], phrase: &[Option<Candidate>], i: usize) -> Glyph {
        let (t, c) = (self.t, chars[i].1);
        let (unambiguous, shared, contextual, mostly, default) = if self.to_traditional {
            (
                t.is_simplified_only(c),
                t.is_shared_to_traditional(c),
                t.is_contextual_to_traditional(c),
                t.is_mostly_converted_to_traditional(c),
                t.s2t_default(c),
            )
        } else {
            (
                t.is_traditional_only(c),
                t.is_shared_to_simplified(c),
                t.is_contextual_to_simplified(c),
                t.is_mostly_converted_to_simplified(c),
                t.t2s_default(c),
            )
        };
        let verdict = phrase[i].map(|p| {
            let verdict = judge_phrase(chars, phrase, i, p, self.to_traditional, self.document, t);
            let within_word = self.to_traditional
                && matches!(verdict, Verdict::Converted { .. })
                && t.in_word_as_written(chars, i);
            (
                p.to,
                if within_word {
                    Verdict::AsWritten
                } else {
                    verdict
                },
            )
        });
        // A phrase that is a word as written keeps the character; one in a
        // regional spelling too, but in a damaged document, whose own
        // spelling decides (see the shared case of `edit_at`).
        let candidate = verdict.map(|(to, v)| match v {
            Verdict::AsWritten => c,
            Verdict::Regional if !self.damaged => c,
            Verdict::Regional | Verdict::Converted { .. } => to,
        });
        // A regional form counts as such toward its own standard character
        // only (群 of 羣; 么 is Taiwan's 幺, not 麼).
        let own_form = candidate
            .or(default)
            .is_some_and(|p| t.regional_forms(p).contains(&c));
        Glyph {
            c,
            unambiguous,
            shared,
            contextual,
            mostly,
            verdict,
            candidate,
            default,
            own_form,
            regional: t.is_regional_shared(c) || own_form,
        }
    }

    /// The edit of character `i`, if it is a stray here.
    fn edit_at(
        &self,
        chars: &[(usize, char)],
        phrase: &[Option<Candidate>],
        i: usize,
    ) -> Option<LineEdit> {
        let (t, (at, c)) = (self.t, chars[i]);
        let g = self.glyph(chars, phrase, i);
        if self.vernacular_keeps(&g) {
            return None;
        }
        let (rule, to) = self.rule_and_target(chars, i, &g)?;
        let mut to = to?;
        // A short text with no certain stray shows no sign of a converter.
        // A character that s2t changes by default (后, 准, 游) still says
        // so inside a phrase (之后, 精准, 旅游); one it keeps (系, 合, 注)
        // or a Traditional character beside its sibling (隻, 幾, 沖) is
        // what a writer writes too, and changes only inside phrase residue
        // that no standard writes (關系, 隻需), not wherever OpenCC's
        // phrases spell otherwise: 合眼, 注文, 娘親 are words as written,
        // and 個中, 呢隻好 straddle two words (一個中國, 呢隻 | 好).
        if self.to_traditional
            && !self.damaged
            && !g.unambiguous
            && !g.contextual
            && to != c
            && self.document.get(IS_SHORT) == 1
            && !t.in_short_text_residue(chars, i)
        {
            // Reported, not made: an edit to the same character.
            return Some((at, c.len_utf8(), c, rule));
        }
        if self.to_traditional {
            if let Some(hk) = self.standard {
                if t.standard_form(to, hk) == Some(c) {
                    return None;
                }
            }
            let line_counts = self.line_counts.get_or_init(|| CharCounts::of(self.line));
            to = follow_variants(to, c, [line_counts, self.document], t);
        }
        (to != c).then_some((at, c.len_utf8(), to, rule))
    }

    /// In a vernacular's text damaged by conversion, a regional form
    /// valid in Simplified too (台, 里) changes only inside a phrase
    /// written in no standard (占全 → 佔全), and never into the character
    /// it is the regional form of (台 of 臺, even in 上台演讲): such texts
    /// write 上台 and place names in 里 their own way, which the
    /// dictionary's regional spellings and the document's counts do not
    /// know.
    fn vernacular_keeps(&self, g: &Glyph) -> bool {
        let converted = matches!(g.verdict, Some((_, Verdict::Converted { .. })));
        self.to_traditional
            && self.damaged
            && g.shared
            && (g.own_form || g.regional && !converted)
            && self.in_vernacular()
    }

    /// The rule an edit of the character would be made under, and the
    /// character it would become (`None` when it stays); `None` when no
    /// rule applies to it.
    fn rule_and_target(
        &self,
        chars: &[(usize, char)],
        i: usize,
        g: &Glyph,
    ) -> Option<(Rule, Option<char>)> {
        let t = self.t;
        let c = g.c;
        // In a vernacular's text (written Cantonese or Taiwanese) the
        // dictionary does not know the words (干焦 "only", 家伙 "property"):
        // a shared character there is held to the regional rule.
        let sibling = self.to_traditional && t.is_sibling(c);
        // A vernacular's word (係 "is") is held in a text that may be in
        // that vernacular, damaged or not: the phrase around it may be a
        // word the dictionary does not know (係個 "is a").
        let held = self.to_traditional
            && (vernacular_form(c, self.document, t) && !t.in_vernacular_residue(chars, i)
                || !self.damaged
                    && (g.regional
                        || (g.contextual || g.shared || sibling) && self.in_vernacular())
                || vernacular_word(c, self.document, t));
        Some(if held {
            self.held_target(g)
        } else if g.unambiguous {
            // A phrase that keeps the character (倒霉 in STPhrases) says
            // it is right here: conversion writes it so.
            (Rule::StrayGlyph, g.candidate.or(g.default))
        } else if g.contextual {
            (Rule::StrayGlyphContext, self.contextual_target(g))
        } else if g.shared {
            (Rule::StrayGlyphContext, self.shared_target(g))
        } else if sibling {
            (Rule::StrayGlyphContext, self.sibling_target(chars, i, g))
        } else {
            return None;
        })
    }

    /// Valid Traditional in some region (群, 台, 晒, 了): it changes only
    /// inside a phrase that still holds a certain stray, which shows a
    /// converter passed the phrase by (里 in 这里 becomes 裡 or 裏 with 这
    /// → 這), never on its own.
    fn held_target(&self, g: &Glyph) -> (Rule, Option<char>) {
        let rule = if g.unambiguous {
            Rule::StrayGlyph
        } else {
            Rule::StrayGlyphContext
        };
        let visible = g
            .verdict
            .filter(|(_, v)| *v == Verdict::Converted { visible: true })
            .map(|(to, _)| to)
            .filter(|to| !self.t.regional_forms(*to).contains(&g.c));
        (rule, visible)
    }

    /// A character converted one way or another by context: the phrase's
    /// pick, else the usual one when conversion mostly makes it; when the
    /// dictionary is silent, in a damaged document, the document's own
    /// spelling decides (推荐 → 推薦 where the text writes 薦 more often
    /// than 荐).
    fn contextual_target(&self, g: &Glyph) -> Option<char> {
        match g.candidate {
            Some(p) => Some(p),
            None if g.mostly => g.default,
            None if self.damaged => g
                .default
                .filter(|d| self.document.get(*d) > self.document.get(g.c)),
            None => None,
        }
    }

    /// A character both scripts write. A phrase that exists in no
    /// Traditional standard as written (關系, 制作) is repaired wherever
    /// it stands, so in a damaged document too (fixing the fixed text
    /// again, with its strays gone, must change nothing more), but not in
    /// a vernacular's text, whose words the dictionary does not know (唔制
    /// 得過 is no 製); in a damaged document, a phrase also changes to
    /// agree with the document's own spelling elsewhere (後台 → 後臺 where
    /// it writes 臺). A vernacular's text mixes its own spellings (系 and
    /// 係, 伙 and 夥): there the document must write the phrase's
    /// character at least as often as this one.
    fn shared_target(&self, g: &Glyph) -> Option<char> {
        let counts = self.document;
        let residue = g
            .verdict
            .filter(|(p, v)| *p != g.c && matches!(v, Verdict::Converted { .. }))
            .filter(|_| self.to_traditional && !g.regional && !self.in_vernacular())
            .map(|(p, _)| p);
        let consistent = g
            .candidate
            .filter(|p| self.damaged && *p != g.c)
            .filter(|p| counts.get(*p) > 0)
            .filter(|p| !self.in_vernacular() || counts.get(*p) >= counts.get(g.c));
        residue.or(consistent)
    }

    /// A Traditional character where the phrase needs another one of the
    /// same Simplified character (幹脆 for 乾脆, 係統 for 系統, 沖突 for
    /// 衝突, 複歸 for 復歸): the pick of a converter that maps each
    /// character to its default (干 → 幹) or to another converter's (see
    /// [`Tables::is_converter_pick`]), repaired when the phrase as written
    /// exists in no standard and the character is not part of a word
    /// OpenCC writes so beside it (複查 in 來複查, which forward matching
    /// reads as 來復). Not another pick (併用 is a word in Taiwan), nor
    /// toward a regional form (控制檯 → 控制台 is a preference, not a
    /// repair), nor from a regional form to its OpenCC character (裡 of
    /// 裏), whatever else the phrase holds, nor in a vernacular's text
    /// (Cantonese 係好 is no 繫好).
    fn sibling_target(&self, chars: &[(usize, char)], i: usize, g: &Glyph) -> Option<char> {
        let t = self.t;
        let pick = !t.is_alternative_candidate(g.c) || t.is_converter_pick(g.c);
        g.verdict
            .filter(|(p, v)| *p != g.c && matches!(v, Verdict::Converted { .. }))
            .map(|(p, _)| p)
            .filter(|_| pick && !t.in_traditional_word(chars, i))
            .filter(|p| !(t.is_shared_to_traditional(*p) && t.is_regional_standard(*p)))
            .filter(|p| !t.regional_forms(*p).contains(&g.c))
            .filter(|_| !self.in_vernacular())
    }
}

/// Whether `c` is valid Traditional in some region where it stands (see
/// [`Tables::is_regional_standard`]): always for a regional form, and for a
/// vernacular's character (晒, 个) in a document that writes that
/// vernacular's markers (嘅, 佇).
fn regional_standard(c: char, document: &CharCounts, t: &Tables) -> bool {
    t.is_regional_standard(c) || vernacular_form(c, document, t)
}

/// Whether `c` is a vernacular's character (晒, 个) in a document that
/// writes that vernacular's markers (嘅, 佇), or in one that may be in
/// that vernacular ([`maybe_vernacular`]).
fn vernacular_form(c: char, document: &CharCounts, t: &Tables) -> bool {
    t.vernacular_markers(c)
        .any(|markers| document.writes(markers))
        || t.uncertain_vernaculars(c, true)
            .any(|(markers, mandarin)| maybe_vernacular(markers, mandarin, document))
}

/// Whether `c` is a word of its own of a vernacular (係 "is" in Cantonese)
/// in a document that may be in that vernacular ([`maybe_vernacular`]).
fn vernacular_word(c: char, document: &CharCounts, t: &Tables) -> bool {
    t.uncertain_vernaculars(c, false)
        .any(|(markers, mandarin)| maybe_vernacular(markers, mandarin, document))
}

/// Whether the document may be in the vernacular of `markers`, though it
/// writes fewer of them than [`vernacular`] asks: it is short (at most
/// [`SHORT_TEXT`] Han characters) and writes one, or none of the Mandarin
/// characters (`mandarin`) the vernacular writes otherwise. A one-sentence
/// document (我外太公係個滿人。) gives too little text to tell; a longer
/// one in a vernacular writes its markers.
fn maybe_vernacular(markers: &str, mandarin: &str, document: &CharCounts) -> bool {
    let writes_any = |chars: &str| chars.chars().any(|m| document.get(m) > 0);
    document.get(IS_SHORT) == 1 && (writes_any(markers) || !writes_any(mandarin))
}

/// A text of at most this many Han characters (two or three sentences)
/// is too short to tell a vernacular from Mandarin by its markers.
const SHORT_TEXT: usize = 100;

/// Stands, in [`CharCounts::get`], for "the text has at most
/// [`SHORT_TEXT`] Han characters" (1 or 0; no text is counted for NUL): a
/// line plan that depended on it is reused for a text as short or as
/// long. It is the answer, not the length, that a plan depends on: strip
/// passes change a long text's length without changing the answer.
const IS_SHORT: char = '\0';

/// Whether the document is written in a vernacular (Cantonese, Taiwanese):
/// it writes [`super::tables::VERNACULAR_MARKERS`] of one's markers.
fn vernacular(document: &CharCounts, t: &Tables) -> bool {
    t.vernaculars().any(|markers| document.writes(markers))
}

/// What a phrase of the dictionary says about the phrase as written at its
/// place in a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Right as written in some standard: a word in its own right (不准
    /// beside 不準, 游動).
    AsWritten,
    /// The dictionary's phrase in a regional spelling (後台 for 後臺, 社群
    /// for 社羣): right as written, unless the document itself spells it
    /// otherwise.
    Regional,
    /// Written in no standard: what a converter leaves when it maps
    /// character by character (關系 for 關係). `visible` when the phrase
    /// itself still holds a certain stray (回归), so that it certainly is
    /// a converter's work and no word of some region.
    Converted { visible: bool },
}

/// Judges the phrase that covers character `i` of a line (`p` is its
/// candidate there; `phrase` holds the candidates of the whole line).
fn judge_phrase(
    chars: &[(usize, char)],
    phrase: &[Option<Candidate>],
    i: usize,
    p: Candidate,
    to_traditional: bool,
    document: &CharCounts,
    t: &Tables,
) -> Verdict {
    let span = p.span(i);
    let written = || chars[span.clone()].iter().map(|&(_, c)| c);
    let value = || span.clone().map(|j| phrase[j].map_or(chars[j].1, |q| q.to));
    if written().eq(value()) {
        return Verdict::AsWritten;
    }
    if to_traditional {
        let mut buf = [0u8; 4];
        let mut word = String::with_capacity(4 * span.len());
        for c in written() {
            word.push_str(c.encode_utf8(&mut buf));
        }
        if t.is_word_as_written(&word) {
            return Verdict::AsWritten;
        }
        let regional_spelling = written()
            .zip(value())
            .all(|(w, v)| w == v || t.regional_forms(v).contains(&w));
        if regional_spelling {
            return Verdict::Regional;
        }
        Verdict::Converted {
            visible: written()
                .any(|c| t.is_simplified_only(c) && !regional_standard(c, document, t)),
        }
    } else {
        Verdict::Converted {
            visible: written().any(|c| t.is_traditional_only(c)),
        }
    }
}

/// Whether the lines of `text` fixed toward Traditional (first) and
/// toward Simplified (second) show conversion damage: at least one
/// character never valid in their script (a certain stray such as 开 in a
/// Traditional line).
///
/// A Hong Kong or Taiwan standard form is valid Traditional there, though
/// OpenCC's tables count it Simplified only (群 of 羣, 床 of 牀): Taiwan
/// prose, and every text converted with `t2tw` or `t2hk`, holds such
/// forms without any damage. They are no evidence of it, so they alone do
/// not open the damaged-document rules to the whole text (they are still
/// strays to fix, see [`follow_variants`]).
///
/// `document` counts the characters of `text` (shared with the planning
/// that follows, so that a count is searched for once).
fn damage(text: &str, report: &ScriptReport, document: &CharCounts) -> (bool, bool) {
    let t = &*TABLES;
    let (mut traditional, mut simplified) = (false, false);
    for paragraph in &report.paragraphs {
        match report.target_for(paragraph) {
            Some(Script::Traditional) if !traditional && paragraph.counts.simplified_only > 0 => {
                traditional = text[paragraph.range.clone()]
                    .chars()
                    .any(|c| t.is_simplified_only(c) && !regional_standard(c, document, t));
            }
            Some(Script::Simplified) => simplified |= paragraph.counts.traditional_only > 0,
            _ => {}
        }
    }
    (traditional, simplified)
}

/// What a multi-character phrase gives one character of a line: the
/// character `to`, and where the phrase lies around it (`at` characters
/// before it, `len` characters long), so that the phrase as written can be
/// judged as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Candidate {
    to: char,
    at: u8,
    len: u8,
}

impl Candidate {
    /// The character indices of the phrase, for the character at `i`.
    fn span(self, i: usize) -> std::ops::Range<usize> {
        let start = i - usize::from(self.at);
        start..start + usize::from(self.len)
    }
}

/// For each character of a line, the character a multi-character phrase
/// gives it (in the target script), if a phrase covers it; exact for the
/// characters before `limit` that `look` marks (other characters may lack
/// a candidate).
///
/// The forward maximum matching runs from the line start, but a character
/// that occurs in no key (most punctuation) ends every segment before it
/// and starts a new one after it: no key can span it. So the line falls
/// into clauses that segment independently, and only clauses holding a
/// marked character are matched (about a third of a line's clauses). A
/// clause is found from a marked character, back and forth to the nearest
/// keyless characters, so the rest of the line is never brought into the
/// source script nor tested.
fn phrase_candidates(
    chars: &[(usize, char)],
    limit: usize,
    look: &[bool],
    to_traditional: bool,
    t: &Tables,
) -> Vec<Option<Candidate>> {
    let phrases = phrases_toward(to_traditional);
    let normalize = |c: char| source_form(c, to_traditional, t);
    let keyless = |n: char| phrases.iter().all(|(d, _)| !d.key_chars().contains(n));
    let mut out = vec![None; chars.len()];
    let mut source = String::new();
    let mut offsets = Vec::new();
    let mut normalized = Vec::new();
    // Characters before `done` are in clauses already matched, or are
    // the keyless character after one.
    let mut done = 0;
    for p in 0..limit {
        if p < done || !look[p] {
            continue;
        }
        // A marked character in no key is a clause boundary itself.
        let first = normalize(chars[p].1);
        if keyless(first) {
            done = p + 1;
            continue;
        }
        let start = (done..p)
            .rev()
            .find(|&j| keyless(normalize(chars[j].1)))
            .map_or(done, |j| j + 1);
        source.clear();
        offsets.clear();
        normalized.clear();
        let mut end = chars.len();
        for (j, &(_, c)) in chars.iter().enumerate().skip(start) {
            let n = if j == p { first } else { normalize(c) };
            if j > p && keyless(n) {
                end = j;
                break;
            }
            offsets.push(source.len());
            source.push(n);
            normalized.push(n);
        }
        let clause = &chars[start..end];
        let out = &mut out[start..end];
        let mut i = 0;
        while i < limit.min(end) - start {
            i = match match_at(phrases, &source, &offsets, &normalized, clause, i, out) {
                Some(next) => next,
                None => i + 1,
            };
        }
        done = end + 1;
    }
    out
}

/// The phrase dictionaries, with their filters, that convert toward
/// Traditional (or Simplified).
fn phrases_toward(to_traditional: bool) -> &'static [(Arc<DictData>, PairFilter)] {
    if to_traditional {
        &PHRASES.to_traditional
    } else {
        &PHRASES.to_simplified
    }
}

/// `c` brought into the source script of a fix toward Traditional (its
/// TSCharacters default) or toward Simplified (its STCharacters default).
fn source_form(c: char, to_traditional: bool, t: &Tables) -> char {
    if to_traditional {
        t.t2s_default(c)
    } else {
        t.s2t_default(c)
    }
    .unwrap_or(c)
}

/// One step of the forward maximum matching at character `i`: the
/// position after the phrase there (its candidates written to `out`), or
/// `None` when no phrase of two or more characters starts there.
fn match_at(
    phrases: &[(Arc<DictData>, PairFilter)],
    source: &str,
    offsets: &[usize],
    normalized: &[char],
    chars: &[(usize, char)],
    i: usize,
    out: &mut [Option<Candidate>],
) -> Option<usize> {
    if !is_han(chars[i].1) {
        return None;
    }
    let rest = &source[offsets[i]..];
    let (len, value) = phrase_at(phrases, source, offsets, normalized, i)?;
    let key_chars = rest[..len].chars().count();
    // Keys are far shorter than 256 characters (a longer one gives no
    // candidates rather than wrong ones).
    let len = u8::try_from(key_chars).ok();
    if let (Some(len), true) = (len, value.chars().count() == key_chars) {
        for (k, to) in value.chars().enumerate() {
            let at = k as u8;
            out[i + k] = Some(Candidate { to, at, len });
        }
    }
    Some(i + key_chars)
}

/// The multi-character phrase at character `i` of `source`: (key length in
/// bytes, value). The first dictionary segments, as OpenCC's segmentation
/// does with STPhrases; a later one (the generated regional phrases) may
/// only match where the first would not cut inside its match.
fn phrase_at<'d>(
    phrases: &'d [(Arc<DictData>, PairFilter)],
    source: &str,
    offsets: &[usize],
    chars: &[char],
    i: usize,
) -> Option<(usize, &'d str)> {
    let multi = |(d, pairs): &'d (Arc<DictData>, PairFilter), at: usize| {
        // Most positions begin no key of two or more characters: a bitmap
        // read instead of a walk.
        let next = chars.get(at + 1)?;
        if !d.starts_key(chars[at]) || !pairs.may_begin(chars[at], *next) {
            return None;
        }
        let rest = &source[offsets[at]..];
        d.longest_prefix(rest)
            .filter(|(len, _)| rest[..*len].chars().nth(1).is_some())
    };
    let (first, others) = phrases.split_first()?;
    if let Some(hit) = multi(first, i) {
        return Some(hit);
    }
    for d in others {
        if let Some((len, value)) = multi(d, i) {
            let n = source[offsets[i]..offsets[i] + len].chars().count();
            if (i + 1..i + n).all(|j| multi(first, j).is_none()) {
                return Some((len, value));
            }
        }
    }
    None
}

/// How often characters occur in a text, counted on demand: a fix asks
/// about a few characters (a stray, its candidate, their regional forms),
/// so each is counted once by a byte search over the text (UTF-8 is
/// self-synchronizing: a character's encoding occurs only where the
/// character does) instead of tallying every character of the text.
struct CharCounts<'a> {
    text: &'a str,
    /// Han characters of the text, which [`IS_SHORT`] compares.
    han: usize,
    known: RefCell<Vec<(char, usize)>>,
    /// Every answer given, in order: what a line's plan depended on.
    reads: RefCell<Vec<(char, usize)>>,
    /// Whether the text writes a vernacular's markers, per marker list
    /// asked about.
    written: RefCell<Vec<(&'static str, bool)>>,
    /// Every such verdict given, in order: a plan depends on the verdict,
    /// not on each marker's count (a dozen counts that would each have to
    /// be checked again before the plan is reused).
    verdicts: RefCell<Vec<(&'static str, bool)>>,
}

impl<'a> CharCounts<'a> {
    fn of(text: &'a str) -> Self {
        Self {
            text,
            han: 0,
            known: RefCell::new(Vec::new()),
            reads: RefCell::new(Vec::new()),
            written: RefCell::new(Vec::new()),
            verdicts: RefCell::new(Vec::new()),
        }
    }

    /// Whether the text writes [`super::tables::VERNACULAR_MARKERS`] of
    /// `markers` (a vernacular's marker characters); logged as what a plan
    /// depends on.
    fn writes(&self, markers: &'static str) -> bool {
        let w = self.written(markers);
        self.verdicts.borrow_mut().push((markers, w));
        w
    }

    /// [`CharCounts::writes`] without the log.
    fn written(&self, markers: &'static str) -> bool {
        if let Some(&(_, w)) = self.written.borrow().iter().find(|(m, _)| *m == markers) {
            return w;
        }
        let n: usize = markers.chars().map(|m| self.count(m)).sum();
        let w = n >= super::tables::VERNACULAR_MARKERS;
        self.written.borrow_mut().push((markers, w));
        w
    }

    fn get(&self, c: char) -> usize {
        let n = self.count(c);
        self.reads.borrow_mut().push((c, n));
        n
    }

    /// The counts of a text of `han` Han characters (see [`IS_SHORT`]).
    fn with_han(self, han: usize) -> Self {
        Self { han, ..self }
    }

    fn count(&self, c: char) -> usize {
        if c == IS_SHORT {
            return usize::from(self.han <= SHORT_TEXT);
        }
        if let Some(&(_, n)) = self.known.borrow().iter().find(|(k, _)| *k == c) {
            return n;
        }
        let mut buf = [0u8; 4];
        let needle = c.encode_utf8(&mut buf).as_bytes();
        let n = if needle.len() == 1 {
            memchr::memchr_iter(needle[0], self.text.as_bytes()).count()
        } else {
            memchr::memmem::find_iter(self.text.as_bytes(), needle).count()
        };
        self.known.borrow_mut().push((c, n));
        n
    }
}

/// The candidate `c` (replacing `stray`), or its Hong Kong / Taiwan form
/// when the text writes that form: the line decides if it uses either,
/// else the document, by count (ties keep `c`). The stray itself may be
/// that form (HK writes 户 for 戶); it counts for the form only when the
/// text uses the form at least twice and `c` never, so that a single
/// stray 户 in a text that writes 戶 elsewhere, or nowhere, becomes 戶.
fn follow_variants(c: char, stray: char, scopes: [&CharCounts; 2], t: &Tables) -> char {
    let forms = t.regional_forms(c);
    if forms.is_empty() {
        return c;
    }
    for scope in scopes {
        let own = scope.get(c);
        let best = forms
            .iter()
            .map(|f| (scope.get(*f), *f))
            .filter(|(n, f)| *f != stray || (*n >= 2 && own == 0))
            .max();
        match best {
            Some((n, f)) if n > own => return f,
            _ if own > 0 => return c,
            _ => {}
        }
    }
    c
}

/// Which characters of `line` are inside a complete ideographic
/// description sequence (⿰木木): they describe a glyph's parts, and
/// conversion copies them unchanged as OpenCC does, so fixing them would
/// make the next run's conversion see different text.
fn inside_ids(line: &str, chars: &[(usize, char)]) -> Vec<bool> {
    let mut inside = vec![false; chars.len()];
    if !crate::convert::engine::contains_ids_operator(line) {
        return inside;
    }
    let mut i = 0;
    while i < chars.len() {
        match crate::convert::engine::ids_len(&line[chars[i].0..]) {
            Some(len) => {
                let end = chars[i].0 + len;
                while i < chars.len() && chars[i].0 < end {
                    inside[i] = true;
                    i += 1;
                }
            }
            None => i += 1,
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::super::{FixOptions, Fixer};

    fn fix(text: &str) -> String {
        Fixer::new(FixOptions::default())
            .fix(text)
            .text
            .into_owned()
    }

    #[test]
    fn unambiguous_glyphs_are_always_fixed() {
        let cases = [
            // Traditional text with Simplified strays.
            ("他們離开了會場，展开全文。", "他們離開了會場，展開全文。"),
            (
                "這場战爭的帳目，賬上的錢與账戶。",
                "這場戰爭的帳目，賬上的錢與賬戶。",
            ),
            ("全量上线後，這條線", "全量上線後，這條線"),
            // Simplified text with Traditional strays.
            ("我们这些人說这個问题", "我们这些人说这个问题"),
            ("這是他们的书，他们说了", "这是他们的书，他们说了"),
        ];
        for (input, expected) in cases {
            assert_eq!(fix(input), expected, "{input}");
        }
    }

    #[test]
    fn candidates_are_chosen_by_phrase() {
        // 发 has two Traditional candidates: 發 and 髮.
        assert_eq!(fix("這個開发團隊，頭发很長。"), "這個開發團隊，頭髮很長。");
    }

    #[test]
    fn shared_glyphs_change_only_inside_a_phrase() {
        let cases = [
            (
                "這是標准，精准卡點，那么說，意愿。",
                "這是標準，精準卡點，那麼說，意願。",
            ),
            // Correct Traditional text with shared characters stays.
            (
                "他們在台灣的平台上，擺上了台面，周末鄰里范先生。",
                "他們在台灣的平台上，擺上了台面，周末鄰里范先生。",
            ),
            ("這個准許後來", "這個准許後來"),
        ];
        for (input, expected) in cases {
            assert_eq!(fix(input), expected, "{input}");
        }
    }

    #[test]
    fn mostly_converted_shared_glyphs_take_their_default() {
        // 挂 → 掛 even where no phrase covers it; 於 → 于 in Simplified.
        assert_eq!(fix("他們把它挂載到這裡。"), "他們把它掛載到這裡。");
        assert_eq!(fix("我们在这里於是说话了"), "我们在这里于是说话了");
        // 准 is not: outside a phrase it stays (准許 is correct).
        assert_eq!(fix("他們說這准了。"), "他們說這准了。");
    }

    #[test]
    fn a_targets_own_form_is_no_stray() {
        use super::super::VariantTarget;
        // 群 is the Taiwan form of OpenCC's 羣: kept with a Taiwan target.
        let text = "這個社群與們說";
        let tw = FixOptions::default().variants(Some(VariantTarget::Tw));
        let fixed = Fixer::new(tw).fix(text);
        assert_eq!(fixed.text, text);
        assert!(fixed.changes.is_empty(), "{:?}", fixed.changes);
    }

    #[test]
    fn other_shared_glyphs_follow_the_spelling_of_a_damaged_document() {
        // Without a certain stray, 周末 stays even where 週末 is written too.
        assert_eq!(fix("他們說這個周末。"), "他們說這個周末。");
        assert_eq!(
            fix("他們說這個週末與那個周末。"),
            "他們說這個週末與那個周末。"
        );
        assert_eq!(fix("這是後台與後臺、舞臺"), "這是後台與後臺、舞臺");
        // With one (开), the document's own spelling decides.
        assert_eq!(
            fix("他們展开這個週末與那個周末。"),
            "他們展開這個週末與那個週末。"
        );
        assert_eq!(fix("這是後台與舞臺，展开"), "這是後臺與舞臺，展開");
        // Nothing to agree with: 後台 and 平台 stay.
        assert_eq!(fix("這是後台與平台，展开"), "這是後台與平台，展開");
    }

    /// Forward maximum matching over the whole line from its start, with
    /// no clause logic: what [`super::phrase_candidates`] must give at
    /// every marked character before the limit.
    fn whole_line_candidates(
        chars: &[(usize, char)],
        to_traditional: bool,
    ) -> Vec<Option<super::Candidate>> {
        let t = &*super::TABLES;
        let normalized: Vec<char> = chars
            .iter()
            .map(|&(_, c)| super::source_form(c, to_traditional, t))
            .collect();
        let source: String = normalized.iter().collect();
        let offsets: Vec<usize> = source.char_indices().map(|(at, _)| at).collect();
        let phrases = super::phrases_toward(to_traditional);
        let mut out = vec![None; chars.len()];
        let mut i = 0;
        while i < chars.len() {
            i = super::match_at(phrases, &source, &offsets, &normalized, chars, i, &mut out)
                .unwrap_or(i + 1);
        }
        out
    }

    #[test]
    fn clause_by_clause_matching_equals_matching_the_whole_line() {
        let t = &*super::TABLES;
        // Characters that begin, continue and end phrases of both tables
        // (标准, 開發, 頭髮, 周末, 关系), characters in no key, punctuation.
        let alphabet: Vec<char> =
            "标准準開开发發髮頭头周週末关系係這这个個里裡裏面麵后後台臺干乾幹只隻，。、 a1「」"
                .chars()
                .collect();
        let mut state = 0x2545_F491_4F6C_DD1D;
        for round in 0..3000 {
            let len = 1 + round % 40;
            let line = crate::test_text::random_text(&alphabet, len, &mut state);
            let chars: Vec<(usize, char)> = line.char_indices().collect();
            for to_traditional in [true, false] {
                let whole = whole_line_candidates(&chars, to_traditional);
                // Mark a pseudo-random subset; the limit is just after the
                // last marked character, as `plan_line` sets it.
                let look: Vec<bool> = (0..chars.len())
                    .map(|i| (state >> (i % 60)) & 1 == 1)
                    .collect();
                let Some(last) = look.iter().rposition(|&l| l) else {
                    continue;
                };
                let got = super::phrase_candidates(&chars, last + 1, &look, to_traditional, t);
                for i in (0..=last).filter(|&i| look[i]) {
                    assert_eq!(got[i], whole[i], "{line:?} at {i} ({to_traditional})");
                }
            }
        }
    }

    #[test]
    fn regional_forms_are_no_damage() {
        // 群 is the Taiwan form of 羣: Taiwan text, and any text converted
        // with t2tw, writes it. Alone it leaves 後台 (and, written twice,
        // itself: see `follow_variants`).
        let taiwan = "他們的社群與群組說這是後台與舞臺。";
        assert_eq!(fix(taiwan), taiwan);
        // A certain stray (开) still makes the document damaged.
        assert_eq!(
            fix("他們的社群與群組展开，說這是後台與舞臺。"),
            "他們的社群與群組展開，說這是後臺與舞臺。"
        );
    }

    #[test]
    fn outside_phrases_a_damaged_document_decides_by_its_spelling() {
        // 荐 → 薦 by default in s2t, but no phrase says so around 推荐.
        let undamaged = "我們推薦這個，推薦那個，也推荐它。";
        assert_eq!(fix(undamaged), undamaged);
        assert_eq!(
            fix("我們推薦這個，推薦那個，也推荐它，展开。"),
            "我們推薦這個，推薦那個，也推薦它，展開。"
        );
        // As many 荐 as 薦, or no 準 at all: the text's spelling is unclear.
        assert_eq!(
            fix("他們推荐這個，展开，推薦那個，推荐它。"),
            "他們推荐這個，展開，推薦那個，推荐它。"
        );
        assert_eq!(fix("他們說這准了，展开。"), "他們說這准了，展開。");
    }

    #[test]
    fn fixes_follow_the_documents_variants() {
        assert_eq!(
            fix("這裡很好。我們在这里說話。"),
            "這裡很好。我們在這裡說話。"
        );
        assert_eq!(
            fix("這裏很好。我們在这里說話。"),
            "這裏很好。我們在這裏說話。"
        );
    }

    #[test]
    fn phrase_residue_is_repaired_without_other_damage() {
        // Traditional text with no certain stray: each phrase exists in no
        // Traditional standard as written, its repaired form does.
        let cases = [
            ("他們的關系很好。", "他們的關係很好。"),
            ("這個影片的制作過程。", "這個影片的製作過程。"),
            ("請先注冊帳號。", "請先註冊帳號。"),
            ("查看系統日志檔案。", "查看系統日誌檔案。"),
            ("雙方發生冲突。", "雙方發生衝突。"),
            ("他們幹脆不來了。", "他們乾脆不來了。"),
            ("這些木制品很貴。", "這些木製品很貴。"),
            ("今年的收獲很多。", "今年的收穫很多。"),
            ("這是標准做法。", "這是標準做法。"),
            // Another converter's pick of 冲, 系, 复, 只.
            ("雙方發生沖突。", "雙方發生衝突。"),
            ("這個係統很好。", "這個系統很好。"),
            ("他們複歸原位。", "他們復歸原位。"),
            ("定義好參數後，隻需要調用。", "定義好參數後，只需要調用。"),
            // Words newer than STPhrases.
            ("這款手游的體驗。", "這款手遊的體驗。"),
        ];
        for (input, expected) in cases {
            assert_eq!(fix(input), expected, "{input}");
        }
    }

    #[test]
    fn words_right_as_written_stay() {
        let cases = [
            // Words in their own right, though STPhrases converts them.
            "這裡不准停車。",
            "魚在水裡游動，他們去游泳。",
            "這條路長三公里，皇后像。",
            // Regional standard forms, Taiwan and Hong Kong.
            "台灣的平台，後台與舞台。",
            "這個社群們說的床，這個秘密們說在山峰上，這個白痴們說。",
            "這裡和這裏都對，說着話。",
            "他才來，我們了解這個周末的借口。",
            "香港回歸，注意，占有，出來，核心，搜尋。",
            "台灣的蒙古人，盡量來。",
        ];
        for text in cases {
            assert_eq!(fix(text), text);
        }
    }

    #[test]
    fn written_cantonese_stays() {
        let cases = [
            "佢哋食晒啲嘢，吓？你講乜嘢，佢哋點樣講。",
            "我揾咗好耐，佢喺度亂晒龍。",
            "佢唔係好人嚟，我响屋企等你。",
            "呢間舖頭嘅糯米糍好食，兩厘米咁長。",
            // 係 "is" beside particles only Cantonese writes (嚟, 㗎).
            "我其實係個好人嚟架，我都有同情心㗎",
            "我哋香港呢，係好正㗎！",
        ];
        for text in cases {
            assert_eq!(fix(text), text);
        }
    }

    /// A one-sentence document gives too little text to tell Cantonese or
    /// Taiwanese from Mandarin: a character the vernacular writes where
    /// it stands stays; a phrase wrong in every standard still changes.
    #[test]
    fn one_sentence_documents_keep_what_a_vernacular_writes() {
        let stay = [
            "我外太公係個滿人。",
            "而家係朝早七點幾喇",
            "呢部火車係六十年代嘅產物。",
            "有好多字根係要死背",
            "八十幾歲仲咸咸濕濕",
            "我真係好鍾意呢份禮物呀",
            "佢不單只好小氣，仲好小家。",
            "我敦請管理層盡快執行改革。",
            "米飯同粉麵都一樣咁飽肚。",
            "伊干焦好看爾爾，無啥物底蒂。",
            "𪜶兩个兄弟仔為著拚生理。",
            "伊無欲來，阮顛倒較歡喜。",
        ];
        for text in stay {
            assert_eq!(fix(text), text);
        }
        let change = [
            // Mandarin says so (這, 們): the residue and the stray go.
            ("這個係統很好。", "這個系統很好。"),
            ("他說這是一个問題。", "他說這是一個問題。"),
            // Wrong in every standard, Cantonese too.
            ("請先注冊帳號。", "請先註冊帳號。"),
            // A phrase that still holds a certain stray (统).
            ("呢個係统好用。", "呢個系統好用。"),
        ];
        for (input, expected) in change {
            assert_eq!(fix(input), expected, "{input}");
        }
    }

    /// A short text with no certain stray: a Traditional character that
    /// s2t keeps by default, or one beside its sibling, is what a writer
    /// writes, and changes only inside phrase residue; each pair both ways.
    #[test]
    fn short_texts_keep_what_a_writer_writes() {
        let stay = [
            "他閉上眼睛，合眼休息。",
            "他們吃一碗伊面。",
            "他寫的注文。",
            "用音標注明讀音。",
            "這些娘親們。",
            "我隻狗好乖。",
            "浪沖上岸。",
            "他並為此道歉。",
            "你講的準算。",
            "海邊有大湧。",
            "這份批復文件。",
        ];
        for text in stay {
            let fixed = Fixer::new(FixOptions::default()).fix(text);
            assert_eq!(fixed.text, text);
            assert!(
                fixed.notes.iter().any(|n| n.id == "ambiguous-glyph"),
                "{text}: no note"
            );
        }
        let change = [
            ("他們的關系很好。", "他們的關係很好。"),
            ("請先注冊帳號。", "請先註冊帳號。"),
            ("這個影片的制作過程。", "這個影片的製作過程。"),
            ("定義好參數後，隻需要調用。", "定義好參數後，只需要調用。"),
            ("雙方發生沖突。", "雙方發生衝突。"),
            ("他們複歸原位。", "他們復歸原位。"),
            ("他們幹脆不來了。", "他們乾脆不來了。"),
            // s2t changes 后 and 准 by default: inside a phrase they change.
            ("我們之后再說。", "我們之後再說。"),
            ("這是標准做法。", "這是標準做法。"),
        ];
        for (input, expected) in change {
            assert_eq!(fix(input), expected, "{input}");
        }
    }

    /// Isolated other-script bigrams, several to a line, are reported and
    /// left; a stray inside a word beside them is still fixed.
    #[test]
    fn isolated_other_script_bigrams_are_noise() {
        let text = "他們說這個問題很重要 这们 我們再說一次 说对 今天開會 还进 結束了开会";
        let fixed = Fixer::new(FixOptions::default()).fix(text);
        assert_eq!(
            fixed.text,
            "他們說這個問題很重要 这们 我們再說一次 说对 今天開會 还进 結束了開會"
        );
        let noise: Vec<&str> = fixed
            .notes
            .iter()
            .filter(|n| n.id == "script-noise")
            .map(|n| &*n.text)
            .collect();
        assert_eq!(noise, ["这们", "说对", "还进"]);
        // Two such pairs are no noise: they are fixed.
        assert_eq!(
            fix("他們說這個問題很重要 这个 我們再說一次 说话 今天開會"),
            "他們說這個問題很重要 這個 我們再說一次 說話 今天開會"
        );
    }

    /// In a short text, a regional form or a vernacular's character (揾,
    /// 晒, 个) does not outvote the Traditional-only characters beside it;
    /// Simplified characters still do.
    #[test]
    fn regional_forms_do_not_make_a_short_line_simplified() {
        for text in [
            "我揾晒成間屋。",
            "一个囡仔，一个頭家。",
            "伊食一个糍，閣一个。",
        ] {
            assert_eq!(fix(text), text);
        }
        assert_eq!(fix("这些人们说一个時候"), "这些人们说一个时候");
        // Beside a Simplified character no standard writes (点), 个 and 响
        // are Simplified text's own: the line stays Simplified.
        assert_eq!(
            fix("屏幕上有个色点，在上方邊框，不影响使用"),
            "屏幕上有个色点，在上方边框，不影响使用"
        );
    }

    #[test]
    fn cantonese_keeps_its_own_spellings_beside_a_stray() {
        // 响 "at" stays; inside 影响 it is a converter's leftover.
        assert_eq!(
            fix("佢哋响度等緊，呢個對嗰個國家嘅影响好大。"),
            "佢哋响度等緊，呢個對嗰個國家嘅影響好大。"
        );
        // A damaged Cantonese text (这): 上台 and 咸濕 are its own.
        assert_eq!(
            fix("佢哋話佢呢個禮拜上台演讲，嗰個係咸咸濕濕嘅人。"),
            "佢哋話佢呢個禮拜上台演講，嗰個係咸咸濕濕嘅人。"
        );
    }

    #[test]
    fn words_as_written_hold_against_the_forward_match() {
        let cases = [
            "這只有一個檔案，支援並發的程式。",
            "把它想象成一棵樹，八進位制表示。",
            // Words OpenCC writes so (複查), and another pick (併用).
            "用這個指令來複查，vim 併用 apt。",
        ];
        for text in cases {
            assert_eq!(fix(text), text);
        }
    }

    #[test]
    fn written_taiwanese_stays() {
        let text = "伊佇庄跤食一个餅，毋通講，伊干焦會曉。";
        assert_eq!(fix(text), text);
        // Outside a Taiwanese text, 个 is a stray: Mandarin's 他 and 說
        // tell (written Taiwanese writes 這个 and 是 too).
        assert_eq!(fix("他說這是一个問題。"), "他說這是一個問題。");
        assert_eq!(fix("這个人真可惡！"), "這个人真可惡！");
    }

    #[test]
    fn regional_characters_change_only_with_the_documents_evidence() {
        // Without a stray, 這里 stays: 里 is a regional character.
        assert_eq!(fix("他們說這里很好。"), "他們說這里很好。");
        // A stray makes the document damaged: the stray is fixed, and a
        // regional character changes only to agree with the document's
        // own spelling elsewhere, which these do not write.
        assert_eq!(fix("他們說香港回归了。"), "他們說香港回歸了。");
        assert_eq!(fix("他們說這个了解。"), "他們說這個了解。");
        // A vernacular's own character stays even then, where no phrase
        // with a stray covers it (阳 is fixed, 晒 is no evidence).
        assert_eq!(
            fix("佢哋說這個們嘅地方嘅晒太阳好舒服。"),
            "佢哋說這個們嘅地方嘅晒太陽好舒服。"
        );
    }

    #[test]
    fn simplified_names_stay() {
        let text = "乾隆皇帝来到这里，我们说了。";
        assert_eq!(fix(text), text);
        assert_eq!(fix("我们的关係很好。"), "我们的关系很好。");
    }

    /// The hard pairs, each both ways: a phrase that must change (in a
    /// Traditional document with no other damage, or beside a certain
    /// stray) and a word that must stay.
    #[test]
    fn hard_pairs_change_where_wrong_and_stay_where_right() {
        let change = [
            ("他們去旅游了。", "他們去旅遊了。"),
            ("我們之后再說。", "我們之後再說。"),
            ("這個复杂的問題。", "這個複雜的問題。"),
            ("他們說這些人們在晒太阳。", "他們說這些人們在曬太陽。"),
        ];
        for (input, expected) in change {
            assert_eq!(fix(input), expected, "{input}");
        }
        let stay = [
            "這個系統與聯繫，若干問題。",
            "這個制度，意志與志願，注意與注定。",
            "恢復、重複與覆蓋。",
            "剛才的颱風，檯燈與台灣。",
            "麵包與面子，頭髮與發現。",
            "蒙古的濛濛細雨。",
        ];
        for text in stay {
            assert_eq!(fix(text), text);
        }
    }

    #[test]
    fn each_line_follows_its_own_script() {
        let text = "這是繁體的一段話，們說這個開會。\n这是简体的一段话，们说这个开会。\n";
        assert_eq!(fix(text), text);
    }
}

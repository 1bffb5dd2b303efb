/*!
Regression tests: the smallest inputs that broke an invariant of
tests/invariants.rs or made a fuzz target fail, inline, one test
each. docs/reliability.md ("Found and fixed") says how each was fixed.
*/

use zhtidy::convert::Converter;
use zhtidy::fix::{FixOptions, Fixer};
use zhtidy::pipeline::{Pipeline, Target};
use zhtidy::strip::StripOptions;

fn strip_fix() -> Pipeline {
    Pipeline::builder()
        .strip(StripOptions::default())
        .fix(FixOptions::default())
        .build()
        .unwrap()
}

/// Strip, fix and conversion to `target`, run on `input` and again on the
/// result: the second run must change nothing.
fn assert_converted_twice_is_once(target: Target, input: &str) {
    let p = Pipeline::builder()
        .strip(StripOptions::default())
        .fix(FixOptions::default())
        .convert(target, None)
        .build()
        .unwrap();
    let once = p.run(input).text.into_owned();
    assert_eq!(p.run(&once).text, once);
}

/// Found by the corpus invariant: conversion copies the operands of an
/// ideographic description sequence unchanged (as OpenCC does: 閣 stays in
/// `⿳⿳ㄨㄢˊ也閣`), but fix then "repaired" 閣 as a stray Traditional glyph
/// on the next run, so `--to s` was not idempotent. Fix now leaves IDS
/// operands alone too.
#[test]
fn fix_leaves_the_operands_of_an_ideographic_description_sequence_alone() {
    let t2s = Converter::new("t2s").unwrap();
    assert_eq!(t2s.convert("⿳⿳ㄨㄢˊ也閣再"), "⿳⿳ㄨㄢˊ也閣再");
    let fixer = Fixer::new(FixOptions::default());
    let text = "强调钓鱼台岛屿是属于日本固有的领土，\n⿳⿳ㄨㄢˊ也閣再针对钓鱼台事件重申立场，\n";
    let fixed = fixer.fix(text);
    assert!(fixed.text.contains("⿳⿳ㄨㄢˊ也閣"), "{}", fixed.text);
    // Outside the sequence the same glyph is still a stray.
    let fixed = fixer.fix("强调钓鱼台岛屿是属于日本固有的领土，也閣再针对钓鱼台事件重申立场，\n");
    assert!(fixed.text.contains("也阁再"), "{}", fixed.text);
    assert_converted_twice_is_once(
        Target::S,
        "著算已經三更半暝，\n⿳⿳ㄨㄢˊ也閣再針對釣魚台事件重申立場，\n強調釣魚台島嶼是屬於日本固有的領土，\n",
    );
}

/// Strip decided on the text before fix repaired it: strip read the `;`
/// of `&amp;` as a sentence end, so the last line counted as body text and
/// the footer scan stopped before `来源：晨光日报`; fix then decoded the
/// entity, and the next run removed the source line. In the pipeline strip
/// now decides on fix's output (`src/strip/view.rs`).
#[test]
fn strip_then_fix_is_idempotent_with_an_entity_in_the_footer() {
    let p = strip_fix();
    let input = "简体中文软件开发软件开发?软件开发软件开发软件开发\n来源：晨光日报\n2024-03-02&amp;软件开发";
    let once = p.run(input).text.into_owned();
    assert_eq!(p.run(&once).text, once);
}

/// `--to jp` output is Japanese, which the next run read as Chinese: fix
/// took 戯 (Shinjitai) for a stray Simplified glyph and wrote 戱, and t2jp
/// has no way back. With `--to jp` fix now leaves glyphs and variants to
/// the conversion.
#[test]
fn to_jp_is_idempotent() {
    assert_converted_twice_is_once(
        Target::Jp,
        "資本永不停，Open AI上演《權力的遊戲》。這是一段繁體中文的文字。\n",
    );
}

/// Strip alone was not idempotent: the first run kept the end marker
/// `（完）` (first line) and removed `原标题：…`; on the second run, with
/// that line gone, it removed `（完）` too. Strip now repeats its passes
/// until one removes nothing (`src/strip/passes.rs`).
#[test]
fn strip_is_idempotent_when_an_end_marker_opens_the_text() {
    let s = zhtidy::strip::Stripper::new(&StripOptions::default()).unwrap();
    let input = "\n（完）\n\n原标题：某地出台新规\nhello world";
    let once = s.strip(input).text.into_owned();
    assert_eq!(s.strip(&once).text, once);
}

/// Fix alone was not idempotent on text that mixes both scripts about
/// evenly: the first run's repairs changed the counts that choose each
/// line's target script, and a second run repaired more lines. Glyph and
/// variant repairs now run again until they change nothing.
#[test]
fn fix_is_idempotent_on_evenly_mixed_text() {
    let f = Fixer::new(FixOptions::default());
    let input = "這是發展这是離開\n相关阅读：\n简体中文离开头发头发幹部後來简体中文简体中文麼头发標準麼麼幹部軟體開發软件开发標准离开幹部後來幹部裡面";
    let once = f.fix(input).text.into_owned();
    assert_eq!(f.fix(&once).text, once);
}

/// Conversion with a detected script was not idempotent on text that mixes
/// both scripts about evenly: `標準这是 展开全文 這是脫` is taken as
/// Traditional (t2hk, which leaves 这 and 开 alone and writes 脱); the
/// output then counted as Simplified, and the next run applied s2hk. The
/// pipeline now converts again while the output's own chain changes it.
#[test]
fn conversion_is_idempotent_on_evenly_mixed_text() {
    let p = Pipeline::builder()
        .convert(Target::Hk, None)
        .build()
        .unwrap();
    let input = "標準这是\n展开全文\n這是脫";
    let once = p.run(input).text.into_owned();
    assert_eq!(p.run(&once).text, once);
}

/// The pipeline fuzz target's only failure in its first 10-minute run: a
/// `-timeout` on its very first input (empty), which was the one-time
/// start-up (building eight pipelines and loading their tables under
/// AddressSanitizer on a loaded machine), not a hang. The target now warms
/// up in libFuzzer's init hook; empty input must still pass every
/// pipeline untouched.
#[test]
fn empty_input_passes_every_pipeline_untouched() {
    for target in [None, Some(Target::S), Some(Target::Tw), Some(Target::Jp)] {
        let mut b = Pipeline::builder()
            .strip(StripOptions::default())
            .fix(FixOptions::default());
        if let Some(t) = target {
            b = b.convert(t, None);
        }
        let out = b.build().unwrap().run("");
        assert_eq!(out.text, "");
        assert!(out.removals.is_empty() && out.fix_changes.is_empty());
    }
}

/// Found in the corpus: fix, on the next run, changed a word that
/// conversion wrote. s2t writes 發黴 but keeps 倒霉 (STPhrases lists
/// 倒霉 → 倒霉); the next run's fix took 霉 for a stray glyph and made
/// 倒黴. Fix now keeps a character that a phrase keeps as it is.
#[test]
fn to_t_is_idempotent_when_conversion_keeps_a_shared_character() {
    assert_converted_twice_is_once(
        Target::T,
        "酒店有股发霉的味道，真是倒霉！这是简体中文的句子。\n",
    );
}

/// Found by the generated-text invariant (2 000 cases): s2t writes 週末 in
/// one place and keeps 周末 in another, and the next run's fix made the
/// document agree with itself (周末 → 週末). The pipeline now lets the
/// converted output settle (fix and convert again until nothing changes).
#[test]
fn to_t_is_idempotent_when_fix_would_make_the_converted_text_agree() {
    assert_converted_twice_is_once(
        Target::T,
        "台湾头发周末標準幹部一个隻有周末後來開发头发发展軟體開發離開头发离开一个裡面软件开发標準",
    );
}

/// Found by the generated-text invariant (2 000 cases): the radical ⼀
/// after a pinyin annotation was left alone (its neighbour was `)`), the
/// annotation was removed, and the next run saw ⼀ next to 當 and made it
/// 一. Fix now runs its steps again after a round that changed anything.
#[test]
fn fix_is_idempotent_when_removing_an_annotation_puts_a_radical_next_to_han() {
    let f = Fixer::new(FixOptions::default());
    let once = f.fix("當(dāng)⼀\n展开全文\n").text.into_owned();
    assert_eq!(f.fix(&once).text, once);
}

/// Hostile inputs that made fix quadratic, at a size the old code took
/// seconds to a minute on (debug build) and the new one a fraction of a
/// second. Not timed (scripts/bench-hostile measures the scaling); what
/// is checked is what each must give, and that every change and note has
/// the line and column of its offset, which is where the time went.
mod hostile_fix {
    use super::*;

    /// (line, column) of byte `offset` of `text`, counted afresh.
    fn position(text: &str, offset: usize) -> (usize, usize) {
        let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        (
            text[..offset].matches('\n').count() + 1,
            text[start..offset].chars().count() + 1,
        )
    }

    fn check_positions(input: &str, out: &zhtidy::pipeline::Tidied) {
        for c in &out.fix_changes {
            assert_eq!((c.line, c.column), position(input, c.offset), "{c:?}");
        }
        for n in &out.fix_notes {
            assert_eq!((n.line, n.column), position(input, n.offset), "{n:?}");
        }
    }

    /// Every `(` after a Han character with no `)` later searched to the
    /// end of the text for one.
    #[test]
    fn unclosed_parentheses_after_han_are_left_alone() {
        let input = format!("{}\n", "中(".repeat(16)).repeat(4_000);
        let out = strip_fix().run(&input);
        assert_eq!(out.text, input);
        assert!(out.fix_changes.is_empty());
    }

    /// One long line of entities: each change's column was counted from
    /// the line's start.
    #[test]
    fn a_line_of_entities_decodes_each_once() {
        let input = "&amp;".repeat(40_000);
        let out = strip_fix().run(&input);
        assert_eq!(out.text, "&".repeat(40_000));
        assert_eq!(out.fix_changes.len(), 40_000);
        check_positions(&input, &out);
        assert_eq!(strip_fix().run(&out.text).text, out.text);
    }

    /// One long line of `中,`: a possible enumeration comma each, reported
    /// with its column.
    #[test]
    fn a_line_of_short_items_reports_each_comma() {
        let input = "中,".repeat(40_000);
        let out = strip_fix().run(&input);
        assert_eq!(out.text, input);
        assert!(out.fix_notes.len() >= 39_999, "{}", out.fix_notes.len());
        check_positions(&input, &out);
    }

    /// All of it on one line, after boilerplate that strip removes (the
    /// positions are mapped back through the removals).
    #[test]
    fn a_mixed_hostile_line_after_removals_keeps_its_positions() {
        let input = format!(
            "来源：晨光日报\n\n这是一段很长的正文，讲述了一件发生在城市里的事情，足足有五十个字那么长的一段话。\n\n{}\n",
            "开(中,&amp;文".repeat(20_000)
        );
        let out = strip_fix().run(&input);
        assert!(!out.removals.is_empty());
        assert_eq!(out.fix_changes.len(), 20_000);
        check_positions(&input, &out);
        assert_eq!(strip_fix().run(&out.text).text, out.text);
    }
}

/// Found by the corpus invariant: `--to twp` writes 使用者 for 用户, so a
/// caption and its view differ in length before the credit and in glyphs
/// inside it; the credit was kept on the first run (the cut could not be
/// placed on the raw line) and cut on the second. A credit whose
/// characters read the same as the raw line's last ones is now cut there.
#[test]
fn a_caption_credit_is_cut_when_conversion_lengthens_the_caption() {
    let input = "图为工作人员为用户挑选鲜花，用户很满意。（王小川摄）\n促进流通稳定粮食生产\n";
    let p = Pipeline::builder()
        .strip(StripOptions::default())
        .fix(FixOptions::default())
        .convert(Target::Twp, None)
        .build()
        .unwrap();
    let once = p.run(input).text.into_owned();
    assert!(once.contains("使用者") && !once.contains("攝"), "{once}");
    assert_converted_twice_is_once(Target::Twp, input);
}

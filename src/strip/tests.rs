/*!
Engine tests: zones, lead duplicates, suffixes, blank-line bookkeeping,
safety and configuration. Each case also checks that output + removals
give the input back and that stripping the output again changes nothing.
*/

use super::*;

fn stripper() -> Stripper {
    Stripper::new(&StripOptions::default()).expect("shipped rules build")
}

/// Strips, checks reconstruction and idempotence, returns (text, rule ids).
fn run(input: &str) -> (String, Vec<String>) {
    let s = stripper();
    let out = s.strip(input);
    assert_eq!(
        reconstruct(&out.text, &out.removals),
        input,
        "reconstruction"
    );
    let again = s.strip(&out.text);
    assert!(
        again.removals.is_empty(),
        "not idempotent: {:?}",
        again.removals
    );
    (
        out.text.into_owned(),
        out.removals.iter().map(|r| r.rule.clone()).collect(),
    )
}

const P1: &str =
    "今年夏天，这座城市经历了有气象记录以来最长的一次高温，连续二十多天最高气温超过三十八度。";
const P2: &str =
    "市民们想尽办法避暑，商场和地铁站成了人们最喜欢去的地方，图书馆的座位也常常一早就被占满。";
const P3: &str =
    "气象部门提醒，高温天气还将持续一周左右，请大家注意防暑降温，尽量避免在中午外出活动。";

#[test]
fn header_meta_byline_and_footer_go() {
    let input = format!(
        "高温下的城市\n\n来源：晨光日报 作者：李小满 发布时间：2024-07-01\n\n文 | 李小满\n\n{P1}\n\n{P2}\n\n{P3}\n\n来源：https://example.com/a/1.html\n\n声明：本文版权归原作者所有，如有侵权请联系删除。\n"
    );
    let (text, rules) = run(&input);
    assert_eq!(text, format!("高温下的城市\n\n{P1}\n\n{P2}\n\n{P3}\n"));
    assert_eq!(
        rules,
        [
            "header-meta-line",
            "header-byline",
            "header-source-line",
            "disclaimer-labelled"
        ]
    );
}

#[test]
fn trigger_words_in_prose_stay() {
    let input = format!(
        "{P1}\n\n他们的收入来源：主要是广告和会员费，这一点和其他网站并无不同，记者了解到的情况也是如此。\n\n编辑：这个词在这里是一个句子的主语，编辑部认为应该保留这一段话，因为它是正文。\n\n对此，该网站回应称，其页面所载“版权归原作者所有，如有侵权请联系删除”的声明并不能免除其责任。\n"
    );
    let (text, rules) = run(&input);
    assert_eq!(text, input);
    assert!(rules.is_empty());
}

#[test]
fn header_rules_do_not_act_in_the_body() {
    // A short 来源 line in the middle of the body is not a header.
    let input = format!("{P1}\n\n{P2}\n\n来源：国家统计局\n\n{P3}\n");
    let (text, _) = run(&input);
    assert_eq!(text, input);
}

#[test]
fn lead_duplicate_goes_but_a_real_abstract_stays() {
    let dup = format!("导读：{}……\n\n{P1}\n\n{P2}\n", &P1[..60]);
    let (text, rules) = run(&dup);
    assert_eq!(text, format!("{P1}\n\n{P2}\n"));
    assert_eq!(rules, ["header-lead-excerpt"]);

    let real = format!("摘要：本文回顾了一次罕见高温的成因与影响，并讨论城市应对极端天气的办法。\n\n{P1}\n\n{P2}\n");
    let (text, rules) = run(&real);
    assert_eq!(text, real);
    assert!(rules.is_empty());
}

#[test]
fn a_genuine_abstract_does_not_hide_the_byline_after_it() {
    let input = format!("摘要：本文回顾了一次罕见高温的成因与影响，并讨论城市应对极端天气的办法。\n\n作者：李小满\n\n{P1}\n\n{P2}\n");
    let (text, rules) = run(&input);
    assert_eq!(rules, ["header-byline"]);
    assert!(text.starts_with("摘要："));
}

#[test]
fn caption_credit_is_trimmed_and_caption_kept() {
    let input = format!("{P1}\n\n城市地标在热浪中 圖源：视觉中国\n\n{P2}\n\n{P3}\n");
    let (text, rules) = run(&input);
    assert_eq!(text, format!("{P1}\n\n城市地标在热浪中\n\n{P2}\n\n{P3}\n"));
    assert_eq!(rules, ["caption-credit-suffix"]);
}

#[test]
fn ui_artifacts_go_anywhere_without_double_blank_lines() {
    let input = format!("{P1}\n\n展开全文\n\n{P2}\n分享到：微信 微博\n{P3}\n");
    let (text, rules) = run(&input);
    assert_eq!(text, format!("{P1}\n\n{P2}\n{P3}\n"));
    assert_eq!(rules, ["inline-expand-fulltext", "inline-share-bar"]);
}

#[test]
fn related_list_goes_to_the_end() {
    let input =
        format!("{P1}\n\n{P2}\n\n{P3}\n\n相关阅读：\n· 秋天养生的五个误区\n· 如何挑选好米\n");
    let (text, rules) = run(&input);
    assert_eq!(text, format!("{P1}\n\n{P2}\n\n{P3}\n"));
    assert_eq!(
        rules,
        [
            "footer-related-list",
            "footer-related-list",
            "footer-related-list"
        ]
    );
}

#[test]
fn weak_footer_line_needs_a_strong_one() {
    let alone = format!("{P1}\n\n{P2}\n\n标题：高温下的城市\n");
    assert_eq!(run(&alone).0, alone);
    let with_url = format!("{P1}\n\n{P2}\n\n标题：高温下的城市\n地址：https://example.com/a/1\n");
    assert_eq!(run(&with_url).0, format!("{P1}\n\n{P2}\n"));
}

#[test]
fn safety_limit_keeps_the_document() {
    let input = "来源：晨光日报\n作者：李小满\n展开全文\n正文只有这一句话而已。\n";
    let out = stripper().strip(input);
    assert_eq!(out.text, input);
    assert!(out.removals.is_empty());
    let refusal = out.refused.expect("refused");
    assert_eq!((refusal.would_remove, refusal.lines), (3, 4));
    assert!(refusal.to_string().contains("3 of 4"), "{refusal}");
}

#[test]
fn never_empties_a_document() {
    let input = "展开全文\n";
    let out = stripper().strip(input);
    assert_eq!(out.text, input);
    assert!(out.refused.is_some());
}

#[test]
fn crlf_lines_and_no_final_newline() {
    let input = format!("{P1}\r\n\r\n展开全文\r\n\r\n{P2}\r\n\r\n来源：https://example.com/x");
    let (text, _) = run(&input);
    assert_eq!(text, format!("{P1}\r\n\r\n{P2}\r\n"));
}

#[test]
fn disable_by_rule_and_family_and_enable() {
    let input = format!("{P1}\n\n展开全文\n\n{P2}\n\n{P3}\n");
    for name in ["inline-expand-fulltext", "inline_expand_fulltext"] {
        let opts = StripOptions {
            disable: vec![name.into()],
            ..Default::default()
        };
        let s = Stripper::new(&opts).unwrap();
        assert_eq!(s.strip(&input).text, input, "{name}");
    }
    let bad = StripOptions {
        disable: vec!["no-such-rule".into()],
        ..Default::default()
    };
    assert!(matches!(
        Stripper::new(&bad),
        Err(StripError::UnknownRule(_))
    ));

    let note = format!("【编者按】本文系作者在某论坛上的发言整理。\n\n{P1}\n\n{P2}\n\n{P3}\n");
    assert_eq!(stripper().strip(&note).text, note);
    let opts = StripOptions {
        enable: vec!["header-editor-note".into()],
        ..Default::default()
    };
    assert_eq!(
        Stripper::new(&opts).unwrap().strip(&note).text,
        format!("{P1}\n\n{P2}\n\n{P3}\n")
    );
}

#[test]
fn user_rule_files_add_rules() {
    let dir = std::env::temp_dir().join(format!("zhtidy-strip-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mine.toml");
    std::fs::write(
        &path,
        "[[rule]]\nid = 'my-banner'\nfamily = 'mine'\nzone = 'anywhere'\npatterns = ['本站广告位招租']\nmatch = ['本站广告位招租']\nno_match = ['招租']\n",
    )
    .unwrap();
    let opts = StripOptions {
        rule_files: vec![path.clone()],
        ..Default::default()
    };
    let s = Stripper::new(&opts).unwrap();
    let input = format!("{P1}\n\n本站廣告位招租\n\n{P2}\n\n{P3}\n");
    let out = s.strip(&input);
    assert_eq!(out.removals.len(), 1);
    assert_eq!(out.removals[0].rule, "my-banner");
    let missing = StripOptions {
        rule_files: vec![dir.join("absent.toml")],
        ..Default::default()
    };
    let err = Stripper::new(&missing).unwrap_err();
    assert!(err.to_string().contains("absent.toml"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn stripper_is_send_sync_clone() {
    fn check<T: Send + Sync + Clone>() {}
    check::<Stripper>();
}

#[test]
fn weak_rules_never_take_the_title() {
    let input = format!("2024年3月2日\n\n来源：晨光日报\n\n{P1}\n\n{P2}\n\n{P3}\n");
    let (text, rules) = run(&input);
    assert_eq!(rules, ["header-source-line"]);
    assert!(text.starts_with("2024年3月2日\n\n"));
    let input = format!("高温下的城市\n\n2024年3月2日\n\n来源：晨光日报\n\n{P1}\n\n{P2}\n\n{P3}\n");
    assert_eq!(run(&input).1, ["header-bare-date", "header-source-line"]);
}

#[test]
fn a_short_article_with_many_short_boilerplate_lines_is_stripped() {
    // Four boilerplate lines and one paragraph: most lines go, but the
    // prose stays, so the safety limit lets them go.
    let input = format!("来源：晨光日报\n作者：李小满\n展开全文\n{P1}\n责任编辑：周远\n");
    let (text, _) = run(&input);
    assert_eq!(text, format!("{P1}\n"));
}

#[test]
fn most_of_the_prose_is_never_taken() {
    // A user rule that would take the paragraphs: refused, by characters.
    let dir = std::env::temp_dir().join(format!("zhtidy-strip-prose-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("greedy.toml");
    std::fs::write(
        &path,
        "[[rule]]\nid='greedy'\nfamily='g'\nzone='anywhere'\nmax_chars=200\npatterns=['今年夏天.*']\nmatch=['今年夏天']\nno_match=['x']\n",
    )
    .unwrap();
    let s = Stripper::new(&StripOptions {
        rule_files: vec![path],
        ..StripOptions::default()
    })
    .unwrap();
    let input = format!("{P1}\n{P3}\n");
    let out = s.strip(&input);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.text, input);
    let refusal = out.refused.expect("refused");
    assert!(
        refusal.would_remove_chars * 2 > refusal.prose_chars,
        "{refusal}"
    );
}

#[test]
fn an_unknown_chrome_line_does_not_end_the_header() {
    // The nav line is first; a row of section names no rule knows sits
    // between known header lines: the run is one header.
    let input = format!(
        "加入收藏 | 设为首页\n\n当前位置：首页 > 新闻\n\n新聞 部落格 網站總覽 論壇\n\n来源：晨光日报\n\n导读：{P1}\n\n{P1}\n\n{P2}\n"
    );
    let (text, rules) = run(&input);
    assert_eq!(text, format!("{P1}\n\n{P2}\n"), "{rules:?}");
    assert!(rules.contains(&"chrome-edge-run".to_string()), "{rules:?}");
}

#[test]
fn the_title_between_header_lines_stays() {
    let input = format!("首页 > 新闻 > 国内\n\n高温下的城市\n\n来源：晨光日报\n\n{P1}\n\n{P2}\n");
    let (text, _) = run(&input);
    assert_eq!(text, format!("高温下的城市\n\n{P1}\n\n{P2}\n"));
}

#[test]
fn cue_rules_catch_unseen_phrasings_and_say_why() {
    let input = format!("高温下的城市\n\n記者王小明／綜合報導\n\n{P1}\n\n{P2}\n");
    let out = stripper().strip(&input);
    assert_eq!(out.text, format!("高温下的城市\n\n{P1}\n\n{P2}\n"));
    let r = &out.removals[0];
    assert_eq!(r.rule, "cue-byline");
    assert_eq!(r.cues, ["trigger 记者", "separator"]);
}

#[test]
fn cue_rules_never_take_the_title_or_body_lines() {
    let input = format!("记者节：致敬新闻人\n\n{P1}\n\n一位记者｜十年\n\n{P2}\n");
    let (text, rules) = run(&input);
    assert_eq!(text, input, "{rules:?}");
}

#[test]
fn mid_article_prompts_go() {
    let input = format!("{P1}\n\n点击上方蓝字关注我们\n\n{P2}\n\n点击查看大图\n\n{P3}\n");
    let (text, _) = run(&input);
    assert_eq!(text, format!("{P1}\n\n{P2}\n\n{P3}\n"));
}

#[test]
fn a_long_run_of_boilerplate_is_judged_in_one_pass() {
    // Every line is boilerplate: refused at once, however many there are
    // (strip's passes must not each take a window's worth).
    let input = "责任编辑：张三\n".repeat(20_000);
    let out = stripper().strip(&input);
    assert!(out.refused.is_some());
    assert_eq!(out.text, input);
    let body = format!("{P1}\n{}", "责任编辑：张三\n".repeat(20_000));
    let out = stripper().strip(&body);
    assert!(out.refused.is_none());
    assert_eq!(out.text, format!("{P1}\n"));
}

#[test]
fn a_menu_at_the_top_goes_but_the_title_stays() {
    let input =
        format!("• 新聞\n• 論壇\n• N64\n• Wii\n國際\n社會\n政治\n科技\n高温下的城市\n{P1}\n{P2}\n");
    let (text, rules) = run(&input);
    assert_eq!(text, format!("高温下的城市\n{P1}\n{P2}\n"), "{rules:?}");
}

#[test]
fn the_title_printed_again_under_it_goes_once() {
    let input = format!(
        "首页 > 新闻 > 高温下的城市\n\n高温下的城市\n\n时间:2024-07-01 新闻 版权反馈\n\n高温下的城市\n\n{P1}\n\n{P2}\n"
    );
    let (text, rules) = run(&input);
    assert_eq!(text, format!("高温下的城市\n\n{P1}\n\n{P2}\n"));
    assert!(
        rules.contains(&"header-repeated-line".to_string()),
        "{rules:?}"
    );
}

#[test]
fn a_sentence_said_twice_is_no_repeated_title() {
    for input in [
        "这是一段干净的中文。\n这是一段干净的中文。\n",
        "他說：我們會回來。我們一定會回來\n他說：我們會回來。我們一定會回來\n",
    ] {
        let (text, rules) = run(input);
        assert_eq!(text, input, "{rules:?}");
    }
}

#[test]
fn a_repeat_far_from_the_title_or_of_a_list_item_stays() {
    // A list of other titles above the article, one of them the
    // article's own heading: the heading is not the page's title.
    let input = format!(
        "今日新聞 社論 評論 回首頁\n\n城市的夏天\n城市的冬天\n\n城市的夏天\n\n{P1}\n\n{P2}\n"
    );
    let (text, _) = run(&input);
    assert!(text.contains("城市的冬天\n\n城市的夏天\n\n"), "{text}");
}

#[test]
fn a_title_under_a_site_name_loses_its_copies() {
    // Printed twice more under it: the copies go.
    let input = format!("某某遊戲館\n\n高温下的城市生活指南\n\n高温下的城市生活指南\n\n高温下的城市生活指南\n\n{P1}\n\n{P2}\n");
    let (text, rules) = run(&input);
    assert_eq!(
        text,
        format!("某某遊戲館\n\n高温下的城市生活指南\n\n{P1}\n\n{P2}\n"),
        "{rules:?}"
    );
    // Printed once more: it may be the text's own heading, it stays.
    let input =
        format!("某某遊戲館\n\n高温下的城市生活指南\n\n高温下的城市生活指南\n\n{P1}\n\n{P2}\n");
    let (text, _) = run(&input);
    assert_eq!(text, input);
}

#[test]
fn a_title_and_subtitle_printed_again_go_as_a_pair() {
    let input = format!(
        "整合与回应:城市治理的路径选择\n——基于某某市治理创新实践的研究\n\n马某某\n\n整合与回应:城市治理的路径选择\n——基于某某市治理创新实践的研究\n\n马某某\n\n{P1}\n\n{P2}\n"
    );
    let (text, rules) = run(&input);
    assert_eq!(
        text,
        format!("整合与回应:城市治理的路径选择\n——基于某某市治理创新实践的研究\n\n马某某\n\n马某某\n\n{P1}\n\n{P2}\n"),
        "{rules:?}"
    );
}

#[test]
fn a_title_with_the_site_name_counts_its_bare_copy() {
    let input = format!("警方加強巡邏 拘捕兩人 - RTHK\n\n警方加強巡邏 拘捕兩人\n\n{P1}\n\n{P2}\n");
    let (text, rules) = run(&input);
    assert_eq!(
        text,
        format!("警方加強巡邏 拘捕兩人 - RTHK\n\n{P1}\n\n{P2}\n")
    );
    assert_eq!(rules, ["header-repeated-line"]);
    // A dash in the title itself is no site name.
    let input = format!("专访 - 张三\n\n专访\n\n{P1}\n\n{P2}\n");
    let (text, _) = run(&input);
    assert_eq!(text, input);
}

#[test]
fn a_caption_with_a_credit_printed_twice_loses_the_copy() {
    let input = format!("高温下的城市\n\n{P1}\n\n• 市民在商场避暑。(港台圖片)\n\n市民在商场避暑。(港台圖片)\n\n{P2}\n");
    let (text, rules) = run(&input);
    assert_eq!(
        text,
        format!("高温下的城市\n\n{P1}\n\n• 市民在商场避暑。\n\n{P2}\n"),
        "{rules:?}"
    );
    assert!(rules.contains(&"caption-repeated".to_string()), "{rules:?}");
    // Without a credit a line said twice is the text's: it stays.
    let input =
        format!("高温下的城市\n\n{P1}\n\n我们回家吧我们回家吧\n\n我们回家吧我们回家吧\n\n{P2}\n");
    let (text, _) = run(&input);
    assert_eq!(text, input);
}

#[test]
fn a_date_under_its_own_label_stays() {
    let input = format!(
        "跳到主要內容區塊\n\n某某市政會議\n\n開會日期\n\n2020-12-22 09:00:00\n\n{P1}\n\n{P2}\n"
    );
    let (text, rules) = run(&input);
    assert!(
        text.contains("開會日期\n\n2020-12-22 09:00:00\n"),
        "{rules:?}"
    );
    // Under the title, the same line is the page's dateline.
    let input = format!("某某市政會議\n\n2020-12-22 09:00:00\n\n{P1}\n\n{P2}\n");
    let (text, _) = run(&input);
    assert_eq!(text, format!("某某市政會議\n\n{P1}\n\n{P2}\n"));
}

#[test]
fn chrome_does_not_vouch_for_a_bare_date() {
    let input = format!("跳到主要內容\n\n某某市政會議\n\n2020年12月22日\n\n{P1}\n\n{P2}\n");
    let (text, rules) = run(&input);
    assert_eq!(
        text,
        format!("某某市政會議\n\n2020年12月22日\n\n{P1}\n\n{P2}\n"),
        "{rules:?}"
    );
    let input = format!("某某市政會議\n\n来源：某某日报\n\n2020年12月22日\n\n{P1}\n\n{P2}\n");
    let (text, _) = run(&input);
    assert_eq!(text, format!("某某市政會議\n\n{P1}\n\n{P2}\n"));
}

#[test]
fn a_row_of_short_items_above_the_text_is_a_menu() {
    let input = format!("高温下的城市\n\n要闻 | 国际 | 财经 | 体育\n\n{P1}\n\n{P2}\n");
    let (text, rules) = run(&input);
    assert_eq!(text, format!("高温下的城市\n\n{P1}\n\n{P2}\n"));
    assert_eq!(rules, ["chrome-separator-menu"]);
    // In the body a row like that is the article's.
    let input = format!("高温下的城市\n\n{P1}\n\n北京 | 上海 | 广州 | 深圳\n\n{P2}\n");
    let (text, _) = run(&input);
    assert_eq!(text, input);
}

#[test]
fn a_byline_after_a_heading_is_cut_not_the_heading() {
    let input = format!("高温下的城市\n\n{P1}\n\n世代不同 / 文.高某某 ( 編輯室手記 )\n\n{P2}\n");
    let (text, rules) = run(&input);
    assert_eq!(text, format!("高温下的城市\n\n{P1}\n\n世代不同\n\n{P2}\n"));
    assert_eq!(rules, ["caption-byline-suffix"]);
    // A byline alone under the title still goes whole.
    let input = format!("高温下的城市\n\n記者王小明／綜合報導\n\n{P1}\n\n{P2}\n");
    let (text, _) = run(&input);
    assert_eq!(text, format!("高温下的城市\n\n{P1}\n\n{P2}\n"));
}

/// The line model (off by default) acts on its rule's examples as they
/// would sit between the article's paragraphs, and explains itself.
#[test]
fn the_line_model_takes_its_examples_and_names_its_cues() {
    let s = Stripper::new(&StripOptions {
        enable: vec!["line-model".into()],
        ..StripOptions::default()
    })
    .expect("shipped rules build");
    let rule = s
        .rules()
        .iter()
        .find(|r| r.id == "line-model")
        .expect("enabled");
    for (examples, removed) in [(&rule.must_match, true), (&rule.no_match, false)] {
        for ex in examples {
            let input = format!("高温下的城市\n\n{P1}\n\n{ex}\n\n{P2}\n\n{P3}\n");
            let out = s.strip(&input);
            let took = out.removals.iter().find(|r| r.rule == "line-model");
            assert_eq!(took.is_some(), removed, "{ex}: {:?}", out.removals);
            if let Some(r) = took {
                assert!(r.cues[0].starts_with("score "), "{:?}", r.cues);
                assert!(r.cues.len() > 1, "{:?}", r.cues);
            }
            assert!(
                s.strip(&out.text).removals.is_empty(),
                "{ex}: not idempotent"
            );
        }
    }
    // Off by default.
    assert!(stripper().rules().iter().all(|r| r.id != "line-model"));
}

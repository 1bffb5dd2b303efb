/*!
Cue rules: a trigger phrase and the shape of the line around it.

A pattern rule knows one phrasing; sites word the same boilerplate in many
ways (`張三發表於2020-05-01`, `記者王小明／綜合報導`, `CSDN 2024-03-02 10:20
阅读 123`). A cue rule instead names a family's trigger phrases (发表于,
记者, 阅读) and removes a short line that holds one of them when the line
is also *shaped* like boilerplate. The shape cues, each read from the
folded line:

- `label`: the trigger is a label (`记者:`, `来源|`, `文/`, `记者丨`);
- `separator`: items separated by `|` `丨` `>` `»` `/` `•` `·` `›` or ` - `;
- `date`, `time`: `2021.03.02`, `2021年3月2日`, `3月2日`, `10:20`;
- `number`: digits outside a date or time (a count, a page);
- `url`: `http`, `www.`;
- `bracket`: the line opens with a bracket (`[某某新聞]`, `【摘要】`);
- `alone`: the trigger is the whole line, apart from spaces, punctuation
  and digits (reported, but it does not count: a lone word is as likely a
  heading).

A line qualifies only when it holds no sentence (see [`may_judge`]), is at most the
rule's `max_chars` long and carries `min_cues` cues (at least one). Like every
rule, a cue rule acts in its zones only (a cue rule is meant for the
header and footer, where such lines live, never the body), and it never
takes the first line (the title). `--explain` prints the cues that
decided.
*/

/// The shape cues of `folded` (a folded, trimmed line) around the trigger
/// found at byte `at` (of `trigger`), in the order of the module doc.
pub fn cues_of(folded: &str, at: usize, trigger: &str) -> Vec<&'static str> {
    let mut cues = Vec::new();
    let after = folded[at + trigger.len()..].trim_start();
    // A label names a value: a label with nothing after it (`翻译:` over a
    // poem's translation) heads what follows, as a heading does.
    let no_value = after
        .trim_start_matches([':', '|', '/', '丨'])
        .trim()
        .is_empty();
    if (trigger_is_label(trigger) || after.starts_with([':', '|', '/', '丨'])) && !no_value {
        cues.push("label");
    }
    if has_separator(folded) {
        cues.push("separator");
    }
    let digits = Digits::of(folded);
    // A span of dates or times (`7/16-19`, `14:00 – 15:00`) or a bound
    // (`15:00以后`, `6月1日起`) is a schedule, the text's own; a stamp is
    // one moment.
    let span = is_span(folded) || is_bound(folded);
    if digits.date && !span {
        cues.push("date");
    }
    if digits.time && !span {
        cues.push("time");
    }
    if digits.other {
        cues.push("number");
    }
    if folded.contains("http") || folded.contains("www.") {
        cues.push("url");
    }
    if folded.starts_with(['[', '【', '(', '〔']) {
        cues.push("bracket");
    }
    let rest = folded[..at]
        .chars()
        .chain(folded[at + trigger.len()..].chars());
    if rest.clone().all(|c| !c.is_alphabetic()) {
        cues.push("alone");
    }
    cues
}

/// Whether the line gives a span of dates or times: digits joined by a
/// dash, a tilde or 至/到 (`14:00 – 15:00`, `3月2日至5日`, `10:00~12:00`),
/// or by a hyphen after a date or time written with `/` or `:`
/// (`2014/7/16-19`, `14:00-15:00`; a hyphen inside `2021-03-02` is not).
fn is_span(folded: &str) -> bool {
    let chars: Vec<char> = folded.chars().collect();
    let digit_before = |i: usize| {
        chars[..i]
            .iter()
            .rev()
            .find(|c| **c != ' ')
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '日' | '号' | '时' | '点' | ')'))
    };
    let digit_after = |i: usize| {
        chars[i + 1..]
            .iter()
            .find(|c| **c != ' ')
            .is_some_and(|c| c.is_ascii_digit())
    };
    (0..chars.len()).any(|i| match chars[i] {
        '–' | '—' | '~' | '～' | '至' | '到' => digit_before(i) && digit_after(i),
        '-' => {
            let token_start = chars[..i]
                .iter()
                .rposition(|c| !(c.is_ascii_digit() || matches!(c, '/' | ':' | '.')))
                .map_or(0, |p| p + 1);
            let token = &chars[token_start..i];
            let token = match token.iter().position(char::is_ascii_digit) {
                Some(d) => &token[d..],
                None => token,
            };
            let spaced = i > 0 && chars[i - 1] == ' ' && chars.get(i + 1) == Some(&' ');
            (spaced || token.iter().any(|c| matches!(c, '/' | ':')))
                && digit_before(i)
                && digit_after(i)
        }
        _ => false,
    })
}

/// Whether a date or time in the line is a schedule's bound: a digit or
/// a date's last character followed by 以后, 以前, 之前, 之后, 起, 开始,
/// 前, 后 or 止 (`当日下午15:00以后`, `6月1日起`).
fn is_bound(folded: &str) -> bool {
    const BOUNDS: [&str; 9] = [
        "以后", "以前", "之前", "之后", "开始", "起", "前", "后", "止",
    ];
    folded.char_indices().any(|(b, c)| {
        (c.is_ascii_digit() || matches!(c, '日' | '号'))
            && BOUNDS
                .iter()
                .any(|w| folded[b + c.len_utf8()..].trim_start().starts_with(w))
    })
}

/// Whether a trigger ends in its own label mark (`文/`, `来源:`).
fn trigger_is_label(trigger: &str) -> bool {
    trigger.ends_with([':', '|', '/'])
}

/// Whether the line lists items with a separator.
fn has_separator(folded: &str) -> bool {
    if folded.contains(['|', '>', '»', '•', '·', '›', '丨']) || folded.contains(" - ") {
        return true;
    }
    // A slash between words, not inside a date (2021/03/02) or a link.
    let chars: Vec<char> = folded.chars().collect();
    !folded.contains("://")
        && chars.iter().enumerate().any(|(i, &c)| {
            c == '/'
                && !(i > 0
                    && chars[i - 1].is_ascii_digit()
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        })
}

/// The line's digit runs, by kind.
#[derive(Default)]
pub(super) struct Digits {
    pub(super) date: bool,
    pub(super) time: bool,
    other: bool,
}

impl Digits {
    pub(super) fn of(line: &str) -> Digits {
        let mut d = Digits::default();
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if !chars[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let len = i - start;
            let next = chars.get(i).copied();
            let next_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
            match next {
                Some('-' | '/' | '.' | '年') if len == 4 && next_digit => {
                    d.date = true;
                    i = skip_date(&chars, i);
                }
                Some('月') if len <= 2 && next_digit => {
                    d.date = true;
                    i = skip_date(&chars, i);
                }
                Some(':') if len <= 2 && next_digit => {
                    d.time = true;
                    i = skip_date(&chars, i);
                }
                // A version or a decimal (`Vue 2.0`, `iOS 17.2`) names a
                // thing or a measure; a page's counts are whole numbers,
                // or decimals of a unit (`2.37W`, `3.5万`).
                Some('.') if next_digit => {
                    i += 1;
                    while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                        i += 1;
                    }
                    if chars
                        .get(i)
                        .is_some_and(|c| matches!(c, '万' | '千' | '亿' | 'w' | 'W' | 'k' | 'K'))
                    {
                        d.other = true;
                    }
                }
                _ => d.other = true,
            }
        }
        d
    }
}

/// The position after a date or time that continues at `i` (its digits
/// and separators).
fn skip_date(chars: &[char], mut i: usize) -> usize {
    while i < chars.len()
        && (chars[i].is_ascii_digit()
            || matches!(chars[i], '-' | '/' | '.' | ':' | '年' | '月' | '日'))
    {
        i += 1;
    }
    i
}

/// Whether a line of `chars` characters is one a cue rule may judge: not
/// too long, and no sentence in it (a full stop, an ellipsis, or a
/// question or exclamation mark or semicolon outside a link: `记者:这次有何
/// 不同?` is an interview's question, not a byline).
pub fn may_judge(folded: &str, chars: usize, max_chars: usize) -> bool {
    chars <= max_chars
        && !folded.contains(['。', '…'])
        && (folded.contains("://") || !folded.contains(['?', '!', ';']))
        && !is_tagged_clause(folded)
        && !is_list_item(folded)
}

/// Whether the line opens as an item of a numbered list (`3、`, `一、`,
/// `(2)`, `1. `): the text's own list, whose items hold the same words as
/// a byline or a meta line (`3、……以文字标示`, `一、時間:…`).
pub fn is_list_item(folded: &str) -> bool {
    let chars: Vec<char> = folded.chars().take(5).collect();
    let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    let numerals = chars
        .iter()
        .take_while(|c| "一二三四五六七八九十".contains(**c))
        .count();
    let after = |n: usize| chars.get(n).copied();
    let next_is_not_digit = |n: usize| !after(n + 1).is_some_and(|c| c.is_ascii_digit());
    (matches!(digits, 1 | 2)
        && (after(digits) == Some('、') || after(digits) == Some('.') && next_is_not_digit(digits)))
        || (numerals > 0 && after(numerals) == Some('、'))
        || (chars.first() == Some(&'(')
            && chars
                .get(1)
                .is_some_and(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c))
            && chars.get(2) == Some(&')'))
}

/// Whether the line is a bracketed tag followed by a clause of prose
/// (`〔記者某某/台北報導〕台北車站大廳滿滿的人群,如果…`): a hard-wrapped
/// paragraph's first line, whose byline is only its head.
fn is_tagged_clause(folded: &str) -> bool {
    let Some(rest) = folded.strip_prefix(['[', '【', '(', '〔']) else {
        return false;
    };
    let Some(close) = rest.find([']', '】', ')', '〕']) else {
        return false;
    };
    let after = rest[close..].chars().skip(1).collect::<String>();
    after
        .chars()
        .filter(|&c| super::safety::is_letter(c))
        .count()
        >= 12
        && after.contains(',')
}

/// Whether the trigger at byte `at` is a word of prose rather than a label:
/// followed by the attributive 的 (`审核的标准`, `记者的自白`), which a
/// label or a byline never is.
pub fn trigger_in_prose(folded: &str, at: usize, trigger: &str) -> bool {
    let after = &folded[at + trigger.len()..];
    if after.starts_with('的') {
        return true;
    }
    // A number, the trigger and more words straight after it are a
    // quantity in a clause (`大约5分钟后会寄出确认信`); a figure of the
    // page's stats ends its item (`42 分钟`, `全文约8000字`).
    let digit_before = folded[..at]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_digit());
    if digit_before && after.chars().next().is_some_and(is_han) {
        return true;
    }
    // Deep inside a run of Han characters with no break (a transcript's
    // unpunctuated sentence: `…佢哋嘅圖像同文字之間呢`), the trigger is a
    // word of the sentence; a label sits at the line's head, after a name
    // or a short tag, or before a mark.
    let run_before = folded[..at]
        .chars()
        .rev()
        .take_while(|&c| is_han(c))
        .count();
    run_before > PROSE_RUN && after.chars().next().is_some_and(is_han)
}

/// Most Han characters in an unbroken run before a cue trigger that can
/// still be a label's head (`特派記者`, `微软学术合作来源`).
const PROSE_RUN: usize = 8;

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// Whether `cues` decide for a rule that asks for `min_cues` of them:
/// `alone` is reported but does not count (a lone 通讯员 or 作者简介 is
/// as likely a heading as a label).
pub fn decide(cues: &[&str], min_cues: usize) -> bool {
    cues.iter().filter(|&&c| c != "alone").count() >= min_cues.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strip::fold::fold;

    fn cues(line: &str, trigger: &str) -> Vec<&'static str> {
        let folded = fold(line);
        let at = folded.find(trigger).expect("trigger in line");
        cues_of(&folded, at, trigger)
    }

    #[test]
    fn a_span_of_dates_or_times_is_a_schedule() {
        for span in [
            "时间:2014/7/16-19",
            "时间:2025年6月6日(五) 14:00 – 15:00",
            "日期:3月2日至5日",
            "10:00~12:00",
            "14:00-15:00",
            "2021-03-02 - 2021-03-05",
        ] {
            assert!(is_span(&fold(span)), "{span}");
        }
        for stamp in [
            "2021-03-02 10:20",
            "时间:2021.03.02",
            "2020-12-22 18:48:03",
            "第1-2页",
        ] {
            assert!(!is_span(&fold(stamp)), "{stamp}");
        }
        assert!(!cues("时间:2014/7/16-19", "时间").contains(&"date"));
    }

    #[test]
    fn a_version_is_no_count() {
        assert!(!cues("Vue作者尤雨溪:Vue 2.0,渐进式前端解决方案", "作者").contains(&"number"));
        assert!(cues("作者:张三 阅读 123", "作者").contains(&"number"));
        assert!(cues("才智咖 人氣:2.37W", "人气").contains(&"number"));
    }

    #[test]
    fn a_bound_of_a_schedule_is_no_stamp() {
        assert!(is_bound(&fold("♕ 進房時間:當日下午15:00以後")));
        assert!(is_bound(&fold("6月1日起实施")));
        assert!(!is_bound(&fold("时间:2021-03-02 10:20 来源:某某")));
        assert!(!cues("進房時間:當日下午15:00以後", "时间").contains(&"time"));
    }

    #[test]
    fn a_numbered_item_is_the_texts_own_list() {
        for item in [
            "3、食品成分以文字标示",
            "一、時間:2025年6月6日",
            "(2)作者:张三",
            "1. 来源说明",
        ] {
            assert!(is_list_item(&fold(item)), "{item}");
        }
        for not in [
            "2021.03.02 来源:某某",
            "3.5万人阅读",
            "12:30 发布",
            "作者:张三",
        ] {
            assert!(!is_list_item(&fold(not)), "{not}");
        }
    }

    #[test]
    fn a_quantity_in_a_clause_is_prose() {
        let line = fold("大約5分鐘後會寄發確認信至您的電子信箱");
        let at = line.find("分钟").unwrap();
        assert!(trigger_in_prose(&line, at, "分钟"));
        let stats = fold("3 评论 12310 浏览 49 收藏 42 分钟");
        let at = stats.find("分钟").unwrap();
        assert!(!trigger_in_prose(&stats, at, "分钟"));
    }

    #[test]
    fn a_trigger_deep_in_an_unbroken_sentence_is_prose() {
        let line = fold("係嘞然之後落到去唔落到去佢哋嘅誒圖像同文字之間呢.127599_138261");
        let at = line.find("文字").unwrap();
        assert!(trigger_in_prose(&line, at, "文字"));
        let byline = fold("特派記者賴錦宏/北京報導");
        let at = byline.find("记者").unwrap();
        assert!(!trigger_in_prose(&byline, at, "记者"));
    }

    #[test]
    fn a_label_without_a_value_is_a_heading() {
        assert!(!cues("作者:", "作者").contains(&"label"));
        assert!(cues("作者:张三", "作者").contains(&"label"));
    }

    #[test]
    fn shapes_are_read_from_the_folded_line() {
        assert_eq!(cues("張三發表於2020-05-01", "发表于"), ["date"]);
        assert_eq!(cues("記者王小明／綜合報導", "记者"), ["separator"]);
        assert_eq!(
            cues("CSDN 2024-03-02 10:20 阅读 123", "阅读"),
            ["date", "time", "number"]
        );
        assert_eq!(cues("- 記者:張三 編輯:李四", "记者"), ["label"]);
        assert_eq!(cues("【廣告】", "广告"), ["bracket", "alone"]);
        assert_eq!(cues("第1页 / 共43页", "共"), ["separator", "number"]);
        assert_eq!(cues("刊登於 2021年3月2日", "刊登于"), ["date"]);
    }

    #[test]
    fn prose_and_long_lines_are_not_judged() {
        assert!(!may_judge("记者昨天在现场看到了很多人。", 14, 40));
        assert!(!may_judge("记者:这次有何不同?", 10, 40));
        assert!(may_judge("来源:https://example.com/a?b=1", 28, 40));
        assert!(!may_judge("记者", 41, 40));
        assert!(may_judge("记者 王小明", 6, 40));
        let wrapped = fold("〔記者簡亭宇/台北報導〕台北車站大廳滿滿席地而坐的人群,如果有看過的人");
        assert!(!may_judge(&wrapped, 36, 40), "a paragraph's head");
        assert!(may_judge(&fold("〔記者簡亭宇/台北報導〕"), 12, 40));
    }

    #[test]
    fn a_trigger_before_de_is_prose() {
        let line = "以下是2024年稿件审核的主要标准:";
        let at = line.find("审核").unwrap();
        assert!(trigger_in_prose(line, at, "审核"));
        let line = "审核:李四";
        assert!(!trigger_in_prose(line, 0, "审核"));
    }
}

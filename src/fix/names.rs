/*!
Name-like contexts: where a phrase is most likely a name or a brand, which
keeps the spelling its owner chose (a shop called 書虫, a person called
郭振乾, a title 《日志》), whatever the dictionary says about the phrase.

A glyph edit on ambiguous evidence (rule `stray-glyph-context`: a character
valid in the line's script, changed because a phrase around it reads
otherwise) is not made inside one; a certain stray (开 in Traditional text)
still is. The contexts:

- a short title or quotation: `《…》`, `「…」`, `『…』` holding at most
  [`SHORT_QUOTE`] characters on one line;
- a brand: the Han characters right before `VIP`, `®` or `™`;
- a person: three Han characters, the first a common surname, right
  before a title or a verb of saying (郭振乾表示, 范文同先生).
*/

use std::ops::Range;

use super::chars::{in_list, is_han};

/// A quotation with more characters than this is prose, not a name.
const SHORT_QUOTE: usize = 8;

/// The most common single-character surnames, in both scripts.
const SURNAMES: &str = "王李張张劉刘陳陈楊杨黃黄趙赵吳吴周徐孫孙馬马朱胡郭何高林羅罗鄭郑梁謝谢宋唐許许韓韩馮冯鄧邓曹彭曾蕭萧田董潘袁蔡蔣蒋余于杜葉叶程蘇苏魏呂吕丁任沈姚盧卢姜崔鍾钟譚谭陸陆汪范金石廖賈贾夏韋韦方白鄒邹孟熊秦邱江尹薛閻阎段雷侯龍龙史陶黎賀贺顧顾毛郝龔龚邵萬万錢钱嚴严武戴莫孔向湯汤";

/// Words that follow a person's name: titles and verbs of saying.
const AFTER_NAMES: [&str; 26] = [
    "先生", "女士", "小姐", "教授", "老師", "老师", "醫生", "医生", "博士", "表示", "指出", "透露",
    "認為", "认为", "主席", "總統", "总统", "部長", "部长", "市長", "市长", "同志", "委員", "委员",
    "說", "说",
];

/// Marks after which the Han characters before them are a brand.
const BRAND_MARKS: [&str; 3] = ["VIP", "®", "™"];

/// The name-like spans (see [`name_spans`]) of the lines of `text` that
/// hold one of the byte offsets `at`, as byte ranges of `text`, sorted by
/// start.
///
/// Every context lies within one line (a quotation closes before the
/// line ends, a brand or a name is Han characters, never a line break),
/// so a span of another line overlaps nothing on these: looking only at
/// the lines that hold an edit gives what looking at the whole text
/// gives, without scanning the text once per mark and word.
pub(super) fn name_spans_at(text: &str, at: impl IntoIterator<Item = usize>) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut starts: Vec<usize> = at
        .into_iter()
        .map(|i| memchr::memrchr(b'\n', &b[..i]).map_or(0, |n| n + 1))
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let mut spans = Vec::new();
    for start in starts {
        let end = memchr::memchr(b'\n', &b[start..]).map_or(b.len(), |n| start + n);
        spans.extend(
            name_spans(&text[start..end])
                .into_iter()
                .map(|r| start + r.start..start + r.end),
        );
    }
    spans.sort_by_key(|r| r.start);
    spans
}

/// The byte ranges of `text` in a name-like context, sorted by start
/// (they may overlap).
pub(super) fn name_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    for (open, close) in [('《', '》'), ('「', '」'), ('『', '』')] {
        for (at, _) in text.match_indices(open) {
            let inner = at + open.len_utf8();
            let within = text[inner..]
                .char_indices()
                .take(SHORT_QUOTE + 1)
                .find(|&(_, c)| c == close || c == '\n' || c == open);
            if let Some((len, c)) = within {
                if c == close {
                    spans.push(inner..inner + len);
                }
            }
        }
    }
    for mark in BRAND_MARKS {
        for (at, _) in text.match_indices(mark) {
            let before = text[..at].trim_end_matches(' ');
            let start = before
                .char_indices()
                .rev()
                .take(SHORT_QUOTE)
                .take_while(|&(_, c)| is_han(c))
                .last()
                .map_or(before.len(), |(i, _)| i);
            if start < before.len() {
                spans.push(start..before.len());
            }
        }
    }
    for word in AFTER_NAMES {
        for (at, _) in text.match_indices(word) {
            let name: Vec<(usize, char)> = text[..at].char_indices().rev().take(3).collect();
            let is_name = name.len() == 3
                && name.iter().all(|&(_, c)| is_han(c))
                && in_list(SURNAMES, name[2].1);
            if is_name {
                spans.push(name[2].0..at);
            }
        }
    }
    spans.sort_by_key(|r| r.start);
    spans
}

#[cfg(test)]
mod tests {
    use super::super::{FixOptions, Fixer};
    use super::{name_spans, name_spans_at};

    fn fix(text: &str) -> String {
        Fixer::new(FixOptions::default())
            .fix(text)
            .text
            .into_owned()
    }

    #[test]
    fn spans_cover_short_quotes_brands_and_names() {
        let text = "看了《日志》與「一段很長很長的引用文字呢」，書虫VIP卡，郭振乾表示";
        let spans: Vec<&str> = name_spans(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(spans, ["日志", "書虫", "郭振乾"]);
    }

    /// Looking at the lines of some offsets finds the spans the whole
    /// text has on those lines, whatever lies on the lines around them.
    #[test]
    fn spans_of_lines_are_those_of_the_whole_text() {
        let text =
            "書虫\n VIP卡，郭振乾\n表示《日志》\n「書虫\n」 郭振乾說\r\n店名 書虫 ™ 與「香港」\n\n";
        let whole = name_spans(text);
        let offsets: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        assert_eq!(name_spans_at(text, offsets.iter().copied()), whole);
        assert_eq!(whole.len(), 4, "{whole:?}");
        for &at in &offsets {
            let line = text[..at].rfind('\n').map_or(0, |n| n + 1)
                ..text[at..].find('\n').map_or(text.len(), |n| at + n);
            let on_line: Vec<_> = whole
                .iter()
                .filter(|r| line.start <= r.start && r.end <= line.end)
                .cloned()
                .collect();
            assert_eq!(name_spans_at(text, [at]), on_line, "offset {at}");
        }
    }

    /// Names keep their spelling on ambiguous evidence; the same phrase
    /// outside one, and a certain stray inside one, are still fixed.
    #[test]
    fn names_and_brands_are_not_rewritten_on_ambiguous_evidence() {
        let stay = [
            "我們在「書虫」買了書。",
            "他們看了《日志》這本書。",
            "他們辦了書虫VIP卡。",
            "郭振乾表示这个事情很重要。",
            "王丙乾说了这些话。",
        ];
        for text in stay {
            assert_eq!(fix(text), text);
        }
        let change = [
            ("我們在書虫買了書。", "我們在書蟲買了書。"),
            ("他們查看了日志。", "他們查看了日誌。"),
            (
                "他們說他們看了《日志》，展开了。",
                "他們說他們看了《日志》，展開了。",
            ),
            ("我們在「書虫开」買了書。", "我們在「書虫開」買了書。"),
        ];
        for (input, expected) in change {
            assert_eq!(fix(input), expected, "{input}");
        }
    }
}

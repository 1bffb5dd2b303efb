/*!
Lead-duplicate detection: does a 導讀/摘要 excerpt nearly repeat the start
of the article body?

Sites fill their "summary" field with the first N characters of the body,
often with the byline glued in front and an ellipsis at the end. A genuine
abstract rewords the article instead. We compare character bigrams of the
excerpt with the opening of what follows it, after folding script and
width and dropping punctuation and spaces, so truncation (`…`, `...`), a
folded-in byline (it follows as its own line) and halfwidth/fullwidth
differences do not matter.
*/

use std::collections::HashSet;

use super::fold::fold_char;

/// Share of the excerpt's bigrams that must occur in the body's opening.
pub const DUPLICATE_THRESHOLD: f64 = 0.8;

/// Shortest excerpt (in letters) worth judging: shorter ones never count
/// as duplicates.
pub const MIN_EXCERPT_CHARS: usize = 8;

/// Letters and digits only, folded.
pub fn normalize(text: &str) -> Vec<char> {
    text.chars()
        .map(fold_char)
        .filter(|&c| super::safety::is_letter(c))
        .collect()
}

/// Whether `excerpt` nearly duplicates the opening of `following` (the
/// text of the lines after it, in order).
pub fn is_lead_duplicate(excerpt: &str, following: &str) -> bool {
    let ex = normalize(excerpt);
    if ex.len() < MIN_EXCERPT_CHARS {
        return false;
    }
    let window = (ex.len() * 2).max(ex.len() + 60);
    let body: Vec<char> = normalize(following).into_iter().take(window).collect();
    let body_bigrams: HashSet<(char, char)> = body.windows(2).map(|w| (w[0], w[1])).collect();
    let total = ex.len() - 1;
    let found = ex
        .windows(2)
        .filter(|w| body_bigrams.contains(&(w[0], w[1])))
        .count();
    found as f64 >= DUPLICATE_THRESHOLD * total as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "文 | 光錐智能，作者 | 魏琳華\n正在規劃第八輪融資的Open AI，給投資人們描述了一個光明的未來：\n在《紐約時報》披露的文件中，Open AI的活躍用戶和營收均保持高速增長。截至今年8月，其月收入達到3億美金。";

    #[test]
    fn truncated_excerpt_with_byline_is_a_duplicate() {
        let ex = "文 | 光錐智能,作者 | 魏琳華 正在規劃第八輪融資的Open AI,給投資人們描述了一個光明的未來: 在《紐約時報》披露的文件中,Open AI的活躍用戶和營收均...";
        assert!(is_lead_duplicate(ex, BODY));
    }

    #[test]
    fn simplified_excerpt_of_traditional_body_is_a_duplicate() {
        assert!(is_lead_duplicate(
            "正在规划第八轮融资的Open AI，给投资人们描述了一个光明……",
            BODY
        ));
    }

    #[test]
    fn a_real_abstract_is_not() {
        let ex = "本文梳理OpenAI近兩年的人事變動與融資壓力，認為其轉向營利是必然選擇。";
        assert!(!is_lead_duplicate(ex, BODY));
    }

    #[test]
    fn too_short_is_not() {
        assert!(!is_lead_duplicate("正在規劃", BODY));
    }
}

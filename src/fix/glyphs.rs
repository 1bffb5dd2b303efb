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
  so only when a phrase covers it with another character;
- anything else is left alone, whatever the phrase says (a Traditional 後
  is never touched, nor is 周 in 周末).

Toward Traditional, a candidate that has a Taiwan or Hong Kong form (裏 →
裡) takes that form when the document uses it and never the OpenCC one, so
a fix does not bring a second variant system into the text.
*/

use std::sync::{Arc, LazyLock};

use super::script::{detect_script, is_han, Script};
use super::tables::{Tables, TABLES};
use super::{Edit, FixOptions, PlannedNote, Rule};
use crate::convert::{builtin_dict, DictData};

/// Phrase dictionaries toward Traditional and toward Simplified.
struct Phrases {
    to_traditional: Vec<Arc<DictData>>,
    to_simplified: Vec<Arc<DictData>>,
}

static PHRASES: LazyLock<Phrases> = LazyLock::new(|| {
    let load = |name: &str| {
        builtin_dict(name).unwrap_or_else(|| panic!("bundled dictionary {name} is missing"))
    };
    Phrases {
        to_traditional: vec![
            load("STPhrases.txt"),
            load("STPhrases_GeneratedFromRegionalPhrases.txt"),
        ],
        to_simplified: vec![load("TSPhrases.txt")],
    }
});

/// Plans the stray-glyph edits for `text`.
pub(super) fn stray(text: &str, _options: &FixOptions, _notes: &mut Vec<PlannedNote>) -> Vec<Edit> {
    let t = &*TABLES;
    let report = detect_script(text);
    let mut edits = Vec::new();
    for paragraph in &report.paragraphs {
        let line = &text[paragraph.range.clone()];
        let Some(target) = report.target_for(paragraph) else {
            continue;
        };
        let to_traditional = match target {
            Script::Traditional => true,
            Script::Simplified => false,
            Script::Mixed | Script::Unknown => continue,
        };
        let needs_look = |c: char| {
            if to_traditional {
                t.is_simplified_only(c) || t.is_contextual_to_traditional(c)
            } else {
                t.is_traditional_only(c) || t.is_contextual_to_simplified(c)
            }
        };
        if !line.chars().any(needs_look) {
            continue;
        }
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        let phrase = phrase_candidates(&chars, to_traditional, t);
        for (i, &(at, c)) in chars.iter().enumerate() {
            let (unambiguous, contextual, default) = if to_traditional {
                (
                    t.is_simplified_only(c),
                    t.is_contextual_to_traditional(c),
                    t.s2t_default(c),
                )
            } else {
                (
                    t.is_traditional_only(c),
                    t.is_contextual_to_simplified(c),
                    t.t2s_default(c),
                )
            };
            let (rule, to) = if unambiguous {
                let to = phrase[i].filter(|p| *p != c).or(default);
                (Rule::StrayGlyph, to)
            } else if contextual {
                (Rule::StrayGlyphContext, phrase[i].filter(|p| *p != c))
            } else {
                continue;
            };
            let Some(mut to) = to else { continue };
            if to_traditional {
                to = follow_document_variants(to, text, t);
            }
            let start = paragraph.range.start + at;
            edits.push(Edit {
                range: start..start + c.len_utf8(),
                to: to.to_string(),
                rule,
            });
        }
    }
    edits
}

/// For each character of a line, the character a multi-character phrase
/// gives it (in the target script), if a phrase covers it.
fn phrase_candidates(
    chars: &[(usize, char)],
    to_traditional: bool,
    t: &Tables,
) -> Vec<Option<char>> {
    let mut source = String::with_capacity(chars.len() * 3);
    let mut offsets = Vec::with_capacity(chars.len());
    for &(_, c) in chars {
        offsets.push(source.len());
        let n = if to_traditional {
            t.t2s_default(c)
        } else {
            t.s2t_default(c)
        };
        source.push(n.unwrap_or(c));
    }
    let phrases = if to_traditional {
        &PHRASES.to_traditional
    } else {
        &PHRASES.to_simplified
    };
    let mut out = vec![None; chars.len()];
    let mut i = 0;
    while i < chars.len() {
        if !is_han(chars[i].1) {
            i += 1;
            continue;
        }
        let rest = &source[offsets[i]..];
        let best = phrases
            .iter()
            .filter_map(|d| d.longest_prefix(rest))
            .max_by_key(|(len, _)| *len);
        let Some((len, value)) = best else {
            i += 1;
            continue;
        };
        let key_chars = rest[..len].chars().count();
        if key_chars >= 2 && value.chars().count() == key_chars {
            for (k, v) in value.chars().enumerate() {
                out[i + k] = Some(v);
            }
            i += key_chars;
        } else {
            i += 1;
        }
    }
    out
}

/// `c` itself, or its regional form when the document writes that form and
/// never `c` (裏 → 裡 in a text that writes 裡).
fn follow_document_variants(c: char, document: &str, t: &Tables) -> char {
    let forms = t.regional_forms(c);
    if forms.is_empty() || document.contains(c) {
        return c;
    }
    forms
        .iter()
        .copied()
        .find(|f| document.contains(*f))
        .unwrap_or(c)
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
    fn each_line_follows_its_own_script() {
        let text = "這是繁體的一段話，們說這個開會。\n这是简体的一段话，们说这个开会。\n";
        assert_eq!(fix(text), text);
    }
}

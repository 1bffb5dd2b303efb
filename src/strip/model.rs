/*!
The line model: a weighed verdict on the short lines no rule knows.

Rules name phrasings; sites print the same boilerplate in phrasings nobody
wrote down (a menu of a site's own sections, `手機版 | 客服中心`, a byline
laid out its own way). The line model scores such a line by its cues, each
a named feature read from the folded line and its place on the page:

- **words**: the line's Han characters and character pairs (`u:登`,
  `b:登录`), its Latin words (`w:login`), and the whole line when it is
  short (`line:首页`);
- **shape**: its length (`len:3-4`), sentence marks (`end:stop`,
  `has:comma`), digits, dates, times, URLs, separators, a bracket or a
  label with a colon in front, no Han at all;
- **rules**: the families of the rules that match the line alone,
  whatever their zone (`rule:header_breadcrumb`);
- **place**: before the page's first prose line, after its last, or
  between (`zone:header`), how far from the top and the bottom
  (`top:2`, `bottom:4-6`), and what the lines above and below are
  (`prev:prose`, `next:rule`).

The score is a sum of the cues' weights and a bias (a logistic model); a
line goes when it reaches the threshold. Weights and threshold are data
(`dictionaries/boilerplate/line-model.tsv`), trained by
`scripts/train-strip-model` on the tuning half of the labelled real pages
only, so the held-out half measures what it learnt. `--explain` prints
the score and the cues that weighed most.

The model never judges a line that reads as prose, a line longer than
[`MAX_CHARS`], or the first line (the title): it only adds removals where
the rules found none, and the safety limit weighs them with the rest.
*/

use std::collections::HashMap;
use std::sync::OnceLock;

/// Longest line (characters, trimmed) the model judges.
pub const MAX_CHARS: usize = 60;

/// The shipped weights: see the module doc.
const SHIPPED: &str = include_str!("../../dictionaries/boilerplate/line-model.tsv");

/// Weights of named cues, a bias and the score a removal needs.
pub struct LineModel {
    bias: f32,
    threshold: f32,
    weights: HashMap<Box<str>, f32>,
}

/// Where a line sits on the page, for the place cues.
pub struct Place {
    /// `header` (before the first prose line), `footer` (after the
    /// last), `body`, or `noprose` (the page has no prose line).
    pub zone: &'static str,
    /// Non-blank lines above it, and below it.
    pub above: usize,
    pub below: usize,
    /// What the nearest non-blank lines above and below are (see
    /// [`neighbour`]).
    pub prev: &'static str,
    pub next: &'static str,
    /// Lines a rule matches among the three non-blank lines above and the
    /// three below.
    pub ruled_near: usize,
    /// Length of the run of short (at most 20 characters) non-prose lines
    /// it is in, counting itself, or 0 when it is longer.
    pub run: usize,
    /// Non-blank lines to the nearest prose line (0 when there is none).
    pub prose_distance: usize,
}

/// A verdict and what decided it.
pub struct Verdict {
    pub remove: bool,
    /// The cues that weighed most, strongest first, with their weights.
    pub cues: Vec<String>,
}

impl LineModel {
    /// The model shipped with zhtidy.
    pub fn shipped() -> &'static LineModel {
        static MODEL: OnceLock<LineModel> = OnceLock::new();
        MODEL.get_or_init(|| LineModel::parse(SHIPPED).expect("shipped line model"))
    }

    /// Reads `feature<TAB>weight` lines; `bias` and `threshold` are two of
    /// them, `#` starts a comment.
    pub fn parse(text: &str) -> Result<LineModel, String> {
        let mut model = LineModel {
            bias: 0.0,
            threshold: f32::INFINITY,
            weights: HashMap::new(),
        };
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let (name, weight) = line
                .rsplit_once('\t')
                .ok_or_else(|| format!("line {}: no tab", n + 1))?;
            let weight: f32 = weight
                .parse()
                .map_err(|_| format!("line {}: not a number", n + 1))?;
            match name {
                "bias" => model.bias = weight,
                "threshold" => model.threshold = weight,
                _ => {
                    model.weights.insert(name.into(), weight);
                }
            }
        }
        Ok(model)
    }

    /// The verdict on a line whose cues are `features`.
    pub fn judge(&self, features: &[String]) -> Verdict {
        let mut weighed: Vec<(&str, f32)> = features
            .iter()
            .filter_map(|f| Some((f.as_str(), *self.weights.get(f.as_str())?)))
            .collect();
        let score = self.bias + weighed.iter().map(|(_, w)| w).sum::<f32>();
        weighed.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        let cues = std::iter::once(format!("score {score:.2} (needs {:.2})", self.threshold))
            .chain(weighed.iter().take(5).map(|(f, w)| format!("{f} {w:+.2}")))
            .collect();
        Verdict {
            remove: score >= self.threshold,
            cues,
        }
    }
}

/// What a neighbouring line is, for [`Place`]: `none` (no line), `prose`,
/// `rule` (a rule matches it), `short` (at most 12 characters) or `line`.
pub fn neighbour(present: bool, prose: bool, ruled: bool, chars: usize) -> &'static str {
    match () {
        _ if !present => "none",
        _ if prose => "prose",
        _ if ruled => "rule",
        _ if chars <= 12 => "short",
        _ => "line",
    }
}

/// The cues of the folded, trimmed line `folded` of `chars` characters,
/// matched alone by rules of `families`, at `place`.
pub fn features<'f>(
    folded: &str,
    chars: usize,
    families: impl Iterator<Item = &'f str>,
    place: &Place,
) -> Vec<String> {
    let mut out = Vec::new();
    out.push(format!(
        "len:{}",
        bucket(chars, &[1, 2, 4, 6, 9, 14, 20, 30, 45])
    ));
    shape(folded, &mut out);
    words(folded, chars, &mut out);
    let mut ruled = false;
    for family in families {
        ruled = true;
        out.push(format!("rule:{family}"));
    }
    if ruled {
        out.push("rule:any".into());
    }
    out.push(format!("zone:{}", place.zone));
    out.push(format!("top:{}", bucket(place.above, &[0, 1, 2, 3, 6, 12])));
    out.push(format!(
        "bottom:{}",
        bucket(place.below, &[0, 1, 2, 3, 6, 12])
    ));
    out.push(format!("prev:{}", place.prev));
    out.push(format!("next:{}", place.next));
    out.push(format!("near:{}", bucket(place.ruled_near, &[0, 1, 2])));
    out.push(format!("run:{}", bucket(place.run, &[0, 1, 3, 7])));
    out.push(format!(
        "prose:{}",
        bucket(place.prose_distance, &[0, 1, 2, 5])
    ));
    out.push(format!("zone:{}+prev:{}", place.zone, place.prev));
    out.push(format!("zone:{}+next:{}", place.zone, place.next));
    out.sort_unstable();
    out.dedup();
    out
}

/// `n` as the bucket of `edges` (upper bounds, ascending) it falls in:
/// `3`, `5-6`, or `46+` past the last.
fn bucket(n: usize, edges: &[usize]) -> String {
    let mut low = 0;
    for &e in edges {
        if n <= e {
            return if low == e {
                e.to_string()
            } else {
                format!("{low}-{e}")
            };
        }
        low = e + 1;
    }
    format!("{low}+")
}

fn shape(folded: &str, out: &mut Vec<String>) {
    let mut push = |cond: bool, name: &str| {
        if cond {
            out.push(name.to_string());
        }
    };
    let last = folded.chars().last().unwrap_or(' ');
    push("。!?;…".contains(last), "end:stop");
    push(":".contains(last), "end:colon");
    push(folded.contains([',', '、']), "has:comma");
    push(folded.contains(['。', ';']), "has:stop");
    push(folded.contains(|c: char| c.is_ascii_digit()), "has:digit");
    let digits = super::cues::Digits::of(folded);
    push(digits.date, "has:date");
    push(digits.time, "has:time");
    push(
        folded.contains("http") || folded.contains("www."),
        "has:url",
    );
    let separators = folded
        .matches(['|', '丨', '>', '»', '/', '•', '·', '›'])
        .count();
    push(separators == 1, "sep:1");
    push(separators >= 2, "sep:2+");
    push(folded.split_whitespace().count() >= 3, "spaces:2+");
    push(
        folded.starts_with(['[', '【', '(', '〔', '<', '《']),
        "open:bracket",
    );
    push(
        folded.ends_with([']', '】', ')', '〕', '>', '》']),
        "close:bracket",
    );
    let label = folded
        .char_indices()
        .take(8)
        .any(|(b, c)| c == ':' && b > 0 && b + 1 < folded.len());
    push(label, "label");
    let han = folded.chars().filter(|&c| is_han(c)).count();
    push(han == 0, "han:none");
    push(
        folded.contains(['{', '}', ';', '=', '@']) || folded.ends_with(['(', ')']),
        "code",
    );
    push(numbered(folded), "numbered");
    push(han > 0 && han * 2 < folded.chars().count(), "han:minority");
}

/// A numbered heading or list item: `一、`, `1.`, `(2)`, `第三章`.
fn numbered(folded: &str) -> bool {
    let head: String = folded.chars().take(4).collect();
    let mut chars = head.chars();
    let first = chars.next().unwrap_or(' ');
    let second = chars.next().unwrap_or(' ');
    let numeral = |c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c);
    (numeral(first) && (second == '、' || second == '.' || numeral(second)))
        || (first == '(' && numeral(second))
        || (first == '第' && numeral(second))
}

fn words(folded: &str, chars: usize, out: &mut Vec<String>) {
    let mut previous: Option<char> = None;
    for c in folded.chars() {
        if is_han(c) {
            out.push(format!("u:{c}"));
            if let Some(p) = previous {
                out.push(format!("b:{p}{c}"));
            }
            previous = Some(c);
        } else {
            previous = None;
        }
    }
    for word in folded
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2)
    {
        out.push(format!("w:{}", word.to_ascii_lowercase()));
    }
    if chars <= 6 {
        let bare: String = folded.chars().filter(|c| !c.is_whitespace()).collect();
        out.push(format!("line:{bare}"));
    }
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{3ffff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(zone: &'static str) -> Place {
        Place {
            zone,
            above: 1,
            below: 20,
            prev: "short",
            next: "short",
            ruled_near: 1,
            run: 2,
            prose_distance: 3,
        }
    }

    #[test]
    fn buckets_name_their_range() {
        let edges = [1, 2, 4, 6];
        assert_eq!(bucket(0, &edges), "0-1");
        assert_eq!(bucket(2, &edges), "2");
        assert_eq!(bucket(3, &edges), "3-4");
        assert_eq!(bucket(7, &edges), "7+");
    }

    #[test]
    fn features_name_words_shape_and_place() {
        let f = features(
            "首页 | 登录",
            7,
            ["chrome-nav"].into_iter(),
            &place("header"),
        );
        for want in [
            "b:首页",
            "b:登录",
            "u:登",
            "sep:1",
            "rule:chrome-nav",
            "rule:any",
            "zone:header",
            "top:1",
            "bottom:13+",
            "prev:short",
            "zone:header+next:short",
        ] {
            assert!(f.iter().any(|x| x == want), "{want} missing from {f:?}");
        }
        assert!(!f.iter().any(|x| x.starts_with("line:")), "{f:?}");
    }

    #[test]
    fn a_model_adds_its_weights_to_the_bias() {
        let m = LineModel::parse("# comment\nbias\t-1\nthreshold\t0.5\nb:登录\t2\nzone:body\t-3\n")
            .unwrap();
        let header = m.judge(&features("登录", 2, std::iter::empty(), &place("header")));
        assert_eq!(header.cues[0], "score 1.00 (needs 0.50)");
        assert!(header.remove);
        assert!(
            header.cues.iter().any(|c| c == "b:登录 +2.00"),
            "{:?}",
            header.cues
        );
        let body = m.judge(&features("登录", 2, std::iter::empty(), &place("body")));
        assert!(!body.remove);
    }

    #[test]
    fn a_model_file_without_a_tab_is_refused() {
        assert!(LineModel::parse("bias 1\n").is_err());
    }

    #[test]
    fn the_shipped_model_parses() {
        let m = LineModel::shipped();
        assert!(m.threshold.is_finite());
        assert!(!m.weights.is_empty());
    }
}

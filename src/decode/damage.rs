/*!
Damage that cannot be undone: characters already lost before the text
reached us. Chinese users know the marks by name:

- U+FFFD runs (口字码 / 问句码): bytes a decoder could not map, typically
  GBK read as UTF-8;
- 锟斤拷: U+FFFD itself (`EF BF BD` in UTF-8) read back as GBK;
- 烫烫烫 / 屯屯屯: uninitialised stack (`0xCC`) or heap (`0xCD`) memory of
  MSVC debug builds printed as GBK;
- `?` runs: characters an encoder could not hold, each replaced by `?`
  (Chinese saved through a Latin-1 database column becomes `???? ??`).

Nothing here is repaired: there is nothing left to repair from. The marks
are counted ([`Damage`]) so that `detect`, `--explain` and the reports can
say what is lost, and [`line_is_damaged`] tells later stages which lines
to leave alone (a glyph "fix" next to a hole would be a guess).

Each test is chosen so that clean text never matches: 锟斤 and three 烫 or
屯 in a row do not occur in real prose (two do: 烫烫的), and `?` runs
count only where question marks outnumber both the ideographs and the
letters of their line, as in text whose characters were all lost; a
scattered `??` in informal writing is not damage.
*/

/// Irreversible damage found in a text, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Damage {
    /// U+FFFD replacement characters.
    pub fffd: usize,
    /// 锟斤拷 marks (each 锟斤 counts once).
    pub kunkao: usize,
    /// 烫 in runs of three or more.
    pub tang: usize,
    /// 屯 in runs of three or more.
    pub tun: usize,
    /// `?` standing for lost characters.
    pub question: usize,
    /// The damaged lines, numbered from 1.
    pub lines: Vec<usize>,
}

impl Damage {
    /// Counts the damage in `text`.
    pub fn find(text: &str) -> Damage {
        let mut d = Damage::default();
        // A line without one of these marks holds no damage of any kind,
        // and most texts hold none at all: a few fast scans of the whole
        // find the lines to count, and spare the others.
        let bytes = text.as_bytes();
        let mut starts: Vec<usize> = ["\u{FFFD}", "锟", "烫烫", "屯屯", "??"]
            .iter()
            .flat_map(|mark| memchr::memmem::find_iter(bytes, mark.as_bytes()))
            .map(|at| memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1))
            .collect();
        starts.sort_unstable();
        starts.dedup();
        // Line numbers as `str::lines` counts them, found going down.
        let (mut number, mut counted_to) = (1, 0);
        for start in starts {
            number += memchr::memchr_iter(b'\n', &bytes[counted_to..start]).count();
            counted_to = start;
            let line = match memchr::memchr(b'\n', &bytes[start..]) {
                Some(len) => {
                    let line = &text[start..start + len];
                    line.strip_suffix('\r').unwrap_or(line)
                }
                None => &text[start..],
            };
            let before = d.total();
            d.add_line(line);
            if d.total() > before {
                d.lines.push(number);
            }
        }
        d
    }

    /// Whether anything was found.
    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }

    /// Every mark counted, of all kinds.
    pub fn total(&self) -> usize {
        self.fffd + self.kunkao + self.tang + self.tun + self.question
    }

    fn add_line(&mut self, line: &str) {
        if line.is_ascii() && !line.contains("??") {
            return;
        }
        self.fffd += line.matches('\u{FFFD}').count();
        self.kunkao += line.matches("锟斤").count();
        self.tang += run_chars(line, '烫');
        self.tun += run_chars(line, '屯');
        self.question += lost_question_marks(line);
    }

    /// The kind as `zhtidy detect` names it (`damaged:fffd=12`,
    /// `damaged:kunkao=2,question=30`), or `None` when undamaged.
    pub fn kind(&self) -> Option<String> {
        let parts: Vec<String> = [
            ("fffd", self.fffd),
            ("kunkao", self.kunkao),
            ("tang", self.tang),
            ("tun", self.tun),
            ("question", self.question),
        ]
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{k}={n}"))
        .collect();
        (!parts.is_empty()).then(|| format!("damaged:{}", parts.join(",")))
    }
}

/// Whether `line` carries irreversible damage; later stages make no glyph
/// edit in such a line.
pub fn line_is_damaged(line: &str) -> bool {
    let mut d = Damage::default();
    d.add_line(line);
    !d.is_empty()
}

/// Characters `c` in runs of three or more.
fn run_chars(line: &str, c: char) -> usize {
    let (mut total, mut run) = (0, 0);
    for ch in line.chars().chain(std::iter::once('\0')) {
        if ch == c {
            run += 1;
        } else {
            if run >= 3 {
                total += run;
            }
            run = 0;
        }
    }
    total
}

/// `?` in runs of two or more, when such question marks outnumber the
/// line's ideographs and its ASCII letters: the line's characters were
/// lost, not its author asking twice.
fn lost_question_marks(line: &str) -> usize {
    let (mut in_runs, mut run, mut han, mut letters) = (0, 0, 0, 0);
    for c in line.chars().chain(std::iter::once('\0')) {
        if c == '?' {
            run += 1;
            continue;
        }
        if run >= 2 {
            in_runs += run;
        }
        run = 0;
        if c.is_ascii_alphabetic() {
            letters += 1;
        } else if ('\u{3400}'..='\u{9FFF}').contains(&c) {
            han += 1;
        }
    }
    if in_runs >= 4 && in_runs > han && in_runs > letters {
        in_runs
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_counted() {
        let d = Damage::find("好\u{FFFD}\u{FFFD}文\n锟斤拷锟斤拷\n烫烫烫烫\n屯屯屯\n???? ?? ???\n");
        assert_eq!(
            (d.fffd, d.kunkao, d.tang, d.tun, d.question),
            (2, 2, 4, 3, 9)
        );
        assert_eq!(d.lines, vec![1, 2, 3, 4, 5]);
        assert_eq!(
            d.kind().as_deref(),
            Some("damaged:fffd=2,kunkao=2,tang=4,tun=3,question=9")
        );
    }

    /// Counting only the lines that hold a mark gives what counting
    /// every line gives, line numbers included.
    #[test]
    fn only_lines_with_a_mark_are_counted_as_every_line_would_be() {
        let text = "前言\r\n好\u{FFFD}\u{FFFD}文\r\n\n烫烫的茶\n屯屯屯屯\n锟斤拷\n\
                    ok?? fine\n???? ?? ???\n\n烫烫烫\r\n锟\n??\u{FFFD}???\r";
        let mut every = Damage::default();
        for (i, line) in text.lines().enumerate() {
            let before = every.total();
            every.add_line(line);
            if every.total() > before {
                every.lines.push(i + 1);
            }
        }
        assert_eq!(Damage::find(text), every);
        assert_eq!(every.lines, vec![2, 5, 6, 8, 10, 12]);
    }

    #[test]
    fn clean_text_is_not_damaged() {
        for line in [
            "这杯茶烫烫的，小心。",
            "What??? Really??",
            "真的吗???我不信，这本书太差了??",
            "Le café est très bon.",
            "屯兵边境，烫手山芋。",
        ] {
            assert!(!line_is_damaged(line), "{line}");
        }
        assert!(Damage::find("plain\ntext\n").kind().is_none());
    }
}

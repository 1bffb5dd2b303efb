/*!
Which characters belong to which script, derived from OpenCC's character
tables at first use (never a hand-written list).

From `STCharacters.txt` (Simplified → Traditional candidates) and
`TSCharacters.txt` (Traditional → Simplified candidates):

- a *Traditional character* is a value of STCharacters or a key of
  TSCharacters; a *Simplified character* is a key of STCharacters or a value
  of TSCharacters;
- **Simplified-only** (开, 线, 这): a key of STCharacters that is not a
  Traditional character, so s2t always maps it away and it is never valid
  in Traditional text;
- **Traditional-only** (這, 們, 說, 爲): a key of TSCharacters that is not a
  Simplified character;
- **shared** toward Traditional (准, 后, 台, 么, 愿): a key of STCharacters
  that is also a Traditional character; toward Simplified (乾, 著): a key of
  TSCharacters that is also a Simplified character.

A shared character may change only when a phrase says so (標准 → 標準),
only if its own default conversion is another character (准 → 準, but 周
→ 周 by default, so 周末 is never "fixed" into 週末, nor 係 forced on 系),
and never when it is the regional standard form of its own candidate
(HKVariants maps 臺 → 台, so 台 in 平台 or 台面 is correct Traditional
text). One exception to "only by a phrase", also read from the data: a
shared character that STPhrases keeps as itself in under 10% of the
phrases containing it (挂 → 掛, 后 → 後; toward Simplified 於 → 于) is
nearly always a stray, so outside any phrase its character default
applies; 准 (批准), 范 (surnames), 里 (公里), 于 (surname) stay
phrase-only.

A shared character excluded above (周, 系, 台) still changes in a text
damaged by conversion, where a phrase covers it and the document
elsewhere writes the character the phrase gives (關系 in a text that also
writes 係). See [`glyphs`](super::glyphs).

The text files are the pinned ones under `dictionaries/opencc/` that
build.rs also compiles, so these sets always match the bundled converters.
*/

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use crate::convert::builtin_dict;
use crate::convert::dict_data::parse_text;

const ST_CHARACTERS: &str = include_str!("../../dictionaries/opencc/STCharacters.txt");
const TS_CHARACTERS: &str = include_str!("../../dictionaries/opencc/TSCharacters.txt");
const HK_VARIANTS: &str = include_str!("../../dictionaries/opencc/HKVariants.txt");
const TW_VARIANTS: &str = include_str!("../../dictionaries/opencc/TWVariants.txt");
const ST_PHRASES: &str = include_str!("../../dictionaries/opencc/STPhrases.txt");

/// Characters of a written vernacular that OpenCC's tables file as
/// Simplified (or convert by default), each with the characters that mark a
/// document as written in that vernacular. Written Cantonese writes 晒
/// (all: 食晒), 吓 (吓？; 嚇 is "frighten"), 恒 (恒生), 厘 (厘米), 响 (at, as
/// 喺), 糍 (糯米糍) and 咸 (salty: 咸魚, 咸濕); written Taiwanese writes 个
/// (ê), 庄 (village) and 糍 (麻糍).
/// In such a document they are valid Traditional where they stand; in
/// another, 个 and 吓 are what a converter leaves, and stay strays.
const VERNACULAR_FORMS: [(&str, &str); 2] = [
    (
        "晒吓恒厘糍响咸",
        "嘅啲佢喺咗冇嘢哋唔嚟嗰咩咁㗎囖噉睇啱攞喎啩嗱冚瞓諗",
    ),
    ("个庄糍", "佇袂毋攏恁𪜶佮咱阮咧矣"),
];

/// How many marker characters make a document one of a vernacular: a
/// single one may be a quotation.
pub(crate) const VERNACULAR_MARKERS: usize = 2;

/// Per vernacular of [`VERNACULAR_FORMS`], in its order: characters it
/// writes as words of its own where OpenCC's phrases read another word
/// around them, and the characters of Mandarin prose it writes otherwise.
///
/// Written Cantonese writes 係 "is" (係個 "is a", which STPhrases reads as
/// 繫個 "tie one"; 而家係 "now is", read as 家系 "family line"), 只 (只係,
/// 不單只), 鍾 (鍾意 "like"), 喂 ("hey", not 餵 "feed") and 僕 (僕街); and
/// 嘅 呢 哋 係 冇 好 佢 講 for Mandarin's 的 這 們 是 沒 很 他 她 說. Written
/// Taiwanese writes 干 (干焦 "only"), 欲 ("want", not 慾 "desire"), 擺
/// ("times", not 襬 "hem") and 家 (家伙 "property"); and 𪜶 阮 無 真 伊 講
/// for Mandarin's 們 沒 很 他 她 說 (it writes 的, 是 and 這 too).
///
/// A document that writes one of a vernacular's markers, or none of
/// Mandarin's characters, may be in that vernacular: a one-sentence
/// document (我外太公係個滿人。) gives too little text to tell. There the
/// vernacular's own characters are no evidence of damage, and its words
/// change only inside a phrase that still holds a certain stray.
const VERNACULAR_WORDS: [(&str, &str); 2] = [
    ("係只鍾喂僕", "的這們是沒很他她說"),
    ("干欲擺家", "們沒很他她說"),
];

/// Shared characters that Taiwan and Hong Kong write in most of the words
/// where OpenCC's Traditional writes another character (了解, 周末, 借口,
/// 回歸, 占有, 出戲, 核實, 搜集, 鄰里, 台面, 發布, 局限): measured on native text, each
/// such word is right as written there. Like the regional forms of
/// `TWVariants` and `HKVariants` (台, 才, 核, 群, 床), they change only in
/// a phrase that still holds a certain stray (see
/// [`Tables::is_regional_standard`]).
const REGIONAL_SHARED: &str = "了周借回占出搜里台布局";

/// Phrases right as written in some Traditional standard, though
/// STPhrases' first value is another spelling, and not listed there as an
/// alternative: 游動 (a fish swimming; STPhrases reads 游动 as 遊動, "to
/// roam"), 盡量 and 注定 (Taiwan's standard spellings; STPhrases writes
/// 儘量, 註定).
/// 盡快 is Hong Kong's standard spelling too (STPhrases writes 儘快), and
/// 粉麵 "rice noodles and noodles" is a word of its own (STPhrases reads
/// 粉面 "face powder").
/// 這只 ("this only": 這只有一個, which STPhrases reads as 這隻, "this
/// one [animal]"), 並發 (Taiwan's "concurrent"; STPhrases writes 併發,
/// the complication of an illness) and 想象 (a standard spelling beside
/// 想像 in both regions), 進位制 (a number base, which forward matching
/// cuts before 制表, "to make a table").
const WORDS_AS_WRITTEN: &[&str] = &[
    "游動",
    "盡量",
    "盡快",
    "注定",
    "這只",
    "並發",
    "想象",
    "進位制",
    "粉麵",
];

/// Phrase residue written in no Traditional standard, each a word whose
/// characters a converter left one by one (關系 for 關係, 收獲 for 收穫):
/// found on machine-converted pages, written in no native text. In a short
/// text with no certain stray, only these change a character that is valid
/// Traditional and that s2t keeps by default (系, 制) or a Traditional
/// character beside its sibling (係, 隻; see
/// [`Tables::in_short_text_residue`]); elsewhere OpenCC's phrases differ
/// from the writer's spelling too often (合眼, 注文, 娘親 are words as
/// written; 個中 and 隻好 straddle two words: 一個中國, 呢隻 | 好).
const SHORT_TEXT_RESIDUE: &[&str] = &[
    "關系",
    "制作",
    "注冊",
    "日志",
    "沖突",
    "係統",
    "幹脆",
    "複歸",
    "木制品",
    "收獲",
    "隻需",
];

/// Traditional characters that converters other than OpenCC pick for their
/// Simplified character where OpenCC's default is another (系 → 係, 冲 →
/// 沖, 复 → 複, 只 → 隻): found as phrase residue on converted pages (係統,
/// 沖突, 複歸, 隻需要), so a phrase written in no standard with one of them
/// is repaired like a default pick.
const CONVERTER_PICKS: &str = "係沖複隻";

/// Words in which a vernacular's character cannot be that vernacular's
/// word: Cantonese 响 is "at" (响屋企), a word of its own before a place,
/// never the second half of 影响 or 音响, which are a converter's leftover
/// of 影響 and 音響 in any document.
const VERNACULAR_RESIDUE: &[&str] = &[
    "影响", "音响", "反响", "回响", "交响", "作响", "打响", "声响", "聲响", "响应", "響应", "响亮",
];

/// Whether the short list of characters `list` holds `c`. Walking a
/// dozen characters is many times cheaper than `str::contains`, which
/// sets up a substring search for a character beyond ASCII, and these
/// lists are asked about most characters fix looks at.
fn has_char(list: &str, c: char) -> bool {
    list.chars().any(|x| x == c)
}

/// Whether the character at `i` of `chars` is part of an occurrence of one
/// of `words` there.
fn stands_in_one_of(words: &[&str], chars: &[(usize, char)], i: usize) -> bool {
    let c = chars[i].1;
    words.iter().any(|word| {
        word.chars()
            .enumerate()
            .filter(|&(_, w)| w == c)
            .any(|(k, _)| {
                i.checked_sub(k).is_some_and(|start| {
                    let mut at = chars[start..].iter().map(|&(_, c)| c);
                    word.chars().all(|w| at.next() == Some(w))
                })
            })
    })
}

/// The character classes, built once per process.
pub(crate) static TABLES: LazyLock<Tables> = LazyLock::new(Tables::build);

/// Builds [`TABLES`] if not built yet.
pub(super) fn prepare() {
    LazyLock::force(&TABLES);
}

/// Single-character candidates per key, in file order (first = default).
type CharMap = HashMap<char, Vec<char>, CharHash>;

/// A hasher for `char` keys: one multiplication instead of SipHash, which
/// was a third of the fix stage's time (the keys are bundled dictionary
/// characters and the text's own characters, so there is nothing to defend
/// against).
#[derive(Default, Clone, Copy)]
pub(crate) struct CharHasher(u64);

impl Hasher for CharHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u32(u32::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(n)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }
}

/// Builds [`CharHasher`]s.
pub(crate) type CharHash = BuildHasherDefault<CharHasher>;

/// Code points below this have their class bits in [`Tables::class`]
/// (every Han block is below it); the sets answer for the rest.
const CLASS_LIMIT: usize = 0x40000;

/// Bits of [`Tables::class`], one per character set.
const SIMPLIFIED_ONLY: u16 = 1;
const TRADITIONAL_ONLY: u16 = 1 << 1;
const CONTEXTUAL_TO_TRADITIONAL: u16 = 1 << 2;
const CONTEXTUAL_TO_SIMPLIFIED: u16 = 1 << 3;
const SHARED_TO_TRADITIONAL: u16 = 1 << 4;
/// A Han character ([`super::chars::is_han`]).
const HAN: u16 = 1 << 5;
const SHARED_TO_SIMPLIFIED: u16 = 1 << 6;
const MOSTLY_TO_TRADITIONAL: u16 = 1 << 7;
const MOSTLY_TO_SIMPLIFIED: u16 = 1 << 8;
/// Characters an artifact step acts on (not character sets of the
/// dictionaries): a text with none of a step's characters gives it nothing
/// to do, which the union of a text's class bits tells (see
/// [`super::script::line_evidence`]). Each covers exactly what the step's
/// own search stops at.
/// `&`, which begins an HTML entity.
pub(crate) const AMPERSAND: u16 = 1 << 9;
/// The zero-width characters of [`super::byte_search::ZERO_WIDTH`].
pub(crate) const ZERO_WIDTH: u16 = 1 << 10;
/// What [`super::byte_search::COMPAT_START`] stops at: U+F900–FAFF and
/// U+2F000–2FFFF.
pub(crate) const COMPAT: u16 = 1 << 11;
/// What [`super::byte_search::RADICAL_START`] stops at: U+2E80–2FFF.
pub(crate) const RADICAL: u16 = 1 << 12;
/// `(` and `（`, where a pinyin annotation may open.
pub(crate) const PAREN: u16 = 1 << 13;
/// The halfwidth marks that `fullwidth-punct` converts.
pub(crate) const HALFWIDTH_MARK: u16 = 1 << 14;
/// Not a set: stands for a character above the table in
/// [`Tables::classes_of`], whose sets are not known from bits.
pub(crate) const OUTSIDE: u16 = 1 << 15;

/// Script membership of characters; see the module doc.
#[derive(Debug)]
pub(crate) struct Tables {
    /// STCharacters' and TSCharacters' default values (the first of each
    /// entry): one probe, without a hop to the entry's value list.
    st_default: HashMap<char, char, CharHash>,
    ts_default: HashMap<char, char, CharHash>,
    simplified_only: HashSet<char>,
    traditional_only: HashSet<char>,
    /// Shared characters allowed to change toward Traditional by a phrase.
    contextual_to_traditional: HashSet<char>,
    /// Shared characters allowed to change toward Simplified by a phrase.
    contextual_to_simplified: HashSet<char>,
    /// Keys of STCharacters that are also Traditional characters (台, 系).
    shared_to_traditional: HashSet<char>,
    /// Keys of TSCharacters that are also Simplified characters (乾, 於).
    shared_to_simplified: HashSet<char>,
    /// Shared characters that OpenCC's phrases nearly always convert toward
    /// Traditional (挂, 后): outside any phrase, their default applies.
    mostly_converted_to_traditional: HashSet<char>,
    /// Likewise toward Simplified (於).
    mostly_converted_to_simplified: HashSet<char>,
    /// OpenCC-standard character → its Hong Kong and Taiwan forms.
    regional_forms: CharMap,
    /// OpenCC-standard character → its Taiwan form (TWVariants default).
    taiwan_forms: HashMap<char, char, CharHash>,
    /// OpenCC-standard character → its Hong Kong form (HKVariants default).
    hong_kong_forms: HashMap<char, char, CharHash>,
    /// Traditional-only characters whose Simplified character has another
    /// Traditional candidate (乾 and 幹 of 干, 沖 beside 衝 of 冲); see
    /// [`Tables::is_sibling`].
    siblings: HashSet<char, CharHash>,
    /// Characters a Traditional standard writes where OpenCC's does not
    /// (see [`Tables::is_regional_standard`]).
    regional_standard: HashSet<char, CharHash>,
    /// STCharacters' values per key.
    st_candidates: CharMap,
    /// The characters that are TSCharacters' default of some other
    /// character (系 of 係): see [`Tables::has_other_traditional_form`].
    traditional_forms_of: HashSet<char, CharHash>,
    /// The two-character words of STPhrases' values (複查, 關係): words as
    /// OpenCC writes them (see [`Tables::in_traditional_word`]).
    traditional_pairs: HashSet<(char, char), CharHash>,
    /// Phrases that are words as written in some Traditional standard
    /// (see [`Tables::is_word_as_written`]).
    words_as_written: HashSet<&'static str, foldhash::fast::RandomState>,
    /// The sets above as bits per code point (below [`CLASS_LIMIT`]): the
    /// per-character questions of script detection and stray-glyph fixing
    /// are an index instead of a hash lookup.
    class: Box<[u16]>,
}

fn char_map(text: &str, name: &str) -> CharMap {
    let entries = parse_text(text).unwrap_or_else(|e| panic!("bundled {name} does not parse: {e}"));
    let mut map = CharMap::default();
    for entry in entries {
        let mut key = entry.key.chars();
        let (Some(k), None) = (key.next(), key.next()) else {
            continue;
        };
        let values: Vec<char> = entry
            .values
            .iter()
            .filter_map(|v| {
                let mut cs = v.chars();
                match (cs.next(), cs.next()) {
                    (Some(c), None) => Some(c),
                    _ => None,
                }
            })
            .collect();
        if !values.is_empty() {
            map.insert(k, values);
        }
    }
    map
}

/// Per character: (times kept as itself, times converted).
type PhraseStats = HashMap<char, (u32, u32), CharHash>;

/// A shared character is "mostly converted" when STPhrases keeps it as
/// itself in fewer than this share of its aligned occurrences.
const MOSTLY_CONVERTED: f64 = 0.10;

/// Per character, over the phrases of STPhrases whose key and value have
/// the same length, aligned character by character: toward Traditional,
/// (times a key character stays itself, times it becomes another); toward
/// Simplified, (times a value character comes from itself, times it comes
/// from another key character).
fn phrase_statistics() -> (PhraseStats, PhraseStats) {
    // The compiled dictionary holds each key's default value: reading it
    // in place costs a fraction of parsing the text file again.
    let phrases = builtin_dict("STPhrases.txt").expect("bundled STPhrases.txt is missing");
    let mut to_t = PhraseStats::default();
    let mut to_s = PhraseStats::default();
    for (key, value) in phrases.pairs() {
        if key.chars().count() != value.chars().count() {
            continue;
        }
        for (k, v) in key.chars().zip(value.chars()) {
            let t = to_t.entry(k).or_default();
            let s = to_s.entry(v).or_default();
            if k == v {
                t.0 += 1;
                s.0 += 1;
            } else {
                t.1 += 1;
                s.1 += 1;
            }
        }
    }
    (to_t, to_s)
}

/// The phrases that are words as written in some Traditional standard
/// though a converter might spell them otherwise: every value but the
/// first of an STPhrases entry (不准 beside 不準: "not allowed" beside
/// "inaccurate") and [`WORDS_AS_WRITTEN`].
fn words_as_written() -> HashSet<&'static str, foldhash::fast::RandomState> {
    let mut words: HashSet<&'static str, _> = WORDS_AS_WRITTEN.iter().copied().collect();
    let entries = ST_PHRASES
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'));
    for (_, values) in entries {
        words.extend(values.split(' ').skip(1).filter(|v| !v.is_empty()));
    }
    words
}

/// Every two-character value of STPhrases, as a pair.
fn traditional_pairs() -> HashSet<(char, char), CharHash> {
    let phrases = builtin_dict("STPhrases.txt").expect("bundled STPhrases.txt is missing");
    phrases
        .pairs()
        .filter_map(|(_, value)| {
            let mut cs = value.chars();
            match (cs.next(), cs.next(), cs.next()) {
                (Some(a), Some(b), None) => Some((a, b)),
                _ => None,
            }
        })
        .collect()
}

/// The artifact bits of code point `cp` (see [`AMPERSAND`]).
fn artifact_bits(cp: u32) -> u16 {
    let mut bits = 0;
    let c = char::from_u32(cp);
    if c == Some('&') {
        bits |= AMPERSAND;
    }
    if matches!(cp, 0x200B..=0x200D | 0x2060 | 0xFEFF) {
        bits |= ZERO_WIDTH;
    }
    if matches!(cp, 0xF900..=0xFAFF | 0x2F000..=0x2FFFF) {
        bits |= COMPAT;
    }
    if matches!(cp, 0x2E80..=0x2FFF) {
        bits |= RADICAL;
    }
    if matches!(c, Some('(' | '（')) {
        bits |= PAREN;
    }
    if c.is_some_and(super::chars::is_halfwidth_mark) {
        bits |= HALFWIDTH_MARK;
    }
    bits
}

impl Tables {
    fn build() -> Self {
        let st = char_map(ST_CHARACTERS, "STCharacters.txt");
        let ts = char_map(TS_CHARACTERS, "TSCharacters.txt");
        let mut traditional: HashSet<char> = ts.keys().copied().collect();
        traditional.extend(st.values().flatten().copied());
        let mut simplified: HashSet<char> = st.keys().copied().collect();
        simplified.extend(ts.values().flatten().copied());

        // 臺 → 台 in HKVariants: 台 is a regional standard form of 臺.
        let mut regional: HashSet<(char, char)> = HashSet::new();
        let mut regional_forms = CharMap::default();
        let mut taiwan_forms = HashMap::default();
        let mut hong_kong_forms = HashMap::default();
        for (text, name) in [
            (HK_VARIANTS, "HKVariants.txt"),
            (TW_VARIANTS, "TWVariants.txt"),
        ] {
            let own = if name.starts_with("HK") {
                &mut hong_kong_forms
            } else {
                &mut taiwan_forms
            };
            // Only the default value counts: TWVariants lists 麼 → 麼 么,
            // which does not make 么 the Taiwan form of 麼.
            for (from, tos) in char_map(text, name) {
                let to = tos[0];
                own.insert(from, to);
                regional.insert((from, to));
                let forms = regional_forms.entry(from).or_default();
                if to != from && !forms.contains(&to) {
                    forms.push(to);
                }
            }
        }

        let mut regional_standard: HashSet<char, CharHash> =
            regional_forms.values().flatten().copied().collect();
        regional_standard.extend(REGIONAL_SHARED.chars());
        let simplified_only = st
            .keys()
            .copied()
            .filter(|c| !traditional.contains(c))
            .collect();
        let traditional_only = ts
            .keys()
            .copied()
            .filter(|c| !simplified.contains(c))
            .collect();
        let shared_to_traditional = st
            .keys()
            .filter(|c| traditional.contains(c))
            .copied()
            .collect();
        let shared_to_simplified = ts
            .keys()
            .filter(|c| simplified.contains(c))
            .copied()
            .collect();
        let contextual_to_traditional: HashSet<char> = st
            .iter()
            .filter(|(c, values)| {
                traditional.contains(c)
                    && values[0] != **c
                    && !values.iter().any(|v| regional.contains(&(*v, **c)))
            })
            .map(|(c, _)| *c)
            .collect();
        let contextual_to_simplified: HashSet<char> = ts
            .iter()
            .filter(|(c, values)| simplified.contains(c) && values[0] != **c)
            .map(|(c, _)| *c)
            .collect();

        let siblings = ts
            .iter()
            .filter(|(c, _)| !simplified.contains(c))
            .filter(|(c, values)| {
                st.get(&values[0])
                    .is_some_and(|t| t.iter().any(|v| v != *c))
            })
            .map(|(c, _)| *c)
            .collect();
        let (to_t, to_s) = phrase_statistics();
        let mostly = |set: &HashSet<char>, map: &CharMap, stats: &PhraseStats| {
            set.iter()
                .filter(|c| map.get(c).is_some_and(|v| v[0] != **c))
                .filter(|c| {
                    let (kept, converted) = stats.get(c).copied().unwrap_or((0, 0));
                    converted > 0
                        && f64::from(kept) < MOSTLY_CONVERTED * f64::from(kept + converted)
                })
                .copied()
                .collect::<HashSet<char>>()
        };
        let mostly_converted_to_traditional = mostly(&contextual_to_traditional, &st, &to_t);
        let mostly_converted_to_simplified = mostly(&contextual_to_simplified, &ts, &to_s);
        let defaults = |map: &CharMap| map.iter().map(|(&k, v)| (k, v[0])).collect();
        let mut tables = Self {
            st_default: defaults(&st),
            ts_default: defaults(&ts),
            simplified_only,
            traditional_only,
            contextual_to_traditional,
            contextual_to_simplified,
            shared_to_traditional,
            shared_to_simplified,
            mostly_converted_to_traditional,
            mostly_converted_to_simplified,
            regional_forms,
            taiwan_forms,
            hong_kong_forms,
            regional_standard,
            siblings,
            words_as_written: words_as_written(),
            st_candidates: st.clone(),
            traditional_forms_of: ts
                .iter()
                .filter(|(k, v)| v[0] != **k)
                .map(|(_, v)| v[0])
                .collect(),
            traditional_pairs: traditional_pairs(),
            class: Box::new([]),
        };
        tables.class = tables.class_bits();
        tables
    }

    /// The character sets as bits per code point (see [`Tables::class`]).
    fn class_bits(&self) -> Box<[u16]> {
        let mut class = vec![0u16; CLASS_LIMIT];
        for (set, bit) in [
            (&self.simplified_only, SIMPLIFIED_ONLY),
            (&self.traditional_only, TRADITIONAL_ONLY),
            (&self.contextual_to_traditional, CONTEXTUAL_TO_TRADITIONAL),
            (&self.contextual_to_simplified, CONTEXTUAL_TO_SIMPLIFIED),
            (&self.shared_to_traditional, SHARED_TO_TRADITIONAL),
            (&self.shared_to_simplified, SHARED_TO_SIMPLIFIED),
            (&self.mostly_converted_to_traditional, MOSTLY_TO_TRADITIONAL),
            (&self.mostly_converted_to_simplified, MOSTLY_TO_SIMPLIFIED),
        ] {
            for &c in set {
                if let Some(bits) = class.get_mut(c as usize) {
                    *bits |= bit;
                }
            }
        }
        for (cp, bits) in class.iter_mut().enumerate() {
            if char::from_u32(cp as u32).is_some_and(super::chars::is_han) {
                *bits |= HAN;
            }
            *bits |= artifact_bits(cp as u32);
        }
        class.into_boxed_slice()
    }

    /// The class bits of `c`, or `None` above the table (where only the
    /// sets answer).
    #[inline]
    pub(crate) fn class_of(&self, c: char) -> Option<u16> {
        self.class.get(c as usize).copied()
    }

    /// The class bits of the code point `cp`, which must be below U+10000
    /// (a character of one to three UTF-8 bytes), read without a bounds
    /// check: script detection reads one per character of every line.
    #[inline]
    pub(crate) fn classes_of_bmp(&self, cp: u32) -> u16 {
        const { assert!(CLASS_LIMIT > 0xFFFF) };
        assert!(cp < 0x10000, "U+{cp:X} is above the BMP");
        debug_assert_eq!(self.class.len(), CLASS_LIMIT);
        // SAFETY: the table has CLASS_LIMIT entries once built (`build`
        // replaces the empty placeholder before the tables are shared),
        // more than any code point below U+10000.
        unsafe { *self.class.get_unchecked(cp as usize) }
    }

    /// The class bits of `c`, or [`OUTSIDE`] above the table.
    #[inline]
    pub(crate) fn classes_of(&self, c: char) -> u16 {
        self.class.get(c as usize).copied().unwrap_or(OUTSIDE)
    }

    /// Script detection's evidence from a character's class bits: (Han,
    /// Traditional-only, Simplified-only), each 0 or 1, the last two only
    /// for Han characters (as [`Tables::script_only`] decides); none for
    /// [`OUTSIDE`]. The plain form of [`Tables::packed_evidence`], which
    /// the tests check against it.
    #[cfg(test)]
    pub(crate) fn evidence_of(bits: u16) -> (usize, usize, usize) {
        let bits = if bits == OUTSIDE { 0 } else { bits };
        let han = usize::from(bits & HAN != 0);
        let traditional = usize::from(bits & TRADITIONAL_ONLY != 0);
        let simplified = usize::from(bits & SIMPLIFIED_ONLY != 0) & (1 - traditional);
        (han, han & traditional, han & simplified)
    }

    /// [`Tables::evidence_of`] packed in one word, Han count in bits 0–20,
    /// Traditional-only in 21–41 and Simplified-only in 42–62: a sum of at
    /// most 2^21 − 1 of them unpacks with [`Tables::unpack_evidence`], so
    /// counting a line is one table read and one add per character.
    #[inline]
    pub(crate) fn packed_evidence(bits: u16) -> u64 {
        const PACKED: [u64; 8] = {
            let mut table = [0u64; 8];
            let mut i = 0;
            while i < 8 {
                let (simplified, traditional, han) =
                    (i as u64 & 1, i as u64 >> 1 & 1, i as u64 >> 2);
                table[i] =
                    han | (han & traditional) << 21 | (han & simplified & (1 - traditional)) << 42;
                i += 1;
            }
            table
        };
        const { assert!(SIMPLIFIED_ONLY == 1 && TRADITIONAL_ONLY == 2 && HAN == 1 << 5) };
        // OUTSIDE has none of the three bits: no evidence, as in `evidence_of`.
        PACKED[usize::from(bits & 3) | usize::from(bits >> 3 & 4)]
    }

    /// The (Han, Traditional-only, Simplified-only) counts of a sum of
    /// [`Tables::packed_evidence`] words.
    #[inline]
    pub(crate) fn unpack_evidence(sum: u64) -> (usize, usize, usize) {
        const FIELD: u64 = (1 << 21) - 1;
        let field = |shift: u32| (sum >> shift & FIELD) as usize;
        (field(0), field(21), field(42))
    }

    /// The class bits of the characters the stray-glyph step looks at
    /// toward Traditional (or Simplified): certain strays, contextual
    /// characters, and shared ones toward Traditional or in a damaged
    /// document.
    pub(crate) fn look_mask(to_traditional: bool, damaged: bool) -> u16 {
        let (stray, contextual, shared) = if to_traditional {
            (
                SIMPLIFIED_ONLY,
                CONTEXTUAL_TO_TRADITIONAL,
                SHARED_TO_TRADITIONAL,
            )
        } else {
            (
                TRADITIONAL_ONLY,
                CONTEXTUAL_TO_SIMPLIFIED,
                SHARED_TO_SIMPLIFIED,
            )
        };
        // Toward Traditional, a shared character may be phrase residue
        // (關系) in any document.
        stray | contextual | if damaged || to_traditional { shared } else { 0 }
    }

    /// The class bits of a line that may need a look toward Traditional
    /// (or Simplified): [`Tables::look_mask`], and toward Traditional the
    /// Traditional-only characters, among which are the siblings
    /// ([`Tables::is_sibling`]), which have no bit of their own.
    pub(crate) fn line_look_mask(to_traditional: bool, damaged: bool) -> u16 {
        Self::look_mask(to_traditional, damaged) | if to_traditional { TRADITIONAL_ONLY } else { 0 }
    }

    /// Whether `c` is in `set`, whose bit in [`Tables::class`] is `bit`.
    #[inline]
    fn has(&self, c: char, bit: u16, set: &HashSet<char>) -> bool {
        match self.class.get(c as usize) {
            Some(bits) => bits & bit != 0,
            None => set.contains(&c),
        }
    }

    /// The one script that `c` is only valid in (这: Simplified, 這:
    /// Traditional), if any, from the sets: what [`Tables::evidence_of`]
    /// must agree with.
    #[cfg(test)]
    pub(crate) fn script_only(&self, c: char) -> Option<super::Script> {
        let (traditional, simplified) = match self.class.get(c as usize) {
            Some(bits) => (bits & TRADITIONAL_ONLY != 0, bits & SIMPLIFIED_ONLY != 0),
            None => (
                self.traditional_only.contains(&c),
                self.simplified_only.contains(&c),
            ),
        };
        if traditional {
            Some(super::Script::Traditional)
        } else if simplified {
            Some(super::Script::Simplified)
        } else {
            None
        }
    }

    /// Never valid in Traditional text (开, 这).
    pub(crate) fn is_simplified_only(&self, c: char) -> bool {
        self.has(c, SIMPLIFIED_ONLY, &self.simplified_only)
    }

    /// Never valid in Simplified text (這, 們).
    pub(crate) fn is_traditional_only(&self, c: char) -> bool {
        self.has(c, TRADITIONAL_ONLY, &self.traditional_only)
    }

    /// A shared character that a phrase may change toward Traditional.
    pub(crate) fn is_contextual_to_traditional(&self, c: char) -> bool {
        self.has(
            c,
            CONTEXTUAL_TO_TRADITIONAL,
            &self.contextual_to_traditional,
        )
    }

    /// A shared character that a phrase may change toward Simplified.
    pub(crate) fn is_contextual_to_simplified(&self, c: char) -> bool {
        self.has(c, CONTEXTUAL_TO_SIMPLIFIED, &self.contextual_to_simplified)
    }

    /// A character valid in both scripts that s2t may convert (台, 系, 准).
    pub(crate) fn is_shared_to_traditional(&self, c: char) -> bool {
        self.has(c, SHARED_TO_TRADITIONAL, &self.shared_to_traditional)
    }

    /// A character valid in both scripts that t2s may convert (乾, 於).
    pub(crate) fn is_shared_to_simplified(&self, c: char) -> bool {
        self.has(c, SHARED_TO_SIMPLIFIED, &self.shared_to_simplified)
    }

    /// A shared character that OpenCC's phrases nearly always convert
    /// toward Traditional: outside phrases, its default applies.
    pub(crate) fn is_mostly_converted_to_traditional(&self, c: char) -> bool {
        self.has(
            c,
            MOSTLY_TO_TRADITIONAL,
            &self.mostly_converted_to_traditional,
        )
    }

    /// Likewise toward Simplified.
    pub(crate) fn is_mostly_converted_to_simplified(&self, c: char) -> bool {
        self.has(
            c,
            MOSTLY_TO_SIMPLIFIED,
            &self.mostly_converted_to_simplified,
        )
    }

    /// Whether `c` may be a key of the map whose keys are the characters
    /// with one of `bits` (the keys of STCharacters are the Simplified-only
    /// and the shared-toward-Traditional characters; of TSCharacters, the
    /// Traditional-only and shared-toward-Simplified ones): most characters
    /// are answered by the class table without hashing.
    #[inline]
    fn may_be_key(&self, c: char, bits: u16) -> bool {
        self.class.get(c as usize).is_none_or(|b| b & bits != 0)
    }

    /// STCharacters' default for `c`, if `c` is a key.
    pub(crate) fn s2t_default(&self, c: char) -> Option<char> {
        if !self.may_be_key(c, SIMPLIFIED_ONLY | SHARED_TO_TRADITIONAL) {
            return None;
        }
        self.st_default.get(&c).copied()
    }

    /// The Hong Kong and Taiwan standard forms of an OpenCC-standard
    /// character (裏 → 裡, 爲 → 為), if it has any.
    pub(crate) fn regional_forms(&self, c: char) -> &[char] {
        self.regional_forms.get(&c).map_or(&[], Vec::as_slice)
    }

    /// Whether a Traditional standard writes `c` where OpenCC's writes
    /// another character: a Hong Kong or Taiwan form (群, 台, 揾) or a
    /// shared character those regions write in most words (了, 周, 里);
    /// a vernacular's own characters depend on the document (see
    /// [`Tables::vernacular_markers`]). Such a character is no
    /// evidence of conversion damage and changes only inside a phrase that
    /// a converter visibly produced.
    pub(crate) fn is_regional_standard(&self, c: char) -> bool {
        self.regional_standard.contains(&c)
    }

    /// The characters that mark a document as written in the vernacular
    /// that writes `c` (晒 in written Cantonese: 嘅, 啲, 佢 …), if `c` is
    /// one of [`VERNACULAR_FORMS`]; `c` is valid Traditional in a document
    /// with [`VERNACULAR_MARKERS`] of them.
    pub(crate) fn vernacular_markers(&self, c: char) -> impl Iterator<Item = &'static str> {
        VERNACULAR_FORMS
            .into_iter()
            .filter(move |(forms, _)| has_char(forms, c))
            .map(|(_, markers)| markers)
    }

    /// Whether `c` is a Traditional-only character that shares its
    /// Simplified character with another Traditional one (幹 and 乾 of
    /// 干): a converter may have picked the wrong one, which only the
    /// phrase around it tells.
    pub(crate) fn is_sibling(&self, c: char) -> bool {
        self.siblings.contains(&c)
    }

    /// Whether `c`'s Simplified character lists `c` among its Traditional
    /// candidates, but not first (複 of 复, whose default is 復): a word
    /// written with it is a choice, unless `c` is a converter's pick (see
    /// [`Tables::is_converter_pick`]).
    pub(crate) fn is_alternative_candidate(&self, c: char) -> bool {
        let Some(s) = self.t2s_default(c) else {
            return false;
        };
        self.s2t_default(s) != Some(c) && self.st_candidates.get(&s).is_some_and(|v| v.contains(&c))
    }

    /// Whether a character other than `v` is brought to `key` in the
    /// source script (`key` itself, or a key of TSCharacters whose default
    /// is `key`): a phrase whose value keeps `key` as `v` may still change
    /// such a written character (係 → 系 where 系统 keeps 系).
    pub(crate) fn has_other_traditional_form(&self, key: char, v: char) -> bool {
        v != key || self.traditional_forms_of.contains(&key)
    }

    /// Whether `c` is one of [`CONVERTER_PICKS`].
    pub(crate) fn is_converter_pick(&self, c: char) -> bool {
        has_char(CONVERTER_PICKS, c)
    }

    /// Whether the character at `i` of `chars` forms, with the character
    /// before or after it, a two-character word that STPhrases writes so
    /// (複查): a word as OpenCC writes it, whatever phrase the forward
    /// matching found around it.
    pub(crate) fn in_traditional_word(&self, chars: &[(usize, char)], i: usize) -> bool {
        let c = chars[i].1;
        let before = i.checked_sub(1).map(|j| (chars[j].1, c));
        let after = chars.get(i + 1).map(|&(_, n)| (c, n));
        [before, after]
            .into_iter()
            .flatten()
            .any(|pair| self.traditional_pairs.contains(&pair))
    }

    /// Whether `c` is one of [`REGIONAL_SHARED`] (了, 周, 里).
    pub(crate) fn is_regional_shared(&self, c: char) -> bool {
        has_char(REGIONAL_SHARED, c)
    }

    /// Whether the character at `i` of `chars` stands inside one of
    /// [`SHORT_TEXT_RESIDUE`] (系 in 關系): phrase residue, which a short
    /// text repairs without other evidence of damage.
    pub(crate) fn in_short_text_residue(&self, chars: &[(usize, char)], i: usize) -> bool {
        stands_in_one_of(SHORT_TEXT_RESIDUE, chars, i)
    }

    /// Whether `c` counts as Simplified in OpenCC's tables but some
    /// Traditional standard writes it: a regional form (揾, 群, 床) or a
    /// vernacular's character (晒 in Cantonese, 个 in Taiwanese). Such a
    /// character is no evidence of either script in a line that also writes
    /// Traditional-only characters.
    pub(crate) fn is_simplified_in_opencc_only(&self, c: char) -> bool {
        self.is_simplified_only(c)
            && (self.is_regional_standard(c)
                || VERNACULAR_FORMS.iter().any(|(forms, _)| has_char(forms, c)))
    }

    /// Whether the vernacular character at `i` of `chars` stands inside one
    /// of [`VERNACULAR_RESIDUE`]: a converter's leftover, not the
    /// vernacular's word.
    pub(crate) fn in_vernacular_residue(&self, chars: &[(usize, char)], i: usize) -> bool {
        stands_in_one_of(VERNACULAR_RESIDUE, chars, i)
    }

    /// Whether the character at `i` of `chars` stands inside one of
    /// [`WORDS_AS_WRITTEN`] (制 in 進位制), whatever phrase the forward
    /// matching found there (制表): the word as written decides.
    pub(crate) fn in_word_as_written(&self, chars: &[(usize, char)], i: usize) -> bool {
        stands_in_one_of(WORDS_AS_WRITTEN, chars, i)
    }

    /// The vernaculars (as their markers, and the Mandarin characters they
    /// write otherwise; see [`VERNACULAR_WORDS`]) in which `c` may be valid
    /// in a document that only may be in them: one of their
    /// [`VERNACULAR_FORMS`] (晒, 个) when `forms`, else one of their words
    /// (係, 干).
    pub(crate) fn uncertain_vernaculars(
        &self,
        c: char,
        forms: bool,
    ) -> impl Iterator<Item = (&'static str, &'static str)> {
        VERNACULAR_FORMS
            .into_iter()
            .zip(VERNACULAR_WORDS)
            .filter(move |((own, _), (words, _))| has_char(if forms { own } else { words }, c))
            .map(|((_, markers), (_, mandarin))| (markers, mandarin))
    }

    /// The marker characters of each vernacular (see
    /// [`Tables::vernacular_markers`]).
    pub(crate) fn vernaculars(&self) -> impl Iterator<Item = &'static str> {
        VERNACULAR_FORMS.into_iter().map(|(_, markers)| markers)
    }

    /// Whether `phrase` is a word as written in some Traditional standard
    /// (不准, 游動), whatever STPhrases' first value says.
    pub(crate) fn is_word_as_written(&self, phrase: &str) -> bool {
        self.words_as_written.contains(phrase)
    }

    /// The Taiwan (TWVariants) or Hong Kong (HKVariants) form of an
    /// OpenCC-standard character, if it has one.
    pub(crate) fn standard_form(&self, c: char, hong_kong: bool) -> Option<char> {
        let map = if hong_kong {
            &self.hong_kong_forms
        } else {
            &self.taiwan_forms
        };
        map.get(&c).copied()
    }

    /// TSCharacters' default for `c`, if `c` is a key.
    pub(crate) fn t2s_default(&self, c: char) -> Option<char> {
        if !self.may_be_key(c, TRADITIONAL_ONLY | SHARED_TO_SIMPLIFIED) {
            return None;
        }
        self.ts_default.get(&c).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_evidence_unpacks_to_the_evidence_of_every_class() {
        for bits in 0..=u16::MAX {
            let packed = Tables::packed_evidence(bits);
            assert_eq!(
                Tables::unpack_evidence(packed),
                Tables::evidence_of(bits),
                "{bits:#x}"
            );
            // And sums: 1,000 of the same class unpack to 1,000 times it.
            let (h, t, s) = Tables::evidence_of(bits);
            assert_eq!(
                Tables::unpack_evidence(packed * 1000),
                (h * 1000, t * 1000, s * 1000)
            );
        }
    }

    /// The class table's shortcut in `s2t_default` and `t2s_default`
    /// holds (every key of either map has one of the bits it checks), and
    /// they give each entry's first value.
    #[test]
    fn every_character_table_key_has_its_class_bits() {
        let t = &*TABLES;
        for (&c, v) in &char_map(ST_CHARACTERS, "STCharacters.txt") {
            assert!(
                t.may_be_key(c, SIMPLIFIED_ONLY | SHARED_TO_TRADITIONAL),
                "{c}"
            );
            assert_eq!(t.s2t_default(c), Some(v[0]));
        }
        for (&c, v) in &char_map(TS_CHARACTERS, "TSCharacters.txt") {
            assert!(
                t.may_be_key(c, TRADITIONAL_ONLY | SHARED_TO_SIMPLIFIED),
                "{c}"
            );
            assert_eq!(t.t2s_default(c), Some(v[0]));
        }
    }

    #[test]
    fn classes_follow_the_opencc_tables() {
        let t = &*TABLES;
        for c in "开线战账这发么".chars().filter(|c| *c != '么') {
            assert!(t.is_simplified_only(c), "{c} should be Simplified-only");
        }
        for c in "這們說爲裏開".chars() {
            assert!(t.is_traditional_only(c), "{c} should be Traditional-only");
        }
        for c in "准后里台干么愿面周范的是".chars() {
            assert!(!t.is_simplified_only(c), "{c} is valid Traditional");
            assert!(!t.is_traditional_only(c), "{c} is valid Simplified");
        }
        for c in "准愿么里".chars() {
            assert!(t.is_contextual_to_traditional(c), "{c}");
        }
        // Default stays itself (周 → 周), or the Hong Kong standard form of
        // the candidate (台 for 臺).
        for c in "周面台".chars() {
            assert!(!t.is_contextual_to_traditional(c), "{c}");
        }
        // STPhrases nearly always turns 挂 into 掛 and 后 into 後, but keeps
        // 准 (批准), 范 and 于 (surnames), 里 (公里) and 周 (周圍) often.
        for c in "挂后".chars() {
            assert!(t.is_mostly_converted_to_traditional(c), "{c}");
        }
        for c in "准范里周面系于".chars() {
            assert!(!t.is_mostly_converted_to_traditional(c), "{c}");
        }
        assert!(t.is_mostly_converted_to_simplified('於'));
        assert_eq!(t.s2t_default('开'), Some('開'));
        assert_eq!(t.t2s_default('這'), Some('这'));
    }

    /// The class bits answer exactly what the sets do, for every code
    /// point they cover.
    #[test]
    fn class_bits_agree_with_the_sets() {
        let t = &*TABLES;
        let sets = [
            (&t.simplified_only, SIMPLIFIED_ONLY),
            (&t.traditional_only, TRADITIONAL_ONLY),
            (&t.contextual_to_traditional, CONTEXTUAL_TO_TRADITIONAL),
            (&t.contextual_to_simplified, CONTEXTUAL_TO_SIMPLIFIED),
            (&t.shared_to_traditional, SHARED_TO_TRADITIONAL),
            (&t.shared_to_simplified, SHARED_TO_SIMPLIFIED),
            (&t.mostly_converted_to_traditional, MOSTLY_TO_TRADITIONAL),
            (&t.mostly_converted_to_simplified, MOSTLY_TO_SIMPLIFIED),
        ];
        for (set, bit) in sets {
            assert!(!set.is_empty());
            let mut members = 0;
            for (cp, bits) in t.class.iter().enumerate() {
                if bits & bit != 0 {
                    members += 1;
                    assert!(set.contains(&char::from_u32(cp as u32).unwrap()));
                }
            }
            assert_eq!(members, set.len(), "every member below the limit");
        }
        let above = char::from_u32(CLASS_LIMIT as u32).unwrap();
        assert_eq!(t.classes_of(above), OUTSIDE);
        assert_eq!(Tables::evidence_of(OUTSIDE), (0, 0, 0));
        for (cp, bits) in t.class.iter().enumerate() {
            let c = char::from_u32(cp as u32);
            assert_eq!(bits & HAN != 0, c.is_some_and(crate::fix::chars::is_han));
            if let Some(c) = c {
                let (han, traditional, simplified) = Tables::evidence_of(t.classes_of(c));
                let only = if han == 1 { t.script_only(c) } else { None };
                assert_eq!(
                    traditional == 1,
                    only == Some(crate::fix::Script::Traditional)
                );
                assert_eq!(
                    simplified == 1,
                    only == Some(crate::fix::Script::Simplified)
                );
            }
        }
    }
}

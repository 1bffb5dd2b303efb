/*!
The conversion algorithm of OpenCC 1.4.2, step by step.

Upstream (`SingleStageConverter`, `MaxMatchSegmentation`, `Conversion`,
`ConversionChain`, `DictGroup`, `PrefixMatch`) does, for one config:

1. **normalization** (optional): a conversion chain over the whole text, with
   no segmentation (compatibility ideographs → unified ones);
2. **segmentation**: forward maximum matching over the segmentation
   dictionary; each match is a segment, and the characters between matches
   are gathered into one segment;
3. **conversion chain**: every segment goes through every conversion in
   order, on its own: a match never crosses a segment boundary. Within a
   segment a conversion is again forward maximum matching; an unmatched
   position copies one character, or a whole ideographic description
   sequence (⿰氵工) when one starts there.

A dictionary *group* answers a prefix query by `match_policy`:
`short_circuit` takes the first child that has any match (even if a later
child has a longer one), `union` takes the longest match of any child, the
earlier child winning ties. This is why a chain is never flattened into one
automaton here: both the group policy and the per-segment, per-step order
change results (the zhconv-rs comment in STYLE.md admits as much).

Speed comes from data, not from changing the algorithm: a bitmap of the
characters that begin some key lets runs of other characters be copied
without a lookup (upstream's `SkipUnmatchable`), and the tries are
character-wise double arrays. The normalization stage, which almost never
changes a text, is skipped after one vectorized pass finds no character it
could change (see `PairFilter`), and a two-step chain's second step is
called directly on each segment.
*/

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use super::dict_data::{push_small, CharSet, DictData};
use super::small_dict_filter::SmallDictFilter;

/// How a dictionary group answers a prefix query (OpenCC's `match_policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchPolicy {
    /// The first child with any match wins (OpenCC's default).
    ShortCircuit,
    /// The longest match among all children wins; ties go to the earlier.
    Union,
}

/// A dictionary or a group of them, as a config describes it.
#[derive(Debug, Clone)]
pub enum DictNode {
    /// One compiled dictionary.
    Leaf(Arc<DictData>),
    /// A group answering by its policy.
    Group {
        /// How the children's matches are combined.
        policy: MatchPolicy,
        /// Children in config order.
        children: Vec<DictNode>,
    },
}

impl DictNode {
    /// The match OpenCC would take at the start of `text`: byte length of
    /// the key and the value it is replaced with.
    #[inline]
    fn longest_prefix<'d>(&'d self, text: &str, first: char) -> Option<(usize, &'d str)> {
        match self {
            DictNode::Leaf(dict) => {
                if dict.starts_key(first) {
                    dict.longest_prefix(text)
                } else {
                    None
                }
            }
            DictNode::Group {
                policy: MatchPolicy::ShortCircuit,
                children,
            } => children.iter().find_map(|c| c.longest_prefix(text, first)),
            DictNode::Group {
                policy: MatchPolicy::Union,
                children,
            } => {
                let mut best: Option<(usize, &str)> = None;
                for child in children {
                    if let Some(found) = child.longest_prefix(text, first) {
                        if best.is_none_or(|b| found.0 > b.0) {
                            best = Some(found);
                        }
                    }
                }
                best
            }
        }
    }

    /// Visits every dictionary under this node.
    pub fn for_each_leaf(&self, f: &mut impl FnMut(&DictData)) {
        match self {
            DictNode::Leaf(dict) => f(dict),
            DictNode::Group { children, .. } => {
                children.iter().for_each(|c| c.for_each_leaf(f));
            }
        }
    }
}

/// A dictionary node plus the set of characters that can begin a match.
#[derive(Debug, Clone)]
pub struct Matcher {
    node: DictNode,
    first: CharSet,
    /// UTF-8 lead bytes of the characters in `first` and of the ideographic
    /// description operators: any other byte starts no lookup, so runs of
    /// them are skipped without decoding (upstream's `SkipUnmatchable`).
    leads: Leads,
    /// For a group: all its keys in one automaton. A segment in which none
    /// occurs converts to itself, so it is copied without a lookup.
    probe: Option<Arc<DictData>>,
    /// For a single small dictionary scanned whole: the filter that lets
    /// it skip the positions where no key can begin (see `small_dict_filter.rs`).
    small_filter: Option<SmallDictFilter>,
}

/// The lead bytes worth stopping at, as a table, and as a short list when
/// there are at most three (then the scan is `memchr`'s vectorized one).
#[derive(Debug, Clone)]
struct Leads {
    table: [bool; 256],
    few: Option<Vec<u8>>,
    /// With `few`: the first two bytes of every multi-byte character worth
    /// a stop, as a bitmap over byte pairs. Fullwidth punctuation (EF BC)
    /// shares its lead byte with the compatibility ideographs (EF A4–AB)
    /// of the normalization stage, and is far more common.
    pairs: Option<Box<[u64]>>,
    /// With `few`, when every character worth a stop is multi-byte: the
    /// same pairs as ranges, which a whole text is checked against in one
    /// vectorized pass.
    filter: Option<PairFilter>,
}

/// Byte pairs `(lead[k], b)` with `b` in `lo[k]..=lo[k] + span[k]`, for up
/// to three lead bytes (unused ones are 0xFF, which UTF-8 never holds): a
/// superset of the first two bytes of the characters worth a stop, tested
/// on 32 bytes at a time with no branch per byte. The normalization stage
/// (compatibility ideographs, EF A4–AB and F0 AF, plus the ideographic
/// description operators, E2 BF) finds none in almost every text, and is
/// then skipped whole.
#[derive(Debug, Clone)]
struct PairFilter {
    lead: [u8; 3],
    lo: [u8; 3],
    span: [u8; 3],
}

impl PairFilter {
    /// The filter for the first two bytes of `chars`, if they are all
    /// multi-byte and begin with at most three lead bytes.
    fn new(chars: impl Iterator<Item = char>) -> Option<Self> {
        let mut ranges: Vec<(u8, u8, u8)> = Vec::new();
        let mut buf = [0u8; 4];
        for c in chars {
            let [b0, b1, ..] = *c.encode_utf8(&mut buf).as_bytes() else {
                return None;
            };
            match ranges.iter_mut().find(|r| r.0 == b0) {
                Some(r) => (r.1, r.2) = (r.1.min(b1), r.2.max(b1)),
                None => ranges.push((b0, b1, b1)),
            }
        }
        if ranges.len() > 3 {
            return None;
        }
        let mut filter = PairFilter {
            lead: [0xFF; 3],
            lo: [0; 3],
            span: [0; 3],
        };
        for (k, &(lead, lo, hi)) in ranges.iter().enumerate() {
            filter.lead[k] = lead;
            filter.lo[k] = lo;
            filter.span[k] = hi - lo;
        }
        Some(filter)
    }

    #[inline(always)]
    fn hit(&self, a: u8, b: u8) -> bool {
        let m = |k: usize| (a == self.lead[k]) & (b.wrapping_sub(self.lo[k]) <= self.span[k]);
        m(0) | m(1) | m(2)
    }

    /// Offset of the first `i` where `bytes[i]`, `bytes[i + 1]` is one of
    /// the pairs (a lead byte, so a character boundary).
    fn find(&self, bytes: &[u8]) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, just checked.
            return unsafe { self.find_avx2(bytes) };
        }
        self.find_in::<32>(bytes)
    }

    /// [`PairFilter::find`] compiled for AVX2: twice the bytes per
    /// instruction.
    ///
    /// # Safety
    ///
    /// The CPU must support AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn find_avx2(&self, bytes: &[u8]) -> Option<usize> {
        self.find_in::<64>(bytes)
    }

    /// [`PairFilter::find`], `W` bytes at a time.
    #[inline(always)]
    fn find_in<const W: usize>(&self, bytes: &[u8]) -> Option<usize> {
        let mut from = 0;
        while let Some(window) = bytes.get(from..from + W + 1) {
            let mut any = false;
            for j in 0..W {
                any |= self.hit(window[j], window[j + 1]);
            }
            if any {
                break;
            }
            from += W;
        }
        (from..bytes.len().saturating_sub(1)).find(|&i| self.hit(bytes[i], bytes[i + 1]))
    }
}

impl Leads {
    fn new(first: &CharSet) -> Self {
        let mut table = [false; 256];
        let mut buf = [0u8; 4];
        first.for_each(|c| table[c.encode_utf8(&mut buf).as_bytes()[0] as usize] = true);
        table['\u{2FF0}'.encode_utf8(&mut buf).as_bytes()[0] as usize] = true;
        let set: Vec<u8> = (0..=255u8).filter(|&b| table[b as usize]).collect();
        let few = (set.len() <= 3).then_some(set);
        let pairs = few.as_ref().map(|_| {
            let mut bits = vec![0u64; 1 << 10].into_boxed_slice();
            let mut mark = |c: char| {
                let b = c.encode_utf8(&mut buf).as_bytes();
                if let [b0, b1, ..] = *b {
                    let pair = usize::from(b0) << 8 | usize::from(b1);
                    bits[pair / 64] |= 1 << (pair % 64);
                }
            };
            first.for_each(&mut mark);
            ('\u{2FF0}'..='\u{2FFF}').for_each(&mut mark);
            bits
        });
        let filter = few.as_ref().and_then(|_| {
            let mut chars = Vec::new();
            first.for_each(|c| chars.push(c));
            PairFilter::new(chars.into_iter().chain('\u{2FF0}'..='\u{2FFF}'))
        });
        Self {
            table,
            few,
            pairs,
            filter,
        }
    }

    /// Whether the character starting at `at` (a lead byte) may be worth a
    /// stop: always, unless the pair bitmap says its first two bytes begin
    /// no such character.
    #[inline]
    fn may_stop(&self, bytes: &[u8], at: usize) -> bool {
        match (&self.pairs, bytes.get(at + 1)) {
            (Some(bits), Some(&b1)) if bytes[at] >= 0x80 => {
                let pair = usize::from(bytes[at]) << 8 | usize::from(b1);
                bits[pair / 64] & (1 << (pair % 64)) != 0
            }
            _ => true,
        }
    }

    /// Offset of the first byte of `bytes` that may start a lookup.
    #[inline]
    fn find(&self, bytes: &[u8]) -> Option<usize> {
        match self.few.as_deref() {
            Some([a]) => memchr::memchr(*a, bytes),
            Some([a, b]) => memchr::memchr2(*a, *b, bytes),
            Some([a, b, c]) => memchr::memchr3(*a, *b, *c, bytes),
            _ => bytes.iter().position(|&b| self.table[b as usize]),
        }
    }
}

impl Matcher {
    /// Prepares a node for matching.
    pub fn new(node: DictNode) -> Self {
        let mut first = CharSet::default();
        node.for_each_leaf(&mut |d| first.union_with(d.first_chars()));
        let leads = Leads::new(&first);
        let small_filter = match &node {
            DictNode::Leaf(dict) if leads.few.is_none() => SmallDictFilter::new(dict),
            _ => None,
        };
        Self {
            node,
            first,
            leads,
            probe: None,
            small_filter,
        }
    }

    /// Adds the group probe (see the field's doc); `probe` must hold every
    /// key of every dictionary of the node.
    pub fn with_probe(mut self, probe: Arc<DictData>) -> Self {
        self.probe = Some(probe);
        self
    }

    /// The node this matcher was made from.
    pub fn node(&self) -> &DictNode {
        &self.node
    }

    #[inline]
    fn match_at<'d>(&'d self, text: &str, first: char) -> Option<(usize, &'d str)> {
        if self.first.contains(first) {
            self.node.longest_prefix(text, first)
        } else {
            None
        }
    }

    /// [`Matcher::match_at`] with the key's index when the node is a
    /// single dictionary.
    #[inline]
    fn hit_at<'d>(&'d self, text: &str, first: char) -> Option<(usize, Hit<'d>)> {
        if !self.first.contains(first) {
            return None;
        }
        match &self.node {
            DictNode::Leaf(dict) => dict.longest_prefix_entry(text).map(|(len, value, index)| {
                (
                    len,
                    Hit {
                        value,
                        key: Some(index),
                    },
                )
            }),
            node => node
                .longest_prefix(text, first)
                .map(|(len, value)| (len, Hit { value, key: None })),
        }
    }

    /// The number of keys when the node is a single dictionary (what
    /// [`Hit::key`] indexes).
    fn key_count(&self) -> Option<usize> {
        match &self.node {
            DictNode::Leaf(dict) => Some(dict.len()),
            DictNode::Group { .. } => None,
        }
    }

    /// Length of the unmatched run starting at the beginning of `text`,
    /// whose first character (`first`) has just failed to match: that
    /// character, or the ideographic description sequence it opens, plus
    /// every following character that cannot begin a match and is not an
    /// ideographic description operator (which would change the grouping).
    #[inline]
    fn unmatched_run(&self, text: &str, first: char) -> usize {
        let mut end = ids_len(text).unwrap_or(first.len_utf8());
        if let Some(filter) = &self.leads.filter {
            // Every character worth a stop is a hit of the filter.
            return loop {
                let Some(offset) = filter.find(&text.as_bytes()[end..]) else {
                    break text.len();
                };
                let at = end + offset;
                let c = text[at..]
                    .chars()
                    .next()
                    .expect("a lead byte starts a character");
                if self.first.contains(c) || is_ids_operator(c) {
                    break at;
                }
                end = at + c.len_utf8();
            };
        }
        loop {
            // Lead bytes are never continuation bytes: `at` is a boundary.
            let Some(offset) = self.leads.find(&text.as_bytes()[end..]) else {
                return text.len();
            };
            let at = end + offset;
            if !self.leads.may_stop(text.as_bytes(), at) {
                // Not a character of interest; its lead byte is passed
                // and the search resumes at its first continuation byte,
                // which no lead byte matches.
                end = at + 1;
                continue;
            }
            let c = text[at..]
                .chars()
                .next()
                .expect("a lead byte starts a character");
            if self.first.contains(c) || is_ids_operator(c) {
                return at;
            }
            end = at + c.len_utf8();
        }
    }

    /// The single dictionary of this matcher, when it can scan `text` in
    /// one scan: it is not a group, and `text` holds no ideographic
    /// description operator (whose sequences are stepped over, not
    /// searched, by upstream).
    /// A dictionary whose keys start with at most three different lead
    /// bytes (compatibility ideographs) is faster to skip with `memchr`.
    /// `no_ids`: the caller knows `text` holds no operator.
    #[inline]
    fn scanner(&self, text: &str, no_ids: bool) -> Option<&DictData> {
        match &self.node {
            DictNode::Leaf(dict)
                if self.leads.few.is_none() && (no_ids || !contains_ids_operator(text)) =>
            {
                Some(dict)
            }
            _ => None,
        }
    }

    /// The length of a prefix of `text` that converts to itself and can be
    /// cut off (converting the rest alone gives the rest of the result),
    /// when known cheaply: up to the first character that can begin a
    /// match or is an ideographic description operator, as far as the
    /// [`PairFilter`] can tell (`None` without one). Every position before
    /// it is unmatched and copied one by one, whether or not the text
    /// starts there.
    fn unchanged_prefix(&self, text: &str) -> Option<usize> {
        let filter = self.leads.filter.as_ref()?;
        Some(filter.find(text.as_bytes()).unwrap_or(text.len()))
    }

    /// One conversion over one segment (upstream `Conversion::Convert`);
    /// `no_ids`: the caller knows `segment` holds no ideographic description
    /// operator (looking for one costs more than converting a short
    /// segment).
    pub fn convert_segment(&self, segment: &str, out: &mut String, no_ids: bool) {
        if let Some(probe) = &self.probe {
            if !probe.occurs_in(segment) {
                // No key anywhere: every position is unmatched and copied.
                out.push_str(segment);
                return;
            }
        }
        if let Some(dict) = self.scanner(segment, no_ids) {
            match &self.small_filter {
                Some(small_filter) => small_filter.replace(dict, segment, out),
                None => dict.replace_into(segment, out),
            }
            return;
        }
        let mut pos = 0;
        while let Some(first) = segment[pos..].chars().next() {
            let rest = &segment[pos..];
            if let Some((len, value)) = self.match_at(rest, first) {
                out.push_str(value);
                pos += len;
            } else {
                let run = self.unmatched_run(rest, first);
                out.push_str(&rest[..run]);
                pos += run;
            }
        }
    }

    /// Forward maximum matching segmentation (upstream
    /// `MaxMatchSegmentation`): calls `emit` with each segment in order, and
    /// the [`Hit`] for segments that are keys (`None` for the unmatched runs
    /// between them).
    pub fn segment<'t, 'd>(
        &'d self,
        text: &'t str,
        mut emit: impl FnMut(&'t str, Option<Hit<'d>>),
    ) {
        if let Some(dict) = self.scanner(text, false) {
            let mut done = 0;
            dict.for_each_match(text, |start, end, value, index| {
                if done < start {
                    emit(&text[done..start], None);
                }
                emit(
                    &text[start..end],
                    Some(Hit {
                        value,
                        key: Some(index),
                    }),
                );
                done = end;
            });
            if done < text.len() {
                emit(&text[done..], None);
            }
            return;
        }
        let mut pos = 0;
        let mut pending = 0;
        while let Some(first) = text[pos..].chars().next() {
            let rest = &text[pos..];
            if let Some((len, hit)) = self.hit_at(rest, first) {
                if pending < pos {
                    emit(&text[pending..pos], None);
                }
                emit(&rest[..len], Some(hit));
                pos += len;
                pending = pos;
            } else {
                pos += self.unmatched_run(rest, first);
            }
        }
        if pending < pos {
            emit(&text[pending..pos], None);
        }
    }
}

/// A segment that is a key: the value it maps to, and the key's index in
/// the dictionary when the matcher is a single one.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'d> {
    /// The key's value.
    pub value: &'d str,
    /// The key's index, for memoizing per key.
    pub key: Option<u32>,
}

/// One stage: optional segmentation, then a chain applied to each segment.
#[derive(Debug, Clone)]
pub struct Stage {
    /// `None` means the whole text is one segment (the normalization stage).
    segmentation: Option<Matcher>,
    /// The conversions, in order.
    chain: Vec<Matcher>,
    /// Set when the first conversion can reuse the segmentation's lookups.
    one_scan: Option<OneScan>,
    /// The chain's output for each segmentation key, computed on first use:
    /// a segment that is a key always converts the same way, and most
    /// segments are keys. Indexed by the keys of the first conversion's
    /// trie when `scan_once` is set, of the segmentation's otherwise.
    memo: Option<Memo>,
    /// Whether segmentation and the first conversion run as one scan (see
    /// [`OneScan`]); the first conversion is then one dictionary.
    scan_once: bool,
    /// Whether some value of some dictionary of the stage holds an
    /// ideographic description operator, so that a step's output may hold
    /// one that its input did not.
    values_have_ids: bool,
}

/// The first conversion's dictionary is the segmentation's dictionary
/// followed by one-character dictionaries (`rest`), merged (s2tw, s2twp,
/// s2hk, s2hkp: segmentation by STPhrases, then STPhrases + STCharacters).
/// Then, exactly:
/// * a segment that is a key converts to the value the segmentation found
///   (the key is a whole-segment match, and the segmentation's dictionaries
///   come first in the merge, so they supply the value);
/// * in an unmatched run every position was tried by the segmentation and
///   matched no key of its dictionaries, so only `rest` can match there
///   (`None`: nothing can; the run is copied). Positions inside an
///   ideographic description sequence were skipped, not tried, so a run
///   holding an operator takes the full first conversion instead.
///
/// And so one scan of the first conversion's merged trie does both, when
/// the text holds no such sequence: at a position where a segmentation
/// dictionary has a key, its longest key is the merged trie's longest match
/// (the others' keys are one character, and on an equal key the
/// segmentation's dictionaries come first), so a match whose entry comes
/// from the first `seg_parts` dictionaries is a segment; any other match is
/// a `rest` key converting one character of an unmatched run.
#[derive(Debug, Clone)]
pub struct OneScan {
    /// The one-character dictionaries after the segmentation's, if any.
    pub rest: Option<Matcher>,
    /// How many of the merged trie's parts are the segmentation's.
    pub seg_parts: u32,
}

/// How the first conversion of a segment is computed.
#[derive(Clone, Copy)]
enum FirstStep<'a> {
    /// By running the first conversion on it.
    Convert,
    /// Already known: this value (the segment is a key of the
    /// segmentation, whose value the merged first dictionary gives).
    Known(&'a str),
    /// By the one-character dictionaries after the segmentation's only
    /// (an unmatched run, see [`OneScan`]); `None`: it is copied.
    OnlyRest(Option<&'a Matcher>),
}

/// One lazily computed output per key.
type MemoTable = Box<[OnceLock<Box<str>>]>;

/// The chain's output per key (see [`Stage`]'s `memo`), allocated on first
/// use and shared by clones.
#[derive(Debug, Clone)]
struct Memo {
    keys: usize,
    table: Arc<OnceLock<MemoTable>>,
    /// For a one-scan stage whose last step is a small dictionary scanned with
    /// [`SmallDictFilter`]: per key, whether that step leaves the key's value as it
    /// is (`SAME`), changes it (`CHANGED`) or is not known yet (0). A byte
    /// per key keeps the table in the second-level cache, where the
    /// strings of `table` would scatter over megabytes; and the step
    /// changes few values.
    verdicts: Arc<OnceLock<Box<[AtomicU8]>>>,
    /// Bytes converted while the tables above did not exist: many short
    /// texts through one converter (a corpus of articles) earn a table as
    /// one long text does.
    seen: Arc<AtomicUsize>,
}

impl Memo {
    /// Whether converting `len` more bytes makes a table worth building
    /// (it is built once, on the first call that says so).
    fn worth(&self, len: usize) -> bool {
        len >= WORTH_A_MEMO || self.seen.fetch_add(len, Ordering::Relaxed) + len >= WORTH_A_MEMO
    }
}

/// [`Memo::verdicts`]: the step leaves the value unchanged.
const SAME_VALUE: u8 = 1;

/// [`Memo::verdicts`]: the step changes the value.
const CHANGED_VALUE: u8 = 2;

/// Below this many bytes, a text is not worth a memo's table (tens of
/// thousands of entries) unless one exists already or the converter has
/// converted this many bytes in all (see [`Memo::worth`]).
const WORTH_A_MEMO: usize = 16 * 1024;

/// Scratch buffers reused across segments of one call.
#[derive(Default)]
struct Scratch {
    a: String,
    b: String,
}

impl Stage {
    /// A stage; `one_scan` as described on [`OneScan`] (the caller proves it).
    pub fn new(
        segmentation: Option<Matcher>,
        chain: Vec<Matcher>,
        one_scan: Option<OneScan>,
    ) -> Self {
        let one_scan = one_scan.filter(|_| segmentation.is_some() && !chain.is_empty());
        let first_dict = chain.first().and_then(|m| match &m.node {
            DictNode::Leaf(dict) => Some(dict.len()),
            DictNode::Group { .. } => None,
        });
        let scan_once = one_scan.is_some() && first_dict.is_some();
        // With the first step in the one scan, a key's output is its value already.
        let worth_memo = chain.len() > 1 || (one_scan.is_none() && !chain.is_empty());
        let keys = if scan_once {
            first_dict
        } else {
            segmentation.as_ref().and_then(Matcher::key_count)
        };
        let memo = keys.filter(|_| worth_memo).map(|keys| Memo {
            keys,
            table: Arc::new(OnceLock::new()),
            verdicts: Arc::new(OnceLock::new()),
            seen: Arc::new(AtomicUsize::new(0)),
        });
        let mut values_have_ids = false;
        for m in segmentation.iter().chain(&chain) {
            m.node()
                .for_each_leaf(&mut |d| values_have_ids |= d.values_have_ids());
        }
        Self {
            segmentation,
            chain,
            one_scan,
            memo,
            scan_once,
            values_have_ids,
        }
    }

    /// The length of a prefix of `text` that the stage surely converts to
    /// itself, such that the rest can be converted on its own (`text.len()`
    /// when the stage changes nothing), when it is one conversion with no
    /// segmentation (normalization) whose keys begin with few lead bytes:
    /// one vectorized pass finds the first character that may begin a
    /// key. `None` when not known.
    pub fn unchanged_prefix(&self, text: &str) -> Option<usize> {
        match (&self.segmentation, self.chain.as_slice()) {
            (None, [only]) => only.unchanged_prefix(text),
            _ => None,
        }
    }

    /// Converts `text`, appending the result to `out`.
    pub fn run(&self, text: &str, out: &mut String) {
        let mut scratch = Scratch::default();
        // One look for an ideographic description operator in the whole
        // text spares one per segment and step.
        let no_ids = !self.values_have_ids && !contains_ids_operator(text);
        if let (true, true, Some(one_scan), Some(DictNode::Leaf(first))) = (
            no_ids,
            self.scan_once,
            &self.one_scan,
            self.chain.first().map(Matcher::node),
        ) {
            self.run_one_scan(first, one_scan.seg_parts, text, out, &mut scratch);
            return;
        }
        let memo = self.memo(text);
        match &self.segmentation {
            None => self.run_chain(text, FirstStep::Convert, out, &mut scratch, no_ids),
            Some(seg) => seg.segment(text, |s, hit| {
                let first = match (&self.one_scan, hit) {
                    (None, _) => FirstStep::Convert,
                    (Some(_), Some(hit)) => FirstStep::Known(hit.value),
                    (Some(f), None) if no_ids || !contains_ids_operator(s) => {
                        FirstStep::OnlyRest(f.rest.as_ref())
                    }
                    (Some(_), None) => FirstStep::Convert,
                };
                match (memo, hit.and_then(|h| h.key)) {
                    (Some(memo), Some(key)) if !self.scan_once => {
                        let converted = memo[key as usize].get_or_init(|| {
                            let mut once = String::new();
                            self.run_chain(s, first, &mut once, &mut scratch, no_ids);
                            once.into_boxed_str()
                        });
                        push_small(out, converted);
                    }
                    _ => self.run_chain(s, first, out, &mut scratch, no_ids),
                }
            }),
        }
    }

    /// Whether this stage's memo has a table yet (either kind).
    #[cfg(test)]
    pub(crate) fn memo_built(&self) -> bool {
        self.memo
            .as_ref()
            .is_some_and(|m| m.table.get().is_some() || m.verdicts.get().is_some())
    }

    /// The memo table for a text: allocated on the first text long enough
    /// to repeat keys, or once this converter has converted that much in
    /// all (a one-line run would spend more on the table's pages, tens of
    /// thousands of entries, than it saves).
    fn memo(&self, text: &str) -> Option<&[OnceLock<Box<str>>]> {
        let memo = self.memo.as_ref()?;
        if memo.table.get().is_none() && !memo.worth(text.len()) {
            return None;
        }
        Some(
            memo.table
                .get_or_init(|| (0..memo.keys).map(|_| OnceLock::new()).collect()),
        )
    }

    /// The verdict table of [`Memo::verdicts`], on the same terms as
    /// [`Stage::memo`].
    fn verdicts(&self, text: &str) -> Option<&[AtomicU8]> {
        let memo = self.memo.as_ref()?;
        if memo.verdicts.get().is_none() && !memo.worth(text.len()) {
            return None;
        }
        Some(
            memo.verdicts
                .get_or_init(|| (0..memo.keys).map(|_| AtomicU8::new(0)).collect()),
        )
    }

    /// Segmentation and the chain with the first conversion in one scan
    /// (see [`OneScan`]); `text` holds no ideographic description
    /// operator.
    fn run_one_scan(
        &self,
        first: &DictData,
        seg_parts: u32,
        text: &str,
        out: &mut String,
        scratch: &mut Scratch,
    ) {
        // With two steps whose second is one dictionary scanned whole (s2tw,
        // s2twp, s2hk, s2hkp), a segment's rest of the chain is that scan:
        // called directly, it spares `run_chain`'s and `convert_segment`'s
        // dispatch on each of tens of thousands of segments per megabyte.
        let tail = match self.chain.as_slice() {
            [_, last] if last.probe.is_none() => last.scanner("", true).map(|d| (d, last)),
            _ => None,
        };
        match tail {
            Some((
                dict,
                Matcher {
                    small_filter: Some(filter),
                    ..
                },
            )) => self.run_one_scan_in_place(first, seg_parts, text, out, dict, filter),
            _ => {
                let tail = tail.map(|(dict, _)| dict);
                self.run_one_scan_by_segment(first, seg_parts, text, out, scratch, tail);
            }
        }
    }

    /// [`Stage::run_one_scan`] when the last step is a small dictionary
    /// with its filter: the scan writes each run of unmatched text straight
    /// into `out`, where the last step converts it in place (usually
    /// finding nothing to change), with no copy of the run in between.
    fn run_one_scan_in_place(
        &self,
        first: &DictData,
        seg_parts: u32,
        text: &str,
        out: &mut String,
        dict: &DictData,
        filter: &SmallDictFilter,
    ) {
        let mut run_start = out.len();
        let mut moved = String::new();
        let verdicts = self.verdicts(text);
        first.scan_segments_converting(text, seg_parts, out, |out, key, value| {
            filter.convert_tail(dict, out, run_start, &mut moved);
            let verdict = verdicts.map(|v| &v[key as usize]);
            match verdict.map(|v| v.load(Ordering::Relaxed)) {
                Some(SAME_VALUE) => push_small(out, value),
                Some(CHANGED_VALUE) => filter.replace(dict, value, out),
                _ => {
                    let key_start = out.len();
                    push_small(out, value);
                    filter.convert_tail(dict, out, key_start, &mut moved);
                    if let Some(v) = verdict {
                        let same =
                            out.len() == key_start + value.len() && &out[key_start..] == value;
                        v.store(
                            if same { SAME_VALUE } else { CHANGED_VALUE },
                            Ordering::Relaxed,
                        );
                    }
                }
            }
            run_start = out.len();
        });
        filter.convert_tail(dict, out, run_start, &mut moved);
    }

    /// [`Stage::run_one_scan`] otherwise: each segment and each run of
    /// unmatched text goes through the rest of the chain (`tail`, when that
    /// is one dictionary scanned whole), a segment's result memoized.
    fn run_one_scan_by_segment(
        &self,
        first: &DictData,
        seg_parts: u32,
        text: &str,
        out: &mut String,
        scratch: &mut Scratch,
        tail: Option<&DictData>,
    ) {
        let memo = self.memo(text);
        let mut finish = |segment: &str, out: &mut String| match tail {
            Some(dict) => dict.replace_into(segment, out),
            None => self.run_chain(segment, FirstStep::Known(segment), out, scratch, true),
        };
        let mut run = String::new();
        first.scan_segments_converting(text, seg_parts, &mut run, |run, key, value| {
            if !run.is_empty() {
                finish(run, out);
                run.clear();
            }
            match memo {
                Some(memo) => {
                    let converted = memo[key as usize].get_or_init(|| {
                        let mut once = String::new();
                        finish(value, &mut once);
                        once.into_boxed_str()
                    });
                    push_small(out, converted);
                }
                None => finish(value, out),
            }
        });
        if !run.is_empty() {
            finish(&run, out);
        }
    }

    /// Upstream `ConversionChain::AppendConvertedSegment`.
    fn run_chain(
        &self,
        segment: &str,
        first: FirstStep<'_>,
        out: &mut String,
        scratch: &mut Scratch,
        no_ids: bool,
    ) {
        let Some((head, tail)) = self.chain.split_first() else {
            out.push_str(segment);
            return;
        };
        let apply_head = |dst: &mut String| match first {
            FirstStep::Convert => head.convert_segment(segment, dst, no_ids),
            FirstStep::Known(value) => dst.push_str(value),
            FirstStep::OnlyRest(Some(rest)) => rest.convert_segment(segment, dst, no_ids),
            FirstStep::OnlyRest(None) => dst.push_str(segment),
        };
        let Some((last, middle)) = tail.split_last() else {
            apply_head(out);
            return;
        };
        if let (FirstStep::Known(value), []) = (first, middle) {
            // Two steps, the first already done: no copy in between.
            last.convert_segment(value, out, no_ids);
            return;
        }
        scratch.a.clear();
        apply_head(&mut scratch.a);
        for step in middle {
            scratch.b.clear();
            step.convert_segment(&scratch.a, &mut scratch.b, no_ids);
            std::mem::swap(&mut scratch.a, &mut scratch.b);
        }
        last.convert_segment(&scratch.a, out, no_ids);
    }

    /// The conversions, in order (the segmentation changes no text).
    pub fn steps(&self) -> &[Matcher] {
        &self.chain
    }

    /// Visits every matcher of the stage.
    pub fn matchers(&self) -> impl Iterator<Item = &Matcher> {
        self.segmentation
            .iter()
            .chain(self.chain.iter())
            .chain(self.one_scan.iter().filter_map(|f| f.rest.as_ref()))
    }
}

/// Whether `text` holds an ideographic description operator: U+2FF0–U+2FFF
/// are the UTF-8 sequences E2 BF B0 to E2 BF BF.
#[inline]
pub fn contains_ids_operator(text: &str) -> bool {
    find_ids_operator(text).is_some()
}

/// The offset of the first ideographic description operator in `text`.
#[inline]
pub fn find_ids_operator(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(offset) = memchr::memchr(0xE2, &bytes[from..]) {
        let at = from + offset;
        if bytes.get(at + 1) == Some(&0xBF) && bytes.get(at + 2).is_some_and(|&b| b >= 0xB0) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Whether `c` is an ideographic description operator (U+2FF0–U+2FFF).
#[inline]
pub fn is_ids_operator(c: char) -> bool {
    ('\u{2FF0}'..='\u{2FFF}').contains(&c)
}

fn ids_arity(c: char) -> usize {
    match c {
        '\u{2FF2}' | '\u{2FF3}' => 3,
        '\u{2FFE}' | '\u{2FFF}' => 1,
        '\u{2FF0}'..='\u{2FFD}' => 2,
        _ => 0,
    }
}

/// Byte length of the complete ideographic description sequence that starts
/// `text`, as upstream `NextIdeographicDescriptionSequenceLength` (depth at
/// most 16, at most 64 code points); `None` if `text` does not start with an
/// operator or the sequence is incomplete or too deep.
pub fn ids_len(text: &str) -> Option<usize> {
    let first = text.chars().next()?;
    if ids_arity(first) == 0 {
        return None;
    }
    let mut code_points = 0;
    match consume_ids(text, 16, &mut code_points) {
        IdsParse::Complete(len) => Some(len),
        IdsParse::Incomplete | IdsParse::Invalid => None,
    }
}

enum IdsParse {
    Complete(usize),
    Incomplete,
    Invalid,
}

fn consume_ids(text: &str, depth_left: usize, code_points: &mut usize) -> IdsParse {
    const MAX_CODE_POINTS: usize = 64;
    let Some(c) = text.chars().next() else {
        return IdsParse::Incomplete;
    };
    if depth_left == 0 || *code_points >= MAX_CODE_POINTS {
        return IdsParse::Invalid;
    }
    *code_points += 1;
    let arity = ids_arity(c);
    let mut offset = c.len_utf8();
    for _ in 0..arity {
        if offset >= text.len() {
            return IdsParse::Incomplete;
        }
        match consume_ids(&text[offset..], depth_left - 1, code_points) {
            IdsParse::Complete(len) => offset += len,
            other => return other,
        }
    }
    IdsParse::Complete(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(text: &str) -> DictNode {
        DictNode::Leaf(Arc::new(DictData::from_text(text).unwrap()))
    }

    fn convert(m: &Matcher, s: &str) -> String {
        let mut out = String::new();
        m.convert_segment(s, &mut out, false);
        out
    }

    #[test]
    fn forward_maximum_matching_takes_the_longest_key() {
        let m = Matcher::new(leaf("一\t1\n一二\t12\n一二三\t123\n三\t3\n"));
        assert_eq!(convert(&m, "一二三四一二一"), "123四121");
    }

    #[test]
    fn short_circuit_prefers_the_first_child_even_if_shorter() {
        let group = DictNode::Group {
            policy: MatchPolicy::ShortCircuit,
            children: vec![leaf("甲乙\tA\n"), leaf("甲乙丙\tB\n甲\tC\n")],
        };
        let m = Matcher::new(group);
        assert_eq!(convert(&m, "甲乙丙"), "A丙");
        assert_eq!(convert(&m, "甲丙"), "C丙");
    }

    #[test]
    fn union_takes_the_longest_and_the_earlier_on_ties() {
        let group = DictNode::Group {
            policy: MatchPolicy::Union,
            children: vec![leaf("甲乙\tA\n甲\tX\n"), leaf("甲乙丙\tB\n甲\tY\n")],
        };
        let m = Matcher::new(group);
        assert_eq!(convert(&m, "甲乙丙"), "B");
        assert_eq!(convert(&m, "甲丁"), "X丁");
    }

    #[test]
    fn segmentation_gathers_unmatched_runs() {
        let m = Matcher::new(leaf("中国\tx\n"));
        let mut segs = Vec::new();
        m.segment("我爱中国人民中国", |s, _| segs.push(s));
        assert_eq!(segs, ["我爱", "中国", "人民", "中国"]);
    }

    #[test]
    fn the_pair_filter_finds_every_stop_at_any_offset() {
        // Keys like the normalization's: compatibility ideographs (EF A4,
        // F0 AF) beside fullwidth punctuation (EF BC) that must not stop.
        let m = Matcher::new(leaf("\u{F900}\tA\n\u{2F800}\tB\n"));
        let filter = m.leads.filter.as_ref().expect("three lead bytes");
        for pad in 0..70 {
            for stop in ["\u{F900}", "\u{2F800}", "\u{2FF0}"] {
                let text = format!("{}，{stop}，中", "中".repeat(pad));
                let at = text.find(stop).unwrap();
                assert_eq!(filter.find(text.as_bytes()), Some(at), "{pad} {stop}");
                assert_eq!(m.unchanged_prefix(&text), Some(at));
            }
            let plain = format!("{}，“中”", "中".repeat(pad));
            assert_eq!(filter.find(plain.as_bytes()), None);
            assert_eq!(m.unchanged_prefix(&plain), Some(plain.len()));
        }
        assert_eq!(convert(&m, "中，\u{F900}，\u{2F800}"), "中，A，B");
    }

    #[test]
    fn an_ideographic_description_sequence_is_copied_whole() {
        // 氵 would convert on its own; inside ⿰氵工 it is not looked up.
        let m = Matcher::new(leaf("氵\tW\n工\tG\n"));
        assert_eq!(convert(&m, "⿰氵工氵"), "⿰氵工W");
        // Incomplete: the operator is copied alone, then matching resumes.
        assert_eq!(convert(&m, "⿰氵"), "⿰W");
        assert_eq!(ids_len("⿱⿰氵工木x"), Some("⿱⿰氵工木".len()));
        assert_eq!(ids_len("⿲a"), None);
    }
}

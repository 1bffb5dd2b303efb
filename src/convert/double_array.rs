/*!
A character-wise double-array trie, built for one job: forward maximum
matching (the longest key at a position) over UTF-8 text, as fast as the
text can be decoded.

Shared, through `#[path]`, by `build.rs` (which builds the tries of the
bundled dictionaries ahead of time) and the library (which reads them back,
and builds users' dictionaries at run time); it depends on nothing but `std`.

Why our own rather than a crate's: OpenCC's matching asks, at each position,
for the longest key starting there. An Aho-Corasick automaton (daachorse)
answers a different question, all matches in one pass, and paid about 40
instructions per byte of Chinese text for it, most of a conversion's cost;
a general trie (crawdad) hides its arrays behind an iterator that costs as
much per step. Measured on Chinese text, about four positions in five begin
some key of `STPhrases`, but the walk from there almost always ends at the
second character, so a walk is one table lookup for the character's code,
one or two array probes, and a compare: about a third of the automaton's
instructions (see `scripts/bench-convert`).

Layout: characters are mapped to dense codes (most frequent in keys first,
so the common characters' slots cluster) through a two-level table indexed
by code point (`page_of[cp >> 8]`, then 256 codes per page; page 0 is all
"absent"), which is what is serialized; at load, the codes of the Basic
Multilingual Plane are also spread into one table indexed by code point, so
that the scanning loop finds a Chinese character's code with one load. Node
`n` has its child for code `c` at slot `base[n] + c` when `check[slot] ==
n`. The root is slot 0, with base 0 (its children are placed first), so
the root's child for a character is the slot numbered by its code; free
slots have `check == NONE`. The array is padded so that `base + code` is
always in bounds.

The scanning loop here ([`DoubleArrayTrie::for_each_match`], [`DoubleArrayTrie::occurs_in`])
decodes each character once: the walk from a position reads one character
past its last step, and that is usually where the next position starts; its
code is kept. The whole-text replacing loop, where time goes, is
`DictData::replace_into` (in `dict_data.rs`), which reads the arrays
through [`Tables`] and is written to avoid data-dependent branches: on
Chinese text, whether a character begins a key is a coin flip to the branch
predictor, and a mispredicted branch costs more than a dozen instructions.
*/

use std::borrow::Cow;
use std::fmt;

/// Marks a free slot's `check` and a non-terminal node's `value`.
pub const NONE: u32 = u32::MAX;

/// The root's `check`: taken, and no node's index.
const TAKEN: u32 = u32::MAX - 1;

/// Code points per page of the code table.
const PAGE: usize = 256;

/// Pages covering every code point (0x110000 / 256).
const PAGES: usize = 0x11_0000 / PAGE;

/// Code points of the Basic Multilingual Plane.
const BMP: usize = 0x1_0000;

/// One slot of the double array. `repr(C)`: three `u32`s, twelve bytes, no
/// padding, as serialized (little-endian), so that an embedded blob's array
/// can be used in place.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// Where the node's children start (child for code `c`: `base + c`).
    pub base: u32,
    /// The parent node's slot; `NONE` when free.
    pub check: u32,
    /// The key's value index when this node ends a key, else `NONE`.
    pub value: u32,
}

const FREE: Slot = Slot {
    base: 0,
    check: NONE,
    value: NONE,
};

/// A trie of keys, each with a `u32` value (an index into the caller's
/// entry table).
#[derive(Clone, PartialEq, Eq)]
pub struct DoubleArrayTrie {
    /// Page number (into `codes`) for each 256 code points; 0: no key
    /// character on that page.
    page_of: Vec<u32>,
    /// Codes, `PAGE` per page; 0 means "in no key".
    codes: Vec<u32>,
    /// The codes of the Basic Multilingual Plane, indexed by code point:
    /// one load per character instead of two for almost all text (built
    /// from the two tables above, not serialized).
    bmp: Box<[u32]>,
    /// Built, or borrowed from an embedded blob.
    slots: Cow<'static, [Slot]>,
    /// Whether some key starts with an ASCII character: if not, runs of
    /// ASCII are passed without lookups.
    ascii_starts: bool,
}

impl fmt::Debug for DoubleArrayTrie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DoubleArrayTrie")
            .field("slots", &self.slots.len())
            .field("pages", &(self.codes.len() / PAGE))
            .finish()
    }
}

/// The arrays of a trie as plain slices, for scanning loops (this file's,
/// and the replacing loop of `dict_data.rs`): copied into locals, they stay
/// in registers where fields read through `&self` would be reloaded after
/// every write to memory.
#[derive(Clone, Copy)]
pub struct Tables<'a> {
    slots: &'a [Slot],
    bmp: &'a [u32],
    page_of: &'a [u32],
    codes: &'a [u32],
}

impl Tables<'_> {
    /// The code and byte length of the character at `at` of `bytes`.
    /// Three-byte characters (all of the BMP's CJK) are tested first.
    ///
    /// This is `utf8::decode_at` with the table lookup inside each branch:
    /// decoding first and then choosing the table by length adds a branch
    /// the compiler does not remove, which cost the replacing loop about a
    /// tenth more instructions on Simplified text.
    ///
    /// # Safety
    ///
    /// `bytes` must be valid UTF-8 and `at` a character boundary below its
    /// length: then the lead byte says how many continuation bytes follow,
    /// and they are in bounds. The tables come from a `DoubleArrayTrie`
    /// that passed `validate` (every trie does, or was built by this
    /// build): `bmp` covers the BMP, `page_of` every code point, each page
    /// lies in `codes`.
    #[inline(always)]
    pub unsafe fn code_at(self, bytes: &[u8], at: usize) -> (u32, usize) {
        debug_assert!(at < bytes.len() && (bytes[at] as i8) >= -0x40);
        // SAFETY: as the caller promises.
        unsafe {
            let b = |i: usize| *bytes.get_unchecked(at + i) as usize;
            let b0 = b(0);
            if b0.wrapping_sub(0xE0) < 0x10 {
                let cp = ((b0 & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
                (*self.bmp.get_unchecked(cp), 3)
            } else if b0 < 0x80 {
                (*self.bmp.get_unchecked(b0), 1)
            } else if b0 < 0xE0 {
                let cp = ((b0 & 0x1F) << 6) | (b(1) & 0x3F);
                (*self.bmp.get_unchecked(cp), 2)
            } else {
                let cp = ((b0 & 0x07) << 18)
                    | ((b(1) & 0x3F) << 12)
                    | ((b(2) & 0x3F) << 6)
                    | (b(3) & 0x3F);
                let page = *self.page_of.get_unchecked(cp / PAGE) as usize;
                (*self.codes.get_unchecked(page * PAGE + cp % PAGE), 4)
            }
        }
    }

    /// The slot `index`. The root's child for code `c` is slot `c` (the
    /// root's base is 0); node `n`'s is `base + c`, its child when its
    /// `check` is `n`.
    ///
    /// # Safety
    ///
    /// `index` must be a code from [`Tables::code_at`], or some slot's
    /// `base` plus such a code: `validate` checks that those are in bounds.
    #[inline(always)]
    pub unsafe fn slot(self, index: u32) -> Slot {
        debug_assert!((index as usize) < self.slots.len());
        // SAFETY: as the caller promises.
        unsafe { *self.slots.get_unchecked(index as usize) }
    }
}

impl DoubleArrayTrie {
    /// The arrays, for a scanning loop.
    #[inline(always)]
    pub fn tables(&self) -> Tables<'_> {
        Tables {
            slots: &self.slots,
            bmp: &self.bmp,
            page_of: &self.page_of,
            codes: &self.codes,
        }
    }

    /// Whether some key starts with an ASCII character.
    pub fn ascii_starts(&self) -> bool {
        self.ascii_starts
    }

    /// The largest character code (0 for an empty trie).
    pub fn max_code(&self) -> u32 {
        self.codes.iter().copied().max().unwrap_or(0)
    }

    /// The value of the one-character key whose character has `code`, if
    /// there is such a key.
    pub fn root_value(&self, code: u32) -> Option<u32> {
        // The root is slot 0, with base 0: its child for `code` is slot
        // `code`, when that slot's parent is the root. Code 0 is in no key.
        let slot = self.slots.get(code as usize).filter(|_| code != 0)?;
        (slot.check == 0 && slot.value != NONE).then_some(slot.value)
    }

    /// Builds the trie of `keys` (unique, non-empty) with their values.
    pub fn build<'k>(keys: impl IntoIterator<Item = (&'k str, u32)>) -> DoubleArrayTrie {
        let keys: Vec<(Vec<char>, u32)> = keys
            .into_iter()
            .map(|(k, v)| (k.chars().collect(), v))
            .collect();
        let (page_of, codes, max_code) = code_tables(&keys);
        let code_of =
            |c: char| codes[page_of[c as usize / PAGE] as usize * PAGE + c as usize % PAGE];
        let mut coded: Vec<(Vec<u32>, u32)> = keys
            .iter()
            .map(|(k, v)| (k.iter().map(|&c| code_of(c)).collect(), *v))
            .collect();
        coded.sort();
        let ascii_starts = keys
            .iter()
            .any(|(k, _)| k.first().is_some_and(char::is_ascii));
        let slots = padded(place_nodes(&coded), max_code);
        let trie = DoubleArrayTrie {
            bmp: bmp_table(&page_of, &codes),
            page_of,
            codes,
            slots: Cow::Owned(slots),
            ascii_starts,
        };
        // The scanning loop's unchecked lookups rely on what this checks.
        trie.validate(u32::MAX)
            .expect("a built trie is well formed");
        trie
    }

    /// The code of `cp`, 0 when no key holds it.
    #[inline(always)]
    fn code(&self, cp: u32) -> u32 {
        if let Some(&code) = self.bmp.get(cp as usize) {
            return code;
        }
        let page = self.page_of.get(cp as usize / PAGE).copied().unwrap_or(0);
        self.codes[page as usize * PAGE + cp as usize % PAGE]
    }

    /// The child of `node` for code point `cp`. Code 0 needs no test of
    /// its own: no node has a child at `base + 0`, and the root's `check`
    /// is `TAKEN`.
    #[inline(always)]
    fn child(&self, node: u32, cp: u32) -> Option<u32> {
        let slot = self.slots[node as usize].base + self.code(cp);
        (self.slots[slot as usize].check == node).then_some(slot)
    }

    /// The longest key starting at byte `pos` of `text` (a character
    /// boundary): its end offset and value.
    #[inline]
    pub fn longest_at(&self, text: &str, pos: usize) -> Option<(usize, u32)> {
        let mut node = 0;
        let mut at = pos;
        let mut best = None;
        for c in text[pos..].chars() {
            match self.child(node, c as u32) {
                Some(next) => node = next,
                None => break,
            }
            at += c.len_utf8();
            let value = self.slots[node as usize].value;
            if value != NONE {
                best = Some((at, value));
            }
        }
        best
    }

    /// Forward maximum matching over `text`: `f(start, end, value)` for each
    /// match in order; positions where no key starts are passed.
    #[inline]
    pub fn for_each_match(&self, text: &str, mut f: impl FnMut(usize, usize, u32)) {
        self.scan(text, |start, end, value| {
            f(start, end, value);
            true
        });
    }

    /// Whether some key occurs in `text`.
    pub fn occurs_in(&self, text: &str) -> bool {
        let mut found = false;
        self.scan(text, |_, _, _| {
            found = true;
            false
        });
        found
    }

    /// The matching loop; `f` returns whether to go on.
    ///
    /// The character at the current position is always decoded and coded
    /// already when a position starts: a walk decodes one character past
    /// its last step (where it fails), which is usually where the next
    /// position starts (just after the match, or after the first
    /// character), so each character is decoded and looked up once.
    #[inline(always)]
    fn scan(&self, text: &str, mut f: impl FnMut(usize, usize, u32) -> bool) {
        let bytes = text.as_bytes();
        let n = bytes.len();
        // The tables as locals: `f` writes memory, after which fields read
        // through `self` would be loaded again on every step.
        let tables = self.tables();
        let skip_ascii = !self.ascii_starts;
        // SAFETY: `bytes` is a `&str`'s; `pos` and `at` start at 0 and
        // only ever move by whole decoded characters or to a match's end,
        // so each is a character boundary, and each is checked to be below
        // `n` before a decode.
        let code_at = |at: usize| unsafe { tables.code_at(bytes, at) };
        // SAFETY: the slots looked up are codes from `code_at`, or a
        // node's base plus such a code, which `validate` checked are in
        // bounds.
        let slot = |node: u32| unsafe { tables.slot(node) };
        if n == 0 {
            return;
        }
        let mut pos = 0;
        // The code and byte length of the character at `pos`; after a walk,
        // of the character where it stopped (at `at`).
        let (mut code, mut len) = code_at(0);
        loop {
            // The root's base is 0 (checked by `validate`).
            let first = slot(code);
            let after_first = pos + len;
            // A code in no key is 0, and no node has a child there.
            if first.check != 0 {
                pos = after_first;
                // Runs of ASCII start no key (usually): passed bytewise.
                if len == 1 && skip_ascii {
                    while pos < n && bytes[pos] < 0x80 {
                        pos += 1;
                    }
                }
                if pos >= n {
                    return;
                }
                (code, len) = code_at(pos);
                continue;
            }
            // (end, value) of the longest key so far; end 0: none.
            let (mut best_end, mut best_value) = (0, first.value);
            if first.value != NONE {
                best_end = after_first;
            }
            let mut at = after_first;
            let (mut node, mut base) = (code, first.base);
            while at < n {
                (code, len) = code_at(at);
                let next = base + code;
                let s = slot(next);
                if s.check != node {
                    break;
                }
                (node, base) = (next, s.base);
                at += len;
                if s.value != NONE {
                    (best_end, best_value) = (at, s.value);
                }
            }
            let next = if best_end == 0 {
                after_first
            } else {
                if !f(pos, best_end, best_value) {
                    return;
                }
                best_end
            };
            if next >= n {
                return;
            }
            if next != at {
                (code, len) = code_at(next);
            }
            pos = next;
        }
    }

    /// Appends the serialized form (little-endian `u32`s).
    pub fn serialize(&self, out: &mut Vec<u8>) {
        let mut put = |v: u32| out.extend_from_slice(&v.to_le_bytes());
        put(u32::from(self.ascii_starts));
        put(to_u32(self.page_of.len()));
        self.page_of.iter().for_each(|&v| put(v));
        put(to_u32(self.codes.len()));
        self.codes.iter().for_each(|&v| put(v));
        put(to_u32(self.slots.len()));
        for s in self.slots.iter() {
            put(s.base);
            put(s.check);
            put(s.value);
        }
    }

    /// Reads what [`DoubleArrayTrie::serialize`] wrote from the front of `bytes`,
    /// returning the trie and the rest. Checks that every lookup stays in
    /// bounds and every value is below `values`, so a damaged blob is an
    /// error here, never a panic later.
    pub fn deserialize(
        bytes: &'static [u8],
        values: u32,
    ) -> Result<(DoubleArrayTrie, &'static [u8]), String> {
        let (trie, rest) = Self::read(bytes)?;
        trie.validate(values)?;
        Ok((trie, rest))
    }

    /// [`DoubleArrayTrie::deserialize`] without the checks.
    ///
    /// # Safety
    ///
    /// `bytes` must have been written by [`DoubleArrayTrie::serialize`] of a trie made
    /// by [`DoubleArrayTrie::build`] in this build (which checked it), because the
    /// scanning loop reads the arrays without bounds checks.
    pub unsafe fn deserialize_unchecked(
        bytes: &'static [u8],
    ) -> Result<(DoubleArrayTrie, &'static [u8]), String> {
        Self::read(bytes)
    }

    fn read(bytes: &'static [u8]) -> Result<(DoubleArrayTrie, &'static [u8]), String> {
        let mut r = bytes;
        let ascii_starts = take_words(&mut r, 1)?.next() != Some(0);
        let n = take_words(&mut r, 1)?.next().unwrap_or(0) as usize;
        let page_of: Vec<u32> = take_words(&mut r, n)?.collect();
        let n = take_words(&mut r, 1)?.next().unwrap_or(0) as usize;
        let codes: Vec<u32> = take_words(&mut r, n)?.collect();
        let n = take_words(&mut r, 1)?.next().unwrap_or(0) as usize;
        let len = n
            .checked_mul(12)
            .filter(|&b| b <= r.len())
            .ok_or("truncated dictionary trie")?;
        let (raw, rest) = r.split_at(len);
        let slots = match slots_in_place(raw) {
            Some(slots) => Cow::Borrowed(slots),
            None => {
                let word = |w: &[u8]| u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
                Cow::Owned(
                    raw.chunks_exact(12)
                        .map(|s| Slot {
                            base: word(&s[0..4]),
                            check: word(&s[4..8]),
                            value: word(&s[8..12]),
                        })
                        .collect(),
                )
            }
        };
        let trie = DoubleArrayTrie {
            bmp: bmp_table(&page_of, &codes),
            page_of,
            codes,
            slots,
            ascii_starts,
        };
        Ok((trie, rest))
    }

    fn validate(&self, values: u32) -> Result<(), String> {
        let pages = self.codes.len() / PAGE;
        if self.page_of.len() != PAGES
            || !self.codes.len().is_multiple_of(PAGE)
            || pages == 0
            || self.page_of.iter().any(|&p| p as usize >= pages)
            || self.slots.first().is_none_or(|root| root.base != 0)
        {
            return Err("malformed code table in dictionary trie".into());
        }
        let max_code = self.codes.iter().copied().max().unwrap_or(0) as u64;
        for s in self.slots.iter() {
            if s.base as u64 + max_code >= self.slots.len() as u64
                || (s.value != NONE && s.value >= values)
            {
                return Err("malformed node in dictionary trie".into());
            }
        }
        Ok(())
    }
}

/// The paged code table of the keys' characters: `(page_of, codes, largest
/// code)`. Codes go by descending frequency in the keys (ties by code
/// point), so that the common characters' slots cluster; code 0 means "in
/// no key", and page 0 is all zeros.
fn code_tables(keys: &[(Vec<char>, u32)]) -> (Vec<u32>, Vec<u32>, u32) {
    let mut freq: std::collections::HashMap<char, usize> = Default::default();
    for (k, _) in keys {
        for &c in k {
            *freq.entry(c).or_default() += 1;
        }
    }
    let mut by_freq: Vec<(char, usize)> = freq.into_iter().collect();
    by_freq.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut page_of = vec![0u32; PAGES];
    let mut codes = vec![0u32; PAGE];
    for (rank, &(c, _)) in by_freq.iter().enumerate() {
        let page = c as usize / PAGE;
        if page_of[page] == 0 {
            page_of[page] = u32::try_from(codes.len() / PAGE).expect("few pages");
            codes.resize(codes.len() + PAGE, 0);
        }
        let code = u32::try_from(rank + 1).expect("fewer than 2^32 characters");
        codes[page_of[page] as usize * PAGE + c as usize % PAGE] = code;
    }
    let max_code = by_freq.len() as u32;
    (page_of, codes, max_code)
}

/// The slots of the trie of `coded` (keys as codes, sorted, with their
/// values): each node's children placed at the first base where all of
/// them fit, depth first.
fn place_nodes(coded: &[(Vec<u32>, u32)]) -> Vec<Slot> {
    let mut builder = Builder {
        slots: vec![FREE],
        next_free: 1,
    };
    builder.slots[0].check = TAKEN;
    // (node, first key, end of keys, depth): keys[first..end] share the
    // node's prefix of `depth` codes.
    let mut stack = vec![(0u32, 0usize, coded.len(), 0usize)];
    let mut children: Vec<(u32, usize, usize)> = Vec::new();
    while let Some((node, mut lo, hi, depth)) = stack.pop() {
        if lo < hi && coded[lo].0.len() == depth {
            builder.slots[node as usize].value = coded[lo].1;
            lo += 1;
        }
        children.clear();
        let mut i = lo;
        while i < hi {
            let code = coded[i].0[depth];
            let start = i;
            while i < hi && coded[i].0[depth] == code {
                i += 1;
            }
            children.push((code, start, i));
        }
        if children.is_empty() {
            continue;
        }
        let base = builder.place(children.iter().map(|c| c.0));
        builder.slots[node as usize].base = base;
        for &(code, start, end) in &children {
            let slot = base + code;
            builder.slots[slot as usize].check = node;
            stack.push((slot, start, end, depth + 1));
        }
    }
    builder.slots
}

/// `slots` padded with free slots so that any `base + code` of a lookup
/// stays in bounds.
fn padded(mut slots: Vec<Slot>, max_code: u32) -> Vec<Slot> {
    let max_base = slots.iter().map(|s| s.base).max().unwrap_or(0);
    let len = max_base as usize + max_code as usize + 1;
    if slots.len() < len {
        slots.resize(len, FREE);
    }
    slots
}

/// The codes of the code points below U+10000, one per code point, from
/// the paged tables. Pages without a key character are left zero, so a
/// table for few characters costs little more than its allocation.
fn bmp_table(page_of: &[u32], codes: &[u32]) -> Box<[u32]> {
    let mut bmp = vec![0u32; BMP].into_boxed_slice();
    for (page, &at) in page_of.iter().take(BMP / PAGE).enumerate() {
        if at != 0 {
            let from = at as usize * PAGE;
            if let Some(src) = codes.get(from..from + PAGE) {
                bmp[page * PAGE..][..PAGE].copy_from_slice(src);
            }
        }
    }
    bmp
}

/// The serialized slots `raw` used in place, when the target is
/// little-endian and `raw` is aligned for [`Slot`] (embedded blobs are: see
/// build.rs); this spares a one-line run a copy of megabytes, and the page
/// faults of writing it, which cost more than its instructions.
fn slots_in_place(raw: &'static [u8]) -> Option<&'static [Slot]> {
    const _: () = assert!(std::mem::size_of::<Slot>() == 12);
    if cfg!(target_endian = "big") || raw.as_ptr().align_offset(std::mem::align_of::<Slot>()) != 0 {
        return None;
    }
    // SAFETY: `Slot` is `repr(C)` of three `u32`s (twelve bytes, no
    // padding, every bit pattern valid); `raw` is aligned for it, holds
    // `raw.len() / 12` of them (the caller took a multiple of twelve
    // bytes), lives for `'static` and is never written; on a little-endian
    // target its bytes are the fields as `serialize` wrote them.
    Some(unsafe { std::slice::from_raw_parts(raw.as_ptr().cast::<Slot>(), raw.len() / 12) })
}

/// Places children in the double array, first fit.
struct Builder {
    slots: Vec<Slot>,
    /// Every slot below this is taken.
    next_free: usize,
}

impl Builder {
    /// Finds a base where every code's slot is free, takes those slots
    /// (their `check` is set by the caller) and returns it.
    fn place(&mut self, codes: impl Iterator<Item = u32> + Clone) -> u32 {
        let first = codes.clone().next().expect("at least one child") as usize;
        // Codes start at 1, so no child lands on the root (slot 0), and the
        // root's children, placed first, get base 0.
        let mut probe = self.next_free.max(first);
        loop {
            if probe >= self.slots.len() || self.slots[probe].check == NONE {
                let base = probe - first;
                let fits = codes.clone().all(|c| {
                    let at = base + c as usize;
                    at >= self.slots.len() || self.slots[at].check == NONE
                });
                if fits {
                    let top = codes.clone().max().unwrap_or(0) as usize + base;
                    if self.slots.len() <= top {
                        self.slots.resize(top + 1, FREE);
                    }
                    for c in codes {
                        // Reserved now; the caller writes the real check.
                        self.slots[base + c as usize].check = TAKEN;
                    }
                    while self.next_free < self.slots.len()
                        && self.slots[self.next_free].check != NONE
                    {
                        self.next_free += 1;
                    }
                    return to_u32(base);
                }
            }
            probe += 1;
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("dictionary trie larger than 4 GiB")
}

/// Takes `n` little-endian words off the front of `r`.
fn take_words<'a>(r: &mut &'a [u8], n: usize) -> Result<impl Iterator<Item = u32> + 'a, String> {
    let bytes = n
        .checked_mul(4)
        .filter(|&b| b <= r.len())
        .ok_or("truncated dictionary trie")?;
    let (head, tail) = r.split_at(bytes);
    *r = tail;
    Ok(head
        .chunks_exact(4)
        .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trie(keys: &[&str]) -> DoubleArrayTrie {
        DoubleArrayTrie::build(keys.iter().enumerate().map(|(i, k)| (*k, i as u32)))
    }

    fn matches(d: &DoubleArrayTrie, text: &str) -> Vec<(usize, usize, u32)> {
        let mut out = Vec::new();
        d.for_each_match(text, |s, e, v| out.push((s, e, v)));
        out
    }

    #[test]
    fn longest_key_at_a_position() {
        let d = trie(&["一", "一二", "一二三", "三", "a"]);
        assert_eq!(d.longest_at("一二三四", 0), Some((9, 2)));
        assert_eq!(d.longest_at("一二四", 0), Some((6, 1)));
        assert_eq!(d.longest_at("一四", 0), Some((3, 0)));
        assert_eq!(d.longest_at("四", 0), None);
        assert_eq!(d.longest_at("x三", 1), Some((4, 3)));
    }

    #[test]
    fn forward_maximum_matching_steps_over_matches_and_gaps() {
        let d = trie(&["一", "一二", "一二三", "三", "a"]);
        assert_eq!(
            matches(&d, "一二三四一二一ab"),
            [(0, 9, 2), (12, 18, 1), (18, 21, 0), (21, 22, 4)]
        );
        // A walk that passes a shorter key and fails later keeps the shorter.
        let d = trie(&["ab", "abcd"]);
        assert_eq!(matches(&d, "abcx abcd"), [(0, 2, 0), (5, 9, 1)]);
        assert!(d.occurs_in("xxabyy"));
        assert!(!d.occurs_in("xxaxbyy"));
    }

    #[test]
    fn agrees_with_a_naive_matcher_on_every_plane() {
        let keys = [
            "中国",
            "中国人",
            "人民",
            "民",
            "𠀀",
            "𠀀中",
            "é",
            "éa",
            "\u{10FFFF}",
            "ab",
            "国",
        ];
        let d = trie(&keys);
        let text = "中国人民é𠀀中国éab\u{10FFFF}民人xyz中";
        let mut naive = Vec::new();
        let mut pos = 0;
        while pos < text.len() {
            let best = keys
                .iter()
                .enumerate()
                .filter(|(_, k)| text[pos..].starts_with(**k))
                .max_by_key(|(_, k)| k.len());
            match best {
                Some((i, k)) => {
                    naive.push((pos, pos + k.len(), i as u32));
                    pos += k.len();
                }
                None => pos += text[pos..].chars().next().unwrap().len_utf8(),
            }
        }
        assert_eq!(matches(&d, text), naive);
    }

    #[test]
    fn serializes_and_refuses_damage() {
        let d = trie(&["中国", "人民", "中"]);
        let mut blob = Vec::new();
        d.serialize(&mut blob);
        blob.extend_from_slice(b"rest");
        let blob: &'static [u8] = blob.leak();
        let (back, rest) = DoubleArrayTrie::deserialize(blob, 3).unwrap();
        assert_eq!(back, d);
        assert_eq!(rest, b"rest");
        assert!(
            DoubleArrayTrie::deserialize(blob, 2).is_err(),
            "value out of range"
        );
        assert!(DoubleArrayTrie::deserialize(&blob[..blob.len() - 20], 3).is_err());
    }

    #[test]
    fn an_empty_trie_matches_nothing() {
        let d = trie(&[]);
        assert_eq!(matches(&d, "中文 text"), []);
        assert_eq!(d.longest_at("中", 0), None);
    }
}

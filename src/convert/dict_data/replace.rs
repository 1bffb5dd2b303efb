/*!
The whole-text replacing loop of a dictionary ([`DictData::replace_into`]
and [`DictData::scan_fused`]), and the small types that hold all of its
`unsafe`: [`Scanner`] reads the text's characters and the trie's slots
without bounds checks, [`Appender`] appends whole characters and values to
the output's bytes, and [`OutBuf`] does so through a write position kept in
registers, 16 bytes at a time.

Why the loop is shaped as it is (few data-dependent branches, block copies,
one test per step) is said on [`DictData::replace_into`].

# The one safety argument

[`Scanner::new`] and [`Appender::new`] are `unsafe`: their caller promises
what every later use relies on, and the methods check it in debug builds.

* Every position handed to them is a character boundary of the text: the
  loop starts at 0 and moves by whole decoded characters and whole matches
  (whose ends the trie walk reached by stepping characters).
* Every position decoded is below the text's end: the main loop runs while
  `pos + BLOCK <= n`, and a character is at most 4 bytes long, so the
  character after `pos` starts below `n` too; the trie walk tests `at < n`.
* Every slot read is a code, or a slot's base plus a code, and every code
  one that [`Scanner::char_at`] decoded: the trie was checked (`validate`)
  to keep those in bounds, and `ones` has an entry per code.
* Every range of the values is a whole value: the spans are built from the
  entries, whose values were `str`s or were read from a checked (or this
  build's own, trusted) blob.

So the output only ever receives whole UTF-8 sequences, and it is UTF-8
whenever its length is set. A panic (a bounds check) can stop the loop only
between two appends, at such a point.

[`OutBuf::copy_char_or_value`] needs one more thing, room, and stays
`unsafe` for it: it writes a whole block whatever it keeps. The loop makes
room for `STRIDE + 1` blocks ([`OutBuf::make_room`]) whenever it crosses its
`limit`, which is at most `STRIDE` bytes ahead; every step moves by a byte
or more and keeps at most a block, and every step that appends in another
way resets the limit.
*/

use super::dart::{Slot, Tables, NONE};
use super::{DictData, Span, BLOCK, ROOM, SAME, STRIDE};

/// A character of the text: where it starts, its code in the trie and its
/// length in bytes.
#[derive(Clone, Copy)]
struct Char {
    pos: usize,
    code: u32,
    len: usize,
}

impl Char {
    /// Where the next character starts.
    #[inline(always)]
    fn end(self) -> usize {
        self.pos + self.len
    }
}

/// The longest key found at a position by [`Scanner::longest_key`].
#[derive(Clone, Copy)]
struct Longest {
    /// Where the key ends; 0 when no key starts at the position.
    end: usize,
    /// The key's value index ([`NONE`] when there is no key).
    value: u32,
    /// The character at which the walk stopped, when it stopped before the
    /// text's end: usually where the next position starts, so that it need
    /// not be decoded twice.
    stop: Option<Char>,
}

/// Reads the text's characters as trie codes, and the trie's slots, with
/// no bounds checks (see the module's safety argument).
#[derive(Clone, Copy)]
struct Scanner<'a> {
    tables: Tables<'a>,
    text: &'a str,
    /// [`DictData`]'s `spans`: where each entry's value lies.
    spans: &'a [Span],
    /// [`DictData`]'s `ones`: the span of each code's one-character key.
    ones: &'a [Span],
}

impl<'a> Scanner<'a> {
    /// # Safety
    ///
    /// `tables`, `spans` and `ones` must be those of one [`DictData`], and every
    /// position later given to [`Scanner::char_at`] a character boundary
    /// of `text` below its length (the module's safety argument).
    #[inline(always)]
    unsafe fn new(dict: &'a DictData, text: &'a str) -> Self {
        Self {
            tables: dict.dart().tables(),
            text,
            spans: dict.spans(),
            ones: dict.ones(),
        }
    }

    /// The text's length in bytes.
    #[inline(always)]
    fn len(self) -> usize {
        self.text.len()
    }

    /// The character at `pos`.
    #[inline(always)]
    fn char_at(self, pos: usize) -> Char {
        debug_assert!(pos < self.text.len() && self.text.is_char_boundary(pos));
        // SAFETY: `pos` is a character boundary below the end (`new`), and
        // the text is a `str`.
        let (code, len) = unsafe { self.tables.code_at(self.text.as_bytes(), pos) };
        Char { pos, code, len }
    }

    /// The slot `index`: a code, or a slot's base plus a code.
    #[inline(always)]
    fn slot(self, index: u32) -> Slot {
        // SAFETY: the trie keeps such indices in bounds (`new`); `slot`
        // checks it in debug builds.
        unsafe { self.tables.slot(index) }
    }

    /// The span of the entry `index`.
    #[inline(always)]
    fn span(self, index: u32) -> Span {
        self.spans[index as usize]
    }

    /// The span of the one-character key of the character with `code`, or
    /// the "no key" span.
    #[inline(always)]
    fn one_char_span(self, code: u32) -> Span {
        debug_assert!((code as usize) < self.ones.len());
        // SAFETY: `ones` has an entry for every code (`new`).
        unsafe { *self.ones.get_unchecked(code as usize) }
    }

    /// Where the run of ASCII starting at `pos` ends.
    #[inline(always)]
    fn ascii_run_end(self, pos: usize) -> usize {
        let bytes = self.text.as_bytes();
        let run = bytes[pos..].iter().position(|&b| b >= 0x80);
        run.map_or(bytes.len(), |r| pos + r)
    }

    /// The longest key starting at a character whose root child is
    /// `first`, given that the character after it, `next`, is `first`'s
    /// child `second` (at `second_index`): walks on from there, character
    /// by character.
    #[inline(always)]
    fn longest_key(self, next: Char, first: Slot, second_index: u32, second: Slot) -> Longest {
        let mut best = (0, NONE);
        if first.value != NONE {
            best = (next.pos, first.value);
        }
        let (mut node, mut base, mut at) = (second_index, second.base, next.end());
        if second.value != NONE {
            best = (at, second.value);
        }
        let mut stop = None;
        while at < self.len() {
            let c = self.char_at(at);
            let s = self.slot(base + c.code);
            if s.check != node {
                stop = Some(c);
                break;
            }
            (node, base) = (base + c.code, s.base);
            at += c.len;
            if s.value != NONE {
                best = (at, s.value);
            }
        }
        Longest {
            end: best.0,
            value: best.1,
            stop,
        }
    }

    /// The character at `pos` after a match that ended there, reusing the
    /// one where the walk stopped; past the end, an empty character.
    #[inline(always)]
    fn char_after(self, found: Longest) -> Char {
        match found.stop {
            _ if found.end >= self.len() => Char {
                pos: found.end,
                code: 0,
                len: 0,
            },
            Some(c) if c.pos == found.end => c,
            _ => self.char_at(found.end),
        }
    }
}

/// Appends whole characters of the text and whole values to a `String`
/// through its bytes (see the module's safety argument).
struct Appender<'a> {
    out: &'a mut String,
    text: &'a str,
    values: &'a str,
}

impl<'a> Appender<'a> {
    /// # Safety
    ///
    /// Every position later given to the methods must be a character
    /// boundary of `text`, and every span one of `values`' entries (the
    /// module's safety argument).
    #[inline(always)]
    unsafe fn new(out: &'a mut String, text: &'a str, values: &'a str) -> Self {
        Self { out, text, values }
    }

    /// The output's bytes.
    #[inline(always)]
    fn bytes(&mut self) -> &mut Vec<u8> {
        // SAFETY: only whole characters and values are appended to it
        // (`new`).
        unsafe { self.out.as_mut_vec() }
    }

    /// The output, for appends of its owner's own (`on_key`).
    #[inline(always)]
    fn string(&mut self) -> &mut String {
        self.out
    }

    /// Appends `text[start..end]`, a few characters: as one block when
    /// there is room for it.
    #[inline(always)]
    fn text(&mut self, start: usize, end: usize) {
        debug_assert!(self.text.is_char_boundary(start) && self.text.is_char_boundary(end));
        let text = self.text.as_bytes();
        append_range(self.bytes(), text, start, end - start);
    }

    /// Appends `text[start..end]`, a run of any length.
    #[inline(always)]
    fn text_run(&mut self, start: usize, end: usize) {
        debug_assert!(self.text.is_char_boundary(start) && self.text.is_char_boundary(end));
        let text = self.text.as_bytes();
        self.bytes().extend_from_slice(&text[start..end]);
    }

    /// Appends the value of `span` (not [`SAME`]): as one block when there
    /// is room for it.
    #[inline(always)]
    fn value(&mut self, span: Span) {
        let (start, len) = (span.start as usize, span.len as usize);
        debug_assert!(self.values.is_char_boundary(start));
        debug_assert!(self.values.is_char_boundary(start + len));
        let values = self.values.as_bytes();
        append_range(self.bytes(), values, start, len);
    }

    /// Appends the value of `span` (not [`SAME`]), of any length.
    #[inline(always)]
    fn long_value(&mut self, span: Span) {
        let (start, len) = (span.start as usize, span.len as usize);
        debug_assert!(self.values.is_char_boundary(start));
        debug_assert!(self.values.is_char_boundary(start + len));
        let values = self.values.as_bytes();
        self.bytes().extend_from_slice(&values[start..start + len]);
    }
}

/// An [`Appender`]'s output as a write position and the end of the spare
/// capacity, kept in registers for the block copies of the main loop. The
/// output's length is set from the write position before anything else
/// touches it ([`OutBuf::then`]), and when the `OutBuf` goes away.
struct OutBuf<'b, 'a> {
    app: &'b mut Appender<'a>,
    /// Where the next byte goes: all bytes before it are written.
    wp: *mut u8,
    /// One past the end of the capacity.
    cap_end: *mut u8,
}

impl<'b, 'a> OutBuf<'b, 'a> {
    /// Takes over `app`'s output.
    #[inline(always)]
    fn new(app: &'b mut Appender<'a>) -> Self {
        let (wp, cap_end) = spare(app.bytes());
        Self { app, wp, cap_end }
    }

    /// Sets the output's length to end at the write position.
    #[inline(always)]
    fn set_len(&mut self) {
        let buf = self.app.bytes();
        // SAFETY: `wp` is in the allocation, at or after its start; the
        // bytes before it were written, and are whole characters and
        // values (the appends here and in `then`).
        unsafe {
            let len = self.wp.offset_from(buf.as_ptr()) as usize;
            debug_assert!(len <= buf.capacity());
            buf.set_len(len);
        }
    }

    /// Runs `f` on the appender, with the output's length set, then
    /// continues after what `f` appended.
    #[inline(always)]
    fn then<R>(&mut self, f: impl FnOnce(&mut Appender<'a>) -> R) -> R {
        self.set_len();
        let r = f(self.app);
        (self.wp, self.cap_end) = spare(self.app.bytes());
        r
    }

    /// Makes sure the spare capacity holds `room` bytes, reserving
    /// `reserve` when it does not.
    #[inline(always)]
    fn make_room(&mut self, room: usize, reserve: usize) {
        // SAFETY: `wp <= cap_end`, both in (or one past) the allocation.
        if unsafe { self.cap_end.offset_from(self.wp) } < room as isize {
            self.then(|app| app.bytes().reserve(reserve));
        }
    }

    /// Appends the character `ch` (when `span.block` is [`SAME`]) or the
    /// value of `span`, chosen without a branch and copied as one block of
    /// which the output keeps the length of the one chosen. Returns
    /// `false` when the value was too long for a block and was appended
    /// the slow way, which uses up room the caller must check again.
    ///
    /// # Safety
    ///
    /// The spare capacity must hold [`BLOCK`] bytes, and `ch.pos + BLOCK`
    /// be at most the text's length (see the module doc).
    #[inline(always)]
    unsafe fn copy_char_or_value(&mut self, ch: Char, span: Span) -> bool {
        let (text, values) = (self.app.text.as_bytes(), self.app.values.as_bytes());
        let same = (span.block == SAME) as usize;
        let (keep, take) = (same.wrapping_neg(), same.wrapping_sub(1));
        let src = (text.as_ptr().wrapping_add(ch.pos) as usize & keep)
            | (values.as_ptr().wrapping_add(span.start as usize) as usize & take);
        let copy_len = (ch.len & keep) | (span.block as usize & take);
        if copy_len > BLOCK {
            self.then(|app| app.long_value(span));
            return false;
        }
        debug_assert!(ch.pos + BLOCK <= text.len());
        debug_assert!(same == 1 || span.start as usize + BLOCK <= values.len());
        // SAFETY: `src` is the text at `ch.pos`, from which `BLOCK` bytes
        // are readable (the caller), or the values at a start from which
        // `block` says they are; the spare capacity holds `BLOCK` bytes
        // (the caller). The first `copy_len` bytes copied are the
        // character or the value, whole, and only they are kept.
        unsafe {
            debug_assert!(self.cap_end.offset_from(self.wp) >= BLOCK as isize);
            std::ptr::copy_nonoverlapping(src as *const u8, self.wp, BLOCK);
            self.wp = self.wp.add(copy_len);
        }
        true
    }
}

impl Drop for OutBuf<'_, '_> {
    fn drop(&mut self) {
        self.set_len();
    }
}

/// The end of `buf`'s contents and of its capacity, as pointers.
#[inline(always)]
fn spare(buf: &mut Vec<u8>) -> (*mut u8, *mut u8) {
    let (len, cap) = (buf.len(), buf.capacity());
    let base = buf.as_mut_ptr();
    // SAFETY: both offsets are within (or one past) the allocation.
    unsafe { (base.add(len), base.add(cap)) }
}

/// Bytes that [`append_range`] copies at once.
const CHUNK: usize = 32;

/// Appends `src[from..from + len]` to `buf`. A short range (most ranges
/// between matches, and most values) is copied as one fixed-size block,
/// which compiles to a few moves instead of a `memcpy` call, when both
/// `src` and `buf`'s spare capacity have room for the whole block; only
/// `len` bytes of it become part of `buf`.
#[inline(always)]
pub(super) fn append_range(buf: &mut Vec<u8>, src: &[u8], from: usize, len: usize) {
    if len <= CHUNK
        && src.len().saturating_sub(from) >= CHUNK
        && buf.capacity() - buf.len() >= CHUNK
    {
        // SAFETY: `src[from..from + CHUNK]` is in bounds and the spare
        // capacity holds `CHUNK` bytes (both checked just above); the two
        // never overlap (`buf` is borrowed mutably); the first `len` of the
        // copied bytes are `src[from..from + len]`, so they are initialized
        // and `set_len` exposes exactly them.
        unsafe {
            let dst = buf.as_mut_ptr().add(buf.len());
            std::ptr::copy_nonoverlapping(src.as_ptr().add(from), dst, CHUNK);
            buf.set_len(buf.len() + len);
        }
    } else {
        buf.extend_from_slice(&src[from..from + len]);
    }
}

impl DictData {
    /// The loop of [`DictData::replace_into`] and
    /// [`DictData::scan_fused`]: forward maximum matching over `text`,
    /// appending to `out` the text with every match replaced by its value,
    /// except a match whose key comes from one of the first `seg_parts`
    /// merged parts: for it, `on_key(out, start, end, index)` is called
    /// instead, with `out` holding all that was appended before.
    #[inline(always)]
    pub(super) fn replace_loop<const ASCII_RUNS: bool>(
        &self,
        text: &str,
        out: &mut String,
        seg_parts: u32,
        mut on_key: impl FnMut(&mut String, usize, usize, u32),
    ) {
        // SAFETY: the positions given to both are those of the forward
        // maximum matching below, and the spans this dictionary's (the
        // module's safety argument).
        let mut app = unsafe { Appender::new(out, text, &self.values) };
        app.bytes().reserve(text.len() + BLOCK);
        let mut pos = 0;
        if text.len() >= BLOCK {
            // SAFETY: as above.
            let scan = unsafe { Scanner::new(self, text) };
            pos = self.replace_blocks::<ASCII_RUNS>(scan, &mut app, seg_parts, &mut on_key);
        }
        self.replace_tail(text, pos, &mut app, seg_parts, &mut on_key);
    }

    /// The main loop, up to where blocks would read past the text; returns
    /// where it stopped, a position of the matching.
    #[inline(always)]
    fn replace_blocks<const ASCII_RUNS: bool>(
        &self,
        scan: Scanner<'_>,
        app: &mut Appender<'_>,
        seg_parts: u32,
        on_key: &mut impl FnMut(&mut String, usize, usize, u32),
    ) -> usize {
        let n = scan.len();
        let mut out = OutBuf::new(app);
        let mut ch = scan.char_at(0);
        // The loop's one test per step: `ch.pos < limit`. `limit` is at
        // most `STRIDE` bytes ahead, and at most where the blocks would
        // read past the text; when it is reached (or reset to 0 after a
        // step that appended otherwise than by one block), the end of the
        // text is tested, and room made for `STRIDE + 1` more blocks.
        let mut limit = 0;
        loop {
            if ch.pos >= limit {
                if ch.pos + BLOCK > n {
                    return ch.pos;
                }
                out.make_room(ROOM, n - ch.pos + ROOM);
                limit = (n + 1 - BLOCK).min(ch.pos + STRIDE);
            }
            let next = scan.char_at(ch.end());
            // One comparison: this and the next character are ASCII, which
            // no key starts with. A lone ASCII character (a line break
            // between two lines of Chinese) takes the general, branch-free
            // path instead: testing it here would be a coin flip.
            if ASCII_RUNS && ch.len | next.len == 1 {
                let end = scan.ascii_run_end(ch.pos);
                out.then(|app| app.text_run(ch.pos, end));
                if end + BLOCK > n {
                    return end;
                }
                ch = scan.char_at(end);
                limit = 0;
                continue;
            }
            let first = scan.slot(ch.code);
            let second_index = first.base + next.code;
            let second = scan.slot(second_index);
            // One comparison (both `first.check == 0` and `second.check ==
            // ch.code`): one branch, rarely taken, instead of a first one
            // that is a coin flip.
            if first.check | (second.check ^ ch.code) == 0 {
                // A key of two characters or more may start here.
                let found = scan.longest_key(next, first, second_index, second);
                out.then(|app| append_longest(app, scan, ch, next, found, seg_parts, on_key));
                ch = if found.end == 0 {
                    next
                } else {
                    scan.char_after(found)
                };
                limit = 0;
                continue;
            }
            // At most a one-character key: its value or the character,
            // selected without branches (the code's one-character span,
            // which is the "no key" entry's when it has none).
            let span = scan.one_char_span(ch.code);
            if span.rank < seg_parts {
                // A one-character key of the segmentation (rare).
                out.then(|app| on_key(app.string(), ch.pos, next.pos, first.value));
                limit = 0;
            } else if
            // SAFETY: `ch.pos < limit`, so `ch.pos + BLOCK <= n`, and fewer
            // than `STRIDE` steps of one block at most were taken since
            // `make_room` made room for `STRIDE + 1` (each step moves by a
            // byte or more, and the limit is at most `STRIDE` bytes ahead).
            !unsafe { out.copy_char_or_value(ch, span) } {
                limit = 0;
            }
            ch = next;
        }
    }

    /// The rest of the text from `from` (a position of the matching) on,
    /// where blocks would read past its end, through
    /// [`DictData::for_each_match`].
    #[inline(always)]
    fn replace_tail(
        &self,
        text: &str,
        from: usize,
        app: &mut Appender<'_>,
        seg_parts: u32,
        on_key: &mut impl FnMut(&mut String, usize, usize, u32),
    ) {
        let spans = self.spans();
        let mut done = from;
        self.dart()
            .for_each_match(&text[from..], |start, end, index| {
                let (start, end) = (from + start, from + end);
                let span = spans[index as usize];
                if span.rank < seg_parts {
                    app.text(done, start);
                    on_key(app.string(), start, end, index);
                } else {
                    if span.len == SAME {
                        return;
                    }
                    app.text(done, start);
                    app.value(span);
                }
                done = end;
            });
        app.text_run(done, text.len());
    }
}

/// Appends what replaces the match `found` at `ch` (the character itself
/// when no key starts there).
#[inline(always)]
fn append_longest(
    app: &mut Appender<'_>,
    scan: Scanner<'_>,
    ch: Char,
    next: Char,
    found: Longest,
    seg_parts: u32,
    on_key: &mut impl FnMut(&mut String, usize, usize, u32),
) {
    if found.end == 0 {
        app.text_run(ch.pos, next.pos);
        return;
    }
    let span = scan.span(found.value);
    if span.rank < seg_parts {
        on_key(app.string(), ch.pos, found.end, found.value);
    } else if span.len == SAME {
        app.text(ch.pos, found.end);
    } else {
        app.value(span);
    }
}
